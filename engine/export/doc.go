// Package export writes Allvoice's evaluator data package: a zip holding a
// Frictionless Data Package (v2) of tidy CSV tables with a table schema
// for each, a Markdown codebook, the consensus rules as JSON, a
// Polis-compatible view (comments.csv, votes.csv, participants-votes.csv)
// and an SPSS syntax file that reads every table with labels.
//
// The package is a pure writer on its own plain input types: it never
// imports the engine, reads no database and decides nothing about
// privacy. The engine gathers what may be exported (consented members
// under pseudonyms, suppressed small cells) and hands it over; this
// package lays it out, streams the large tables (rating events are read
// through a callback, never held as one string) and describes every column
// once, so that datapackage.json, codebook.md and allvoice.sps cannot
// disagree.
package export

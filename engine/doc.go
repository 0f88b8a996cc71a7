// Package engine is Allvoice's domain: the vocabulary of co-design groups
// (groups, members, perspectives, rounds, proposals, ratings, decisions,
// check-ins, concerns, reflections, audit events), the rules that decide who
// may do what, validation of every input, and the use cases the JSON API and
// the web pages call as methods of Engine.
//
// The engine never imports storage or HTTP packages. It states what it needs
// from storage as the Store interface, implemented by engine/bunstore, so the
// same rules hold whichever database or front end is in use.
package engine

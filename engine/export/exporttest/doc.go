// Package exporttest checks an evaluator data package the way its readers
// will: it opens the zip, validates datapackage.json against the rules of
// Data Package v2 and every CSV against its table schema, and runs R,
// Python and GNU PSPP on the unpacked files.
//
// The official v2 JSON Schema profiles cannot be fetched on the machines
// Allvoice is built on (no package registry ships them), so
// ValidateDescriptor implements the rules of the v2 standard
// (datapackage.org/standard: Data Package, Data Resource, Table Dialect,
// Table Schema) directly; each check names the rule it applies.
package exporttest

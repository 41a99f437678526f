// Package schema holds the JSON Schemas idmefcheck writes itself, embedded, and compiles them
// once: IDMEFv2 revisions 2.D.V04 to 2.D.V08, generated from one model of the data format
// (idmefv2/model.yaml), and the schemas of the project's own files.
package schema

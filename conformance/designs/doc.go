// Package designs holds protocol designs as data, each assessed against every requirement of
// the catalogue, and compares them: requirement by requirement, and by the schema
// differences between their IDMEFv2 revisions.
package designs

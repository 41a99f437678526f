package validator_test

import (
	. "github.com/onsi/ginkgo/v2"

	"github.com/idmefcheck/idmefcheck/reference/validator"
)

// UUID values: the canonical form in either case; the drafts discourage version 4 and an
// alert's ID must identify it.

const (
	ownID    = "0194608e-3c5a-7b21-9f3e-5d2c8a1b4e60" // the base alert's ID, version 7
	randomID = "9b2f6c1e-4d3a-4f5b-8c7d-1e2f3a4b5c6d" // version 4, RFC 4122 variant
	nilUUID  = "00000000-0000-0000-0000-000000000000"
	maxUUID  = "FFFFFFFF-FFFF-FFFF-FFFF-FFFFFFFFFFFF"
)

var _ = describeRule("uuid.version4", validator.Warning, validator.Warning, func(r ruleSpec) {
	r.reports("the alert's ID is a version 4 UUID", v08().set("/ID", randomID).bytes(), "/ID")
	r.reports("Source[0].ID is a version 4 UUID in upper case", v08().set("/Source/0/ID", "9B2F6C1E-4D3A-4F5B-AC7D-1E2F3A4B5C6D").bytes(), "/Source/0/ID")
	r.ignores("the alert's ID is a version 7 UUID", v08().bytes())
	r.ignores("the version digit is 4 but the variant is not RFC 4122's", v08().set("/ID", "9b2f6c1e-4d3a-4f5b-cc7d-1e2f3a4b5c6d").bytes())
})

var _ = describeRule("uuid.nil", validator.Error, validator.Warning, func(r ruleSpec) {
	r.reports("the alert's ID is the nil UUID", v08().set("/ID", nilUUID).bytes(), "/ID")
	r.reports("the alert's ID is the max UUID in upper case", v08().set("/ID", maxUUID).bytes(), "/ID")
	r.ignores("the alert's ID is a version 7 UUID in upper case", v08().set("/ID", "0194608E-3C5A-7B21-9F3E-5D2C8A1B4E60").bytes())
	r.ignores("a Source's ID, not the alert's, is the nil UUID", v08().set("/Source/0/ID", nilUUID).bytes())
})

var _ = describeRule("uuid.self-reference", validator.Warning, validator.Warning, func(r ruleSpec) {
	r.reports("CorrelID names the alert itself", v08().set("/CorrelID", []any{ownID}).bytes(), "/CorrelID/0")
	r.reports("PredID names the alert itself in upper case", v08().set("/PredID", []any{"0194608e-3c5a-7b21-9f3e-5d2c8a1b4e61", "0194608E-3C5A-7B21-9F3E-5D2C8A1B4E60"}).bytes(), "/PredID/1")
	r.ignores("RelID names another alert", v08().set("/RelID", []any{"0194608e-3c5a-7b21-9f3e-5d2c8a1b4e6f"}).bytes())
})

var _ = Describe("UUID values", Label("IDMEF2-3.3.10-1", "IDMEF2-5.2-2"), func() {
	DescribeTable("the alert ID's verdict under each profile",
		func(id string, strictValid, officialValid bool, rules ...string) {
			expectVerdict(v08().set("/ID", id).bytes(), strictValid, officialValid, rules...)
		},
		Entry("version 7", ownID, true, true),
		Entry("version 7 in upper case", "0194608E-3C5A-7B21-9F3E-5D2C8A1B4E60", true, true),
		Entry("version 4", randomID, true, true, "uuid.version4"),
		Entry("the nil UUID", nilUUID, false, true, "uuid.nil"),
		Entry("with the urn:uuid: prefix", "urn:uuid:"+ownID, false, false, "schema.pattern"),
		Entry("without hyphens", "0194608e3c5a7b219f3e5d2c8a1b4e60", false, false, "schema.pattern"),
	)
})

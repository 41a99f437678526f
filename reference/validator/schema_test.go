package validator_test

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/idmefcheck/idmefcheck/reference/validator"
)

// Rules that choose the revision, and those that repeat what the revision's schema says.

// v07 is the 2.D.V08 base rewritten as a valid 2.D.V07 alert: Status is a single keyword
// there, and the network reconnaissance keyword is spelled Recon.Netword.
func v07() *msg {
	return v08().set("/Version", "2.D.V07").set("/Status", "Event").set("/Category", []any{"Recon.Netword"})
}

const supported = "2.D.V04, 2.D.V05, 2.D.V06, 2.D.V07, 2.D.V08"

var _ = describeRule("version.missing", validator.Error, validator.Error, func(r ruleSpec) {
	r.reports("the message has no Version", v08().del("/Version").bytes(), "")
	r.reports("Version is the number 8", v08().set("/Version", num("8")).bytes(), "/Version")
	r.reports("Version is null", v08().set("/Version", nil).bytes(), "/Version")
	r.ignores("Version names a revision", v08().bytes())
})

var _ = describeRule("version.unknown", validator.Error, validator.Error, func(r ruleSpec) {
	r.reports("Version is 2.D.V09", v08().set("/Version", "2.D.V09").bytes(), "/Version")
	r.reports("Version is written 2.D.v08", v08().set("/Version", "2.D.v08").bytes(), "/Version")
	r.ignores("Version is 2.D.V04, the oldest supported revision", v04().bytes())
})

var _ = describeRule("schema.version", validator.Error, validator.Error, func(r ruleSpec) {
	r.reports("Options.Version forces 2.D.V08 on a message whose Version says 2.D.V07", v08().set("/Version", "2.D.V07").bytes(), "/Version", forcing("2.D.V08"))
	r.ignores("Options.Version forces 2.D.V08 on a 2.D.V08 message", v08().bytes(), forcing("2.D.V08"))
})

var _ = Describe("Choosing the revision", Label("IDMEF2-5.2-1"), func() {
	When("the message has no Version", func() {
		It("lists the supported revisions in the finding", func() {
			Expect(the(v08().del("/Version").strict(), "version.missing").Message).To(ContainSubstring(supported))
		})
	})

	When("Version is a number", func() {
		It("says it is a number and lists the supported revisions", func() {
			f := the(v08().set("/Version", num("8")).strict(), "version.missing")
			Expect(f.Message).To(And(ContainSubstring("a number"), ContainSubstring(supported)))
		})
	})

	When("Version is 2.D.V09", func() {
		var res validator.Result
		BeforeEach(func() { res = v08().set("/Version", "2.D.V09").official() })

		It("lists the supported revisions in the finding", func() {
			Expect(the(res, "version.unknown").Message).To(ContainSubstring(supported))
		})

		It("does not guess among revisions that are all one edit away", func() {
			Expect(the(res, "version.unknown").Message).NotTo(ContainSubstring("did you mean"))
		})

		It("judges no revision and reports nothing else", func() {
			Expect(res.Version).To(BeEmpty())
			Expect(rulesOf(res)).To(Equal([]string{"version.unknown"}))
		})
	})

	When("Version differs from a supported revision only in case", func() {
		It("suggests the revision", func() {
			Expect(the(v08().set("/Version", "2.D.v08").strict(), "version.unknown").Message).To(ContainSubstring(`did you mean "2.D.V08"?`))
		})
	})

	When("Options.Version forces a revision", func() {
		It("judges the message against that revision and reports it in Result.Version", func() {
			v := newValidator(validator.Options{Version: "2.D.V08"})
			res := v.Validate(v07().bytes())
			Expect(res.Version).To(Equal("2.D.V08"))
			Expect(the(res, "schema.version").Message).To(ContainSubstring(`"2.D.V07"`))
		})

		It("reports a missing Version as a missing field", func() {
			v := newValidator(validator.Options{Version: "2.D.V08"})
			Expect(v.Validate(v08().del("/Version").bytes()).Findings).To(ConsistOf(finding("schema.required", "/Version", validator.Error)))
		})
	})

	DescribeTable("the revision chosen from Version",
		func(m *msg, version string) {
			Expect(m.strict().Version).To(Equal(version))
		},
		Entry("2.D.V08", v08(), "2.D.V08"),
		Entry("2.D.V07", v07(), "2.D.V07"),
		Entry("2.D.V05", v04().set("/Version", "2.D.V05"), "2.D.V05"),
		Entry("2.D.V04", v04(), "2.D.V04"),
	)
})

var _ = describeRule("schema.required", validator.Error, validator.Error, func(r ruleSpec) {
	r.reports("CreateTime is missing", v08().del("/CreateTime").bytes(), "/CreateTime")
	r.reports("Analyzer.Name is missing", v08().del("/Analyzer/Name").bytes(), "/Analyzer/Name")
	r.reports("Source[0].ID is missing in 2.D.V08", v08().del("/Source/0/ID").bytes(), "/Source/0/ID")
	r.reports("Attachment[0].Name is missing", v08().del("/Attachment/0/Name").del("/Target/0/Attachment").bytes(), "/Attachment/0/Name")
	r.reports("a 2.D.V04 Analyzer has no IP", v04().del("/Analyzer/IP").bytes(), "/Analyzer/IP")
	r.ignores("a 2.D.V08 Analyzer has no IP", v08().del("/Analyzer/IP").bytes())
	r.ignores("a 2.D.V08 Analyzer has no ID, required in 2.D.V07 only", v08().del("/Analyzer/ID").bytes())
})

var _ = describeRule("schema.unknown-field", validator.Error, validator.Error, func(r ruleSpec) {
	r.reports("createTime is written for CreateTime", v08().set("/createTime", "2025-01-14T15:58:47Z").bytes(), "/createTime")
	r.reports("a 2.D.V08 Analyzer has Type, a field of 2.D.V04 to 2.D.V06", v08().set("/Analyzer/Type", []any{"Cyber"}).bytes(), "/Analyzer/Type")
	r.reports("Source[0] has a field Country", v08().set("/Source/0/Country", "FR").bytes(), "/Source/0/Country")
	r.reports("a member name holds a slash", v08().set("/Analyzer/a~1b", "x").bytes(), "/Analyzer/a~1b")
	r.ignores("a 2.D.V04 Analyzer has Type", v04().set("/Analyzer/Type", []any{"Cyber"}).bytes())
})

var _ = Describe("schema.unknown-field's wording", Label("IDMEF2-5.8-3"), func() {
	It("suggests the field a near miss was meant to be", func() {
		f := the(v08().set("/createTime", "2025-01-14T15:58:47Z").strict(), "schema.unknown-field")
		Expect(f.Message).To(ContainSubstring(`did you mean "CreateTime"?`))
	})

	It("names the revisions that have a field of another revision", func() {
		f := the(v08().set("/Analyzer/Type", []any{"Cyber"}).strict(), "schema.unknown-field")
		Expect(f.Message).To(ContainSubstring("..2.D.V06"))
	})
})

var _ = describeRule("schema.type", validator.Error, validator.Error, func(r ruleSpec) {
	r.reports("Description is a number", v08().set("/Description", num("1")).bytes(), "/Description")
	r.reports("Source is an object rather than an array", v08().set("/Source", v08().get("/Source/0")).bytes(), "/Source")
	r.reports("Target[0].Port[0] is the string \"443\"", v08().set("/Target/0/Port/0", "443").bytes(), "/Target/0/Port/0")
	r.reports("Status is a single keyword in 2.D.V08", v08().set("/Status", "Event").bytes(), "/Status")
	r.reports("a 2.D.V08 ext-Category is a string", v08().set("/Category", []any{"Other.ext-value"}).set("/ext-Category", "Drone").bytes(), "/ext-Category")
	r.ignores("Status is a single keyword in 2.D.V04", v04().bytes())
	r.ignores("Attachment[0].Content is a JSON object", withJSONContent(v08(), map[string]any{"flags": "S"}).bytes())
})

var _ = describeRule("schema.integer", validator.Error, validator.Error, func(r ruleSpec) {
	r.reports("Target[0].Port[0] is written 443.0", v08().set("/Target/0/Port/0", num("443.0")).bytes(), "/Target/0/Port/0")
	r.reports("Target[0].Port[0] is written 8e1", v08().set("/Target/0/Port/0", num("8e1")).bytes(), "/Target/0/Port/0")
	r.reports("Attachment[0].Size is written 5.3E1", v08().set("/Attachment/0/Size", num("5.3E1")).bytes(), "/Attachment/0/Size")
	r.ignores("Target[0].Port[0] is written 443", v08().set("/Target/0/Port/0", num("443")).bytes())
	r.ignores("Confidence, a FLOAT, is written 1.0", v08().set("/Confidence", num("1.0")).bytes())
})

var _ = describeRule("schema.enum", validator.Error, validator.Error, func(r ruleSpec) {
	r.reports("Category holds Recon.Netword in 2.D.V08", v08().set("/Category", []any{"Recon.Netword"}).bytes(), "/Category/0")
	r.reports("Priority is written in lower case", v08().set("/Priority", "medium").bytes(), "/Priority")
	r.reports("Category holds Operational.PolicyViolation, without the keyword's space", v08().set("/Category", []any{"Recon.Network", "Operational.PolicyViolation"}).bytes(), "/Category/1")
	r.ignores("Category holds Recon.Netword in 2.D.V07", v07().bytes())
	r.ignores("Category holds Operational.Policy Violation, space included", v08().set("/Category", []any{"Operational.Policy Violation"}).bytes())
})

var _ = Describe("schema.enum's wording", Label("IDMEF2-3.3.1-1"), func() {
	When("Category holds Recon.Netword in 2.D.V08", func() {
		f := func() validator.Finding {
			return the(v08().set("/Category", []any{"Recon.Netword"}).strict(), "schema.enum")
		}

		It("suggests Recon.Network", func() {
			Expect(f().Message).To(ContainSubstring(`did you mean "Recon.Network"?`))
		})

		It("says the keyword belongs to 2.D.V07", func() {
			Expect(f().Message).To(ContainSubstring("it is one in 2.D.V07"))
		})
	})
})

var _ = describeRule("schema.pattern", validator.Error, validator.Error, func(r ruleSpec) {
	r.reports("Target[0].IP is the CIDR block 2001:db8::/32", v08().set("/Target/0/IP", "2001:db8::/32").bytes(), "/Target/0/IP")
	r.reports("ID is wrapped in braces", v08().set("/ID", "{0194608e-3c5a-7b21-9f3e-5d2c8a1b4e60}").bytes(), "/ID")
	r.reports("CreateTime has a lower-case t", v08().set("/CreateTime", "2025-01-14t15:58:47Z").bytes(), "/CreateTime")
	r.reports("CreateTime has a point and no fraction digits", v08().set("/CreateTime", "2025-01-14T15:58:47.Z").bytes(), "/CreateTime")
	r.reports("Attachment[0].Name holds a hyphen", v08().set("/Attachment/0/Name", "scan-1").set("/Target/0/Attachment/0", "scan-1").bytes(), "/Attachment/0/Name")
	r.reports("Source[0].IP is a zone outside fe80::/10", v08().set("/Source/0/IP", "2001:db8::1%eth0").bytes(), "/Source/0/IP")
	r.ignores("Target[0].IP is the IPv4-mapped address ::ffff:192.0.2.1", v08().set("/Target/0/IP", "::ffff:192.0.2.1").bytes())
})

var _ = describeRule("schema.format", validator.Error, validator.Error, func(r ruleSpec) {
	r.reports("Ref[0] has no scheme", v08().set("/Ref/0", "www.example.com/advisories/2025-001").bytes(), "/Ref/0")
	r.reports("Target[0].Email has no domain", v08().set("/Target/0/Email", "webmaster@").bytes(), "/Target/0/Email")
	r.ignores("Ref[0] is a URN", v08().set("/Ref/0", "urn:cve:CVE-2013-2266").bytes())
})

var _ = describeRule("schema.range", validator.Error, validator.Error, func(r ruleSpec) {
	r.reports("Confidence is 1.5 in 2.D.V08", v08().set("/Confidence", num("1.5")).bytes(), "/Confidence")
	r.reports("Confidence is -0.1 in 2.D.V08", v08().set("/Confidence", num("-0.1")).bytes(), "/Confidence")
	r.ignores("Confidence is 1, the maximum", v08().set("/Confidence", num("1")).bytes())
	r.ignores("Confidence is 0, the minimum", v08().set("/Confidence", num("0")).bytes())
})

var _ = describeRule("schema.other", validator.Error, validator.Error, func(r ruleSpec) {
	fail := func(v *validator.Validator) *validator.Validator {
		return validator.WithSchemaFailure(v, "oneOf", "/Analyzer")
	}
	r.reports("the schema fails on a keyword without its own rule", v08().bytes(), "/Analyzer", wrapped(fail))
	r.ignores("the published schema judges a message", v08().bytes())
})

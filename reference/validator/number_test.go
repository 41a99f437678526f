package validator_test

import (
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/idmefcheck/idmefcheck/reference/validator"
)

// Numbers the published schemas leave unbounded or let through in forms the drafts forbid.

// digits400 is a 400-digit integer literal.
var digits400 = "9" + strings.Repeat("0", 399)

// withoutContent drops the attachment's content, so that Size is judged on its own.
func withoutContent(m *msg) *msg { return m.del("/Attachment/0/Content").del("/Attachment/0/Hash") }

var _ = describeRule("number.port-range", validator.Error, validator.Warning, func(r ruleSpec) {
	r.reports("Target[0].Port[0] is 0", v08().set("/Target/0/Port/0", num("0")).bytes(), "/Target/0/Port/0")
	r.reports("Target[0].Port[0] is 65536", v08().set("/Target/0/Port/0", num("65536")).bytes(), "/Target/0/Port/0")
	r.reports("Source[0].Port[0] is -1", v08().set("/Source/0/Port/0", num("-1")).bytes(), "/Source/0/Port/0")
	r.reports("Source[0].Port[1] is a 400-digit number", v08().set("/Source/0/Port/-", num(digits400)).bytes(), "/Source/0/Port/1")
	r.ignores("Target[0].Port[0] is 1", v08().set("/Target/0/Port/0", num("1")).bytes())
	r.ignores("Target[0].Port[0] is 65535", v08().set("/Target/0/Port/0", num("65535")).bytes())
})

var _ = Describe("number.port-range's requirement", func() {
	It("cites the Target's port requirement for a Target port", Label("IDMEF2-5.6-2"), func() {
		f := the(v08().set("/Target/0/Port/0", num("0")).strict(), "number.port-range")
		Expect(f.Requirement).To(Equal([]string{"IDMEF2-5.6-2"}))
	})

	It("cites the Source's port requirement for a Source port", Label("IDMEF2-5.5-4"), func() {
		f := the(v08().set("/Source/0/Port/0", num("0")).strict(), "number.port-range")
		Expect(f.Requirement).To(Equal([]string{"IDMEF2-5.5-4"}))
	})
})

var _ = describeRule("number.size-range", validator.Error, validator.Warning, func(r ruleSpec) {
	r.reports("Attachment[0].Size is -1", withoutContent(v08()).set("/Attachment/0/Size", num("-1")).bytes(), "/Attachment/0/Size")
	r.ignores("Attachment[0].Size is 0 for empty content",
		v08().set("/Attachment/0/Content", "").del("/Attachment/0/Hash").set("/Attachment/0/Size", num("0")).bytes())
})

var _ = describeRule("number.confidence-range", validator.Error, validator.Warning, func(r ruleSpec) {
	r.reports("Confidence is 1.5 in 2.D.V04, whose schema has no bounds", v04().set("/Confidence", num("1.5")).bytes(), "/Confidence")
	r.reports("Confidence is -0.5 in 2.D.V05", v04().set("/Version", "2.D.V05").set("/Confidence", num("-0.5")).bytes(), "/Confidence")
	r.ignores("Confidence is 1 in 2.D.V04", v04().set("/Confidence", num("1")).bytes())
	r.ignores("Confidence is 1.5 in 2.D.V08, where the schema's bound speaks", v08().set("/Confidence", num("1.5")).bytes())
})

var _ = describeRule("number.precision", validator.Error, validator.Warning, func(r ruleSpec) {
	r.reports("Attachment[0].Size is a 400-digit number", withoutContent(v08()).set("/Attachment/0/Size", num(digits400)).bytes(), "/Attachment/0/Size")
	r.reports("Attachment[0].Size is 2^53", withoutContent(v08()).set("/Attachment/0/Size", num("9007199254740992")).bytes(), "/Attachment/0/Size")
	r.ignores("Attachment[0].Size is 2^53-1", withoutContent(v08()).set("/Attachment/0/Size", num("9007199254740991")).bytes())
})

var _ = describeRule("number.exponent", validator.Warning, validator.Warning, func(r ruleSpec) {
	r.reports("Confidence is written 8e-1", v08().set("/Confidence", num("8e-1")).bytes(), "/Confidence")
	r.reports("Confidence is written 80E-2", v08().set("/Confidence", num("80E-2")).bytes(), "/Confidence")
	r.ignores("Confidence is written 0.8", v08().set("/Confidence", num("0.8")).bytes())
})

var _ = describeRule("geo.range", validator.Error, validator.Warning, func(r ruleSpec) {
	r.reports("Analyzer.GeoLocation has latitude 91", v08().set("/Analyzer/GeoLocation", "91.0,2.2945").bytes(), "/Analyzer/GeoLocation")
	r.reports("Target[0].GeoLocation has longitude -180.5", v08().set("/Target/0/GeoLocation", "48.85,-180.5").bytes(), "/Target/0/GeoLocation")
	r.ignores("Analyzer.GeoLocation is -90,180 with an altitude", v08().set("/Analyzer/GeoLocation", "-90,180,35").bytes())
	r.ignores("Analyzer.GeoLocation has a space after the comma", v08().set("/Analyzer/GeoLocation", "48.8584, 2.2945").bytes())
	r.reports("Analyzer.GeoLocation has latitude 90.0000001", v08().set("/Analyzer/GeoLocation", "90.0000001,0").bytes(), "/Analyzer/GeoLocation")
	r.reports("Analyzer.GeoLocation has longitude +180.5 with a sign", v08().set("/Analyzer/GeoLocation", "0,+180.5").bytes(), "/Analyzer/GeoLocation")
	r.reports("Analyzer.GeoLocation has latitude 0100 with a leading zero", v08().set("/Analyzer/GeoLocation", "0100,0").bytes(), "/Analyzer/GeoLocation")
	r.ignores("Analyzer.GeoLocation has latitude 089.9 with a leading zero", v08().set("/Analyzer/GeoLocation", "-089.9,-179.").bytes())
	r.ignores("Analyzer.GeoLocation is a hair under 90,180 (rounds to them)", v08().set("/Analyzer/GeoLocation", "89.99999999999999999999,179.99999999999999999999").bytes())
})

var _ = Describe("Port values", Label("IDMEF2-5.5-4", "IDMEF2-5.6-2", "IDMEF2-3.2.1-1"), func() {
	DescribeTable("Target[0].Port[0]'s verdict under each profile",
		func(port string, strictValid, officialValid bool, rules ...string) {
			expectVerdict(v08().set("/Target/0/Port/0", num(port)).bytes(), strictValid, officialValid, rules...)
		},
		Entry("0", "0", false, true, "number.port-range"),
		Entry("1", "1", true, true),
		Entry("443", "443", true, true),
		Entry("65535", "65535", true, true),
		Entry("65536", "65536", false, true, "number.port-range"),
		Entry("443.0, an integer written with a fraction", "443.0", false, false, "schema.integer"),
		Entry("8e1, an integer written with an exponent", "8e1", false, false, "schema.integer"),
		Entry("443.5, not an integer", "443.5", false, false, "schema.type"),
		Entry("a 400-digit number", digits400, false, true, "number.port-range"),
	)

	It("says how the integer should be written", func() {
		f := the(v08().set("/Target/0/Port/0", num("8e1")).official(), "schema.integer")
		Expect(f.Message).To(ContainSubstring("e.g. 80"))
	})
})

var _ = Describe("Attachment.Size values", Label("IDMEF2-5.7-4", "IDMEF2-3.2.1-1"), func() {
	When("Size is a 400-digit number and the content is there", func() {
		It("reports the precision and the mismatch with the content", func() {
			data := v08().set("/Attachment/0/Size", num(digits400)).bytes()
			expectVerdict(data, false, true, "number.precision", "attachment.size-mismatch")
		})
	})
})

var _ = Describe("Confidence values", Label("IDMEF2-5.2-5", "IDMEF2-3.2.2-1"), func() {
	DescribeTable("Confidence's verdict under each profile in 2.D.V08",
		func(lit string, strictValid, officialValid bool, rules ...string) {
			expectVerdict(v08().set("/Confidence", num(lit)).bytes(), strictValid, officialValid, rules...)
		},
		Entry("0", "0", true, true),
		Entry("0.5", "0.5", true, true),
		Entry("1.0", "1.0", true, true),
		Entry("5e-1, with an exponent", "5e-1", true, true, "number.exponent"),
		Entry("1.5, above the schema's maximum", "1.5", false, false, "schema.range"),
		Entry("1e99999, beyond the exponent limit", "1e99999", false, false, "json.limit-number"),
	)

	It("accepts a FLOAT written with a zero exponent, with a warning", func() {
		expectVerdict(v08().set("/Confidence", num("0.8E0")).bytes(), true, true, "number.exponent")
	})
})

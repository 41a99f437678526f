package validator_test

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/idmefcheck/idmefcheck/reference/validator"
)

// The ext-value rule: an ext- field carries the sender's own value exactly when the field
// it extends holds the extension keyword ("Other.ext-value" for the 2.D.V07 and 2.D.V08
// top-level Category, "ext-value" elsewhere). 2.D.V04 to 2.D.V06 write ext- fields as a
// single string, 2.D.V07 on as a list.

var _ = describeRule("ext.missing", validator.Error, validator.Warning, func(r ruleSpec) {
	r.reports("a 2.D.V08 Category holds Other.ext-value without ext-Category", v08().set("/Category", []any{"Other.ext-value"}).bytes(), "/Category")
	r.reports("a 2.D.V08 Category holds Other.ext-value with an empty ext-Category",
		v08().set("/Category", []any{"Recon.Network", "Other.ext-value"}).set("/ext-Category", []any{}).bytes(), "/Category")
	r.reports("a 2.D.V08 Analyzer.Method holds ext-value without ext-Method", v08().set("/Analyzer/Method", []any{"ext-value"}).bytes(), "/Analyzer/Method")
	r.reports("a 2.D.V04 Category holds ext-value without ext-Category", v04().set("/Category", []any{"ext-value"}).bytes(), "/Category")
	r.reports("a 2.D.V04 Category holds ext-value with an empty ext-Category string", v04().set("/Category", []any{"ext-value"}).set("/ext-Category", "").bytes(), "/Category")
	r.reports("a 2.D.V04 Vector's Category holds ext-value without ext-Category",
		v04().set("/Vector", []any{map[string]any{"Category": []any{"ext-value"}}}).bytes(), "/Vector/0/Category")
	r.ignores("a 2.D.V08 Category holds Other.ext-value and ext-Category a value",
		v08().set("/Category", []any{"Other.ext-value"}).set("/ext-Category", []any{"Drone.Overflight"}).bytes())
	r.ignores("a 2.D.V04 Category holds ext-value and ext-Category a string",
		v04().set("/Category", []any{"ext-value"}).set("/ext-Category", "Drone overflight").bytes())
})

var _ = describeRule("ext.unused", validator.Error, validator.Warning, func(r ruleSpec) {
	r.reports("a 2.D.V08 ext-Category is set without Other.ext-value in Category", v08().set("/ext-Category", []any{"Drone.Overflight"}).bytes(), "/ext-Category")
	r.reports("a 2.D.V08 ext-Category is set with ext-value, the keyword of other fields, in Category",
		v08().set("/ext-Category", []any{"Drone.Overflight"}).set("/Category", []any{"Recon.Network"}).bytes(), "/ext-Category")
	r.reports("a 2.D.V08 Analyzer.ext-Data is set without ext-value in Data", v08().set("/Analyzer/ext-Data", []any{"Radar"}).bytes(), "/Analyzer/ext-Data")
	r.reports("a 2.D.V04 ext-Category is set without ext-value in Category", v04().set("/ext-Category", "Drone overflight").bytes(), "/ext-Category")
	r.reports("a 2.D.V04 ext-Category is set and Category is absent", v04().del("/Category").set("/ext-Category", "Drone overflight").bytes(), "/ext-Category")
	r.ignores("a 2.D.V08 Analyzer.Data holds ext-value and ext-Data a value",
		v08().set("/Analyzer/Data", []any{"Flow", "ext-value"}).set("/Analyzer/ext-Data", []any{"Radar"}).bytes())
	r.ignores("a 2.D.V04 Vector's Category holds ext-value and ext-Category a string",
		v04().set("/Vector", []any{map[string]any{"Category": []any{"ext-value"}, "ext-Category": "Balloon"}}).bytes())
})

var _ = Describe("The ext-value keyword of each revision", Label("IDMEF2-4.1.1-1", "IDMEF2-4.1.1-2"), func() {
	DescribeTable("a top-level Category holding a keyword, with no ext-Category",
		func(m *msg, strictValid, officialValid bool, rules ...string) {
			expectVerdict(m.bytes(), strictValid, officialValid, rules...)
		},
		Entry("2.D.V08, Other.ext-value", v08().set("/Category", []any{"Other.ext-value"}), false, true, "ext.missing"),
		Entry("2.D.V08, ext-value, which only the older revisions have", v08().set("/Category", []any{"ext-value"}), false, false, "schema.enum"),
		Entry("2.D.V04, ext-value", v04().set("/Category", []any{"ext-value"}), false, true, "ext.missing"),
		Entry("2.D.V04, Other.ext-value, which only the newer revisions have", v04().set("/Category", []any{"Other.ext-value"}), false, false, "schema.enum"),
	)

	It("names the keyword the revision expects", func() {
		Expect(the(v04().set("/ext-Category", "Drone overflight").strict(), "ext.unused").Message).To(ContainSubstring(`"ext-value"`))
		Expect(the(v08().set("/ext-Category", []any{"Drone"}).strict(), "ext.unused").Message).To(ContainSubstring(`"Other.ext-value"`))
	})
})

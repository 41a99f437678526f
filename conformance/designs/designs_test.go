package designs_test

import (
	"os"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/idmefcheck/idmefcheck/conformance/catalog"
	"github.com/idmefcheck/idmefcheck/conformance/designs"
	"github.com/idmefcheck/idmefcheck/schema"
)

var (
	set *schema.Set
	cat *catalog.Catalog
	lib *designs.Library
)

var _ = BeforeSuite(func() {
	var err error
	set, err = schema.Load()
	Expect(err).NotTo(HaveOccurred())
	cat, err = catalog.Load(set)
	Expect(err).NotTo(HaveOccurred())
	lib, err = designs.Load(set, cat)
	Expect(err).NotTo(HaveOccurred())
})

// alter replaces the first old in text by new, failing the spec when old is absent.
func alter(text, old, new string) string {
	GinkgoHelper()
	Expect(text).To(ContainSubstring(old))
	return strings.Replace(text, old, new, 1)
}

// readDesign returns an embedded design file's text, for specs that alter it.
func readDesign(id string) string {
	b, err := os.ReadFile("files/" + id + ".yaml")
	Expect(err).NotTo(HaveOccurred())
	return string(b)
}

var _ = Describe("the embedded designs", func() {
	It("are the three IDMEFv2 revisions over transport 05 and the reference profile", func() {
		Expect(lib.IDs()).To(Equal([]string{"idmefv2-v06", "idmefv2-v07", "idmefv2-v08", "reference-profile"}))
		for id, v := range map[string]string{"idmefv2-v06": "2.D.V06", "idmefv2-v07": "2.D.V07", "idmefv2-v08": "2.D.V08", "reference-profile": "2.D.V08"} {
			d, ok := lib.Lookup(id)
			Expect(ok).To(BeTrue())
			Expect(d.Version).To(Equal(v))
		}
	})

	It("assess every catalogue requirement, each once", func() {
		for _, d := range lib.Designs() {
			Expect(d.Assessments).To(HaveLen(len(cat.Requirements())), d.ID)
			for _, r := range cat.Requirements() {
				a, ok := d.Assessment(r.ID)
				Expect(ok).To(BeTrue(), "%s does not assess %s", d.ID, r.ID)
				Expect(designs.Provisions).To(ContainElement(a.Provides))
			}
		}
	})

	It("say that no draft revision has an impact or automatic-response field, and that the profile adds non-repudiation and pull mode", Label("R4766-7.7", "R4766-7.8", "R4766-6.6", "R4766-6.2"), func() {
		for _, id := range []string{"idmefv2-v06", "idmefv2-v07", "idmefv2-v08"} {
			d, _ := lib.Lookup(id)
			for _, req := range []string{"R4766-7.7", "R4766-7.8", "R4766-6.6", "R4766-6.2", "R4766-6.3.1"} {
				a, _ := d.Assessment(req)
				Expect(a.Provides).To(Equal(designs.No), "%s %s", id, req)
			}
		}
		p, _ := lib.Lookup("reference-profile")
		for _, req := range []string{"R4766-6.6", "R4766-6.2", "R4766-6.3.1"} {
			a, _ := p.Assessment(req)
			Expect(a.Provides).To(Equal(designs.Yes), req)
			Expect(strings.Join(a.Cites, " ")).To(ContainSubstring("profile"), req)
		}
	})
})

var _ = Describe("Check", func() {
	parse := func(text string) *designs.Design {
		GinkgoHelper()
		d, err := designs.Parse(set, "altered.yaml", []byte(text))
		Expect(err).NotTo(HaveOccurred())
		return d
	}

	It("accepts every embedded design as written", func() {
		for _, d := range lib.Designs() {
			Expect(designs.Check(d, set.Model(), cat)).To(Succeed(), d.ID)
		}
	})

	When("a design cites a field its revision does not have", func() {
		It("names the assessment, the field and the revision", func() {
			text := alter(readDesign("idmefv2-v07"), "fields: [CreateTime, StartTime, EndTime]", "fields: [CreateTime, StartTime, EndTime, ReportTime]")
			err := designs.Check(parse(text), set.Model(), cat)
			Expect(err).To(MatchError(ContainSubstring("mechanism field ReportTime: 2.D.V07 has no field ReportTime")))
		})
	})

	When("a design cites a class its revision does not have", func() {
		It("refuses the Vector class after 2.D.V06", func() {
			text := alter(readDesign("idmefv2-v08"), "fields: [Ref]\n", "fields: [Ref, Vector.Name]\n")
			Expect(designs.Check(parse(text), set.Model(), cat)).To(MatchError(ContainSubstring("2.D.V08 has no class Vector")))
		})
	})

	When("a design relies on a keyword its revision does not have", func() {
		It("names the keyword and the field", func() {
			text := alter(readDesign("idmefv2-v06"), `"Analyzer.Method=Statistical"`, `"Analyzer.Method=Anomaly"`)
			Expect(designs.Check(parse(text), set.Model(), cat)).To(MatchError(ContainSubstring(`"Anomaly" is not a keyword of Analyzer.Method in 2.D.V06`)))
		})
	})

	When("a design leaves a requirement out", func() {
		It("names the requirement", func() {
			text := readDesign("idmefv2-v08")
			start := strings.Index(text, "  - requirement: R4766-7.7\n")
			end := strings.Index(text, "  - requirement: R4766-7.7-2\n")
			Expect(start).To(BeNumerically(">", 0))
			err := designs.Check(parse(text[:start]+text[end:]), set.Model(), cat)
			Expect(err).To(MatchError(ContainSubstring("R4766-7.7 is not assessed")))
		})
	})

	When("a design cites a document it does not declare", func() {
		It("names the citation", func() {
			text := alter(readDesign("idmefv2-v08"), "cites: [transport 4.5.3]", "cites: [profile 5]")
			Expect(designs.Check(parse(text), set.Model(), cat)).To(MatchError(ContainSubstring(`cites "profile 5", but the design has no document "profile"`)))
		})
	})
})

var _ = Describe("Parse", func() {
	It("refuses a file that names another schema", func() {
		text := alter(readDesign("idmefv2-v08"), "schema: designs.schema.json", "schema: requirements.schema.json")
		_, err := designs.Parse(set, "x.yaml", []byte(text))
		Expect(err).To(MatchError(ContainSubstring("x.yaml: does not follow designs.schema.json")))
	})

	It("refuses a provision outside the closed set", func() {
		text := alter(readDesign("idmefv2-v08"), "provides: partial", "provides: mostly")
		_, err := designs.Parse(set, "x.yaml", []byte(text))
		Expect(err).To(MatchError(ContainSubstring("does not follow designs.schema.json")))
	})

	It("refuses a requirement assessed twice", func() {
		text := readDesign("idmefv2-v08")
		i := strings.Index(text, "  - requirement: R4766-4.1.2\n")
		text = text[:i] + strings.Replace(text[i:], "R4766-4.1.2", "R4766-4.1", 1)
		_, err := designs.Parse(set, "x.yaml", []byte(text))
		Expect(err).To(MatchError(ContainSubstring("R4766-4.1 is assessed twice")))
	})
})

package designs_test

import (
	"bytes"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/idmefcheck/idmefcheck/conformance/designs"
)

var _ = Describe("Compare", func() {
	var c *designs.Comparison
	BeforeEach(func() {
		var err error
		c, err = designs.Compare(set.Model(), cat, designs.NewIndex(lib), lib.Designs()...)
		Expect(err).NotTo(HaveOccurred())
	})

	It("has one row per requirement and marks the rows on which the designs differ", func() {
		Expect(c.Rows).To(HaveLen(len(cat.Requirements())))
		r, ok := c.Row("R4766-7.1")
		Expect(ok).To(BeTrue())
		Expect(r.Differs).To(BeTrue(), "2.D.V06 has no Anomaly method")
		r, _ = c.Row("R4766-7.7")
		Expect(r.Differs).To(BeFalse())
	})

	It("lists what no design meets, and what only the reference profile adds", Label("R4766-7.7", "R4766-7.8", "R4766-6.6"), func() {
		Expect(c.Unmet).To(ContainElements("R4766-7.7", "R4766-7.7-2", "R4766-7.8"))
		Expect(c.OnlyBy["reference-profile"]).To(ContainElements("R4766-6.2", "R4766-6.3.1", "R4766-6.6", "SECOPS-8-3"))
	})

	It("puts the schema differences of consecutive revisions beneath, then oldest to newest", func() {
		var pairs []string
		for _, d := range c.Diffs {
			pairs = append(pairs, d.From+">"+d.To)
		}
		Expect(pairs).To(Equal([]string{"2.D.V06>2.D.V07", "2.D.V07>2.D.V08", "2.D.V06>2.D.V08"}))
	})

	It("renders the same model as text, Markdown, JSON and HTML, the files with every keyword change", func() {
		for name, write := range map[string]func(*bytes.Buffer) error{
			"text":     func(b *bytes.Buffer) error { return designs.WriteText(b, c) },
			"markdown": func(b *bytes.Buffer) error { return designs.WriteMarkdown(b, c) },
			"json":     func(b *bytes.Buffer) error { return designs.WriteJSON(b, c) },
			"html":     func(b *bytes.Buffer) error { return designs.WriteHTML(b, c) },
		} {
			var b bytes.Buffer
			Expect(write(&b)).To(Succeed(), name)
			Expect(b.String()).To(ContainSubstring("R4766-7.8"), name)
			if name != "text" { // the terminal gets the differences' counts; designs diff lists them
				Expect(b.String()).To(ContainSubstring("Recon.Netword"), name)
			}
		}
	})

	It("refuses to compare nothing", func() {
		_, err := designs.Compare(set.Model(), cat, nil)
		Expect(err).To(MatchError("designs: nothing to compare"))
	})
})

package designs_test

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	. "github.com/onsi/gomega/gstruct"

	"github.com/idmefcheck/idmefcheck/conformance/designs"
)

var _ = Describe("Diff", func() {
	var idx *designs.Index
	BeforeEach(func() { idx = designs.NewIndex(lib) })

	It("pairs a misspelt keyword with its correction as a rename, by edit distance", func() {
		d, err := designs.Diff(set.Model(), "2.D.V07", "2.D.V08", idx)
		Expect(err).NotTo(HaveOccurred())
		Expect(d.Values).To(ContainElement(MatchFields(IgnoreExtras, Fields{
			"Enum": Equal("AlertCategory"), "Kind": Equal(designs.Renamed),
			"From": Equal("Recon.Netword"), "To": Equal("Recon.Network"), "Match": Equal("edit distance 1"),
			"Requirements": ContainElement("R4766-7.2"),
		})))
	})

	It("pairs shortened sector names part by part", func() {
		d, _ := designs.Diff(set.Model(), "2.D.V07", "2.D.V08", idx)
		Expect(d.Values).To(ContainElement(MatchFields(IgnoreExtras, Fields{
			"From": Equal("PublicAdministration.LocalGovernment"), "To": Equal("Administration.Local"), "Match": Equal("shortened"),
		})))
		Expect(d.Counts()[designs.Renamed]).To(BeNumerically(">=", 42))
	})

	It("reports a field added, with the requirements the designs cite it for", func() {
		d, _ := designs.Diff(set.Model(), "2.D.V07", "2.D.V08", idx)
		Expect(d.Fields).To(ContainElement(MatchFields(IgnoreExtras, Fields{
			"Path": Equal("ReportTime"), "Kind": Equal(designs.Added), "To": Equal("TIMESTAMP"),
			"Requirements": ContainElements("IDMEF2-3.3.2-1", "SECOPS-3.3-1"),
		})))
	})

	It("reports a field turned into a list and a field no longer required", func() {
		d, _ := designs.Diff(set.Model(), "2.D.V07", "2.D.V08", idx)
		Expect(d.Fields).To(ContainElements(
			MatchFields(IgnoreExtras, Fields{"Path": Equal("Status"), "Kind": Equal(designs.Retyped), "From": Equal("ENUM AlertStatus"), "To": Equal("ENUM AlertStatus[]")}),
			MatchFields(IgnoreExtras, Fields{"Path": Equal("Analyzer.ID"), "Kind": Equal(designs.Required), "From": Equal("required"), "To": Equal("optional")}),
		))
	})

	It("reports a class removed once, not field by field", func() {
		d, _ := designs.Diff(set.Model(), "2.D.V06", "2.D.V07", idx)
		Expect(d.Classes).To(ConsistOf(MatchFields(IgnoreExtras, Fields{"Path": Equal("Vector"), "Kind": Equal(designs.Removed), "Requirements": ContainElement("SECOPS-3.2-3")})))
		for _, f := range d.Fields {
			Expect(f.Path).NotTo(HavePrefix("Vector."))
		}
	})

	It("finds nothing between a revision and itself", func() {
		d, err := designs.Diff(set.Model(), "2.D.V08", "2.D.V08", nil)
		Expect(err).NotTo(HaveOccurred())
		Expect(d.Empty()).To(BeTrue())
	})

	It("refuses an unknown revision, naming the known ones", func() {
		_, err := designs.Diff(set.Model(), "2.D.V06", "2.D.V09", nil)
		Expect(err).To(MatchError(ContainSubstring(`no IDMEFv2 revision "2.D.V09" (have 2.D.V04, 2.D.V05, 2.D.V06, 2.D.V07, 2.D.V08)`)))
	})
})

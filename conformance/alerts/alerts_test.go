package alerts_test

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/idmefcheck/idmefcheck/conformance/alerts"
)

// enum reads the values of a definition of a version's published schema.
func enum(version, definition string) []string {
	GinkgoHelper()
	data, err := os.ReadFile(filepath.Join("..", "..", "schema", "idmefv2", version+".schema.json"))
	Expect(err).NotTo(HaveOccurred())
	var s struct {
		Definitions map[string]struct {
			Enum []string `json:"enum"`
		} `json:"definitions"`
	}
	Expect(json.Unmarshal(data, &s)).To(Succeed())
	values := s.Definitions[definition].Enum
	Expect(values).NotTo(BeEmpty(), "%s %s", version, definition)
	return values
}

// noFindings succeeds for a message the strict validator has nothing at all to say about,
// not even a warning.
func noFindings() OmegaMatcher {
	return WithTransform(func(m *alerts.Message) []string {
		var out []string
		for _, f := range strict().Validate(m.Body).Findings {
			out = append(out, fmt.Sprintf("%s %s %s: %s", f.Severity, f.Rule, f.Pointer, f.Message))
		}
		return out
	}, BeEmpty())
}

var _ = Describe("Factory.Make", func() {
	var f *alerts.Factory
	BeforeEach(func() { f = &alerts.Factory{Analyzer: "idmefcheck-harness", Validator: strict()} })

	make := func(s alerts.Spec) *alerts.Message {
		GinkgoHelper()
		m, err := f.Make(s)
		Expect(err).NotTo(HaveOccurred(), "%+v", s)
		return m
	}

	for _, version := range alerts.Versions {
		Context("for "+version, func() {
			specs := map[string]alerts.Spec{
				"the zero spec":         {},
				"an ID":                 {ID: "019bbd04-3058-7f18-a015-7772c49fbe4c"},
				"a create time":         {CreateTime: "2026-01-02T03:04:05.678+05:45"},
				"a description":         {Description: "Port scan from a known host"},
				"a canary":              {Canary: "canary-7f3a"},
				"text in many scripts":  {Description: "Ünïcödé – 日本語 – العربية – 🛡️", Canary: "Ωmega"},
				"an IPv4 source":        {SourceIP: "203.0.113.9"},
				"an IPv6 target":        {TargetIP: "2001:db8::5"},
				"both ends":             {SourceIP: "2001:db8::1", TargetIP: "198.51.100.7"},
				"an extension":          {Extension: "vendor-specific-kind"},
				"vendor data":           {VendorData: `{"rule": 42, "tags": ["a", "b"]}`},
				"padding":               {Padding: 4096},
				"a little padding":      {Padding: 5},
				"an analyzer name":      {AnalyzerName: "other-analyzer"},
				"every field at once":   {ID: "019bbd04-3058-7f18-a015-000000000001", Description: "all", Canary: "c", SourceIP: "192.0.2.1", TargetIP: "2001:db8::2", Extension: "x", VendorData: `{}`, Padding: 64, Priority: "High", AnalyzerName: "a"},
				"a category and an ext": {Categories: []string{enum(version, "AlertCategory")[0]}, Extension: "more"},
			}
			for name, s := range specs {
				It("makes a message with "+name+" that the strict validator has nothing to say about", func() {
					s.Version = version
					m := make(s)
					Expect(m).To(noFindings())
					Expect(m.Version).To(Equal(version))
				})
			}

			It("makes a valid message with each priority of the version", func() {
				for _, p := range enum(version, "AlertPriority") {
					Expect(make(alerts.Spec{Version: version, Priority: p})).To(noFindings(), p)
				}
			})

			It("makes a valid message with each category of the version", func() {
				for _, c := range enum(version, "AlertCategory") {
					if strings.Contains(c, "ext-value") {
						continue // only with Extension, as above
					}
					Expect(make(alerts.Spec{Version: version, Categories: []string{c}})).To(noFindings(), c)
				}
			})
		})
	}

	It("makes the newest version from the zero spec", func() {
		m := make(alerts.Spec{})
		Expect(m.Version).To(Equal(alerts.Versions[len(alerts.Versions)-1]))
		var body map[string]any
		Expect(json.Unmarshal(m.Body, &body)).To(Succeed())
		Expect(body["Version"]).To(Equal(m.Version))
		Expect(body["ID"]).To(Equal(m.ID))
		Expect(body["CreateTime"]).To(Equal(m.CreateTime))
		Expect(body["Priority"]).To(Equal("Medium"))
	})

	It("gives every message, and every object in it that has one, an ID of its own", func() {
		seen := map[string]bool{}
		for range 200 {
			m := make(alerts.Spec{SourceIP: "192.0.2.1", TargetIP: "192.0.2.2"})
			var body struct {
				ID       string
				Analyzer struct{ ID string }
				Source   []struct{ ID string }
				Target   []struct{ ID string }
			}
			Expect(json.Unmarshal(m.Body, &body)).To(Succeed())
			Expect(body.ID).To(Equal(m.ID))
			for _, id := range []string{body.ID, body.Analyzer.ID, body.Source[0].ID, body.Target[0].ID} {
				Expect(id).NotTo(BeEmpty())
				Expect(seen).NotTo(HaveKey(id))
				seen[id] = true
			}
		}
	})

	It("writes the create time with milliseconds and the offset of the clock it is given", func() {
		f.Now = func() time.Time { return time.Date(2026, 3, 4, 5, 6, 7, 891234567, time.FixedZone("", -3*3600-30*60)) }
		Expect(make(alerts.Spec{}).CreateTime).To(Equal("2026-03-04T05:06:07.891-03:30"))
		f.Now = func() time.Time { return time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC) }
		Expect(make(alerts.Spec{}).CreateTime).To(Equal("2026-03-04T05:06:07.000Z"))
	})

	It("puts the canary after the description, where a search finds it", func() {
		m := make(alerts.Spec{Description: "scan", Canary: "needle-1"})
		Expect(string(m.Body)).To(ContainSubstring(`"Description":"scan needle-1"`))
	})

	It("keeps a given ID exactly", func() {
		Expect(make(alerts.Spec{ID: "019BBD04-3058-7F18-A015-7772C49FBE4C"}).ID).To(Equal("019BBD04-3058-7F18-A015-7772C49FBE4C"))
	})

	DescribeTable("refuses what it cannot make valid, with an error of its own",
		func(s alerts.Spec, words string) {
			m, err := f.Make(s)
			Expect(m).To(BeNil())
			Expect(err).To(MatchError(And(HavePrefix("alerts: "), ContainSubstring(words))))
		},
		Entry("an unknown version", alerts.Spec{Version: "2.D.V09"}, `version "2.D.V09"`),
		Entry("vendor data that is not JSON", alerts.Spec{VendorData: "{"}, "vendor data is not JSON"),
		Entry("vendor data that is no object", alerts.Spec{VendorData: " [1]"}, "vendor data is not a JSON object"),
		Entry("a priority the version does not know", alerts.Spec{Priority: "Urgent"}, "Priority"),
		Entry("a category the version does not know", alerts.Spec{Categories: []string{"Nope.Nothing"}}, "Category"),
		Entry("an address that is none", alerts.Spec{SourceIP: "999.1.1.1"}, "IP"),
		Entry("a create time without offset", alerts.Spec{CreateTime: "2026-01-02T03:04:05"}, "CreateTime"),
		Entry("a description that is not UTF-8", alerts.Spec{Description: "caf\xe9"}, "the description is not UTF-8"),
		Entry("a canary that is not UTF-8", alerts.Spec{Canary: "\xff"}, "the canary is not UTF-8"),
	)

	It("hands out what it is asked without a validator", func() {
		f.Validator = nil
		m := make(alerts.Spec{Priority: "Urgent"})
		Expect(string(m.Body)).To(ContainSubstring(`"Priority":"Urgent"`))
	})

	It("panics in MustMake on a spec it cannot make", func() {
		Expect(func() { f.MustMake(alerts.Spec{Version: "x"}) }).To(Panic())
		Expect(f.MustMake(alerts.Spec{}).ID).NotTo(BeEmpty())
	})
})

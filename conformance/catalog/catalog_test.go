package catalog_test

import (
	"regexp"
	"strings"
	"testing/fstest"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/idmefcheck/idmefcheck/conformance/catalog"
	"github.com/idmefcheck/idmefcheck/reference/validator"
	"github.com/idmefcheck/idmefcheck/schema"
)

var _ = Describe("the embedded catalogue", func() {
	var (
		set *schema.Set
		cat *catalog.Catalog
	)
	BeforeEach(func() {
		var err error
		set, err = schema.Load()
		Expect(err).NotTo(HaveOccurred())
		cat, err = catalog.Load(set)
		Expect(err).NotTo(HaveOccurred())
	})

	It("holds the four source documents in order", func() {
		var ids []string
		for _, d := range cat.Documents() {
			ids = append(ids, d.ID)
		}
		Expect(ids).To(Equal([]string{"R4766", "IDMEF2", "IDMEF2T", "SECOPS"}))
	})

	It("covers seed 004 sections 4 to 8 and no other", func() {
		sections := map[string]bool{}
		for _, r := range cat.Requirements() {
			if r.Document == "R4766" {
				sections[strings.SplitN(r.Section, ".", 2)[0]] = true
			}
		}
		Expect(sections).To(Equal(map[string]bool{"4": true, "5": true, "6": true, "7": true, "8": true}))
	})

	It("takes SECOPS entries from seed 000 sections 3, 4, 6 and 8 only, and never at MUST force", func() {
		sections := map[string]bool{}
		for _, r := range cat.Requirements() {
			if r.Document != "SECOPS" {
				continue
			}
			sections[strings.SplitN(r.Section, ".", 2)[0]] = true
			Expect(r.Level).To(BeElementOf(catalog.LevelShould, catalog.LevelMay), "%s: the source is informational", r.ID)
		}
		Expect(sections).To(Equal(map[string]bool{"3": true, "4": true, "6": true, "8": true}))
	})

	It("lists every numbered requirement paragraph of seed 004", func() {
		for _, sec := range []string{"4.1", "4.2", "5.1", "5.2", "6.1", "6.2", "6.3", "6.4", "6.5", "6.6", "6.7", "6.8",
			"7.1", "7.2", "7.3", "7.4", "7.5", "7.6", "7.7", "7.8", "7.9", "7.10", "7.11", "7.12", "7.13", "7.14",
			"7.15", "7.16", "7.17", "7.18", "8.1", "8.2", "8.3", "8.4"} {
			_, ok := cat.Lookup("R4766-" + sec)
			Expect(ok).To(BeTrue(), "R4766-%s is missing", sec)
		}
	})

	It("gives every entry a title, a text of its own and a known category", func() {
		for _, r := range cat.Requirements() {
			Expect(r.Title).NotTo(BeEmpty(), r.ID)
			Expect(len(r.Text)).To(BeNumerically(">", 20), r.ID)
		}
	})

	It("has a content hash that identifies it", func() {
		Expect(cat.Hash()).To(MatchRegexp(`^[0-9a-f]{64}$`))
		again, _ := catalog.Load(set)
		Expect(again.Hash()).To(Equal(cat.Hash()))
	})

	It("knows every requirement the IDMEFv2 model cites", func() {
		m := set.Model()
		for _, t := range m.Types() {
			for _, id := range t.Req {
				_, ok := cat.Lookup(id)
				Expect(ok).To(BeTrue(), "type %s cites %s, which the catalogue lacks", t.Name, id)
			}
		}
		for _, c := range m.Classes() {
			for _, f := range c.Fields {
				for _, id := range f.Req {
					_, ok := cat.Lookup(id)
					Expect(ok).To(BeTrue(), "%s.%s cites %s, which the catalogue lacks", c.Name, f.Name, id)
				}
			}
		}
	})

	It("knows every requirement the validator's rules cite", func() {
		var items []catalog.Coverer
		for id, reqs := range validator.Coverage(set.Model()) {
			items = append(items, catalog.Coverer{Kind: "rule", ID: id, Requirements: reqs})
		}
		_, err := cat.Cover(items)
		Expect(err).NotTo(HaveOccurred())
	})

	It("filters by category and level", func() {
		for _, r := range cat.Filter("time", catalog.LevelMust) {
			Expect(r.Category).To(Equal("time"))
			Expect(r.Level).To(Equal("MUST"))
		}
		Expect(cat.Filter("time", "")).NotTo(BeEmpty())
		Expect(len(cat.Filter("", ""))).To(Equal(len(cat.Requirements())))
	})
})

var _ = Describe("Coverage", func() {
	var cat *catalog.Catalog
	BeforeEach(func() {
		set, _ := schema.Load()
		cat, _ = catalog.Load(set)
	})

	It("fails naming a coverer that cites an unknown requirement", func() {
		_, err := cat.Cover([]catalog.Coverer{{Kind: "check", ID: "MGR-X-001", Requirements: []string{"R4766-99.1"}}})
		Expect(err).To(MatchError(ContainSubstring("check MGR-X-001 cites requirement R4766-99.1")))
	})

	It("shows as gaps the testable requirements nothing covers, and never the attested ones", func() {
		cov, err := cat.Cover([]catalog.Coverer{{Kind: "rule", ID: "r", Requirements: []string{"R4766-7.14"}}})
		Expect(err).NotTo(HaveOccurred())
		var gapIDs []string
		for _, g := range cov.Gaps() {
			gapIDs = append(gapIDs, g.ID)
			Expect(g.Testing).NotTo(Equal(catalog.Attested))
		}
		Expect(gapIDs).NotTo(ContainElement("R4766-7.14"))
		Expect(gapIDs).To(ContainElement("R4766-6.3"))
		Expect(cov.Of("R4766-7.14")).To(HaveLen(1))
	})
})

const goodFile = `schema: requirements.schema.json
document: {id: R4766, title: T, reference: ref}
requirements:
  - id: R4766-4.1
    section: "4.1"
    level: MUST
    keyword: MUST
    title: A title
    text: A statement long enough to count.
    roles: [design]
    category: general
    testing: attested
`

var _ = Describe("loading catalogue files", func() {
	var set *schema.Set
	BeforeEach(func() { set, _ = schema.Load() })

	load := func(files map[string]string) error {
		fsys := fstest.MapFS{}
		for name, body := range files {
			fsys["req/"+name] = &fstest.MapFile{Data: []byte(body)}
		}
		_, err := catalog.LoadFS(set, fsys, "req")
		return err
	}

	It("accepts a well-formed file", func() {
		Expect(load(map[string]string{"a.yaml": goodFile})).To(Succeed())
	})

	It("refuses an ID used twice, even across files", func() {
		err := load(map[string]string{"a.yaml": goodFile, "b.yaml": goodFile})
		Expect(err).To(MatchError(ContainSubstring("R4766-4.1")))
		Expect(err).To(MatchError(ContainSubstring("ID already used")))
	})

	It("refuses a file that does not follow the schema, naming the file", func() {
		err := load(map[string]string{"a.yaml": strings.Replace(goodFile, "level: MUST", "level: MUSTN'T", 1)})
		Expect(err).To(MatchError(ContainSubstring("req/a.yaml: does not follow requirements.schema.json")))
	})

	It("refuses an ID whose section disagrees with its section field", func() {
		err := load(map[string]string{"a.yaml": strings.Replace(goodFile, `section: "4.1"`, `section: "4.2"`, 1)})
		Expect(err).To(MatchError(ContainSubstring("the ID names section 4.1 but section says 4.2")))
	})

	It("refuses a related ID that does not exist", func() {
		err := load(map[string]string{"a.yaml": goodFile + "    related: [IDMEF2-9.9-1]\n"})
		Expect(err).To(MatchError(ContainSubstring("related requirement IDMEF2-9.9-1 does not exist")))
	})

	It("refuses an ID from another document's namespace", func() {
		err := load(map[string]string{"a.yaml": strings.Replace(goodFile, "id: R4766-4.1", "id: IDMEF2-4.1-1", 1)})
		Expect(err).To(MatchError(MatchRegexp(regexp.QuoteMeta("does not start with the document's prefix R4766-"))))
	})
})

package harness_test

import (
	"context"
	"slices"
	"strings"
	"sync"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/idmefcheck/idmefcheck/conformance/catalog"
	"github.com/idmefcheck/idmefcheck/conformance/harness"
	"github.com/idmefcheck/idmefcheck/schema"
)

// fixture holds the embedded catalogue and requirements of each kind the rules look at.
type fixture struct {
	cat *catalog.Catalog
	// mustMgr and shouldMgr apply to the manager role; analyzerOnly does not.
	mustMgr, shouldMgr, mayMgr, analyzerOnly *catalog.Requirement
}

var options = map[string]string{"http2": "HTTP/2", "dedup": "duplicates"}

// loadFixture loads the catalogue once (it is immutable): loading takes a third of a second.
var loadFixture = sync.OnceValue(func() fixture {
	set, err := schema.Load()
	Expect(err).NotTo(HaveOccurred())
	cat, err := catalog.Load(set)
	Expect(err).NotTo(HaveOccurred())
	f := fixture{cat: cat}
	for _, r := range cat.Requirements() {
		mgr := slices.Contains(r.Roles, harness.RoleManager)
		switch {
		case mgr && r.Level == catalog.LevelMust && f.mustMgr == nil:
			f.mustMgr = r
		case mgr && r.Level == catalog.LevelShould && f.shouldMgr == nil:
			f.shouldMgr = r
		case mgr && r.Level == catalog.LevelMay && f.mayMgr == nil:
			f.mayMgr = r
		case !mgr && f.analyzerOnly == nil:
			f.analyzerOnly = r
		}
	}
	Expect(f.mustMgr).NotTo(BeNil())
	Expect(f.shouldMgr).NotTo(BeNil())
	Expect(f.analyzerOnly).NotTo(BeNil())
	return f
})

func passing(context.Context, *harness.T) harness.Outcome { return harness.Passf("fine") }

// good is a check every rule accepts.
func (f fixture) good(id string) harness.Check {
	return harness.Check{ID: id, Title: "t " + id, Requirements: []string{f.mustMgr.ID}, Level: catalog.LevelMust,
		Role: harness.RoleManager, Category: "cat", Timeout: time.Second, Doc: "d", Run: passing}
}

var _ = Describe("NewRegistry", func() {
	var f fixture
	BeforeEach(func() { f = loadFixture() })

	It("accepts well-formed checks and lists them sorted by ID", func() {
		r, err := harness.NewRegistry(f.cat, options, f.good("MGR-B-002"), f.good("MGR-A-001"), f.good("MGR-B-001"))
		Expect(err).NotTo(HaveOccurred())
		var ids []string
		for _, c := range r.Checks() {
			ids = append(ids, c.ID)
		}
		Expect(ids).To(Equal([]string{"MGR-A-001", "MGR-B-001", "MGR-B-002"}))
	})

	It("finds checks by ID after sorting", func() {
		r, err := harness.NewRegistry(f.cat, options, f.good("MGR-B-001"), f.good("MGR-A-001"))
		Expect(err).NotTo(HaveOccurred())
		c, ok := r.Lookup("MGR-B-001")
		Expect(ok).To(BeTrue())
		Expect(c.Title).To(Equal("t MGR-B-001"))
		_, ok = r.Lookup("MGR-C-001")
		Expect(ok).To(BeFalse())
	})

	It("accepts a check weaker than the requirements it cites", func() {
		c := f.good("MGR-A-001")
		c.Level = catalog.LevelShould
		_, err := harness.NewRegistry(f.cat, options, c)
		Expect(err).NotTo(HaveOccurred())
	})

	It("accepts SHALL for a MUST requirement, the same force", func() {
		c := f.good("MGR-A-001")
		c.Level = catalog.LevelShall
		_, err := harness.NewRegistry(f.cat, options, c)
		Expect(err).NotTo(HaveOccurred())
	})

	DescribeTable("refuses a definition that breaks a rule, naming the check and the rule",
		func(breakIt func(f fixture, c *harness.Check), words string) {
			c := f.good("MGR-A-001")
			breakIt(f, &c)
			_, err := harness.NewRegistry(f.cat, options, c)
			Expect(err).To(MatchError(ContainSubstring(words)))
			Expect(err.Error()).To(HavePrefix("check " + c.ID + ": "))
		},
		Entry("an ID not of the form ROLE-CATEGORY-NNN", func(_ fixture, c *harness.Check) { c.ID = "MGR-AUTH-1" }, "does not read ROLE-CATEGORY-NNN"),
		Entry("a lower-case ID", func(_ fixture, c *harness.Check) { c.ID = "mgr-auth-001" }, "does not read ROLE-CATEGORY-NNN"),
		Entry("no title", func(_ fixture, c *harness.Check) { c.Title = "" }, "a title and a doc are required"),
		Entry("no doc", func(_ fixture, c *harness.Check) { c.Doc = "" }, "a title and a doc are required"),
		Entry("no run function", func(_ fixture, c *harness.Check) { c.Run = nil }, "no run function"),
		Entry("no timeout", func(_ fixture, c *harness.Check) { c.Timeout = 0 }, "no timeout"),
		Entry("a negative timeout", func(_ fixture, c *harness.Check) { c.Timeout = -time.Second }, "no timeout"),
		Entry("an unknown role", func(_ fixture, c *harness.Check) { c.Role = "sensor" }, `role "sensor" is neither`),
		Entry("an ID of another role", func(_ fixture, c *harness.Check) { c.ID = "ANA-A-001" }, "a manager check's ID starts with MGR-"),
		Entry("an unknown level", func(_ fixture, c *harness.Check) { c.Level = "MUSTN'T" }, "is not MUST, SHALL, SHOULD or MAY"),
		Entry("no requirement", func(_ fixture, c *harness.Check) { c.Requirements = nil }, "cites no requirement"),
		Entry("a requirement not in the catalogue", func(_ fixture, c *harness.Check) { c.Requirements = []string{"IDMEF2T-99.99-NOPE"} }, "requirement IDMEF2T-99.99-NOPE is not in the catalogue"),
		Entry("a requirement of another role", func(f fixture, c *harness.Check) { c.Requirements = []string{f.analyzerOnly.ID} }, "does not apply to the manager role"),
		Entry("a level stronger than any requirement cited", func(f fixture, c *harness.Check) { c.Requirements = []string{f.shouldMgr.ID} },
			"level MUST is stronger than any requirement it cites (strongest SHOULD)"),
		Entry("an option statements cannot claim", func(_ fixture, c *harness.Check) { c.Needs = []string{"telepathy"} }, `needs option "telepathy"`),
	)

	It("refuses an ID used twice", func() {
		_, err := harness.NewRegistry(f.cat, options, f.good("MGR-A-001"), f.good("MGR-A-001"))
		Expect(err).To(MatchError("check MGR-A-001: the ID is used twice"))
	})

	It("judges the level against the strongest requirement cited", func() {
		c := f.good("MGR-A-001")
		c.Requirements = []string{f.shouldMgr.ID, f.mustMgr.ID}
		_, err := harness.NewRegistry(f.cat, options, c)
		Expect(err).NotTo(HaveOccurred())
		if f.mayMgr != nil {
			c.Requirements = []string{f.mayMgr.ID}
			c.Level = catalog.LevelShould
			_, err = harness.NewRegistry(f.cat, options, c)
			Expect(err).To(MatchError(ContainSubstring("level SHOULD is stronger")))
		}
	})

	It("names every offender, not just the first", func() {
		a, b := f.good("MGR-A-001"), f.good("MGR-B-001")
		a.Title, b.Timeout = "", 0
		_, err := harness.NewRegistry(f.cat, options, a, b)
		Expect(err).To(HaveOccurred())
		Expect(strings.Split(err.Error(), "\n")).To(ConsistOf(
			"check MGR-A-001: a title and a doc are required",
			"check MGR-B-001: no timeout",
		))
	})
})

var _ = Describe("Registry.Select", func() {
	var (
		f fixture
		r *harness.Registry
	)
	BeforeEach(func() {
		f = loadFixture()
		ana := f.good("ANA-AUTH-001")
		ana.Role = harness.RoleAnalyzer
		ana.Requirements = nil
		for _, q := range f.cat.Requirements() {
			if slices.Contains(q.Roles, harness.RoleAnalyzer) && q.Level == catalog.LevelMust {
				ana.Requirements = []string{q.ID}
				break
			}
		}
		var err error
		r, err = harness.NewRegistry(f.cat, options, f.good("MGR-AUTH-001"), f.good("MGR-AUTH-002"), f.good("MGR-CONF-001"), f.good("MGR-DOS-001"), ana)
		Expect(err).NotTo(HaveOccurred())
	})
	ids := func(cs []harness.Check) []string {
		out := []string{}
		for _, c := range cs {
			out = append(out, c.ID)
		}
		return out
	}

	It("returns every check of the role when nothing is named", func() {
		got, err := r.Select(harness.RoleManager, nil, nil)
		Expect(err).NotTo(HaveOccurred())
		Expect(ids(got)).To(Equal([]string{"MGR-AUTH-001", "MGR-AUTH-002", "MGR-CONF-001", "MGR-DOS-001"}))
	})

	It("keeps the checks matching one of the only globs", func() {
		got, err := r.Select(harness.RoleManager, []string{"MGR-AUTH-*", "MGR-DOS-001"}, nil)
		Expect(err).NotTo(HaveOccurred())
		Expect(ids(got)).To(Equal([]string{"MGR-AUTH-001", "MGR-AUTH-002", "MGR-DOS-001"}))
	})

	It("drops the checks matching a skip glob, even when only names them", func() {
		got, err := r.Select(harness.RoleManager, []string{"MGR-AUTH-*"}, []string{"MGR-AUTH-00[2]"})
		Expect(err).NotTo(HaveOccurred())
		Expect(ids(got)).To(Equal([]string{"MGR-AUTH-001"}))
	})

	It("never returns checks of another role, even when named", func() {
		got, err := r.Select(harness.RoleManager, []string{"*-AUTH-001"}, nil)
		Expect(err).NotTo(HaveOccurred())
		Expect(ids(got)).To(Equal([]string{"MGR-AUTH-001"}))
	})

	It("refuses a pattern that matches no check, as a typing mistake", func() {
		_, err := r.Select(harness.RoleManager, []string{"MGR-AUHT-*"}, nil)
		Expect(err).To(MatchError(`pattern "MGR-AUHT-*" matches no check (see: idmefcheck checks list)`))
		_, err = r.Select(harness.RoleManager, nil, []string{"MGR-AUTH-003"})
		Expect(err).To(MatchError(ContainSubstring(`"MGR-AUTH-003" matches no check`)))
	})

	It("refuses a malformed pattern", func() {
		_, err := r.Select(harness.RoleManager, []string{"MGR-[AUTH-001"}, nil)
		Expect(err).To(MatchError(ContainSubstring(`pattern "MGR-[AUTH-001": syntax error in pattern`)))
	})
})

var _ = Describe("Registry.Hash", func() {
	var f fixture
	BeforeEach(func() { f = loadFixture() })
	hash := func(cs ...harness.Check) string {
		r, err := harness.NewRegistry(f.cat, options, cs...)
		Expect(err).NotTo(HaveOccurred())
		return r.Hash()
	}

	It("is the same for the same definitions, whatever their order or code", func() {
		a, b := f.good("MGR-A-001"), f.good("MGR-B-001")
		h := hash(a, b)
		Expect(h).To(MatchRegexp(`^[0-9a-f]{64}$`))
		b.Run = func(context.Context, *harness.T) harness.Outcome { return harness.Failf("x", "y") }
		Expect(hash(b, a)).To(Equal(h))
	})

	DescribeTable("changes when a definition changes",
		func(change func(f fixture, c *harness.Check)) {
			c := f.good("MGR-A-001")
			before := hash(c, f.good("MGR-B-001"))
			change(f, &c)
			Expect(hash(c, f.good("MGR-B-001"))).NotTo(Equal(before))
		},
		Entry("the ID", func(_ fixture, c *harness.Check) { c.ID = "MGR-A-002" }),
		Entry("the title", func(_ fixture, c *harness.Check) { c.Title += "!" }),
		Entry("the doc", func(_ fixture, c *harness.Check) { c.Doc += "!" }),
		Entry("the level", func(_ fixture, c *harness.Check) { c.Level = catalog.LevelShould }),
		Entry("the category", func(_ fixture, c *harness.Check) { c.Category = "other" }),
		Entry("the requirements", func(f fixture, c *harness.Check) { c.Requirements = append(c.Requirements, f.shouldMgr.ID) }),
		Entry("the needs", func(_ fixture, c *harness.Check) { c.Needs = []string{"dedup"} }),
		Entry("the timeout", func(_ fixture, c *harness.Check) { c.Timeout++ }),
		Entry("serial", func(_ fixture, c *harness.Check) { c.Serial = true }),
	)

	It("tells a check dropped from one added", func() {
		Expect(hash(f.good("MGR-A-001"))).NotTo(Equal(hash(f.good("MGR-A-001"), f.good("MGR-B-001"))))
	})
})

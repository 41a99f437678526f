package knownbad_test

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"slices"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/idmefcheck/idmefcheck/conformance/analyzerlab"
	"github.com/idmefcheck/idmefcheck/conformance/analyzerrole"
	"github.com/idmefcheck/idmefcheck/conformance/catalog"
	"github.com/idmefcheck/idmefcheck/conformance/harness"
	"github.com/idmefcheck/idmefcheck/conformance/knownbad"
	"github.com/idmefcheck/idmefcheck/conformance/managerlab"
	"github.com/idmefcheck/idmefcheck/conformance/managerrole"
	"github.com/idmefcheck/idmefcheck/conformance/suite"
	"github.com/idmefcheck/idmefcheck/reference/validator"
	"github.com/idmefcheck/idmefcheck/report"
	"github.com/idmefcheck/idmefcheck/schema"
)

var (
	schemas *schema.Set
	cat     *catalog.Catalog
	reg     *harness.Registry
	val     *validator.Validator
)

var _ = BeforeSuite(func() {
	var err error
	schemas, err = schema.Load()
	Expect(err).NotTo(HaveOccurred())
	cat, err = catalog.Load(schemas)
	Expect(err).NotTo(HaveOccurred())
	reg, err = suite.Registry(cat)
	Expect(err).NotTo(HaveOccurred())
	val, err = validator.New(schemas, validator.Options{})
	Expect(err).NotTo(HaveOccurred())
})

func run(lab *managerlab.Lab, only []string) *report.Report {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	env, err := managerrole.NewEnv(ctx, lab.Statement, val, slog.New(slog.DiscardHandler))
	Expect(err).NotTo(HaveOccurred())
	env.Restart = func(ctx context.Context) error {
		if err := lab.Restart(ctx); err != nil {
			return err
		}
		return env.WaitReady(ctx, 10*time.Second)
	}
	r, err := suite.Run(ctx, suite.Config{Statement: lab.Statement, Catalog: cat, Registry: reg, Validator: val,
		SuiteVersion: "test", Only: only, Parallel: 4, Env: env})
	Expect(err).NotTo(HaveOccurred())
	return r
}

func describe(r *report.Report) string {
	var b strings.Builder
	for _, p := range r.Sanity {
		fmt.Fprintf(&b, "sanity %s ok=%v: %s\n", p.When, p.OK, p.Detail)
	}
	for _, res := range r.Results {
		fmt.Fprintf(&b, "%s %s %s: %s\n", res.ID, res.Verdict, res.Reason, res.Message)
	}
	return b.String()
}

var _ = Describe("the known-bad managers", func() {
	variants := knownbad.Managers()

	It("have unique names, say what they break, and catch only checks that exist", func() {
		seen := map[string]bool{}
		for _, v := range variants {
			Expect(seen[v.Name]).To(BeFalse(), v.Name)
			seen[v.Name] = true
			Expect(v.Name).To(HavePrefix("manager/"))
			Expect(v.Breaks).NotTo(BeEmpty(), v.Name)
			Expect(v.Catches).NotTo(BeEmpty(), v.Name)
			for _, id := range v.Catches {
				c, ok := reg.Lookup(id)
				Expect(ok).To(BeTrue(), "%s catches %s, which is not a check", v.Name, id)
				Expect(c.Role).To(Equal(harness.RoleManager))
			}
		}
	})

	It("together catch every manager-role check", func() {
		var uncaught []string
		for _, c := range reg.Checks() {
			if c.Role == harness.RoleManager && len(knownbad.Catching(variants, c.ID)) == 0 {
				uncaught = append(uncaught, c.ID)
			}
		}
		Expect(uncaught).To(BeEmpty(), "checks no known-bad manager fails")
	})

	for _, v := range variants {
		It(v.Name+" fails exactly the checks it claims to catch", func() {
			lab, err := v.Start(schemas, GinkgoT().TempDir())
			Expect(err).NotTo(HaveOccurred())
			DeferCleanup(lab.Close)
			r := run(lab, v.Catches)
			Expect(r.Results).To(HaveLen(len(v.Catches)))
			for _, res := range r.Results {
				Expect(slices.Contains(v.Catches, res.ID)).To(BeTrue())
				Expect(res.Verdict).To(Equal(report.Fail), "%s against %s:\n%s", res.ID, v.Name, describe(r))
			}
		})
	}
})

var _ = Describe("the known-bad analyzers", func() {
	variants := knownbad.Analyzers()

	It("together catch every analyzer-role check", func() {
		var uncaught []string
		for _, c := range reg.Checks() {
			if c.Role == harness.RoleAnalyzer && len(knownbad.Catching(variants, c.ID)) == 0 {
				uncaught = append(uncaught, c.ID)
			}
		}
		Expect(uncaught).To(BeEmpty(), "checks no known-bad analyzer fails")
		for _, v := range variants {
			Expect(v.Name).To(HavePrefix("analyzer/"))
			for _, id := range v.Catches {
				c, ok := reg.Lookup(id)
				Expect(ok).To(BeTrue(), "%s catches %s, which is not a check", v.Name, id)
				Expect(c.Role).To(Equal(harness.RoleAnalyzer))
			}
		}
	})

	// The analyzer variants run side by side (each has its own lab, ports and spool): one
	// after the other they would take minutes, since refusals are judged by waiting.
	It("each fail exactly the checks they claim to catch", func() {
		type outcome struct {
			name string
			r    *report.Report
			err  error
		}
		results := make(chan outcome, len(variants))
		// Four at a time: the refusal checks judge by waiting for quiet (5 s, 10 s), and a known-bad
		// analyzer slowed enough by the race detector and a loaded machine could stay quiet by
		// accident, passing a check it should fail.
		sem := make(chan struct{}, 4)
		for _, v := range variants {
			go func() {
				sem <- struct{}{}
				defer func() { <-sem }()
				defer GinkgoRecover()
				dir, err := os.MkdirTemp("", "knownbad-analyzer-")
				if err != nil {
					results <- outcome{name: v.Name, err: err}
					return
				}
				defer os.RemoveAll(dir)
				lab, err := v.StartAnalyzer(schemas, dir)
				if err != nil {
					results <- outcome{name: v.Name, err: err}
					return
				}
				defer lab.Close()
				r, err := runAnalyzer(lab, v.Catches)
				results <- outcome{name: v.Name, r: r, err: err}
			}()
		}
		byName := map[string]knownbad.Variant{}
		for _, v := range variants {
			byName[v.Name] = v
		}
		for range variants {
			o := <-results
			Expect(o.err).NotTo(HaveOccurred(), o.name)
			Expect(o.r.Results).To(HaveLen(len(byName[o.name].Catches)), o.name)
			for _, res := range o.r.Results {
				Expect(res.Verdict).To(Equal(report.Fail), "%s against %s:\n%s", res.ID, o.name, describe(o.r))
			}
		}
	})
})

func runAnalyzer(lab *analyzerlab.Lab, only []string) (*report.Report, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	env, err := analyzerrole.NewEnv(ctx, analyzerrole.Options{Statement: lab.Statement, Schemas: schemas, Validator: val,
		Listeners: lab.Listeners, Trigger: lab.Trigger, Log: slog.New(slog.DiscardHandler)})
	if err != nil {
		return nil, err
	}
	defer env.Close()
	// The lab analyzer retries within 2 s: 2 s of quiet is enough to see it would have.
	env.Quiet = 2 * time.Second
	return suite.Run(ctx, suite.Config{Statement: lab.Statement, Catalog: cat, Registry: reg, Validator: val, Schemas: schemas,
		SuiteVersion: "test", Only: only, Parallel: 1, Env: env})
}

package analyzerrole_test

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/idmefcheck/idmefcheck/conformance/analyzerlab"
	"github.com/idmefcheck/idmefcheck/conformance/analyzerrole"
	"github.com/idmefcheck/idmefcheck/conformance/catalog"
	"github.com/idmefcheck/idmefcheck/conformance/harness"
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

// RunAgainst runs the analyzer-role checks matching only against a lab analyzer.
func runAgainst(lab *analyzerlab.Lab, only ...string) *report.Report {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	env, err := analyzerrole.NewEnv(ctx, analyzerrole.Options{Statement: lab.Statement, Schemas: schemas, Validator: val,
		Listeners: lab.Listeners, Trigger: lab.Trigger, Log: slog.New(slog.DiscardHandler)})
	Expect(err).NotTo(HaveOccurred())
	defer env.Close()
	// The lab analyzer retries within 2 s: 2 s of quiet is enough to see it would have.
	env.Quiet = 2 * time.Second
	r, err := suite.Run(ctx, suite.Config{Statement: lab.Statement, Catalog: cat, Registry: reg, Validator: val, Schemas: schemas,
		SuiteVersion: "test", Only: only, Parallel: 1, Env: env})
	Expect(err).NotTo(HaveOccurred())
	return r
}

func startLab(o analyzerlab.Options) *analyzerlab.Lab {
	o.Dir = GinkgoT().TempDir()
	lab, err := analyzerlab.Start(schemas, o)
	Expect(err).NotTo(HaveOccurred())
	DeferCleanup(lab.Close)
	return lab
}

func describe(r *report.Report) string {
	var b strings.Builder
	for _, p := range r.Sanity {
		fmt.Fprintf(&b, "sanity %s ok=%v: %s\n", p.When, p.OK, p.Detail)
	}
	for _, res := range r.Results {
		fmt.Fprintf(&b, "%s %s %s: %s (%s)\n", res.ID, res.Verdict, res.Reason, res.Message, res.Duration)
		if res.Verdict != report.Pass {
			for _, e := range res.Evidence {
				fmt.Fprintf(&b, "    [%s %s] %s\n", e.Kind, e.Label, strings.ReplaceAll(e.Text, "\n", "\n      "))
			}
		}
	}
	return b.String()
}

var _ = Describe("the reference analyzer", func() {
	It("passes every applicable check", func() {
		lab := startLab(analyzerlab.Options{})
		r := runAgainst(lab)
		AddReportEntry("run", describe(r))
		Expect(r.Sanity).To(HaveEach(HaveField("OK", BeTrue())), describe(r))
		for _, res := range r.Results {
			Expect(res.Verdict).To(Or(Equal(report.Pass), Equal(report.NotApplicable)), describe(r))
		}
	})
})

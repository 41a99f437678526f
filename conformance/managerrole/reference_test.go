package managerrole_test

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/idmefcheck/idmefcheck/conformance/catalog"
	"github.com/idmefcheck/idmefcheck/conformance/harness"
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

// runAgainst runs the manager-role checks matching only against a lab manager.
func runAgainst(lab *managerlab.Lab, only ...string) *report.Report {
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

func startLab(o managerlab.Options) *managerlab.Lab {
	o.Dir = GinkgoT().TempDir()
	lab, err := managerlab.Start(schemas, o)
	Expect(err).NotTo(HaveOccurred())
	DeferCleanup(lab.Close)
	return lab
}

func summary(r *report.Report) string {
	var b strings.Builder
	for _, res := range r.Results {
		if res.Verdict != report.Pass {
			fmt.Fprintf(&b, "%s %s %s: %s\n", res.ID, res.Verdict, res.Reason, res.Message)
			for _, e := range res.Evidence {
				fmt.Fprintf(&b, "    [%s %s] %s\n", e.Kind, e.Label, strings.ReplaceAll(e.Text, "\n", "\n      "))
			}
		}
	}
	return b.String()
}

var _ = Describe("the reference manager", func() {
	It("passes every applicable check", func() {
		lab := startLab(managerlab.Options{RequireSignatures: true})
		r := runAgainst(lab)
		Expect(r.Sanity).To(HaveEach(HaveField("OK", BeTrue())))
		for _, res := range r.Results {
			Expect(res.Verdict).To(Or(Equal(report.Pass), Equal(report.NotApplicable)), summary(r))
		}
		Expect(r.Totals.Counts[report.Pass]).To(BeNumerically(">", 0))
	})
})

// Package suite assembles the conformance suite: the registry of every role's checks, and a
// run of one role against one implementation statement that ends in a canonical report.
package suite

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"runtime"
	"slices"
	"time"

	"github.com/idmefcheck/idmefcheck/conformance/analyzerrole"
	"github.com/idmefcheck/idmefcheck/conformance/catalog"
	"github.com/idmefcheck/idmefcheck/conformance/harness"
	"github.com/idmefcheck/idmefcheck/conformance/ics"
	"github.com/idmefcheck/idmefcheck/conformance/managerrole"
	"github.com/idmefcheck/idmefcheck/reference/validator"
	"github.com/idmefcheck/idmefcheck/report"
	"github.com/idmefcheck/idmefcheck/schema"
)

// Registry returns the registry of every check of every role.
func Registry(cat *catalog.Catalog) (*harness.Registry, error) {
	names := map[string]string{}
	for _, o := range ics.OptionList() {
		names[o.Name] = o.Meaning
	}
	return harness.NewRegistry(cat, names, slices.Concat(managerrole.Checks(), analyzerrole.Checks())...)
}

// Config is one run.
type Config struct {
	Statement *ics.Statement
	Catalog   *catalog.Catalog
	Registry  *harness.Registry
	// Validator judges the harness's own messages and, for analyzers, theirs.
	Validator *validator.Validator
	// Schemas are the embedded schemas (the shim protocol's among them).
	Schemas *schema.Set
	// SuiteVersion is the program's version, for the report.
	SuiteVersion string
	Only, Skip   []string
	Strict       bool
	Parallel     int
	Timeout      time.Duration
	// Env replaces the environment the statement describes (tests, the lab).
	Env      any
	OnStart  func(harness.Check)
	OnResult func(report.Result)
	Log      *slog.Logger
}

// Run runs the checks of the statement's role and returns the summarized report.
func Run(ctx context.Context, cfg Config) (*report.Report, error) {
	st := cfg.Statement
	checks, err := cfg.Registry.Select(st.Role, cfg.Only, cfg.Skip)
	if err != nil {
		return nil, err
	}
	log := cfg.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	env := cfg.Env
	var probe harness.Probe
	var observed string
	switch st.Role {
	case harness.RoleManager:
		e, ok := env.(*managerrole.Env)
		if env == nil {
			if e, err = managerrole.NewEnv(ctx, st, cfg.Validator, log); err != nil {
				return nil, err
			}
		} else if !ok {
			return nil, fmt.Errorf("suite: a %T is not a manager-role environment", env)
		}
		env, probe, observed = e, e.Probe, e.Observe.Describe()
	case harness.RoleAnalyzer:
		e, ok := env.(*analyzerrole.Env)
		if env == nil {
			if e, err = analyzerrole.NewEnv(ctx, analyzerrole.Options{Statement: st, Schemas: cfg.Schemas, Validator: cfg.Validator, Log: log}); err != nil {
				return nil, err
			}
			defer e.Close()
		} else if !ok {
			return nil, fmt.Errorf("suite: a %T is not an analyzer-role environment", env)
		}
		env, probe, observed = e, e.Probe, "the harness itself (it plays the manager)"
	default:
		return nil, fmt.Errorf("suite: role %q: want manager or analyzer", st.Role)
	}
	host, _ := os.Hostname()
	r := &report.Report{
		Format: report.Format,
		Suite: report.Suite{Name: "idmefcheck", Version: cfg.SuiteVersion, CatalogHash: cfg.Catalog.Hash(),
			ChecksHash: cfg.Registry.Hash()},
		Implementation: report.Implementation{Vendor: st.Implementation.Vendor, Product: st.Implementation.Product,
			Version: st.Implementation.Version, Role: st.Role, Versions: slices.Clone(st.Versions),
			Options: append([]string{}, st.Options...), Statement: st.SHA256},
		Run: report.Run{Role: st.Role, Targets: targetsOf(st), Observe: observed, Only: cfg.Only, Skip: cfg.Skip,
			Strict: cfg.Strict, Parallel: max(cfg.Parallel, 1), Timeout: report.Duration(cfg.Timeout)},
		Host: report.Host{Name: host, OS: runtime.GOOS, Arch: runtime.GOARCH, Go: runtime.Version()},
	}
	runner := &harness.Runner{Env: env, Claimed: st.Claims, Parallel: cfg.Parallel, Timeout: cfg.Timeout,
		Sanity: probe, OnStart: cfg.OnStart, OnResult: cfg.OnResult, Log: log}
	r.Started = time.Now().UTC()
	r.Results, r.Sanity = runner.Run(ctx, checks)
	r.Ended = time.Now().UTC()
	r.Summarize(cfg.Catalog)
	return r, nil
}

func targetsOf(st *ics.Statement) []string {
	if st.Role == harness.RoleManager {
		return append([]string{}, st.Connect.Targets...)
	}
	return append([]string{}, st.Connect.Listen...)
}

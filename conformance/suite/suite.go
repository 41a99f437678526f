// Package suite assembles the conformance suite: the registry of every role's checks, and a
// run of one role against one implementation statement that ends in a canonical report.
package suite

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"runtime"
	"slices"
	"sync"
	"time"

	"github.com/idmefcheck/idmefcheck/conformance/analyzerrole"
	"github.com/idmefcheck/idmefcheck/conformance/catalog"
	"github.com/idmefcheck/idmefcheck/conformance/eventlog"
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
	// Events, when not nil, receives the run's structured event log (docs/harness.md): the
	// run's start and end, each check's start and verdict, the sanity probes, and every
	// connection, handshake, request and answer of the harness.
	Events *eventlog.Log
	// KeyLog, when not nil, receives the TLS secrets of every connection the harness makes
	// or accepts, in the NSS key log format: whoever holds them can decrypt a capture of the
	// run. Never on by default (--keylog).
	KeyLog io.Writer
	Log    *slog.Logger
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
		if cfg.Events != nil || cfg.KeyLog != nil {
			e.Trace(cfg.KeyLog, cfg.Events)
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
		if cfg.Events != nil || cfg.KeyLog != nil {
			e.Trace(cfg.KeyLog, cfg.Events)
		}
		// Analyzer-role checks run one at a time: what the harness's manager receives
		// belongs to the check running, or to the sanity probe.
		probe = func(ctx context.Context) (string, error) {
			e.SetCheck("sanity")
			defer e.SetCheck("")
			return e.Probe(ctx)
		}
		onStart := cfg.OnStart
		cfg.OnStart = func(c harness.Check) {
			e.SetCheck(c.ID)
			if onStart != nil {
				onStart(c)
			}
		}
		env, observed = e, "the harness itself (it plays the manager)"
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
	if ev := cfg.Events; ev != nil {
		traceRunner(runner, ev)
		ev.Emit(ctx, eventlog.Event{Schema: eventlog.SchemaFile, Event: eventlog.RunStart, Role: st.Role,
			Product: st.Implementation.Vendor + " " + st.Implementation.Product + " " + st.Implementation.Version})
	}
	r.Started = time.Now().UTC()
	r.Results, r.Sanity = runner.Run(ctx, checks)
	r.Ended = time.Now().UTC()
	r.Summarize(cfg.Catalog)
	// The verdicts only: the expected-failures file, applied later, may still excuse some.
	t := r.Totals
	cfg.Events.CloseOpen()
	cfg.Events.Emit(ctx, eventlog.Event{Event: eventlog.RunEnd, Role: st.Role, Message: fmt.Sprintf("%d checks: %d pass, %d fail, %d inconclusive, %d not applicable, %d error",
		t.Checks, t.Counts[report.Pass], t.Counts[report.Fail], t.Counts[report.Inconclusive], t.Counts[report.NotApplicable], t.Counts[report.Error])})
	return r, nil
}

func targetsOf(st *ics.Statement) []string {
	if st.Role == harness.RoleManager {
		return append([]string{}, st.Connect.Targets...)
	}
	return append([]string{}, st.Connect.Listen...)
}

// traceRunner makes the runner write each check's start and verdict, and each sanity
// probe's outcome, to the event log, besides what its hooks did already.
func traceRunner(r *harness.Runner, ev *eventlog.Log) {
	onStart, onResult, sanity := r.OnStart, r.OnResult, r.Sanity
	r.OnStart = func(c harness.Check) {
		ev.Emit(context.Background(), eventlog.Event{Event: eventlog.CheckStart, Check: c.ID})
		if onStart != nil {
			onStart(c)
		}
	}
	r.OnResult = func(res report.Result) {
		ms := time.Duration(res.Duration).Milliseconds()
		ev.Emit(context.Background(), eventlog.Event{Event: eventlog.CheckEnd, Check: res.ID, Verdict: string(res.Verdict),
			Reason: res.Reason, Message: res.Message, ElapsedMS: &ms})
		if onResult != nil {
			onResult(res)
		}
	}
	if sanity == nil {
		return
	}
	var mu sync.Mutex
	probes := 0
	r.Sanity = func(ctx context.Context) (string, error) {
		mu.Lock()
		when := "before"
		if probes > 0 {
			when = "after"
		}
		probes++
		mu.Unlock()
		start := time.Now()
		detail, err := sanity(ctx)
		ms := time.Since(start).Milliseconds()
		e := eventlog.Event{Event: eventlog.Probe, Check: "sanity", When: when, OK: eventlog.Bool(err == nil), Message: detail, ElapsedMS: &ms}
		if err != nil {
			e.Error = err.Error()
		}
		ev.Emit(ctx, e)
		return detail, err
	}
}

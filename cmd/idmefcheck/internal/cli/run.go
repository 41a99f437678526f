package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/spf13/pflag"
	"github.com/vbauerster/mpb/v8"
	"github.com/vbauerster/mpb/v8/decor"

	"github.com/idmefcheck/idmefcheck"
	"github.com/idmefcheck/idmefcheck/conformance/harness"
	"github.com/idmefcheck/idmefcheck/conformance/ics"
	"github.com/idmefcheck/idmefcheck/conformance/suite"
	"github.com/idmefcheck/idmefcheck/reference/validator"
	"github.com/idmefcheck/idmefcheck/report"
)

func runCommand() *Command {
	return &Command{
		Name:  "run",
		Usage: "run --role manager|analyzer (--ics FILE | --target URL --ca F --cert F --key F [--observe-file F]) [--out DIR] [--only GLOB]... [--skip GLOB]... [--strict] [--expected-failures FILE] [--parallel N] [--timeout D]",
		Short: "run the conformance checks of a role against an implementation",
		Long: `Runs the black-box conformance checks of one role against the implementation an
implementation statement describes (--ics FILE; docs/ics.md), or, for a quick run against a
manager, against the one the flags describe: --target (repeatable, one per listener), --ca,
--cert, --key, and optionally --server-name and --observe-file; the flags then claim
--options (default http2,ipv4) and the versions of --versions.

It prints one line per check as it ends (with a progress bar on a terminal), then a summary by
category, and writes DIR/report.json (--out, default ./idmefcheck-report): the canonical
report (docs/report.md). --only and --skip take check IDs or globs (MGR-AUTH-*), repeatable
or comma-separated. --parallel runs that many independent checks at once (checks that load or
restart the target always run alone); --timeout caps every check's own timeout. The harness
never retries a check.

--expected-failures FILE lists checks known to fail, each with a reason, an issue link and an
expiry date (docs/exit-codes.md): a listed failure does not fail the run until it expires;
a listed check that passes does.

Exit codes (docs/exit-codes.md), bits that add up: 0 conformant; 1 a MUST check failed; 2 the
harness or its configuration failed (bad flags included); 4 a SHOULD check failed and --strict
was given; 8 a check was inconclusive or a sanity probe failed; 16 a check the expected-failures
file lists passed.`,
		Setup: func(fs *pflag.FlagSet) RunFunc {
			o := &runOptions{}
			fs.StringVar(&o.role, "role", "", "the role under test: manager or analyzer")
			fs.StringVar(&o.ics, "ics", "", "implementation statement (YAML or JSON)")
			fs.StringArrayVar(&o.targets, "target", nil, "manager URL (repeatable), instead of --ics")
			fs.StringVar(&o.ca, "ca", "", "with --target: PEM file of the CA that issued the manager's certificate")
			fs.StringVar(&o.cert, "cert", "", "with --target: the analyzer certificate the harness presents")
			fs.StringVar(&o.key, "key", "", "with --target: its private key")
			fs.StringVar(&o.serverName, "server-name", "", "with --target: the name the manager's certificate carries (default: the URL's host)")
			fs.StringVar(&o.observeFile, "observe-file", "", "with --target: an NDJSON file the manager appends stored alerts to")
			fs.StringSliceVar(&o.options, "options", []string{"http2", "ipv4"}, "with --target: the options claimed")
			fs.StringSliceVar(&o.versions, "versions", []string{"2.D.V08"}, "with --target: the versions claimed")
			fs.StringVar(&o.out, "out", "idmefcheck-report", "directory for report.json")
			fs.StringSliceVar(&o.only, "only", nil, "run only the checks matching these IDs or globs")
			fs.StringSliceVar(&o.skip, "skip", nil, "skip the checks matching these IDs or globs")
			fs.BoolVar(&o.strict, "strict", false, "SHOULD failures fail the run too (exit bit 4)")
			fs.StringVar(&o.expected, "expected-failures", "", "YAML file of expected failures")
			fs.IntVar(&o.parallel, "parallel", 4, "independent checks run at once")
			fs.DurationVar(&o.timeout, "timeout", 0, "cap on every check's timeout (0: each check's own)")
			fs.StringVar(&o.logLevel, "log-level", "warn", "harness log level on standard error: debug, info, warn or error")
			return func(ctx context.Context, env *Env, args []string) error {
				if len(args) > 0 {
					return usageError("run takes no arguments")
				}
				return o.run(ctx, env)
			}
		},
	}
}

type runOptions struct {
	role, ics, ca, cert, key, serverName, observeFile string
	targets, options, versions, only, skip            []string
	out, expected, logLevel                           string
	strict                                            bool
	parallel                                          int
	timeout                                           time.Duration
}

// harnessError is a failure of the harness or its configuration: exit bit 2.
func harnessError(err error) error {
	return &ExitError{Code: report.ExitHarnessError, Err: err}
}

func (o *runOptions) statement() (*ics.Statement, error) {
	set, _, err := loadCatalog()
	if err != nil {
		return nil, err
	}
	if o.ics != "" {
		if len(o.targets) > 0 || o.ca != "" || o.cert != "" || o.key != "" || o.observeFile != "" {
			return nil, usageError("--ics and the quick-run flags (--target, --ca, --cert, --key, --observe-file) exclude each other")
		}
		st, err := ics.Load(set, o.ics)
		if err != nil {
			return nil, harnessError(err)
		}
		if st.Role != o.role {
			return nil, usageError("--role %s, but the statement %s is for the %s role", o.role, o.ics, st.Role)
		}
		return st, nil
	}
	if len(o.targets) == 0 {
		return nil, usageError("give --ics FILE, or --target URL with --ca, --cert and --key")
	}
	if o.role != harness.RoleManager {
		return nil, usageError("the quick-run flags describe a manager; an analyzer needs --ics")
	}
	if o.ca == "" || o.cert == "" || o.key == "" {
		return nil, usageError("--target needs --ca, --cert and --key")
	}
	st := &ics.Statement{Schema: ics.FileSchema, FormatVersion: 1,
		Implementation: ics.Implementation{Vendor: "unnamed", Product: "unnamed", Version: "unknown"},
		Role:           o.role, Versions: o.versions, Options: o.options,
		Connect: ics.Connect{Targets: o.targets, ServerName: o.serverName, CA: o.ca, Cert: o.cert, Key: o.key},
		Observe: ics.Observe{Kind: ics.ObserveNone},
	}
	if o.observeFile != "" {
		st.Observe = ics.Observe{Kind: ics.ObserveFile, File: o.observeFile}
	}
	if err := st.Check(); err != nil {
		return nil, usageError("%v", err)
	}
	return st, nil
}

func (o *runOptions) run(ctx context.Context, env *Env) error {
	if o.role != harness.RoleManager && o.role != harness.RoleAnalyzer {
		return usageError("--role %q: want manager or analyzer", o.role)
	}
	if o.parallel < 1 {
		return usageError("--parallel %d: want at least 1", o.parallel)
	}
	var level slog.Level
	if err := level.UnmarshalText([]byte(o.logLevel)); err != nil {
		return usageError("--log-level %q: want debug, info, warn or error", o.logLevel)
	}
	st, err := o.statement()
	if err != nil {
		return err
	}
	var exp *report.Expectations
	if o.expected != "" {
		if exp, err = report.LoadExpectations(o.expected); err != nil {
			return harnessError(err)
		}
	}
	set, cat, err := loadCatalog()
	if err != nil {
		return harnessError(err)
	}
	reg, err := suite.Registry(cat)
	if err != nil {
		return harnessError(err)
	}
	if _, err := reg.Select(o.role, o.only, o.skip); err != nil {
		return usageError("%v", err)
	}
	v, err := validator.New(set, validator.Options{})
	if err != nil {
		return harnessError(err)
	}
	if err := os.MkdirAll(o.out, 0o755); err != nil {
		return harnessError(fmt.Errorf("--out: %w", err))
	}
	log := slog.New(slog.NewTextHandler(env.Stderr, &slog.HandlerOptions{Level: level}))

	selected, _ := reg.Select(o.role, o.only, o.skip)
	progress := newProgress(env, len(selected))
	r, err := suite.Run(ctx, suite.Config{Statement: st, Catalog: cat, Registry: reg, Validator: v,
		SuiteVersion: idmefcheck.Version, Only: o.only, Skip: o.skip, Strict: o.strict, Parallel: o.parallel,
		Timeout: o.timeout, OnResult: progress.result, Log: log})
	progress.wait()
	if err != nil {
		return harnessError(err)
	}
	exp.Apply(r, time.Now())
	r.Summarize(cat)
	path := filepath.Join(o.out, "report.json")
	if err := writeReport(path, r); err != nil {
		return harnessError(err)
	}
	writeSummary(env.Stdout, r)
	fmt.Fprintf(env.Stdout, "report: %s\n", path)
	if code := r.ExitCode(); code != 0 {
		return &ExitError{Code: code}
	}
	return nil
}

func writeReport(path string, r *report.Report) error {
	data, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return err
	}
	if err := os.WriteFile(path, append(data, '\n'), 0o644); err != nil {
		return fmt.Errorf("writing the report: %w", err)
	}
	return nil
}

// progress prints a line per check as it ends, above a bar when standard output is a
// terminal.
type progress struct {
	out io.Writer
	p   *mpb.Progress
	bar *mpb.Bar
}

func newProgress(env *Env, total int) *progress {
	pr := &progress{out: env.Stdout}
	if env.IsTerminal {
		pr.p = mpb.New(mpb.WithOutput(env.Stdout), mpb.WithWidth(40))
		pr.bar = pr.p.AddBar(int64(total), mpb.PrependDecorators(decor.Name("checks "), decor.CountersNoUnit("%d/%d")),
			mpb.AppendDecorators(decor.Elapsed(decor.ET_STYLE_GO)))
		pr.out = pr.p
	}
	return pr
}

func (pr *progress) result(res report.Result) {
	fmt.Fprintf(pr.out, "%-14s %-16s %s (%s)\n", strings.ToUpper(string(res.Verdict)), res.ID, res.Title, time.Duration(res.Duration).Round(time.Millisecond))
	if res.Verdict != report.Pass && res.Verdict != report.NotApplicable {
		fmt.Fprintf(pr.out, "%-14s %-16s %s: %s\n", "", "", res.Reason, firstLine(res.Message))
	}
	if pr.bar != nil {
		pr.bar.Increment()
	}
}

func (pr *progress) wait() {
	if pr.p != nil {
		pr.bar.SetTotal(-1, true)
		pr.p.Wait()
	}
}

// writeSummary prints the totals by category and verdict, and the sanity probes.
func writeSummary(w io.Writer, r *report.Report) {
	fmt.Fprintf(w, "\n%s %s %s (%s role): %d checks\n", r.Implementation.Vendor, r.Implementation.Product, r.Implementation.Version, r.Run.Role, r.Totals.Checks)
	fmt.Fprintf(w, "%-16s %5s %5s %13s %15s %6s\n", "category", "pass", "fail", "inconclusive", "not applicable", "error")
	cats := slices.Clone(r.Categories)
	sort.Slice(cats, func(i, j int) bool { return cats[i].Name < cats[j].Name })
	for _, c := range cats {
		fmt.Fprintf(w, "%-16s %5d %5d %13d %15d %6d\n", c.Name, c.Counts[report.Pass], c.Counts[report.Fail], c.Counts[report.Inconclusive], c.Counts[report.NotApplicable], c.Counts[report.Error])
	}
	t := r.Totals
	fmt.Fprintf(w, "%-16s %5d %5d %13d %15d %6d\n", "total", t.Counts[report.Pass], t.Counts[report.Fail], t.Counts[report.Inconclusive], t.Counts[report.NotApplicable], t.Counts[report.Error])
	fmt.Fprintf(w, "MUST failures %d, SHOULD failures %d, expected failures %d, unexpected passes %d\n", t.MustFailures, t.ShouldFailures, t.ExpectedFailures, t.UnexpectedPasses)
	for _, p := range r.Sanity {
		state := "ok"
		if !p.OK {
			state = "FAILED"
		}
		fmt.Fprintf(w, "sanity probe %s: %s (%s)\n", p.When, state, p.Detail)
	}
	verdict := "conformant"
	if code := r.ExitCode(); code != 0 {
		var why []string
		for _, b := range []struct {
			bit  int
			text string
		}{{report.ExitMustFailure, "MUST failures"}, {report.ExitHarnessError, "harness errors"}, {report.ExitShouldFailure, "SHOULD failures (--strict)"},
			{report.ExitInconclusive, "inconclusive results"}, {report.ExitUnexpectedPass, "unexpected passes"}} {
			if code&b.bit != 0 {
				why = append(why, b.text)
			}
		}
		verdict = fmt.Sprintf("not conformant: %s (exit %d)", strings.Join(why, ", "), code)
	}
	fmt.Fprintf(w, "verdict: %s\n", verdict)
}

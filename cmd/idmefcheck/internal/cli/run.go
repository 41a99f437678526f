package cli

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"errors"
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
	"github.com/idmefcheck/idmefcheck/conformance/eventlog"
	"github.com/idmefcheck/idmefcheck/conformance/harness"
	"github.com/idmefcheck/idmefcheck/conformance/ics"
	"github.com/idmefcheck/idmefcheck/conformance/managerrole"
	"github.com/idmefcheck/idmefcheck/conformance/suite"
	"github.com/idmefcheck/idmefcheck/reference/pki"
	"github.com/idmefcheck/idmefcheck/reference/validator"
	"github.com/idmefcheck/idmefcheck/report"
)

func runCommand() *Command {
	return &Command{
		Name:  "run",
		Usage: "run --role manager|analyzer (--ics FILE | --target URL --ca F --cert F --key F [--observe-file F]) [--out DIR] [--formats LIST] [--sign-key KEY] [--only GLOB]... [--skip GLOB]... [--strict] [--expected-failures FILE] [--parallel N] [--timeout D]",
		Short: "run the conformance checks of a role against an implementation",
		Long: `Runs the black-box conformance checks of one role against the implementation an
implementation statement describes (--ics FILE; docs/ics.md), or, for a quick run against a
manager, against the one the flags describe: --target (repeatable, one per listener), --ca,
--cert, --key, and optionally --server-name and --observe-file; the flags then claim
--options (default http2,ipv4) and the versions of --versions.

It prints one line per check as it ends (with a progress bar on a terminal), then a summary by
category, and writes into DIR (--out, default ./idmefcheck-report) the canonical report,
report.json, and its renderings (docs/report.md): report.xml (JUnit XML for CI), report.md (a
summary for a pull-request comment or a job summary) and report.html (a self-contained page).
--formats chooses the renderings (json, junit, markdown, html; report.json is always written).
--sign-key KEY (an Ed25519 private key, PKCS #8 PEM, as idmefcheck pki writes
ROLE-signing.key) signs the exact bytes of report.json into report.json.sig beside it;
idmefcheck report verify checks it (docs/certification.md: what a signature attests and what
it does not). --only and --skip take check IDs or globs (MGR-AUTH-*), repeatable
or comma-separated. --parallel runs that many independent checks at once (checks that load or
restart the target always run alone); --timeout caps every check's own timeout. The harness
never retries a check.

Every run also writes DIR/events.ndjson, the structured event log (docs/harness.md, schema
schema/events.schema.json): one JSON object per line for each check's start and verdict, each
sanity probe, and each connection, TLS handshake, request and answer of the harness, with the
check it belongs to, its direction and its size in bytes.

` + keyLogText + `

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
			fs.StringVar(&o.out, "out", "idmefcheck-report", "directory for report.json and its renderings")
			fs.StringSliceVar(&o.formats, "formats", report.FormatNames(), "renderings to write besides report.json: junit, markdown, html")
			fs.StringVar(&o.signKey, "sign-key", "", "Ed25519 private key (PKCS #8 PEM) that signs report.json into report.json.sig")
			fs.StringSliceVar(&o.only, "only", nil, "run only the checks matching these IDs or globs")
			fs.StringSliceVar(&o.skip, "skip", nil, "skip the checks matching these IDs or globs")
			fs.BoolVar(&o.strict, "strict", false, "SHOULD failures fail the run too (exit bit 4)")
			fs.StringVar(&o.expected, "expected-failures", "", "YAML file of expected failures")
			fs.IntVar(&o.parallel, "parallel", 4, "independent checks run at once")
			fs.DurationVar(&o.timeout, "timeout", 0, "cap on every check's timeout (0: each check's own)")
			fs.StringVar(&o.logLevel, "log-level", "warn", "harness log level on standard error: debug, info, warn or error")
			fs.StringVar(&o.keyLog, "keylog", "", keyLogHelp)
			// --lab runs the suite against a manager started in-process (lab.go): for demos
			// and tests only, hidden because it judges idmefcheck's own managers, never a
			// vendor's, and its variants change as checks are added.
			fs.StringVar(&o.lab, "lab", "", "for demos and tests: run against an in-process lab manager, reference or a known-bad variant (manager/NAME)")
			_ = fs.MarkHidden("lab")
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
	out, expected, logLevel, signKey, lab             string
	keyLog                                            string
	formats                                           []string
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
	var renderings []report.Rendering
	for _, f := range o.formats {
		rd, err := report.RenderingOf(f)
		if err != nil {
			return usageError("--formats %q: want some of %s", f, strings.Join(report.FormatNames(), ", "))
		}
		if rd.Format != "json" {
			renderings = append(renderings, rd)
		}
	}
	var err error
	var signer ed25519.PrivateKey
	if o.signKey != "" {
		// Loaded before the run, so that a bad key fails in a second, not after every check.
		k, err := pki.LoadSigningKey(o.signKey, "report")
		if err != nil {
			return harnessError(fmt.Errorf("--sign-key: %w", err))
		}
		signer = k.Private
	}
	var st *ics.Statement
	if o.lab != "" {
		if err := o.labFlags(); err != nil {
			return err
		}
	} else if st, err = o.statement(); err != nil {
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
	var labEnv *managerrole.Env
	if o.lab != "" {
		// Started last, once every flag and file has been checked, so that a usage error
		// costs no PKI and no manager.
		lab, err := o.startLab(ctx, set, v, log)
		if err != nil {
			return harnessError(err)
		}
		defer lab.Close()
		st, labEnv = lab.Statement, lab.Env
	}

	selected, _ := reg.Select(o.role, o.only, o.skip)
	progress := newProgress(env, len(selected))
	cfg := suite.Config{Statement: st, Catalog: cat, Registry: reg, Validator: v, Schemas: set,
		SuiteVersion: idmefcheck.Version, Only: o.only, Skip: o.skip, Strict: o.strict, Parallel: o.parallel,
		Timeout: o.timeout, OnResult: progress.result, Log: log}
	if labEnv != nil {
		cfg.Env = labEnv
	}
	events, err := os.Create(filepath.Join(o.out, "events.ndjson"))
	if err != nil {
		return harnessError(fmt.Errorf("the event log: %w", err))
	}
	defer events.Close()
	cfg.Events = eventlog.New(events)
	if o.keyLog != "" {
		kl, err := openKeyLog(o.keyLog, env.Stderr)
		if err != nil {
			return harnessError(err)
		}
		defer kl.Close()
		cfg.KeyLog = kl
	}
	r, err := suite.Run(ctx, cfg)
	progress.wait()
	if err != nil {
		return harnessError(err)
	}
	if err := errors.Join(cfg.Events.Err(), events.Close()); err != nil {
		return harnessError(fmt.Errorf("writing the event log %s: %w", events.Name(), err))
	}
	exp.Apply(r, time.Now())
	r.Summarize(cat)
	files, err := writeReports(o.out, r, renderings, signer)
	if err != nil {
		return harnessError(err)
	}
	writeSummary(env.Stdout, r)
	fmt.Fprintf(env.Stdout, "report: %s (%s)\n", filepath.Join(o.out, "report.json"), strings.Join(files, ", "))
	if code := r.ExitCode(); code != 0 {
		return &ExitError{Code: code}
	}
	return nil
}

// writeReports writes report.json (the canonical bytes, report.Marshal), each rendering,
// and, with a key, report.json.sig: a detached signature over exactly the bytes written. It
// returns the names of the files written.
func writeReports(dir string, r *report.Report, renderings []report.Rendering, key ed25519.PrivateKey) ([]string, error) {
	data, err := report.Marshal(r)
	if err != nil {
		return nil, err
	}
	files := []string{"report.json"}
	if err := os.WriteFile(filepath.Join(dir, "report.json"), data, 0o644); err != nil {
		return nil, fmt.Errorf("writing the report: %w", err)
	}
	if key != nil {
		sig, err := report.Sign(data, key)
		if err != nil {
			return nil, err
		}
		name := "report.json" + report.SignatureSuffix
		if err := os.WriteFile(filepath.Join(dir, name), sig, 0o644); err != nil {
			return nil, fmt.Errorf("writing the signature: %w", err)
		}
		files = append(files, name)
	}
	for _, rd := range renderings {
		var b bytes.Buffer
		if err := rd.Write(&b, r); err != nil {
			return nil, err
		}
		if err := os.WriteFile(filepath.Join(dir, rd.File), b.Bytes(), 0o644); err != nil {
			return nil, fmt.Errorf("writing the %s rendering: %w", rd.Format, err)
		}
		files = append(files, rd.File)
	}
	return files, nil
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
	fmt.Fprintf(w, "verdict: %s\n", r.Outcome())
}

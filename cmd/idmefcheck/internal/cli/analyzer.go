package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"sync"
	"time"

	"github.com/spf13/pflag"

	"github.com/idmefcheck/idmefcheck"
	"github.com/idmefcheck/idmefcheck/reference/analyzer"
	"github.com/idmefcheck/idmefcheck/reference/analyzer/alert"
	"github.com/idmefcheck/idmefcheck/reference/analyzer/shim"
	"github.com/idmefcheck/idmefcheck/reference/spool"
	"github.com/idmefcheck/idmefcheck/reference/validator"
	"github.com/idmefcheck/idmefcheck/schema"
)

// ExitSkipped is emit's exit code for a scenario the analyzer cannot produce: the harness
// reports the checks that needed it as inconclusive (docs/shim.md).
const ExitSkipped = 3

// Defaults of the analyzer's files, in the working directory.
const (
	defaultSpool      = "idmefcheck-analyzer.spool"
	defaultDeadLetter = "idmefcheck-analyzer-dead.ndjson"
)

func analyzerCommand() *Command {
	return &Command{
		Name:  "analyzer",
		Usage: "analyzer [--config FILE] [--pki DIR] [--to URL] [--pull-listen ADDR]... [--events|--eve|--idmef PATH]... [--once] [flags]",
		Short: "run the reference IDMEFv2 analyzer (spool, retries, signatures, push and pull); emit and shim for the harness",
		Long: `Runs the reference analyzer: it reads events (--events: the analyzer's own NDJSON event format;
--eve: Suricata EVE JSON, whose alert records become alerts; --idmef: NDJSON of IDMEFv2
messages, sent as they are), following each file as tail -F does (rotation included; - reads
standard input), turns each into an IDMEFv2 alert (a fresh version 7 UUID, CreateTime in local
time with its offset, the analyzer's own description), checks it against the strict profile
(those that fail go to the dead-letter file with the findings), and keeps it in a durable spool
until a manager acknowledges it. docs/analyzer.md is the operator's guide.

Delivery: --to URL pushes each alert in a request of its own over HTTPS (TLS 1.3, the
analyzer's client certificate, the manager's DNS-ID or IP-ID checked, wildcard and CN-only
certificates refused), signed (RFC 9421), retried with exponential backoff and jitter after
connection errors, 408, 429 and 5xx (Retry-After honoured), never after another 4xx (dead
letter, with the manager's answer); a 2xx counts only with the manager's verified receipt when
its key is known. --pull-listen ADDR lets managers fetch alerts by cursor over mutual TLS
instead, or as well (docs/profile.md section 9).

Configuration comes from --config FILE (YAML, docs/analyzer.md), then --pki DIR fills what is
still unset from a directory made by 'idmefcheck pki init', then flags override both.

It logs JSON lines (log/slog) to standard error. SIGINT or SIGTERM stops it gracefully:
inputs stop, requests in flight finish (5 s at most), the spool is closed; what was not
acknowledged is sent after the next start. --once reads every input to its end, delivers the
whole spool and exits.

` + keyLogText + ` So do analyzer emit and analyzer shim, which deliver too.

Exit codes: 0 stopped by a signal, or (--once) everything delivered; 1 it could not start, or
(--once) alerts went to the dead-letter file or were still spooled after --timeout; 2 bad
flags or configuration.`,
		Setup: func(fs *pflag.FlagSet) RunFunc {
			o := &analyzerOptions{}
			o.common(fs)
			fs.StringArrayVar(&o.events, "events", nil, "read the analyzer's event format from this file, or - (repeatable)")
			fs.StringArrayVar(&o.eve, "eve", nil, "read Suricata EVE JSON from this file, or - (repeatable)")
			fs.StringArrayVar(&o.idmef, "idmef", nil, "read NDJSON IDMEFv2 messages from this file, or - (repeatable)")
			fs.BoolVar(&o.once, "once", false, "read the inputs to their end, deliver the whole spool, and exit")
			fs.DurationVar(&o.timeout, "timeout", 0, "with --once: give up delivering after this long (default: no limit)")
			return o.run
		},
		Subcommands: []*Command{analyzerEmitCommand(), analyzerShimCommand()},
	}
}

func analyzerEmitCommand() *Command {
	return &Command{
		Name:  "emit",
		Usage: "analyzer emit --scenario NAME --count N [--config FILE] [--pki DIR] [--to URL] [flags]",
		Short: "make the reference analyzer produce N alerts of a scenario (the harness's trigger command)",
		Long: `Builds N alerts of the named scenario (docs/shim.md lists them: ` + joinComma(alert.ScenarioNames()) + `),
checks each against the strict profile, spools them, and prints their IDs on standard output,
one a line, in the order produced. Then, when no other analyzer process delivers from the same
spool, it delivers them itself (and anything else spooled) as 'idmefcheck analyzer --once'
would, waiting at most --timeout; when an analyzer is running on that spool, it leaves the
alerts to it and exits at once.

This is the trigger command of the conformance harness: the harness plays the manager and
calls it to make the analyzer send.

Exit codes: 0 the alerts were spooled (and, when emit delivered them, acknowledged); 1 some
alert went to the dead-letter file, or was still spooled after --timeout, or the analyzer could
not start; 2 bad flags or configuration; 3 the scenario is not one this analyzer can produce
(skipped: the harness reports the checks that needed it as inconclusive).`,
		Setup: func(fs *pflag.FlagSet) RunFunc {
			o := &analyzerOptions{}
			o.common(fs)
			scenario := fs.String("scenario", "", "the scenario: "+joinComma(alert.ScenarioNames()))
			count := fs.Int("count", 1, "how many alerts")
			fs.DurationVar(&o.timeout, "timeout", time.Minute, "how long to wait for delivery when emit delivers itself")
			return func(ctx context.Context, env *Env, args []string) error {
				if len(args) > 0 {
					return usageError("analyzer emit takes no arguments, got %q", args[0])
				}
				if *scenario == "" || *count < 1 {
					return usageError("analyzer emit needs --scenario NAME and --count N (N at least 1)")
				}
				return o.emit(ctx, env, *scenario, *count)
			}
		},
	}
}

func analyzerShimCommand() *Command {
	return &Command{
		Name:  "shim",
		Usage: "analyzer shim [--config FILE] [--pki DIR] [--to URL] [flags]",
		Short: "put the reference analyzer behind the harness's stdio shim protocol",
		Long: `Speaks the shim protocol (docs/shim.md, schema/shim.schema.json) on standard input and
output: start, emit {seq, scenario, count} answered with the IDs of the alerts spooled (or
skipped for an unknown scenario, or errored), and stop. Meanwhile it delivers the spool as the
analyzer does (unless another analyzer process delivers from the same spool); at stop it lets
delivery finish for up to --drain-timeout, then exits. Logs go to standard error.

Exit codes: 0 after stop (or the end of standard input); 1 the analyzer could not start;
2 bad flags or configuration, or a request that breaks the protocol.`,
		Setup: func(fs *pflag.FlagSet) RunFunc {
			o := &analyzerOptions{}
			o.common(fs)
			drain := fs.Duration("drain-timeout", 10*time.Second, "at stop, how long to wait for the spool to empty")
			return func(ctx context.Context, env *Env, args []string) error {
				if len(args) > 0 {
					return usageError("analyzer shim takes no arguments, got %q", args[0])
				}
				return o.shim(ctx, env, *drain)
			}
		},
	}
}

// analyzerOptions are the flags of the analyzer's commands.
type analyzerOptions struct {
	config, pki, to, serverName, spool, deadLetter, receipts, version, name, logLevel string
	keyLog                                                                            string
	pullListen                                                                        []string
	concurrency                                                                       int
	http1                                                                             bool
	// run only
	events, eve, idmef []string
	once               bool
	timeout            time.Duration
}

func (o *analyzerOptions) common(fs *pflag.FlagSet) {
	fs.StringVar(&o.config, "config", "", "YAML configuration file")
	fs.StringVar(&o.pki, "pki", "", "take unset TLS files, keys and allow-lists from a 'pki init' directory")
	fs.StringVar(&o.to, "to", "", "push to the manager at this https URL")
	fs.StringVar(&o.serverName, "server-name", "", "the name the manager's certificate must carry (default: the URL's host)")
	fs.StringArrayVar(&o.pullListen, "pull-listen", nil, "serve pulling managers on this address, host:port (repeatable; IPv6 as [::1]:4700)")
	fs.StringVar(&o.spool, "spool", "", "the spool database (default "+defaultSpool+")")
	fs.StringVar(&o.deadLetter, "dead-letter", "", "the dead-letter file (default "+defaultDeadLetter+")")
	fs.StringVar(&o.receipts, "receipts", "", "keep the manager's verified receipts in this file")
	fs.StringVar(&o.version, "idmef-version", "", "the IDMEFv2 revision of the alerts built: 2.D.V04 to 2.D.V08 (default 2.D.V08)")
	fs.StringVar(&o.name, "name", "", "Analyzer.Name in the alerts (default idmefcheck-analyzer)")
	fs.IntVar(&o.concurrency, "concurrency", 0, "alerts in flight at once when pushing (default 64)")
	fs.BoolVar(&o.http1, "http1", false, "push over HTTP/1.1 only (default: HTTP/2 when the manager offers it)")
	fs.StringVar(&o.logLevel, "log-level", "", "debug, info (default), warn or error")
	fs.StringVar(&o.keyLog, "keylog", "", keyLogHelp)
}

// built is an analyzer ready to run, with what it holds open.
type built struct {
	keyLog io.Closer // nil without --keylog
	a      *analyzer.Analyzer
	set    *schema.Set
	spool  *spool.Spool
	log    *slog.Logger
	file   *analyzer.File
	pull   []string
	inputs []analyzer.Input
}

func (b *built) close() error {
	err := errors.Join(b.a.Close(), b.spool.Close())
	if b.keyLog != nil {
		err = errors.Join(err, b.keyLog.Close())
	}
	return err
}

func (o *analyzerOptions) build(env *Env) (*built, error) {
	f := &analyzer.File{}
	if o.config != "" {
		var err error
		if f, err = analyzer.LoadFile(o.config); err != nil {
			return nil, &ExitError{Code: ExitUsage, Err: err}
		}
	}
	if o.pki != "" {
		f.FromPKI(o.pki)
	}
	for _, s := range []struct {
		flag string
		dst  *string
	}{{o.spool, &f.Spool.Path}, {o.deadLetter, &f.DeadLetter}, {o.receipts, &f.Receipts}, {o.version, &f.IDMEFVersion},
		{o.name, &f.Analyzer.Name}, {o.logLevel, &f.LogLevel}} {
		if s.flag != "" {
			*s.dst = s.flag
		}
	}
	if o.to != "" || o.serverName != "" || o.concurrency != 0 || o.http1 {
		if f.Push == nil {
			f.Push = &analyzer.FilePush{}
		}
		if o.to != "" {
			f.Push.URL = o.to
		}
		if o.serverName != "" {
			f.Push.ServerName = o.serverName
		}
		if o.concurrency != 0 {
			f.Push.Concurrency = o.concurrency
		}
		if o.http1 {
			f.Push.HTTP1 = true
		}
	}
	if len(o.pullListen) > 0 {
		if f.Pull == nil {
			f.Pull = &analyzer.FilePull{}
		}
		f.Pull.Listen = o.pullListen
	}
	if f.Spool.Path == "" {
		f.Spool.Path = defaultSpool
	}
	if f.DeadLetter == "" {
		f.DeadLetter = defaultDeadLetter
	}
	var level slog.Level
	if f.LogLevel != "" {
		if err := level.UnmarshalText([]byte(f.LogLevel)); err != nil {
			return nil, usageError("log level %q: want debug, info, warn or error", f.LogLevel)
		}
	}
	inputs, err := f.InputList()
	if err != nil {
		return nil, &ExitError{Code: ExitUsage, Err: err}
	}
	for _, in := range []struct {
		kind  analyzer.Kind
		paths []string
	}{{analyzer.Events, o.events}, {analyzer.EVE, o.eve}, {analyzer.IDMEF, o.idmef}} {
		for _, p := range in.paths {
			inputs = append(inputs, analyzer.Input{Kind: in.kind, Path: p, Follow: true})
		}
	}
	for i := range inputs {
		inputs[i].Stdin = env.Stdin
		if o.once {
			inputs[i].Follow = false
		}
	}
	cfg, err := f.Config()
	if err != nil {
		return nil, &ExitError{Code: ExitUsage, Err: err}
	}
	if cfg.Push == nil && cfg.Pull == nil {
		return nil, usageError("the analyzer needs somewhere to deliver: --to URL (push), --pull-listen ADDR (pull), or push/pull in --config")
	}
	log := slog.New(slog.NewJSONHandler(env.Stderr, &slog.HandlerOptions{Level: level}))
	set, err := schema.Load()
	if err != nil {
		return nil, err
	}
	if cfg.Validator, err = validator.New(set, validator.Options{Profile: validator.Strict}); err != nil {
		return nil, err
	}
	sp, err := spool.Open(f.Spool.Path, spool.Options{MaxMessages: f.Spool.MaxMessages, MaxBytes: f.Spool.MaxBytes})
	if err != nil {
		return nil, err
	}
	cfg.Schemas, cfg.Spool, cfg.Logger = set, sp, log
	var keyLog io.Closer
	if o.keyLog != "" {
		kl, err := openKeyLog(o.keyLog, env.Stderr)
		if err != nil {
			sp.Close()
			return nil, err
		}
		cfg.KeyLog, keyLog = kl, kl
	}
	a, err := analyzer.New(cfg)
	if err != nil {
		sp.Close()
		if keyLog != nil {
			keyLog.Close()
		}
		return nil, &ExitError{Code: ExitUsage, Err: err}
	}
	var pull []string
	if f.Pull != nil {
		pull = f.Pull.Listen
	}
	return &built{keyLog: keyLog, a: a, set: set, spool: sp, log: log, file: f, pull: pull, inputs: inputs}, nil
}

// deliver starts delivery (push and pull listeners) in the background; stop ends it and
// returns Run's error.
func (b *built) deliver() (stop func() error, err error) {
	var lns []net.Listener
	for _, addr := range b.pull {
		ln, err := net.Listen("tcp", addr)
		if err != nil {
			for _, l := range lns {
				l.Close()
			}
			return nil, fmt.Errorf("listening on %s: %w", addr, err)
		}
		lns = append(lns, ln)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- b.a.Run(ctx, lns, 5*time.Second) }()
	var once sync.Once
	var runErr error
	return func() error {
		once.Do(func() {
			cancel()
			runErr = <-done
		})
		return runErr
	}, nil
}

// claim makes this process the spool's deliverer, or says another process is.
func (b *built) claim() (bool, error) {
	ok, err := b.spool.Claim()
	if err != nil {
		return false, err
	}
	if !ok {
		b.log.Info("another analyzer process delivers from this spool; leaving the alerts to it", "spool", b.file.Spool.Path)
	}
	return ok, nil
}

func (o *analyzerOptions) run(ctx context.Context, env *Env, args []string) error {
	if len(args) > 0 {
		return usageError("analyzer takes no arguments (inputs are --events, --eve or --idmef), got %q", args[0])
	}
	b, err := o.build(env)
	if err != nil {
		return err
	}
	defer b.close()
	ok, err := b.claim()
	if err != nil {
		return err
	}
	if !ok {
		return fmt.Errorf("another analyzer process is already running on spool %s", b.file.Spool.Path)
	}
	stop, err := b.deliver()
	if err != nil {
		return err
	}
	b.log.Info("analyzer started", "spool", b.file.Spool.Path, "version", b.a.Builder().Version(), "inputs", len(b.inputs), "once", o.once)
	var wg sync.WaitGroup
	var emu sync.Mutex
	var errs []error
	for _, in := range b.inputs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := b.a.Read(ctx, in); err != nil {
				b.log.Error("input failed", "input", in.Path, "error", err)
				emu.Lock()
				errs = append(errs, err)
				emu.Unlock()
			}
		}()
	}
	if o.once {
		wg.Wait()
		dctx := ctx
		if o.timeout > 0 {
			var cancel context.CancelFunc
			dctx, cancel = context.WithTimeout(ctx, o.timeout)
			defer cancel()
		}
		if err := b.a.Drain(dctx); err != nil {
			errs = append(errs, err)
		}
	} else {
		<-ctx.Done()
		b.log.Info("stopping", "reason", context.Cause(ctx).Error())
		wg.Wait()
	}
	errs = append(errs, stop())
	if err := errors.Join(errs...); err != nil {
		return err
	}
	if st := b.a.Stats(); o.once && st.DeadLettered > 0 {
		return &ExitError{Code: ExitFail, Err: fmt.Errorf("%d alerts or input lines went to the dead-letter file %s", st.DeadLettered, b.file.DeadLetter)}
	}
	return nil
}

func (o *analyzerOptions) emit(ctx context.Context, env *Env, scenario string, count int) error {
	b, err := o.build(env)
	if err != nil {
		return err
	}
	defer b.close()
	p, err := b.a.Emit(ctx, scenario, count)
	if errors.Is(err, alert.ErrUnknownScenario) {
		return &ExitError{Code: ExitSkipped, Err: fmt.Errorf("skipped: the reference analyzer knows no scenario %q (it knows %s)", scenario, joinComma(alert.ScenarioNames()))}
	}
	if err != nil {
		return err
	}
	for _, id := range p.IDs {
		fmt.Fprintln(env.Stdout, id)
	}
	if p.Dead > 0 {
		return &ExitError{Code: ExitFail, Err: fmt.Errorf("%d of %d alerts failed the strict profile and went to the dead-letter file %s", p.Dead, count, b.file.DeadLetter)}
	}
	mine, err := b.claim()
	if err != nil || !mine {
		return err
	}
	stop, err := b.deliver()
	if err != nil {
		return err
	}
	dctx, cancel := context.WithTimeout(ctx, o.timeout)
	defer cancel()
	derr := b.a.Drain(dctx)
	if err := errors.Join(derr, stop()); err != nil {
		return err
	}
	if st := b.a.Stats(); st.DeadLettered > 0 {
		return &ExitError{Code: ExitFail, Err: fmt.Errorf("the manager refused %d alerts; see the dead-letter file %s", st.DeadLettered, b.file.DeadLetter)}
	}
	return nil
}

func (o *analyzerOptions) shim(ctx context.Context, env *Env, drain time.Duration) error {
	b, err := o.build(env)
	if err != nil {
		return err
	}
	defer b.close()
	v, err := shim.NewValidator(b.set)
	if err != nil {
		return err
	}
	stop := func() error { return nil }
	mine, err := b.claim()
	if err != nil {
		return err
	}
	if mine {
		if stop, err = b.deliver(); err != nil {
			return err
		}
	}
	p := &analyzer.ShimProducer{Analyzer: b.a,
		Implementation: shim.Implementation{Name: "idmefcheck reference analyzer", Version: idmefcheck.Version, Vendor: "idmefcheck", Language: "go"},
		OnStop: func(ctx context.Context) error {
			var derr error
			if mine {
				dctx, cancel := context.WithTimeout(ctx, drain)
				defer cancel()
				if derr = b.a.Drain(dctx); derr != nil {
					b.log.Warn("stopping with alerts still spooled; they are sent after the next start", "error", derr)
				}
			}
			return stop()
		},
	}
	err = shim.Serve(ctx, env.Stdin, env.Stdout, p, v)
	if errors.Is(err, shim.ErrProtocol) {
		_ = stop()
		return &ExitError{Code: ExitUsage, Err: err}
	}
	return errors.Join(err, stop())
}

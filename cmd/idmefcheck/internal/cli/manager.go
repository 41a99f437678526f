package cli

import (
	"bufio"
	"context"
	"crypto/rand"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/pflag"

	"github.com/idmefcheck/idmefcheck/reference/httpsig"
	"github.com/idmefcheck/idmefcheck/reference/manager"
	"github.com/idmefcheck/idmefcheck/reference/pki"
	"github.com/idmefcheck/idmefcheck/reference/store"
	"github.com/idmefcheck/idmefcheck/reference/transport"
	"github.com/idmefcheck/idmefcheck/reference/validator"
	"github.com/idmefcheck/idmefcheck/schema"
)

// defaultListen is where the manager listens when neither flags nor file say: the port
// Prelude used for IDMEF (the transport draft's port is still TBD), on both loopbacks.
var defaultListen = []string{"127.0.0.1:4690", "[::1]:4690"}

func managerCommand() *Command {
	return &Command{
		Name:  "manager",
		Usage: "manager [--config FILE] [--pki DIR] [--listen ADDR]... [--api-listen ADDR] [flags]",
		Short: "run the reference IDMEFv2 manager (HTTPS, mutual TLS, signatures, SQLite store, operator API)",
		Long: `Runs the reference manager: it receives IDMEFv2 alerts over HTTPS exactly as the transport
draft says (POST on any path, 405, 415, 406, 400 with the validator's findings, 5xx for its own
faults, 204 only after a durable commit, HTTP/1.1 and HTTP/2 by ALPN, TLS 1.3 only, mutual
X.509 with an allow-list, CN-only and wildcard identities refused) and as the reference profile
adds (one record per analyzer and message ID, 409 for the same ID with other content, RFC 9421
signatures verified whenever present and required by configuration, signed receipts, pull
mode, rate limits). docs/manager.md is the operator's guide, docs/profile.md the profile.

Configuration comes from --config FILE (YAML, docs/manager.md), then --pki DIR fills what is
still unset from a directory made by 'idmefcheck pki init', then flags override both. Without
--listen the manager listens on 127.0.0.1:4690 and [::1]:4690. The operator API listens only
with --api-listen, and only operators named by --operators (or the file, or --pki) may use it.

It logs JSON lines (log/slog) to standard error, operator audit records included. SIGINT or
SIGTERM stops it gracefully: no new connections, requests in flight finish (their alerts
committed and answered), then the store is closed.

` + keyLogText + `

Exit codes: 0 stopped by a signal after a clean shutdown; 1 it could not start or stop
cleanly; 2 bad flags or configuration.`,
		Setup: func(fs *pflag.FlagSet) RunFunc {
			o := &managerOptions{}
			fs.StringVar(&o.config, "config", "", "YAML configuration file")
			fs.StringVar(&o.pki, "pki", "", "take unset TLS files, keys and allow-lists from a 'pki init' directory")
			fs.StringArrayVar(&o.listen, "listen", nil, "ingest address, host:port (repeatable; IPv6 as [::1]:4690)")
			fs.StringVar(&o.apiListen, "api-listen", "", "operator API address, host:port")
			fs.StringVar(&o.tlsCert, "tls-cert", "", "the manager's certificate (PEM)")
			fs.StringVar(&o.tlsKey, "tls-key", "", "the manager's private key (PEM)")
			fs.StringVar(&o.clientCA, "client-ca", "", "CA certificates that vouch for analyzers and operators (PEM)")
			fs.StringVar(&o.allow, "allow", "", "allow-list of analyzers (sha256:, dns:, ip: lines or PEM certificates)")
			fs.StringVar(&o.operators, "operators", "", "allow-list of operators of the API")
			fs.StringVar(&o.db, "db", "", "SQLite database file (default idmefcheck-manager.db)")
			fs.StringVar(&o.observe, "observe-file", "", "append one NDJSON line per committed alert to this file")
			fs.StringVar(&o.profile, "profile", "", "validation profile: strict (default) or official")
			fs.BoolVar(&o.requireSig, "require-signatures", false, "refuse alerts without a valid RFC 9421 signature, from every analyzer")
			fs.StringVar(&o.logLevel, "log-level", "", "debug, info (default), warn or error")
			fs.StringVar(&o.keyLog, "keylog", "", keyLogHelp)
			return o.run
		},
	}
}

type managerOptions struct {
	config, pki, apiListen, tlsCert, tlsKey, clientCA, allow, operators, db, observe, profile, logLevel string
	keyLog                                                                                              string
	listen                                                                                              []string
	requireSig                                                                                          bool
}

func (o *managerOptions) file() (*manager.File, error) {
	f := &manager.File{}
	if o.config != "" {
		var err error
		if f, err = manager.LoadFile(o.config); err != nil {
			return nil, err
		}
	}
	if o.pki != "" {
		f.FromPKI(o.pki)
	}
	for _, s := range []struct {
		flag string
		dst  *string
	}{{o.apiListen, &f.APIListen}, {o.tlsCert, &f.TLS.Cert}, {o.tlsKey, &f.TLS.Key}, {o.clientCA, &f.TLS.ClientCA},
		{o.allow, &f.Allow}, {o.operators, &f.Operators}, {o.db, &f.DB}, {o.observe, &f.ObserveFile}, {o.profile, &f.Profile}, {o.logLevel, &f.LogLevel}} {
		if s.flag != "" {
			*s.dst = s.flag
		}
	}
	if len(o.listen) > 0 {
		f.Listen = o.listen
	}
	if o.requireSig {
		f.RequireSignatures = true
	}
	if len(f.Listen) == 0 {
		f.Listen = defaultListen
	}
	if f.DB == "" {
		f.DB = "idmefcheck-manager.db"
	}
	if f.Profile == "" {
		f.Profile = string(validator.Strict)
	}
	return f, nil
}

func (o *managerOptions) run(ctx context.Context, env *Env, args []string) error {
	if len(args) > 0 {
		return usageError("manager takes no arguments, got %q", args[0])
	}
	f, err := o.file()
	if err != nil {
		return &ExitError{Code: ExitUsage, Err: err}
	}
	var level slog.Level
	if f.LogLevel != "" {
		if err := level.UnmarshalText([]byte(f.LogLevel)); err != nil {
			return usageError("log level %q: want debug, info, warn or error", f.LogLevel)
		}
	}
	profile, err := validator.ParseProfile(f.Profile)
	if err != nil {
		return usageError("profile %q: want strict or official", f.Profile)
	}
	cfg, err := f.Config()
	if err != nil {
		return &ExitError{Code: ExitUsage, Err: err}
	}
	log := slog.New(slog.NewJSONHandler(env.Stderr, &slog.HandlerOptions{Level: level}))
	set, err := schema.Load()
	if err != nil {
		return err
	}
	if cfg.Validator, err = validator.New(set, validator.Options{Profile: profile}); err != nil {
		return err
	}
	st, err := store.OpenSQLite(f.DB, store.SQLiteOptions{})
	if err != nil {
		return err
	}
	defer st.Close()
	cfg.Store, cfg.Logger = st, log
	if o.keyLog != "" {
		kl, err := openKeyLog(o.keyLog, env.Stderr)
		if err != nil {
			return err
		}
		defer kl.Close()
		cfg.KeyLog = kl
	}
	srv, err := manager.New(cfg)
	if err != nil {
		return &ExitError{Code: ExitUsage, Err: err}
	}
	var lns []net.Listener
	closeAll := func() {
		for _, ln := range lns {
			ln.Close()
		}
	}
	for _, addr := range f.Listen {
		ln, err := net.Listen("tcp", addr)
		if err != nil {
			closeAll()
			return fmt.Errorf("listening on %s: %w", addr, err)
		}
		lns = append(lns, ln)
	}
	var api net.Listener
	if f.APIListen != "" {
		if api, err = net.Listen("tcp", f.APIListen); err != nil {
			closeAll()
			return fmt.Errorf("listening on %s: %w", f.APIListen, err)
		}
	}
	if err := srv.Start(lns, api); err != nil {
		closeAll()
		if api != nil {
			api.Close()
		}
		return err
	}
	log.Info("manager started", "profile", string(profile), "db", f.DB, "require_signatures", cfg.RequireSignatures,
		"analyzers", len(cfg.Analyzers), "allow", cfg.Allow.Entries(), "operators", cfg.Operators.Entries())
	<-ctx.Done()
	log.Info("stopping", "reason", context.Cause(ctx).Error())
	sctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	errShutdown := srv.Shutdown(sctx)
	return errors.Join(errShutdown, st.Close())
}

// sendCommand is a minimal push client, hidden because its contract is not stable: the
// reference analyzer (its own issue) replaces it. docs/manager.md documents it.
func sendCommand() *Command {
	return &Command{
		Name:   "send",
		Hidden: true,
		Usage:  "send --pki DIR [--to URL] [--sign] [--http1] [--generate N] [--repeat] [FILE]...",
		Short:  "send alerts to a manager, one request each (a minimal client for the demo and tests)",
		Long: `Sends each FILE (one message; .ndjson files one per line) to the manager at --to, presenting
DIR's analyzer identity, signing each request with DIR's analyzer signing key when --sign is
given, and verifying the manager's signed answer with DIR's manager key. --generate N sends N
valid synthetic 2.D.V08 alerts instead. --repeat sends each message twice. Prints one line per
message: status, outcome, and the manager's reason when it refused. It has no spool and never
retries: it is not the reference analyzer.

Exit codes: 0 every message answered 2xx; 1 some message refused or unanswered; 2 bad flags.`,
		Setup: func(fs *pflag.FlagSet) RunFunc {
			dir := fs.String("pki", "", "a 'pki init' directory")
			to := fs.String("to", "https://localhost:4690/", "the manager's URL")
			sign := fs.Bool("sign", false, "sign each request (RFC 9421, the analyzer's key)")
			http1 := fs.Bool("http1", false, "use HTTP/1.1 instead of HTTP/2")
			generate := fs.Int("generate", 0, "send N synthetic valid alerts")
			repeat := fs.Bool("repeat", false, "send every message twice")
			return func(ctx context.Context, env *Env, args []string) error {
				if *dir == "" {
					return usageError("send needs --pki DIR")
				}
				s, err := newDemoSender(*dir, *to, *sign, *http1)
				if err != nil {
					return err
				}
				defer s.Close()
				var msgs []namedMessage
				for i := range *generate {
					msgs = append(msgs, namedMessage{fmt.Sprintf("generated-%d", i+1), syntheticAlert()})
				}
				for _, p := range args {
					m, err := readMessages(p)
					if err != nil {
						return usageError("%v", err)
					}
					msgs = append(msgs, m...)
				}
				refused := 0
				for _, m := range msgs {
					for range map[bool]int{false: 1, true: 2}[*repeat] {
						a, err := s.Send(ctx, m.data)
						switch {
						case err != nil:
							refused++
							fmt.Fprintf(env.Stdout, "%s: no valid answer: %v\n", m.name, err)
						case a.Status >= 300 && a.Problem != nil:
							refused++
							detail := firstLine(a.Problem.Error)
							if len(a.Problem.Findings) > 0 {
								f := a.Problem.Findings[0]
								detail += fmt.Sprintf(" (%s; first: %s %s: %s)", plural(len(a.Problem.Findings), "finding"), f.Rule, f.Pointer, f.Message)
							}
							fmt.Fprintf(env.Stdout, "%s: %d %s: %s\n", m.name, a.Status, a.Problem.Reason, detail)
						case a.Status >= 300:
							refused++
							fmt.Fprintf(env.Stdout, "%s: %d\n", m.name, a.Status)
						default:
							receipt := "unsigned answer"
							if a.Receipt != nil {
								receipt = "receipt signed by " + a.Receipt.KeyID
							}
							fmt.Fprintf(env.Stdout, "%s: %d over %s, %s\n", m.name, a.Status, a.Proto, receipt)
						}
					}
				}
				if refused > 0 {
					return &ExitError{Code: ExitFail, Err: fmt.Errorf("%d of %d sends refused or unanswered", refused, len(msgs)*map[bool]int{false: 1, true: 2}[*repeat])}
				}
				return nil
			}
		},
	}
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}

type namedMessage struct {
	name string
	data []byte
}

func readMessages(path string) ([]namedMessage, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	ext := strings.ToLower(filepath.Ext(path))
	if ext != ".ndjson" && ext != ".jsonl" {
		return []namedMessage{{filepath.Base(path), data}}, nil
	}
	var out []namedMessage
	sc := bufio.NewScanner(strings.NewReader(string(data)))
	sc.Buffer(make([]byte, 64<<10), 16<<20)
	for n := 1; sc.Scan(); n++ {
		if strings.TrimSpace(sc.Text()) != "" {
			out = append(out, namedMessage{fmt.Sprintf("%s:%d", filepath.Base(path), n), []byte(sc.Text())})
		}
	}
	return out, sc.Err()
}

// newDemoSender builds a Sender from a 'pki init' directory.
func newDemoSender(dir, to string, sign, http1 bool) (*manager.Sender, error) {
	cert, err := tls.LoadX509KeyPair(filepath.Join(dir, pki.CertFile("analyzer")), filepath.Join(dir, pki.KeyFile("analyzer")))
	if err != nil {
		return nil, fmt.Errorf("analyzer identity: %w", err)
	}
	caPEM, err := os.ReadFile(filepath.Join(dir, pki.CACert))
	if err != nil {
		return nil, err
	}
	roots, err := transport.LoadRoots(caPEM, pki.CACert)
	if err != nil {
		return nil, err
	}
	s, err := manager.NewSender(to, cert, roots, manager.SenderOptions{HTTP1: http1})
	if err != nil {
		return nil, err
	}
	if sign {
		k, err := pki.LoadSigningKey(filepath.Join(dir, pki.SigningKeyFile("analyzer")), "analyzer")
		if err != nil {
			return nil, err
		}
		s.Signer = &httpsig.Signer{KeyID: k.KeyID, Private: k.Private}
	}
	if pub, err := pki.LoadPublicKey(filepath.Join(dir, pki.PublicKeyFile("manager"))); err == nil {
		s.Manager = &httpsig.Verifier{Keys: map[string]httpsig.Key{"manager": {KeyID: "manager", Public: pub, Identity: "dns:manager." + pki.Domain}}}
	}
	return s, nil
}

// syntheticAlert returns a valid strict 2.D.V08 alert with a fresh random (version 4) UUID.
func syntheticAlert() []byte {
	var b [16]byte
	_, _ = io.ReadFull(rand.Reader, b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	id := fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
	now := time.Now().Format(time.RFC3339)
	return []byte(fmt.Sprintf(`{"Version":"2.D.V08","ID":%q,"CreateTime":%q,"Category":["Recon.Network"],"Priority":"Low",`+
		`"Description":"synthetic alert from idmefcheck send","Analyzer":{"Name":"idmefcheck.send","IP":"192.0.2.1"},`+
		`"Source":[{"ID":"019bbd04-3059-71d7-b7cb-5fe9b23316d2","IP":"203.0.113.77"}],`+
		`"Target":[{"ID":"019bbd04-305a-7a63-a3f0-a2aa2ba810b8","IP":"2001:db8::10"}]}`, id, now))
}

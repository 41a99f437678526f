// Package managerlab runs a reference manager in-process on loopback, with a fresh test PKI,
// an observation file, the operator API and its audit trail (the manager's JSON log, in
// manager.log), signatures and an in-process restart, and writes the implementation
// statement that describes it. It is what the harness's own tests, the
// known-bad variants and the demo run the manager-role suite against.
package managerlab

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"sync"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/idmefcheck/idmefcheck/conformance/ics"
	"github.com/idmefcheck/idmefcheck/reference/httpsig"
	"github.com/idmefcheck/idmefcheck/reference/manager"
	"github.com/idmefcheck/idmefcheck/reference/pki"
	"github.com/idmefcheck/idmefcheck/reference/store"
	"github.com/idmefcheck/idmefcheck/reference/transport"
	"github.com/idmefcheck/idmefcheck/reference/validator"
	"github.com/idmefcheck/idmefcheck/schema"
)

// Options configure a lab manager.
type Options struct {
	// Dir holds the PKI, the store, the observation file and the statement. Required.
	Dir string
	// Faults are the known-bad switches of the reference manager.
	Faults manager.Faults
	// RequireSignatures refuses the analyzer's unsigned alerts (and the statement claims
	// require-signatures).
	RequireSignatures bool
	// Limits replace the lab's limits (Limits() below) when not zero.
	Limits manager.Limits
	// Fake, when set, runs in place of the reference manager.
	Fake *Fake
	// NoSigner leaves the manager's answers unsigned.
	NoSigner bool
	// SignatureWindow replaces the profile's freshness window on signatures' created time
	// (300 s) when not zero: a known-bad setting that lets stale signatures through.
	SignatureWindow time.Duration
	// Statement adjusts the statement the lab writes (a variant that claims what it does
	// not do).
	Statement func(*ics.Statement)
	Logger    *slog.Logger
}

// Limits are the lab's defaults: the reference defaults, except a per-peer rate low enough
// for the rate-limit check to reach quickly and high enough for a whole run's traffic. The
// check exceeds it only by sending faster than the rate; 100/s leaves room for a loaded
// machine, and a whole run stores under 200 alerts besides that check's (about 60 in its
// busiest second), well inside a burst of 800.
func Limits() manager.Limits {
	l := manager.DefaultLimits()
	l.Rate, l.Burst = 100, 800
	return l
}

// Lab is a running reference manager and the statement that describes it.
type Lab struct {
	Dir string
	// StatementFile is the statement written into Dir; Statement is it, loaded.
	StatementFile string
	Statement     *ics.Statement

	opts  Options
	set   *schema.Set
	cfg   manager.Config
	addrs []string
	api   string
	mu    sync.Mutex
	srv   *manager.Server
	store *store.SQLite
	fake  *fakeServer
	recMu sync.Mutex
	// logFile receives the manager's JSON log, operator audit records included: the
	// statement's audit channel.
	logFile *os.File
}

// Start makes a PKI in o.Dir, starts the manager on 127.0.0.1 and [::1] (ports chosen by
// the system) with its operator API, and writes the statement.
func Start(set *schema.Set, o Options) (*Lab, error) {
	if o.Dir == "" {
		return nil, errors.New("managerlab: no directory")
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	now := time.Now()
	if err := pki.Init(o.Dir, []string{"localhost", "127.0.0.1", "::1"}, now, false); err != nil {
		return nil, err
	}
	l := &Lab{Dir: o.Dir, opts: o, set: set}
	logFile, err := os.OpenFile(filepath.Join(o.Dir, "manager.log"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return nil, fmt.Errorf("managerlab: %w", err)
	}
	l.logFile = logFile
	cfg, err := l.config()
	if err != nil {
		logFile.Close()
		return nil, err
	}
	l.cfg = cfg
	lns, api, err := listen([]string{"127.0.0.1:0", "[::1]:0"}, "127.0.0.1:0")
	if err != nil {
		logFile.Close()
		return nil, err
	}
	for _, ln := range lns {
		l.addrs = append(l.addrs, ln.Addr().String())
	}
	l.api = api.Addr().String()
	if err := l.start(lns, api); err != nil {
		logFile.Close()
		return nil, err
	}
	if err := l.writeStatement(); err != nil {
		l.Close()
		return nil, err
	}
	return l, nil
}

func listen(ingest []string, api string) ([]net.Listener, net.Listener, error) {
	var lns []net.Listener
	closeAll := func() {
		for _, ln := range lns {
			ln.Close()
		}
	}
	for _, a := range ingest {
		ln, err := net.Listen("tcp", a)
		if err != nil {
			closeAll()
			return nil, nil, fmt.Errorf("managerlab: listen %s: %w", a, err)
		}
		lns = append(lns, ln)
	}
	apiLn, err := net.Listen("tcp", api)
	if err != nil {
		closeAll()
		return nil, nil, fmt.Errorf("managerlab: listen %s: %w", api, err)
	}
	return lns, apiLn, nil
}

func (l *Lab) config() (manager.Config, error) {
	dir := l.Dir
	cert, err := pki.LoadAuthority(dir)
	if err != nil {
		return manager.Config{}, err
	}
	roots := x509.NewCertPool()
	roots.AddCert(cert.Cert)
	mgr, err := loadPair(dir, "manager")
	if err != nil {
		return manager.Config{}, err
	}
	mgrKey, err := pki.LoadSigningKey(filepath.Join(dir, pki.SigningKeyFile("manager")), "manager")
	if err != nil {
		return manager.Config{}, err
	}
	anaPub, err := pki.LoadPublicKey(filepath.Join(dir, pki.PublicKeyFile("analyzer")))
	if err != nil {
		return manager.Config{}, err
	}
	v, err := validator.New(l.set, validator.Options{Profile: validator.Strict})
	if err != nil {
		return manager.Config{}, err
	}
	limits := l.opts.Limits
	if limits == (manager.Limits{}) {
		limits = Limits()
	}
	analyzer := transport.Identity("dns:analyzer." + pki.Domain)
	var signer *httpsig.Signer
	if !l.opts.NoSigner {
		signer = &httpsig.Signer{KeyID: "manager", Private: mgrKey.Private}
	}
	return manager.Config{
		Certificate: mgr,
		ClientCAs:   roots,
		Allow:       transport.NewAllowList(analyzer),
		Operators:   transport.NewAllowList(transport.Identity("dns:harness." + pki.Domain)),
		Validator:   v,
		Signer:      signer,
		Analyzers: []manager.Analyzer{{Identity: analyzer, KeyID: "analyzer", PublicKey: anaPub,
			RequireSignature: l.opts.RequireSignatures}},
		Limits:          limits,
		SignatureWindow: l.opts.SignatureWindow,
		ObserveFile:     filepath.Join(dir, "observed.ndjson"),
		Logger:          slog.New(slog.NewMultiHandler(slog.NewJSONHandler(l.logFile, nil), l.opts.Logger.Handler())),
		Faults:          l.opts.Faults,
	}, nil
}

func (l *Lab) start(lns []net.Listener, api net.Listener) error {
	if l.opts.Fake != nil {
		return l.startFake(lns, api)
	}
	st, err := store.OpenSQLite(filepath.Join(l.Dir, "alerts.db"), store.SQLiteOptions{})
	if err != nil {
		return err
	}
	cfg := l.cfg
	cfg.Store = st
	srv, err := manager.New(cfg)
	if err != nil {
		st.Close()
		return err
	}
	if err := srv.Start(lns, api); err != nil {
		st.Close()
		return err
	}
	l.mu.Lock()
	l.srv, l.store = srv, st
	l.mu.Unlock()
	return nil
}

// Restart stops the manager as a crash would not (in-flight commits finish, since an
// in-process manager cannot be killed) and starts it again on the same addresses and store.
func (l *Lab) Restart(ctx context.Context) error {
	if err := l.stop(ctx); err != nil {
		return err
	}
	lns, api, err := listen(l.addrs, l.api)
	if err != nil {
		return err
	}
	return l.start(lns, api)
}

func (l *Lab) stop(ctx context.Context) error {
	l.mu.Lock()
	srv, st, fake := l.srv, l.store, l.fake
	l.srv, l.store, l.fake = nil, nil, nil
	l.mu.Unlock()
	if fake != nil {
		return fake.shutdown(ctx)
	}
	if srv == nil {
		return nil
	}
	err := srv.Shutdown(ctx)
	return errors.Join(err, st.Close())
}

// Close stops the manager.
func (l *Lab) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	err := l.stop(ctx)
	return errors.Join(err, l.logFile.Close())
}

// LogFile is the file the manager writes its JSON log to, operator audit records included.
func (l *Lab) LogFile() string { return l.logFile.Name() }

// Addrs are the ingest listeners' addresses (IPv4 first); APIAddr the operator API's.
func (l *Lab) Addrs() []string { return l.addrs }

// APIAddr is the operator API's address.
func (l *Lab) APIAddr() string { return l.api }

// ObserveFile is the observation file the manager (or a fake, through Record) appends to.
func (l *Lab) ObserveFile() string { return l.cfg.ObserveFile }

// Validator is the strict validator the reference manager judges alerts with, for fakes
// that validate as it does.
func (l *Lab) Validator() *validator.Validator { return l.cfg.Validator }

// writeStatement writes the statement of what the lab runs, with every option the
// reference manager implements.
func (l *Lab) writeStatement() error {
	f := func(name string) string { return filepath.Join(l.Dir, name) }
	options := []string{"http2", "ipv4", "ipv6", "allow-list", "signatures", "dedup", "max-body", "rate-limit"}
	if l.opts.Fake == nil {
		options = append(options, "query-api")
	}
	if l.opts.RequireSignatures {
		options = append(options, "require-signatures")
	}
	lim := l.cfg.Limits
	st := ics.Statement{
		Schema: ics.FileSchema, FormatVersion: 1,
		Implementation: ics.Implementation{Vendor: "idmefcheck", Product: "reference manager (lab)", Version: "dev"},
		Role:           "manager",
		Versions:       []string{"2.D.V04", "2.D.V05", "2.D.V06", "2.D.V07", "2.D.V08"},
		Options:        options,
		Connect: ics.Connect{
			Targets:    []string{"https://" + l.addrs[0] + "/", "https://" + l.addrs[1] + "/"},
			ServerName: "localhost",
			CA:         f(pki.CACert), Cert: f(pki.CertFile("analyzer")), Key: f(pki.KeyFile("analyzer")),
		},
		Limits: ics.Limits{MaxBody: lim.MaxBody, Rate: lim.Rate, Burst: lim.Burst},
		Identities: ics.Identities{
			Issuer:   &ics.Credential{Cert: f(pki.CACert), Key: f(pki.CAKey)},
			Unlisted: &ics.Credential{Cert: f(pki.CertFile("harness")), Key: f(pki.KeyFile("harness"))},
		},
		Signing: &ics.Signing{Key: f(pki.SigningKeyFile("analyzer")), KeyID: "analyzer",
			PeerKey: f(pki.PublicKeyFile("manager")), PeerKeyID: "manager"},
		Observe: ics.Observe{Kind: ics.ObserveFile, File: f("observed.ndjson"), Settle: ics.Duration(2 * time.Second)},
	}
	if l.opts.Fake == nil {
		// The operator API serves the filtering and non-repudiation checks; stored alerts are
		// still observed in the file, which shows the bytes received.
		st.Observe.API = "https://" + l.api + "/"
		st.Observe.APICert, st.Observe.APIKey = f(pki.CertFile("harness")), f(pki.KeyFile("harness"))
		// The manager's JSON log holds the operator API's audit records (docs/manager.md,
		// "Audit"): its members are the statement's defaults.
		st.Audit = &ics.Audit{Kind: ics.AuditFile, File: l.logFile.Name()}
	}
	if l.opts.Statement != nil {
		l.opts.Statement(&st)
	}
	data, err := yaml.Marshal(&st)
	if err != nil {
		return err
	}
	l.StatementFile = f("ics.yaml")
	if err := os.WriteFile(l.StatementFile, data, 0o644); err != nil {
		return fmt.Errorf("managerlab: %w", err)
	}
	loaded, err := ics.Load(l.set, l.StatementFile)
	if err != nil {
		return fmt.Errorf("managerlab: the lab's own statement: %w", err)
	}
	l.Statement = loaded
	return nil
}

func loadPair(dir, name string) (tls.Certificate, error) {
	c, err := tls.LoadX509KeyPair(filepath.Join(dir, pki.CertFile(name)), filepath.Join(dir, pki.KeyFile(name)))
	if err != nil {
		return c, fmt.Errorf("managerlab: %w", err)
	}
	return c, nil
}

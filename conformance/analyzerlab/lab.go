// Package analyzerlab runs an analyzer for the analyzer-role suite in-process: the reference
// analyzer (with its fault switches for known-bad variants) or a small fake, pushing to the
// harness's manager simulator on loopback, driven through an in-process shim, with a fresh
// test PKI and the implementation statement that describes it all.
package analyzerlab

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"sync"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/idmefcheck/idmefcheck/conformance/ics"
	"github.com/idmefcheck/idmefcheck/conformance/trigger"
	"github.com/idmefcheck/idmefcheck/reference/analyzer"
	"github.com/idmefcheck/idmefcheck/reference/analyzer/alert"
	"github.com/idmefcheck/idmefcheck/reference/analyzer/shim"
	"github.com/idmefcheck/idmefcheck/reference/httpsig"
	"github.com/idmefcheck/idmefcheck/reference/pki"
	"github.com/idmefcheck/idmefcheck/reference/spool"
	"github.com/idmefcheck/idmefcheck/reference/transport"
	"github.com/idmefcheck/idmefcheck/reference/validator"
	"github.com/idmefcheck/idmefcheck/schema"
)

// Options configure a lab analyzer.
type Options struct {
	// Dir holds the PKI, the spool and the statement. Required.
	Dir string
	// Faults are the reference analyzer's known-bad switches.
	Faults analyzer.Faults
	// HTTP1 makes the analyzer speak HTTP/1.1 only.
	HTTP1 bool
	// IPv4 makes the analyzer send to the IPv4 listener (default: the IPv6 one).
	IPv4 bool
	// NoPull leaves pull mode off (it is on by default for the reference analyzer).
	NoPull bool
	// NoSigner leaves the analyzer without a signing key: requests and pull responses go
	// unsigned.
	NoSigner bool
	// Fake, when set, runs in place of the reference analyzer.
	Fake *Fake
	// Statement adjusts the statement the lab writes.
	Statement func(*ics.Statement)
	Logger    *slog.Logger
}

// Lab is a running analyzer, the listeners the harness serves on, and the statement.
type Lab struct {
	Dir           string
	StatementFile string
	Statement     *ics.Statement
	// Listeners are for the harness's manager simulator (IPv4, IPv6).
	Listeners []net.Listener
	// Trigger drives the analyzer through the shim protocol in-process.
	Trigger trigger.Trigger
	// PullURL is where the analyzer serves pulling managers ("" without pull).
	PullURL string

	cancel context.CancelFunc
	wg     sync.WaitGroup
	closed []func() error
	runErr error
	mu     sync.Mutex
}

// Start makes the PKI, opens the harness's listeners, starts the analyzer pushing to them
// and the in-process shim, and writes the statement.
func Start(set *schema.Set, o Options) (*Lab, error) {
	if o.Dir == "" {
		return nil, errors.New("analyzerlab: no directory")
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if err := pki.Init(o.Dir, []string{"localhost", "127.0.0.1", "::1"}, time.Now(), false); err != nil {
		return nil, err
	}
	l := &Lab{Dir: o.Dir}
	for _, a := range []string{"127.0.0.1:0", "[::1]:0"} {
		ln, err := net.Listen("tcp", a)
		if err != nil {
			l.Close()
			return nil, fmt.Errorf("analyzerlab: %w", err)
		}
		l.Listeners = append(l.Listeners, ln)
		l.closed = append(l.closed, func() error { ln.Close(); return nil })
	}
	target := l.Listeners[1].Addr().String()
	if o.IPv4 {
		target = l.Listeners[0].Addr().String()
	}
	ctx, cancel := context.WithCancel(context.Background())
	l.cancel = cancel
	var producer shim.Producer
	var err error
	if o.Fake != nil {
		producer, err = l.startFake(ctx, set, o, "https://"+target+"/")
	} else {
		producer, err = l.startReference(ctx, set, o, "https://"+target+"/")
	}
	if err != nil {
		l.Close()
		return nil, err
	}
	if err := l.startShim(ctx, set, producer); err != nil {
		l.Close()
		return nil, err
	}
	if err := l.writeStatement(set, o); err != nil {
		l.Close()
		return nil, err
	}
	return l, nil
}

func (l *Lab) file(name string) string { return filepath.Join(l.Dir, name) }

func (l *Lab) identity() (tls.Certificate, *x509.CertPool, error) {
	cert, err := tls.LoadX509KeyPair(l.file(pki.CertFile("analyzer")), l.file(pki.KeyFile("analyzer")))
	if err != nil {
		return cert, nil, fmt.Errorf("analyzerlab: %w", err)
	}
	ca, err := pki.LoadCertificate(l.file(pki.CACert))
	if err != nil {
		return cert, nil, err
	}
	roots := x509.NewCertPool()
	roots.AddCert(ca)
	return cert, roots, nil
}

func (l *Lab) startReference(ctx context.Context, set *schema.Set, o Options, url string) (shim.Producer, error) {
	cert, roots, err := l.identity()
	if err != nil {
		return nil, err
	}
	key, err := pki.LoadSigningKey(l.file(pki.SigningKeyFile("analyzer")), "analyzer")
	if err != nil {
		return nil, err
	}
	mgrPub, err := pki.LoadPublicKey(l.file(pki.PublicKeyFile("manager")))
	if err != nil {
		return nil, err
	}
	v, err := validator.New(set, validator.Options{Profile: validator.Strict})
	if err != nil {
		return nil, err
	}
	sp, err := spool.Open(l.file("analyzer.spool"), spool.Options{})
	if err != nil {
		return nil, err
	}
	l.closed = append(l.closed, sp.Close)
	var pulls []net.Listener
	var pull *analyzer.Pull
	var managers *transport.AllowList
	if !o.NoPull {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, fmt.Errorf("analyzerlab: %w", err)
		}
		pulls = append(pulls, ln)
		l.PullURL = "https://" + ln.Addr().String() + "/v1/pull"
		pull = &analyzer.Pull{RequireSignature: true}
		managers = transport.NewAllowList(transport.Identity("dns:manager." + pki.Domain))
	}
	var signer *httpsig.Signer
	if !o.NoSigner {
		signer = &httpsig.Signer{KeyID: "analyzer", Private: key.Private}
	}
	a, err := analyzer.New(analyzer.Config{
		Certificate: cert, Roots: roots, Pull: pull, Managers: managers,
		Push:    &analyzer.Push{URL: url, ServerName: "localhost", HTTP1: o.HTTP1, Timeout: 10 * time.Second},
		Signer:  signer,
		Manager: &httpsig.Key{KeyID: "manager", Public: mgrPub, Identity: transport.Identity("dns:manager." + pki.Domain)},
		Schemas: set, Validator: v, Spool: sp,
		Self:       alert.Self{Name: "lab.analyzer", IP: "192.0.2.10", Hostname: "analyzer.idmefcheck.test"},
		DeadLetter: l.file("dead.ndjson"),
		// Short backoff: the checks wait for retries, and a run must stay under a minute.
		Retry:  analyzer.Retry{Min: 200 * time.Millisecond, Max: 2 * time.Second},
		Logger: o.Logger,
		Faults: o.Faults,
	})
	if err != nil {
		return nil, err
	}
	l.wg.Add(1)
	go func() {
		defer l.wg.Done()
		err := a.Run(ctx, pulls, time.Second)
		l.mu.Lock()
		l.runErr = err
		l.mu.Unlock()
	}()
	return &analyzer.ShimProducer{Analyzer: a, Implementation: shim.Implementation{Name: "idmefcheck reference analyzer (lab)", Version: "dev"}}, nil
}

// startShim serves the shim protocol in-process over pipes and connects the trigger to it.
func (l *Lab) startShim(ctx context.Context, set *schema.Set, p shim.Producer) error {
	v, err := shim.NewValidator(set)
	if err != nil {
		return err
	}
	reqR, reqW := io.Pipe()
	repR, repW := io.Pipe()
	l.wg.Add(1)
	go func() {
		defer l.wg.Done()
		_ = shim.Serve(ctx, reqR, repW, p, v)
		repW.Close()
		reqR.Close()
	}()
	t, err := trigger.NewShimClient(ctx, reqW, repR, v)
	if err != nil {
		return err
	}
	l.Trigger = t
	l.closed = append(l.closed, func() error { return t.Close() })
	return nil
}

func (l *Lab) writeStatement(set *schema.Set, o Options) error {
	options := []string{"http2", "ipv4", "ipv6", "signatures", "require-signatures", "spool"}
	if l.PullURL != "" {
		options = append(options, "pull")
	}
	if o.Fake != nil {
		options = []string{"ipv4", "ipv6"}
		if !o.Fake.HTTP1 {
			options = append(options, "http2")
		}
	}
	st := ics.Statement{
		Schema: ics.FileSchema, FormatVersion: 1,
		Implementation: ics.Implementation{Vendor: "idmefcheck", Product: "reference analyzer (lab)", Version: "dev"},
		Role:           "analyzer",
		Versions:       []string{"2.D.V08"},
		Options:        options,
		Connect: ics.Connect{
			Listen: []string{l.Listeners[0].Addr().String(), l.Listeners[1].Addr().String()},
			CA:     l.file(pki.CACert), Cert: l.file(pki.CertFile("manager")), Key: l.file(pki.KeyFile("manager")),
			PullURL: l.PullURL,
		},
		Identities: ics.Identities{Issuer: &ics.Credential{Cert: l.file(pki.CACert), Key: l.file(pki.CAKey)}},
		Signing: &ics.Signing{Key: l.file(pki.SigningKeyFile("manager")), KeyID: "manager",
			PeerKey: l.file(pki.PublicKeyFile("analyzer")), PeerKeyID: "analyzer"},
		Trigger: &ics.Trigger{Kind: "shim", Command: []string{"in-process"}, Wait: ics.Duration(15 * time.Second)},
	}
	if o.Statement != nil {
		o.Statement(&st)
	}
	data, err := yaml.Marshal(&st)
	if err != nil {
		return err
	}
	l.StatementFile = l.file("ics.yaml")
	if err := os.WriteFile(l.StatementFile, data, 0o644); err != nil {
		return fmt.Errorf("analyzerlab: %w", err)
	}
	loaded, err := ics.Load(set, l.StatementFile)
	if err != nil {
		return fmt.Errorf("analyzerlab: the lab's own statement: %w", err)
	}
	l.Statement = loaded
	return nil
}

// Close stops the analyzer and the shim.
func (l *Lab) Close() error {
	if l.cancel != nil {
		l.cancel()
	}
	var errs []error
	for i := len(l.closed) - 1; i >= 0; i-- {
		errs = append(errs, l.closed[i]())
	}
	l.closed = nil
	l.wg.Wait()
	return errors.Join(errs...)
}

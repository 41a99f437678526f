package analyzer_test

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/onsi/gomega/gleak"

	"github.com/idmefcheck/idmefcheck/reference/analyzer"
	"github.com/idmefcheck/idmefcheck/reference/analyzer/alert"
	"github.com/idmefcheck/idmefcheck/reference/httpsig"
	"github.com/idmefcheck/idmefcheck/reference/manager"
	"github.com/idmefcheck/idmefcheck/reference/pki"
	"github.com/idmefcheck/idmefcheck/reference/spool"
	"github.com/idmefcheck/idmefcheck/reference/store"
	"github.com/idmefcheck/idmefcheck/reference/transport"
	"github.com/idmefcheck/idmefcheck/reference/validator"
	"github.com/idmefcheck/idmefcheck/schema"
)

// Named timeouts: how long a spec waits for something that should happen soon, and how long
// it watches something that must not happen.
const (
	deliveryTimeout = 10 * time.Second
	shutdownTimeout = 10 * time.Second
	notYet          = 300 * time.Millisecond
)

const (
	analyzerID = transport.Identity("dns:analyzer.idmefcheck.test")
	managerID  = transport.Identity("dns:manager.idmefcheck.test")
)

var loopback = []string{"localhost", "127.0.0.1", "::1"}

// pkiWorld is a CA with the identities the specs use, good and bad.
type pkiWorld struct {
	ca                      *pki.Authority
	roots                   *x509.CertPool
	manager, analyzer       *pki.Credential
	badManager              map[pki.Kind]*pki.Credential
	analyzerKey, managerKey *pki.SigningKey
}

var (
	world   *pkiWorld
	schemas *schema.Set
	strict  *validator.Validator
)

var _ = BeforeSuite(func() {
	now := time.Now()
	ca, err := pki.NewAuthority("test CA", now)
	Expect(err).NotTo(HaveOccurred())
	w := &pkiWorld{ca: ca, roots: x509.NewCertPool(), badManager: map[pki.Kind]*pki.Credential{}}
	w.roots.AddCert(ca.Cert)
	issue := func(name string, k pki.Kind) *pki.Credential {
		c, err := ca.Issue(pki.LeafRequest{Name: name, Hosts: loopback, Kind: k, Now: now})
		Expect(err).NotTo(HaveOccurred())
		return c
	}
	w.manager, w.analyzer = issue("manager", pki.Good), issue("analyzer", pki.Good)
	for _, k := range []pki.Kind{pki.Expired, pki.OtherCA, pki.Wildcard, pki.CNOnly} {
		w.badManager[k] = issue("manager", k)
	}
	w.analyzerKey, err = pki.NewSigningKey("analyzer")
	Expect(err).NotTo(HaveOccurred())
	w.managerKey, err = pki.NewSigningKey("manager")
	Expect(err).NotTo(HaveOccurred())
	world = w
	schemas, err = schema.Load()
	Expect(err).NotTo(HaveOccurred())
	strict, err = validator.New(schemas, validator.Options{Profile: validator.Strict})
	Expect(err).NotTo(HaveOccurred())
})

var _ = BeforeEach(func() {
	snapshot := gleak.Goroutines()
	DeferCleanup(func() {
		Eventually(gleak.Goroutines).WithTimeout(shutdownTimeout).ShouldNot(gleak.HaveLeaked(snapshot))
	})
})

func logger() *slog.Logger {
	return slog.New(slog.NewJSONHandler(GinkgoWriter, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

// refManager is a reference manager started for one spec, on 127.0.0.1 and [::1].
type refManager struct {
	srv   *manager.Server
	store *store.SQLite
	cfg   manager.Config
	dir   string
}

func (m *refManager) url() string  { return "https://" + m.srv.Addrs()[0].String() + "/" }
func (m *refManager) url6() string { return "https://" + m.srv.Addrs()[1].String() + "/" }

func (m *refManager) count() (int64, error) { return m.store.Count(context.Background()) }

// ids returns the IDs of every stored alert, in commit order.
func (m *refManager) ids() ([]string, error) {
	var out []string
	var after int64
	for {
		recs, err := m.store.Query(context.Background(), store.Filter{After: after, Limit: 1000})
		if err != nil {
			return nil, err
		}
		if len(recs) == 0 {
			return out, nil
		}
		for _, r := range recs {
			out = append(out, r.ID)
			after = r.Seq
		}
	}
}

func startRefManager(tweak func(*manager.Config)) *refManager {
	return startRefManagerOn([]string{"127.0.0.1:0", "[::1]:0"}, tweak)
}

// startRefManagerAt starts a reference manager on one given address, such as one a previous
// manager listened on.
func startRefManagerAt(addr string) *refManager {
	return startRefManagerOn([]string{addr}, nil)
}

func startRefManagerOn(addrs []string, tweak func(*manager.Config)) *refManager {
	dir := GinkgoT().TempDir()
	st, err := store.OpenSQLite(filepath.Join(dir, "alerts.db"), store.SQLiteOptions{})
	Expect(err).NotTo(HaveOccurred())
	cfg := manager.Config{
		Certificate: world.manager.TLS(),
		ClientCAs:   world.roots,
		Allow:       transport.NewAllowList(analyzerID),
		Validator:   strict,
		Store:       st,
		Signer:      &httpsig.Signer{KeyID: "manager", Private: world.managerKey.Private},
		Analyzers:   []manager.Analyzer{{Identity: analyzerID, KeyID: "analyzer", PublicKey: world.analyzerKey.Public()}},
		Limits:      manager.Limits{Rate: 1e6, Burst: 1e6, PullWait: 2 * time.Second},
		Logger:      logger().With("side", "manager"),
	}
	if tweak != nil {
		tweak(&cfg)
	}
	srv, err := manager.New(cfg)
	Expect(err).NotTo(HaveOccurred())
	var lns []net.Listener
	for _, a := range addrs {
		ln, err := net.Listen("tcp", a)
		Expect(err).NotTo(HaveOccurred())
		lns = append(lns, ln)
	}
	Expect(srv.Start(lns, nil)).To(Succeed())
	DeferCleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
		defer cancel()
		Expect(srv.Shutdown(ctx)).To(Succeed())
		Expect(st.Close()).To(Succeed())
	})
	return &refManager{srv: srv, store: st, cfg: cfg, dir: dir}
}

// running is an analyzer started for one spec.
type running struct {
	a       *analyzer.Analyzer
	spool   *spool.Spool
	cfg     analyzer.Config
	dir     string
	pullURL string
	stop    func() error
}

func (r *running) deadLetters() ([]map[string]any, error) {
	data, err := os.ReadFile(r.cfg.DeadLetter)
	if err != nil {
		return nil, err
	}
	var out []map[string]any
	for _, line := range bytes.Split(bytes.TrimSpace(data), []byte("\n")) {
		if len(line) == 0 {
			continue
		}
		var m map[string]any
		if err := json.Unmarshal(line, &m); err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, nil
}

func (r *running) spooled() int {
	n, _ := r.spool.Len()
	return n
}

// newAnalyzer builds an analyzer pushing to url (none when empty), signing with the analyzer's
// key and verifying receipts with the manager's, with a fast backoff, after tweak. It does not
// start it.
func newAnalyzer(url string, tweak func(*analyzer.Config)) *running {
	dir := GinkgoT().TempDir()
	sp, err := spool.Open(filepath.Join(dir, "spool.db"), spool.Options{AckDelay: time.Millisecond, Poll: 20 * time.Millisecond})
	Expect(err).NotTo(HaveOccurred())
	cfg := analyzer.Config{
		Certificate: world.analyzer.TLS(),
		Roots:       world.roots,
		Managers:    transport.NewAllowList(managerID),
		Signer:      &httpsig.Signer{KeyID: "analyzer", Private: world.analyzerKey.Private},
		Manager:     &httpsig.Key{KeyID: "manager", Public: world.managerKey.Public(), Identity: managerID},
		Schemas:     schemas,
		Validator:   strict,
		Spool:       sp,
		Self:        alertSelf,
		DeadLetter:  filepath.Join(dir, "dead.ndjson"),
		Receipts:    filepath.Join(dir, "receipts.ndjson"),
		Retry:       analyzer.Retry{Min: 20 * time.Millisecond, Max: 200 * time.Millisecond},
		Logger:      logger().With("side", "analyzer"),
	}
	if url != "" {
		cfg.Push = &analyzer.Push{URL: url, Timeout: 5 * time.Second}
	}
	if tweak != nil {
		tweak(&cfg)
	}
	a, err := analyzer.New(cfg)
	Expect(err).NotTo(HaveOccurred())
	r := &running{a: a, spool: sp, cfg: cfg, dir: dir, stop: func() error { return nil }}
	DeferCleanup(func() {
		Expect(r.stop()).To(Succeed())
		Expect(a.Close()).To(Succeed())
		Expect(sp.Close()).To(Succeed())
	})
	return r
}

// start runs the analyzer (with a pull listener on 127.0.0.1 when it has a pull
// configuration) until the spec ends.
func (r *running) start() *running { return r.startOn("127.0.0.1:0") }

// startOn runs the analyzer with its pull listener, if any, on addr.
func (r *running) startOn(addr string) *running {
	ctx, cancel := context.WithCancel(context.Background())
	var pull []net.Listener
	if r.cfg.Pull != nil {
		ln, err := net.Listen("tcp", addr)
		Expect(err).NotTo(HaveOccurred())
		pull = append(pull, ln)
		host := "localhost"
		if ip := ln.Addr().(*net.TCPAddr).IP; ip.To4() == nil {
			host = "[" + ip.String() + "]"
		}
		r.pullURL = fmt.Sprintf("https://%s:%d%s", host, ln.Addr().(*net.TCPAddr).Port, analyzer.DefaultPullPath)
	}
	done := make(chan error, 1)
	go func() { done <- r.a.Run(ctx, pull, time.Second) }()
	var once sync.Once
	var err error
	r.stop = func() error {
		once.Do(func() {
			cancel()
			select {
			case err = <-done:
			case <-time.After(shutdownTimeout):
				err = fmt.Errorf("the analyzer did not stop within %s", shutdownTimeout)
			}
		})
		return err
	}
	return r
}

func (r *running) emit(scenario string, n int) []string {
	p, err := r.a.Emit(context.Background(), scenario, n)
	Expect(err).NotTo(HaveOccurred())
	Expect(p.IDs).To(HaveLen(n))
	return p.IDs
}

// alertSelf is how the analyzer under test describes itself.
var alertSelf = alert.Self{Name: "ids.test", IP: "192.0.2.1", Hostname: "sensor1.idmefcheck.test", Category: []string{"NET.NIDS"}}

// exchange is one request a fake manager received.
type exchange struct {
	Method     string
	Header     http.Header
	Body       []byte
	TLSVersion uint16
	PeerCerts  int
	At         time.Time
}

// fake is a small manager double: it answers each request with script(n, request), n
// counting from 0, signs its answers with the manager's key bound to the request's
// signature (as the reference manager does), and records what it received.
type fake struct {
	mu    sync.Mutex
	got   []exchange
	url   string
	addr  string
	sign  bool
	reply func(n int, r *http.Request, body []byte) (int, http.Header, []byte)
}

func (f *fake) received() []exchange {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]exchange(nil), f.got...)
}

func (f *fake) count() int { return len(f.received()) }

// startFake serves on 127.0.0.1 with cfg (nil: the transport draft's server configuration
// with the manager's certificate).
func startFake(cfg *tls.Config, reply func(n int, r *http.Request, body []byte) (int, http.Header, []byte)) *fake {
	if cfg == nil {
		cfg = transport.ServerConfig(world.manager.TLS(), transport.Policy{Roots: world.roots}, transport.ServerOptions{})
	}
	f := &fake{reply: reply, sign: true}
	signer := &httpsig.Signer{KeyID: "manager", Private: world.managerKey.Private}
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		f.mu.Lock()
		n := len(f.got)
		ex := exchange{Method: r.Method, Header: r.Header.Clone(), Body: body, At: time.Now()}
		if r.TLS != nil {
			ex.TLSVersion, ex.PeerCerts = r.TLS.Version, len(r.TLS.PeerCertificates)
		}
		f.got = append(f.got, ex)
		sign := f.sign
		f.mu.Unlock()
		status, hdr, out := f.reply(n, r, body)
		for k, v := range hdr {
			w.Header()[k] = v
		}
		if len(out) > 0 {
			w.Header().Set("Content-Type", "application/json")
		}
		if sign {
			Expect(signer.SignResponse(w.Header(), status, out, r, httpsig.Signed(r.Header))).To(Succeed())
		}
		w.WriteHeader(status)
		_, _ = w.Write(out)
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	Expect(err).NotTo(HaveOccurred())
	srv := &http.Server{Handler: h, TLSConfig: cfg, ReadHeaderTimeout: time.Second, ErrorLog: nil}
	srv.ErrorLog = slog.NewLogLogger(logger().Handler(), slog.LevelDebug)
	go func() { _ = srv.ServeTLS(ln, "", "") }()
	DeferCleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
		defer cancel()
		if srv.Shutdown(ctx) != nil {
			_ = srv.Close()
		}
	})
	f.addr = ln.Addr().String()
	f.url = fmt.Sprintf("https://localhost:%d/", ln.Addr().(*net.TCPAddr).Port)
	return f
}

// always answers every request with status.
func always(status int) func(int, *http.Request, []byte) (int, http.Header, []byte) {
	return func(int, *http.Request, []byte) (int, http.Header, []byte) { return status, nil, nil }
}

// idOf returns the ID of a message.
func idOf(body []byte) string {
	var m struct{ ID string }
	_ = json.Unmarshal(body, &m)
	return m.ID
}

func problem(reason string) []byte {
	return []byte(fmt.Sprintf(`{"error":"refused by the fake manager","reason":%q}`, reason))
}

func contains(haystack []string, needle string) bool {
	for _, s := range haystack {
		if strings.EqualFold(s, needle) {
			return true
		}
	}
	return false
}

package manager_test

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/onsi/gomega/gbytes"
	"github.com/onsi/gomega/gleak"
	"github.com/onsi/gomega/types"
	"golang.org/x/net/http2"

	"github.com/idmefcheck/idmefcheck/reference/httpsig"
	"github.com/idmefcheck/idmefcheck/reference/manager"
	"github.com/idmefcheck/idmefcheck/reference/pki"
	"github.com/idmefcheck/idmefcheck/reference/store"
	"github.com/idmefcheck/idmefcheck/reference/transport"
	"github.com/idmefcheck/idmefcheck/reference/validator"
	"github.com/idmefcheck/idmefcheck/schema"
)

// Named timeouts: how long a spec waits for something that should happen at once.
const (
	requestTimeout  = 10 * time.Second
	shutdownTimeout = 10 * time.Second
)

// pkiWorld is a CA with the identities the specs use.
type pkiWorld struct {
	ca                         *pki.Authority
	roots                      *x509.CertPool
	manager, analyzer, harness *pki.Credential
	bad                        map[pki.Kind]*pki.Credential
	analyzerKey, managerKey    *pki.SigningKey
}

var world *pkiWorld
var schemas *schema.Set

var _ = BeforeSuite(func() {
	now := time.Now()
	ca, err := pki.NewAuthority("test CA", now)
	Expect(err).NotTo(HaveOccurred())
	w := &pkiWorld{ca: ca, roots: x509.NewCertPool(), bad: map[pki.Kind]*pki.Credential{}}
	w.roots.AddCert(ca.Cert)
	hosts := []string{"localhost", "127.0.0.1", "::1"}
	issue := func(name string, k pki.Kind) *pki.Credential {
		c, err := ca.Issue(pki.LeafRequest{Name: name, Hosts: hosts, Kind: k, Now: now})
		Expect(err).NotTo(HaveOccurred())
		return c
	}
	w.manager, w.analyzer, w.harness = issue("manager", pki.Good), issue("analyzer", pki.Good), issue("harness", pki.Good)
	for _, k := range []pki.Kind{pki.Expired, pki.OtherCA, pki.Wildcard, pki.CNOnly} {
		w.bad[k] = issue("analyzer", k)
	}
	w.analyzerKey, err = pki.NewSigningKey("analyzer")
	Expect(err).NotTo(HaveOccurred())
	w.managerKey, err = pki.NewSigningKey("manager")
	Expect(err).NotTo(HaveOccurred())
	world = w
	schemas, err = schema.Load()
	Expect(err).NotTo(HaveOccurred())
})

var _ = BeforeEach(func() {
	snapshot := gleak.Goroutines()
	DeferCleanup(func() {
		Eventually(gleak.Goroutines).WithTimeout(shutdownTimeout).ShouldNot(gleak.HaveLeaked(snapshot))
	})
})

const (
	analyzerID = transport.Identity("dns:analyzer.idmefcheck.test")
	harnessID  = transport.Identity("dns:harness.idmefcheck.test")
)

// running is a manager started for one spec.
type running struct {
	srv   *manager.Server
	store *store.SQLite
	cfg   manager.Config
	logs  *lockedBuffer
	dir   string
}

func (r *running) url(path string) string {
	return "https://" + r.srv.Addrs()[0].String() + path
}

func (r *running) url6(path string) string {
	return "https://" + r.srv.Addrs()[1].String() + path
}

func (r *running) count() int64 {
	n, err := r.store.Count(context.Background())
	Expect(err).NotTo(HaveOccurred())
	return n
}

// startManager starts a manager on 127.0.0.1:0 and [::1]:0 with the operator API on
// 127.0.0.1:0, the analyzer allowed and its signing key known, after tweak has adjusted cfg.
func startManager(tweak func(*manager.Config)) *running {
	dir := GinkgoT().TempDir()
	st, err := store.OpenSQLite(filepath.Join(dir, "alerts.db"), store.SQLiteOptions{})
	Expect(err).NotTo(HaveOccurred())
	v, err := validator.New(schemas, validator.Options{Profile: validator.Strict})
	Expect(err).NotTo(HaveOccurred())
	logs := &lockedBuffer{}
	cfg := manager.Config{
		Certificate: world.manager.TLS(),
		ClientCAs:   world.roots,
		Allow:       transport.NewAllowList(analyzerID),
		Operators:   transport.NewAllowList(harnessID),
		Validator:   v,
		Store:       st,
		Signer:      &httpsig.Signer{KeyID: "manager", Private: world.managerKey.Private},
		Analyzers:   []manager.Analyzer{{Identity: analyzerID, KeyID: "analyzer", PublicKey: world.analyzerKey.Public()}},
		ObserveFile: filepath.Join(dir, "observed.ndjson"),
		Logger:      slog.New(slog.NewJSONHandler(io.MultiWriter(logs, GinkgoWriter), &slog.HandlerOptions{Level: slog.LevelDebug})),
	}
	if tweak != nil {
		tweak(&cfg)
	}
	srv, err := manager.New(cfg)
	Expect(err).NotTo(HaveOccurred())
	ln4, err := net.Listen("tcp", "127.0.0.1:0")
	Expect(err).NotTo(HaveOccurred())
	ln6, err := net.Listen("tcp", "[::1]:0")
	Expect(err).NotTo(HaveOccurred())
	api, err := net.Listen("tcp", "127.0.0.1:0")
	Expect(err).NotTo(HaveOccurred())
	Expect(srv.Start([]net.Listener{ln4, ln6}, api)).To(Succeed())
	DeferCleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
		defer cancel()
		Expect(srv.Shutdown(ctx)).To(Succeed())
		Expect(st.Close()).To(Succeed())
	})
	return &running{srv: srv, store: st, cfg: cfg, logs: logs, dir: dir}
}

// lockedBuffer collects the log; the manager writes to it while specs read it.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// sender is the analyzer's push client; signing with the analyzer's key when signed.
func sender(m *running, signed bool, o manager.SenderOptions) *manager.Sender {
	s, err := manager.NewSender(m.url("/"), world.analyzer.TLS(), world.roots, o)
	Expect(err).NotTo(HaveOccurred())
	if signed {
		s.Signer = &httpsig.Signer{KeyID: "analyzer", Private: world.analyzerKey.Private}
	}
	s.Manager = &httpsig.Verifier{Keys: map[string]httpsig.Key{"manager": {KeyID: "manager", Public: world.managerKey.Public(), Identity: "dns:manager.idmefcheck.test"}}}
	DeferCleanup(s.Close)
	return s
}

// client is a raw HTTPS client presenting cred (HTTP/2 unless http1).
func client(cred *pki.Credential, http1 bool) *http.Client {
	cfg := transport.ClientConfig(cred.TLS(), transport.Policy{Roots: world.roots}, "localhost")
	var rt http.RoundTripper
	if http1 {
		cfg.NextProtos = []string{"http/1.1"}
		rt = &http.Transport{TLSClientConfig: cfg}
	} else {
		rt = &http2.Transport{TLSClientConfig: cfg}
	}
	c := &http.Client{Transport: rt, Timeout: requestTimeout}
	DeferCleanup(c.CloseIdleConnections)
	return c
}

// do sends one request and returns status, header and body.
func do(c *http.Client, method, url, contentType string, body io.Reader, header ...string) (*http.Response, string) {
	req, err := http.NewRequest(method, url, body)
	Expect(err).NotTo(HaveOccurred())
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	res, err := c.Do(req)
	Expect(err).NotTo(HaveOccurred())
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	Expect(err).NotTo(HaveOccurred())
	return res, string(b)
}

var idCounter atomic.Int64

// newID returns a fresh UUID-shaped alert ID.
func newID() string {
	n := idCounter.Add(1)
	return fmt.Sprintf("0190a6e2-7c1d-7b3e-9f00-%012x", n+time.Now().UnixNano()%1e9*1000)
}

// alert returns a valid strict 2.D.V08 alert with the given ID.
func alert(id string, extra ...string) []byte {
	more := ""
	if len(extra) > 0 {
		more = "," + strings.Join(extra, ",")
	}
	return []byte(fmt.Sprintf(`{"Version":"2.D.V08","ID":%q,"CreateTime":"2026-01-14T15:58:47+01:00","Category":["Recon.Network"],"Priority":"Low","Analyzer":{"Name":"ids1","IP":"192.0.2.1"},"Source":[{"ID":"019bbd04-3059-71d7-b7cb-5fe9b23316d2","IP":"203.0.113.77"}],"Target":[{"ID":"019bbd04-305a-7a63-a3f0-a2aa2ba810b8","IP":"2001:db8::10"}]%s}`, id, more))
}

func tlsDial(addr string, cred *pki.Credential, mutate func(*tls.Config)) error {
	cfg := transport.ClientConfig(cred.TLS(), transport.Policy{Roots: world.roots}, "localhost")
	cfg.NextProtos = []string{"http/1.1"}
	cert := cfg.Certificates[0]
	cfg.Certificates = nil
	cfg.GetClientCertificate = func(*tls.CertificateRequestInfo) (*tls.Certificate, error) { return &cert, nil }
	if mutate != nil {
		mutate(cfg)
	}
	d := &net.Dialer{Timeout: requestTimeout}
	c, err := tls.DialWithDialer(d, "tcp", addr, cfg)
	if err != nil {
		return err
	}
	defer c.Close()
	// TLS 1.3 servers refuse a client certificate after the client's handshake completes:
	// the refusal arrives with the first read.
	_ = c.SetDeadline(time.Now().Add(requestTimeout))
	if _, err := c.Write([]byte("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n")); err != nil {
		return err
	}
	_, err = c.Read(make([]byte, 1))
	return err
}

func gbytesSay(re string) types.GomegaMatcher { return gbytes.Say(re) }

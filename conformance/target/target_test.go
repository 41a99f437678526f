package target_test

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/idmefcheck/idmefcheck/conformance/target"
	"github.com/idmefcheck/idmefcheck/reference/httpsig"
)

// seen is what the test manager saw of one request.
type seen struct {
	Proto            string
	Method, URI      string
	Header           http.Header
	Body             []byte
	ContentLength    int64
	TransferEncoding []string
	PeerName         string // the client certificate's common name, "" without one
}

// manager is an httptest TLS server on loopback standing in for a manager: it records each
// request and answers with status (204 unless set), after delay.
type manager struct {
	srv    *httptest.Server
	mu     sync.Mutex
	seen   []seen
	status int
	body   string
	delay  time.Duration
}

func (m *manager) requests() []seen {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]seen(nil), m.seen...)
}

// startManager starts a manager; tweak adjusts its TLS configuration (client
// authentication, versions, ALPN) before it starts.
func startManager(h2 bool, tweak func(*tls.Config)) *manager {
	GinkgoHelper()
	m := &manager{status: http.StatusNoContent}
	m.srv = httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		s := seen{Proto: r.Proto, Method: r.Method, URI: r.RequestURI, Header: r.Header.Clone(), Body: body,
			ContentLength: r.ContentLength, TransferEncoding: r.TransferEncoding}
		if len(r.TLS.PeerCertificates) > 0 {
			s.PeerName = r.TLS.PeerCertificates[0].Subject.CommonName
		}
		m.mu.Lock()
		m.seen = append(m.seen, s)
		status, answer, delay := m.status, m.body, m.delay
		m.mu.Unlock()
		if delay > 0 {
			select {
			case <-time.After(delay):
			case <-r.Context().Done():
			}
		}
		if answer != "" {
			w.Header().Set("Content-Type", "application/json")
		}
		w.WriteHeader(status)
		_, _ = io.WriteString(w, answer)
	}))
	m.srv.EnableHTTP2 = h2
	cfg := &tls.Config{Certificates: []tls.Certificate{pki().server}, ClientAuth: tls.RequireAndVerifyClientCert,
		ClientCAs: pki().roots, NextProtos: []string{"http/1.1"}}
	if h2 {
		cfg.NextProtos = []string{"h2", "http/1.1"}
	}
	if tweak != nil {
		tweak(cfg)
	}
	m.srv.TLS = cfg
	m.srv.StartTLS()
	DeferCleanup(m.srv.Close)
	return m
}

func (m *manager) target() *target.Target {
	GinkgoHelper()
	t, err := target.New(m.srv.URL+"/ingest", "localhost", pki().roots, pki().analyzer)
	Expect(err).NotTo(HaveOccurred())
	return t
}

// client is a target client closed when the spec ends.
func client(t *target.Target, d target.Dial) *target.Client {
	c := t.Client(d)
	DeferCleanup(c.Close)
	return c
}

func post(c *target.Client, r target.Request) *target.Exchange {
	GinkgoHelper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if r.Body == nil && r.Method == "" {
		r.Body = []byte(`{"ID":"x"}`)
	}
	return c.Do(ctx, r)
}

// recorder collects evidence as harness.T does.
type recorder struct{ items []string }

func (r *recorder) Evidence(kind, label, text string) {
	r.items = append(r.items, kind+"|"+label+"|"+text)
}

var _ = Describe("New", func() {
	It("completes the URL with port 443 and path /, and takes the host as the default name", func() {
		t, err := target.New("https://[::1]", "", nil, tls.Certificate{})
		Expect(err).NotTo(HaveOccurred())
		Expect(t.Addr()).To(Equal("[::1]:443"))
		Expect(t.URL.Path).To(Equal("/"))
		Expect(t.ServerName).To(Equal("::1"))
		Expect(t.Family()).To(Equal("ipv6"))
	})

	It("tells address families apart, and names from both", func() {
		for url, family := range map[string]string{"https://127.0.0.1:1/": "ipv4", "https://manager.example.net/": ""} {
			t, err := target.New(url, "", nil, tls.Certificate{})
			Expect(err).NotTo(HaveOccurred())
			Expect(t.Family()).To(Equal(family), url)
		}
	})

	It("refuses what is not an https URL with a host", func() {
		for _, bad := range []string{"http://127.0.0.1/", "https:///x", "127.0.0.1:443", "https://[::1"} {
			_, err := target.New(bad, "", nil, tls.Certificate{})
			Expect(err).To(MatchError(HavePrefix("target ")), bad)
		}
	})
})

var _ = Describe("Client", func() {
	Describe("Exchange.Refusal", func() {
		It("is tls when a TLS 1.3 server requiring a client certificate gets none", func() {
			for _, h2 := range []bool{false, true} {
				m := startManager(h2, nil)
				x := post(client(m.target(), target.Dial{NoCert: true, HTTP1: !h2}), target.Request{})
				Expect(x.Answered()).To(BeFalse(), "h2=%v", h2)
				Expect(x.Refusal()).To(Equal("tls"), "h2=%v: %v", h2, x.Err)
				// In TLS 1.3 the server refuses after the client's side of the handshake is over, so
				// the client may already be writing its request: then the write can meet the closed
				// socket (EPIPE, or a reset that discards the alert still unread) before any read
				// sees the alert. The refusal is the same; the alert is named whenever it arrived.
				Expect(x.Err).To(Or(MatchError(ContainSubstring("remote error: tls: certificate required")),
					MatchError(ContainSubstring("broken pipe")), MatchError(ContainSubstring("connection reset"))), "h2=%v", h2)
				Expect(m.requests()).To(BeEmpty())
			}
		})

		It("is tls when a TLS 1.2 server refuses the client certificate in the handshake", func() {
			m := startManager(true, func(c *tls.Config) { c.MaxVersion = tls.VersionTLS12 })
			x := post(client(m.target(), target.Dial{Cert: &pki().outsider, MinVersion: tls.VersionTLS12, MaxVersion: tls.VersionTLS12}), target.Request{})
			Expect(x.Refusal()).To(Equal("tls"), "%v", x.Err)
			var he *target.HandshakeError
			Expect(errors.As(x.Err, &he)).To(BeTrue(), "the handshake itself failed: %v", x.Err)
		})

		It("is tls when the certificate comes from a CA the server does not trust", func() {
			m := startManager(true, nil)
			x := post(client(m.target(), target.Dial{Cert: &pki().outsider}), target.Request{})
			Expect(x.Refusal()).To(Equal("tls"), "%v", x.Err)
		})

		It("is http for a 4xx or 5xx answer", func() {
			m := startManager(true, nil)
			c := client(m.target(), target.Dial{})
			for _, status := range []int{400, 403, 413, 429, 500, 503} {
				m.mu.Lock()
				m.status = status
				m.mu.Unlock()
				x := post(c, target.Request{})
				Expect(x.Status).To(Equal(status))
				Expect(x.Refusal()).To(Equal("http"), "%d", status)
				Expect(x.Success()).To(BeFalse())
			}
		})

		It("is empty for a 2xx or 3xx answer", func() {
			m := startManager(true, nil)
			c := client(m.target(), target.Dial{})
			for _, status := range []int{200, 202, 204, 301, 308} {
				m.mu.Lock()
				m.status = status
				m.mu.Unlock()
				x := post(c, target.Request{})
				Expect(x.Status).To(Equal(status), "redirects are not followed")
				Expect(x.Refusal()).To(BeEmpty(), "%d", status)
				Expect(x.Success()).To(Equal(status < 300))
			}
		})

		It("is timeout when the answer does not come within the dial's timeout", func() {
			m := startManager(true, nil)
			m.delay = 5 * time.Second
			x := post(client(m.target(), target.Dial{Timeout: 200 * time.Millisecond}), target.Request{})
			Expect(x.Answered()).To(BeFalse())
			Expect(x.Refusal()).To(Equal("timeout"), "%v", x.Err)
		})

		It("is timeout, not tls, when the handshake does not complete in time", func() {
			ln, err := net.Listen("tcp", "127.0.0.1:0") // accepts, never speaks TLS
			Expect(err).NotTo(HaveOccurred())
			var wg sync.WaitGroup
			release := make(chan struct{})
			wg.Go(func() {
				c, err := ln.Accept()
				if err == nil {
					<-release
					c.Close()
				}
			})
			DeferCleanup(func() { close(release); ln.Close(); wg.Wait() })
			t, err := target.New("https://"+ln.Addr().String()+"/", "localhost", pki().roots, pki().analyzer)
			Expect(err).NotTo(HaveOccurred())
			x := post(client(t, target.Dial{Timeout: 200 * time.Millisecond}), target.Request{})
			Expect(x.Refusal()).To(Equal("timeout"), "%v", x.Err)
		})

		It("is other for a failure that is nobody's refusal", func() {
			x := &target.Exchange{Err: fmt.Errorf("the check asked for a signature but no signing key is configured")}
			Expect(x.Refusal()).To(Equal("other"))
			Expect((&target.Exchange{}).Refusal()).To(BeEmpty())
		})
	})

	Describe("client certificates", func() {
		// The server asks for certificates of the other CA only: crypto/tls would then
		// present none of the test CA's.
		var m *manager
		BeforeEach(func() {
			m = startManager(true, func(c *tls.Config) { c.ClientAuth, c.ClientCAs = tls.RequireAnyClientCert, pki().otherRoots })
		})

		It("presents the target's identity whatever authorities the server names", func() {
			x := post(client(m.target(), target.Dial{}), target.Request{})
			Expect(x.Success()).To(BeTrue(), x.Outcome())
			Expect(m.requests()[0].PeerName).To(Equal("analyzer"))
		})

		It("presents the dial's identity in its place", func() {
			x := post(client(m.target(), target.Dial{Cert: &pki().outsider}), target.Request{})
			Expect(x.Success()).To(BeTrue(), x.Outcome())
			Expect(m.requests()[0].PeerName).To(Equal("outsider"))
		})

		It("presents none with NoCert", func() {
			x := post(client(m.target(), target.Dial{NoCert: true}), target.Request{})
			Expect(x.Success()).To(BeFalse())
			Expect(x.Refusal()).To(Equal("tls"))
		})
	})

	Describe("HTTP versions", func() {
		It("speaks HTTP/2 when the server offers h2 by ALPN", func() {
			m := startManager(true, nil)
			c := client(m.target(), target.Dial{})
			x := post(c, target.Request{})
			Expect(x.Proto).To(Equal("HTTP/2.0"))
			Expect(x.TLS.NegotiatedProtocol).To(Equal("h2"))
			Expect(m.requests()[0].Proto).To(Equal("HTTP/2.0"))
			Expect(c.Handshakes()).To(HaveLen(1))
			Expect(c.Handshakes()[0].Version).To(BeEquivalentTo(tls.VersionTLS13))
		})

		It("speaks HTTP/1.1 with HTTP1, offering only http/1.1", func() {
			m := startManager(true, nil)
			x := post(client(m.target(), target.Dial{HTTP1: true}), target.Request{})
			Expect(x.Proto).To(Equal("HTTP/1.1"))
			Expect(x.TLS.NegotiatedProtocol).To(Equal("http/1.1"))
			Expect(m.requests()[0].Proto).To(Equal("HTTP/1.1"))
		})

		It("speaks HTTP/1.1 to a server that chooses http/1.1", func() {
			m := startManager(false, nil)
			x := post(client(m.target(), target.Dial{}), target.Request{})
			Expect(x.Proto).To(Equal("HTTP/1.1"))
			Expect(m.requests()[0].Proto).To(Equal("HTTP/1.1"))
		})

		It("offers the ALPN list it is given", func() {
			m := startManager(true, nil)
			x := post(client(m.target(), target.Dial{NextProtos: []string{"http/1.1"}}), target.Request{})
			Expect(x.TLS.NegotiatedProtocol).To(Equal("http/1.1"))
		})
	})

	Describe("Request", func() {
		var m *manager
		BeforeEach(func() { m = startManager(true, nil) })

		It("posts JSON to the target's URL by default", func() {
			x := post(client(m.target(), target.Dial{}), target.Request{Body: []byte(`{"a":1}`), Accept: "application/json",
				Header: http.Header{"X-Test": {"1", "2"}}})
			Expect(x.Success()).To(BeTrue())
			r := m.requests()[0]
			Expect(r.Method).To(Equal("POST"))
			Expect(r.URI).To(Equal("/ingest"))
			Expect(r.Header.Get("Content-Type")).To(Equal("application/json"))
			Expect(r.Header.Get("Accept")).To(Equal("application/json"))
			Expect(r.Header.Values("X-Test")).To(Equal([]string{"1", "2"}))
			Expect(r.Body).To(Equal([]byte(`{"a":1}`)))
			Expect(r.ContentLength).To(BeEquivalentTo(7))
		})

		It("replaces path and query with Path, and sends no content type with NoContentType", func() {
			post(client(m.target(), target.Dial{}), target.Request{Path: "/v1/x?y=1", Body: []byte("z"), NoContentType: true})
			r := m.requests()[0]
			Expect(r.URI).To(Equal("/v1/x?y=1"))
			Expect(r.Header).NotTo(HaveKey("Content-Type"))
		})

		It("sends a chunked body without Content-Length over HTTP/1.1", func() {
			body := bytes.Repeat([]byte("chunk"), 1000)
			x := post(client(m.target(), target.Dial{HTTP1: true}), target.Request{Body: body, Chunked: true})
			Expect(x.Success()).To(BeTrue(), x.Outcome())
			r := m.requests()[0]
			Expect(r.TransferEncoding).To(Equal([]string{"chunked"}))
			Expect(r.ContentLength).To(BeEquivalentTo(-1))
			Expect(r.Header).NotTo(HaveKey("Content-Length"))
			Expect(r.Body).To(Equal(body))
		})

		It("sends a body without a length over HTTP/2", func() {
			body := bytes.Repeat([]byte("chunk"), 1000)
			x := post(client(m.target(), target.Dial{}), target.Request{Body: body, Chunked: true})
			Expect(x.Success()).To(BeTrue(), x.Outcome())
			r := m.requests()[0]
			Expect(r.Proto).To(Equal("HTTP/2.0"))
			Expect(r.ContentLength).To(BeEquivalentTo(-1))
			Expect(r.Header).NotTo(HaveKey("Content-Length"))
			Expect(r.Body).To(Equal(body))
		})

		It("signs with the target's signer, and fails without one", func() {
			t := m.target()
			c := client(t, target.Dial{})
			x := post(c, target.Request{Sign: true})
			Expect(x.Err).To(MatchError(ContainSubstring("no signing key")))
			Expect(m.requests()).To(BeEmpty())
			t.Signer = signer()
			x = post(client(t, target.Dial{}), target.Request{Sign: true, Body: []byte(`{"ID":"x"}`)})
			Expect(x.Success()).To(BeTrue())
			r := m.requests()[0]
			Expect(r.Header.Get("Signature")).NotTo(BeEmpty())
			Expect(httpsig.CheckContentDigest(r.Header.Values("Content-Digest"), r.Body)).To(Succeed())
		})

		It("changes the body after signing with AfterSign, as an attacker on the path would", func() {
			t := m.target()
			t.Signer = signer()
			original, altered := []byte(`{"ID":"x","Priority":"Low"}`), []byte(`{"ID":"x","Priority":"High"}`)
			var signedDigest string
			x := post(client(t, target.Dial{}), target.Request{Sign: true, Body: original,
				AfterSign: func(req *http.Request, body []byte) []byte {
					signedDigest = req.Header.Get("Content-Digest")
					Expect(body).To(Equal(original))
					return altered
				}})
			Expect(x.Success()).To(BeTrue())
			Expect(x.RequestBody).To(Equal(altered), "the evidence shows what was sent")
			r := m.requests()[0]
			Expect(r.Body).To(Equal(altered))
			Expect(r.ContentLength).To(BeEquivalentTo(len(altered)))
			Expect(r.Header.Get("Content-Digest")).To(Equal(signedDigest))
			Expect(signedDigest).To(Equal(httpsig.ContentDigest(original)), "the signature covers the original")
			Expect(httpsig.CheckContentDigest(r.Header.Values("Content-Digest"), r.Body)).To(MatchError(httpsig.ErrDigest))
		})

		It("words the outcome and records request, response and handshake as evidence", func() {
			m.status, m.body = 403, `{"reason":"signature-invalid","detail":"x"}`
			x := post(client(m.target(), target.Dial{}), target.Request{Body: []byte("hello")})
			Expect(x.Outcome()).To(Equal("403 signature-invalid"))
			var r recorder
			x.Record(&r, "first")
			Expect(r.items).To(HaveLen(3))
			Expect(r.items[0]).To(And(HavePrefix("request|first|POST https://127.0.0.1:"), HaveSuffix("\nhello")))
			Expect(r.items[1]).To(And(HavePrefix("response|first|HTTP/2.0 403 Forbidden"), ContainSubstring("signature-invalid")))
			Expect(r.items[2]).To(And(HavePrefix("tls|first|version TLS 1.3"), ContainSubstring(`ALPN "h2"`), ContainSubstring(`subject "CN=localhost"`)))
		})

		It("records an exchange without an answer as such", func() {
			x := post(client(m.target(), target.Dial{NoCert: true}), target.Request{})
			Expect(x.Outcome()).To(HavePrefix("no answer: "))
			var r recorder
			x.Record(&r, "refused")
			Expect(r.items).To(HaveLen(2))
			Expect(r.items[1]).To(HavePrefix("response|refused|no answer after "))
		})
	})

	Describe("Wire", func() {
		It("records the bytes on the wire, encrypted: a known plaintext never appears", func() {
			m := startManager(true, nil)
			m.status, m.body = http.StatusOK, `{"reason":"RESPONSE-PLAINTEXT-MARKER"}`
			wire := &target.Wire{}
			marker := "REQUEST-PLAINTEXT-MARKER"
			x := post(client(m.target(), target.Dial{Record: wire}), target.Request{Body: []byte(`{"Description":"` + marker + `"}`)})
			Expect(x.Success()).To(BeTrue())
			Expect(string(x.Body)).To(ContainSubstring("RESPONSE-PLAINTEXT-MARKER"), "the marker did travel")
			sent, received := wire.Sent(), wire.Received()
			Expect(len(sent)).To(BeNumerically(">", len(marker)))
			Expect(sent[0]).To(BeEquivalentTo(22), "a TLS handshake record first")
			Expect(received[0]).To(BeEquivalentTo(22))
			Expect(bytes.Contains(sent, []byte(marker))).To(BeFalse())
			Expect(bytes.Contains(received, []byte("RESPONSE-PLAINTEXT-MARKER"))).To(BeFalse())
		})
	})

	It("dials Via another address, keeping the target's name and URL", func() {
		m := startManager(true, nil)
		t, err := target.New("https://127.0.0.1:1/ingest", "localhost", pki().roots, pki().analyzer) // nothing listens on port 1
		Expect(err).NotTo(HaveOccurred())
		x := post(client(t, target.Dial{Via: m.srv.Listener.Addr().String()}), target.Request{})
		Expect(x.Success()).To(BeTrue(), x.Outcome())
		Expect(x.URL).To(Equal("https://127.0.0.1:1/ingest"))
	})

	It("opens a new connection per request, or reuses one with KeepAlive", func() {
		m := startManager(false, nil)
		fresh := client(m.target(), target.Dial{})
		post(fresh, target.Request{})
		post(fresh, target.Request{})
		Expect(fresh.Handshakes()).To(HaveLen(2))
		kept := client(m.target(), target.Dial{KeepAlive: true})
		post(kept, target.Request{})
		post(kept, target.Request{})
		Expect(kept.Handshakes()).To(HaveLen(1))
	})

	It("refuses a server whose certificate does not carry the expected name", func() {
		m := startManager(true, nil)
		t, err := target.New(m.srv.URL, "manager.example.net", pki().roots, pki().analyzer)
		Expect(err).NotTo(HaveOccurred())
		x := post(client(t, target.Dial{}), target.Request{})
		Expect(x.Answered()).To(BeFalse())
		Expect(x.Err).To(MatchError(ContainSubstring("manager.example.net")))
		Expect(strings.ToLower(x.Err.Error())).To(ContainSubstring("certificate"))
	})
})

func signer() *httpsig.Signer {
	_, priv, err := ed25519.GenerateKey(nil)
	Expect(err).NotTo(HaveOccurred())
	return &httpsig.Signer{KeyID: "analyzer", Private: priv}
}

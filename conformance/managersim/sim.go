// Package managersim is the harness playing an analyzer's manager: an HTTPS server whose
// behaviour each analyzer-role check sets (accept, refuse with a status, answer slowly, drop
// the connection, sign receipts with the wrong key, present a bad certificate, offer TLS 1.2
// only, go away for a while), and that records every handshake attempt and every request it
// receives, with what it answered, as evidence.
package managersim

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/idmefcheck/idmefcheck/conformance/eventlog"
	"github.com/idmefcheck/idmefcheck/reference/httpsig"
	"github.com/idmefcheck/idmefcheck/reference/transport"
)

// Behaviour is what the server does with the next handshakes and requests.
type Behaviour struct {
	// Status answers requests with this status instead of accepting them (0 accepts with 204
	// and a signed receipt).
	Status int
	// RetryAfter is sent with Status (seconds or an HTTP date), when not empty.
	RetryAfter string
	// Refuse applies Status, Drop or BadReceipt to this many requests only, then behaves;
	// 0 applies it to all.
	Refuse int
	// Drop closes the connection (HTTP/1.1) or resets the stream (HTTP/2) without answering.
	Drop bool
	// Delay holds every answer this long.
	Delay time.Duration
	// BadReceipt signs 2xx answers with a key the analyzer cannot know.
	BadReceipt bool
	// Certificate names a bad server identity to present ("" for the good one): a kind the
	// Config's Certificates map holds.
	Certificate string
	// TLS12Only offers TLS 1.2 and nothing else.
	TLS12Only bool
}

// Config configures a Server.
type Config struct {
	// Certificate is the manager identity the analyzer expects.
	Certificate tls.Certificate
	// Certificates are bad server identities by kind (other-ca, wrong-name, expired,
	// wildcard, cn-only), for Behaviour.Certificate.
	Certificates map[string]tls.Certificate
	// ClientCAs vouch for the analyzer's client certificate.
	ClientCAs *x509.CertPool
	// Signer signs receipts (the harness's manager key); nil answers unsigned.
	Signer *httpsig.Signer
	// AnalyzerKey verifies the analyzer's request signatures when its key is known. The key
	// is bound to whatever identity the analyzer's verified certificate carries: the
	// statement names the key, the certificate names the analyzer.
	AnalyzerKey *httpsig.Key
	// MaxBody bounds what is read of a request (default 2 MiB).
	MaxBody int64
	Log     *slog.Logger
}

// Hello is one TLS handshake attempt.
type Hello struct {
	At         time.Time
	Remote     string
	ServerName string
	Versions   []uint16
	ALPN       []string
	// Presented is the certificate kind the server answered with ("" the good one).
	Presented string
}

// Request is one request received and what was answered.
type Request struct {
	At      time.Time
	Remote  string
	Proto   string
	TLS     *tls.ConnectionState
	Method  string
	Target  string
	Header  http.Header
	Body    []byte
	BodyErr error
	// Signed says whether the request carried a profile signature; SignatureErr is the
	// outcome of verifying it (nil when it verified; not set without a Verifier).
	Signed       bool
	SignatureErr error
	Verified     bool
	// ID is the top-level ID of a body that is a JSON object.
	ID string
	// Answer is the status answered, 0 when the connection was dropped.
	Answer int
}

// Server is a running manager simulator.
type Server struct {
	cfg Config
	log *slog.Logger

	mu       sync.Mutex
	b        Behaviour
	refused  int
	hellos   []Hello
	requests []*Request
	changed  chan struct{}
	addrs    []string
	servers  []*http.Server
	conns    map[net.Conn]*simConn
	// verifiers, one per analyzer identity, share one nonce cache: a replayed signature is
	// refused whichever connection brings it.
	verifiers map[transport.Identity]*httpsig.Verifier
	nonces    *httpsig.NonceCache
	wg        sync.WaitGroup
	badKey    ed25519.PrivateKey
	// keyLog, events and check are what Trace and SetCheck set.
	keyLog io.Writer
	events *eventlog.Log
	check  string
}

// Trace makes every later handshake log its TLS secrets to keyLog (NSS key log format; nil
// logs none; it must be safe for concurrent writes) and every later connection and request
// write events to events (nil writes none). Whoever holds the key log can decrypt a capture
// of the traffic: for people dissecting an exchange, never on by default.
func (s *Server) Trace(keyLog io.Writer, events *eventlog.Log) {
	s.mu.Lock()
	s.keyLog, s.events = keyLog, events
	s.mu.Unlock()
}

// SetCheck names the check the events that follow belong to (analyzer-role checks run one
// at a time, so the server can tell).
func (s *Server) SetCheck(id string) {
	s.mu.Lock()
	s.check = id
	s.mu.Unlock()
}

// traced returns the event log and a context naming the current check.
func (s *Server) traced() (*eventlog.Log, context.Context) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.events, eventlog.WithCheck(context.Background(), s.check)
}

// trackingListener hands every accepted connection to the event log, when there is one.
type trackingListener struct {
	net.Listener
	s *Server
}

func (l trackingListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return c, err
	}
	if ev, ctx := l.s.traced(); ev != nil {
		return ev.Track(ctx, c, eventlog.In), nil
	}
	return c, nil
}

// Start serves on each listener.
func Start(cfg Config, lns []net.Listener) (*Server, error) {
	if cfg.MaxBody <= 0 {
		cfg.MaxBody = 2 << 20
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	_, bad, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return nil, err
	}
	s := &Server{cfg: cfg, log: cfg.Log, changed: make(chan struct{}), badKey: bad, conns: map[net.Conn]*simConn{}}
	s.verifiers = map[transport.Identity]*httpsig.Verifier{}
	s.nonces = httpsig.NewNonceCache(1 << 16)
	for _, ln := range lns {
		s.addrs = append(s.addrs, ln.Addr().String())
	}
	s.serve(lns)
	return s, nil
}

func (s *Server) serve(lns []net.Listener) {
	base := &tls.Config{MinVersion: tls.VersionTLS13, ClientAuth: tls.VerifyClientCertIfGiven, ClientCAs: s.cfg.ClientCAs,
		NextProtos: []string{"h2", "http/1.1"}}
	getConfig := func(h *tls.ClientHelloInfo) (*tls.Config, error) {
		s.mu.Lock()
		b := s.b
		s.hellos = append(s.hellos, Hello{At: time.Now(), Remote: h.Conn.RemoteAddr().String(), ServerName: h.ServerName,
			Versions: append([]uint16(nil), h.SupportedVersions...), ALPN: append([]string(nil), h.SupportedProtos...), Presented: b.Certificate})
		s.notify()
		keyLog, ev, ctx := s.keyLog, s.events, eventlog.WithCheck(context.Background(), s.check)
		s.mu.Unlock()
		c := base.Clone()
		cert := s.cfg.Certificate
		if b.Certificate != "" {
			bad, ok := s.cfg.Certificates[b.Certificate]
			if !ok {
				return nil, fmt.Errorf("managersim: no %q certificate", b.Certificate)
			}
			cert = bad
		}
		c.Certificates = []tls.Certificate{cert}
		c.KeyLogWriter = keyLog
		if ev != nil {
			c.VerifyConnection = func(st tls.ConnectionState) error {
				ev.Emit(ctx, eventlog.Event{Event: eventlog.Handshake, Direction: eventlog.In, Remote: h.Conn.RemoteAddr().String(), TLS: eventlog.TLSOf(&st)})
				return nil
			}
		}
		if b.TLS12Only {
			c.MinVersion, c.MaxVersion = tls.VersionTLS12, tls.VersionTLS12
		}
		return c, nil
	}
	for _, ln := range lns {
		// Each server gets its own tls.Config: net/http writes NextProtos into it when serving starts, so a shared one
		// is a data race between listeners (found by -race in CI).
		tlsCfg := &tls.Config{GetConfigForClient: getConfig}
		p := new(http.Protocols)
		p.SetHTTP1(true)
		p.SetHTTP2(true)
		srv := &http.Server{Handler: http.HandlerFunc(s.handle), TLSConfig: tlsCfg, Protocols: p, ReadHeaderTimeout: 10 * time.Second,
			ErrorLog: slog.NewLogLogger(s.log.Handler(), slog.LevelDebug), ConnState: s.track,
			ConnContext: func(ctx context.Context, c net.Conn) context.Context { return context.WithValue(ctx, connKey{}, c) }}
		s.mu.Lock()
		s.servers = append(s.servers, srv)
		s.mu.Unlock()
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			_ = srv.ServeTLS(trackingListener{Listener: ln, s: s}, "", "")
		}()
	}
}

// notify wakes the waiters; s.mu is held.
func (s *Server) notify() {
	close(s.changed)
	s.changed = make(chan struct{})
}

// Addrs are the addresses the server listens on.
func (s *Server) Addrs() []string { return append([]string(nil), s.addrs...) }

// simConn is what the server knows of one open connection.
type simConn struct {
	active  int  // requests being answered on it
	retired bool // a change of TLS behaviour ends it once those are answered
}

// retireLinger is how long a retired connection stays open after its last answer: the
// server writes an answer's last frames after the handler returns, and closing a connection
// with bytes from the peer still unread sends a TCP reset, which can destroy an answer the
// analyzer has not read yet. An analyzer that lost the answer to an alert it delivered would
// rightly retry it after its backoff, and the next check would see that instead of what it
// asked for.
const retireLinger = 250 * time.Millisecond

type connKey struct{}

// track keeps the open connections, so that a change of TLS behaviour can end them.
func (s *Server) track(c net.Conn, st http.ConnState) {
	s.mu.Lock()
	defer s.mu.Unlock()
	switch st {
	case http.StateNew:
		s.conns[c] = &simConn{}
	case http.StateClosed, http.StateHijacked:
		delete(s.conns, c)
	}
}

// Set changes the behaviour for the handshakes and requests that follow. A change of what
// the TLS handshake presents (certificate, versions) ends the open connections, so that the
// analyzer must handshake again to send anything: each is closed once the requests it
// carries are answered (and retireLinger has passed), and a request that arrives on it
// meanwhile is neither recorded nor answered, so that nothing reaches the new behaviour
// over an old handshake.
func (s *Server) Set(b Behaviour) {
	s.mu.Lock()
	defer s.mu.Unlock()
	tlsChanged := b.Certificate != s.b.Certificate || b.TLS12Only != s.b.TLS12Only
	s.b, s.refused = b, 0
	if !tlsChanged {
		return
	}
	for c, sc := range s.conns {
		if !sc.retired {
			sc.retired = true
			if sc.active == 0 {
				closeAfter(c, retireLinger)
			}
		}
	}
}

func closeAfter(c net.Conn, d time.Duration) { time.AfterFunc(d, func() { _ = c.Close() }) }

// begin counts a request on its connection; it returns false when the connection is
// retired, and the request must then go unanswered.
func (s *Server) begin(r *http.Request) bool {
	c, _ := r.Context().Value(connKey{}).(net.Conn)
	s.mu.Lock()
	defer s.mu.Unlock()
	sc := s.conns[c]
	if sc == nil {
		return true // not tracked (closing already): answer as before
	}
	if sc.retired {
		return false
	}
	sc.active++
	return true
}

// end is begin's counterpart, once the request is answered.
func (s *Server) end(r *http.Request) {
	c, _ := r.Context().Value(connKey{}).(net.Conn)
	s.mu.Lock()
	defer s.mu.Unlock()
	sc := s.conns[c]
	if sc == nil {
		return
	}
	sc.active--
	if sc.retired && sc.active == 0 {
		closeAfter(c, retireLinger)
	}
}

// Requests returns the requests received so far.
func (s *Server) Requests() []*Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.snapshot()
}

// snapshot copies the requests, s.mu held: a request's Answer is set once the handler has
// answered, after it was recorded, so callers get copies rather than the records the
// handlers still write to.
func (s *Server) snapshot() []*Request {
	out := make([]*Request, len(s.requests))
	for i, r := range s.requests {
		c := *r
		out[i] = &c
	}
	return out
}

// Hellos returns the handshake attempts so far.
func (s *Server) Hellos() []Hello {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Hello(nil), s.hellos...)
}

// Wait calls done with every request and hello so far each time something arrives, until
// it returns true or ctx ends; it reports whether done returned true.
func (s *Server) Wait(ctx context.Context, done func(reqs []*Request, hellos []Hello) bool) bool {
	for {
		s.mu.Lock()
		reqs, hellos, ch := s.snapshot(), append([]Hello(nil), s.hellos...), s.changed
		s.mu.Unlock()
		if done(reqs, hellos) {
			return true
		}
		select {
		case <-ctx.Done():
			return false
		case <-ch:
		}
	}
}

// Pause stops listening and cuts every connection: the manager is gone. Resume listens on
// the same addresses again.
func (s *Server) Pause(ctx context.Context) error {
	s.mu.Lock()
	servers := s.servers
	s.servers = nil
	s.mu.Unlock()
	var errs []error
	for _, srv := range servers {
		errs = append(errs, srv.Close())
	}
	s.wg.Wait()
	return errors.Join(errs...)
}

// Resume listens again on the addresses of Start.
func (s *Server) Resume() error {
	var lns []net.Listener
	for _, a := range s.addrs {
		ln, err := net.Listen("tcp", a)
		if err != nil {
			for _, l := range lns {
				l.Close()
			}
			return fmt.Errorf("managersim: listening again on %s: %w", a, err)
		}
		lns = append(lns, ln)
	}
	s.serve(lns)
	return nil
}

// Close stops the server.
func (s *Server) Close() error { return s.Pause(context.Background()) }

func (s *Server) handle(w http.ResponseWriter, r *http.Request) {
	if !s.begin(r) {
		// Sent over a connection a change of behaviour retired: no answer, no record; the
		// connection closes under it and the analyzer must connect again.
		<-r.Context().Done()
		panic(http.ErrAbortHandler)
	}
	defer s.end(r)
	rec := &Request{At: time.Now(), Remote: r.RemoteAddr, Proto: r.Proto, TLS: r.TLS, Method: r.Method,
		Target: r.URL.RequestURI(), Header: r.Header.Clone()}
	rec.Body, rec.BodyErr = io.ReadAll(io.LimitReader(r.Body, s.cfg.MaxBody))
	var m struct {
		ID string `json:"ID"`
	}
	if json.Unmarshal(rec.Body, &m) == nil {
		rec.ID = m.ID
	}
	ev, ectx := s.traced()
	ev.Emit(ectx, eventlog.Event{Event: eventlog.Request, Direction: eventlog.In, Remote: r.RemoteAddr, Method: r.Method,
		URL: rec.Target, Proto: r.Proto, Bytes: eventlog.Int64(int64(len(rec.Body))), TLS: eventlog.TLSOf(r.TLS)})
	rec.Signed = httpsig.Signed(r.Header)
	if s.cfg.AnalyzerKey != nil && rec.Signed {
		peer := transport.Identity("")
		if p, err := transport.PeerOf(r.TLS); err == nil {
			peer = p.Identity
		}
		_, rec.SignatureErr = s.verifier(peer).VerifyRequest(r, rec.Body, peer)
		rec.Verified = true
	}

	s.mu.Lock()
	b := s.b
	apply := b.Status != 0 || b.Drop || b.BadReceipt
	if apply && b.Refuse > 0 {
		if s.refused >= b.Refuse {
			apply = false
		} else {
			s.refused++
		}
	}
	s.requests = append(s.requests, rec)
	s.mu.Unlock()

	if b.Delay > 0 {
		select {
		case <-r.Context().Done():
		case <-time.After(b.Delay):
		}
	}
	status := http.StatusNoContent
	switch {
	case apply && b.Drop:
		ev.Emit(ectx, eventlog.Event{Event: eventlog.Response, Direction: eventlog.Out, Remote: r.RemoteAddr, Method: r.Method,
			URL: rec.Target, Proto: r.Proto, Error: "dropped without an answer (the check's behaviour)"})
		s.record(rec, 0)
		panic(http.ErrAbortHandler) // the server closes the connection or resets the stream
	case apply && b.Status != 0:
		status = b.Status
		if b.RetryAfter != "" {
			w.Header().Set("Retry-After", b.RetryAfter)
		}
	case r.Method != http.MethodPost:
		status = http.StatusMethodNotAllowed
		w.Header().Set("Allow", http.MethodPost)
	}
	var body []byte
	if status >= 400 {
		body, _ = json.Marshal(map[string]string{"reason": "managersim-" + strconv.Itoa(status), "detail": "the harness answers so on purpose"})
		w.Header().Set("Content-Type", "application/json")
	}
	if s.cfg.Signer != nil {
		signer := s.cfg.Signer
		if apply && b.BadReceipt {
			signer = &httpsig.Signer{KeyID: s.cfg.Signer.KeyID, Private: s.badKey}
		}
		if err := signer.SignResponse(w.Header(), status, body, r, rec.Signed && rec.SignatureErr == nil); err != nil {
			s.log.Warn("managersim: signing the answer", "error", err)
		}
	}
	w.WriteHeader(status)
	_, _ = w.Write(body)
	ev.Emit(ectx, eventlog.Event{Event: eventlog.Response, Direction: eventlog.Out, Remote: r.RemoteAddr, Method: r.Method,
		URL: rec.Target, Proto: r.Proto, Status: status, Bytes: eventlog.Int64(int64(len(body)))})
	s.record(rec, status)
}

func (s *Server) verifier(peer transport.Identity) *httpsig.Verifier {
	s.mu.Lock()
	defer s.mu.Unlock()
	v, ok := s.verifiers[peer]
	if !ok {
		k := *s.cfg.AnalyzerKey
		k.Identity = peer
		v = &httpsig.Verifier{Keys: map[string]httpsig.Key{k.KeyID: k}, Nonces: s.nonces}
		s.verifiers[peer] = v
	}
	return v
}

func (s *Server) record(rec *Request, status int) {
	s.mu.Lock()
	rec.Answer = status
	s.notify()
	s.mu.Unlock()
}

// Describe words a request for evidence.
func (r *Request) Describe() string {
	var b bytes.Buffer
	fmt.Fprintf(&b, "%s %s %s from %s at %s", r.Method, r.Target, r.Proto, r.Remote, r.At.UTC().Format(time.RFC3339Nano))
	if r.TLS != nil {
		fmt.Fprintf(&b, "\nTLS %s, %s, ALPN %q, client certificates %d", tls.VersionName(r.TLS.Version), tls.CipherSuiteName(r.TLS.CipherSuite), r.TLS.NegotiatedProtocol, len(r.TLS.PeerCertificates))
	}
	for _, k := range []string{"Content-Type", "Content-Length", "Content-Digest", "Signature-Input", "Signature", "Transfer-Encoding"} {
		if v := r.Header.Get(k); v != "" {
			fmt.Fprintf(&b, "\n%s: %s", k, v)
		}
	}
	switch {
	case !r.Signed:
		b.WriteString("\n[unsigned]")
	case r.Verified && r.SignatureErr == nil:
		b.WriteString("\n[signature verified]")
	case r.Verified:
		fmt.Fprintf(&b, "\n[signature: %v]", r.SignatureErr)
	}
	body := r.Body
	if len(body) > 1024 {
		body = body[:1024]
	}
	fmt.Fprintf(&b, "\n\n%s\n\nanswered %d", body, r.Answer)
	return b.String()
}

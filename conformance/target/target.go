// Package target is the harness's side of a connection to an implementation under test: it
// dials with exactly the TLS and HTTP behaviour a check asks for (including behaviour a
// conforming peer never shows), sends requests, and keeps everything it saw as evidence.
package target

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"slices"
	"sync"
	"time"

	"github.com/idmefcheck/idmefcheck/conformance/eventlog"
	"github.com/idmefcheck/idmefcheck/reference/httpsig"
)

// Target is one listener of the implementation under test.
type Target struct {
	URL *url.URL
	// ServerName is the identity the implementation's certificate must carry.
	ServerName string
	Roots      *x509.CertPool
	// Cert is the identity the harness presents by default.
	Cert tls.Certificate
	// Signer signs requests when a check asks (option signatures); nil otherwise.
	Signer *httpsig.Signer
	// Verifier verifies the implementation's signed answers; nil when its key is unknown.
	Verifier *httpsig.Verifier
	// KeyLog, when not nil, receives the TLS secrets of every connection to the target in
	// the NSS key log format (crypto/tls Config.KeyLogWriter): whoever holds them can decrypt
	// a capture of the traffic. For people dissecting an exchange (--keylog), never on by
	// default. It must be safe for concurrent writes.
	KeyLog io.Writer
	// Events, when not nil, receives an event for every connection, handshake, request and
	// answer (conformance/eventlog); the check an event belongs to is the one the request's
	// context names.
	Events *eventlog.Log
}

// New builds a Target for rawURL.
func New(rawURL, serverName string, roots *x509.CertPool, cert tls.Certificate) (*Target, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil, fmt.Errorf("target %q: %w", rawURL, err)
	}
	if u.Scheme != "https" || u.Host == "" {
		return nil, fmt.Errorf("target %q: want an https:// URL with a host", rawURL)
	}
	if u.Port() == "" {
		u.Host = net.JoinHostPort(u.Hostname(), "443")
	}
	if u.Path == "" {
		u.Path = "/"
	}
	if serverName == "" {
		serverName = u.Hostname()
	}
	return &Target{URL: u, ServerName: serverName, Roots: roots, Cert: cert}, nil
}

// Addr is the host:port the target listens on.
func (t *Target) Addr() string { return t.URL.Host }

// Family is "ipv4" or "ipv6" for a target whose host is an address literal, "" for a name.
func (t *Target) Family() string {
	ip := net.ParseIP(t.URL.Hostname())
	switch {
	case ip == nil:
		return ""
	case ip.To4() != nil:
		return "ipv4"
	default:
		return "ipv6"
	}
}

// Dial configures one connection: who the harness claims to be and how it speaks TLS.
type Dial struct {
	// Cert replaces the target's default identity; NoCert presents none.
	Cert   *tls.Certificate
	NoCert bool
	// MinVersion and MaxVersion bound the TLS versions offered (default: 1.3 only).
	MinVersion, MaxVersion uint16
	// CipherSuites are the TLS 1.2 suites offered (Go chooses the TLS 1.3 ones).
	CipherSuites []uint16
	// NextProtos is the ALPN offer (default h2 and http/1.1; HTTP1 offers http/1.1 only).
	NextProtos []string
	// HTTP1 speaks HTTP/1.1 even when the server offers h2.
	HTTP1 bool
	// Via dials this address instead of the target's (a fault proxy in front of it).
	Via string
	// KeepAlive keeps connections for reuse (default: a new connection per client).
	KeepAlive bool
	// Timeout bounds each request (default 15 s).
	Timeout time.Duration
	// Record, when set, receives every byte written to and read from the connection
	// (still TLS-encrypted): the bytes on the wire.
	Record *Wire
}

// TLSConfig returns the client TLS configuration d describes. It verifies the target's chain
// and name itself, keeping the handshake details for evidence.
func (t *Target) TLSConfig(d Dial) *tls.Config {
	c := &tls.Config{
		ServerName:   t.ServerName,
		RootCAs:      t.Roots,
		MinVersion:   tls.VersionTLS13,
		MaxVersion:   tls.VersionTLS13,
		NextProtos:   []string{"h2", "http/1.1"},
		CipherSuites: d.CipherSuites,
		KeyLogWriter: t.KeyLog,
	}
	if d.MinVersion != 0 {
		c.MinVersion = d.MinVersion
	}
	if d.MaxVersion != 0 {
		c.MaxVersion = d.MaxVersion
	}
	switch {
	case d.NextProtos != nil:
		c.NextProtos = d.NextProtos
	case d.HTTP1:
		c.NextProtos = []string{"http/1.1"}
	}
	// The certificate is presented whatever the server's list of acceptable authorities
	// says: crypto/tls would otherwise withhold one the server cannot verify, and the checks
	// must see the server refuse it.
	cert := &t.Cert
	switch {
	case d.NoCert:
		cert = &tls.Certificate{}
	case d.Cert != nil:
		cert = d.Cert
	}
	c.GetClientCertificate = func(*tls.CertificateRequestInfo) (*tls.Certificate, error) { return cert, nil }
	return c
}

// Client is an HTTP client bound to one target and one Dial; Close releases its connections.
type Client struct {
	t    *Target
	d    Dial
	http *http.Client
	mu   sync.Mutex
	tls  []tls.ConnectionState
	// last and lastRaw are the connection dialled last, at the TLS and the TCP level, whose
	// errors (an alert after the handshake, a reset) explain an exchange that failed on it.
	last    *tls.Conn
	lastRaw *errConn
	// ids numbers the TLS connections in the event log, for the events of their exchanges.
	ids map[*tls.Conn]int64
}

// Client returns a client that connects as d says.
func (t *Target) Client(d Dial) *Client {
	c := &Client{t: t, d: d, ids: map[*tls.Conn]int64{}}
	cfg := t.TLSConfig(d)
	addr := t.Addr()
	if d.Via != "" {
		addr = d.Via
	}
	dialTLS := func(ctx context.Context, network, _ string) (net.Conn, error) {
		var nd net.Dialer
		raw, err := nd.DialContext(ctx, "tcp", addr)
		if err != nil {
			t.Events.Emit(ctx, eventlog.Event{Event: eventlog.Connect, Direction: eventlog.Out, Remote: addr, Error: err.Error()})
			return nil, err
		}
		var id int64
		if t.Events != nil {
			tc := t.Events.Track(ctx, raw, eventlog.Out)
			id, raw = tc.ID(), tc
		}
		if d.Record != nil {
			raw = d.Record.wrap(raw)
		}
		// A server that resets the connection instead of answering: the transport may not
		// pass the reset on. The connection keeps its first read error for the exchange.
		ec := &errConn{Conn: raw, c: c}
		raw = ec
		c.mu.Lock()
		c.lastRaw = ec
		c.mu.Unlock()
		conn := tls.Client(raw, cfg.Clone())
		if err := conn.HandshakeContext(ctx); err != nil {
			t.Events.Emit(ctx, eventlog.Event{Event: eventlog.Handshake, Direction: eventlog.Out, Conn: id, Remote: addr, Error: err.Error()})
			raw.Close()
			return nil, &HandshakeError{Err: err}
		}
		st := conn.ConnectionState()
		t.Events.Emit(ctx, eventlog.Event{Event: eventlog.Handshake, Direction: eventlog.Out, Conn: id, Remote: addr, TLS: eventlog.TLSOf(&st)})
		c.mu.Lock()
		c.tls = append(c.tls, st)
		c.last = conn
		c.ids[conn] = id
		c.mu.Unlock()
		return conn, nil
	}
	timeout := d.Timeout
	if timeout <= 0 {
		timeout = 15 * time.Second
	}
	tr := &http.Transport{
		DialTLSContext:    dialTLS,
		DisableKeepAlives: !d.KeepAlive,
		// With a dialler of its own, the standard transport speaks HTTP/2 only when forced
		// to; it then follows what ALPN chose on each connection.
		ForceAttemptHTTP2: !d.HTTP1,
	}
	if d.HTTP1 {
		tr.TLSNextProto = map[string]func(string, *tls.Conn) http.RoundTripper{}
	}
	rt := http.RoundTripper(tr)
	c.http = &http.Client{Transport: rt, Timeout: timeout,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	return c
}

// errConn remembers the first read error of a connection other than the end of stream.
type errConn struct {
	net.Conn
	c   *Client
	err error // guarded by c.mu
}

func (e *errConn) Read(p []byte) (int, error) {
	n, err := e.Conn.Read(p)
	if err != nil && err != io.EOF {
		e.c.mu.Lock()
		if e.err == nil {
			e.err = err
		}
		e.c.mu.Unlock()
	}
	return n, err
}

// connError returns the first read error of the connection dialled last (not of an earlier
// one: a reset after an earlier exchange is no refusal of this one).
func (c *Client) connError() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.lastRaw == nil {
		return nil
	}
	return c.lastRaw.err
}

// tlsError returns the TLS error that ended the last connection, if one did: a TLS 1.3
// server refuses a client certificate with an alert after the client's side of the
// handshake completed, and the HTTP/2 transport reports only that the connection could not
// be established. crypto/tls keeps the alert and returns it to any later read. Only for a
// client without KeepAlive, whose connection served that one exchange and is over: a read
// would disturb a connection still in use.
func (c *Client) tlsError() error {
	if c.d.KeepAlive {
		return nil
	}
	c.mu.Lock()
	conn := c.last
	c.last = nil
	c.mu.Unlock()
	if conn == nil {
		return nil
	}
	_ = conn.SetReadDeadline(time.Now()) // never wait: only an error already there counts
	_, err := conn.Read(make([]byte, 1))
	var ne net.Error
	if err == nil || errors.Is(err, io.EOF) || errors.Is(err, net.ErrClosed) || (errors.As(err, &ne) && ne.Timeout()) {
		return nil
	}
	return err
}

// Close releases the client's idle connections.
func (c *Client) Close() { c.http.CloseIdleConnections() }

// Handshakes returns the TLS state of every connection the client made.
func (c *Client) Handshakes() []tls.ConnectionState {
	c.mu.Lock()
	defer c.mu.Unlock()
	return slices.Clone(c.tls)
}

// HandshakeError is a TLS handshake that did not complete: the peer refused the harness
// (or the harness refused the peer).
type HandshakeError struct{ Err error }

func (e *HandshakeError) Error() string { return "TLS handshake: " + e.Err.Error() }
func (e *HandshakeError) Unwrap() error { return e.Err }

// Wire records the bytes of connections, both directions, for checks that look at what an
// eavesdropper sees.
type Wire struct {
	mu       sync.Mutex
	sent     bytes.Buffer
	received bytes.Buffer
}

// Sent and Received return copies of the bytes so far.
func (w *Wire) Sent() []byte {
	w.mu.Lock()
	defer w.mu.Unlock()
	return bytes.Clone(w.sent.Bytes())
}

// Received returns a copy of the bytes read so far.
func (w *Wire) Received() []byte {
	w.mu.Lock()
	defer w.mu.Unlock()
	return bytes.Clone(w.received.Bytes())
}

func (w *Wire) wrap(c net.Conn) net.Conn { return &wireConn{Conn: c, w: w} }

type wireConn struct {
	net.Conn
	w *Wire
}

func (c *wireConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	c.w.mu.Lock()
	c.w.received.Write(p[:n])
	c.w.mu.Unlock()
	return n, err
}

func (c *wireConn) Write(p []byte) (int, error) {
	n, err := c.Conn.Write(p)
	c.w.mu.Lock()
	c.w.sent.Write(p[:n])
	c.w.mu.Unlock()
	return n, err
}

var _ io.ReadWriter = (*wireConn)(nil)

package target

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptrace"
	"slices"
	"strings"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/idmefcheck/idmefcheck/conformance/eventlog"
	"github.com/idmefcheck/idmefcheck/reference/httpsig"
)

// Request is one HTTP request a check sends.
type Request struct {
	Method string // default POST
	// Path replaces the target URL's path (and query).
	Path string
	Body []byte
	// ContentType defaults to application/json; NoContentType sends none.
	ContentType   string
	NoContentType bool
	Accept        string
	Header        http.Header
	// Sign signs the request with the target's Signer, or with SignWith when set.
	Sign     bool
	SignWith *httpsig.Signer
	// SignedAt, when not zero, is the signature's created time instead of the clock's (a
	// stale or future signature); only requests in the profile's fixed shape can be signed so.
	SignedAt time.Time
	// Chunked sends the body with chunked transfer coding (HTTP/1.1) or without a length
	// (HTTP/2), as a streaming client would.
	Chunked bool
	// AfterSign changes the request after it was signed: what an attacker in the path would do.
	AfterSign func(req *http.Request, body []byte) []byte
	// Label names the exchange in the event log (the label of its evidence).
	Label string
}

// Exchange is a request and what came back.
type Exchange struct {
	Method        string
	URL           string
	RequestHeader http.Header
	RequestBody   []byte
	Proto         string
	Status        int
	Header        http.Header
	Body          []byte
	TLS           *tls.ConnectionState
	Elapsed       time.Duration
	// Err is set when no answer came (refused handshake, reset, timeout).
	Err error
	// ResponseSignature is the outcome of verifying the answer's signature: nil when it
	// verified, httpsig.ErrUnsigned when there was none; not checked (nil, Verified false)
	// without a Verifier.
	ResponseSignature error
	Verified          bool
}

// Do sends r and returns the exchange; it never fails: a failure is the exchange's Err.
func (c *Client) Do(ctx context.Context, r Request) *Exchange {
	u := *c.t.URL
	if r.Path != "" {
		u.Path, u.RawQuery, _ = strings.Cut(r.Path, "?")
	}
	method := r.Method
	if method == "" {
		method = http.MethodPost
	}
	x := &Exchange{Method: method, URL: u.String(), RequestBody: r.Body}
	var body io.Reader
	if r.Body != nil {
		body = bytes.NewReader(r.Body)
	}
	req, err := http.NewRequestWithContext(ctx, method, u.String(), body)
	if err != nil {
		x.Err = err
		return x
	}
	if !r.NoContentType && (r.Body != nil || r.ContentType != "") {
		ct := r.ContentType
		if ct == "" {
			ct = "application/json"
		}
		req.Header.Set("Content-Type", ct)
	}
	if r.Accept != "" {
		req.Header.Set("Accept", r.Accept)
	}
	for k, vs := range r.Header {
		req.Header[k] = slices.Clone(vs)
	}
	sent := r.Body
	if r.Sign {
		s := r.SignWith
		if s == nil {
			s = c.t.Signer
		}
		if s == nil {
			x.Err = fmt.Errorf("the check asked for a signature but no signing key is configured")
			return x
		}
		sign := s.SignRequest
		if !r.SignedAt.IsZero() {
			sign = func(req *http.Request, body []byte) error { return s.SignRequestAt(req, body, r.SignedAt) }
		}
		if err := sign(req, r.Body); err != nil {
			x.Err = err
			return x
		}
	}
	if r.AfterSign != nil {
		sent = r.AfterSign(req, r.Body)
		x.RequestBody = sent
		req.Body = io.NopCloser(bytes.NewReader(sent))
		req.ContentLength = int64(len(sent))
	}
	if r.Chunked {
		req.ContentLength = -1
		req.Body = io.NopCloser(io.MultiReader(bytes.NewReader(sent)))
		req.GetBody = nil
	} else if sent != nil {
		b := sent
		req.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(b)), nil }
	}
	x.RequestHeader = req.Header.Clone()
	ev := c.t.Events
	var conn atomic.Int64 // set by the transport's goroutines
	if ev != nil {
		// The connection that carries the request, for its events; known once the
		// transport has picked or dialled it.
		trace := &httptrace.ClientTrace{GotConn: func(i httptrace.GotConnInfo) {
			if tc, ok := i.Conn.(*tls.Conn); ok {
				c.mu.Lock()
				conn.Store(c.ids[tc])
				c.mu.Unlock()
			}
		}, WroteRequest: func(httptrace.WroteRequestInfo) {
			ev.Emit(ctx, eventlog.Event{Event: eventlog.Request, Direction: eventlog.Out, Conn: conn.Load(), Label: r.Label,
				Method: method, URL: x.URL, Bytes: eventlog.Int64(int64(len(sent)))})
		}}
		req = req.WithContext(httptrace.WithClientTrace(req.Context(), trace))
	}
	start := time.Now()
	res, err := c.http.Do(req)
	if ev != nil {
		defer func() {
			el := x.Elapsed.Milliseconds()
			e := eventlog.Event{Event: eventlog.Response, Direction: eventlog.In, Conn: conn.Load(), Label: r.Label, Method: method,
				URL: x.URL, Proto: x.Proto, Status: x.Status, ElapsedMS: &el}
			if x.Answered() {
				e.Bytes = eventlog.Int64(int64(len(x.Body)))
			}
			if x.Err != nil {
				e.Error = x.Err.Error()
			}
			ev.Emit(ctx, e)
		}()
	}
	if err != nil {
		x.Elapsed = time.Since(start)
		x.Err = err
		// The TLS alert a refused client certificate brings is read on the connection; the
		// HTTP error may not carry it.
		if cerr := c.connError(); cerr != nil && !strings.Contains(err.Error(), cerr.Error()) {
			x.Err = fmt.Errorf("%w (on the connection: %v)", err, cerr)
		} else if terr := c.tlsError(); terr != nil && !strings.Contains(err.Error(), terr.Error()) {
			x.Err = fmt.Errorf("%w (on the connection: %v)", err, terr)
		}
		return x
	}
	defer res.Body.Close()
	x.Body, x.Err = io.ReadAll(io.LimitReader(res.Body, 1<<20))
	x.Elapsed = time.Since(start)
	x.Proto, x.Status, x.Header, x.TLS = res.Proto, res.StatusCode, res.Header, res.TLS
	if x.Err == nil && c.t.Verifier != nil {
		_, x.ResponseSignature = c.t.Verifier.VerifyResponse(res, x.Body, req)
		x.Verified = true
	}
	return x
}

// Answered reports whether a response came back.
func (x *Exchange) Answered() bool { return x.Status != 0 }

// Success reports a 2xx answer.
func (x *Exchange) Success() bool { return x.Status >= 200 && x.Status < 300 }

// Outcome words what came back, for expected/actual columns: "204", "403 signature-invalid",
// or "no answer: ...".
func (x *Exchange) Outcome() string {
	if !x.Answered() {
		if x.Err != nil {
			return "no answer: " + x.Err.Error()
		}
		return "no answer"
	}
	out := fmt.Sprint(x.Status)
	if r := reasonOf(x.Body); r != "" {
		out += " " + r
	}
	return out
}

// reasonOf reads the reference profile's "reason" member of a JSON error body, if any.
func reasonOf(body []byte) string {
	i := bytes.Index(body, []byte(`"reason"`))
	if i < 0 {
		return ""
	}
	rest := bytes.TrimLeft(body[i+len(`"reason"`):], " \t\r\n:")
	if len(rest) == 0 || rest[0] != '"' {
		return ""
	}
	end := bytes.IndexByte(rest[1:], '"')
	if end < 0 {
		return ""
	}
	return string(rest[1 : 1+end])
}

// Recorder takes evidence (harness.T is one).
type Recorder interface {
	Evidence(kind, label, text string)
}

// Record writes the exchange to r as request, response and TLS evidence.
func (x *Exchange) Record(r Recorder, label string) {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s\n", x.Method, x.URL)
	writeHeader(&b, x.RequestHeader)
	if len(x.RequestBody) > 0 {
		b.WriteString("\n")
		b.WriteString(printable(x.RequestBody, 1024))
	}
	r.Evidence("request", label, b.String())
	if !x.Answered() {
		r.Evidence("response", label, fmt.Sprintf("no answer after %s: %v", x.Elapsed.Round(time.Millisecond), x.Err))
		return
	}
	b.Reset()
	fmt.Fprintf(&b, "%s %d %s (after %s)\n", x.Proto, x.Status, http.StatusText(x.Status), x.Elapsed.Round(time.Millisecond))
	writeHeader(&b, x.Header)
	if len(x.Body) > 0 {
		b.WriteString("\n")
		b.WriteString(printable(x.Body, 1024))
	}
	if x.Verified {
		if x.ResponseSignature == nil {
			b.WriteString("\n[response signature verified]")
		} else {
			fmt.Fprintf(&b, "\n[response signature: %v]", x.ResponseSignature)
		}
	}
	r.Evidence("response", label, b.String())
	if x.TLS != nil {
		r.Evidence("tls", label, DescribeTLS(x.TLS))
	}
}

func writeHeader(b *strings.Builder, h http.Header) {
	keys := make([]string, 0, len(h))
	for k := range h {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		for _, v := range h[k] {
			if len(v) > 200 {
				v = v[:200] + "…"
			}
			fmt.Fprintf(b, "%s: %s\n", k, v)
		}
	}
}

// printable shows up to max bytes of b: as text when it is UTF-8, quoted otherwise.
func printable(b []byte, max int) string {
	more := ""
	if len(b) > max {
		more = fmt.Sprintf("… (%d more bytes)", len(b)-max)
		b = b[:max]
	}
	if utf8.Valid(b) {
		return string(b) + more
	}
	return fmt.Sprintf("%q", b) + more
}

// DescribeTLS words a handshake: version, suite, ALPN, and the peer's certificate names.
func DescribeTLS(st *tls.ConnectionState) string {
	var b strings.Builder
	fmt.Fprintf(&b, "version %s, suite %s, ALPN %q", tls.VersionName(st.Version), tls.CipherSuiteName(st.CipherSuite), st.NegotiatedProtocol)
	if len(st.PeerCertificates) > 0 {
		c := st.PeerCertificates[0]
		fmt.Fprintf(&b, "\npeer certificate: subject %q, DNS-IDs %v, IP-IDs %v, valid %s to %s, issuer %q",
			c.Subject.String(), c.DNSNames, c.IPAddresses, c.NotBefore.UTC().Format(time.RFC3339), c.NotAfter.UTC().Format(time.RFC3339), c.Issuer.String())
	}
	return b.String()
}

// Refusal says how the peer refused the request, when it did: "tls" when the handshake
// failed or the peer sent a TLS alert or hung up instead of answering (nothing reached
// the application), "http" for a 4xx or 5xx answer. It returns "" for a 1xx-3xx answer
// and for failures that are not the peer's doing (a timeout is "timeout").
func (x *Exchange) Refusal() string {
	if x.Answered() {
		if x.Status >= 400 {
			return "http"
		}
		return ""
	}
	if x.Err == nil {
		return ""
	}
	var he *HandshakeError
	var ne net.Error
	msg := x.Err.Error()
	switch {
	case errors.Is(x.Err, context.DeadlineExceeded) || (errors.As(x.Err, &ne) && ne.Timeout()) ||
		strings.Contains(msg, "Client.Timeout") || strings.Contains(msg, "timeout"):
		// First: a handshake that timed out is a HandshakeError too, and no refusal.
		return "timeout"
	case errors.As(x.Err, &he):
		return "tls"
	case strings.Contains(msg, "remote error: tls:"):
		return "tls"
	case strings.Contains(msg, "client conn could not be established"):
		// HTTP/2 could not start on a connection whose TLS handshake the client finished: the
		// server hung up or refused the client's certificate after its Finished message.
		return "tls"
	case errors.Is(x.Err, io.EOF) || errors.Is(x.Err, io.ErrUnexpectedEOF) || strings.Contains(msg, "EOF") ||
		strings.Contains(msg, "connection reset") || strings.Contains(msg, "broken pipe"):
		return "tls"
	}
	return "other"
}

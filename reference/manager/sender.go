package manager

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"io"
	"net/http"
	"time"

	"golang.org/x/net/http2"

	"github.com/idmefcheck/idmefcheck/reference/httpsig"
	"github.com/idmefcheck/idmefcheck/reference/transport"
)

// Sender is a minimal push client of the reference profile: it POSTs one message per request
// over mutual TLS (HTTP/2 when the server offers it), signs each attempt when it has a signer,
// and verifies the manager's signed answer when it knows the manager's key. It has no spool and
// does not retry: it serves the demo, the tests and the benchmarks until the reference analyzer
// exists. It is safe for concurrent use.
type Sender struct {
	URL    string
	Client *http.Client
	// Signer, when not nil, signs every request.
	Signer *httpsig.Signer
	// Manager, when not nil, verifies every response's signature with the manager's key.
	Manager *httpsig.Verifier
}

// SenderOptions configure NewSender.
type SenderOptions struct {
	// HTTP1 forces HTTP/1.1 (no h2 in ALPN).
	HTTP1 bool
	// ServerName overrides the name the manager's certificate must carry (default: the URL's
	// host).
	ServerName string
	// Timeout bounds each request (default 30 s).
	Timeout time.Duration
}

// NewSender returns a Sender to url presenting cert, trusting roots for the manager's chain.
func NewSender(url string, cert tls.Certificate, roots *x509.CertPool, o SenderOptions) (*Sender, error) {
	req, err := http.NewRequest(http.MethodPost, url, nil)
	if err != nil || req.URL.Scheme != "https" {
		return nil, fmt.Errorf("manager: sender: %q is not an https URL", url)
	}
	name := o.ServerName
	if name == "" {
		name = req.URL.Hostname()
	}
	cfg := transport.ClientConfig(cert, transport.Policy{Roots: roots}, name)
	if o.Timeout == 0 {
		o.Timeout = 30 * time.Second
	}
	var rt http.RoundTripper
	if o.HTTP1 {
		cfg.NextProtos = []string{"http/1.1"}
		rt = &http.Transport{TLSClientConfig: cfg, MaxIdleConnsPerHost: 64, ForceAttemptHTTP2: false}
	} else {
		rt = &http2.Transport{TLSClientConfig: cfg, StrictMaxConcurrentStreams: true}
	}
	return &Sender{URL: url, Client: &http.Client{Transport: rt, Timeout: o.Timeout}}, nil
}

// Answer is the manager's answer to one message.
type Answer struct {
	Status  int
	Proto   string
	Header  http.Header
	Body    []byte
	Problem *Problem // decoded from an error answer's body
	// Receipt is the verified response signature, when the Sender verifies.
	Receipt *httpsig.Evidence
}

// Send posts one message and returns the answer. An error means no answer (or an answer whose
// signature failed to verify); a refusal is an Answer with its status.
func (s *Sender) Send(ctx context.Context, msg []byte) (*Answer, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.URL, bytes.NewReader(msg))
	if err != nil {
		return nil, fmt.Errorf("manager: sender: %w", err)
	}
	req.Header.Set("Content-Type", MediaType)
	req.Header.Set("Accept", MediaType)
	if s.Signer != nil {
		if err := s.Signer.SignRequest(req, msg); err != nil {
			return nil, err
		}
	}
	res, err := s.Client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("manager: sender: %w", err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(io.LimitReader(res.Body, 16<<20))
	if err != nil {
		return nil, fmt.Errorf("manager: sender: reading the %d answer: %w", res.StatusCode, err)
	}
	a := &Answer{Status: res.StatusCode, Proto: res.Proto, Header: res.Header, Body: body}
	if res.StatusCode >= 300 && len(body) > 0 {
		if p, err := DecodeProblem(bytes.NewReader(body)); err == nil {
			a.Problem = &p
		}
	}
	if s.Manager != nil {
		res.Body = io.NopCloser(bytes.NewReader(body))
		ev, err := s.Manager.VerifyResponse(res, body, req)
		if err != nil {
			return a, fmt.Errorf("manager: sender: the %d answer's signature: %w", res.StatusCode, err)
		}
		a.Receipt = ev
	}
	return a, nil
}

// Close releases idle connections.
func (s *Sender) Close() { s.Client.CloseIdleConnections() }

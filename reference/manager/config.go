package manager

import (
	"crypto/ed25519"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/idmefcheck/idmefcheck/reference/httpsig"
	"github.com/idmefcheck/idmefcheck/reference/store"
	"github.com/idmefcheck/idmefcheck/reference/transport"
	"github.com/idmefcheck/idmefcheck/reference/validator"
)

// Config is everything a Server needs. Fields must not change after New.
type Config struct {
	// Certificate is the manager's TLS identity (server on every listener, client in pull
	// mode).
	Certificate tls.Certificate
	// ClientCAs are the authorities that vouch for analyzers and operators.
	ClientCAs *x509.CertPool
	// Allow restricts the analyzers that may connect to the ingest listeners (transport draft
	// 4.5.4). Nil accepts every analyzer ClientCAs vouch for. Pull analyzers are always
	// accepted for their own connection.
	Allow *transport.AllowList
	// Operators restricts who may use the operator API. It must not be nil when the API
	// listens: the API names its operators explicitly.
	Operators *transport.AllowList

	// Validator judges messages. Required.
	Validator *validator.Validator
	// Store keeps alerts. Required; the Server never closes it.
	Store store.Store

	// Signer signs every response of the ingest listeners and every pull request. Nil sends
	// them unsigned, which the reference profile does not allow: only tests do that.
	Signer *httpsig.Signer
	// Analyzers configures known analyzers: their signing keys, whether they must sign, and
	// where to pull from.
	Analyzers []Analyzer
	// RequireSignatures requires a valid profile signature on every alert, from every
	// analyzer. Off by default, so that a plain transport-draft analyzer interoperates.
	RequireSignatures bool
	// SignatureWindow is how old a signature's created time may be (default 300 s).
	SignatureWindow time.Duration

	Limits Limits

	// ObserveFile, when not empty, is a file to which one NDJSON line per committed alert is
	// appended (docs/manager.md, "Observation file").
	ObserveFile string

	// Logger receives the structured log, operator audit included. Nil discards it.
	Logger *slog.Logger

	// KeyLog, when not nil, receives the TLS secrets of every connection (ingest, operator
	// API, pull) in the NSS key log format, so that a capture can be decrypted. Whoever
	// holds them can read every alert exchanged: for debugging only (--keylog), never on by
	// default. It must be safe for concurrent writes.
	KeyLog io.Writer

	// Faults are deliberate misbehaviours for known-bad test variants. They can be set only
	// from Go code: no flag or configuration file reaches them.
	Faults Faults
}

// Analyzer is one analyzer the manager knows.
type Analyzer struct {
	// Identity is the analyzer's transport.Identity.
	Identity transport.Identity
	// KeyID and PublicKey, when set, are the analyzer's signing key; its signatures are
	// verified whenever present, and only this analyzer may use that keyid.
	KeyID     string
	PublicKey ed25519.PublicKey
	// RequireSignature refuses this analyzer's unsigned alerts.
	RequireSignature bool
	// Pull, when not empty, is the analyzer's pull URL (https://host:port/v1/pull): the
	// manager dials it and fetches alerts (docs/profile.md, "Pull mode").
	Pull string
}

// Limits bound what peers can cost. Zero fields take the defaults below.
type Limits struct {
	MaxBody        int64         // largest message accepted, bytes (1 MiB); larger gets 413
	HeaderTimeout  time.Duration // TLS handshake and request headers (5 s)
	BodyTimeout    time.Duration // reading a request's body (10 s)
	WriteTimeout   time.Duration // from request headers to the end of the response (30 s)
	IdleTimeout    time.Duration // an idle persistent connection (120 s)
	MaxConns       int           // open connections per listener (1024)
	MaxStreams     int           // concurrent HTTP/2 streams per connection (250)
	Rate           float64       // alerts per second per peer, sustained (2000)
	Burst          int           // alerts per peer in a burst (4000)
	NonceCacheSize int           // live signature nonces remembered (1,048,576)
	PullWait       time.Duration // how long a pull request asks the analyzer to wait (30 s)
}

// DefaultLimits returns the limits a zero Limits means.
func DefaultLimits() Limits {
	return Limits{MaxBody: 1 << 20, HeaderTimeout: 5 * time.Second, BodyTimeout: 10 * time.Second,
		WriteTimeout: 30 * time.Second, IdleTimeout: 120 * time.Second, MaxConns: 1024, MaxStreams: 250,
		Rate: 2000, Burst: 4000, NonceCacheSize: 1 << 20, PullWait: 30 * time.Second}
}

func (l Limits) withDefaults() Limits {
	d := DefaultLimits()
	if l.MaxBody > 0 {
		d.MaxBody = l.MaxBody
	}
	if l.HeaderTimeout > 0 {
		d.HeaderTimeout = l.HeaderTimeout
	}
	if l.BodyTimeout > 0 {
		d.BodyTimeout = l.BodyTimeout
	}
	if l.WriteTimeout > 0 {
		d.WriteTimeout = l.WriteTimeout
	}
	if l.IdleTimeout > 0 {
		d.IdleTimeout = l.IdleTimeout
	}
	if l.MaxConns > 0 {
		d.MaxConns = l.MaxConns
	}
	if l.MaxStreams > 0 {
		d.MaxStreams = l.MaxStreams
	}
	if l.Rate > 0 {
		d.Rate = l.Rate
	}
	if l.Burst > 0 {
		d.Burst = l.Burst
	}
	if l.NonceCacheSize > 0 {
		d.NonceCacheSize = l.NonceCacheSize
	}
	if l.PullWait > 0 {
		d.PullWait = l.PullWait
	}
	return d
}

// Faults are the reference manager's known-bad variants, one rule broken per switch, so that
// each conformance check can be shown to fail against an implementation that breaks its rule.
// The zero value breaks nothing. docs/manager.md lists them; they are for tests only.
type Faults struct {
	// AcceptWithoutCommit answers 204 without storing (breaks "2xx only after safe storage",
	// IDMEF2T-4.3-21).
	AcceptWithoutCommit bool
	// ServerErrorOnInvalid answers 500 instead of 400 to an invalid message (IDMEF2T-4.3-20).
	ServerErrorOnInvalid bool
	// SkipValidation stores messages without validating them (IDMEF2T-4.3-20).
	SkipValidation bool
	// SkipDedup stores every repeat as a new record (R4766-6.8, profile duplication).
	SkipDedup bool
	// AcceptTLS12 also offers TLS 1.2 (IDMEF2T-4.5.1-2).
	AcceptTLS12 bool
	// SkipClientCertCheck takes any client certificate without verifying it or applying the
	// allow-list and the CN-only and wildcard rules (IDMEF2T-4.5.3-1, 4.5.4-3, 4.5.4-7).
	SkipClientCertCheck bool
	// No405 answers 404 instead of 405 with Allow to methods other than POST (IDMEF2T-4.3-10).
	No405 bool
	// SkipSignatureCheck accepts signed alerts without verifying their signatures (profile
	// integrity and replay).
	SkipSignatureCheck bool
	// FilterIgnoresOffset reads the operator API's from and to filters as UTC wall-clock
	// times, ignoring the offsets they are written with (R4766-5.2).
	FilterIgnoresOffset bool
	// IgnorePriorityFilter accepts the operator API's priority filter without applying it
	// (R4766-5.2).
	IgnorePriorityFilter bool
	// StatsIgnoreFilter counts every stored alert in /v1/stats, whatever the filters
	// (R4766-5.2).
	StatsIgnoreFilter bool
	// EvidenceWithoutSignature serves an alert's evidence without the request signature it
	// was accepted with, as a manager that never kept it (R4766-6.6).
	EvidenceWithoutSignature bool
	// VerboseErrors adds a debugging dump to every 4xx and 5xx of the ingest listeners (the
	// request's headers and the stack traces of every goroutine), so that a small bad
	// request draws a large answer (SECOPS-6-3).
	VerboseErrors bool
	// TerseErrors answers ingest errors with the status and reason only: no sentence and no
	// findings, so that the refusal of an unknown Version does not say which versions are
	// supported (SECOPS-6-7).
	TerseErrors bool
	// OpenOperatorAPI lets any peer the client CAs vouch for, analyzers included, use the
	// operator API, instead of the operators' allow-list (SECOPS-8-1, SECOPS-8-2).
	OpenOperatorAPI bool
	// AuditOnlySuccess writes the operator audit record only for requests answered 2xx or
	// 3xx: refused operator requests leave no trace (SECOPS-8-3).
	AuditOnlySuccess bool
}

func (c *Config) check() error {
	var errs []error
	if len(c.Certificate.Certificate) == 0 {
		errs = append(errs, errors.New("no TLS certificate"))
	}
	if c.ClientCAs == nil {
		errs = append(errs, errors.New("no client CA"))
	}
	if c.Validator == nil {
		errs = append(errs, errors.New("no validator"))
	}
	if c.Store == nil {
		errs = append(errs, errors.New("no store"))
	}
	seen := map[string]bool{}
	for _, a := range c.Analyzers {
		if _, err := transport.ParseIdentity(string(a.Identity)); err != nil {
			errs = append(errs, fmt.Errorf("analyzer %q: %w", a.Identity, err))
		}
		if a.KeyID != "" {
			if seen[a.KeyID] {
				errs = append(errs, fmt.Errorf("analyzer %s: keyid %q is used twice", a.Identity, a.KeyID))
			}
			seen[a.KeyID] = true
			if len(a.PublicKey) != ed25519.PublicKeySize {
				errs = append(errs, fmt.Errorf("analyzer %s: keyid %q has no Ed25519 public key", a.Identity, a.KeyID))
			}
		}
		if a.RequireSignature && a.KeyID == "" {
			errs = append(errs, fmt.Errorf("analyzer %s: signatures required but no key configured", a.Identity))
		}
	}
	if len(errs) > 0 {
		return fmt.Errorf("manager: configuration: %w", errors.Join(errs...))
	}
	return nil
}

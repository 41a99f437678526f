package analyzer

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"time"

	"github.com/idmefcheck/idmefcheck/reference/analyzer/alert"
	"github.com/idmefcheck/idmefcheck/reference/httpsig"
	"github.com/idmefcheck/idmefcheck/reference/spool"
	"github.com/idmefcheck/idmefcheck/reference/transport"
	"github.com/idmefcheck/idmefcheck/reference/validator"
	"github.com/idmefcheck/idmefcheck/schema"
)

// Config is everything an Analyzer needs. Fields must not change after New.
type Config struct {
	// Certificate is the analyzer's TLS identity: its client certificate when it pushes, its
	// server certificate when a manager pulls. Required.
	Certificate tls.Certificate
	// Roots are the authorities that vouch for managers. Required.
	Roots *x509.CertPool
	// Managers, when not nil, restricts the managers the analyzer talks to (transport draft
	// 4.5.4): a pushed-to manager's certificate, and every pulling manager's. Pull requires
	// it.
	Managers *transport.AllowList

	// Push, when not nil, delivers alerts to a manager.
	Push *Push
	// Pull, when not nil, lets managers fetch alerts; Run serves it on the listeners it is
	// given.
	Pull *Pull

	// Signer signs every push request and every pull response (RFC 9421, docs/profile.md
	// section 5). Nil sends them unsigned, as a plain transport-draft analyzer does.
	Signer *httpsig.Signer
	// Manager is the manager's signing key. When set, a pushed alert counts as delivered
	// only with a 2xx whose signature verifies with it and is bound to the request's
	// signature (the receipt); a missing or bad receipt counts as no answer. Signed pull
	// requests are verified with it. Nil verifies nothing.
	Manager *httpsig.Key

	// Schemas and Validator judge every alert before it is spooled; the Validator must use
	// the strict profile. Required.
	Schemas   *schema.Set
	Validator *validator.Validator
	// Spool keeps alerts until they are delivered. Required; the caller closes it after the
	// Analyzer has stopped.
	Spool *spool.Spool

	// Version is the IDMEFv2 revision of the alerts the analyzer builds (default 2.D.V08).
	// Messages read from an idmef input are sent in whatever revision they are.
	Version string
	// Self describes the analyzer in every alert it builds. An empty Self.ID is replaced by
	// a version 7 UUID chosen once and kept in the spool.
	Self alert.Self
	// MaxMessage is the largest message sent, in bytes (default 1 MiB, the reference
	// manager's limit); larger ones are dead letters.
	MaxMessage int

	// DeadLetter is the file (NDJSON, appended) that receives what cannot be sent: alerts
	// that fail the strict profile, input lines that make no alert, and alerts a manager
	// refused with a 4xx, each with the reason. Empty logs them only.
	DeadLetter string
	// Receipts, when not empty, is a file (NDJSON, appended) that keeps the manager's
	// verified receipt of every delivered alert.
	Receipts string

	// Retry bounds the backoff between attempts.
	Retry Retry

	// Logger receives the structured log. Nil discards it.
	Logger *slog.Logger

	// KeyLog, when not nil, receives the TLS secrets of every connection (push and pull) in
	// the NSS key log format, so that a capture can be decrypted. Whoever holds them can
	// read every alert sent: for debugging only (--keylog), never on by default. It must be
	// safe for concurrent writes.
	KeyLog io.Writer

	// Faults are deliberate misbehaviours for known-bad test variants. They can be set only
	// from Go code: no flag or configuration file reaches them.
	Faults Faults
}

// Push configures delivery to a manager (docs/profile.md section 4).
type Push struct {
	// URL is the manager's ingest URL, https://host:port/. Required.
	URL string
	// ServerName is the name the manager's certificate must carry as a DNS-ID or IP-ID
	// (default: the URL's host).
	ServerName string
	// Concurrency is how many alerts may be in flight at once, each in its own request
	// (default 64: HTTP/2 streams on one connection). With 1, alerts arrive in spool order.
	Concurrency int
	// HTTP1 uses HTTP/1.1 only; by default HTTP/2 is offered by ALPN.
	HTTP1 bool
	// Timeout bounds one attempt, from dialling to the end of the answer (default 30 s).
	Timeout time.Duration
}

// Pull configures the pull listener (docs/profile.md section 9).
type Pull struct {
	// Path is where alerts are served (default /v1/pull).
	Path string
	// RequireSignature refuses pull requests that Manager's key did not sign.
	RequireSignature bool
	// MaxWait caps how long a request with nothing to send is held (default 60 s); the
	// request's own wait is honoured below it.
	MaxWait time.Duration
}

// Retry bounds exponential backoff: the delay starts at Min, doubles with each consecutive
// failure up to Max, and is drawn at random from its upper half (jitter). Zero fields take
// the profile's recommendation: 1 s to 5 min.
type Retry struct {
	Min, Max time.Duration
}

// Faults are the reference analyzer's known-bad variants, one rule broken per switch, so
// that each analyzer-role check can be shown to fail against an analyzer that breaks its
// rule. The zero value breaks nothing. docs/analyzer.md lists them; they are for tests only.
type Faults struct {
	// NewIDOnRetry gives a message a new ID each time it is sent again (R4766-6.8, profile
	// section 4: the same bytes on every retry).
	NewIDOnRetry bool
	// RetryOn400 retries after a 4xx other than 408 and 429 instead of giving up (profile
	// section 4).
	RetryOn400 bool
	// IgnoreRetryAfter retries on its own backoff whatever Retry-After says (profile
	// sections 4 and 7).
	IgnoreRetryAfter bool
	// SkipServerIdentityCheck accepts any server certificate: no chain, no name, no wildcard
	// or CN-only refusal (IDMEF2T-4.5.3-1, 4.5.4-1, 4.5.4-3).
	SkipServerIdentityCheck bool
	// AcceptTLS12 also offers and accepts TLS 1.2 (IDMEF2T-4.5.1-2).
	AcceptTLS12 bool
	// NoClientCert presents no client certificate (IDMEF2T-4.5.3-1).
	NoClientCert bool
	// Unsigned sends requests without signatures even with a Signer (R4766-6.3.1).
	Unsigned bool
	// IgnoreBadReceipt counts a 2xx as delivered whatever its signature (profile section
	// 5.4).
	IgnoreBadReceipt bool
	// DropOffsetFromCreateTime writes CreateTime without its UTC offset (IDMEF2-3.3.2-1,
	// R4766-7.14). It implies SkipValidation, or the analyzer would dead-letter its own
	// alerts.
	DropOffsetFromCreateTime bool
	// Version4UUIDs identifies alerts with random (version 4) UUIDs (IDMEF2-3.3.10-2).
	Version4UUIDs bool
	// SeveralMessagesPerRequest sends up to four messages per request, as a JSON array
	// (IDMEF2T-4.3-5: each message in a request of its own).
	SeveralMessagesPerRequest bool
	// GETInsteadOfPOST sends with GET (IDMEF2T-4.3-7).
	GETInsteadOfPOST bool
	// NoContentType sends no Content-Type (IDMEF2T-4.3-13). Requests are then unsigned: the
	// profile's signature covers Content-Type.
	NoContentType bool
	// SkipValidation spools alerts without validating them.
	SkipValidation bool
}

// Defaults.
const (
	DefaultConcurrency = 64
	DefaultTimeout     = 30 * time.Second
	DefaultPullPath    = "/v1/pull"
	DefaultMaxWait     = 60 * time.Second
	DefaultMaxMessage  = 1 << 20
	DefaultRetryMin    = time.Second
	DefaultRetryMax    = 5 * time.Minute
)

func (c *Config) withDefaults() Config {
	d := *c
	if d.Push != nil {
		p := *d.Push
		if p.Concurrency <= 0 {
			p.Concurrency = DefaultConcurrency
		}
		if p.Timeout <= 0 {
			p.Timeout = DefaultTimeout
		}
		d.Push = &p
	}
	if d.Pull != nil {
		p := *d.Pull
		if p.Path == "" {
			p.Path = DefaultPullPath
		}
		if p.MaxWait <= 0 {
			p.MaxWait = DefaultMaxWait
		}
		d.Pull = &p
	}
	if d.MaxMessage <= 0 {
		d.MaxMessage = DefaultMaxMessage
	}
	if d.Retry.Min <= 0 {
		d.Retry.Min = DefaultRetryMin
	}
	if d.Retry.Max <= 0 {
		d.Retry.Max = DefaultRetryMax
	}
	if d.Retry.Max < d.Retry.Min {
		d.Retry.Max = d.Retry.Min
	}
	if d.Version == "" {
		d.Version = alert.DefaultVersion
	}
	if d.Logger == nil {
		d.Logger = slog.New(slog.DiscardHandler)
	}
	if d.Faults.DropOffsetFromCreateTime {
		d.Faults.SkipValidation = true
	}
	return d
}

func (c *Config) check() error {
	var errs []error
	if len(c.Certificate.Certificate) == 0 && !c.Faults.NoClientCert {
		errs = append(errs, errors.New("no TLS certificate"))
	}
	if c.Roots == nil {
		errs = append(errs, errors.New("no CA for managers"))
	}
	if c.Schemas == nil || c.Validator == nil {
		errs = append(errs, errors.New("no schemas or validator"))
	}
	if c.Spool == nil {
		errs = append(errs, errors.New("no spool"))
	}
	if c.Push != nil {
		if u, err := url.Parse(c.Push.URL); err != nil || u.Scheme != "https" || u.Host == "" {
			errs = append(errs, fmt.Errorf("push URL %q is not an https URL", c.Push.URL))
		}
	}
	if c.Pull != nil && c.Managers == nil {
		errs = append(errs, errors.New("pull mode needs an allow-list of managers"))
	}
	if c.Pull != nil && c.Pull.RequireSignature && c.Manager == nil {
		errs = append(errs, errors.New("pull signatures required but no manager key configured"))
	}
	if len(errs) > 0 {
		return fmt.Errorf("analyzer: configuration: %w", errors.Join(errs...))
	}
	return nil
}

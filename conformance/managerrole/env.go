// Package managerrole holds the manager-role conformance checks: the harness plays an
// analyzer (and an attacker on the path) and judges, requirement by requirement, whether a
// manager under test authenticates, protects, deduplicates, keeps and answers as the
// standards and the reference profile demand. Checks are grouped by category, one file each.
package managerrole

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"slices"
	"strings"
	"time"

	"github.com/idmefcheck/idmefcheck/conformance/alerts"
	"github.com/idmefcheck/idmefcheck/conformance/eventlog"
	"github.com/idmefcheck/idmefcheck/conformance/harness"
	"github.com/idmefcheck/idmefcheck/conformance/ics"
	"github.com/idmefcheck/idmefcheck/conformance/observe"
	"github.com/idmefcheck/idmefcheck/conformance/target"
	"github.com/idmefcheck/idmefcheck/reference/httpsig"
	"github.com/idmefcheck/idmefcheck/reference/pki"
	"github.com/idmefcheck/idmefcheck/reference/transport"
	"github.com/idmefcheck/idmefcheck/reference/validator"
)

// Kinds of deliberately bad client identity.
const (
	IdentityExpired  = "expired"
	IdentityWildcard = "wildcard"
	IdentityCNOnly   = "cn-only"
	IdentityUnlisted = "unlisted"
	IdentityOtherCA  = "other-ca"
)

// Env is everything a manager-role check may use.
type Env struct {
	Statement *ics.Statement
	// Targets are the manager's listeners, in statement order.
	Targets []*target.Target
	Alerts  *alerts.Factory
	// Versions are the versions the statement claims, oldest first; Version is the newest.
	Versions []string
	Version  string
	Observe  observe.Channel
	// API is the reference operator API (option query-api) when the statement names one in
	// observe.api, whatever the observation kind; nil otherwise (operator.go).
	API *observe.API
	// Settle is how long the manager may take to make an acknowledged alert observable.
	Settle time.Duration
	// AckWithin bounds how soon a legitimate alert must be acknowledged under attack.
	AckWithin time.Duration
	// Restart restarts the manager and returns once it answers again; nil when the statement
	// names no restart command.
	Restart func(ctx context.Context) error
	// ManagerKey verifies the manager's signed answers; nil when unknown.
	ManagerKey *httpsig.Verifier
	// Signer is the harness's signing key (option signatures); nil otherwise.
	Signer *httpsig.Signer

	identities map[string]*tls.Certificate
	missing    map[string]string
	events     *eventlog.Log // Trace
	Log        *slog.Logger
}

// NewEnv builds the environment a statement describes: it loads the credentials, prepares
// the bad identities and opens the observation channel. v judges the harness's own messages.
func NewEnv(ctx context.Context, st *ics.Statement, v *validator.Validator, log *slog.Logger) (*Env, error) {
	if st.Role != harness.RoleManager {
		return nil, fmt.Errorf("the statement's role is %s, not manager", st.Role)
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	roots, err := loadRoots(st.Connect.CA)
	if err != nil {
		return nil, err
	}
	cert, err := tls.LoadX509KeyPair(st.Connect.Cert, st.Connect.Key)
	if err != nil {
		return nil, fmt.Errorf("connect.cert/connect.key (%s, %s): %w", st.Connect.Cert, st.Connect.Key, err)
	}
	e := &Env{Statement: st, Log: log, identities: map[string]*tls.Certificate{}, missing: map[string]string{},
		Settle: st.Observe.Settle.Or(2 * time.Second), AckWithin: st.Limits.AckWithin.Or(10 * time.Second)}
	e.Versions = slices.Clone(st.Versions)
	slices.Sort(e.Versions)
	e.Version = e.Versions[len(e.Versions)-1]
	name := "idmefcheck-harness"
	if leaf, err := x509.ParseCertificate(cert.Certificate[0]); err == nil {
		if id, err := transport.IdentityOf(leaf); err == nil {
			name = strings.TrimPrefix(strings.TrimPrefix(string(id), "dns:"), "ip:")
		}
	}
	e.Alerts = &alerts.Factory{Analyzer: name, Validator: v}

	if st.Signing != nil {
		k, err := pki.LoadSigningKey(st.Signing.Key, st.Signing.KeyID)
		if err != nil {
			return nil, fmt.Errorf("signing.key: %w", err)
		}
		e.Signer = &httpsig.Signer{KeyID: k.KeyID, Private: k.Private}
		if st.Signing.PeerKey != "" {
			pub, err := pki.LoadPublicKey(st.Signing.PeerKey)
			if err != nil {
				return nil, fmt.Errorf("signing.peer_key: %w", err)
			}
			e.ManagerKey = &httpsig.Verifier{Keys: map[string]httpsig.Key{st.Signing.PeerKeyID: {KeyID: st.Signing.PeerKeyID, Public: pub}}}
		}
	}
	for _, raw := range st.Connect.Targets {
		t, err := target.New(raw, st.Connect.ServerName, roots, cert)
		if err != nil {
			return nil, fmt.Errorf("connect.targets: %w", err)
		}
		t.Signer = e.Signer
		e.Targets = append(e.Targets, t)
	}
	if err := e.loadIdentities(st); err != nil {
		return nil, err
	}
	if e.Observe, err = openChannel(st, roots); err != nil {
		return nil, err
	}
	if e.API, err = openAPI(st, roots); err != nil {
		return nil, err
	}
	if st.Restart != nil {
		argv, within := st.Restart.Command, st.Restart.ReadyWithin.Or(30*time.Second)
		e.Restart = func(ctx context.Context) error {
			cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
			if out, err := cmd.CombinedOutput(); err != nil {
				return fmt.Errorf("restart command %q: %w: %s", argv[0], err, strings.TrimSpace(string(out)))
			}
			return e.WaitReady(ctx, within)
		}
	}
	return e, nil
}

func loadRoots(path string) (*x509.CertPool, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("connect.ca: %w", err)
	}
	roots, err := transport.LoadRoots(data, path)
	if err != nil {
		return nil, fmt.Errorf("connect.ca: %w", err)
	}
	return roots, nil
}

func openChannel(st *ics.Statement, roots *x509.CertPool) (observe.Channel, error) {
	o := st.Observe
	switch o.Kind {
	case "", ics.ObserveNone:
		return observe.None{}, nil
	case ics.ObserveFile:
		return observe.OpenFile(o.File)
	case ics.ObserveCommand:
		return &observe.Command{Argv: o.Command}, nil
	case ics.ObserveAPI:
		return openAPI(st, roots)
	}
	return nil, fmt.Errorf("observe.kind %q: want none, file, command or api", o.Kind)
}

// loadIdentities reads the bad identities the statement gives and issues the others from
// its issuer. A kind that cannot be had is remembered with the reason, for inconclusive
// verdicts.
func (e *Env) loadIdentities(st *ics.Statement) error {
	given := map[string]*ics.Credential{
		IdentityExpired: st.Identities.Expired, IdentityWildcard: st.Identities.Wildcard,
		IdentityCNOnly: st.Identities.CNOnly, IdentityUnlisted: st.Identities.Unlisted,
	}
	for kind, c := range given {
		if c == nil {
			continue
		}
		cert, err := tls.LoadX509KeyPair(c.Cert, c.Key)
		if err != nil {
			return fmt.Errorf("identities.%s: %w", strings.ReplaceAll(kind, "-", "_"), err)
		}
		e.identities[kind] = &cert
	}
	var ca *pki.Authority
	if st.Identities.Issuer != nil {
		var err error
		if ca, err = pki.LoadAuthorityFiles(st.Identities.Issuer.Cert, st.Identities.Issuer.Key); err != nil {
			return fmt.Errorf("identities.issuer: %w", err)
		}
	}
	now := time.Now()
	issue := func(kind string, k pki.Kind, a *pki.Authority) {
		if _, ok := e.identities[kind]; ok {
			return
		}
		if a == nil {
			e.missing[kind] = fmt.Sprintf("the statement gives no %s identity and no issuer to make one (identities.issuer)", kind)
			return
		}
		cred, err := a.Issue(pki.LeafRequest{Name: "idmefcheck-" + kind, Kind: k, Now: now})
		if err != nil {
			e.missing[kind] = fmt.Sprintf("issuing the %s identity: %v", kind, err)
			return
		}
		c := cred.TLS()
		e.identities[kind] = &c
	}
	issue(IdentityExpired, pki.Expired, ca)
	issue(IdentityWildcard, pki.Wildcard, ca)
	issue(IdentityCNOnly, pki.CNOnly, ca)
	if _, ok := e.identities[IdentityUnlisted]; !ok {
		e.missing[IdentityUnlisted] = "the statement names no identities.unlisted: a valid identity left off the allow-list"
	}
	// Another CA is always at hand: a fresh one nobody trusts.
	other, err := pki.NewAuthority("idmefcheck untrusted CA", now)
	if err != nil {
		return err
	}
	issue(IdentityOtherCA, pki.Good, other)
	return nil
}

// Identity returns a bad identity of a kind, or why there is none.
func (e *Env) Identity(kind string) (*tls.Certificate, string) {
	if c, ok := e.identities[kind]; ok {
		return c, ""
	}
	return nil, e.missing[kind]
}

// Target is the first listener: the one checks use unless they test listeners themselves.
func (e *Env) Target() *target.Target { return e.Targets[0] }

// Signs reports whether the harness signs its ordinary alerts: whenever the statement claims
// signatures, so that a manager requiring them accepts the harness's traffic.
func (e *Env) Signs() bool { return e.Signer != nil && e.Statement.Claims("signatures") }

// Alert makes a message to spec in the newest claimed version unless spec names one.
func (e *Env) Alert(spec alerts.Spec) (*alerts.Message, error) {
	if spec.Version == "" {
		spec.Version = e.Version
	}
	return e.Alerts.Make(spec)
}

// Deliver sends one message the ordinary way (default identity, TLS 1.3, signed when the
// statement claims signatures, a fresh connection) and records the exchange as evidence.
func (e *Env) Deliver(ctx context.Context, t *harness.T, label string, body []byte) *target.Exchange {
	return e.Send(ctx, t, label, target.Dial{}, target.Request{Body: body, Sign: e.Signs()})
}

// Send sends r over a connection d describes and records the exchange as evidence.
func (e *Env) Send(ctx context.Context, t *harness.T, label string, d target.Dial, r target.Request) *target.Exchange {
	return e.SendTo(ctx, t, e.Target(), label, d, r)
}

// SendTo is Send to a given listener.
func (e *Env) SendTo(ctx context.Context, t *harness.T, tg *target.Target, label string, d target.Dial, r target.Request) *target.Exchange {
	tg2 := *tg
	tg2.Verifier = e.verifierFor(r)
	c := tg2.Client(d)
	defer c.Close()
	if r.Label == "" {
		r.Label = label
	}
	x := c.Do(ctx, r)
	if t != nil {
		x.Record(t, label)
	}
	return x
}

// verifierFor returns a response verifier when the manager's key is known and the request
// is signed (answers to unsigned requests are checked by the checks that care).
func (e *Env) verifierFor(r target.Request) *httpsig.Verifier {
	if e.ManagerKey == nil || !r.Sign {
		return nil
	}
	return e.ManagerKey
}

// Stored looks up the IDs once the manager has had time to store them (settle), and says
// how many records each has. Without a channel it returns observe.ErrNoChannel.
func (e *Env) Stored(ctx context.Context, ids ...string) (map[string][]observe.Observation, error) {
	return observe.Await(ctx, e.Observe, e.Settle, ids...)
}

// NotStored waits the settle time and then looks the IDs up: for checks that must conclude
// that nothing was stored.
func (e *Env) NotStored(ctx context.Context, ids ...string) (map[string][]observe.Observation, error) {
	return observe.Settled(ctx, e.Observe, e.Settle, ids...)
}

// WaitReady polls the first listener with a sanity alert until it is acknowledged or within
// has passed.
func (e *Env) WaitReady(ctx context.Context, within time.Duration) error {
	deadline := time.Now().Add(within)
	var last string
	for time.Now().Before(deadline) {
		detail, err := e.Probe(ctx)
		if err == nil {
			return nil
		}
		last = strings.TrimSpace(detail + " " + err.Error())
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(250 * time.Millisecond):
		}
	}
	return fmt.Errorf("the manager did not acknowledge an alert within %s of the restart: %s", within, last)
}

// Probe is the sanity probe: a valid alert is acknowledged.
func (e *Env) Probe(ctx context.Context) (string, error) {
	m, err := e.Alert(alerts.Spec{Description: "idmefcheck sanity probe"})
	if err != nil {
		return "", err
	}
	x := e.Deliver(ctx, nil, "sanity", m.Body)
	if !x.Success() {
		return fmt.Sprintf("alert %s to %s: %s", m.ID, e.Target().URL, x.Outcome()), errors.New("not acknowledged")
	}
	return fmt.Sprintf("alert %s acknowledged by %s with %d", m.ID, e.Target().URL, x.Status), nil
}

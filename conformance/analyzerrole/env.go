// Package analyzerrole holds the analyzer-role conformance checks: the harness plays the
// manager (conformance/managersim), makes the analyzer under test emit through its trigger
// (conformance/trigger), and judges everything it receives and everything the analyzer does
// when the manager refuses, fails, lies or goes away. Checks are grouped by category, one
// file each.
package analyzerrole

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/idmefcheck/idmefcheck/conformance/harness"
	"github.com/idmefcheck/idmefcheck/conformance/ics"
	"github.com/idmefcheck/idmefcheck/conformance/managersim"
	"github.com/idmefcheck/idmefcheck/conformance/trigger"
	"github.com/idmefcheck/idmefcheck/reference/analyzer/shim"
	"github.com/idmefcheck/idmefcheck/reference/httpsig"
	"github.com/idmefcheck/idmefcheck/reference/pki"
	"github.com/idmefcheck/idmefcheck/reference/transport"
	"github.com/idmefcheck/idmefcheck/reference/validator"
	"github.com/idmefcheck/idmefcheck/schema"
)

// Bad server identities the harness can present.
const (
	CertOtherCA   = "other-ca"
	CertWrongName = "wrong-name"
	CertExpired   = "expired"
	CertWildcard  = "wildcard"
	CertCNOnly    = "cn-only"
)

// Env is everything an analyzer-role check may use.
type Env struct {
	Statement *ics.Statement
	Sim       *managersim.Server
	Trigger   trigger.Trigger
	// Validator judges received messages under the strict profile.
	Validator *validator.Validator
	// DeliverWithin bounds how long the analyzer may take to deliver what it produced while
	// the harness accepts (default 20 s).
	DeliverWithin time.Duration
	// Quiet is how long a check watches for something that must not happen (a retry after a
	// 400, a request to a bad certificate) before concluding it did not (default 5 s).
	Quiet time.Duration
	// Restart restarts the analyzer; nil without a restart command.
	Restart func(ctx context.Context) error
	// AnalyzerKey is the analyzer's signing key; nil when unknown.
	AnalyzerKey *httpsig.Key
	// Pull fetches from the analyzer (connect.pull_url); nil without one.
	Pull *Puller

	badCerts map[string]string // kind → why it is missing
	closers  []func() error
	Log      *slog.Logger
}

// Options build an Env without a statement's files (the lab).
type Options struct {
	Statement *ics.Statement
	Schemas   *schema.Set
	Validator *validator.Validator
	// Listeners replace the statement's connect.listen.
	Listeners []net.Listener
	// Trigger replaces the statement's trigger.
	Trigger trigger.Trigger
	Log     *slog.Logger
}

// NewEnv starts the manager simulator on the statement's listen addresses with its identity,
// prepares the bad server identities and starts the trigger.
func NewEnv(ctx context.Context, o Options) (*Env, error) {
	st := o.Statement
	if st.Role != harness.RoleAnalyzer {
		return nil, fmt.Errorf("the statement's role is %s, not analyzer", st.Role)
	}
	log := o.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	e := &Env{Statement: st, Validator: o.Validator, Log: log, badCerts: map[string]string{},
		DeliverWithin: 20 * time.Second, Quiet: 5 * time.Second}
	if st.Trigger != nil && st.Trigger.Wait != 0 {
		e.DeliverWithin = time.Duration(st.Trigger.Wait)
	}
	cert, err := tls.LoadX509KeyPair(st.Connect.Cert, st.Connect.Key)
	if err != nil {
		return nil, fmt.Errorf("connect.cert/connect.key: %w", err)
	}
	caPEM, err := os.ReadFile(st.Connect.CA)
	if err != nil {
		return nil, fmt.Errorf("connect.ca: %w", err)
	}
	roots, err := transport.LoadRoots(caPEM, st.Connect.CA)
	if err != nil {
		return nil, fmt.Errorf("connect.ca: %w", err)
	}
	cfg := managersim.Config{Certificate: cert, ClientCAs: roots, Log: log, Certificates: map[string]tls.Certificate{}}
	if err := e.badIdentities(st, cert, cfg.Certificates); err != nil {
		return nil, err
	}
	if st.Signing != nil {
		k, err := pki.LoadSigningKey(st.Signing.Key, st.Signing.KeyID)
		if err != nil {
			return nil, fmt.Errorf("signing.key: %w", err)
		}
		cfg.Signer = &httpsig.Signer{KeyID: k.KeyID, Private: k.Private}
		if st.Signing.PeerKey != "" {
			pub, err := pki.LoadPublicKey(st.Signing.PeerKey)
			if err != nil {
				return nil, fmt.Errorf("signing.peer_key: %w", err)
			}
			cfg.AnalyzerKey = &httpsig.Key{KeyID: st.Signing.PeerKeyID, Public: pub}
			e.AnalyzerKey = cfg.AnalyzerKey
		}
	}
	if st.Connect.PullURL != "" {
		if e.Pull, err = newPuller(st.Connect.PullURL, cert, roots, cfg.Signer, cfg.AnalyzerKey); err != nil {
			return nil, err
		}
	}
	lns := o.Listeners
	if lns == nil {
		for _, a := range st.Connect.Listen {
			ln, err := net.Listen("tcp", a)
			if err != nil {
				for _, l := range lns {
					l.Close()
				}
				return nil, fmt.Errorf("connect.listen %s: %w", a, err)
			}
			lns = append(lns, ln)
		}
	}
	if len(lns) == 0 {
		return nil, errors.New("connect.listen: the harness needs at least one address to listen on")
	}
	if e.Sim, err = managersim.Start(cfg, lns); err != nil {
		return nil, err
	}
	e.closers = append(e.closers, e.Sim.Close)
	e.Trigger = o.Trigger
	if e.Trigger == nil {
		if e.Trigger, err = startTrigger(ctx, st, o.Schemas); err != nil {
			e.Close()
			return nil, err
		}
	}
	e.closers = append(e.closers, e.Trigger.Close)
	return e, nil
}

func startTrigger(ctx context.Context, st *ics.Statement, set *schema.Set) (trigger.Trigger, error) {
	if st.Trigger == nil {
		return trigger.None{}, nil
	}
	switch st.Trigger.Kind {
	case "none":
		return trigger.None{}, nil
	case "command":
		return &trigger.Command{Argv: st.Trigger.Command}, nil
	case "shim":
		v, err := shim.NewValidator(set)
		if err != nil {
			return nil, err
		}
		return trigger.StartShim(ctx, st.Trigger.Command, v)
	}
	return nil, fmt.Errorf("trigger.kind %q: want none, command or shim", st.Trigger.Kind)
}

// badIdentities makes the bad server certificates: each carries the good certificate's names
// (so that only what makes it bad differs), except wrong-name, which carries none of them.
func (e *Env) badIdentities(st *ics.Statement, good tls.Certificate, out map[string]tls.Certificate) error {
	leaf, err := x509.ParseCertificate(good.Certificate[0])
	if err != nil {
		return fmt.Errorf("connect.cert: %w", err)
	}
	var hosts []string
	hosts = append(hosts, leaf.DNSNames...)
	for _, ip := range leaf.IPAddresses {
		hosts = append(hosts, ip.String())
	}
	now := time.Now()
	issue := func(kind string, a *pki.Authority, r pki.LeafRequest) {
		cred, err := a.Issue(r)
		if err != nil {
			e.badCerts[kind] = fmt.Sprintf("issuing the %s certificate: %v", kind, err)
			return
		}
		out[kind] = cred.TLS()
	}
	other, err := pki.NewAuthority("idmefcheck untrusted CA", now)
	if err != nil {
		return err
	}
	issue(CertOtherCA, other, pki.LeafRequest{Name: "manager", Hosts: hosts, Kind: pki.Good, Now: now})
	if st.Identities.Issuer == nil {
		for _, k := range []string{CertWrongName, CertExpired, CertWildcard, CertCNOnly} {
			e.badCerts[k] = "the statement gives no identities.issuer to make a " + k + " server certificate from the CA the analyzer trusts"
		}
		return nil
	}
	ca, err := pki.LoadAuthorityFiles(st.Identities.Issuer.Cert, st.Identities.Issuer.Key)
	if err != nil {
		return fmt.Errorf("identities.issuer: %w", err)
	}
	issue(CertWrongName, ca, pki.LeafRequest{Name: "not-the-manager", Kind: pki.Good, Now: now})
	issue(CertExpired, ca, pki.LeafRequest{Name: "manager", Hosts: hosts, Kind: pki.Expired, Now: now})
	issue(CertWildcard, ca, pki.LeafRequest{Name: "manager", Hosts: hosts, Kind: pki.Wildcard, Now: now})
	cnHost := "localhost"
	if len(leaf.DNSNames) > 0 {
		cnHost = leaf.DNSNames[0]
	}
	issue(CertCNOnly, ca, pki.LeafRequest{Name: strings.TrimSuffix(cnHost, "."+pki.Domain), Hosts: nil, Kind: pki.CNOnly, Now: now})
	return nil
}

// MissingCert says why a bad server certificate is not available ("" when it is).
func (e *Env) MissingCert(kind string) string { return e.badCerts[kind] }

// Close stops the simulator and the trigger.
func (e *Env) Close() error {
	var errs []error
	for i := len(e.closers) - 1; i >= 0; i-- {
		errs = append(errs, e.closers[i]())
	}
	e.closers = nil
	return errors.Join(errs...)
}

// Emit makes the analyzer produce count alerts of scenario and returns their IDs, or the
// outcome the check must end with: inconclusive for a skipped scenario or a passive trigger,
// error for a failed trigger.
func (e *Env) Emit(ctx context.Context, t *harness.T, scenario string, count int) ([]string, *harness.Outcome) {
	res, err := e.Trigger.Emit(ctx, scenario, count)
	switch {
	case errors.Is(err, trigger.ErrPassive):
		o := harness.Inconclusivef("no-trigger", "the check needs the analyzer to emit %s alerts and the statement's trigger is none", scenario)
		return nil, &o
	case err != nil:
		o := harness.Errorf("trigger-failed", "asking the analyzer for %d %s alerts: %v", count, scenario, err)
		return nil, &o
	case res.Skipped:
		o := harness.Inconclusivef("scenario-skipped", "the analyzer cannot produce scenario %s: %s", scenario, res.Detail)
		return nil, &o
	}
	t.Notef("asked for %d %s alerts through %s: %s", count, scenario, e.Trigger.Describe(), strings.Join(res.IDs, ", "))
	return res.IDs, nil
}

// Delivered waits until a request carrying each ID has been answered with a 2xx, or within
// passes, and returns every request received for those IDs.
func (e *Env) Delivered(ctx context.Context, ids []string, within time.Duration) (map[string][]*managersim.Request, bool) {
	wctx, cancel := context.WithTimeout(ctx, within)
	defer cancel()
	var got map[string][]*managersim.Request
	ok := e.Sim.Wait(wctx, func(reqs []*managersim.Request, _ []managersim.Hello) bool {
		got = ByID(reqs, ids)
		for _, id := range ids {
			if !slices.ContainsFunc(got[strings.ToLower(id)], func(r *managersim.Request) bool { return r.Answer >= 200 && r.Answer < 300 }) {
				return false
			}
		}
		return true
	})
	return got, ok
}

// ByID groups the requests carrying the IDs (case-insensitively), in arrival order.
func ByID(reqs []*managersim.Request, ids []string) map[string][]*managersim.Request {
	want := map[string]bool{}
	for _, id := range ids {
		want[strings.ToLower(id)] = true
	}
	out := map[string][]*managersim.Request{}
	for _, r := range reqs {
		if k := strings.ToLower(r.ID); want[k] {
			out[k] = append(out[k], r)
		}
	}
	return out
}

// Probe is the sanity probe: the analyzer is up when, asked for one basic alert with the
// simulator accepting, it sends something. Whether what it sends is right is for the checks
// to judge, so a request the simulator cannot accept (no ID, a wrong method) counts too. A
// passive trigger cannot be probed: the probe then passes, saying so.
func (e *Env) Probe(ctx context.Context) (string, error) {
	e.Sim.Set(managersim.Behaviour{})
	start := time.Now()
	res, err := e.Trigger.Emit(ctx, "basic", 1)
	if errors.Is(err, trigger.ErrPassive) {
		return "passive trigger: nothing to probe", nil
	}
	if err != nil {
		return "", err
	}
	if res.Skipped {
		return "", fmt.Errorf("the analyzer skipped the basic scenario: %s", res.Detail)
	}
	wctx, cancel := context.WithTimeout(ctx, e.DeliverWithin)
	defer cancel()
	var got *managersim.Request
	e.Sim.Wait(wctx, func(reqs []*managersim.Request, _ []managersim.Hello) bool {
		for _, r := range reqs {
			if !r.At.Before(start) && (strings.EqualFold(r.ID, res.IDs[0]) || r.ID == "") {
				got = r
				return true
			}
		}
		return false
	})
	if got == nil {
		return fmt.Sprintf("alert %s", res.IDs[0]), fmt.Errorf("nothing arrived within %s", e.DeliverWithin)
	}
	return fmt.Sprintf("alert %s: the analyzer sent %s %s, answered %d", res.IDs[0], got.Method, got.Target, got.Answer), nil
}

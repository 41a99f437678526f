package analyzerrole

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/idmefcheck/idmefcheck/conformance/harness"
	"github.com/idmefcheck/idmefcheck/conformance/managersim"
	"github.com/idmefcheck/idmefcheck/reference/httpsig"
	"github.com/idmefcheck/idmefcheck/reference/transport"
)

// cursorHeader carries the cursor of a pulled message (docs/profile.md section 9).
const cursorHeader = "IDMEF-Cursor"

// cursorRE is what a cursor may look like: opaque, URL-safe, at most 256 characters.
var cursorRE = regexp.MustCompile(`^[A-Za-z0-9._~-]{1,256}$`)

// Puller is the harness as a pulling manager: it fetches the analyzer's alerts by cursor
// over mutual TLS, signing its requests, as docs/profile.md section 9 specifies.
type Puller struct {
	URL    *url.URL
	Client *http.Client
	Signer *httpsig.Signer
	// Key verifies the analyzer's signed responses; nil when unknown.
	Key *httpsig.Key
	// Verifier is built from Key for the analyzer's identity on first use.
	verifiers map[transport.Identity]*httpsig.Verifier
}

// Pulled is one pull exchange.
type Pulled struct {
	Status    int
	Cursor    string
	Body      []byte
	Header    http.Header
	Signed    bool
	SigErr    error
	Elapsed   time.Duration
	Describes string
}

func newPuller(raw string, cert tls.Certificate, roots *x509.CertPool, signer *httpsig.Signer, key *httpsig.Key) (*Puller, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("connect.pull_url: %w", err)
	}
	cfg := transport.ClientConfig(cert, transport.Policy{Roots: roots}, u.Hostname())
	if u.Hostname() == "127.0.0.1" || u.Hostname() == "::1" {
		// A loopback pull URL names the analyzer's test identity, as the push side does.
		cfg = transport.ClientConfig(cert, transport.Policy{Roots: roots}, "localhost")
	}
	return &Puller{URL: u, Signer: signer, Key: key, verifiers: map[transport.Identity]*httpsig.Verifier{},
		Client: &http.Client{Timeout: time.Minute, Transport: &http.Transport{TLSClientConfig: cfg, ForceAttemptHTTP2: true}}}, nil
}

// Pull makes one request with cursor and wait.
func (p *Puller) Pull(ctx context.Context, cursor string, wait time.Duration) (*Pulled, error) {
	u := *p.URL
	q := u.Query()
	if cursor != "" {
		q.Set("cursor", cursor)
	}
	q.Set("wait", strconv.Itoa(int(wait/time.Second)))
	u.RawQuery = q.Encode()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Accept", "application/json")
	if p.Signer != nil {
		if err := p.Signer.SignRequest(req, nil); err != nil {
			return nil, err
		}
	}
	start := time.Now()
	res, err := p.Client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("pulling %s: %w", u.String(), err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(io.LimitReader(res.Body, 2<<20))
	if err != nil {
		return nil, fmt.Errorf("pulling %s: %w", u.String(), err)
	}
	out := &Pulled{Status: res.StatusCode, Cursor: res.Header.Get(cursorHeader), Body: body, Header: res.Header, Elapsed: time.Since(start)}
	out.Signed = httpsig.Signed(res.Header)
	if out.Signed && p.Key != nil && res.StatusCode == http.StatusOK {
		peer := transport.Identity("")
		if pr, err := transport.PeerOf(res.TLS); err == nil {
			peer = pr.Identity
		}
		v, ok := p.verifiers[peer]
		if !ok {
			k := *p.Key
			k.Identity = peer
			v = &httpsig.Verifier{Keys: map[string]httpsig.Key{k.KeyID: k}}
			p.verifiers[peer] = v
		}
		_, out.SigErr = v.VerifyResponse(res, body, req, cursorHeader)
	}
	out.Describes = fmt.Sprintf("GET %s → %d, %s %q (after %s)", u.RequestURI(), res.StatusCode, cursorHeader, out.Cursor, out.Elapsed.Round(time.Millisecond))
	return out, nil
}

func pullChecks() []harness.Check {
	return []harness.Check{
		check(harness.Check{
			ID: "ANA-PULL-001", Title: "(profile) The manager can fetch alerts by cursor",
			Requirements: []string{"R4766-6.2", "R4766-6.1"}, Level: "MUST", Category: "firewall", Needs: []string{"pull"},
			Doc: "Either side may open the connection (R4766-6.2): the harness plays a manager that pulls from connect.pull_url over mutual TLS, signing its requests. With pushes held (answered 4 s late) so that alerts wait in the analyzer, it asks for two alerts and pulls by cursor until both arrive: each 200 must carry one message and a well-formed IDMEF-Cursor, and, when the analyzer claims signatures, a response signature that verifies with its key and covers the cursor. Pulling again with the last cursor must not return the acknowledged alerts.",
		}, func(ctx context.Context, t *harness.T, e *Env) harness.Outcome {
			if e.Pull == nil {
				return harness.Inconclusivef("no-pull-url", "the statement claims pull but names no connect.pull_url")
			}
			// Pushes are held (answered late, not refused) so that the alerts wait in the
			// analyzer for the pull without its push side backing off.
			e.Sim.Set(managersim.Behaviour{Delay: 4 * time.Second})
			cursor, o := drainPull(ctx, t, e)
			if o != nil {
				return *o
			}
			ids, o := e.Emit(ctx, t, "basic", 2)
			if o != nil {
				return *o
			}
			want := map[string]bool{strings.ToLower(ids[0]): true, strings.ToLower(ids[1]): true}
			deadline := time.Now().Add(e.DeliverWithin)
			signs := e.Statement.Claims("signatures")
			for len(want) > 0 && time.Now().Before(deadline) {
				p, err := e.Pull.Pull(ctx, cursor, 2*time.Second)
				if err != nil {
					return harness.Failf("pull-failed", "%v", err)
				}
				t.Evidence("response", "pull", p.Describes)
				switch p.Status {
				case http.StatusNoContent:
					continue
				case http.StatusOK:
				default:
					return harness.Failf("pull-status", "a pull answered %d: %s", p.Status, head(p.Body))
				}
				if !cursorRE.MatchString(p.Cursor) {
					return harness.Failf("no-cursor", "a 200 without a well-formed %s (%q)", cursorHeader, p.Cursor)
				}
				if !singleObject(p.Body) {
					return harness.Failf("several-messages", "a pulled body is not one message: %q", head(p.Body))
				}
				if signs {
					switch {
					case e.Pull.Key == nil:
						return harness.Inconclusivef("no-analyzer-key", "the statement claims signatures but gives no signing.peer_key")
					case !p.Signed:
						return harness.Failf("unsigned-response", "the analyzer claims signatures but its pull response is unsigned")
					case p.SigErr != nil:
						return harness.Failf("bad-response-signature", "the pull response's signature does not hold: %v", p.SigErr)
					}
				}
				id, _ := field(p.Body, "ID").(string)
				delete(want, strings.ToLower(id))
				cursor = p.Cursor
			}
			if len(want) > 0 {
				return harness.Failf("not-pulled", "the alerts %v were not served within %s", ids, e.DeliverWithin)
			}
			p, err := e.Pull.Pull(ctx, cursor, 1*time.Second)
			if err != nil {
				return harness.Failf("pull-failed", "%v", err)
			}
			t.Evidence("response", "pull after the last cursor", p.Describes)
			if id, _ := field(p.Body, "ID").(string); p.Status == http.StatusOK && (strings.EqualFold(id, ids[0]) || strings.EqualFold(id, ids[1])) {
				return harness.Failf("not-acknowledged", "pulling with the last cursor served %s again", id)
			}
			t.Expect("both alerts served by cursor, signed, and not again", "as required")
			return harness.Passf("both alerts were pulled by cursor and not served again once acknowledged")
		}),
	}
}

// drainPull pulls whatever the analyzer already holds, so the check starts from its newest
// cursor.
func drainPull(ctx context.Context, t *harness.T, e *Env) (string, *harness.Outcome) {
	cursor := ""
	for range 10_000 {
		p, err := e.Pull.Pull(ctx, cursor, 0)
		if err != nil {
			o := harness.Failf("pull-failed", "%v", err)
			return "", &o
		}
		switch p.Status {
		case http.StatusNoContent:
			return cursor, nil
		case http.StatusOK:
			cursor = p.Cursor
		default:
			t.Evidence("response", "pull", p.Describes)
			o := harness.Failf("pull-status", "a pull answered %d: %s", p.Status, head(p.Body))
			return "", &o
		}
	}
	o := harness.Errorf("harness-failure", "the analyzer kept serving alerts: 10,000 pulled and no end")
	return "", &o
}

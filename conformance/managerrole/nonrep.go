package managerrole

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"github.com/idmefcheck/idmefcheck/conformance/alerts"
	"github.com/idmefcheck/idmefcheck/conformance/harness"
	"github.com/idmefcheck/idmefcheck/conformance/target"
	"github.com/idmefcheck/idmefcheck/reference/httpsig"
	"github.com/idmefcheck/idmefcheck/reference/transport"
)

// Non-repudiation (R4766-6.6; docs/profile.md section 5.6): the manager keeps, with each
// signed alert, what a third party needs to prove later that the analyzer sent exactly those
// bytes: the signature, its input, the Content-Digest, the method, target and Content-Type.
// The check plays that third party with nothing but the stored evidence and the analyzer's
// public key.

// storedEvidence is the body of GET /v1/alerts/{id}/evidence, as much as the check reads.
type storedEvidence struct {
	ID       string `json:"id"`
	SHA256   string `json:"sha256"`
	Evidence struct {
		Target      string `json:"target"`
		ContentType string `json:"content_type"`
		Signature   *struct {
			KeyID          string    `json:"keyid"`
			SignatureInput string    `json:"signature_input"`
			Signature      string    `json:"signature"`
			ContentDigest  string    `json:"content_digest"`
			Created        time.Time `json:"created"`
		} `json:"signature"`
	} `json:"evidence"`
}

func nonrepChecks() []harness.Check {
	return []harness.Check{
		check(harness.Check{
			ID: "MGR-NREP-001", Title: "(profile) The evidence stored with a signed alert proves its origin",
			Requirements: []string{"R4766-6.6"}, Level: "SHOULD", Category: "non-repudiation", Needs: []string{"signatures", "query-api"},
			Doc: "Sends a signed alert, then reads its evidence (GET /v1/alerts/{id}/evidence) and its stored bytes (GET /v1/alerts/{id}) from the operator API. From these alone it rebuilds the request (POST, the target URI, Content-Type, Content-Digest, Signature-Input, Signature) and verifies it as a third party would, with the harness's own public key, a verifier whose clock is set to the signature's created time (freshness is not the point) and a fresh nonce cache. The evidence must hold the signature, the Content-Digest must match the stored bytes, and the signature must verify.",
		}, func(ctx context.Context, t *harness.T, e *Env) harness.Outcome {
			if o := needAPI(e); o != nil {
				return *o
			}
			m, o := makeAlert(e, alerts.Spec{Description: "idmefcheck non-repudiation evidence"})
			if o != nil {
				return *o
			}
			x := e.Send(ctx, t, "signed alert", target.Dial{}, target.Request{Body: m.Body, Sign: true})
			if !x.Success() {
				t.Expect("the signed alert acknowledged, then its evidence verifiable", x.Outcome())
				return harness.Failf(reasonNotAcked, "the signed alert was not acknowledged: %s", x.Outcome())
			}
			ev, stored, o := fetchEvidence(ctx, t, e, m.ID)
			if o != nil {
				return *o
			}
			return judgeEvidence(t, e, m, ev, stored)
		}),
	}
}

// fetchEvidence reads an alert's evidence and stored bytes, waiting the settle time for the
// alert to appear.
func fetchEvidence(ctx context.Context, t *harness.T, e *Env, id string) (*storedEvidence, []byte, *harness.Outcome) {
	deadline := time.Now().Add(e.Settle)
	var a apiAnswer
	for {
		var err error
		a, err = apiGet(ctx, nil, e, "", "/v1/alerts/"+url.PathEscape(id)+"/evidence", url.Values{})
		if err != nil {
			o := harness.Errorf(reasonObserveFailed, "%v", err)
			return nil, nil, &o
		}
		if a.Status != http.StatusNotFound || time.Now().After(deadline) {
			break
		}
		select {
		case <-ctx.Done():
			o := harness.Errorf(reasonHarness, "%v", ctx.Err())
			return nil, nil, &o
		case <-time.After(100 * time.Millisecond):
		}
	}
	t.Evidence("response", "evidence", fmt.Sprintf("GET %s\n%d\n\n%s", a.URL, a.Status, a.Body))
	if a.Status != http.StatusOK {
		t.Expect("the alert's evidence (200)", fmt.Sprint(a.Status))
		o := harness.Failf("no-evidence", "GET %s answered %d: the acknowledged alert has no evidence", a.URL, a.Status)
		return nil, nil, &o
	}
	var ev storedEvidence
	if err := json.Unmarshal(a.Body, &ev); err != nil {
		o := harness.Failf("bad-api-answer", "GET %s: the answer is not an evidence record: %v", a.URL, err)
		return nil, nil, &o
	}
	b, err := apiGet(ctx, nil, e, "", "/v1/alerts/"+url.PathEscape(id), url.Values{})
	if err != nil {
		o := harness.Errorf(reasonObserveFailed, "%v", err)
		return nil, nil, &o
	}
	t.Evidence("response", "stored alert", fmt.Sprintf("GET %s\n%d\n\n%s", b.URL, b.Status, b.Body))
	if b.Status != http.StatusOK {
		t.Expect("the alert's stored bytes (200)", fmt.Sprint(b.Status))
		o := harness.Failf(reasonNotStored, "GET %s answered %d: the stored alert cannot be read", b.URL, b.Status)
		return nil, nil, &o
	}
	return &ev, b.Body, nil
}

// judgeEvidence verifies the evidence as a third party would.
func judgeEvidence(t *harness.T, e *Env, m *alerts.Message, ev *storedEvidence, stored []byte) harness.Outcome {
	want := "the evidence holds the signature; its Content-Digest matches the stored bytes; the rebuilt request verifies with the analyzer's key"
	sig := ev.Evidence.Signature
	if sig == nil || sig.Signature == "" || sig.SignatureInput == "" {
		t.Expect(want, "no signature in the evidence")
		return harness.Failf("no-signature-evidence", "the evidence of signed alert %s holds no signature: nothing binds the alert to its sender", m.ID)
	}
	sum := sha256.Sum256(stored)
	if ev.SHA256 != "" && ev.SHA256 != hex.EncodeToString(sum[:]) {
		t.Notef("the evidence's sha256 %s is not the SHA-256 of the stored bytes (%x)", ev.SHA256, sum)
	}
	if !bytes.Equal(stored, m.Body) {
		t.Notef("the stored bytes differ from the bytes the harness sent")
	}
	if err := httpsig.CheckContentDigest([]string{sig.ContentDigest}, stored); err != nil {
		t.Expect(want, fmt.Sprintf("Content-Digest %q: %v", sig.ContentDigest, err))
		return harness.Failf("digest-mismatch", "the evidence's Content-Digest does not match the stored bytes: %v", err)
	}
	// The target as the client sent it: the evidence's, resolved against the URL the harness
	// posted to when it keeps only the path (the authority is the manager's own).
	sent := e.Target().URL
	tu, err := url.Parse(ev.Evidence.Target)
	if err != nil || ev.Evidence.Target == "" {
		t.Expect(want, fmt.Sprintf("target %q", ev.Evidence.Target))
		return harness.Failf("incomplete-evidence", "the evidence keeps no usable request target (%q): the signature base cannot be rebuilt", ev.Evidence.Target)
	}
	if !tu.IsAbs() {
		t.Notef("the evidence keeps the target %q without its authority; resolved against %s, the URL the harness posted to", ev.Evidence.Target, sent)
		tu = sent.ResolveReference(tu)
	}
	req, err := http.NewRequest(http.MethodPost, tu.String(), bytes.NewReader(stored))
	if err != nil {
		return harness.Errorf(reasonHarness, "rebuilding the request: %v", err)
	}
	req.Header.Set("Content-Type", ev.Evidence.ContentType)
	req.Header.Set("Content-Digest", sig.ContentDigest)
	req.Header.Set("Signature-Input", sig.SignatureInput)
	req.Header.Set("Signature", sig.Signature)
	id, err := harnessIdentity(e)
	if err != nil {
		return harness.Errorf(reasonHarness, "%v", err)
	}
	pub, ok := e.Signer.Private.Public().(ed25519.PublicKey)
	if !ok {
		return harness.Errorf(reasonHarness, "the harness's signing key is not Ed25519")
	}
	created := sig.Created
	v := &httpsig.Verifier{
		Keys:   map[string]httpsig.Key{e.Signer.KeyID: {KeyID: e.Signer.KeyID, Public: pub, Identity: id}},
		Nonces: httpsig.NewNonceCache(16),
		Now:    func() time.Time { return created },
	}
	t.Evidence("request", "rebuilt from the evidence", fmt.Sprintf("POST %s\nContent-Type: %s\nContent-Digest: %s\nSignature-Input: %s\nSignature: %s\n\n%s",
		tu, ev.Evidence.ContentType, sig.ContentDigest, sig.SignatureInput, sig.Signature, stored))
	if _, err := v.VerifyRequest(req, stored, id); err != nil {
		t.Expect(want, fmt.Sprintf("verification failed: %v", err))
		return harness.Failf("evidence-does-not-verify", "the request rebuilt from the evidence does not verify with the analyzer's key: %v", err)
	}
	t.Expect(want, "verified")
	return harness.Passf("the stored evidence of alert %s verifies with the analyzer's public key (keyid %s, created %s) over the stored bytes", m.ID, sig.KeyID, created.UTC().Format(time.RFC3339))
}

// harnessIdentity is the identity of the harness's connect certificate.
func harnessIdentity(e *Env) (transport.Identity, error) {
	leaf, err := x509.ParseCertificate(e.Target().Cert.Certificate[0])
	if err != nil {
		return "", fmt.Errorf("the harness's certificate: %w", err)
	}
	return transport.IdentityOf(leaf)
}

package httpsig

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/dunglas/httpsfv"
	"github.com/yaronf/httpsign"

	"github.com/idmefcheck/idmefcheck/reference/transport"
)

// Profile constants (docs/profile.md, "Message signatures").
const (
	// Label is the signature label (RFC 9421 section 4.1) the profile signs and verifies.
	// Signatures under other labels are ignored.
	Label = "idmef"
	// Alg is the only algorithm accepted (RFC 9421 section 3.3.6).
	Alg = "ed25519"
	// RequestTag and ResponseTag are the "tag" parameters of request and response
	// signatures, so that neither can be replayed as the other or in another protocol.
	RequestTag  = "idmefv2-request"
	ResponseTag = "idmefv2-response"
	// DefaultWindow is how far "created" may lie in the past.
	DefaultWindow = 300 * time.Second
	// DefaultSkew is how far "created" may lie in the future (clock differences).
	DefaultSkew = 30 * time.Second
)

// Errors of verification, for callers to branch on with errors.Is.
var (
	ErrUnsigned     = errors.New("the message carries no signature labelled " + Label)
	ErrMalformed    = errors.New("the signature fields are malformed")
	ErrParams       = errors.New("the signature lacks a parameter the profile requires, or has a wrong one")
	ErrComponents   = errors.New("the signature does not cover the components the profile requires")
	ErrUnknownKey   = errors.New("the signature's keyid is not configured")
	ErrWrongPeer    = errors.New("the signature's key is bound to another identity than the TLS peer's")
	ErrStale        = errors.New("the signature's created time is outside the freshness window")
	ErrReplay       = errors.New("the signature's nonce was already used")
	ErrBadSignature = errors.New("the signature does not verify")
)

// Key is a public key bound to a peer identity.
type Key struct {
	KeyID    string
	Public   ed25519.PublicKey
	Identity transport.Identity
}

// Signer signs requests and responses with one Ed25519 key. It is safe for concurrent use.
// The "created" parameter is the library's clock (time.Now); tests of freshness move the
// verifier's clock instead (Verifier.Now).
type Signer struct {
	KeyID   string
	Private ed25519.PrivateKey
}

func newNonce() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b) // crypto/rand does not fail
	return base64.RawURLEncoding.EncodeToString(b)
}

func (s *Signer) signConfig(tag string) *httpsign.SignConfig {
	return httpsign.NewSignConfig().SetKeyID(s.KeyID).SetNonce(newNonce()).SetTag(tag)
}

// RequestComponents are the components a request signature covers: @method and @target-uri
// always; content-digest and content-type when the request has content.
func RequestComponents(hasBody bool) []string {
	if hasBody {
		return []string{"@method", "@target-uri", "content-digest", "content-type"}
	}
	return []string{"@method", "@target-uri"}
}

// SignRequest sets Content-Digest (when body is not empty), Signature-Input and Signature on
// req, which must carry its absolute URL (as a client request does) and Content-Type.
func (s *Signer) SignRequest(req *http.Request, body []byte) error {
	if len(body) > 0 {
		req.Header.Set("Content-Digest", ContentDigest(body))
	}
	if in, sig, err := s.signRequestFast(req, len(body) > 0, time.Now().Unix(), newNonce()); err == nil {
		req.Header.Set("Signature-Input", in)
		req.Header.Set("Signature", sig)
		return nil
	}
	fields := httpsign.Headers(RequestComponents(len(body) > 0)...)
	signer, err := httpsign.NewEd25519Signer(s.Private, s.signConfig(RequestTag), fields)
	if err != nil {
		return fmt.Errorf("httpsig: signer %s: %w", s.KeyID, err)
	}
	r := shallow(req)
	sigInput, sig, err := httpsign.SignRequest(Label, *signer, r)
	if err != nil {
		return fmt.Errorf("httpsig: signing %s %s: %w", req.Method, req.URL, err)
	}
	req.Header.Set("Signature-Input", sigInput)
	req.Header.Set("Signature", sig)
	return nil
}

// ResponseComponents are the components a response signature covers: @status; content-digest
// and content-type when the response has content; the request's own signature (the
// "signature" field's member idmef, with the req flag, RFC 9421 section 2.4) when the request
// was signed; and extra header fields the protocol adds (pull mode: idmef-cursor).
func ResponseComponents(hasBody, requestSigned bool, extra ...string) *httpsign.Fields {
	f := httpsign.NewFields()
	f.AddHeader("@status")
	if hasBody {
		f.AddHeaders("content-digest", "content-type")
	}
	for _, h := range extra {
		f.AddHeader(strings.ToLower(h))
	}
	if requestSigned {
		f.AddDictHeaderExt("signature", Label, false, true, false)
	}
	return f
}

// SignResponse sets Content-Digest (when body is not empty), Signature-Input and Signature in
// h, the header of a response with the given status to req (as the server received it).
// requestSigned says whether req carries a profile signature to bind to; extra names header
// fields of h the signature must also cover.
func (s *Signer) SignResponse(h http.Header, status int, body []byte, req *http.Request, requestSigned bool, extra ...string) error {
	if len(body) > 0 {
		h.Set("Content-Digest", ContentDigest(body))
	}
	if len(extra) == 0 {
		if in, sig, err := s.signResponseFast(h, status, len(body) > 0, req, requestSigned, time.Now().Unix(), newNonce()); err == nil {
			h.Set("Signature-Input", in)
			h.Set("Signature", sig)
			return nil
		}
	}
	signer, err := httpsign.NewEd25519Signer(s.Private, s.signConfig(ResponseTag), *ResponseComponents(len(body) > 0, requestSigned, extra...))
	if err != nil {
		return fmt.Errorf("httpsig: signer %s: %w", s.KeyID, err)
	}
	res := &http.Response{StatusCode: status, Header: h}
	sigInput, sig, err := httpsign.SignResponse(Label, *signer, res, shallow(req))
	if err != nil {
		return fmt.Errorf("httpsig: signing the %d response to %s %s: %w", status, req.Method, req.URL, err)
	}
	h.Set("Signature-Input", sigInput)
	h.Set("Signature", sig)
	return nil
}

// shallow copies a request so that the library, which fills in the URL's scheme and host
// from the request, does not change the caller's.
func shallow(req *http.Request) *http.Request {
	r := *req
	u := *req.URL
	r.URL = &u
	if r.URL.Path == "" {
		r.URL.Path = "/"
	}
	return &r
}

// Evidence is what a verified signature proves, kept with what it signed.
type Evidence struct {
	KeyID          string             `json:"keyid"`
	Identity       transport.Identity `json:"identity"`
	SignatureInput string             `json:"signature_input"` // the Signature-Input member, "idmef=(...);..."
	Signature      string             `json:"signature"`       // the Signature member, "idmef=:...:"
	ContentDigest  string             `json:"content_digest,omitempty"`
	Created        time.Time          `json:"created"`
	Nonce          string             `json:"nonce"`
	Components     []string           `json:"components"`
}

// Verifier checks signatures against configured keys. It is safe for concurrent use; its
// fields must not change after the first call.
type Verifier struct {
	Keys map[string]Key // by keyid
	// Window and Skew bound "created" (defaults DefaultWindow, DefaultSkew).
	Window, Skew time.Duration
	// Nonces, when not nil, refuses a nonce seen before within the window. A request
	// verifier must have one; a response verifier may not (responses are bound to the
	// request's fresh signature).
	Nonces *NonceCache
	// Now, when not nil, replaces time.Now (tests).
	Now func() time.Time

	// expanded caches the expanded form of the keys' public keys (about 1.5 KB each), by
	// their bytes: derived key material only, never a verdict (see verifyEd25519).
	expanded sync.Map
}

func (v *Verifier) now() time.Time {
	if v.Now != nil {
		return v.Now()
	}
	return time.Now()
}

func (v *Verifier) window() (time.Duration, time.Duration) {
	w, s := v.Window, v.Skew
	if w == 0 {
		w = DefaultWindow
	}
	if s == 0 {
		s = DefaultSkew
	}
	return w, s
}

// Signed reports whether h carries a signature labelled Label.
func Signed(h http.Header) bool {
	vals := h.Values("Signature-Input")
	if len(vals) == 0 {
		return false
	}
	dict, err := httpsfv.UnmarshalDictionary(vals)
	if err != nil {
		return true // present but malformed: verification will say so
	}
	_, ok := dict.Get(Label)
	return ok
}

// VerifyRequest verifies the profile signature of a request as a server received it, with its
// content already read into body, and checks that its key is bound to peer. On success the
// nonce is recorded, so the same signature is never accepted twice.
func (v *Verifier) VerifyRequest(req *http.Request, body []byte, peer transport.Identity) (*Evidence, error) {
	if ev, err := v.verifyRequestFast(req, body, peer); !errors.Is(err, errNotFast) {
		return ev, err
	}
	return v.verifyRequestLibrary(req, body, peer)
}

// verifyRequestLibrary is VerifyRequest through the library, for any request.
func (v *Verifier) verifyRequestLibrary(req *http.Request, body []byte, peer transport.Identity) (*Evidence, error) {
	if !Signed(req.Header) {
		return nil, fmt.Errorf("httpsig: %w", ErrUnsigned)
	}
	details, err := httpsign.RequestDetails(Label, shallow(req))
	if err != nil {
		return nil, fmt.Errorf("httpsig: %v: %w", err, ErrMalformed)
	}
	ev, key, err := v.checkParams(details, RequestTag, true)
	if err != nil {
		return nil, err
	}
	if key.Identity != peer {
		return nil, fmt.Errorf("httpsig: keyid %q belongs to %s, the peer is %s: %w", key.KeyID, key.Identity, peer, ErrWrongPeer)
	}
	required := RequestComponents(len(body) > 0 || req.Header.Get("Content-Digest") != "")
	verifier, err := httpsign.NewEd25519Verifier(key.Public, verifyConfig(), httpsign.Headers(required...))
	if err != nil {
		return nil, fmt.Errorf("httpsig: verifier %s: %w", key.KeyID, err)
	}
	if err := httpsign.VerifyRequest(Label, *verifier, shallow(req)); err != nil {
		return nil, classify(err)
	}
	if len(required) > 2 {
		if err := CheckContentDigest(req.Header.Values("Content-Digest"), body); err != nil {
			return nil, err
		}
		ev.ContentDigest = req.Header.Get("Content-Digest")
	}
	ev.SignatureInput, ev.Signature = member(req.Header, "Signature-Input"), member(req.Header, "Signature")
	ev.Components = components(req.Header)
	if err := v.recordNonce(ev); err != nil {
		return nil, err
	}
	return ev, nil
}

// VerifyResponse verifies the profile signature of a response (its content in body) to req,
// the request as the client sent it. The response must be bound to req's signature when req
// was signed, and cover extra header fields.
func (v *Verifier) VerifyResponse(res *http.Response, body []byte, req *http.Request, extra ...string) (*Evidence, error) {
	if !Signed(res.Header) {
		return nil, fmt.Errorf("httpsig: %d response: %w", res.StatusCode, ErrUnsigned)
	}
	details, err := httpsign.ResponseDetails(Label, res)
	if err != nil {
		return nil, fmt.Errorf("httpsig: %v: %w", err, ErrMalformed)
	}
	ev, key, err := v.checkParams(details, ResponseTag, false)
	if err != nil {
		return nil, err
	}
	hasBody := len(body) > 0 || res.Header.Get("Content-Digest") != ""
	fields := ResponseComponents(hasBody, Signed(req.Header), extra...)
	verifier, err := httpsign.NewEd25519Verifier(key.Public, verifyConfig(), *fields)
	if err != nil {
		return nil, fmt.Errorf("httpsig: verifier %s: %w", key.KeyID, err)
	}
	if err := httpsign.VerifyResponse(Label, *verifier, res, shallow(req)); err != nil {
		return nil, classify(err)
	}
	if hasBody {
		if err := CheckContentDigest(res.Header.Values("Content-Digest"), body); err != nil {
			return nil, err
		}
		ev.ContentDigest = res.Header.Get("Content-Digest")
	}
	ev.SignatureInput, ev.Signature = member(res.Header, "Signature-Input"), member(res.Header, "Signature")
	ev.Components = components(res.Header)
	if v.Nonces != nil {
		if err := v.recordNonce(ev); err != nil {
			return nil, err
		}
	}
	return ev, nil
}

// verifyConfig leaves time and nonce policy to checkParams; the library checks alg and the
// covered components.
func verifyConfig() *httpsign.VerifyConfig {
	return httpsign.NewVerifyConfig().SetVerifyCreated(false).SetAllowedAlgs([]string{Alg})
}

func (v *Verifier) checkParams(d *httpsign.MessageDetails, tag string, needNonce bool) (*Evidence, Key, error) {
	key, ok := v.Keys[d.KeyID]
	if !ok {
		return nil, Key{}, fmt.Errorf("httpsig: keyid %q: %w", d.KeyID, ErrUnknownKey)
	}
	if d.Alg != Alg {
		return nil, Key{}, fmt.Errorf("httpsig: alg %q, want %q: %w", d.Alg, Alg, ErrParams)
	}
	if d.Tag == nil || *d.Tag != tag {
		return nil, Key{}, fmt.Errorf("httpsig: tag missing or not %q: %w", tag, ErrParams)
	}
	if d.Created == nil {
		return nil, Key{}, fmt.Errorf("httpsig: no created parameter: %w", ErrParams)
	}
	if d.Nonce == nil || *d.Nonce == "" {
		if needNonce {
			return nil, Key{}, fmt.Errorf("httpsig: no nonce parameter: %w", ErrParams)
		}
	}
	now := v.now()
	w, skew := v.window()
	if d.Created.Before(now.Add(-w)) || d.Created.After(now.Add(skew)) {
		return nil, Key{}, fmt.Errorf("httpsig: created %s, now %s, window %s (skew %s): %w",
			d.Created.UTC().Format(time.RFC3339), now.UTC().Format(time.RFC3339), w, skew, ErrStale)
	}
	ev := &Evidence{KeyID: key.KeyID, Identity: key.Identity, Created: d.Created.UTC()}
	if d.Nonce != nil {
		ev.Nonce = *d.Nonce
	}
	return ev, key, nil
}

func (v *Verifier) recordNonce(ev *Evidence) error {
	if v.Nonces == nil {
		return nil
	}
	w, _ := v.window()
	fresh, err := v.Nonces.Add(ev.KeyID+"\x00"+ev.Nonce, ev.Created.Add(w), v.now())
	if err != nil {
		return fmt.Errorf("httpsig: %w", err)
	}
	if !fresh {
		return fmt.Errorf("httpsig: keyid %q nonce %q: %w", ev.KeyID, ev.Nonce, ErrReplay)
	}
	return nil
}

// classify maps the library's verification errors, which are plain strings, to ours.
func classify(err error) error {
	msg := err.Error()
	switch {
	case strings.Contains(msg, "does not cover all required fields"):
		return fmt.Errorf("httpsig: %v: %w", err, ErrComponents)
	case strings.Contains(msg, "bad signature"), strings.Contains(msg, "failed to verify"), strings.Contains(msg, "verification"):
		return fmt.Errorf("httpsig: %v: %w", err, ErrBadSignature)
	case strings.Contains(msg, "alg"):
		return fmt.Errorf("httpsig: %v: %w", err, ErrParams)
	}
	// Anything else (a covered header missing, a malformed component) means the signature
	// cannot be checked: treat it as not verifying.
	return fmt.Errorf("httpsig: %v: %w", err, ErrBadSignature)
}

// member returns the Label member of a dictionary field, serialized.
func member(h http.Header, field string) string {
	dict, err := httpsfv.UnmarshalDictionary(h.Values(field))
	if err != nil {
		return ""
	}
	m, ok := dict.Get(Label)
	if !ok {
		return ""
	}
	d := httpsfv.NewDictionary()
	d.Add(Label, m)
	s, err := httpsfv.Marshal(d)
	if err != nil {
		return ""
	}
	return s
}

// components lists the component identifiers a signature covers, as serialized in its
// Signature-Input member (for example "@method" or "signature";key="idmef";req).
func components(h http.Header) []string {
	dict, err := httpsfv.UnmarshalDictionary(h.Values("Signature-Input"))
	if err != nil {
		return nil
	}
	m, ok := dict.Get(Label)
	if !ok {
		return nil
	}
	il, ok := m.(httpsfv.InnerList)
	if !ok {
		return nil
	}
	var out []string
	for _, it := range il.Items {
		if s, err := httpsfv.Marshal(it); err == nil {
			out = append(out, s)
		}
	}
	return out
}

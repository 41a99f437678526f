package httpsig

import (
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"net/textproto"
	"strconv"
	"strings"
	"time"

	"github.com/dunglas/httpsfv"
	"github.com/yaronf/httpsign"

	"github.com/idmefcheck/idmefcheck/reference/transport"
)

// The fast path. The library reads a message in full for every signature: it copies the
// header into a map with lower-case names, derives every component the RFC defines, parses the
// Signature-Input and Signature fields twice (RequestDetails, then VerifyRequest), and builds
// the signature base by string concatenation; the evidence then parsed them three times more.
// Profiled under load that came to about 50 µs of CPU per request beside the 50 µs of Ed25519
// itself. The profile's own signatures have one fixed shape (section 5 of docs/profile.md),
// for which the functions below build the same signature base and the same fields with one
// parse of each field, and hand everything else to the library: any component outside the
// profile's, any parameter the library checks itself (expires) or that is not the profile's,
// a query string (the library parses it and may refuse it), header names that are not
// canonical or start with "@" (the library lower-cases or refuses them), and any field the
// library would not find. fast_test.go holds both paths to byte-identical signature bases and
// fields (Ed25519 is deterministic: the same key over the same base gives the same signature).

// fastRequestComponents are the components a request signature may cover on the fast path.
var fastRequestComponents = map[string]bool{"@method": true, "@target-uri": true, "content-digest": true, "content-type": true}

// profileSig is a profile signature's two fields, parsed once.
type profileSig struct {
	components []string // covered, in order: names without parameters
	sigParams  string   // the serialized inner list: the value of "@signature-params"
	details    httpsign.MessageDetails
	sig        []byte
	sigItem    string // the serialized Signature member (":...:")
}

// errNotFast says a message is not in the profile's fixed shape: use the library.
var errNotFast = errors.New("httpsig: not in the fast path's shape")

// parseProfileSig parses h's Label signature for the fast path; ErrUnsigned when h has no
// signature labelled Label, errNotFast when anything is out of the fast path's shape.
func parseProfileSig(h http.Header) (*profileSig, error) {
	in := h["Signature-Input"]
	if len(in) == 0 {
		return nil, ErrUnsigned
	}
	dict, err := httpsfv.UnmarshalDictionary(in)
	if err != nil {
		return nil, errNotFast
	}
	m, ok := dict.Get(Label)
	if !ok {
		return nil, ErrUnsigned
	}
	il, ok := m.(httpsfv.InnerList)
	if !ok {
		return nil, errNotFast
	}
	p := &profileSig{components: make([]string, 0, len(il.Items))}
	for _, it := range il.Items {
		name, ok := it.Value.(string)
		if !ok || (it.Params != nil && len(it.Params.Names()) > 0) || !fastRequestComponents[name] || containsString(p.components, name) {
			return nil, errNotFast
		}
		p.components = append(p.components, name)
	}
	if il.Params == nil {
		return nil, errNotFast
	}
	for _, name := range il.Params.Names() {
		v, _ := il.Params.Get(name)
		switch name {
		case "created":
			n, ok := v.(int64)
			if !ok {
				return nil, errNotFast
			}
			t := time.Unix(n, 0)
			p.details.Created = &t
		case "keyid", "alg", "nonce", "tag":
			s, ok := v.(string)
			if !ok {
				return nil, errNotFast
			}
			switch name {
			case "keyid":
				p.details.KeyID = s
			case "alg":
				p.details.Alg = s
			case "nonce":
				p.details.Nonce = &s
			case "tag":
				p.details.Tag = &s
			}
		default: // expires, which the library enforces, or a parameter of no profile
			return nil, errNotFast
		}
	}
	if p.details.KeyID == "" { // the library refuses it as malformed
		return nil, errNotFast
	}
	if p.sigParams, err = httpsfv.Marshal(il); err != nil {
		return nil, errNotFast
	}
	if p.sig, p.sigItem, err = signatureMember(h); err != nil {
		return nil, err
	}
	return p, nil
}

// signatureMember returns the Label member of h's Signature field, raw and serialized, when it
// is a plain byte sequence; errNotFast otherwise.
func signatureMember(h http.Header) ([]byte, string, error) {
	sv := h["Signature"]
	if len(sv) == 0 {
		return nil, "", errNotFast
	}
	sdict, err := httpsfv.UnmarshalDictionary(sv)
	if err != nil {
		return nil, "", errNotFast
	}
	sm, ok := sdict.Get(Label)
	if !ok {
		return nil, "", errNotFast
	}
	item, ok := sm.(httpsfv.Item)
	if !ok || (item.Params != nil && len(item.Params.Names()) > 0) {
		return nil, "", errNotFast
	}
	sig, ok := item.Value.([]byte)
	if !ok {
		return nil, "", errNotFast
	}
	return sig, ":" + base64.StdEncoding.EncodeToString(sig) + ":", nil
}

func containsString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// plainHeader reports whether every name in h is canonical and none starts with "@": then h's
// fields are where the library, which lower-cases names and refuses "@", finds them too.
func plainHeader(h http.Header) bool {
	for k := range h {
		if strings.HasPrefix(k, "@") || textproto.CanonicalMIMEHeaderKey(k) != k {
			return false
		}
	}
	return true
}

// targetURI is "@target-uri" as the library derives it from a request: the URL with a "/"
// path when empty (shallow), the Host when the URL has none, and the scheme from the TLS state
// when the URL has none.
func targetURI(req *http.Request) string {
	u := *req.URL
	if u.Path == "" {
		u.Path = "/"
	}
	if u.Host == "" && req.Host != "" {
		u.Host = req.Host
	}
	if u.Scheme == "" {
		u.Scheme = "http"
		if req.TLS != nil {
			u.Scheme = "https"
		}
	}
	return u.String()
}

// fold is a field's value in a signature base as the library writes it: each line trimmed,
// joined by ", ". ok is false when the field is absent.
func fold(h http.Header, name string) (string, bool) {
	vv, ok := h[textproto.CanonicalMIMEHeaderKey(name)]
	if !ok {
		return "", false
	}
	if len(vv) == 1 {
		return strings.TrimSpace(vv[0]), true
	}
	parts := make([]string, len(vv))
	for i, v := range vv {
		parts[i] = strings.TrimSpace(v)
	}
	return strings.Join(parts, ", "), true
}

// requestBase builds the signature base of a request (RFC 9421 section 2.5) over components
// (fastRequestComponents only); ok is false when a covered field is absent.
func requestBase(req *http.Request, components []string, sigParams string) ([]byte, bool) {
	b := make([]byte, 0, 512)
	for _, c := range components {
		b = append(b, '"')
		b = append(b, c...)
		b = append(b, `": `...)
		switch c {
		case "@method":
			b = append(b, req.Method...)
		case "@target-uri":
			b = append(b, targetURI(req)...)
		default:
			v, ok := fold(req.Header, c)
			if !ok {
				return nil, false
			}
			b = append(b, v...)
		}
		b = append(b, '\n')
	}
	b = append(b, `"@signature-params": `...)
	b = append(b, sigParams...)
	return b, true
}

// verifyRequestFast is VerifyRequest for a request in the fast path's shape, in the same order
// of checks and with the same errors. errNotFast means the request is not in that shape and
// nothing was checked or recorded.
func (v *Verifier) verifyRequestFast(req *http.Request, body []byte, peer transport.Identity) (*Evidence, error) {
	if req.URL == nil || req.URL.RawQuery != "" || !plainHeader(req.Header) {
		return nil, errNotFast
	}
	p, err := parseProfileSig(req.Header)
	if err != nil {
		if errors.Is(err, ErrUnsigned) {
			return nil, fmt.Errorf("httpsig: %w", ErrUnsigned)
		}
		return nil, err
	}
	base, ok := requestBase(req, p.components, p.sigParams)
	if !ok {
		return nil, errNotFast // the library says which field is missing
	}
	ev, key, err := v.checkParams(&p.details, RequestTag, true)
	if err != nil {
		return nil, err
	}
	if key.Identity != peer {
		return nil, fmt.Errorf("httpsig: keyid %q belongs to %s, the peer is %s: %w", key.KeyID, key.Identity, peer, ErrWrongPeer)
	}
	required := RequestComponents(len(body) > 0 || req.Header.Get("Content-Digest") != "")
	for _, c := range required {
		if !containsString(p.components, c) {
			return nil, fmt.Errorf("httpsig: actual signature does not cover all required fields: %w", ErrComponents)
		}
	}
	if !v.verifyEd25519(key.Public, base, p.sig) {
		return nil, fmt.Errorf("httpsig: failed Ed25519 verification: %w", ErrBadSignature)
	}
	if len(required) > 2 {
		if err := CheckContentDigest(req.Header.Values("Content-Digest"), body); err != nil {
			return nil, err
		}
		ev.ContentDigest = req.Header.Get("Content-Digest")
	}
	ev.SignatureInput = Label + "=" + p.sigParams
	ev.Signature = Label + "=" + p.sigItem
	ev.Components = make([]string, len(p.components))
	for i, c := range p.components {
		ev.Components[i] = `"` + c + `"`
	}
	if err := v.recordNonce(ev); err != nil {
		return nil, err
	}
	return ev, nil
}

// signParams serializes the inner list of a new signature with its parameters in the order
// the library writes them (created, nonce, alg, tag, keyid); items are serialized component
// identifiers.
func signParams(items []httpsfv.Item, created int64, nonce, tag, keyID string) (string, error) {
	p := httpsfv.NewParams()
	p.Add("created", created)
	p.Add("nonce", nonce)
	p.Add("alg", Alg)
	p.Add("tag", tag)
	p.Add("keyid", keyID)
	return httpsfv.Marshal(httpsfv.InnerList{Items: items, Params: p})
}

// quotable reports whether s goes into a parameter unchanged: the library escapes '\' and '"'
// itself before the structured-field serializer does, and refuses control characters.
func quotable(s string) bool {
	for i := 0; i < len(s); i++ {
		if b := s[i]; b < ' ' || b == 0x7f || b == '\\' || b == '"' {
			return false
		}
	}
	return true
}

var (
	requestItems = map[bool][]httpsfv.Item{
		true:  {httpsfv.NewItem("@method"), httpsfv.NewItem("@target-uri"), httpsfv.NewItem("content-digest"), httpsfv.NewItem("content-type")},
		false: {httpsfv.NewItem("@method"), httpsfv.NewItem("@target-uri")},
	}
	statusItem     = httpsfv.NewItem("@status")
	digestItem     = httpsfv.NewItem("content-digest")
	typeItem       = httpsfv.NewItem("content-type")
	requestSigItem = func() httpsfv.Item {
		it := httpsfv.NewItem("signature")
		it.Params.Add("key", Label)
		it.Params.Add("req", true)
		return it
	}()
)

// signRequestFast is SignRequest's signing for a request in the fast path's shape (the
// caller has set Content-Digest); errNotFast otherwise.
func (s *Signer) signRequestFast(req *http.Request, hasBody bool, created int64, nonce string) (input, sig string, err error) {
	if s.KeyID == "" || !quotable(nonce) || req.URL == nil || req.URL.RawQuery != "" || !plainHeader(req.Header) {
		return "", "", errNotFast
	}
	comps := RequestComponents(hasBody)
	params, err := signParams(requestItems[hasBody], created, nonce, RequestTag, s.KeyID)
	if err != nil {
		return "", "", errNotFast
	}
	base, ok := requestBase(req, comps, params)
	if !ok {
		return "", "", errNotFast
	}
	return Label + "=" + params, Label + "=:" + base64.StdEncoding.EncodeToString(sign(s.Private, base)) + ":", nil
}

// signResponseFast is SignResponse's signing without extra components, for a response to a
// request in the fast path's shape (the caller has set Content-Digest); errNotFast otherwise.
func (s *Signer) signResponseFast(h http.Header, status int, hasBody bool, req *http.Request, requestSigned bool, created int64, nonce string) (input, sig string, err error) {
	if s.KeyID == "" || !quotable(nonce) || req.URL == nil || req.URL.RawQuery != "" || !plainHeader(h) || !plainHeader(req.Header) || req.Method == "" {
		return "", "", errNotFast
	}
	items := make([]httpsfv.Item, 0, 4)
	b := make([]byte, 0, 512)
	items = append(items, statusItem)
	b = append(b, `"@status": `...)
	b = strconv.AppendInt(b, int64(status), 10)
	b = append(b, '\n')
	if hasBody {
		for _, c := range []struct {
			name string
			item httpsfv.Item
		}{{"content-digest", digestItem}, {"content-type", typeItem}} {
			v, ok := fold(h, c.name)
			if !ok {
				return "", "", errNotFast
			}
			items = append(items, c.item)
			b = append(b, '"')
			b = append(b, c.name...)
			b = append(b, `": `...)
			b = append(b, v...)
			b = append(b, '\n')
		}
	}
	if requestSigned {
		// The library reads the request's member and serializes it again; for a plain byte
		// sequence that is ":" base64 ":".
		_, member, err := signatureMember(req.Header)
		if err != nil {
			return "", "", errNotFast
		}
		items = append(items, requestSigItem)
		b = append(b, `"signature";key="`+Label+`";req: `...)
		b = append(b, member...)
		b = append(b, '\n')
	}
	params, err := signParams(items, created, nonce, ResponseTag, s.KeyID)
	if err != nil {
		return "", "", errNotFast
	}
	b = append(b, `"@signature-params": `...)
	b = append(b, params...)
	return Label + "=" + params, Label + "=:" + base64.StdEncoding.EncodeToString(sign(s.Private, b)) + ":", nil
}

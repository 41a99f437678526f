package httpsig

import (
	"crypto/ed25519"
	"crypto/tls"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/dunglas/httpsfv"
	g "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/yaronf/httpsign"

	"github.com/idmefcheck/idmefcheck/reference/transport"
)

// Ginkgo is imported by name: its Label would hide the profile's.

// These specs hold the fast path (fast.go) to the library: the same signature bases byte for
// byte, the same fields, the same verdicts and errors, and the library's path for everything
// outside the profile's shape. Ed25519 signatures are deterministic, so equal signatures by
// one key mean equal signature bases.
var _ = g.Describe("the fast path, against the yaronf/httpsign library", g.Label("R4766-6.5", "R4766-6.6"), func() {
	const peer = transport.Identity("dns:analyzer.idmefcheck.test")
	const content = `{"Version":"2.D.V08","ID":"0190a6e2-7c1d-7b3e-9f00-5a1b2c3d4e5f"}`
	var pub ed25519.PublicKey
	var priv ed25519.PrivateKey
	g.BeforeEach(func() {
		pub, priv, _ = ed25519.GenerateKey(nil)
	})
	verifier := func() *Verifier {
		return &Verifier{Keys: map[string]Key{"analyzer": {KeyID: "analyzer", Public: pub, Identity: peer}}, Nonces: NewNonceCache(100)}
	}
	// client builds a request as an analyzer sends it.
	client := func(method, target, body string) *http.Request {
		req, err := http.NewRequest(method, target, strings.NewReader(body))
		Expect(err).NotTo(HaveOccurred())
		if body != "" {
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Content-Digest", ContentDigest([]byte(body)))
		}
		return req
	}
	// librarySign signs req through the library alone, covering comps.
	librarySign := func(req *http.Request, comps []string, cfg *httpsign.SignConfig) {
		s, err := httpsign.NewEd25519Signer(priv, cfg, httpsign.Headers(comps...))
		Expect(err).NotTo(HaveOccurred())
		in, sig, err := httpsign.SignRequest(Label, *s, shallow(req))
		Expect(err).NotTo(HaveOccurred())
		req.Header.Set("Signature-Input", in)
		req.Header.Set("Signature", sig)
	}
	profileConfig := func() *httpsign.SignConfig {
		return httpsign.NewSignConfig().SetKeyID("analyzer").SetNonce(newNonce()).SetTag(RequestTag)
	}
	// received is what a TLS server's handler sees of a client request.
	received := func(req *http.Request, body string) *http.Request {
		u, err := url.Parse(req.URL.RequestURI())
		Expect(err).NotTo(HaveOccurred())
		return &http.Request{Method: req.Method, URL: u, Host: req.URL.Host, Header: req.Header.Clone(),
			Body: io.NopCloser(strings.NewReader(body)), TLS: &tls.ConnectionState{}, Proto: "HTTP/2.0"}
	}
	// both verifies a copy of req through each path, with verifiers of their own, and holds
	// them to the same outcome; it returns the fast path's.
	both := func(req *http.Request, body string, who transport.Identity) (*Evidence, error) {
		fast, lib := verifier(), verifier()
		evFast, errFast := fast.verifyRequestFast(req, []byte(body), who)
		Expect(errors.Is(errFast, errNotFast)).To(BeFalse(), "the request is in the fast path's shape")
		evLib, errLib := lib.verifyRequestLibrary(req, []byte(body), who)
		if errLib == nil {
			Expect(errFast).NotTo(HaveOccurred())
			Expect(evFast).To(Equal(evLib))
		} else {
			Expect(errFast).To(HaveOccurred())
			Expect(errFast.Error()).To(Equal(errLib.Error()))
		}
		return evFast, errFast
	}

	g.DescribeTable("builds the library's signature base of a request, and verifies as it does",
		func(method, target, body string, comps []string, edit func(*http.Request)) {
			sent := client(method, target, body)
			if edit != nil {
				edit(sent)
			}
			librarySign(sent, comps, profileConfig())
			got := received(sent, body)
			p, err := parseProfileSig(got.Header)
			Expect(err).NotTo(HaveOccurred())
			base, ok := requestBase(got, p.components, p.sigParams)
			Expect(ok).To(BeTrue())
			Expect(ed25519.Sign(priv, base)).To(Equal(p.sig), "the fast path's base is the one the library signed:\n%s", base)
			_, err = both(got, body, peer)
			Expect(err).NotTo(HaveOccurred())
		},
		g.Entry("the profile's components", "POST", "https://manager.idmefcheck.test:4690/", content, RequestComponents(true), nil),
		g.Entry("in another order", "POST", "https://manager.idmefcheck.test:4690/", content,
			[]string{"content-type", "@target-uri", "content-digest", "@method"}, nil),
		g.Entry("a request without content", "GET", "https://manager.idmefcheck.test:4690/v1/pull", "", RequestComponents(false), nil),
		g.Entry("an empty path", "POST", "https://manager.idmefcheck.test:4690", content, RequestComponents(true), nil),
		g.Entry("an escaped path", "POST", "https://manager.idmefcheck.test/a%2Fb/c%20d", content, RequestComponents(true), nil),
		g.Entry("an IPv6 authority", "POST", "https://[::1]:4690/", content, RequestComponents(true), nil),
		g.Entry("fields with spaces and several lines", "POST", "https://manager.idmefcheck.test:4690/", content, RequestComponents(true),
			func(r *http.Request) { r.Header["Content-Type"] = []string{" application/json ", "charset=utf-8\t"} }),
	)

	g.It("gives the library's errors, in the library's order", func() {
		tampered := strings.Replace(content, "V08", "V07", 1)
		sent := client("POST", "https://manager.idmefcheck.test:4690/", content)
		librarySign(sent, RequestComponents(true), profileConfig())
		_, err := both(received(sent, content), tampered, peer)
		Expect(err).To(MatchError(ErrDigest))

		moved := received(sent, content)
		moved.URL.Path = "/elsewhere"
		_, err = both(moved, content, peer)
		Expect(err).To(MatchError(ErrBadSignature))

		plain := received(sent, content)
		plain.TLS = nil // the target URI becomes http://
		_, err = both(plain, content, peer)
		Expect(err).To(MatchError(ErrBadSignature))

		_, err = both(received(sent, content), content, "dns:other.idmefcheck.test")
		Expect(err).To(MatchError(ErrWrongPeer))

		uncovered := client("POST", "https://manager.idmefcheck.test:4690/", content)
		librarySign(uncovered, []string{"@method", "@target-uri", "content-digest"}, profileConfig())
		_, err = both(received(uncovered, content), content, peer)
		Expect(err).To(MatchError(ErrComponents))

		for _, cfg := range []*httpsign.SignConfig{
			httpsign.NewSignConfig().SetKeyID("analyzer").SetTag(RequestTag),                                  // no nonce
			httpsign.NewSignConfig().SetKeyID("analyzer").SetNonce("n").SetTag("other"),                       // wrong tag
			httpsign.NewSignConfig().SetKeyID("analyzer").SetNonce("n").SetTag(RequestTag).SignCreated(false), // no created
		} {
			r := client("POST", "https://manager.idmefcheck.test:4690/", content)
			librarySign(r, RequestComponents(true), cfg)
			_, err = both(received(r, content), content, peer)
			Expect(err).To(MatchError(ErrParams))
		}

		r := client("POST", "https://manager.idmefcheck.test:4690/", content)
		librarySign(r, RequestComponents(true), httpsign.NewSignConfig().SetKeyID("intruder").SetNonce("n").SetTag(RequestTag))
		_, err = both(received(r, content), content, peer)
		Expect(err).To(MatchError(ErrUnknownKey))

		old := verifier()
		old.Now = func() time.Time { return time.Now().Add(time.Hour) }
		_, err = old.verifyRequestFast(received(sent, content), []byte(content), peer)
		Expect(err).To(MatchError(ErrStale))

		v := verifier()
		_, err = v.verifyRequestFast(received(sent, content), []byte(content), peer)
		Expect(err).NotTo(HaveOccurred())
		_, err = v.verifyRequestFast(received(sent, content), []byte(content), peer)
		Expect(err).To(MatchError(ErrReplay))
	})

	g.DescribeTable("leaves to the library what is not in the profile's shape, with the library's verdict",
		func(comps []string, cfg *httpsign.SignConfig, target string, edit func(*http.Request)) {
			sent := client("POST", target, content)
			sent.Header.Set("Date", time.Now().UTC().Format(http.TimeFormat))
			librarySign(sent, comps, cfg)
			got := received(sent, content)
			if edit != nil {
				edit(got)
			}
			_, err := verifier().verifyRequestFast(got, []byte(content), peer)
			Expect(err).To(MatchError(errNotFast))
			evPublic, errPublic := verifier().VerifyRequest(got, []byte(content), peer)
			evLib, errLib := verifier().verifyRequestLibrary(got, []byte(content), peer)
			if errLib == nil {
				Expect(errPublic).NotTo(HaveOccurred())
				Expect(evPublic).To(Equal(evLib))
			} else {
				Expect(errPublic).To(MatchError(errLib.Error()))
			}
		},
		g.Entry("another component", append(RequestComponents(true), "date"), profileConfig(), "https://m.idmefcheck.test/", nil),
		g.Entry("an expires parameter", RequestComponents(true), profileConfig().SetExpires(time.Now().Add(time.Minute).Unix()), "https://m.idmefcheck.test/", nil),
		g.Entry("a query", RequestComponents(true), profileConfig(), "https://m.idmefcheck.test/?a=b", nil),
		g.Entry("a header name that is not canonical", RequestComponents(true), profileConfig(), "https://m.idmefcheck.test/", func(r *http.Request) {
			r.Header["x-lower"] = []string{"1"}
		}),
		g.Entry(`a header name starting with "@"`, RequestComponents(true), profileConfig(), "https://m.idmefcheck.test/", func(r *http.Request) {
			r.Header["@method"] = []string{"GET"}
		}),
		g.Entry("a covered field missing", RequestComponents(true), profileConfig(), "https://m.idmefcheck.test/", func(r *http.Request) {
			r.Header.Del("Content-Type")
		}),
		g.Entry("a malformed Signature-Input", RequestComponents(true), profileConfig(), "https://m.idmefcheck.test/", func(r *http.Request) {
			r.Header.Set("Signature-Input", r.Header.Get("Signature-Input")+`;(`)
		}),
	)

	g.It("says ErrUnsigned exactly when Signed is false", func() {
		for _, in := range [][]string{nil, {`other=("@method");created=1`}, {`other=("@method");created=1`, `idmef=("@method");created=1`},
			{`idmef=("@method"`}, {`idmef=("@method");created=1;keyid="k"`}} {
			req := client("POST", "https://manager.idmefcheck.test:4690/", content)
			if in != nil {
				req.Header["Signature-Input"] = in
			}
			_, err := verifier().VerifyRequest(received(req, content), []byte(content), peer)
			Expect(errors.Is(err, ErrUnsigned)).To(Equal(!Signed(req.Header)), "%q", in)
		}
	})

	// created is the created parameter of a Signature-Input value.
	created := func(input string) int64 {
		d, err := httpsfv.UnmarshalDictionary([]string{input})
		Expect(err).NotTo(HaveOccurred())
		m, _ := d.Get(Label)
		c, _ := m.(httpsfv.InnerList).Params.Get("created")
		return c.(int64)
	}

	g.DescribeTable("signs a request exactly as the library does",
		func(method, target, body string) {
			s := &Signer{KeyID: "analyzer", Private: priv}
			req := client(method, target, body)
			nonce := newNonce()
			signer, err := httpsign.NewEd25519Signer(priv, httpsign.NewSignConfig().SetKeyID("analyzer").SetNonce(nonce).SetTag(RequestTag),
				httpsign.Headers(RequestComponents(body != "")...))
			Expect(err).NotTo(HaveOccurred())
			wantIn, wantSig, err := httpsign.SignRequest(Label, *signer, shallow(req))
			Expect(err).NotTo(HaveOccurred())
			in, sig, err := s.signRequestFast(req, body != "", created(wantIn), nonce)
			Expect(err).NotTo(HaveOccurred())
			Expect(in).To(Equal(wantIn))
			Expect(sig).To(Equal(wantSig))
		},
		g.Entry("with content", "POST", "https://manager.idmefcheck.test:4690/", content),
		g.Entry("with an empty path", "POST", "https://manager.idmefcheck.test:4690", content),
		g.Entry("without content", "GET", "https://manager.idmefcheck.test:4690/v1/pull", ""),
	)

	g.DescribeTable("signs a response exactly as the library does",
		func(status int, body string, requestSigned bool) {
			s := &Signer{KeyID: "manager", Private: priv}
			sent := client("POST", "https://manager.idmefcheck.test:4690/", content)
			if requestSigned {
				librarySign(sent, RequestComponents(true), profileConfig())
			}
			req := received(sent, content)
			h := http.Header{}
			if body != "" {
				h.Set("Content-Type", "application/json")
				h.Set("Content-Length", "18")
				h.Set("Content-Digest", ContentDigest([]byte(body)))
			}
			nonce := newNonce()
			signer, err := httpsign.NewEd25519Signer(priv, httpsign.NewSignConfig().SetKeyID("manager").SetNonce(nonce).SetTag(ResponseTag),
				*ResponseComponents(body != "", requestSigned))
			Expect(err).NotTo(HaveOccurred())
			wantIn, wantSig, err := httpsign.SignResponse(Label, *signer, &http.Response{StatusCode: status, Header: h}, shallow(req))
			Expect(err).NotTo(HaveOccurred())
			in, sig, err := s.signResponseFast(h, status, body != "", req, requestSigned, created(wantIn), nonce)
			Expect(err).NotTo(HaveOccurred())
			Expect(in).To(Equal(wantIn))
			Expect(sig).To(Equal(wantSig))
		},
		g.Entry("a receipt bound to the request's signature", http.StatusNoContent, "", true),
		g.Entry("a refusal with content, bound", http.StatusForbidden, `{"error":"x"}`, true),
		g.Entry("an answer to an unsigned request", http.StatusNoContent, "", false),
		g.Entry("a refusal with content to an unsigned request", http.StatusBadRequest, `{"error":"x"}`, false),
	)
})

// BenchmarkReceipt measures what the manager pays for a receipt: SignResponse of a 204 bound to
// a signed request.
func BenchmarkReceipt(b *testing.B) {
	_, apriv, _ := ed25519.GenerateKey(nil)
	_, mpriv, _ := ed25519.GenerateKey(nil)
	req, _ := http.NewRequest(http.MethodPost, "https://manager.idmefcheck.test:4690/", nil)
	req.Header.Set("Content-Type", "application/json")
	body := []byte(`{"ID":"x"}`)
	if err := (&Signer{KeyID: "analyzer", Private: apriv}).SignRequest(req, body); err != nil {
		b.Fatal(err)
	}
	m := &Signer{KeyID: "manager", Private: mpriv}
	b.ReportAllocs()
	for b.Loop() {
		if err := m.SignResponse(http.Header{}, http.StatusNoContent, nil, req, true); err != nil {
			b.Fatal(err)
		}
	}
}

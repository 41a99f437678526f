package httpsig

import (
	"crypto/ed25519"
	"crypto/tls"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	g "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/yaronf/httpsign"

	"github.com/idmefcheck/idmefcheck/reference/transport"
)

// SignRequestAt builds the signature base itself, because the library stamps "created" from
// its own clock. These specs hold it to the library: signed by the library and by
// SignRequestAt at the library's created second with the same nonce, a request carries the
// same Signature-Input and Signature fields byte for byte (Ed25519 is deterministic, so equal
// signatures mean equal signature bases), and the library's verifier accepts its signatures.
var _ = g.Describe("Signer.SignRequestAt", g.Label("R4766-6.8", "R4766-6.5"), func() {
	const peer = transport.Identity("dns:analyzer.idmefcheck.test")
	const content = `{"Version":"2.D.V08","ID":"0190a6e2-7c1d-7b3e-9f00-5a1b2c3d4e5f"}`
	var pub ed25519.PublicKey
	var signer *Signer
	g.BeforeEach(func() {
		var priv ed25519.PrivateKey
		pub, priv, _ = ed25519.GenerateKey(nil)
		signer = &Signer{KeyID: "analyzer", Private: priv}
	})
	verifier := func() *Verifier {
		return &Verifier{Keys: map[string]Key{"analyzer": {KeyID: "analyzer", Public: pub, Identity: peer}}, Nonces: NewNonceCache(100)}
	}
	request := func(method, target, body string) *http.Request {
		var rd io.Reader
		if body != "" {
			rd = strings.NewReader(body)
		}
		req, err := http.NewRequest(method, target, rd)
		Expect(err).NotTo(HaveOccurred())
		if body != "" {
			req.Header.Set("Content-Type", "application/json")
		}
		return req
	}
	// received is what a TLS server's handler sees of a client request.
	received := func(req *http.Request, body string) *http.Request {
		u, err := url.Parse(req.URL.RequestURI())
		Expect(err).NotTo(HaveOccurred())
		return &http.Request{Method: req.Method, URL: u, Host: req.URL.Host, Header: req.Header.Clone(),
			Body: io.NopCloser(strings.NewReader(body)), TLS: &tls.ConnectionState{}, Proto: "HTTP/2.0"}
	}

	g.DescribeTable("signs exactly as the library does at the same second",
		func(method, target, body string) {
			nonce := newNonce()
			lib := request(method, target, body)
			if body != "" {
				lib.Header.Set("Content-Digest", ContentDigest([]byte(body)))
			}
			cfg := httpsign.NewSignConfig().SetKeyID("analyzer").SetNonce(nonce).SetTag(RequestTag)
			s, err := httpsign.NewEd25519Signer(signer.Private, cfg, httpsign.Headers(RequestComponents(body != "")...))
			Expect(err).NotTo(HaveOccurred())
			in, sig, err := httpsign.SignRequest(Label, *s, shallow(lib))
			Expect(err).NotTo(HaveOccurred())
			lib.Header.Set("Signature-Input", in)
			lib.Header.Set("Signature", sig)
			p, err := parseProfileSig(lib.Header)
			Expect(err).NotTo(HaveOccurred())
			created := p.details.Created.Unix() // the library's clock

			ours := request(method, target, body)
			Expect(signer.signRequestAt(ours, []byte(body), created, nonce)).To(Succeed())
			Expect(ours.Header.Get("Signature-Input")).To(Equal(lib.Header.Get("Signature-Input")))
			Expect(ours.Header.Get("Signature")).To(Equal(lib.Header.Get("Signature")))
			Expect(ours.Header.Get("Content-Digest")).To(Equal(lib.Header.Get("Content-Digest")))

			_, err = verifier().verifyRequestLibrary(received(ours, body), []byte(body), peer)
			Expect(err).NotTo(HaveOccurred(), "the library's verifier accepts SignRequestAt's signature")
		},
		g.Entry("an alert", "POST", "https://manager.idmefcheck.test:4690/", content),
		g.Entry("an alert to another path", "POST", "https://manager.idmefcheck.test:4690/v1/alerts", content),
		g.Entry("an IPv6 authority", "POST", "https://[::1]:4690/", content),
		g.Entry("a request without content", "GET", "https://manager.idmefcheck.test:4690/v1/pull", ""),
	)

	g.It("puts the given time in created, so that a verifier finds an old signature stale", func() {
		at := time.Now().Add(-10 * time.Minute)
		req := request("POST", "https://manager.idmefcheck.test:4690/", content)
		Expect(signer.SignRequestAt(req, []byte(content), at)).To(Succeed())
		Expect(req.Header.Get("Signature-Input")).To(ContainSubstring(";created=" + strconv.FormatInt(at.Unix(), 10) + ";"))

		_, err := verifier().VerifyRequest(received(req, content), []byte(content), peer)
		Expect(err).To(MatchError(ErrStale))
		_, err = verifier().verifyRequestLibrary(received(req, content), []byte(content), peer)
		Expect(err).To(MatchError(ErrStale))

		then := verifier()
		then.Now = func() time.Time { return at.Add(time.Second) }
		_, err = then.VerifyRequest(received(req, content), []byte(content), peer)
		Expect(err).NotTo(HaveOccurred(), "at its own time the signature is good: only its age is wrong")
	})

	g.It("gives every signature a fresh nonce", func() {
		a := request("POST", "https://manager.idmefcheck.test:4690/", content)
		b := request("POST", "https://manager.idmefcheck.test:4690/", content)
		at := time.Now()
		Expect(signer.SignRequestAt(a, []byte(content), at)).To(Succeed())
		Expect(signer.SignRequestAt(b, []byte(content), at)).To(Succeed())
		Expect(a.Header.Get("Signature-Input")).NotTo(Equal(b.Header.Get("Signature-Input")))
	})

	g.It("refuses a request outside the profile's shape and leaves it unsigned", func() {
		req := request("POST", "https://manager.idmefcheck.test:4690/?token=1", content)
		Expect(signer.SignRequestAt(req, []byte(content), time.Now())).To(MatchError(ContainSubstring("profile's shape")))
		Expect(req.Header).NotTo(HaveKey("Signature-Input"))
		Expect(req.Header).NotTo(HaveKey("Content-Digest"))
	})
})

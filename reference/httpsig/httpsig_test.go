package httpsig_test

import (
	"bufio"
	"bytes"
	"crypto/ed25519"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/yaronf/httpsign"

	"github.com/idmefcheck/idmefcheck/reference/httpsig"
	"github.com/idmefcheck/idmefcheck/reference/transport"
)

// RFC 9421 Appendix B.1.4 (test-key-ed25519) and B.2.6 (signing a request with Ed25519).
const (
	rfcPrivateKey = "-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIJ+DYvh6SEqVTm50DFtMDoQikTmiCqirVv9mWG9qfSnF\n-----END PRIVATE KEY-----\n"
	rfcPublicKey  = "-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEAJrQLj5P/89iXES9+vFgrIy29clF9CC/oPPsw3c5D0bs=\n-----END PUBLIC KEY-----\n"
	rfcRequest    = "POST /foo?param=Value&Pet=dog HTTP/1.1\r\n" +
		"Host: example.com\r\n" +
		"Date: Tue, 20 Apr 2021 02:07:55 GMT\r\n" +
		"Content-Type: application/json\r\n" +
		"Content-Digest: sha-512=:WZDPaVn/7XgHaAy8pmojAkGWoRx2UFChF41A2svX+TaPm+AbwAgBWnrIiYllu7BNNyealdVLvRwEmTHWXvJwew==:\r\n" +
		"Content-Length: 18\r\n" +
		"Signature-Input: sig-b26=(\"date\" \"@method\" \"@path\" \"@authority\" \"content-type\" \"content-length\");created=1618884473;keyid=\"test-key-ed25519\"\r\n" +
		"Signature: sig-b26=:wqcAqbmYJ2ji2glfAMaRy4gruYYnx2nEFN2HN6jrnDnQCK1u02Gb04v9EDgwUPiu4A0w6vuQv5lIp5WPpBKRCw==:\r\n" +
		"\r\n" +
		"{\"hello\": \"world\"}"
	rfcSignatureBase = "\"date\": Tue, 20 Apr 2021 02:07:55 GMT\n" +
		"\"@method\": POST\n" +
		"\"@path\": /foo\n" +
		"\"@authority\": example.com\n" +
		"\"content-type\": application/json\n" +
		"\"content-length\": 18\n" +
		"\"@signature-params\": (\"date\" \"@method\" \"@path\" \"@authority\" \"content-type\" \"content-length\");created=1618884473;keyid=\"test-key-ed25519\""
	rfcSignature = "wqcAqbmYJ2ji2glfAMaRy4gruYYnx2nEFN2HN6jrnDnQCK1u02Gb04v9EDgwUPiu4A0w6vuQv5lIp5WPpBKRCw=="
)

func pemDER(s string) []byte {
	b, _ := pem.Decode([]byte(s))
	Expect(b).NotTo(BeNil())
	return b.Bytes
}

func readRFCRequest() *http.Request {
	req, err := http.ReadRequest(bufio.NewReader(strings.NewReader(rfcRequest)))
	Expect(err).NotTo(HaveOccurred())
	return req
}

var _ = Describe("the yaronf/httpsign library against RFC 9421 Appendix B.2.6", Label("R4766-6.5", "R4766-6.6"), func() {
	var pub ed25519.PublicKey
	var fields httpsign.Fields
	BeforeEach(func() {
		k, err := x509.ParsePKIXPublicKey(pemDER(rfcPublicKey))
		Expect(err).NotTo(HaveOccurred())
		pub = k.(ed25519.PublicKey)
		fields = httpsign.Headers("date", "@method", "@path", "@authority", "content-type", "content-length")
	})

	It("verifies the RFC's Ed25519 signature of its test request", func() {
		v, err := httpsign.NewEd25519Verifier(pub, httpsign.NewVerifyConfig().SetVerifyCreated(false), fields)
		Expect(err).NotTo(HaveOccurred())
		Expect(httpsign.VerifyRequest("sig-b26", *v, readRFCRequest())).To(Succeed())
	})

	It("refuses the RFC's signature once a covered header changes", func() {
		v, err := httpsign.NewEd25519Verifier(pub, httpsign.NewVerifyConfig().SetVerifyCreated(false), fields)
		Expect(err).NotTo(HaveOccurred())
		req := readRFCRequest()
		req.Header.Set("Content-Type", "application/json; charset=utf-8")
		Expect(httpsign.VerifyRequest("sig-b26", *v, req)).To(HaveOccurred())
	})

	It("holds the RFC's key: Ed25519 over the RFC's signature base gives the RFC's signature", func() {
		k, err := x509.ParsePKCS8PrivateKey(pemDER(rfcPrivateKey))
		Expect(err).NotTo(HaveOccurred())
		sig := ed25519.Sign(k.(ed25519.PrivateKey), []byte(rfcSignatureBase))
		Expect(base64.StdEncoding.EncodeToString(sig)).To(Equal(rfcSignature))
	})
})

var _ = Describe("ContentDigest", Label("R4766-6.5"), func() {
	It("gives RFC 9530's example value for {\"hello\": \"world\"}", func() {
		Expect(httpsig.ContentDigest([]byte(`{"hello": "world"}`))).To(Equal("sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:"))
	})
	It("checks the RFC 9530 sha-512 example and refuses other content", func() {
		v := []string{"sha-512=:WZDPaVn/7XgHaAy8pmojAkGWoRx2UFChF41A2svX+TaPm+AbwAgBWnrIiYllu7BNNyealdVLvRwEmTHWXvJwew==:"}
		Expect(httpsig.CheckContentDigest(v, []byte(`{"hello": "world"}`))).To(Succeed())
		Expect(httpsig.CheckContentDigest(v, []byte(`{"hello": "World"}`))).To(MatchError(httpsig.ErrDigest))
	})
	It("refuses a field with no algorithm the profile knows", func() {
		Expect(httpsig.CheckContentDigest([]string{"md5=:AAAA:"}, nil)).To(MatchError(httpsig.ErrDigest))
		Expect(httpsig.CheckContentDigest(nil, nil)).To(MatchError(httpsig.ErrDigest))
	})
})

// fixture is an analyzer key, a manager key and verifiers for each side.
type fixture struct {
	analyzer, manager *httpsig.Signer
	server            *httpsig.Verifier // the manager's view of analyzers' requests
	client            *httpsig.Verifier // the analyzer's view of the manager's responses
}

const analyzerID = transport.Identity("dns:analyzer.idmefcheck.test")
const body = `{"Version":"2.D.V08","ID":"0190a6e2-7c1d-7b3e-9f00-5a1b2c3d4e5f"}`

func newFixture() *fixture {
	apub, apriv, _ := ed25519.GenerateKey(nil)
	mpub, mpriv, _ := ed25519.GenerateKey(nil)
	return &fixture{
		analyzer: &httpsig.Signer{KeyID: "analyzer", Private: apriv},
		manager:  &httpsig.Signer{KeyID: "manager", Private: mpriv},
		server: &httpsig.Verifier{
			Keys:   map[string]httpsig.Key{"analyzer": {KeyID: "analyzer", Public: apub, Identity: analyzerID}},
			Nonces: httpsig.NewNonceCache(1000),
		},
		client: &httpsig.Verifier{
			Keys: map[string]httpsig.Key{"manager": {KeyID: "manager", Public: mpub, Identity: "dns:manager.idmefcheck.test"}},
		},
	}
}

// clientRequest builds a request as an analyzer sends it.
func clientRequest(target string) *http.Request {
	req, err := http.NewRequest(http.MethodPost, target, strings.NewReader(body))
	Expect(err).NotTo(HaveOccurred())
	req.Header.Set("Content-Type", "application/json")
	return req
}

// asReceived turns a client request into what a TLS server's handler sees.
func asReceived(req *http.Request, content string) *http.Request {
	u, err := url.Parse(req.URL.RequestURI())
	Expect(err).NotTo(HaveOccurred())
	r := &http.Request{Method: req.Method, URL: u, Host: req.URL.Host, Header: req.Header.Clone(),
		Body: io.NopCloser(strings.NewReader(content)), TLS: &tls.ConnectionState{}, Proto: "HTTP/2.0"}
	return r
}

var _ = Describe("Verifier.VerifyRequest", Label("R4766-6.5", "R4766-6.6", "R4766-6.8"), func() {
	var f *fixture
	var sent *http.Request
	BeforeEach(func() {
		f = newFixture()
		sent = clientRequest("https://manager.idmefcheck.test:4690/")
		Expect(f.analyzer.SignRequest(sent, []byte(body))).To(Succeed())
	})

	It("accepts a fresh signature by the peer's own key and returns the evidence", func() {
		ev, err := f.server.VerifyRequest(asReceived(sent, body), []byte(body), analyzerID)
		Expect(err).NotTo(HaveOccurred())
		Expect(ev.KeyID).To(Equal("analyzer"))
		Expect(ev.Identity).To(Equal(analyzerID))
		Expect(ev.Components).To(Equal([]string{`"@method"`, `"@target-uri"`, `"content-digest"`, `"content-type"`}))
		Expect(ev.SignatureInput).To(HavePrefix(`idmef=("@method" "@target-uri" "content-digest" "content-type");`))
		Expect(ev.SignatureInput).To(ContainSubstring(`alg="ed25519"`))
		Expect(ev.SignatureInput).To(ContainSubstring(`tag="idmefv2-request"`))
		Expect(ev.Nonce).NotTo(BeEmpty())
		Expect(ev.ContentDigest).To(Equal(httpsig.ContentDigest([]byte(body))))
	})

	It("refuses the same signature a second time", func() {
		_, err := f.server.VerifyRequest(asReceived(sent, body), []byte(body), analyzerID)
		Expect(err).NotTo(HaveOccurred())
		_, err = f.server.VerifyRequest(asReceived(sent, body), []byte(body), analyzerID)
		Expect(err).To(MatchError(httpsig.ErrReplay))
	})

	It("refuses a signature older than the window", func() {
		f.server.Now = func() time.Time { return time.Now().Add(httpsig.DefaultWindow + time.Minute) }
		_, err := f.server.VerifyRequest(asReceived(sent, body), []byte(body), analyzerID)
		Expect(err).To(MatchError(httpsig.ErrStale))
	})

	It("refuses a signature created too far in the future", func() {
		f.server.Now = func() time.Time { return time.Now().Add(-time.Minute) }
		_, err := f.server.VerifyRequest(asReceived(sent, body), []byte(body), analyzerID)
		Expect(err).To(MatchError(httpsig.ErrStale))
	})

	It("refuses a key bound to another identity than the TLS peer's", func() {
		_, err := f.server.VerifyRequest(asReceived(sent, body), []byte(body), "dns:other.idmefcheck.test")
		Expect(err).To(MatchError(httpsig.ErrWrongPeer))
	})

	It("refuses an unknown keyid", func() {
		_, priv, _ := ed25519.GenerateKey(nil)
		req := clientRequest("https://manager.idmefcheck.test:4690/")
		Expect((&httpsig.Signer{KeyID: "intruder", Private: priv}).SignRequest(req, []byte(body))).To(Succeed())
		_, err := f.server.VerifyRequest(asReceived(req, body), []byte(body), analyzerID)
		Expect(err).To(MatchError(httpsig.ErrUnknownKey))
	})

	It("refuses a signature made with another key under the configured keyid", func() {
		_, priv, _ := ed25519.GenerateKey(nil)
		req := clientRequest("https://manager.idmefcheck.test:4690/")
		Expect((&httpsig.Signer{KeyID: "analyzer", Private: priv}).SignRequest(req, []byte(body))).To(Succeed())
		_, err := f.server.VerifyRequest(asReceived(req, body), []byte(body), analyzerID)
		Expect(err).To(MatchError(httpsig.ErrBadSignature))
	})

	It("refuses content that does not match the signed Content-Digest", func() {
		tampered := strings.Replace(body, "V08", "V07", 1)
		_, err := f.server.VerifyRequest(asReceived(sent, tampered), []byte(tampered), analyzerID)
		Expect(err).To(MatchError(httpsig.ErrDigest))
	})

	It("refuses a Content-Digest changed after signing", func() {
		tampered := strings.Replace(body, "V08", "V07", 1)
		sent.Header.Set("Content-Digest", httpsig.ContentDigest([]byte(tampered)))
		_, err := f.server.VerifyRequest(asReceived(sent, tampered), []byte(tampered), analyzerID)
		Expect(err).To(MatchError(httpsig.ErrBadSignature))
	})

	It("refuses a request sent to another target than the one signed", func() {
		moved := clientRequest("https://manager.idmefcheck.test:4690/elsewhere")
		moved.Header = sent.Header.Clone()
		_, err := f.server.VerifyRequest(asReceived(moved, body), []byte(body), analyzerID)
		Expect(err).To(MatchError(httpsig.ErrBadSignature))
	})

	It("refuses a signature that leaves content-type uncovered", func() {
		req := clientRequest("https://manager.idmefcheck.test:4690/")
		req.Header.Set("Content-Digest", httpsig.ContentDigest([]byte(body)))
		cfg := httpsign.NewSignConfig().SetKeyID("analyzer").SetNonce("n1").SetTag(httpsig.RequestTag)
		s, err := httpsign.NewEd25519Signer(f.analyzer.Private, cfg, httpsign.Headers("@method", "@target-uri", "content-digest"))
		Expect(err).NotTo(HaveOccurred())
		in, sig, err := httpsign.SignRequest(httpsig.Label, *s, req)
		Expect(err).NotTo(HaveOccurred())
		req.Header.Set("Signature-Input", in)
		req.Header.Set("Signature", sig)
		_, err = f.server.VerifyRequest(asReceived(req, body), []byte(body), analyzerID)
		Expect(err).To(MatchError(httpsig.ErrComponents))
	})

	It("refuses a signature without a nonce", func() {
		req := clientRequest("https://manager.idmefcheck.test:4690/")
		req.Header.Set("Content-Digest", httpsig.ContentDigest([]byte(body)))
		cfg := httpsign.NewSignConfig().SetKeyID("analyzer").SetTag(httpsig.RequestTag)
		s, err := httpsign.NewEd25519Signer(f.analyzer.Private, cfg, httpsign.Headers(httpsig.RequestComponents(true)...))
		Expect(err).NotTo(HaveOccurred())
		in, sig, err := httpsign.SignRequest(httpsig.Label, *s, req)
		Expect(err).NotTo(HaveOccurred())
		req.Header.Set("Signature-Input", in)
		req.Header.Set("Signature", sig)
		_, err = f.server.VerifyRequest(asReceived(req, body), []byte(body), analyzerID)
		Expect(err).To(MatchError(httpsig.ErrParams))
	})

	It("reports an unsigned request as unsigned, and ignores signatures under other labels", func() {
		req := clientRequest("https://manager.idmefcheck.test:4690/")
		_, err := f.server.VerifyRequest(asReceived(req, body), []byte(body), analyzerID)
		Expect(err).To(MatchError(httpsig.ErrUnsigned))
		req.Header.Set("Signature-Input", `other=("@method");created=1`)
		Expect(httpsig.Signed(req.Header)).To(BeFalse())
	})
})

var _ = Describe("Signer.SignResponse and Verifier.VerifyResponse", Label("R4766-6.6"), func() {
	var f *fixture
	var sent *http.Request
	BeforeEach(func() {
		f = newFixture()
		sent = clientRequest("https://manager.idmefcheck.test:4690/")
		Expect(f.analyzer.SignRequest(sent, []byte(body))).To(Succeed())
	})
	respond := func(req *http.Request, status int, content string) *http.Response {
		h := http.Header{}
		if content != "" {
			h.Set("Content-Type", "application/json")
		}
		Expect(f.manager.SignResponse(h, status, []byte(content), asReceived(req, body), httpsig.Signed(req.Header))).To(Succeed())
		return &http.Response{StatusCode: status, Header: h, Body: io.NopCloser(bytes.NewReader([]byte(content)))}
	}

	It("binds a 204 receipt to the request's signature", func() {
		res := respond(sent, http.StatusNoContent, "")
		Expect(res.Header.Get("Signature-Input")).To(HavePrefix(`idmef=("@status" "signature";key="idmef";req);`))
		ev, err := f.client.VerifyResponse(res, nil, sent)
		Expect(err).NotTo(HaveOccurred())
		Expect(ev.KeyID).To(Equal("manager"))
	})

	It("covers the content of a response with a body", func() {
		res := respond(sent, http.StatusBadRequest, `{"error":"invalid"}`)
		_, err := f.client.VerifyResponse(res, []byte(`{"error":"invalid"}`), sent)
		Expect(err).NotTo(HaveOccurred())
		_, err = f.client.VerifyResponse(res, []byte(`{"error":"other"}`), sent)
		Expect(err).To(MatchError(httpsig.ErrDigest))
	})

	It("does not verify against another request's signature", func() {
		res := respond(sent, http.StatusNoContent, "")
		other := clientRequest("https://manager.idmefcheck.test:4690/")
		Expect(f.analyzer.SignRequest(other, []byte(body))).To(Succeed())
		_, err := f.client.VerifyResponse(res, nil, other)
		Expect(err).To(MatchError(httpsig.ErrBadSignature))
	})

	It("does not verify with a changed status", func() {
		res := respond(sent, http.StatusNoContent, "")
		res.StatusCode = http.StatusOK
		_, err := f.client.VerifyResponse(res, nil, sent)
		Expect(err).To(MatchError(httpsig.ErrBadSignature))
	})

	It("signs the response to an unsigned request without binding", func() {
		plain := clientRequest("https://manager.idmefcheck.test:4690/")
		res := respond(plain, http.StatusNoContent, "")
		Expect(res.Header.Get("Signature-Input")).To(HavePrefix(`idmef=("@status");`))
		_, err := f.client.VerifyResponse(res, nil, plain)
		Expect(err).NotTo(HaveOccurred())
	})
})

var _ = Describe("NonceCache", Label("R4766-6.8"), func() {
	It("forgets nonces once their signatures leave the window, and refuses to grow past its size", func() {
		c := httpsig.NewNonceCache(2)
		now := time.Now()
		Expect(c.Add("a", now.Add(time.Second), now)).To(BeTrue())
		Expect(c.Add("a", now.Add(time.Second), now)).To(BeFalse())
		Expect(c.Add("b", now.Add(time.Second), now)).To(BeTrue())
		_, err := c.Add("c", now.Add(time.Second), now)
		Expect(err).To(MatchError(httpsig.ErrNonceCacheFull))
		later := now.Add(2 * time.Second)
		Expect(c.Add("c", later.Add(time.Second), later)).To(BeTrue())
		Expect(c.Len()).To(Equal(1))
	})
})

package httpsig

import (
	"crypto/ed25519"
	"crypto/tls"
	"errors"
	"io"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"testing"

	"github.com/idmefcheck/idmefcheck/reference/transport"
)

// FuzzVerifyFast holds the fast path's reading of Signature-Input and Signature to the
// library's on any field values: a signed request has its fields replaced by the fuzzer's
// (or the signed ones edited); whenever the fast path takes the request rather than leaving it
// to the library (errNotFast), both must give the same evidence or the same error.
func FuzzVerifyFast(f *testing.F) {
	const peer = transport.Identity("dns:analyzer.idmefcheck.test")
	const body = `{"Version":"2.D.V08","ID":"0190a6e2-7c1d-7b3e-9f00-5a1b2c3d4e5f"}`
	seed := ed25519.NewKeyFromSeed(make([]byte, ed25519.SeedSize))
	signer := &Signer{KeyID: "analyzer", Private: seed}
	signed := func() *http.Request {
		req, err := http.NewRequest(http.MethodPost, "https://manager.idmefcheck.test:4690/", strings.NewReader(body))
		if err != nil {
			f.Fatal(err)
		}
		req.Header.Set("Content-Type", "application/json")
		if err := signer.SignRequest(req, []byte(body)); err != nil {
			f.Fatal(err)
		}
		return req
	}
	good := signed()
	in, sig := good.Header.Get("Signature-Input"), good.Header.Get("Signature")
	f.Add(in, sig, uint8(0))
	f.Add(in, sig, uint8(1))
	f.Add(strings.Replace(in, "created=", "created=-", 1), sig, uint8(0))
	f.Add(in+`, other=("@method");created=1`, sig, uint8(0))
	f.Add(`idmef=("@method" "@target-uri");created=1;keyid="analyzer";nonce="n";tag="idmef-request"`, `idmef=:AAAA:`, uint8(0))
	f.Add(in, `idmef=:`+strings.Repeat("A", 86)+`==:`, uint8(2))
	f.Fuzz(func(t *testing.T, input, signature string, mode uint8) {
		req := signed()
		switch mode % 3 {
		case 0: // both fields from the fuzzer
			req.Header.Set("Signature-Input", input)
			req.Header.Set("Signature", signature)
		case 1: // the real signature under the fuzzer's parameters
			req.Header.Set("Signature-Input", input)
		case 2: // the real parameters with the fuzzer's signature
			req.Header.Set("Signature", signature)
		}
		u, _ := url.Parse(req.URL.RequestURI())
		got := func() *http.Request {
			return &http.Request{Method: req.Method, URL: u, Host: req.URL.Host, Header: req.Header.Clone(),
				Body: io.NopCloser(strings.NewReader(body)), TLS: &tls.ConnectionState{}, Proto: "HTTP/2.0"}
		}
		verifier := func() *Verifier {
			return &Verifier{Keys: map[string]Key{"analyzer": {KeyID: "analyzer", Public: seed.Public().(ed25519.PublicKey), Identity: peer}}, Nonces: NewNonceCache(10)}
		}
		evFast, errFast := verifier().verifyRequestFast(got(), []byte(body), peer)
		if errors.Is(errFast, errNotFast) {
			return
		}
		evLib, errLib := verifier().verifyRequestLibrary(got(), []byte(body), peer)
		switch {
		case errLib == nil && errFast != nil:
			t.Fatalf("the library verifies, the fast path refuses: %v\ninput %q\nsignature %q", errFast, input, signature)
		case errLib != nil && errFast == nil:
			t.Fatalf("the fast path verifies, the library refuses: %v\ninput %q\nsignature %q", errLib, input, signature)
		case errLib != nil && errFast.Error() != errLib.Error():
			t.Fatalf("different errors:\nfast:    %v\nlibrary: %v\ninput %q\nsignature %q", errFast, errLib, input, signature)
		case errLib == nil && !reflect.DeepEqual(evFast, evLib):
			t.Fatalf("different evidence:\nfast:    %+v\nlibrary: %+v", evFast, evLib)
		}
	})
}

package httpsig

import (
	"crypto/ed25519"
	"net/http"
	"strings"
	"testing"

	"github.com/idmefcheck/idmefcheck/reference/transport"
)

// BenchmarkVerifyRequest measures what the manager pays to verify a profile signature on an
// alert of about 1.1 KB: parsing both fields, the checks of the parameters and the key's
// binding, the signature base, Ed25519, the Content-Digest and the nonce cache. Every request
// is signed before the timer starts, each with a nonce of its own.
func BenchmarkVerifyRequest(b *testing.B) {
	const peer = transport.Identity("dns:analyzer.idmefcheck.test")
	pub, priv, _ := ed25519.GenerateKey(nil)
	body := []byte(`{"Version":"2.D.V08","ID":"0190a6e2-7c1d-7b3e-9f00-5a1b2c3d4e5f","Description":"` + strings.Repeat("x", 1000) + `"}`)
	s := &Signer{KeyID: "analyzer", Private: priv}
	reqs := make([]*http.Request, b.N)
	for i := range reqs {
		req, _ := http.NewRequest(http.MethodPost, "https://manager.idmefcheck.test:4690/", nil)
		req.Header.Set("Content-Type", "application/json")
		if err := s.SignRequest(req, body); err != nil {
			b.Fatal(err)
		}
		reqs[i] = req
	}
	v := &Verifier{Keys: map[string]Key{"analyzer": {KeyID: "analyzer", Public: pub, Identity: peer}}, Nonces: NewNonceCache(1 << 20)}
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		if _, err := v.VerifyRequest(reqs[i], body, peer); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkEd25519 measures the primitive alone, as the fast path calls it, over a signature
// base of the profile's size: the floor under BenchmarkVerifyRequest and BenchmarkReceipt.
func BenchmarkEd25519(b *testing.B) {
	pub, priv, _ := ed25519.GenerateKey(nil)
	msg := []byte(strings.Repeat("b", 330))
	b.Run("sign", func(b *testing.B) {
		for b.Loop() {
			sign(priv, msg)
		}
	})
	b.Run("verify", func(b *testing.B) {
		v := &Verifier{}
		sig := sign(priv, msg)
		for b.Loop() {
			if !v.verifyEd25519(pub, msg, sig) {
				b.Fatal("does not verify")
			}
		}
	})
	b.Run("verify-stdlib", func(b *testing.B) {
		sig := ed25519.Sign(priv, msg)
		for b.Loop() {
			if !ed25519.Verify(pub, msg, sig) {
				b.Fatal("does not verify")
			}
		}
	})
}

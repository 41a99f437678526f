package httpsig

import (
	"fmt"
	"net/http"
	"time"
)

// SignRequestAt is SignRequest with a "created" time of the caller's choosing instead of the
// clock's, and a fresh nonce: for conformance checks and tests that need a signature a
// verifier must find stale (or from the future). The yaronf/httpsign library takes created
// from its own clock and offers no way to set it, so SignRequestAt builds the signature base
// itself, with the fast path's builder (fast.go), which created_test.go and fast_test.go hold
// byte for byte to the library's.
//
// It signs only requests in the profile's fixed shape: an absolute URL without a query,
// canonical header names, the covered fields present (Content-Type when body is not empty).
// Anything else is an error and req is left as it was, since the library cannot be asked to
// sign it at another time.
func (s *Signer) SignRequestAt(req *http.Request, body []byte, created time.Time) error {
	return s.signRequestAt(req, body, created.Unix(), newNonce())
}

// signRequestAt is SignRequestAt with a given nonce, so that tests can hold it to the
// library's output.
func (s *Signer) signRequestAt(req *http.Request, body []byte, created int64, nonce string) error {
	prev, had := req.Header["Content-Digest"]
	if len(body) > 0 {
		req.Header.Set("Content-Digest", ContentDigest(body))
	}
	in, sig, err := s.signRequestFast(req, len(body) > 0, created, nonce)
	if err != nil {
		if had {
			req.Header["Content-Digest"] = prev
		} else {
			req.Header.Del("Content-Digest")
		}
		return fmt.Errorf("httpsig: signing %s %s at created=%d: only a request in the profile's shape (no query, canonical header names, the covered fields present) can be signed at a given time", req.Method, req.URL, created)
	}
	req.Header.Set("Signature-Input", in)
	req.Header.Set("Signature", sig)
	return nil
}

package httpsig

import (
	"bytes"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"errors"
	"fmt"

	"github.com/dunglas/httpsfv"
)

// ContentDigest returns the Content-Digest field value (RFC 9530) of body with SHA-256, the
// algorithm the profile's senders use.
func ContentDigest(body []byte) string {
	sum := sha256.Sum256(body)
	return "sha-256=:" + base64.StdEncoding.EncodeToString(sum[:]) + ":"
}

// ErrDigest reports a Content-Digest that is missing, unreadable, uses no algorithm the profile
// knows, or does not match the content.
var ErrDigest = errors.New("Content-Digest does not match the content")

// CheckContentDigest verifies a Content-Digest field against body. It requires at least one
// member with an algorithm the profile knows (sha-256 or sha-512) and every such member to
// match; members with other algorithms are ignored, as RFC 9530 section 2 allows.
func CheckContentDigest(values []string, body []byte) error {
	if len(values) == 0 {
		return fmt.Errorf("httpsig: no Content-Digest field: %w", ErrDigest)
	}
	dict, err := httpsfv.UnmarshalDictionary(values)
	if err != nil {
		return fmt.Errorf("httpsig: Content-Digest %q: %v: %w", values, err, ErrDigest)
	}
	known := 0
	for _, alg := range dict.Names() {
		m, _ := dict.Get(alg)
		item, ok := m.(httpsfv.Item)
		var want []byte
		switch alg {
		case "sha-256":
			s := sha256.Sum256(body)
			want = s[:]
		case "sha-512":
			s := sha512.Sum512(body)
			want = s[:]
		default:
			continue
		}
		got, isBytes := item.Value.([]byte)
		if !ok || !isBytes {
			return fmt.Errorf("httpsig: Content-Digest member %s is not a byte sequence: %w", alg, ErrDigest)
		}
		if !bytes.Equal(got, want) {
			return fmt.Errorf("httpsig: Content-Digest %s: %w", alg, ErrDigest)
		}
		known++
	}
	if known == 0 {
		return fmt.Errorf("httpsig: Content-Digest %q has neither sha-256 nor sha-512: %w", values, ErrDigest)
	}
	return nil
}

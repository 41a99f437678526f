package report

import (
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/santhosh-tekuri/jsonschema/v5"

	"github.com/idmefcheck/idmefcheck/schema"
)

// Detached signatures of report files (docs/certification.md). The signature is pure
// Ed25519 over SignaturePrefix followed by the exact bytes of the report file: the prefix
// keeps a report signature from ever being mistaken for a signature of anything else the same
// key signs (an RFC 9421 signature base, say), and signing the file's bytes rather than a
// re-encoding of the model means any changed byte, even a space, is refused.
const (
	SignatureFormat     = "idmefcheck-report-signature/1"
	SignatureSchemaFile = "report-signature.schema.json"
	// SignaturePrefix is prepended to the report's bytes before signing.
	SignaturePrefix = SignatureFormat + "\n"
	// SignatureSuffix names the signature file beside the report: report.json.sig.
	SignatureSuffix = ".sig"
)

// Errors of Verify, for callers that must tell a tampered report from a wrong key.
var (
	ErrChanged  = errors.New("the report's bytes are not the bytes that were signed")
	ErrOtherKey = errors.New("the report was signed with another key")
	ErrBadSig   = errors.New("the signature does not verify")
)

// Signature is a detached signature file (schema/report-signature.schema.json). Only
// Signature is authenticated; the other fields let a verifier say why it refuses.
type Signature struct {
	Format       string `json:"format"`
	Algorithm    string `json:"algorithm"`
	KeySHA256    string `json:"public_key_sha256"`
	ReportSHA256 string `json:"report_sha256"`
	Signature    string `json:"signature"`
}

// KeyFingerprint is the SHA-256, in hex, of a public key's PKIX DER encoding: the body of
// the PEM PUBLIC KEY block reference/pki writes, so `openssl pkey -pubin -outform DER | sha256sum`
// gives the same value.
func KeyFingerprint(pub ed25519.PublicKey) string {
	der, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		panic("report: an Ed25519 key always marshals: " + err.Error())
	}
	sum := sha256.Sum256(der)
	return hex.EncodeToString(sum[:])
}

func signedMessage(data []byte) []byte {
	return append([]byte(SignaturePrefix), data...)
}

// Sign signs the exact bytes of a report file and returns the signature file's bytes.
func Sign(data []byte, key ed25519.PrivateKey) ([]byte, error) {
	if len(key) != ed25519.PrivateKeySize {
		return nil, fmt.Errorf("report: sign: an Ed25519 private key has %d bytes, not %d", ed25519.PrivateKeySize, len(key))
	}
	sum := sha256.Sum256(data)
	s := Signature{Format: SignatureFormat, Algorithm: "ed25519",
		KeySHA256:    KeyFingerprint(key.Public().(ed25519.PublicKey)),
		ReportSHA256: hex.EncodeToString(sum[:]),
		Signature:    base64.StdEncoding.EncodeToString(ed25519.Sign(key, signedMessage(data)))}
	out, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(out, '\n'), nil
}

// Verify checks that sigFile is a signature by pub over exactly data. name names the
// signature file in errors. It returns the parsed signature on success; on failure the error
// wraps ErrChanged, ErrOtherKey or ErrBadSig, or says why the signature file is unreadable.
// The Ed25519 check alone decides: the hints only choose the words of the refusal.
func Verify(set *schema.Set, name string, data, sigFile []byte, pub ed25519.PublicKey) (*Signature, error) {
	sch, err := set.Project(SignatureSchemaFile)
	if err != nil {
		return nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(sigFile))
	dec.UseNumber()
	var generic any
	if err := dec.Decode(&generic); err != nil {
		return nil, fmt.Errorf("report: %s: not a signature file (JSON): %w", name, jsonWhere(sigFile, err))
	}
	if err := sch.Validate(generic); err != nil {
		var ve *jsonschema.ValidationError
		if errors.As(err, &ve) {
			return nil, schemaError(name, ve)
		}
		return nil, fmt.Errorf("report: %s: %w", name, err)
	}
	var s Signature
	if err := json.Unmarshal(sigFile, &s); err != nil {
		return nil, fmt.Errorf("report: %s: %w", name, err)
	}
	raw, err := base64.StdEncoding.DecodeString(s.Signature)
	if err != nil || len(raw) != ed25519.SignatureSize {
		return nil, fmt.Errorf("report: %s: /signature: not %d bytes of base64", name, ed25519.SignatureSize)
	}
	if ed25519.Verify(pub, signedMessage(data), raw) {
		return &s, nil
	}
	sum := sha256.Sum256(data)
	have := hex.EncodeToString(sum[:])
	switch {
	case have != s.ReportSHA256:
		return nil, fmt.Errorf("report: %s: %w: the report's SHA-256 is %s, the signed one %s", name, ErrChanged, have, s.ReportSHA256)
	case KeyFingerprint(pub) != s.KeySHA256:
		return nil, fmt.Errorf("report: %s: %w: key SHA-256 %s, not the given key's %s", name, ErrOtherKey, s.KeySHA256, KeyFingerprint(pub))
	default:
		return nil, fmt.Errorf("report: %s: %w (the report and the key are the ones named in it)", name, ErrBadSig)
	}
}

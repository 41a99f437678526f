package transport_test

import (
	"crypto/tls"
	"encoding/base64"
	"strings"
)

func repeat(s string, n int) string { return strings.Repeat(s, n) }

func b64(der []byte) string {
	s := base64.StdEncoding.EncodeToString(der)
	var b strings.Builder
	for len(s) > 64 {
		b.WriteString(s[:64] + "\n")
		s = s[64:]
	}
	b.WriteString(s + "\n")
	return b.String()
}

// insist makes a client present its certificate even when the server's list of acceptable
// CAs does not include its issuer, as a misconfigured or hostile client would: crypto/tls
// otherwise keeps such a certificate to itself.
func insist(cfg *tls.Config) *tls.Config {
	if len(cfg.Certificates) == 0 {
		return cfg
	}
	cert := cfg.Certificates[0]
	cfg.Certificates = nil
	cfg.GetClientCertificate = func(*tls.CertificateRequestInfo) (*tls.Certificate, error) { return &cert, nil }
	return cfg
}

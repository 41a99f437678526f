package transport

import (
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"strings"
)

// Identity names a peer as the reference profile does: "dns:" and the first DNS-ID of its
// certificate in the certificate's own order, lower-cased; or, for a certificate without a
// DNS-ID, "ip:" and its first IP-ID in canonical text form (RFC 5952 for IPv6). The identity
// keys deduplication, the binding of signing keys to analyzers, rate limits and the audit log;
// it survives certificate renewal as long as the new certificate lists the same name first.
type Identity string

// Errors a leaf certificate can be refused with. Callers branch with errors.Is.
var (
	// ErrNoIdentity: the certificate has no DNS-ID and no IP-ID, whatever its subject says.
	// A certificate that names its system only in the subject Common Name is "CN-only".
	ErrNoIdentity = errors.New("the certificate has no DNS-ID or IP-ID subjectAltName (a CN-only identity)")
	// ErrWildcard: a DNS-ID, or the subject Common Name, holds the wildcard character '*'.
	ErrWildcard = errors.New("the certificate names a wildcard identity")
	// ErrCNID: the subject Common Name holds a domain name or an IP address (a CN-ID in the
	// sense of RFC 6125 section 1.8), which the transport draft section 4.5.3 forbids.
	ErrCNID = errors.New("the certificate carries a CN-ID (a domain name or address in the subject Common Name)")
	// ErrNotAllowed: the certificate is neither pinned nor named by the allow-list.
	ErrNotAllowed = errors.New("the certificate is not on the allow-list")
)

// IdentityOf returns the identity of a certificate that CheckLeaf accepts.
func IdentityOf(cert *x509.Certificate) (Identity, error) {
	if len(cert.DNSNames) > 0 {
		return Identity("dns:" + strings.ToLower(cert.DNSNames[0])), nil
	}
	if len(cert.IPAddresses) > 0 {
		a, ok := netip.AddrFromSlice(cert.IPAddresses[0])
		if !ok {
			return "", fmt.Errorf("transport: IP-ID %v: %w", cert.IPAddresses[0], ErrNoIdentity)
		}
		return Identity("ip:" + a.Unmap().String()), nil
	}
	return "", fmt.Errorf("transport: %w", ErrNoIdentity)
}

// ParseIdentity reads "dns:NAME" or "ip:ADDR" and returns it in canonical form.
func ParseIdentity(s string) (Identity, error) {
	kind, val, ok := strings.Cut(strings.TrimSpace(s), ":")
	kind = strings.ToLower(kind)
	switch {
	case !ok || val == "":
	case kind == "dns":
		if strings.ContainsAny(val, " */") {
			return "", fmt.Errorf("transport: identity %q: not a DNS name", s)
		}
		return Identity("dns:" + strings.ToLower(val)), nil
	case kind == "ip":
		a, err := netip.ParseAddr(val)
		if err != nil {
			return "", fmt.Errorf("transport: identity %q: %w", s, err)
		}
		return Identity("ip:" + a.Unmap().String()), nil
	}
	return "", fmt.Errorf("transport: identity %q: want dns:NAME or ip:ADDR", s)
}

// Fingerprint is the SHA-256 digest of a certificate's DER encoding, in lower-case hex.
func Fingerprint(cert *x509.Certificate) string {
	sum := sha256.Sum256(cert.Raw)
	return hex.EncodeToString(sum[:])
}

// CheckLeaf refuses a certificate that cannot identify an IDMEFv2 system under the transport
// draft (sections 4.5.3 to 4.5.5 and 6): one without a DNS-ID or IP-ID (CN-only), one naming
// a wildcard, and one carrying a CN-ID. A subject Common Name that is not a domain name or an
// address (for example "IDS sensor 1") is not a CN-ID and is accepted beside the SANs.
func CheckLeaf(cert *x509.Certificate) error {
	cn := cert.Subject.CommonName
	for _, n := range cert.DNSNames {
		if strings.Contains(n, "*") {
			return fmt.Errorf("transport: DNS-ID %q: %w", n, ErrWildcard)
		}
	}
	if strings.Contains(cn, "*") {
		return fmt.Errorf("transport: subject CN %q: %w", cn, ErrWildcard)
	}
	if len(cert.DNSNames) == 0 && len(cert.IPAddresses) == 0 {
		if cn != "" {
			return fmt.Errorf("transport: subject CN %q without subjectAltName: %w", cn, ErrNoIdentity)
		}
		return fmt.Errorf("transport: %w", ErrNoIdentity)
	}
	if looksLikeCNID(cn) {
		return fmt.Errorf("transport: subject CN %q: %w", cn, ErrCNID)
	}
	return nil
}

// looksLikeCNID reports whether a Common Name has "the overall form of a domain name"
// (RFC 6125 section 1.8), or is an IP address: dot-separated LDH labels, at least two.
func looksLikeCNID(cn string) bool {
	if cn == "" {
		return false
	}
	if net.ParseIP(cn) != nil {
		return true
	}
	labels := strings.Split(strings.TrimSuffix(cn, "."), ".")
	if len(labels) < 2 {
		return cn == "localhost"
	}
	for _, l := range labels {
		if l == "" || len(l) > 63 {
			return false
		}
		for _, r := range l {
			if !(r == '-' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') {
				return false
			}
		}
	}
	return true
}

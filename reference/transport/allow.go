package transport

import (
	"bufio"
	"bytes"
	"crypto/x509"
	"encoding/hex"
	"encoding/pem"
	"fmt"
	"os"
	"sort"
	"strings"
)

// AllowList is the transport draft's "explicit list of approved peer certificates" (section
// 4.5.4): a peer is approved when its certificate is pinned by its SHA-256 fingerprint, or when
// its Identity is named. The zero value approves nobody. An AllowList is read-only once built
// and safe for concurrent use.
type AllowList struct {
	fingerprints map[string]bool
	identities   map[Identity]bool
}

// ParseAllowList reads an allow-list file. Each non-blank line outside PEM blocks is one entry;
// '#' starts a comment:
//
//	sha256:9f86d081884c7d65...   # pins one certificate (hex, colons allowed)
//	dns:analyzer.idmefcheck.test # approves the identity, whatever certificate carries it
//	ip:192.0.2.7
//
// A PEM CERTIFICATE block pins that certificate by its fingerprint, so a peer's certificate
// file is itself a valid allow-list. name is used in errors.
func ParseAllowList(name string, data []byte) (*AllowList, error) {
	a := &AllowList{fingerprints: map[string]bool{}, identities: map[Identity]bool{}}
	var text bytes.Buffer
	rest := data
	for {
		i := bytes.Index(rest, []byte("-----BEGIN "))
		if i < 0 {
			text.Write(rest)
			break
		}
		text.Write(rest[:i])
		block, after := pem.Decode(rest[i:])
		if block == nil {
			return nil, fmt.Errorf("transport: allow-list %s: unreadable PEM block at byte %d", name, len(data)-len(rest)+i)
		}
		if block.Type != "CERTIFICATE" {
			return nil, fmt.Errorf("transport: allow-list %s: PEM block %q, want CERTIFICATE", name, block.Type)
		}
		cert, err := x509.ParseCertificate(block.Bytes)
		if err != nil {
			return nil, fmt.Errorf("transport: allow-list %s: %w", name, err)
		}
		a.fingerprints[Fingerprint(cert)] = true
		text.WriteString("\n")
		rest = after
	}
	sc := bufio.NewScanner(&text)
	for n := 1; sc.Scan(); n++ {
		line, _, _ := strings.Cut(sc.Text(), "#")
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		if kind, fp, ok := strings.Cut(line, ":"); ok && strings.EqualFold(kind, "sha256") {
			fp = strings.ToLower(strings.ReplaceAll(fp, ":", ""))
			if b, err := hex.DecodeString(fp); err != nil || len(b) != 32 {
				return nil, fmt.Errorf("transport: allow-list %s: entry %q: want 64 hex digits after sha256:", name, line)
			}
			a.fingerprints[fp] = true
			continue
		}
		id, err := ParseIdentity(line)
		if err != nil {
			return nil, fmt.Errorf("transport: allow-list %s: %w", name, err)
		}
		a.identities[id] = true
	}
	return a, nil
}

// LoadAllowList reads an allow-list file (see ParseAllowList).
func LoadAllowList(path string) (*AllowList, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("transport: allow-list: %w", err)
	}
	return ParseAllowList(path, data)
}

// NewAllowList approves the given identities.
func NewAllowList(ids ...Identity) *AllowList {
	a := &AllowList{fingerprints: map[string]bool{}, identities: map[Identity]bool{}}
	for _, id := range ids {
		a.identities[id] = true
	}
	return a
}

// Allows reports whether the certificate is approved, and why not.
func (a *AllowList) Allows(cert *x509.Certificate) error {
	if a != nil {
		if a.fingerprints[Fingerprint(cert)] {
			return nil
		}
		if id, err := IdentityOf(cert); err == nil && a.identities[id] {
			return nil
		}
	}
	id, _ := IdentityOf(cert)
	return fmt.Errorf("transport: certificate %s (identity %q): %w", Fingerprint(cert), id, ErrNotAllowed)
}

// Entries lists the allow-list's entries, sorted, for logs.
func (a *AllowList) Entries() []string {
	var out []string
	if a != nil {
		for fp := range a.fingerprints {
			out = append(out, "sha256:"+fp)
		}
		for id := range a.identities {
			out = append(out, string(id))
		}
	}
	sort.Strings(out)
	return out
}

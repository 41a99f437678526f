package pki

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// Domain is the DNS suffix of the identities the test PKI makes (RFC 6761 reserves .test).
const Domain = "idmefcheck.test"

// Roles that Init makes an identity for, in the order files are written.
var Roles = []string{"manager", "analyzer", "harness"}

// Kind is what sort of identity Issue makes. Every kind but Good is refused by a conforming
// IDMEFv2 peer; each exists so that a check can show it is.
type Kind string

// Kinds of identity.
const (
	Good     Kind = "good"     // DNS-IDs and IP-IDs, no CN, valid now, from the CA
	Expired  Kind = "expired"  // as Good, but its validity ended a day ago
	OtherCA  Kind = "other-ca" // as Good, but issued by a freshly made CA nobody trusts
	Wildcard Kind = "wildcard" // a DNS-ID "*.idmefcheck.test" before the hosts' names
	CNOnly   Kind = "cn-only"  // the name only in the subject Common Name, no subjectAltName
)

// Kinds lists every Kind, for flags and help.
var Kinds = []Kind{Good, Expired, OtherCA, Wildcard, CNOnly}

// ParseKind reads a Kind.
func ParseKind(s string) (Kind, error) {
	for _, k := range Kinds {
		if string(k) == s {
			return k, nil
		}
	}
	return "", fmt.Errorf("pki: unknown kind %q (want good, expired, other-ca, wildcard or cn-only)", s)
}

// Authority is a certification authority that can issue identities.
type Authority struct {
	Cert *x509.Certificate
	// Key is the CA's private key; the test PKI makes ECDSA keys, but an authority loaded
	// from a vendor's files may hold any key crypto/x509 can sign with.
	Key crypto.Signer
}

// Credential is a certificate with its private key.
type Credential struct {
	Cert *x509.Certificate
	Key  crypto.Signer
}

// TLS returns the credential as a tls.Certificate.
func (c *Credential) TLS() tls.Certificate {
	return tls.Certificate{Certificate: [][]byte{c.Cert.Raw}, PrivateKey: c.Key, Leaf: c.Cert}
}

// Validity of what the test PKI issues.
const (
	caValidity   = 2 * 365 * 24 * time.Hour
	leafValidity = 365 * 24 * time.Hour
	backdate     = time.Hour // tolerates clocks a little behind
)

// NewAuthority makes a self-signed CA named name, valid from now.
func NewAuthority(name string, now time.Time) (*Authority, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("pki: CA key: %w", err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          serial(),
		Subject:               pkix.Name{CommonName: name, Organization: []string{"idmefcheck test PKI"}},
		NotBefore:             now.Add(-backdate),
		NotAfter:              now.Add(caValidity),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
		BasicConstraintsValid: true,
		IsCA:                  true,
		MaxPathLenZero:        true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, key.Public(), key)
	if err != nil {
		return nil, fmt.Errorf("pki: CA certificate: %w", err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, fmt.Errorf("pki: CA certificate: %w", err)
	}
	return &Authority{Cert: cert, Key: key}, nil
}

// LeafRequest describes an identity to issue.
type LeafRequest struct {
	// Name is the role or system name; the first DNS-ID is Name + "." + Domain, which is
	// therefore the identity (transport.IdentityOf) of Good certificates.
	Name string
	// Hosts are extra DNS names and IP addresses, so the identity can also serve TLS to
	// clients that dial it by those names (pull mode, tests on loopback).
	Hosts []string
	Kind  Kind
	// Now is the reference time of the validity window.
	Now time.Time
}

// Issue makes a leaf certificate usable for both TLS server and client authentication (an
// analyzer is a server in pull mode, a manager a client). For Kind OtherCA, the authority a is
// ignored and a new untrusted CA signs the certificate.
func (a *Authority) Issue(r LeafRequest) (*Credential, error) {
	if r.Name == "" || strings.ContainsAny(r.Name, " */\\") {
		return nil, fmt.Errorf("pki: identity name %q: want a DNS label such as analyzer2", r.Name)
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("pki: %s key: %w", r.Name, err)
	}
	dns := []string{r.Name + "." + Domain}
	var ips []net.IP
	for _, h := range r.Hosts {
		if ip := net.ParseIP(h); ip != nil {
			ips = append(ips, ip)
		} else if h != "" {
			dns = append(dns, h)
		}
	}
	tmpl := &x509.Certificate{
		SerialNumber: serial(),
		Subject:      pkix.Name{Organization: []string{"idmefcheck test PKI"}, OrganizationalUnit: []string{r.Name}},
		NotBefore:    r.Now.Add(-backdate),
		NotAfter:     r.Now.Add(leafValidity),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth, x509.ExtKeyUsageClientAuth},
		DNSNames:     dns,
		IPAddresses:  ips,
	}
	signer := a
	switch r.Kind {
	case Good, "":
	case Expired:
		tmpl.NotBefore = r.Now.Add(-48 * time.Hour)
		tmpl.NotAfter = r.Now.Add(-24 * time.Hour)
	case OtherCA:
		signer, err = NewAuthority("idmefcheck untrusted CA", r.Now)
		if err != nil {
			return nil, err
		}
	case Wildcard:
		tmpl.DNSNames = append([]string{"*." + Domain}, dns...)
	case CNOnly:
		tmpl.Subject.CommonName = dns[0]
		tmpl.DNSNames, tmpl.IPAddresses = nil, nil
	default:
		return nil, fmt.Errorf("pki: unknown kind %q", r.Kind)
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, signer.Cert, key.Public(), signer.Key)
	if err != nil {
		return nil, fmt.Errorf("pki: %s certificate: %w", r.Name, err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, fmt.Errorf("pki: %s certificate: %w", r.Name, err)
	}
	return &Credential{Cert: cert, Key: key}, nil
}

func serial() *big.Int {
	n, _ := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 127)) // crypto/rand does not fail
	return n.Add(n, big.NewInt(1))
}

// SigningKey is an Ed25519 key that signs HTTP messages (RFC 9421) under the reference profile.
type SigningKey struct {
	KeyID   string
	Private ed25519.PrivateKey
}

// NewSigningKey makes an Ed25519 key.
func NewSigningKey(keyID string) (*SigningKey, error) {
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("pki: signing key %s: %w", keyID, err)
	}
	return &SigningKey{KeyID: keyID, Private: priv}, nil
}

// Public returns the public half.
func (k *SigningKey) Public() ed25519.PublicKey { return k.Private.Public().(ed25519.PublicKey) }

// File names Init writes in its directory.
const (
	CACert = "ca.crt"
	CAKey  = "ca.key"
)

// CertFile, KeyFile, SigningKeyFile and PublicKeyFile name the files of an identity.
func CertFile(name string) string       { return name + ".crt" }
func KeyFile(name string) string        { return name + ".key" }
func SigningKeyFile(name string) string { return name + "-signing.key" }
func PublicKeyFile(name string) string  { return name + "-signing.pub" }

// AllowFile is the allow-list Init writes for a role's peers: analyzers.allow names the
// analyzer (for the manager's ingest listener), operators.allow the harness (for its operator
// API), managers.allow the manager (for analyzers and harnesses acting as servers).
func AllowFile(peers string) string { return peers + ".allow" }

// Init makes a fresh test PKI in dir: the CA, one identity and one signing key per role, and
// the allow-lists. hosts are added to every identity as extra DNS-IDs and IP-IDs. Existing
// files are refused unless force is set.
func Init(dir string, hosts []string, now time.Time, force bool) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("pki: %w", err)
	}
	if !force {
		if _, err := os.Stat(filepath.Join(dir, CACert)); err == nil {
			return fmt.Errorf("pki: %s already holds a PKI (%s); use another directory or force", dir, CACert)
		}
	}
	ca, err := NewAuthority("idmefcheck test CA", now)
	if err != nil {
		return err
	}
	if err := WriteCredential(dir, "ca", &Credential{Cert: ca.Cert, Key: ca.Key}); err != nil {
		return err
	}
	for _, role := range Roles {
		cred, err := ca.Issue(LeafRequest{Name: role, Hosts: hosts, Kind: Good, Now: now})
		if err != nil {
			return err
		}
		if err := WriteCredential(dir, role, cred); err != nil {
			return err
		}
		sk, err := NewSigningKey(role)
		if err != nil {
			return err
		}
		if err := WriteSigningKey(dir, role, sk); err != nil {
			return err
		}
	}
	allow := map[string]string{"analyzers": "analyzer", "operators": "harness", "managers": "manager"}
	for _, peers := range []string{"analyzers", "operators", "managers"} {
		body := fmt.Sprintf("# idmefcheck allow-list (docs/manager.md): one identity or sha256: fingerprint a line\ndns:%s.%s\n", allow[peers], Domain)
		if err := os.WriteFile(filepath.Join(dir, AllowFile(peers)), []byte(body), 0o644); err != nil {
			return fmt.Errorf("pki: %w", err)
		}
	}
	return nil
}

// IssueInto makes one more identity named name in dir, signed by the CA there (except Kind
// OtherCA), with its signing key.
func IssueInto(dir string, r LeafRequest) error {
	ca, err := LoadAuthority(dir)
	if err != nil {
		return err
	}
	cred, err := ca.Issue(r)
	if err != nil {
		return err
	}
	if err := WriteCredential(dir, r.Name, cred); err != nil {
		return err
	}
	sk, err := NewSigningKey(r.Name)
	if err != nil {
		return err
	}
	return WriteSigningKey(dir, r.Name, sk)
}

// WriteCredential writes name.crt and name.key (PKCS #8, mode 0600) in dir.
func WriteCredential(dir, name string, c *Credential) error {
	der, err := x509.MarshalPKCS8PrivateKey(c.Key)
	if err != nil {
		return fmt.Errorf("pki: %s key: %w", name, err)
	}
	if err := writePEM(filepath.Join(dir, CertFile(name)), "CERTIFICATE", c.Cert.Raw, 0o644); err != nil {
		return err
	}
	return writePEM(filepath.Join(dir, KeyFile(name)), "PRIVATE KEY", der, 0o600)
}

// WriteSigningKey writes name-signing.key (PKCS #8, mode 0600) and name-signing.pub (PKIX).
func WriteSigningKey(dir, name string, k *SigningKey) error {
	priv, err := x509.MarshalPKCS8PrivateKey(k.Private)
	if err != nil {
		return fmt.Errorf("pki: %s signing key: %w", name, err)
	}
	pub, err := x509.MarshalPKIXPublicKey(k.Public())
	if err != nil {
		return fmt.Errorf("pki: %s signing key: %w", name, err)
	}
	if err := writePEM(filepath.Join(dir, SigningKeyFile(name)), "PRIVATE KEY", priv, 0o600); err != nil {
		return err
	}
	return writePEM(filepath.Join(dir, PublicKeyFile(name)), "PUBLIC KEY", pub, 0o644)
}

func writePEM(path, typ string, der []byte, mode os.FileMode) error {
	data := pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der})
	if err := os.WriteFile(path, data, mode); err != nil {
		return fmt.Errorf("pki: %w", err)
	}
	return nil
}

// LoadAuthority reads ca.crt and ca.key from dir.
func LoadAuthority(dir string) (*Authority, error) {
	return LoadAuthorityFiles(filepath.Join(dir, CACert), filepath.Join(dir, CAKey))
}

// LoadAuthorityFiles reads a CA's certificate and private key (PKCS #8, SEC 1 or PKCS #1 PEM).
func LoadAuthorityFiles(certPath, keyPath string) (*Authority, error) {
	cert, err := LoadCertificate(certPath)
	if err != nil {
		return nil, err
	}
	if !cert.IsCA {
		return nil, fmt.Errorf("pki: %s: not a CA certificate (basicConstraints CA false)", certPath)
	}
	key, err := loadPrivateKey(keyPath)
	if err != nil {
		return nil, err
	}
	signer, ok := key.(crypto.Signer)
	if !ok {
		return nil, fmt.Errorf("pki: %s: a %T cannot sign certificates", keyPath, key)
	}
	return &Authority{Cert: cert, Key: signer}, nil
}

// LoadCertificate reads the first PEM certificate of a file.
func LoadCertificate(path string) (*x509.Certificate, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("pki: %w", err)
	}
	block, _ := pem.Decode(data)
	if block == nil || block.Type != "CERTIFICATE" {
		return nil, fmt.Errorf("pki: %s: no PEM CERTIFICATE block", path)
	}
	cert, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		return nil, fmt.Errorf("pki: %s: %w", path, err)
	}
	return cert, nil
}

func loadPrivateKey(path string) (crypto.PrivateKey, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("pki: %w", err)
	}
	var block *pem.Block
	for rest := data; ; {
		block, rest = pem.Decode(rest)
		if block == nil || strings.HasSuffix(block.Type, "PRIVATE KEY") {
			break
		}
	}
	if block == nil {
		return nil, fmt.Errorf("pki: %s: no PEM private key block", path)
	}
	var key crypto.PrivateKey
	switch block.Type {
	case "PRIVATE KEY":
		key, err = x509.ParsePKCS8PrivateKey(block.Bytes)
	case "EC PRIVATE KEY":
		key, err = x509.ParseECPrivateKey(block.Bytes)
	case "RSA PRIVATE KEY":
		key, err = x509.ParsePKCS1PrivateKey(block.Bytes)
	default:
		err = fmt.Errorf("PEM block %q is not a private key this program reads (PKCS #8, SEC 1, PKCS #1)", block.Type)
	}
	if err != nil {
		return nil, fmt.Errorf("pki: %s: %w", path, err)
	}
	return key, nil
}

// LoadSigningKey reads an Ed25519 private key (PKCS #8 PEM) and names it keyID.
func LoadSigningKey(path, keyID string) (*SigningKey, error) {
	key, err := loadPrivateKey(path)
	if err != nil {
		return nil, err
	}
	ek, ok := key.(ed25519.PrivateKey)
	if !ok {
		return nil, fmt.Errorf("pki: %s: not an Ed25519 key", path)
	}
	return &SigningKey{KeyID: keyID, Private: ek}, nil
}

// LoadPublicKey reads an Ed25519 public key (PKIX PEM).
func LoadPublicKey(path string) (ed25519.PublicKey, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("pki: %w", err)
	}
	block, _ := pem.Decode(data)
	if block == nil || block.Type != "PUBLIC KEY" {
		return nil, fmt.Errorf("pki: %s: no PEM PUBLIC KEY block", path)
	}
	key, err := x509.ParsePKIXPublicKey(block.Bytes)
	if err != nil {
		return nil, fmt.Errorf("pki: %s: %w", path, err)
	}
	ek, ok := key.(ed25519.PublicKey)
	if !ok {
		return nil, errors.New("pki: " + path + ": not an Ed25519 public key")
	}
	return ek, nil
}

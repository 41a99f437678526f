package target_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"math/big"
	"net"
	"sync"
	"time"

	. "github.com/onsi/gomega"
)

// testPKI is a CA with a server identity (localhost, 127.0.0.1, ::1) and two client
// identities, and a second CA with a client identity of its own.
type testPKI struct {
	roots, otherRoots          *x509.CertPool
	server, analyzer, outsider tls.Certificate
}

var pki = sync.OnceValue(func() *testPKI {
	ca, caKey := issue(nil, nil, "test CA", true)
	other, otherKey := issue(nil, nil, "other CA", true)
	p := &testPKI{roots: x509.NewCertPool(), otherRoots: x509.NewCertPool()}
	p.roots.AddCert(ca)
	p.otherRoots.AddCert(other)
	p.server = pair(issue(ca, caKey, "localhost", false))
	p.analyzer = pair(issue(ca, caKey, "analyzer", false))
	p.outsider = pair(issue(other, otherKey, "outsider", false))
	return p
})

var serial int64

func issue(parent *x509.Certificate, parentKey *ecdsa.PrivateKey, name string, isCA bool) (*x509.Certificate, *ecdsa.PrivateKey) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	Expect(err).NotTo(HaveOccurred())
	serial++
	tpl := &x509.Certificate{SerialNumber: big.NewInt(serial), Subject: pkix.Name{CommonName: name},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth, x509.ExtKeyUsageClientAuth},
		KeyUsage:    x509.KeyUsageDigitalSignature}
	if isCA {
		tpl.IsCA, tpl.BasicConstraintsValid, tpl.KeyUsage = true, true, x509.KeyUsageCertSign
	} else {
		tpl.DNSNames = []string{name}
		tpl.IPAddresses = []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback}
	}
	if parent == nil {
		parent, parentKey = tpl, key
	}
	der, err := x509.CreateCertificate(rand.Reader, tpl, parent, &key.PublicKey, parentKey)
	Expect(err).NotTo(HaveOccurred())
	cert, err := x509.ParseCertificate(der)
	Expect(err).NotTo(HaveOccurred())
	return cert, key
}

func pair(cert *x509.Certificate, key *ecdsa.PrivateKey) tls.Certificate {
	return tls.Certificate{Certificate: [][]byte{cert.Raw}, PrivateKey: key, Leaf: cert}
}

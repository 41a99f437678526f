package managerrole

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"time"
)

func parseLeaf(c *tls.Certificate) (*x509.Certificate, error) {
	if c.Leaf != nil {
		return c.Leaf, nil
	}
	return x509.ParseCertificate(c.Certificate[0])
}

// describeCert words what matters of a certificate for authentication evidence.
func describeCert(c *x509.Certificate) string {
	return fmt.Sprintf("subject %q, DNS-IDs %v, IP-IDs %v, valid %s to %s, issuer %q", c.Subject.String(), c.DNSNames, c.IPAddresses,
		c.NotBefore.UTC().Format(time.RFC3339), c.NotAfter.UTC().Format(time.RFC3339), c.Issuer.String())
}

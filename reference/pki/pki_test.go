package pki_test

import (
	"crypto/x509"
	"os"
	"path/filepath"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/idmefcheck/idmefcheck/reference/pki"
	"github.com/idmefcheck/idmefcheck/reference/transport"
)

var _ = Describe("Init", func() {
	var dir string
	now := time.Now()
	BeforeEach(func() {
		dir = GinkgoT().TempDir()
		Expect(pki.Init(dir, []string{"localhost", "127.0.0.1", "::1"}, now, false)).To(Succeed())
	})

	It("writes the CA, the three identities, their signing keys and the allow-lists", func() {
		for _, f := range []string{"ca.crt", "ca.key", "manager.crt", "manager.key", "analyzer.crt", "analyzer.key",
			"harness.crt", "harness.key", "manager-signing.key", "manager-signing.pub", "analyzer-signing.key",
			"analyzer-signing.pub", "harness-signing.key", "harness-signing.pub", "analyzers.allow", "operators.allow", "managers.allow"} {
			Expect(filepath.Join(dir, f)).To(BeAnExistingFile())
		}
		st, err := os.Stat(filepath.Join(dir, "analyzer.key"))
		Expect(err).NotTo(HaveOccurred())
		Expect(st.Mode().Perm()).To(Equal(os.FileMode(0o600)))
	})

	It("issues ECDSA P-256 identities with DNS-IDs and IP-IDs, no Common Name, chained to the CA", Label("IDMEF2T-4.5.3-3", "IDMEF2T-4.5.3-4"), func() {
		ca, err := pki.LoadCertificate(filepath.Join(dir, "ca.crt"))
		Expect(err).NotTo(HaveOccurred())
		roots := x509.NewCertPool()
		roots.AddCert(ca)
		cert, err := pki.LoadCertificate(filepath.Join(dir, "analyzer.crt"))
		Expect(err).NotTo(HaveOccurred())
		Expect(cert.PublicKeyAlgorithm).To(Equal(x509.ECDSA))
		Expect(cert.DNSNames).To(Equal([]string{"analyzer.idmefcheck.test", "localhost"}))
		Expect(cert.IPAddresses).To(HaveLen(2))
		Expect(cert.Subject.CommonName).To(BeEmpty())
		_, err = cert.Verify(x509.VerifyOptions{Roots: roots, KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}})
		Expect(err).NotTo(HaveOccurred())
		Expect(transport.CheckLeaf(cert)).To(Succeed())
		Expect(transport.IdentityOf(cert)).To(Equal(transport.Identity("dns:analyzer.idmefcheck.test")))
	})

	It("refuses to overwrite an existing PKI", func() {
		Expect(pki.Init(dir, nil, now, false)).To(MatchError(ContainSubstring("already holds a PKI")))
	})

	It("writes signing keys whose public half matches the private one", func() {
		sk, err := pki.LoadSigningKey(filepath.Join(dir, "analyzer-signing.key"), "analyzer")
		Expect(err).NotTo(HaveOccurred())
		pub, err := pki.LoadPublicKey(filepath.Join(dir, "analyzer-signing.pub"))
		Expect(err).NotTo(HaveOccurred())
		Expect(sk.Public()).To(Equal(pub))
	})

	It("writes allow-lists that name the peers' identities", func() {
		a, err := transport.LoadAllowList(filepath.Join(dir, "analyzers.allow"))
		Expect(err).NotTo(HaveOccurred())
		Expect(a.Entries()).To(Equal([]string{"dns:analyzer.idmefcheck.test"}))
	})
})

var _ = Describe("IssueInto", func() {
	var dir string
	now := time.Now()
	BeforeEach(func() {
		dir = GinkgoT().TempDir()
		Expect(pki.Init(dir, []string{"localhost"}, now, false)).To(Succeed())
	})
	load := func(name string) *x509.Certificate {
		c, err := pki.LoadCertificate(filepath.Join(dir, name+".crt"))
		Expect(err).NotTo(HaveOccurred())
		return c
	}
	verify := func(c *x509.Certificate) error {
		roots := x509.NewCertPool()
		roots.AddCert(load("ca"))
		_, err := c.Verify(x509.VerifyOptions{Roots: roots, KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageAny}})
		return err
	}

	It("makes a good identity the CA vouches for", func() {
		Expect(pki.IssueInto(dir, pki.LeafRequest{Name: "sensor2", Kind: pki.Good, Now: now})).To(Succeed())
		Expect(verify(load("sensor2"))).To(Succeed())
		Expect(filepath.Join(dir, "sensor2-signing.pub")).To(BeAnExistingFile())
	})

	It("makes an expired identity", func() {
		Expect(pki.IssueInto(dir, pki.LeafRequest{Name: "old", Kind: pki.Expired, Now: now})).To(Succeed())
		Expect(load("old").NotAfter).To(BeTemporally("<", now))
		Expect(verify(load("old"))).To(HaveOccurred())
	})

	It("makes an identity from a CA nobody trusts", func() {
		Expect(pki.IssueInto(dir, pki.LeafRequest{Name: "rogue", Kind: pki.OtherCA, Now: now})).To(Succeed())
		Expect(verify(load("rogue"))).To(MatchError(ContainSubstring("unknown authority")))
	})

	It("makes a wildcard identity that the transport refuses", Label("IDMEF2T-4.5.4-2"), func() {
		Expect(pki.IssueInto(dir, pki.LeafRequest{Name: "wild", Kind: pki.Wildcard, Hosts: []string{"localhost"}, Now: now})).To(Succeed())
		c := load("wild")
		Expect(c.DNSNames[0]).To(Equal("*.idmefcheck.test"))
		Expect(verify(c)).To(Succeed())
		Expect(transport.CheckLeaf(c)).To(MatchError(transport.ErrWildcard))
	})

	It("makes a CN-only identity that the transport refuses", Label("IDMEF2T-4.5.3-4"), func() {
		Expect(pki.IssueInto(dir, pki.LeafRequest{Name: "legacy", Kind: pki.CNOnly, Now: now})).To(Succeed())
		c := load("legacy")
		Expect(c.Subject.CommonName).To(Equal("legacy.idmefcheck.test"))
		Expect(c.DNSNames).To(BeEmpty())
		Expect(transport.CheckLeaf(c)).To(MatchError(transport.ErrNoIdentity))
	})

	It("refuses a name that is not a DNS label", func() {
		Expect(pki.IssueInto(dir, pki.LeafRequest{Name: "*", Now: now})).To(MatchError(ContainSubstring("identity name")))
	})
})

package knownbad

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"math/big"
	"net"
	"slices"
	"time"

	"github.com/idmefcheck/idmefcheck/conformance/ics"
	"github.com/idmefcheck/idmefcheck/conformance/managerlab"
	"github.com/idmefcheck/idmefcheck/reference/manager"
	"github.com/idmefcheck/idmefcheck/reference/pki"
)

func authManagers() []Variant {
	return []Variant{
		{
			Name:    "manager/skip-client-cert-check",
			Breaks:  "takes any client certificate without verifying its chain, validity, allow-list entry or identifiers (fault SkipClientCertCheck)",
			Catches: []string{"MGR-AUTH-002", "MGR-AUTH-003", "MGR-AUTH-004", "MGR-AUTH-005", "MGR-AUTH-006"},
			// Identities it cannot verify cannot be bound to signing keys: the variant runs
			// as a transport-draft manager, without the profile's signatures.
			Lab: managerlab.Options{Faults: manager.Faults{SkipClientCertCheck: true}, Statement: withoutOptions("signatures")},
		},
		{
			Name:    "manager/no-client-cert",
			Breaks:  "a fake that asks for no client certificate at all and acknowledges every POST",
			Catches: []string{"MGR-AUTH-001"},
			Lab: managerlab.Options{Fake: &managerlab.Fake{Handler: managerlab.AcceptAll, TLS: func(_ *managerlab.Lab, c *tls.Config) error {
				c.ClientAuth = tls.NoClientCert
				c.VerifyPeerCertificate, c.VerifyConnection = nil, nil
				return nil
			}}},
		},
		{
			Name:    "manager/wildcard-server-cert",
			Breaks:  "a fake presenting a server certificate whose first DNS-ID is a wildcard",
			Catches: []string{"MGR-AUTH-007"},
			Lab: managerlab.Options{Fake: &managerlab.Fake{Handler: managerlab.AcceptAll, TLS: func(l *managerlab.Lab, c *tls.Config) error {
				ca, err := pki.LoadAuthority(l.Dir)
				if err != nil {
					return err
				}
				cred, err := ca.Issue(pki.LeafRequest{Name: "manager", Hosts: []string{"localhost", "127.0.0.1", "::1"}, Kind: pki.Wildcard, Now: time.Now()})
				if err != nil {
					return err
				}
				c.Certificates = []tls.Certificate{cred.TLS()}
				return nil
			}}},
		},
		{
			Name:    "manager/ip-only-server-cert",
			Breaks:  "a fake whose server certificate names it by IP-IDs only, without the DNS-ID the draft recommends",
			Catches: []string{"MGR-AUTH-008"},
			Lab: managerlab.Options{
				Statement: func(s *ics.Statement) { s.Connect.ServerName = "" },
				Fake: &managerlab.Fake{Handler: managerlab.AcceptAll, TLS: func(l *managerlab.Lab, c *tls.Config) error {
					cert, err := ipOnlyCertificate(l.Dir)
					if err != nil {
						return err
					}
					c.Certificates = []tls.Certificate{cert}
					return nil
				}},
			},
		},
		{
			Name:    "manager/signatures-not-required",
			Breaks:  "claims to require signatures but accepts unsigned alerts (configured without require-signatures)",
			Catches: []string{"MGR-AUTH-009"},
			Lab: managerlab.Options{Statement: func(s *ics.Statement) {
				s.Options = append(s.Options, "require-signatures")
			}},
		},
		{
			Name:    "manager/skip-signature-check",
			Breaks:  "accepts signed alerts without verifying their signatures (fault SkipSignatureCheck)",
			Catches: []string{"MGR-AUTH-010", "MGR-AUTH-011"},
			Lab:     managerlab.Options{RequireSignatures: true, Faults: manager.Faults{SkipSignatureCheck: true}},
		},
		{
			Name:    "manager/unsigned-answers",
			Breaks:  "answers without signing, though it claims the reference profile's signatures",
			Catches: []string{"MGR-AUTH-012"},
			Lab:     managerlab.Options{NoSigner: true},
		},
	}
}

// ipOnlyCertificate issues, from the lab's CA, a server certificate naming 127.0.0.1 and ::1
// by IP-IDs and nothing else.
func ipOnlyCertificate(dir string) (tls.Certificate, error) {
	ca, err := pki.LoadAuthority(dir)
	if err != nil {
		return tls.Certificate{}, err
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return tls.Certificate{}, err
	}
	serial, _ := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 120))
	now := time.Now()
	tmpl := &x509.Certificate{
		SerialNumber: serial,
		Subject:      pkix.Name{Organization: []string{"idmefcheck known-bad"}},
		NotBefore:    now.Add(-time.Hour), NotAfter: now.Add(24 * time.Hour),
		KeyUsage:    x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth, x509.ExtKeyUsageClientAuth},
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1"), net.ParseIP("::1")},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca.Cert, key.Public(), ca.Key)
	if err != nil {
		return tls.Certificate{}, err
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}, nil
}

// withoutOptions removes claims from a lab's statement.
func withoutOptions(names ...string) func(*ics.Statement) {
	return func(s *ics.Statement) {
		s.Options = slices.DeleteFunc(s.Options, func(o string) bool { return slices.Contains(names, o) })
		if slices.Contains(names, "signatures") {
			s.Signing = nil
		}
	}
}

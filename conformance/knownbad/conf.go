package knownbad

import (
	"crypto/tls"
	"errors"
	"slices"

	"github.com/idmefcheck/idmefcheck/conformance/managerlab"
	"github.com/idmefcheck/idmefcheck/reference/manager"
)

func confManagers() []Variant {
	return []Variant{
		{
			Name:    "manager/accept-tls12",
			Breaks:  "also offers TLS 1.2 (fault AcceptTLS12)",
			Catches: []string{"MGR-CONF-001"},
			Lab:     managerlab.Options{Faults: manager.Faults{AcceptTLS12: true}},
		},
		{
			Name:    "manager/legacy-tls",
			Breaks:  "a fake accepting TLS 1.0 to 1.3 with RC4, 3DES and CBC suites besides the modern ones",
			Catches: []string{"MGR-CONF-001", "MGR-CONF-002", "MGR-CONF-004"},
			Lab: managerlab.Options{Fake: &managerlab.Fake{Handler: managerlab.AcceptAll, TLS: func(_ *managerlab.Lab, c *tls.Config) error {
				c.MinVersion = tls.VersionTLS10
				c.CipherSuites = []uint16{
					tls.TLS_ECDHE_ECDSA_WITH_RC4_128_SHA, tls.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA,
					tls.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
				}
				return nil
			}}},
		},
		{
			Name:    "manager/aes128-only",
			Breaks:  "a fake that refuses TLS 1.3 handshakes not offering TLS_AES_128_GCM_SHA256, so two of the claimed suites never negotiate",
			Catches: []string{"MGR-CONF-003"},
			Lab: managerlab.Options{Fake: &managerlab.Fake{Handler: managerlab.AcceptAll, TLS: func(_ *managerlab.Lab, c *tls.Config) error {
				base := c.Clone()
				c.GetConfigForClient = func(h *tls.ClientHelloInfo) (*tls.Config, error) {
					if !slices.Contains(h.CipherSuites, tls.TLS_AES_128_GCM_SHA256) {
						return nil, errors.New("known-bad: only TLS_AES_128_GCM_SHA256")
					}
					return base, nil
				}
				return nil
			}}},
		},
		{
			Name:    "manager/plaintext-too",
			Breaks:  "a fake that also takes plain-text HTTP on its TLS port, telling the two apart by the first byte",
			Catches: []string{"MGR-CONF-005", "MGR-CONF-006"},
			Lab:     managerlab.Options{Fake: &managerlab.Fake{Handler: managerlab.AcceptAll, Plain: true}},
		},
		{
			Name:    "manager/h2c",
			Breaks:  "a fake that also speaks cleartext HTTP/2 (h2c, prior knowledge) on its TLS port",
			Catches: []string{"MGR-CONF-007"},
			Lab:     managerlab.Options{Fake: &managerlab.Fake{Handler: managerlab.AcceptAll, Plain: true, H2C: true}},
		},
	}
}

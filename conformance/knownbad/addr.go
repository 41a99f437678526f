package knownbad

import (
	"crypto/tls"
	"errors"
	"net"
	"net/netip"
	"regexp"
	"slices"

	"github.com/idmefcheck/idmefcheck/conformance/ics"
	"github.com/idmefcheck/idmefcheck/conformance/managerlab"
)

// ipMember is an "IP" member as the harness's alerts write it.
var ipMember = regexp.MustCompile(`"IP":"([^"]*)"`)

// deadOn is a TLS tweak that fails every handshake on the listeners of one family (6: IPv6),
// as a manager whose listener of that family accepts TCP but cannot serve it would.
func deadOn(ipv6 bool) func(*managerlab.Lab, *tls.Config) error {
	return func(_ *managerlab.Lab, c *tls.Config) error {
		c.GetConfigForClient = func(h *tls.ClientHelloInfo) (*tls.Config, error) {
			a, ok := h.Conn.LocalAddr().(*net.TCPAddr)
			if ok && (a.IP.To4() == nil) == ipv6 {
				return nil, errors.New("known-bad: no service on this address family")
			}
			return nil, nil
		}
		return nil
	}
}

func addrManagers() []Variant {
	return []Variant{
		{
			Name:    "manager/ipv6-listener-dead",
			Breaks:  "a fake that claims IPv6 and listens on [::1] but fails every TLS handshake there",
			Catches: []string{"MGR-ADDR-002"},
			Lab:     managerlab.Options{Fake: &managerlab.Fake{Handler: managerlab.AcceptAll, TLS: deadOn(true)}},
		},
		{
			Name:    "manager/ipv4-listener-dead",
			Breaks:  "a fake that claims IPv4 and listens on 127.0.0.1 but fails every TLS handshake there (its IPv6 listener is named first, so the sanity probe goes over IPv6)",
			Catches: []string{"MGR-ADDR-001"},
			Lab: managerlab.Options{
				Fake:      &managerlab.Fake{Handler: managerlab.AcceptAll, TLS: deadOn(false)},
				Statement: func(s *ics.Statement) { slices.Reverse(s.Connect.Targets) },
			},
		},
		{
			Name:    "manager/ip-canonicalised",
			Breaks:  "a fake that stores every IP in its canonical text (RFC 5952), IPv4-mapped IPv6 addresses unmapped to IPv4",
			Catches: []string{"MGR-ADDR-003"},
			Lab: managerlab.Options{Fake: &managerlab.Fake{Handler: storing(keptAs(func(b []byte) []byte {
				return ipMember.ReplaceAllFunc(b, func(m []byte) []byte {
					a, err := netip.ParseAddr(string(ipMember.FindSubmatch(m)[1]))
					if err != nil {
						return m
					}
					return []byte(`"IP":"` + a.Unmap().String() + `"`)
				})
			}))}},
		},
	}
}

package transport_test

import (
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"io"
	"net"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/onsi/gomega/gleak"

	"github.com/idmefcheck/idmefcheck/reference/pki"
	"github.com/idmefcheck/idmefcheck/reference/transport"
)

const handshakeTimeout = 5 * time.Second

// world is a CA, a server identity and client identities of every kind.
type world struct {
	ca      *pki.Authority
	roots   *x509.CertPool
	server  *pki.Credential
	clients map[pki.Kind]*pki.Credential
}

func newWorld() *world {
	now := time.Now()
	ca, err := pki.NewAuthority("test CA", now)
	Expect(err).NotTo(HaveOccurred())
	w := &world{ca: ca, roots: x509.NewCertPool(), clients: map[pki.Kind]*pki.Credential{}}
	w.roots.AddCert(ca.Cert)
	w.server, err = ca.Issue(pki.LeafRequest{Name: "manager", Hosts: []string{"localhost", "127.0.0.1", "::1"}, Now: now})
	Expect(err).NotTo(HaveOccurred())
	for _, k := range pki.Kinds {
		w.clients[k], err = ca.Issue(pki.LeafRequest{Name: "analyzer", Hosts: []string{"localhost"}, Kind: k, Now: now})
		Expect(err).NotTo(HaveOccurred())
	}
	return w
}

// serve accepts connections on loopback, completes each handshake and reports its outcome.
func serve(cfg *tls.Config) (addr string, results chan error) {
	ln, err := tls.Listen("tcp", "127.0.0.1:0", cfg)
	Expect(err).NotTo(HaveOccurred())
	results = make(chan error, 16)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			tc := c.(*tls.Conn)
			_ = tc.SetDeadline(time.Now().Add(handshakeTimeout))
			err = tc.Handshake()
			if err == nil {
				_, _ = tc.Write([]byte("ok"))
			}
			results <- err
			_ = tc.Close()
		}
	}()
	DeferCleanup(func() {
		_ = ln.Close()
		<-done
	})
	return ln.Addr().String(), results
}

// dial handshakes as a client and reads the server's "ok".
func dial(addr string, cfg *tls.Config) error {
	d := &net.Dialer{Timeout: handshakeTimeout}
	c, err := tls.DialWithDialer(d, "tcp", addr, cfg)
	if err != nil {
		return err
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(handshakeTimeout))
	buf := make([]byte, 2)
	if _, err := io.ReadFull(c, buf); err != nil {
		return err
	}
	return nil
}

var _ = BeforeEach(func() {
	snapshot := gleak.Goroutines()
	DeferCleanup(func() {
		Eventually(gleak.Goroutines).WithTimeout(handshakeTimeout).ShouldNot(gleak.HaveLeaked(snapshot))
	})
})

var _ = Describe("ServerConfig", func() {
	var w *world
	var addr string
	var results chan error
	BeforeEach(func() {
		w = newWorld()
		allow := transport.NewAllowList("dns:analyzer.idmefcheck.test")
		addr, results = serve(transport.ServerConfig(w.server.TLS(), transport.Policy{Roots: w.roots, Allow: allow}, transport.ServerOptions{}))
	})
	client := func(k pki.Kind) *tls.Config {
		return insist(transport.ClientConfig(w.clients[k].TLS(), transport.Policy{Roots: w.roots}, "localhost"))
	}

	It("accepts an allowed analyzer with a good certificate over TLS 1.3", Label("IDMEF2T-4.5.3-1", "IDMEF2T-4.5.1-1"), func() {
		Expect(dial(addr, client(pki.Good))).To(Succeed())
		Expect(<-results).To(Succeed())
	})

	It("refuses a client without a certificate", Label("IDMEF2T-4.5.3-2"), func() {
		cfg := client(pki.Good)
		cfg.GetClientCertificate = nil
		Expect(dial(addr, cfg)).To(HaveOccurred())
		Expect(<-results).To(MatchError(ContainSubstring("didn't provide a certificate")))
	})

	It("refuses an expired certificate", Label("IDMEF2T-4.5.3-1"), func() {
		Expect(dial(addr, client(pki.Expired))).To(HaveOccurred())
		Expect(<-results).To(MatchError(ContainSubstring("expired")))
	})

	It("refuses a certificate from another CA", Label("IDMEF2T-4.5.3-1"), func() {
		Expect(dial(addr, client(pki.OtherCA))).To(HaveOccurred())
		Expect(<-results).To(MatchError(ContainSubstring("unknown authority")))
	})

	It("refuses a wildcard certificate and closes the connection", Label("IDMEF2T-4.5.4-3", "IDMEF2T-4.5.4-4"), func() {
		Expect(dial(addr, client(pki.Wildcard))).To(HaveOccurred())
		Expect(<-results).To(MatchError(transport.ErrWildcard))
	})

	It("refuses a CN-only certificate", Label("IDMEF2T-4.5.3-4"), func() {
		Expect(dial(addr, client(pki.CNOnly))).To(HaveOccurred())
		Expect(<-results).To(HaveOccurred())
	})

	It("refuses a good certificate that the allow-list does not name", Label("IDMEF2T-4.5.4-7"), func() {
		other, err := w.ca.Issue(pki.LeafRequest{Name: "stranger", Now: time.Now()})
		Expect(err).NotTo(HaveOccurred())
		Expect(dial(addr, transport.ClientConfig(other.TLS(), transport.Policy{Roots: w.roots}, "localhost"))).To(HaveOccurred())
		Expect(<-results).To(MatchError(transport.ErrNotAllowed))
	})

	It("refuses a TLS 1.2 client", Label("IDMEF2T-4.5.1-2"), func() {
		cfg := client(pki.Good)
		cfg.MinVersion, cfg.MaxVersion = tls.VersionTLS12, tls.VersionTLS12
		Expect(dial(addr, cfg)).To(HaveOccurred())
		Expect(<-results).To(MatchError(ContainSubstring("unsupported versions")))
	})

	It("negotiates h2 by ALPN and never offers h2c", Label("IDMEF2T-4.3-3", "IDMEF2T-4.3-4"), func() {
		cfg := client(pki.Good)
		cfg.NextProtos = []string{"h2c", "h2"}
		c, err := tls.Dial("tcp", addr, cfg)
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(c.Close)
		Expect(c.Handshake()).To(Succeed())
		Expect(c.ConnectionState().NegotiatedProtocol).To(Equal("h2"))
		Expect(<-results).To(Succeed())
	})
})

var _ = Describe("ServerOptions", func() {
	It("lets a known-bad server accept TLS 1.2 when AllowTLS12 is set", func() {
		w := newWorld()
		addr, results := serve(transport.ServerConfig(w.server.TLS(), transport.Policy{Roots: w.roots}, transport.ServerOptions{AllowTLS12: true}))
		cfg := transport.ClientConfig(w.clients[pki.Good].TLS(), transport.Policy{Roots: w.roots}, "localhost")
		cfg.MinVersion, cfg.MaxVersion = tls.VersionTLS12, tls.VersionTLS12
		Expect(dial(addr, cfg)).To(Succeed())
		Expect(<-results).To(Succeed())
	})

	It("lets a known-bad server accept any client certificate when SkipClientVerification is set", func() {
		w := newWorld()
		addr, results := serve(transport.ServerConfig(w.server.TLS(), transport.Policy{Roots: w.roots}, transport.ServerOptions{SkipClientVerification: true}))
		Expect(dial(addr, insist(transport.ClientConfig(w.clients[pki.OtherCA].TLS(), transport.Policy{Roots: w.roots}, "localhost")))).To(Succeed())
		Expect(<-results).To(Succeed())
	})
})

var _ = Describe("ClientConfig", func() {
	It("refuses a server whose certificate is a wildcard, which crypto/x509 alone would accept", Label("IDMEF2T-4.5.4-3"), func() {
		w := newWorld()
		wild, err := w.ca.Issue(pki.LeafRequest{Name: "manager", Kind: pki.Wildcard, Hosts: []string{"localhost"}, Now: time.Now()})
		Expect(err).NotTo(HaveOccurred())
		addr, results := serve(transport.ServerConfig(wild.TLS(), transport.Policy{Roots: w.roots}, transport.ServerOptions{}))
		err = dial(addr, transport.ClientConfig(w.clients[pki.Good].TLS(), transport.Policy{Roots: w.roots}, "localhost"))
		Expect(err).To(MatchError(transport.ErrWildcard))
		Expect(<-results).To(HaveOccurred())
	})

	It("refuses a server whose DNS-IDs do not match the name dialled", Label("IDMEF2T-4.5.4-1"), func() {
		w := newWorld()
		addr, results := serve(transport.ServerConfig(w.server.TLS(), transport.Policy{Roots: w.roots}, transport.ServerOptions{}))
		err := dial(addr, transport.ClientConfig(w.clients[pki.Good].TLS(), transport.Policy{Roots: w.roots}, "elsewhere.example"))
		Expect(err).To(MatchError(ContainSubstring("not elsewhere.example")))
		Expect(<-results).To(HaveOccurred())
	})
})

var _ = Describe("CheckLeaf", func() {
	cert := func(cn string, dns ...string) *x509.Certificate {
		return &x509.Certificate{Subject: pkix.Name{CommonName: cn}, DNSNames: dns}
	}
	It("accepts a descriptive Common Name beside the DNS-IDs", func() {
		Expect(transport.CheckLeaf(cert("IDS sensor 1", "a.example"))).To(Succeed())
	})
	It("refuses a Common Name that is a domain name (a CN-ID), even beside DNS-IDs", Label("IDMEF2T-4.5.3-4"), func() {
		Expect(transport.CheckLeaf(cert("a.example", "a.example"))).To(MatchError(transport.ErrCNID))
	})
	It("refuses a wildcard Common Name", func() {
		Expect(transport.CheckLeaf(cert("*.example", "a.example"))).To(MatchError(transport.ErrWildcard))
	})
	It("refuses a certificate with no identity at all", func() {
		err := transport.CheckLeaf(cert(""))
		Expect(errors.Is(err, transport.ErrNoIdentity)).To(BeTrue())
	})
})

var _ = Describe("IdentityOf", func() {
	It("takes the first DNS-ID in certificate order, lower-cased", func() {
		Expect(transport.IdentityOf(&x509.Certificate{DNSNames: []string{"Sensor.Example", "a.example"}})).To(Equal(transport.Identity("dns:sensor.example")))
	})
	It("takes the first IP-ID in canonical form when there is no DNS-ID", func() {
		Expect(transport.IdentityOf(&x509.Certificate{IPAddresses: []net.IP{net.ParseIP("2001:DB8:0:0::1")}})).To(Equal(transport.Identity("ip:2001:db8::1")))
		Expect(transport.IdentityOf(&x509.Certificate{IPAddresses: []net.IP{net.ParseIP("192.0.2.1")}})).To(Equal(transport.Identity("ip:192.0.2.1")))
	})
})

var _ = Describe("ParseAllowList", func() {
	It("reads fingerprints, identities, comments and PEM certificates", func() {
		w := newWorld()
		pemCert := "-----BEGIN CERTIFICATE-----\n" + b64(w.clients[pki.Good].Cert.Raw) + "-----END CERTIFICATE-----\n"
		a, err := transport.ParseAllowList("test", []byte("# peers\nDNS:Sensor.example\nip:::1 # loopback\nsha256:"+
			"AB:"+repeat("cd", 31)+"\n"+pemCert))
		Expect(err).NotTo(HaveOccurred())
		Expect(a.Entries()).To(ConsistOf("dns:sensor.example", "ip:::1", "sha256:ab"+repeat("cd", 31), "sha256:"+transport.Fingerprint(w.clients[pki.Good].Cert)))
		Expect(a.Allows(w.clients[pki.Good].Cert)).To(Succeed())
	})
	It("names the file and the entry it cannot read", func() {
		_, err := transport.ParseAllowList("peers.allow", []byte("sha256:xyz\n"))
		Expect(err).To(MatchError(ContainSubstring(`peers.allow: entry "sha256:xyz"`)))
		_, err = transport.ParseAllowList("peers.allow", []byte("analyzer\n"))
		Expect(err).To(MatchError(ContainSubstring("want dns:NAME or ip:ADDR")))
	})
})

package tlsprobe_test

import (
	"context"
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

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/idmefcheck/idmefcheck/conformance/tlsprobe"
)

// certificate is a self-signed ECDSA P-256 server certificate for localhost and 127.0.0.1.
var certificate = sync.OnceValue(func() tls.Certificate {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	Expect(err).NotTo(HaveOccurred())
	tpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "localhost"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		DNSNames: []string{"localhost"}, IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)}}
	der, err := x509.CreateCertificate(rand.Reader, tpl, tpl, &key.PublicKey, key)
	Expect(err).NotTo(HaveOccurred())
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}
})

// tlsServer is a crypto/tls server on loopback that records each ClientHello it gets.
type tlsServer struct {
	addr   string
	mu     sync.Mutex
	hellos []*tls.ClientHelloInfo
}

func (s *tlsServer) seen() []*tls.ClientHelloInfo {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]*tls.ClientHelloInfo(nil), s.hellos...)
}

func startTLS(cfg *tls.Config) *tlsServer {
	GinkgoHelper()
	cfg.Certificates = []tls.Certificate{certificate()}
	s := &tlsServer{}
	cfg.GetConfigForClient = func(h *tls.ClientHelloInfo) (*tls.Config, error) {
		s.mu.Lock()
		s.hellos = append(s.hellos, h)
		s.mu.Unlock()
		return nil, nil
	}
	ln, err := tls.Listen("tcp", "127.0.0.1:0", cfg)
	Expect(err).NotTo(HaveOccurred())
	s.addr = ln.Addr().String()
	var wg sync.WaitGroup
	wg.Go(func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			wg.Go(func() {
				defer c.Close()
				_ = c.SetDeadline(time.Now().Add(5 * time.Second))
				_ = c.(*tls.Conn).Handshake() // the probe never finishes it
			})
		}
	})
	DeferCleanup(func() {
		ln.Close()
		wg.Wait()
	})
	return s
}

// rawServer accepts one connection at a time on loopback and hands it to answer.
func rawServer(answer func(net.Conn)) string {
	GinkgoHelper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	Expect(err).NotTo(HaveOccurred())
	var wg sync.WaitGroup
	wg.Go(func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			wg.Go(func() {
				defer c.Close()
				answer(c)
			})
		}
	})
	DeferCleanup(func() {
		ln.Close()
		wg.Wait()
	})
	return ln.Addr().String()
}

var tls13Suites = []uint16{tls.TLS_AES_128_GCM_SHA256, tls.TLS_AES_256_GCM_SHA384, tls.TLS_CHACHA20_POLY1305_SHA256}

func send(addr string, h tlsprobe.Hello) tlsprobe.Answer {
	GinkgoHelper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	a, err := tlsprobe.Send(ctx, addr, h)
	Expect(err).NotTo(HaveOccurred())
	return a
}

var _ = Describe("Send", func() {
	Context("against a TLS 1.3 server", func() {
		var srv *tlsServer
		BeforeEach(func() { srv = startTLS(&tls.Config{MinVersion: tls.VersionTLS13}) })

		It("is answered with each suite offered alone", func() {
			for _, suite := range tls13Suites {
				a := send(srv.addr, tlsprobe.Hello{Version: tlsprobe.VersionTLS13, Suites: []uint16{suite}, ServerName: "localhost"})
				Expect(a).To(Equal(tlsprobe.Answer{Accepted: true, Version: tlsprobe.VersionTLS13, Suite: suite, Group: 0x001d}), tls.CipherSuiteName(suite))
			}
		})

		It("is refused with an alert for every legacy version", func() {
			for _, v := range []uint16{tlsprobe.VersionSSL30, tlsprobe.VersionTLS10, tlsprobe.VersionTLS11, tlsprobe.VersionTLS12} {
				a := send(srv.addr, tlsprobe.Hello{Version: v, ServerName: "localhost",
					Suites: []uint16{tls.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA, tls.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256}})
				Expect(a.Accepted).To(BeFalse(), tlsprobe.VersionName(v))
				Expect(a.HasAlert).To(BeTrue(), tlsprobe.VersionName(v))
				Expect(a.Alert).To(BeEquivalentTo(70), "protocol_version for %s", tlsprobe.VersionName(v))
				Expect(a.String()).To(Equal("alert 70 (protocol_version)"))
			}
		})

		It("sends the server name, but not an IP address, and the ALPN offer", func() {
			send(srv.addr, tlsprobe.Hello{Version: tlsprobe.VersionTLS13, Suites: tls13Suites, ServerName: "localhost", ALPN: []string{"h2", "http/1.1"}})
			send(srv.addr, tlsprobe.Hello{Version: tlsprobe.VersionTLS13, Suites: tls13Suites, ServerName: "127.0.0.1"})
			hellos := srv.seen()
			Expect(hellos).To(HaveLen(2))
			Expect(hellos[0].ServerName).To(Equal("localhost"))
			Expect(hellos[0].SupportedProtos).To(Equal([]string{"h2", "http/1.1"}))
			Expect(hellos[0].SupportedVersions).To(Equal([]uint16{tls.VersionTLS13}), "1.3 alone")
			Expect(hellos[1].ServerName).To(BeEmpty())
		})
	})

	Context("against a TLS 1.2-only server", func() {
		var srv *tlsServer
		BeforeEach(func() { srv = startTLS(&tls.Config{MinVersion: tls.VersionTLS12, MaxVersion: tls.VersionTLS12}) })

		It("is answered to a TLS 1.2 hello with TLS 1.2 and the suite offered", func() {
			a := send(srv.addr, tlsprobe.Hello{Version: tlsprobe.VersionTLS12, Suites: []uint16{tls.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384}, ServerName: "localhost"})
			Expect(a).To(Equal(tlsprobe.Answer{Accepted: true, Version: tlsprobe.VersionTLS12, Suite: tls.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384}))
			Expect(a.String()).To(Equal("ServerHello choosing TLS 1.2, suite 0xc02c"))
		})

		It("refuses a hello offering TLS 1.3 alone, with an alert", func() {
			a := send(srv.addr, tlsprobe.Hello{Version: tlsprobe.VersionTLS13, Suites: tls13Suites, ServerName: "localhost"})
			Expect(a.Accepted).To(BeFalse())
			Expect(a.HasAlert).To(BeTrue())
			Expect(a.Alert).To(BeEquivalentTo(70))
		})

		It("refuses a hello whose suites it does not implement, with handshake_failure", func() {
			a := send(srv.addr, tlsprobe.Hello{Version: tlsprobe.VersionTLS12, Suites: []uint16{0x0004 /* RC4-MD5 */}, ServerName: "localhost"})
			Expect(a).To(Equal(tlsprobe.Answer{HasAlert: true, Alert: 40}))
		})
	})

	Context("against a server preferring a group the probe sent no key share of", func() {
		for _, tc := range []struct {
			curve tls.CurveID
			group uint16
		}{{tls.CurveP256, 0x0017}, {tls.CurveP384, 0x0018}} {
			It("answers the HelloRetryRequest for "+tc.curve.String()+" and reports the ServerHello that follows", func() {
				srv := startTLS(&tls.Config{MinVersion: tls.VersionTLS13, CurvePreferences: []tls.CurveID{tc.curve}})
				for _, suite := range tls13Suites {
					a := send(srv.addr, tlsprobe.Hello{Version: tlsprobe.VersionTLS13, Suites: []uint16{suite}, ServerName: "localhost"})
					Expect(a).To(Equal(tlsprobe.Answer{Accepted: true, Version: tlsprobe.VersionTLS13, Suite: suite, Group: tc.group, Retry: true}))
					Expect(a.String()).To(HavePrefix("after a HelloRetryRequest for group "))
				}
				Expect(srv.seen()).To(HaveLen(len(tls13Suites)), "one connection each")
			})
		}
	})

	Context("against a server that does not speak TLS", func() {
		It("reports a server that hangs up without a word as closed", func() {
			addr := rawServer(func(c net.Conn) { _, _ = c.Read(make([]byte, 1024)) })
			a := send(addr, tlsprobe.Hello{Version: tlsprobe.VersionTLS13, Suites: tls13Suites})
			Expect(a).To(Equal(tlsprobe.Answer{Closed: true}))
			Expect(a.String()).To(Equal("connection closed without an answer"))
		})

		It("fails on an answer that is not TLS", func() {
			addr := rawServer(func(c net.Conn) {
				_, _ = c.Read(make([]byte, 1024))
				_, _ = c.Write([]byte("HTTP/1.1 400 Bad Request\r\n\r\n"))
			})
			_, err := tlsprobe.Send(context.Background(), addr, tlsprobe.Hello{Version: tlsprobe.VersionTLS13, Suites: tls13Suites})
			Expect(err).To(MatchError(ContainSubstring("record type 72")))
		})

		It("gives up with an error when no answer comes before the context's deadline", func() {
			release := make(chan struct{})
			addr := rawServer(func(net.Conn) { <-release })
			defer close(release)
			ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
			defer cancel()
			start := time.Now()
			_, err := tlsprobe.Send(ctx, addr, tlsprobe.Hello{Version: tlsprobe.VersionTLS13, Suites: tls13Suites})
			Expect(err).To(MatchError(ContainSubstring("no answer")))
			Expect(time.Since(start)).To(BeNumerically("<", 5*time.Second))
		})

		It("fails when nothing listens", func() {
			ln, err := net.Listen("tcp", "127.0.0.1:0")
			Expect(err).NotTo(HaveOccurred())
			addr := ln.Addr().String()
			ln.Close()
			_, err = tlsprobe.Send(context.Background(), addr, tlsprobe.Hello{Version: tlsprobe.VersionTLS13, Suites: tls13Suites})
			Expect(err).To(MatchError(HavePrefix("tls probe: ")))
		})
	})
})

var _ = Describe("VersionName", func() {
	It("names the versions the probe offers and shows others in hex", func() {
		Expect(tlsprobe.VersionName(tlsprobe.VersionSSL30)).To(Equal("SSL 3.0"))
		Expect(tlsprobe.VersionName(tlsprobe.VersionTLS13)).To(Equal("TLS 1.3"))
		Expect(tlsprobe.VersionName(0x7f1c)).To(Equal("0x7f1c"))
	})
})

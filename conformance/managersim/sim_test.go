package managersim_test

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"net"
	"net/http"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/idmefcheck/idmefcheck/conformance/managersim"
	"github.com/idmefcheck/idmefcheck/reference/pki"
)

var _ = Describe("the manager simulator", func() {
	var (
		sim    *managersim.Server
		client *http.Client
		url    string
	)

	BeforeEach(func() {
		now := time.Now()
		ca, err := pki.NewAuthority("managersim test CA", now)
		Expect(err).NotTo(HaveOccurred())
		other, err := pki.NewAuthority("another CA", now)
		Expect(err).NotTo(HaveOccurred())
		hosts := []string{"localhost", "127.0.0.1"}
		mgr, err := ca.Issue(pki.LeafRequest{Name: "manager", Hosts: hosts, Now: now})
		Expect(err).NotTo(HaveOccurred())
		foreign, err := other.Issue(pki.LeafRequest{Name: "manager", Hosts: hosts, Now: now})
		Expect(err).NotTo(HaveOccurred())
		ana, err := ca.Issue(pki.LeafRequest{Name: "analyzer", Hosts: hosts, Now: now})
		Expect(err).NotTo(HaveOccurred())
		roots := x509.NewCertPool()
		roots.AddCert(ca.Cert)

		ln, err := net.Listen("tcp", "127.0.0.1:0")
		Expect(err).NotTo(HaveOccurred())
		sim, err = managersim.Start(managersim.Config{Certificate: mgr.TLS(), ClientCAs: roots,
			Certificates: map[string]tls.Certificate{"other-ca": foreign.TLS()}}, []net.Listener{ln})
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(sim.Close)
		url = "https://" + ln.Addr().String() + "/"
		tr := &http.Transport{ForceAttemptHTTP2: true, TLSClientConfig: &tls.Config{
			RootCAs: roots, ServerName: "localhost", Certificates: []tls.Certificate{ana.TLS()}, MinVersion: tls.VersionTLS13}}
		DeferCleanup(tr.CloseIdleConnections)
		client = &http.Client{Transport: tr, Timeout: 10 * time.Second}
	})

	post := func() (int, error) {
		res, err := client.Post(url, "application/json", bytes.NewReader([]byte(`{"ID":"x"}`)))
		if err != nil {
			return 0, err
		}
		res.Body.Close()
		return res.StatusCode, nil
	}

	It("answers a request it was carrying when the certificate changed, then closes the connection", func() {
		sim.Set(managersim.Behaviour{Delay: 300 * time.Millisecond})
		answered := make(chan error, 1)
		go func() {
			defer GinkgoRecover()
			status, err := post()
			if err == nil && status != http.StatusNoContent {
				err = fmt.Errorf("answered %d", status)
			}
			answered <- err
		}()
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		Expect(sim.Wait(ctx, func(reqs []*managersim.Request, _ []managersim.Hello) bool { return len(reqs) == 1 })).To(BeTrue())
		sim.Set(managersim.Behaviour{Certificate: "other-ca"}) // while the answer is held back
		Eventually(answered).WithTimeout(5*time.Second).Should(Receive(BeNil()), "the answer in progress is delivered")

		// The next request needs a new handshake, which now presents the other CA's certificate.
		hellos := len(sim.Hellos())
		Eventually(func() error { _, err := post(); return err }).WithTimeout(5 * time.Second).Should(MatchError(ContainSubstring("certificate")))
		Expect(sim.Hellos()[hellos:]).NotTo(BeEmpty())
		Expect(sim.Hellos()[len(sim.Hellos())-1].Presented).To(Equal("other-ca"))
		Expect(sim.Requests()).To(HaveLen(1), "nothing more was recorded")
	})

	It("neither records nor answers a request sent over a connection the change retired", func() {
		Expect(post()).To(Equal(http.StatusNoContent)) // an open connection, idle in the client's pool
		sim.Set(managersim.Behaviour{Certificate: "other-ca"})
		_, err := post() // over the retired connection, or, if it closed already, a new handshake
		Expect(err).To(HaveOccurred())
		Expect(sim.Requests()).To(HaveLen(1))
	})

	It("keeps the connection when only the answers change", func() {
		Expect(post()).To(Equal(http.StatusNoContent))
		sim.Set(managersim.Behaviour{Status: http.StatusServiceUnavailable})
		Expect(post()).To(Equal(http.StatusServiceUnavailable))
		reqs := sim.Requests()
		Expect(reqs).To(HaveLen(2))
		Expect(reqs[1].Remote).To(Equal(reqs[0].Remote), "the same connection")
		Expect(reqs[1].Answer).To(Equal(http.StatusServiceUnavailable))
	})
})

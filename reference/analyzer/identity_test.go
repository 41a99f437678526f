package analyzer_test

import (
	"crypto/tls"
	"net/http"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/idmefcheck/idmefcheck/reference/analyzer"
	"github.com/idmefcheck/idmefcheck/reference/manager"
	"github.com/idmefcheck/idmefcheck/reference/pki"
	"github.com/idmefcheck/idmefcheck/reference/transport"
)

var _ = Describe("the manager's identity", Label("IDMEF2T-4.5.3-1", "R4766-6.3"), func() {
	// refused checks that the analyzer keeps trying and that the manager never stores its alert.
	refused := func(m *refManager, r *running) {
		r.start()
		r.emit("basic", 1)
		Eventually(func() int64 { return r.a.Stats().Retries }).WithTimeout(deliveryTimeout).Should(BeNumerically(">=", 2))
		Expect(m.count()).To(BeZero(), "no alert reaches a manager the analyzer does not trust")
		Expect(r.spooled()).To(Equal(1), "the alert stays spooled")
	}

	DescribeTable("refuses a bad server certificate and sends nothing",
		func(kind pki.Kind) {
			m := startRefManager(func(c *manager.Config) { c.Certificate = world.badManager[kind].TLS() })
			refused(m, newAnalyzer(m.url(), nil))
		},
		Entry("a wildcard DNS-ID", Label("IDMEF2T-4.5.4-3", "IDMEF2T-4.5.4-4"), pki.Wildcard),
		Entry("a CN-only certificate", Label("IDMEF2T-4.5.3-4", "IDMEF2T-4.5.4-1"), pki.CNOnly),
		Entry("an expired certificate", pki.Expired),
		Entry("a certificate from an untrusted CA", pki.OtherCA),
	)

	It("refuses a good certificate that does not name the host it dialled", Label("IDMEF2T-4.5.4-1"), func() {
		m := startRefManager(nil)
		refused(m, newAnalyzer(m.url(), func(c *analyzer.Config) { c.Push.ServerName = "elsewhere.idmefcheck.test" }))
	})

	It("checks the manager's IP-ID when it dials an address", Label("IDMEF2T-4.5.4-1", "R4766-4.2"), func() {
		m := startRefManager(nil)
		r := newAnalyzer(m.url6(), nil).start() // https://[::1]:port/: matched against the IP-ID ::1
		ids := r.emit("basic", 1)
		Eventually(m.ids).WithTimeout(deliveryTimeout).Should(Equal(ids))
	})

	It("refuses a manager that the allow-list does not name", Label("IDMEF2T-4.5.4-7"), func() {
		m := startRefManager(nil)
		refused(m, newAnalyzer(m.url(), func(c *analyzer.Config) { c.Managers = transport.NewAllowList("dns:other.idmefcheck.test") }))
	})

	It("refuses a server that offers only TLS 1.2", Label("IDMEF2T-4.5.1-2"), func() {
		cfg := transport.ServerConfig(world.manager.TLS(), transport.Policy{Roots: world.roots}, transport.ServerOptions{AllowTLS12: true})
		cfg.MaxVersion = tls.VersionTLS12
		f := startFake(cfg, always(http.StatusNoContent))
		r := newAnalyzer(f.url, nil).start()
		r.emit("basic", 1)
		Eventually(func() int64 { return r.a.Stats().Retries }).WithTimeout(deliveryTimeout).Should(BeNumerically(">=", 2))
		Expect(f.count()).To(BeZero())
	})
})

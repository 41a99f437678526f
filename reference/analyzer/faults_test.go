package analyzer_test

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"net/http"
	"time"

	"github.com/google/uuid"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/idmefcheck/idmefcheck/reference/analyzer"
	"github.com/idmefcheck/idmefcheck/reference/manager"
	"github.com/idmefcheck/idmefcheck/reference/pki"
	"github.com/idmefcheck/idmefcheck/reference/transport"
)

// Each fault switch makes the reference analyzer break one rule; these specs prove it does, so
// that an analyzer-role check run against the switch must fail.
var _ = Describe("Faults", func() {
	faulty := func(url string, set func(*analyzer.Faults)) *running {
		return newAnalyzer(url, func(c *analyzer.Config) { set(&c.Faults) }).start()
	}
	first := func(f *fake) exchange {
		Eventually(f.count).WithTimeout(deliveryTimeout).Should(BeNumerically(">=", 1))
		return f.received()[0]
	}
	unavailableOnce := func(retryAfter string) func(int, *http.Request, []byte) (int, http.Header, []byte) {
		return func(n int, _ *http.Request, _ []byte) (int, http.Header, []byte) {
			if n == 0 {
				return http.StatusServiceUnavailable, http.Header{"Retry-After": {retryAfter}}, problem("busy")
			}
			return http.StatusNoContent, nil, nil
		}
	}

	It("NewIDOnRetry sends a retry under a new ID", Label("R4766-6.1", "R4766-6.8"), func() {
		f := startFake(nil, unavailableOnce("0"))
		faulty(f.url, func(x *analyzer.Faults) { x.NewIDOnRetry = true }).emit("basic", 1)
		Eventually(f.count).WithTimeout(deliveryTimeout).Should(Equal(2))
		got := f.received()
		Expect(idOf(got[1].Body)).NotTo(Equal(idOf(got[0].Body)))
	})

	It("RetryOn400 keeps sending a message the manager refused", Label("R4766-6.1"), func() {
		f := startFake(nil, func(int, *http.Request, []byte) (int, http.Header, []byte) { return 400, nil, problem("invalid") })
		r := faulty(f.url, func(x *analyzer.Faults) { x.RetryOn400 = true })
		r.emit("basic", 1)
		Eventually(f.count).WithTimeout(deliveryTimeout).Should(BeNumerically(">=", 3))
		Expect(r.deadLetters()).To(BeEmpty())
	})

	It("IgnoreRetryAfter comes back before Retry-After says", Label("R4766-6.7"), func() {
		f := startFake(nil, unavailableOnce("3"))
		faulty(f.url, func(x *analyzer.Faults) { x.IgnoreRetryAfter = true }).emit("basic", 1)
		Eventually(f.count).WithTimeout(deliveryTimeout).Should(Equal(2))
		got := f.received()
		Expect(got[1].At.Sub(got[0].At)).To(BeNumerically("<", time.Second))
	})

	It("SkipServerIdentityCheck delivers to a manager with a wildcard certificate from another CA", Label("IDMEF2T-4.5.4-3", "IDMEF2T-4.5.3-1"), func() {
		m := startRefManager(func(c *manager.Config) { c.Certificate = world.badManager[pki.Wildcard].TLS() })
		ids := faulty(m.url(), func(x *analyzer.Faults) { x.SkipServerIdentityCheck = true }).emit("basic", 1)
		Eventually(m.ids).WithTimeout(deliveryTimeout).Should(Equal(ids))
		m2 := startRefManager(func(c *manager.Config) { c.Certificate = world.badManager[pki.OtherCA].TLS() })
		ids = faulty(m2.url(), func(x *analyzer.Faults) { x.SkipServerIdentityCheck = true }).emit("basic", 1)
		Eventually(m2.ids).WithTimeout(deliveryTimeout).Should(Equal(ids))
	})

	It("AcceptTLS12 delivers over TLS 1.2", Label("IDMEF2T-4.5.1-2"), func() {
		cfg := transport.ServerConfig(world.manager.TLS(), transport.Policy{Roots: world.roots}, transport.ServerOptions{AllowTLS12: true})
		cfg.MaxVersion = tls.VersionTLS12
		f := startFake(cfg, always(http.StatusNoContent))
		faulty(f.url, func(x *analyzer.Faults) { x.AcceptTLS12 = true }).emit("basic", 1)
		Expect(first(f).TLSVersion).To(BeEquivalentTo(tls.VersionTLS12))
	})

	It("NoClientCert presents no certificate", Label("IDMEF2T-4.5.3-1"), func() {
		cfg := transport.ServerConfig(world.manager.TLS(), transport.Policy{Roots: world.roots}, transport.ServerOptions{})
		cfg.ClientAuth, cfg.VerifyConnection = tls.RequestClientCert, nil
		f := startFake(cfg, always(http.StatusNoContent))
		faulty(f.url, func(x *analyzer.Faults) { x.NoClientCert = true }).emit("basic", 1)
		Expect(first(f).PeerCerts).To(BeZero())
	})

	It("Unsigned sends requests without a signature", Label("R4766-6.3.1"), func() {
		f := startFake(nil, always(http.StatusNoContent))
		faulty(f.url, func(x *analyzer.Faults) { x.Unsigned = true }).emit("basic", 1)
		ex := first(f)
		Expect(ex.Header.Get("Signature-Input")).To(BeEmpty())
		Expect(ex.Header.Get("Signature")).To(BeEmpty())
	})

	It("IgnoreBadReceipt counts an unsigned 204 as delivered", Label("R4766-6.6"), func() {
		f := startFake(nil, always(http.StatusNoContent))
		f.sign = false
		r := faulty(f.url, func(x *analyzer.Faults) { x.IgnoreBadReceipt = true })
		r.emit("basic", 1)
		Eventually(r.spooled).WithTimeout(deliveryTimeout).Should(BeZero())
		Expect(f.count()).To(Equal(1))
	})

	It("DropOffsetFromCreateTime sends CreateTime without its offset", Label("R4766-7.14", "IDMEF2-3.3.2-1"), func() {
		f := startFake(nil, always(http.StatusNoContent))
		faulty(f.url, func(x *analyzer.Faults) { x.DropOffsetFromCreateTime = true }).emit("basic", 1)
		var m map[string]any
		Expect(json.Unmarshal(first(f).Body, &m)).To(Succeed())
		Expect(m["CreateTime"]).To(MatchRegexp(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+$`))
		Expect(strict.Validate(first(f).Body).Valid).To(BeFalse())
	})

	It("Version4UUIDs identifies alerts with random UUIDs", Label("IDMEF2-3.3.10-2"), func() {
		f := startFake(nil, always(http.StatusNoContent))
		faulty(f.url, func(x *analyzer.Faults) { x.Version4UUIDs = true }).emit("basic", 1)
		Expect(uuid.MustParse(idOf(first(f).Body)).Version()).To(BeEquivalentTo(4))
	})

	It("SeveralMessagesPerRequest sends several messages in one request", Label("IDMEF2T-4.3-5"), func() {
		f := startFake(nil, always(http.StatusNoContent))
		r := newAnalyzer(f.url, func(c *analyzer.Config) {
			c.Faults.SeveralMessagesPerRequest = true
			c.Push.Concurrency = 1
		})
		r.emit("basic", 4) // spooled before the analyzer starts, so that one request can take all
		r.start()
		var batch []json.RawMessage
		Expect(json.Unmarshal(first(f).Body, &batch)).To(Succeed())
		Expect(batch).To(HaveLen(4))
	})

	It("GETInsteadOfPOST sends with GET", Label("IDMEF2T-4.3-7"), func() {
		f := startFake(nil, always(http.StatusNoContent))
		faulty(f.url, func(x *analyzer.Faults) { x.GETInsteadOfPOST = true }).emit("basic", 1)
		Expect(first(f).Method).To(Equal(http.MethodGet))
	})

	It("NoContentType sends no Content-Type", Label("IDMEF2T-4.3-13"), func() {
		f := startFake(nil, always(http.StatusNoContent))
		faulty(f.url, func(x *analyzer.Faults) { x.NoContentType = true }).emit("basic", 1)
		Expect(first(f).Header.Values("Content-Type")).To(BeEmpty())
	})

	It("SkipValidation sends a message that fails the strict profile", Label("IDMEF2T-3-2"), func() {
		f := startFake(nil, always(http.StatusNoContent))
		r := faulty(f.url, func(x *analyzer.Faults) { x.SkipValidation = true })
		bad := []byte(`{"Version":"2.D.V08","ID":"019bbd04-3058-7f18-a015-7772c49fbe4c"}`)
		p, err := r.a.Produce(context.Background(), []analyzer.Candidate{{ID: "x", Data: bad}}, nil)
		Expect(err).NotTo(HaveOccurred())
		Expect(p.IDs).To(HaveLen(1))
		Expect(first(f).Body).To(Equal(bad))
	})

	It("are off in the zero value: the same situations are handled by the rules", func() {
		// The faults' own specs run the same situations against the zero value elsewhere:
		// 4xx in "never retries after another 4xx", receipts in "receipts", identities in
		// "the manager's identity". Here, one request shows the defaults together.
		f := startFake(nil, always(http.StatusNoContent))
		r := newAnalyzer(f.url, nil).start()
		r.emit("basic", 2)
		Eventually(f.count).WithTimeout(deliveryTimeout).Should(Equal(2))
		for _, ex := range f.received() {
			Expect(ex.Method).To(Equal(http.MethodPost))
			Expect(ex.Header.Get("Content-Type")).To(Equal("application/json"))
			Expect(ex.Header.Get("Signature-Input")).NotTo(BeEmpty())
			Expect(ex.PeerCerts).To(Equal(1))
			Expect(ex.TLSVersion).To(BeEquivalentTo(tls.VersionTLS13))
			Expect(uuid.MustParse(idOf(ex.Body)).Version()).To(BeEquivalentTo(7))
			Expect(strict.Validate(ex.Body).Valid).To(BeTrue())
		}
	})
})

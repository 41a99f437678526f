package analyzer_test

import (
	"context"
	"encoding/json"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/google/uuid"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	. "github.com/onsi/gomega/gstruct"

	"github.com/idmefcheck/idmefcheck/reference/analyzer"
	"github.com/idmefcheck/idmefcheck/reference/manager"
	"github.com/idmefcheck/idmefcheck/reference/pki"
	"github.com/idmefcheck/idmefcheck/reference/store"
)

var _ = Describe("push delivery to the reference manager", func() {
	ctx := context.Background()

	It("delivers every alert once, signed, each acknowledged by a verified receipt", Label("R4766-6.1", "R4766-6.3.1", "R4766-6.6", "IDMEF2T-4.3-5"), func() {
		m := startRefManager(func(c *manager.Config) { c.Analyzers[0].RequireSignature = true })
		r := newAnalyzer(m.url(), nil).start()
		ids := r.emit("basic", 50)
		Eventually(m.ids).WithTimeout(deliveryTimeout).Should(ConsistOf(ids))
		Eventually(r.spooled).WithTimeout(deliveryTimeout).Should(BeZero())
		recs, err := m.store.Get(ctx, ids[0], "")
		Expect(err).NotTo(HaveOccurred())
		Expect(recs[0].Evidence.Signature).NotTo(BeNil(), "the manager kept the analyzer's signature as evidence")
		Expect(recs[0].Evidence.Signature.KeyID).To(Equal("analyzer"))
		receipts, err := os.ReadFile(r.cfg.Receipts)
		Expect(err).NotTo(HaveOccurred())
		Expect(strings.Count(string(receipts), "\n")).To(Equal(50))
		Expect(string(receipts)).To(ContainSubstring(`"keyid":"manager"`))
		Expect(r.a.Stats()).To(MatchFields(IgnoreExtras, Fields{"Produced": BeEquivalentTo(50), "Delivered": BeEquivalentTo(50), "Retries": BeZero()}))
	})

	It("delivers every scenario in every revision, each accepted by the strict manager", Label("IDMEF2-5.2-1"), func() {
		m := startRefManager(nil)
		var all []string
		for _, v := range schemas.Versions() {
			r := newAnalyzer(m.url(), func(c *analyzer.Config) { c.Version = v }).start()
			for _, s := range []string{"basic", "unicode", "ipv6", "extension", "attachment", "time-edge", "big", "burst"} {
				all = append(all, r.emit(s, 1)...)
			}
			Eventually(r.spooled).WithTimeout(deliveryTimeout).Should(BeZero())
			dl, _ := r.deadLetters()
			Expect(dl).To(BeEmpty())
		}
		Eventually(m.ids).WithTimeout(deliveryTimeout).Should(ConsistOf(all))
	})

	It("reaches a manager over IPv6 and over HTTP/1.1", Label("R4766-4.2", "IDMEF2T-4.3-1"), func() {
		m := startRefManager(nil)
		r6 := newAnalyzer(m.url6(), nil).start()
		r1 := newAnalyzer(m.url(), func(c *analyzer.Config) { c.Push.HTTP1 = true }).start()
		ids := append(r6.emit("ipv6", 3), r1.emit("basic", 3)...)
		Eventually(m.ids).WithTimeout(deliveryTimeout).Should(ConsistOf(ids))
		recs, err := m.store.Query(ctx, store.Filter{})
		Expect(err).NotTo(HaveOccurred())
		var protos []string
		for _, rec := range recs {
			protos = append(protos, rec.Evidence.Protocol)
		}
		Expect(protos).To(ContainElements("HTTP/2.0", "HTTP/1.1"))
	})

	It("keeps alerts while the manager is down and delivers them when it comes up", Label("R4766-6.1"), func() {
		// A URL where nothing listens any more.
		m := startRefManager(nil)
		url := m.url()
		Expect(m.srv.Shutdown(ctx)).To(Succeed())
		r := newAnalyzer(url, nil).start()
		ids := r.emit("basic", 5)
		Eventually(func() int64 { return r.a.Stats().Retries }).WithTimeout(deliveryTimeout).Should(BeNumerically(">=", 2))
		Expect(r.spooled()).To(Equal(5), "nothing is dropped while the manager is away")
		// The same manager configuration comes back on the same port.
		m2 := startRefManagerAt(strings.TrimSuffix(strings.TrimPrefix(url, "https://"), "/"))
		Eventually(m2.ids).WithTimeout(deliveryTimeout).Should(ConsistOf(ids))
	})

	When("the manager answers 503 then 204", func() {
		It("waits as long as Retry-After says, then sends the same bytes again", Label("R4766-6.1", "R4766-6.7"), func() {
			f := startFake(nil, func(n int, _ *http.Request, _ []byte) (int, http.Header, []byte) {
				if n == 0 {
					return http.StatusServiceUnavailable, http.Header{"Retry-After": {"1"}}, problem("busy")
				}
				return http.StatusNoContent, nil, nil
			})
			r := newAnalyzer(f.url, nil).start()
			r.emit("basic", 1)
			Eventually(f.count).WithTimeout(deliveryTimeout).Should(Equal(2))
			got := f.received()
			Expect(got[1].Body).To(Equal(got[0].Body), "a retry resends the spooled bytes")
			Expect(got[1].At.Sub(got[0].At)).To(BeNumerically(">=", 950*time.Millisecond), "Retry-After: 1 is honoured")
			Expect(got[1].Header.Get("Signature")).NotTo(Equal(got[0].Header.Get("Signature")), "each attempt has a signature of its own")
			Eventually(r.spooled).WithTimeout(deliveryTimeout).Should(BeZero())
			Consistently(f.count).WithTimeout(notYet).Should(Equal(2))
		})
	})

	DescribeTable("retries after answers that may pass, with the same ID",
		func(status int, header http.Header) {
			f := startFake(nil, func(n int, _ *http.Request, _ []byte) (int, http.Header, []byte) {
				if n < 2 {
					return status, header, problem("transient")
				}
				return http.StatusNoContent, nil, nil
			})
			r := newAnalyzer(f.url, nil).start()
			id := r.emit("basic", 1)[0]
			Eventually(f.count).WithTimeout(deliveryTimeout).Should(Equal(3))
			for _, ex := range f.received() {
				Expect(idOf(ex.Body)).To(Equal(id))
			}
			Eventually(r.spooled).WithTimeout(deliveryTimeout).Should(BeZero())
		},
		Entry("500", http.StatusInternalServerError, nil),
		Entry("502", http.StatusBadGateway, nil),
		Entry("408", http.StatusRequestTimeout, nil),
		Entry("429 with Retry-After: 0", http.StatusTooManyRequests, http.Header{"Retry-After": {"0"}}),
		Entry("503 without Retry-After", http.StatusServiceUnavailable, nil),
	)

	DescribeTable("never retries after another 4xx: the alert is a dead letter with the manager's answer",
		func(status int) {
			f := startFake(nil, func(int, *http.Request, []byte) (int, http.Header, []byte) { return status, nil, problem("refused") })
			r := newAnalyzer(f.url, nil).start()
			id := r.emit("basic", 1)[0]
			Eventually(r.deadLetters).WithTimeout(deliveryTimeout).Should(ConsistOf(And(
				HaveKeyWithValue("reason", "refused"), HaveKeyWithValue("id", id), HaveKeyWithValue("status", BeEquivalentTo(status)),
				HaveKeyWithValue("answer", HaveKeyWithValue("reason", "refused")), HaveKey("message"))))
			Eventually(r.spooled).WithTimeout(deliveryTimeout).Should(BeZero())
			Consistently(f.count).WithTimeout(notYet).Should(Equal(1))
		},
		Entry("400", http.StatusBadRequest),
		Entry("403", http.StatusForbidden),
		Entry("409", http.StatusConflict),
		Entry("413", http.StatusRequestEntityTooLarge),
		Entry("415", http.StatusUnsupportedMediaType),
	)

	Describe("receipts", Label("R4766-6.6"), func() {
		It("does not count a 204 without a receipt as delivered, and retries", func() {
			f := startFake(nil, always(http.StatusNoContent))
			f.sign = false
			r := newAnalyzer(f.url, nil).start()
			r.emit("basic", 1)
			Eventually(f.count).WithTimeout(deliveryTimeout).Should(BeNumerically(">=", 3))
			Expect(r.spooled()).To(Equal(1))
		})

		It("does not count a 204 signed by another key as delivered", func() {
			other, err := pki.NewSigningKey("manager")
			Expect(err).NotTo(HaveOccurred())
			f := startFake(nil, always(http.StatusNoContent))
			r := newAnalyzer(f.url, func(c *analyzer.Config) { c.Manager.Public = other.Public() })
			r.start()
			r.emit("basic", 1)
			Eventually(f.count).WithTimeout(deliveryTimeout).Should(BeNumerically(">=", 3))
			Expect(r.spooled()).To(Equal(1))
		})

		It("takes an unsigned 204 from a plain transport-draft manager when no manager key is configured", func() {
			f := startFake(nil, always(http.StatusNoContent))
			f.sign = false
			r := newAnalyzer(f.url, func(c *analyzer.Config) { c.Manager = nil }).start()
			r.emit("basic", 1)
			Eventually(r.spooled).WithTimeout(deliveryTimeout).Should(BeZero())
			Expect(f.count()).To(Equal(1))
		})
	})

	Describe("the request", func() {
		It("is a POST to the URL's path, application/json, the message alone, signed with Content-Digest", Label("IDMEF2T-4.3-5", "IDMEF2T-4.3-7", "IDMEF2T-4.3-12", "IDMEF2T-4.3-13", "IDMEF2T-4.5.1-1"), func() {
			f := startFake(nil, always(http.StatusNoContent))
			r := newAnalyzer(f.url, nil).start()
			id := r.emit("basic", 1)[0]
			Eventually(f.count).WithTimeout(deliveryTimeout).Should(Equal(1))
			ex := f.received()[0]
			Expect(ex.Method).To(Equal(http.MethodPost))
			Expect(ex.Header.Get("Content-Type")).To(Equal("application/json"))
			Expect(ex.Header.Get("Content-Digest")).To(HavePrefix("sha-256=:"))
			Expect(ex.Header.Get("Signature-Input")).To(And(ContainSubstring(`tag="idmefv2-request"`), ContainSubstring(`keyid="analyzer"`)))
			Expect(idOf(ex.Body)).To(Equal(id))
			Expect(json.Valid(ex.Body)).To(BeTrue())
			Expect(ex.TLSVersion).To(BeEquivalentTo(0x0304), "TLS 1.3")
			Expect(ex.PeerCerts).To(Equal(1), "the analyzer presents its certificate")
			u, err := uuid.Parse(id)
			Expect(err).NotTo(HaveOccurred())
			Expect(u.Version()).To(BeEquivalentTo(7))
		})
	})
})

package manager_test

import (
	"bytes"
	"context"
	"crypto/tls"
	"net/http"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/idmefcheck/idmefcheck/reference/httpsig"
	"github.com/idmefcheck/idmefcheck/reference/manager"
	"github.com/idmefcheck/idmefcheck/reference/pki"
)

// Each fault switch makes the reference manager break one rule; these specs prove it does, so
// that a conformance check run against the switch must fail.
var _ = Describe("Faults", func() {
	ctx := context.Background()
	send := func(m *running, msg []byte) *manager.Answer {
		a, err := sender(m, false, manager.SenderOptions{}).Send(ctx, msg)
		Expect(err).NotTo(HaveOccurred())
		return a
	}

	It("AcceptWithoutCommit answers 204 and stores nothing", Label("IDMEF2T-4.3-21"), func() {
		m := startManager(func(c *manager.Config) { c.Faults.AcceptWithoutCommit = true })
		Expect(send(m, alert(newID())).Status).To(Equal(http.StatusNoContent))
		Expect(m.count()).To(BeZero())
	})

	It("ServerErrorOnInvalid answers 500 to an invalid message", Label("IDMEF2T-4.3-20"), func() {
		m := startManager(func(c *manager.Config) { c.Faults.ServerErrorOnInvalid = true })
		Expect(send(m, []byte(`{"Version":"2.D.V08"}`)).Status).To(Equal(http.StatusInternalServerError))
	})

	It("SkipValidation stores an invalid message", Label("IDMEF2T-4.3-20"), func() {
		m := startManager(func(c *manager.Config) { c.Faults.SkipValidation = true })
		Expect(send(m, bytes.Replace(alert(newID()), []byte("+01:00"), nil, 1)).Status).To(Equal(http.StatusNoContent))
		Expect(m.count()).To(BeEquivalentTo(1))
	})

	It("SkipDedup stores a repeat again", Label("R4766-6.8"), func() {
		m := startManager(func(c *manager.Config) { c.Faults.SkipDedup = true })
		msg := alert(newID())
		send(m, msg)
		send(m, msg)
		Expect(m.count()).To(BeEquivalentTo(2))
	})

	It("AcceptTLS12 completes a TLS 1.2 handshake", Label("IDMEF2T-4.5.1-2"), func() {
		m := startManager(func(c *manager.Config) { c.Faults.AcceptTLS12 = true })
		Expect(tlsDial(m.srv.Addrs()[0].String(), world.analyzer, func(c *tls.Config) { c.MinVersion, c.MaxVersion = tls.VersionTLS12, tls.VersionTLS12 })).To(Succeed())
	})

	It("SkipClientCertCheck takes an alert from a certificate of another CA", Label("IDMEF2T-4.5.3-1"), func() {
		m := startManager(func(c *manager.Config) { c.Faults.SkipClientCertCheck = true })
		Expect(tlsDial(m.srv.Addrs()[0].String(), world.bad[pki.OtherCA], nil)).To(Succeed())
		Expect(tlsDial(m.srv.Addrs()[0].String(), world.bad[pki.Wildcard], nil)).To(Succeed())
	})

	It("No405 answers 404 to GET", Label("IDMEF2T-4.3-10"), func() {
		m := startManager(func(c *manager.Config) { c.Faults.No405 = true })
		res, _ := do(client(world.analyzer, false), http.MethodGet, m.url("/"), "", nil)
		Expect(res.StatusCode).To(Equal(http.StatusNotFound))
		Expect(res.Header.Get("Allow")).To(BeEmpty())
	})

	It("SkipSignatureCheck takes an alert signed by an unknown key", Label("R4766-6.6"), func() {
		m := startManager(func(c *manager.Config) { c.Faults.SkipSignatureCheck = true })
		s := sender(m, false, manager.SenderOptions{})
		s.Signer = &httpsig.Signer{KeyID: "nobody", Private: world.managerKey.Private}
		s.Manager = nil
		a, err := s.Send(ctx, alert(newID()))
		Expect(err).NotTo(HaveOccurred())
		Expect(a.Status).To(Equal(http.StatusNoContent))
	})

	// api answers an operator API GET on m with the harness's operator identity.
	api := func(m *running, path string) string {
		res, body := do(client(world.harness, false), http.MethodGet, "https://"+m.srv.APIAddr().String()+path, "", nil)
		Expect(res.StatusCode).To(Equal(http.StatusOK), body)
		return body
	}

	It("FilterIgnoresOffset reads from and to as UTC wall-clock times", Label("R4766-5.2"), func() {
		m := startManager(func(c *manager.Config) { c.Faults.FilterIgnoresOffset = true })
		id := newID()
		send(m, alert(id)) // CreateTime 2026-01-14T15:58:47+01:00, 14:58:47 in UTC
		window := "/v1/alerts?from=2026-01-14T15:00:00%2B01:00&to=2026-01-14T16:00:00%2B01:00"
		Expect(api(m, window)).NotTo(ContainSubstring(id))
		Expect(api(m, "/v1/alerts?from=2026-01-14T14:00:00Z&to=2026-01-14T15:00:00Z")).To(ContainSubstring(id))
	})

	It("IgnorePriorityFilter lists alerts of every priority", Label("R4766-5.2"), func() {
		m := startManager(func(c *manager.Config) { c.Faults.IgnorePriorityFilter = true })
		id := newID()
		send(m, alert(id)) // Priority Low
		Expect(api(m, "/v1/alerts?priority=High")).To(ContainSubstring(id))
	})

	It("StatsIgnoreFilter counts alerts the filters exclude", Label("R4766-5.2"), func() {
		m := startManager(func(c *manager.Config) { c.Faults.StatsIgnoreFilter = true })
		send(m, alert(newID())) // Priority Low
		Expect(api(m, "/v1/stats?group_by=Priority&priority=High")).To(MatchRegexp(`"key": "Low",\s*"count": 1`))
	})

	It("EvidenceWithoutSignature serves the evidence of a signed alert without its signature", Label("R4766-6.6"), func() {
		m := startManager(func(c *manager.Config) { c.Faults.EvidenceWithoutSignature = true })
		id := newID()
		a, err := sender(m, true, manager.SenderOptions{}).Send(ctx, alert(id))
		Expect(err).NotTo(HaveOccurred())
		Expect(a.Status).To(Equal(http.StatusNoContent))
		ev := api(m, "/v1/alerts/"+id+"/evidence")
		Expect(ev).To(ContainSubstring(`"peer_identity"`))
		Expect(ev).NotTo(ContainSubstring(`"signature"`))
	})

	// manyFaults is a small valid-looking alert with a hundred bad Source entries: a hundred
	// findings for about 1 KB of message.
	manyFaults := func() []byte {
		return bytes.Replace(alert(newID()), []byte(`"Source":[`), []byte(`"Source":[`+strings.Repeat(`{"IP":"x"},`, 100)), 1)
	}

	It("VerboseErrors answers a small bad request many times its size", Label("SECOPS-6-3"), func() {
		m := startManager(func(c *manager.Config) { c.Faults.VerboseErrors = true })
		res, body := do(client(world.analyzer, true), http.MethodDelete, m.url("/"), "", nil)
		Expect(res.StatusCode).To(Equal(http.StatusMethodNotAllowed))
		Expect(len(body)).To(BeNumerically(">", 8<<10), "a DELETE of a few hundred bytes")
		Expect(body).To(ContainSubstring("goroutine "))
	})

	It("TerseErrors refuses an unknown Version without naming the supported versions", Label("SECOPS-6-7"), func() {
		m := startManager(func(c *manager.Config) { c.Faults.TerseErrors = true })
		a := send(m, bytes.Replace(alert(newID()), []byte(`"2.D.V08"`), []byte(`"2.D.V99"`), 1))
		Expect(a.Status).To(Equal(http.StatusBadRequest))
		Expect(a.Problem.Reason).To(Equal("invalid"))
		Expect(a.Problem.Findings).To(BeEmpty())
		Expect(a.Body).NotTo(ContainSubstring("2.D.V08"))
	})

	It("OpenOperatorAPI serves the operator API to an analyzer's identity", Label("SECOPS-8-1", "SECOPS-8-2"), func() {
		m := startManager(func(c *manager.Config) { c.Faults.OpenOperatorAPI = true })
		id := newID()
		send(m, alert(id))
		res, body := do(client(world.analyzer, false), http.MethodGet, "https://"+m.srv.APIAddr().String()+"/v1/alerts/"+id, "", nil)
		Expect(res.StatusCode).To(Equal(http.StatusOK))
		Expect(body).To(ContainSubstring(id))
	})

	It("AuditOnlySuccess leaves no audit record of a refused operator request", Label("SECOPS-8-3"), func() {
		m := startManager(func(c *manager.Config) { c.Faults.AuditOnlySuccess = true })
		api(m, "/v1/stats?group_by=Priority")
		res, _ := do(client(world.harness, false), http.MethodGet, "https://"+m.srv.APIAddr().String()+"/v1/alerts/"+newID(), "", nil)
		Expect(res.StatusCode).To(Equal(http.StatusNotFound))
		Expect(m.logs.String()).To(ContainSubstring(`"path":"/v1/stats"`))
		Expect(m.logs.String()).NotTo(ContainSubstring(`"status":404`))
	})

	It("are off in the zero value: the same requests are refused", func() {
		m := startManager(nil)
		res, body := do(client(world.analyzer, true), http.MethodDelete, m.url("/"), "", nil)
		Expect(res.StatusCode).To(Equal(http.StatusMethodNotAllowed))
		Expect(len(body)).To(BeNumerically("<", 1<<10))
		a := send(m, bytes.Replace(alert(newID()), []byte(`"2.D.V08"`), []byte(`"2.D.V99"`), 1))
		Expect(a.Status).To(Equal(http.StatusBadRequest))
		Expect(a.Body).To(ContainSubstring("2.D.V04, 2.D.V05, 2.D.V06, 2.D.V07, 2.D.V08"))
		refused, err := client(world.analyzer, true).Get("https://" + m.srv.APIAddr().String() + "/v1/alerts")
		if err == nil {
			refused.Body.Close()
		}
		Expect(err).To(HaveOccurred(), "the analyzer is refused on the operator API")
		res, _ = do(client(world.harness, false), http.MethodGet, "https://"+m.srv.APIAddr().String()+"/v1/alerts/"+newID(), "", nil)
		Expect(res.StatusCode).To(Equal(http.StatusNotFound))
		Expect(m.logs.String()).To(MatchRegexp(`"audit":true,[^\n]*"status":404`))
	})

	It("are off in the zero value: the findings of an error answer are bounded by the message's size", Label("SECOPS-6-3"), func() {
		m := startManager(nil)
		msg := manyFaults()
		a := send(m, msg)
		Expect(a.Status).To(Equal(http.StatusBadRequest))
		Expect(len(a.Body)).To(BeNumerically("<=", max(2<<10, len(msg))+1<<10))
		Expect(a.Problem.Findings).NotTo(BeEmpty())
		Expect(a.Problem.Omitted).To(BeNumerically(">", 0))
		Expect(len(a.Problem.Findings) + a.Problem.Omitted).To(BeNumerically(">=", 100))
	})

	It("are off in the zero value: a signature from an unknown key is refused", func() {
		m := startManager(nil)
		s := sender(m, false, manager.SenderOptions{})
		s.Signer = &httpsig.Signer{KeyID: "nobody", Private: world.managerKey.Private}
		s.Manager = nil
		a, err := s.Send(ctx, alert(newID()))
		Expect(err).NotTo(HaveOccurred())
		Expect(a.Status).To(Equal(http.StatusForbidden))
		Expect(a.Problem.Reason).To(Equal("signature-unknown-key"))
	})
})

package manager_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/idmefcheck/idmefcheck/reference/manager"
	"github.com/idmefcheck/idmefcheck/reference/store"
)

var _ = Describe("the operator API", Label("R4766-5.2"), func() {
	var m *running
	var op *http.Client
	ids := []string{"0190a6e2-7c1d-7b3e-9f00-00000000000a", "0190a6e2-7c1d-7b3e-9f00-00000000000b", "0190a6e2-7c1d-7b3e-9f00-00000000000c"}
	BeforeEach(func() {
		m = startManager(nil)
		s := sender(m, true, manager.SenderOptions{})
		for i, extra := range []string{
			`"Description":"first scan"`,
			`"Description":"second scan"`,
			`"Description":"login burst"`,
		} {
			msg := alert(ids[i], extra)
			if i == 2 {
				msg = []byte(strings.Replace(string(msg), `"Priority":"Low"`, `"Priority":"High"`, 1))
				msg = []byte(strings.Replace(string(msg), `"2026-01-14T15:58:47+01:00"`, `"2026-01-14T18:00:00+01:00"`, 1))
				msg = []byte(strings.Replace(string(msg), `"203.0.113.77"`, `"198.51.100.9"`, 1))
			}
			a, err := s.Send(context.Background(), msg)
			Expect(err).NotTo(HaveOccurred())
			Expect(a.Status).To(Equal(http.StatusNoContent))
		}
		op = client(world.harness, false)
	})
	api := func(path string) (*http.Response, string) {
		return do(op, http.MethodGet, "https://"+m.srv.APIAddr().String()+path, "", nil)
	}
	page := func(path string) manager.AlertPage {
		res, body := api(path)
		Expect(res.StatusCode).To(Equal(http.StatusOK), body)
		var p manager.AlertPage
		Expect(json.Unmarshal([]byte(body), &p)).To(Succeed())
		return p
	}
	idsOf := func(p manager.AlertPage) []string {
		out := []string{}
		for _, a := range p.Alerts {
			out = append(out, a.ID)
		}
		return out
	}

	It("lists alerts with filters on priority, addresses, analyzer name and free text", func() {
		Expect(idsOf(page("/v1/alerts?priority=High"))).To(Equal(ids[2:]))
		Expect(idsOf(page("/v1/alerts?source_ip=203.0.113.77"))).To(Equal(ids[:2]))
		Expect(idsOf(page("/v1/alerts?target_ip=2001:DB8:0::10"))).To(Equal(ids))
		Expect(idsOf(page("/v1/alerts?analyzer_name=ids1&q=SCAN"))).To(Equal(ids[:2]))
		Expect(idsOf(page("/v1/alerts?category=Recon.Network&peer=dns:analyzer.idmefcheck.test"))).To(Equal(ids))
	})

	It("filters on a CreateTime range given in any offset, compared in UTC", func() {
		q := url.Values{"from": {"2026-01-14T16:30:00Z"}, "to": {"2026-01-14T12:00:00-06:00"}}
		Expect(idsOf(page("/v1/alerts?" + q.Encode()))).To(Equal(ids[2:]))
		res, body := api("/v1/alerts?from=2026-01-14T16:30:00")
		Expect(res.StatusCode).To(Equal(http.StatusBadRequest))
		Expect(body).To(ContainSubstring("offset"))
	})

	It("pages with a cursor", func() {
		p := page("/v1/alerts?limit=2")
		Expect(idsOf(p)).To(Equal(ids[:2]))
		Expect(p.Next).NotTo(BeEmpty())
		p = page("/v1/alerts?limit=2&cursor=" + p.Next)
		Expect(idsOf(p)).To(Equal(ids[2:]))
		Expect(p.Next).To(BeEmpty())
	})

	It("returns one alert as the bytes received, and its evidence", func() {
		res, body := api("/v1/alerts/" + strings.ToUpper(ids[0]))
		Expect(res.StatusCode).To(Equal(http.StatusOK))
		Expect(body).To(Equal(string(alert(ids[0], `"Description":"first scan"`))))
		res, body = api("/v1/alerts/" + ids[0] + "/evidence")
		Expect(res.StatusCode).To(Equal(http.StatusOK))
		var ev manager.EvidenceBody
		Expect(json.Unmarshal([]byte(body), &ev)).To(Succeed())
		Expect(ev.Evidence.Mode).To(Equal("push"))
		Expect(ev.Evidence.Signature.KeyID).To(Equal("analyzer"))
		Expect(ev.Evidence.Signature.SignatureInput).To(HavePrefix("idmef=("))
		Expect(ev.Evidence.PeerCertificate).NotTo(BeEmpty())
		res, _ = api("/v1/alerts/0190a6e2-7c1d-7b3e-9f00-ffffffffffff")
		Expect(res.StatusCode).To(Equal(http.StatusNotFound))
	})

	It("counts by Category, Priority, Analyzer.Name and Source.IP", func() {
		for group, want := range map[string][]store.Count{
			"Priority":      {{Key: "Low", Count: 2}, {Key: "High", Count: 1}},
			"Category":      {{Key: "Recon.Network", Count: 3}},
			"Analyzer.Name": {{Key: "ids1", Count: 3}},
			"Source.IP":     {{Key: "203.0.113.77", Count: 2}, {Key: "198.51.100.9", Count: 1}},
		} {
			res, body := api("/v1/stats?group_by=" + group)
			Expect(res.StatusCode).To(Equal(http.StatusOK))
			var st manager.StatsBody
			Expect(json.Unmarshal([]byte(body), &st)).To(Succeed())
			Expect(st.Counts).To(Equal(want), group)
		}
		res, _ := api("/v1/stats?group_by=Target.Port")
		Expect(res.StatusCode).To(Equal(http.StatusBadRequest))
	})

	It("reports health and Prometheus metrics", func() {
		res, body := api("/v1/health")
		Expect(res.StatusCode).To(Equal(http.StatusOK))
		Expect(body).To(ContainSubstring(`"alerts": 3`))
		res, body = api("/metrics")
		Expect(res.Header.Get("Content-Type")).To(HavePrefix("text/plain; version=0.0.4"))
		Expect(body).To(ContainSubstring("idmef_manager_alerts_stored_total 3\n"))
		Expect(body).To(ContainSubstring("idmef_manager_signatures_verified_total 3\n"))
		Expect(body).To(ContainSubstring(`idmef_manager_responses_total{code="204"} 3`))
		Expect(body).To(ContainSubstring(`idmef_manager_request_duration_seconds_bucket{le="+Inf"} 3`))
	})

	It("audits every operator request in the structured log", func() {
		_, _ = api("/v1/alerts?priority=High")
		Expect(m.logs.String()).To(MatchRegexp(`"msg":"operator request","audit":true,"operator":"dns:harness.idmefcheck.test".*"path":"/v1/alerts","query":"priority=High","status":200`))
	})

	It("refuses a client that is not a named operator, the analyzer included", Label("IDMEF2T-4.5.4-7"), func() {
		Expect(tlsDial(m.srv.APIAddr().String(), world.analyzer, nil)).To(HaveOccurred())
	})
})

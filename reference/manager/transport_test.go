package manager_test

import (
	"bufio"
	"bytes"
	"context"
	"crypto/tls"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptrace"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/idmefcheck/idmefcheck/reference/manager"
	"github.com/idmefcheck/idmefcheck/reference/pki"
)

var _ = Describe("the ingest listener, per the transport draft", func() {
	var m *running
	BeforeEach(func() { m = startManager(nil) })

	It("answers 204 over HTTP/2 once the alert is stored", Label("IDMEF2T-4.3-21", "IDMEF2T-4.3-2", "IDMEF2T-4.3-18"), func() {
		a, err := sender(m, false, manager.SenderOptions{}).Send(context.Background(), alert(newID()))
		Expect(err).NotTo(HaveOccurred())
		Expect(a.Status).To(Equal(http.StatusNoContent))
		Expect(a.Proto).To(Equal("HTTP/2.0"))
		Expect(m.count()).To(BeEquivalentTo(1))
	})

	It("takes chunked HTTP/1.1 bodies on one persistent connection", Label("IDMEF2T-4.3-1", "IDMEF2T-4.3-24", "IDMEF2T-4.3-26"), func() {
		c := client(world.analyzer, true)
		reused := []bool{}
		for range 3 {
			req, err := http.NewRequest(http.MethodPost, m.url("/"), io.NopCloser(io.MultiReader(bytes.NewReader(alert(newID()))))) // no length: chunked
			Expect(err).NotTo(HaveOccurred())
			req.Header.Set("Content-Type", "application/json")
			req = req.WithContext(httptrace.WithClientTrace(req.Context(), &httptrace.ClientTrace{GotConn: func(i httptrace.GotConnInfo) { reused = append(reused, i.Reused) }}))
			res, err := c.Do(req)
			Expect(err).NotTo(HaveOccurred())
			_, _ = io.Copy(io.Discard, res.Body)
			res.Body.Close()
			Expect(res.StatusCode).To(Equal(http.StatusNoContent))
			Expect(res.Proto).To(Equal("HTTP/1.1"))
		}
		Expect(reused).To(Equal([]bool{false, true, true}))
		Expect(m.count()).To(BeEquivalentTo(3))
	})

	It("accepts alerts on any path, '/' and rewritten ones alike", Label("IDMEF2T-4.3-8", "IDMEF2T-4.3-9"), func() {
		for _, p := range []string{"/", "/idmef", "/a/b?c=d"} {
			res, _ := do(client(world.analyzer, false), http.MethodPost, m.url(p), "application/json", bytes.NewReader(alert(newID())))
			Expect(res.StatusCode).To(Equal(http.StatusNoContent), p)
		}
	})

	It("answers 405 with Allow: POST to every other method", Label("IDMEF2T-4.3-7", "IDMEF2T-4.3-10"), func() {
		for _, method := range []string{http.MethodGet, http.MethodPut, http.MethodDelete, http.MethodPatch, http.MethodOptions} {
			res, body := do(client(world.analyzer, false), method, m.url("/"), "", nil)
			Expect(res.StatusCode).To(Equal(http.StatusMethodNotAllowed), method)
			Expect(res.Header.Get("Allow")).To(Equal("POST"))
			Expect(body).To(ContainSubstring(`"reason":"method"`))
		}
	})

	It("answers 415 to a media type other than application/json, or none", Label("IDMEF2T-4.3-13", "IDMEF2T-4.3-14"), func() {
		for _, ct := range []string{"application/x-idmefv2", "text/plain", "application/json; charset=latin1", ""} {
			res, body := do(client(world.analyzer, false), http.MethodPost, m.url("/"), ct, bytes.NewReader(alert(newID())))
			Expect(res.StatusCode).To(Equal(http.StatusUnsupportedMediaType), ct)
			Expect(body).To(ContainSubstring(`"alternatives":["application/json"]`))
		}
		res, _ := do(client(world.analyzer, false), http.MethodPost, m.url("/"), "application/json; charset=UTF-8", bytes.NewReader(alert(newID())))
		Expect(res.StatusCode).To(Equal(http.StatusNoContent))
	})

	It("negotiates Accept: 406 when application/json is not acceptable, JSON otherwise", Label("IDMEF2T-4.3-15", "IDMEF2T-4.3-16", "IDMEF2T-4.3-17"), func() {
		for accept, want := range map[string]int{
			"application/x-example-type":     http.StatusNotAcceptable,
			"application/json;q=0, */*":      http.StatusNotAcceptable,
			"text/html, application/*;q=0.2": http.StatusNoContent,
			"*/*":                            http.StatusNoContent,
			"application/json":               http.StatusNoContent,
		} {
			res, body := do(client(world.analyzer, false), http.MethodPost, m.url("/"), "application/json", bytes.NewReader(alert(newID())), "Accept", accept)
			Expect(res.StatusCode).To(Equal(want), accept)
			if want == http.StatusNotAcceptable {
				Expect(res.Header.Get("Content-Type")).To(Equal("application/json"))
				Expect(body).To(ContainSubstring(`"alternatives":["application/json"]`))
			}
		}
		// No Accept at all: the default, JSON.
		res, body := do(client(world.analyzer, false), http.MethodPost, m.url("/"), "text/plain", strings.NewReader("x"))
		Expect(res.StatusCode).To(Equal(http.StatusUnsupportedMediaType))
		Expect(res.Header.Get("Content-Type")).To(Equal("application/json"))
		Expect(json.Valid([]byte(body))).To(BeTrue())
	})

	DescribeTable("answers 400 with the validator's findings to an improper message",
		Label("IDMEF2T-4.3-20", "IDMEF2T-3-2"),
		func(body []byte, rule string) {
			res, text := do(client(world.analyzer, false), http.MethodPost, m.url("/"), "application/json", bytes.NewReader(body))
			Expect(res.StatusCode).To(Equal(http.StatusBadRequest))
			var p manager.Problem
			Expect(json.Unmarshal([]byte(text), &p)).To(Succeed())
			Expect(p.Reason).To(Equal("invalid"))
			rules := []string{}
			for _, f := range p.Findings {
				rules = append(rules, f.Rule)
			}
			Expect(rules).To(ContainElement(rule))
			Expect(m.count()).To(BeZero())
		},
		Entry("no UTC offset", bytes.Replace(alert("0190a6e2-7c1d-7b3e-9f00-5a1b2c3d4e01"), []byte("+01:00"), nil, 1), "time.offset-missing"),
		Entry("truncated JSON", alert("0190a6e2-7c1d-7b3e-9f00-5a1b2c3d4e02")[:60], "json.syntax"),
		Entry("invalid UTF-8", append([]byte(`{"Version":"2.D.V08","ID":"`), 0xff, '"', '}'), "json.utf8"),
		Entry("a wrong type", alert("0190a6e2-7c1d-7b3e-9f00-5a1b2c3d4e03", `"Description":5`), "schema.type"),
		Entry("an empty body", []byte{}, "json.empty"),
		Entry("a JSON array", []byte(`[1,2]`), "json.not-object"),
	)

	It("answers 413 to a body over the limit, announced or chunked", Label("R4766-6.7"), func() {
		big := bytes.Repeat([]byte("a"), 10<<20)
		res, body := do(client(world.analyzer, false), http.MethodPost, m.url("/"), "application/json", bytes.NewReader(big))
		Expect(res.StatusCode).To(Equal(http.StatusRequestEntityTooLarge))
		Expect(body).To(ContainSubstring("too-large"))
		res, _ = do(client(world.analyzer, true), http.MethodPost, m.url("/"), "application/json", io.MultiReader(bytes.NewReader(big)))
		Expect(res.StatusCode).To(Equal(http.StatusRequestEntityTooLarge))
	})

	It("listens on IPv6 as well as IPv4", Label("R4766-7.6"), func() {
		res, _ := do(client(world.analyzer, false), http.MethodPost, m.url6("/"), "application/json", bytes.NewReader(alert(newID())))
		Expect(res.StatusCode).To(Equal(http.StatusNoContent))
		Expect(m.srv.Addrs()[1].(*net.TCPAddr).IP.To4()).To(BeNil())
	})

	It("speaks no cleartext HTTP, h2c included", Label("IDMEF2T-4.3-4"), func() {
		c, err := net.Dial("tcp", m.srv.Addrs()[0].String())
		Expect(err).NotTo(HaveOccurred())
		defer c.Close()
		_, err = c.Write([]byte("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"))
		Expect(err).NotTo(HaveOccurred())
		line, _ := bufio.NewReader(c).ReadString('\n')
		Expect(line).NotTo(HavePrefix("HTTP/"))
	})

	It("negotiates HTTP/2 by ALPN over TLS 1.3", Label("IDMEF2T-4.3-3", "IDMEF2T-4.5.1-1"), func() {
		c, err := tls.Dial("tcp", m.srv.Addrs()[0].String(), &tls.Config{RootCAs: world.roots, ServerName: "localhost",
			Certificates: []tls.Certificate{world.analyzer.TLS()}, NextProtos: []string{"h2", "http/1.1"}})
		Expect(err).NotTo(HaveOccurred())
		defer c.Close()
		st := c.ConnectionState()
		Expect(st.NegotiatedProtocol).To(Equal("h2"))
		Expect(st.Version).To(BeEquivalentTo(tls.VersionTLS13))
	})

	DescribeTable("refuses peers the transport draft forbids, before any HTTP",
		func(cred func() *pki.Credential, mutate func(*tls.Config)) {
			Expect(tlsDial(m.srv.Addrs()[0].String(), cred(), mutate)).To(HaveOccurred())
			Expect(m.count()).To(BeZero())
		},
		Entry("TLS 1.2", Label("IDMEF2T-4.5.1-2"), func() *pki.Credential { return world.analyzer }, func(c *tls.Config) { c.MinVersion, c.MaxVersion = tls.VersionTLS12, tls.VersionTLS12 }),
		Entry("no client certificate", Label("IDMEF2T-4.5.3-1"), func() *pki.Credential { return world.analyzer }, func(c *tls.Config) { c.GetClientCertificate = nil }),
		Entry("a certificate from another CA", Label("IDMEF2T-4.5.3-1"), func() *pki.Credential { return world.bad[pki.OtherCA] }, nil),
		Entry("an expired certificate", Label("IDMEF2T-4.5.3-1"), func() *pki.Credential { return world.bad[pki.Expired] }, nil),
		Entry("a wildcard certificate", Label("IDMEF2T-4.5.4-3", "IDMEF2T-4.5.4-4"), func() *pki.Credential { return world.bad[pki.Wildcard] }, nil),
		Entry("a CN-only certificate", Label("IDMEF2T-4.5.3-4"), func() *pki.Credential { return world.bad[pki.CNOnly] }, nil),
		Entry("a good certificate not on the allow-list", Label("IDMEF2T-4.5.4-7"), func() *pki.Credential { return world.harness }, nil),
	)

	It("accepts the allowed analyzer's handshake", Label("IDMEF2T-4.5.3-1"), func() {
		err := tlsDial(m.srv.Addrs()[0].String(), world.analyzer, nil)
		Expect(err).NotTo(HaveOccurred())
	})
})

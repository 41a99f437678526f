package analyzer_test

import (
	"bytes"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/idmefcheck/idmefcheck/reference/analyzer"
	"github.com/idmefcheck/idmefcheck/reference/httpsig"
	"github.com/idmefcheck/idmefcheck/reference/manager"
	"github.com/idmefcheck/idmefcheck/reference/pki"
	"github.com/idmefcheck/idmefcheck/reference/transport"
)

// puller plays a pulling manager by hand: it presents cred and signs with key (nil: unsigned).
type puller struct {
	client *http.Client
	key    *pki.SigningKey
	base   string
}

func newPuller(base string, cred *pki.Credential, key *pki.SigningKey) *puller {
	u, err := url.Parse(base)
	Expect(err).NotTo(HaveOccurred())
	cfg := transport.ClientConfig(cred.TLS(), transport.Policy{Roots: world.roots}, u.Hostname())
	c := &http.Client{Transport: &http.Transport{TLSClientConfig: cfg, ForceAttemptHTTP2: true}, Timeout: deliveryTimeout}
	DeferCleanup(c.CloseIdleConnections)
	return &puller{client: c, key: key, base: base}
}

type pulled struct {
	status int
	header http.Header
	body   []byte
	req    *http.Request
	res    *http.Response
}

func (p *puller) get(method, path string, query url.Values) (*pulled, error) {
	u := p.base
	if path != "" {
		u = strings.Replace(u, analyzer.DefaultPullPath, path, 1)
	}
	if len(query) > 0 {
		u += "?" + query.Encode()
	}
	req, err := http.NewRequest(method, u, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Accept", "application/json")
	if p.key != nil {
		if err := (&httpsig.Signer{KeyID: p.key.KeyID, Private: p.key.Private}).SignRequest(req, nil); err != nil {
			return nil, err
		}
	}
	res, err := p.client.Do(req)
	if err != nil {
		return nil, err
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		return nil, err
	}
	res.Body = io.NopCloser(bytes.NewReader(body))
	return &pulled{status: res.StatusCode, header: res.Header, body: body, req: req, res: res}, nil
}

func cursorAt(c string) url.Values { return url.Values{"cursor": {c}} }

var _ = Describe("pull mode, analyzer side", Label("R4766-6.2"), func() {
	pullAnalyzer := func(tweak func(*analyzer.Config)) *running {
		return newAnalyzer("", func(c *analyzer.Config) {
			c.Pull = &analyzer.Pull{MaxWait: 5 * time.Second}
			if tweak != nil {
				tweak(c)
			}
		}).start()
	}

	It("lets the reference manager fetch every alert once, by cursor, signed, and drops each once acknowledged", func() {
		r := pullAnalyzer(nil)
		ids := r.emit("basic", 20)
		m := startRefManager(func(c *manager.Config) {
			c.Analyzers[0].Pull = r.pullURL
			c.Analyzers[0].RequireSignature = true
		})
		Eventually(m.ids).WithTimeout(deliveryTimeout).Should(Equal(ids), "pulled in spool order")
		Eventually(r.spooled).WithTimeout(deliveryTimeout).Should(BeZero(), "the manager's cursor acknowledged them all")
		more := r.emit("unicode", 2)
		Eventually(m.ids).WithTimeout(deliveryTimeout).Should(Equal(append(ids, more...)), "a long poll picks up new alerts")
	})

	Describe("the protocol", func() {
		var r *running
		var p *puller
		BeforeEach(func() {
			r = pullAnalyzer(nil)
			p = newPuller(r.pullURL, world.manager, world.managerKey)
		})

		It("serves the oldest alert first with a cursor and a signature bound to the request", Label("R4766-6.6"), func() {
			ids := r.emit("basic", 2)
			got, err := p.get(http.MethodGet, "", nil)
			Expect(err).NotTo(HaveOccurred())
			Expect(got.status).To(Equal(http.StatusOK))
			Expect(idOf(got.body)).To(Equal(ids[0]))
			Expect(got.header.Get("Content-Type")).To(Equal("application/json"))
			Expect(got.header.Get(analyzer.CursorHeader)).To(MatchRegexp(`^[0-9a-f]{16}\.\d+$`))
			v := &httpsig.Verifier{Keys: map[string]httpsig.Key{"analyzer": {KeyID: "analyzer", Public: world.analyzerKey.Public(), Identity: analyzerID}}}
			ev, err := v.VerifyResponse(got.res, got.body, got.req, manager.CursorHeader)
			Expect(err).NotTo(HaveOccurred())
			Expect(ev.Components).To(ContainElements(`"idmef-cursor"`, `"signature";key="idmef";req`))
		})

		It("acknowledges everything up to the cursor a request carries, and serves what follows", func() {
			ids := r.emit("basic", 3)
			first, err := p.get(http.MethodGet, "", nil)
			Expect(err).NotTo(HaveOccurred())
			Expect(r.spooled()).To(Equal(3), "nothing is acknowledged before the manager sends the cursor back")
			second, err := p.get(http.MethodGet, "", cursorAt(first.header.Get(analyzer.CursorHeader)))
			Expect(err).NotTo(HaveOccurred())
			Expect(idOf(second.body)).To(Equal(ids[1]))
			Expect(r.spooled()).To(Equal(2))
		})

		It("answers 204 when nothing follows the cursor, at once without wait and after wait seconds with it", func() {
			got, err := p.get(http.MethodGet, "", nil)
			Expect(err).NotTo(HaveOccurred())
			Expect(got.status).To(Equal(http.StatusNoContent))
			start := time.Now()
			got, err = p.get(http.MethodGet, "", url.Values{"wait": {"1"}})
			Expect(err).NotTo(HaveOccurred())
			Expect(got.status).To(Equal(http.StatusNoContent))
			Expect(time.Since(start)).To(BeNumerically(">=", 900*time.Millisecond))
		})

		It("answers a long poll as soon as an alert is spooled", func() {
			done := make(chan *pulled, 1)
			go func() {
				defer GinkgoRecover()
				got, err := p.get(http.MethodGet, "", url.Values{"wait": {"5"}})
				Expect(err).NotTo(HaveOccurred())
				done <- got
			}()
			Consistently(done).WithTimeout(notYet).ShouldNot(Receive())
			id := r.emit("basic", 1)[0]
			var got *pulled
			Eventually(done).WithTimeout(deliveryTimeout).Should(Receive(&got))
			Expect(idOf(got.body)).To(Equal(id))
		})

		DescribeTable("answers 410 to a cursor it does not know",
			func(cursor func() string) {
				r.emit("basic", 1)
				got, err := p.get(http.MethodGet, "", cursorAt(cursor()))
				Expect(err).NotTo(HaveOccurred())
				Expect(got.status).To(Equal(http.StatusGone))
				Expect(r.spooled()).To(Equal(1), "an unknown cursor acknowledges nothing")
			},
			Entry("one from another spool (lost and recreated)", func() string { return "0123456789abcdef.1" }),
			Entry("one beyond anything issued", func() string { return r.spool.Epoch() + ".99" }),
			Entry("a malformed one", func() string { return "yesterday" }),
		)

		It("answers 405 with Allow to other methods, and 404 elsewhere", func() {
			got, err := p.get(http.MethodPost, "", nil)
			Expect(err).NotTo(HaveOccurred())
			Expect(got.status).To(Equal(http.StatusMethodNotAllowed))
			Expect(got.header.Get("Allow")).To(Equal("GET"))
			got, err = p.get(http.MethodGet, "/elsewhere", nil)
			Expect(err).NotTo(HaveOccurred())
			Expect(got.status).To(Equal(http.StatusNotFound))
		})

		It("refuses a request signed with the manager's keyid by another key", Label("R4766-6.3.1"), func() {
			forged, err := pki.NewSigningKey("manager")
			Expect(err).NotTo(HaveOccurred())
			got, err := newPuller(r.pullURL, world.manager, forged).get(http.MethodGet, "", nil)
			Expect(err).NotTo(HaveOccurred())
			Expect(got.status).To(Equal(http.StatusForbidden))
		})

		It("refuses a client that is not an allowed manager during the handshake", Label("IDMEF2T-4.5.4-7", "IDMEF2T-4.5.3-1"), func() {
			_, err := newPuller(r.pullURL, world.analyzer, nil).get(http.MethodGet, "", nil)
			Expect(err).To(HaveOccurred())
		})
	})

	It("serves pulling managers over IPv6, its certificate matched by IP-ID", Label("R4766-4.2"), func() {
		r := newAnalyzer("", func(c *analyzer.Config) { c.Pull = &analyzer.Pull{} }).startOn("[::1]:0")
		Expect(r.pullURL).To(HavePrefix("https://[::1]:"))
		ids := r.emit("ipv6", 2)
		m := startRefManager(func(c *manager.Config) { c.Analyzers[0].Pull = r.pullURL })
		Eventually(m.ids).WithTimeout(deliveryTimeout).Should(Equal(ids))
	})

	It("refuses unsigned pull requests when signatures are required", Label("R4766-6.3.1"), func() {
		r := pullAnalyzer(func(c *analyzer.Config) { c.Pull.RequireSignature = true })
		got, err := newPuller(r.pullURL, world.manager, nil).get(http.MethodGet, "", nil)
		Expect(err).NotTo(HaveOccurred())
		Expect(got.status).To(Equal(http.StatusForbidden))
		Expect(string(got.body)).To(ContainSubstring("signature-required"))
	})

	It("stops a long poll when the analyzer stops", func() {
		r := pullAnalyzer(nil)
		p := newPuller(r.pullURL, world.manager, world.managerKey)
		done := make(chan int, 1)
		go func() {
			got, err := p.get(http.MethodGet, "", url.Values{"wait": {"30"}})
			if err != nil {
				done <- 0
				return
			}
			done <- got.status
		}()
		Consistently(done).WithTimeout(notYet).ShouldNot(Receive())
		Expect(r.stop()).To(Succeed())
		Eventually(done).WithTimeout(shutdownTimeout).Should(Receive())
	})
})

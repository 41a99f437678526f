package observe_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/idmefcheck/idmefcheck/conformance/observe"
)

// operatorAPI imitates the reference operator API's GET /v1/alerts: a free-text filter q
// over the whole alert, limit and an opaque cursor, pages of at most limit alerts.
type operatorAPI struct {
	mu      sync.Mutex
	alerts  []map[string]any
	queries []url.Values
	status  int    // answer every request with this status and body when not zero
	body    string // the answer's body with status
}

func (o *operatorAPI) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if r.Method != http.MethodGet || r.URL.Path != "/v1/alerts" {
		http.NotFound(w, r)
		return
	}
	q := r.URL.Query()
	o.queries = append(o.queries, q)
	if o.status != 0 {
		w.WriteHeader(o.status)
		_, _ = w.Write([]byte(o.body))
		return
	}
	limit, _ := strconv.Atoi(q.Get("limit"))
	after, _ := strconv.Atoi(q.Get("cursor"))
	var page []map[string]any
	next := ""
	for i, a := range o.alerts {
		if i < after {
			continue
		}
		text, _ := json.Marshal(a)
		if !strings.Contains(strings.ToLower(string(text)), strings.ToLower(q.Get("q"))) {
			continue
		}
		if len(page) == limit {
			next = strconv.Itoa(i)
			break
		}
		page = append(page, a)
	}
	if page == nil {
		page = []map[string]any{}
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]any{"alerts": page, "next_cursor": next})
}

func (o *operatorAPI) add(seq int, id, analyzer string, alert string) {
	o.alerts = append(o.alerts, map[string]any{"seq": seq, "analyzer": analyzer, "id": id,
		"received": "2026-11-24T08:20:55Z", "fields": map[string]any{}, "alert": json.RawMessage(alert)})
}

var _ = Describe("API", func() {
	var (
		op  *operatorAPI
		api *observe.API
	)
	BeforeEach(func() {
		op = &operatorAPI{}
		srv := httptest.NewTLSServer(op) // loopback only
		DeferCleanup(srv.Close)
		base, err := url.Parse(srv.URL + "/")
		Expect(err).NotTo(HaveOccurred())
		api = &observe.API{Base: base, Client: srv.Client()}
	})

	It("finds an alert by ID whatever its case, with who delivered it and when", func() {
		op.add(1, "019BBD04-AAAA", "dns:a.test", `{"ID":"019BBD04-AAAA","Version":"2.D.V08"}`)
		got, err := api.Lookup(context.Background(), "019bbd04-aaaa")
		Expect(err).NotTo(HaveOccurred())
		obs := got[observe.Key("019bbd04-aaaa")]
		Expect(obs).To(HaveLen(1))
		Expect(obs[0].ID).To(Equal("019BBD04-AAAA"))
		Expect(obs[0].Analyzer).To(Equal("dns:a.test"))
		Expect(obs[0].Received).To(Equal(time.Date(2026, 11, 24, 8, 20, 55, 0, time.UTC)))
		Expect(obs[0].Message).To(MatchJSON(`{"ID":"019BBD04-AAAA","Version":"2.D.V08"}`))
		Expect(obs[0].Where).To(Equal("/v1/alerts (seq 1)"))
		Expect(op.queries[0].Get("q")).To(Equal("019bbd04-aaaa"))
	})

	It("ignores alerts the free-text filter matched on other fields", func() {
		op.add(1, "other", "dns:a.test", `{"ID":"other","Description":"see 019bbd04-bbbb"}`)
		got, err := api.Lookup(context.Background(), "019bbd04-bbbb")
		Expect(err).NotTo(HaveOccurred())
		Expect(got).To(BeEmpty())
	})

	It("follows the cursor through every page", func() {
		for i := range 1203 {
			op.add(i+1, "dup-id", "dns:a.test", `{"ID":"dup-id"}`)
		}
		got, err := api.Lookup(context.Background(), "DUP-ID")
		Expect(err).NotTo(HaveOccurred())
		Expect(got[observe.Key("dup-id")]).To(HaveLen(1203))
		Expect(op.queries).To(HaveLen(3))
		Expect(op.queries[1].Get("cursor")).To(Equal("500"))
	})

	It("looks each ID up on its own", func() {
		op.add(1, "a", "dns:x", `{"ID":"a"}`)
		op.add(2, "b", "dns:x", `{"ID":"b"}`)
		got, err := api.Lookup(context.Background(), "a", "b", "c")
		Expect(err).NotTo(HaveOccurred())
		Expect(got).To(HaveKey("a"))
		Expect(got).To(HaveKey("b"))
		Expect(got).NotTo(HaveKey("c"))
	})

	It("fails with the status and body of an answer that is not 200", func() {
		op.status, op.body = http.StatusForbidden, `{"reason":"not-an-operator"}`
		_, err := api.Lookup(context.Background(), "a")
		Expect(err).To(MatchError(And(HavePrefix("observation API https://"), ContainSubstring("403 Forbidden"), ContainSubstring("not-an-operator"))))
	})

	It("fails on a page that is not JSON", func() {
		op.status, op.body = http.StatusOK, `<html>`
		_, err := api.Lookup(context.Background(), "a")
		Expect(err).To(MatchError(HavePrefix("observation API https://")))
	})

	It("fails when the API cannot be reached", func() {
		api.Client = &http.Client{} // does not trust the test server's certificate
		_, err := api.Lookup(context.Background(), "a")
		Expect(err).To(MatchError(ContainSubstring("certificate")))
	})
})

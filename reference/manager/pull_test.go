package manager_test

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"sync"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/idmefcheck/idmefcheck/reference/httpsig"
	"github.com/idmefcheck/idmefcheck/reference/manager"
	"github.com/idmefcheck/idmefcheck/reference/store"
	"github.com/idmefcheck/idmefcheck/reference/transport"
)

// pullDouble is the analyzer side of pull mode, reduced to what the manager side needs: a
// feed of messages, cursor i+1 acknowledging message i, responses signed with the analyzer's
// key and bound to the manager's signed request.
type pullDouble struct {
	mu       sync.Mutex
	feed     [][]byte
	cursors  []string // the cursor of every request, in order ("" for none)
	unsigned int      // requests that carried no manager signature
	url      string
}

func startPullDouble(feed [][]byte) *pullDouble {
	d := &pullDouble{feed: feed}
	managerKeys := &httpsig.Verifier{Keys: map[string]httpsig.Key{"manager": {KeyID: "manager", Public: world.managerKey.Public(), Identity: "dns:manager.idmefcheck.test"}},
		Nonces: httpsig.NewNonceCache(1000)}
	signer := &httpsig.Signer{KeyID: "analyzer", Private: world.analyzerKey.Private}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /v1/pull", func(w http.ResponseWriter, r *http.Request) {
		c := r.URL.Query().Get("cursor")
		peer, _ := transport.PeerOf(r.TLS)
		_, sigErr := managerKeys.VerifyRequest(r, nil, peer.Identity)
		d.mu.Lock()
		d.cursors = append(d.cursors, c)
		if sigErr != nil {
			d.unsigned++
		}
		next := 0
		if c != "" {
			next, _ = strconv.Atoi(c)
		}
		d.mu.Unlock()
		if next >= len(d.feed) {
			// A long poll cut short: nothing new.
			select {
			case <-r.Context().Done():
			case <-time.After(50 * time.Millisecond):
			}
			w.WriteHeader(http.StatusNoContent)
			return
		}
		body := d.feed[next]
		h := w.Header()
		h.Set("Content-Type", "application/json")
		h.Set(manager.CursorHeader, strconv.Itoa(next+1))
		Expect(signer.SignResponse(h, http.StatusOK, body, r, httpsig.Signed(r.Header), manager.CursorHeader)).To(Succeed())
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write(body)
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	Expect(err).NotTo(HaveOccurred())
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: time.Second,
		TLSConfig: transport.ServerConfig(world.analyzer.TLS(), transport.Policy{Roots: world.roots, Allow: transport.NewAllowList("dns:manager.idmefcheck.test")}, transport.ServerOptions{})}
	go func() { _ = srv.ServeTLS(ln, "", "") }()
	DeferCleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
		defer cancel()
		_ = srv.Shutdown(ctx)
	})
	d.url = fmt.Sprintf("https://localhost:%d/v1/pull", ln.Addr().(*net.TCPAddr).Port)
	return d
}

func (d *pullDouble) seen() []string {
	d.mu.Lock()
	defer d.mu.Unlock()
	return append([]string(nil), d.cursors...)
}

var _ = Describe("pull mode, manager side", Label("R4766-6.2"), func() {
	ctx := context.Background()

	It("fetches every alert by cursor, verifies and stores them with their evidence, and acknowledges only after commit", func() {
		repeat := alert(newID())
		feed := [][]byte{alert(newID()), repeat, alert(newID()), repeat}
		d := startPullDouble(feed)
		m := startManager(func(c *manager.Config) { c.Analyzers[0].Pull = d.url; c.Analyzers[0].RequireSignature = true })
		Eventually(func() (string, error) { return m.store.Cursor(ctx, d.url) }).WithTimeout(requestTimeout).Should(Equal("4"))
		Expect(m.count()).To(BeEquivalentTo(3), "the repeat is stored once")
		recs, err := m.store.Query(ctx, store.Filter{})
		Expect(err).NotTo(HaveOccurred())
		Expect(recs[0].Evidence.Mode).To(Equal("pull"))
		Expect(recs[0].Evidence.Signature.KeyID).To(Equal("analyzer"))
		Expect(recs[0].Evidence.Signature.Components).To(ContainElement(`"idmef-cursor"`))
		Expect(recs[0].Analyzer).To(Equal(string(analyzerID)))
		Eventually(d.seen).WithTimeout(requestTimeout).Should(ContainElement("4"))
		seen := d.seen()
		Expect(seen[:5]).To(Equal([]string{"", "1", "2", "3", "4"}), "each cursor is sent once its message is committed")
		d.mu.Lock()
		Expect(d.unsigned).To(BeZero(), "every pull request is signed by the manager")
		d.mu.Unlock()
	})

	It("refuses an unsigned feed when the analyzer must sign, and stores nothing", func() {
		d := startPullDouble([][]byte{alert(newID())})
		// The analyzer's key is unknown to this manager, so the signature cannot count.
		m := startManager(func(c *manager.Config) {
			c.Analyzers[0].Pull = d.url
			c.Analyzers[0].KeyID = "other"
			c.Analyzers[0].RequireSignature = true
		})
		Eventually(func() string { return m.logs.String() }).WithTimeout(requestTimeout).Should(ContainSubstring("pull failed"))
		Expect(m.count()).To(BeZero())
	})
})

package analyzer_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/idmefcheck/idmefcheck/reference/analyzer"
)

func appendLines(path string, lines ...string) {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	Expect(err).NotTo(HaveOccurred())
	for _, l := range lines {
		_, err = f.WriteString(l + "\n")
		Expect(err).NotTo(HaveOccurred())
	}
	Expect(f.Close()).To(Succeed())
}

const eventLine = `{"category":["Recon.Network"],"priority":"Low","description":"port scan","source":[{"ip":"203.0.113.7"}],"target":[{"ip":"192.0.2.20","port":[22]}]}`

const eveAlert = `{"timestamp":"2026-01-14T15:58:47.123456+0100","flow_id":99,"event_type":"alert","src_ip":"203.0.113.77","src_port":40000,` +
	`"dest_ip":"192.0.2.20","dest_port":22,"proto":"TCP","alert":{"action":"allowed","gid":1,"signature_id":2001219,"rev":20,` +
	`"signature":"ET SCAN Potential SSH Scan","category":"Attempted Information Leak","severity":2}}`

const eveFlow = `{"timestamp":"2026-01-14T15:58:48.000000+0100","event_type":"flow","src_ip":"203.0.113.77","dest_ip":"192.0.2.20","proto":"TCP"}`

var _ = Describe("inputs", func() {
	ctx := context.Background()
	var m *refManager
	var dir string
	BeforeEach(func() {
		m = startRefManager(nil)
		dir = GinkgoT().TempDir()
	})

	// follow reads in the background until the spec ends.
	follow := func(r *running, in analyzer.Input) {
		in.Follow, in.Poll = true, 10*time.Millisecond
		rctx, cancel := context.WithCancel(ctx)
		done := make(chan error, 1)
		go func() { done <- r.a.Read(rctx, in) }()
		DeferCleanup(func() {
			cancel()
			Eventually(done).WithTimeout(shutdownTimeout).Should(Receive(BeNil()))
		})
	}

	It("follows an events file through rotation, each event an alert, a bad line a dead letter", func() {
		path := filepath.Join(dir, "events.ndjson")
		appendLines(path, eventLine, `{"category":["Recon.Network"],"severity":9}`)
		r := newAnalyzer(m.url(), nil).start()
		follow(r, analyzer.Input{Kind: analyzer.Events, Path: path})
		Eventually(m.count).WithTimeout(deliveryTimeout).Should(BeEquivalentTo(1))
		Eventually(r.deadLetters).WithTimeout(deliveryTimeout).Should(ConsistOf(And(
			HaveKeyWithValue("reason", "unreadable"), HaveKeyWithValue("origin", "events:"+path+":2"),
			HaveKeyWithValue("error", ContainSubstring(`unknown field "severity"`)))))
		appendLines(path, eventLine)
		Expect(os.Rename(path, path+".1")).To(Succeed())
		appendLines(path+".1", eventLine) // written to the old file after the rename
		appendLines(path, eventLine, eventLine)
		Eventually(m.count).WithTimeout(deliveryTimeout).Should(BeEquivalentTo(5))
	})

	It("sends IDMEFv2 messages byte for byte, and dead-letters those that fail the strict profile with the findings", Label("IDMEF2T-4.3-12"), func() {
		good, err := os.ReadFile("../../vectors/samples/valid-2.D.V08-tailgating.json")
		Expect(err).NotTo(HaveOccurred())
		bad, err := os.ReadFile("../../vectors/samples/invalid-no-utc-offset.json")
		Expect(err).NotTo(HaveOccurred())
		oneLine := func(b []byte) string { return strings.Join(strings.Fields(string(b)), " ") }
		path := filepath.Join(dir, "alerts.ndjson")
		appendLines(path, oneLine(good), oneLine(bad))
		r := newAnalyzer(m.url(), nil).start()
		Expect(r.a.Read(ctx, analyzer.Input{Kind: analyzer.IDMEF, Path: path})).To(Succeed())
		Eventually(m.count).WithTimeout(deliveryTimeout).Should(BeEquivalentTo(1))
		recs, err := m.store.Get(ctx, "019bbd04-43e0-762d-8115-f693e63a6255", "")
		Expect(err).NotTo(HaveOccurred())
		Expect(string(recs[0].Raw)).To(Equal(oneLine(good)))
		Eventually(r.deadLetters).WithTimeout(deliveryTimeout).Should(ConsistOf(And(
			HaveKeyWithValue("reason", "invalid"),
			HaveKeyWithValue("findings", ContainElement(HaveKeyWithValue("rule", "time.offset-missing"))))))
	})

	It("makes alerts of EVE alert records and skips the other records", func() {
		path := filepath.Join(dir, "eve.json")
		appendLines(path, eveFlow, eveAlert, eveFlow, eveAlert)
		r := newAnalyzer(m.url(), nil).start()
		Expect(r.a.Read(ctx, analyzer.Input{Kind: analyzer.EVE, Path: path})).To(Succeed())
		Eventually(m.count).WithTimeout(deliveryTimeout).Should(BeEquivalentTo(2))
		Expect(r.deadLetters()).To(BeEmpty())
	})

	It("resumes after the last line spooled, so that no line is read twice", Label("R4766-6.1"), func() {
		path := filepath.Join(dir, "events.ndjson")
		appendLines(path, eventLine, eventLine)
		r := newAnalyzer("", nil)
		Expect(r.a.Read(ctx, analyzer.Input{Kind: analyzer.Events, Path: path})).To(Succeed())
		Expect(r.spooled()).To(Equal(2))
		appendLines(path, eventLine)
		Expect(r.a.Read(ctx, analyzer.Input{Kind: analyzer.Events, Path: path})).To(Succeed())
		Expect(r.spooled()).To(Equal(3))
	})

	It("reads standard input to its end", func() {
		r := newAnalyzer(m.url(), nil).start()
		Expect(r.a.Read(ctx, analyzer.Input{Kind: analyzer.Events, Path: "-", Stdin: strings.NewReader(eventLine + "\n" + eventLine)})).To(Succeed())
		Eventually(m.count).WithTimeout(deliveryTimeout).Should(BeEquivalentTo(2))
	})

	It("dead-letters a message larger than the limit instead of sending it", Label("R4766-6.7"), func() {
		r := newAnalyzer(m.url(), func(c *analyzer.Config) { c.MaxMessage = 512 }).start()
		path := filepath.Join(dir, "events.ndjson")
		appendLines(path, `{"category":["Recon.Network"],"description":"`+strings.Repeat("x", 600)+`"}`)
		Expect(r.a.Read(ctx, analyzer.Input{Kind: analyzer.Events, Path: path})).To(Succeed())
		Expect(r.deadLetters()).To(ConsistOf(HaveKeyWithValue("reason", "too-large")))
		Expect(r.spooled()).To(BeZero())
	})
})

package analyzer_test

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/onsi/gomega/gbytes"
	"github.com/onsi/gomega/gexec"

	"github.com/idmefcheck/idmefcheck/reference/pki"
	"github.com/idmefcheck/idmefcheck/reference/store"
	"github.com/idmefcheck/idmefcheck/reference/transport"
)

// Named timeouts of the specs that run the real binary.
const (
	startTimeout = 30 * time.Second
	loadTimeout  = 45 * time.Second
)

const durabilityEvents = 10_000

var apiRE = regexp.MustCompile(`"listener":"api","addr":"127\.0\.0\.1:(\d+)"`)

// freePort returns a loopback port nothing listens on (the manager is restarted on it).
func freePort() int {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	Expect(err).NotTo(HaveOccurred())
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// binWorld is the idmefcheck binary, a PKI and a working directory.
type binWorld struct {
	bin, dir, pki string
	ingest        int
	api           *http.Client
}

func (w *binWorld) start(args ...string) *gexec.Session {
	s, err := gexec.Start(exec.Command(w.bin, args...), nil, GinkgoWriter)
	Expect(err).NotTo(HaveOccurred())
	DeferCleanup(func() { s.Kill().Wait(startTimeout) }) // a failed spec must not leave it running
	return s
}

// startManager runs the manager binary on the fixed ingest port and the same database each
// time, and returns it once it listens, with its operator API's URL.
func (w *binWorld) startManager() (*gexec.Session, string) {
	conf := filepath.Join(w.dir, "manager.yaml")
	Expect(os.WriteFile(conf, []byte("limits:\n  rate: 1000000\n  burst: 1000000\n"), 0o644)).To(Succeed())
	s := w.start("manager", "--config", conf, "--pki", w.pki, "--db", filepath.Join(w.dir, "alerts.db"),
		"--listen", fmt.Sprintf("127.0.0.1:%d", w.ingest), "--api-listen", "127.0.0.1:0", "--log-level", "info")
	Eventually(s.Err).WithTimeout(startTimeout).Should(gbytes.Say(`"msg":"manager started"`))
	m := apiRE.FindSubmatch(s.Err.Contents())
	Expect(m).NotTo(BeNil())
	return s, "https://localhost:" + string(m[1])
}

// startAnalyzer runs the analyzer binary following the events file.
func (w *binWorld) startAnalyzer() *gexec.Session {
	conf := filepath.Join(w.dir, "analyzer.yaml")
	Expect(os.WriteFile(conf, []byte(fmt.Sprintf(`push:
  url: https://localhost:%d/
  timeout: 5s
retry:
  min: 50ms
  max: 500ms
spool:
  path: spool.db
dead_letter: dead.ndjson
inputs:
  - format: events
    path: events.ndjson
log_level: info
`, w.ingest)), 0o644)).To(Succeed())
	s := w.start("analyzer", "--config", conf, "--pki", w.pki)
	Eventually(s.Err).WithTimeout(startTimeout).Should(gbytes.Say(`"msg":"analyzer started"`))
	return s
}

// stored asks the manager's operator API how many alerts it holds.
func (w *binWorld) stored(api string) func() (int, error) {
	return func() (int, error) {
		res, err := w.api.Get(api + "/v1/health")
		if err != nil {
			return 0, err
		}
		defer res.Body.Close()
		var h struct{ Alerts int }
		if err := json.NewDecoder(res.Body).Decode(&h); err != nil {
			return 0, err
		}
		return h.Alerts, nil
	}
}

func event(i int) string {
	return fmt.Sprintf(`{"category":["Recon.Network"],"priority":"Low","description":"event %05d","source":[{"ip":"203.0.113.7"}],"target":[{"ip":"192.0.2.20","port":[22]}]}`, i)
}

// writeEvents appends events [from, to) to the events file.
func (w *binWorld) writeEvents(from, to int) {
	var b strings.Builder
	for i := from; i < to; i++ {
		b.WriteString(event(i) + "\n")
	}
	f, err := os.OpenFile(filepath.Join(w.dir, "events.ndjson"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	Expect(err).NotTo(HaveOccurred())
	_, err = f.WriteString(b.String())
	Expect(err).NotTo(HaveOccurred())
	Expect(f.Close()).To(Succeed())
}

// exactlyOnce opens the manager's database (the manager stopped) and checks that every event
// is stored once: no event lost, none stored twice under two IDs.
func (w *binWorld) exactlyOnce() {
	st, err := store.OpenSQLite(filepath.Join(w.dir, "alerts.db"), store.SQLiteOptions{})
	Expect(err).NotTo(HaveOccurred())
	defer st.Close()
	seen := map[string]int{}
	var after int64
	for {
		recs, err := st.Query(context.Background(), store.Filter{After: after, Limit: 1000})
		Expect(err).NotTo(HaveOccurred())
		if len(recs) == 0 {
			break
		}
		for _, r := range recs {
			var m struct{ Description string }
			Expect(json.Unmarshal(r.Raw, &m)).To(Succeed())
			seen[m.Description]++
			after = r.Seq
		}
	}
	Expect(seen).To(HaveLen(durabilityEvents), "every event arrived")
	for d, n := range seen {
		Expect(n).To(Equal(1), "%s stored %d times", d, n)
	}
	_, err = os.Stat(filepath.Join(w.dir, "dead.ndjson"))
	Expect(os.IsNotExist(err) || fileEmpty(filepath.Join(w.dir, "dead.ndjson"))).To(BeTrue(), "no dead letters")
}

func fileEmpty(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && fi.Size() == 0
}

var _ = Describe("durability of the idmefcheck analyzer binary", Label("R4766-6.1", "R4766-6.8"), Ordered, func() {
	var bin string
	BeforeAll(func() {
		var err error
		bin, err = gexec.Build("github.com/idmefcheck/idmefcheck/cmd/idmefcheck")
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(gexec.CleanupBuildArtifacts)
	})

	newBinWorld := func() *binWorld {
		dir := GinkgoT().TempDir()
		w := &binWorld{bin: bin, dir: dir, pki: filepath.Join(dir, "pki"), ingest: freePort()}
		Expect(pki.Init(w.pki, []string{"localhost", "127.0.0.1"}, time.Now(), false)).To(Succeed())
		cert, err := tls.LoadX509KeyPair(filepath.Join(w.pki, "harness.crt"), filepath.Join(w.pki, "harness.key"))
		Expect(err).NotTo(HaveOccurred())
		ca, err := os.ReadFile(filepath.Join(w.pki, "ca.crt"))
		Expect(err).NotTo(HaveOccurred())
		roots, err := transport.LoadRoots(ca, "ca.crt")
		Expect(err).NotTo(HaveOccurred())
		w.api = &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{ForceAttemptHTTP2: true, TLSClientConfig: transport.ClientConfig(cert, transport.Policy{Roots: roots}, "localhost")}}
		DeferCleanup(w.api.CloseIdleConnections)
		return w
	}

	It("delivers 10,000 alerts exactly once while the manager is killed with SIGKILL and restarted twice", func() {
		w := newBinWorld()
		w.writeEvents(0, durabilityEvents)
		m, api := w.startManager()
		a := w.startAnalyzer()
		for _, at := range []int{2_000, 6_000} {
			Eventually(w.stored(api)).WithTimeout(loadTimeout).Should(BeNumerically(">=", at), "waiting for %d alerts before killing the manager", at)
			m.Kill()
			Eventually(m).WithTimeout(startTimeout).Should(gexec.Exit())
			Eventually(a.Err).WithTimeout(startTimeout).Should(gbytes.Say(`"msg":"alert not delivered, will retry"`), "the analyzer notices")
			m, api = w.startManager()
		}
		Eventually(w.stored(api)).WithTimeout(loadTimeout).Should(Equal(durabilityEvents))
		a.Signal(syscall.SIGTERM)
		Eventually(a).WithTimeout(startTimeout).Should(gexec.Exit(0))
		m.Signal(syscall.SIGTERM)
		Eventually(m).WithTimeout(startTimeout).Should(gexec.Exit(0))
		w.exactlyOnce()
	})

	It("loses nothing and sends nothing twice under a new ID when the analyzer is killed with SIGKILL mid-stream and restarted", func() {
		w := newBinWorld()
		m, api := w.startManager()
		a := w.startAnalyzer()
		// The events arrive while the analyzer runs, 200 at a time.
		written := make(chan struct{})
		go func() {
			defer GinkgoRecover()
			defer close(written)
			for i := 0; i < durabilityEvents; i += 200 {
				w.writeEvents(i, i+200)
				time.Sleep(10 * time.Millisecond) // pacing the load, not synchronising
			}
		}()
		Eventually(w.stored(api)).WithTimeout(loadTimeout).Should(BeNumerically(">=", 2_000))
		a.Kill() // SIGKILL: no shutdown, no flush of acknowledgements
		Eventually(a).WithTimeout(startTimeout).Should(gexec.Exit())
		n, err := w.stored(api)()
		Expect(err).NotTo(HaveOccurred())
		GinkgoWriter.Printf("%d alerts stored when the analyzer was killed\n", n)
		a = w.startAnalyzer()
		Eventually(a.Err).WithTimeout(startTimeout).Should(gbytes.Say(`"msg":"input resumed"`), "the restarted analyzer resumes the file after the last line it spooled")
		Eventually(written).WithTimeout(loadTimeout).Should(BeClosed())
		Eventually(w.stored(api)).WithTimeout(loadTimeout).Should(Equal(durabilityEvents))
		a.Signal(syscall.SIGTERM)
		Eventually(a).WithTimeout(startTimeout).Should(gexec.Exit(0))
		m.Signal(syscall.SIGTERM)
		Eventually(m).WithTimeout(startTimeout).Should(gexec.Exit(0))
		w.exactlyOnce()
	})
})

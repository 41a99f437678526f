package manager_test

import (
	"context"
	"crypto/tls"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/onsi/gomega/gexec"

	"github.com/idmefcheck/idmefcheck/reference/manager"
	"github.com/idmefcheck/idmefcheck/reference/pki"
	"github.com/idmefcheck/idmefcheck/reference/store"
	"github.com/idmefcheck/idmefcheck/reference/transport"
)

const (
	startTimeout = 30 * time.Second
	loadTimeout  = 60 * time.Second
)

var listeningRE = regexp.MustCompile(`"listener":"ingest","addr":"(127\.0\.0\.1:\d+)"`)

// process is the idmefcheck binary running a manager.
type process struct {
	session *gexec.Session
	url     string
}

func startBinary(bin, dir string) *process {
	// At info level the manager logs its listeners and refusals, not every accepted alert.
	// The loader sends faster than the default per-peer rate: raise it, this is not the test of
	// rate limiting.
	conf := filepath.Join(dir, "manager.yaml")
	Expect(os.WriteFile(conf, []byte("limits:\n  rate: 1000000\n  burst: 1000000\n"), 0o644)).To(Succeed())
	cmd := exec.Command(bin, "manager", "--config", conf, "--pki", filepath.Join(dir, "pki"), "--db", filepath.Join(dir, "alerts.db"),
		"--listen", "127.0.0.1:0", "--log-level", "info")
	s, err := gexec.Start(cmd, nil, GinkgoWriter)
	Expect(err).NotTo(HaveOccurred())
	DeferCleanup(func() { s.Kill().Wait(startTimeout) }) // a failed spec must not leave it running
	Eventually(s.Err).WithTimeout(startTimeout).Should(gbytesSay(`"msg":"manager started"`))
	m := listeningRE.FindSubmatch(s.Err.Contents())
	Expect(m).NotTo(BeNil())
	return &process{session: s, url: "https://localhost:" + string(m[1][len("127.0.0.1:"):]) + "/"}
}

// load sends msgs from workers goroutines and returns the indexes that got a 2xx.
func load(p *process, dir string, msgs [][]byte, workers int, acked *atomic.Int64) map[int]bool {
	cert, err := tls.LoadX509KeyPair(filepath.Join(dir, "pki", "analyzer.crt"), filepath.Join(dir, "pki", "analyzer.key"))
	Expect(err).NotTo(HaveOccurred())
	ca, err := os.ReadFile(filepath.Join(dir, "pki", "ca.crt"))
	Expect(err).NotTo(HaveOccurred())
	roots, err := transport.LoadRoots(ca, "ca.crt")
	Expect(err).NotTo(HaveOccurred())
	s, err := manager.NewSender(p.url, cert, roots, manager.SenderOptions{Timeout: 10 * time.Second})
	Expect(err).NotTo(HaveOccurred())
	defer s.Close()
	var mu sync.Mutex
	ok := map[int]bool{}
	next := atomic.Int64{}
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= len(msgs) {
					return
				}
				a, err := s.Send(context.Background(), msgs[i])
				if err == nil && a.Status == 204 {
					mu.Lock()
					ok[i] = true
					mu.Unlock()
					acked.Add(1)
				}
			}
		}()
	}
	wg.Wait()
	return ok
}

var _ = Describe("durability of the idmefcheck manager binary", Label("IDMEF2T-4.3-21", "R4766-6.1", "R4766-6.8"), Ordered, func() {
	var bin, dir string
	var msgs [][]byte
	BeforeAll(func() {
		var err error
		bin, err = gexec.Build("github.com/idmefcheck/idmefcheck/cmd/idmefcheck")
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(gexec.CleanupBuildArtifacts)
		dir = GinkgoT().TempDir()
		Expect(pki.Init(filepath.Join(dir, "pki"), []string{"localhost", "127.0.0.1"}, time.Now(), false)).To(Succeed())
		msgs = make([][]byte, 10_000)
		for i := range msgs {
			msgs[i] = alert(fmt.Sprintf("0190a6e2-7c1d-7b3e-9f00-%012d", i))
		}
	})

	It("keeps every alert it answered 204, exactly once, through a SIGKILL during a load of 10,000 and a full resend", func() {
		p := startBinary(bin, dir)
		var acked atomic.Int64
		done := make(chan map[int]bool, 1)
		go func() {
			defer GinkgoRecover()
			done <- load(p, dir, msgs, 32, &acked)
		}()
		Eventually(acked.Load).WithTimeout(loadTimeout).Should(BeNumerically(">=", 2000), "waiting for 2,000 alerts to be acknowledged before the kill")
		p.session.Kill() // SIGKILL: no shutdown, no flush
		Eventually(p.session).WithTimeout(startTimeout).Should(gexec.Exit())
		var before map[int]bool
		Eventually(done).WithTimeout(loadTimeout).Should(Receive(&before))
		GinkgoWriter.Printf("%d of %d alerts acknowledged before SIGKILL\n", len(before), len(msgs))
		Expect(len(before)).To(BeNumerically("<", len(msgs)), "the kill came after the load ended; the test proved nothing")

		// Restart on the same database and resend everything, as a spooling analyzer would.
		p = startBinary(bin, dir)
		var acked2 atomic.Int64
		after := load(p, dir, msgs, 32, &acked2)
		Expect(after).To(HaveLen(len(msgs)), "every resend is answered 204, repeats included")
		p.session.Signal(syscall.SIGTERM)
		Eventually(p.session).WithTimeout(startTimeout).Should(gexec.Exit(0))

		st, err := store.OpenSQLite(filepath.Join(dir, "alerts.db"), store.SQLiteOptions{})
		Expect(err).NotTo(HaveOccurred())
		defer st.Close()
		Expect(st.Count(context.Background())).To(BeEquivalentTo(len(msgs)))
		for i := range before {
			recs, err := st.Get(context.Background(), fmt.Sprintf("0190a6e2-7c1d-7b3e-9f00-%012d", i), "")
			Expect(err).NotTo(HaveOccurred())
			Expect(recs).To(HaveLen(1))
		}
	})

	It("finishes the commits in flight on SIGTERM and exits 0", func() {
		dir2 := GinkgoT().TempDir()
		Expect(os.Symlink(filepath.Join(dir, "pki"), filepath.Join(dir2, "pki"))).To(Succeed())
		p := startBinary(bin, dir2)
		var acked atomic.Int64
		done := make(chan map[int]bool, 1)
		go func() {
			defer GinkgoRecover()
			done <- load(p, dir2, msgs[:3000], 32, &acked)
		}()
		Eventually(acked.Load).WithTimeout(loadTimeout).Should(BeNumerically(">=", 500))
		p.session.Signal(syscall.SIGTERM)
		Eventually(p.session).WithTimeout(startTimeout).Should(gexec.Exit(0))
		var ok map[int]bool
		Eventually(done).WithTimeout(loadTimeout).Should(Receive(&ok))
		st, err := store.OpenSQLite(filepath.Join(dir2, "alerts.db"), store.SQLiteOptions{})
		Expect(err).NotTo(HaveOccurred())
		defer st.Close()
		n, err := st.Count(context.Background())
		Expect(err).NotTo(HaveOccurred())
		Expect(n).To(BeNumerically(">=", len(ok)), "every acknowledged alert is stored")
		for i := range ok {
			_, err := st.Get(context.Background(), fmt.Sprintf("0190a6e2-7c1d-7b3e-9f00-%012d", i), "")
			Expect(err).NotTo(HaveOccurred())
		}
	})
})

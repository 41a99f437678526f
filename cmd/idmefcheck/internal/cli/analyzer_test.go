package cli_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/idmefcheck/idmefcheck/cmd/idmefcheck/internal/cli"
	"github.com/idmefcheck/idmefcheck/reference/analyzer/shim"
	"github.com/idmefcheck/idmefcheck/reference/pki"
	"github.com/idmefcheck/idmefcheck/schema"
)

const managerTimeout = 10 * time.Second

// syncBuffer is written by a command running in the background while a spec reads it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

var ingestRE = regexp.MustCompile(`"listener":"ingest","addr":"127\.0\.0\.1:(\d+)"`)

// startManagerCommand runs `idmefcheck manager` in-process on a fresh PKI until the spec ends
// and returns its ingest URL and its observation file.
func startManagerCommand(dir string) (url, observed string) {
	url, observed, _ = startManagerLogged(dir)
	return url, observed
}

// startManagerLogged is startManagerCommand with more flags, returning the manager's
// standard error too.
func startManagerLogged(dir string, extra ...string) (url, observed string, logs *syncBuffer) {
	Expect(pki.Init(filepath.Join(dir, "pki"), []string{"localhost", "127.0.0.1"}, time.Now(), false)).To(Succeed())
	observed = filepath.Join(dir, "observed.ndjson")
	ctx, cancel := context.WithCancel(context.Background())
	logs = &syncBuffer{}
	done := make(chan int, 1)
	go func() {
		args := append([]string{"manager", "--pki", filepath.Join(dir, "pki"), "--db", filepath.Join(dir, "m.db"),
			"--listen", "127.0.0.1:0", "--observe-file", observed}, extra...)
		done <- cli.Main(ctx, args, &cli.Env{Stdin: strings.NewReader(""), Stdout: GinkgoWriter, Stderr: logs})
	}()
	DeferCleanup(func() {
		cancel()
		Eventually(done).WithTimeout(managerTimeout).Should(Receive(Equal(0)))
	})
	Eventually(logs.String).WithTimeout(managerTimeout).Should(ContainSubstring(`"manager started"`))
	m := ingestRE.FindStringSubmatch(logs.String())
	Expect(m).NotTo(BeNil())
	return "https://localhost:" + m[1] + "/", observed, logs
}

func lines(path string) []string {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil
	}
	return strings.Split(strings.TrimSpace(string(data)), "\n")
}

var _ = Describe("idmefcheck analyzer", func() {
	var dir string
	BeforeEach(func() { dir = GinkgoT().TempDir() })

	It("exits 2 without anywhere to deliver", func() {
		Expect(pki.Init(filepath.Join(dir, "pki"), nil, time.Now(), false)).To(Succeed())
		code, _, stderr := run("", "analyzer", "--pki", filepath.Join(dir, "pki"), "--spool", filepath.Join(dir, "s"), "--dead-letter", filepath.Join(dir, "dead.ndjson"))
		Expect(code).To(Equal(2))
		Expect(stderr).To(ContainSubstring("needs somewhere to deliver"))
	})

	It("exits 2 for an unknown key in its configuration file: faults are not configurable", func() {
		code, _, stderr := run("", "analyzer", "--config", writeFile(dir, "a.yaml", "faults:\n  unsigned: true\n"))
		Expect(code).To(Equal(2))
		Expect(stderr).To(ContainSubstring("field faults not found"))
	})

	It("--once reads an events file, delivers every alert, and exits 0", func() {
		url, observed := startManagerCommand(dir)
		events := writeFile(dir, "events.ndjson", strings.Repeat(`{"category":["Recon.Network"],"priority":"Low","source":[{"ip":"203.0.113.7"}]}`+"\n", 5))
		code, _, stderr := run("", "analyzer", "--pki", filepath.Join(dir, "pki"), "--to", url, "--spool", filepath.Join(dir, "s"), "--dead-letter", filepath.Join(dir, "dead.ndjson"),
			"--dead-letter", filepath.Join(dir, "dead.ndjson"), "--events", events, "--once", "--timeout", "20s")
		Expect(code).To(Equal(0), stderr)
		Expect(lines(observed)).To(HaveLen(5))
	})

	Describe("emit", func() {
		It("prints the IDs of the alerts it spooled, delivers them, and exits 0", func() {
			url, observed := startManagerCommand(dir)
			code, stdout, stderr := run("", "analyzer", "emit", "--pki", filepath.Join(dir, "pki"), "--to", url, "--spool", filepath.Join(dir, "s"), "--dead-letter", filepath.Join(dir, "dead.ndjson"),
				"--scenario", "ipv6", "--count", "4")
			Expect(code).To(Equal(0), stderr)
			ids := strings.Fields(stdout)
			Expect(ids).To(HaveLen(4))
			var got []string
			for _, l := range lines(observed) {
				var o struct{ ID string }
				Expect(json.Unmarshal([]byte(l), &o)).To(Succeed())
				got = append(got, o.ID)
			}
			Expect(got).To(ConsistOf(ids))
		})

		It("exits 3 (skipped) for a scenario it does not know", func() {
			Expect(pki.Init(filepath.Join(dir, "pki"), nil, time.Now(), false)).To(Succeed())
			code, stdout, stderr := run("", "analyzer", "emit", "--pki", filepath.Join(dir, "pki"), "--to", "https://localhost:1/", "--spool", filepath.Join(dir, "s"), "--dead-letter", filepath.Join(dir, "dead.ndjson"),
				"--scenario", "teleport", "--count", "1")
			Expect(code).To(Equal(cli.ExitSkipped))
			Expect(stdout).To(BeEmpty())
			Expect(stderr).To(ContainSubstring(`skipped: the reference analyzer knows no scenario "teleport"`))
		})

		It("exits 1 when the alerts are still spooled after --timeout", func() {
			Expect(pki.Init(filepath.Join(dir, "pki"), nil, time.Now(), false)).To(Succeed())
			code, stdout, stderr := run("", "analyzer", "emit", "--pki", filepath.Join(dir, "pki"), "--to", "https://localhost:1/", "--spool", filepath.Join(dir, "s"), "--dead-letter", filepath.Join(dir, "dead.ndjson"),
				"--scenario", "basic", "--count", "2", "--timeout", "300ms")
			Expect(code).To(Equal(1))
			Expect(strings.Fields(stdout)).To(HaveLen(2), "the IDs are printed once spooled")
			Expect(stderr).To(ContainSubstring("2 alerts still spooled"))
		})

		It("exits 2 without --scenario", func() {
			code, _, stderr := run("", "analyzer", "emit", "--count", "1")
			Expect(code).To(Equal(2))
			Expect(stderr).To(ContainSubstring("needs --scenario NAME"))
		})
	})

	Describe("shim", func() {
		It("answers start, emit and stop on standard input and output, every reply valid under the protocol's schema", func() {
			url, observed := startManagerCommand(dir)
			in := `{"cmd":"start","version":1}` + "\n" + `{"cmd":"emit","seq":41,"scenario":"extension","count":2}` + "\n" +
				`{"cmd":"emit","seq":42,"scenario":"teleport","count":1}` + "\n" + `{"cmd":"stop"}` + "\n"
			code, stdout, stderr := run(in, "analyzer", "shim", "--pki", filepath.Join(dir, "pki"), "--to", url, "--spool", filepath.Join(dir, "s"), "--dead-letter", filepath.Join(dir, "dead.ndjson"))
			Expect(code).To(Equal(0), stderr)
			set, err := schema.Load()
			Expect(err).NotTo(HaveOccurred())
			v, err := shim.NewValidator(set)
			Expect(err).NotTo(HaveOccurred())
			var replies []string
			sc := bufio.NewScanner(strings.NewReader(stdout))
			for sc.Scan() {
				Expect(v.Check(sc.Bytes())).To(Succeed(), sc.Text())
				replies = append(replies, sc.Text())
			}
			Expect(replies).To(HaveLen(3))
			Expect(replies[0]).To(ContainSubstring(`"name":"idmefcheck reference analyzer"`))
			Expect(replies[1]).To(MatchRegexp(`^\{"seq":41,"ids":\["[0-9a-f-]{36}","[0-9a-f-]{36}"\]\}$`))
			Expect(replies[2]).To(Equal(`{"seq":42,"skipped":true,"message":"the reference analyzer knows no scenario teleport"}`))
			Expect(lines(observed)).To(HaveLen(2), "stop let delivery finish")
		})

		It("exits 2 on a request that breaks the protocol", func() {
			Expect(pki.Init(filepath.Join(dir, "pki"), nil, time.Now(), false)).To(Succeed())
			code, _, stderr := run(`{"cmd":"start","version":9}`+"\n", "analyzer", "shim", "--pki", filepath.Join(dir, "pki"), "--to", "https://localhost:1/",
				"--spool", filepath.Join(dir, "s"), "--dead-letter", filepath.Join(dir, "dead.ndjson"), "--drain-timeout", "10ms")
			Expect(code).To(Equal(2))
			Expect(stderr).To(ContainSubstring("shim protocol violation"))
		})
	})
})

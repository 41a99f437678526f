package cli_test

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/idmefcheck/idmefcheck/conformance/eventlog"
	"github.com/idmefcheck/idmefcheck/reference/pki"
	"github.com/idmefcheck/idmefcheck/schema"
)

// The --keylog specs capture the loopback traffic of an analyzer and of a conformance run
// (both through a small recording proxy in front of a manager, each with its own key log),
// then open the capture in tshark: without a key log nothing of the alerts shows; with one,
// tshark decrypts the TLS records and dissects the HTTP/2 POSTs and the alerts' JSON.
//
// A second capture file is written from what the proxy recorded, packet by packet in the
// order the bytes crossed it, and judged the same way: tshark still has to decrypt it. When
// capturing on the loopback interface is not permitted (no root, no capture capabilities for
// dumpcap), it is the only one.
//
// tshark is Debian's package of that name. Without it the specs are skipped, unless
// IDMEFCHECK_REQUIRE_TSHARK is set (as .ci/run sets it): then they fail.

const captureTimeout = 15 * time.Second

func requireTshark() string {
	path, err := exec.LookPath("tshark")
	if err != nil {
		if os.Getenv("IDMEFCHECK_REQUIRE_TSHARK") != "" {
			Fail("tshark is not installed and IDMEFCHECK_REQUIRE_TSHARK is set (apt-get install tshark)")
		}
		Skip("tshark is not installed (apt-get install tshark; IDMEFCHECK_REQUIRE_TSHARK makes this a failure)")
	}
	return path
}

var _ = Describe("--keylog", Ordered, func() {
	var (
		tshark, dir    string
		captures       []string
		port           int
		anaIDs, runIDs []string
		anaErr, runErr string
		mgrLog         *syncBuffer
	)

	BeforeAll(func() {
		tshark = requireTshark()
		dir = GinkgoT().TempDir()
		mgrURL, observed, logs := startManagerLogged(dir, "--keylog", filepath.Join(dir, "manager.keys"))
		mgrLog = logs
		u, err := url.Parse(mgrURL)
		Expect(err).NotTo(HaveOccurred())
		proxy := startRecorder("127.0.0.1:" + u.Port())
		DeferCleanup(proxy.close)
		port = proxy.port()
		liveFile := filepath.Join(dir, "capture.pcapng")
		live := startCapture(tshark, port, liveFile)

		to := "https://127.0.0.1:" + strconv.Itoa(port) + "/"
		p := filepath.Join(dir, "pki")
		code, stdout, stderr := run("", "analyzer", "emit", "--pki", p, "--to", to, "--spool", filepath.Join(dir, "spool"),
			"--dead-letter", filepath.Join(dir, "dead.ndjson"), "--scenario", "ipv6", "--count", "2", "--keylog", filepath.Join(dir, "analyzer.keys"))
		Expect(code).To(Equal(0), stderr)
		anaIDs, anaErr = strings.Fields(stdout), stderr
		Expect(anaIDs).To(HaveLen(2))

		code, _, stderr = run("", "run", "--role", "manager", "--target", to, "--server-name", "localhost",
			"--ca", filepath.Join(p, pki.CACert), "--cert", filepath.Join(p, pki.CertFile("analyzer")), "--key", filepath.Join(p, pki.KeyFile("analyzer")),
			"--observe-file", observed, "--only", "MGR-CONF-005", "--out", filepath.Join(dir, "report"), "--keylog", filepath.Join(dir, "run.keys"))
		Expect(code).To(Equal(0), stderr)
		runErr = stderr
		for _, l := range lines(observed) {
			var o struct{ Message string }
			Expect(json.Unmarshal([]byte(l), &o)).To(Succeed())
			var m struct{ ID string }
			Expect(json.Unmarshal([]byte(o.Message), &m)).To(Succeed())
			if !contains(anaIDs, m.ID) {
				runIDs = append(runIDs, m.ID)
			}
		}
		// The sanity probes' alerts and the check's.
		Expect(len(runIDs)).To(BeNumerically(">=", 3))

		if live != nil && live.stop() {
			captures = append(captures, liveFile)
		} else {
			By("capturing on the loopback interface is not permitted here: only the capture written from the proxy's record is judged")
		}
		written := filepath.Join(dir, "recorded.pcap")
		Expect(proxy.writePcap(written)).To(Succeed())
		captures = append(captures, written)
	})

	// dissect runs tshark on each capture, decrypting with keyLog when it is not empty, and
	// returns its detailed dissection of the HTTP/2 frames, one per capture.
	dissect := func(keyLog string) []string {
		var outs []string
		for _, f := range captures {
			args := []string{"-r", f, "-d", "tcp.port==" + strconv.Itoa(port) + ",tls", "-Y", "http2", "-V"}
			if keyLog != "" {
				args = append(args, "-o", "tls.keylog_file:"+keyLog)
			}
			out, err := exec.Command(tshark, args...).Output()
			Expect(err).NotTo(HaveOccurred(), "tshark %s", strings.Join(args, " "))
			outs = append(outs, string(out))
		}
		return outs
	}

	It("warns on standard error that the secrets are written, in each command", func() {
		for _, stderr := range []string{anaErr, runErr, mgrLog.String()} {
			Expect(stderr).To(ContainSubstring("WARNING: --keylog"))
			Expect(stderr).To(ContainSubstring("can decrypt"))
		}
	})

	It("writes the secrets in the NSS key log format, readable by their owner only", func() {
		for _, name := range []string{"analyzer.keys", "run.keys", "manager.keys"} {
			path := filepath.Join(dir, name)
			info, err := os.Stat(path)
			Expect(err).NotTo(HaveOccurred())
			Expect(info.Mode().Perm()).To(Equal(os.FileMode(0o600)), name)
			for _, l := range lines(path) {
				Expect(l).To(MatchRegexp(`^(CLIENT_HANDSHAKE_TRAFFIC_SECRET|SERVER_HANDSHAKE_TRAFFIC_SECRET|CLIENT_TRAFFIC_SECRET_0|SERVER_TRAFFIC_SECRET_0|EXPORTER_SECRET) [0-9a-f]{64} [0-9a-f]+$`), name)
			}
		}
	})

	It("leaves the capture opaque without a key log", func() {
		for i, out := range dissect("") {
			Expect(out).NotTo(ContainSubstring(":method: POST"), captures[i])
			for _, id := range append(append([]string{}, anaIDs...), runIDs...) {
				Expect(out).NotTo(ContainSubstring(id), captures[i])
			}
		}
	})

	It("opens the analyzer's traffic decrypted with the analyzer's key log: its POSTs and its alerts' JSON", func() {
		for i, out := range dissect(filepath.Join(dir, "analyzer.keys")) {
			Expect(out).To(ContainSubstring(":method: POST"), captures[i])
			for _, id := range anaIDs {
				Expect(out).To(ContainSubstring("String value: "+id), "alert %s decoded as JSON in %s", id, captures[i])
			}
			for _, id := range runIDs {
				Expect(out).NotTo(ContainSubstring(id), "the run's connections have keys of their own (%s)", captures[i])
			}
		}
	})

	It("opens the harness's traffic decrypted with the run's key log", func() {
		for i, out := range dissect(filepath.Join(dir, "run.keys")) {
			Expect(out).To(ContainSubstring(":method: POST"), captures[i])
			for _, id := range runIDs {
				Expect(out).To(ContainSubstring("String value: "+id), "alert %s decoded as JSON in %s", id, captures[i])
			}
		}
	})

	It("opens every exchange decrypted with the manager's key log", func() {
		for i, out := range dissect(filepath.Join(dir, "manager.keys")) {
			for _, id := range append(append([]string{}, anaIDs...), runIDs...) {
				Expect(out).To(ContainSubstring("String value: "+id), "alert %s decoded as JSON in %s", id, captures[i])
			}
		}
	})

	It("writes the run's event log beside the report, every line valid against its schema", func() {
		set, err := schema.Load()
		Expect(err).NotTo(HaveOccurred())
		sch, err := set.Project(eventlog.SchemaFile)
		Expect(err).NotTo(HaveOccurred())
		evs := lines(filepath.Join(dir, "report", "events.ndjson"))
		Expect(evs).NotTo(BeEmpty())
		kinds := map[string]int{}
		for i, l := range evs {
			var v any
			Expect(json.Unmarshal([]byte(l), &v)).To(Succeed())
			Expect(sch.Validate(v)).To(Succeed(), "line %d: %s", i+1, l)
			var e eventlog.Event
			Expect(json.Unmarshal([]byte(l), &e)).To(Succeed())
			kinds[e.Event]++
			if i == 0 {
				Expect(e.Event).To(Equal(eventlog.RunStart))
				Expect(e.Schema).To(Equal(eventlog.SchemaFile))
			}
			switch e.Event {
			case eventlog.CheckEnd:
				Expect(e.Check).To(Equal("MGR-CONF-005"))
				Expect(e.Verdict).To(Equal("pass"))
			case eventlog.Handshake:
				Expect(e.TLS).NotTo(BeNil())
				Expect(e.TLS.Version).To(Equal("TLS 1.3"))
			case eventlog.Request:
				Expect(e.Direction).To(Equal(eventlog.Out))
				Expect(e.Check).To(BeElementOf("MGR-CONF-005", "sanity"))
				Expect(*e.Bytes).To(BeNumerically(">", 0))
			case eventlog.Close:
				Expect(e.Wire.Out).To(BeNumerically(">", 0))
				Expect(e.Wire.In).To(BeNumerically(">", 0))
			}
		}
		Expect(kinds).To(HaveKeyWithValue(eventlog.Probe, 2))
		Expect(kinds).To(HaveKeyWithValue(eventlog.CheckStart, 1))
		Expect(kinds).To(HaveKeyWithValue(eventlog.RunEnd, 1))
		Expect(kinds[eventlog.Response]).To(Equal(kinds[eventlog.Request]))
		Expect(kinds[eventlog.Close]).To(Equal(kinds[eventlog.Connect]))
	})
})

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

// capture is tshark capturing on the loopback interface.
type capture struct {
	cmd  *exec.Cmd
	done chan error
}

// startCapture starts tshark on the loopback interface for the traffic of one port, and
// returns once it captures; nil when it cannot (no permission to capture).
func startCapture(tshark string, port int, file string) *capture {
	cmd := exec.Command(tshark, "-i", "lo", "-f", "tcp port "+strconv.Itoa(port), "-w", file)
	stderr, err := cmd.StderrPipe()
	Expect(err).NotTo(HaveOccurred())
	Expect(cmd.Start()).To(Succeed())
	c := &capture{cmd: cmd, done: make(chan error, 1)}
	started := make(chan bool, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		ok := false
		for sc.Scan() {
			GinkgoWriter.Println("tshark:", sc.Text())
			if !ok && strings.Contains(sc.Text(), "Capturing on") {
				ok = true
				started <- true
			}
		}
		if !ok {
			started <- false
		}
		c.done <- cmd.Wait()
	}()
	select {
	case ok := <-started:
		if !ok {
			return nil
		}
	case <-time.After(captureTimeout):
		_ = cmd.Process.Kill()
		Fail("tshark did not start capturing within " + captureTimeout.String())
	}
	return c
}

// stop ends the capture; it reports whether the file holds it.
func (c *capture) stop() bool {
	// tshark writes out what it buffered and closes the file on SIGINT.
	time.Sleep(500 * time.Millisecond) // the last packets reach the capture buffer
	Expect(c.cmd.Process.Signal(os.Interrupt)).To(Succeed())
	select {
	case <-c.done:
	case <-time.After(captureTimeout):
		_ = c.cmd.Process.Kill()
		Fail("tshark did not stop within " + captureTimeout.String())
	}
	info, err := os.Stat(c.cmd.Args[len(c.cmd.Args)-1])
	return err == nil && info.Size() > 0
}

// recorder is a TCP proxy that records, per connection, every chunk that crosses it in the
// order it crossed: the material of a capture file when capturing is not permitted.
type recorder struct {
	ln       net.Listener
	upstream string
	mu       sync.Mutex
	conns    []*recorded
	wg       sync.WaitGroup
	started  time.Time
}

type recorded struct {
	clientPort int
	chunks     []chunk
}

type chunk struct {
	at       time.Time
	toServer bool
	data     []byte
}

func startRecorder(upstream string) *recorder {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	Expect(err).NotTo(HaveOccurred())
	r := &recorder{ln: ln, upstream: upstream, started: time.Now()}
	r.wg.Add(1)
	go func() {
		defer r.wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			r.wg.Add(1)
			go func() {
				defer r.wg.Done()
				r.serve(c)
			}()
		}
	}()
	return r
}

func (r *recorder) port() int { return r.ln.Addr().(*net.TCPAddr).Port }

func (r *recorder) close() {
	r.ln.Close()
	r.wg.Wait()
}

func (r *recorder) serve(c net.Conn) {
	defer c.Close()
	up, err := net.Dial("tcp", r.upstream)
	if err != nil {
		return
	}
	defer up.Close()
	rc := &recorded{clientPort: c.RemoteAddr().(*net.TCPAddr).Port}
	r.mu.Lock()
	r.conns = append(r.conns, rc)
	r.mu.Unlock()
	pipe := func(dst, src net.Conn, toServer bool) {
		buf := make([]byte, 32<<10)
		for {
			n, err := src.Read(buf)
			if n > 0 {
				// Recorded before it is passed on: the answer to it cannot come first.
				r.mu.Lock()
				rc.chunks = append(rc.chunks, chunk{at: time.Now(), toServer: toServer, data: bytes.Clone(buf[:n])})
				r.mu.Unlock()
				if _, werr := dst.Write(buf[:n]); werr != nil {
					return
				}
			}
			if err != nil {
				if tc, ok := dst.(*net.TCPConn); ok && errors.Is(err, io.EOF) {
					_ = tc.CloseWrite()
				}
				return
			}
		}
	}
	done := make(chan struct{})
	go func() {
		pipe(up, c, true)
		close(done)
	}()
	pipe(c, up, false)
	<-done
}

// writePcap writes what the proxy recorded as a classic pcap file of raw IPv4 packets
// (LINKTYPE_RAW): for each connection a TCP handshake, then one segment per chunk with
// consistent sequence and acknowledgement numbers, between 127.0.0.1:clientPort and
// 127.0.0.1:port.
func (r *recorder) writePcap(path string) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	var b bytes.Buffer
	hdr := make([]byte, 24)
	binary.LittleEndian.PutUint32(hdr[0:], 0xa1b2c3d4)
	binary.LittleEndian.PutUint16(hdr[4:], 2)
	binary.LittleEndian.PutUint16(hdr[6:], 4)
	binary.LittleEndian.PutUint32(hdr[16:], 65535)
	binary.LittleEndian.PutUint32(hdr[20:], 101) // LINKTYPE_RAW
	b.Write(hdr)
	server := uint16(r.port())
	for _, c := range r.conns {
		client := uint16(c.clientPort)
		cseq, sseq := uint32(1000), uint32(5000)
		at := r.started
		if len(c.chunks) > 0 {
			at = c.chunks[0].at.Add(-time.Millisecond)
		}
		const syn, ack, psh = 0x02, 0x10, 0x08
		writePacket(&b, at, client, server, cseq, 0, syn, nil)
		writePacket(&b, at, server, client, sseq, cseq+1, syn|ack, nil)
		cseq, sseq = cseq+1, sseq+1
		writePacket(&b, at, client, server, cseq, sseq, ack, nil)
		for _, ch := range c.chunks {
			for data := ch.data; len(data) > 0; {
				n := min(len(data), 16<<10)
				if ch.toServer {
					writePacket(&b, ch.at, client, server, cseq, sseq, psh|ack, data[:n])
					cseq += uint32(n)
				} else {
					writePacket(&b, ch.at, server, client, sseq, cseq, psh|ack, data[:n])
					sseq += uint32(n)
				}
				data = data[n:]
			}
		}
	}
	return os.WriteFile(path, b.Bytes(), 0o644)
}

// writePacket appends one IPv4/TCP packet from 127.0.0.1:src to 127.0.0.1:dst.
func writePacket(b *bytes.Buffer, at time.Time, src, dst uint16, seq, ackNo uint32, flags byte, payload []byte) {
	total := 20 + 20 + len(payload)
	rec := make([]byte, 16)
	binary.LittleEndian.PutUint32(rec[0:], uint32(at.Unix()))
	binary.LittleEndian.PutUint32(rec[4:], uint32(at.Nanosecond()/1000))
	binary.LittleEndian.PutUint32(rec[8:], uint32(total))
	binary.LittleEndian.PutUint32(rec[12:], uint32(total))
	b.Write(rec)
	ip := []byte{0x45, 0, byte(total >> 8), byte(total), 0, 0, 0x40, 0, 64, 6, 0, 0, 127, 0, 0, 1, 127, 0, 0, 1}
	var sum uint32
	for i := 0; i < 20; i += 2 {
		sum += uint32(ip[i])<<8 | uint32(ip[i+1])
	}
	for sum > 0xffff {
		sum = sum&0xffff + sum>>16
	}
	binary.BigEndian.PutUint16(ip[10:], ^uint16(sum))
	b.Write(ip)
	tcp := make([]byte, 20)
	binary.BigEndian.PutUint16(tcp[0:], src)
	binary.BigEndian.PutUint16(tcp[2:], dst)
	binary.BigEndian.PutUint32(tcp[4:], seq)
	binary.BigEndian.PutUint32(tcp[8:], ackNo)
	tcp[12] = 5 << 4
	tcp[13] = flags
	binary.BigEndian.PutUint16(tcp[14:], 65535)
	b.Write(tcp) // the checksum stays 0: tshark does not verify it by default
	b.Write(payload)
}

package faultproxy_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"math/bits"
	"net"
	"sync"
	"syscall"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/onsi/gomega/gleak"

	"github.com/idmefcheck/idmefcheck/conformance/faultproxy"
)

// The suite (faultproxy_suite_test.go) runs these specs beside the package's internal ones.

const leakTimeout = 5 * time.Second

// Every spec ends with the goroutines it started: the proxy's, the test servers', the
// clients'.
var _ = BeforeEach(func() {
	before := gleak.Goroutines()
	DeferCleanup(func() {
		Eventually(gleak.Goroutines).WithTimeout(leakTimeout).ShouldNot(gleak.HaveLeaked(before))
	})
})

const (
	// quiet is how long a spec watches for something that must not happen.
	quiet = 200 * time.Millisecond
	// ioTimeout bounds every read of the specs.
	ioTimeout = 5 * time.Second
)

// backend is a loopback test server that records what each connection received and how
// the stream ended; it echoes when echo is set.
type backend struct {
	ln    net.Listener
	echo  bool
	conns chan *received
	wg    sync.WaitGroup
}

// received is what one connection of the backend got.
type received struct {
	mu   sync.Mutex
	data []byte
	err  error // how the stream ended: nil for a clean end (FIN)
	done chan struct{}
}

func (r *received) bytes() []byte {
	r.mu.Lock()
	defer r.mu.Unlock()
	return bytes.Clone(r.data)
}

func startBackend(network, addr string, echo bool) *backend {
	GinkgoHelper()
	ln, err := net.Listen(network, addr)
	Expect(err).NotTo(HaveOccurred())
	b := &backend{ln: ln, echo: echo, conns: make(chan *received, 16)}
	b.wg.Go(func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			r := &received{done: make(chan struct{})}
			b.conns <- r
			b.wg.Go(func() {
				defer close(r.done)
				defer c.Close()
				buf := make([]byte, 4096)
				for {
					n, err := c.Read(buf)
					r.mu.Lock()
					r.data = append(r.data, buf[:n]...)
					r.mu.Unlock()
					if n > 0 && b.echo {
						_, _ = c.Write(buf[:n])
					}
					if err != nil {
						if !errors.Is(err, io.EOF) {
							r.mu.Lock()
							r.err = err
							r.mu.Unlock()
						}
						return
					}
				}
			})
		}
	})
	DeferCleanup(func() {
		ln.Close()
		b.wg.Wait()
	})
	return b
}

func (b *backend) next() *received {
	GinkgoHelper()
	var r *received
	Eventually(b.conns).WithTimeout(ioTimeout).Should(Receive(&r))
	return r
}

func startProxy(ctx context.Context, target string, plan faultproxy.Plan) *faultproxy.Proxy {
	GinkgoHelper()
	p, err := faultproxy.Start(ctx, target, nil)
	Expect(err).NotTo(HaveOccurred())
	DeferCleanup(p.Close)
	p.SetPlan(plan)
	return p
}

func dial(addr string) net.Conn {
	GinkgoHelper()
	c, err := net.DialTimeout("tcp", addr, ioTimeout)
	Expect(err).NotTo(HaveOccurred())
	DeferCleanup(func() { _ = c.Close() }) // a spec may have closed it already
	_ = c.SetDeadline(time.Now().Add(ioTimeout))
	return c
}

func with(change func(p *faultproxy.Plan)) faultproxy.Plan {
	p := faultproxy.Forward
	change(&p)
	return p
}

var _ = Describe("Proxy", func() {
	var srv *backend
	BeforeEach(func() { srv = startBackend("tcp", "127.0.0.1:0", true) })

	It("forwards both ways untouched with Forward, and captures both directions", func() {
		p := startProxy(context.Background(), srv.ln.Addr().String(), faultproxy.Forward)
		c := dial(p.Addr())
		msg := bytes.Repeat([]byte("0123456789"), 10000)
		go func() { _, _ = c.Write(msg) }()
		got := make([]byte, len(msg))
		_, err := io.ReadFull(c, got)
		Expect(err).NotTo(HaveOccurred())
		Expect(got).To(Equal(msg))
		Expect(c.Close()).To(Succeed())
		caps := p.Captures()
		Expect(caps).To(HaveLen(1))
		Eventually(caps[0].Done()).WithTimeout(ioTimeout).Should(BeClosed())
		Expect(caps[0].Upstream()).To(Equal(msg))
		Expect(caps[0].Downstream()).To(Equal(msg))
		Expect(srv.next().bytes()).To(Equal(msg))
	})

	It("passes the client's end of stream on, so the server can answer and close", func() {
		p := startProxy(context.Background(), srv.ln.Addr().String(), faultproxy.Forward)
		c := dial(p.Addr())
		_, err := c.Write([]byte("last words"))
		Expect(err).NotTo(HaveOccurred())
		Expect(c.(*net.TCPConn).CloseWrite()).To(Succeed())
		got, err := io.ReadAll(c)
		Expect(err).NotTo(HaveOccurred())
		Expect(string(got)).To(Equal("last words"))
	})

	It("holds every chunk for Delay, both ways", func() {
		const delay = 150 * time.Millisecond
		p := startProxy(context.Background(), srv.ln.Addr().String(), with(func(p *faultproxy.Plan) { p.Delay = delay }))
		c := dial(p.Addr())
		start := time.Now()
		_, err := c.Write([]byte("ping"))
		Expect(err).NotTo(HaveOccurred())
		r := srv.next()
		Eventually(r.bytes).WithTimeout(ioTimeout).Should(Equal([]byte("ping")))
		Expect(time.Since(start)).To(BeNumerically(">=", delay), "upstream")
		got := make([]byte, 4)
		_, err = io.ReadFull(c, got)
		Expect(err).NotTo(HaveOccurred())
		Expect(time.Since(start)).To(BeNumerically(">=", 2*delay), "downstream too")
	})

	It("closes both sides cleanly once CloseAfter bytes went upstream", func() {
		p := startProxy(context.Background(), srv.ln.Addr().String(), with(func(p *faultproxy.Plan) { p.CloseAfter = 4 }))
		c := dial(p.Addr())
		_, err := c.Write([]byte("0123456789"))
		Expect(err).NotTo(HaveOccurred())
		r := srv.next()
		Eventually(r.done).WithTimeout(ioTimeout).Should(BeClosed())
		Expect(string(r.bytes())).To(Equal("0123"))
		Expect(r.err).NotTo(HaveOccurred(), "a FIN, not a reset")
		rest, err := io.ReadAll(c)
		Expect(err).NotTo(HaveOccurred(), "the client sees a FIN")
		Expect(string(rest)).To(BeElementOf("", "0123"), "at most the echo of what went through")
	})

	It("closes as soon as CloseAfter is reached, without waiting for another byte", func() {
		p := startProxy(context.Background(), srv.ln.Addr().String(), with(func(p *faultproxy.Plan) { p.CloseAfter = 4 }))
		srv.echo = false
		c := dial(p.Addr())
		_, err := c.Write([]byte("0123")) // exactly the limit, then the client waits
		Expect(err).NotTo(HaveOccurred())
		r := srv.next()
		Eventually(r.done).WithTimeout(time.Second).Should(BeClosed())
		Expect(string(r.bytes())).To(Equal("0123"))
		_, err = io.ReadAll(c)
		Expect(err).NotTo(HaveOccurred())
	})

	It("closes at once when CloseAfter is 0, forwarding nothing", func() {
		p := startProxy(context.Background(), srv.ln.Addr().String(), with(func(p *faultproxy.Plan) { p.CloseAfter = 0 }))
		c := dial(p.Addr())
		got, err := io.ReadAll(c)
		Expect(err).NotTo(HaveOccurred())
		Expect(got).To(BeEmpty())
		r := srv.next()
		Eventually(r.done).WithTimeout(ioTimeout).Should(BeClosed())
		Expect(r.bytes()).To(BeEmpty())
	})

	It("resets both sides once ResetAfter bytes went upstream", func() {
		p := startProxy(context.Background(), srv.ln.Addr().String(), with(func(p *faultproxy.Plan) { p.ResetAfter = 4 }))
		srv.echo = false
		c := dial(p.Addr())
		_, err := c.Write([]byte("0123456789"))
		Expect(err).NotTo(HaveOccurred())
		_, err = io.ReadAll(c)
		Expect(err).To(MatchError(syscall.ECONNRESET), "the client sees an RST")
		r := srv.next()
		Eventually(r.done).WithTimeout(ioTimeout).Should(BeClosed())
		Expect(string(r.bytes())).To(Equal("0123"))
		Expect(r.err).To(MatchError(syscall.ECONNRESET), "the server sees an RST")
	})

	It("prefers a reset to a close on the same byte", func() {
		p := startProxy(context.Background(), srv.ln.Addr().String(), with(func(p *faultproxy.Plan) { p.ResetAfter, p.CloseAfter = 2, 2 }))
		c := dial(p.Addr())
		_, err := c.Write([]byte("0123"))
		Expect(err).NotTo(HaveOccurred())
		_, err = io.ReadAll(c)
		Expect(err).To(MatchError(syscall.ECONNRESET))
	})

	It("stops forwarding after StallAfter bytes and keeps both sides open", func() {
		p := startProxy(context.Background(), srv.ln.Addr().String(), with(func(p *faultproxy.Plan) { p.StallAfter = 4 }))
		srv.echo = false
		c := dial(p.Addr())
		_, err := c.Write([]byte("0123456789"))
		Expect(err).NotTo(HaveOccurred())
		r := srv.next()
		Eventually(r.bytes).WithTimeout(ioTimeout).Should(Equal([]byte("0123")))
		_, err = c.Write([]byte("more"))
		Expect(err).NotTo(HaveOccurred())
		Consistently(r.bytes).WithTimeout(quiet).Should(Equal([]byte("0123")))
		Expect(r.done).NotTo(BeClosed(), "the server still waits for the rest")
		Eventually(func() []byte { return p.Captures()[0].Upstream() }).Should(Equal([]byte("0123456789more")), "what the client sent is captured")
	})

	It("inverts exactly one bit, the lowest of the byte at FlipBitAt", func() {
		p := startProxy(context.Background(), srv.ln.Addr().String(), with(func(p *faultproxy.Plan) { p.FlipBitAt = 5000 }))
		srv.echo = false
		c := dial(p.Addr())
		msg := bytes.Repeat([]byte{0xA5, 0x5A, 0xFF, 0x00}, 3000)
		go func() { _, _ = c.Write(msg) }()
		r := srv.next()
		Eventually(func() int { return len(r.bytes()) }).WithTimeout(ioTimeout).Should(Equal(len(msg)))
		got := r.bytes()
		flipped := 0
		for i := range msg {
			flipped += bits.OnesCount8(msg[i] ^ got[i])
		}
		Expect(flipped).To(Equal(1))
		Expect(got[5000] ^ msg[5000]).To(Equal(byte(1)))
		Expect(p.Captures()[0].Upstream()).To(Equal(msg), "the capture keeps the bytes as sent")
	})

	It("writes each upstream chunk twice with Duplicate", func() {
		p := startProxy(context.Background(), srv.ln.Addr().String(), with(func(p *faultproxy.Plan) { p.Duplicate = true }))
		srv.echo = false
		c := dial(p.Addr())
		_, err := c.Write([]byte("hello"))
		Expect(err).NotTo(HaveOccurred())
		r := srv.next()
		Eventually(r.bytes).WithTimeout(ioTimeout).Should(Equal([]byte("hellohello")))
	})

	It("repeats the client's TLS record DuplicateRecord right after it", func() {
		p := startProxy(context.Background(), srv.ln.Addr().String(), with(func(p *faultproxy.Plan) { p.DuplicateRecord = 2 }))
		srv.echo = false
		c := dial(p.Addr())
		rec := func(typ byte, payload string) []byte {
			return append([]byte{typ, 3, 3, byte(len(payload) >> 8), byte(len(payload))}, payload...)
		}
		one, two, three := rec(22, "hello"), rec(23, "the body"), rec(23, "tail")
		stream := bytes.Join([][]byte{one, two, three}, nil)
		for i := range stream { // one byte at a time: records cut anywhere
			_, err := c.Write(stream[i : i+1])
			Expect(err).NotTo(HaveOccurred())
		}
		r := srv.next()
		Eventually(r.bytes).WithTimeout(ioTimeout).Should(Equal(bytes.Join([][]byte{one, two, two, three}, nil)))
	})

	It("applies a plan to the connections accepted after it is set, and captures them in order", func() {
		p := startProxy(context.Background(), srv.ln.Addr().String(), faultproxy.Forward)
		srv.echo = false
		first := dial(p.Addr())
		_, err := first.Write([]byte("a"))
		Expect(err).NotTo(HaveOccurred())
		Eventually(srv.next().bytes).Should(Equal([]byte("a")))
		p.SetPlan(with(func(p *faultproxy.Plan) { p.Duplicate = true }))
		second := dial(p.Addr())
		_, err = second.Write([]byte("b"))
		Expect(err).NotTo(HaveOccurred())
		Eventually(srv.next().bytes).Should(Equal([]byte("bb")))
		_, err = first.Write([]byte("c"))
		Expect(err).NotTo(HaveOccurred())
		caps := p.Captures()
		Expect(caps).To(HaveLen(2))
		Eventually(caps[0].Upstream).Should(Equal([]byte("ac")))
		Expect(caps[1].Upstream()).To(Equal([]byte("b")))
	})

	Describe("Replay", func() {
		It("sends captured bytes on a new connection to the target and returns its answer", func() {
			p := startProxy(context.Background(), srv.ln.Addr().String(), faultproxy.Forward)
			start := time.Now()
			got, err := p.Replay(context.Background(), []byte("again"), quiet)
			Expect(err).NotTo(HaveOccurred())
			Expect(string(got)).To(Equal("again"))
			Expect(time.Since(start)).To(BeNumerically(">=", quiet), "it listens until wait is over")
			Eventually(srv.next().bytes).Should(Equal([]byte("again")))
			Expect(p.Captures()).To(BeEmpty(), "a replay bypasses the proxy")
		})

		It("returns early when the target closes", func() {
			closer := startBackend("tcp", "127.0.0.1:0", false)
			p := startProxy(context.Background(), closer.ln.Addr().String(), with(func(p *faultproxy.Plan) {}))
			go func() {
				defer GinkgoRecover()
				r := closer.next()
				Eventually(r.done).WithTimeout(ioTimeout).Should(BeClosed())
			}()
			ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
			defer cancel()
			start := time.Now()
			got, err := p.Replay(ctx, []byte("x"), time.Hour)
			Expect(err).NotTo(HaveOccurred())
			Expect(got).To(BeEmpty())
			Expect(time.Since(start)).To(BeNumerically("<", ioTimeout), "the context ends the wait")
		})

		It("fails when the target cannot be reached", func() {
			ln, err := net.Listen("tcp", "127.0.0.1:0")
			Expect(err).NotTo(HaveOccurred())
			addr := ln.Addr().String()
			p := startProxy(context.Background(), addr, faultproxy.Forward)
			ln.Close()
			_, err = p.Replay(context.Background(), []byte("x"), quiet)
			Expect(err).To(MatchError(HavePrefix("replay: ")))
		})
	})

	Describe("Close", func() {
		It("cuts every connection, refuses new ones and returns even with a delay in flight", func() {
			p, err := faultproxy.Start(context.Background(), srv.ln.Addr().String(), nil)
			Expect(err).NotTo(HaveOccurred())
			p.SetPlan(with(func(p *faultproxy.Plan) { p.Delay = time.Hour }))
			c := dial(p.Addr())
			_, err = c.Write([]byte("held"))
			Expect(err).NotTo(HaveOccurred())
			Eventually(p.Captures).Should(HaveLen(1))
			Eventually(func() []byte { return p.Captures()[0].Upstream() }).Should(Equal([]byte("held")))
			start := time.Now()
			Expect(p.Close()).To(Succeed())
			Expect(time.Since(start)).To(BeNumerically("<", ioTimeout))
			Expect(p.Captures()[0].Done()).To(BeClosed())
			_, err = io.ReadAll(c)
			_ = err // a FIN or a reset: either way the stream ended
			_, err = net.DialTimeout("tcp", p.Addr(), time.Second)
			Expect(err).To(HaveOccurred())
			Expect(p.Close()).To(Succeed(), "a second Close is harmless")
		})

		It("closes when the context given to Start ends", func() {
			ctx, cancel := context.WithCancel(context.Background())
			p, err := faultproxy.Start(ctx, srv.ln.Addr().String(), nil)
			Expect(err).NotTo(HaveOccurred())
			DeferCleanup(p.Close)
			cancel()
			Eventually(func() error {
				c, err := net.DialTimeout("tcp", p.Addr(), time.Second)
				if err == nil {
					c.Close()
				}
				return err
			}).WithTimeout(ioTimeout).Should(HaveOccurred())
		})
	})

	It("listens on IPv6 loopback for an IPv6 target", func() {
		six, err := net.Listen("tcp", "[::1]:0")
		if err != nil {
			Skip("no IPv6 loopback: " + err.Error())
		}
		six.Close()
		b := startBackend("tcp", "[::1]:0", true)
		p := startProxy(context.Background(), b.ln.Addr().String(), faultproxy.Forward)
		host, _, _ := net.SplitHostPort(p.Addr())
		Expect(host).To(Equal("::1"))
		c := dial(p.Addr())
		_, err = c.Write([]byte("v6"))
		Expect(err).NotTo(HaveOccurred())
		got := make([]byte, 2)
		_, err = io.ReadFull(c, got)
		Expect(err).NotTo(HaveOccurred())
		Expect(string(got)).To(Equal("v6"))
	})

	It("refuses a target that is no host:port", func() {
		_, err := faultproxy.Start(context.Background(), "localhost", nil)
		Expect(err).To(MatchError(HavePrefix(`fault proxy: target "localhost"`)))
	})
})

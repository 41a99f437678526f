package manager_test

import (
	"bufio"
	"context"
	"crypto/tls"
	"errors"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/idmefcheck/idmefcheck/reference/manager"
	"github.com/idmefcheck/idmefcheck/reference/store"
	"github.com/idmefcheck/idmefcheck/reference/transport"
)

// rawConn opens an authenticated HTTP/1.1 TLS connection to the manager.
func rawConn(addr string) *tls.Conn {
	cfg := transport.ClientConfig(world.analyzer.TLS(), transport.Policy{Roots: world.roots}, "localhost")
	cfg.NextProtos = []string{"http/1.1"}
	c, err := tls.Dial("tcp", addr, cfg)
	Expect(err).NotTo(HaveOccurred())
	DeferCleanup(func() { _ = c.Close() })
	Expect(c.Handshake()).To(Succeed())
	return c
}

var _ = Describe("denial-of-service defences", Label("R4766-6.7"), func() {
	ctx := context.Background()

	It("answers 429 with Retry-After once a peer exceeds its token bucket", func() {
		m := startManager(func(c *manager.Config) { c.Limits.Rate, c.Limits.Burst = 0.5, 2 })
		s := sender(m, false, manager.SenderOptions{})
		var statuses []int
		var last *manager.Answer
		for range 3 {
			a, err := s.Send(ctx, alert(newID()))
			Expect(err).NotTo(HaveOccurred())
			statuses = append(statuses, a.Status)
			last = a
		}
		Expect(statuses).To(Equal([]int{http.StatusNoContent, http.StatusNoContent, http.StatusTooManyRequests}))
		secs, err := strconv.Atoi(last.Header.Get("Retry-After"))
		Expect(err).NotTo(HaveOccurred())
		Expect(secs).To(BeNumerically(">=", 1))
		Expect(m.count()).To(BeEquivalentTo(2))
	})

	It("gives up on a body that does not arrive within the body deadline", func() {
		m := startManager(func(c *manager.Config) { c.Limits.BodyTimeout = 300 * time.Millisecond })
		c := rawConn(m.srv.Addrs()[0].String())
		_, err := io.WriteString(c, "POST / HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{\"Version\":")
		Expect(err).NotTo(HaveOccurred())
		Expect(c.SetReadDeadline(time.Now().Add(requestTimeout))).To(Succeed())
		line, _ := bufio.NewReader(c).ReadString('\n')
		Expect(line).To(HavePrefix("HTTP/1.1 408"))
		Expect(m.count()).To(BeZero())
	})

	It("closes a connection whose request headers do not arrive within the header deadline", func() {
		m := startManager(func(c *manager.Config) { c.Limits.HeaderTimeout = 300 * time.Millisecond })
		c := rawConn(m.srv.Addrs()[0].String())
		_, err := io.WriteString(c, "POST / HTTP/1.1\r\nHost: local")
		Expect(err).NotTo(HaveOccurred())
		Expect(c.SetReadDeadline(time.Now().Add(requestTimeout))).To(Succeed())
		_, err = c.Read(make([]byte, 1))
		Expect(err).To(HaveOccurred())
		var ne net.Error
		Expect(errors.As(err, &ne) && ne.Timeout()).To(BeFalse(), "the client timed out before the server closed")
	})

	It("caps open connections per listener: the next handshake waits for a free slot", func() {
		m := startManager(func(c *manager.Config) { c.Limits.MaxConns = 2 })
		addr := m.srv.Addrs()[0].String()
		first := rawConn(addr)
		_ = rawConn(addr)
		cfg := transport.ClientConfig(world.analyzer.TLS(), transport.Policy{Roots: world.roots}, "localhost")
		done := make(chan error, 1)
		go func() {
			defer GinkgoRecover()
			c, err := tls.DialWithDialer(&net.Dialer{Timeout: requestTimeout}, "tcp", addr, cfg)
			if err == nil {
				c.Close()
			}
			done <- err
		}()
		Consistently(done).WithTimeout(500 * time.Millisecond).ShouldNot(Receive())
		Expect(first.Close()).To(Succeed())
		Eventually(done).WithTimeout(requestTimeout).Should(Receive(BeNil()))
	})
})

// failingStore is a Store whose writes fail, as a full disk would make them.
type failingStore struct{ store.Store }

func (failingStore) Put(context.Context, *store.Record) (store.PutResult, error) {
	return store.PutResult{}, errors.New("disk full")
}

var _ = Describe("the manager's own failures", Label("IDMEF2T-4.3-22"), func() {
	ctx := context.Background()

	It("answers 500 when the store fails, and never 2xx", func() {
		m := startManager(func(c *manager.Config) { c.Store = failingStore{c.Store} })
		a, err := sender(m, false, manager.SenderOptions{}).Send(ctx, alert(newID()))
		Expect(err).NotTo(HaveOccurred())
		Expect(a.Status).To(Equal(http.StatusInternalServerError))
		Expect(a.Problem.Reason).To(Equal("store"))
	})

	It("answers 503 with Retry-After when the store is closed", func() {
		m := startManager(nil)
		Expect(m.store.Close()).To(Succeed())
		a, err := sender(m, false, manager.SenderOptions{}).Send(ctx, alert(newID()))
		Expect(err).NotTo(HaveOccurred())
		Expect(a.Status).To(Equal(http.StatusServiceUnavailable))
		Expect(a.Header.Get("Retry-After")).NotTo(BeEmpty())
		Expect(strings.Contains(a.Problem.Error, "shutting down")).To(BeTrue())
	})
})

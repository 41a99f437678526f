package managerrole

import (
	"bytes"
	"context"
	"crypto/tls"
	"fmt"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/idmefcheck/idmefcheck/conformance/harness"
	"github.com/idmefcheck/idmefcheck/conformance/target"
)

// The denial-of-service checks hold many connections open against the manager while a
// legitimate analyzer delivers one alert. attack owns those connections: every one is closed,
// and every goroutine that feeds one has returned, when Close returns, so that a check leaves
// the manager as it found it.
type attack struct {
	mu     sync.Mutex
	conns  []net.Conn
	wg     sync.WaitGroup
	done   chan struct{}
	closer sync.Once
	// opened counts the connections that reached the state the attack wanted (a completed
	// handshake, a hello sent); failed counts those that did not, with the first error.
	opened, failed int
	firstErr       error
}

func newAttack() *attack { return &attack{done: make(chan struct{})} }

func (a *attack) keep(c net.Conn) bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	select {
	case <-a.done:
		c.Close()
		return false
	default:
	}
	a.conns = append(a.conns, c)
	return true
}

func (a *attack) count(err error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if err == nil {
		a.opened++
		return
	}
	a.failed++
	if a.firstErr == nil {
		a.firstErr = err
	}
}

// Close closes every connection and waits for the goroutines feeding them.
func (a *attack) Close() {
	a.closer.Do(func() {
		a.mu.Lock()
		close(a.done)
		for _, c := range a.conns {
			c.Close()
		}
		a.mu.Unlock()
	})
	a.wg.Wait()
}

// summary words what the attack established, for the evidence.
func (a *attack) summary(what string) string {
	a.mu.Lock()
	defer a.mu.Unlock()
	s := fmt.Sprintf("%d %s held open", a.opened, what)
	if a.failed > 0 {
		s += fmt.Sprintf("; %d could not be set up (first: %v)", a.failed, a.firstErr)
	}
	return s
}

func (a *attack) established() int {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.opened
}

// open runs n set-ups at once and returns when each has reached its state or given up after
// within. A set-up that gives up still leaves its connection in the attack, since a
// connection the manager has not yet accepted still costs it a place in its queue.
func (a *attack) open(ctx context.Context, n int, within time.Duration, setup func(ctx context.Context, i int) error) {
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sctx, cancel := context.WithTimeout(ctx, within)
			defer cancel()
			a.count(setup(sctx, i))
		}()
	}
	wg.Wait()
}

// dribble writes data one byte every interval on c until the attack ends or a write fails.
func (a *attack) dribble(c net.Conn, data []byte, interval time.Duration) {
	a.wg.Add(1)
	go func() {
		defer a.wg.Done()
		tick := time.NewTicker(interval)
		defer tick.Stop()
		for i := 0; ; i = (i + 1) % len(data) {
			select {
			case <-a.done:
				return
			case <-tick.C:
			}
			_ = c.SetWriteDeadline(time.Now().Add(interval))
			if _, err := c.Write(data[i : i+1]); err != nil {
				return
			}
		}
	}()
}

// dialTCP opens a TCP connection to the target and keeps it in the attack.
func (a *attack) dialTCP(ctx context.Context, e *Env) (net.Conn, error) {
	var d net.Dialer
	c, err := d.DialContext(ctx, "tcp", e.Target().Addr())
	if err != nil {
		return nil, err
	}
	if !a.keep(c) {
		return nil, net.ErrClosed
	}
	return c, nil
}

// dialTLS completes a TLS handshake as the harness's own identity, speaking HTTP/1.1, so
// that what follows reaches the manager's HTTP layer: a slow client is an authenticated peer
// (a faulty or compromised analyzer), since an unauthenticated one never gets that far.
func (a *attack) dialTLS(ctx context.Context, e *Env) (*tls.Conn, error) {
	raw, err := a.dialTCP(ctx, e)
	if err != nil {
		return nil, err
	}
	c := tls.Client(raw, e.Target().TLSConfig(target.Dial{HTTP1: true}))
	if err := c.HandshakeContext(ctx); err != nil {
		return nil, fmt.Errorf("TLS handshake: %w", err)
	}
	return c, nil
}

// slowHeaders opens n authenticated connections, each starting a POST and then sending its
// header section one byte every interval, never finishing it.
func slowHeaders(ctx context.Context, e *Env, n int, interval time.Duration) *attack {
	a := newAttack()
	start := fmt.Sprintf("POST %s HTTP/1.1\r\nHost: %s\r\nContent-Type: application/json\r\nX-Idmefcheck-Slow: ", e.Target().URL.RequestURI(), e.Target().URL.Host)
	a.open(ctx, n, 3*time.Second, func(ctx context.Context, _ int) error {
		c, err := a.dialTLS(ctx, e)
		if err != nil {
			return err
		}
		_ = c.SetWriteDeadline(time.Now().Add(3 * time.Second))
		if _, err := c.Write([]byte(start)); err != nil {
			return fmt.Errorf("writing the request line: %w", err)
		}
		a.dribble(c, []byte("slowly"), interval)
		return nil
	})
	return a
}

// slowBodies opens n authenticated connections, each sending the complete header section of
// a valid, signed (when the statement claims signatures) alert and then its body one byte
// every interval: a peer the manager cannot tell from a legitimate analyzer on a bad link.
func slowBodies(ctx context.Context, e *Env, n int, interval time.Duration) (*attack, error) {
	type prepared struct{ head, body []byte }
	reqs := make([]prepared, n)
	for i := range reqs {
		m, err := e.Alert(alertSpec("slow body"))
		if err != nil {
			return nil, err
		}
		head, err := requestHead(e, m.Body)
		if err != nil {
			return nil, err
		}
		reqs[i] = prepared{head, m.Body}
	}
	a := newAttack()
	a.open(ctx, n, 3*time.Second, func(ctx context.Context, i int) error {
		c, err := a.dialTLS(ctx, e)
		if err != nil {
			return err
		}
		_ = c.SetWriteDeadline(time.Now().Add(3 * time.Second))
		if _, err := c.Write(reqs[i].head); err != nil {
			return fmt.Errorf("writing the header section: %w", err)
		}
		a.dribble(c, reqs[i].body, interval)
		return nil
	})
	return a, nil
}

// requestHead is the HTTP/1.1 request line and header section of a POST of body to the
// target, signed when the harness signs.
func requestHead(e *Env, body []byte) ([]byte, error) {
	u := *e.Target().URL
	req, err := http.NewRequest(http.MethodPost, u.String(), bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	if e.Signs() {
		if err := e.Signer.SignRequest(req, body); err != nil {
			return nil, err
		}
	}
	var b bytes.Buffer
	fmt.Fprintf(&b, "POST %s HTTP/1.1\r\nHost: %s\r\nContent-Length: %d\r\n", u.RequestURI(), u.Host, len(body))
	if err := req.Header.Write(&b); err != nil {
		return nil, err
	}
	b.WriteString("\r\n")
	return b.Bytes(), nil
}

// flood opens n TCP connections that send nothing, and n that send a TLS ClientHello
// without a client certificate and then nothing more: what anyone who can reach the port can
// do without credentials.
func flood(ctx context.Context, e *Env, n int) *attack {
	a := newAttack()
	a.open(ctx, 2*n, 3*time.Second, func(ctx context.Context, i int) error {
		c, err := a.dialTCP(ctx, e)
		if err != nil {
			return err
		}
		if i%2 == 0 {
			return nil // a bare TCP connection
		}
		// A TLS client whose reads never return sends its ClientHello and waits forever:
		// the handshake goes no further than the hello.
		mute := &muteConn{Conn: c, done: a.done, written: make(chan struct{})}
		hs := tls.Client(mute, &tls.Config{ServerName: e.Target().ServerName, MinVersion: tls.VersionTLS13, InsecureSkipVerify: true}) //nolint:gosec // the handshake never completes
		a.wg.Add(1)
		go func() {
			defer a.wg.Done()
			_ = hs.Handshake()
		}()
		select {
		case <-mute.written:
			return nil
		case <-ctx.Done():
			return fmt.Errorf("the ClientHello could not be written: %w", ctx.Err())
		}
	})
	return a
}

// muteConn passes writes through and blocks reads until the attack ends.
type muteConn struct {
	net.Conn
	done    chan struct{}
	once    sync.Once
	written chan struct{} // closed by the first write
}

func (m *muteConn) Write(p []byte) (int, error) {
	n, err := m.Conn.Write(p)
	m.once.Do(func() { close(m.written) })
	return n, err
}

func (m *muteConn) Read([]byte) (int, error) {
	<-m.done
	return 0, net.ErrClosed
}

// ackUnderLoad delivers a valid alert the ordinary way while an attack is under way; it must
// be acknowledged within e.AckWithin. what names the attack for the verdict. sameIdentity
// says the attackers present the harness's own identity, as the legitimate alert does: a
// manager that answers it 429 or 503 may then be limiting that one peer, which is a defence,
// and the harness, having no second good identity, cannot tell (inconclusive).
func ackUnderLoad(ctx context.Context, t *harness.T, e *Env, what string, sameIdentity bool) harness.Outcome {
	m, o := makeAlert(e, alertSpec("legitimate alert during "+what))
	if o != nil {
		return *o
	}
	x := e.Send(ctx, t, "legitimate alert during "+what, target.Dial{Timeout: e.AckWithin}, target.Request{Body: m.Body, Sign: e.Signs()})
	t.Expect(fmt.Sprintf("2xx within %s", e.AckWithin), fmt.Sprintf("%s after %s", x.Outcome(), x.Elapsed.Round(time.Millisecond)))
	if sameIdentity && (x.Status == http.StatusTooManyRequests || x.Status == http.StatusServiceUnavailable) {
		return harness.Inconclusivef("per-peer-limit", "during %s the legitimate alert, from the same identity as the attackers, was refused with %s: the manager may be limiting that peer alone, which the harness cannot tell apart with one identity", what, x.Outcome())
	}
	if !x.Success() || x.Elapsed > e.AckWithin {
		return harness.Failf("starved", "during %s a legitimate alert was not acknowledged within %s: %s after %s", what, e.AckWithin, x.Outcome(), x.Elapsed.Round(time.Millisecond))
	}
	return harness.Passf("during %s a legitimate alert was acknowledged (%d) after %s", what, x.Status, x.Elapsed.Round(time.Millisecond))
}

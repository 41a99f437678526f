// Package faultproxy is an in-process TCP proxy that sits between the harness and an
// implementation under test and misbehaves on purpose: it delays, drops, resets, truncates,
// duplicates and flips bits in the byte stream, and captures what passed so that it can be
// replayed on a new connection. It works below TLS, so what it does is what an attacker or a
// broken network on the path could do.
package faultproxy

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"sync"
	"time"
)

// Plan is what the proxy does to one connection. Offsets count bytes from the client
// (harness) to the server (target); a negative offset disables its fault. The zero Plan
// would reset at byte 0: start from Forward. When several of CloseAfter, ResetAfter and
// StallAfter fall on the same byte, reset wins over close, and close over stall.
type Plan struct {
	// Delay holds every chunk this long before forwarding it, both directions.
	Delay time.Duration
	// CloseAfter closes both sides cleanly (FIN) once this many bytes went upstream (0: as
	// soon as the client connects).
	CloseAfter int64
	// ResetAfter aborts both sides (RST) once this many bytes went upstream (0: as soon as
	// the client connects).
	ResetAfter int64
	// StallAfter stops forwarding upstream after this many bytes, keeping the connection
	// open: the server sees a client that stopped mid-message. The client's later bytes are
	// still read (and captured), and the connection stays open until a side closes it.
	StallAfter int64
	// FlipBitAt inverts the lowest bit of the byte at this offset.
	FlipBitAt int64
	// Duplicate writes each upstream chunk twice (a flipped bit in both copies).
	Duplicate bool
	// DuplicateRecord, when positive, writes the client's TLS record of that number (the
	// first record is 1) twice in a row: a record replayed inside its own connection. The
	// proxy finds records by their 5-byte headers only; it cannot read them. Zero leaves
	// records alone, so that a Plan written without Forward does not replay the ClientHello.
	DuplicateRecord int
}

// Forward is the plan that forwards everything untouched.
var Forward = Plan{CloseAfter: -1, ResetAfter: -1, StallAfter: -1, FlipBitAt: -1}

// Proxy forwards connections to one target address. Its methods are safe for concurrent
// use. Whoever starts it calls Close (or ends the context given to Start).
type Proxy struct {
	ln     net.Listener
	target string
	log    *slog.Logger
	// stop ends when the proxy closes: dials to the target and delays end with it.
	stop      context.Context
	cancel    context.CancelFunc
	stopWatch func() bool

	mu       sync.Mutex
	plan     Plan
	captures []*Capture
	conns    map[net.Conn]struct{}
	wg       sync.WaitGroup
	closed   bool
}

// Capture holds the bytes of one proxied connection.
type Capture struct {
	mu         sync.Mutex
	upstream   bytes.Buffer
	downstream bytes.Buffer
	done       chan struct{}
}

// Upstream returns the bytes the client sent, as the server was meant to get them (before
// any fault).
func (c *Capture) Upstream() []byte {
	c.mu.Lock()
	defer c.mu.Unlock()
	return bytes.Clone(c.upstream.Bytes())
}

// Downstream returns the bytes the server sent.
func (c *Capture) Downstream() []byte {
	c.mu.Lock()
	defer c.mu.Unlock()
	return bytes.Clone(c.downstream.Bytes())
}

// Done is closed when the connection has ended.
func (c *Capture) Done() <-chan struct{} { return c.done }

// Start listens on a loopback port of the same family as target and forwards to target. It
// stops when ctx ends or Close is called.
func Start(ctx context.Context, target string, log *slog.Logger) (*Proxy, error) {
	host, _, err := net.SplitHostPort(target)
	if err != nil {
		return nil, fmt.Errorf("fault proxy: target %q: %w", target, err)
	}
	listen := "127.0.0.1:0"
	if ip := net.ParseIP(host); ip != nil && ip.To4() == nil {
		listen = "[::1]:0"
	}
	ln, err := net.Listen("tcp", listen)
	if err != nil {
		return nil, fmt.Errorf("fault proxy: %w", err)
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	p := &Proxy{ln: ln, target: target, plan: Forward, conns: map[net.Conn]struct{}{}, log: log}
	p.stop, p.cancel = context.WithCancel(context.Background())
	p.wg.Add(1)
	go p.accept()
	// Not a goroutine waiting on ctx: it would outlive a proxy closed before ctx ends.
	p.stopWatch = context.AfterFunc(ctx, func() { p.Close() })
	return p, nil
}

// Addr is the address clients dial instead of the target.
func (p *Proxy) Addr() string { return p.ln.Addr().String() }

// SetPlan sets what the proxy does to the connections accepted from now on.
func (p *Proxy) SetPlan(pl Plan) {
	p.mu.Lock()
	p.plan = pl
	p.mu.Unlock()
}

// Captures returns the captures of every connection so far, in accept order.
func (p *Proxy) Captures() []*Capture {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]*Capture(nil), p.captures...)
}

// Close stops listening, cuts every connection and waits for the proxy's goroutines.
func (p *Proxy) Close() error {
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		return nil
	}
	p.closed = true
	p.cancel()
	for c := range p.conns {
		c.Close()
	}
	p.mu.Unlock()
	p.stopWatch()
	err := p.ln.Close()
	p.wg.Wait()
	return err
}

// sleep waits d, or less when the proxy closes; it reports whether the proxy is still open.
func (p *Proxy) sleep(d time.Duration) bool {
	if d <= 0 {
		return p.stop.Err() == nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-p.stop.Done():
		return false
	}
}

func (p *Proxy) track(c net.Conn, add bool) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if add {
		if p.closed {
			return false
		}
		p.conns[c] = struct{}{}
	} else {
		delete(p.conns, c)
	}
	return true
}

func (p *Proxy) accept() {
	defer p.wg.Done()
	for {
		client, err := p.ln.Accept()
		if err != nil {
			return
		}
		p.mu.Lock()
		plan := p.plan
		capt := &Capture{done: make(chan struct{})}
		p.captures = append(p.captures, capt)
		p.mu.Unlock()
		p.wg.Add(1)
		go func() {
			defer p.wg.Done()
			defer close(capt.done)
			p.serve(client, plan, capt)
		}()
	}
}

func (p *Proxy) serve(client net.Conn, plan Plan, capt *Capture) {
	if !p.track(client, true) {
		client.Close()
		return
	}
	defer p.track(client, false)
	defer client.Close()
	// Close must not wait for a dial to a target that does not answer.
	dctx, cancel := context.WithTimeout(p.stop, 10*time.Second)
	var d net.Dialer
	server, err := d.DialContext(dctx, "tcp", p.target)
	cancel()
	if err != nil {
		p.log.Debug("fault proxy: dial", "target", p.target, "error", err)
		return
	}
	if !p.track(server, true) {
		server.Close()
		return
	}
	defer p.track(server, false)
	defer server.Close()

	abort := func() {
		for _, c := range []net.Conn{client, server} {
			if tc, ok := c.(*net.TCPConn); ok {
				_ = tc.SetLinger(0) // close with RST
			}
			c.Close()
		}
	}
	// cut acts on the fault at byte lim and reports whether the connection is over.
	cut := func(lim int64) bool {
		switch lim {
		case plan.ResetAfter:
			abort()
			return true
		case plan.CloseAfter:
			client.Close()
			server.Close()
			return true
		}
		return false // StallAfter: forward nothing more
	}
	// limitWithin returns the first limit the bytes up to off+n reach, -1 when none does:
	// a limit of exactly the bytes sent acts at once, not on the next byte (which may never
	// come: the client waits for an answer).
	limitWithin := func(off, n int64) int64 {
		first := int64(-1)
		for _, lim := range []int64{plan.ResetAfter, plan.CloseAfter, plan.StallAfter} {
			if lim >= 0 && lim <= off+n && (first < 0 || lim < first) {
				first = lim
			}
		}
		return first
	}

	var wg sync.WaitGroup
	defer wg.Wait()
	stalled := false
	if lim := limitWithin(0, 0); lim == 0 {
		if cut(lim) {
			return
		}
		stalled = true
	}
	wg.Add(1)
	go func() { // downstream: server to client, only delayed
		defer wg.Done()
		buf := make([]byte, 32<<10)
		for {
			n, err := server.Read(buf)
			if n > 0 {
				capt.mu.Lock()
				capt.downstream.Write(buf[:n])
				capt.mu.Unlock()
				if !p.sleep(plan.Delay) {
					return
				}
				if _, werr := client.Write(buf[:n]); werr != nil {
					server.Close()
					return
				}
			}
			if err != nil {
				if tc, ok := client.(*net.TCPConn); ok {
					_ = tc.CloseWrite()
				}
				return
			}
		}
	}()

	var off int64
	dup := &recordRepeater{want: plan.DuplicateRecord}
	buf := make([]byte, 32<<10)
	for {
		n, err := client.Read(buf)
		chunk := buf[:n]
		if n > 0 {
			capt.mu.Lock()
			capt.upstream.Write(chunk)
			capt.mu.Unlock()
		}
		if n > 0 && !stalled {
			if plan.FlipBitAt >= off && plan.FlipBitAt < off+int64(n) {
				chunk = bytes.Clone(chunk)
				chunk[plan.FlipBitAt-off] ^= 1
			}
			lim := limitWithin(off, int64(n))
			send := chunk
			if lim >= 0 {
				send = chunk[:lim-off]
			}
			if !p.sleep(plan.Delay) {
				return
			}
			send = dup.feed(send)
			if len(send) > 0 {
				if _, werr := server.Write(send); werr != nil {
					client.Close()
					return
				}
				if plan.Duplicate {
					if _, werr := server.Write(send); werr != nil {
						client.Close()
						return
					}
				}
			}
			off += int64(n)
			if lim >= 0 {
				if cut(lim) {
					return
				}
				stalled = true
			}
		}
		if err != nil {
			if !errors.Is(err, io.EOF) {
				// The client is gone (a reset, or the proxy closing): so is the server's peer.
				server.Close()
				return
			}
			if tc, ok := server.(*net.TCPConn); ok && !stalled {
				_ = tc.CloseWrite()
			}
			return
		}
	}
}

// recordRepeater follows the TLS record framing of one direction of a connection (a 5-byte
// header whose last two bytes are the payload length) and repeats one record right after
// it ends.
type recordRepeater struct {
	want int    // the record to repeat, counted from 1; 0 repeats none
	n    int    // records begun so far
	hdr  []byte // the header of the record begun next, as far as it came
	left int    // payload bytes of record n still to come
	cur  []byte // record want as far as it came
	done bool
}

// feed returns the bytes to forward in place of chunk: chunk, with the wanted record written
// again right after its last byte.
func (r *recordRepeater) feed(chunk []byte) []byte {
	if r.want <= 0 || r.done {
		return chunk
	}
	out := make([]byte, 0, len(chunk)+512)
	for i := 0; i < len(chunk); {
		var take int
		if r.left == 0 { // a header
			take = min(5-len(r.hdr), len(chunk)-i)
			r.hdr = append(r.hdr, chunk[i:i+take]...)
			if r.n+1 == r.want {
				r.cur = append(r.cur, chunk[i:i+take]...)
			}
			if len(r.hdr) == 5 {
				r.n++
				r.left = int(r.hdr[3])<<8 | int(r.hdr[4])
				r.hdr = r.hdr[:0]
			}
		} else {
			take = min(r.left, len(chunk)-i)
			if r.n == r.want {
				r.cur = append(r.cur, chunk[i:i+take]...)
			}
			r.left -= take
		}
		out = append(out, chunk[i:i+take]...)
		i += take
		if r.n == r.want && r.left == 0 && len(r.hdr) == 0 {
			r.done = true
			out = append(out, r.cur...)
			return append(out, chunk[i:]...)
		}
	}
	return out
}

// Replay opens a new connection to the target, writes data (bytes captured from an earlier
// connection) and returns what the target sent back before closing or before wait passed
// (or ctx ended). A reset is an answer too (the target refused the replay): what came
// before it is returned without an error.
func (p *Proxy) Replay(ctx context.Context, data []byte, wait time.Duration) ([]byte, error) {
	var d net.Dialer
	c, err := d.DialContext(ctx, "tcp", p.target)
	if err != nil {
		return nil, fmt.Errorf("replay: %w", err)
	}
	defer c.Close()
	stop := context.AfterFunc(ctx, func() { _ = c.SetDeadline(time.Now()) })
	defer stop()
	_ = c.SetDeadline(time.Now().Add(wait))
	if _, err := c.Write(data); err != nil {
		return nil, fmt.Errorf("replay: %w", err)
	}
	got, _ := io.ReadAll(c) // a close, a reset or the wait ends the answer alike
	return got, nil
}

package managerlab

import (
	"bufio"
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"sync"
	"time"

	"github.com/idmefcheck/idmefcheck/reference/manager"
	"github.com/idmefcheck/idmefcheck/reference/transport"
)

// Fake replaces the reference manager with a small server of a test's making: a known-bad
// manager that breaks a rule the reference manager's fault switches cannot reach.
type Fake struct {
	// Handler answers the ingest listeners; it may keep alerts with Lab.Record.
	Handler func(l *Lab) http.Handler
	// TLS adjusts the server's TLS configuration, a copy of the reference one.
	TLS func(l *Lab, c *tls.Config) error
	// Plain also serves plain-text HTTP on the same ports, told apart from TLS by the first
	// byte of each connection; H2C lets that plain-text server speak HTTP/2 too.
	Plain, H2C bool
}

// fakeServer runs a Fake.
type fakeServer struct {
	servers []*http.Server
	plain   []*http.Server
	raw     []net.Listener // listeners split by a sniffer, which no server closes
	wg      sync.WaitGroup
}

func (l *Lab) startFake(lns []net.Listener, api net.Listener) error {
	api.Close() // fakes have no operator API
	f := l.opts.Fake
	cfg := transport.ServerConfig(l.cfg.Certificate, transport.Policy{Roots: l.cfg.ClientCAs, Allow: l.cfg.Allow}, transport.ServerOptions{})
	if f.TLS != nil {
		if err := f.TLS(l, cfg); err != nil {
			return err
		}
	}
	h := f.Handler(l)
	fs := &fakeServer{}
	for _, ln := range lns {
		srv := &http.Server{Handler: h, TLSConfig: cfg.Clone(), ReadHeaderTimeout: 5 * time.Second}
		fs.servers = append(fs.servers, srv)
		tlsLn := ln
		if f.Plain {
			mux := newSniffer(ln)
			fs.raw = append(fs.raw, ln)
			tlsLn = mux.tls
			plain := &http.Server{Handler: h, ReadHeaderTimeout: 5 * time.Second}
			if f.H2C {
				plain.Protocols = new(http.Protocols)
				plain.Protocols.SetHTTP1(true)
				plain.Protocols.SetUnencryptedHTTP2(true)
			}
			fs.plain = append(fs.plain, plain)
			fs.wg.Add(2)
			go func() { defer fs.wg.Done(); mux.run() }()
			go func() { defer fs.wg.Done(); _ = plain.Serve(mux.plain) }()
		}
		fs.wg.Add(1)
		go func() {
			defer fs.wg.Done()
			_ = srv.ServeTLS(tlsLn, "", "")
		}()
	}
	l.mu.Lock()
	l.fake = fs
	l.mu.Unlock()
	return nil
}

func (fs *fakeServer) shutdown(ctx context.Context) error {
	var errs []error
	for _, s := range append(fs.servers, fs.plain...) {
		errs = append(errs, s.Shutdown(ctx))
	}
	for _, ln := range fs.raw {
		ln.Close()
	}
	fs.wg.Wait()
	return errors.Join(errs...)
}

// AcceptAll is the handler of a fake that acknowledges every POST after keeping its body:
// everything a fake does not break, it leaves to the checks that catch it.
func AcceptAll(l *Lab) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			w.Header().Set("Allow", http.MethodPost)
			w.WriteHeader(http.StatusMethodNotAllowed)
			return
		}
		body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
		if err != nil {
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		if err := l.Record(r, body); err != nil {
			w.WriteHeader(http.StatusInternalServerError)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	})
}

// Record keeps an alert as a fake manager stores it: one line in the observation file, in
// the reference manager's envelope.
func (l *Lab) Record(r *http.Request, msg []byte) error {
	peer := "unverified"
	if p, err := transport.PeerOf(r.TLS); err == nil {
		peer = string(p.Identity)
	}
	var m struct {
		ID string `json:"ID"`
	}
	_ = json.Unmarshal(msg, &m)
	line, err := json.Marshal(manager.ObservedLine{Received: time.Now().UTC(), Analyzer: peer, Mode: "push", ID: m.ID, Message: string(msg)})
	if err != nil {
		return err
	}
	l.recMu.Lock()
	defer l.recMu.Unlock()
	f, err := os.OpenFile(l.cfg.ObserveFile, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		return fmt.Errorf("managerlab: %w", err)
	}
	_, werr := f.Write(append(line, '\n'))
	return errors.Join(werr, f.Close())
}

// sniffer splits one listener into TLS connections (first byte 0x16, a handshake record)
// and plain ones.
type sniffer struct {
	ln         net.Listener
	tls, plain *chanListener
}

func newSniffer(ln net.Listener) *sniffer {
	return &sniffer{ln: ln, tls: newChanListener(ln.Addr()), plain: newChanListener(ln.Addr())}
}

func (s *sniffer) run() {
	defer s.tls.Close()
	defer s.plain.Close()
	for {
		c, err := s.ln.Accept()
		if err != nil {
			return
		}
		go func() {
			br := bufio.NewReader(c)
			_ = c.SetReadDeadline(time.Now().Add(5 * time.Second))
			b, err := br.Peek(1)
			_ = c.SetReadDeadline(time.Time{})
			if err != nil {
				c.Close()
				return
			}
			pc := &peekedConn{Conn: c, r: br}
			if b[0] == 0x16 {
				s.tls.put(pc)
			} else {
				s.plain.put(pc)
			}
		}()
	}
}

type peekedConn struct {
	net.Conn
	r *bufio.Reader
}

func (p *peekedConn) Read(b []byte) (int, error) { return p.r.Read(b) }

type chanListener struct {
	addr   net.Addr
	ch     chan net.Conn
	done   chan struct{}
	closer sync.Once
}

func newChanListener(a net.Addr) *chanListener {
	return &chanListener{addr: a, ch: make(chan net.Conn), done: make(chan struct{})}
}

func (c *chanListener) put(conn net.Conn) {
	select {
	case c.ch <- conn:
	case <-c.done:
		conn.Close()
	}
}

func (c *chanListener) Accept() (net.Conn, error) {
	select {
	case conn := <-c.ch:
		return conn, nil
	case <-c.done:
		return nil, net.ErrClosed
	}
}

func (c *chanListener) Close() error {
	c.closer.Do(func() { close(c.done) })
	return nil
}

func (c *chanListener) Addr() net.Addr { return c.addr }

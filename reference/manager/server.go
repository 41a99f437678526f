package manager

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"sync"
	"time"

	"golang.org/x/net/netutil"
	"golang.org/x/time/rate"

	"github.com/idmefcheck/idmefcheck/reference/httpsig"
	"github.com/idmefcheck/idmefcheck/reference/transport"
)

// Server is a running reference manager. Build it with New, start it with Start, stop it with
// Shutdown. Its methods are safe for concurrent use.
type Server struct {
	cfg       Config
	lim       Limits
	log       *slog.Logger
	verifier  *httpsig.Verifier
	analyzers map[transport.Identity]Analyzer
	metrics   *metrics
	observer  *observer

	limMu    sync.Mutex
	limiters map[transport.Identity]*rate.Limiter

	mu      sync.Mutex
	servers []*http.Server
	addrs   []net.Addr
	apiAddr net.Addr
	cancel  context.CancelFunc
	wg      sync.WaitGroup // servers' Serve loops and pullers
}

// New checks cfg and builds a Server. Nothing listens until Start.
func New(cfg Config) (*Server, error) {
	if err := cfg.check(); err != nil {
		return nil, err
	}
	s := &Server{cfg: cfg, lim: cfg.Limits.withDefaults(), log: cfg.Logger, metrics: newMetrics(),
		analyzers: map[transport.Identity]Analyzer{}, limiters: map[transport.Identity]*rate.Limiter{}}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	keys := map[string]httpsig.Key{}
	for _, a := range cfg.Analyzers {
		id, _ := transport.ParseIdentity(string(a.Identity))
		a.Identity = id
		s.analyzers[id] = a
		if a.KeyID != "" {
			keys[a.KeyID] = httpsig.Key{KeyID: a.KeyID, Public: a.PublicKey, Identity: id}
		}
	}
	s.verifier = &httpsig.Verifier{Keys: keys, Window: cfg.SignatureWindow, Nonces: httpsig.NewNonceCache(s.lim.NonceCacheSize)}
	if cfg.ObserveFile != "" {
		f, err := os.OpenFile(cfg.ObserveFile, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
		if err != nil {
			return nil, fmt.Errorf("manager: observation file: %w", err)
		}
		s.observer = &observer{f: f}
	}
	return s, nil
}

// Start serves the ingest handler on each of ingest and, when api is not nil, the operator API
// on api, and starts pulling from every analyzer with a pull URL. The listeners are plain
// TCP listeners; the Server adds TLS. The Server owns them from now on.
func (s *Server) Start(ingest []net.Listener, api net.Listener) error {
	if len(ingest) == 0 {
		return errors.New("manager: no ingest listener")
	}
	if api != nil && s.cfg.Operators == nil {
		return errors.New("manager: the operator API needs an allow-list of operators")
	}
	ctx, cancel := context.WithCancel(context.Background())
	s.mu.Lock()
	s.cancel = cancel
	s.mu.Unlock()
	tlsOpts := transport.ServerOptions{AllowTLS12: s.cfg.Faults.AcceptTLS12, SkipClientVerification: s.cfg.Faults.SkipClientCertCheck}
	ingestTLS := transport.ServerConfig(s.cfg.Certificate, transport.Policy{Roots: s.cfg.ClientCAs, Allow: s.cfg.Allow}, tlsOpts)
	ingestTLS.KeyLogWriter = s.cfg.KeyLog
	for _, ln := range ingest {
		s.serve(ln, ingestTLS, s.ingestHandler(), "ingest")
	}
	if api != nil {
		operators := s.cfg.Operators
		if s.cfg.Faults.OpenOperatorAPI {
			operators = nil // any peer the CAs vouch for
		}
		apiTLS := transport.ServerConfig(s.cfg.Certificate, transport.Policy{Roots: s.cfg.ClientCAs, Allow: operators}, transport.ServerOptions{})
		apiTLS.KeyLogWriter = s.cfg.KeyLog
		s.serve(api, apiTLS, s.apiHandler(), "api")
		s.mu.Lock()
		s.apiAddr = api.Addr()
		s.mu.Unlock()
	}
	for _, a := range s.analyzers {
		if a.Pull != "" {
			p := s.newPuller(a)
			s.wg.Add(1)
			go func() {
				defer s.wg.Done()
				p.run(ctx)
			}()
		}
	}
	return nil
}

func (s *Server) serve(ln net.Listener, cfg *tls.Config, h http.Handler, name string) {
	protocols := new(http.Protocols)
	protocols.SetHTTP1(true)
	protocols.SetHTTP2(true) // over TLS only: UnencryptedHTTP2 (h2c) stays off
	srv := &http.Server{
		Handler:           h,
		TLSConfig:         cfg.Clone(), // ServeTLS configures HTTP/2 on it in place: one per server
		ReadHeaderTimeout: s.lim.HeaderTimeout,
		WriteTimeout:      s.lim.WriteTimeout,
		IdleTimeout:       s.lim.IdleTimeout,
		MaxHeaderBytes:    64 << 10,
		Protocols:         protocols,
		HTTP2:             &http.HTTP2Config{MaxConcurrentStreams: s.lim.MaxStreams, MaxReadFrameSize: 1 << 20},
		ErrorLog:          slog.NewLogLogger(s.log.Handler().WithAttrs([]slog.Attr{slog.String("listener", name)}), slog.LevelDebug),
	}
	limited := netutil.LimitListener(ln, s.lim.MaxConns)
	s.mu.Lock()
	s.servers = append(s.servers, srv)
	if name == "ingest" {
		s.addrs = append(s.addrs, ln.Addr())
	}
	s.mu.Unlock()
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		err := srv.ServeTLS(limited, "", "")
		if err != nil && !errors.Is(err, http.ErrServerClosed) {
			s.log.Error("listener stopped", "listener", name, "addr", ln.Addr().String(), "error", err)
		}
	}()
	s.log.Info("listening", "listener", name, "addr", ln.Addr().String())
}

// Addrs returns the ingest listeners' addresses.
func (s *Server) Addrs() []net.Addr {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]net.Addr(nil), s.addrs...)
}

// APIAddr returns the operator API's address, nil when it does not listen.
func (s *Server) APIAddr() net.Addr {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.apiAddr
}

// Shutdown stops accepting connections and pulling, waits for the requests in flight to finish
// (their alerts committed and answered) or for ctx to end, and closes the observation file.
// The store stays open: its owner closes it after Shutdown returns.
func (s *Server) Shutdown(ctx context.Context) error {
	s.mu.Lock()
	servers := s.servers
	cancel := s.cancel
	s.mu.Unlock()
	if cancel != nil {
		cancel()
	}
	var errs []error
	var wg sync.WaitGroup
	var emu sync.Mutex
	for _, srv := range servers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := srv.Shutdown(ctx); err != nil {
				emu.Lock()
				errs = append(errs, err)
				emu.Unlock()
				_ = srv.Close()
			}
		}()
	}
	wg.Wait()
	done := make(chan struct{})
	go func() {
		s.wg.Wait()
		close(done)
	}()
	select {
	case <-done:
	case <-ctx.Done():
		errs = append(errs, fmt.Errorf("waiting for listeners and pullers: %w", ctx.Err()))
	}
	if s.observer != nil {
		errs = append(errs, s.observer.close())
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("manager: shutdown: %w", err)
	}
	s.log.Info("stopped")
	return nil
}

// limiter returns the token bucket of a peer.
func (s *Server) limiter(id transport.Identity) *rate.Limiter {
	s.limMu.Lock()
	defer s.limMu.Unlock()
	l, ok := s.limiters[id]
	if !ok {
		l = rate.NewLimiter(rate.Limit(s.lim.Rate), s.lim.Burst)
		s.limiters[id] = l
	}
	return l
}

// retryAfter is the whole number of seconds, at least 1, after which a token will be there.
func retryAfter(l *rate.Limiter, now time.Time) int {
	r := l.ReserveN(now, 1)
	d := r.DelayFrom(now)
	r.CancelAt(now)
	secs := int((d + time.Second - 1) / time.Second)
	return max(secs, 1)
}

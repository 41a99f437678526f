package analyzer

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/idmefcheck/idmefcheck/reference/httpsig"
	"github.com/idmefcheck/idmefcheck/reference/transport"
)

// CursorHeader carries, on a 200 pull response, the cursor that acknowledges the message in
// it (docs/profile.md section 9.2; the manager's side calls it manager.CursorHeader).
const CursorHeader = "IDMEF-Cursor"

// A cursor is the spool's epoch and an entry's sequence number, "<epoch>.<seq>": opaque to the
// manager, and recognisable as foreign when the spool was lost and recreated (410).
func (a *Analyzer) cursor(seq int64) string {
	return a.cfg.Spool.Epoch() + "." + strconv.FormatInt(seq, 10)
}

// errUnknownCursor: the cursor is malformed, from another spool, or beyond anything issued.
var errUnknownCursor = errors.New("unknown cursor")

func (a *Analyzer) parseCursor(ctx context.Context, c string) (int64, error) {
	if c == "" {
		return 0, nil
	}
	epoch, num, ok := strings.Cut(c, ".")
	seq, err := strconv.ParseInt(num, 10, 64)
	if !ok || err != nil || seq < 0 || epoch != a.cfg.Spool.Epoch() {
		return 0, errUnknownCursor
	}
	last, err := a.cfg.Spool.LastSeq(ctx)
	if err != nil {
		return 0, err
	}
	if seq > last {
		return 0, errUnknownCursor
	}
	return seq, nil
}

func (a *Analyzer) newPullServer(ctx context.Context) *http.Server {
	c := a.cfg
	tlsCfg := transport.ServerConfig(c.Certificate, transport.Policy{Roots: c.Roots, Allow: c.Managers}, transport.ServerOptions{AllowTLS12: c.Faults.AcceptTLS12})
	tlsCfg.KeyLogWriter = c.KeyLog
	protocols := new(http.Protocols)
	protocols.SetHTTP1(true)
	protocols.SetHTTP2(true) // over TLS only
	var verifier *httpsig.Verifier
	if c.Manager != nil {
		verifier = &httpsig.Verifier{Keys: map[string]httpsig.Key{c.Manager.KeyID: *c.Manager}, Nonces: httpsig.NewNonceCache(1 << 16)}
	}
	return &http.Server{
		Handler:           &pullHandler{a: a, verifier: verifier},
		TLSConfig:         tlsCfg,
		ReadHeaderTimeout: 5 * time.Second,
		WriteTimeout:      c.Pull.MaxWait + 30*time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
		Protocols:         protocols,
		// Long polls end when the analyzer stops: the manager simply asks again later.
		BaseContext: func(net.Listener) context.Context { return ctx },
		ErrorLog:    slog.NewLogLogger(a.log.Handler().WithAttrs([]slog.Attr{slog.String("listener", "pull")}), slog.LevelDebug),
	}
}

func (a *Analyzer) servePull(ctx context.Context, srv *http.Server, ln net.Listener, grace time.Duration) error {
	a.log.Info("listening", "listener", "pull", "addr", ln.Addr().String(), "path", a.cfg.Pull.Path)
	done := make(chan error, 1)
	go func() { done <- srv.ServeTLS(ln, "", "") }()
	select {
	case err := <-done:
		if !errors.Is(err, http.ErrServerClosed) {
			return fmt.Errorf("analyzer: pull listener %s: %w", ln.Addr(), err)
		}
		return nil
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), grace)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		_ = srv.Close()
	}
	<-done
	return nil
}

// pullHandler serves the spool to pulling managers (docs/profile.md section 9).
type pullHandler struct {
	a        *Analyzer
	verifier *httpsig.Verifier
}

func (h *pullHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	a := h.a
	c := a.cfg
	peer, err := transport.PeerOf(r.TLS)
	if err != nil {
		h.fail(w, r, http.StatusForbidden, "unauthenticated", "no authenticated peer certificate")
		return
	}
	log := a.log.With("peer", peer.Identity, "remote", r.RemoteAddr)
	if r.URL.Path != c.Pull.Path {
		h.fail(w, r, http.StatusNotFound, "not-found", "alerts are served at "+c.Pull.Path)
		return
	}
	if r.Method != http.MethodGet {
		w.Header().Set("Allow", http.MethodGet)
		h.fail(w, r, http.StatusMethodNotAllowed, "method", "pull requests use GET")
		return
	}
	switch {
	case httpsig.Signed(r.Header) && h.verifier != nil:
		if _, err := h.verifier.VerifyRequest(r, nil, peer.Identity); err != nil {
			log.Warn("pull request refused", "reason", "signature", "error", err)
			h.fail(w, r, http.StatusForbidden, "signature", err.Error())
			return
		}
	case c.Pull.RequireSignature:
		log.Warn("pull request refused", "reason", "signature-required")
		h.fail(w, r, http.StatusForbidden, "signature-required", "pull requests must be signed with the manager's key")
		return
	}
	q := r.URL.Query()
	after, err := a.parseCursor(r.Context(), q.Get("cursor"))
	if errors.Is(err, errUnknownCursor) {
		log.Warn("pull cursor unknown: the manager starts again from the oldest alert", "cursor", q.Get("cursor"))
		h.fail(w, r, http.StatusGone, "cursor", "this analyzer does not know cursor "+strconv.Quote(q.Get("cursor")))
		return
	}
	if err != nil {
		h.fail(w, r, http.StatusInternalServerError, "spool", err.Error())
		return
	}
	if after > 0 {
		// The cursor acknowledges everything up to it (docs/profile.md section 9.1).
		n0, _ := c.Spool.Len()
		if err := c.Spool.AckThrough(r.Context(), after); err != nil {
			h.fail(w, r, http.StatusInternalServerError, "spool", err.Error())
			return
		}
		n1, _ := c.Spool.Len()
		a.stats.delivered.Add(int64(n0 - n1))
	}
	wait := 0
	if s := q.Get("wait"); s != "" {
		if n, err := strconv.Atoi(s); err == nil && n > 0 {
			wait = n
		}
	}
	es, err := c.Spool.After(r.Context(), after, 1)
	if err == nil && len(es) == 0 && wait > 0 {
		wctx, cancel := context.WithTimeout(r.Context(), min(time.Duration(wait)*time.Second, c.Pull.MaxWait))
		if c.Spool.Wait(wctx, after) == nil {
			es, err = c.Spool.After(r.Context(), after, 1)
		}
		cancel()
	}
	if err != nil {
		h.fail(w, r, http.StatusInternalServerError, "spool", err.Error())
		return
	}
	if len(es) == 0 {
		h.answer(w, r, http.StatusNoContent, nil)
		return
	}
	e := es[0]
	w.Header().Set("Content-Type", MediaType)
	w.Header().Set(CursorHeader, a.cursor(e.Seq))
	log.Debug("alert pulled", "id", e.ID, "seq", e.Seq)
	h.answer(w, r, http.StatusOK, e.Data, CursorHeader)
}

// answer signs and writes a response.
func (h *pullHandler) answer(w http.ResponseWriter, r *http.Request, status int, body []byte, extra ...string) {
	if s := h.a.cfg.Signer; s != nil && !h.a.cfg.Faults.Unsigned {
		// Bound to the manager's request signature whenever there is one, verified or not:
		// the manager verifies the binding (docs/profile.md section 9.2).
		if err := s.SignResponse(w.Header(), status, body, r, httpsig.Signed(r.Header), extra...); err != nil {
			h.a.log.Error("signing a pull response", "error", err)
		}
	}
	if len(body) > 0 {
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	}
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

func (h *pullHandler) fail(w http.ResponseWriter, r *http.Request, status int, reason, msg string) {
	body, _ := json.Marshal(map[string]string{"error": msg, "reason": reason})
	w.Header().Set("Content-Type", MediaType)
	h.answer(w, r, status, body)
}

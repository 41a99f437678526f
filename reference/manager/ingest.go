package manager

import (
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/idmefcheck/idmefcheck/reference/httpsig"
	"github.com/idmefcheck/idmefcheck/reference/store"
	"github.com/idmefcheck/idmefcheck/reference/transport"
	"github.com/idmefcheck/idmefcheck/reference/validator"
)

// Problem is the JSON body of every error response of the ingest listeners.
type Problem struct {
	Error        string              `json:"error"`
	Reason       string              `json:"reason"` // a stable word for programs: invalid, conflict, ...
	Alternatives []string            `json:"alternatives,omitempty"`
	Findings     []validator.Finding `json:"findings,omitempty"`
	// Omitted counts the findings left out of Findings to keep the answer small
	// (boundFindings).
	Omitted int `json:"findings_omitted,omitempty"`
}

// exchange is one request being answered.
type exchange struct {
	s        *Server
	w        http.ResponseWriter
	r        *http.Request
	peer     transport.Peer
	sig      *httpsig.Evidence // the verified request signature, nil when none
	start    time.Time
	outcome  string
	analyzer Analyzer
}

func (s *Server) ingestHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		x := &exchange{s: s, w: w, r: r, start: time.Now()}
		x.serve()
	})
}

func (x *exchange) serve() {
	s, r := x.s, x.r
	peer, err := transport.PeerOf(r.TLS)
	if err != nil { // cannot happen with the TLS configuration; refuse rather than guess
		x.fail(http.StatusForbidden, "unauthenticated", "no authenticated peer certificate", nil)
		return
	}
	x.peer = peer
	x.analyzer = s.analyzers[peer.Identity]

	// Cheap checks first: nothing below reads the body until the peer has passed them.
	if r.Method != http.MethodPost {
		if s.cfg.Faults.No405 {
			x.fail(http.StatusNotFound, "not-found", "nothing here", nil)
			return
		}
		x.w.Header().Set("Allow", http.MethodPost)
		x.fail(http.StatusMethodNotAllowed, "method", fmt.Sprintf("method %s is not allowed: IDMEFv2 messages are sent with POST", r.Method), nil)
		return
	}
	if l := s.limiter(peer.Identity); !l.Allow() {
		x.w.Header().Set("Retry-After", strconv.Itoa(retryAfter(l, time.Now())))
		x.fail(http.StatusTooManyRequests, "rate-limited", fmt.Sprintf("more than %g alerts/s (burst %d) from %s", s.lim.Rate, s.lim.Burst, peer.Identity), nil)
		return
	}
	if !acceptsJSON(r.Header.Values("Accept")) {
		x.failAlt(http.StatusNotAcceptable, "not-acceptable", fmt.Sprintf("cannot reply using %q", strings.Join(r.Header.Values("Accept"), ", ")))
		return
	}
	if ct := r.Header.Get("Content-Type"); !contentTypeOK(ct) {
		x.failAlt(http.StatusUnsupportedMediaType, "media-type", fmt.Sprintf("unsupported or unrecognized serialization format %q", ct))
		return
	}
	if r.ContentLength > s.lim.MaxBody {
		x.fail(http.StatusRequestEntityTooLarge, "too-large", fmt.Sprintf("the message is %d bytes, more than the limit of %d", r.ContentLength, s.lim.MaxBody), nil)
		return
	}
	body, status, err := x.readBody()
	if err != nil {
		x.fail(status, "body", err.Error(), nil)
		return
	}

	// Application-layer authentication (profile): verify whenever signed, require when told.
	if err := x.checkSignature(body); err != nil {
		return
	}

	if !s.cfg.Faults.SkipValidation {
		res := s.cfg.Validator.Validate(body)
		if !res.Valid {
			s.metrics.count("alerts_invalid")
			status := http.StatusBadRequest
			if s.cfg.Faults.ServerErrorOnInvalid {
				status = http.StatusInternalServerError
			}
			x.fail(status, "invalid", "the message is not a valid IDMEFv2 alert", res.Findings)
			return
		}
	}
	id, fields, err := extract(body)
	if err != nil || id == "" {
		x.fail(http.StatusBadRequest, "invalid", "the message has no string ID", nil)
		return
	}
	rec := &store.Record{
		Analyzer: string(peer.Identity), ID: id, Raw: body, Digest: sha256.Sum256(body), Received: x.start.UTC(), Fields: fields,
		Evidence: store.Evidence{Mode: "push", PeerIdentity: string(peer.Identity), PeerFingerprint: peer.Fingerprint,
			PeerCertificate: peer.Certificate.Raw, RemoteAddr: r.RemoteAddr, Protocol: r.Proto, Target: r.URL.RequestURI(),
			ContentType: r.Header.Get("Content-Type"), Signature: x.sig},
		AllowDuplicate: s.cfg.Faults.SkipDedup,
	}
	if s.cfg.Faults.AcceptWithoutCommit {
		x.outcome = "accepted-uncommitted"
		x.ok()
		return
	}
	res, err := s.cfg.Store.Put(r.Context(), rec)
	switch {
	case errors.Is(err, store.ErrClosed):
		x.w.Header().Set("Retry-After", "5")
		x.fail(http.StatusServiceUnavailable, "shutting-down", "the manager is shutting down; retry", nil)
		return
	case err != nil:
		s.log.Error("store failed", "analyzer", peer.Identity, "id", id, "error", err)
		x.fail(http.StatusInternalServerError, "store", "the alert could not be stored; retry", nil)
		return
	}
	switch res.Outcome {
	case store.Stored:
		s.metrics.count("alerts_stored")
		s.observe(rec)
		x.outcome = "stored"
		x.ok()
	case store.Duplicate:
		s.metrics.count("alerts_duplicate")
		x.outcome = "duplicate"
		x.ok()
	default:
		s.metrics.count("alerts_conflict")
		x.fail(http.StatusConflict, "conflict", fmt.Sprintf("alert ID %q from %s was already stored with other content", id, peer.Identity), nil)
	}
}

// readBody reads the request content within the body deadline and size limit.
func (x *exchange) readBody() ([]byte, int, error) {
	lim := x.s.lim
	rc := http.NewResponseController(x.w)
	// Both HTTP/1.1 and HTTP/2 support it; net/http sets the next request's deadlines itself.
	_ = rc.SetReadDeadline(time.Now().Add(lim.BodyTimeout))
	capHint := x.r.ContentLength
	if capHint <= 0 || capHint > lim.MaxBody {
		capHint = 4096
	}
	buf := bytes.NewBuffer(make([]byte, 0, capHint))
	_, err := buf.ReadFrom(http.MaxBytesReader(x.w, x.r.Body, lim.MaxBody))
	var tooLarge *http.MaxBytesError
	if err == nil {
		return buf.Bytes(), 0, nil
	}
	if x.r.ProtoMajor == 1 {
		// The rest of the body will not be read: close the connection after the answer,
		// or net/http would try to drain the body first and wait on the slow client.
		x.w.Header().Set("Connection", "close")
	}
	switch {
	case errors.As(err, &tooLarge):
		return nil, http.StatusRequestEntityTooLarge, fmt.Errorf("the message is more than the limit of %d bytes", lim.MaxBody)
	case errors.Is(err, os.ErrDeadlineExceeded):
		return nil, http.StatusRequestTimeout, fmt.Errorf("the message was not received within %s", lim.BodyTimeout)
	}
	return nil, http.StatusBadRequest, fmt.Errorf("reading the message: %v", err)
}

// checkSignature applies the profile's signature rules; on refusal it answers and returns an
// error.
func (x *exchange) checkSignature(body []byte) error {
	s, r := x.s, x.r
	// VerifyRequest says ErrUnsigned exactly when Signed is false; asking it directly saves
	// parsing Signature-Input twice (3.5 µs and 46 allocations per signed alert).
	var ev *httpsig.Evidence
	var err error
	signed := true
	if s.cfg.Faults.SkipSignatureCheck {
		signed = httpsig.Signed(r.Header)
	} else {
		ev, err = s.verifier.VerifyRequest(r, body, x.peer.Identity)
		signed = !errors.Is(err, httpsig.ErrUnsigned)
	}
	required := s.cfg.RequireSignatures || x.analyzer.RequireSignature
	if !signed {
		if cd := r.Header.Values("Content-Digest"); len(cd) > 0 {
			if err := httpsig.CheckContentDigest(cd, body); err != nil {
				x.fail(http.StatusBadRequest, "digest", err.Error(), nil)
				return err
			}
		}
		if required {
			x.w.Header().Set("Accept-Signature", fmt.Sprintf(`%s=("@method" "@target-uri" "content-digest" "content-type");alg=%q;tag=%q`, httpsig.Label, httpsig.Alg, httpsig.RequestTag))
			x.fail(http.StatusForbidden, "signature-required", "this manager requires an HTTP message signature (RFC 9421) labelled "+httpsig.Label, nil)
			return httpsig.ErrUnsigned
		}
		return nil
	}
	if s.cfg.Faults.SkipSignatureCheck {
		return nil
	}
	if err == nil {
		s.metrics.count("signatures_verified")
		x.sig = ev
		return nil
	}
	s.metrics.count("signatures_refused")
	switch {
	case errors.Is(err, httpsig.ErrNonceCacheFull):
		x.w.Header().Set("Retry-After", "1")
		x.fail(http.StatusServiceUnavailable, "busy", "too many signatures to remember; retry", nil)
	case errors.Is(err, httpsig.ErrDigest):
		x.fail(http.StatusBadRequest, "digest", err.Error(), nil)
	default:
		x.fail(http.StatusForbidden, signatureReason(err), err.Error(), nil)
	}
	return err
}

func signatureReason(err error) string {
	for _, c := range []struct {
		err    error
		reason string
	}{
		{httpsig.ErrReplay, "signature-replayed"}, {httpsig.ErrStale, "signature-stale"},
		{httpsig.ErrUnknownKey, "signature-unknown-key"}, {httpsig.ErrWrongPeer, "signature-wrong-peer"},
		{httpsig.ErrComponents, "signature-components"}, {httpsig.ErrParams, "signature-parameters"},
	} {
		if errors.Is(err, c.err) {
			return c.reason
		}
	}
	return "signature-invalid"
}

// ok answers 204 No Content, the same for a first delivery and its repeats.
func (x *exchange) ok() {
	x.finish(http.StatusNoContent, nil)
}

func (x *exchange) fail(status int, reason, msg string, findings []validator.Finding) {
	x.outcome = reason
	p := Problem{Error: msg, Reason: reason}
	p.Findings, p.Omitted = boundFindings(findings, max(minFindingsBudget, int(x.r.ContentLength)))
	if x.s.cfg.Faults.TerseErrors {
		p.Error, p.Findings, p.Omitted = "", nil, 0
	}
	body, _ := json.Marshal(p)
	x.finish(status, append(body, '\n'))
}

// minFindingsBudget is the least room findings get in an error answer, in bytes of JSON.
const minFindingsBudget = 2 << 10

// boundFindings keeps the first finding, then the following ones while their JSON fits in
// budget bytes, and counts the rest: a small message with many faults must not draw an
// answer many times its size (the answer would amplify the request, SECOPS-6-3). The budget
// is the request's length, or minFindingsBudget when that is less.
func boundFindings(fs []validator.Finding, budget int) (kept []validator.Finding, omitted int) {
	used := 0
	for i, f := range fs {
		b, _ := json.Marshal(f)
		if i > 0 && used+len(b)+1 > budget {
			return fs[:i], len(fs) - i
		}
		used += len(b) + 1
	}
	return fs, 0
}

// failAlt answers a media-type failure with the alternatives, as the draft's Appendix B does.
func (x *exchange) failAlt(status int, reason, msg string) {
	x.outcome = reason
	body, _ := json.Marshal(Problem{Error: msg, Reason: reason, Alternatives: []string{MediaType}})
	x.finish(status, append(body, '\n'))
}

func (x *exchange) finish(status int, body []byte) {
	h := x.w.Header()
	if x.s.cfg.Faults.VerboseErrors && status >= 400 {
		body = verboseError(body, x.r)
	}
	if len(body) > 0 {
		h.Set("Content-Type", MediaType)
		h.Set("Content-Length", strconv.Itoa(len(body)))
	}
	if x.s.cfg.Signer != nil {
		if err := x.s.cfg.Signer.SignResponse(h, status, body, x.r, x.sig != nil); err != nil {
			x.s.log.Error("signing a response", "error", err)
		}
	}
	x.w.WriteHeader(status)
	if len(body) > 0 {
		_, _ = x.w.Write(body)
	}
	x.s.metrics.response(status, time.Since(x.start))
	level := slog.LevelDebug
	if status >= 400 {
		level = slog.LevelInfo
	}
	if status >= 500 {
		level = slog.LevelWarn
	}
	x.s.log.Log(x.r.Context(), level, "alert request", "peer", x.peer.Identity, "remote", x.r.RemoteAddr, "proto", x.r.Proto,
		"method", x.r.Method, "target", x.r.URL.RequestURI(), "status", status, "outcome", x.outcome,
		"signed", x.sig != nil, "duration_ms", float64(time.Since(x.start).Microseconds())/1000)
}

// DecodeProblem reads an error response body.
func DecodeProblem(r io.Reader) (Problem, error) {
	var p Problem
	err := json.NewDecoder(r).Decode(&p)
	return p, err
}

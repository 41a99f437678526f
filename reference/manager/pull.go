package manager

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"time"

	"github.com/idmefcheck/idmefcheck/reference/httpsig"
	"github.com/idmefcheck/idmefcheck/reference/store"
	"github.com/idmefcheck/idmefcheck/reference/transport"
)

// Pull protocol names (docs/profile.md, "Pull mode").
const (
	// CursorHeader carries, on a 200 pull response, the cursor that acknowledges the message
	// in it.
	CursorHeader = "IDMEF-Cursor"
)

// cursorRE is what a cursor may look like: opaque, URL-safe, at most 256 characters.
var cursorRE = regexp.MustCompile(`^[A-Za-z0-9._~-]{1,256}$`)

// puller fetches one analyzer's alerts.
type puller struct {
	s        *Server
	a        Analyzer
	url      *url.URL
	client   *http.Client
	verifier *httpsig.Verifier
	required bool
}

func (s *Server) newPuller(a Analyzer) *puller {
	u, err := url.Parse(a.Pull)
	if err != nil || u.Scheme != "https" || u.Host == "" {
		u = nil
	}
	p := &puller{s: s, a: a, url: u, required: s.cfg.RequireSignatures || a.RequireSignature}
	if u != nil {
		tlsCfg := transport.ClientConfig(s.cfg.Certificate, transport.Policy{Roots: s.cfg.ClientCAs, Allow: transport.NewAllowList(a.Identity)}, u.Hostname())
		tlsCfg.KeyLogWriter = s.cfg.KeyLog
		p.client = &http.Client{Transport: &http.Transport{
			TLSClientConfig:       tlsCfg,
			ForceAttemptHTTP2:     true,
			TLSHandshakeTimeout:   s.lim.HeaderTimeout,
			ResponseHeaderTimeout: s.lim.PullWait + s.lim.HeaderTimeout,
			IdleConnTimeout:       s.lim.IdleTimeout,
		}}
	}
	keys := map[string]httpsig.Key{}
	if a.KeyID != "" {
		keys[a.KeyID] = httpsig.Key{KeyID: a.KeyID, Public: a.PublicKey, Identity: a.Identity}
	}
	p.verifier = &httpsig.Verifier{Keys: keys, Window: s.cfg.SignatureWindow}
	return p
}

func (p *puller) run(ctx context.Context) {
	log := p.s.log.With("analyzer", p.a.Identity, "pull", p.a.Pull)
	if p.url == nil {
		log.Error("pull URL is not an https URL; not pulling")
		return
	}
	defer p.client.CloseIdleConnections()
	log.Info("pulling")
	backoff := time.Second
	for ctx.Err() == nil {
		err := p.once(ctx)
		if err == nil {
			backoff = time.Second
			continue
		}
		if ctx.Err() != nil {
			return
		}
		p.s.metrics.count("pull_errors")
		log.Warn("pull failed", "error", err, "retry_in", backoff.String())
		t := time.NewTimer(backoff)
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-t.C:
		}
		backoff = min(2*backoff, time.Minute)
	}
}

// once makes one pull request and commits what it returns.
func (p *puller) once(ctx context.Context) error {
	s := p.s
	cursor, err := s.cfg.Store.Cursor(ctx, p.a.Pull)
	if err != nil {
		return err
	}
	u := *p.url
	q := u.Query()
	q.Del("cursor")
	if cursor != "" {
		q.Set("cursor", cursor)
	}
	q.Set("wait", strconv.Itoa(int(s.lim.PullWait/time.Second)))
	u.RawQuery = q.Encode()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return fmt.Errorf("manager: pull %s: %w", u.String(), err)
	}
	req.Header.Set("Accept", MediaType)
	if s.cfg.Signer != nil {
		if err := s.cfg.Signer.SignRequest(req, nil); err != nil {
			return err
		}
	}
	res, err := p.client.Do(req)
	if err != nil {
		return fmt.Errorf("manager: pull %s: %w", u.String(), err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(io.LimitReader(res.Body, s.lim.MaxBody+1))
	if err != nil {
		return fmt.Errorf("manager: pull %s: reading the response: %w", u.String(), err)
	}
	switch res.StatusCode {
	case http.StatusNoContent:
		return nil
	case http.StatusGone:
		s.log.Warn("the analyzer no longer knows our cursor; starting again from its oldest alert (repeats are deduplicated)", "analyzer", p.a.Identity, "cursor", cursor)
		return s.cfg.Store.SetCursor(ctx, store.Cursor{Source: p.a.Pull, Value: ""})
	case http.StatusOK:
	default:
		return fmt.Errorf("manager: pull %s: status %d", u.String(), res.StatusCode)
	}
	if int64(len(body)) > s.lim.MaxBody {
		return fmt.Errorf("manager: pull %s: the message is more than %d bytes", u.String(), s.lim.MaxBody)
	}
	next := res.Header.Get(CursorHeader)
	if !cursorRE.MatchString(next) {
		return fmt.Errorf("manager: pull %s: missing or malformed %s %q", u.String(), CursorHeader, next)
	}
	var sig *httpsig.Evidence
	if httpsig.Signed(res.Header) {
		res.Body = io.NopCloser(bytes.NewReader(body))
		sig, err = p.verifier.VerifyResponse(res, body, req, CursorHeader)
		if err != nil {
			return fmt.Errorf("manager: pull %s: %w", u.String(), err)
		}
	} else if p.required {
		return fmt.Errorf("manager: pull %s: the response is not signed and %s must sign", u.String(), p.a.Identity)
	}
	refuse := func(why string) error {
		s.log.Warn("pulled message refused", "analyzer", p.a.Identity, "cursor", next, "reason", why)
		return s.cfg.Store.SetCursor(ctx, store.Cursor{Source: p.a.Pull, Value: next})
	}
	if !contentTypeOK(res.Header.Get("Content-Type")) {
		return refuse("unsupported media type " + res.Header.Get("Content-Type"))
	}
	if !s.cfg.Faults.SkipValidation {
		if v := s.cfg.Validator.Validate(body); !v.Valid {
			s.metrics.count("alerts_invalid")
			return refuse(fmt.Sprintf("invalid IDMEFv2 (%d findings)", len(v.Findings)))
		}
	}
	id, fields, err := extract(body)
	if err != nil || id == "" {
		return refuse("no string ID")
	}
	var peerCert []byte
	var fp string
	if res.TLS != nil && len(res.TLS.PeerCertificates) > 0 {
		peerCert = res.TLS.PeerCertificates[0].Raw
		fp = transport.Fingerprint(res.TLS.PeerCertificates[0])
	}
	rec := &store.Record{Analyzer: string(p.a.Identity), ID: id, Raw: body, Digest: sha256.Sum256(body), Received: time.Now().UTC(), Fields: fields,
		Evidence: store.Evidence{Mode: "pull", PeerIdentity: string(p.a.Identity), PeerFingerprint: fp, PeerCertificate: peerCert,
			RemoteAddr: u.Host, Protocol: res.Proto, Target: u.String(), ContentType: res.Header.Get("Content-Type"), Signature: sig},
		Cursor:         &store.Cursor{Source: p.a.Pull, Value: next},
		AllowDuplicate: s.cfg.Faults.SkipDedup,
	}
	out, err := s.cfg.Store.Put(ctx, rec)
	if err != nil {
		if errors.Is(err, store.ErrClosed) {
			return nil
		}
		return err
	}
	switch out.Outcome {
	case store.Stored:
		s.metrics.count("alerts_pulled")
		s.metrics.count("alerts_stored")
		s.observe(rec)
	case store.Duplicate:
		s.metrics.count("alerts_duplicate")
	case store.Conflict:
		s.metrics.count("alerts_conflict")
		s.log.Warn("pulled alert conflicts with a stored one", "analyzer", p.a.Identity, "id", id)
	}
	return nil
}

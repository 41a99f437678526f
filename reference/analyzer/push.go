package analyzer

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"

	"github.com/idmefcheck/idmefcheck/reference/httpsig"
	"github.com/idmefcheck/idmefcheck/reference/spool"
	"github.com/idmefcheck/idmefcheck/reference/transport"
)

// MediaType is the only media type the reference profile sends and accepts.
const MediaType = "application/json"

// pusher delivers spooled alerts to one manager: Concurrency workers take entries in spool
// order, send each in a request of its own, and acknowledge it in the spool only after a 2xx
// (with a verified receipt when the manager's key is known). Failures that may pass close a
// gate shared by all workers for the backoff delay; then one request probes, and the others
// follow once it succeeds.
type pusher struct {
	a        *Analyzer
	url      string
	client   *http.Client
	verifier *httpsig.Verifier
	q        queue
	g        gate
}

func (a *Analyzer) newPusher() (*pusher, error) {
	c := a.cfg
	u, _ := url.Parse(c.Push.URL) // checked by Config.check
	name := c.Push.ServerName
	if name == "" {
		name = u.Hostname()
	}
	tlsCfg := transport.ClientConfig(c.Certificate, transport.Policy{Roots: c.Roots, Allow: c.Managers}, name)
	tlsCfg.KeyLogWriter = c.KeyLog
	if c.Faults.NoClientCert {
		tlsCfg.Certificates = nil
	}
	if c.Faults.AcceptTLS12 {
		tlsCfg.MinVersion = tls.VersionTLS12
	}
	if c.Faults.SkipServerIdentityCheck {
		tlsCfg.InsecureSkipVerify = true
		tlsCfg.VerifyConnection = nil
	}
	tr := &http.Transport{
		TLSClientConfig:     tlsCfg,
		ForceAttemptHTTP2:   !c.Push.HTTP1,
		MaxIdleConnsPerHost: c.Push.Concurrency,
		IdleConnTimeout:     90 * time.Second,
		TLSHandshakeTimeout: c.Push.Timeout,
	}
	if c.Push.HTTP1 {
		tlsCfg.NextProtos = []string{"http/1.1"}
	}
	p := &pusher{a: a, url: c.Push.URL,
		client: &http.Client{Transport: tr, Timeout: c.Push.Timeout,
			// A redirect is not an acknowledgement: never follow one.
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }},
		q: queue{sp: c.Spool},
		g: gate{min: c.Retry.Min, max: c.Retry.Max, changed: make(chan struct{})},
	}
	if c.Manager != nil {
		p.verifier = &httpsig.Verifier{Keys: map[string]httpsig.Key{c.Manager.KeyID: *c.Manager}}
	}
	return p, nil
}

// run delivers until ctx ends; requests in flight use reqCtx.
func (p *pusher) run(ctx, reqCtx context.Context) {
	defer p.client.CloseIdleConnections()
	var wg sync.WaitGroup
	for range p.a.cfg.Push.Concurrency {
		wg.Add(1)
		go func() {
			defer wg.Done()
			p.work(ctx, reqCtx)
		}()
	}
	wg.Wait()
}

func (p *pusher) work(ctx, reqCtx context.Context) {
	for {
		probe, err := p.g.wait(ctx)
		if err != nil {
			return
		}
		batch := 1
		if p.a.cfg.Faults.SeveralMessagesPerRequest {
			batch = 4
		}
		items, err := p.q.take(ctx, batch)
		if err != nil {
			if probe {
				p.g.release()
			}
			if ctx.Err() == nil {
				p.a.log.Error("reading the spool", "error", err)
			}
			return
		}
		if !probe && p.g.closed() {
			// The gate closed while this worker waited for work: the items wait too.
			for _, it := range items {
				p.q.putBack(it)
			}
			continue
		}
		p.deliver(reqCtx, items, probe)
	}
}

// outcome of one attempt.
type outcome struct {
	delivered  bool
	retry      bool          // the failure may pass: try again after a backoff
	retryAfter time.Duration // the manager's Retry-After, 0 when none
	why        string
}

func (p *pusher) deliver(ctx context.Context, items []*item, probe bool) {
	started := time.Now()
	o := p.attempt(ctx, items)
	ids := make([]string, len(items))
	for i, it := range items {
		ids[i] = it.e.ID
	}
	switch {
	case o.delivered:
		p.g.success(started)
		for _, it := range items {
			p.a.cfg.Spool.Ack(it.e.Seq)
		}
		p.a.stats.delivered.Add(int64(len(items)))
	case o.retry:
		if ctx.Err() != nil {
			o.why = "shutting down: " + o.why
		}
		delay := p.g.failure(probe, started, o.retryAfter, p.a.cfg.Faults.IgnoreRetryAfter)
		p.a.stats.retries.Add(int64(len(items)))
		p.a.log.Warn("alert not delivered, will retry", "ids", ids, "reason", o.why, "attempt", items[0].attempts, "backoff", delay.String())
		for _, it := range items {
			p.q.putBack(it)
		}
	default: // refused for good: dead letters
		if probe {
			p.g.release()
		}
		for _, it := range items {
			p.a.cfg.Spool.Ack(it.e.Seq)
		}
	}
}

// attempt sends items (one, unless a fault batches them) and judges the answer.
func (p *pusher) attempt(ctx context.Context, items []*item) outcome {
	f := p.a.cfg.Faults
	for _, it := range items {
		if it.attempts > 0 && f.NewIDOnRetry {
			it.id, it.data = newID(it.id, it.data)
		}
		it.attempts++
	}
	body := items[0].data
	if len(items) > 1 {
		parts := make([][]byte, len(items))
		for i, it := range items {
			parts[i] = it.data
		}
		body = append(append([]byte("["), bytes.Join(parts, []byte(","))...), ']')
	}
	method := http.MethodPost
	if f.GETInsteadOfPOST {
		method = http.MethodGet
	}
	req, err := http.NewRequestWithContext(ctx, method, p.url, bytes.NewReader(body))
	if err != nil {
		return outcome{retry: true, why: err.Error()}
	}
	if !f.NoContentType {
		req.Header.Set("Content-Type", MediaType)
	}
	req.Header.Set("Accept", MediaType)
	// The profile's signature covers Content-Type: without it (a fault), nothing is signed.
	if p.a.cfg.Signer != nil && !f.Unsigned && !f.NoContentType {
		if err := p.a.cfg.Signer.SignRequest(req, body); err != nil {
			return outcome{retry: true, why: err.Error()}
		}
	}
	res, err := p.client.Do(req)
	if err != nil {
		return outcome{retry: true, why: err.Error()}
	}
	defer res.Body.Close()
	answer, err := io.ReadAll(io.LimitReader(res.Body, 1<<20))
	if err != nil {
		return outcome{retry: true, why: fmt.Sprintf("reading the %d answer: %v", res.StatusCode, err)}
	}
	var receipt *httpsig.Evidence
	if p.verifier != nil {
		res.Body = io.NopCloser(bytes.NewReader(answer))
		receipt, err = p.verifier.VerifyResponse(res, answer, req)
		if err != nil && !f.IgnoreBadReceipt {
			// Not a receipt: as good as no answer (docs/profile.md section 5.4).
			return outcome{retry: true, why: fmt.Sprintf("the %d answer's signature: %v", res.StatusCode, err)}
		}
	}
	status := res.StatusCode
	switch {
	case status >= 200 && status < 300:
		if receipt != nil {
			p.keepReceipt(items, status, receipt, req)
		}
		return outcome{delivered: true}
	case status == http.StatusRequestTimeout, status == http.StatusTooManyRequests, status >= 500:
		return outcome{retry: true, retryAfter: retryAfter(res.Header.Get("Retry-After"), time.Now()), why: fmt.Sprintf("status %d", status)}
	case status >= 400 && status < 500 && !f.RetryOn400:
		for _, it := range items {
			d := deadLetter{Reason: "refused", ID: it.e.ID, Origin: fmt.Sprintf("spool #%d", it.e.Seq), Status: status}
			if json.Valid(answer) {
				d.Answer = answer
			} else {
				d.AnswerText = string(answer)
			}
			p.a.deadLetter(d, it.data)
		}
		return outcome{}
	}
	// 1xx, 3xx, or a 4xx under RetryOn400: not an acknowledgement.
	return outcome{retry: true, retryAfter: retryAfter(res.Header.Get("Retry-After"), time.Now()), why: fmt.Sprintf("status %d", status)}
}

func (p *pusher) keepReceipt(items []*item, status int, ev *httpsig.Evidence, req *http.Request) {
	for _, it := range items {
		r := receiptRecord{Time: time.Now().UTC(), ID: it.e.ID, Seq: it.e.Seq, Status: status, KeyID: ev.KeyID, Created: ev.Created,
			SignatureInput: ev.SignatureInput, Signature: ev.Signature, Request: req.Header.Get("Signature")}
		if err := p.a.receipt.write(r); err != nil {
			p.a.log.Error("writing a receipt", "error", err)
		}
	}
}

// retryAfter reads a Retry-After field: delay-seconds or an HTTP date. 0 when absent or
// unreadable.
func retryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if n, err := strconv.Atoi(v); err == nil && n >= 0 {
		return time.Duration(n) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil && t.After(now) {
		return t.Sub(now)
	}
	return 0
}

// item is a spool entry being delivered.
type item struct {
	e        spool.Entry
	id       string // the ID sent: e.ID, unless a fault changed it
	data     []byte // the bytes sent: e.Data, unless a fault rewrote them
	attempts int
}

// newID rewrites a message with a fresh ID in place of id (the NewIDOnRetry fault).
func newID(id string, data []byte) (string, []byte) {
	fresh := uuid.NewString()
	if id == "" {
		return id, data
	}
	out := bytes.Replace(data, []byte(`"ID":"`+id+`"`), []byte(`"ID":"`+fresh+`"`), 1)
	return fresh, out
}

// queue hands spool entries to workers in Seq order; entries to retry go back in order.
// When it is empty, one worker waits on the spool and the others on the queue, so that an
// idle analyzer polls its spool once, not once per worker.
type queue struct {
	sp      *spool.Spool
	mu      sync.Mutex
	pending []*item // sorted by Seq, not in flight
	loaded  int64   // highest Seq read from the spool
	polling bool    // a worker is waiting on the spool
	ready   chan struct{}
}

func (q *queue) take(ctx context.Context, n int) ([]*item, error) {
	for {
		q.mu.Lock()
		if q.ready == nil {
			q.ready = make(chan struct{})
		}
		if len(q.pending) == 0 && !q.polling {
			es, err := q.sp.After(ctx, q.loaded, 256)
			if err != nil {
				q.mu.Unlock()
				return nil, err
			}
			for _, e := range es {
				q.pending = append(q.pending, &item{e: e, id: e.ID, data: e.Data})
				q.loaded = e.Seq
			}
		}
		if len(q.pending) > 0 {
			n = min(n, len(q.pending))
			out := slices.Clone(q.pending[:n])
			q.pending = q.pending[n:]
			q.mu.Unlock()
			return out, nil
		}
		if q.polling {
			ch := q.ready
			q.mu.Unlock()
			select {
			case <-ch:
				continue
			case <-ctx.Done():
				return nil, ctx.Err()
			}
		}
		q.polling = true
		loaded := q.loaded
		q.mu.Unlock()
		err := q.sp.Wait(ctx, loaded)
		q.mu.Lock()
		q.polling = false
		q.signalLocked()
		q.mu.Unlock()
		if err != nil {
			return nil, err
		}
	}
}

func (q *queue) signalLocked() {
	if q.ready != nil {
		close(q.ready)
	}
	q.ready = make(chan struct{})
}

func (q *queue) putBack(it *item) {
	q.mu.Lock()
	defer q.mu.Unlock()
	i, _ := slices.BinarySearchFunc(q.pending, it.e.Seq, func(x *item, seq int64) int { return compare(x.e.Seq, seq) })
	q.pending = slices.Insert(q.pending, i, it)
	q.signalLocked()
}

func compare(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// gate holds every worker back after a failure that may pass (the manager down, busy, or
// answering 5xx): for the backoff delay, then for a single probing request, until one
// succeeds. Without it, each of the workers would back off on its own, and the manager
// would see them all again the moment it came back.
type gate struct {
	min, max time.Duration

	mu       sync.Mutex
	failures int       // consecutive failures
	until    time.Time // no request before this
	probing  bool      // a probe is in flight
	since    time.Time // when the gate last closed
	changed  chan struct{}
}

// wait returns when a request may go; probe says it is the single request that tests
// whether the manager is back, which must be followed by success, failure or release.
func (g *gate) wait(ctx context.Context) (probe bool, err error) {
	for {
		g.mu.Lock()
		if g.failures == 0 {
			g.mu.Unlock()
			return false, ctx.Err()
		}
		ch := g.changed
		d := time.Until(g.until)
		if d <= 0 && !g.probing {
			g.probing = true
			g.mu.Unlock()
			return true, ctx.Err()
		}
		g.mu.Unlock()
		var t *time.Timer
		var timer <-chan time.Time
		if d > 0 {
			t = time.NewTimer(d)
			timer = t.C
		}
		select {
		case <-ctx.Done():
		case <-ch:
		case <-timer:
		}
		if t != nil {
			t.Stop()
		}
		if ctx.Err() != nil {
			return false, ctx.Err()
		}
	}
}

func (g *gate) signalLocked() {
	close(g.changed)
	g.changed = make(chan struct{})
}

// closed reports whether requests are held back.
func (g *gate) closed() bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.failures > 0
}

// success opens the gate, unless the request started before the gate last closed: a
// failure seen since (a 429 or 503 with Retry-After above all) is newer news of the manager
// than this answer, and the wait it asked for stands (RFC 9110 section 10.2.3).
func (g *gate) success(started time.Time) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.failures != 0 && started.Before(g.since) {
		return
	}
	if g.failures != 0 || g.probing {
		g.failures, g.probing = 0, false
		g.signalLocked()
	}
}

// release ends a probe that neither succeeded nor failed in a way that may pass.
func (g *gate) release() {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.probing = false
	g.signalLocked()
}

// failure closes the gate for the backoff delay, or for retryAfter when the manager gave
// one (unless ignored), and returns the delay. A request that was already in flight when the
// gate closed does not lengthen the backoff again.
func (g *gate) failure(probe bool, started time.Time, retryAfter time.Duration, ignoreRetryAfter bool) time.Duration {
	g.mu.Lock()
	defer g.mu.Unlock()
	if !probe && g.failures > 0 && started.Before(g.since) {
		return time.Until(g.until)
	}
	g.failures++
	d := g.min << min(g.failures-1, 30)
	if d > g.max || d <= 0 {
		d = g.max
	}
	d = d/2 + rand.N(d/2+1) // jitter: anywhere in the upper half
	if retryAfter > 0 && !ignoreRetryAfter {
		d = retryAfter
	}
	g.until = time.Now().Add(d)
	g.since = time.Now()
	g.probing = false
	g.signalLocked()
	return d
}

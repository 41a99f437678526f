package managerrole

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/google/uuid"

	"github.com/idmefcheck/idmefcheck/conformance/alerts"
	"github.com/idmefcheck/idmefcheck/conformance/harness"
	"github.com/idmefcheck/idmefcheck/conformance/target"
)

// Sizes of the denial-of-service attacks: enough connections to exhaust a manager that caps
// its connections low and never times a slow peer out, few enough to set up in well under a
// second. A manager with deadlines sheds more than these within its deadline anyway.
const (
	slowClients  = 100
	floodConns   = 150 // of each kind: bare TCP and bare ClientHello
	dribbleEvery = 250 * time.Millisecond
	// maxOversize bounds the body the oversized-body check sends.
	maxOversize = 64 << 20
)

func dosChecks() []harness.Check {
	return []harness.Check{
		check(harness.Check{
			ID: "MGR-DOS-001", Title: "A body over the claimed size limit gets 413, and the manager still answers",
			Requirements: []string{"R4766-6.7"}, Level: "SHOULD", Category: "dos", Needs: []string{"max-body"},
			Timeout: 60 * time.Second, Serial: true,
			Doc: "Sends two alerts padded to 1 KiB more than limits.max_body: one with its Content-Length declared, one streamed without a length (chunked in HTTP/1.1, no length in HTTP/2), so that a manager counting only the declared length is caught too. " +
				"Each must be answered 413 (the max-body option's commitment) and not stored; then an ordinary alert must be acknowledged, showing the service survived.",
		}, func(ctx context.Context, t *harness.T, e *Env) harness.Outcome {
			limit := e.Statement.Limits.MaxBody
			if limit <= 0 {
				return harness.Inconclusivef("no-limit", "the statement claims max-body but gives no limits.max_body to exceed")
			}
			if limit > maxOversize {
				return harness.Inconclusivef("limit-too-large", "limits.max_body is %d bytes; the harness sends at most %d", limit, maxOversize)
			}
			var problems, ids []string
			for _, chunked := range []bool{false, true} {
				how := "with its length declared"
				if chunked {
					how = "streamed without a declared length"
				}
				m, body, o := oversized(e, limit)
				if o != nil {
					return *o
				}
				ids = append(ids, m.ID)
				t.Notef("alert %s is %d bytes, over limits.max_body of %d, sent %s", m.ID, len(body), limit, how)
				x := e.Send(ctx, t, "oversized alert "+how, target.Dial{}, target.Request{Body: body, Sign: e.Signs(), Chunked: chunked})
				switch {
				case x.Status == http.StatusRequestEntityTooLarge:
				case x.Success():
					problems = append(problems, fmt.Sprintf("%s: acknowledged (%s)", how, x.Outcome()))
				default:
					problems = append(problems, fmt.Sprintf("%s: %s, not 413", how, x.Outcome()))
				}
			}
			got, err := e.NotStored(ctx, ids...)
			if err != nil {
				return observationOutcome(err)
			}
			for _, id := range ids {
				if obs := got[keyOf(id)]; len(obs) > 0 {
					problems = append(problems, fmt.Sprintf("oversized alert %s was stored", id))
				}
			}
			after, o := makeAlert(e, alertSpec("after the oversized bodies"))
			if o != nil {
				return *o
			}
			x := e.Deliver(ctx, t, "ordinary alert afterwards", after.Body)
			if !x.Success() {
				problems = append(problems, "an ordinary alert afterwards was not acknowledged: "+x.Outcome())
			}
			t.Expect("413 for each oversized body, nothing stored, then an ordinary alert acknowledged", orNone(problems))
			if len(problems) > 0 {
				return harness.Failf("oversize-not-refused", "%s", strings.Join(problems, "; "))
			}
			return harness.Passf("both oversized bodies got 413, neither was stored, and the manager went on acknowledging alerts")
		}),
		check(harness.Check{
			ID: "MGR-DOS-002", Title: "Slow-header clients do not keep a legitimate analyzer out",
			Requirements: []string{"R4766-6.7"}, Level: "SHOULD", Category: "dos",
			Timeout: 60 * time.Second, Serial: true,
			Doc: fmt.Sprintf("Opens %d connections with the harness's own identity (a faulty or compromised analyzer), each starting a POST and then sending its header section one byte every %s, never finishing it. "+
				"While they are held, an ordinary alert on a new connection must be acknowledged within limits.ack_within. A manager that caps connections without timing out slow headers lets a handful of such peers shut every analyzer out. "+
				"The legitimate alert carries the attackers' identity (the harness has one): a 429 or 503 to it is inconclusive, since the manager may be limiting that peer alone.", slowClients, dribbleEvery),
		}, func(ctx context.Context, t *harness.T, e *Env) harness.Outcome {
			a := slowHeaders(ctx, e, slowClients, dribbleEvery)
			defer a.Close()
			return underAttack(ctx, t, e, a, fmt.Sprintf("%d slow-header connections", slowClients), true)
		}),
		check(harness.Check{
			ID: "MGR-DOS-003", Title: "Slow-body clients do not keep a legitimate analyzer out",
			Requirements: []string{"R4766-6.7"}, Level: "SHOULD", Category: "dos",
			Timeout: 60 * time.Second, Serial: true,
			Doc: fmt.Sprintf("Opens %d connections with the harness's own identity, each sending the complete, signed header section of a valid alert and then its body one byte every %s. "+
				"While they are held, an ordinary alert on a new connection must be acknowledged within limits.ack_within; a 429 or 503 to it is inconclusive, as in MGR-DOS-002.", slowClients, dribbleEvery),
		}, func(ctx context.Context, t *harness.T, e *Env) harness.Outcome {
			a, err := slowBodies(ctx, e, slowClients, dribbleEvery)
			if err != nil {
				return harness.Errorf(reasonHarness, "preparing the slow bodies: %v", err)
			}
			defer a.Close()
			return underAttack(ctx, t, e, a, fmt.Sprintf("%d slow-body connections", slowClients), true)
		}),
		check(harness.Check{
			ID: "MGR-DOS-004", Title: "A flood of unauthenticated connections does not keep a legitimate analyzer out",
			Requirements: []string{"R4766-6.7"}, Level: "SHOULD", Category: "dos",
			Timeout: 60 * time.Second, Serial: true,
			Doc: fmt.Sprintf("Opens %d TCP connections that send nothing and %d that send a TLS ClientHello and then nothing: what anyone who reaches the port can do without credentials. "+
				"While they are held, an ordinary alert on a new connection must be acknowledged within limits.ack_within.", floodConns, floodConns),
		}, func(ctx context.Context, t *harness.T, e *Env) harness.Outcome {
			a := flood(ctx, e, floodConns)
			defer a.Close()
			return underAttack(ctx, t, e, a, fmt.Sprintf("a flood of %d unauthenticated connections", 2*floodConns), false)
		}),
		check(harness.Check{
			ID: "MGR-DOS-005", Title: "A burst of malformed JSON gets 4xx each, and the manager still answers",
			Requirements: []string{"IDMEF2T-4.3-20", "R4766-6.7"}, Level: "MUST", Category: "dos",
			Timeout: 60 * time.Second, Serial: true,
			Doc: "Sends 60 malformed bodies (truncated, unbalanced, trailing data, 100,000 nested arrays, a 10,000-digit number, invalid UTF-8, a lone surrogate, NUL bytes, duplicate names, half an alert), six at a time, each signed when the statement claims signatures so that the manager has to parse it. " +
				"Each must be answered with a 4xx, never a 2xx, a 5xx or no answer; then an ordinary alert must be acknowledged.",
		}, func(ctx context.Context, t *harness.T, e *Env) harness.Outcome {
			cases, o := malformedBodies(e)
			if o != nil {
				return *o
			}
			const total, workers = 60, 6
			xs := make([]*target.Exchange, total)
			var next atomic.Int64
			var wg sync.WaitGroup
			for range workers {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for {
						i := int(next.Add(1) - 1)
						if i >= total || ctx.Err() != nil {
							return
						}
						c := cases[i%len(cases)]
						xs[i] = e.Send(ctx, nil, "", target.Dial{}, target.Request{Body: c.body, Sign: e.Signs()})
					}
				}()
			}
			wg.Wait()
			// The evidence keeps the first exchange of each case, and the first that went
			// wrong when a later one did: 60 exchanges would drown the report.
			var bad []string
			shown, shownBad := map[string]bool{}, map[string]bool{}
			for i, x := range xs {
				if x == nil {
					return harness.Errorf(reasonHarness, "the burst was interrupted: %v", ctx.Err())
				}
				c := cases[i%len(cases)]
				ok := is4xx(x)
				if !shown[c.name] || (!ok && !shownBad[c.name]) {
					x.Record(t, c.name)
				}
				shown[c.name] = true
				if !ok {
					shownBad[c.name] = true
					bad = append(bad, fmt.Sprintf("%s: %s", c.name, x.Outcome()))
				}
			}
			t.Notef("%d malformed bodies: %s", total, statusCounts(xs))
			after, o := makeAlert(e, alertSpec("after a burst of malformed JSON"))
			if o != nil {
				return *o
			}
			x := e.Deliver(ctx, t, "ordinary alert afterwards", after.Body)
			t.Expect("4xx for each malformed body; then an ordinary alert acknowledged", joinLines(statusCounts(xs), "afterwards: "+x.Outcome()))
			if len(bad) > 0 {
				reason := reasonWrongStatus
				for _, x := range xs {
					if x.Success() {
						reason = reasonAccepted
					}
				}
				return harness.Failf(reason, "%d of %d malformed bodies were not answered with a 4xx: %s", len(bad), total, strings.Join(firstN(bad, 5), "; "))
			}
			if !x.Success() {
				return harness.Failf("down-after-burst", "after the burst an ordinary alert was not acknowledged: %s", x.Outcome())
			}
			return harness.Passf("all %d malformed bodies got a 4xx and the manager went on acknowledging alerts", total)
		}),
		check(harness.Check{
			ID: "MGR-DOS-006", Title: "A peer exceeding the claimed burst gets 429 with Retry-After",
			Requirements: []string{"R4766-6.7"}, Level: "SHOULD", Category: "dos", Needs: []string{"rate-limit"},
			Timeout: 90 * time.Second, Serial: true,
			Doc: "Sends valid alerts as fast as 32 concurrent streams allow, up to three times limits.burst plus two seconds at limits.rate, and stops at the first 429. " +
				"Passes on a 429 carrying Retry-After (delay-seconds or an HTTP date). Fails on a 429 without Retry-After, or when the manager acknowledged more than 110% of what limits.burst and limits.rate allow in the time taken; " +
				"when the harness could not send faster than the claimed rate, the check is inconclusive. It then waits out Retry-After so that the checks after it are not refused.",
		}, rateLimitCheck),
	}
}

// underAttack judges a legitimate delivery while an attack holds its connections.
func underAttack(ctx context.Context, t *harness.T, e *Env, a *attack, what string, sameIdentity bool) harness.Outcome {
	t.Notef("%s", a.summary("attacking connections"))
	if a.established() == 0 {
		return harness.Inconclusivef("no-attack", "the harness could not set up any attacking connection, so nothing was tested: %s", a.summary("connections"))
	}
	// Give the manager time to take the attackers in (accept, handshake, start reading) before
	// the legitimate analyzer comes.
	select {
	case <-ctx.Done():
		return harness.Errorf(reasonHarness, "%v", ctx.Err())
	case <-time.After(time.Second):
	}
	return ackUnderLoad(ctx, t, e, what, sameIdentity)
}

// oversized makes an alert padded to 1 KiB more than limit. The padding is spliced into a
// validated alert, so that the message stays valid whatever its size (the factory's validator
// refuses very large messages itself).
func oversized(e *Env, limit int64) (*alerts.Message, []byte, *harness.Outcome) {
	m, o := makeAlert(e, alerts.Spec{Description: "oversized alert", Padding: 4})
	if o != nil {
		return nil, nil, o
	}
	small := []byte(`"Content":"QUJD"`)
	if !bytes.Contains(m.Body, small) {
		o := harness.Errorf(reasonHarness, "the padded alert has no padding to grow")
		return nil, nil, &o
	}
	n := int(limit) - len(m.Body) + 4 + 1024
	n += (4 - n%4) % 4
	body := bytes.Replace(m.Body, small, []byte(`"Content":"`+strings.Repeat("QUJD", n/4)+`"`), 1)
	return m, body, nil
}

type malformed struct {
	name string
	body []byte
}

// malformedBodies are bodies that are not JSON, or not one JSON value, or not I-JSON.
func malformedBodies(e *Env) ([]malformed, *harness.Outcome) {
	m, o := makeAlert(e, alertSpec("malformed JSON"))
	if o != nil {
		return nil, o
	}
	return []malformed{
		{"a lone brace", []byte("{")},
		{"a truncated object", []byte(`{"Version":"2.D.V08","ID":`)},
		{"plain text", []byte("this is not JSON")},
		{"trailing data", []byte(`{"Version":"2.D.V08"}}`)},
		{"a trailing comma", []byte(`{"Version":"2.D.V08",}`)},
		{"100,000 nested arrays", bytes.Repeat([]byte("["), 100000)},
		{"a 10,000-digit number", []byte(`{"Version":1` + strings.Repeat("0", 10000) + `}`)},
		{"invalid UTF-8", []byte("{\"Description\":\"\xff\xfe\"}")},
		{"a lone surrogate", []byte(`{"Description":"\ud800"}`)},
		{"NUL bytes", []byte("\x00\x00\x00\x00")},
		{"duplicate names", []byte(`{"ID":"a","ID":"b"}`)},
		{"half an alert", m.Body[:len(m.Body)/2]},
	}, nil
}

func rateLimitCheck(ctx context.Context, t *harness.T, e *Env) harness.Outcome {
	rate, burst := e.Statement.Limits.Rate, e.Statement.Limits.Burst
	if burst <= 0 {
		return harness.Inconclusivef("no-limit", "the statement claims rate-limit but gives no limits.burst to exceed")
	}
	n := 3*burst + int(2*rate) + 100
	if n > 30000 {
		return harness.Inconclusivef("limit-too-large", "limits.burst %d and limits.rate %g would take %d alerts to exceed; the harness sends at most 30000", burst, rate, n)
	}
	tmpl, o := makeAlert(e, alertSpec("rate limit"))
	if o != nil {
		return *o
	}
	// Every alert is the validated template under a fresh ID of the same length: as valid as
	// the template, and made in microseconds, so that making them does not slow the burst.
	bodies := make([][]byte, n)
	for i := range bodies {
		id := uuid.Must(uuid.NewV7()).String()
		bodies[i] = bytes.Replace(tmpl.Body, []byte(`"ID":"`+tmpl.ID+`"`), []byte(`"ID":"`+id+`"`), 1)
	}
	c := e.Target().Client(target.Dial{KeepAlive: true})
	defer c.Close()
	const workers = 32
	var next, acked atomic.Int64
	var mu sync.Mutex
	var limited *target.Exchange
	counts := map[string]int{}
	start := time.Now()
	bctx, stop := context.WithCancel(ctx)
	defer stop()
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for bctx.Err() == nil {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				x := c.Do(bctx, target.Request{Body: bodies[i], Sign: e.Signs()})
				if bctx.Err() != nil && !x.Answered() {
					return // stopped: not an answer
				}
				mu.Lock()
				k := fmt.Sprint(x.Status)
				if !x.Answered() {
					k = "no answer"
				}
				counts[k]++
				if x.Success() {
					acked.Add(1)
				}
				if x.Status == http.StatusTooManyRequests && limited == nil {
					limited = x
					stop()
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	allowed := float64(burst) + rate*elapsed.Seconds()
	t.Notef("sent up to %d alerts in %s over one connection, %d streams at a time: %v; limits allow %.0f in that time (burst %d, rate %g/s)",
		n, elapsed.Round(time.Millisecond), workers, counts, allowed, burst, rate)
	if limited == nil {
		got := float64(acked.Load())
		t.Expect("429 with Retry-After once the burst is spent", fmt.Sprintf("no 429; %0.f acknowledged", got))
		if got > 1.1*allowed+1 {
			return harness.Failf("not-limited", "the manager acknowledged %.0f alerts in %s, more than the %.0f its limits allow (burst %d, rate %g/s), and never answered 429", got, elapsed.Round(time.Millisecond), allowed, burst, rate)
		}
		return harness.Inconclusivef("too-slow", "the harness sent only %.0f acknowledged alerts in %s, not more than the %.0f the limits allow, so the limit was not reached", got, elapsed.Round(time.Millisecond), allowed)
	}
	limited.Record(t, "the first 429")
	ra := limited.Header.Get("Retry-After")
	wait, ok := retryAfter(ra, time.Now())
	t.Expect("429 with Retry-After", fmt.Sprintf("429 with Retry-After %q", ra))
	if !ok {
		return harness.Failf("no-retry-after", "the manager answered 429 after %d acknowledged alerts without a valid Retry-After (%q)", acked.Load(), ra)
	}
	// Leave the target as the next checks need it: wait as told, then until it takes alerts.
	select {
	case <-ctx.Done():
	case <-time.After(min(wait, 10*time.Second)):
	}
	if err := e.WaitReady(ctx, 15*time.Second); err != nil {
		t.Notef("after waiting Retry-After (%s) the manager still refused alerts: %v", wait, err)
	}
	return harness.Passf("after %d acknowledged alerts the manager answered 429 with Retry-After %q", acked.Load(), ra)
}

// retryAfter reads a Retry-After value (RFC 9110 section 10.2.3): delay-seconds or an
// HTTP date.
func retryAfter(v string, now time.Time) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if n, err := strconv.Atoi(v); err == nil && n >= 0 {
		return time.Duration(n) * time.Second, true
	}
	if at, err := http.ParseTime(v); err == nil {
		return max(at.Sub(now), 0), true
	}
	return 0, false
}

func orNone(problems []string) string {
	if len(problems) == 0 {
		return "as expected"
	}
	return strings.Join(problems, "; ")
}

func firstN(s []string, n int) []string {
	if len(s) <= n {
		return s
	}
	return append(s[:n:n], fmt.Sprintf("and %d more", len(s)-n))
}

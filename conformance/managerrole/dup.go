package managerrole

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/idmefcheck/idmefcheck/conformance/alerts"
	"github.com/idmefcheck/idmefcheck/conformance/faultproxy"
	"github.com/idmefcheck/idmefcheck/conformance/harness"
	"github.com/idmefcheck/idmefcheck/conformance/target"
	"github.com/idmefcheck/idmefcheck/reference/httpsig"
)

// concurrentCopies is how many copies of one alert MGR-DUP-003 sends at once.
const concurrentCopies = 100

func dupChecks() []harness.Check {
	return []harness.Check{
		check(harness.Check{
			ID: "MGR-DUP-001", Title: "The same alert sent twice is stored once",
			Requirements: []string{"R4766-6.8"}, Level: "SHOULD", Category: "duplication",
			Doc: "Sends a valid alert, then the same bytes again on a new connection (with a new signature, as an analyzer retrying after a lost answer does). " +
				"The first must be acknowledged and the alert stored exactly once. With the dedup option the repeat must get the same success as the first; without it, a repeat may also be refused with a 4xx, but never a 5xx.",
		}, func(ctx context.Context, t *harness.T, e *Env) harness.Outcome {
			m, o := makeAlert(e, alertSpec("sent twice"))
			if o != nil {
				return *o
			}
			first := e.Deliver(ctx, t, "first delivery", m.Body)
			if !first.Success() {
				t.Expect("2xx", first.Outcome())
				return harness.Failf(reasonNotAcked, "the first delivery was not acknowledged: %s", first.Outcome())
			}
			second := e.Deliver(ctx, t, "the same bytes again", m.Body)
			if o := repeatAnswer(e, first, second, "the repeat"); o != nil {
				return *o
			}
			return oneRecord(ctx, t, e, m, "the alert sent twice")
		}),
		check(harness.Check{
			ID: "MGR-DUP-002", Title: "Replayed bytes on a new connection create no second record",
			Requirements: []string{"R4766-6.8"}, Level: "SHOULD", Category: "duplication",
			Doc: "Sends a valid alert through the fault proxy over HTTP/1.1 and captures every byte the harness sent. It then replays them twice on new connections: " +
				"the captured TLS bytes as they were (an attacker on the path), and the decrypted request with its original headers, signature included, over a new TLS session (an attacker who saw the plain text, at a TLS-terminating relay or in a log). " +
				"Whatever the manager answers to the replays, the alert must be stored exactly once.",
		}, func(ctx context.Context, t *harness.T, e *Env) harness.Outcome {
			p, err := faultproxy.Start(ctx, e.Target().Addr(), e.Log)
			if err != nil {
				return harness.Errorf(reasonHarness, "%v", err)
			}
			defer p.Close()
			m, o := makeAlert(e, alertSpec("replayed"))
			if o != nil {
				return *o
			}
			x := e.Send(ctx, t, "original, through the fault proxy", target.Dial{Via: p.Addr(), HTTP1: true}, target.Request{Body: m.Body, Sign: e.Signs()})
			if !x.Success() {
				t.Expect("2xx", x.Outcome())
				return harness.Failf(reasonNotAcked, "the original delivery was not acknowledged: %s", x.Outcome())
			}
			caps := p.Captures()
			if len(caps) == 0 {
				return harness.Errorf(reasonHarness, "the fault proxy captured no connection")
			}
			select {
			case <-caps[0].Done():
			case <-time.After(5 * time.Second):
				return harness.Errorf(reasonHarness, "the original connection did not end within 5 s")
			case <-ctx.Done():
				return harness.Errorf(reasonHarness, "%v", ctx.Err())
			}
			wire := caps[0].Upstream()
			back, err := p.Replay(ctx, wire, 3*time.Second)
			if err != nil {
				return harness.Errorf(reasonHarness, "%v", err)
			}
			t.Evidence("replay", "captured TLS bytes on a new connection", fmt.Sprintf("replayed %d bytes; the manager sent back %d bytes: %s", len(wire), len(back), replyRecords(back)))
			// The decrypted request as sent: the same headers (signature, nonce and digest
			// included) and the same body, on a new TLS session.
			h := x.RequestHeader.Clone()
			e.Send(ctx, t, "the same request replayed over a new TLS session", target.Dial{HTTP1: true}, target.Request{Body: m.Body, Header: h})
			return oneRecord(ctx, t, e, m, "the replayed alert")
		}),
		check(harness.Check{
			ID: "MGR-DUP-003", Title: fmt.Sprintf("%d concurrent copies of an alert are stored once", concurrentCopies),
			Requirements: []string{"R4766-6.8"}, Level: "SHOULD", Category: "duplication",
			Timeout: 60 * time.Second,
			Doc: fmt.Sprintf("Sends %d copies of one valid alert at the same moment, each on its own connection with its own signature, as a flood of retries or a replaying attacker would. ", concurrentCopies) +
				"At least one must be acknowledged, none answered 5xx, and the alert stored exactly once. With the dedup option every copy must get the same success, except 429 or 503 with Retry-After (load shedding).",
		}, func(ctx context.Context, t *harness.T, e *Env) harness.Outcome {
			m, o := makeAlert(e, alertSpec("concurrent copies"))
			if o != nil {
				return *o
			}
			xs := make([]*target.Exchange, concurrentCopies)
			var wg sync.WaitGroup
			gate := make(chan struct{})
			for i := range xs {
				wg.Add(1)
				go func() {
					defer wg.Done()
					<-gate
					xs[i] = e.Send(ctx, nil, "", target.Dial{}, target.Request{Body: m.Body, Sign: e.Signs()})
				}()
			}
			close(gate)
			wg.Wait()
			t.Notef("%d concurrent copies of alert %s: %s", concurrentCopies, m.ID, statusCounts(xs))
			var acked *target.Exchange
			var bad []string
			shown := map[int]bool{}
			for _, x := range xs {
				if x.Success() && acked == nil {
					acked = x
				}
				if !shown[x.Status] {
					shown[x.Status] = true
					x.Record(t, fmt.Sprintf("a copy answered %s", x.Outcome()))
				}
				switch {
				case x.Success():
				case shed(x):
				case is5xx(x) || !x.Answered():
					bad = append(bad, x.Outcome())
				case e.Statement.Claims("dedup"):
					bad = append(bad, x.Outcome())
				}
			}
			if acked == nil {
				t.Expect("at least one copy acknowledged", statusCounts(xs))
				return harness.Failf(reasonNotAcked, "none of %d copies was acknowledged: %s", concurrentCopies, statusCounts(xs))
			}
			if len(bad) > 0 {
				t.Expect("every copy acknowledged alike (or shed with Retry-After)", statusCounts(xs))
				return harness.Failf(reasonWrongStatus, "copies of an acknowledged alert were answered %s", strings.Join(firstN(bad, 5), ", "))
			}
			return oneRecord(ctx, t, e, m, fmt.Sprintf("the alert sent %d times at once", concurrentCopies))
		}),
		check(harness.Check{
			ID: "MGR-DUP-004", Title: "The same ID with other content is refused and the original kept",
			Requirements: []string{"R4766-6.8", "R4766-6.1"}, Level: "SHOULD", Category: "duplication",
			Doc: "Sends a valid alert, then another valid alert with the same ID and a different description. The second must be refused with a 4xx: " +
				"a 2xx would either store a second alert under the ID or overwrite the first (a forgery taken for the original), or acknowledge an alert the manager did not keep. " +
				"The ID must then have exactly one record, with the first alert's content.",
		}, func(ctx context.Context, t *harness.T, e *Env) harness.Outcome {
			m, o := makeAlert(e, alertSpec("the original"))
			if o != nil {
				return *o
			}
			other, o := makeAlert(e, alerts.Spec{ID: m.ID, CreateTime: m.CreateTime, Description: "other content under the same ID"})
			if o != nil {
				return *o
			}
			first := e.Deliver(ctx, t, "the original", m.Body)
			if !first.Success() {
				t.Expect("2xx", first.Outcome())
				return harness.Failf(reasonNotAcked, "the original was not acknowledged: %s", first.Outcome())
			}
			x := e.Deliver(ctx, t, "other content under the same ID", other.Body)
			got, o := settledRecords(ctx, t, e, m.ID)
			if o != nil {
				return *o
			}
			obs := got[keyOf(m.ID)]
			kept := len(obs) == 1 && sameMessage(obs[0], m.Body)
			t.Expect("4xx for the other content; one record, the original", fmt.Sprintf("%s; %d record(s), original kept: %v", x.Outcome(), len(obs), kept))
			switch {
			case len(obs) > 1:
				return harness.Failf(reasonStored, "alert ID %s has %d records after other content was sent under it (answered %s)", m.ID, len(obs), x.Outcome())
			case len(obs) == 0:
				return harness.Failf(reasonNotStored, "alert %s was acknowledged but has no record", m.ID)
			case !kept:
				return harness.Failf("replaced", "the record of alert %s is no longer the original: other content under its ID replaced it (answered %s)", m.ID, x.Outcome())
			case x.Success():
				return harness.Failf(reasonAccepted, "other content under an existing ID was acknowledged (%s) though it was not kept", x.Outcome())
			case !is4xx(x):
				return harness.Failf(reasonWrongStatus, "other content under an existing ID was answered %s, not a 4xx", x.Outcome())
			}
			return harness.Passf("other content under an existing ID was refused (%s) and the original kept", x.Outcome())
		}),
		check(harness.Check{
			ID: "MGR-DUP-005", Title: "The same alert with its ID in upper case is not a second record",
			Requirements: []string{"IDMEF2-3.3.10-3", "R4766-6.8"}, Level: "MUST", Category: "duplication",
			Doc: "Sends a valid alert, then the same bytes with the hex digits of its ID in upper case. UUIDs compare without regard to case, so the second names the same alert: " +
				"it may be taken as a repeat (2xx) or refused as other content under a known ID (4xx), but never stored as a second alert. The ID must have exactly one record, the original.",
		}, func(ctx context.Context, t *harness.T, e *Env) harness.Outcome {
			m, o := makeAlert(e, alertSpec("ID case"))
			if o != nil {
				return *o
			}
			upper := strings.ToUpper(m.ID)
			body := bytes.Replace(m.Body, []byte(`"ID":"`+m.ID+`"`), []byte(`"ID":"`+upper+`"`), 1)
			if e.Alerts.Validator != nil {
				if res := e.Alerts.Validator.Validate(body); !res.Valid {
					return harness.Errorf(reasonHarness, "the alert with its ID in upper case is not valid: %s", res.Findings[0].Message)
				}
			}
			first := e.Deliver(ctx, t, "the alert", m.Body)
			if !first.Success() {
				t.Expect("2xx", first.Outcome())
				return harness.Failf(reasonNotAcked, "the alert was not acknowledged: %s", first.Outcome())
			}
			x := e.Deliver(ctx, t, "the same alert, ID "+upper, body)
			got, o := settledRecords(ctx, t, e, m.ID)
			if o != nil {
				return *o
			}
			obs := got[keyOf(m.ID)]
			t.Expect("one record under the ID, in either case", fmt.Sprintf("%s; %d record(s)", x.Outcome(), len(obs)))
			switch {
			case len(obs) > 1:
				return harness.Failf("case-sensitive-ids", "alert %s and %s were stored as %d alerts: the manager compares IDs with regard to case", m.ID, upper, len(obs))
			case len(obs) == 0:
				return harness.Failf(reasonNotStored, "alert %s was acknowledged but has no record", m.ID)
			case !sameMessage(obs[0], m.Body):
				return harness.Failf("replaced", "the record of alert %s is the upper-case copy, not the original", m.ID)
			case is5xx(x) || !x.Answered():
				return harness.Failf(reasonWrongStatus, "the upper-case copy was answered %s", x.Outcome())
			}
			return harness.Passf("the copy with ID %s was answered %s and created no second record", upper, x.Outcome())
		}),
		check(harness.Check{
			ID: "MGR-DUP-006", Title: "(profile) A signature whose created time is past the window is refused",
			Requirements: []string{"R4766-6.8"}, Level: "SHOULD", Category: "duplication", Needs: []string{"signatures"},
			Doc: "Signs a new, valid alert with a fresh nonce but a created time twice the profile's 300 s freshness window in the past: a captured request replayed after the nonce cache forgot it. " +
				"The manager must refuse it and store nothing.",
		}, func(ctx context.Context, t *harness.T, e *Env) harness.Outcome {
			m, o := makeAlert(e, alertSpec("signed long ago"))
			if o != nil {
				return *o
			}
			at := time.Now().Add(-2 * httpsig.DefaultWindow)
			t.Notef("signature created %s (%s ago)", at.UTC().Format(time.RFC3339), 2*httpsig.DefaultWindow)
			x := e.Send(ctx, t, "stale signature", target.Dial{}, target.Request{Body: m.Body, Sign: true, SignedAt: at})
			return refusedNotStored(ctx, t, e, x, m.ID, "an alert with a stale signature")
		}),
	}
}

// repeatAnswer judges the answer to a repeat of an acknowledged alert: with the dedup option
// the same success as the first; without, any 2xx or 4xx. It returns nil when acceptable.
func repeatAnswer(e *Env, first, repeat *target.Exchange, what string) *harness.Outcome {
	var o harness.Outcome
	switch {
	case e.Statement.Claims("dedup") && repeat.Status != first.Status:
		o = harness.Failf(reasonWrongStatus, "%s was answered %s, the first delivery %s: the dedup option answers a repeat as the first", what, repeat.Outcome(), first.Outcome())
	case repeat.Success() || is4xx(repeat):
		return nil
	default:
		o = harness.Failf(reasonWrongStatus, "%s of an acknowledged alert was answered %s", what, repeat.Outcome())
	}
	return &o
}

// oneRecord passes when the alert has exactly one record after the settle time, holding the
// bytes sent.
func oneRecord(ctx context.Context, t *harness.T, e *Env, m *alerts.Message, what string) harness.Outcome {
	got, o := settledRecords(ctx, t, e, m.ID)
	if o != nil {
		return *o
	}
	obs := got[keyOf(m.ID)]
	t.Expect("exactly one record", fmt.Sprintf("%d record(s) of alert %s after %s", len(obs), m.ID, e.Settle))
	switch {
	case len(obs) == 0:
		return harness.Failf(reasonNotStored, "%s was acknowledged but alert %s has no record in %s after %s", what, m.ID, e.Observe.Describe(), e.Settle)
	case len(obs) > 1:
		return harness.Failf(reasonStored, "%s was stored %d times (alert %s)", what, len(obs), m.ID)
	case !sameMessage(obs[0], m.Body):
		return harness.Failf(reasonAltered, "the record of alert %s is not the alert sent", m.ID)
	}
	return harness.Passf("%s has exactly one record", what)
}

// shed reports a load-shedding answer: 429 or 503 with Retry-After.
func shed(x *target.Exchange) bool {
	return (x.Status == http.StatusTooManyRequests || x.Status == http.StatusServiceUnavailable) && x.Header.Get("Retry-After") != ""
}

// replyRecords names the TLS record types at the start of data, for the replay's evidence.
func replyRecords(data []byte) string {
	if len(data) == 0 {
		return "nothing (the connection was closed)"
	}
	names := map[byte]string{20: "change_cipher_spec", 21: "alert", 22: "handshake", 23: "application_data"}
	var out []string
	for len(data) >= 5 && len(out) < 8 {
		name, ok := names[data[0]]
		if !ok {
			break
		}
		n := int(data[3])<<8 | int(data[4])
		out = append(out, fmt.Sprintf("%s (%d bytes)", name, n))
		if len(data) < 5+n {
			break
		}
		data = data[5+n:]
	}
	if len(out) == 0 {
		return fmt.Sprintf("%d bytes that are not TLS records", len(data))
	}
	return "TLS records: " + strings.Join(out, ", ")
}

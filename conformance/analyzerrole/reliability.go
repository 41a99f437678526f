package analyzerrole

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/idmefcheck/idmefcheck/conformance/harness"
	"github.com/idmefcheck/idmefcheck/conformance/managersim"
)

func reliabilityChecks() []harness.Check {
	retried := func(id, title, doc string, b managersim.Behaviour) harness.Check {
		return check(harness.Check{ID: id, Title: title, Requirements: []string{"R4766-6.1"}, Level: "MUST", Category: "reliability", Doc: doc},
			func(ctx context.Context, t *harness.T, e *Env) harness.Outcome {
				reqs, o := retriedUntilDelivered(ctx, t, e, b)
				if o != nil {
					return *o
				}
				return harness.Passf("the alert was sent again with the same ID and bytes (%s) and delivered", plural(len(reqs), "attempt"))
			})
	}
	return []harness.Check{
		retried("ANA-REL-001", "After a 503 the same alert is sent again, same ID, same bytes",
			"The harness answers the first attempt 503 Service Unavailable, then accepts. The analyzer must send the alert again, under the same ID and with the same bytes (so that a manager can tell a retry from a new alert), until it is acknowledged.",
			managersim.Behaviour{Status: 503, Refuse: 1}),
		retried("ANA-REL-002", "After a dropped connection the same alert is sent again",
			"The harness drops the connection (HTTP/1.1) or resets the stream (HTTP/2) of the first attempt without answering, then accepts. The analyzer must treat it as not delivered and send the same alert again, same ID and bytes.",
			managersim.Behaviour{Drop: true, Refuse: 1}),
		check(harness.Check{
			ID: "ANA-REL-003", Title: "Retry-After is honoured",
			Requirements: []string{"R4766-6.7", "R4766-6.1"}, Level: "SHOULD", Category: "dos",
			Doc: "The harness answers the first attempt 429 Too Many Requests with Retry-After: 3, then accepts. The next attempt must come no sooner than 3 seconds after the answer (a quarter-second tolerance), and the alert must then be delivered.",
		}, func(ctx context.Context, t *harness.T, e *Env) harness.Outcome {
			reqs, o := retriedUntilDelivered(ctx, t, e, managersim.Behaviour{Status: 429, RetryAfter: "3", Refuse: 1})
			if o != nil {
				return *o
			}
			gap := reqs[1].At.Sub(reqs[0].At)
			t.Expect("the retry at least 3 s after the 429", fmt.Sprintf("%s later", gap.Round(10*time.Millisecond)))
			if gap < 3*time.Second-250*time.Millisecond {
				return harness.Failf("retry-after-ignored", "the retry came %s after a 429 asking for 3 s", gap.Round(10*time.Millisecond))
			}
			return harness.Passf("the retry waited %s, as Retry-After asked", gap.Round(10*time.Millisecond))
		}),
		check(harness.Check{
			ID: "ANA-REL-004", Title: "An alert refused with 400 is not sent again",
			Requirements: []string{"R4766-6.7"}, Level: "SHOULD", Category: "dos",
			Doc: "The harness answers every attempt 400 Bad Request. A 400 says the message itself is wrong, so sending it again cannot succeed and only loads the manager: the analyzer must send it once and not again (the harness watches for twice its quiet time).",
		}, func(ctx context.Context, t *harness.T, e *Env) harness.Outcome {
			e.Sim.Set(managersim.Behaviour{Status: 400})
			ids, o := e.Emit(ctx, t, "basic", 1)
			if o != nil {
				return *o
			}
			wctx, cancel := context.WithTimeout(ctx, 2*e.Quiet)
			e.Sim.Wait(wctx, func(reqs []*managersim.Request, _ []managersim.Hello) bool {
				return len(ByID(reqs, ids)[key(ids[0])]) > 1
			})
			cancel()
			got := ByID(e.Sim.Requests(), ids)[key(ids[0])]
			recordRequests(t, map[string][]*managersim.Request{key(ids[0]): got})
			t.Expect("exactly one attempt", fmt.Sprint(len(got)))
			switch len(got) {
			case 0:
				return harness.Failf("not-delivered", "the alert never arrived within %s", 2*e.Quiet)
			case 1:
				return harness.Passf("the alert refused with 400 was sent once and not again")
			}
			return harness.Failf("retried-400", "the alert refused with 400 was sent %d times", len(got))
		}),
		check(harness.Check{
			ID: "ANA-REL-005", Title: "Alerts produced while the manager is away are delivered when it is back",
			Requirements: []string{"R4766-6.1"}, Level: "MUST", Category: "reliability",
			Doc: "The harness stops listening (connections refused), asks for three alerts, waits three seconds, listens again on the same addresses and accepts: all three must then be delivered.",
		}, func(ctx context.Context, t *harness.T, e *Env) harness.Outcome {
			if err := e.Sim.Pause(ctx); err != nil {
				return harness.Errorf("harness-failure", "stopping the simulator: %v", err)
			}
			ids, o := e.Emit(ctx, t, "basic", 3)
			select {
			case <-ctx.Done():
			case <-time.After(3 * time.Second):
			}
			if err := e.Sim.Resume(); err != nil {
				return harness.Errorf("harness-failure", "%v", err)
			}
			if o != nil {
				return *o
			}
			got, ok := e.Delivered(ctx, ids, e.DeliverWithin)
			var missing []string
			for _, id := range ids {
				if len(got[key(id)]) == 0 {
					missing = append(missing, id)
				}
			}
			t.Expect("all 3 delivered after the outage", fmt.Sprintf("%d missing", len(missing)))
			if !ok {
				return harness.Failf("lost-in-outage", "alerts produced during the outage were not delivered within %s of its end: %s", e.DeliverWithin, strings.Join(missing, ", "))
			}
			return harness.Passf("the 3 alerts produced during the outage were delivered after it")
		}),
	}
}

func key(id string) string { return strings.ToLower(id) }

// retriedUntilDelivered sets b (which refuses the first attempt), asks for one alert, and
// checks it is sent again with the same ID and bytes until delivered. It returns the attempts.
func retriedUntilDelivered(ctx context.Context, t *harness.T, e *Env, b managersim.Behaviour) ([]*managersim.Request, *harness.Outcome) {
	e.Sim.Set(b)
	ids, o := e.Emit(ctx, t, "basic", 1)
	if o != nil {
		return nil, o
	}
	// Delivered means a 2xx to an attempt after the refused first one: the first answer may
	// itself be a 2xx (with a bad receipt) that must not count.
	wctx, cancel := context.WithTimeout(ctx, e.DeliverWithin)
	var reqs []*managersim.Request
	ok := e.Sim.Wait(wctx, func(all []*managersim.Request, _ []managersim.Hello) bool {
		reqs = ByID(all, ids)[key(ids[0])]
		for _, r := range reqs[min(1, len(reqs)):] {
			if r.Answer >= 200 && r.Answer < 300 {
				return true
			}
		}
		return false
	})
	cancel()
	recordRequests(t, map[string][]*managersim.Request{key(ids[0]): reqs})
	t.Expect("a refused first attempt, then the same ID and bytes until a 2xx", fmt.Sprintf("%s for %s", plural(len(reqs), "attempt"), ids[0]))
	if !ok {
		var out harness.Outcome
		if len(reqs) <= 1 {
			out = harness.Failf("no-retry", "after the first attempt was refused, alert %s was not sent again under its ID within %s", ids[0], e.DeliverWithin)
		} else {
			out = harness.Failf("not-delivered", "alert %s was sent %d times but never acknowledged", ids[0], len(reqs))
		}
		return nil, &out
	}
	if len(reqs) < 2 {
		out := harness.Errorf("harness-failure", "the first attempt was not refused (%d requests)", len(reqs))
		return nil, &out
	}
	for _, r := range reqs[1:] {
		if !bytes.Equal(r.Body, reqs[0].Body) {
			out := harness.Failf("changed-on-retry", "the retry of %s carried other bytes than the first attempt", ids[0])
			return nil, &out
		}
	}
	return reqs, nil
}

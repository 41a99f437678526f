package analyzerrole

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/idmefcheck/idmefcheck/conformance/harness"
	"github.com/idmefcheck/idmefcheck/conformance/managersim"
)

// Checks returns every analyzer-role check.
func Checks() []harness.Check {
	return slices.Concat(messageChecks(), transportChecks(), tlsChecks(), reliabilityChecks(), signatureChecks(), addressingChecks(), pullChecks())
}

type runFunc func(ctx context.Context, t *harness.T, e *Env) harness.Outcome

// check completes a definition. Every analyzer-role check runs alone: the simulator's
// behaviour is one for all, and the analyzer's traffic is one stream.
func check(c harness.Check, run runFunc) harness.Check {
	c.Role = harness.RoleAnalyzer
	c.Serial = true
	if c.Timeout == 0 {
		c.Timeout = 60 * time.Second
	}
	c.Run = func(ctx context.Context, t *harness.T) harness.Outcome {
		e, ok := t.Env.(*Env)
		if !ok {
			return harness.Errorf("harness-bug", "the runner's environment is a %T, not an analyzer-role Env", t.Env)
		}
		// Whatever a check set, the next one starts from a manager that accepts.
		defer e.Sim.Set(managersim.Behaviour{})
		return run(ctx, t, e)
	}
	return c
}

// emitDelivered emits and waits for delivery with the simulator accepting; it returns the
// requests carrying the IDs, or the outcome the check ends with.
func emitDelivered(ctx context.Context, t *harness.T, e *Env, scenario string, count int) ([]string, map[string][]*managersim.Request, *harness.Outcome) {
	e.Sim.Set(managersim.Behaviour{})
	ids, o := e.Emit(ctx, t, scenario, count)
	if o != nil {
		return nil, nil, o
	}
	got, ok := e.Delivered(ctx, ids, e.DeliverWithin)
	if !ok {
		var missing []string
		for _, id := range ids {
			if len(got[strings.ToLower(id)]) == 0 {
				missing = append(missing, id)
			}
		}
		out := harness.Failf("not-delivered", "%d of %d %s alerts were not delivered within %s while the harness accepted everything: %s",
			len(missing), len(ids), scenario, e.DeliverWithin, strings.Join(missing, ", "))
		if len(missing) == 0 {
			out = harness.Failf("not-delivered", "the %s alerts arrived but were never acknowledged with a 2xx within %s", scenario, e.DeliverWithin)
		}
		recordRequests(t, got)
		return ids, got, &out
	}
	return ids, got, nil
}

func recordRequests(t *harness.T, got map[string][]*managersim.Request) {
	n := 0
	for _, reqs := range got {
		for _, r := range reqs {
			if n >= 20 {
				t.Notef("(more requests not shown)")
				return
			}
			t.Evidence("request", "received "+r.ID, r.Describe())
			n++
		}
	}
}

// first returns the first request of each ID, in ID order.
func first(ids []string, got map[string][]*managersim.Request) []*managersim.Request {
	var out []*managersim.Request
	for _, id := range ids {
		if rs := got[strings.ToLower(id)]; len(rs) > 0 {
			out = append(out, rs[0])
		}
	}
	return out
}

func plural(n int, word string) string {
	if n == 1 {
		return fmt.Sprintf("1 %s", word)
	}
	return fmt.Sprintf("%d %ss", n, word)
}

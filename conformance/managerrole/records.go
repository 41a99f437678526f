package managerrole

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"sort"
	"strings"

	"github.com/idmefcheck/idmefcheck/conformance/alerts"
	"github.com/idmefcheck/idmefcheck/conformance/harness"
	"github.com/idmefcheck/idmefcheck/conformance/observe"
	"github.com/idmefcheck/idmefcheck/conformance/target"
)

// Helpers of the denial-of-service, duplication and reliability checks: how many records an
// ID has once the manager has settled, and whether a stored message is the one sent.

func alertSpec(description string) alerts.Spec { return alerts.Spec{Description: description} }

// settledRecords waits the settle time and then returns the records of each ID, so that a
// second record written late is seen too (Stored returns as soon as one is there). The
// outcome is set when the channel cannot say.
func settledRecords(ctx context.Context, t *harness.T, e *Env, ids ...string) (map[string][]observe.Observation, *harness.Outcome) {
	got, err := e.NotStored(ctx, ids...)
	if err != nil {
		o := observationOutcome(err)
		return nil, &o
	}
	for _, id := range ids {
		recordObservations(t, got[keyOf(id)])
	}
	return got, nil
}

// sameMessage reports whether a stored message is the one sent: the same bytes, or, when
// the channel re-serializes (a bare export), the same JSON value.
func sameMessage(stored observe.Observation, sent []byte) bool {
	if bytes.Equal(stored.Message, sent) {
		return true
	}
	if stored.Exact {
		return false
	}
	var a, b any
	if json.Unmarshal(stored.Message, &a) != nil || json.Unmarshal(sent, &b) != nil {
		return false
	}
	return reflect.DeepEqual(a, b)
}

// statusCounts words how many exchanges ended in each outcome: "100× 204" or
// "99× 204, 1× no answer".
func statusCounts(xs []*target.Exchange) string {
	counts := map[string]int{}
	for _, x := range xs {
		k := fmt.Sprint(x.Status)
		if !x.Answered() {
			k = "no answer"
		}
		counts[k]++
	}
	keys := make([]string, 0, len(counts))
	for k := range counts {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%d× %s", counts[k], k)
	}
	return strings.Join(parts, ", ")
}

// is5xx reports an answer that blames the manager itself.
func is5xx(x *target.Exchange) bool { return x.Status >= 500 }

// is4xx reports a refusal that blames the request.
func is4xx(x *target.Exchange) bool { return x.Status >= 400 && x.Status < 500 }

// findings collects what a check found wrong; the first problem's reason is the verdict's.
type findings struct {
	reason string
	list   []string
}

func (f *findings) add(reason, format string, args ...any) {
	if f.reason == "" {
		f.reason = reason
	}
	f.list = append(f.list, fmt.Sprintf(format, args...))
}

func (f *findings) String() string { return orNone(f.list) }

package managerrole

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"slices"
	"strconv"
	"strings"

	"github.com/idmefcheck/idmefcheck/conformance/alerts"
	"github.com/idmefcheck/idmefcheck/conformance/harness"
	"github.com/idmefcheck/idmefcheck/conformance/observe"
	"github.com/idmefcheck/idmefcheck/conformance/target"
)

// keptCase is one alert a check sends and expects acknowledged and stored with some of its
// values unchanged.
type keptCase struct {
	// Label names the case in evidence and verdicts ("offset +05:45").
	Label string
	Msg   *alerts.Message
	// Fields are JSON Pointers (RFC 6901) whose values the stored alert must hold unchanged;
	// "" is the whole message.
	Fields []string
	// SameString compares two strings of the sent and stored values when the channel shows a
	// re-serialization (nil: equal strings); an exact channel is always compared byte for byte.
	SameString func(sent, stored string) bool
}

// deliverAndKeep sends every case the ordinary way, then judges them together: each must be
// acknowledged with a 2xx, be observable within the settle time, and hold its Fields
// unchanged. Values are compared as JSON values (numbers by their exact decimal value,
// strings exactly, member order ignored), since a channel that exports a re-serialization
// cannot show the bytes received; a channel that shows the bytes received (Observation.Exact)
// must show exactly the bytes sent. what words the cases for the verdict ("13 alerts with
// CreateTime offsets").
func deliverAndKeep(ctx context.Context, t *harness.T, e *Env, what string, cases []keptCase) harness.Outcome {
	var notAcked, notStored, altered []string
	var acked []keptCase
	for _, c := range cases {
		x := e.Deliver(ctx, t, c.Label, c.Msg.Body)
		if !x.Success() {
			notAcked = append(notAcked, fmt.Sprintf("%s: %s", c.Label, x.Outcome()))
			continue
		}
		acked = append(acked, c)
	}
	if len(acked) > 0 {
		ids := make([]string, len(acked))
		for i, c := range acked {
			ids[i] = c.Msg.ID
		}
		got, err := e.Stored(ctx, ids...)
		if err != nil {
			if len(notAcked) == 0 {
				return observationOutcome(err)
			}
			// The refusals alone fail the check; say that the rest could not be judged.
			t.Notef("the acknowledged alerts could not be looked up: %v", err)
		}
		for _, c := range acked {
			if err != nil {
				break
			}
			obs := got[observe.Key(c.Msg.ID)]
			if len(obs) == 0 {
				notStored = append(notStored, fmt.Sprintf("%s: alert %s acknowledged but not found in %s after %s", c.Label, c.Msg.ID, e.Observe.Describe(), e.Settle))
				continue
			}
			if diffs := storedDiffs(obs[0], c); len(diffs) > 0 {
				recordObservations(t, obs[:1])
				altered = append(altered, fmt.Sprintf("%s: %s", c.Label, strings.Join(diffs, "; ")))
			}
		}
	}
	problems := slices.Concat(notAcked, notStored, altered)
	t.Expect(fmt.Sprintf("%s: each acknowledged (2xx) and stored unchanged", what), joinOr(problems, "each acknowledged and stored unchanged"))
	switch {
	case len(notAcked) > 0:
		return harness.Failf(reasonNotAcked, "%d of %s not acknowledged: %s", len(notAcked), what, strings.Join(problems, " | "))
	case len(notStored) > 0:
		return harness.Failf(reasonNotStored, "%d of %s acknowledged but not stored: %s", len(notStored), what, strings.Join(problems, " | "))
	case len(altered) > 0:
		return harness.Failf(reasonAltered, "%d of %s stored altered: %s", len(altered), what, strings.Join(problems, " | "))
	}
	return harness.Passf("%s were acknowledged and stored unchanged (%s)", what, e.Observe.Describe())
}

func joinOr(items []string, none string) string {
	if len(items) == 0 {
		return none
	}
	return strings.Join(items, "\n")
}

// storedDiffs compares a stored alert with the case sent and words each difference.
func storedDiffs(o observe.Observation, c keptCase) []string {
	sent, err := decodeJSON(c.Msg.Body)
	if err != nil {
		return []string{fmt.Sprintf("harness bug: the alert sent is not JSON: %v", err)}
	}
	stored, err := decodeJSON(o.Message)
	if err != nil {
		return []string{fmt.Sprintf("the stored alert (%s) is not JSON: %v", o.Where, err)}
	}
	same := c.SameString
	if same == nil || o.Exact {
		same = func(a, b string) bool { return a == b }
	}
	var diffs []string
	for _, ptr := range c.Fields {
		want, ok := pointerGet(sent, ptr)
		if !ok {
			diffs = append(diffs, fmt.Sprintf("harness bug: %s is not in the alert sent", ptr))
			continue
		}
		have, ok := pointerGet(stored, ptr)
		if !ok {
			diffs = append(diffs, fmt.Sprintf("%s is missing from the stored alert (sent %s)", showPtr(ptr), showValue(want)))
			continue
		}
		if at, w, h, differ := firstDiff(ptr, want, have, same); differ {
			d := fmt.Sprintf("%s: sent %s, stored %s", showPtr(at), showValue(w), showValue(h))
			if ws, ok := w.(string); ok {
				if hs, ok := h.(string); ok {
					d += " (" + runeDiff(ws, hs) + ")"
				}
			}
			diffs = append(diffs, d)
		}
	}
	if len(diffs) == 0 && o.Exact && !bytes.Equal(o.Message, c.Msg.Body) {
		i := 0
		for i < len(o.Message) && i < len(c.Msg.Body) && o.Message[i] == c.Msg.Body[i] {
			i++
		}
		diffs = append(diffs, fmt.Sprintf("the channel shows the bytes received (%s), and they differ from the bytes sent from byte %d: sent …%q…, stored …%q…",
			o.Where, i, excerpt(c.Msg.Body, i), excerpt(o.Message, i)))
	}
	return diffs
}

// runeDiff words where two strings first differ, by code point, since text that differs
// only in normalisation or invisible characters looks the same when printed.
func runeDiff(a, b string) string {
	ra, rb := []rune(a), []rune(b)
	i := 0
	for i < len(ra) && i < len(rb) && ra[i] == rb[i] {
		i++
	}
	cps := func(r []rune) string {
		if i >= len(r) {
			return "the end"
		}
		var out []string
		for _, c := range r[i:min(i+4, len(r))] {
			out = append(out, fmt.Sprintf("U+%04X", c))
		}
		return strings.Join(out, " ")
	}
	return fmt.Sprintf("from character %d: sent %s, stored %s", i, cps(ra), cps(rb))
}

func excerpt(b []byte, at int) []byte {
	end := min(at+40, len(b))
	return b[at:end]
}

func showPtr(ptr string) string {
	if ptr == "" {
		return "the message"
	}
	return ptr
}

func showValue(v any) string {
	if v == missing {
		return "nothing"
	}
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	if len(b) > 200 {
		return string(b[:200]) + "…"
	}
	return string(b)
}

// decodeJSON reads one JSON value keeping numbers as written.
func decodeJSON(b []byte) (any, error) {
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		return nil, err
	}
	if d.More() {
		return nil, errors.New("data after the JSON value")
	}
	return v, nil
}

// pointerGet resolves an RFC 6901 JSON Pointer.
func pointerGet(doc any, ptr string) (any, bool) {
	if ptr == "" {
		return doc, true
	}
	if !strings.HasPrefix(ptr, "/") {
		return nil, false
	}
	cur := doc
	for _, tok := range strings.Split(ptr[1:], "/") {
		tok = strings.NewReplacer("~1", "/", "~0", "~").Replace(tok)
		switch v := cur.(type) {
		case map[string]any:
			next, ok := v[tok]
			if !ok {
				return nil, false
			}
			cur = next
		case []any:
			i, err := strconv.Atoi(tok)
			if err != nil || i < 0 || i >= len(v) {
				return nil, false
			}
			cur = v[i]
		default:
			return nil, false
		}
	}
	return cur, true
}

// missing stands for an absent member or element in differences.
var missing = &struct{}{}

// firstDiff finds the first place where a (sent) and b (stored) differ as JSON values:
// objects by member whatever their order, arrays element by element, numbers by exact
// decimal value (1e3 equals 1000), strings by same.
func firstDiff(ptr string, a, b any, same func(a, b string) bool) (string, any, any, bool) {
	switch av := a.(type) {
	case map[string]any:
		bv, ok := b.(map[string]any)
		if !ok {
			return ptr, a, b, true
		}
		keys := make([]string, 0, len(av)+len(bv))
		for k := range av {
			keys = append(keys, k)
		}
		for k := range bv {
			if _, ok := av[k]; !ok {
				keys = append(keys, k)
			}
		}
		slices.Sort(keys)
		for _, k := range keys {
			sub := ptr + "/" + strings.NewReplacer("~", "~0", "/", "~1").Replace(k)
			x, okA := av[k]
			y, okB := bv[k]
			switch {
			case !okA:
				return sub, missing, y, true
			case !okB:
				return sub, x, missing, true
			}
			if p, x2, y2, d := firstDiff(sub, x, y, same); d {
				return p, x2, y2, true
			}
		}
		return "", nil, nil, false
	case []any:
		bv, ok := b.([]any)
		if !ok {
			return ptr, a, b, true
		}
		for i := 0; i < max(len(av), len(bv)); i++ {
			sub := ptr + "/" + strconv.Itoa(i)
			switch {
			case i >= len(av):
				return sub, missing, bv[i], true
			case i >= len(bv):
				return sub, av[i], missing, true
			}
			if p, x, y, d := firstDiff(sub, av[i], bv[i], same); d {
				return p, x, y, true
			}
		}
		return "", nil, nil, false
	case json.Number:
		bv, ok := b.(json.Number)
		if !ok || !sameNumber(av, bv) {
			return ptr, a, b, true
		}
		return "", nil, nil, false
	case string:
		bv, ok := b.(string)
		if !ok || !same(av, bv) {
			return ptr, a, b, true
		}
		return "", nil, nil, false
	default: // bool, nil
		if a != b {
			return ptr, a, b, true
		}
		return "", nil, nil, false
	}
}

// sameNumber compares two JSON numbers by their exact decimal value.
func sameNumber(a, b json.Number) bool {
	if a == b {
		return true
	}
	x, okA := new(big.Rat).SetString(string(a))
	y, okB := new(big.Rat).SetString(string(b))
	return okA && okB && x.Cmp(y) == 0
}

// refuseCase is a request body a check expects refused with a 4xx and not stored.
type refuseCase struct {
	Label string
	// ID is the alert ID the body carries, looked up afterwards.
	ID   string
	Body []byte
}

// refusedWith4xx sends every case (signed when the harness signs) and judges them
// together: each must be answered with a 4xx (IDMEF2T-4.3-20: never 2xx, never 5xx, and an
// answer rather than a closed connection, since the request was well-formed HTTP from an
// authenticated peer), and none may be stored. Without an observation channel a run whose
// answers are all 4xx is inconclusive.
func refusedWith4xx(ctx context.Context, t *harness.T, e *Env, what string, cases []refuseCase) harness.Outcome {
	var accepted, wrong, silent []string
	ids := make([]string, 0, len(cases))
	for _, c := range cases {
		ids = append(ids, c.ID)
		x := e.Send(ctx, t, c.Label, target.Dial{}, target.Request{Body: c.Body, Sign: e.Signs()})
		switch {
		case x.Status >= 400 && x.Status < 500:
		case x.Success():
			accepted = append(accepted, fmt.Sprintf("%s: %s", c.Label, x.Outcome()))
		case x.Answered():
			wrong = append(wrong, fmt.Sprintf("%s: %s", c.Label, x.Outcome()))
		default:
			switch x.Refusal() {
			case "other":
				return harness.Errorf(reasonHarness, "sending %s failed on the harness's side: %v", c.Label, x.Err)
			case "timeout":
				silent = append(silent, fmt.Sprintf("%s: no answer in time (%v)", c.Label, x.Err))
			default:
				wrong = append(wrong, fmt.Sprintf("%s: the connection ended without an answer (%v)", c.Label, x.Err))
			}
		}
	}
	problems := slices.Concat(accepted, wrong, silent)
	expected := fmt.Sprintf("%s: each answered 4xx and not stored", what)
	switch {
	case len(accepted) > 0:
		t.Expect(expected, strings.Join(problems, "\n"))
		return harness.Failf(reasonAccepted, "%d of %s acknowledged: %s", len(accepted), what, strings.Join(problems, " | "))
	case len(wrong) > 0:
		t.Expect(expected, strings.Join(problems, "\n"))
		return harness.Failf(reasonWrongStatus, "%d of %s not answered with a 4xx: %s", len(wrong), what, strings.Join(problems, " | "))
	case len(silent) > 0:
		t.Expect(expected, strings.Join(problems, "\n"))
		return harness.Failf(reasonTimeout, "%d of %s never answered: %s", len(silent), what, strings.Join(problems, " | "))
	}
	got, err := e.NotStored(ctx, ids...)
	if err != nil {
		t.Expect(expected, "each answered 4xx; storage unknown")
		if errors.Is(err, observe.ErrNoChannel) {
			return harness.Inconclusivef(reasonNoObservation, "each of %s was answered with a 4xx, but without an observation channel the harness cannot tell whether any was stored", what)
		}
		return observationOutcome(err)
	}
	var stored []string
	for _, c := range cases {
		if obs := got[observe.Key(c.ID)]; len(obs) > 0 {
			recordObservations(t, obs)
			stored = append(stored, fmt.Sprintf("%s: alert %s stored", c.Label, c.ID))
		}
	}
	if len(stored) > 0 {
		t.Expect(expected, strings.Join(stored, "\n"))
		return harness.Failf(reasonStored, "%d of %s answered 4xx but stored anyway: %s", len(stored), what, strings.Join(stored, " | "))
	}
	t.Expect(expected, "each answered 4xx, none stored")
	return harness.Passf("each of %s was answered with a 4xx and none was stored (%s after %s)", what, e.Observe.Describe(), e.Settle)
}

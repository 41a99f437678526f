package managerrole

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/idmefcheck/idmefcheck/conformance/alerts"
	"github.com/idmefcheck/idmefcheck/conformance/faultproxy"
	"github.com/idmefcheck/idmefcheck/conformance/harness"
	"github.com/idmefcheck/idmefcheck/conformance/target"
)

const (
	// batchSize is how many alerts the reliability checks deliver and then look for.
	batchSize = 20
	// cutPadding is the padding of the alerts MGR-REL-003 cuts mid-body: large enough that a
	// cut halfway through lands in the body whatever the handshake and headers weigh.
	cutPadding = 48 << 10
)

func relChecks() []harness.Check {
	return []harness.Check{
		check(harness.Check{
			ID: "MGR-REL-001", Title: "Every acknowledged alert is observable",
			Requirements: []string{"R4766-6.1", "IDMEF2T-4.3-21"}, Level: "MUST", Category: "reliability",
			Doc: fmt.Sprintf("Delivers %d valid alerts, four at a time, each on its own connection. Every one must be acknowledged, and every acknowledged one must then be found, exactly as sent, through the observation channel within the settle time: a 2xx means the alert is safely kept.", batchSize),
		}, func(ctx context.Context, t *harness.T, e *Env) harness.Outcome {
			ms, xs, o := deliverBatch(ctx, t, e, "batch")
			if o != nil {
				return *o
			}
			return allKept(ctx, t, e, ms, xs, "")
		}),
		check(harness.Check{
			ID: "MGR-REL-002", Title: "Every acknowledged alert survives a restart",
			Requirements: []string{"R4766-6.1", "IDMEF2T-4.3-21"}, Level: "MUST", Category: "reliability",
			Timeout: 120 * time.Second, Serial: true,
			Doc: fmt.Sprintf("Needs the statement's restart command. Delivers %d valid alerts, restarts the manager as soon as the last is acknowledged, waits until it acknowledges alerts again, and then looks for every acknowledged alert through the observation channel: each must be there, exactly as sent. "+
				"An alert acknowledged before it was written to durable storage is lost here.", batchSize),
		}, func(ctx context.Context, t *harness.T, e *Env) harness.Outcome {
			if e.Restart == nil {
				return harness.NotApplicablef("no-restart-command", "the statement names no restart command, so durability across a restart cannot be tested")
			}
			ms, xs, o := deliverBatch(ctx, t, e, "before the restart")
			if o != nil {
				return *o
			}
			start := time.Now()
			if err := e.Restart(ctx); err != nil {
				return harness.Errorf("restart-failed", "restarting the manager: %v", err)
			}
			t.Notef("the manager was restarted and acknowledged alerts again after %s", time.Since(start).Round(time.Millisecond))
			return allKept(ctx, t, e, ms, xs, " after the restart")
		}),
		check(harness.Check{
			ID: "MGR-REL-003", Title: "A connection cut mid-body stores nothing, and the resend is stored once",
			Requirements: []string{"R4766-6.1", "IDMEF2T-4.3-21"}, Level: "MUST", Category: "reliability",
			Timeout: 60 * time.Second,
			Doc: fmt.Sprintf("Sends alerts padded to %d KiB over HTTP/1.1 through the fault proxy. A first alert goes through whole, to measure how many bytes a delivery takes. "+
				"Then one alert's connection is reset (RST) halfway through its body, and another's stalls halfway (the proxy stops forwarding and holds the connection; the harness gives up after 2 s, and the proxy then closes it). "+
				"Neither alert may be acknowledged or stored. Each is then sent again, whole, on a new connection: each must be acknowledged and stored exactly once, as sent. "+
				"This catches a manager that keeps part of a message, and one that remembers an ID it never stored, so that the analyzer's retry is taken for a repeat and the alert lost.", cutPadding>>10),
		}, cutMidBody),
		check(harness.Check{
			ID: "MGR-REL-004", Title: "Invalid messages get 4xx, never 2xx or 5xx, and are not stored",
			Requirements: []string{"IDMEF2T-4.3-20", "R4766-6.1"}, Level: "MUST", Category: "reliability",
			Doc: "Sends, each signed when the statement claims signatures: a schema-invalid alert (Priority \"Urgent\"), an alert without ID, an alert whose CreateTime has no offset (which the published schema lets through and the format forbids), a body that is not JSON, an empty body, and a JSON array holding a valid alert. " +
				"Each must be answered with a 4xx (a 2xx would claim a bad message was kept, a 5xx would make the analyzer retry it forever), and none of those carrying an ID may be stored.",
		}, invalidMessages),
	}
}

// deliverBatch delivers batchSize alerts, four at a time; every one must be acknowledged.
func deliverBatch(ctx context.Context, t *harness.T, e *Env, label string) ([]*alerts.Message, []*target.Exchange, *harness.Outcome) {
	ms := make([]*alerts.Message, batchSize)
	for i := range ms {
		m, o := makeAlert(e, alertSpec(fmt.Sprintf("reliability %s %d/%d", label, i+1, batchSize)))
		if o != nil {
			return nil, nil, o
		}
		ms[i] = m
	}
	xs := make([]*target.Exchange, batchSize)
	sem := make(chan struct{}, 4)
	var wg sync.WaitGroup
	for i, m := range ms {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			xs[i] = e.Send(ctx, nil, "", target.Dial{}, target.Request{Body: m.Body, Sign: e.Signs()})
		}()
	}
	wg.Wait()
	xs[0].Record(t, label+": the first alert")
	t.Notef("%d alerts %s: %s", batchSize, label, statusCounts(xs))
	for i, x := range xs {
		if !x.Success() {
			x.Record(t, fmt.Sprintf("%s: alert %d", label, i+1))
			t.Expect(fmt.Sprintf("%d alerts acknowledged", batchSize), statusCounts(xs))
			o := harness.Failf(reasonNotAcked, "alert %s (%d of %d) was not acknowledged: %s", ms[i].ID, i+1, batchSize, x.Outcome())
			return nil, nil, &o
		}
	}
	return ms, xs, nil
}

// allKept passes when every acknowledged alert of a batch is observable as sent.
func allKept(ctx context.Context, t *harness.T, e *Env, ms []*alerts.Message, xs []*target.Exchange, when string) harness.Outcome {
	ids := make([]string, len(ms))
	for i, m := range ms {
		ids[i] = m.ID
	}
	got, err := e.Stored(ctx, ids...)
	if err != nil {
		return observationOutcome(err)
	}
	var missing, altered []string
	for _, m := range ms {
		obs := got[keyOf(m.ID)]
		switch {
		case len(obs) == 0:
			missing = append(missing, m.ID)
		case !sameMessage(obs[0], m.Body):
			altered = append(altered, m.ID)
			recordObservations(t, obs)
		}
	}
	if len(missing) == 0 && len(altered) == 0 {
		recordObservations(t, got[keyOf(ms[0].ID)])
	}
	t.Expect(fmt.Sprintf("all %d acknowledged alerts observable%s", len(ms), when), fmt.Sprintf("%d missing, %d altered", len(missing), len(altered)))
	switch {
	case len(missing) > 0:
		return harness.Failf(reasonNotStored, "%d of %d acknowledged alerts cannot be found in %s%s after %s: %s", len(missing), len(ms), e.Observe.Describe(), when, e.Settle, strings.Join(firstN(missing, 5), ", "))
	case len(altered) > 0:
		return harness.Failf(reasonAltered, "%d acknowledged alerts were stored other than sent%s: %s", len(altered), when, strings.Join(firstN(altered, 5), ", "))
	}
	return harness.Passf("all %d acknowledged alerts are observable%s, exactly as sent", len(ms), when)
}

func cutMidBody(ctx context.Context, t *harness.T, e *Env) harness.Outcome {
	p, err := faultproxy.Start(ctx, e.Target().Addr(), e.Log)
	if err != nil {
		return harness.Errorf(reasonHarness, "%v", err)
	}
	defer p.Close()
	mk := func(what string) (*alerts.Message, *harness.Outcome) {
		return makeAlert(e, alerts.Spec{Description: what, Padding: cutPadding})
	}
	via := target.Dial{Via: p.Addr(), HTTP1: true}

	// Measure: a whole delivery through the proxy, and the bytes it took.
	ruler, o := mk("measures a delivery")
	if o != nil {
		return *o
	}
	x := e.Send(ctx, t, "a whole delivery through the proxy", via, target.Request{Body: ruler.Body, Sign: e.Signs()})
	if !x.Success() {
		return harness.Failf(reasonNotAcked, "an alert sent whole through the fault proxy was not acknowledged: %s", x.Outcome())
	}
	caps := p.Captures()
	if len(caps) != 1 {
		return harness.Errorf(reasonHarness, "the fault proxy saw %d connections for one delivery", len(caps))
	}
	select {
	case <-caps[0].Done():
	case <-time.After(5 * time.Second):
		return harness.Errorf(reasonHarness, "the measuring connection did not end within 5 s")
	}
	total := int64(len(caps[0].Upstream()))
	cut := total - int64(len(ruler.Body))/2
	t.Notef("a whole delivery of a %d-byte alert took %d bytes upstream; the cuts come after %d bytes, halfway through the body", len(ruler.Body), total, cut)

	reset, o := mk("cut by a reset")
	if o != nil {
		return *o
	}
	stall, o := mk("cut by a stall")
	if o != nil {
		return *o
	}
	var bad findings
	plan := faultproxy.Forward
	plan.ResetAfter = cut
	p.SetPlan(plan)
	xr := e.Send(ctx, t, "reset halfway through the body", via, target.Request{Body: reset.Body, Sign: e.Signs()})
	if xr.Answered() && xr.Success() {
		bad.add(reasonAccepted, "the alert cut by a reset was acknowledged (%s)", xr.Outcome())
	}
	plan = faultproxy.Forward
	plan.StallAfter = cut
	p.SetPlan(plan)
	stalled := via
	stalled.Timeout = 2 * time.Second
	xs := e.Send(ctx, t, "stalled halfway through the body", stalled, target.Request{Body: stall.Body, Sign: e.Signs()})
	if xs.Answered() && xs.Success() {
		bad.add(reasonAccepted, "the stalled alert was acknowledged (%s)", xs.Outcome())
	}
	// Close the stalled connection now, as a client that gave up and a network that
	// dropped it would: the manager sees the body end halfway.
	p.Close()
	t.Notef("the proxy closed the stalled connection")

	got, err := e.NotStored(ctx, reset.ID, stall.ID)
	if err != nil {
		return observationOutcome(err)
	}
	for _, m := range []*alerts.Message{reset, stall} {
		if obs := got[keyOf(m.ID)]; len(obs) > 0 {
			recordObservations(t, obs)
			bad.add(reasonStored, "alert %s was stored though its body never arrived whole", m.ID)
		}
	}

	// The analyzer's retry: the same bytes, whole, on a new connection.
	var resent []*alerts.Message
	for _, m := range []*alerts.Message{reset, stall} {
		x := e.Deliver(ctx, t, "resent whole: "+m.ID, m.Body)
		if !x.Success() {
			bad.add(reasonNotAcked, "the resend of alert %s was not acknowledged: %s", m.ID, x.Outcome())
			continue
		}
		resent = append(resent, m)
	}
	if len(resent) > 0 {
		ids := []string{}
		for _, m := range resent {
			ids = append(ids, m.ID)
		}
		got, o := settledRecords(ctx, t, e, ids...)
		if o != nil {
			return *o
		}
		for _, m := range resent {
			obs := got[keyOf(m.ID)]
			switch {
			case len(obs) == 0:
				bad.add(reasonNotStored, "the resend of alert %s was acknowledged but the alert was never stored", m.ID)
			case len(obs) > 1:
				bad.add(reasonStored, "alert %s has %d records", m.ID, len(obs))
			case !sameMessage(obs[0], m.Body):
				bad.add(reasonAltered, "alert %s was stored other than sent", m.ID)
			}
		}
	}
	t.Expect("the cut deliveries neither acknowledged nor stored; each resend acknowledged and stored once, as sent", bad.String())
	if bad.reason != "" {
		return harness.Failf(bad.reason, "%s", strings.Join(bad.list, "; "))
	}
	return harness.Passf("neither cut delivery was stored, and both resends were acknowledged and stored once")
}

func invalidMessages(ctx context.Context, t *harness.T, e *Env) harness.Outcome {
	type invalid struct {
		name string
		id   string // the ID the body carries, "" when none
		body []byte
	}
	var cases []invalid
	add := func(name string, edit func(m *alerts.Message) (string, []byte)) *harness.Outcome {
		m, o := makeAlert(e, alertSpec("invalid: "+name))
		if o != nil {
			return o
		}
		id, body := edit(m)
		if bytes.Equal(body, m.Body) {
			o := harness.Errorf(reasonHarness, "making the %s: the edit changed nothing", name)
			return &o
		}
		cases = append(cases, invalid{name, id, body})
		return nil
	}
	idMember := func(m *alerts.Message) []byte { return []byte(`"ID":"` + m.ID + `",`) }
	for _, c := range []struct {
		name string
		edit func(m *alerts.Message) (string, []byte)
	}{
		{"schema-invalid alert (Priority \"Urgent\")", func(m *alerts.Message) (string, []byte) {
			return m.ID, bytes.Replace(m.Body, []byte(`"Priority":"Medium"`), []byte(`"Priority":"Urgent"`), 1)
		}},
		{"alert without ID", func(m *alerts.Message) (string, []byte) {
			return "", bytes.Replace(m.Body, idMember(m), nil, 1)
		}},
		{"CreateTime without offset", func(m *alerts.Message) (string, []byte) {
			local := m.CreateTime[:len("2006-01-02T15:04:05.000")]
			return m.ID, bytes.Replace(m.Body, []byte(`"CreateTime":"`+m.CreateTime+`"`), []byte(`"CreateTime":"`+local+`"`), 1)
		}},
		{"body that is not JSON", func(m *alerts.Message) (string, []byte) {
			return "", []byte("ID " + m.ID + ": this is not JSON")
		}},
		{"empty body", func(*alerts.Message) (string, []byte) { return "", []byte{} }},
		{"JSON array holding a valid alert", func(m *alerts.Message) (string, []byte) {
			return m.ID, append(append([]byte("["), m.Body...), ']')
		}},
	} {
		if o := add(c.name, c.edit); o != nil {
			return *o
		}
	}
	var bad findings
	var ids []string
	for _, c := range cases {
		x := e.Send(ctx, t, c.name, target.Dial{}, target.Request{Body: c.body, Sign: e.Signs()})
		switch {
		case is4xx(x):
		case x.Success():
			bad.add(reasonAccepted, "%s: acknowledged (%s)", c.name, x.Outcome())
		default:
			bad.add(reasonWrongStatus, "%s: %s, not a 4xx", c.name, x.Outcome())
		}
		if c.id != "" {
			ids = append(ids, c.id)
		}
	}
	got, err := e.NotStored(ctx, ids...)
	if err != nil {
		return observationOutcome(err)
	}
	for _, id := range ids {
		if obs := got[keyOf(id)]; len(obs) > 0 {
			recordObservations(t, obs)
			bad.add(reasonStored, "invalid alert %s was stored", id)
		}
	}
	t.Expect("4xx for each, nothing stored", bad.String())
	if bad.reason != "" {
		return harness.Failf(bad.reason, "%s", strings.Join(bad.list, "; "))
	}
	return harness.Passf("each of the %d invalid messages got a 4xx and none was stored", len(cases))
}

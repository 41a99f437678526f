package managerrole

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/idmefcheck/idmefcheck/conformance/alerts"
	"github.com/idmefcheck/idmefcheck/conformance/faultproxy"
	"github.com/idmefcheck/idmefcheck/conformance/harness"
	"github.com/idmefcheck/idmefcheck/conformance/observe"
	"github.com/idmefcheck/idmefcheck/conformance/target"
	"github.com/idmefcheck/idmefcheck/reference/httpsig"
)

// Integrity: an alert changed between analyzer and manager must not be taken as genuine
// (R4766-6.5). Below the application, the harness alters TLS records on the path with the
// fault proxy; above it (reference profile), it alters a signed body.

func integChecks() []harness.Check {
	return []harness.Check{
		check(harness.Check{
			ID: "MGR-INTEG-001", Title: "A request whose body record was altered on the path is neither acknowledged nor stored",
			Requirements: []string{"R4766-6.5", "IDMEF2-6-1"}, Level: "MUST", Category: "integrity", Timeout: 45 * time.Second,
			Doc: "Sends alerts over HTTP/1.1 with chunked bodies through the fault proxy, each on a new connection, so that the request's header block, its body and its last chunk each travel in a TLS record of their own. A clean request locates the body's record (an application-data record of the body chunk's exact length); on the next connection the proxy flips one bit in the middle of that record, and the harness confirms from the bytes that the bit was inside it. The manager must not acknowledge the altered request (a TLS alert, a reset or a 4xx/5xx are all refusals) and must not store its alert. A manager that answers before it has read and authenticated the whole body fails.",
		}, runFlippedRecord),
		check(harness.Check{
			ID: "MGR-INTEG-002", Title: "A TLS record replayed inside its connection is not taken as part of a request",
			Requirements: []string{"R4766-6.5", "IDMEF2-6-1"}, Level: "MUST", Category: "integrity", Timeout: 45 * time.Second,
			Doc: "As MGR-INTEG-001, a clean chunked HTTP/1.1 request through the fault proxy locates the TLS record carrying the body; on the next connection the proxy writes that record twice in a row, as an attacker on the path replaying it would, so that without TLS's protection the manager would read the alert twice over. TLS numbers its records, so the replay cannot authenticate: the manager must not acknowledge the request nor store its alert.",
		}, runDuplicatedRecord),
		check(harness.Check{
			ID: "MGR-INTEG-003", Title: "(profile) A body altered after signing is refused and not stored",
			Requirements: []string{"R4766-6.5"}, Level: "MUST", Category: "integrity", Needs: []string{"signatures"},
			Doc: "Signs two valid alerts (RFC 9421 over Content-Digest) and changes each body after signing into another valid alert with the same ID, as an attacker past TLS (a proxy, a relay) would: the first keeps the original Content-Digest, the second carries a Content-Digest recomputed for the new body, which the signature then no longer covers. The manager must refuse both (4xx or a closed connection) and store neither.",
		}, runAlteredAfterSign),
	}
}

// tlsRecord is one record as it crossed the wire: where it starts in the client's byte
// stream, its content type and its payload length (encrypted records are opaque).
type tlsRecord struct {
	Offset int64
	Type   byte
	Length int
}

func (r tlsRecord) end() int64 { return r.Offset + 5 + int64(r.Length) }

const recordApplicationData = 23

// chunkRecordLength is the payload length of the TLS 1.3 record in which the harness's
// HTTP/1.1 client sends a body of n bytes as one chunk: net/http flushes the header block,
// each chunk and the last chunk separately, so each travels in a record of its own. The
// payload is the chunk with its framing, the inner content type and a 16-byte AEAD tag
// (every TLS 1.3 suite the harness offers has one).
func chunkRecordLength(n int) int { return len(fmt.Sprintf("%x\r\n", n)) + n + len("\r\n") + 1 + 16 }

// tlsRecords splits a byte stream into records by their headers; an incomplete last record
// is left out.
func tlsRecords(stream []byte) []tlsRecord {
	var out []tlsRecord
	for off := 0; off+5 <= len(stream); {
		n := int(stream[off+3])<<8 | int(stream[off+4])
		if off+5+n > len(stream) {
			break
		}
		out = append(out, tlsRecord{Offset: int64(off), Type: stream[off], Length: n})
		off += 5 + n
	}
	return out
}

// requestRecords finds, in the client's records of a connection that carried one chunked
// HTTP/1.1 request with a body of bodyLen bytes, the numbers (from 1) of the records
// holding the request's header block and its body: the last application-data record of the
// body chunk's length, right after another application-data record.
func requestRecords(recs []tlsRecord, bodyLen int) (header, body int, err error) {
	want := chunkRecordLength(bodyLen)
	for i := len(recs) - 1; i >= 1; i-- {
		if recs[i].Type == recordApplicationData && recs[i].Length == want && recs[i-1].Type == recordApplicationData {
			return i, i + 1, nil
		}
	}
	return 0, 0, fmt.Errorf("no application-data record of %d bytes (the %d-byte body as one chunk) after another among %d records", want, bodyLen, len(recs))
}

func describeRecords(recs []tlsRecord) string {
	var b strings.Builder
	for i, r := range recs {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "#%d type %d at %d, %d bytes", i+1, r.Type, r.Offset, r.Length)
	}
	return b.String()
}

// pathTamper is a fault proxy in front of the manager and what a clean request through it
// showed of the client's TLS records.
type pathTamper struct {
	proxy        *faultproxy.Proxy
	dial         target.Dial
	records      []tlsRecord
	header, body int // record numbers, from 1
}

// capture waits for the n-th connection through the proxy (from 0) to end and returns the
// client's records on it.
func (p *pathTamper) capture(ctx context.Context, n int) ([]tlsRecord, error) {
	caps := p.proxy.Captures()
	if len(caps) <= n {
		return nil, fmt.Errorf("the proxy saw %d connections, not %d", len(caps), n+1)
	}
	select {
	case <-caps[n].Done():
	case <-ctx.Done():
		return nil, ctx.Err()
	case <-time.After(5 * time.Second):
		return nil, errors.New("the connection through the proxy did not end within 5 s of its exchange")
	}
	return tlsRecords(caps[n].Upstream()), nil
}

// startTamper starts a proxy and sends a clean chunked alert through it on a fresh
// HTTP/1.1 connection, which must be acknowledged, then locates the request's records.
func startTamper(ctx context.Context, t *harness.T, e *Env) (*pathTamper, *harness.Outcome) {
	p, err := faultproxy.Start(ctx, e.Target().Addr(), e.Log)
	if err != nil {
		o := harness.Errorf(reasonHarness, "%v", err)
		return nil, &o
	}
	pt := &pathTamper{proxy: p, dial: target.Dial{Via: p.Addr(), HTTP1: true, Timeout: 10 * time.Second}}
	m, o := makeAlert(e, alerts.Spec{Description: "integrity: clean request"})
	if o != nil {
		p.Close()
		return nil, o
	}
	x := e.Send(ctx, t, "clean request through the proxy", pt.dial, target.Request{Body: m.Body, Sign: e.Signs(), Chunked: true})
	if !x.Success() {
		p.Close()
		t.Expect("the clean request acknowledged", x.Outcome())
		o := harness.Inconclusivef("baseline-refused", "a clean chunked HTTP/1.1 alert through the proxy was not acknowledged (%s), so a refusal of an altered one would prove nothing", x.Outcome())
		return nil, &o
	}
	if pt.records, err = pt.capture(ctx, 0); err == nil {
		pt.header, pt.body, err = requestRecords(pt.records, len(m.Body))
	}
	if err != nil {
		p.Close()
		o := harness.Errorf(reasonHarness, "locating the request's TLS records: %v", err)
		return nil, &o
	}
	t.Evidence("wire", "the client's TLS records on the clean connection", describeRecords(pt.records))
	return pt, nil
}

// judgeTampered judges an exchange whose bytes were altered on the path: no
// acknowledgement, and the alert not stored.
func judgeTampered(ctx context.Context, t *harness.T, e *Env, x *target.Exchange, id, what string) harness.Outcome {
	const expected = "no 2xx (TLS alert, reset, 4xx or 5xx), the alert not stored"
	switch x.Refusal() {
	case "":
		t.Expect(expected, x.Outcome())
		return harness.Failf(reasonAccepted, "the manager acknowledged %s: %s", what, x.Outcome())
	case "other":
		return harness.Errorf(reasonHarness, "sending %s failed on the harness's side: %v", what, x.Err)
	case "timeout":
		t.Notef("no answer: an altered request the manager could not authenticate may go unanswered")
	}
	got, err := e.NotStored(ctx, id)
	if err != nil {
		t.Expect(expected, x.Outcome()+"; storage not observable")
		return observationOutcome(err)
	}
	if obs := got[observe.Key(id)]; len(obs) > 0 {
		recordObservations(t, obs)
		t.Expect(expected, x.Outcome()+"; stored")
		return harness.Failf(reasonStored, "%s was refused (%s) but alert %s was stored", what, x.Outcome(), id)
	}
	t.Expect(expected, x.Outcome()+"; not stored")
	return harness.Passf("%s was refused (%s) and its alert not stored", what, x.Outcome())
}

func runFlippedRecord(ctx context.Context, t *harness.T, e *Env) harness.Outcome {
	pt, o := startTamper(ctx, t, e)
	if o != nil {
		return *o
	}
	defer pt.proxy.Close()
	rec := pt.records[pt.body-1]
	flip := rec.Offset + 5 + int64(rec.Length/2)
	t.Notef("the body travelled in record #%d (bytes %d to %d); on the next connection the proxy flips the lowest bit of byte %d", pt.body, rec.Offset, rec.end(), flip)
	plan := faultproxy.Forward
	plan.FlipBitAt = flip
	pt.proxy.SetPlan(plan)
	m, o := makeAlert(e, alerts.Spec{Description: "integrity: flipped bit"})
	if o != nil {
		return *o
	}
	x := e.Send(ctx, t, "request with a flipped bit in its body record", pt.dial, target.Request{Body: m.Body, Sign: e.Signs(), Chunked: true})
	// Sizes vary by a few bytes between connections (signature encodings, the alert's
	// length): make sure the flip fell inside this connection's body record.
	recs, err := pt.capture(ctx, 1)
	if err != nil {
		return harness.Errorf(reasonHarness, "%v", err)
	}
	t.Evidence("wire", "the client's TLS records on the altered connection (before the flip)", describeRecords(recs))
	_, body, err := requestRecords(recs, len(m.Body))
	if err != nil {
		return harness.Errorf(reasonHarness, "locating the body's record on the altered connection: %v", err)
	}
	if r := recs[body-1]; flip < r.Offset+5 || flip >= r.end() {
		return harness.Errorf(reasonHarness, "the flipped byte %d fell outside the body's record on the altered connection (#%d, bytes %d to %d)", flip, body, r.Offset, r.end())
	}
	t.Notef("on the altered connection the body travelled in record #%d (bytes %d to %d): the flipped byte was inside it", body, recs[body-1].Offset, recs[body-1].end())
	return judgeTampered(ctx, t, e, x, m.ID, "a request whose body record was altered")
}

func runDuplicatedRecord(ctx context.Context, t *harness.T, e *Env) harness.Outcome {
	pt, o := startTamper(ctx, t, e)
	if o != nil {
		return *o
	}
	defer pt.proxy.Close()
	t.Notef("the header block travelled in record #%d and the body in #%d; on the next connection the proxy writes record #%d twice", pt.header, pt.body, pt.body)
	plan := faultproxy.Forward
	plan.DuplicateRecord = pt.body
	pt.proxy.SetPlan(plan)
	m, o := makeAlert(e, alerts.Spec{Description: "integrity: replayed record"})
	if o != nil {
		return *o
	}
	x := e.Send(ctx, t, "request with its body record replayed", pt.dial, target.Request{Body: m.Body, Sign: e.Signs(), Chunked: true})
	recs, err := pt.capture(ctx, 1)
	if err != nil {
		return harness.Errorf(reasonHarness, "%v", err)
	}
	t.Evidence("wire", "the client's TLS records on the altered connection (before the replay)", describeRecords(recs))
	switch _, body, err := requestRecords(recs, len(m.Body)); {
	case err != nil:
		return harness.Errorf(reasonHarness, "locating the body's record on the altered connection: %v", err)
	case body != pt.body:
		return harness.Errorf(reasonHarness, "the proxy replayed record #%d, but the body travelled in #%d on the altered connection", pt.body, body)
	}
	return judgeTampered(ctx, t, e, x, m.ID, "a request with a replayed TLS record")
}

func runAlteredAfterSign(ctx context.Context, t *harness.T, e *Env) harness.Outcome {
	if e.Signer == nil {
		return harness.Inconclusivef("no-signing-key", "the statement claims signatures but gives no signing.key to sign with")
	}
	type attempt struct {
		label string
		id    string
		x     *target.Exchange
	}
	var tries []attempt
	for _, c := range []struct {
		label    string
		redigest bool
	}{{"original Content-Digest", false}, {"recomputed Content-Digest", true}} {
		m, o := makeAlert(e, alerts.Spec{Description: "integrity: as signed"})
		if o != nil {
			return *o
		}
		altered, o := makeAlert(e, alerts.Spec{ID: m.ID, CreateTime: m.CreateTime, Description: "integrity: ALTERED after signing"})
		if o != nil {
			return *o
		}
		redigest := c.redigest
		r := target.Request{Body: m.Body, Sign: true, AfterSign: func(req *http.Request, _ []byte) []byte {
			if redigest {
				req.Header.Set("Content-Digest", httpsig.ContentDigest(altered.Body))
			}
			return bytes.Clone(altered.Body)
		}}
		t.Notef("signed alert %s (%d bytes), then replaced its body by another valid alert with the same ID (%d bytes), keeping the %s", m.ID, len(m.Body), len(altered.Body), c.label)
		tries = append(tries, attempt{c.label, m.ID, e.Send(ctx, t, "body altered after signing, "+c.label, target.Dial{}, r)})
	}
	var got, accepted []string
	var ids []string
	for _, a := range tries {
		got = append(got, a.label+": "+a.x.Outcome())
		ids = append(ids, a.id)
		switch a.x.Refusal() {
		case "":
			accepted = append(accepted, fmt.Sprintf("with the %s: %s", a.label, a.x.Outcome()))
		case "other":
			return harness.Errorf(reasonHarness, "sending the altered alert (%s) failed on the harness's side: %v", a.label, a.x.Err)
		case "timeout":
			t.Expect("refused, not stored", strings.Join(got, "; "))
			return harness.Failf(reasonTimeout, "the manager neither answered nor refused the altered alert (%s): %v", a.label, a.x.Err)
		}
	}
	const expected = "both refused (4xx or closed), neither stored"
	if len(accepted) > 0 {
		t.Expect(expected, strings.Join(got, "; "))
		return harness.Failf(reasonAccepted, "the manager acknowledged an alert altered after signing %s", strings.Join(accepted, "; "))
	}
	stored, err := e.NotStored(ctx, ids...)
	if err != nil {
		t.Expect(expected, strings.Join(got, "; ")+"; storage not observable")
		return observationOutcome(err)
	}
	for _, id := range ids {
		if obs := stored[keyOf(id)]; len(obs) > 0 {
			recordObservations(t, obs)
			t.Expect(expected, strings.Join(got, "; ")+"; stored "+id)
			return harness.Failf(reasonStored, "the altered alert %s was refused but stored", id)
		}
	}
	t.Expect(expected, strings.Join(got, "; ")+"; neither stored")
	return harness.Passf("both alerts altered after signing were refused and neither was stored")
}

package managerrole

import (
	"context"
	"encoding/json"
	"fmt"
	"mime"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/idmefcheck/idmefcheck/conformance/alerts"
	"github.com/idmefcheck/idmefcheck/conformance/harness"
	"github.com/idmefcheck/idmefcheck/conformance/target"
)

// The transport draft's HTTP rules as a receiver sees them (draft section 4.3 and
// Appendix A): versions, methods, request targets, media types, content negotiation,
// status codes, chunked bodies, persistent connections, one message per request. Improper
// messages (4xx, never 2xx or 5xx) belong to the reliability checks.

// otherMethods are the methods a receiver must refuse with 405: the common ones a client or
// a scanner sends, with and without a body.
var otherMethods = []string{http.MethodGet, http.MethodHead, http.MethodPut, http.MethodDelete, http.MethodPatch}

// otherPath is a request target other than the one the statement names: what a deployment
// behind a URI-rewriting proxy sends.
const otherPath = "/idmef/v2/alerts?x=1"

func httpChecks() []harness.Check {
	return []harness.Check{
		check(harness.Check{
			ID: "MGR-HTTP-001", Title: "An alert delivered over HTTP/1.1 is acknowledged and stored",
			Requirements: []string{"IDMEF2T-4.3-1"}, Level: "MUST", Category: "transport",
			Doc: "Offers only http/1.1 in ALPN and sends one valid alert as an HTTP/1.1 POST. The manager must speak HTTP/1.1, acknowledge the alert with 2xx, and the alert must then be observable: HTTP/1.1 is the one HTTP version every IDMEFv2 system implements.",
		}, runHTTP1),
		check(harness.Check{
			ID: "MGR-HTTP-002", Title: "HTTP/2 is negotiated by ALPN when offered, and an alert delivered over it is stored",
			Requirements: []string{"IDMEF2T-4.3-2", "IDMEF2T-4.3-3"}, Level: "SHOULD", Category: "transport", Needs: []string{"http2"},
			Doc: "Offers h2 and http/1.1 in ALPN, as RFC 9113 section 3.3 describes, and sends one valid alert. A manager claiming http2 must select h2, answer the alert over HTTP/2 with 2xx, and the alert must then be observable.",
		}, runHTTP2),
		check(harness.Check{
			ID: "MGR-HTTP-003", Title: "An alert posted to another path is handled like one posted to the target",
			Requirements: []string{"IDMEF2T-4.3-9"}, Level: "MUST", Category: "transport",
			Doc: "Sends a valid alert as a POST to " + otherPath + " instead of the statement's target path, as a deployment behind a URI-rewriting proxy would. The manager must acknowledge it with 2xx and store it, exactly as a POST to the target.",
		}, runOtherPath),
		check(harness.Check{
			ID: "MGR-HTTP-004", Title: "Methods other than POST get 405 Method Not Allowed",
			Requirements: []string{"IDMEF2T-4.3-10"}, Level: "SHOULD", Category: "transport",
			Doc: "Sends GET, HEAD and DELETE without a body, and PUT and PATCH carrying a valid alert, each to the target. Every one should be answered 405 Method Not Allowed: IDMEFv2 messages travel only by POST.",
		}, runMethods405),
		check(harness.Check{
			ID: "MGR-HTTP-005", Title: "Every 405 answer carries an Allow header listing POST",
			Requirements: []string{"IDMEF2T-A-1"}, Level: "MUST", Category: "transport",
			Doc: "Sends GET, HEAD, PUT, DELETE and PATCH to the target, and judges every answer that is 405 Method Not Allowed: each must carry an Allow header naming POST. Not applicable when the manager answered none of them with 405 (MGR-HTTP-004 judges that).",
		}, runAllow),
		check(harness.Check{
			ID: "MGR-HTTP-006", Title: "An alert labelled with an unsupported media type gets 415 and is not stored",
			Requirements: []string{"IDMEF2T-4.3-14"}, Level: "SHOULD", Category: "transport",
			Doc: "Sends two valid alerts whose Content-Type says text/plain and application/xml. Each should be answered 415 Unsupported Media Type, and neither stored: a receiver does not guess a serialization it was not told.",
		}, runMediaType415),
		check(harness.Check{
			ID: "MGR-HTTP-007", Title: "Accept fields that allow application/json are honoured",
			Requirements: []string{"IDMEF2T-4.3-15"}, Level: "MUST", Category: "transport",
			Doc: "Sends valid alerts with Accept application/json, */*, application/* and \"text/html;q=0.9, application/json;q=0.5\", and a GET with Accept application/json. Each alert must be acknowledged (the manager's own media type is acceptable to each of those fields, so 406 is wrong), and every answer that has a body must label it with a media type the request's Accept allows.",
		}, runAcceptable),
		check(harness.Check{
			ID: "MGR-HTTP-008", Title: "An Accept field allowing nothing the manager can send gets 406",
			Requirements: []string{"IDMEF2T-4.3-17", "IDMEF2T-4.3-15"}, Level: "SHOULD", Category: "transport",
			Doc: "Sends valid alerts with Accept application/xml and \"text/html, application/xml;q=0.9\": fields that allow no JSON answer. Each should be answered 406 Not Acceptable, and neither stored, since the answer tells the analyzer the request was not taken.",
		}, runNotAcceptable),
		check(harness.Check{
			ID: "MGR-HTTP-009", Title: "Without Accept, every answer body is JSON labelled application/json",
			Requirements: []string{"IDMEF2T-4.3-16"}, Level: "MUST", Category: "transport",
			Doc: "Sends, without an Accept header, a valid alert, a GET, and a valid alert labelled text/plain. Every answer that has a body must carry Content-Type application/json and the body must be JSON (RFC 8259). Not applicable when no answer has a body.",
		}, runJSONBodies),
		check(harness.Check{
			ID: "MGR-HTTP-010", Title: "A success without a body is 204 No Content",
			Requirements: []string{"IDMEF2T-4.3-18"}, Level: "SHOULD", Category: "transport",
			Doc: "Sends a valid alert. When the manager acknowledges it with an empty body, the status should be 204 No Content rather than 200 or another 2xx. Not applicable when the success carries a body (MGR-HTTP-009 judges its media type).",
		}, runNoContent),
		check(harness.Check{
			ID: "MGR-HTTP-011", Title: "An alert sent with chunked transfer coding is acknowledged and stored",
			Requirements: []string{"IDMEF2T-4.3-26", "IDMEF2T-A-2"}, Level: "MUST", Category: "transport",
			Doc: "Sends a valid alert over HTTP/1.1 with Transfer-Encoding: chunked and no Content-Length, as a streaming analyzer does. The manager must acknowledge it with 2xx (411 Length Required is no way out) and store it.",
		}, runChunked),
		check(harness.Check{
			ID: "MGR-HTTP-012", Title: "Several alerts travel over one persistent HTTP/1.1 connection",
			Requirements: []string{"IDMEF2T-4.3-24"}, Level: "MUST", Category: "transport",
			Doc: "Sends three valid alerts one after the other with an HTTP/1.1 client that keeps connections for reuse, and counts the TLS handshakes. Every alert must be acknowledged and the manager must keep the connection open between them: one handshake for the three.",
		}, runKeepAlive),
		check(harness.Check{
			ID: "MGR-HTTP-013", Title: "A request carrying several messages is refused and none of them stored",
			Requirements: []string{"IDMEF2T-4.3-20"}, Level: "MUST", Category: "transport",
			Doc: "Each request carries exactly one message (draft 4.3): a body holding several is not a proper IDMEFv2 message. Sends two valid alerts as a JSON array, and two more as concatenated, newline-separated objects. Each request must be answered 4xx and none of the four alerts stored.",
		}, runBatch),
	}
}

func runHTTP1(ctx context.Context, t *harness.T, e *Env) harness.Outcome {
	m, o := makeAlert(e, alerts.Spec{Description: "delivered over HTTP/1.1"})
	if o != nil {
		return *o
	}
	x := e.Send(ctx, t, "HTTP/1.1 POST", target.Dial{HTTP1: true}, target.Request{Body: m.Body, Sign: e.Signs()})
	if x.Answered() && x.Proto != "HTTP/1.1" {
		return harness.Errorf(reasonHarness, "the harness asked for HTTP/1.1 and spoke %s", x.Proto)
	}
	if _, o := acceptedAndKept(ctx, t, e, x, m, "an alert sent over HTTP/1.1"); o != nil {
		return *o
	}
	t.Expect("HTTP/1.1, 2xx, the alert observable", fmt.Sprintf("%s %d, stored", x.Proto, x.Status))
	return harness.Passf("the alert sent over HTTP/1.1 was acknowledged (%d) and stored", x.Status)
}

func runHTTP2(ctx context.Context, t *harness.T, e *Env) harness.Outcome {
	m, o := makeAlert(e, alerts.Spec{Description: "delivered over HTTP/2"})
	if o != nil {
		return *o
	}
	x := e.Send(ctx, t, "ALPN h2, http/1.1", target.Dial{NextProtos: []string{"h2", "http/1.1"}}, target.Request{Body: m.Body, Sign: e.Signs()})
	if x.TLS == nil {
		t.Expect("ALPN h2, then 2xx over HTTP/2", x.Outcome())
		return harness.Failf(reasonNotAcked, "no TLS session offering h2 and http/1.1: %s", x.Outcome())
	}
	if alpn := x.TLS.NegotiatedProtocol; alpn != "h2" {
		t.Expect("ALPN h2", fmt.Sprintf("ALPN %q, %s", alpn, x.Proto))
		return harness.Failf("no-h2", "offered h2 and http/1.1 by ALPN, the manager chose %q: it does not negotiate HTTP/2", alpn)
	}
	if x.Answered() && x.Proto != "HTTP/2.0" {
		return harness.Errorf(reasonHarness, "ALPN chose h2 but the harness spoke %s", x.Proto)
	}
	if _, o := acceptedAndKept(ctx, t, e, x, m, "an alert sent over HTTP/2"); o != nil {
		return *o
	}
	t.Expect("ALPN h2, 2xx over HTTP/2, the alert observable", fmt.Sprintf("ALPN h2, %s %d, stored", x.Proto, x.Status))
	return harness.Passf("h2 was negotiated by ALPN and the alert sent over HTTP/2 was acknowledged (%d) and stored", x.Status)
}

func runOtherPath(ctx context.Context, t *harness.T, e *Env) harness.Outcome {
	m, o := makeAlert(e, alerts.Spec{Description: "posted to another path"})
	if o != nil {
		return *o
	}
	path := otherPath
	if e.Target().URL.RequestURI() == path { // a statement naming this very path: use another
		path = "/idmefcheck/other?x=1"
	}
	t.Notef("the statement's target path is %s; posting to %s", e.Target().URL.RequestURI(), path)
	x := e.Send(ctx, t, "POST to "+path, target.Dial{}, target.Request{Path: path, Body: m.Body, Sign: e.Signs()})
	if _, o := acceptedAndKept(ctx, t, e, x, m, "an alert posted to "+path); o != nil {
		return *o
	}
	t.Expect("2xx, the alert observable", fmt.Sprintf("%d, stored", x.Status))
	return harness.Passf("the alert posted to %s was acknowledged (%d) and stored", path, x.Status)
}

// methodExchanges sends each method of otherMethods to the target; PUT and PATCH carry a
// valid alert, as a client mistaking the method would send it.
func methodExchanges(ctx context.Context, t *harness.T, e *Env) (map[string]*target.Exchange, *harness.Outcome) {
	out := map[string]*target.Exchange{}
	for _, method := range otherMethods {
		r := target.Request{Method: method, Sign: e.Signs()}
		if method == http.MethodPut || method == http.MethodPatch {
			m, o := makeAlert(e, alerts.Spec{Description: "sent with " + method})
			if o != nil {
				return nil, o
			}
			r.Body = m.Body
		}
		out[method] = e.Send(ctx, t, method, target.Dial{}, r)
	}
	return out, nil
}

func runMethods405(ctx context.Context, t *harness.T, e *Env) harness.Outcome {
	xs, o := methodExchanges(ctx, t, e)
	if o != nil {
		return *o
	}
	var got, bad []string
	for _, method := range otherMethods {
		x := xs[method]
		got = append(got, method+" "+x.Outcome())
		if x.Status != http.StatusMethodNotAllowed {
			bad = append(bad, method+" "+x.Outcome())
		}
	}
	t.Expect("405 to each of "+strings.Join(otherMethods, ", "), strings.Join(got, "; "))
	if len(bad) > 0 {
		return harness.Failf("not-405", "methods other than POST were not answered 405: %s", strings.Join(bad, "; "))
	}
	return harness.Passf("%s were each answered 405", strings.Join(otherMethods, ", "))
}

func runAllow(ctx context.Context, t *harness.T, e *Env) harness.Outcome {
	xs, o := methodExchanges(ctx, t, e)
	if o != nil {
		return *o
	}
	var judged, bad []string
	for _, method := range otherMethods {
		x := xs[method]
		if x.Status != http.StatusMethodNotAllowed {
			continue
		}
		allow := strings.Join(x.Header.Values("Allow"), ", ")
		judged = append(judged, fmt.Sprintf("%s: Allow %q", method, allow))
		if !listsToken(allow, http.MethodPost) {
			bad = append(bad, fmt.Sprintf("%s: Allow %q", method, allow))
		}
	}
	if len(judged) == 0 {
		t.Expect("an Allow header naming POST on every 405", "no 405 answer")
		return harness.NotApplicablef(reasonNotTested, "the manager answered none of %s with 405, so no Allow header was due", strings.Join(otherMethods, ", "))
	}
	t.Expect("an Allow header naming POST on every 405", strings.Join(judged, "; "))
	if len(bad) > 0 {
		return harness.Failf("no-allow", "405 answers without an Allow header naming POST: %s", strings.Join(bad, "; "))
	}
	return harness.Passf("every 405 answer (%d) carried an Allow header naming POST", len(judged))
}

// listsToken reports whether a comma-separated field value lists tok (methods are
// case-sensitive, RFC 9110 section 9.1).
func listsToken(value, tok string) bool {
	for _, part := range strings.Split(value, ",") {
		if strings.TrimSpace(part) == tok {
			return true
		}
	}
	return false
}

func runMediaType415(ctx context.Context, t *harness.T, e *Env) harness.Outcome {
	return refusedWithStatus(ctx, t, e, http.StatusUnsupportedMediaType, "Content-Type", []string{"text/plain", "application/xml"},
		func(v string, r *target.Request) { r.ContentType = v })
}

func runNotAcceptable(ctx context.Context, t *harness.T, e *Env) harness.Outcome {
	return refusedWithStatus(ctx, t, e, http.StatusNotAcceptable, "Accept", []string{"application/xml", "text/html, application/xml;q=0.9"},
		func(v string, r *target.Request) { r.Accept = v })
}

// refusedWithStatus sends one valid alert per value of a header (set by set), and judges
// that each was answered with want and none was stored.
func refusedWithStatus(ctx context.Context, t *harness.T, e *Env, want int, field string, values []string, set func(string, *target.Request)) harness.Outcome {
	var ids, got, bad []string
	reason := reasonWrongStatus
	for _, v := range values {
		m, o := makeAlert(e, alerts.Spec{Description: field + ": " + v})
		if o != nil {
			return *o
		}
		r := target.Request{Body: m.Body, Sign: e.Signs()}
		set(v, &r)
		x := e.Send(ctx, t, field+": "+v, target.Dial{}, r)
		got = append(got, fmt.Sprintf("%s %q: %s", field, v, x.Outcome()))
		ids = append(ids, m.ID)
		switch {
		case x.Status == want:
		case x.Success():
			reason = reasonAccepted
			bad = append(bad, fmt.Sprintf("%s %q was acknowledged (%s)", field, v, x.Outcome()))
		default:
			bad = append(bad, fmt.Sprintf("%s %q: %s", field, v, x.Outcome()))
		}
	}
	expected := fmt.Sprintf("%d %s to each, nothing stored", want, http.StatusText(want))
	if len(bad) > 0 {
		t.Expect(expected, strings.Join(got, "; "))
		return harness.Failf(reason, "%s", strings.Join(bad, "; "))
	}
	if o := noneStored(ctx, t, e, expected, strings.Join(got, "; "), ids); o != nil {
		return *o
	}
	return harness.Passf("each alert was answered %d and none was stored", want)
}

// noneStored waits the settle time and ends the check when one of ids was stored or the
// channel cannot tell; otherwise it records the expectation met and returns nil.
func noneStored(ctx context.Context, t *harness.T, e *Env, expected, answers string, ids []string) *harness.Outcome {
	stored, err := e.NotStored(ctx, ids...)
	if err != nil {
		t.Expect(expected, answers+"; storage not observable")
		o := observationOutcome(err)
		return &o
	}
	var kept []string
	for _, id := range ids {
		if obs := stored[keyOf(id)]; len(obs) > 0 {
			recordObservations(t, obs)
			kept = append(kept, id)
		}
	}
	if len(kept) > 0 {
		t.Expect(expected, answers+"; stored "+strings.Join(kept, ", "))
		o := harness.Failf(reasonStored, "the manager refused the requests (%s) but stored %s", answers, strings.Join(kept, ", "))
		return &o
	}
	t.Expect(expected, answers+"; nothing stored")
	return nil
}

func runAcceptable(ctx context.Context, t *harness.T, e *Env) harness.Outcome {
	var got, bad []string
	reason := ""
	note := func(r, msg string) {
		bad = append(bad, msg)
		if reason == "" {
			reason = r
		}
	}
	for _, accept := range []string{"application/json", "*/*", "application/*", "text/html;q=0.9, application/json;q=0.5"} {
		m, o := makeAlert(e, alerts.Spec{Description: "Accept: " + accept})
		if o != nil {
			return *o
		}
		x := e.Send(ctx, t, "Accept: "+accept, target.Dial{}, target.Request{Body: m.Body, Sign: e.Signs(), Accept: accept})
		got = append(got, fmt.Sprintf("Accept %q: %s", accept, x.Outcome()))
		switch {
		case x.Status == http.StatusNotAcceptable:
			note("not-acceptable", fmt.Sprintf("Accept %q allows application/json but was answered 406", accept))
		case !x.Success():
			note(reasonNotAcked, fmt.Sprintf("a valid alert with Accept %q was not acknowledged: %s", accept, x.Outcome()))
		}
		if msg := bodyTypeProblem(x, accept); msg != "" {
			note("wrong-media-type", msg)
		}
	}
	x := e.Send(ctx, t, "GET, Accept: application/json", target.Dial{}, target.Request{Method: http.MethodGet, Sign: e.Signs(), Accept: "application/json"})
	got = append(got, "GET, Accept \"application/json\": "+x.Outcome())
	if msg := bodyTypeProblem(x, "application/json"); msg != "" {
		note("wrong-media-type", msg)
	}
	t.Expect("each alert acknowledged; every answer body of a media type its Accept allows", strings.Join(got, "; "))
	if len(bad) > 0 {
		return harness.Failf(reason, "%s", strings.Join(bad, "; "))
	}
	return harness.Passf("every alert was acknowledged and every answer body had a media type its request's Accept allows")
}

// bodyTypeProblem says what is wrong with the media type of an answer's body under an
// Accept field, "" when nothing is (or the answer has no body).
func bodyTypeProblem(x *target.Exchange, accept string) string {
	if len(x.Body) == 0 {
		return ""
	}
	ct := x.Header.Get("Content-Type")
	if !acceptable(ct, accept) {
		return fmt.Sprintf("the %d answer to %s with Accept %q has a body labelled %q", x.Status, x.Method, accept, ct)
	}
	return ""
}

// acceptable reports whether a Content-Type is allowed by an Accept field (RFC 9110 section
// 12.5.1): the most specific range matching it decides, and q=0 refuses.
func acceptable(contentType, accept string) bool {
	mt, _, err := mime.ParseMediaType(contentType)
	if err != nil {
		return false
	}
	typ, _, _ := strings.Cut(mt, "/")
	best, bestQ := -1, 0.0
	for _, part := range strings.Split(accept, ",") {
		r, params, err := mime.ParseMediaType(strings.TrimSpace(part))
		if err != nil {
			continue
		}
		spec := -1
		switch {
		case r == mt:
			spec = 2
		case r == typ+"/*":
			spec = 1
		case r == "*/*":
			spec = 0
		}
		if spec < 0 || spec < best {
			continue
		}
		q := 1.0
		if s, ok := params["q"]; ok {
			if f, err := strconv.ParseFloat(s, 64); err == nil {
				q = f
			}
		}
		if spec > best || q > bestQ {
			best, bestQ = spec, q
		}
	}
	return best >= 0 && bestQ > 0
}

func runJSONBodies(ctx context.Context, t *harness.T, e *Env) harness.Outcome {
	var sent []*target.Exchange
	m, o := makeAlert(e, alerts.Spec{Description: "no Accept"})
	if o != nil {
		return *o
	}
	sent = append(sent, e.Send(ctx, t, "valid alert, no Accept", target.Dial{}, target.Request{Body: m.Body, Sign: e.Signs()}))
	sent = append(sent, e.Send(ctx, t, "GET, no Accept", target.Dial{}, target.Request{Method: http.MethodGet, Sign: e.Signs()}))
	m2, o := makeAlert(e, alerts.Spec{Description: "labelled text/plain, no Accept"})
	if o != nil {
		return *o
	}
	sent = append(sent, e.Send(ctx, t, "text/plain alert, no Accept", target.Dial{}, target.Request{Body: m2.Body, ContentType: "text/plain", Sign: e.Signs()}))
	var got, bad []string
	for _, x := range sent {
		if len(x.Body) == 0 {
			got = append(got, fmt.Sprintf("%s: %s, no body", x.Method, x.Outcome()))
			continue
		}
		ct := x.Header.Get("Content-Type")
		got = append(got, fmt.Sprintf("%s: %d, body labelled %q", x.Method, x.Status, ct))
		mt, _, err := mime.ParseMediaType(ct)
		switch {
		case err != nil || mt != "application/json":
			bad = append(bad, fmt.Sprintf("the %d answer to %s has a body labelled %q, not application/json", x.Status, x.Method, ct))
		case !json.Valid(x.Body):
			bad = append(bad, fmt.Sprintf("the %d answer to %s is labelled application/json but its body is not JSON", x.Status, x.Method))
		}
	}
	t.Expect("every answer body labelled application/json and JSON", strings.Join(got, "; "))
	if len(bad) > 0 {
		return harness.Failf("wrong-media-type", "%s", strings.Join(bad, "; "))
	}
	if !slices.ContainsFunc(sent, func(x *target.Exchange) bool { return len(x.Body) > 0 }) {
		return harness.NotApplicablef(reasonNotTested, "none of the answers had a body")
	}
	return harness.Passf("every answer body was JSON labelled application/json")
}

func runNoContent(ctx context.Context, t *harness.T, e *Env) harness.Outcome {
	m, o := makeAlert(e, alerts.Spec{Description: "204 check"})
	if o != nil {
		return *o
	}
	x := e.Deliver(ctx, t, "valid alert", m.Body)
	t.Expect("204 No Content when the success has no body", fmt.Sprintf("%s, %d bytes of body", x.Outcome(), len(x.Body)))
	switch {
	case !x.Success():
		return harness.Failf(reasonNotAcked, "a valid alert was not acknowledged: %s", x.Outcome())
	case len(x.Body) > 0:
		return harness.NotApplicablef("success-with-body", "the %d success carries a body of %d bytes", x.Status, len(x.Body))
	case x.Status != http.StatusNoContent:
		return harness.Failf(reasonWrongStatus, "the success has no body but is %d %s, not 204 No Content", x.Status, http.StatusText(x.Status))
	}
	return harness.Passf("the alert was acknowledged with 204 No Content")
}

func runChunked(ctx context.Context, t *harness.T, e *Env) harness.Outcome {
	m, o := makeAlert(e, alerts.Spec{Description: "sent chunked"})
	if o != nil {
		return *o
	}
	x := e.Send(ctx, t, "chunked HTTP/1.1 POST", target.Dial{HTTP1: true}, target.Request{Body: m.Body, Sign: e.Signs(), Chunked: true})
	if x.Answered() && x.Proto != "HTTP/1.1" {
		return harness.Errorf(reasonHarness, "the harness asked for HTTP/1.1 and spoke %s", x.Proto)
	}
	t.Notef("the request carried Transfer-Encoding: chunked and no Content-Length")
	if x.Status == http.StatusLengthRequired {
		t.Expect("2xx, the alert observable", x.Outcome())
		return harness.Failf("length-required", "the manager refused a chunked body with 411 Length Required")
	}
	if _, o := acceptedAndKept(ctx, t, e, x, m, "an alert sent with chunked transfer coding"); o != nil {
		return *o
	}
	t.Expect("2xx, the alert observable", fmt.Sprintf("%d, stored", x.Status))
	return harness.Passf("the chunked alert was acknowledged (%d) and stored", x.Status)
}

func runKeepAlive(ctx context.Context, t *harness.T, e *Env) harness.Outcome {
	const n = 3
	tg := *e.Target()
	tg.Verifier = e.verifierFor(target.Request{Sign: e.Signs()})
	c := tg.Client(target.Dial{HTTP1: true, KeepAlive: true})
	defer c.Close()
	var got []string
	for i := range n {
		m, o := makeAlert(e, alerts.Spec{Description: fmt.Sprintf("persistent connection, alert %d of %d", i+1, n)})
		if o != nil {
			return *o
		}
		x := c.Do(ctx, target.Request{Body: m.Body, Sign: e.Signs()})
		x.Record(t, fmt.Sprintf("alert %d of %d", i+1, n))
		got = append(got, x.Outcome())
		if !x.Success() {
			t.Expect(fmt.Sprintf("%d alerts acknowledged over one connection", n), strings.Join(got, "; "))
			return harness.Failf(reasonNotAcked, "alert %d of %d was not acknowledged: %s", i+1, n, x.Outcome())
		}
		if x.Answered() && x.Proto != "HTTP/1.1" {
			return harness.Errorf(reasonHarness, "the harness asked for HTTP/1.1 and spoke %s", x.Proto)
		}
		if v := x.Header.Get("Connection"); v != "" {
			t.Notef("answer %d carried Connection: %s", i+1, v)
		}
	}
	hs := len(c.Handshakes())
	t.Expect(fmt.Sprintf("%d alerts acknowledged over 1 connection", n), fmt.Sprintf("%s over %d connections", strings.Join(got, ", "), hs))
	if hs != 1 {
		return harness.Failf("no-persistent-connection", "%d alerts sent one after the other took %d TLS connections: the manager closed the connection after an answer", n, hs)
	}
	return harness.Passf("%d alerts were acknowledged over one HTTP/1.1 connection", n)
}

func runBatch(ctx context.Context, t *harness.T, e *Env) harness.Outcome {
	var ids, got, bad []string
	reason := reasonWrongStatus
	for _, form := range []struct {
		name string
		join func(a, b []byte) []byte
	}{
		{"a JSON array of two messages", func(a, b []byte) []byte {
			return slices.Concat([]byte("["), a, []byte(","), b, []byte("]"))
		}},
		{"two messages one after the other, a line each", func(a, b []byte) []byte {
			return slices.Concat(a, []byte("\n"), b, []byte("\n"))
		}},
	} {
		a, o := makeAlert(e, alerts.Spec{Description: "first of " + form.name})
		if o != nil {
			return *o
		}
		b, o := makeAlert(e, alerts.Spec{Description: "second of " + form.name})
		if o != nil {
			return *o
		}
		ids = append(ids, a.ID, b.ID)
		x := e.Send(ctx, t, form.name, target.Dial{}, target.Request{Body: form.join(a.Body, b.Body), Sign: e.Signs()})
		got = append(got, form.name+": "+x.Outcome())
		switch {
		case x.Success():
			reason = reasonAccepted
			bad = append(bad, fmt.Sprintf("%s was acknowledged (%s)", form.name, x.Outcome()))
		case x.Status < 400 || x.Status >= 500:
			bad = append(bad, fmt.Sprintf("%s was answered %s", form.name, x.Outcome()))
		}
	}
	const expected = "4xx to each, none of the messages stored"
	if len(bad) > 0 {
		t.Expect(expected, strings.Join(got, "; "))
		return harness.Failf(reason, "%s", strings.Join(bad, "; "))
	}
	if o := noneStored(ctx, t, e, expected, strings.Join(got, "; "), ids); o != nil {
		return *o
	}
	return harness.Passf("both multi-message requests were refused with 4xx and none of the four messages was stored")
}

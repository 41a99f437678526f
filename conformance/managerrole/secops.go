package managerrole

import (
	"bufio"
	"bytes"
	"cmp"
	"context"
	"crypto/rand"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/idmefcheck/idmefcheck/conformance/alerts"
	"github.com/idmefcheck/idmefcheck/conformance/harness"
	"github.com/idmefcheck/idmefcheck/conformance/ics"
	"github.com/idmefcheck/idmefcheck/conformance/target"
	"github.com/idmefcheck/idmefcheck/reference/transport"
)

// The security operator's view (seed 000, draft-parsons-opsawg-security-operations, the
// SECOPS entries of the catalogue): the exchange must not become an amplifier, tooling must
// be told which versions a manager speaks, and the operator's data must be kept apart from
// the analyzers', access-controlled and audited.

// Amplification bound: an answer may be at most ampFactor times the request that drew it, on
// the wire, or ampFloor bytes, whichever is more. The floor covers what any answer carries
// whatever the request: a TLS record's framing, a status line and headers, and the reference
// profile's signed-answer headers (Signature-Input, Signature, Content-Digest: about 400
// bytes). The factor is the largest a protocol over a connection-oriented, authenticated
// transport has any reason to need for an error: an answer that is four times its request
// is the start of an amplifier.
const (
	ampFactor = 4
	ampFloor  = 4 << 10
)

// unknownVersion is the Version of the version checks: the form of the published revisions,
// a revision that does not exist.
const unknownVersion = "2.D.V99"

// Reason codes of these checks.
const (
	reasonAmplified      = "amplified"            // an answer exceeded the bound
	reasonVersionsUnsaid = "versions-not-named"   // the refusal does not name the supported versions
	reasonOperatorServed = "served-to-analyzer"   // the operator API answered an analyzer identity
	reasonLeaked         = "operator-data-leaked" // a refusal carried the stored alert
	reasonNoAudit        = "no-audit-channel"     // the statement names no audit channel
	reasonNotAudited     = "not-audited"          // an operator query left no audit record
)

func secopsChecks() []harness.Check {
	return []harness.Check{
		check(harness.Check{
			ID: "MGR-DOS-007", Title: "No answer, error answers included, is larger than a bound relative to its request",
			Requirements: []string{"SECOPS-6-3", "R4766-6.7"}, Level: "SHOULD", Category: "dos",
			Timeout: 60 * time.Second,
			Doc:     fmt.Sprintf("Sends the manager, each over a connection of its own kept open (HTTP/1.1), an ordinary request to warm it up and then one request of each kind an attacker can send cheaply: a valid alert, bad JSON, an alert of an unknown Version, an alert with a hundred invalid Source entries (a hundred findings for about 2 KB), a body over the limit (limits.max_body, or 2 MiB), a GET on an unknown path, a DELETE, a body of an unsupported media type and, with option signatures, an alert whose signature no longer matches. It measures on the wire (TLS records included, target.Wire) the bytes of each request and of its answer, after the handshake and the warm-up: no answer may exceed max(%d KiB, %d x its request). The floor covers framing, headers and a signed answer's signature; past the factor an answer becomes an amplifier. When the manager closed the connection after the warm-up, the new connection's handshake is measured on both sides. Passing means no request drew more than the bound. Reason codes: amplified.", ampFloor>>10, ampFactor),
		}, runNoAmplification),
		check(harness.Check{
			ID: "MGR-EXT-005", Title: "An alert of an unknown version is refused with a 4xx that names the supported versions",
			Requirements: []string{"SECOPS-6-7"}, Level: "MAY", Category: "extensibility",
			Doc: "Takes a valid alert of the newest claimed version and changes only its Version to " + unknownVersion + " (the form of the published revisions, a revision that does not exist). The answer must be a 4xx whose body names every version the statement claims, each written as the message's Version member writes it (2.D.V08), so that the sender's operators can tell a version mismatch from any other refusal. Passing means a 4xx naming them all. Reason codes: accepted, wrong-status, no-answer, versions-not-named.",
		}, runUnknownVersionNamed),
		check(harness.Check{
			ID: "MGR-OPS-001", Title: "The operator API refuses an analyzer's identity and serves it no stored alert",
			Requirements: []string{"SECOPS-8-1", "SECOPS-8-2"}, Level: "SHOULD", Category: "authentication",
			Needs: []string{"query-api"},
			Doc:   "Delivers an alert as the analyzer (connect.cert), then presents that same analyzer identity to the operator API (observe.api) and asks for the alert three ways: listed by a text filter, by ID, and its evidence. Each request must be refused, by a TLS alert or a closed connection during the handshake or by a 4xx, and no answer may carry the alert's content (a canary in its Description that no request carries): an analyzer's identity grants no access to operator data. Passing means all three were refused without the alert. Reason codes: served-to-analyzer, operator-data-leaked, wrong-status, no-answer, no-operator-api.",
		}, runOperatorRefusesAnalyzer),
		check(harness.Check{
			ID: "MGR-OPS-002", Title: "Every operator query, refused ones included, leaves an audit record naming the operator, the path and the status",
			Requirements: []string{"SECOPS-8-3"}, Level: "SHOULD", Category: "general",
			Needs: []string{"query-api"}, Serial: true,
			Doc: "Reads the audit channel the statement names (audit: a file of JSON lines or a command printing them), then makes four operator queries with the operator identity (observe.api_cert): a filtered list, a count, an alert that does not exist and a query with an unknown parameter (the last two are refused by a conforming API). Within the settle time each query must appear as a new audit record whose operator member names the operator (its identity, with or without the dns:/ip: prefix, or its certificate's SHA-256 fingerprint), whose path member is the query's path and whose status member is the status the harness got; each record answers one query. It runs alone, so that no other check's queries are taken for its own. Without an audit channel the check is inconclusive: the records exist only where the statement says. Reason codes: not-audited, no-audit-channel, no-operator-api.",
		}, runOperatorAudited),
	}
}

// ampCase is one request of the amplification check.
type ampCase struct {
	label string
	req   target.Request
}

func runNoAmplification(ctx context.Context, t *harness.T, e *Env) harness.Outcome {
	m, o := makeAlert(e, alerts.Spec{Description: "idmefcheck amplification: a valid alert"})
	if o != nil {
		return *o
	}
	unknown, o := unknownVersionAlert(e, "idmefcheck amplification: unknown version")
	if o != nil {
		return *o
	}
	limit := e.Statement.Limits.MaxBody
	if limit <= 0 || !e.Statement.Claims("max-body") {
		limit = 2 << 20
	}
	// Over the limit, yet not absurdly: a manager with no limit reads it all.
	big, o := makeAlert(e, alerts.Spec{Description: "idmefcheck amplification: over the limit", Padding: int(limit) + 1024})
	if o != nil {
		return *o
	}
	// Many faults in a small message: a manager that lists every finding in full answers
	// many times what it was sent.
	faulty, o := makeAlert(e, alerts.Spec{Description: "idmefcheck amplification: many faults", SourceIP: "192.0.2.77"})
	if o != nil {
		return *o
	}
	manyFaults := bytes.Replace(faulty.Body, []byte(`"Source":[`), []byte(`"Source":[`+strings.Repeat(`{"IP":"x"},`, 100)), 1)
	if bytes.Equal(manyFaults, faulty.Body) {
		return harness.Errorf(reasonHarness, "the alert carries no Source list to add faults to")
	}
	cases := []ampCase{
		{"valid alert", target.Request{Body: m.Body, Sign: e.Signs()}},
		{"bad JSON", target.Request{Body: []byte(`{"Version":"` + e.Version + `","ID":`), Sign: e.Signs()}},
		{"unknown Version", target.Request{Body: unknown.Body, Sign: e.Signs()}},
		{"a hundred faults", target.Request{Body: manyFaults, Sign: e.Signs()}},
		{"body over the limit", target.Request{Body: big.Body}},
		{"unknown path", target.Request{Method: http.MethodGet, Path: "/idmefcheck/no-such-path"}},
		{"wrong method", target.Request{Method: http.MethodDelete}},
		{"unsupported media type", target.Request{Body: m.Body, ContentType: "text/plain"}},
	}
	if e.Signer != nil && e.Statement.Claims("signatures") {
		bad, o := makeAlert(e, alerts.Spec{Description: "idmefcheck amplification: a signature that no longer matches"})
		if o != nil {
			return *o
		}
		cases = append(cases, ampCase{"refused signature", target.Request{Body: bad.Body, Sign: true,
			AfterSign: func(_ *http.Request, body []byte) []byte {
				return bytes.Replace(body, []byte("no longer matches"), []byte("no longer MATCHES"), 1)
			}}})
	}
	var over, lines []string
	worst := 0.0
	for _, c := range cases {
		sent, got, fresh, x := measureExchange(ctx, t, e, c)
		if ctx.Err() != nil {
			return harness.Errorf(reasonHarness, "%v", ctx.Err())
		}
		if sent == 0 && !x.Answered() {
			return harness.Errorf(reasonHarness, "%s: the harness could not send the request: %v", c.label, x.Err)
		}
		bound := max(ampFloor, ampFactor*sent)
		note := ""
		if fresh {
			note = " (new connection: handshakes included)"
		}
		line := fmt.Sprintf("%s: request %d bytes, answer %s: %d bytes, bound %d%s", c.label, sent, x.Outcome(), got, bound, note)
		lines = append(lines, line)
		t.Notef("%s", line)
		worst = max(worst, float64(got)/float64(max(sent, 1)))
		if got > bound {
			over = append(over, line)
		}
	}
	t.Expect(fmt.Sprintf("every answer at most max(%d bytes, %d x its request) on the wire", ampFloor, ampFactor), strings.Join(lines, "\n"))
	if len(over) > 0 {
		return harness.Failf(reasonAmplified, "%d of %d requests drew an answer over the bound: %s", len(over), len(cases), strings.Join(over, " | "))
	}
	return harness.Passf("no answer of %d exceeded max(%d bytes, %d x its request); the largest was %.1f x its request", len(cases), ampFloor, ampFactor, worst)
}

// measureExchange sends a warm-up request and then c over one kept-alive HTTP/1.1
// connection, and returns the bytes on the wire of c's request and of its answer alone.
// fresh says the manager closed the connection after the warm-up, so that c's exchange
// includes a new handshake on both sides.
func measureExchange(ctx context.Context, t *harness.T, e *Env, c ampCase) (sent, got int, fresh bool, x *target.Exchange) {
	w := &target.Wire{}
	tg := *e.Target()
	tg.Verifier = e.verifierFor(c.req)
	cl := tg.Client(target.Dial{HTTP1: true, KeepAlive: true, Record: w})
	defer cl.Close()
	// The warm-up takes the handshake and the session tickets out of the measure: a GET
	// draws a small error from a conforming manager and leaves the connection open.
	warm := cl.Do(ctx, target.Request{Method: http.MethodGet, Label: c.label + " (warm-up)"})
	warm.Record(t, c.label+" (warm-up)")
	s0, r0, h0 := len(w.Sent()), len(w.Received()), len(cl.Handshakes())
	c.req.Label = c.label
	x = cl.Do(ctx, c.req)
	x.Record(t, c.label)
	// A manager may answer before it has read the whole request (413 on Content-Length):
	// the transport is then still writing, and the bytes count once written or refused.
	quiet(ctx, w)
	return len(w.Sent()) - s0, len(w.Received()) - r0, len(cl.Handshakes()) > h0, x
}

// quiet waits until w has not grown for 100 ms, 2 s at most.
func quiet(ctx context.Context, w *target.Wire) {
	last, still := -1, 0
	for deadline := time.Now().Add(2 * time.Second); time.Now().Before(deadline) && still < 5; {
		n := len(w.Sent()) + len(w.Received())
		if n == last {
			still++
		} else {
			last, still = n, 0
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// unknownVersionAlert makes a valid alert of the newest claimed version and changes its
// Version to unknownVersion.
func unknownVersionAlert(e *Env, description string) (*alerts.Message, *harness.Outcome) {
	m, o := makeAlert(e, alerts.Spec{Description: description})
	if o != nil {
		return nil, o
	}
	was := []byte(`"Version":"` + m.Version + `"`)
	body := bytes.Replace(m.Body, was, []byte(`"Version":"`+unknownVersion+`"`), 1)
	if bytes.Equal(body, m.Body) {
		o := harness.Errorf(reasonHarness, "the alert does not carry %s", was)
		return nil, &o
	}
	return &alerts.Message{ID: m.ID, Version: unknownVersion, CreateTime: m.CreateTime, Body: body}, nil
}

func runUnknownVersionNamed(ctx context.Context, t *harness.T, e *Env) harness.Outcome {
	m, o := unknownVersionAlert(e, "idmefcheck unknown version: are the supported versions named?")
	if o != nil {
		return *o
	}
	x := e.Deliver(ctx, t, "Version "+unknownVersion, m.Body)
	expected := fmt.Sprintf("a 4xx whose body names %s", strings.Join(e.Versions, ", "))
	switch {
	case x.Success():
		t.Expect(expected, x.Outcome())
		return harness.Failf(reasonAccepted, "an alert of Version %s was acknowledged (%s)", unknownVersion, x.Outcome())
	case !x.Answered():
		t.Expect(expected, x.Outcome())
		if x.Refusal() == "other" {
			return harness.Errorf(reasonHarness, "sending the alert failed on the harness's side: %v", x.Err)
		}
		return harness.Failf(reasonTimeout, "the manager gave no answer that could name the versions: %v", x.Err)
	case x.Status < 400 || x.Status >= 500:
		t.Expect(expected, x.Outcome())
		return harness.Failf(reasonWrongStatus, "an alert of Version %s was answered %s, not a 4xx", unknownVersion, x.Outcome())
	}
	var missing []string
	for _, v := range e.Versions {
		if !bytes.Contains(x.Body, []byte(v)) {
			missing = append(missing, v)
		}
	}
	if len(missing) > 0 {
		t.Expect(expected, fmt.Sprintf("%s, naming none of %s", x.Outcome(), strings.Join(missing, ", ")))
		return harness.Failf(reasonVersionsUnsaid, "the %d refusal of Version %s does not name the supported versions %s", x.Status, unknownVersion, strings.Join(missing, ", "))
	}
	t.Expect(expected, fmt.Sprintf("%s naming %s", x.Outcome(), strings.Join(e.Versions, ", ")))
	return harness.Passf("Version %s was refused with %d, and the answer names %s", unknownVersion, x.Status, strings.Join(e.Versions, ", "))
}

func runOperatorRefusesAnalyzer(ctx context.Context, t *harness.T, e *Env) harness.Outcome {
	if o := needAPI(e); o != nil {
		return *o
	}
	// The canary is in the stored alert and in no request of the check: an answer carrying
	// it carries stored data, not an echo of what was asked.
	canary := "idmefcheck-operator-only-" + rand.Text()[:16]
	m, o := makeAlert(e, alerts.Spec{Description: "idmefcheck operator data, not for analyzers", Canary: canary})
	if o != nil {
		return *o
	}
	if x := e.Deliver(ctx, t, "alert delivered as the analyzer", m.Body); !x.Success() {
		t.Expect("the alert acknowledged, then refused to the analyzer on the operator API", x.Outcome())
		return harness.Failf(reasonNotAcked, "the alert the check asks about was not acknowledged: %s", x.Outcome())
	}
	// The API as seen with the analyzer's own identity: the harness's default certificate.
	api, err := target.New(e.API.Base.String(), e.Statement.Connect.ServerName, e.Target().Roots, e.Target().Cert)
	if err != nil {
		return harness.Errorf(reasonHarness, "observe.api: %v", err)
	}
	api.KeyLog, api.Events = e.Target().KeyLog, e.events
	id := url.PathEscape(m.ID)
	base := strings.TrimSuffix(api.URL.Path, "/")
	queries := []struct{ label, path string }{
		{"alerts listed by text", base + "/v1/alerts?" + url.Values{"q": {m.ID}, "limit": {"10"}}.Encode()},
		{"the alert by ID", base + "/v1/alerts/" + id},
		{"the alert's evidence", base + "/v1/alerts/" + id + "/evidence"},
	}
	var served, leaked, wrong, silent, lines []string
	for _, q := range queries {
		// HTTP/1.1, so that a client certificate refused after the handshake surfaces as the
		// TLS alert it is.
		c := api.Client(target.Dial{HTTP1: true})
		x := c.Do(ctx, target.Request{Method: http.MethodGet, Path: q.path, Label: "as the analyzer: " + q.label})
		c.Close()
		x.Record(t, "as the analyzer: "+q.label)
		line := q.label + ": " + x.Outcome()
		lines = append(lines, line)
		if bytes.Contains(x.Body, []byte(canary)) {
			leaked = append(leaked, line)
		}
		switch x.Refusal() {
		case "tls":
		case "http":
			if x.Status >= 500 {
				wrong = append(wrong, line)
			}
		case "":
			served = append(served, line)
		case "timeout":
			silent = append(silent, line)
		default:
			return harness.Errorf(reasonHarness, "%s: the request failed on the harness's side: %v", q.label, x.Err)
		}
	}
	t.Expect("each refused (TLS alert, closed connection or 4xx), the alert's canary "+canary+" in no answer", strings.Join(lines, "\n"))
	switch {
	case len(leaked) > 0:
		return harness.Failf(reasonLeaked, "the operator API gave the stored alert %s to an analyzer's identity: %s", m.ID, strings.Join(leaked, " | "))
	case len(served) > 0:
		return harness.Failf(reasonOperatorServed, "the operator API answered an analyzer's identity: %s", strings.Join(served, " | "))
	case len(wrong) > 0:
		return harness.Failf(reasonWrongStatus, "the operator API answered an analyzer's identity with a server error, not a refusal: %s", strings.Join(wrong, " | "))
	case len(silent) > 0:
		return harness.Failf(reasonTimeout, "the operator API neither answered nor refused an analyzer's identity: %s", strings.Join(silent, " | "))
	}
	return harness.Passf("the operator API refused the analyzer's identity %d times and gave it nothing: %s", len(queries), strings.Join(lines, "; "))
}

// operatorQuery is one query of the audit check and what came back.
type operatorQuery struct {
	label, path string
	q           url.Values
	status      int
}

func runOperatorAudited(ctx context.Context, t *harness.T, e *Env) harness.Outcome {
	if o := needAPI(e); o != nil {
		return *o
	}
	a := e.Statement.Audit
	if a == nil {
		return harness.Inconclusivef(reasonNoAudit, "the statement names no audit channel (audit: a file or command of JSON lines): the records the check looks for exist only where the statement says")
	}
	who, o := operatorOf(e.Statement)
	if o != nil {
		return *o
	}
	ch := auditChannel{a: a}
	before, err := ch.read(ctx)
	if err != nil {
		return harness.Errorf(reasonObserveFailed, "reading the audit channel %s: %v", ch.describe(), err)
	}
	nonce := "idmefcheck-audit-" + rand.Text()[:12]
	queries := []*operatorQuery{
		{label: "filtered list", path: "/v1/alerts", q: url.Values{"q": {nonce}, "limit": {"1"}}},
		{label: "count", path: "/v1/stats", q: url.Values{"group_by": {"Priority"}, "q": {nonce}}},
		{label: "an alert that does not exist", path: "/v1/alerts/" + uuid.NewString()},
		{label: "an unknown parameter", path: "/v1/alerts", q: url.Values{"idmefcheck-bogus": {nonce}}},
	}
	base := strings.TrimSuffix(e.API.Base.Path, "/")
	for _, q := range queries {
		ans, err := apiGet(ctx, t, e, "operator query: "+q.label, q.path, q.q)
		if err != nil {
			return harness.Errorf(reasonObserveFailed, "%v", err)
		}
		q.status = ans.Status
		q.path = base + q.path
	}
	t.Notef("operator %s; the audit channel %s held %d records before the queries", who.describe(), ch.describe(), len(before))
	var missing []*operatorQuery
	var matched []string
	deadline := time.Now().Add(e.Settle)
	for {
		recs, err := ch.read(ctx)
		if err != nil {
			return harness.Errorf(reasonObserveFailed, "reading the audit channel %s: %v", ch.describe(), err)
		}
		// Records appended since the first read; a channel that shrank (rotated) is read whole.
		if len(recs) >= len(before) {
			recs = recs[len(before):]
		}
		missing, matched = matchAudit(queries, recs, a, who)
		if len(missing) == 0 || time.Now().After(deadline) {
			break
		}
		select {
		case <-ctx.Done():
			return harness.Errorf(reasonHarness, "%v", ctx.Err())
		case <-time.After(200 * time.Millisecond):
		}
	}
	var want []string
	for _, q := range queries {
		want = append(want, fmt.Sprintf("%s %s %d", who.describe(), q.path, q.status))
	}
	if len(missing) > 0 {
		var names []string
		for _, q := range missing {
			names = append(names, fmt.Sprintf("%s (GET %s, %d)", q.label, q.path, q.status))
		}
		t.Expect("an audit record for each query: "+strings.Join(want, "; "), fmt.Sprintf("records found: %s; none for %s", noneIfEmpty(matched), strings.Join(names, ", ")))
		return harness.Failf(reasonNotAudited, "%d of %d operator queries left no audit record in %s after %s: %s", len(missing), len(queries), ch.describe(), e.Settle, strings.Join(names, ", "))
	}
	t.Expect("an audit record for each query: "+strings.Join(want, "; "), strings.Join(matched, "\n"))
	return harness.Passf("each of the %d operator queries (statuses %s) left an audit record naming the operator, the path and the status", len(queries), statuses(queries))
}

func statuses(qs []*operatorQuery) string {
	var s []string
	for _, q := range qs {
		s = append(s, strconv.Itoa(q.status))
	}
	return strings.Join(s, ", ")
}

func noneIfEmpty(xs []string) string {
	if len(xs) == 0 {
		return "none"
	}
	return strings.Join(xs, "; ")
}

// operator is who the audit records must name.
type operator struct {
	identity    string // dns:NAME or ip:ADDRESS
	name        string // without the prefix
	fingerprint string // SHA-256 of the certificate, hex
}

func (o operator) describe() string { return o.identity }

// names reports whether an audit record's operator member designates the operator.
func (o operator) names(v string) bool {
	v = strings.ToLower(v)
	return v != "" && (strings.Contains(v, strings.ToLower(o.name)) || strings.Contains(v, o.fingerprint))
}

func operatorOf(st *ics.Statement) (operator, *harness.Outcome) {
	fail := func(err error) (operator, *harness.Outcome) {
		o := harness.Errorf(reasonHarness, "observe.api_cert %s: %v", st.Observe.APICert, err)
		return operator{}, &o
	}
	data, err := os.ReadFile(st.Observe.APICert)
	if err != nil {
		return fail(err)
	}
	leaf, err := firstCertificate(data)
	if err != nil {
		return fail(err)
	}
	id, err := transport.IdentityOf(leaf)
	if err != nil {
		return fail(err)
	}
	s := string(id)
	_, name, _ := strings.Cut(s, ":")
	return operator{identity: s, name: name, fingerprint: strings.ToLower(transport.Fingerprint(leaf))}, nil
}

// firstCertificate parses the first certificate of a PEM file: the leaf.
func firstCertificate(pemData []byte) (*x509.Certificate, error) {
	for {
		var b *pem.Block
		b, pemData = pem.Decode(pemData)
		if b == nil {
			return nil, errors.New("no PEM certificate")
		}
		if b.Type == "CERTIFICATE" {
			return x509.ParseCertificate(b.Bytes)
		}
	}
}

// matchAudit pairs each query with a distinct record naming the operator, its path and its
// status; it returns the queries left without one and the records matched, described.
func matchAudit(queries []*operatorQuery, recs []map[string]any, a *ics.Audit, who operator) (missing []*operatorQuery, matched []string) {
	opM, pathM, statusM := cmp.Or(a.Operator, "operator"), cmp.Or(a.Path, "path"), cmp.Or(a.Status, "status")
	used := make([]bool, len(recs))
	for _, q := range queries {
		found := false
		for i, r := range recs {
			if used[i] {
				continue
			}
			op, _ := r[opM].(string)
			p, _ := r[pathM].(string)
			if !who.names(op) || (p != q.path && !strings.HasPrefix(p, q.path+"?")) || !statusIs(r[statusM], q.status) {
				continue
			}
			used[i], found = true, true
			matched = append(matched, fmt.Sprintf("%s: %s=%q %s=%q %s=%v", q.label, opM, op, pathM, p, statusM, r[statusM]))
			break
		}
		if !found {
			missing = append(missing, q)
		}
	}
	return missing, matched
}

// statusIs compares a record's status member, a JSON number or its digits, with a status.
func statusIs(v any, status int) bool {
	switch x := v.(type) {
	case float64:
		return int(x) == status
	case string:
		n, err := strconv.Atoi(strings.TrimSpace(x))
		return err == nil && n == status
	}
	return false
}

// auditChannel reads the statement's audit records.
type auditChannel struct{ a *ics.Audit }

func (c auditChannel) describe() string {
	if c.a.Kind == ics.AuditCommand {
		return fmt.Sprintf("the command %q", strings.Join(c.a.Command, " "))
	}
	return c.a.File
}

// read returns every JSON object line of the channel, in order; other lines are skipped.
func (c auditChannel) read(ctx context.Context) ([]map[string]any, error) {
	var data []byte
	var err error
	switch c.a.Kind {
	case ics.AuditFile:
		data, err = os.ReadFile(c.a.File)
		if errors.Is(err, os.ErrNotExist) {
			return nil, nil // nothing audited yet
		}
	case ics.AuditCommand:
		cmd := exec.CommandContext(ctx, c.a.Command[0], c.a.Command[1:]...)
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		data, err = cmd.Output()
		if err != nil {
			err = fmt.Errorf("%w: %s", err, strings.TrimSpace(stderr.String()))
		}
	default:
		err = fmt.Errorf("audit.kind %q: want file or command", c.a.Kind)
	}
	if err != nil {
		return nil, err
	}
	var out []map[string]any
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 64<<10), 16<<20)
	for sc.Scan() {
		line := bytes.TrimSpace(sc.Bytes())
		if len(line) == 0 || line[0] != '{' {
			continue
		}
		var m map[string]any
		if json.Unmarshal(line, &m) == nil {
			out = append(out, m)
		}
	}
	return out, sc.Err()
}

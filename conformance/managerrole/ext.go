package managerrole

import (
	"bytes"
	"context"
	"fmt"
	"strings"

	"github.com/idmefcheck/idmefcheck/conformance/alerts"
	"github.com/idmefcheck/idmefcheck/conformance/harness"
)

// Extensibility (format draft section 4): a producer extends an enumeration with the
// ext-value keyword and its ext- attribute, and carries attributes the model lacks in a JSON
// Attachment. A manager must take both, in every revision it claims, and keep them as sent;
// it must refuse a revision it does not know rather than guess.

// vendorData is vendor JSON with what a store is likely to lose: nesting, empty containers,
// numbers with exponents and fractions (at most 15 significant digits, so that a float64
// round trip keeps their value), negative zero, booleans, null, escapes and non-ASCII names.
const vendorData = `{"vendor":"idmefcheck","schema":"urn:idmefcheck:vendor:1","nested":{"depth":{"level":3,"path":["a",["b",["c"]]]}},` +
	`"numbers":[0,-0.0,1e3,1E-7,6.02214076e23,-2.5E+10,123456789012345,0.1,3.14159],"flags":[true,false,null],` +
	`"empty":{},"none":[],"text":"tab\tquote\" backslash\\ slash\/ nul-free","clé":"värde","objs":[{"k":1},{"k":{"k":[{}]}}]}`

func extChecks() []harness.Check {
	return []harness.Check{
		check(harness.Check{
			ID: "MGR-EXT-001", Title: "A Category extended with ext-value and ext-Category is accepted and kept, in every claimed version",
			Requirements: []string{"IDMEF2-2.2-1", "IDMEF2T-3-2"}, Level: "MUST", Category: "extensibility",
			Doc: "For each claimed version, sends an alert whose Category holds a standard keyword and the version's extension keyword (ext-value up to 2.D.V06, Other.ext-value from 2.D.V07) with the sender's own category in ext-Category (a string up to 2.D.V06, a list from 2.D.V07). Each must be acknowledged and stored with Category and ext-Category as sent.",
		}, func(ctx context.Context, t *harness.T, e *Env) harness.Outcome {
			var cases []keptCase
			for _, v := range e.Versions {
				m, o := makeAlert(e, alerts.Spec{Version: v, Description: "idmefcheck extension keyword", Categories: []string{"Availability.DoS"},
					Extension: "idmefcheck.Vendor-Specific.Category-" + v})
				if o != nil {
					return *o
				}
				cases = append(cases, keptCase{Label: v + " ext-value", Msg: m, Fields: []string{"/Category", "/ext-Category"}})
			}
			return deliverAndKeep(ctx, t, e, fmt.Sprintf("%d alerts with an extended Category (%s)", len(cases), strings.Join(e.Versions, ", ")), cases)
		}),
		check(harness.Check{
			ID: "MGR-EXT-002", Title: "A JSON Attachment of vendor data is accepted and kept",
			Requirements: []string{"IDMEF2-5.7-6", "IDMEF2-2.2-1", "IDMEF2T-3-2"}, Level: "MUST", Category: "extensibility",
			Doc: "Sends, in every claimed version, an alert carrying attributes the model lacks the way the format draft prescribes: an Attachment with ContentType application/json whose Content is a JSON object of vendor data (nested objects and arrays, empty containers, numbers with exponents, negative zero, booleans, null, escapes, a non-ASCII member name). Each must be acknowledged and stored with the Attachment as sent: the same JSON values (numbers compared by exact value) when the channel shows a re-serialization, the same bytes when it shows the bytes received.",
		}, func(ctx context.Context, t *harness.T, e *Env) harness.Outcome {
			var cases []keptCase
			for _, v := range e.Versions {
				m, o := makeAlert(e, alerts.Spec{Version: v, Description: "idmefcheck vendor attachment", VendorData: vendorData})
				if o != nil {
					return *o
				}
				cases = append(cases, keptCase{Label: v + " vendor attachment", Msg: m, Fields: []string{"/Attachment"}})
			}
			return deliverAndKeep(ctx, t, e, fmt.Sprintf("%d alerts with a vendor JSON attachment", len(cases)), cases)
		}),
		check(harness.Check{
			ID: "MGR-EXT-003", Title: "Every claimed schema version is accepted and kept",
			Requirements: []string{"IDMEF2-2.2-1", "IDMEF2T-3-2"}, Level: "MUST", Category: "extensibility",
			Doc: "Sends one ordinary alert in each version the statement claims (versions). Each must be acknowledged and stored whole, its Version included, exactly as sent.",
		}, func(ctx context.Context, t *harness.T, e *Env) harness.Outcome {
			var cases []keptCase
			for _, v := range e.Versions {
				m, o := makeAlert(e, alerts.Spec{Version: v, Description: "idmefcheck version " + v, SourceIP: "192.0.2.33", TargetIP: "2001:db8::33"})
				if o != nil {
					return *o
				}
				cases = append(cases, keptCase{Label: v, Msg: m, Fields: []string{""}})
			}
			return deliverAndKeep(ctx, t, e, fmt.Sprintf("%d alerts, one per claimed version (%s)", len(cases), strings.Join(e.Versions, ", ")), cases)
		}),
		check(harness.Check{
			ID: "MGR-EXT-004", Title: "An alert of an unknown or missing version is refused with 4xx and not stored",
			Requirements: []string{"IDMEF2T-4.3-20"}, Level: "MUST", Category: "extensibility",
			Doc: "Takes a valid alert of the newest claimed version and changes only its Version: to 2.D.V99 (no such revision), to 2.D.V03 (a revision before the published schemas), and removes it. No schema judges such a message, so it is not a proper IDMEFv2 message: each must be answered with a 4xx (not 2xx, not 5xx) and none stored.",
		}, func(ctx context.Context, t *harness.T, e *Env) harness.Outcome {
			var cases []refuseCase
			for _, c := range []struct{ label, version string }{{"Version 2.D.V99", `"2.D.V99"`}, {"Version 2.D.V03", `"2.D.V03"`}, {"no Version", ""}} {
				m, o := makeAlert(e, alerts.Spec{Description: "idmefcheck unknown version: " + c.label})
				if o != nil {
					return *o
				}
				was := []byte(`"Version":"` + m.Version + `",`)
				now := []byte{}
				if c.version != "" {
					now = []byte(`"Version":` + c.version + `,`)
				}
				body := bytes.Replace(m.Body, was, now, 1)
				if bytes.Equal(body, m.Body) {
					return harness.Errorf(reasonHarness, "the alert does not start with %s", was)
				}
				cases = append(cases, refuseCase{Label: c.label, ID: m.ID, Body: body})
			}
			return refusedWith4xx(ctx, t, e, fmt.Sprintf("%d alerts of unknown or missing version", len(cases)), cases)
		}),
	}
}

package alerts_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/idmefcheck/idmefcheck/conformance/alerts"
	"github.com/idmefcheck/idmefcheck/reference/validator"
	"github.com/idmefcheck/idmefcheck/schema"
)

// FuzzMake holds Make to its contract over the free text of a spec: it never panics, and
// either fails with an error of its own or hands out a message the strict validator
// accepts, which carries the text exactly as given.
func FuzzMake(f *testing.F) {
	set, err := schema.Load()
	if err != nil {
		f.Fatal(err)
	}
	v, err := validator.New(set, validator.Options{Profile: validator.Strict})
	if err != nil {
		f.Fatal(err)
	}
	factory := &alerts.Factory{Analyzer: "fuzz", Validator: v}
	f.Add(uint8(4), "Port scan", "canary-1", "")
	f.Add(uint8(0), "", "", "vendor-kind")
	f.Add(uint8(2), "日本語 \u0000 \u202e", "\xff\xfe", "ext\nwith\tcontrol")
	f.Add(uint8(3), strings.Repeat("x", 5000), "", "")
	f.Fuzz(func(t *testing.T, version uint8, description, canary, extension string) {
		s := alerts.Spec{Version: alerts.Versions[int(version)%len(alerts.Versions)],
			Description: description, Canary: canary, Extension: extension}
		m, err := factory.Make(s)
		if err != nil {
			if m != nil || !strings.HasPrefix(err.Error(), "alerts: ") {
				t.Fatalf("a message %v or an error not its own: %v", m, err)
			}
			return
		}
		if res := v.Validate(m.Body); !res.Valid {
			t.Fatalf("an invalid message handed out: %+v\n%s", res.Findings, m.Body)
		}
		var body struct{ ID, Version, Description string }
		if err := json.Unmarshal(m.Body, &body); err != nil || body.ID != m.ID || body.Version != s.Version {
			t.Fatalf("the message does not say what Make says of it: %v %+v", err, body)
		}
		want := description
		if want == "" {
			want = "idmefcheck conformance alert"
		}
		if canary != "" {
			want += " " + canary
		}
		if body.Description != want {
			t.Fatalf("description %q, want %q", body.Description, want)
		}
	})
}

package alert_test

import (
	"encoding/json"
	"errors"
	"testing"

	"github.com/idmefcheck/idmefcheck/reference/analyzer/alert"
	"github.com/idmefcheck/idmefcheck/schema"
)

// FuzzInputs holds the readers of the analyzer's two input formats (its event lines and
// Suricata's EVE records) to their contract on any line: no panic; a refusal wraps ErrEvent;
// what is accepted becomes an alert that is one JSON object with the builder's ID, in both
// revisions the builder writes.
func FuzzInputs(f *testing.F) {
	f.Add([]byte(sampleEvent))
	f.Add([]byte(sampleEVE))
	f.Add([]byte(`{"category":["Recon.Network"]} {}`))
	f.Add([]byte(`{"event_type":"alert"}`))
	f.Add([]byte(`{"event_type":"dns","dns":{}}`))
	f.Add([]byte(`{"category":["x"],"time":"2026-01-14T15:58:47"}`))
	set, err := schema.Load()
	if err != nil {
		f.Fatal(err)
	}
	var builders []*alert.Builder
	for _, v := range []string{"2.D.V04", "2.D.V08"} {
		b, err := alert.NewBuilder(set, v, self, alert.Options{})
		if err != nil {
			f.Fatal(err)
		}
		builders = append(builders, b)
	}
	wellFormed := func(t *testing.T, what string, line []byte, a alert.Alert) {
		var m map[string]any
		if err := json.Unmarshal(a.Data, &m); err != nil {
			t.Fatalf("%s: the alert built from %q is not a JSON object: %v\n%s", what, line, err, a.Data)
		}
		if m["ID"] != a.ID || a.ID == "" {
			t.Fatalf("%s: the alert's ID %v is not the one returned, %q", what, m["ID"], a.ID)
		}
	}
	f.Fuzz(func(t *testing.T, line []byte) {
		if _, err := alert.ParseEvent(line); err != nil && !errors.Is(err, alert.ErrEvent) {
			t.Fatalf("ParseEvent: an error that is not ErrEvent: %v", err)
		}
		if _, _, err := alert.ParseEVE(line); err != nil && !errors.Is(err, alert.ErrEvent) {
			t.Fatalf("ParseEVE: an error that is not ErrEvent: %v", err)
		}
		for _, b := range builders {
			if a, err := b.FromEvent(line); err == nil {
				wellFormed(t, "FromEvent "+b.Version(), line, a)
			}
			if a, ok, err := b.FromEVE(line); err == nil && ok {
				wellFormed(t, "FromEVE "+b.Version(), line, a)
			}
		}
	})
}

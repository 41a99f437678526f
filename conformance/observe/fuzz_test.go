package observe_test

import (
	"strings"
	"testing"

	"github.com/idmefcheck/idmefcheck/conformance/observe"
)

// FuzzParseLine holds ParseLine to its contract on any bytes: no panic; an error names the
// line's place; an observation has an ID and says where it came from.
func FuzzParseLine(f *testing.F) {
	f.Add([]byte(`{"received":"2026-11-24T08:20:55.41Z","analyzer":"dns:a","id":"X","message":"{\"ID\":\"x\"}"}`))
	f.Add([]byte(`{"Version":"2.D.V08","ID":"019bbd04-3058-7f18-a015-7772c49fbe4c"}`))
	f.Add([]byte(`{"message":"{\"ID\":\"\\u0000\"}"}`))
	f.Add([]byte(`{"ID":"a","ID":"b","message":null}`))
	f.Add([]byte("null"))
	f.Fuzz(func(t *testing.T, line []byte) {
		o, err := observe.ParseLine(line, "f:1")
		if err != nil {
			if !strings.HasPrefix(err.Error(), "f:1: ") {
				t.Fatalf("an error that does not say where: %v", err)
			}
			return
		}
		if o.ID == "" || o.Where != "f:1" {
			t.Fatalf("an observation without ID or place: %+v", o)
		}
		if !o.Exact && string(o.Message) != strings.TrimSpace(string(line)) {
			t.Fatalf("a bare message that is not the line: %q", o.Message)
		}
	})
}

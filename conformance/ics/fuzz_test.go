package ics_test

import (
	"regexp"
	"strings"
	"testing"

	"github.com/idmefcheck/idmefcheck/conformance/ics"
	"github.com/idmefcheck/idmefcheck/schema"
)

// FuzzParse holds Parse to its contract on any bytes: it never panics; every line of an
// error names the statement and a line; what it accepts passes Check and claims a role.
func FuzzParse(f *testing.F) {
	set, err := schema.Load()
	if err != nil {
		f.Fatal(err)
	}
	for _, role := range []string{"manager", "analyzer"} {
		data, err := ics.Template(role, ics.TemplateParams{Options: []string{"signatures", "ipv6"}})
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte(minimal))
	f.Add([]byte(minimal + "limits: {max_body: 1e30, ack_within: 1h}\nobserve: {kind: file, file: x, settle: 2s}\n"))
	f.Add([]byte(`{"schema": "ics.schema.json", "formatVersion": 1, "role": "manager", "x": [1, {"y": null}]}`))
	f.Add([]byte("a: &a [*a, *a]\nb: !!binary aGk=\nc: 2026-01-02\n? [k]\n: v\n"))
	located := regexp.MustCompile(`^ics\.yaml:[1-9][0-9]*: `)
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := ics.Parse(set, "ics.yaml", data)
		if err != nil {
			if s != nil {
				t.Fatalf("a statement and an error: %v", err)
			}
			for _, line := range strings.Split(err.Error(), "\n") {
				if !located.MatchString(line) {
					t.Fatalf("an error line that does not name its place: %q", line)
				}
			}
			return
		}
		if s.Role != "manager" && s.Role != "analyzer" {
			t.Fatalf("accepted role %q", s.Role)
		}
		if err := s.Check(); err != nil {
			t.Fatalf("accepted a statement Check refuses: %v", err)
		}
		if len(s.Versions) == 0 || s.SHA256 == "" {
			t.Fatalf("accepted without versions or hash: %+v", s)
		}
	})
}

package designs_test

import (
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/idmefcheck/idmefcheck/conformance/catalog"
	"github.com/idmefcheck/idmefcheck/conformance/designs"
	"github.com/idmefcheck/idmefcheck/schema"
)

// FuzzParse holds Parse to its contract on any bytes: it never panics; an error comes with no
// design and names the file; what it accepts has an ID, a revision and a provision from the
// closed set for every assessment, and Check can judge it without panicking.
func FuzzParse(f *testing.F) {
	for _, id := range []string{"idmefv2-v06", "reference-profile"} {
		b, err := os.ReadFile("files/" + id + ".yaml")
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte("schema: designs.schema.json\ndesign: {id: x, title: xyz, version: 2.D.V99, documents: [{key: f, reference: abc}], summary: 0123456789}\nassessments:\n  - {requirement: R4766-9, provides: yes, mechanism: {feature: abc, fields: [Nope.X], values: [\"A=\"]}, reasoning: 0123456789, cites: [g 1]}\n"))
	f.Add([]byte("a: &x [*x, *x]\n"))
	f.Add([]byte("---\n...\n"))
	f.Add([]byte("schema: designs.schema.json\ndesign: \xff\n"))
	set, err := schema.Load()
	if err != nil {
		f.Fatal(err)
	}
	cat, err := catalog.Load(set)
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		d, err := designs.Parse(set, "f.yaml", data)
		if err != nil {
			if d != nil {
				t.Fatalf("a design and an error: %v", err)
			}
			if !strings.HasPrefix(err.Error(), "designs: f.yaml: ") {
				t.Fatalf("an error that does not name the file: %q", err)
			}
			return
		}
		if d.ID == "" || d.Version == "" {
			t.Fatalf("accepted without an ID or a revision: %+v", d)
		}
		for _, a := range d.Assessments {
			if !slices.Contains(designs.Provisions, a.Provides) {
				t.Fatalf("accepted provision %q", a.Provides)
			}
		}
		_ = designs.Check(d, set.Model(), cat)
	})
}

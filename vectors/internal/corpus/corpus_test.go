package corpus

import (
	"bytes"
	"testing"
)

// The corpus's own checks (schema, lint, agreement with the validator on both engines,
// coverage) run in package vectors on the files as loaded; here only what concerns the
// generator itself.

func TestFilesAreDeterministic(t *testing.T) {
	a, err := Files()
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 2; i++ {
		b, err := Files()
		if err != nil {
			t.Fatal(err)
		}
		if len(a) != len(b) {
			t.Fatalf("run %d: %d files, then %d", i, len(a), len(b))
		}
		for name, content := range a {
			if !bytes.Equal(content, b[name]) {
				t.Errorf("run %d: %s differs between runs", i, name)
			}
		}
	}
}

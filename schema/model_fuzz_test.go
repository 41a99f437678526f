package schema

import (
	"strings"
	"testing"
)

// FuzzParseModel: any bytes give a model or an error that names the file, never a panic. The
// seeds are the real model and pieces of it, so the fuzzer starts from the structure.
func FuzzParseModel(f *testing.F) {
	real, err := FS.ReadFile(ModelFile)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(real)
	text := string(real)
	for _, cut := range []int{200, 2000, 20000} {
		if cut < len(text) {
			f.Add([]byte(text[:cut]))
		}
	}
	f.Add([]byte("versions: [2.D.V08]\ntypes: {}\nclasses: {}\nenums: {}\n"))
	f.Add([]byte("versions: [2.D.V08]\nunknown: 1\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := ParseModel("model.yaml", data)
		if err != nil {
			if m != nil {
				t.Fatalf("an error and a model: %v", err)
			}
			if !strings.Contains(err.Error(), "model.yaml") {
				t.Fatalf("an error that does not name the file: %v", err)
			}
		}
	})
}

package vectors

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"
)

// Knowledge is what Lint checks references against: the catalogue's requirement IDs and
// the validator's rule IDs. Each function reports whether the ID exists.
type Knowledge struct {
	Requirement func(id string) bool
	Rule        func(id string) bool
}

// Lint checks what the file schema cannot express: IDs unique across the corpus and
// prefixed by their topic, every flag declared and every declared flag used, every
// requirement and rule ID known, rules sorted, counts as the header states, "acceptable"
// explained by a flag, each file named after its topic, and each form used for what it is
// for. Every error names the file and the JSON Pointer of the offending value.
func Lint(c *Corpus, k Knowledge) error {
	var errs []error
	fail := func(file, where, format string, args ...any) {
		errs = append(errs, fmt.Errorf("vectors: %s: %s: %s", file, where, fmt.Sprintf(format, args...)))
	}
	seen := map[string]*Vector{}
	for _, f := range c.Files {
		if want := f.Topic + ".json"; f.Name != want {
			fail(f.Name, "/topic", "topic %q belongs in %s", f.Topic, want)
		}
		if f.NumberOfTests != len(f.Vectors) {
			fail(f.Name, "/numberOfTests", "says %d tests, the file holds %d", f.NumberOfTests, len(f.Vectors))
		}
		used := map[string]bool{}
		for _, v := range f.Vectors {
			if prev, dup := seen[v.ID]; dup {
				fail(f.Name, v.Where+"/id", "ID %q is already used by %s%s", v.ID, prev.File, prev.Where)
			}
			seen[v.ID] = v
			if !strings.HasPrefix(v.ID, f.Topic+".") {
				fail(f.Name, v.Where+"/id", "ID %q does not start with the topic %q", v.ID, f.Topic+".")
			}
			for i, flag := range v.Flags {
				used[flag] = true
				if _, ok := f.Notes[flag]; !ok {
					fail(f.Name, fmt.Sprintf("%s/flags/%d", v.Where, i), "undeclared flag %q", flag)
				}
			}
			for i, id := range v.Requirements {
				if k.Requirement != nil && !k.Requirement(id) {
					fail(f.Name, fmt.Sprintf("%s/requirements/%d", v.Where, i), "unknown requirement %q", id)
				}
			}
			for i, id := range v.Rules {
				if k.Rule != nil && !k.Rule(id) {
					fail(f.Name, fmt.Sprintf("%s/rules/%d", v.Where, i), "unknown rule %q", id)
				}
			}
			if !slices.IsSorted(v.Rules) {
				fail(f.Name, v.Where+"/rules", "rules are not sorted: %s", quoteList(v.Rules))
			}
			if v.Strict == Acceptable && len(v.Flags) == 0 {
				fail(f.Name, v.Where+"/strict", "acceptable needs a flag that explains why either verdict conforms")
			}
			switch v.Form {
			case FormRaw:
				if utf8.Valid(v.Data) && !hasControl(v.Data) {
					fail(f.Name, v.Where+"/raw", "the bytes are printable UTF-8: write them as text, so a reader can see them")
				}
			case FormMessage:
				if v.Official == Valid && v.ValidateAs == "" && !versionMatches(v) {
					fail(f.Name, v.Where+"/message/Version", "a valid message for %s names another revision", v.Version)
				}
			}
		}
		for flag := range f.Notes {
			if !used[flag] {
				fail(f.Name, "/notes/"+flag, "flag %q is declared but no vector uses it", flag)
			}
		}
	}
	return errors.Join(errs...)
}

// versionMatches reports whether an inline message's Version names the vector's revision.
func versionMatches(v *Vector) bool {
	var m struct {
		Version string `json:"Version"`
	}
	return json.Unmarshal(v.Data, &m) == nil && m.Version == v.Version
}

// hasControl reports whether data holds a control byte other than white space, which a
// text vector would only show as an escape.
func hasControl(data []byte) bool {
	for _, b := range data {
		if b < 0x20 && b != '\t' && b != '\n' && b != '\r' || b == 0x7f {
			return true
		}
	}
	return false
}

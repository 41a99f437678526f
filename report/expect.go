package report

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path"
	"time"

	"go.yaml.in/yaml/v3"
)

// ExpectedFailure is one entry of an expected-failures file: a check known to fail, why, where
// the fix is tracked, and until when the failure is excused.
type ExpectedFailure struct {
	Check   string `yaml:"check"`
	Reason  string `yaml:"reason"`
	Issue   string `yaml:"issue,omitempty"`
	Expires string `yaml:"expires"`
	expires time.Time
	line    int
}

// Expectations is a loaded expected-failures file.
type Expectations struct {
	Entries []ExpectedFailure
	SHA256  string
}

type expectFile struct {
	ExpectedFailures []ExpectedFailure `yaml:"expected_failures"`
}

// LoadExpectations reads an expected-failures file (YAML, docs/exit-codes.md). Every entry
// needs a check ID or glob, a reason and an expiry date (YYYY-MM-DD); errors name the line.
func LoadExpectations(file string) (*Expectations, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("expected failures: %w", err)
	}
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return nil, fmt.Errorf("expected failures %s: %w", file, err)
	}
	var f expectFile
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&f); err != nil {
		return nil, fmt.Errorf("expected failures %s: %w", file, err)
	}
	lines := entryLines(&root)
	var errs []error
	for i := range f.ExpectedFailures {
		e := &f.ExpectedFailures[i]
		if i < len(lines) {
			e.line = lines[i]
		}
		where := fmt.Sprintf("%s:%d", file, e.line)
		if e.Check == "" {
			errs = append(errs, fmt.Errorf("%s: no check", where))
		} else if _, err := path.Match(e.Check, ""); err != nil {
			errs = append(errs, fmt.Errorf("%s: check %q: %w", where, e.Check, err))
		}
		if e.Reason == "" {
			errs = append(errs, fmt.Errorf("%s: %s has no reason: say why it fails", where, e.Check))
		}
		t, err := time.Parse(time.DateOnly, e.Expires)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %s: expires %q: want a date YYYY-MM-DD", where, e.Check, e.Expires))
		}
		e.expires = t
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	sum := sha256.Sum256(data)
	return &Expectations{Entries: f.ExpectedFailures, SHA256: hex.EncodeToString(sum[:])}, nil
}

func entryLines(root *yaml.Node) []int {
	n := root
	if n.Kind == yaml.DocumentNode && len(n.Content) > 0 {
		n = n.Content[0]
	}
	if n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == "expected_failures" {
			var out []int
			for _, e := range n.Content[i+1].Content {
				out = append(out, e.Line)
			}
			return out
		}
	}
	return nil
}

// Apply marks the results the file lists. A listed check that failed is "expected" until its
// entry expires (the day after Expires, in UTC), then "expired" and counted again; a listed
// check that passed is an "unexpected-pass", which fails the run so that the entry is removed.
// Call Summarize afterwards.
func (x *Expectations) Apply(r *Report, now time.Time) {
	if x == nil {
		return
	}
	r.Run.ExpectedFailures = x.SHA256
	for i := range r.Results {
		res := &r.Results[i]
		for _, e := range x.Entries {
			if m, _ := path.Match(e.Check, res.ID); !m {
				continue
			}
			exp := &Expectation{Reason: e.Reason, Issue: e.Issue, Expires: e.Expires}
			switch res.Verdict {
			case Fail:
				exp.Status = "expected"
				if !now.UTC().Before(e.expires.AddDate(0, 0, 1)) {
					exp.Status = "expired"
				}
			case Pass:
				exp.Status = "unexpected-pass"
			default:
				continue // not applicable, inconclusive or error: the entry says nothing of it
			}
			res.Expectation = exp
			break
		}
	}
}

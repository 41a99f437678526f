package report

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

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

// LoadExpectations reads an expected-failures file (YAML, docs/exit-codes.md); see
// ParseExpectations.
func LoadExpectations(file string) (*Expectations, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("expected failures: %w", err)
	}
	return ParseExpectations(file, data)
}

// ParseExpectations reads an expected-failures file from data; name is the file's name in
// errors. Every entry needs a check ID or glob, a reason and an expiry date (YYYY-MM-DD);
// every error names its place as name:line, and every bad entry is named, not just the
// first. An empty file lists nothing.
func ParseExpectations(name string, data []byte) (*Expectations, error) {
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return nil, yamlError(name, data, err)
	}
	var f expectFile
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&f); err != nil && !errors.Is(err, io.EOF) {
		return nil, yamlError(name, data, err)
	}
	lines := entryLines(&root)
	var errs []error
	for i := range f.ExpectedFailures {
		e := &f.ExpectedFailures[i]
		e.line = 1
		if i < len(lines) {
			e.line = lines[i]
		}
		where := fmt.Sprintf("%s:%d", name, e.line)
		if e.Check == "" {
			errs = append(errs, fmt.Errorf("%s: no check", where))
		} else if _, err := path.Match(e.Check, ""); err != nil {
			errs = append(errs, fmt.Errorf("%s: check %q: %w", where, e.Check, err))
		}
		if e.Reason == "" {
			errs = append(errs, fmt.Errorf("%s: %q has no reason: say why it fails", where, e.Check))
		}
		t, err := time.Parse(time.DateOnly, e.Expires)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %q: expires %q: want a date YYYY-MM-DD", where, e.Check, e.Expires))
		}
		e.expires = t
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	sum := sha256.Sum256(data)
	return &Expectations{Entries: f.ExpectedFailures, SHA256: hex.EncodeToString(sum[:])}, nil
}

// yamlLine finds the "line N: " the YAML decoder puts in its messages.
var yamlLine = regexp.MustCompile(`(?s)^(?:yaml: )?line (\d+): (.*)$`)

// yamlError words a YAML decoder error as name:line: message, one per problem the decoder
// listed, so that every error names its place.
func yamlError(name string, data []byte, err error) error {
	var msgs []string
	var te *yaml.TypeError
	if errors.As(err, &te) {
		msgs = te.Errors
	} else {
		msgs = []string{err.Error()}
	}
	var errs []error
	for _, m := range msgs {
		// One line per error: a value the decoder quotes may hold line breaks.
		m = strings.ReplaceAll(strings.TrimSpace(m), "\n", `\n`)
		if g := yamlLine.FindStringSubmatch(m); g != nil {
			line, _ := strconv.Atoi(g[1])
			if strings.HasPrefix(g[2], "did not find expected") {
				// The parser's errors count lines from 0 (the scanner's from 1).
				line++
			}
			errs = append(errs, fmt.Errorf("%s:%d: %s", name, line, g[2]))
			continue
		}
		// The reader's errors (bad UTF-8, control characters) carry no line: find it.
		errs = append(errs, fmt.Errorf("%s:%d: %s", name, badCharLine(data), strings.TrimPrefix(m, "yaml: ")))
	}
	return errors.Join(errs...)
}

// badCharLine is the line of the first byte YAML cannot read (invalid UTF-8 or a control
// character other than tab and line breaks), or 1.
func badCharLine(data []byte) int {
	for i := 0; i < len(data); {
		r, n := utf8.DecodeRune(data[i:])
		if (r == utf8.RuneError && n <= 1) || (unicode.IsControl(r) && r != '\t' && r != '\n' && r != '\r' && r != 0x85) {
			return 1 + bytes.Count(data[:i], []byte{'\n'})
		}
		i += n
	}
	return 1
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

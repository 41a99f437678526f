package harness

import (
	"fmt"
	"log/slog"
	"sync"
	"unicode/utf8"

	"github.com/idmefcheck/idmefcheck/report"
)

// MaxEvidence is how many bytes of one piece of evidence a report keeps; the rest is counted,
// not kept, so that a 10 MB body does not make a 10 MB report.
const MaxEvidence = 4096

// T is what a running check writes to: its evidence, what it expected and what it saw.
// It is safe for concurrent use by the goroutines of one check.
type T struct {
	// Env is the role's environment (targets, identities, observation channel), as the
	// runner was given it.
	Env any
	// Log receives the check's diagnostics; it carries the check's ID.
	Log *slog.Logger

	mu       sync.Mutex
	evidence []report.Evidence
	expected string
	actual   string
}

// Evidence records something the check saw. Text longer than MaxEvidence is cut at a
// character boundary and the cut counted.
func (t *T) Evidence(kind, label, text string) {
	e := report.Evidence{Kind: kind, Label: label, Text: text}
	if len(text) > MaxEvidence {
		// Back to the start of the rune the limit falls in, so that a character is kept whole
		// or not at all; no further than a rune's length, so that bytes that are not UTF-8
		// are cut at the limit.
		cut := MaxEvidence
		for cut > MaxEvidence-utf8.UTFMax+1 && !utf8.RuneStart(text[cut]) {
			cut--
		}
		if !utf8.RuneStart(text[cut]) {
			cut = MaxEvidence
		}
		e.Text = text[:cut]
		e.Truncated = len(text) - cut
	}
	t.mu.Lock()
	t.evidence = append(t.evidence, e)
	t.mu.Unlock()
}

// Notef records a note: a step the check took or a fact it established.
func (t *T) Notef(format string, args ...any) {
	t.Evidence("note", "", fmt.Sprintf(format, args...))
}

// Expect records what the check required and what it found, for the report's expected and
// actual columns. A later call replaces an earlier one.
func (t *T) Expect(expected, actual string) {
	t.mu.Lock()
	t.expected, t.actual = expected, actual
	t.mu.Unlock()
}

func (t *T) result() ([]report.Evidence, string, string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	return append([]report.Evidence{}, t.evidence...), t.expected, t.actual
}

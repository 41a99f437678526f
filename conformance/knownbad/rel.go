package knownbad

import (
	"io"
	"net/http"
	"os"
	"regexp"
	"sync"

	"github.com/idmefcheck/idmefcheck/conformance/managerlab"
	"github.com/idmefcheck/idmefcheck/reference/manager"
)

func relManagers() []Variant {
	return []Variant{
		{
			Name:    "manager/accept-without-commit",
			Breaks:  "acknowledges alerts with 204 without storing them (fault AcceptWithoutCommit)",
			Catches: []string{"MGR-REL-001", "MGR-REL-002"},
			Lab:     managerlab.Options{RequireSignatures: true, Faults: manager.Faults{AcceptWithoutCommit: true}},
		},
		{
			Name: "manager/memory-only-store",
			Breaks: "a fake that keeps alerts in memory only: it acknowledges and shows them, and a restart loses every one " +
				"(its observation export starts empty, as its store does)",
			Catches: []string{"MGR-REL-002"},
			Lab:     managerlab.Options{Fake: &managerlab.Fake{Handler: memoryOnly}},
		},
		{
			Name: "manager/remembers-uncommitted-ids",
			Breaks: "a fake that deduplicates by ID and remembers an ID as soon as it has read it, before the body is whole: " +
				"after a delivery cut mid-body it takes the analyzer's resend for a repeat, acknowledges it and never stores the alert",
			Catches: []string{"MGR-REL-003"},
			Lab:     managerlab.Options{Fake: &managerlab.Fake{Handler: remembersUncommittedIDs}},
		},
		{
			Name:    "manager/skip-validation",
			Breaks:  "stores messages without validating them (fault SkipValidation)",
			Catches: []string{"MGR-REL-004"},
			Lab:     managerlab.Options{RequireSignatures: true, Faults: manager.Faults{SkipValidation: true}},
		},
	}
}

// memoryOnly is AcceptAll over a store that does not outlive the process: each start (the
// first, and every restart) begins with an empty export, since the alerts it held are gone.
func memoryOnly(l *managerlab.Lab) http.Handler {
	_ = os.WriteFile(l.ObserveFile(), nil, 0o644)
	return managerlab.AcceptAll(l)
}

// firstID finds the first "ID" member of a message, read as far as it arrived: the
// top-level ID, which the harness's alerts put second.
var firstID = regexp.MustCompile(`"ID"\s*:\s*"([^"]+)"`)

// remembersUncommittedIDs acknowledges a repeat of a known ID without storing it, as
// deduplication should, but knows an ID from the moment it read it, stored or not.
func remembersUncommittedIDs(l *managerlab.Lab) http.Handler {
	var mu sync.Mutex
	seen := map[string]bool{}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			w.Header().Set("Allow", http.MethodPost)
			w.WriteHeader(http.StatusMethodNotAllowed)
			return
		}
		body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
		var id string
		if m := firstID.FindSubmatch(body); m != nil {
			id = string(m[1])
		}
		mu.Lock()
		known := seen[id]
		if id != "" {
			seen[id] = true
		}
		mu.Unlock()
		switch {
		case err != nil:
			w.WriteHeader(http.StatusBadRequest)
		case known:
			w.WriteHeader(http.StatusNoContent)
		case l.Record(r, body) != nil:
			w.WriteHeader(http.StatusInternalServerError)
		default:
			w.WriteHeader(http.StatusNoContent)
		}
	})
}

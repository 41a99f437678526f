package knownbad

import (
	"time"

	"github.com/idmefcheck/idmefcheck/conformance/managerlab"
	"github.com/idmefcheck/idmefcheck/reference/manager"
)

func dupManagers() []Variant {
	return []Variant{
		{
			Name:    "manager/skip-dedup",
			Breaks:  "stores every copy of an alert as a new record, whatever its ID (fault SkipDedup)",
			Catches: []string{"MGR-DUP-001", "MGR-DUP-003", "MGR-DUP-004", "MGR-DUP-005"},
			Lab:     managerlab.Options{RequireSignatures: true, Faults: manager.Faults{SkipDedup: true}},
		},
		{
			Name: "manager/replays-stored-again",
			Breaks: "neither deduplicates nor takes the profile's signatures, so nothing tells a replayed request from a new one " +
				"(fault SkipDedup, run as a transport-draft manager without signatures)",
			Catches: []string{"MGR-DUP-002"},
			Lab:     managerlab.Options{Faults: manager.Faults{SkipDedup: true}, Statement: withoutOptions("signatures")},
		},
		{
			Name:    "manager/stale-signatures-accepted",
			Breaks:  "verifies signatures but takes a created time up to ten years old instead of the profile's 300 s",
			Catches: []string{"MGR-DUP-006"},
			Lab:     managerlab.Options{RequireSignatures: true, SignatureWindow: 10 * 365 * 24 * time.Hour},
		},
	}
}

package knownbad

import (
	"github.com/idmefcheck/idmefcheck/conformance/managerlab"
	"github.com/idmefcheck/idmefcheck/reference/manager"
)

// secopsManagers break the security operator's rules (seed 000, the SECOPS entries): no
// amplification, versions named, operator data segregated and audited.
func secopsManagers() []Variant {
	return []Variant{
		{
			Name:    "manager/verbose-errors",
			Breaks:  "the reference manager with a debug mode left on: every ingest error answer carries the request's headers and the stack traces of every goroutine, many times the request's size",
			Catches: []string{"MGR-DOS-007"},
			Lab:     managerlab.Options{Faults: manager.Faults{VerboseErrors: true}},
		},
		{
			Name:    "manager/terse-errors",
			Breaks:  "the reference manager answering ingest errors with the status and reason only: the refusal of an unknown Version does not name the supported versions",
			Catches: []string{"MGR-EXT-005"},
			Lab:     managerlab.Options{Faults: manager.Faults{TerseErrors: true}},
		},
		{
			Name:    "manager/open-operator-api",
			Breaks:  "the reference manager whose operator API takes any certificate the CAs vouch for, analyzers included, instead of its operators' allow-list",
			Catches: []string{"MGR-OPS-001"},
			Lab:     managerlab.Options{Faults: manager.Faults{OpenOperatorAPI: true}},
		},
		{
			Name:    "manager/audits-successes-only",
			Breaks:  "the reference manager writing an operator audit record only for the requests it answered 2xx or 3xx: refused queries leave no trace",
			Catches: []string{"MGR-OPS-002"},
			Lab:     managerlab.Options{Faults: manager.Faults{AuditOnlySuccess: true}},
		},
	}
}

package knownbad

import (
	"github.com/idmefcheck/idmefcheck/conformance/managerlab"
	"github.com/idmefcheck/idmefcheck/reference/manager"
)

func filtManagers() []Variant {
	return []Variant{
		{
			Name:    "manager/filter-ignores-offset",
			Breaks:  "reads the operator API's from and to as UTC wall-clock times, ignoring their offsets (fault FilterIgnoresOffset)",
			Catches: []string{"MGR-FILT-001"},
			Lab:     managerlab.Options{Faults: manager.Faults{FilterIgnoresOffset: true}},
		},
		{
			Name:    "manager/priority-filter-ignored",
			Breaks:  "accepts the operator API's priority filter without applying it (fault IgnorePriorityFilter)",
			Catches: []string{"MGR-FILT-002"},
			Lab:     managerlab.Options{Faults: manager.Faults{IgnorePriorityFilter: true}},
		},
		{
			Name:    "manager/stats-ignore-filter",
			Breaks:  "counts every stored alert in /v1/stats, whatever the filters (fault StatsIgnoreFilter)",
			Catches: []string{"MGR-FILT-003"},
			Lab:     managerlab.Options{Faults: manager.Faults{StatsIgnoreFilter: true}},
		},
	}
}

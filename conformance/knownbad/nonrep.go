package knownbad

import (
	"github.com/idmefcheck/idmefcheck/conformance/managerlab"
	"github.com/idmefcheck/idmefcheck/reference/manager"
)

func nonrepManagers() []Variant {
	return []Variant{
		{
			Name:    "manager/evidence-without-signature",
			Breaks:  "keeps no request signature in the evidence of a signed alert (fault EvidenceWithoutSignature)",
			Catches: []string{"MGR-NREP-001"},
			Lab:     managerlab.Options{RequireSignatures: true, Faults: manager.Faults{EvidenceWithoutSignature: true}},
		},
	}
}

package knownbad

import (
	"time"

	"github.com/idmefcheck/idmefcheck/conformance/ics"
	"github.com/idmefcheck/idmefcheck/conformance/managerlab"
	"github.com/idmefcheck/idmefcheck/reference/manager"
)

func dosManagers() []Variant {
	// The lab's limits with what a variant changes; its statement still claims the lab's.
	limits := func(edit func(*manager.Limits)) manager.Limits {
		l := managerlab.Limits()
		edit(&l)
		return l
	}
	claim := func(l manager.Limits) func(*ics.Statement) {
		return func(s *ics.Statement) {
			s.Limits.MaxBody, s.Limits.Rate, s.Limits.Burst = l.MaxBody, l.Rate, l.Burst
		}
	}
	return []Variant{
		{
			Name:    "manager/no-body-limit",
			Breaks:  "claims limits.max_body of 1 MiB but takes bodies up to 64 MiB",
			Catches: []string{"MGR-DOS-001"},
			Lab: managerlab.Options{RequireSignatures: true,
				Limits:    limits(func(l *manager.Limits) { l.MaxBody = 64 << 20 }),
				Statement: claim(managerlab.Limits())},
		},
		{
			Name: "manager/slow-peers-hold-every-slot",
			Breaks: "four connections per listener and no practical deadline on handshakes, headers or bodies (an hour each): " +
				"a few slow or silent peers take every connection and keep them",
			Catches: []string{"MGR-DOS-002", "MGR-DOS-003", "MGR-DOS-004"},
			Lab: managerlab.Options{RequireSignatures: true,
				Limits: limits(func(l *manager.Limits) {
					l.MaxConns = 4
					l.HeaderTimeout, l.BodyTimeout, l.WriteTimeout = time.Hour, time.Hour, time.Hour
				}),
				// A short bound on acknowledgements keeps the honesty test short: the
				// starved alert waits this long before the check gives up on it.
				Statement: func(s *ics.Statement) { s.Limits.AckWithin = ics.Duration(3 * time.Second) }},
		},
		{
			Name:    "manager/server-error-on-invalid",
			Breaks:  "answers 500 instead of 400 to a message that is not valid, malformed JSON included (fault ServerErrorOnInvalid)",
			Catches: []string{"MGR-DOS-005", "MGR-REL-004"},
			Lab:     managerlab.Options{RequireSignatures: true, Faults: manager.Faults{ServerErrorOnInvalid: true}},
		},
		{
			Name:    "manager/no-rate-limit",
			Breaks:  "claims 400 alerts/s in bursts of 800 per peer but lets a million through",
			Catches: []string{"MGR-DOS-006"},
			Lab: managerlab.Options{RequireSignatures: true,
				Limits:    limits(func(l *manager.Limits) { l.Rate, l.Burst = 1e6, 1e6 }),
				Statement: claim(managerlab.Limits())},
		},
	}
}

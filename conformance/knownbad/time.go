package knownbad

import (
	"math"
	"regexp"
	"time"

	"github.com/idmefcheck/idmefcheck/conformance/managerlab"
)

// fraction is the second fraction of an RFC 3339 time, with its point.
var fraction = regexp.MustCompile(`^([^.]*T[0-9:]{8})(\.[0-9]+)?(.*)$`)

func timeManagers() []Variant {
	return []Variant{
		{
			Name:    "manager/createtime-utc",
			Breaks:  "a fake that stores CreateTime normalised to UTC (RFC3339Nano), losing the analyzer's local time and offset, and trailing zeros of fractions",
			Catches: []string{"MGR-TIME-001", "MGR-TIME-002", "MGR-TIME-003"},
			Lab: managerlab.Options{Fake: &managerlab.Fake{Handler: storing(keptAs(func(b []byte) []byte {
				return rewriteString(b, "CreateTime", func(s string) string {
					t, err := time.Parse(time.RFC3339Nano, s)
					if err != nil {
						return s
					}
					return t.UTC().Format(time.RFC3339Nano)
				})
			}))}},
		},
		{
			Name:    "manager/createtime-32bit",
			Breaks:  "a fake that keeps CreateTime as a signed 32-bit Unix time: dates after 2038-01-19T03:14:07Z wrap around to 1901",
			Catches: []string{"MGR-TIME-002"},
			Lab: managerlab.Options{Fake: &managerlab.Fake{Handler: storing(keptAs(func(b []byte) []byte {
				return rewriteString(b, "CreateTime", func(s string) string {
					t, err := time.Parse(time.RFC3339Nano, s)
					if err != nil || t.Unix() <= math.MaxInt32 {
						return s
					}
					return time.Unix(int64(int32(t.Unix())), int64(t.Nanosecond())).In(t.Location()).Format(time.RFC3339Nano)
				})
			}))}},
		},
		{
			Name:    "manager/createtime-millis",
			Breaks:  "a fake that keeps CreateTime with exactly three fraction digits (a DATETIME(3) column): longer fractions cut, shorter ones padded",
			Catches: []string{"MGR-TIME-003"},
			Lab: managerlab.Options{Fake: &managerlab.Fake{Handler: storing(keptAs(func(b []byte) []byte {
				return rewriteString(b, "CreateTime", func(s string) string {
					m := fraction.FindStringSubmatch(s)
					if m == nil {
						return s
					}
					digits := "000"
					if m[2] != "" {
						digits = (m[2][1:] + "000")[:3]
					}
					return m[1] + "." + digits + m[3]
				})
			}))}},
		},
	}
}

package managerrole

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/idmefcheck/idmefcheck/conformance/alerts"
	"github.com/idmefcheck/idmefcheck/conformance/harness"
)

// Time (R4766 section 7.13 to 7.16; format draft TIMESTAMP): a manager must take every
// timestamp the format allows and keep it as the analyzer wrote it. The analyzer's local
// time and offset are information: a manager may normalise a copy to UTC for its own
// indexing, but the stored alert keeps what was sent.

// offsets are UTC offsets zones use, the odd ones included: half and three-quarter hours
// (Newfoundland, Iran, India, Nepal, Eucla, Chatham), the extremes, and UTC written both ways.
var offsets = []string{"-12:00", "-09:30", "-03:30", "-01:00", "Z", "+00:00", "+03:30", "+05:30", "+05:45", "+08:45", "+12:45", "+13:00", "+14:00"}

// post2038 are CreateTimes past the end of signed 32-bit Unix time: its first second (also
// written with an offset), the end of unsigned 32-bit time, the end of signed 64-bit
// nanoseconds (2262), a leap day of a year divisible by 400, and the last instants of year 9999 (at -12:00 the
// instant is in year 10000 UTC).
var post2038 = []string{
	"2038-01-19T03:14:08Z",
	"2038-01-19T04:14:08.5+01:00",
	"2106-02-07T06:28:16Z",
	"2262-04-11T23:47:16.854775808Z",
	"2262-04-12T05:30:00+05:30",
	"2400-02-29T12:00:00-05:00",
	"9999-12-31T23:59:59-12:00",
	"9999-12-31T23:59:59.999999999Z",
	"9999-12-31T23:59:59+14:00",
}

// fractions are second fractions of every length from none to nine digits, then beyond
// nanoseconds (the format sets no limit), with trailing zeros that a normaliser would drop.
var fractions = []string{"", ".5", ".25", ".125", ".1250", ".12345", ".123456", ".1234567", ".12345678", ".123456789", ".000000001",
	".123456789012", ".123456789012345678", ".10000000000000000000"}

func timeChecks() []harness.Check {
	return []harness.Check{
		check(harness.Check{
			ID: "MGR-TIME-001", Title: "CreateTime with any zone offset from -12:00 to +14:00 is accepted and kept",
			Requirements: []string{"IDMEF2-2.2-1", "IDMEF2T-3-2"}, Level: "MUST", Category: "time",
			Doc: "Sends one alert per UTC offset: the extremes -12:00 and +14:00, the odd ones (-09:30, -03:30, +03:30, +05:30, +05:45, +08:45, +12:45), and UTC written both as Z and as +00:00, each naming the current instant in that offset. Every alert must be acknowledged and stored with its CreateTime exactly as sent (the same string, not a normalised equivalent): the analyzer's local time and offset are part of the alert.",
		}, func(ctx context.Context, t *harness.T, e *Env) harness.Outcome {
			now := time.Now().Truncate(time.Millisecond)
			var cases []keptCase
			for _, off := range offsets {
				ct, err := inOffset(now, off)
				if err != nil {
					return harness.Errorf(reasonHarness, "%v", err)
				}
				c, o := timeCase(e, "offset "+off, ct)
				if o != nil {
					return *o
				}
				cases = append(cases, c)
			}
			return deliverAndKeep(ctx, t, e, fmt.Sprintf("%d alerts with CreateTime offsets %s", len(cases), strings.Join(offsets, " ")), cases)
		}),
		check(harness.Check{
			ID: "MGR-TIME-002", Title: "CreateTime after 2038 is accepted and kept",
			Requirements: []string{"R4766-7.15-2", "IDMEF2-2.2-1"}, Level: "MUST", Category: "time",
			Doc: "Sends alerts whose CreateTime lies past the end of signed 32-bit Unix time (2038-01-19T03:14:08Z, also written with an offset), past unsigned 32-bit time (2106), past signed 64-bit nanoseconds (2262), on 2400-02-29 (a leap day of a year divisible by 400), and at the end of year 9999 (in UTC and at +14:00). Every alert must be acknowledged and stored with its CreateTime exactly as sent: no overflow, wrap-around or clamping.",
		}, func(ctx context.Context, t *harness.T, e *Env) harness.Outcome {
			var cases []keptCase
			for _, ct := range post2038 {
				c, o := timeCase(e, ct, ct)
				if o != nil {
					return *o
				}
				cases = append(cases, c)
			}
			return deliverAndKeep(ctx, t, e, fmt.Sprintf("%d alerts with CreateTime after 2038", len(cases)), cases)
		}),
		check(harness.Check{
			ID: "MGR-TIME-003", Title: "CreateTime with a second fraction of any length is accepted and kept",
			Requirements: []string{"IDMEF2-2.2-1", "IDMEF2T-3-2"}, Level: "MUST", Category: "time",
			Doc: "Sends alerts whose CreateTime has no fraction, then 1 to 9 fraction digits, then 12, 18 and 20 (the format sets no limit), some with trailing zeros (.1250, .10000000000000000000). Every alert must be acknowledged and stored with its CreateTime exactly as sent: no rounding to a clock's precision, no trailing zeros dropped or added.",
		}, func(ctx context.Context, t *harness.T, e *Env) harness.Outcome {
			base := time.Now().UTC().Truncate(time.Second).Format("2006-01-02T15:04:05")
			var cases []keptCase
			for _, f := range fractions {
				label := "fraction " + f
				if f == "" {
					label = "no fraction"
				}
				c, o := timeCase(e, label, base+f+"+02:00")
				if o != nil {
					return *o
				}
				cases = append(cases, c)
			}
			return deliverAndKeep(ctx, t, e, fmt.Sprintf("%d alerts with CreateTime fractions of 0 to 20 digits", len(cases)), cases)
		}),
	}
}

// timeCase makes an alert with this CreateTime, kept field /CreateTime.
func timeCase(e *Env, label, createTime string) (keptCase, *harness.Outcome) {
	m, o := makeAlert(e, alerts.Spec{CreateTime: createTime, Description: "idmefcheck time: " + label})
	if o != nil {
		return keptCase{}, o
	}
	return keptCase{Label: label, Msg: m, Fields: []string{"/CreateTime"}}, nil
}

// inOffset writes the instant t as local time in an offset ("Z", "+05:45"), milliseconds.
func inOffset(t time.Time, off string) (string, error) {
	if off == "Z" {
		return t.UTC().Format("2006-01-02T15:04:05.000Z"), nil
	}
	d, err := time.Parse("-07:00", off)
	if err != nil {
		return "", fmt.Errorf("offset %q: %w", off, err)
	}
	_, secs := d.Zone()
	return t.In(time.FixedZone(off, secs)).Format("2006-01-02T15:04:05.000-07:00"), nil
}

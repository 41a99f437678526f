package validator_test

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/idmefcheck/idmefcheck/reference/validator"
)

// TIMESTAMP values: RFC 3339 date-times with the offset the drafts require, real calendar
// dates, and second 60 only at a leap second.

func createdAt(ts string) []byte { return v08().set("/CreateTime", ts).bytes() }

var _ = describeRule("time.offset-missing", validator.Error, validator.Warning, func(r ruleSpec) {
	r.reports("CreateTime has no offset", createdAt("2025-01-14T15:58:47"), "/CreateTime")
	r.reports("StartTime has a fraction and no offset", v08().set("/StartTime", "2025-01-14T15:40:00.5").bytes(), "/StartTime")
	r.ignores("CreateTime ends in Z", createdAt("2025-01-14T14:58:47Z"))
})

var _ = describeRule("time.calendar", validator.Error, validator.Warning, func(r ruleSpec) {
	r.reports("CreateTime is 29 February 2100, not a leap year", createdAt("2100-02-29T12:00:00Z"), "/CreateTime")
	r.reports("CreateTime is 31 February", createdAt("2026-02-31T12:00:00Z"), "/CreateTime")
	r.reports("CreateTime is in month 00", createdAt("2025-00-10T12:00:00Z"), "/CreateTime")
	r.reports("CreateTime is on day 00", createdAt("2025-01-00T12:00:00Z"), "/CreateTime")
	r.reports("EndTime is 31 April", v08().set("/EndTime", "2025-04-31T12:00:00Z").set("/StartTime", "2025-04-30T12:00:00Z").bytes(), "/EndTime")
	r.ignores("CreateTime is 29 February 2024", createdAt("2024-02-29T12:00:00Z"))
	r.ignores("CreateTime is 29 February 2000, a leap year though a century", createdAt("2000-02-29T12:00:00Z"))
})

var _ = describeRule("time.leap-second", validator.Error, validator.Warning, func(r ruleSpec) {
	r.reports("CreateTime is 23:59:60 UTC on a day without a leap second", createdAt("2017-12-31T23:59:60Z"), "/CreateTime")
	r.reports("CreateTime is second 60 in the middle of a leap-second day", createdAt("2016-12-31T12:30:60Z"), "/CreateTime")
	r.reports("CreateTime is 23:59:60+01:00, an hour before the leap second", createdAt("2016-12-31T23:59:60+01:00"), "/CreateTime")
	r.reports("CreateTime is 23:59:60 UTC on the last day the table covers, which had none", createdAt("2026-12-31T23:59:60Z"), "/CreateTime")
	r.reports("CreateTime is 23:59:60 UTC in the middle of a month after the table", createdAt("2030-03-15T23:59:60Z"), "/CreateTime")
	r.ignores("CreateTime is the leap second 2016-12-31T23:59:60Z", createdAt("2016-12-31T23:59:60Z"))
	r.ignores("CreateTime is the same leap second written 2017-01-01T00:59:60+01:00", createdAt("2017-01-01T00:59:60+01:00"))
	r.ignores("CreateTime is the leap second 1972-06-30T23:59:60.5Z, the first", createdAt("1972-06-30T23:59:60.5Z"))
})

var _ = describeRule("time.leap-second-unverifiable", validator.Warning, validator.Warning, func(r ruleSpec) {
	r.reports("CreateTime is 2030-06-30T23:59:60Z, after the leap-second table", createdAt("2030-06-30T23:59:60Z"), "/CreateTime")
	r.ignores("CreateTime is a leap second the table lists", createdAt("2015-06-30T23:59:60Z"))
	r.ignores("CreateTime is 2030-06-30T23:59:59Z", createdAt("2030-06-30T23:59:59Z"))
	r.ignores("CreateTime is 23:59:60 UTC in the middle of a month after the table, which cannot be a leap second", createdAt("2030-03-15T23:59:60Z"))
})

var _ = describeRule("time.offset-unknown", validator.Warning, validator.Warning, func(r ruleSpec) {
	r.reports("CreateTime has the offset -00:00", createdAt("2025-01-14T14:58:47-00:00"), "/CreateTime")
	r.ignores("CreateTime has the offset +00:00", createdAt("2025-01-14T14:58:47+00:00"))
})

var _ = describeRule("time.offset-range", validator.Warning, validator.Warning, func(r ruleSpec) {
	r.reports("CreateTime has the offset +23:59", createdAt("2025-01-14T15:58:47+23:59"), "/CreateTime")
	r.reports("CreateTime has the offset +14:01", createdAt("2025-01-14T15:58:47+14:01"), "/CreateTime")
	r.reports("CreateTime has the offset -12:01", createdAt("2025-01-14T15:58:47-12:01"), "/CreateTime")
	r.ignores("CreateTime has the offset +14:00, Kiribati's", createdAt("2025-01-14T15:58:47+14:00"))
	r.ignores("CreateTime has the offset -12:00", createdAt("2025-01-14T15:58:47-12:00"))
})

var _ = describeRule("time.order", validator.Error, validator.Warning, func(r ruleSpec) {
	r.reports("StartTime is after EndTime", v08().set("/StartTime", "2025-01-14T16:00:00+01:00").bytes(), "/EndTime")
	r.reports("StartTime is the leap second and EndTime half a second before it",
		v08().set("/StartTime", "2016-12-31T23:59:60Z").set("/EndTime", "2016-12-31T23:59:59.5Z").bytes(), "/EndTime")
	r.reports("EndTime is a picosecond before StartTime",
		v08().set("/StartTime", "2025-01-14T15:40:00.000000000001Z").set("/EndTime", "2025-01-14T15:40:00Z").bytes(), "/EndTime")
	r.ignores("StartTime and EndTime are one instant written with different offsets",
		v08().set("/StartTime", "2025-01-14T15:40:00+01:00").set("/EndTime", "2025-01-14T14:40:00Z").bytes())
	r.ignores("StartTime and EndTime differ only in trailing zeros of the fraction",
		v08().set("/StartTime", "2025-01-14T15:40:00.1Z").set("/EndTime", "2025-01-14T15:40:00.10Z").bytes())
	r.ignores("EndTime is the leap second after StartTime 23:59:59.999",
		v08().set("/StartTime", "2016-12-31T23:59:59.999Z").set("/EndTime", "2016-12-31T23:59:60Z").bytes())
})

var _ = Describe("TIMESTAMP values", Label("IDMEF2-3.3.2-1", "R4766-7.14"), func() {
	DescribeTable("CreateTime's verdict under each profile",
		func(ts string, strictValid, officialValid bool, rules ...string) {
			expectVerdict(createdAt(ts), strictValid, officialValid, rules...)
		},
		Entry("offset Z", "2025-01-14T14:58:47Z", true, true),
		Entry("offset +14:00", "2025-01-14T15:58:47+14:00", true, true),
		Entry("offset -12:00", "2025-01-14T15:58:47-12:00", true, true),
		Entry("offset +05:45", "2025-01-14T15:58:47+05:45", true, true),
		Entry("no offset", "2025-01-14T15:58:47", false, true, "time.offset-missing"),
		Entry("offset -00:00", "2025-01-14T15:58:47-00:00", true, true, "time.offset-unknown"),
		Entry("offset +23:59", "2025-01-14T15:58:47+23:59", true, true, "time.offset-range"),
		Entry("offset +24:00, beyond the pattern", "2025-01-14T15:58:47+24:00", false, false, "schema.pattern"),
		Entry("offset +0100 without a colon", "2025-01-14T15:58:47+0100", false, false, "schema.pattern"),
		Entry("no fraction", "2025-01-14T15:58:47+01:00", true, true),
		Entry("a point without fraction digits", "2025-01-14T15:58:47.+01:00", false, false, "schema.pattern"),
		Entry("a 1-digit fraction", "2025-01-14T15:58:47.1+01:00", true, true),
		Entry("a 3-digit fraction", "2025-01-14T15:58:47.123+01:00", true, true),
		Entry("a 6-digit fraction", "2025-01-14T15:58:47.123456+01:00", true, true),
		Entry("a 9-digit fraction", "2025-01-14T15:58:47.123456789+01:00", true, true),
		Entry("a 12-digit fraction", "2025-01-14T15:58:47.123456789012+01:00", true, true),
		Entry("23:59:60 at the leap second of 2016-12-31", "2016-12-31T23:59:60Z", true, true),
		Entry("23:59:60 on a day without a leap second", "2017-12-31T23:59:60Z", false, true, "time.leap-second"),
		Entry("00:59:60+01:00, which is the leap second 23:59:60Z", "2017-01-01T00:59:60+01:00", true, true),
		Entry("18:59:60-05:00, which is the leap second 23:59:60Z", "2016-12-31T18:59:60-05:00", true, true),
		Entry("23:59:60 after the leap-second table", "2030-06-30T23:59:60Z", true, true, "time.leap-second-unverifiable"),
		Entry("23:59:60 at a leap second, without offset",
			"2016-12-31T23:59:60", false, true, "time.offset-missing", "time.leap-second-unverifiable"),
		Entry("second 61", "2016-12-31T23:59:61Z", false, false, "schema.pattern"),
		Entry("2038-01-19T03:14:08Z, past 32-bit time_t", "2038-01-19T03:14:08Z", true, true),
		Entry("the year 2100", "2100-03-01T00:00:00Z", true, true),
		Entry("the year 9999", "9999-12-31T23:59:59Z", true, true),
		Entry("a five-digit year", "10000-01-01T00:00:00Z", false, false, "schema.pattern"),
		Entry("29 February 2024", "2024-02-29T12:00:00+01:00", true, true),
		Entry("29 February 2100", "2100-02-29T12:00:00+01:00", false, true, "time.calendar"),
		Entry("29 February 2000", "2000-02-29T12:00:00+01:00", true, true),
		Entry("a date with a space for T", "2025-01-14 15:58:47Z", false, false, "schema.pattern"),
	)

	When("the finding is about a calendar date", func() {
		It("names the year that is not a leap year", func() {
			Expect(the(v08().set("/CreateTime", "2100-02-29T12:00:00Z").strict(), "time.calendar").Message).To(ContainSubstring("2100 is not a leap year"))
		})
	})

	When("a leap second lies after the table", func() {
		It("says the table cannot tell rather than that it is wrong", func() {
			Expect(the(v08().set("/CreateTime", "2030-06-30T23:59:60Z").strict(), "time.leap-second-unverifiable").Message).To(ContainSubstring("cannot be checked"))
		})
	})
})

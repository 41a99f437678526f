package validator

import (
	"fmt"
	"strings"
	"time"
)

// timestamp is an RFC 3339 date-time taken apart. The published pattern has already checked
// the shape; these are the parts the strict rules judge.
type timestamp struct {
	year, month, day     int
	hour, minute, second int
	fraction             string // digits after the point, possibly empty
	hasOffset            bool
	offsetMinutes        int  // east of UTC
	unknownOffset        bool // written -00:00
	offsetText           string
}

// parseTimestamp reads YYYY-MM-DDThh:mm:ss[.frac][Z|±hh:mm]. It does not judge the values.
func parseTimestamp(s string) (timestamp, bool) {
	var t timestamp
	if len(s) < 19 || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' || s[16] != ':' {
		return t, false
	}
	nums := []struct {
		dst        *int
		start, end int
	}{{&t.year, 0, 4}, {&t.month, 5, 7}, {&t.day, 8, 10}, {&t.hour, 11, 13}, {&t.minute, 14, 16}, {&t.second, 17, 19}}
	for _, n := range nums {
		v, ok := digits(s[n.start:n.end])
		if !ok {
			return t, false
		}
		*n.dst = v
	}
	rest := s[19:]
	if strings.HasPrefix(rest, ".") {
		i := 1
		for i < len(rest) && rest[i] >= '0' && rest[i] <= '9' {
			i++
		}
		if i == 1 {
			return t, false
		}
		t.fraction, rest = rest[1:i], rest[i:]
	}
	switch {
	case rest == "":
	case rest == "Z":
		t.hasOffset, t.offsetText = true, "Z"
	case len(rest) == 6 && (rest[0] == '+' || rest[0] == '-') && rest[3] == ':':
		h, ok1 := digits(rest[1:3])
		m, ok2 := digits(rest[4:6])
		if !ok1 || !ok2 {
			return t, false
		}
		t.hasOffset, t.offsetText = true, rest
		t.offsetMinutes = h*60 + m
		if rest[0] == '-' {
			t.offsetMinutes = -t.offsetMinutes
			t.unknownOffset = t.offsetMinutes == 0
		}
	default:
		return t, false
	}
	return t, true
}

func digits(s string) (int, bool) {
	v := 0
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
		v = v*10 + int(s[i]-'0')
	}
	return v, true
}

func daysIn(year, month int) int {
	switch month {
	case 2:
		if year%4 == 0 && (year%100 != 0 || year%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// utc returns the instant with second 60 folded onto 59; callers that care look at second.
func (t timestamp) utc() time.Time {
	sec := min(t.second, 59)
	local := time.Date(t.year, time.Month(t.month), t.day, t.hour, t.minute, sec, 0, time.UTC)
	return local.Add(-time.Duration(t.offsetMinutes) * time.Minute)
}

// leapSeconds lists the UTC days that ended with a positive leap second (23:59:60), from the
// IERS bulletins. None has been negative.
var leapSeconds = map[string]bool{
	"1972-06-30": true, "1972-12-31": true, "1973-12-31": true, "1974-12-31": true, "1975-12-31": true,
	"1976-12-31": true, "1977-12-31": true, "1978-12-31": true, "1979-12-31": true, "1981-06-30": true,
	"1982-06-30": true, "1983-06-30": true, "1985-06-30": true, "1987-12-31": true, "1989-12-31": true,
	"1990-12-31": true, "1992-06-30": true, "1993-06-30": true, "1994-06-30": true, "1995-12-31": true,
	"1997-06-30": true, "1998-12-31": true, "2005-12-31": true, "2008-12-31": true, "2012-06-30": true,
	"2015-06-30": true, "2016-12-31": true,
}

// leapSecondsKnownThrough is the last UTC day the table above is known to be complete for:
// IERS Bulletin C 72 (July 2026) announced no leap second at the end of December 2026.
const leapSecondsKnownThrough = "2026-12-31"

// checkTimestamp applies the strict rules to one TIMESTAMP value.
func (c *checker) checkTimestamp(at loc, reqs []string, s string) {
	t, ok := parseTimestamp(s)
	if !ok {
		return // the schema's pattern has said what is wrong
	}
	if t.month < 1 || t.month > 12 || t.day < 1 || t.day > daysIn(t.year, t.month) {
		what := "no such date"
		switch {
		case t.month < 1 || t.month > 12:
			what = fmt.Sprintf("month %02d does not exist", t.month)
		case t.day < 1:
			what = "day 00 does not exist"
		case t.month == 2 && t.day == 29:
			what = fmt.Sprintf("%04d is not a leap year", t.year)
		default:
			what = fmt.Sprintf("%s has %d days", time.Month(t.month), daysIn(t.year, t.month))
		}
		c.add(RuleCalendar, reqs, at.ptr(), "%s %s is not a calendar date: %s", at.where(), quote(s), what)
		return
	}
	if !t.hasOffset {
		c.add(RuleOffsetMissing, reqs, at.ptr(), "%s %s has no UTC offset; R4766-7.14 requires local time with its offset, e.g. %s+01:00 or %sZ", at.where(), quote(s), s, s)
	} else {
		switch {
		case t.unknownOffset:
			c.add(RuleOffsetUnknown, reqs, at.ptr(), "%s %s uses the offset -00:00, which RFC 3339 reserves for \"local offset unknown\"; R4766-7.14 asks for the local offset", at.where(), quote(s))
		case t.offsetMinutes < -12*60 || t.offsetMinutes > 14*60:
			c.add(RuleOffsetRange, reqs, at.ptr(), "%s %s has the offset %s, which no time zone uses (they range from -12:00 to +14:00)", at.where(), quote(s), t.offsetText)
		}
	}
	if t.second == 60 {
		c.checkLeapSecond(at, reqs, s, t)
	}
}

func (c *checker) checkLeapSecond(at loc, reqs []string, s string, t timestamp) {
	if !t.hasOffset {
		c.add(RuleLeapUnchecked, reqs, at.ptr(), "%s %s has second 60, which can only be checked against the leap-second table with a UTC offset", at.where(), quote(s))
		return
	}
	u := t.utc()
	day := u.Format("2006-01-02")
	if u.Hour() != 23 || u.Minute() != 59 {
		c.add(RuleLeapSecond, reqs, at.ptr(), "%s %s has second 60, but that is %s UTC, not 23:59:60, the only minute a leap second can end", at.where(), quote(s), u.Format("15:04")+":60")
		return
	}
	switch {
	case leapSeconds[day]:
	case u.Day() != daysIn(u.Year(), int(u.Month())):
		// Leap seconds end a month (ITU-R TF.460): a later day can be judged without the table.
		c.add(RuleLeapSecond, reqs, at.ptr(), "%s %s names %s 23:59:60 UTC, but a leap second can only be inserted at the end of a month", at.where(), quote(s), day)
	case day > leapSecondsKnownThrough:
		c.add(RuleLeapUnchecked, reqs, at.ptr(), "%s %s falls on a possible leap second (%s 23:59:60 UTC) later than the table idmefcheck knows (through %s); it cannot be checked", at.where(), quote(s), day, leapSecondsKnownThrough)
	default:
		c.add(RuleLeapSecond, reqs, at.ptr(), "%s %s names %s 23:59:60 UTC, but no leap second was inserted that day", at.where(), quote(s), day)
	}
}

// compareTimestamps orders two instants exactly, fractions of any length included.
// ok is false when either lacks an offset or is not a date.
func compareTimestamps(a, b string) (cmp int, ok bool) {
	ta, ok1 := parseTimestamp(a)
	tb, ok2 := parseTimestamp(b)
	if !ok1 || !ok2 || !ta.hasOffset || !tb.hasOffset {
		return 0, false
	}
	ua, ub := ta.utc(), tb.utc()
	if !ua.Equal(ub) {
		return ua.Compare(ub), true
	}
	// Same second: a leap second comes after :59, then the fractions decide.
	if (ta.second == 60) != (tb.second == 60) {
		if ta.second == 60 {
			return 1, true
		}
		return -1, true
	}
	fa, fb := ta.fraction, tb.fraction
	n := max(len(fa), len(fb))
	fa += strings.Repeat("0", n-len(fa))
	fb += strings.Repeat("0", n-len(fb))
	return strings.Compare(fa, fb), true
}

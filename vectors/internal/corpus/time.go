package corpus

func timeFile() *file {
	f := newFile("time",
		"TIMESTAMP values (IDMEFv2 section 3.3.2): RFC 3339 date-times with the UTC offset R4766-7.14 requires, real calendar dates (R4766-7.15), fractions of any length (R4766-7.16), second 60 only at a leap second, and the order of StartTime and EndTime (IDMEF2-5.2-8).",
		"The published pattern makes the offset optional and does not check the calendar or leap seconds: those vectors are valid under the official profile and invalid under strict. The pattern refuses lower-case t and z, which RFC 3339 allows: the official verdict is the schema's.",
		"Leap seconds are judged against the IERS list, known through 2026-12-31. Each vector changes one timestamp of a clean message.")
	f.note("Offset", bugBasic, "A timestamp with a UTC offset a time zone uses: Z, +00:00, or an offset within -12:00..+14:00, whole, half or quarter hours.",
		"An implementation that assumes whole-hour offsets, or a sign convention, normalises the time wrongly.")
	f.note("MissingOffset", bugSchemaGap, "A timestamp without offset: the published pattern accepts it, RFC 3339 and R4766-7.14 do not.",
		"The receiver cannot place the event in time; a schema-only validator lets it through.")
	f.note("UnusualOffset", bugEdge, "An offset RFC 3339 allows but no time zone uses (beyond -12:00..+14:00), or -00:00, which RFC 3339 reserves for \"local offset unknown\".",
		"Such values are legal: an implementation that refuses them refuses valid alerts; a warning is the most a validator gives.")
	f.note("Fraction", bugEdge, "A fraction of a second of unusual length: none, one digit, up to twelve and more.",
		"Parsers that accept only 3, 6 or 9 digits refuse valid alerts; parsers that round may reorder events.")
	f.note("LeapSecond", bugEdge, "Second 60: valid only at 23:59:60 UTC at the end of a day that had a leap second, whatever the offset it is written with.",
		"Time libraries that refuse second 60 lose real alerts; ones that accept it anywhere accept impossible times.")
	f.note("UnverifiableLeapSecond", bugEdge, "Second 60 on a month's last day after the leap-second table (or without offset): it may be a real leap second, so it draws a warning only.",
		"Refusing it rejects what may be a valid time; accepting it silently hides that it could not be checked.")
	f.note("CalendarDate", bugSchemaGap, "A date the pattern accepts that does not exist: month 00, day 00, 31 April, 29 February of a common year.",
		"A schema-only validator accepts it; a receiver's time library fails or silently moves the date.")
	f.note("YearEdge", bugEdge, "A year at an edge of common time representations: 32-bit time_t (2038-01-19T03:14:07Z), years 0001, 0000, 2100, 9999.",
		"Implementations with 32-bit or signed epoch times, or two-digit years, fail on valid alerts.")
	f.note("PatternMismatch", bugSyntax, "A string the published TIMESTAMP pattern refuses.",
		"Receivers that parse leniently accept what the schema refuses, and disagree with those that do not.")
	f.note("LowerCaseSeparator", bugSchemaGap, "RFC 3339 allows t and z in lower case; the published pattern accepts only T and Z, so the schema's verdict is invalid.",
		"An RFC 3339 library producing lower case sends alerts schema-based receivers refuse.")
	f.note("TimeOrder", bugConsistency, "StartTime and EndTime compared as instants: offsets, fractions of any length and leap seconds included.",
		"Comparing the strings, or rounding fractions, gets the order wrong.")
	f.note("OtherRevision", bugVersion, "A timestamp field of another revision.",
		"An implementation that merges revisions accepts fields the declared revision does not have.")
	f.note("WrongType", bugWrongType, "A timestamp given as a number.",
		"Receivers that accept epoch numbers accept what the schema refuses.")

	g := f.group(V08, "CreateTime, StartTime, EndTime and ReportTime in 2.D.V08 messages.")
	ct := func(ts string) *msg { return minimal(V08).set("/CreateTime", ts) }
	off := rq("R4766-7.14", "IDMEF2-3.3.2-1", "IDMEF2-5.2-3", "R4766-7.13")
	cal := rq("R4766-7.15", "IDMEF2-3.3.2-1", "IDMEF2-5.2-3")

	// Offsets.
	for _, c := range []struct{ id, ts, what string }{
		{"z", "2025-01-14T14:58:47Z", "Z, UTC"},
		{"plus-00-00", "2025-01-14T14:58:47+00:00", "+00:00, UTC written as an offset"},
		{"plus-01-00", "2025-01-14T15:58:47+01:00", "+01:00, Central European Time"},
		{"plus-14-00", "2025-01-15T04:58:47+14:00", "+14:00, the easternmost offset in use (Line Islands)"},
		{"minus-12-00", "2025-01-14T02:58:47-12:00", "-12:00, the westernmost offset in use"},
		{"plus-05-45", "2025-01-14T20:43:47+05:45", "+05:45, Nepal's quarter-hour offset"},
		{"plus-05-30", "2025-01-14T20:28:47+05:30", "+05:30, India's half-hour offset"},
		{"minus-03-30", "2025-01-14T11:28:47-03:30", "-03:30, Newfoundland's negative half-hour offset"},
		{"plus-12-45", "2025-01-15T03:43:47+12:45", "+12:45, the Chatham Islands' offset"},
		{"minus-09-30", "2025-01-14T05:28:47-09:30", "-09:30, the Marquesas' offset"},
	} {
		g.v("time.offset."+c.id, "CreateTime carries the offset "+c.what+".", ct(c.ts), ok(), off, fl("Offset"))
	}
	g.v("time.offset.minus-00-00", "CreateTime carries -00:00, which RFC 3339 reserves for a UTC time whose local offset is unknown: valid, but R4766-7.14 asks for the local offset, so a warning.",
		ct("2025-01-14T14:58:47-00:00"), ok("time.offset-unknown"), off, fl("UnusualOffset"))
	for _, c := range []struct{ id, ts string }{
		{"plus-23-59", "2025-01-14T15:58:47+23:59"},
		{"minus-23-59", "2025-01-14T15:58:47-23:59"},
		{"plus-14-01", "2025-01-14T15:58:47+14:01"},
		{"minus-12-01", "2025-01-14T15:58:47-12:01"},
	} {
		g.v("time.offset."+c.id, "CreateTime carries the offset "+c.ts[19:]+": RFC 3339 and the pattern allow it, no time zone uses it, so a warning only.",
			ct(c.ts), ok("time.offset-range"), off, fl("UnusualOffset"))
	}
	g.v("time.offset.none", "CreateTime has no offset: the published pattern makes the offset optional, RFC 3339 and R4766-7.14 require it.",
		ct("2025-01-14T15:58:47"), strictBad("time.offset-missing"), off, fl("MissingOffset"))
	g.v("time.offset.none-with-fraction", "CreateTime has a fraction and no offset.",
		ct("2025-01-14T15:58:47.250"), strictBad("time.offset-missing"), off, fl("MissingOffset"))
	g.v("time.offset.none-start-time", "StartTime has no offset (CreateTime has one).",
		ct("2025-01-14T15:58:47+01:00").set("/StartTime", "2025-01-14T15:40:00"), strictBad("time.offset-missing"),
		rq("R4766-7.14", "IDMEF2-3.3.2-1"), fl("MissingOffset"))
	g.v("time.offset.none-end-time", "EndTime has no offset, so the order of StartTime and EndTime cannot be judged either.",
		ct("2025-01-14T15:58:47+01:00").set("/StartTime", "2025-01-14T15:40:00+01:00").set("/EndTime", "2025-01-14T15:30:00"),
		strictBad("time.offset-missing"), rq("R4766-7.14", "IDMEF2-3.3.2-1"), fl("MissingOffset"))
	for _, c := range []struct{ id, ts, what string }{
		{"plus-24-00", "2025-01-14T15:58:47+24:00", "the offset +24:00; offset hours stop at 23"},
		{"no-colon", "2025-01-14T15:58:47+0100", "the offset +0100 without a colon (ISO 8601 basic form)"},
		{"hours-only", "2025-01-14T15:58:47+01", "the offset +01 without minutes"},
		{"minutes-60", "2025-01-14T15:58:47+01:60", "the offset +01:60"},
		{"utc-word", "2025-01-14T14:58:47 UTC", "the word UTC for the offset"},
		{"space-before", "2025-01-14T15:58:47 +01:00", "a space before the offset"},
	} {
		g.v("time.offset."+c.id, "CreateTime has "+c.what+", which the TIMESTAMP pattern refuses.", ct(c.ts), bad("schema.pattern"), off, fl("PatternMismatch"))
	}
	g.v("time.offset.lower-z", "CreateTime ends in a lower-case z: RFC 3339 section 5.6 allows it, the published pattern does not, so the schema refuses it.",
		ct("2025-01-14T14:58:47z"), bad("schema.pattern"), off, fl("LowerCaseSeparator"))
	g.v("time.separator.lower-t", "CreateTime has a lower-case t: RFC 3339 allows it, the published pattern does not.",
		ct("2025-01-14t14:58:47Z"), bad("schema.pattern"), off, fl("LowerCaseSeparator"))
	g.v("time.separator.space", "CreateTime has a space for T (RFC 3339 section 5.6 NOTE allows it by agreement); the pattern refuses it.",
		ct("2025-01-14 14:58:47Z"), bad("schema.pattern"), off, fl("PatternMismatch"))
	g.v("time.separator.trailing-newline", "CreateTime ends with a line feed after Z. An ECMA-262 $ does not match before a final newline (Python's re does), so the pattern refuses it.",
		ct("2025-01-14T14:58:47Z\n"), bad("schema.pattern"), off, fl("PatternMismatch"))
	g.v("time.separator.leading-space", "CreateTime starts with a space.",
		ct(" 2025-01-14T14:58:47Z"), bad("schema.pattern"), off, fl("PatternMismatch"))

	// Fractions.
	frac := rq("R4766-7.16.2", "R4766-7.16", "IDMEF2-3.3.2-1", "R4766-7.14")
	digits := "123456789012"
	g.v("time.fraction.digits-0", "CreateTime has no fraction: an analyzer whose clock ticks in seconds sends valid messages (R4766-7.16.2).",
		ct("2025-01-14T15:58:47+01:00"), ok(), frac, fl("Fraction"))
	for n := 1; n <= 12; n++ {
		g.v("time.fraction.digits-"+itoa(n), "CreateTime has a fraction of "+itoa(n)+" digit"+plural(n)+"; any length is allowed (R4766-7.16).",
			ct("2025-01-14T15:58:47."+digits[:n]+"+01:00"), ok(), frac, fl("Fraction"))
	}
	g.v("time.fraction.digits-30", "CreateTime has a 30-digit fraction, finer than any clock; any length is allowed.",
		ct("2025-01-14T15:58:47.123456789012345678901234567890Z"), ok(), frac, fl("Fraction"))
	g.v("time.fraction.zeros", "CreateTime has a fraction of nine zeros.",
		ct("2025-01-14T15:58:47.000000000+01:00"), ok(), frac, fl("Fraction"))
	g.v("time.fraction.point-only", "CreateTime has a decimal point without digits.",
		ct("2025-01-14T15:58:47.+01:00"), bad("schema.pattern"), frac, fl("PatternMismatch"))
	g.v("time.fraction.comma", "CreateTime uses a comma as the decimal sign (ISO 8601 allows it, RFC 3339 does not).",
		ct("2025-01-14T15:58:47,5+01:00"), bad("schema.pattern"), frac, fl("PatternMismatch"))

	// Leap seconds.
	leap := rq("IDMEF2-3.3.2-1", "R4766-7.14")
	for _, c := range []struct{ id, ts, what string }{
		{"2016-12-31", "2016-12-31T23:59:60Z", "the leap second at the end of 2016, the latest"},
		{"1972-06-30", "1972-06-30T23:59:60.5Z", "half-way through the first leap second, 1972-06-30"},
		{"2015-06-30", "2015-06-30T23:59:60Z", "the leap second of 2015-06-30"},
		{"2012-06-30", "2012-06-30T23:59:60.25Z", "the leap second of 2012-06-30"},
		{"1998-12-31", "1998-12-31T23:59:60Z", "the leap second of 1998-12-31"},
		{"2005-12-31", "2005-12-31T23:59:60Z", "the leap second of 2005-12-31"},
		{"plus-01-00", "2017-01-01T00:59:60+01:00", "00:59:60+01:00 on 2017-01-01, which is 2016-12-31T23:59:60Z"},
		{"plus-05-45", "2017-01-01T05:44:60+05:45", "05:44:60+05:45, which is 2016-12-31T23:59:60Z"},
		{"minus-05-00", "2016-12-31T18:59:60-05:00", "18:59:60-05:00, which is 2016-12-31T23:59:60Z"},
		{"plus-14-00", "2017-01-01T13:59:60+14:00", "13:59:60+14:00, which is 2016-12-31T23:59:60Z"},
		{"minus-12-00", "2016-12-31T11:59:60-12:00", "11:59:60-12:00, which is 2016-12-31T23:59:60Z"},
		{"last-nanosecond", "2016-12-31T23:59:60.999999999Z", "the last nanosecond of the 2016 leap second"},
	} {
		g.v("time.leap."+c.id, "CreateTime is "+c.what+".", ct(c.ts), ok(), leap, fl("LeapSecond"))
	}
	g.v("time.leap.minus-00-00", "CreateTime is the 2016 leap second written with -00:00: RFC 3339 says the time is UTC and the local offset unknown, so the leap second is real; the offset draws its warning.",
		ct("2016-12-31T23:59:60-00:00"), ok("time.offset-unknown"), leap, fl("LeapSecond", "UnusualOffset"))
	for _, c := range []struct{ id, ts, what string }{
		{"not-leap-day", "2017-12-31T23:59:60Z", "23:59:60 UTC on 2017-12-31, a day without a leap second"},
		{"june-without", "2019-06-30T23:59:60Z", "23:59:60 UTC on 2019-06-30, a day without a leap second"},
		{"mid-day", "2016-12-31T12:30:60Z", "second 60 at 12:30 on a leap-second day; only 23:59 has one"},
		{"hour-early", "2016-12-31T23:59:60+01:00", "23:59:60+01:00, which is 22:59:60 UTC, an hour before the leap second"},
		{"plus-01-00-not-leap", "2018-01-01T00:59:60+01:00", "00:59:60+01:00 on 2018-01-01, which is 2017-12-31T23:59:60Z, a day without a leap second"},
		{"last-table-day", "2026-12-31T23:59:60Z", "23:59:60 UTC on 2026-12-31, the last day the table covers; IERS announced none"},
		{"after-table-mid-month", "2030-03-15T23:59:60Z", "23:59:60 UTC on 2030-03-15: after the table, but a leap second only ever ends a month"},
	} {
		g.v("time.leap."+c.id, "CreateTime is "+c.what+". The pattern accepts second 60 anywhere; the strict profile checks the leap-second table.",
			ct(c.ts), strictBad("time.leap-second"), leap, fl("LeapSecond"))
	}
	g.v("time.leap.after-table", "CreateTime is 23:59:60 UTC on 2030-06-30, after the leap-second table: it cannot be checked, so a warning and no error.",
		ct("2030-06-30T23:59:60Z"), ok("time.leap-second-unverifiable"), leap, fl("UnverifiableLeapSecond"))
	g.v("time.leap.after-table-december", "CreateTime is 23:59:60 UTC on 2027-12-31, the first December month end after the table: a warning only.",
		ct("2027-12-31T23:59:60Z"), ok("time.leap-second-unverifiable"), leap, fl("UnverifiableLeapSecond"))
	g.v("time.leap.no-offset", "CreateTime is 2016-12-31T23:59:60 without offset: the missing offset is an error, and without it the leap second cannot be checked.",
		ct("2016-12-31T23:59:60"), strictBad("time.leap-second-unverifiable", "time.offset-missing"), leap, fl("UnverifiableLeapSecond", "MissingOffset"))
	g.v("time.leap.second-61", "CreateTime has second 61 (some old standards allowed two leap seconds); the pattern stops at 60.",
		ct("2016-12-31T23:59:61Z"), bad("schema.pattern"), leap, fl("PatternMismatch"))

	// Years.
	for _, c := range []struct{ id, ts, what string }{
		{"y2038-last", "2038-01-19T03:14:07Z", "2038-01-19T03:14:07Z, the last second a signed 32-bit time_t holds"},
		{"y2038-first-after", "2038-01-19T03:14:08Z", "2038-01-19T03:14:08Z, the first second beyond a signed 32-bit time_t"},
		{"y2038-offset", "2038-01-19T04:14:08+01:00", "2038-01-19T04:14:08+01:00, beyond a signed 32-bit time_t once normalised"},
		{"2100", "2100-03-01T00:00:00Z", "in the year 2100"},
		{"9999", "9999-12-31T23:59:59Z", "the last second of the year 9999, the largest four-digit year"},
		{"9999-west", "9999-12-31T23:59:59.999-12:00", "late on 9999-12-31 at -12:00, which in UTC falls in the year 10000"},
		{"0001", "0001-01-01T00:00:00Z", "the first second of the year 0001"},
		{"0001-east", "0001-01-01T00:00:00+14:00", "the first second of the year 0001 at +14:00, which in UTC falls in the year 0000"},
		{"0000", "0000-03-01T00:00:00Z", "in the year 0000, which RFC 3339's four-digit year allows (the proleptic Gregorian calendar has it)"},
		{"epoch", "1970-01-01T00:00:00Z", "the Unix epoch"},
		{"before-epoch", "1969-12-31T23:59:59.999Z", "a millisecond before the Unix epoch"},
		{"y2k-eve", "1999-12-31T23:59:59+01:00", "the last second of 1999"},
		{"y2k", "2000-01-01T00:00:00+01:00", "the first second of 2000"},
		{"1900", "1900-01-01T00:00:00Z", "in 1900, before the epochs of most time libraries"},
	} {
		g.v("time.year."+c.id, "CreateTime is "+c.what+"; four-digit years from 0000 to 9999 are valid.", ct(c.ts), ok(),
			rq("R4766-7.15", "R4766-7.15-2", "R4766-7.15.1", "IDMEF2-3.3.2-1"), fl("YearEdge"))
	}
	for _, c := range []struct{ id, ts, what string }{
		{"five-digits", "10000-01-01T00:00:00Z", "a five-digit year"},
		{"two-digits", "25-01-14T15:58:47Z", "a two-digit year, the Year 2000 problem itself"},
		{"negative", "-0001-01-01T00:00:00Z", "a negative year"},
		{"plus-sign", "+2025-01-14T15:58:47Z", "an ISO 8601 expanded year with a sign"},
	} {
		g.v("time.year."+c.id, "CreateTime has "+c.what+", which the TIMESTAMP pattern refuses.", ct(c.ts), bad("schema.pattern"), cal, fl("PatternMismatch"))
	}

	// Calendar dates.
	for _, c := range []struct{ id, ts, what string }{
		{"feb-29-2024", "2024-02-29T12:00:00+01:00", "29 February 2024, a leap year"},
		{"feb-29-2000", "2000-02-29T12:00:00+01:00", "29 February 2000, a leap year though a century (divisible by 400)"},
		{"feb-29-2400", "2400-02-29T12:00:00Z", "29 February 2400, divisible by 400"},
		{"feb-28-2026", "2026-02-28T23:59:59+01:00", "28 February 2026, the last day of a common February"},
		{"jan-31", "2025-01-31T12:00:00Z", "31 January"},
		{"jul-31", "2025-07-31T12:00:00Z", "31 July"},
		{"aug-31", "2025-08-31T12:00:00Z", "31 August"},
		{"dec-31", "2025-12-31T12:00:00Z", "31 December"},
		{"apr-30", "2025-04-30T12:00:00Z", "30 April"},
	} {
		g.v("time.calendar."+c.id, "CreateTime is "+c.what+", a real date.", ct(c.ts), ok(), cal, fl("CalendarDate"))
	}
	for _, c := range []struct{ id, ts, what string }{
		{"feb-29-2026", "2026-02-29T12:00:00+01:00", "29 February 2026; 2026 is not a leap year"},
		{"feb-29-2100", "2100-02-29T12:00:00+01:00", "29 February 2100; a century not divisible by 400 is not a leap year"},
		{"feb-29-1900", "1900-02-29T12:00:00Z", "29 February 1900, not a leap year (spreadsheet software long said otherwise)"},
		{"feb-30", "2024-02-30T12:00:00Z", "30 February"},
		{"feb-31", "2025-02-31T12:00:00Z", "31 February"},
		{"apr-31", "2025-04-31T12:00:00Z", "31 April"},
		{"jun-31", "2025-06-31T12:00:00Z", "31 June"},
		{"sep-31", "2025-09-31T12:00:00Z", "31 September"},
		{"nov-31", "2025-11-31T12:00:00Z", "31 November"},
		{"month-00", "2025-00-10T12:00:00Z", "in month 00"},
		{"day-00", "2025-01-00T12:00:00Z", "on day 00"},
	} {
		g.v("time.calendar."+c.id, "CreateTime is "+c.what+": the pattern accepts it, no calendar has the date.", ct(c.ts), strictBad("time.calendar"), cal, fl("CalendarDate"))
	}
	g.v("time.calendar.feb-29-2026-no-offset", "CreateTime is 29 February 2026 and has no offset. idmefcheck reports the impossible date and stops judging the value there, so only time.calendar is listed.",
		ct("2026-02-29T12:00:00"), strictBad("time.calendar"), cal, fl("CalendarDate", "MissingOffset"))
	g.v("time.calendar.end-time-apr-31", "EndTime is 31 April; CreateTime and StartTime are real dates.",
		minimal(V08).set("/StartTime", "2025-04-30T12:00:00Z").set("/EndTime", "2025-04-31T12:00:00Z"), strictBad("time.calendar"),
		rq("R4766-7.15", "IDMEF2-3.3.2-1"), fl("CalendarDate"))
	for _, c := range []struct{ id, ts, what string }{
		{"month-13", "2025-13-01T12:00:00Z", "month 13"},
		{"day-32", "2025-01-32T12:00:00Z", "day 32"},
		{"hour-24", "2025-01-14T24:00:00Z", "hour 24 (ISO 8601's end of day)"},
		{"minute-60", "2025-01-14T15:60:00Z", "minute 60"},
		{"date-only", "2025-01-14", "a date without a time"},
		{"time-only", "15:58:47+01:00", "a time without a date"},
		{"basic-format", "20250114T155847Z", "the ISO 8601 basic format, without separators"},
		{"ordinal-date", "2025-014T15:58:47Z", "an ISO 8601 ordinal date"},
		{"week-date", "2025-W03-2T15:58:47Z", "an ISO 8601 week date"},
		{"single-digit-month", "2025-1-14T15:58:47Z", "a one-digit month"},
		{"no-seconds", "2025-01-14T15:58Z", "no seconds"},
		{"empty", "", "the empty string"},
	} {
		g.v("time.pattern."+c.id, "CreateTime is "+c.what+", which the TIMESTAMP pattern refuses.", ct(c.ts), bad("schema.pattern"), cal, fl("PatternMismatch"))
	}
	g.v("time.type.epoch-number", "CreateTime is the Unix time 1736866727 as a number; a TIMESTAMP is a string.",
		minimal(V08).set("/CreateTime", num("1736866727")), bad("schema.type"), rq("IDMEF2-3.3.2-1", "IDMEF2-5.8-5", "IDMEF2T-5-6"), fl("WrongType"))

	// Order.
	ord := rq("IDMEF2-5.2-8", "IDMEF2-3.3.2-1")
	se := func(start, end string) *msg {
		return minimal(V08).set("/StartTime", start).set("/EndTime", end)
	}
	for _, c := range []struct{ id, start, end, what string }{
		{"equal", "2025-03-14T09:10:00+01:00", "2025-03-14T09:10:00+01:00", "StartTime and EndTime are the same instant"},
		{"same-instant-other-offsets", "2025-03-14T09:10:00+01:00", "2025-03-14T08:10:00Z", "StartTime and EndTime are one instant written with different offsets"},
		{"trailing-zeros", "2025-03-14T09:10:00.1Z", "2025-03-14T09:10:00.100Z", "StartTime and EndTime differ only in trailing zeros of the fraction"},
		{"nanosecond-later", "2025-03-14T09:10:00.123456789Z", "2025-03-14T09:10:00.1234567891Z", "EndTime is a tenth of a nanosecond after StartTime"},
		{"leap-second-after", "2016-12-31T23:59:59.999Z", "2016-12-31T23:59:60Z", "EndTime is the leap second, just after StartTime 23:59:59.999"},
		{"leap-second-then-next-day", "2016-12-31T23:59:60.5Z", "2017-01-01T00:00:00Z", "StartTime is inside the leap second and EndTime the next second"},
	} {
		g.v("time.order."+c.id, c.what+"; EndTime does not precede StartTime.", se(c.start, c.end), ok(), ord, fl("TimeOrder"))
	}
	g.v("time.order.offsets-reverse-strings", "StartTime 2025-03-14T10:30:00+01:00 (09:30Z) and EndTime 2025-03-14T09:45:00Z: compared as strings the end comes first, as instants it does not.",
		se("2025-03-14T10:30:00+01:00", "2025-03-14T09:45:00Z"), ok(), ord, fl("TimeOrder"))
	for _, c := range []struct{ id, start, end, what string }{
		{"end-before-start", "2025-03-14T09:30:00+01:00", "2025-03-14T09:25:00+01:00", "EndTime is five minutes before StartTime"},
		{"across-offsets", "2025-03-14T09:10:00Z", "2025-03-14T09:15:00+01:00", "EndTime 09:15+01:00 is 08:15Z, before StartTime 09:10Z, though its string sorts later"},
		{"across-midnight", "2025-03-14T23:30:00-05:00", "2025-03-15T01:00:00+01:00", "StartTime is 04:30Z on the 15th, EndTime 00:00Z on the 15th, a later date written earlier in UTC"},
		{"picosecond", "2025-01-14T15:40:00.000000000001Z", "2025-01-14T15:40:00Z", "EndTime is a picosecond before StartTime, a difference only exact comparison sees"},
		{"leap-second", "2016-12-31T23:59:60Z", "2016-12-31T23:59:59.5Z", "StartTime is the leap second and EndTime half a second before it"},
		{"a-year", "2025-03-14T09:10:00+01:00", "2024-03-14T09:10:00+01:00", "EndTime is a year before StartTime"},
	} {
		g.v("time.order."+c.id, c.what+"; the end of an event cannot precede its start.", se(c.start, c.end), strictBad("time.order"), ord, fl("TimeOrder"))
	}
	g.v("time.order.start-after-create", "StartTime and EndTime are after CreateTime: an alert may forecast an event, so no order is imposed against CreateTime.",
		minimal(V08).set("/StartTime", "2025-03-15T08:00:00+01:00").set("/EndTime", "2025-03-15T09:00:00+01:00"), ok(), ord, fl("TimeOrder"))
	g.v("time.order.end-without-start", "EndTime without StartTime: nothing to compare.",
		minimal(V08).set("/EndTime", "2025-03-14T09:00:00+01:00"), ok(), ord, fl("TimeOrder"))
	g.v("time.order.no-offset", "StartTime has no offset and EndTime seems earlier: without an offset the instants cannot be compared, so only the missing offset is reported.",
		se("2025-03-14T09:30:00", "2025-03-14T09:25:00+01:00"), strictBad("time.offset-missing"), rq("IDMEF2-5.2-8", "R4766-7.14", "IDMEF2-3.3.2-1"), fl("TimeOrder", "MissingOffset"))
	g.v("time.report-time.before-create", "ReportTime (2.D.V08) is before CreateTime; the drafts set no order between them.",
		minimal(V08).set("/ReportTime", "2025-03-14T09:00:00+01:00"), ok(), rq("IDMEF2-3.3.2-1", "R4766-7.14"), fl("Offset"))
	g.v("time.report-time.no-offset", "ReportTime has no offset.",
		minimal(V08).set("/ReportTime", "2025-03-14T09:30:00"), strictBad("time.offset-missing"), rq("IDMEF2-3.3.2-1", "R4766-7.14"), fl("MissingOffset"))

	g7 := f.group(V07, "Timestamps in 2.D.V07 messages.")
	g7.v("time.v07.report-time", "ReportTime appeared in 2.D.V08; a 2.D.V07 alert has no such field.",
		minimal(V07).set("/ReportTime", "2024-11-05T23:00:00+05:30"), bad("schema.unknown-field"), rq("IDMEF2-5.8-3", "IDMEF2T-5-4"), fl("OtherRevision"))
	g7.v("time.v07.offset-plus-05-30", "CreateTime at +05:30 in a 2.D.V07 alert.",
		minimal(V07), ok(), off, fl("Offset"))
	g7.v("time.v07.offset-none", "CreateTime without offset in a 2.D.V07 alert.",
		minimal(V07).set("/CreateTime", "2024-11-05T22:41:09.875"), strictBad("time.offset-missing"), off, fl("MissingOffset"))

	g6 := f.group(V06, "Timestamps in 2.D.V06 messages.")
	g6.v("time.v06.offset-minus-04-00", "CreateTime at -04:00 with a one-digit fraction in a 2.D.V06 alert.",
		minimal(V06), ok(), off, fl("Offset", "Fraction"))
	g6.v("time.v06.calendar-apr-31", "CreateTime is 31 April in a 2.D.V06 alert.",
		minimal(V06).set("/CreateTime", "2023-04-31T10:00:00-04:00"), strictBad("time.calendar"), cal, fl("CalendarDate"))
	g6.v("time.v06.leap-second", "CreateTime is the 2016 leap second, written at -04:00, in a 2.D.V06 alert.",
		minimal(V06).set("/CreateTime", "2016-12-31T19:59:60-04:00"), ok(), leap, fl("LeapSecond"))

	g5 := f.group(V05, "Timestamps in 2.D.V05 messages.")
	g5.v("time.v05.offset-plus-01-00", "CreateTime at +01:00 in a 2.D.V05 alert.",
		minimal(V05), ok(), off, fl("Offset"))
	g5.v("time.v05.order", "EndTime before StartTime in a 2.D.V05 alert.",
		minimal(V05).set("/StartTime", "2022-02-14T08:00:00+01:00").set("/EndTime", "2022-02-14T07:00:00+01:00"), strictBad("time.order"), ord, fl("TimeOrder"))

	g4 := f.group(V04, "Timestamps in 2.D.V04 messages.")
	g4.v("time.v04.offset-plus-02-00", "CreateTime at +02:00 with a two-digit fraction in a 2.D.V04 alert.",
		minimal(V04), ok(), off, fl("Offset", "Fraction"))
	g4.v("time.v04.offset-none", "CreateTime without offset in a 2.D.V04 alert, as the drafts' early examples write it.",
		minimal(V04).set("/CreateTime", "2021-06-01T08:15:00"), strictBad("time.offset-missing"), off, fl("MissingOffset"))
	g4.v("time.v04.feb-29-2021", "CreateTime is 29 February 2021 in a 2.D.V04 alert.",
		minimal(V04).set("/CreateTime", "2021-02-29T08:15:00Z"), strictBad("time.calendar"), cal, fl("CalendarDate"))
	g4.v("time.v04.two-digit-year", "CreateTime has a two-digit year in a 2.D.V04 alert.",
		minimal(V04).set("/CreateTime", "21-06-01T08:15:00Z"), bad("schema.pattern"), cal, fl("PatternMismatch"))
	return f
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

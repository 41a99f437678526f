package corpus

import (
	"bytes"
	"strings"
)

func syntaxFile() *file {
	f := newFile("syntax",
		"The JSON text itself (IDMEFv2 section 5.8, RFC 8259): one JSON object, UTF-8, no byte order mark, unique member names, nothing after the value; escapes, surrogates and syntax errors.",
		"Texts that are not one JSON value (not JSON, empty, several values, trailing data) and values that are not objects are invalid under both profiles: no schema can judge them. A byte order mark, a repeated member name and an unpaired surrogate escape leave a value that parsers read alike (the BOM skipped, the last of repeated members kept, the lone surrogate read as U+FFFD): the schema judges that value for the official verdict, and the strict profile refuses the text.",
		"All vectors here are given as text, since re-serialising them would change what they probe.")
	f.note("ByteOrderMark", bugInterop, "A UTF-8 byte order mark before the message: RFC 8259 section 8.1 says implementations must not add one and may ignore one.",
		"A parser that does not skip it refuses the message; one that does accepts it.")
	f.note("DuplicateNames", bugInterop, "A member name repeated in one object. RFC 8259 says names should be unique and that receivers then behave unpredictably: most keep the last value, some the first, some refuse. idmefcheck judges the last value.",
		"Two receivers read different alerts from the same text, an opening for evasion.")
	f.note("TrailingData", bugMalformed, "Data after the JSON value: a second value, garbage, a comma. The text is not one JSON text.",
		"A parser that stops after the first value accepts what a strict parser refuses, or hides a second alert.")
	f.note("NotObject", bugMalformed, "A JSON text whose value is not an object: the alert is the top-level object (IDMEF2-5.8-2).",
		"A receiver that unwraps arrays or accepts scalars disagrees with the rest.")
	f.note("Empty", bugMalformed, "No JSON value at all.", "A receiver may crash on empty input.")
	f.note("SyntaxError", bugMalformed, "Text that is not JSON: JavaScript or JSON5 habits (single quotes, comments, trailing commas, unquoted names), control characters in strings, bad escapes, truncation.",
		"Lenient parsers accept it; strict ones refuse the message.")
	f.note("Escape", bugEdge, "Escape sequences JSON allows: \\/, \\b, \\f, \\n, \\r, \\t, \\u0000, upper-case hexadecimal, escaped member names, escaped surrogate pairs.",
		"A parser that mishandles escapes changes the value, or refuses a valid message.")
	f.note("LoneSurrogate", bugInterop, "A \\u escape of one half of a UTF-16 surrogate pair without the other: JSON's grammar allows it, but the string has no Unicode meaning (RFC 8259 section 8.2).",
		"Parsers refuse it, replace it with U+FFFD, or keep invalid UTF-16: receivers see different strings.")
	f.note("WhiteSpace", bugBasic, "JSON white space (space, tab, CR, LF) around the value or between tokens.", "A parser that expects compact text refuses pretty-printed messages.")

	g := f.group(V08, "JSON texts built from a clean 2.D.V08 message.")
	js := rq("IDMEF2-5.8-1", "IDMEF2T-5-1")
	whole := rq("IDMEF2-5.8-1", "IDMEF2-5.8-2", "IDMEF2T-5-1", "IDMEF2T-5-2")
	base := full(V08).compact()
	body := base[1:] // the text after the opening brace

	// Byte order mark.
	g.v("syntax.bom", "A UTF-8 byte order mark (EF BB BF) precedes the message.",
		textBody("\ufeff"+base), strictBad("json.bom"), js, fl("ByteOrderMark"))
	g.v("syntax.bom-pretty", "A byte order mark precedes a pretty-printed message.",
		textBody("\ufeff"+prettyText(full(V08))), strictBad("json.bom"), js, fl("ByteOrderMark"))
	g.v("syntax.bom-and-schema-error", "A byte order mark precedes a message whose Priority is no keyword: the schema judges the value after the mark.",
		textBody("\ufeff"+full(V08).set("/Priority", "Urgent").compact()), bad("json.bom", "schema.enum"), rq("IDMEF2-5.8-1", "IDMEF2T-5-1", "IDMEF2-3.3.1-1"), fl("ByteOrderMark"))
	g.v("syntax.bom-twice", "Two byte order marks precede the message: a parser may skip one (RFC 8259 section 8.1); the second is then the first character of the text, and U+FEFF is not JSON white space. A decoder that drops a mark followed by code that drops another accepts it.",
		textBody("\ufeff\ufeff"+base), bad("json.bom", "json.syntax"), js, fl("ByteOrderMark", "SyntaxError"))
	g.v("syntax.bom-in-string", "U+FEFF inside Description, not before the message: an ordinary character.",
		full(V08).set("/Description", "\ufeffPort scan"), ok(), rq("IDMEF2-5.8-1", "IDMEF2-3.3-1"), fl("ByteOrderMark"))

	// Repeated names.
	dup := rq("IDMEF2-5.8-1", "IDMEF2T-5-1")
	g.v("syntax.duplicate.top-same", "Description appears twice at the top level with the same value.",
		full(V08).add("/Description", "Port scan of the web front end"), strictBad("json.duplicate-key"), dup, fl("DuplicateNames"))
	g.v("syntax.duplicate.top-last-valid", "Priority appears first as Urgent, no keyword, then as Medium: the last value is judged, and it is valid.",
		full(V08).addFirst("/Priority", "Urgent"), strictBad("json.duplicate-key"), dup, fl("DuplicateNames"))
	g.v("syntax.duplicate.top-last-invalid", "Priority appears first as Medium, then as Urgent: the last value is judged, and it is no keyword.",
		full(V08).add("/Priority", "Urgent"), bad("json.duplicate-key", "schema.enum"), rq("IDMEF2-5.8-1", "IDMEF2T-5-1", "IDMEF2-3.3.1-1"), fl("DuplicateNames"))
	g.v("syntax.duplicate.version", "Version appears first as 2.D.V07, then as 2.D.V08: the message is judged as 2.D.V08, the last value, and is valid there.",
		full(V08).addFirst("/Version", V07), strictBad("json.duplicate-key"), rq("IDMEF2-5.8-1", "IDMEF2-5.2-1"), fl("DuplicateNames"))
	g.v("syntax.duplicate.id", "ID appears twice with different UUIDs: which alert is this?",
		full(V08).add("/ID", otherID), strictBad("json.duplicate-key"), rq("IDMEF2-5.8-1", "R4766-7.12"), fl("DuplicateNames"))
	g.v("syntax.duplicate.analyzer-name", "Analyzer.Name appears twice with different values.",
		full(V08).add("/Analyzer/Name", "soc.lyon.ids07"), strictBad("json.duplicate-key"), dup, fl("DuplicateNames"))
	g.v("syntax.duplicate.source-ip", "Source[0].IP appears twice with different addresses.",
		full(V08).add("/Source/0/IP", "203.0.113.66"), strictBad("json.duplicate-key"), dup, fl("DuplicateNames"))
	g.v("syntax.duplicate.analyzer", "The Analyzer object appears twice, the second one valid.",
		full(V08).addFirst("/Analyzer", obj("Name", "decoy")), strictBad("json.duplicate-key"), dup, fl("DuplicateNames"))
	g.v("syntax.duplicate.in-content", "An attachment's JSON Content object repeats a name; every object of the text counts.",
		full(V08).set("/Attachment/-", obj("Name", "vendor", "Content", &object{members: []member{{"score", number("1")}, {"score", number("9")}}})),
		strictBad("json.duplicate-key"), dup, fl("DuplicateNames"))
	g.v("syntax.duplicate.escaped-name", "Priority appears once plainly and once as \"Pr\\u0069ority\": the same name once unescaped.",
		textBody(`{"Pr\u0069ority":"Low",`+body), strictBad("json.duplicate-key"), dup, fl("DuplicateNames", "Escape"))
	g.v("syntax.duplicate.case-differs", "Description and description: names that differ in case are different members, and description is unknown.",
		full(V08).set("/description", "lower case"), bad("schema.unknown-field"), rq("IDMEF2-5.8-3", "IDMEF2T-5-4"), fl("DuplicateNames"))

	// Trailing data and several values.
	for _, c := range []struct{ id, tail, what string }{
		{"second-object", " {}", "a second, empty, object"},
		{"second-alert", "\n" + base, "the same alert again on a second line, as NDJSON would"},
		{"garbage", "x", "the letter x"},
		{"comma", ",", "a comma"},
		{"closing-brace", "}", "a stray closing brace"},
		{"nul", "\x00", "a NUL character"},
		{"nbsp", "\u00a0", "U+00A0, which JSON does not count as white space"},
		{"second-value", " 42", "a number"},
	} {
		g.v("syntax.trailing."+c.id, "The message is followed by "+c.what+": the text is not one JSON value.",
			textBody(base+c.tail), bad("json.trailing-data"), rq("IDMEF2-5.8-1", "IDMEF2-5.8-2", "IDMEF2T-5-1", "IDMEF2T-5-2"), fl("TrailingData"))
	}
	g.v("syntax.whitespace.compact", "The message without any white space.", textBody(base), ok(), whole, fl("WhiteSpace"))
	g.v("syntax.whitespace.pretty", "The message pretty-printed with two-space indentation.", textBody(prettyText(full(V08))), ok(), whole, fl("WhiteSpace"))
	g.v("syntax.whitespace.around", "The message is surrounded by JSON white space: spaces, tabs, CR and LF.",
		textBody(" \t\r\n"+base+"\r\n\t "), ok(), whole, fl("WhiteSpace"))
	g.v("syntax.whitespace.between-tokens", "Spaces, tabs and line breaks between every token.",
		textBody(strings.NewReplacer(`":`, "\" \t:\r\n ", `,"`, " ,\n\t\"").Replace(full(V08).del("/Sensor/0/CaptureZone").compact())), ok(), whole, fl("WhiteSpace"))

	// Not objects.
	for _, c := range []struct{ id, text, what string }{
		{"array-of-alert", "[" + base + "]", "an array holding the alert"},
		{"array-of-two", "[" + base + "," + base + "]", "an array of two alerts"},
		{"empty-array", "[]", "an empty array"},
		{"string", `"2.D.V08"`, "a string"},
		{"number", "42", "a number"},
		{"null", "null", "null"},
		{"true", "true", "true"},
		{"string-holding-alert", jsonQuote(base), "a string holding the alert's JSON text"},
	} {
		g.v("syntax.not-object."+c.id, "The message is "+c.what+": the alert is a JSON object at the top level.",
			textBody(c.text), bad("json.not-object"), rq("IDMEF2-5.8-2", "IDMEF2T-5-2"), fl("NotObject"))
	}
	g.v("syntax.empty.nothing", "The message is empty.", textBody(""), bad("json.empty"), js, fl("Empty"))
	g.v("syntax.empty.whitespace", "The message is white space only.", textBody(" \r\n\t "), bad("json.empty"), js, fl("Empty"))
	g.v("syntax.empty.bom-only", "The message is a byte order mark and nothing else.", textBody("\ufeff"), bad("json.bom", "json.empty"), js, fl("Empty", "ByteOrderMark"))

	// Syntax errors.
	for _, c := range []struct{ id, text, what string }{
		{"missing-colon", strings.Replace(base, `"Version":`, `"Version" `, 1), "a member without its colon"},
		{"missing-comma", strings.Replace(base, `,"ID"`, ` "ID"`, 1), "two members without a comma between them"},
		{"trailing-comma-object", strings.TrimSuffix(base, "}") + ",}", "a comma before the closing brace"},
		{"trailing-comma-array", strings.Replace(base, `"Port":[443]`, `"Port":[443,]`, 1), "a comma before a closing bracket"},
		{"single-quotes", strings.Replace(base, `"Priority":"Medium"`, `'Priority':'Medium'`, 1), "single-quoted strings"},
		{"unquoted-name", strings.Replace(base, `"Priority":`, `Priority:`, 1), "an unquoted member name"},
		{"line-comment", strings.Replace(base, `,"Priority"`, "// priority\n,\"Priority\"", 1), "a // comment"},
		{"block-comment", strings.Replace(base, `,"Priority"`, `/* priority */,"Priority"`, 1), "a /* */ comment"},
		{"truncated", base[:len(base)/2], "the text cut in the middle"},
		{"unclosed", strings.TrimSuffix(base, "}"), "the closing brace missing"},
		{"raw-tab-in-string", strings.Replace(base, "Port scan", "Port\tscan", 1), "a raw tab inside a string"},
		{"raw-newline-in-string", strings.Replace(base, "Port scan", "Port\nscan", 1), "a raw line feed inside a string"},
		{"raw-nul-in-string", strings.Replace(base, "Port scan", "Port\x00scan", 1), "a raw NUL inside a string"},
		{"bad-escape", strings.Replace(base, "Port scan", `Port\x41scan`, 1), "the escape \\x41, which JSON does not have"},
		{"short-unicode-escape", strings.Replace(base, "Port scan", `Port\u41scan`, 1), "a \\u escape of two digits"},
		{"lone-backslash", strings.Replace(base, "Port scan", `Port\ scan`, 1), "a backslash before a space"},
		{"capitalised-true", strings.Replace(base, `"Confidence":0.8`, `"Confidence":0.8,"x":True`, 1), "True with a capital"},
		{"undefined", strings.Replace(base, `"Confidence":0.8`, `"Confidence":undefined`, 1), "the JavaScript undefined"},
		{"unquoted-value", strings.Replace(base, `"Priority":"Medium"`, `"Priority":Medium`, 1), "an unquoted string"},
		{"name-not-string", strings.Replace(base, `"Priority":`, `42:`, 1), "a number as a member name"},
		{"colon-for-comma", strings.Replace(base, `,"ID"`, `:"ID"`, 1), "a colon where a comma belongs"},
	} {
		g.v("syntax.error."+c.id, "The text has "+c.what+": it is not JSON.", textBody(c.text), bad("json.syntax"), js, fl("SyntaxError"))
	}

	// Escapes.
	esc := rq("IDMEF2-5.8-1", "IDMEF2-3.3-1", "IDMEF2T-5-6", "IDMEF2T-5-1", "IDMEF2-5.8-2", "IDMEF2T-5-2")
	for _, c := range []struct{ id, old, new, what string }{
		{"solidus", `"https://www.example.com/advisories/2025-001"`, `"https:\/\/www.example.com\/advisories\/2025-001"`, "Ref[0] with every / escaped as \\/"},
		{"short-escapes", `"Port scan of the web front end"`, `"Port scan\b\f\n\r\t\"\\ of the web front end"`, "Description with every two-character escape"},
		{"nul", `"Port scan of the web front end"`, `"Port scan\u0000 of the web front end"`, "Description holding an escaped NUL, \\u0000: a Unicode character JSON can carry"},
		{"control", `"Port scan of the web front end"`, `"Port scan\u0001\u001f\u007f of the web front end"`, "Description holding escaped control characters U+0001, U+001F and U+007F"},
		{"upper-case-hex", `"Port scan of the web front end"`, `"Balayage de ports \u00E9tranger \u00e9tranger"`, "Description with \\u escapes in upper- and lower-case hexadecimal"},
		{"escaped-name", `"ID":`, `"\u0049\u0044":`, "the member name ID written as \\u0049\\u0044"},
		{"escaped-keyword", `"Priority":"Medium"`, `"Priority":"M\u0065dium"`, "Priority's keyword with an escaped letter: the value is Medium"},
		{"surrogate-pair", `"Port scan of the web front end"`, `"Port scan \ud83d\ude00"`, "Description holding U+1F600 as an escaped surrogate pair"},
		{"escaped-uuid", `"` + alertID + `"`, `"` + strings.Replace(alertID, "-", `\u002d`, 2) + `"`, "the alert's ID with hyphens escaped"},
	} {
		text := strings.Replace(base, c.old, c.new, 1)
		if text == base {
			panic("corpus: escape vector " + c.id + " changed nothing")
		}
		g.v("syntax.escape."+c.id, "The text writes "+c.what+"; the decoded message is valid.", textBody(text), ok(), esc, fl("Escape"))
	}
	sur := rq("IDMEF2-3.3-1", "R4766-5.1", "IDMEF2-5.8-1")
	for _, c := range []struct{ id, val, what string }{
		{"high", `"Port scan \ud800"`, "a lone high surrogate, \\ud800"},
		{"low", `"Port scan \udc00"`, "a lone low surrogate, \\udc00"},
		{"reversed", `"Port scan \udc00\ud800"`, "a low surrogate before a high one"},
		{"high-then-letter", `"\ud83dx"`, "a high surrogate followed by a letter"},
		{"high-then-escape", `"\ud83d\u0041"`, "a high surrogate followed by an escaped A"},
		{"two-highs", `"\ud83d\ud83d\ude00"`, "a high surrogate, then a complete pair"},
	} {
		g.v("syntax.surrogate."+c.id, "Description holds "+c.what+": a string, so the schema accepts it once read (the lone half as U+FFFD); it has no Unicode meaning, so strict refuses it.",
			textBody(strings.Replace(base, `"Port scan of the web front end"`, c.val, 1)), strictBad("json.surrogate"), sur, fl("LoneSurrogate"))
	}
	g.v("syntax.surrogate.in-keyword", "Priority is Medium followed by a lone surrogate: no keyword.",
		textBody(strings.Replace(base, `"Priority":"Medium"`, `"Priority":"Medium\ud800"`, 1)), bad("json.surrogate", "schema.enum"), sur, fl("LoneSurrogate"))
	g.v("syntax.surrogate.in-name", "A member name is a lone surrogate: read as U+FFFD, a member the model does not have.",
		textBody(`{"\udfff":"x",`+body), bad("json.surrogate", "schema.unknown-field"), sur, fl("LoneSurrogate"))
	return f
}

// prettyText writes a message indented, as a producer might.
func prettyText(m *msg) string {
	var b bytes.Buffer
	writeValue(&b, m.root, 0)
	return b.String()
}

// jsonQuote writes s as a JSON string.
func jsonQuote(s string) string {
	var b bytes.Buffer
	writeString(&b, s)
	return b.String()
}

package corpus

import "strings"

// digits400 is a 400-digit integer literal.
var digits400 = "9" + strings.Repeat("0", 399)

func numbersFile() *file {
	f := newFile("numbers",
		"INT and FLOAT values (IDMEFv2 sections 3.2.1 and 3.2.2): ports, attachment sizes and Confidence, written as JSON numbers in every spelling that matters: fractions and exponents on integers, huge and tiny values, minus zero, numbers in quotes.",
		"JSON Schema draft-04 defines an integer as a number without fraction or exponent part, so 443.0 and 8e1 are not INT values: invalid under both profiles, whatever a parser makes of them. Ports are 1 to 65535 and sizes not negative (the published schemas define no bound: strict only); Confidence is 0 to 1, bounded by the schema from 2.D.V06 on and by the strict profile in 2.D.V04 and 2.D.V05.",
		"Vectors whose number spelling matters are given as text, so that no JSON library re-serialises them.")
	f.note("Port", bugBasic, "A port number in range: 1 to 65535.", "An implementation that refuses valid ports loses alerts.")
	f.note("PortRange", bugSchemaGap, "A port outside 1 to 65535: the published schemas define a port type but never use it, so only the strict profile refuses it.",
		"A receiver stores a port that cannot exist.")
	f.note("IntegerSpelling", bugSyntax, "An integral value written with a fraction or an exponent (443.0, 8e1): not an INT as draft-04 and the drafts' grammar define it.",
		"Parsers that read the value as a number see 443; validators that check the text see a non-integer: receivers disagree.")
	f.note("NotInteger", bugWrongType, "A value with a non-zero fraction where an INT belongs, a number in quotes, or another JSON type.",
		"Receivers that truncate or coerce accept what the schema refuses.")
	f.note("Precision", bugInterop, "A number beyond what an IEEE 754 double holds exactly: integers past 2^53, 400 digits, 1e400, fractions past 17 significant digits.",
		"Parsers that read numbers as doubles change the value: a size past 2^53 loses bytes, 1e400 becomes infinity, 1.0000000000000000001 becomes 1.")
	f.note("MinusZero", bugEdge, "The number -0, which JSON allows and the INT grammar allows too.", "JavaScript keeps -0 apart from 0 in places; an implementation may print it as 0 or refuse it.")
	f.note("Size", bugBasic, "An attachment size: a non-negative INT.", "An implementation that refuses a valid size loses the attachment.")
	f.note("SizeRange", bugSchemaGap, "A negative attachment size: the schemas set no minimum.", "A receiver allocating by Size fails.")
	f.note("Confidence", bugBasic, "A Confidence within 0 to 1, or absent (stating it is optional, R4766-7.11-2).", "An implementation that requires or misreads it refuses valid alerts.")
	f.note("ConfidenceRange", bugSemantic, "A Confidence outside 0 to 1: refused by the schema from 2.D.V06 on, and by the strict profile in 2.D.V04 and 2.D.V05, whose schemas have no bound.",
		"A receiver that scales or compares confidences gets nonsense.")
	f.note("Float", bugBasic, "A FLOAT written as a plain decimal.", "An implementation that refuses it loses the value.")
	f.note("Exponent", bugInterop, "A FLOAT written with an exponent: JSON allows it, the drafts' FLOAT grammar does not; a warning.",
		"Receivers that parse FLOAT by the drafts' grammar refuse it.")
	f.note("JSONNumberSyntax", bugMalformed, "A number JSON's grammar refuses (a leading zero, a plus sign): the text is not JSON.",
		"Lenient parsers accept it, strict ones refuse the whole message.")

	g := f.group(V08, "Numbers in 2.D.V08 messages.")
	tport := rq("IDMEF2-5.6-2", "IDMEF2-3.2.1-1", "IDMEF2T-5-7")
	sport := rq("IDMEF2-5.5-4", "IDMEF2-3.2.1-1", "IDMEF2T-5-7")
	tp := func() *msg { return full(V08) }
	for _, c := range []struct {
		id, lit string
		target  bool
	}{
		{"1", "1", true}, {"80", "80", true}, {"65535", "65535", true}, {"1024", "1024", false}, {"65535", "65535", false}, {"1", "1", false},
	} {
		ptr, reqs, who := "/Target/0/Port/0", tport, "target"
		if !c.target {
			ptr, reqs, who = "/Source/0/Port/0", sport, "source"
		}
		g.v("numbers.port."+who+"-"+c.id, trimPtr(ptr)+" is "+c.lit+", within 1 to 65535.", tp().set(ptr, num(c.lit)), ok(), reqs, fl("Port"))
	}
	g.v("numbers.port.several", "Target[0].Port lists three ports, one of them twice (the schema sets no uniqueItems).",
		tp().set("/Target/0/Port", arr(80, 443, 443, 8443)), ok(), tport, fl("Port"))
	g.v("numbers.port.empty-list", "Target[0].Port is an empty list.", tp().set("/Target/0/Port", arr()), ok(), tport, fl("Port"))
	for _, c := range []struct {
		id, lit, what string
		target        bool
	}{
		{"target-0", "0", "0, which no connection uses", true},
		{"target-65536", "65536", "65536, one past the largest port", true},
		{"source-0", "0", "0", false},
		{"source-minus-1", "-1", "-1", false},
		{"source-70000", "70000", "70000", false},
		{"target-2-pow-53-plus-1", "9007199254740993", "2^53+1, which a double cannot even hold", true},
	} {
		ptr, reqs := "/Target/0/Port/0", tport
		if !c.target {
			ptr, reqs = "/Source/0/Port/0", sport
		}
		g.v("numbers.port."+c.id, trimPtr(ptr)+" is "+c.what+": an integer, so the schema accepts it; ports are 1 to 65535 (IDMEF2-5.5-4, IDMEF2-5.6-2).",
			portAt(ptr, c.lit), strictBad("number.port-range"), reqs, fl("PortRange"))
	}
	g.v("numbers.port.target-400-digits", "Target[0].Port[0] is a 400-digit integer: the schema accepts any integer; as a port it is out of range. A parser reading doubles sees about 9e399.",
		tp().raw("/Target/0/Port/0", digits400), strictBad("number.port-range"), tport, fl("PortRange", "Precision"))
	g.v("numbers.port.source-minus-zero", "Source[0].Port[0] is -0: an integer (the INT grammar allows -0), whose value 0 is no port.",
		tp().raw("/Source/0/Port/0", "-0"), strictBad("number.port-range"), sport, fl("PortRange", "MinusZero"))
	for _, c := range []struct{ id, lit, what string }{
		{"fraction-zero", "443.0", "443.0, an integral value with a fraction part"},
		{"exponent", "8e1", "8e1, 80 written with an exponent"},
		{"exponent-upper", "8E1", "8E1"},
		{"exponent-plus", "8e+1", "8e+1"},
		{"exponent-zero", "80e0", "80e0"},
		{"fraction-and-exponent", "4.43e2", "4.43e2, 443 written with a fraction and an exponent"},
		{"fraction-zeros", "443.000", "443.000"},
	} {
		g.v("numbers.port.target-"+c.id, "Target[0].Port[0] is written "+c.what+": draft-04 defines an integer as a number without fraction or exponent, so the schema refuses it (some validators, ajv and jsonschema/v5 among them, do not apply that definition).",
			tp().raw("/Target/0/Port/0", c.lit), bad("schema.integer"), tport, fl("IntegerSpelling"))
	}
	g.v("numbers.port.target-1e400", "Target[0].Port[0] is written 1e400: not an integer as draft-04 defines it, and beyond any port; a double overflows to infinity.",
		tp().raw("/Target/0/Port/0", "1e400"), bad("number.port-range", "schema.integer"), tport, fl("IntegerSpelling", "Precision"))
	g.v("numbers.port.target-fraction", "Target[0].Port[0] is 443.5, not an integral value.",
		tp().set("/Target/0/Port/0", num("443.5")), bad("schema.type"), tport, fl("NotInteger"))
	g.v("numbers.port.target-string", "Target[0].Port[0] is the string \"80\": a number in quotes (IDMEF2-5.8-5).",
		tp().set("/Target/0/Port/0", "80"), bad("schema.type"), rq("IDMEF2-5.6-2", "IDMEF2-5.8-5", "IDMEF2T-5-7"), fl("NotInteger"))
	g.v("numbers.port.target-null", "Target[0].Port[0] is null.",
		tp().set("/Target/0/Port/0", nil), bad("schema.type"), rq("IDMEF2-5.6-2", "IDMEF2-5.8-5", "IDMEF2T-5-7"), fl("NotInteger"))
	g.v("numbers.port.target-true", "Target[0].Port[0] is true.",
		tp().set("/Target/0/Port/0", true), bad("schema.type"), rq("IDMEF2-5.6-2", "IDMEF2-5.8-5", "IDMEF2T-5-7"), fl("NotInteger"))
	g.v("numbers.port.target-single", "Target[0].Port is the number 443, not a list (IDMEF2-5.8-4).",
		tp().set("/Target/0/Port", num("443")), bad("schema.type"), rq("IDMEF2-5.6-2", "IDMEF2-5.8-4", "IDMEF2T-5-5"), fl("NotInteger"))
	g.v("numbers.port.target-nested-list", "Target[0].Port holds a list inside the list.",
		tp().set("/Target/0/Port", arr(arr(443))), bad("schema.type"), rq("IDMEF2-5.6-2", "IDMEF2-5.8-5"), fl("NotInteger"))
	g.v("numbers.port.source-string-list", "Source[0].Port is the string \"51514\", neither a list nor a number.",
		tp().set("/Source/0/Port", "51514"), bad("schema.type"), rq("IDMEF2-5.5-4", "IDMEF2-5.8-4", "IDMEF2-5.8-5"), fl("NotInteger"))
	for _, c := range []struct{ id, text, what string }{
		{"leading-zero", `0443`, "0443, with a leading zero"},
		{"plus-sign", `+443`, "+443, with a plus sign"},
		{"hex", `0x1BB`, "0x1BB, in hexadecimal"},
		{"trailing-point", `443.`, "443., a point without digits"},
	} {
		g.v("numbers.port.json-"+c.id, "Target[0].Port[0] is written "+c.what+", which JSON's number grammar refuses: the text is not JSON.",
			tp().raw("/Target/0/Port/0", c.text), bad("json.syntax"), rq("IDMEF2-5.8-1", "IDMEF2-3.2.1-1", "IDMEF2T-5-1"), fl("JSONNumberSyntax"))
	}

	// Sizes: an attachment without content, so that Size is judged alone.
	size := rq("IDMEF2-5.7-4", "IDMEF2-3.2.1-1")
	noContent := func() *msg { return full(V08).del("/Attachment/0/Content").del("/Attachment/0/Hash") }
	for _, c := range []struct{ id, lit, what string }{
		{"zero", "0", "0"},
		{"1234", "1234", "1234"},
		{"2-pow-53-minus-1", "9007199254740991", "2^53-1, the largest integer a double holds exactly"},
	} {
		g.v("numbers.size."+c.id, "Attachment[0].Size is "+c.what+" and the attachment has no content to compare with.",
			noContent().set("/Attachment/0/Size", num(c.lit)), ok(), size, fl("Size"))
	}
	g.v("numbers.size.minus-zero", "Attachment[0].Size is -0, an INT whose value is zero.",
		noContent().raw("/Attachment/0/Size", "-0"), ok(), size, fl("Size", "MinusZero"))
	g.v("numbers.size.minus-1", "Attachment[0].Size is -1: the schema sets no minimum; a size is not negative (IDMEF2-5.7-4).",
		noContent().set("/Attachment/0/Size", num("-1")), strictBad("number.size-range"), size, fl("SizeRange"))
	g.v("numbers.size.minus-large", "Attachment[0].Size is -4096.",
		noContent().set("/Attachment/0/Size", num("-4096")), strictBad("number.size-range"), size, fl("SizeRange"))
	g.v("numbers.size.2-pow-53", "Attachment[0].Size is 2^53: beyond the integers every JSON parser represents exactly (RFC 8259 section 6).",
		noContent().set("/Attachment/0/Size", num("9007199254740992")), strictBad("number.precision"), rq("IDMEF2-3.2.1-1", "IDMEF2-5.8-1", "IDMEF2-5.7-4"), fl("Precision"))
	g.v("numbers.size.400-digits", "Attachment[0].Size is a 400-digit integer: the schema accepts it, most parsers cannot hold it.",
		noContent().raw("/Attachment/0/Size", digits400), strictBad("number.precision"), rq("IDMEF2-3.2.1-1", "IDMEF2-5.8-1", "IDMEF2-5.7-4"), fl("Precision"))
	g.v("numbers.size.exponent", "Attachment[0].Size is written 1E2: not an integer as draft-04 defines it.",
		noContent().raw("/Attachment/0/Size", "1E2"), bad("schema.integer"), size, fl("IntegerSpelling"))
	g.v("numbers.size.fraction-zero", "Attachment[0].Size is written 53.0.",
		noContent().raw("/Attachment/0/Size", "53.0"), bad("schema.integer"), size, fl("IntegerSpelling"))
	g.v("numbers.size.fraction", "Attachment[0].Size is 1.5, not an integral value.",
		noContent().set("/Attachment/0/Size", num("1.5")), bad("schema.type"), size, fl("NotInteger"))
	g.v("numbers.size.string", "Attachment[0].Size is the string \"53\".",
		noContent().set("/Attachment/0/Size", "53"), bad("schema.type"), rq("IDMEF2-5.7-4", "IDMEF2-5.8-5", "IDMEF2T-5-7"), fl("NotInteger"))

	// Confidence.
	conf := rq("IDMEF2-5.2-5", "IDMEF2-3.2.2-1", "R4766-7.11")
	cf := func(lit string) *msg { return minimal(V08).set("/Confidence", num(lit)) }
	for _, c := range []struct{ id, lit string }{
		{"zero", "0"}, {"one", "1"}, {"half", "0.5"}, {"one-point-zero", "1.0"}, {"zero-point-zero", "0.0"}, {"many-digits", "0.333333333333333333333333"},
	} {
		g.v("numbers.confidence."+c.id, "Confidence is "+c.lit+", within 0 to 1.", cf(c.lit), ok(), conf, fl("Confidence"))
	}
	g.v("numbers.confidence.absent", "The alert has no Confidence: stating it is optional (R4766-7.11-2).",
		minimal(V08), ok(), rq("R4766-7.11-2"), fl("Confidence"))
	g.v("numbers.confidence.minus-zero", "Confidence is -0, equal to the minimum 0.",
		minimal(V08).raw("/Confidence", "-0"), ok(), conf, fl("Confidence", "MinusZero"))
	g.v("numbers.confidence.just-below-one", "Confidence is 0.99999999999999999999, below 1 though a double rounds it to 1.",
		minimal(V08).raw("/Confidence", "0.99999999999999999999"), ok(), conf, fl("Confidence", "Precision"))
	g.v("numbers.confidence.above-one", "Confidence is 1.5, above the schema's maximum of 1.", cf("1.5"), bad("schema.range"), conf, fl("ConfidenceRange"))
	g.v("numbers.confidence.below-zero", "Confidence is -0.1, below the schema's minimum of 0.", cf("-0.1"), bad("schema.range"), conf, fl("ConfidenceRange"))
	g.v("numbers.confidence.two", "Confidence is 2.", cf("2"), bad("schema.range"), conf, fl("ConfidenceRange"))
	g.v("numbers.confidence.percent", "Confidence is 80, a percentage.", cf("80"), bad("schema.range"), conf, fl("ConfidenceRange"))
	g.v("numbers.confidence.just-above-one", "Confidence is 1.0000000000000000001: above 1 as a number, though a double rounds it to 1. draft-04 compares values, not doubles.",
		minimal(V08).raw("/Confidence", "1.0000000000000000001"), bad("schema.range"), conf, fl("ConfidenceRange", "Precision"))
	g.v("numbers.confidence.exponent", "Confidence is written 5e-1: a JSON number, but the drafts' FLOAT grammar has no exponent; a warning.",
		minimal(V08).raw("/Confidence", "5e-1"), ok("number.exponent"), conf, fl("Exponent"))
	g.v("numbers.confidence.exponent-upper", "Confidence is written 0.8E0.",
		minimal(V08).raw("/Confidence", "0.8E0"), ok("number.exponent"), conf, fl("Exponent"))
	g.v("numbers.confidence.exponent-tiny", "Confidence is written 1e-400: above 0, though a double underflows to 0.",
		minimal(V08).raw("/Confidence", "1e-400"), ok("number.exponent"), conf, fl("Exponent", "Precision"))
	g.v("numbers.confidence.exponent-huge", "Confidence is written 1e400: far above the maximum; a double overflows to infinity.",
		minimal(V08).raw("/Confidence", "1e400"), bad("number.exponent", "schema.range"), conf, fl("ConfidenceRange", "Exponent", "Precision"))
	g.v("numbers.confidence.string", "Confidence is the string \"0.8\".",
		minimal(V08).set("/Confidence", "0.8"), bad("schema.type"), rq("IDMEF2-5.2-5", "IDMEF2-5.8-5", "IDMEF2T-5-7"), fl("NotInteger"))
	g.v("numbers.confidence.null", "Confidence is null.",
		minimal(V08).set("/Confidence", nil), bad("schema.type"), rq("IDMEF2-5.2-5", "IDMEF2-5.8-5", "IDMEF2T-5-7"), fl("NotInteger"))
	g.v("numbers.confidence.json-leading-point", "Confidence is written .8, which JSON's grammar refuses.",
		minimal(V08).raw("/Confidence", ".8"), bad("json.syntax"), rq("IDMEF2-5.8-1", "IDMEF2-3.2.2-1", "IDMEF2T-5-1"), fl("JSONNumberSyntax"))
	g.v("numbers.confidence.json-nan", "Confidence is NaN, which JSON does not have.",
		minimal(V08).raw("/Confidence", "NaN"), bad("json.syntax"), rq("IDMEF2-5.8-1", "IDMEF2-3.2.2-1", "IDMEF2T-5-1"), fl("JSONNumberSyntax"))
	g.v("numbers.confidence.json-infinity", "Confidence is Infinity, which JSON does not have.",
		minimal(V08).raw("/Confidence", "Infinity"), bad("json.syntax"), rq("IDMEF2-5.8-1", "IDMEF2-3.2.2-1", "IDMEF2T-5-1"), fl("JSONNumberSyntax"))

	for _, version := range []string{V04, V05, V06, V07} {
		gv := f.group(version, "Confidence and ports in "+version+" messages.")
		sv := short(version)
		gv.v("numbers."+sv+".confidence-absent", "A "+version+" alert has no Confidence: stating it is optional.",
			minimal(version), ok(), rq("R4766-7.11-2"), fl("Confidence"))
		gv.v("numbers."+sv+".port-source-0", "Source[0].Port[0] is 0 in a "+version+" alert.",
			full(version).set("/Source/0/Port/0", num("0")), strictBad("number.port-range"), sport, fl("PortRange"))
		gv.v("numbers."+sv+".port-target-65536", "Target[0].Port[0] is 65536 in a "+version+" alert.",
			full(version).set("/Target/0/Port/0", num("65536")), strictBad("number.port-range"), tport, fl("PortRange"))
		gv.v("numbers."+sv+".confidence-one", "Confidence is 1 in a "+version+" alert.",
			minimal(version).set("/Confidence", num("1")), ok(), conf, fl("Confidence"))
		switch version {
		case V04, V05:
			gv.v("numbers."+sv+".confidence-above-one", "Confidence is 1.5 in a "+version+" alert: its schema does not bound Confidence, the drafts do (IDMEF2-5.2-5).",
				minimal(version).set("/Confidence", num("1.5")), strictBad("number.confidence-range"), conf, fl("ConfidenceRange"))
			gv.v("numbers."+sv+".confidence-below-zero", "Confidence is -0.5 in a "+version+" alert, whose schema has no bound.",
				minimal(version).set("/Confidence", num("-0.5")), strictBad("number.confidence-range"), conf, fl("ConfidenceRange"))
			gv.v("numbers."+sv+".confidence-1e400", "Confidence is written 1e400 in a "+version+" alert: the schema has no bound, so only the strict profile refuses it.",
				minimal(version).raw("/Confidence", "1e400"), strictBad("number.confidence-range", "number.exponent"), conf, fl("ConfidenceRange", "Exponent", "Precision"))
			gv.v("numbers."+sv+".vector-georadius-exponent", "Vector[0].GeoRadius, a FLOAT, is written 1.5e3.",
				full(version).raw("/Vector/0/GeoRadius", "1.5e3"), ok("number.exponent"), rq("IDMEF2-3.2.2-1"), fl("Exponent"))
		case V06:
			gv.v("numbers.v06.confidence-above-one", "Confidence is 1.5 in a 2.D.V06 alert, whose schema bounds it to 1.",
				minimal(version).set("/Confidence", num("1.5")), bad("schema.range"), conf, fl("ConfidenceRange"))
			gv.v("numbers.v06.vector-georadius", "Vector[0].GeoRadius is 250.5 metres.",
				full(version).set("/Vector/0/GeoRadius", num("250.5")), ok(), rq("IDMEF2-3.2.2-1"), fl("Float"))
			gv.v("numbers.v06.vector-georadius-string", "Vector[0].GeoRadius is the string \"250\".",
				full(version).set("/Vector/0/GeoRadius", "250"), bad("schema.type"), rq("IDMEF2-3.2.2-1", "IDMEF2-5.8-5"), fl("NotInteger"))
		case V07:
			gv.v("numbers.v07.ports", "Source[0].Port[0] and Target[0].Port[0] within range in a 2.D.V07 alert.",
				full(version), ok(), rq("IDMEF2-5.5-4", "IDMEF2-5.6-2", "IDMEF2-3.2.1-1"), fl("Port"))
			gv.v("numbers.v07.port-zero", "Target[0].Port[0] is 0 in a 2.D.V07 alert.",
				full(version).set("/Target/0/Port/0", num("0")), strictBad("number.port-range"), tport, fl("PortRange"))
			gv.v("numbers.v07.port-fraction-zero", "Source[0].Port[0] is written 51514.0 in a 2.D.V07 alert.",
				full(version).raw("/Source/0/Port/0", "51514.0"), bad("schema.integer"), sport, fl("IntegerSpelling"))
		}
	}
	return f
}

// portAt sets a port in the full message; a literal beyond what a double holds exactly is
// kept as text, so that no JSON library rounds it on the way.
func portAt(ptr, lit string) *msg {
	if len(strings.TrimPrefix(lit, "-")) > 15 {
		return full(V08).raw(ptr, lit)
	}
	return full(V08).set(ptr, num(lit))
}

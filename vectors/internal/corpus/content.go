package corpus

import "strings"

func contentFile() *file {
	f := newFile("content",
		"What an alert says beyond its structure: the impact (Priority, R4766-7.7), an analyzer that can be located (R4766-7.9), locations (GEOLOC, UNLOCODE), threat-intelligence matches (Source.TI), a sensor's capture zone, stacked protocols and protocol names, and free text.",
		"Most of these are the strict profile's: the schemas check GEOLOC, UNLOCODE and PROTOCOL patterns only. The impact and the analyzer's location are warnings (the drafts make Priority and the locating fields optional); coordinates out of WGS84 range, TI values not written attribute:origin and protocols stacked from the top down are errors under strict.")
	f.note("Impact", bugBasic, "The alert carries Priority, the only standard indication of impact IDMEFv2 has.", "A manager cannot rank the alert.")
	f.note("NoImpact", bugSemantic, "The alert has no Priority: R4766-7.7 asks every alert for the possible impact; the drafts make Priority optional, so a warning.",
		"A manager cannot rank the alert without its own guess.")
	f.note("Locatable", bugBasic, "The Analyzer gives something that locates it: IP, Hostname, Location, GeoLocation or UnLocation.",
		"An implementation that requires a particular one refuses valid alerts.")
	f.note("NotLocatable", bugSemantic, "The Analyzer gives only a Name (and perhaps an ID or a Model): R4766-7.9 asks that it can be found later; a warning.",
		"An operator cannot find the analyzer that raised the alert.")
	f.note("GeoLocation", bugBasic, "A GEOLOC value: latitude,longitude[,altitude] within WGS84 ranges.", "An implementation that refuses it loses the location.")
	f.note("GeoRange", bugSemantic, "A latitude beyond ±90 or a longitude beyond ±180: the pattern accepts any digits.",
		"Mapping software fails or wraps the point somewhere else.")
	f.note("GeoSyntax", bugSyntax, "A location outside the GEOLOC pattern.", "Receivers parsing the coordinates fail.")
	f.note("GeoFloatGrammar", bugSchemaGap, "Coordinates the GEOLOC pattern accepts but the drafts' FLOAT grammar does not: a plus sign, a point without decimals. The requirements catalogue's note on IDMEF2-3.3.3-1 expects the strict profile to apply the FLOAT grammar; idmefcheck's validator does not.",
		"A strict receiver may refuse it, a lenient one accept it; both readings are allowed.")
	f.note("UNLOCODE", bugBasic, "A UN/LOCODE: two capital letters, an optional space, three capital letters.", "An implementation that refuses it loses the location.")
	f.note("UNLOCODESyntax", bugSyntax, "A UN/LOCODE the pattern refuses. UN/LOCODE itself uses the digits 2 to 9 in location codes, which the published pattern does not allow: the schema's verdict stands.",
		"Receivers with their own UN/LOCODE parsers disagree with the schema.")
	f.note("TI", bugBasic, "Source.TI values written attribute:origin, e.g. IP:Dshield.", "An implementation that refuses them loses threat-intelligence context.")
	f.note("TIFormat", bugSemantic, "A TI value not written attribute:origin: no colon, an empty attribute or origin.",
		"A receiver cannot tell which attribute matched which database.")
	f.note("TIAttribute", bugSchemaGap, "A TI value whose attribute part names no attribute of the class. The requirements catalogue's note on IDMEF2-5.5-2 expects the strict profile to check it; idmefcheck only checks the attribute:origin shape.",
		"A strict receiver may refuse it; both readings are allowed.")
	f.note("CaptureZone", bugBasic, "A Sensor.CaptureZone holding a JSON text, as the draft describes it.", "An implementation that refuses it loses the zone.")
	f.note("CaptureZoneText", bugSemantic, "A Sensor.CaptureZone that is not a JSON text: the draft describes a JSON-serialised string, the schema takes any string; a warning.",
		"A receiver parsing the zone as JSON fails.")
	f.note("ProtocolStack", bugBasic, "Source.Protocol listing stacked protocols from the lowest layer up, or protocols idmefcheck cannot place.",
		"An implementation that expects another order misreads the stack.")
	f.note("ProtocolOrder", bugSemantic, "Source.Protocol listing a higher layer before a lower one (IDMEF2-5.5-3), outside a tunnel.",
		"A receiver rebuilding the stack gets it upside down.")
	f.note("ProtocolSyntax", bugSyntax, "A protocol name outside the PROTOCOL pattern: letters and digits, single hyphens between them.",
		"Receivers looking names up in the IANA registry fail.")
	f.note("Text", bugBasic, "Free text: empty, long, several lines.", "An implementation with a length limit or a line-based format breaks it.")
	f.note("WrongType", bugWrongType, "A value of the wrong JSON type.", "Receivers that coerce types accept what the schema refuses.")

	g := f.group(V08, "Content of 2.D.V08 messages.")
	imp := rq("R4766-7.7", "R4766-7.7-2")
	for _, p := range []string{"Unknown", "Info", "Low", "High"} {
		g.v("content.impact.priority-"+slug(p), "Priority is "+p+": the alert states its impact.", full(V08).set("/Priority", p), ok(), imp, fl("Impact"))
	}
	g.v("content.impact.none", "The alert has no Priority: a warning (R4766-7.7).", full(V08).del("/Priority"), ok("content.impact"), imp, fl("NoImpact"))
	g.v("content.impact.none-minimal", "A minimal alert without Priority.", minimal(V08).del("/Priority"), ok("content.impact"), imp, fl("NoImpact"))
	g.v("content.impact.category-only", "The alert has a Category and a Cause but no Priority: neither is an impact value.",
		minimal(V08).del("/Priority").set("/Category", strs("Availability.DDoS")).set("/Cause", "Malicious"), ok("content.impact"), imp, fl("NoImpact"))

	loc := rq("R4766-7.9")
	nameOnly := func() *msg { return full(V08).set("/Analyzer", obj("Name", "soc.paris.ids01")) }
	for _, c := range []struct{ id, field, value string }{
		{"ip", "IP", "192.0.2.10"},
		{"hostname", "Hostname", "ids01.example.com"},
		{"location", "Location", "Paris data centre, hall B, rack 12"},
		{"geo-location", "GeoLocation", "48.8584,2.2945"},
		{"un-location", "UnLocation", "FR PAR"},
	} {
		g.v("content.locatable."+c.id, "The Analyzer gives its Name and only "+c.field+", which locates it.",
			nameOnly().set("/Analyzer/"+c.field, c.value), ok(), rq("R4766-7.9", "IDMEF2-5.3-1"), fl("Locatable"))
	}
	g.v("content.locatable.empty-hostname", "The Analyzer gives an empty Hostname (looked up, not found): a locating field is present, so no warning.",
		nameOnly().set("/Analyzer/Hostname", ""), ok(), rq("R4766-7.9", "IDMEF2-5.3-2"), fl("Locatable"))
	g.v("content.locatable.name-only", "The Analyzer gives only a Name.", nameOnly(), ok("analyzer.locatable"), loc, fl("NotLocatable"))
	g.v("content.locatable.name-id-model", "The Analyzer gives a Name, an ID and a Model: none of them locates it.",
		nameOnly().set("/Analyzer/ID", analyzerID).set("/Analyzer/Model", "Suricata 7.0.8"), ok("analyzer.locatable"), loc, fl("NotLocatable"))
	g.v("content.locatable.name-and-categories", "The Analyzer gives a Name and its categories only.",
		nameOnly().set("/Analyzer/Category", strs("NET.NIDS")).set("/Analyzer/Method", strs("Signature")), ok("analyzer.locatable"), loc, fl("NotLocatable"))

	geo := rq("IDMEF2-3.3.3-1")
	for _, c := range []struct{ id, v, what string }{
		{"plain", "48.8584,2.2945", "latitude,longitude"},
		{"space", "48.8584, 2.2945", "latitude, longitude with a space, as the pattern allows"},
		{"altitude", "48.8584,2.2945,35", "latitude,longitude,altitude"},
		{"negative-altitude", "-33.8688,151.2093,-12.5", "a negative altitude"},
		{"corners", "-90,180", "the south pole at the antimeridian, the range's edges"},
		{"other-corners", "90,-180,0", "the north pole at -180"},
		{"origin", "0,0", "0,0"},
		{"integers", "48,2", "whole degrees"},
	} {
		g.v("content.geo."+c.id, "Analyzer.GeoLocation is "+quoteWord(c.v)+": "+c.what+".", full(V08).set("/Analyzer/GeoLocation", c.v), ok(), geo, fl("GeoLocation"))
	}
	for _, c := range []struct{ id, v, what string }{
		{"plus-signs", "+48.75726, +2.299528", "plus signs, as the pattern allows and the FLOAT grammar does not"},
		{"bare-point", "48.,2.", "points without decimals"},
	} {
		g.v("content.geo."+c.id, "Target[0].GeoLocation is "+quoteWord(c.v)+": "+c.what+".", full(V08).set("/Target/0/GeoLocation", c.v), either(), geo, fl("GeoFloatGrammar"))
	}
	for _, c := range []struct{ id, v, what string }{
		{"latitude-91", "91.0,2.2945", "latitude 91"},
		{"latitude-minus-90-0001", "-90.0001,0", "latitude -90.0001"},
		{"longitude-minus-180-5", "48.85,-180.5", "longitude -180.5"},
		{"longitude-181", "0,181", "longitude 181"},
		{"swapped", "2.2945,348.8584", "a longitude of 348.8584 (0 to 360 instead of -180 to 180)"},
	} {
		g.v("content.geo.range-"+c.id, "Target[0].GeoLocation has "+c.what+": the pattern accepts it, WGS84 does not.",
			full(V08).set("/Target/0/GeoLocation", c.v), strictBad("geo.range"), geo, fl("GeoRange"))
	}
	for _, c := range []struct{ id, v, what string }{
		{"one-number", "48.8584", "one number"},
		{"semicolon", "48.8584;2.2945", "a semicolon"},
		{"letters", "N48.8584 E2.2945", "hemisphere letters"},
		{"four-numbers", "1,2,3,4", "four numbers"},
		{"space-only", "48.8584 2.2945", "a space and no comma"},
		{"decimal-commas", "48,8584, 2,2945", "decimal commas"},
		{"empty", "", "nothing"},
		{"degrees-minutes", "48°51'N,2°17'E", "degrees and minutes"},
	} {
		g.v("content.geo.pattern-"+c.id, "Source[0].GeoLocation has "+c.what+": the GEOLOC pattern refuses it.",
			full(V08).set("/Source/0/GeoLocation", c.v), bad("schema.pattern"), geo, fl("GeoSyntax"))
	}

	un := rq("IDMEF2-3.3.4-1")
	for _, c := range []struct{ id, v string }{{"with-space", "FR PAR"}, {"no-space", "FRPAR"}, {"us-nyc", "US NYC"}} {
		g.v("content.unlocode."+c.id, "Analyzer.UnLocation is "+quoteWord(c.v)+".", full(V08).set("/Analyzer/UnLocation", c.v), ok(), un, fl("UNLOCODE"))
	}
	for _, c := range []struct{ id, v, what string }{
		{"lower-case", "fr par", "lower-case letters"},
		{"hyphen", "FR-PAR", "a hyphen"},
		{"digit", "FR PA2", "a digit in the location code: UN/LOCODE uses 2 to 9 there, the published pattern does not allow them, and the strict profile never accepts what the schema refuses"},
		{"three-letter-country", "FRA PAR", "a three-letter country code"},
		{"two-spaces", "FR  PAR", "two spaces"},
		{"short", "FR PA", "a two-letter location code"},
	} {
		g.v("content.unlocode."+c.id, "Target[0].UnLocation has "+c.what+".", full(V08).set("/Target/0/UnLocation", c.v), bad("schema.pattern"), un, fl("UNLOCODESyntax"))
	}

	ti := rq("IDMEF2-5.5-2")
	for _, c := range []struct {
		id   string
		vals []string
	}{
		{"hostname", []string{"Hostname:Spamhaus"}},
		{"several", []string{"IP:Dshield", "IP:AbuseIPDB", "Email:PhishTank"}},
		{"space-after-colon", []string{"IP: Dshield"}},
		{"origin-with-colon", []string{"IP:feeds.example.com:443"}},
	} {
		g.v("content.ti."+c.id, "Source[0].TI is "+quoteList(c.vals)+": attribute:origin.", full(V08).set("/Source/0/TI", strs(c.vals...)), ok(), ti, fl("TI"))
	}
	for _, c := range []struct{ id, v, what string }{
		{"no-colon", "Dshield", "no colon"},
		{"empty-origin", "IP:", "an empty origin"},
		{"empty-attribute", ":Dshield", "an empty attribute"},
		{"blank-origin", "IP:   ", "an origin of spaces"},
		{"empty", "", "nothing"},
	} {
		g.v("content.ti."+c.id, "Source[0].TI holds "+quoteWord(c.v)+", with "+c.what+": TI values are written attribute:origin.",
			full(V08).set("/Source/0/TI", strs("IP:Dshield", c.v)), strictBad("ti.format"), ti, fl("TIFormat"))
	}
	g.v("content.ti.unknown-attribute", "Source[0].TI is Colour:Dshield: attribute:origin in shape, but Colour is no Source attribute.",
		full(V08).set("/Source/0/TI", strs("Colour:Dshield")), either(), ti, fl("TIAttribute"))

	cz := rq("IDMEF2-5.4-3")
	for _, c := range []struct{ id, v, what string }{
		{"object", `{"network":"2001:db8::/64","vlan":12}`, "a JSON object"},
		{"array", `[{"camera":"C1","fov":90}]`, "a JSON array"},
		{"string", `"hall B"`, "a JSON string"},
		{"number", `42`, "a JSON number"},
	} {
		g.v("content.capture-zone."+c.id, "Sensor[0].CaptureZone holds "+c.what+" as text.", full(V08).set("/Sensor/0/CaptureZone", c.v), ok(), cz, fl("CaptureZone"))
	}
	for _, c := range []struct{ id, v, what string }{
		{"plain-text", "net 2001:db8::/64", "plain text"},
		{"empty", "", "the empty string, which is no JSON text"},
		{"broken", `{"network":`, "a JSON text cut short"},
		{"single-quotes", `{'network':'2001:db8::/64'}`, "JSON with single quotes"},
	} {
		g.v("content.capture-zone."+c.id, "Sensor[0].CaptureZone holds "+c.what+": the draft describes a JSON-serialised string; a warning.",
			full(V08).set("/Sensor/0/CaptureZone", c.v), ok("sensor.capture-zone"), cz, fl("CaptureZoneText"))
	}
	g.v("content.capture-zone.object-value", "Sensor[0].CaptureZone is a JSON object rather than a string holding one.",
		full(V08).set("/Sensor/0/CaptureZone", obj("network", "2001:db8::/64")), bad("schema.type"), rq("IDMEF2-5.4-3", "IDMEF2-5.8-5", "IDMEF2T-5-6"), fl("WrongType"))

	po := rq("IDMEF2-5.5-3", "IDMEF2-3.3.11-1")
	for _, c := range []struct {
		id    string
		stack []string
		what  string
	}{
		{"up", []string{"ipv6", "tcp", "tls", "http"}, "from the network layer up"},
		{"link-up", []string{"ethernet", "ipv4", "tcp", "ssh"}, "from the link layer up"},
		{"tunnel", []string{"ip", "udp", "vxlan", "ethernet", "ip", "tcp"}, "down again inside a VXLAN tunnel"},
		{"unknown-names", []string{"http", "my-proto"}, "names idmefcheck places nowhere after http"},
		{"single", []string{"udp"}, "one protocol"},
		{"upper-case", []string{"IPv4", "UDP", "DNS"}, "in capitals, from the network layer up"},
	} {
		g.v("content.protocol."+c.id, "Source[0].Protocol is "+quoteList(c.stack)+": "+c.what+".", full(V08).set("/Source/0/Protocol", strs(c.stack...)), ok(), po, fl("ProtocolStack"))
	}
	for _, c := range []struct {
		id    string
		stack []string
		what  string
	}{
		{"http-below-tcp", []string{"ip", "http", "tcp"}, "http before tcp"},
		{"top-down", []string{"https", "ipv6"}, "the application before the network"},
		{"tcp-ip", []string{"tcp", "ip"}, "tcp before ip, as people say TCP/IP"},
		{"dns-udp", []string{"dns", "udp"}, "dns before udp"},
		{"upper-case", []string{"TCP", "IPv4"}, "TCP before IPv4, in capitals"},
	} {
		g.v("content.protocol.order-"+c.id, "Source[0].Protocol lists "+c.what+": stacked protocols go from the lowest layer to the highest (IDMEF2-5.5-3).",
			full(V08).set("/Source/0/Protocol", strs(c.stack...)), strictBad("protocol.order"), po, fl("ProtocolOrder"))
	}
	for _, c := range []struct{ id, v, what string }{
		{"slash", "tcp/ip", "a slash"},
		{"double-hyphen", "http--alt", "two hyphens in a row"},
		{"leading-hyphen", "-tcp", "a leading hyphen"},
		{"trailing-hyphen", "tcp-", "a trailing hyphen"},
		{"space", "http alt", "a space"},
		{"dot", "http.2", "a dot"},
		{"empty", "", "nothing"},
	} {
		g.v("content.protocol.name-"+c.id, "Source[0].Protocol holds "+quoteWord(c.v)+", with "+c.what+": the PROTOCOL pattern refuses it.",
			full(V08).set("/Source/0/Protocol", strs(c.v)), bad("schema.pattern"), rq("IDMEF2-3.3.11-1"), fl("ProtocolSyntax"))
	}
	g.v("content.protocol.name-hyphenated", "Source[0].Protocol holds http-alt and sun-rpc, names with single hyphens.",
		full(V08).set("/Source/0/Protocol", strs("http-alt", "sun-rpc")), ok(), rq("IDMEF2-3.3.11-1"), fl("ProtocolStack"))

	g.v("content.text.empty-description", "Description is the empty string.", full(V08).set("/Description", ""), ok(), rq("IDMEF2-3.3-1"), fl("Text"))
	g.v("content.text.multiline-note", "Note holds several lines, a tab and quotes.",
		full(V08).set("/Note", "First seen at 09:10.\nRepeated every 5 minutes.\n\tSource: \"scanner\""), ok(), rq("IDMEF2-3.3-1"), fl("Text"))
	g.v("content.text.long-note", "Note is 10,000 characters long; STRING has no length limit.",
		full(V08).set("/Note", strings.Repeat("0123456789", 1000)), ok(), rq("IDMEF2-3.3-1"), fl("Text"))
	g.v("content.text.description-number", "Description is a number.", full(V08).set("/Description", num("42")), bad("schema.type"), rq("IDMEF2-5.8-5", "IDMEF2T-5-6"), fl("WrongType"))
	g.v("content.text.alt-names", "AltNames and AltCategory hold identifiers and categories of other systems.",
		full(V08).set("/AltNames", strs("INC0012345", "JIRA-SOC-77")).set("/AltCategory", strs("MITRE ATT&CK T1046", "misp:kill-chain=\"Reconnaissance\"")), ok(), rq("IDMEF2-3.3-1", "IDMEF2-5.8-4"), fl("Text"))
	g.v("content.text.organisation", "OrganisationName, OrganisationId, EntityName and EntityId are set.",
		full(V08).set("/OrganisationName", "Example SA").set("/OrganisationId", "FR12345678901").set("/EntityName", "Paris site").set("/EntityId", "PAR-01"), ok(), rq("IDMEF2-3.3-1", "IDMEF2-2.2-1"), fl("Text"))

	for _, version := range []string{V04, V05, V06, V07} {
		gv := f.group(version, "Impact and location in "+version+" messages.")
		sv := short(version)
		gv.v("content."+sv+".impact-none", "A "+version+" alert without Priority.", full(version).del("/Priority"), ok("content.impact"), imp, fl("NoImpact"))
		gv.v("content."+sv+".capture-zone-text", "Sensor[0].CaptureZone holds plain text in a "+version+" alert.",
			full(version).set("/Sensor/0/CaptureZone", "hall B, cameras 1 to 4"), ok("sensor.capture-zone"), cz, fl("CaptureZoneText"))
		gv.v("content."+sv+".unlocode", "A "+version+" Analyzer.UnLocation is DE HAM.",
			full(version).set("/Analyzer/UnLocation", "DE HAM"), ok(), un, fl("UNLOCODE"))
		gv.v("content."+sv+".impact-high", "A "+version+" alert with Priority High.", full(version).set("/Priority", "High"), ok(), imp, fl("Impact"))
		switch version {
		case V06, V07:
			an := obj("Name", "soc.paris.ids01")
			if version == V07 {
				an = obj("ID", analyzerID, "Name", "soc.paris.ids01")
			}
			gv.v("content."+sv+".not-locatable", "A "+version+" Analyzer with only its required fields: nothing locates it.",
				full(version).set("/Analyzer", an), ok("analyzer.locatable"), loc, fl("NotLocatable"))
			gv.v("content."+sv+".source-ti-no-colon", "Source[0].TI holds a value without colon in a "+version+" alert.",
				full(version).set("/Source/0/TI", strs("Dshield")), strictBad("ti.format"), ti, fl("TIFormat"))
		default:
			gv.v("content."+sv+".locatable-ip-only", "A "+version+" Analyzer with its required Name and IP: the IP locates it.",
				full(version).set("/Analyzer", obj("IP", "192.0.2.20", "Name", "plant.lyon.ids02")), ok(), loc, fl("Locatable"))
			gv.v("content."+sv+".vector-ti-no-colon", "Vector[0].TI holds a value without colon.",
				full(version).set("/Vector/0/TI", strs("Dshield")), strictBad("ti.format"), ti, fl("TIFormat"))
		}
	}
	return f
}

// quoteList shows a list of strings in a comment.
func quoteList(vals []string) string {
	parts := make([]string, len(vals))
	for i, v := range vals {
		parts[i] = quoteWord(v)
	}
	return "[" + strings.Join(parts, ", ") + "]"
}

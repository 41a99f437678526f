package corpus

func addressesFile() *file {
	f := newFile("addresses",
		"IP addresses (IDMEFv2 section 3.3.6) in every written form: dotted-decimal IPv4, IPv6 full and compressed, upper case, leading zeros, embedded IPv4, zones and prefixes; host names (sections 5.3 to 5.6, which ask for fully qualified names); e-mail addresses (RFC 5322 addr-spec) and URIs (RFC 3986).",
		"The published IP pattern accepts forms RFC 4291 does not (a zone index) and refuses some it does (six groups before embedded IPv4, IPv4-mapped with upper-case FFFF): the official verdict is the pattern's, strict adds RFC 4291. Forms RFC 5952 advises against (upper case, leading zeros, uncompressed zeros) and octets with leading zeros are warnings.",
		"E-mail and URI vectors keep to cases the RFC grammars decide plainly; format \"email\" is RFC 5322's addr-spec and format \"uri\" RFC 3986's URI, as draft-04 defines them.")
	f.note("IPv4", bugBasic, "A dotted-decimal IPv4 address.", "An implementation that mishandles it loses the addresses most alerts carry.")
	f.note("IPv6", bugBasic, "An IPv6 address in RFC 4291 text form.", "IPv6 alerts are lost or misread (R4766-4.2).")
	f.note("NonCanonicalIPv6", bugInterop, "An IPv6 address RFC 4291 allows but RFC 5952 advises against (upper case, leading zeros, uncompressed zero groups, :: for one group): a warning.",
		"Receivers comparing addresses as strings see two addresses where there is one.")
	f.note("LeadingZero", bugInterop, "An IPv4 octet with a leading zero: the pattern accepts it, some parsers read it as octal (010 as 8).",
		"Two receivers read different addresses from the same alert.")
	f.note("Zone", bugSchemaGap, "An IPv6 address with a zone index (%eth0): the pattern accepts it for fe80: addresses, RFC 4291 text form has none.",
		"The zone only means something on the sender's host; a receiver may fail to parse it or match the wrong interface.")
	f.note("EmbeddedIPv4", bugEdge, "An IPv6 address with an embedded dotted-decimal IPv4 address (IPv4-mapped, IPv4-compatible).",
		"Parsers that split on dots or colons alone misread it.")
	f.note("PatternGap", bugSchemaGap, "An address form RFC 4291 defines that the published pattern does not accept (or the reverse); the official verdict is the pattern's.",
		"Implementations that follow the RFC rather than the schema disagree with schema-based receivers.")
	f.note("NotAnAddress", bugSyntax, "A string that is not one IP address: a prefix, a range, an octet over 255, a host name, an address with a port.",
		"A receiver that accepts it stores something that is not an address where an address belongs (R4766-7.6).")
	f.note("HostName", bugBasic, "A host name the drafts recommend: a fully qualified domain name, or the empty string for \"looked up, not found\".",
		"An implementation that refuses these refuses valid alerts.")
	f.note("NotFQDN", bugInterop, "A host name that is not a fully qualified domain name: a single label, an address, a bad character. The drafts say SHOULD: a warning.",
		"A receiver cannot resolve the host unambiguously.")
	f.note("Email", bugBasic, "An RFC 5322 addr-spec.", "An implementation that refuses it loses the addresses of phishing alerts.")
	f.note("NotEmail", bugSyntax, "A string that is not an RFC 5322 addr-spec: a display name, two @, a bare local part, non-ASCII (RFC 6531 is not RFC 5322).",
		"Receivers with looser checks accept what the schema refuses.")
	f.note("FormatDisagreement", bugInterop, "A value RFC 5322 or RFC 3986 plainly allows that some JSON Schema validators refuse (ajv-formats refuses quoted local parts, domain literals and single-label domains in e-mail addresses, and URIs with an empty path before a query).",
		"Receivers built on those validators refuse valid alerts; the official verdict follows the RFC, as draft-04 says.")
	f.note("URI", bugBasic, "An absolute URI: a URL, a URN, a magnet link.", "An implementation that accepts only http(s) loses URN references (IDMEF2-5.2-9).")
	f.note("NotURI", bugSyntax, "A string that is not an RFC 3986 URI: no scheme, a space, raw non-ASCII (an IRI), a bad percent escape.",
		"Receivers that treat any string as a link accept what the schema refuses.")
	f.note("WrongType", bugWrongType, "An address given as a number or a list.", "Receivers that coerce types accept what the schema refuses.")

	g := f.group(V08, "Addresses in 2.D.V08 messages.")
	ip := rq("IDMEF2-3.3.6-1", "R4766-4.2", "R4766-7.6")
	tip := func(addr string) *msg { return full(V08).set("/Target/0/IP", addr) }
	sip := func(addr string) *msg { return full(V08).set("/Source/0/IP", addr) }

	for _, c := range []struct{ id, addr, what string }{
		{"ipv4", "192.0.2.1", "an IPv4 address"},
		{"ipv4-zeros", "0.0.0.0", "the IPv4 unspecified address 0.0.0.0"},
		{"ipv4-broadcast", "255.255.255.255", "the IPv4 limited broadcast address"},
		{"ipv4-loopback", "127.0.0.1", "the IPv4 loopback address"},
		{"ipv4-single-digits", "1.2.3.4", "an IPv4 address of one-digit octets"},
	} {
		g.v("addresses.ip."+c.id, "Target[0].IP is "+c.what+".", tip(c.addr), ok(), ip, fl("IPv4"))
	}
	for _, c := range []struct{ id, addr, what string }{
		{"ipv6-compressed", "2001:db8::1", "an IPv6 address in RFC 5952 form"},
		{"ipv6-unspecified", "::", "the IPv6 unspecified address ::"},
		{"ipv6-loopback", "::1", "the IPv6 loopback address ::1"},
		{"ipv6-link-local", "fe80::1", "a link-local address without zone"},
		{"ipv6-eight-groups", "2001:db8:1:2:3:4:5:6", "an IPv6 address of eight groups, none zero"},
		{"ipv6-longest-run", "2001:0:0:1::1", "an IPv6 address whose longest zero run is compressed (RFC 5952 section 4.2.3)"},
		{"ipv6-first-run", "2001:db8::1:0:0:1", "an IPv6 address whose first of two equal zero runs is compressed (RFC 5952 section 4.2.3)"},
		{"ipv6-trailing-run", "2001:db8::", "an IPv6 address ending in ::"},
		{"ipv4-mapped", "::ffff:192.0.2.1", "the IPv4-mapped address ::ffff:192.0.2.1, in RFC 5952 section 5's mixed notation"},
	} {
		g.v("addresses.ip."+c.id, "Target[0].IP is "+c.what+".", tip(c.addr), ok(), rq("IDMEF2-3.3.6-1", "IDMEF2-3.3.6-2", "R4766-4.2", "R4766-7.6"), fl("IPv6"))
	}
	for _, c := range []struct{ id, addr, what string }{
		{"ipv6-full", "2001:0db8:0000:0000:0000:0000:0000:0001", "written out in full, leading zeros and all (RFC 5952 form: 2001:db8::1)"},
		{"ipv6-upper-case", "2001:DB8::1", "in upper case (RFC 5952 section 4.3 asks for lower case)"},
		{"ipv6-mixed-case", "2001:Db8::aB", "in mixed case"},
		{"ipv6-leading-zeros", "2001:db8::0001", "with leading zeros in a group"},
		{"ipv6-zeros-uncompressed", "2001:db8:0:0:0:0:0:1", "with its zero groups not compressed"},
		{"ipv6-single-zero-group", "2001:db8:0:1:1:1:1:1", "with one zero group, correctly left uncompressed"},
		{"ipv6-one-group-as-double-colon", "2001:db8::1:1:1:1:1", "with :: standing for a single zero group (RFC 5952 section 4.2.2 says not to)"},
		{"ipv6-shorter-run-compressed", "2001:0:0:1:0:0:0:1", "with the longer zero run not compressed"},
		{"ipv6-seven-groups-and-colons", "1:2:3:4:5:6:7::", "as seven groups and :: (one zero group)"},
		{"ipv6-upper-link-local", "FE80::1", "a link-local address in upper case"},
		{"ipv4-compatible", "::192.0.2.1", "the deprecated IPv4-compatible form ::192.0.2.1 (RFC 4291 section 2.5.5.1); idmefcheck's RFC 5952 form writes it in hexadecimal, ::c000:201"},
	} {
		e := ok("ip.noncanonical")
		if c.id == "ipv6-single-zero-group" {
			e = ok()
		}
		flags := fl("NonCanonicalIPv6")
		if c.id == "ipv4-compatible" {
			flags = fl("NonCanonicalIPv6", "EmbeddedIPv4")
		}
		if c.id == "ipv6-single-zero-group" {
			flags = fl("IPv6")
		}
		g.v("addresses.ip."+c.id, "Target[0].IP is an IPv6 address "+c.what+".", tip(c.addr), e,
			rq("IDMEF2-3.3.6-1", "IDMEF2-3.3.6-2", "R4766-4.2"), flags)
	}
	for _, c := range []struct{ id, addr string }{
		{"ipv4-leading-zero", "010.1.1.1"},
		{"ipv4-leading-zeros-last", "192.0.2.010"},
		{"ipv4-three-digit-zeros", "192.000.002.001"},
		{"ipv4-007", "007.7.7.7"},
	} {
		g.v("addresses.ip."+c.id, "Source[0].IP is "+c.addr+": the pattern accepts leading zeros below 200, but some parsers read such octets as octal.",
			sip(c.addr), ok("ip.leading-zero"), ip, fl("LeadingZero"))
	}
	g.v("addresses.ip.zone", "Target[0].IP is fe80::1%eth0: the pattern accepts a zone after fe80:, RFC 4291's text form has none.",
		tip("fe80::1%eth0"), strictBad("ip.zone"), ip, fl("Zone"))
	g.v("addresses.ip.zone-numeric", "Target[0].IP is fe80::1%2, a numeric zone.",
		tip("fe80::1%2"), strictBad("ip.zone"), ip, fl("Zone"))
	g.v("addresses.ip.zone-percent-encoded", "Sensor[0].IP is fe80::1%25eth0, a zone written as in a URI (RFC 6874); as an address it is the zone 25eth0.",
		full(V08).set("/Sensor/0/IP", "fe80::1%25eth0"), strictBad("ip.zone"), ip, fl("Zone"))
	g.v("addresses.ip.zone-outside-link-local", "Source[0].IP is 2001:db8::1%eth0: the pattern allows a zone only after fe80:.",
		sip("2001:db8::1%eth0"), bad("schema.pattern"), ip, fl("Zone", "PatternGap"))
	g.v("addresses.ip.zone-upper-case", "Source[0].IP is FE80::1%eth0: the pattern's zone form knows only lower-case fe80.",
		sip("FE80::1%eth0"), bad("schema.pattern"), ip, fl("Zone", "PatternGap"))
	g.v("addresses.ip.ipv4-mapped-upper", "Target[0].IP is ::FFFF:192.0.2.1: RFC 4291 allows upper-case hexadecimal, the pattern's embedded-IPv4 forms know only lower-case ffff.",
		tip("::FFFF:192.0.2.1"), bad("schema.pattern"), ip, fl("EmbeddedIPv4", "PatternGap"))
	g.v("addresses.ip.six-groups-and-ipv4", "Target[0].IP is 2001:db8:1:2:3:4:192.0.2.1, six groups then an IPv4 address (RFC 4291 section 2.2, form 3): the pattern has no alternative for it.",
		tip("2001:db8:1:2:3:4:192.0.2.1"), bad("schema.pattern"), ip, fl("EmbeddedIPv4", "PatternGap"))
	g.v("addresses.ip.mapped-leading-zero", "Source[0].IP is ::ffff:01.1.1.1: the pattern accepts a two-digit octet 01 in the embedded IPv4 address, RFC 4291 (with RFC 3986's dec-octet) does not.",
		sip("::ffff:01.1.1.1"), strictBad("ip.syntax"), ip, fl("EmbeddedIPv4", "PatternGap"))
	g.v("addresses.ip.embedded-double-zero", "Sensor[0].IP is 2001:db8:1:2::00.2.3.4: the pattern accepts the octet 00, RFC 4291 does not.",
		full(V08).set("/Sensor/0/IP", "2001:db8:1:2::00.2.3.4"), strictBad("ip.syntax"), ip, fl("EmbeddedIPv4", "PatternGap"))
	for _, c := range []struct{ id, addr, what string }{
		{"ipv6-prefix", "2001:db8::/32", "an IPv6 prefix (the draft's own example B.2 has one)"},
		{"ipv6-loopback-prefix", "::1/128", "::1/128, the draft's own example of an IP value, which is a prefix"},
		{"ipv4-prefix", "192.0.2.0/24", "an IPv4 prefix"},
		{"octet-256", "256.1.1.1", "an IPv4 address with an octet of 256"},
		{"octet-300", "192.0.2.300", "an IPv4 address with an octet of 300"},
		{"three-octets", "192.0.2", "three octets"},
		{"five-octets", "192.0.2.1.5", "five octets"},
		{"ipv4-four-digit-octet", "0192.0.2.1", "an IPv4 octet of four digits"},
		{"ipv4-hex", "0xc0.0x00.0x02.0x01", "hexadecimal octets, which inet_aton accepts"},
		{"ipv4-integer", "3221225985", "the address as one decimal integer, which inet_aton accepts"},
		{"ipv4-with-port", "192.0.2.1:443", "an address and a port"},
		{"ipv6-bracketed", "[2001:db8::1]", "an IPv6 address in URI brackets"},
		{"ipv6-nine-groups", "1:2:3:4:5:6:7:8:9", "nine groups"},
		{"ipv6-two-double-colons", "2001:db8::1::2", "two ::"},
		{"ipv6-triple-colon", "2001:db8:::1", "three colons in a row"},
		{"ipv6-five-digit-group", "2001:db8::12345", "a group of five hexadecimal digits"},
		{"ipv6-non-hex", "2001:db8::g", "the letter g"},
		{"range", "192.0.2.1-192.0.2.9", "a range"},
		{"host-name", "www.example.com", "a host name"},
		{"trailing-space", "192.0.2.1 ", "an address and a space"},
		{"empty", "", "the empty string"},
	} {
		g.v("addresses.ip.not."+c.id, "Target[0].IP is "+c.what+": not one IP address, and the pattern refuses it.",
			tip(c.addr), bad("schema.pattern"), ip, fl("NotAnAddress"))
	}
	g.v("addresses.ip.not.number", "Target[0].IP is the number 3221225985.",
		full(V08).set("/Target/0/IP", num("3221225985")), bad("schema.type"), rq("IDMEF2-3.3.6-1", "IDMEF2-5.8-5", "IDMEF2T-5-6"), fl("WrongType"))
	g.v("addresses.ip.not.list", "Target[0].IP is a list of two addresses; IP holds one.",
		full(V08).set("/Target/0/IP", strs("192.0.2.1", "192.0.2.2")), bad("schema.type"), rq("IDMEF2-3.3.6-1", "IDMEF2-5.8-5"), fl("WrongType"))
	g.v("addresses.ip.analyzer-ipv6", "Analyzer.IP is an IPv6 address: the analyzer is located over IPv6.",
		full(V08).set("/Analyzer/IP", "2001:db8:10::a"), ok(), rq("IDMEF2-3.3.6-1", "R4766-4.2", "R4766-7.9"), fl("IPv6"))
	g.v("addresses.ip.mixed-versions", "The Source is IPv4 and the Target IPv6, as in a NAT64 path: the format works in mixed networks (R4766-4.2).",
		full(V08), ok(), rq("IDMEF2-3.3.6-1", "R4766-4.2", "R4766-4.2.1"), fl("IPv4", "IPv6"))

	// Host names.
	hosts := []struct {
		class, ptr, req string
	}{
		{"analyzer", "/Analyzer/Hostname", "IDMEF2-5.3-2"},
		{"sensor", "/Sensor/0/Hostname", "IDMEF2-5.4-2"},
		{"source", "/Source/0/Hostname", "IDMEF2-5.5-6"},
		{"target", "/Target/0/Hostname", "IDMEF2-5.6-4"},
	}
	for _, h := range hosts {
		for _, c := range []struct{ id, name, what string }{
			{"fqdn", "host1.eu.example.com", "a fully qualified domain name"},
			{"root-dot", "host1.example.com.", "a fully qualified domain name with the root's dot"},
			{"punycode", "xn--bcher-kva.example", "an internationalised domain name in its ASCII (A-label) form"},
			{"empty", "", "the empty string: looked up and not found, as the drafts allow"},
			{"digits-and-hyphens", "web-01.dc2.example.net", "a name with digits and hyphens"},
		} {
			if h.class != "target" && (c.id == "digits-and-hyphens") {
				continue
			}
			g.v("addresses.hostname."+h.class+"."+c.id, trimPtr(h.ptr)+" is "+c.what+".",
				full(V08).set(h.ptr, c.name), ok(), rq(h.req), fl("HostName"))
		}
		for _, c := range []struct{ id, name, what string }{
			{"single-label", "host1", "a single label"},
			{"ipv4", "192.0.2.80", "an IPv4 address"},
			{"underscore", "host_1.example.com", "a name with an underscore"},
			{"leading-hyphen", "-host.example.com", "a label starting with a hyphen"},
			{"unicode", "bücher.example", "an internationalised name in Unicode (U-label) form, not a DNS host name"},
			{"long-label", "a123456789012345678901234567890123456789012345678901234567890123.example.com", "a label of 64 characters, one over DNS's limit"},
			{"space", "host 1.example.com", "a name with a space"},
		} {
			if h.class != "source" && (c.id == "long-label" || c.id == "space") {
				continue
			}
			g.v("addresses.hostname."+h.class+".not."+c.id, trimPtr(h.ptr)+" is "+c.what+": the drafts ask for a fully qualified domain name (SHOULD), so a warning.",
				full(V08).set(h.ptr, c.name), ok("hostname.fqdn"), rq(h.req), fl("NotFQDN"))
		}
	}

	// E-mail addresses.
	em := rq("IDMEF2-3.3.7-1")
	for _, c := range []struct{ id, addr, what string }{
		{"simple", "webmaster@example.com", "a plain address"},
		{"dots-and-plus", "first.last+alerts@mail.example.co.uk", "a dotted local part with a plus tag"},
		{"specials", "!#$%&'*+-/=?^_`{|}~@example.org", "a local part of every special character atext allows"},
		{"upper-case", "WebMaster@Example.COM", "in mixed case"},
	} {
		g.v("addresses.email."+c.id, "Target[0].Email is "+c.what+": an RFC 5322 addr-spec.", full(V08).set("/Target/0/Email", c.addr), ok(), em, fl("Email"))
	}
	g.v("addresses.email.quoted-local", "Target[0].Email has a quoted local part with a space (RFC 5322 quoted-string): an addr-spec, though some validators' e-mail patterns refuse it.",
		full(V08).set("/Target/0/Email", "\"john doe\"@example.com"), ok(), em, fl("Email", "FormatDisagreement"))
	g.v("addresses.email.domain-literal", "Target[0].Email has a domain literal, [192.0.2.1] (RFC 5322 section 3.4.1): an addr-spec, though some validators' e-mail patterns refuse it.",
		full(V08).set("/Target/0/Email", "postmaster@[192.0.2.1]"), ok(), em, fl("Email", "FormatDisagreement"))
	g.v("addresses.email.single-label-domain", "Source[0].Email is root@localhost: RFC 5322's dot-atom domain needs no dot; ajv-formats refuses it, the RFC and so the official verdict do not.",
		full(V08).set("/Source/0/Email", "root@localhost"), ok(), em, fl("Email", "FormatDisagreement"))
	for _, c := range []struct{ id, addr, what string }{
		{"no-at", "webmaster.example.com", "no @"},
		{"two-at", "web@master@example.com", "two @"},
		{"empty-local", "@example.com", "an empty local part"},
		{"empty-domain", "webmaster@", "an empty domain"},
		{"display-name", "Web Master <webmaster@example.com>", "a display name and angle brackets (a name-addr, not an addr-spec)"},
		{"angle-brackets", "<webmaster@example.com>", "angle brackets"},
		{"double-dot", "web..master@example.com", "two dots in a row in the local part"},
		{"trailing-dot", "webmaster.@example.com", "a dot ending the local part"},
		{"space", "web master@example.com", "an unquoted space"},
		{"non-ascii", "josé@example.com", "a non-ASCII local part (RFC 6531 allows it, RFC 5322 does not)"},
		{"mailto", "mailto:webmaster@example.com", "a mailto: URI"},
		{"empty", "", "the empty string"},
	} {
		g.v("addresses.email.not."+c.id, "Target[0].Email has "+c.what+": not an RFC 5322 addr-spec.", full(V08).set("/Target/0/Email", c.addr), bad("schema.format"), em, fl("NotEmail"))
	}
	g.v("addresses.email.not.list", "Target[0].Email is a list of addresses; Email holds one.",
		full(V08).set("/Target/0/Email", strs("a@example.com", "b@example.com")), bad("schema.type"), rq("IDMEF2-3.3.7-1", "IDMEF2-5.8-5"), fl("WrongType"))

	// URIs.
	uri := rq("IDMEF2-3.3.5-1", "IDMEF2-5.2-9", "R4766-7.4.1")
	for _, c := range []struct{ id, ref, what string }{
		{"https", "https://www.example.com/advisories/2025-001", "an https URL"},
		{"urn-cve", "urn:cve:CVE-2013-2266", "the URN the draft cites for a CVE"},
		{"urn-ietf", "urn:ietf:rfc:4766", "an IETF URN"},
		{"query-fragment", "https://vuln.example.org:8443/search?id=CVE-2024-3094&lang=en#details", "a URL with a port, a query and a fragment"},
		{"ipv6-host", "https://[2001:db8::1]/advisory", "a URL with an IPv6 literal host"},
		{"percent-encoded", "https://example.com/a%20b/%C3%A9", "a URL with percent-encoded octets"},
		{"mailto", "mailto:cert@example.com", "a mailto: URI"},
		{"tag", "tag:example.com,2025:advisory-7", "a tag: URI"},
	} {
		g.v("addresses.uri."+c.id, "Ref[0] is "+c.what+": an RFC 3986 URI; a reference may be a URL or a URN (IDMEF2-5.2-9).",
			full(V08).set("/Ref", strs(c.ref)), ok(), uri, fl("URI"))
	}
	for _, c := range []struct{ id, ref, what string }{
		{"no-scheme", "www.example.com/advisories/2025-001", "no scheme"},
		{"relative-path", "/advisories/2025-001", "a relative reference"},
		{"space", "https://www.example.com/advisories/2025 001", "a space"},
		{"iri", "https://例え.jp/advisory", "raw non-ASCII characters (an IRI, RFC 3987, not a URI)"},
		{"bad-percent", "https://example.com/%zz", "a percent sign not followed by two hexadecimal digits"},
		{"scheme-digit", "1https://example.com/", "a scheme starting with a digit"},
		{"backslash", "https:\\\\example.com\\advisory", "backslashes"},
		{"fragment-only", "#section-2", "a fragment alone"},
		{"empty", "", "the empty string"},
		{"cve-id", "CVE-2013-2266", "a CVE identifier without the urn:cve: scheme"},
	} {
		g.v("addresses.uri.not."+c.id, "Ref[0] has "+c.what+": not an RFC 3986 URI.", full(V08).set("/Ref", strs(c.ref)), bad("schema.format"), rq("IDMEF2-3.3.5-1"), fl("NotURI"))
	}
	g.v("addresses.uri.not.single", "Ref is a single URI, not a list.",
		full(V08).set("/Ref", "https://www.example.com/advisories/2025-001"), bad("schema.type"), rq("IDMEF2-3.3.5-1", "IDMEF2-5.8-4", "IDMEF2T-5-5"), fl("WrongType"))
	g.v("addresses.uri.none", "The alert has no Ref: referencing further detail is optional (R4766-7.4-2).",
		full(V08).del("/Ref"), ok(), rq("R4766-7.4-2"), fl("URI"))
	g.v("addresses.uri.several", "Ref holds a URL and a URN for the same advisory.",
		full(V08).set("/Ref", strs("https://nvd.nist.gov/vuln/detail/CVE-2013-2266", "urn:cve:CVE-2013-2266")), ok(), uri, fl("URI"))
	g.v("addresses.uri.attachment-external-urn", "Attachment[0].ExternalURI is a URN built from the content's hash (IDMEF2-5.7-9).",
		full(V08).set("/Attachment/0/ExternalURI", strs("urn:sha256:"+sha256Hex([]byte(scanText)))), ok(), rq("IDMEF2-3.3.5-1", "IDMEF2-5.7-9"), fl("URI"))
	g.v("addresses.uri.attachment-external-magnet", "Attachment[0].ExternalURI is a magnet link, the draft's own example kind: an RFC 3986 URI with an empty path and a query (ajv-formats' uri format refuses it).",
		full(V08).set("/Attachment/0/ExternalURI", strs("magnet:?xt=urn:sha1:"+sha1Hex([]byte(scanText)))), ok(), rq("IDMEF2-3.3.5-1", "IDMEF2-5.7-9"), fl("URI", "FormatDisagreement"))
	g.v("addresses.uri.attachment-ref-not", "Attachment[0].Ref holds a path without a scheme.",
		full(V08).set("/Attachment/0/Ref", strs("captures/scan1.pcap")), bad("schema.format"), rq("IDMEF2-3.3.5-1"), fl("NotURI"))

	g4 := f.group(V04, "Addresses in 2.D.V04 messages, where Analyzer.IP is required.")
	g4.v("addresses.v04.analyzer-ipv6", "A 2.D.V04 Analyzer.IP is an IPv6 address.",
		minimal(V04).set("/Analyzer/IP", "2001:db8::a"), ok(), ip, fl("IPv6"))
	g4.v("addresses.v04.analyzer-zone", "A 2.D.V04 Analyzer.IP carries a zone.",
		minimal(V04).set("/Analyzer/IP", "fe80::a%eth1"), strictBad("ip.zone"), ip, fl("Zone"))
	g4.v("addresses.v04.analyzer-prefix", "A 2.D.V04 Analyzer.IP is a prefix.",
		minimal(V04).set("/Analyzer/IP", "192.0.2.0/24"), bad("schema.pattern"), ip, fl("NotAnAddress"))
	g4.v("addresses.v04.sensor-leading-zero", "A 2.D.V04 Sensor.IP has a leading zero.",
		minimal(V04).set("/Sensor", arr(obj("IP", "192.0.2.011", "Name", "tap01"))), ok("ip.leading-zero"), ip, fl("LeadingZero"))
	g4.v("addresses.v04.hostname-single-label", "A 2.D.V04 Analyzer.Hostname is a single label.",
		full(V04).set("/Analyzer/Hostname", "ids02"), ok("hostname.fqdn"), rq("IDMEF2-5.3-2"), fl("NotFQDN"))
	return f
}

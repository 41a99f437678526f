package corpus

import "strings"

// largeBytes is deterministic binary data of n bytes.
func largeBytes(n int) []byte {
	b := make([]byte, n)
	x := uint32(2463534242)
	for i := range b {
		x ^= x << 13
		x ^= x >> 17
		x ^= x << 5
		b[i] = byte(x)
	}
	return b
}

func sizesFile() *file {
	f := newFile("sizes",
		"Large and deep messages: nesting far beyond any alert's needs, number literals of thousands of digits or huge exponents, large embedded attachments, many classes, long strings.",
		"RFC 8259 section 9 lets a parser limit depth, number sizes and text length. Limit vectors here are ones the schema refuses as well (a top-level array, a number where a string belongs), so their verdict does not depend on where an implementation sets its limits. Large attachment content draws the draft's recommendation to reference it with ExternalURI (IDMEF2-5.7-8): a warning above 256 KiB, idmefcheck's threshold (the draft gives none).")
	f.note("Depth", bugLimit, "Arrays or objects nested thousands of levels deep, where the schema refuses the value anyway.",
		"A recursive parser overflows its stack and crashes: a denial of service with a few kilobytes.")
	f.note("NumberLimit", bugLimit, "A number literal of thousands of digits, or an exponent in the tens of thousands, where the schema refuses a number anyway.",
		"Arbitrary-precision parsers spend time and memory without bound on one number.")
	f.note("LargeContent", bugInterop, "An attachment embedding more than 256 KiB of content: the draft recommends ExternalURI for large content; a warning.",
		"Receivers with message size limits refuse the alert, and every hop copies the data.")
	f.note("ExternalContent", bugBasic, "Content referenced by ExternalURI rather than embedded, with its Hash and Size.",
		"An implementation that requires embedded content refuses valid alerts.")
	f.note("Many", bugEdge, "Many instances of a class, or a long string: well within any limit, far beyond typical alerts.",
		"Implementations with small fixed buffers or quadratic algorithms fail.")

	g := f.group(V08, "Sizes and depths in 2.D.V08 messages.")
	lim := rq("IDMEF2-5.8-1")
	nest := func(open, close string, n int) string { return strings.Repeat(open, n) + strings.Repeat(close, n) }
	g.v("sizes.depth.arrays-10000", "The message is 10,000 nested arrays: not an object, and deeper than any parser should recurse.",
		textBody(nest("[", "]", 10000)), bad("json.limit-depth"), rq("IDMEF2-5.8-1", "IDMEF2-5.8-2"), fl("Depth"))
	g.v("sizes.depth.objects-10000", "The message is 10,000 nested objects {\"a\":{\"a\":...}}: no schema accepts it, and it is deeper than any parser should recurse.",
		textBody(strings.Repeat(`{"a":`, 10000)+"1"+strings.Repeat("}", 10000)), bad("json.limit-depth"), lim, fl("Depth"))
	g.v("sizes.depth.arrays-300", "The message is 300 nested arrays: not an object, and past idmefcheck's limit of 256 levels.",
		textBody(nest("[", "]", 300)), bad("json.limit-depth"), rq("IDMEF2-5.8-1", "IDMEF2-5.8-2"), fl("Depth"))
	g.v("sizes.depth.description-arrays-10000", "Description, a string, is 10,000 nested arrays.",
		full(V08).raw("/Description", nest("[", "]", 10000)), bad("json.limit-depth"), lim, fl("Depth"))
	g.v("sizes.depth.unclosed-arrays", "The message is 100,000 opening brackets and nothing else.",
		textBody(strings.Repeat("[", 100000)), bad("json.limit-depth"), lim, fl("Depth"))
	g.v("sizes.number.description-1001-digits", "Description, a string, is a number of 1,001 digits.",
		full(V08).raw("/Description", "1"+strings.Repeat("0", 1000)), bad("json.limit-number"), lim, fl("NumberLimit"))
	g.v("sizes.number.description-100000-digits", "Description, a string, is a number of 100,000 digits.",
		full(V08).raw("/Description", "7"+strings.Repeat("3", 99999)), bad("json.limit-number"), lim, fl("NumberLimit"))
	g.v("sizes.number.description-exponent", "Description, a string, is written 1e99999.",
		full(V08).raw("/Description", "1e99999"), bad("json.limit-number"), lim, fl("NumberLimit"))
	g.v("sizes.number.confidence-exponent", "Confidence is written 1e99999: far above the schema's maximum of 1, and an exponent no parser should expand.",
		full(V08).raw("/Confidence", "1e99999"), bad("json.limit-number"), rq("IDMEF2-5.8-1", "IDMEF2-5.2-5"), fl("NumberLimit"))
	g.v("sizes.number.top-level", "The message is the number 1e99999.",
		textBody("1e99999"), bad("json.limit-number"), rq("IDMEF2-5.8-1", "IDMEF2-5.8-2"), fl("NumberLimit"))

	large := func(version string, n int) *msg {
		data := largeBytes(n)
		return full(version).set("/Attachment/0", b64Attachment("scan1", "application/vnd.tcpdump.pcap", data))
	}
	big := rq("IDMEF2-5.7-8", "IDMEF2-5.7-6", "IDMEF2-5.7-2", "IDMEF2-5.7-4")
	g.v("sizes.content.base64-256kib", "An attachment embeds 196,612 bytes of packet capture in Base64 (262,152 characters, just over 256 KiB), Hash and Size matching.",
		large(V08, 196612), ok("attachment.large-content"), big, fl("LargeContent"))
	text := `{"log":"` + strings.Repeat("GET /index.html 200; ", 12500) + `"}`
	g.v("sizes.content.json-256kib", "An attachment embeds a JSON text of just over 256 KiB as a string (the default json encoding).",
		full(V08).set("/Attachment/0", jsonAttachment("scan1", text)), ok("attachment.large-content"), rq("IDMEF2-5.7-8", "IDMEF2-4.2-1", "IDMEF2-5.7-4"), fl("LargeContent"))
	ext := func(version string) *msg {
		data := largeBytes(196612)
		m := full(version)
		return m.set("/Attachment/0", obj(
			"Name", "scan1",
			"FileName", "scan1.pcap",
			"ContentType", "application/vnd.tcpdump.pcap",
			"ExternalURI", strs("https://files.example.com/captures/scan1.pcap", "urn:sha256:"+sha256Hex(data)),
			"Hash", strs("sha256:"+sha256Hex(data)),
			"Size", len(data)))
	}
	extReqs := rq("IDMEF2-5.7-8", "IDMEF2-5.7-9", "IDMEF2-5.7-4", "IDMEF2-3.3.5-1")
	g.v("sizes.content.external", "The same capture referenced by ExternalURI (a URL and a URN of its hash) instead of embedded: what IDMEF2-5.7-8 recommends.",
		ext(V08), ok(), extReqs, fl("ExternalContent"))
	g.v("sizes.many.sources", "The alert names 500 Sources, a distributed scan.",
		manySources(500), ok(), rq("IDMEF2-5.5-1", "IDMEF2-5.2-4"), fl("Many"))
	g.v("sizes.many.note-100k", "Note is about 100,000 characters of Latin, Chinese and Arabic text.",
		full(V08).set("/Note", strings.Repeat("scan 扫描 مسح ", 8334)), ok(), rq("IDMEF2-3.3-1"), fl("Many"))
	g.v("sizes.many.categories", "Category holds every 2.D.V08 Access keyword, eleven of them.",
		full(V08).set("/Category", strs("Access.Compromise", "Access.Escalation", "Access.Backdoor", "Access.Unauthorized", "Access.Tailgating", "Access.Forced", "Access.Lost", "Access.Clonned", "Access.Authorized", "Access.Other", "Recon.Network")),
		ok(), rq("IDMEF2-3.3.1-1", "R4766-7.2-2"), fl("Many"))

	for _, version := range []string{V04, V06, V07} {
		gv := f.group(version, "Large content in "+version+" messages.")
		sv := short(version)
		if version != V07 {
			gv.v("sizes."+sv+".content-base64-256kib", "A "+version+" attachment embeds just over 256 KiB of Base64.",
				large(version, 196612), ok("attachment.large-content"), big, fl("LargeContent"))
		}
		gv.v("sizes."+sv+".content-external", "A "+version+" attachment references its content by ExternalURI.",
			ext(version), ok(), extReqs, fl("ExternalContent"))
	}
	return f
}

// manySources returns the full 2.D.V08 message with n Sources, each with its own ID.
func manySources(n int) *msg {
	m := full(V08)
	src := arr()
	for i := 0; i < n; i++ {
		id := "01958f3a-6b2c-7d4e-8f50-" + hex12(i)
		src.items = append(src.items, obj("ID", id, "IP", "198.51."+itoa(100+i/250)+"."+itoa(1+i%250), "Port", arr(40000+i), "Protocol", strs("tcp")))
	}
	return m.set("/Source", src)
}

func hex12(i int) string {
	const digits = "0123456789abcdef"
	b := []byte("a00000000000")
	for p := len(b) - 1; i > 0 && p > 0; p-- {
		b[p] = digits[i%16]
		i /= 16
	}
	return string(b)
}

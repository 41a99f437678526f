package corpus

import (
	"encoding/base64"
	"strings"
)

func attachmentsFile() *file {
	f := newFile("attachments",
		"Attachments (IDMEFv2 section 5.7): names (type ID, unique in the alert), references to them from Source, Target and Vector, and the content's encoding, hashes and size.",
		"ContentEncoding is json (the default) or base64; a string Content with the json encoding must itself be a JSON text, and with base64 must decode. Hash values are computed over the content before encoding (the decoded bytes for base64, the string's UTF-8 bytes for json) and Size counts those bytes. An object Content has no byte form: Hash and Size are not compared with it.",
		"The schemas check only the shapes (the ID and HASH patterns, the media type pattern); names, references, encodings, hashes and sizes are the strict profile's. MD5 and SHA-1 are warnings: the draft recommends SHA-2 or SHA-3.")
	f.note("Reference", bugBasic, "A Source, Target or Vector Attachment entry naming an attachment of the alert.",
		"An implementation that cannot follow the reference loses the link between the data and what it concerns.")
	f.note("Unresolved", bugConsistency, "A Source, Target or Vector Attachment entry naming no attachment of the alert.",
		"The receiver looks for data that is not there.")
	f.note("DuplicateName", bugConsistency, "Two attachments of one alert share a Name; references to it are ambiguous. Names are compared exactly (scan1 and Scan1 differ).",
		"Receivers pick different attachments for the same reference.")
	f.note("NameSyntax", bugSyntax, "An attachment name or reference outside the ID type: ASCII letters and digits only, at least one.",
		"Receivers that use names as file names or keys accept names others refuse.")
	f.note("Content", bugBasic, "Content in one of the encodings the draft defines, with Hash and Size that match.",
		"An implementation that mishandles the encoding cannot recover the data.")
	f.note("EncodingCase", bugInterop, "ContentEncoding in capitals (JSON, BASE64): section 4.2 writes JSON while section 5.7 defines json; accepted with a warning.",
		"Receivers that compare exactly treat the content as unknown.")
	f.note("UnknownEncoding", bugSemantic, "A ContentEncoding other than json and base64: the schema takes any string.",
		"The receiver cannot decode the content.")
	f.note("BadBase64", bugSemantic, "Content that ContentEncoding says is Base64 but is not RFC 4648 Base64 (padding, alphabet, a JSON object).",
		"The receiver cannot decode the content, or decodes something else.")
	f.note("NotJSON", bugSemantic, "A string Content with the json encoding (the default) that is not a JSON text: binary or plain text needs base64.",
		"A receiver parsing the content as JSON fails.")
	f.note("HashMismatch", bugConsistency, "A Hash that does not match the content before encoding: of other data, or of the Base64 text.",
		"The receiver cannot verify the content, or rejects the right one.")
	f.note("WeakHash", bugInterop, "A matching MD5 or SHA-1 hash: the draft recommends SHA-2 or SHA-3; a warning.",
		"The hash no longer protects against deliberate collisions.")
	f.note("UnknownHashFunction", bugEdge, "A hash function idmefcheck cannot compute (the draft leaves the list open): the HASH pattern is all that can be checked.",
		"A receiver that insists on known functions refuses valid alerts.")
	f.note("HashSyntax", bugSyntax, "A Hash value outside the HASH pattern: function:hex with an even number of hexadecimal digits.",
		"Receivers splitting on the colon or decoding the hexadecimal fail.")
	f.note("SizeMismatch", bugConsistency, "A Size that does not count the content's bytes before encoding.",
		"A receiver allocating or checking by Size fails.")
	f.note("MediaType", bugInterop, "A ContentType with a top-level type IANA does not register: the draft prefers registered types; a warning.",
		"Receivers cannot pick a handler for the content.")
	f.note("MediaTypeSyntax", bugSyntax, "A ContentType outside the media type grammar the MEDIATYPE pattern follows.",
		"Receivers parsing the media type fail.")
	f.note("MissingName", bugMissing, "An Attachment without Name, which every revision requires.", "Nothing can refer to the attachment.")
	f.note("OtherRevision", bugVersion, "A class another revision has: Vector exists up to 2.D.V06 only.",
		"An implementation that merges revisions accepts what the declared revision's schema refuses.")
	f.note("WrongType", bugWrongType, "A value of the wrong JSON type: a Content that is neither a JSON object nor a string, a Name that is a number.",
		"Receivers that coerce it accept what the schema refuses.")
	f.note("WrappedBase64", bugInterop, "Base64 content broken into lines: RFC 4648 section 3.1 forbids line breaks unless the referring specification allows them, and the draft says nothing; MIME-wrapped Base64 is common.",
		"A strict decoder refuses the content, a lenient one accepts it; both readings are allowed.")
	f.note("ObjectContentHash", bugSchemaGap, "A Hash or Size beside a JSON object Content, which has no byte form the draft defines: nothing to compute them over.",
		"Implementations that serialise the object (each in its own way) and compare disagree with those that do not; both readings are allowed.")
	f.note("HashDigestLength", bugSchemaGap, "A digest whose length does not fit its function (sha256 with 4 hexadecimal digits) and no content to compare with. The requirements catalogue's note on IDMEF2-3.3.13-1 expects the strict profile to check the length; idmefcheck compares hashes only with content.",
		"A receiver that checks digest lengths refuses what idmefcheck accepts; both readings are allowed.")

	g := f.group(V08, "Attachments in 2.D.V08 messages.")
	ref := func(reqs ...string) opt { return rq(append([]string{"IDMEF2-3.3.8-1"}, reqs...)...) }
	second := objAttachment("rule1", obj("rule", "ET SCAN Suspicious inbound to port 443"))

	// References.
	g.v("attachments.ref.target", "Target[0] refers to the alert's attachment scan1.",
		full(V08), ok(), ref("IDMEF2-5.6-3", "IDMEF2-5.7-1", "IDMEF2-3.3.8-2"), fl("Reference"))
	g.v("attachments.ref.source", "Source[0] refers to a second attachment, rule1.",
		full(V08).set("/Attachment/-", second).set("/Source/0/Attachment", strs("rule1")), ok(), ref("IDMEF2-5.5-5", "IDMEF2-5.7-1", "IDMEF2-3.3.8-2"), fl("Reference"))
	g.v("attachments.ref.source-and-target-same", "Source[0] and Target[0] both refer to scan1.",
		full(V08).set("/Source/0/Attachment", strs("scan1")), ok(), ref("IDMEF2-5.5-5", "IDMEF2-5.6-3"), fl("Reference"))
	g.v("attachments.ref.two-each", "Source[0] and Target[0] each refer to both attachments.",
		full(V08).set("/Attachment/-", second).set("/Source/0/Attachment", strs("scan1", "rule1")).set("/Target/0/Attachment", strs("rule1", "scan1")),
		ok(), ref("IDMEF2-5.5-5", "IDMEF2-5.6-3", "IDMEF2-3.3.8-2"), fl("Reference"))
	g.v("attachments.ref.second-source", "Source[1] refers to rule1.",
		full(V08).set("/Attachment/-", second).set("/Source/-", obj("ID", source2ID, "IP", "203.0.113.5", "Attachment", strs("rule1"))),
		ok(), ref("IDMEF2-5.5-5", "IDMEF2-5.5-1"), fl("Reference"))
	g.v("attachments.ref.unreferenced", "An attachment no Source or Target refers to: attachments need not be referenced.",
		full(V08).set("/Attachment/-", second), ok(), ref("IDMEF2-5.7-1", "IDMEF2-3.3.8-2"), fl("Reference"))
	g.v("attachments.unresolved.target", "Target[0] refers to pcap2, which the alert does not have.",
		full(V08).set("/Target/0/Attachment/0", "pcap2"), strictBad("attachment.unresolved"), ref("IDMEF2-5.6-3"), fl("Unresolved"))
	g.v("attachments.unresolved.target-second", "Target[0] refers to scan1, which exists, and to scan2, which does not.",
		full(V08).set("/Target/0/Attachment/-", "scan2"), strictBad("attachment.unresolved"), ref("IDMEF2-5.6-3"), fl("Unresolved"))
	g.v("attachments.unresolved.target-case", "Target[0] refers to Scan1; the attachment is scan1, and names compare exactly.",
		full(V08).set("/Target/0/Attachment/0", "Scan1"), strictBad("attachment.unresolved"), ref("IDMEF2-5.6-3"), fl("Unresolved"))
	g.v("attachments.unresolved.target-no-attachments", "Target[0] refers to scan1 in an alert without attachments.",
		full(V08).del("/Attachment"), strictBad("attachment.unresolved"), ref("IDMEF2-5.6-3"), fl("Unresolved"))
	g.v("attachments.unresolved.source", "Source[0] refers to an attachment the alert lacks.",
		full(V08).set("/Source/0/Attachment", strs("log7")), strictBad("attachment.unresolved"), ref("IDMEF2-5.5-5"), fl("Unresolved"))
	g.v("attachments.unresolved.source-no-attachments", "Source[0] refers to scan1 in an alert without attachments.",
		full(V08).del("/Attachment").del("/Target/0/Attachment").set("/Source/0/Attachment", strs("scan1")), strictBad("attachment.unresolved"), ref("IDMEF2-5.5-5"), fl("Unresolved"))
	g.v("attachments.unresolved.source-file-name", "Source[0] refers to scan.txt, the attachment's FileName rather than its Name; the reference is also no ID (a dot).",
		full(V08).set("/Source/0/Attachment", strs("scan.txt")), bad("attachment.unresolved", "schema.pattern"), ref("IDMEF2-5.5-5"), fl("Unresolved", "NameSyntax"))
	g.v("attachments.unresolved.source-second", "Source[1] refers to an attachment the alert lacks.",
		full(V08).set("/Source/-", obj("ID", source2ID, "Attachment", strs("gone"))), strictBad("attachment.unresolved"), ref("IDMEF2-5.5-5"), fl("Unresolved"))
	g.v("attachments.duplicate.same-content", "Two attachments are named scan1, with the same content.",
		full(V08).set("/Attachment/-", b64Attachment("scan1", "text/plain; charset=utf-8", []byte(scanText))), strictBad("attachment.duplicate-name"), ref("IDMEF2-3.3.8-2"), fl("DuplicateName"))
	g.v("attachments.duplicate.other-content", "Two attachments are named scan1 with different content: a reference to scan1 is ambiguous.",
		full(V08).set("/Attachment/-", objAttachment("scan1", obj("rule", "ET SCAN"))), strictBad("attachment.duplicate-name"), ref("IDMEF2-3.3.8-2"), fl("DuplicateName"))
	g.v("attachments.duplicate.three", "Three attachments are named a1.",
		full(V08).del("/Target/0/Attachment").set("/Attachment", arr(objAttachment("a1", obj("n", 1)), objAttachment("a1", obj("n", 2)), objAttachment("a1", obj("n", 3)))),
		strictBad("attachment.duplicate-name"), ref("IDMEF2-3.3.8-2"), fl("DuplicateName"))
	g.v("attachments.duplicate.unreferenced", "Two unreferenced attachments share the name notes.",
		full(V08).set("/Attachment/-", objAttachment("notes", obj("n", 1))).set("/Attachment/-", objAttachment("notes", obj("n", 2))),
		strictBad("attachment.duplicate-name"), ref("IDMEF2-3.3.8-2"), fl("DuplicateName"))
	g.v("attachments.duplicate.case-differs", "Attachments scan1 and Scan1: names compare exactly, so they differ.",
		full(V08).set("/Attachment/-", objAttachment("Scan1", obj("n", 1))), ok(), ref("IDMEF2-3.3.8-2", "IDMEF2-5.7-1"), fl("DuplicateName"))
	for _, c := range []struct{ id, name, what string }{
		{"hyphen", "scan-1", "a hyphen"},
		{"underscore", "scan_1", "an underscore"},
		{"space", "scan 1", "a space"},
		{"dot", "scan.txt", "a dot"},
		{"non-ascii", "scän1", "a non-ASCII letter"},
		{"empty", "", "nothing: the empty string"},
	} {
		g.v("attachments.name."+c.id, "Attachment[0].Name (and Target[0]'s reference to it) has "+c.what+": the ID type is ASCII letters and digits only.",
			full(V08).set("/Attachment/0/Name", c.name).set("/Target/0/Attachment/0", c.name), bad("schema.pattern"), ref("IDMEF2-5.7-1"), fl("NameSyntax"))
	}
	g.v("attachments.name.digits-only", "Attachment[0].Name is 42, digits only: an ID.",
		full(V08).set("/Attachment/0/Name", "42").set("/Target/0/Attachment/0", "42"), ok(), ref("IDMEF2-5.7-1"), fl("Reference"))
	g.v("attachments.name.long", "Attachment[0].Name is 200 letters long; the ID type sets no length.",
		full(V08).set("/Attachment/0/Name", strings.Repeat("a", 200)).set("/Target/0/Attachment/0", strings.Repeat("a", 200)), ok(), ref("IDMEF2-5.7-1"), fl("Reference"))
	g.v("attachments.name.missing", "Attachment[0] has no Name (and nothing refers to it).",
		full(V08).del("/Attachment/0/Name").del("/Target/0/Attachment"), bad("schema.required"), rq("IDMEF2-5.7-1", "IDMEF2-3.3.8-2"), fl("MissingName"))
	g.v("attachments.name.number", "Attachment[0].Name is the number 1.",
		full(V08).set("/Attachment/0/Name", num("1")).del("/Target/0/Attachment"), bad("schema.type"), rq("IDMEF2-5.7-1", "IDMEF2-5.8-5", "IDMEF2T-5-6"), fl("WrongType"))

	// Content and encodings.
	att := rq("IDMEF2-5.7-6", "IDMEF2-5.7-2", "IDMEF2-5.7-4")
	jsonText := `{"flags":"S","dport":443}`
	withJSON := func(text string) *msg {
		return full(V08).set("/Attachment/0", jsonAttachment("scan1", text))
	}
	g.v("attachments.content.base64", "Base64 content with a matching sha256 Hash and Size.",
		full(V08), ok(), att, fl("Content"))
	g.v("attachments.content.json-text", "Content is a JSON text in a string, ContentEncoding absent (json is the default); Hash and Size are of the string's UTF-8 bytes.",
		withJSON(jsonText), ok(), rq("IDMEF2-5.7-6", "IDMEF2-5.7-2", "IDMEF2-5.7-4", "IDMEF2-4.2-1"), fl("Content"))
	g.v("attachments.content.json-text-explicit", "Content is a JSON text and ContentEncoding says json.",
		withJSON(jsonText).set("/Attachment/0/ContentEncoding", "json"), ok(), rq("IDMEF2-5.7-6", "IDMEF2-5.7-2", "IDMEF2-4.2-1"), fl("Content"))
	g.v("attachments.content.json-text-non-ascii", "Content is a JSON text holding non-ASCII characters; Size counts UTF-8 bytes, not characters.",
		withJSON(`{"note":"Überwachung – 監視"}`), ok(), rq("IDMEF2-5.7-4", "IDMEF2-5.7-2", "IDMEF2-4.2-1"), fl("Content"))
	g.v("attachments.content.json-scalar", "Content is the JSON text 42, a valid JSON text (RFC 8259 allows any value).",
		withJSON("42"), ok(), rq("IDMEF2-5.7-6", "IDMEF2-4.2-1"), fl("Content"))
	g.v("attachments.content.object", "Content is a JSON object: no byte form, so no Hash or Size to compare.",
		full(V08).set("/Attachment/0", objAttachment("scan1", obj("flags", "S", "dport", 443))), ok(), rq("IDMEF2-5.7-6", "IDMEF2-4.2-1"), fl("Content"))
	g.v("attachments.content.object-with-size", "Content is a JSON object with a Size and a Hash of other data. An object has no byte form the draft defines, so idmefcheck compares neither; an implementation that hashes a canonical serialisation may refuse the message.",
		full(V08).set("/Attachment/0", objAttachment("scan1", obj("flags", "S"))).set("/Attachment/0/Size", 12).set("/Attachment/0/Hash", strs("sha256:"+sha256Hex([]byte("other data")))),
		either(), rq("IDMEF2-5.7-6", "IDMEF2-5.7-4", "IDMEF2-5.7-2"), fl("ObjectContentHash"))
	g.v("attachments.content.none", "The attachment has no Content, only ExternalURI (IDMEF2-5.7-8), a Hash and a Size: nothing to compare.",
		full(V08).del("/Attachment/0/Content").del("/Attachment/0/ContentEncoding").set("/Attachment/0/ExternalURI", strs("https://files.example.com/scan1.txt")),
		ok(), rq("IDMEF2-5.7-8", "IDMEF2-5.7-4", "IDMEF2-5.7-9"), fl("Content"))
	g.v("attachments.content.base64-empty", "Base64 content is empty: zero bytes, Size 0, the sha256 of nothing.",
		full(V08).set("/Attachment/0/Content", "").set("/Attachment/0/Size", 0).set("/Attachment/0/Hash", strs("sha256:"+sha256Hex(nil))), ok(), att, fl("Content"))
	g.v("attachments.content.base64-mime-lines", "Base64 content is wrapped in MIME lines (CRLF every 40 characters). RFC 4648 section 3.1 allows line breaks only where the referring specification says so, and the draft does not; idmefcheck accepts them quietly, a stricter implementation may refuse them.",
		full(V08).set("/Attachment/0/Content", wrap(base64.StdEncoding.EncodeToString([]byte(scanText)), 40)), either(), att, fl("WrappedBase64"))
	bin := []byte{0x00, 0xff, 0x10, 0x80, 0xfe, 0x7f, 0x0a, 0x0d}
	g.v("attachments.content.base64-binary", "Base64 content is binary (bytes 00, FF, 80...), as IDMEF2-5.7-7 asks binary data to travel.",
		full(V08).set("/Attachment/0", b64Attachment("scan1", "application/octet-stream", bin)), ok(), rq("IDMEF2-5.7-7", "IDMEF2-5.7-6", "IDMEF2-5.7-2", "IDMEF2-5.7-4"), fl("Content"))
	png := []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89")
	g.v("attachments.content.base64-png", "Base64 content is the start of a PNG image, binary data carried as IDMEF2-5.7-7 asks.",
		full(V08).set("/Attachment/0", b64Attachment("scan1", "image/png", png)), ok(), rq("IDMEF2-5.7-7", "IDMEF2-5.7-6", "IDMEF2-5.7-2"), fl("Content"))
	g.v("attachments.content.base64-pcap", "Base64 content is binary packet-capture data.",
		full(V08).set("/Attachment/0", b64Attachment("scan1", "application/vnd.tcpdump.pcap", largeBytes(300))), ok(), rq("IDMEF2-5.7-7", "IDMEF2-5.7-6", "IDMEF2-5.7-2", "IDMEF2-5.7-4"), fl("Content"))
	g.v("attachments.content.base64-text", "Base64 content is plain text, which base64 carries as well as binary.",
		full(V08), ok(), rq("IDMEF2-5.7-7", "IDMEF2-5.7-6"), fl("Content"))
	g.v("attachments.content.json-for-binary", "Base64 text is sent without ContentEncoding: the default json encoding makes it a string that is not a JSON text.",
		full(V08).del("/Attachment/0/ContentEncoding"), strictBad("attachment.content-json"), rq("IDMEF2-5.7-6", "IDMEF2-5.7-7", "IDMEF2-4.2-1"), fl("NotJSON"))
	g.v("attachments.content.json-plain-text", "Plain text is sent with ContentEncoding json.",
		full(V08).set("/Attachment/0/ContentEncoding", "json").set("/Attachment/0/Content", "SYN scan from 198.51.100.7").del("/Attachment/0/Hash").del("/Attachment/0/Size"),
		strictBad("attachment.content-json"), rq("IDMEF2-5.7-6", "IDMEF2-5.7-7", "IDMEF2-4.2-1"), fl("NotJSON"))
	g.v("attachments.content.json-broken", "Content is a JSON text cut short, with the json encoding.",
		full(V08).set("/Attachment/-", obj("Name", "vendor", "Content", `{"score":7,`)), strictBad("attachment.content-json"), rq("IDMEF2-5.7-6", "IDMEF2-4.2-1"), fl("NotJSON"))
	g.v("attachments.content.json-trailing-comma", "Content is the draft's own section 4.2 example style, with a trailing comma: not JSON.",
		full(V08).set("/Attachment/-", obj("Name", "vendor", "Content", `{"score":7,"ruleset":"2025-03",}`)), strictBad("attachment.content-json"), rq("IDMEF2-5.7-6", "IDMEF2-4.2-1", "IDMEF2-5.7-7"), fl("NotJSON"))
	g.v("attachments.encoding.json-capitals", "ContentEncoding is JSON, as section 4.2 writes it: accepted with a warning.",
		withJSON(jsonText).set("/Attachment/0/ContentEncoding", "JSON"), ok("attachment.encoding-case"), rq("IDMEF2-5.7-6"), fl("EncodingCase"))
	g.v("attachments.encoding.base64-capitals", "ContentEncoding is BASE64: accepted with a warning.",
		full(V08).set("/Attachment/0/ContentEncoding", "BASE64"), ok("attachment.encoding-case"), rq("IDMEF2-5.7-6"), fl("EncodingCase"))
	g.v("attachments.encoding.base64-mixed", "ContentEncoding is Base64.",
		full(V08).set("/Attachment/0/ContentEncoding", "Base64"), ok("attachment.encoding-case"), rq("IDMEF2-5.7-6"), fl("EncodingCase"))
	for _, c := range []struct{ id, enc string }{
		{"gzip", "gzip"}, {"hex", "hex"}, {"base64url", "base64url"}, {"empty", ""}, {"x-json", "x-json"}, {"utf-8", "utf-8"},
	} {
		g.v("attachments.encoding."+c.id, "ContentEncoding is "+quoteWord(c.enc)+", not an encoding the draft defines (json or base64); the schema takes any string.",
			full(V08).set("/Attachment/0/ContentEncoding", c.enc), strictBad("attachment.encoding"), rq("IDMEF2-5.7-6"), fl("UnknownEncoding"))
	}
	g.v("attachments.encoding.number", "ContentEncoding is a number.",
		full(V08).set("/Attachment/0/ContentEncoding", num("64")), bad("schema.type"), rq("IDMEF2-5.7-6", "IDMEF2-5.8-5"), fl("UnknownEncoding"))
	b64 := base64.StdEncoding.EncodeToString([]byte(scanText))
	for _, c := range []struct{ id, content, what string }{
		{"alphabet", "not base64!", "characters outside the Base64 alphabet"},
		{"no-padding", strings.TrimRight(b64, "="), "no padding"},
		{"url-safe", base64.URLEncoding.EncodeToString([]byte{0xfb, 0xff, 0xbf}), "the URL-safe alphabet (- and _)"},
		{"extra-padding", b64 + "=", "an extra ="},
		{"space", b64[:20] + " " + b64[20:], "a space inside"},
	} {
		content := c.content
		g.v("attachments.base64."+c.id, "Content, which ContentEncoding says is Base64, has "+c.what+": not RFC 4648 Base64.",
			full(V08).set("/Attachment/0/Content", content), strictBad("attachment.content-base64"), rq("IDMEF2-5.7-6"), fl("BadBase64"))
	}
	g.v("attachments.base64.object", "Content is a JSON object while ContentEncoding says base64.",
		full(V08).set("/Attachment/0/Content", obj("flags", "S")), strictBad("attachment.content-base64"), rq("IDMEF2-5.7-6"), fl("BadBase64"))
	g.v("attachments.content.number", "Content is a number: the CONTENT type is a JSON object or a string.",
		full(V08).set("/Attachment/0/Content", num("53")), bad("schema.type"), rq("IDMEF2-5.7-6", "IDMEF2-5.8-5"), fl("WrongType"))
	g.v("attachments.content.array", "Content is an array: the CONTENT type is a JSON object or a string.",
		full(V08).set("/Attachment/0/ContentEncoding", "json").set("/Attachment/0/Content", arr(1, 2)).del("/Attachment/0/Hash").del("/Attachment/0/Size"),
		bad("schema.type"), rq("IDMEF2-5.7-6", "IDMEF2-5.8-5", "IDMEF2-4.2-1"), fl("WrongType"))

	// Hashes.
	data := []byte(scanText)
	hashes := func(hs ...string) *msg { return full(V08).set("/Attachment/0/Hash", strs(hs...)) }
	for _, c := range []struct{ id, hash, what string }{
		{"sha256-upper", "SHA-256:" + strings.ToUpper(sha256Hex(data)), "written SHA-256 and in upper case"},
		{"sha512", "sha512:" + sha512Hex(data), "a matching sha512"},
		{"sha384", "sha384:" + sha384Hex(data), "a matching sha384"},
		{"sha3-256", "sha3-256:" + sha3Hex(data), "a matching sha3-256"},
	} {
		g.v("attachments.hash."+c.id, "Attachment[0].Hash holds "+c.what+" of the decoded content.", hashes(c.hash), ok(), rq("IDMEF2-5.7-2", "IDMEF2-5.7-3", "IDMEF2-3.3.13-1"), fl("Content"))
	}
	g.v("attachments.hash.several", "Attachment[0].Hash holds matching sha256, sha512 and sha3-256 values.",
		hashes("sha256:"+sha256Hex(data), "sha512:"+sha512Hex(data), "sha3-256:"+sha3Hex(data)), ok(), rq("IDMEF2-5.7-2", "IDMEF2-5.7-3", "IDMEF2-3.3.13-1"), fl("Content"))
	g.v("attachments.hash.unknown-function", "Attachment[0].Hash adds a blake2b-256 value, a function idmefcheck does not compute: only its syntax is judged.",
		hashes("sha256:"+sha256Hex(data), "blake2b-256:"+sha512Hex(data)[:64]), ok(), rq("IDMEF2-5.7-2", "IDMEF2-3.3.13-1"), fl("UnknownHashFunction"))
	g.v("attachments.hash.md5", "Attachment[0].Hash is a matching md5: the draft recommends SHA-2 or SHA-3, so a warning.",
		hashes("md5:"+md5Hex(data)), ok("attachment.hash-weak"), rq("IDMEF2-5.7-3", "IDMEF2-5.7-2"), fl("WeakHash"))
	g.v("attachments.hash.sha1", "Attachment[0].Hash adds a matching sha1: a warning.",
		hashes("sha256:"+sha256Hex(data), "sha1:"+sha1Hex(data)), ok("attachment.hash-weak"), rq("IDMEF2-5.7-3", "IDMEF2-5.7-2"), fl("WeakHash"))
	g.v("attachments.hash.sha-1-upper", "Attachment[0].Hash is a matching SHA-1, so written.",
		hashes("SHA-1:"+sha1Hex(data)), ok("attachment.hash-weak"), rq("IDMEF2-5.7-3"), fl("WeakHash"))
	g.v("attachments.hash.md5-wrong", "Attachment[0].Hash is an md5 that does not match: both weak and wrong.",
		hashes("md5:"+sha256Hex(data)[:32]), strictBad("attachment.hash-mismatch", "attachment.hash-weak"), rq("IDMEF2-5.7-2", "IDMEF2-5.7-3"), fl("WeakHash", "HashMismatch"))
	g.v("attachments.hash.other-content", "Attachment[0].Hash is the sha256 of other data.",
		hashes("sha256:"+sha256Hex([]byte("other data"))), strictBad("attachment.hash-mismatch"), rq("IDMEF2-5.7-2"), fl("HashMismatch"))
	g.v("attachments.hash.of-base64-text", "Attachment[0].Hash is the sha256 of the Base64 text rather than of the decoded bytes.",
		hashes("sha256:"+sha256Hex([]byte(b64))), strictBad("attachment.hash-mismatch"), rq("IDMEF2-5.7-2"), fl("HashMismatch"))
	g.v("attachments.hash.second-wrong", "Attachment[0].Hash holds a matching sha256 and a sha512 of other data.",
		hashes("sha256:"+sha256Hex(data), "sha512:"+sha512Hex([]byte("other data"))), strictBad("attachment.hash-mismatch"), rq("IDMEF2-5.7-2"), fl("HashMismatch"))
	g.v("attachments.hash.json-text-mismatch", "A JSON text Content whose sha256 was taken over the text re-serialised with spaces.",
		withJSON(jsonText).set("/Attachment/0/Hash", strs("sha256:"+sha256Hex([]byte(`{"flags": "S", "dport": 443}`)))), strictBad("attachment.hash-mismatch"), rq("IDMEF2-5.7-2"), fl("HashMismatch"))
	g.v("attachments.hash.truncated-digest", "Attachment[0].Hash is a sha256 cut to its first 16 digits, with content to compare: it does not match.",
		hashes("sha256:"+sha256Hex(data)[:16]), strictBad("attachment.hash-mismatch"), rq("IDMEF2-5.7-2", "IDMEF2-3.3.13-1"), fl("HashMismatch"))
	noContent := func() *msg { return full(V08).del("/Attachment/0/Content").del("/Attachment/0/ContentEncoding") }
	g.v("attachments.hash.short-digest-no-content", "Attachment[0].Hash is sha256:00ff, far too short for sha256, and there is no content to compare with. The HASH pattern accepts it; whether a strict implementation checks digest lengths is open.",
		noContent().set("/Attachment/0/Hash", strs("sha256:00ff")), either(), rq("IDMEF2-3.3.13-1", "IDMEF2-5.7-2"), fl("HashDigestLength"))
	for _, c := range []struct{ id, hash, what string }{
		{"odd-digits", "sha256:abc", "an odd number of hexadecimal digits"},
		{"no-function", sha256Hex(data), "no function name"},
		{"no-digest", "sha256:", "no digest"},
		{"non-hex", "sha256:" + strings.Repeat("zz", 32), "non-hexadecimal digits"},
		{"base64-digest", "sha256:" + base64.StdEncoding.EncodeToString([]byte("0123456789abcdef0123456789abcdef")), "a Base64 digest"},
		{"underscore-function", "sha_256:" + sha256Hex(data), "an underscore in the function name"},
		{"space", "sha256: " + sha256Hex(data), "a space after the colon"},
	} {
		g.v("attachments.hash.pattern-"+c.id, "Attachment[0].Hash has "+c.what+": the HASH pattern refuses it.",
			noContent().set("/Attachment/0/Hash", strs(c.hash)), bad("schema.pattern"), rq("IDMEF2-3.3.13-1"), fl("HashSyntax"))
	}
	g.v("attachments.hash.single", "Attachment[0].Hash is a single string, not a list.",
		full(V08).set("/Attachment/0/Hash", "sha256:"+sha256Hex(data)), bad("schema.type"), rq("IDMEF2-3.3.13-1", "IDMEF2-5.8-4"), fl("HashSyntax"))

	// Sizes.
	g.v("attachments.size.plus-one", "Attachment[0].Size is one more than the decoded content.",
		full(V08).set("/Attachment/0/Size", len(scanText)+1), strictBad("attachment.size-mismatch"), rq("IDMEF2-5.7-4"), fl("SizeMismatch"))
	g.v("attachments.size.base64-length", "Attachment[0].Size counts the Base64 text, not the bytes it encodes.",
		full(V08).set("/Attachment/0/Size", len(b64)), strictBad("attachment.size-mismatch"), rq("IDMEF2-5.7-4"), fl("SizeMismatch"))
	g.v("attachments.size.characters", "Attachment[0].Size counts the characters of a JSON text with non-ASCII letters rather than its UTF-8 bytes.",
		withJSON(`{"note":"Überwachung"}`).set("/Attachment/0/Size", len([]rune(`{"note":"Überwachung"}`))), strictBad("attachment.size-mismatch"), rq("IDMEF2-5.7-4"), fl("SizeMismatch"))
	g.v("attachments.size.zero", "Attachment[0].Size is 0 for content that is not empty.",
		full(V08).set("/Attachment/0/Size", 0), strictBad("attachment.size-mismatch"), rq("IDMEF2-5.7-4"), fl("SizeMismatch"))
	g.v("attachments.size.negative-with-content", "Attachment[0].Size is -53: negative, and not the content's length.",
		full(V08).set("/Attachment/0/Size", num("-53")), strictBad("attachment.size-mismatch", "number.size-range"), rq("IDMEF2-5.7-4"), fl("SizeMismatch"))
	g.v("attachments.size.without-content", "Attachment[0].Size is given for content referenced by ExternalURI: nothing to compare.",
		noContent().set("/Attachment/0/Size", 1048576).set("/Attachment/0/ExternalURI", strs("https://files.example.com/scan1.pcap")), ok(), rq("IDMEF2-5.7-4", "IDMEF2-5.7-8"), fl("Content"))

	// Media types.
	mt := rq("IDMEF2-5.7-5", "IDMEF2-3.3.9-1")
	for _, c := range []struct{ id, ct string }{
		{"application-json", "application/json"},
		{"vendor-tree", "application/vnd.tcpdump.pcap"},
		{"parameters", "text/plain; charset=utf-8; format=flowed"},
		{"quoted-parameter", `text/plain; charset="utf-8"`},
		{"no-space", "text/plain;charset=utf-8"},
		{"image", "image/png"},
		{"upper-case", "Text/Plain"},
	} {
		g.v("attachments.media-type."+c.id, "Attachment[0].ContentType is "+quoteWord(c.ct)+", a media type with a registered top-level type.",
			full(V08).set("/Attachment/0/ContentType", c.ct), ok(), mt, fl("Content"))
	}
	for _, c := range []struct{ id, ct string }{
		{"unregistered", "x-capture/pcap"},
		{"made-up", "capture/pcap"},
		{"chemical", "chemical/x-pdb"},
	} {
		g.v("attachments.media-type."+c.id, "Attachment[0].ContentType is "+quoteWord(c.ct)+": the syntax is right, the top-level type is not registered with IANA; a warning.",
			full(V08).set("/Attachment/0/ContentType", c.ct), ok("attachment.media-type"), mt, fl("MediaType"))
	}
	for _, c := range []struct{ id, ct, what string }{
		{"no-subtype", "text", "no subtype"},
		{"empty-subtype", "text/", "an empty subtype"},
		{"space-in-type", "text /plain", "a space before the slash"},
		{"bad-parameter", "text/plain; charset", "a parameter without a value"},
		{"file-extension", ".pcap", "a file extension"},
		{"empty", "", "nothing"},
	} {
		g.v("attachments.media-type.not-"+c.id, "Attachment[0].ContentType has "+c.what+": the MEDIATYPE pattern refuses it.",
			full(V08).set("/Attachment/0/ContentType", c.ct), bad("schema.pattern"), rq("IDMEF2-3.3.9-1"), fl("MediaTypeSyntax"))
	}

	// Other revisions.
	for _, version := range []string{V04, V05, V06} {
		gv := f.group(version, "Attachments referred to from a Vector, which "+version+" has.")
		sv := short(version)
		gv.v("attachments."+sv+".ref.vector", "Vector[0] refers to the alert's attachment scan1.",
			full(version).set("/Vector/0/Attachment", strs("scan1")), ok(), rq("IDMEF2-3.3.8-1", "IDMEF2-5.7-1"), fl("Reference"))
		gv.v("attachments."+sv+".unresolved.vector", "Vector[0] refers to img1, which the alert does not have.",
			full(version).set("/Vector/0/Attachment", strs("img1")), strictBad("attachment.unresolved"), rq("IDMEF2-3.3.8-1"), fl("Unresolved"))
		gv.v("attachments."+sv+".ref.source", "Source[0] refers to the alert's attachment scan1.",
			full(version).set("/Source/0/Attachment", strs("scan1")), ok(), rq("IDMEF2-3.3.8-1", "IDMEF2-5.5-5"), fl("Reference"))
		gv.v("attachments."+sv+".unresolved.source", "Source[0] refers to log3, which the alert does not have.",
			full(version).set("/Source/0/Attachment", strs("log3")), strictBad("attachment.unresolved"), rq("IDMEF2-3.3.8-1", "IDMEF2-5.5-5"), fl("Unresolved"))
		gv.v("attachments."+sv+".unresolved.target", "Target[0] refers to scan9, which the alert does not have.",
			full(version).set("/Target/0/Attachment", strs("scan9")), strictBad("attachment.unresolved"), rq("IDMEF2-3.3.8-1", "IDMEF2-5.6-3"), fl("Unresolved"))
		gv.v("attachments."+sv+".hash-md5", "The "+version+" attachment's only Hash is a matching md5.",
			full(version).set("/Attachment/0/Hash", strs("md5:"+md5Hex([]byte(scanText)))), ok("attachment.hash-weak"), rq("IDMEF2-5.7-3", "IDMEF2-5.7-2"), fl("WeakHash"))
		gv.v("attachments."+sv+".media-type", "The "+version+" attachment's ContentType has an unregistered top-level type.",
			full(version).set("/Attachment/0/ContentType", "x-log/syslog"), ok("attachment.media-type"), rq("IDMEF2-5.7-5", "IDMEF2-3.3.9-1"), fl("MediaType"))
		gv.v("attachments."+sv+".binary-as-json", "The "+version+" attachment carries Base64 text without ContentEncoding: read as json, it is no JSON text.",
			full(version).del("/Attachment/0/ContentEncoding"), strictBad("attachment.content-json"), rq("IDMEF2-5.7-6", "IDMEF2-5.7-7", "IDMEF2-4.2-1"), fl("NotJSON"))
		gv.v("attachments."+sv+".duplicate", "Two attachments named scan1 in a "+version+" alert.",
			full(version).set("/Attachment/-", objAttachment("scan1", obj("n", 1))), strictBad("attachment.duplicate-name"), rq("IDMEF2-3.3.8-2"), fl("DuplicateName"))
	}
	g7 := f.group(V07, "Attachments in 2.D.V07 messages.")
	g7.v("attachments.v07.ref.target", "Target[0] refers to the 2.D.V07 alert's attachment scan1.",
		full(V07), ok(), rq("IDMEF2-5.6-3", "IDMEF2-3.3.8-1", "IDMEF2-5.7-7"), fl("Reference"))
	g7.v("attachments.v07.binary-as-json", "A 2.D.V07 attachment carries Base64 text without ContentEncoding: read as json, it is no JSON text.",
		full(V07).del("/Attachment/0/ContentEncoding"), strictBad("attachment.content-json"), rq("IDMEF2-5.7-6", "IDMEF2-5.7-7"), fl("NotJSON"))
	g7.v("attachments.v07.media-type", "A 2.D.V07 attachment's ContentType has an unregistered top-level type.",
		full(V07).set("/Attachment/0/ContentType", "x-pcap/raw"), ok("attachment.media-type"), rq("IDMEF2-5.7-5", "IDMEF2-3.3.9-1"), fl("MediaType"))
	g7.v("attachments.v07.unresolved.target", "Target[0] refers to an attachment the 2.D.V07 alert lacks.",
		full(V07).set("/Target/0/Attachment", strs("pcap9")), strictBad("attachment.unresolved"), rq("IDMEF2-5.6-3", "IDMEF2-3.3.8-1"), fl("Unresolved"))
	g7.v("attachments.v07.hash-mismatch", "The 2.D.V07 attachment's Hash is of other data.",
		full(V07).set("/Attachment/0/Hash", strs("sha256:"+sha256Hex([]byte("x")))), strictBad("attachment.hash-mismatch"), rq("IDMEF2-5.7-2"), fl("HashMismatch"))
	g7.v("attachments.v07.vector-field", "A 2.D.V07 Source refers to attachments; the Vector class is gone, so a Vector member is unknown.",
		full(V07).set("/Vector", arr(obj("Category", strs("Device"), "Attachment", strs("scan1")))), bad("schema.unknown-field"), rq("IDMEF2-5.8-3", "IDMEF2T-5-3"), fl("OtherRevision"))
	return f
}

// wrap breaks s into lines of n characters joined by CRLF, as MIME does.
func wrap(s string, n int) string {
	var parts []string
	for len(s) > n {
		parts = append(parts, s[:n])
		s = s[n:]
	}
	parts = append(parts, s)
	return strings.Join(parts, "\r\n")
}

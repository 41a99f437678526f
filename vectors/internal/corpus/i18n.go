package corpus

import (
	"strings"
	"unicode/utf16"
)

func i18nFile() *file {
	f := newFile("i18n",
		"Text in every script and every awkward Unicode form (R4766-5.1, IDMEFv2 section 3.3): right-to-left scripts, CJK, combining marks, emoji and zero-width joiners, invisible and bidirectional characters, noncharacters and private use, in raw UTF-8 and in escapes; then bytes that are not UTF-8.",
		"STRING values are sequences of Unicode characters: any of them is valid, and the message must be UTF-8 (RFC 8259 section 8.1). Invalid UTF-8 leaves no trustworthy text: invalid under both profiles.",
		"Strings are not normalised: NFC and NFD spellings are different strings, and keywords are matched byte for byte. In this file's messages the format characters (zero-width, bidirectional controls) are written as \\u escapes so that a reader sees them; the text vectors carry them raw.")
	f.note("Script", bugBasic, "Text in a script other than Latin, as raw UTF-8.", "An implementation limited to ASCII or Latin-1 loses or refuses the text.")
	f.note("RightToLeft", bugEdge, "Right-to-left text (Arabic, Hebrew), alone or mixed with left-to-right text and digits.",
		"Display and storage layers reorder or corrupt mixed-direction text.")
	f.note("Astral", bugEdge, "Characters outside the Basic Multilingual Plane (emoji, CJK Extension B): four bytes in UTF-8, a surrogate pair in UTF-16.",
		"Implementations that count or cut in UTF-16 code units, or store three-byte UTF-8 only (MySQL utf8), break them.")
	f.note("Combining", bugEdge, "Combining marks and normalisation forms: é as one character (NFC) or e plus U+0301 (NFD).",
		"A receiver that normalises changes the value, and with it hashes and comparisons.")
	f.note("Invisible", bugEdge, "Invisible format characters: zero-width space and joiner, bidirectional overrides, variation selectors.",
		"Text looks the same and is not: spoofing and comparison bugs; bidirectional overrides can disguise what a reader sees.")
	f.note("SpecialCodePoint", bugEdge, "Noncharacters (U+FFFE, U+FFFF), private-use characters, the last code point U+10FFFF: Unicode scalar values JSON carries like any other.",
		"A receiver that filters them changes the text or refuses the message.")
	f.note("EscapedText", bugEdge, "Non-ASCII text written with \\u escapes instead of raw UTF-8.", "A parser that mishandles escapes changes the text.")
	f.note("NotNormalised", bugUnknown, "A keyword or member name written with a non-ASCII look-alike or another normalisation: not the keyword.",
		"A receiver that normalises before matching accepts what the schema refuses.")
	f.note("InvalidUTF8", bugMalformed, "Bytes that are not UTF-8: overlong forms, lone continuation bytes, truncated sequences, encoded surrogates, code points past U+10FFFF, Latin-1 or UTF-16 text.",
		"Parsers that repair or pass such bytes through accept what strict ones refuse, and overlong forms have hidden characters from filters before.")

	g := f.group(V08, "Text in 2.D.V08 messages.")
	tx := rq("IDMEF2-3.3-1", "R4766-5.1", "R4766-5.1.1", "IDMEF2-5.8-1")
	desc := func(s string) *msg { return full(V08).set("/Description", s) }
	for _, c := range []struct{ id, text, what, flag string }{
		{"arabic", "مسح المنافذ لخادم الويب", "Arabic", "RightToLeft"},
		{"hebrew", "סריקת פורטים של שרת האינטרנט", "Hebrew", "RightToLeft"},
		{"mixed-direction", "Scan from 198.51.100.7 — مسح من 198.51.100.7 — סריקה 443", "Latin, Arabic and Hebrew mixed with digits", "RightToLeft"},
		{"persian-digits", "پویش درگاه ۴۴۳", "Persian with Extended Arabic-Indic digits", "RightToLeft"},
		{"chinese", "对网站前端的端口扫描", "simplified Chinese", "Script"},
		{"japanese", "ウェブフロントエンドのポートスキャン（東京）", "Japanese kana, kanji and full-width brackets", "Script"},
		{"korean", "웹 프런트엔드 포트 스캔", "Korean Hangul", "Script"},
		{"devanagari", "वेब फ्रंट एंड का पोर्ट स्कैन", "Hindi in Devanagari, with conjuncts", "Script"},
		{"thai", "การสแกนพอร์ตของเว็บ", "Thai, written without spaces between words", "Script"},
		{"cyrillic", "Сканирование портов веб-сервера", "Russian in Cyrillic", "Script"},
		{"greek", "Σάρωση θυρών του διακομιστή", "Greek with accents", "Script"},
		{"georgian", "პორტების სკანირება", "Georgian", "Script"},
		{"ethiopic", "የወደብ ቅኝት", "Amharic in Ethiopic", "Script"},
		{"math", "∀x∈ℝ: x² ≥ 0 — ≠ ≤ ∞ ∑", "mathematical symbols", "Script"},
		{"cjk-extension-b", "𠀋𡈽𢌞 in CJK Extension B", "CJK Extension B ideographs, outside the BMP", "Astral"},
		{"emoji", "Port scan 😀🔥🛡️", "emoji outside the BMP and a variation selector", "Astral"},
		{"emoji-zwj", "Analyst 👩\u200d💻 and family 👨\u200d👩\u200d👧", "emoji joined with zero-width joiners (U+200D)", "Astral"},
		{"flags", "Source 🇫🇷 target 🇯🇵", "flags made of regional indicator pairs", "Astral"},
		{"skin-tone", "👍🏽 confirmed", "an emoji with a skin-tone modifier", "Astral"},
		{"combining-nfd", "Re\u0301seau e\u0301tranger", "e followed by U+0301 COMBINING ACUTE ACCENT (NFD)", "Combining"},
		{"combining-stack", "Z̷̢͔a̵̡͠l̸̛g̶o̴", "letters with stacks of combining marks", "Combining"},
		{"zero-width-space", "Port\u200bscan", "a zero-width space between two words", "Invisible"},
		{"bidi-override", "Report \u202egnp.exe\u202c attached", "U+202E RIGHT-TO-LEFT OVERRIDE reversing how part of the text displays", "Invisible"},
		{"bidi-isolates", "User \u2067مستخدم\u2069 logged in", "U+2067 and U+2069 directional isolates", "Invisible"},
		{"line-separator", "first\u2028second\u2029third", "U+2028 LINE SEPARATOR and U+2029 PARAGRAPH SEPARATOR, which JavaScript source once refused", "Invisible"},
		{"word-joiner", "no\u2060break and soft\u00adhyphen", "U+2060 WORD JOINER and U+00AD SOFT HYPHEN", "Invisible"},
		{"noncharacters", "end \ufffe\uffff of BMP", "the noncharacters U+FFFE and U+FFFF", "SpecialCodePoint"},
		{"private-use", "vendor glyph \ue000\U000F0000", "private-use characters of the BMP and plane 15", "SpecialCodePoint"},
		{"last-code-point", "last \U0010FFFF", "U+10FFFF, the last code point", "SpecialCodePoint"},
		{"replacement-character", "decoded \ufffd badly", "U+FFFD REPLACEMENT CHARACTER itself", "SpecialCodePoint"},
	} {
		g.v("i18n.text."+c.id, "Description is "+c.what+".", desc(c.text), ok(), tx, fl(c.flag))
	}
	g.v("i18n.text.nfc-and-nfd-names", "Analyzer.Name is written in NFC and Sensor[0].Name is the same name in NFD: both valid, and different strings.",
		full(V08).set("/Analyzer/Name", "réseau.paris").set("/Sensor/0/Name", "re\u0301seau.paris"), ok(), tx, fl("Combining"))
	for _, c := range []struct{ id, ptr, text string }{
		{"analyzer-name", "/Analyzer/Name", "soc.東京.ids01"},
		{"analyzer-location", "/Analyzer/Location", "Salle serveurs, bâtiment B, 2ᵉ étage"},
		{"source-user", "/Source/0/User", "Ægir.Þórsson"},
		{"target-user", "/Target/0/User", "مدير"},
		{"target-service", "/Target/0/Service", "Служба печати"},
		{"attachment-file-name", "/Attachment/0/FileName", "отчёт 📄.txt"},
		{"note", "/Note", "Analyste : « balayage » — 分析者：扫描 — المحلل: مسح"},
		{"organisation", "/OrganisationName", "Société Générale d'Électricité ÅÄÖ"},
	} {
		g.v("i18n.field."+c.id, trimPtr(c.ptr)+" holds non-ASCII text.", full(V08).set(c.ptr, c.text), ok(), tx, fl("Script"))
	}
	g.v("i18n.field.member-name", "A member name in non-ASCII letters, Déscription: not a field of the model.",
		full(V08).set("/Déscription", "x"), bad("schema.unknown-field"), rq("IDMEF2-5.8-3", "IDMEF2T-5-4"), fl("NotNormalised"))
	g.v("i18n.keyword.accented", "Priority is Médium, an accented look-alike of Medium: keywords are matched byte for byte, without normalisation.",
		full(V08).set("/Priority", "Médium"), bad("schema.enum"), rq("IDMEF2-3.3.1-1", "R4766-7.7-2"), fl("NotNormalised"))
	g.v("i18n.keyword.fullwidth-category", "Category holds Recon.Network in full-width letters, which NFKC would fold to the keyword.",
		full(V08).set("/Category", strs("Ｒｅｃｏｎ.Ｎｅｔｗｏｒｋ")), bad("schema.enum"), rq("IDMEF2-3.3.1-1", "R4766-7.2-2"), fl("NotNormalised"))

	base := full(V08)
	compact := base.compact()
	with := func(old, new string) textBody {
		t := strings.Replace(compact, old, new, 1)
		if t == compact {
			panic("corpus: i18n: nothing replaced for " + new)
		}
		return textBody(t)
	}
	for _, c := range []struct{ id, val, what string }{
		{"escaped-latin", `"Balayage de ports \u00e0 l'\u00e9tranger"`, "French letters as \\u escapes"},
		{"escaped-astral", `"Scan \ud83d\udd25 \ud840\udc0b"`, "astral characters as escaped surrogate pairs"},
		{"escaped-rtl", `"\u0645\u0633\u062d \u05e1\u05e8\u05d9\u05e7\u05d4"`, "Arabic and Hebrew as \\u escapes"},
		{"mixed-raw-and-escaped", `"r\u00e9seau r` + "é" + `seau"`, "the same letter raw and escaped"},
		{"raw-zwj", `"Analyst 👩` + "\u200d" + `💻"`, "an emoji ZWJ sequence with the joiner raw in the text"},
		{"raw-bidi", `"Report ` + "\u202e" + `gnp.exe` + "\u202c" + `"`, "a raw right-to-left override"},
		{"raw-bom-char", `"` + "\ufeff" + `Port scan"`, "a raw U+FEFF inside the string"},
	} {
		g.v("i18n.escaped."+c.id, "Description holds "+c.what+".", with(`"Port scan of the web front end"`, c.val), ok(), tx, fl("EscapedText"))
	}

	// Bytes that are not UTF-8, in the Description of a clean message.
	utf := rq("IDMEF2-5.8-1", "IDMEF2T-5-1", "R4766-5.1")
	bad8 := func(b string) rawBody {
		return rawBody(strings.Replace(compact, "Port scan of the web front end", "Port scan "+b+" front end", 1))
	}
	for _, c := range []struct{ id, bytes, what string }{
		{"overlong-slash", "\xc0\xaf", "C0 AF, an overlong encoding of /"},
		{"overlong-nul", "\xc0\x80", "C0 80, the overlong NUL of Java's modified UTF-8"},
		{"overlong-three-byte", "\xe0\x80\xaf", "E0 80 AF, a three-byte overlong /"},
		{"lone-continuation", "\x80", "80, a continuation byte without a lead byte"},
		{"truncated-two-byte", "\xc3", "C3, a two-byte lead byte without its continuation"},
		{"truncated-three-byte", "\xe2\x82", "E2 82, a three-byte sequence cut short"},
		{"surrogate", "\xed\xa0\x80", "ED A0 80, the surrogate U+D800 encoded in UTF-8 (CESU-8)"},
		{"surrogate-pair", "\xed\xa0\xbd\xed\xb8\x80", "a surrogate pair encoded as two three-byte sequences (CESU-8)"},
		{"beyond-10ffff", "\xf4\x90\x80\x80", "F4 90 80 80, which would be U+110000"},
		{"byte-ff", "\xff", "the byte FF, never valid in UTF-8"},
		{"byte-fe", "\xfe", "the byte FE"},
		{"five-byte", "\xf8\x88\x80\x80\x80", "a five-byte sequence of the original UTF-8"},
		{"latin-1", "\xe9tranger", "é in Latin-1 (E9)"},
		{"windows-1252-quotes", "\x93scan\x94", "curly quotes in Windows-1252 (93, 94)"},
	} {
		g.v("i18n.invalid-utf8."+c.id, "Description holds "+c.what+": the message is not UTF-8.", bad8(c.bytes), bad("json.utf8"), utf, fl("InvalidUTF8"))
	}
	g.v("i18n.invalid-utf8.in-member-name", "A member name holds the byte FF.",
		rawBody(`{"Descr`+"\xff"+`iption":"x",`+compact[1:]), bad("json.utf8"), utf, fl("InvalidUTF8"))
	g.v("i18n.invalid-utf8.truncated-at-end", "The text ends inside a multi-byte character, after the closing brace.",
		rawBody(compact+"\xe2\x82"), bad("json.utf8"), utf, fl("InvalidUTF8"))
	g.v("i18n.invalid-utf8.utf16le", "The whole message is UTF-16LE with its byte order mark: JSON exchanged between systems is UTF-8 (RFC 8259 section 8.1).",
		rawBody(utf16le(minimal(V08).compact())), bad("json.utf8"), utf, fl("InvalidUTF8"))
	g.v("i18n.invalid-utf8.utf16be-no-bom", "The whole message is UTF-16BE without a byte order mark: every other byte is 00... which is valid UTF-8 but not JSON.",
		rawBody(utf16be(minimal(V08).compact())), bad("json.syntax"), utf, fl("InvalidUTF8"))
	return f
}

func utf16le(s string) []byte {
	out := []byte{0xff, 0xfe}
	for _, u := range utf16.Encode([]rune(s)) {
		out = append(out, byte(u), byte(u>>8))
	}
	return out
}

func utf16be(s string) []byte {
	var out []byte
	for _, u := range utf16.Encode([]rune(s)) {
		out = append(out, byte(u>>8), byte(u))
	}
	return out
}

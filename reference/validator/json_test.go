package validator_test

import (
	"bytes"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/idmefcheck/idmefcheck/reference/message"
	"github.com/idmefcheck/idmefcheck/reference/validator"
)

// Rules on the JSON text itself (RFC 8259), before any schema.

const bom = "\xEF\xBB\xBF"

// nested returns depth arrays nested in one another.
func nested(depth int) string {
	return strings.Repeat("[", depth) + strings.Repeat("]", depth)
}

// nestedObject returns depth objects nested in one another, {"a":{"a":{}}} for 3.
func nestedObject(depth int) map[string]any {
	obj := map[string]any{}
	for range depth - 1 {
		obj = map[string]any{"a": obj}
	}
	return obj
}

// withJSONContent makes the attachment carry a JSON object, without Hash or Size.
func withJSONContent(m *msg, content map[string]any) *msg {
	return m.del("/Attachment/0/ContentEncoding").del("/Attachment/0/Hash").del("/Attachment/0/Size").
		set("/Attachment/0/Content", content)
}

var _ = describeRule("json.syntax", validator.Error, validator.Error, func(r ruleSpec) {
	r.reports("a member name has no colon after it", []byte(`{"Version" "2.D.V08"}`), "/Version")
	r.reports("the text ends inside the Analyzer object", v08().bytes()[:bytes.Index(v08().bytes(), []byte(`"Name"`))], "/Analyzer")
	r.ignores("the message is pretty-printed with newlines and indentation", []byte(baseV08))
})

var _ = describeRule("json.empty", validator.Error, validator.Error, func(r ruleSpec) {
	r.reports("the input is empty", []byte{}, "")
	r.reports("the input is only whitespace", []byte(" \r\n\t "), "")
	r.ignores("the message is surrounded by whitespace", []byte("\n "+baseV08+"\r\n"))
})

var _ = describeRule("json.utf8", validator.Error, validator.Error, func(r ruleSpec) {
	r.reports("Description holds the byte 0xFF", bytes.Replace(v08().bytes(), []byte("Port scan"), []byte("Port \xff scan"), 1), "")
	r.reports("Description holds a truncated two-byte sequence", bytes.Replace(v08().bytes(), []byte("Port scan"), []byte("Port \xc3"), 1), "")
	r.ignores("Description holds multi-byte characters", v08().set("/Description", "Balayage de ports depuis l'étranger 😀").bytes())
})

var _ = describeRule("json.bom", validator.Error, validator.Warning, func(r ruleSpec) {
	r.reports("a UTF-8 byte order mark precedes the message", append([]byte(bom), v08().bytes()...), "")
	r.ignores("U+FEFF appears inside a string rather than before the message", v08().set("/Description", "\uFEFFPort scan").bytes())
})

var _ = describeRule("json.surrogate", validator.Error, validator.Warning, func(r ruleSpec) {
	r.reports(`Description is the lone high surrogate "\ud800"`, v08().setRaw("/Description", `"\ud800"`).bytes(), "/Description")
	r.reports("Analyzer.Model ends with a lone low surrogate", v08().setRaw("/Analyzer/Model", `"Suricata 7.0.8\udc00"`).bytes(), "/Analyzer/Model")
	r.ignores("Description holds an escaped surrogate pair", v08().setRaw("/Description", `"scan \ud83d\ude00"`).bytes())
})

var _ = describeRule("json.duplicate-key", validator.Error, validator.Warning, func(r ruleSpec) {
	base := v08().bytes()
	r.reports("Description appears twice at the top level", append([]byte(`{"Description":"first",`), base[1:]...), "/Description")
	r.reports("IP appears twice in Source[0]",
		bytes.Replace(base, []byte(`"IP":"198.51.100.7"`), []byte(`"IP":"198.51.100.7","IP":"198.51.100.7"`), 1), "/Source/0/IP")
	r.ignores("the same member name appears in different objects", base)
})

var _ = describeRule("json.trailing-data", validator.Error, validator.Error, func(r ruleSpec) {
	r.reports("a second object follows the message", append(v08().bytes(), []byte(" {}")...), "")
	r.reports("a stray closing brace follows the message", append(v08().bytes(), '}'), "")
	r.ignores("only whitespace follows the message", append(v08().bytes(), []byte("\r\n\t ")...))
})

var _ = describeRule("json.limit-size", validator.Error, validator.Error, func(r ruleSpec) {
	base := v08().bytes()
	lim := message.DefaultLimits()
	lim.MaxBytes = len(base) - 1
	r.reports("the message is one byte longer than the limit", base, "", limitedTo(lim))
	exact := message.DefaultLimits()
	exact.MaxBytes = len(base)
	r.ignores("the message is exactly as long as the limit", base, limitedTo(exact))
})

var _ = describeRule("json.limit-depth", validator.Error, validator.Error, func(r ruleSpec) {
	r.reports("Description nests 10,000 arrays", v08().setRaw("/Description", nested(10000)).bytes(), "/Description"+strings.Repeat("/0", 255))
	r.reports("the message is 10,000 nested arrays", []byte(nested(10000)), strings.Repeat("/0", 256))
	// The alert (1), Attachment (2), the attachment (3), then 253 objects: 256 levels.
	r.ignores("an attachment's JSON content brings the nesting to exactly 256 levels", withJSONContent(v08(), nestedObject(253)).bytes())
})

var _ = describeRule("json.limit-number", validator.Error, validator.Error, func(r ruleSpec) {
	r.reports("Confidence is written 1e99999", v08().set("/Confidence", num("1e99999")).bytes(), "/Confidence")
	r.reports("Attachment[0].Size is a literal of 1,001 digits", v08().set("/Attachment/0/Size", num("1"+strings.Repeat("0", 1000))).bytes(), "/Attachment/0/Size")
	r.ignores("Confidence is written 8e-1, a small exponent", v08().set("/Confidence", num("8e-1")).bytes())
	r.ignores("Attachment[0].Size is a literal of exactly 1,000 digits", v08().del("/Attachment/0/Content").set("/Attachment/0/Size", num("1"+strings.Repeat("0", 999))).bytes())
})

var _ = describeRule("json.not-object", validator.Error, validator.Error, func(r ruleSpec) {
	r.reports("the message is a top-level array", []byte(`[]`), "")
	r.reports("the message is an array holding an alert", []byte("["+baseV08+"]"), "")
	r.reports("the message is a string", []byte(`"2.D.V08"`), "")
	r.reports("the message is null", []byte(`null`), "")
	r.reports("the message is a number", []byte(`42`), "")
	r.ignores("the message is an object", v08().bytes())
})

var _ = Describe("Validator.Validate on broken JSON text", Label("IDMEF2-5.8-1"), func() {
	It("gives the byte offset of invalid UTF-8", func() {
		data := bytes.Replace(v08().bytes(), []byte("Port scan"), []byte("Port \xff scan"), 1)
		res := validate(data, validator.Strict)
		Expect(the(res, "json.utf8").Offset).To(BeEquivalentTo(bytes.IndexByte(data, 0xff)))
	})

	It("judges no revision when the text is not UTF-8", func() {
		res := validate(bytes.Replace(v08().bytes(), []byte("Port scan"), []byte("Port \xff scan"), 1), validator.Official)
		Expect(res.Version).To(BeEmpty())
	})

	When("a byte order mark precedes the message", func() {
		data := append([]byte(bom), v08().set("/ext-Category", []any{"Drone"}).bytes()...)

		It("still judges the rest of the message", func() {
			res := validate(data, validator.Strict)
			Expect(res.Version).To(Equal("2.D.V08"))
			Expect(rulesOf(res)).To(Equal([]string{"json.bom", "ext.unused"}))
		})

		It("leaves a clean message valid under official", func() {
			res := validate(append([]byte(bom), v08().bytes()...), validator.Official)
			Expect(res.Valid).To(BeTrue())
			Expect(res.Findings).To(ConsistOf(finding("json.bom", "", validator.Warning)))
		})
	})

	When("a member name repeats", func() {
		It("judges the last value, as most parsers do", func() {
			data := append([]byte(`{"Description":7,`), v08().bytes()[1:]...)
			data = bytes.Replace(data, []byte(`"Description":"Port scan of the web front end"`), []byte(`"Description":"x","Description":9`), 1)
			res := validate(data, validator.Strict)
			Expect(res.Findings).To(ContainElement(finding("schema.type", "/Description", validator.Error)))
		})
	})

	When("the message is 10,000 arrays deep", func() {
		It("reports the depth limit under both profiles without panicking", func() {
			data := []byte(nested(10000))
			Expect(func() { validate(data, validator.Strict) }).NotTo(Panic())
			expectVerdict(data, false, false, "json.limit-depth")
		})
	})

	When("the message is 10,000 objects deep", func() {
		It("reports the depth limit", func() {
			data := []byte(strings.Repeat(`{"a":`, 10000) + "1" + strings.Repeat("}", 10000))
			expectVerdict(data, false, false, "json.limit-depth")
		})
	})

	When("the text is truncated", func() {
		It("reports a syntax error and no revision", func() {
			res := validate(v08().bytes()[:40], validator.Official)
			Expect(rulesOf(res)).To(Equal([]string{"json.syntax"}))
			Expect(res.Version).To(BeEmpty())
		})
	})

	When("the message is a number with an exponent of 99999", func() {
		It("reports the number limit, not a schema failure", func() {
			expectVerdict([]byte(`1e99999`), false, false, "json.limit-number")
		})
	})
})

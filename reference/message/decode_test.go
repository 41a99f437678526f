package message_test

import (
	"encoding/json"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/idmefcheck/idmefcheck/reference/message"
)

func codes(d *message.Decoded) []string {
	var out []string
	for _, p := range d.Problems {
		out = append(out, p.Code)
	}
	return out
}

var _ = Describe("Decode", func() {
	lim := message.DefaultLimits()

	It("reads an object into maps, slices, strings and json.Number", func() {
		d := message.Decode([]byte(`{"a":[1,"x",true,null,{"b":2.50}]}`), lim)
		Expect(d.Problems).To(BeEmpty())
		Expect(d.Value).To(Equal(map[string]any{"a": []any{json.Number("1"), "x", true, nil, map[string]any{"b": json.Number("2.50")}}}))
	})

	It("keeps a number's literal as written", func() {
		d := message.Decode([]byte(`{"p":443.0,"q":1E2}`), lim)
		Expect(d.Value).To(HaveKeyWithValue("p", json.Number("443.0")))
		Expect(d.Value).To(HaveKeyWithValue("q", json.Number("1E2")))
	})

	Context("with problems in the JSON text", Label("IDMEF2-5.8-1"), func() {
		It("reports invalid UTF-8 with its offset and produces no value", Label("R4766-5.1"), func() {
			d := message.Decode([]byte("{\"a\":\"\xff\"}"), lim)
			Expect(codes(d)).To(Equal([]string{message.InvalidUTF8}))
			Expect(d.Problems[0].Offset).To(BeEquivalentTo(6))
			Expect(d.Fatal()).To(BeTrue())
			Expect(d.Value).To(BeNil())
		})

		It("reports a byte order mark and still reads the value", func() {
			d := message.Decode([]byte("\xEF\xBB\xBF{\"a\":1}"), lim)
			Expect(codes(d)).To(Equal([]string{message.BOM}))
			Expect(d.Fatal()).To(BeFalse())
			Expect(d.Value).To(HaveKey("a"))
		})

		It("reports a duplicate member with its pointer and keeps the last value", func() {
			d := message.Decode([]byte(`{"x":{"a":1,"a":2}}`), lim)
			Expect(codes(d)).To(Equal([]string{message.DuplicateKey}))
			Expect(d.Problems[0].Pointer).To(Equal("/x/a"))
			Expect(d.Value).To(HaveKeyWithValue("x", HaveKeyWithValue("a", json.Number("2"))))
		})

		It("tells apart the same name in different objects from a duplicate", func() {
			d := message.Decode([]byte(`{"a":{"n":1},"b":{"n":2}}`), lim)
			Expect(d.Problems).To(BeEmpty())
		})

		It("reports an unpaired escaped surrogate", Label("IDMEF2-3.3-1"), func() {
			d := message.Decode([]byte(`{"s":"a\ud800b"}`), lim)
			Expect(codes(d)).To(Equal([]string{message.Surrogate}))
			Expect(d.Problems[0].Pointer).To(Equal("/s"))
			Expect(d.Value).To(HaveKeyWithValue("s", "a\uFFFDb"))
		})

		It("accepts a paired surrogate escape and an escaped backslash before a u", func() {
			d := message.Decode([]byte(`{"s":"\ud83d\ude00 \\ud800"}`), lim)
			Expect(d.Problems).To(BeEmpty())
			Expect(d.Value).To(HaveKeyWithValue("s", "😀 \\ud800"))
		})

		It("reports a low surrogate escape on its own", func() {
			d := message.Decode([]byte(`{"s":"\udc00"}`), lim)
			Expect(codes(d)).To(Equal([]string{message.Surrogate}))
		})

		It("reports data after the value but keeps the value", func() {
			d := message.Decode([]byte("{\"a\":1} {\"b\":2}\n"), lim)
			Expect(codes(d)).To(Equal([]string{message.TrailingData}))
			Expect(d.Problems[0].Offset).To(BeEquivalentTo(8))
			Expect(d.Value).To(HaveKey("a"))
		})

		It("accepts trailing white space", func() {
			Expect(message.Decode([]byte("{}\r\n\t "), lim).Problems).To(BeEmpty())
		})

		DescribeTable("reports syntax errors with where they are",
			func(in string, offset int) {
				d := message.Decode([]byte(in), lim)
				Expect(codes(d)).To(Equal([]string{message.Syntax}))
				Expect(d.Problems[0].Offset).To(BeEquivalentTo(offset))
				Expect(d.Problems[0].Detail).NotTo(BeEmpty())
				Expect(d.Value).To(BeNil())
			},
			Entry("a missing comma", `{"a": [1, 2 3]}`, 12),
			Entry("a truncated object", `{"a": 1`, 7),
			Entry("a single-quoted string", `{'a': 1}`, 1),
			Entry("a trailing comma", `{"a": 1,}`, 7),
			Entry("a leading zero", `{"a": 01}`, 7),
			Entry("NaN", `{"a": NaN}`, 6),
		)

		It("reports an empty text", func() {
			Expect(codes(message.Decode([]byte(" \n "), lim))).To(Equal([]string{message.Empty}))
		})
	})

	Context("with limits", func() {
		It("refuses a message longer than MaxBytes without reading it", func() {
			small := lim
			small.MaxBytes = 10
			d := message.Decode([]byte(`{"a":"0123456789"}`), small)
			Expect(codes(d)).To(Equal([]string{message.TooLarge}))
		})

		It("stops at 10,000 levels of nesting with a clear problem", func() {
			in := strings.Repeat("[", 10000) + strings.Repeat("]", 10000)
			d := message.Decode([]byte(in), lim)
			Expect(codes(d)).To(Equal([]string{message.TooDeep}))
			Expect(d.Problems[0].Detail).To(ContainSubstring("256"))
		})

		It("accepts nesting up to the limit", func() {
			in := strings.Repeat("[", 256) + strings.Repeat("]", 256)
			Expect(message.Decode([]byte(in), lim).Problems).To(BeEmpty())
		})

		It("accepts a 400-digit number and keeps every digit", func() {
			n := strings.Repeat("9", 400)
			d := message.Decode([]byte(`{"n":`+n+`}`), lim)
			Expect(d.Problems).To(BeEmpty())
			Expect(d.Value).To(HaveKeyWithValue("n", json.Number(n)))
		})

		It("refuses a number literal longer than the limit", func() {
			d := message.Decode([]byte(`{"n":`+strings.Repeat("1", 1001)+`}`), lim)
			Expect(codes(d)).To(Equal([]string{message.NumberLimit}))
			Expect(d.Problems[0].Pointer).To(Equal("/n"))
		})

		It("refuses an exponent beyond the limit, which would cost big-number arithmetic", func() {
			d := message.Decode([]byte(`{"n":1e99999}`), lim)
			Expect(codes(d)).To(Equal([]string{message.NumberLimit}))
		})

		It("accepts an exponent of zeros", func() {
			Expect(message.Decode([]byte(`{"n":1e0,"m":0.8E00}`), lim).Problems).To(BeEmpty())
		})

		It("accepts a large exponent within the limit", func() {
			Expect(message.Decode([]byte(`{"n":1e-400}`), lim).Problems).To(BeEmpty())
		})
	})
})

var _ = Describe("Locate", func() {
	doc := []byte("{\n  \"a\": 1,\n  \"b\": [\n    true,\n    {\"c\": \"x\"}\n  ]\n}\n")

	DescribeTable("finds where a pointer's value starts",
		func(ptr string, line, col int) {
			l, c := message.Locate(doc, ptr)
			Expect([]int{l, c}).To(Equal([]int{line, col}))
		},
		Entry("the whole message", "", 1, 1),
		Entry("a member", "/a", 2, 8),
		Entry("an array", "/b", 3, 8),
		Entry("an element", "/b/0", 4, 5),
		Entry("a member of an element", "/b/1/c", 5, 11),
		Entry("a missing member, at its enclosing object", "/b/1/zz", 5, 5),
	)

	It("finds a pointer in a message behind a byte order mark", func() {
		l, c := message.Locate([]byte("\xEF\xBB\xBF{\"a\":\n 2}"), "/a")
		Expect([]int{l, c}).To(Equal([]int{2, 2}))
	})
})

package message_test

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/idmefcheck/idmefcheck/reference/message"
)

// fromTape rebuilds the value a tape holds, in the form Decode gives, so the two readers can
// be compared.
func fromTape(t *message.Tape, i int) any {
	tk := t.Tokens()[i]
	switch tk.Kind {
	case '{':
		obj := map[string]any{}
		for k := i + 1; k < int(tk.Next); k = int(t.Tokens()[k+1].Next) {
			obj[t.Text(k)] = fromTape(t, k+1)
		}
		return obj
	case '[':
		arr := []any{}
		for k := i + 1; k < int(tk.Next); k = int(t.Tokens()[k].Next) {
			arr = append(arr, fromTape(t, k))
		}
		return arr
	case '"':
		return strings.Clone(t.Text(i))
	case '0':
		return json.Number(t.Raw(i))
	case 't':
		return true
	case 'f':
		return false
	}
	return nil
}

var _ = Describe("Tape", func() {
	lim := message.DefaultLimits()

	It("reads a clean message into tokens that rebuild Decode's value", func() {
		in := []byte(`{"a":[1,-2.5e3,"x\u00e9\ud83d\ude00\n",true,false,null,{}],"b":{"c":[]}, "d" : "plain"}`)
		var t message.Tape
		Expect(t.Parse(in, lim)).To(BeTrue())
		Expect(fromTape(&t, 0)).To(Equal(message.Decode(in, lim).Value))
		Expect(t.Tokens()[0].Len).To(BeEquivalentTo(3))
	})

	It("reads U+FFFD and four-byte characters written as UTF-8", func() {
		var t message.Tape
		in := []byte("{\"k\":\"\xef\xbf\xbd and \xf0\x9f\x98\x80, twelve more\"}")
		Expect(t.Parse(in, lim)).To(BeTrue())
		Expect(t.Text(2)).To(Equal("\uFFFD and \U0001F600, twelve more"))
	})

	It("shares the bytes of a string without escapes", func() {
		var t message.Tape
		in := []byte(`{"k":"value"}`)
		Expect(t.Parse(in, lim)).To(BeTrue())
		Expect(t.Text(2)).To(Equal("value"))
	})

	It("agrees with Decode wherever a special byte falls in a string read eight bytes at a time", func() {
		// Strings are scanned a word at a time: put each byte that ends a run of ordinary
		// characters (and some that do not) at every offset of strings of every length
		// around the word size, with a second special byte after it.
		specials := []string{`"`, `\\`, `\n`, `\u00e9`, "\x01", "\x1f", " ", "\x7f", "é", "\u20ac", "!", "#", "[", "]", "\\\"", "\t"}
		var t message.Tape
		for n := 0; n <= 20; n++ {
			for pos := 0; pos <= n; pos++ {
				for _, s := range specials {
					for _, s2 := range []string{"", `"`, "\x02", `\t`} {
						body := strings.Repeat("a", pos) + s + strings.Repeat("b", n-pos) + s2
						for i, in := range []string{`{"k":"` + body + `"}`, `["` + body + `","z"]`, `{"` + body + `":1}`} {
							escapedName := i == 2 && strings.Contains(body, `\`)
							d := message.Decode([]byte(in), lim)
							clean := len(d.Problems) == 0
							if t.Parse([]byte(in), lim) {
								Expect(clean).To(BeTrue(), "the tape accepts %q", in)
								Expect(fromTape(&t, 0)).To(Equal(d.Value), "%q", in)
							} else if clean && !escapedName {
								Fail(fmt.Sprintf("the tape refuses %q, which Decode reads cleanly", in))
							}
						}
					}
				}
			}
		}
	})

	DescribeTable("refuses what it leaves to the full decoder",
		func(in string) {
			var t message.Tape
			Expect(t.Parse([]byte(in), lim)).To(BeFalse())
		},
		Entry("a byte order mark", "\xEF\xBB\xBF{}"),
		Entry("invalid UTF-8", "{\"a\":\"\xff\"}"),
		Entry("an overlong UTF-8 sequence", "{\"a\":\"\xc0\xaf\"}"),
		Entry("a surrogate encoded in UTF-8", "{\"a\":\"x\xed\xa0\x80\"}"),
		Entry("a UTF-8 sequence cut by the closing quote", "{\"a\":\"abcdefgh\xe2\x82\"}"),
		Entry("a code point above U+10FFFF", "{\"a\":\"\xf4\x90\x80\x80\"}"),
		Entry("non-ASCII outside strings", "{\"a\":1\xc2\xa0}"),
		Entry("a repeated member", `{"a":1,"a":1}`),
		Entry("an escaped member name", `{"\u0061":1}`),
		Entry("a lone surrogate", `{"a":"\ud800"}`),
		Entry("a low surrogate first", `{"a":"\udc00\ud800"}`),
		Entry("trailing data", `{} {}`),
		Entry("a trailing comma", `{"a":1,}`),
		Entry("a leading zero", `{"a":01}`),
		Entry("a bare fraction point", `{"a":1.}`),
		Entry("a control character in a string", "{\"a\":\"\t\"}"),
		Entry("a bad escape", `{"a":"\x"}`),
		Entry("too deep", strings.Repeat("[", 300)+strings.Repeat("]", 300)),
		Entry("a long exponent", `{"a":1e12345}`),
		Entry("an empty text", ""),
		Entry("a truncated literal", `{"a":tru}`),
	)
})

// FuzzTape checks the fast reader against the full decoder: whatever the tape accepts, the
// decoder reads without any problem and to the same value.
func FuzzTape(f *testing.F) {
	for _, s := range []string{`{}`, `{"a":[1,2,{"b":"c"}]}`, `{"s":"\ud83d\ude00\u00e9\"\\"}`, `[1e5,-0,0.5]`, `"x"`, `{"a":1,"b":[true,false,null]}`} {
		f.Add([]byte(s))
	}
	lim := message.DefaultLimits()
	lim.MaxDepth = 64
	var t message.Tape
	f.Fuzz(func(tt *testing.T, data []byte) {
		if !t.Parse(data, lim) {
			return
		}
		d := message.Decode(data, lim)
		if len(d.Problems) > 0 {
			tt.Fatalf("the tape accepts %q, the decoder reports %v", data, d.Problems)
		}
		got, want := fromTape(&t, 0), d.Value
		if !equalJSON(got, want) {
			tt.Fatalf("tape %v, decoder %v for %q", got, want, data)
		}
	})
}

func equalJSON(a, b any) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return string(x) == string(y) || strconv.Quote(string(x)) == strconv.Quote(string(y))
}

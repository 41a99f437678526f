package schema_test

import (
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/idmefcheck/idmefcheck/schema"
)

const tinyModel = `
versions: ["A", "B", "C"]
parts:
  d: "[0-9]"
types:
  STRING: {json: string}
  NUM: {json: string, pattern: "^<d>+$"}
  ENUM: {json: string}
  VERSION: {json: string}
classes:
  Alert:
    fields:
      - {name: Version, type: VERSION, required: true}
      - {name: Old, in: "..B", type: STRING}
      - {name: N, type: {"A": NUM, "B..": "NUM[]"}, required: "C"}
      - {name: Kind, type: "ENUM[]", enum: Kinds}
      - {name: Sub, class: "Sub[]"}
  Sub:
    fields:
      - {name: X, type: STRING}
enums:
  Kinds:
    values:
      - {in: all, list: [a]}
      - {in: "B..", list: [b]}
`

var _ = Describe("ParseModel", func() {
	It("resolves each revision's fields, types, lists and enumerations", func() {
		m, err := schema.ParseModel("tiny", []byte(tinyModel))
		Expect(err).NotTo(HaveOccurred())
		a, _ := m.Revision("A")
		c, _ := m.Revision("C")
		_, hasOld := a.Alert.Field("Old")
		Expect(hasOld).To(BeTrue())
		_, hasOld = c.Alert.Field("Old")
		Expect(hasOld).To(BeFalse())
		na, _ := a.Alert.Field("N")
		nc, _ := c.Alert.Field("N")
		Expect([]bool{na.List, na.Required, nc.List, nc.Required}).To(Equal([]bool{false, false, true, true}))
		Expect(a.EnumValues("Kinds")).To(Equal([]string{"a"}))
		Expect(c.EnumValues("Kinds")).To(Equal([]string{"a", "b"}))
		Expect(na.Type.Pattern).To(Equal("^[0-9]+$"))
	})

	It("renders ranges the way the file writes them", func() {
		m, _ := schema.ParseModel("tiny", []byte(tinyModel))
		old := m.Classes()[0].Fields[1]
		Expect(m.Range(old.In)).To(Equal("..B"))
		Expect(m.Range(m.Classes()[0].Fields[0].In)).To(Equal("all"))
	})

	DescribeTable("refuses a model that does not hang together, saying where",
		func(from, to, wantErr string) {
			_, err := schema.ParseModel("tiny", []byte(replaceOnce(tinyModel, from, to)))
			Expect(err).To(MatchError(ContainSubstring(wantErr)))
			Expect(err.Error()).To(HavePrefix("schema: tiny"))
		},
		Entry("an unknown revision in a range", `in: "..B"`, `in: "..Z"`, `unknown revision "Z"`),
		Entry("an empty range", `in: "..B"`, `in: ".."`, "is empty"),
		Entry("an unknown type", "{name: X, type: STRING}", "{name: X, type: STRNG}", `unknown type "STRNG"`),
		Entry("an unknown enumeration", "enum: Kinds", "enum: Kindz", `unknown enumeration "Kindz"`),
		Entry("overlapping ranges", `{"A": NUM, "B..": "NUM[]"}`, `{"A..B": NUM, "B..": "NUM[]"}`, "overlap"),
		Entry("a revision without a type", `{"A": NUM, "B..": "NUM[]"}`, `{"A": NUM, "C": "NUM[]"}`, "needs exactly one type or class"),
		Entry("required where the field is absent", `in: "..B", type: STRING}`, `in: "..B", type: STRING, required: "C"}`, "does not exist"),
		Entry("an unknown part", `"^<d>+$"`, `"^<digit>+$"`, "unknown part <digit>"),
		Entry("an unanchored pattern", `"^<d>+$"`, `"<d>+"`, "anchored"),
		Entry("a misspelt key", "required: true}", "requird: true}", "requird"),
		Entry("a class that does not exist", `class: "Sub[]"`, `class: "Sup[]"`, `class "Sup" does not exist`),
	)
})

var _ = Describe("Revision.Resolve", func() {
	var rev *schema.Revision
	BeforeEach(func() {
		set, err := schema.Load()
		Expect(err).NotTo(HaveOccurred())
		rev, _ = set.Model().Revision("2.D.V08")
	})

	DescribeTable("finds the field a pointer addresses",
		func(tokens []string, path string, item bool) {
			f, isItem, ok := rev.Resolve(tokens)
			Expect(ok).To(BeTrue())
			Expect(f.Path()).To(Equal(path))
			Expect(isItem).To(Equal(item))
		},
		Entry(nil, []string{"CreateTime"}, "CreateTime", false),
		Entry(nil, []string{"Source"}, "Source", false),
		Entry(nil, []string{"Source", "2"}, "Source", true),
		Entry(nil, []string{"Source", "2", "Port", "0"}, "Source.Port", true),
		Entry(nil, []string{"Analyzer", "Name"}, "Analyzer.Name", false),
	)

	DescribeTable("says when a pointer leaves the model",
		func(tokens []string) {
			_, _, ok := rev.Resolve(tokens)
			Expect(ok).To(BeFalse())
		},
		Entry("an unknown member", []string{"Nope"}),
		Entry("an index into a single class", []string{"Analyzer", "0"}),
		Entry("a non-number index", []string{"Source", "x"}),
		Entry("a leading-zero index", []string{"Source", "01"}),
		Entry("inside Content", []string{"Attachment", "0", "Content", "k"}),
	)
})

func replaceOnce(s, from, to string) string {
	Expect(strings.Count(s, from)).To(Equal(1), "the fixture should hold %q once", from)
	return strings.Replace(s, from, to, 1)
}

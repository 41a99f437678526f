package observe_test

import (
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/idmefcheck/idmefcheck/conformance/observe"
)

var _ = Describe("ParseLine", func() {
	It("reads an envelope line: who delivered it, when, and the exact bytes received", func() {
		line := `{"received":"2026-11-24T08:20:55.41Z","analyzer":"dns:analyzer.test","mode":"push","seq":7,"id":"019BBD04-AAAA","message":"{\"Version\":\"2.D.V08\",\"ID\":\"019bbd04-aaaa\"}"}`
		o, err := observe.ParseLine([]byte(line), "obs.ndjson:3")
		Expect(err).NotTo(HaveOccurred())
		Expect(o).To(Equal(observe.Observation{
			ID: "019BBD04-AAAA", Analyzer: "dns:analyzer.test", Received: time.Date(2026, 11, 24, 8, 20, 55, 410000000, time.UTC),
			Message: []byte(`{"Version":"2.D.V08","ID":"019bbd04-aaaa"}`), Exact: true, Where: "obs.ndjson:3",
		}))
	})

	It("takes an envelope's ID from its message when the envelope has none", func() {
		o, err := observe.ParseLine([]byte(`{"message":"{\"ID\":\"m-1\"}"}`), "w")
		Expect(err).NotTo(HaveOccurred())
		Expect(o.ID).To(Equal("m-1"))
		Expect(o.Exact).To(BeTrue())
	})

	It("reads a bare message as stored, not exact", func() {
		line := "  {\"Version\":\"2.D.V08\",\"ID\":\"AbC\",\"Description\":\"x\"}\r\n"
		o, err := observe.ParseLine([]byte(line), "w")
		Expect(err).NotTo(HaveOccurred())
		Expect(o).To(Equal(observe.Observation{ID: "AbC", Message: []byte(`{"Version":"2.D.V08","ID":"AbC","Description":"x"}`), Where: "w"}))
	})

	It("reads only the member named ID as a bare message's ID, as JSON names are exact", func() {
		_, err := observe.ParseLine([]byte(`{"id":"x","Id":"y"}`), "w")
		Expect(err).To(MatchError(ContainSubstring("neither an envelope")))
		o, err := observe.ParseLine([]byte(`{"id":"x","ID":"y"}`), "w")
		Expect(err).NotTo(HaveOccurred())
		Expect(o.ID).To(Equal("y"))
	})

	It("takes an envelope only from a member named message", func() {
		o, err := observe.ParseLine([]byte(`{"Message":"hello","ID":"z"}`), "w")
		Expect(err).NotTo(HaveOccurred())
		Expect(o.Exact).To(BeFalse(), "Message is an ordinary member of a bare message")
		Expect(o.ID).To(Equal("z"))
	})

	DescribeTable("refuses a line it cannot read, naming where it is",
		func(line, words string) {
			_, err := observe.ParseLine([]byte(line), "obs.ndjson:9")
			Expect(err).To(MatchError(And(HavePrefix("obs.ndjson:9: "), ContainSubstring(words))))
		},
		Entry("not JSON", `{"ID":`, "not a JSON object"),
		Entry("a JSON array", `[{"ID":"x"}]`, "not a JSON object"),
		Entry("null", `null`, "not a JSON object"),
		Entry("empty", ``, "not a JSON object"),
		Entry("a bare message without ID", `{"Version":"2.D.V08"}`, "neither an envelope"),
		Entry("a bare message with a numeric ID", `{"ID":7}`, "neither an envelope"),
		Entry("an empty ID", `{"ID":""}`, "neither an envelope"),
		Entry("an envelope whose message is an object", `{"message":{"ID":"x"}}`, "message is not a JSON string"),
		Entry("an envelope whose message is null", `{"message":null,"id":"x"}`, "message is not a JSON string"),
		Entry("an envelope whose message has no ID", `{"message":"{\"Version\":\"2.D.V08\"}"}`, "the envelope's message has no ID"),
		Entry("an envelope whose message is not JSON", `{"message":"hello"}`, "the envelope's message has no ID"),
		Entry("an envelope with a bad time", `{"message":"{\"ID\":\"x\"}","received":"yesterday"}`, "received is not an RFC 3339 time"),
		Entry("an envelope with a numeric analyzer", `{"message":"{\"ID\":\"x\"}","analyzer":1}`, "analyzer is not a string"),
		Entry("an envelope with a numeric id", `{"message":"{\"ID\":\"x\"}","id":1}`, "id is not a string"),
	)
})

var _ = Describe("Key", func() {
	It("is the same for IDs that differ only in case", func() {
		Expect(observe.Key("019BBD04-ABCD")).To(Equal(observe.Key("019bbd04-abcd")))
		Expect(observe.Key("a")).NotTo(Equal(observe.Key("b")))
	})
})

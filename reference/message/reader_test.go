package message_test

import (
	"bytes"
	"errors"
	"io"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/idmefcheck/idmefcheck/reference/message"
)

type item struct {
	Index, Line int
	Data        string
	Oversize    string
}

func readAll(r *message.Reader) ([]item, error) {
	var out []item
	for {
		it, err := r.Next()
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return out, err
		}
		i := item{Index: it.Index, Line: it.Line, Data: string(it.Data)}
		if it.Oversize != nil {
			i.Oversize = it.Oversize.Code
		}
		out = append(out, i)
	}
}

// endless yields an endless line of 'x', to show the reader never holds a whole line.
type endless struct{ n, limit int }

func (e *endless) Read(p []byte) (int, error) {
	if e.n >= e.limit {
		copy(p, "\n{}\n")
		e.limit = -1 << 62
		return min(len(p), 4), io.EOF
	}
	for i := range p {
		p[i] = 'x'
	}
	e.n += len(p)
	return len(p), nil
}

var _ = Describe("Reader", func() {
	lim := message.DefaultLimits()

	Context("with NDJSON framing", func() {
		It("yields one message per non-blank line with its index and line", func() {
			r := message.NewReader(strings.NewReader("{\"a\":1}\n\n  \r\n{\"b\":2}\r\n{\"c\":3}"), true, lim)
			Expect(readAll(r)).To(Equal([]item{
				{Index: 0, Line: 1, Data: `{"a":1}`},
				{Index: 1, Line: 4, Data: `{"b":2}`},
				{Index: 2, Line: 5, Data: `{"c":3}`},
			}))
		})

		It("yields nothing for an empty stream", func() {
			Expect(readAll(message.NewReader(strings.NewReader(""), true, lim))).To(BeEmpty())
		})

		It("skips a line longer than the limit, reports it, and goes on", func() {
			small := lim
			small.MaxBytes = 16
			in := "{\"a\":1}\n" + `{"long":"` + strings.Repeat("y", 100) + "\"}\n{\"b\":2}\n"
			items, err := readAll(message.NewReader(strings.NewReader(in), true, small))
			Expect(err).NotTo(HaveOccurred())
			Expect(items).To(Equal([]item{
				{Index: 0, Line: 1, Data: `{"a":1}`},
				{Index: 1, Line: 2, Oversize: message.TooLarge},
				{Index: 2, Line: 3, Data: `{"b":2}`},
			}))
		})

		It("reads past a 100 MB line holding no more than the limit", func() {
			small := lim
			small.MaxBytes = 1 << 20
			items, err := readAll(message.NewReader(&endless{limit: 100 << 20}, true, small))
			Expect(err).NotTo(HaveOccurred())
			Expect(items).To(HaveLen(2))
			Expect(items[0].Oversize).To(Equal(message.TooLarge))
			Expect(items[1]).To(Equal(item{Index: 1, Line: 2, Data: "{}"}))
		})

		It("passes on an I/O error after the messages read before it", func() {
			r := message.NewReader(io.MultiReader(strings.NewReader("{}\n"), iotestErr{}), true, lim)
			items, err := readAll(r)
			Expect(items).To(HaveLen(1))
			Expect(err).To(MatchError("disk on fire"))
		})
	})

	Context("with single-message framing", func() {
		It("yields the whole input as message 0", func() {
			items, err := readAll(message.NewReader(strings.NewReader("{\n\"a\": 1\n}\n"), false, lim))
			Expect(err).NotTo(HaveOccurred())
			Expect(items).To(Equal([]item{{Index: 0, Line: 1, Data: "{\n\"a\": 1\n}\n"}}))
		})

		It("yields an empty message for an empty input, so that it is reported", func() {
			items, _ := readAll(message.NewReader(bytes.NewReader(nil), false, lim))
			Expect(items).To(Equal([]item{{Index: 0, Line: 1}}))
		})

		It("reports an input longer than the limit without keeping it", func() {
			small := lim
			small.MaxBytes = 8
			items, _ := readAll(message.NewReader(strings.NewReader(strings.Repeat(" ", 100)), false, small))
			Expect(items).To(Equal([]item{{Line: 1, Oversize: message.TooLarge}}))
		})
	})
})

type iotestErr struct{}

func (iotestErr) Read([]byte) (int, error) { return 0, errors.New("disk on fire") }

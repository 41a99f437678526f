package faultproxy

import (
	"bytes"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

// record frames a payload as a TLS record of type 23.
func record(payload string) []byte {
	return append([]byte{23, 3, 3, byte(len(payload) >> 8), byte(len(payload))}, payload...)
}

var _ = Describe("recordRepeater", func() {
	stream := bytes.Join([][]byte{record("hello"), record("the body"), record(""), record("close")}, nil)
	feedInChunks := func(r *recordRepeater, size int) []byte {
		var out []byte
		for i := 0; i < len(stream); i += size {
			out = append(out, r.feed(stream[i:min(i+size, len(stream))])...)
		}
		return out
	}

	It("repeats the wanted record right after it, however the stream is cut", func() {
		want := bytes.Join([][]byte{record("hello"), record("the body"), record("the body"), record(""), record("close")}, nil)
		for size := 1; size <= len(stream); size++ {
			Expect(feedInChunks(&recordRepeater{want: 2}, size)).To(Equal(want), "chunks of %d bytes", size)
		}
	})

	It("repeats a record without payload", func() {
		want := bytes.Join([][]byte{record("hello"), record("the body"), record(""), record(""), record("close")}, nil)
		Expect(feedInChunks(&recordRepeater{want: 3}, 3)).To(Equal(want))
	})

	It("leaves the stream alone when no record is wanted", func() {
		Expect(feedInChunks(&recordRepeater{}, 4)).To(Equal(stream))
	})
})

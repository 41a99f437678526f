package message_test

import (
	"os"
	"testing"

	"github.com/idmefcheck/idmefcheck/reference/message"
)

// BenchmarkTape measures the fast reader on a realistic alert, against the full decoder.
func BenchmarkTape(b *testing.B) {
	data, err := os.ReadFile("../../vectors/samples/valid-2.D.V08-port-scan.json")
	if err != nil {
		b.Fatal(err)
	}
	lim := message.DefaultLimits()
	b.Run("tape", func(b *testing.B) {
		var t message.Tape
		b.SetBytes(int64(len(data)))
		b.ReportAllocs()
		for b.Loop() {
			if !t.Parse(data, lim) {
				b.Fatal("not clean")
			}
		}
	})
	b.Run("decode", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		b.ReportAllocs()
		for b.Loop() {
			message.Decode(data, lim)
		}
	})
}

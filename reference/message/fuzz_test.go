package message_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"testing"
	"time"

	"github.com/idmefcheck/idmefcheck/reference/message"
)

// FuzzDecode checks that Decode never panics, that a value comes exactly when no fatal
// problem does, and that whatever it accepts without problems, encoding/json accepts too.
func FuzzDecode(f *testing.F) {
	for _, s := range []string{`{}`, `{"a":[1,2,{"b":"c"}]}`, "\xEF\xBB\xBF{}", `{"a":1,"a":2}`, `{"s":"\ud800"}`,
		`[[[[]]]]`, `{"n":1e400}`, `{} {}`, "{\"a\":\"\xff\"}", `{"Version":"2.D.V08","ID":"x"}`} {
		f.Add([]byte(s))
	}
	lim := message.DefaultLimits()
	lim.MaxDepth = 64
	f.Fuzz(func(t *testing.T, data []byte) {
		// A hang is a failure: crash the worker so the fuzzer keeps the input.
		watchdog := time.AfterFunc(10*time.Second, func() { panic(fmt.Sprintf("slow on %q", data)) })
		defer watchdog.Stop()
		d := message.Decode(data, lim)
		if d.Fatal() != (d.Value == nil && len(d.Problems) > 0 && !isNull(data)) && !isNull(data) {
			t.Fatalf("fatal=%v value=%v problems=%v", d.Fatal(), d.Value, d.Problems)
		}
		for _, p := range d.Problems {
			if p.Offset < 0 || p.Offset > int64(len(data)) {
				t.Fatalf("problem %s at offset %d outside a %d-byte input", p.Code, p.Offset, len(data))
			}
			if p.Detail == "" {
				t.Fatalf("problem %s without a detail", p.Code)
			}
		}
		if len(d.Problems) == 0 && !json.Valid(data) {
			t.Fatalf("accepted %q, which encoding/json refuses", data)
		}
		line, col := message.Locate(data, "/a/0")
		if line < 1 || col < 1 {
			t.Fatalf("Locate gave %d:%d", line, col)
		}
	})
}

func isNull(data []byte) bool { return string(bytes.TrimSpace(data)) == "null" }

// FuzzReader checks that the stream reader never panics, never returns more than the limit
// and accounts for every non-blank line.
func FuzzReader(f *testing.F) {
	f.Add([]byte("{}\n{\"a\":1}\n\n"), uint16(8))
	f.Add([]byte("xxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\n{}"), uint16(4))
	f.Fuzz(func(t *testing.T, data []byte, max uint16) {
		lim := message.DefaultLimits()
		lim.MaxBytes = int(max%4096) + 1
		r := message.NewReader(bytes.NewReader(data), true, lim)
		n := 0
		for {
			it, err := r.Next()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				t.Fatal(err)
			}
			if it.Index != n {
				t.Fatalf("index %d, want %d", it.Index, n)
			}
			if len(it.Data) > lim.MaxBytes+2 {
				t.Fatalf("a %d-byte message passed a %d-byte limit", len(it.Data), lim.MaxBytes)
			}
			n++
		}
		want := 0
		for _, line := range bytes.Split(data, []byte("\n")) {
			if len(bytes.TrimSpace(line)) > 0 {
				want++
			}
		}
		if n != want {
			t.Fatalf("%d messages from %d non-blank lines", n, want)
		}
	})
}

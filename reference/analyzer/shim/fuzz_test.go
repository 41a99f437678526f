package shim_test

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"testing"

	"github.com/idmefcheck/idmefcheck/reference/analyzer/shim"
	"github.com/idmefcheck/idmefcheck/schema"
)

// FuzzServe holds the shim's side of the protocol to its contract on any input from the
// harness: no panic; Serve ends with nil or an error wrapping ErrProtocol (the producer here
// never fails to start or stop); and every line it writes is a message the protocol's schema
// accepts, so that a harness never reads a reply it cannot trust.
func FuzzServe(f *testing.F) {
	f.Add([]byte(`{"cmd":"start","version":1}` + "\n" + `{"cmd":"emit","seq":0,"scenario":"basic","count":2}` + "\n" + `{"cmd":"stop"}` + "\n"))
	f.Add([]byte(`{"cmd":"emit","seq":3,"scenario":"basic","count":1}` + "\n"))
	f.Add([]byte(`{"cmd":"start","version":1}` + "\n" + `{"cmd":"emit","seq":1,"scenario":"crash","count":1}` + "\n" + `{"cmd":"emit","seq":2,"scenario":"x","count":1}` + "\n"))
	f.Add([]byte(`{"cmd":"emit","seq":7,"scenario":"basic","count":"two"}` + "\n"))
	f.Add([]byte("not json\n"))
	f.Add(bytes.Repeat([]byte("x"), 1<<20+1)) // a line longer than any request may be
	f.Add([]byte(`{"cmd":"start","version":1}` + "\n" + `{"cmd":"start","version":1}` + "\n"))
	set, err := schema.Load()
	if err != nil {
		f.Fatal(err)
	}
	val, err := shim.NewValidator(set)
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		var out bytes.Buffer
		err := shim.Serve(context.Background(), bytes.NewReader(in), &out, &producer{}, val)
		if err != nil && !errors.Is(err, shim.ErrProtocol) {
			t.Fatalf("Serve: an error that is not a protocol violation: %v", err)
		}
		sc := bufio.NewScanner(&out)
		sc.Buffer(nil, 1<<20)
		for sc.Scan() {
			if err := val.Check(sc.Bytes()); err != nil {
				t.Fatalf("the shim wrote a line the schema refuses: %v\n%s\ninput %q", err, sc.Bytes(), in)
			}
		}
	})
}

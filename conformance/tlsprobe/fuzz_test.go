package tlsprobe

import (
	"bytes"
	"testing"

	"golang.org/x/crypto/cryptobyte"
)

// record frames a handshake or alert payload as TLS records, cut into pieces of at most
// size bytes.
func records(typ byte, payload []byte, size int) []byte {
	var out []byte
	for len(payload) > 0 {
		n := min(size, len(payload))
		out = append(out, typ, 3, 3, byte(n>>8), byte(n))
		out = append(out, payload[:n]...)
		payload = payload[n:]
	}
	return out
}

// serverHello builds a ServerHello message with the given random and extensions.
func serverHello(random []byte, suite uint16, exts func(b *cryptobyte.Builder)) []byte {
	var b cryptobyte.Builder
	b.AddUint8(2)
	b.AddUint24LengthPrefixed(func(b *cryptobyte.Builder) {
		b.AddUint16(VersionTLS12)
		b.AddBytes(random)
		b.AddUint8LengthPrefixed(func(b *cryptobyte.Builder) { b.AddBytes(make([]byte, 32)) })
		b.AddUint16(suite)
		b.AddUint8(0)
		b.AddUint16LengthPrefixed(exts)
	})
	return b.BytesOrPanic()
}

func tls13Exts(group uint16, cookie []byte) func(b *cryptobyte.Builder) {
	return func(b *cryptobyte.Builder) {
		b.AddUint16(43)
		b.AddUint16LengthPrefixed(func(b *cryptobyte.Builder) { b.AddUint16(VersionTLS13) })
		b.AddUint16(51)
		b.AddUint16LengthPrefixed(func(b *cryptobyte.Builder) { b.AddUint16(group) })
		if cookie != nil {
			b.AddUint16(44)
			b.AddUint16LengthPrefixed(func(b *cryptobyte.Builder) {
				b.AddUint16LengthPrefixed(func(b *cryptobyte.Builder) { b.AddBytes(cookie) })
			})
		}
	}
}

// TestReadAnswerAcrossRecords: a ServerHello cut over several records, after a
// change_cipher_spec, reads as one.
func TestReadAnswerAcrossRecords(t *testing.T) {
	hello := serverHello(make([]byte, 32), 0x1301, tls13Exts(0x001d, nil))
	for size := 1; size <= len(hello); size++ {
		stream := append(records(20, []byte{1}, 1), records(22, hello, size)...)
		a, err := readAnswer(bytes.NewReader(stream))
		if err != nil || a != (Answer{Accepted: true, Version: VersionTLS13, Suite: 0x1301, Group: 0x001d}) {
			t.Fatalf("records of %d bytes: %+v, %v", size, a, err)
		}
	}
	a, info, err := readServer(bytes.NewReader(records(22, serverHello(helloRetryRandom, 0x1302, tls13Exts(0x0017, []byte("c00kie"))), 1<<14)))
	if err != nil || !a.Retry || a.Group != 0x0017 || string(info.cookie) != "c00kie" {
		t.Fatalf("HelloRetryRequest: %+v %+v %v", a, info, err)
	}
}

// FuzzReadAnswer holds the ServerHello and alert parser to its contract on any bytes: no
// panic, and either an error or exactly one of accepted, alert and closed.
func FuzzReadAnswer(f *testing.F) {
	f.Add(records(22, serverHello(make([]byte, 32), 0x1301, tls13Exts(0x001d, nil)), 1<<14))
	f.Add(records(22, serverHello(helloRetryRandom, 0x1303, tls13Exts(0x0017, []byte{1, 2})), 7))
	f.Add(records(22, serverHello(make([]byte, 32), 0xc02b, func(*cryptobyte.Builder) {}), 1<<14))
	f.Add(append(records(20, []byte{1}, 1), records(21, []byte{2, 70}, 2)...))
	f.Add([]byte{22, 3, 3, 0, 4, 2, 0, 0, 0})
	f.Add([]byte{})
	f.Add([]byte("HTTP/1.1 400 Bad Request\r\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		a, err := readAnswer(bytes.NewReader(data))
		if err != nil {
			if a != (Answer{}) {
				t.Fatalf("an answer with an error: %+v, %v", a, err)
			}
			return
		}
		n := 0
		for _, b := range []bool{a.Accepted, a.HasAlert, a.Closed} {
			if b {
				n++
			}
		}
		if n != 1 {
			t.Fatalf("not exactly one outcome: %+v", a)
		}
		if (a.Retry || a.Version != 0 || a.Suite != 0 || a.Group != 0) && !a.Accepted {
			t.Fatalf("hello fields without a hello: %+v", a)
		}
		_ = a.String()
	})
}

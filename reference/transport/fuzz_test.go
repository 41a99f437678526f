package transport_test

import (
	"strings"
	"testing"

	"github.com/idmefcheck/idmefcheck/reference/transport"
)

// FuzzParseIdentity: the canonical form ParseIdentity returns is read back as itself, so an
// identity compares equal however it was written.
func FuzzParseIdentity(f *testing.F) {
	for _, s := range []string{"dns:Analyzer.Example", "ip:192.0.2.7", "ip:2001:DB8::1", "IP:::ffff:192.0.2.7", " dns:a ", "dns:", "uri:x", "ip:fe80::1%eth0", "dns:a b"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		id, err := transport.ParseIdentity(s)
		if err != nil {
			if id != "" {
				t.Fatalf("%q: an error and an identity %q", s, id)
			}
			return
		}
		again, err := transport.ParseIdentity(string(id))
		if err != nil || again != id {
			t.Fatalf("%q -> %q -> %q, %v: the canonical form is not a fixed point", s, id, again, err)
		}
	})
}

// FuzzParseAllowList: any bytes give an allow-list or an error naming the file, never a
// panic.
func FuzzParseAllowList(f *testing.F) {
	f.Add([]byte("dns:analyzer.idmefcheck.test # the analyzer\nip:192.0.2.7\nsha256:" + strings.Repeat("ab", 32) + "\n"))
	f.Add([]byte("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"))
	f.Add([]byte("-----BEGIN PRIVATE KEY-----\n-----END PRIVATE KEY-----\n"))
	f.Add([]byte("sha256:zz\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		a, err := transport.ParseAllowList("allow.txt", data)
		if err != nil {
			if a != nil {
				t.Fatalf("an error and an allow-list: %v", err)
			}
			if !strings.Contains(err.Error(), "allow.txt") {
				t.Fatalf("an error that does not name the file: %v", err)
			}
			return
		}
		if a == nil {
			t.Fatal("neither an allow-list nor an error")
		}
	})
}

package schema

import (
	"math/rand/v2"
	"regexp"
	"testing"
)

// The automaton must accept exactly what the regexp accepts. The patterns are the model's,
// the strings are drawn from the characters each grammar uses plus ones it refuses, and
// mutations of typical values.
func TestDFAAgreesWithRegexp(t *testing.T) {
	data, err := FS.ReadFile(ModelFile)
	if err != nil {
		t.Fatal(err)
	}
	m, err := ParseModel(ModelFile, data)
	if err != nil {
		t.Fatal(err)
	}
	samples := []string{"2024-02-29T23:59:60.123+05:45", "1999-12-31T00:00:00Z", "::ffff:1.2.3.4", "fe80::1%eth0",
		"2001:db8::1", "192.168.001.001", "1:2:3:4:5:6:7::", "e5f9bbae-163e-42f9-a2f2-0daaf78fefb1", "text/plain; a=\"b\\\"c\"",
		"48.8,2.29,35", "FR PAR", "sha256:abcd", "tcp", "a-b", "pcap1"}
	alphabet := []byte("0123456789abcdefABCDEF:.-+TZ% /;=\"\\,ptxPRS\t")
	rng := rand.New(rand.NewPCG(1, 2))
	for _, td := range m.Types() {
		if td.Pattern == "" {
			continue
		}
		if td.dfa == nil {
			t.Errorf("type %s: no automaton was built for its pattern", td.Name)
			continue
		}
		re := regexp.MustCompile(td.Pattern)
		for i := 0; i < 300000; i++ {
			var s []byte
			if i%2 == 0 {
				s = []byte(samples[rng.IntN(len(samples))])
				for k := rng.IntN(3); k >= 0; k-- {
					if len(s) > 0 && rng.IntN(2) == 0 {
						j := rng.IntN(len(s))
						s = append(s[:j], s[j+1:]...)
					} else {
						j := rng.IntN(len(s) + 1)
						s = append(s[:j], append([]byte{alphabet[rng.IntN(len(alphabet))]}, s[j:]...)...)
					}
				}
			} else {
				s = make([]byte, rng.IntN(40))
				for k := range s {
					s[k] = alphabet[rng.IntN(len(alphabet))]
				}
			}
			got, ok := td.dfa.match(string(s))
			if ok && got != re.MatchString(string(s)) {
				t.Fatalf("type %s: %q: automaton says %v, regexp %v", td.Name, s, got, !got)
			}
		}
	}
}

// FuzzDFA compares the automaton of the IP pattern, the largest, with the regexp on any input.
func FuzzDFA(f *testing.F) {
	data, _ := FS.ReadFile(ModelFile)
	m, err := ParseModel(ModelFile, data)
	if err != nil {
		f.Fatal(err)
	}
	f.Add("::ffff:1.2.3.4")
	f.Add("2024-02-29T23:59:60Z")
	f.Fuzz(func(t *testing.T, s string) {
		for _, td := range m.Types() {
			if td.dfa == nil {
				continue
			}
			if got, ok := td.dfa.match(s); ok && got != td.re.MatchString(s) {
				t.Fatalf("type %s: %q: automaton says %v", td.Name, s, got)
			}
		}
	})
}

func TestDFARefusesUnanchoredPatterns(t *testing.T) {
	for _, p := range []string{"^a|b$", "a$", "^a", "(?m)^a$"} {
		if compileDFA(p) != nil {
			t.Errorf("%q: an automaton was built for a pattern that is not anchored as a whole", p)
		}
	}
	if compileDFA("^(a|b)c$") == nil {
		t.Error("no automaton for an anchored pattern")
	}
}

// The format automata must agree with their regexps (IsURI and IsEmail use them first).
func TestFormatDFAsAgreeWithRegexps(t *testing.T) {
	for name, pair := range map[string]struct {
		d  *dfa
		re *regexp.Regexp
	}{"uri": {uriDFA(), uriPattern}, "email": {emailDFA(), emailPattern}} {
		if pair.d == nil {
			t.Fatalf("%s: no automaton", name)
		}
		samples := []string{"https://user@example.com:8080/a/b?c=d#e", "urn:cve:CVE-2013-2266", "mailto:a@b", "a.b+c@example.co.uk", `"q t"@x.org`, "x@[192.0.2.1]"}
		alphabet := []byte("abcAZ09:/?#[]@!$&'()*+,;=-._~%\" \\")
		rng := rand.New(rand.NewPCG(3, 4))
		for i := 0; i < 300000; i++ {
			s := []byte(samples[rng.IntN(len(samples))])
			for k := rng.IntN(4); k >= 0; k-- {
				j := rng.IntN(len(s) + 1)
				if rng.IntN(2) == 0 && j < len(s) {
					s[j] = alphabet[rng.IntN(len(alphabet))]
				} else {
					s = append(s[:j], append([]byte{alphabet[rng.IntN(len(alphabet))]}, s[j:]...)...)
				}
			}
			got, ok := pair.d.match(string(s))
			if ok && got != pair.re.MatchString(string(s)) {
				t.Fatalf("%s: %q: automaton %v, regexp %v", name, s, got, !got)
			}
		}
	}
}

// BenchmarkDFA runs the automata of the types a realistic alert holds most, on typical values.
func BenchmarkDFA(b *testing.B) {
	data, _ := FS.ReadFile(ModelFile)
	m, err := ParseModel(ModelFile, data)
	if err != nil {
		b.Fatal(err)
	}
	for _, c := range []struct{ typ, s string }{
		{"UUID", "0194608e-3c5a-7b21-9f3e-5d2c8a1b4e61"},
		{"TIMESTAMP", "2025-01-14T15:58:47.125+01:00"},
		{"IP", "2001:db8::80"},
		{"HASH", "sha256:ae9d4ff05bcc2e4b4c7f755a84d86edb34f0575965d1e0774cbee0fa295721d0"},
	} {
		td, ok := m.Type(c.typ)
		if !ok || td.dfa == nil {
			b.Fatalf("%s: no automaton", c.typ)
		}
		b.Run(c.typ, func(b *testing.B) {
			b.SetBytes(int64(len(c.s)))
			for b.Loop() {
				if matched, _ := td.dfa.match(c.s); !matched {
					b.Fatal("no match")
				}
			}
		})
	}
}

// BenchmarkParseModel reads the model, building every type's automaton: the part of a
// command's start-up the automata take.
func BenchmarkParseModel(b *testing.B) {
	data, err := FS.ReadFile(ModelFile)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ParseModel(ModelFile, data); err != nil {
			b.Fatal(err)
		}
	}
}

// A fixed-shape automaton (UUID's) answers strings of its length byte by byte; that answer
// must be the regexp's, for bytes of every kind at every position.
func TestDFAFixedShape(t *testing.T) {
	data, err := FS.ReadFile(ModelFile)
	if err != nil {
		t.Fatal(err)
	}
	m, err := ParseModel(ModelFile, data)
	if err != nil {
		t.Fatal(err)
	}
	uuid, ok := m.Type("UUID")
	if !ok || uuid.dfa == nil || len(uuid.dfa.fixed) != 36 {
		t.Fatal("UUID: no fixed-shape automaton of 36 bytes")
	}
	for _, name := range []string{"TIMESTAMP", "IP", "HASH"} {
		if td, _ := m.Type(name); td.dfa != nil && td.dfa.fixed != nil {
			t.Errorf("%s: strings of many lengths, yet a fixed shape", name)
		}
	}
	rng := rand.New(rand.NewPCG(5, 6))
	bytes := []byte("0123456789abcdefABCDEFgG-_ :\x00\x7f\xc3\xa9")
	for _, td := range m.Types() {
		if td.dfa == nil || td.dfa.fixed == nil {
			continue
		}
		re := regexp.MustCompile(td.Pattern)
		base := []byte("0194608e-3c5a-7b21-9f3e-5d2c8a1b4e61")
		for i := 0; i < 200000; i++ {
			s := append([]byte(nil), base...)
			for k := rng.IntN(3); k > 0; k-- {
				s[rng.IntN(len(s))] = bytes[rng.IntN(len(bytes))]
			}
			got, ok := td.dfa.match(string(s))
			if want := re.MatchString(string(s)); ok && got != want {
				t.Fatalf("type %s: %q: automaton %v, regexp %v", td.Name, s, got, want)
			}
			if !ok && got {
				t.Fatalf("type %s: %q: a match the automaton does not vouch for", td.Name, s)
			}
		}
	}
}

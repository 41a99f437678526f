// Command crosscheck compares idmefcheck's generated IDMEFv2 schemas with the schemas
// published with the IDMEFv2 drafts, which the project does not ship. It is a maintainer's
// tool (docs/schema.md): it needs a directory holding the published IDMEFv2-V0X.schema.json
// files.
//
// It checks, for every revision, that
//   - each pattern of the model accepts exactly what the corresponding published pattern
//     accepts, over millions of strings drawn from the characters that matter to it;
//   - both schemas give the same verdict on messages generated from the model by flipping
//     one or a few fields at a time (missing, extra, wrong type, keywords of every revision).
//
// Usage: go run ./schema/internal/crosscheck -published DIR [-n N] [-seed S]
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v5"

	"github.com/idmefcheck/idmefcheck/schema"
)

func main() {
	dir := flag.String("published", "", "directory with the published IDMEFv2-V0X.schema.json files")
	n := flag.Int("n", 200000, "generated messages per revision")
	seed := flag.Uint64("seed", 1, "random seed")
	flag.Parse()
	if *dir == "" {
		fmt.Fprintln(os.Stderr, "crosscheck: -published DIR is required")
		os.Exit(2)
	}
	set, err := schema.Load()
	if err != nil {
		fmt.Fprintln(os.Stderr, "crosscheck:", err)
		os.Exit(1)
	}
	bad := 0
	for _, v := range set.Versions() {
		pubFile := filepath.Join(*dir, "IDMEFv2-V0"+v[len(v)-1:]+".schema.json")
		raw, err := os.ReadFile(pubFile)
		if err != nil {
			fmt.Fprintln(os.Stderr, "crosscheck:", err)
			os.Exit(1)
		}
		bad += comparePatterns(v, raw, set.Model(), *seed)
		pub, err := compilePublished(pubFile, raw)
		if err != nil {
			fmt.Fprintln(os.Stderr, "crosscheck:", err)
			os.Exit(1)
		}
		ours, _ := set.IDMEFv2(v)
		bad += compareMessages(v, set.Model(), pub, ours, *n, *seed)
	}
	if bad > 0 {
		fmt.Printf("crosscheck: %d disagreements\n", bad)
		os.Exit(1)
	}
	fmt.Println("crosscheck: no disagreement")
}

func compilePublished(file string, raw []byte) (*jsonschema.Schema, error) {
	c := jsonschema.NewCompiler()
	c.Draft = jsonschema.Draft4
	// The same format checkers as the project's schemas: only structure is compared here.
	c.Formats["uri"] = func(v any) bool { s, ok := v.(string); return !ok || schema.IsURI(s) }
	c.Formats["email"] = func(v any) bool { s, ok := v.(string); return !ok || schema.IsEmail(s) }
	if err := c.AddResource(file, strings.NewReader(string(raw))); err != nil {
		return nil, err
	}
	return c.Compile(file)
}

// The published definition names of the pattern types.
var published = map[string]string{
	"TIMESTAMP": "timestampType", "GEOLOC": "geolocType", "UNLOCODE": "unlocodeType", "IP": "ipType",
	"ID": "attachmentNameType", "MEDIATYPE": "mediatypeType", "UUID": "uuidType", "PROTOCOL": "protocolType",
	"HASH": "hashType",
}

// Characters a string for each type is drawn from: those its grammar mentions, plus a few
// that it must refuse.
var alphabets = map[string]string{
	"TIMESTAMP": "0123456789-:T.Z+tz 9",
	"GEOLOC":    "0123456789.,+- e",
	"UNLOCODE":  "ABCZ az1",
	"IP":        "0123456789abcdefABCF:.%/ef80fe80ffff ",
	"ID":        "aZ09_-. ",
	"MEDIATYPE": "a/+-.;= \t\"\\!#[]~x()é",
	"UUID":      "0123456789abcdefABCDEF-g{}",
	"PROTOCOL":  "aZ09-_ .",
	"HASH":      "sha256:0123456789abcdefABCDEFg-",
}

func comparePatterns(version string, raw []byte, m *schema.Model, seed uint64) int {
	var doc struct {
		Definitions map[string]struct {
			Pattern string `json:"pattern"`
		} `json:"definitions"`
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		fmt.Println(version, "cannot read published schema:", err)
		return 1
	}
	rng := rand.New(rand.NewPCG(seed, 7))
	bad := 0
	for typ, def := range published {
		td, ok := m.Type(typ)
		if !ok {
			fmt.Printf("%s: the model has no type %s\n", version, typ)
			bad++
			continue
		}
		pub := regexp.MustCompile(doc.Definitions[def].Pattern)
		ours := regexp.MustCompile(td.Pattern)
		alpha := []rune(alphabets[typ])
		samples := seedsFor(typ)
		for i := 0; i < 2_000_000; i++ {
			var s string
			if i < len(samples) {
				s = samples[i]
			} else if i%2 == 0 && len(samples) > 0 {
				s = mutate(rng, samples[rng.IntN(len(samples))], alpha)
			} else {
				b := make([]rune, rng.IntN(45))
				for k := range b {
					b[k] = alpha[rng.IntN(len(alpha))]
				}
				s = string(b)
			}
			if pub.MatchString(s) != ours.MatchString(s) {
				fmt.Printf("%s %s: %q published=%v ours=%v\n", version, typ, s, pub.MatchString(s), ours.MatchString(s))
				bad++
				if bad > 20 {
					return bad
				}
			}
		}
	}
	return bad
}

func seedsFor(typ string) []string {
	switch typ {
	case "TIMESTAMP":
		return []string{"2024-02-29T23:59:60.123+05:45", "1999-00-00T00:00:00", "2038-01-19T03:14:08Z", "9999-12-31T23:59:59-23:59"}
	case "IP":
		return []string{"192.0.2.1", "001.002.003.004", "::", "::1", "1:2:3:4:5:6:7:8", "fe80::1%eth0", "::ffff:1.2.3.4",
			"::ffff:0:1.2.3.4", "1:2::3.4.5.6", "1::", "1:2:3:4:5:6:7::", "::1:2:3:4:5:6:7", "fe80:1:2:3:4%a", "2001:db8::/32"}
	case "GEOLOC":
		return []string{"48.8584,2.2945,276.13", "+48.75726, +2.299528, +65.1", "1.,2.", "-1,-2,-3"}
	case "MEDIATYPE":
		return []string{"text/plain; charset=utf-8", `a/b;c="d\"e"`, "application/vnd.x+json", "a/b \t; c=d"}
	case "UUID":
		return []string{"e5f9bbae-163e-42f9-a2f2-0daaf78fefb1", "E5F9BBAE-163E-42F9-A2F2-0DAAF78FEFB1", "{e5f9bbae-163e-42f9-a2f2-0daaf78fefb1}"}
	case "HASH":
		return []string{"sha256:ab", "sha-256:ABCD", "md5:abc"}
	case "UNLOCODE":
		return []string{"FR PAR", "FRPAR", "fr par"}
	case "PROTOCOL":
		return []string{"tcp", "a-b-c", "a--b", "-a"}
	}
	return nil
}

func mutate(rng *rand.Rand, s string, alpha []rune) string {
	r := []rune(s)
	for k := rng.IntN(3) + 1; k > 0; k-- {
		switch op := rng.IntN(3); {
		case op == 0 && len(r) > 0:
			i := rng.IntN(len(r))
			r = append(r[:i], r[i+1:]...)
		case op == 1:
			i := rng.IntN(len(r) + 1)
			r = append(r[:i], append([]rune{alpha[rng.IntN(len(alpha))]}, r[i:]...)...)
		case len(r) > 0:
			r[rng.IntN(len(r))] = alpha[rng.IntN(len(alpha))]
		}
	}
	return string(r)
}

func compareMessages(version string, m *schema.Model, pub, ours *jsonschema.Schema, n int, seed uint64) int {
	rev, _ := m.Revision(version)
	g := &msgGen{rng: rand.New(rand.NewPCG(seed, 11)), rev: rev, model: m}
	bad, valid := 0, 0
	for i := 0; i < n; i++ {
		msg := g.message()
		// Round-trip through JSON so both validators see the decoded form they expect.
		b, _ := json.Marshal(msg)
		var v any
		dec := json.NewDecoder(strings.NewReader(string(b)))
		dec.UseNumber()
		_ = dec.Decode(&v)
		e1, e2 := pub.Validate(v), ours.Validate(v)
		if e1 == nil {
			valid++
		}
		if (e1 == nil) != (e2 == nil) {
			bad++
			if bad <= 10 {
				fmt.Printf("%s: verdicts differ (published valid=%v, ours valid=%v) on %s\n  published: %v\n  ours: %v\n", version, e1 == nil, e2 == nil, b, e1, e2)
			}
		}
	}
	fmt.Printf("%s: %d messages compared (%d valid, %d invalid), %d disagreements\n", version, n, valid, n-valid, bad)
	return bad
}

package vectors

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"unicode"

	"github.com/idmefcheck/idmefcheck/conformance/catalog"
	"github.com/idmefcheck/idmefcheck/schema"
)

// Minimums the corpus is held to.
const (
	MinTotal          = 600
	MinPerRequirement = 3
)

// CoverageReport says how far the corpus reaches: per message-level requirement, per
// revision and class, per required field, per enumeration keyword of the newest revision,
// and per edge case the issue names. Problems lists every target not met.
type CoverageReport struct {
	Total        int
	Requirements []RequirementCoverage
	Classes      []Count // "2.D.V08 Source": valid vectors holding one
	Omissions    []Count // "2.D.V08 Source.ID": invalid vectors leaving it out
	Keywords     []Count // "AlertCategory Abuse.Extermism": valid vectors using it
	NearMisses   []Count // "Abuse.Extremism": invalid vectors using it
	Edges        []Count
	Problems     []string
}

// RequirementCoverage counts the vectors that conform to a requirement and those that
// violate it. Violable is false when no validator rule can find it violated (a MAY, or a
// freedom such as "any fraction length"): then only conforming vectors are asked for.
type RequirementCoverage struct {
	ID                    string
	Conforming, Violating int
	Violable              bool
}

// Count is how many vectors reach one target.
type Count struct {
	What string
	N    int
}

// CoverageInput is what the coverage is judged against.
type CoverageInput struct {
	Catalog *catalog.Catalog
	Model   *schema.Model
	// RuleRequirements maps each validator rule to the requirements it establishes
	// (validator.Coverage): a vector expecting the rule violates those requirements.
	RuleRequirements map[string][]string
	// Newest is the revision whose every enumeration keyword must appear.
	Newest string
}

// Coverage measures the corpus.
func Coverage(c *Corpus, in CoverageInput) *CoverageReport {
	rep := &CoverageReport{Total: len(c.Vectors)}
	if rep.Total < MinTotal {
		rep.problem("the corpus holds %d vectors, fewer than %d", rep.Total, MinTotal)
	}
	parsed := make([]*parsedVector, len(c.Vectors))
	for i, v := range c.Vectors {
		parsed[i] = parse(v)
	}
	rep.requirements(c, in)
	rep.classes(parsed, in.Model)
	rep.keywords(parsed, in)
	rep.edges(parsed)
	return rep
}

func (r *CoverageReport) problem(format string, args ...any) {
	r.Problems = append(r.Problems, fmt.Sprintf(format, args...))
}

func (r *CoverageReport) requirements(c *Corpus, in CoverageInput) {
	violates := map[string]map[string]bool{} // requirement -> rule -> true
	for rule, reqs := range in.RuleRequirements {
		for _, id := range reqs {
			if violates[id] == nil {
				violates[id] = map[string]bool{}
			}
			violates[id][rule] = true
		}
	}
	for _, req := range in.Catalog.Requirements() {
		if req.Testing != catalog.MessageLevel {
			continue
		}
		rc := RequirementCoverage{ID: req.ID, Violable: len(violates[req.ID]) > 0}
		for _, v := range c.Vectors {
			violating := slices.ContainsFunc(v.Rules, func(rule string) bool { return violates[req.ID][rule] })
			switch {
			case violating:
				rc.Violating++
			case slices.Contains(v.Requirements, req.ID):
				rc.Conforming++
			}
		}
		if rc.Conforming < MinPerRequirement {
			r.problem("requirement %s: %d conforming vectors, fewer than %d", req.ID, rc.Conforming, MinPerRequirement)
		}
		if rc.Violable && rc.Violating < MinPerRequirement {
			r.problem("requirement %s: %d violating vectors, fewer than %d", req.ID, rc.Violating, MinPerRequirement)
		}
		r.Requirements = append(r.Requirements, rc)
	}
}

// parsedVector is a vector's message decoded, when it is a JSON object.
type parsedVector struct {
	v   *Vector
	obj map[string]any
}

func parse(v *Vector) *parsedVector {
	p := &parsedVector{v: v}
	dec := json.NewDecoder(bytes.NewReader(bytes.TrimPrefix(v.Data, []byte("\xEF\xBB\xBF"))))
	dec.UseNumber()
	var obj map[string]any
	if dec.Decode(&obj) == nil {
		p.obj = obj
	}
	return p
}

// instances returns the objects of a class in a message: the message itself for Alert.
func instances(obj map[string]any, class string) []map[string]any {
	if class == "Alert" {
		return []map[string]any{obj}
	}
	var out []map[string]any
	switch x := obj[class].(type) {
	case map[string]any:
		out = append(out, x)
	case []any:
		for _, it := range x {
			if o, ok := it.(map[string]any); ok {
				out = append(out, o)
			}
		}
	}
	return out
}

func (r *CoverageReport) classes(ps []*parsedVector, m *schema.Model) {
	for _, ver := range m.Versions() {
		rev, _ := m.Revision(ver)
		for _, cd := range m.Classes() {
			cls, ok := rev.Class(cd.Name)
			if !ok {
				continue
			}
			n := 0
			for _, p := range ps {
				if p.obj != nil && p.v.Version == ver && p.v.Official == Valid && len(instances(p.obj, cls.Name)) > 0 {
					n++
				}
			}
			r.Classes = append(r.Classes, Count{ver + " " + cls.Name, n})
			if n == 0 {
				r.problem("%s: no valid vector holds a %s", ver, cls.Name)
			}
			for _, f := range cls.Fields {
				if !f.Required {
					continue
				}
				what := ver + " " + f.Path()
				if cls.Name != "Alert" {
					what = ver + " " + cls.Name + "." + f.Name
				}
				n := 0
				for _, p := range ps {
					if p.obj == nil || p.v.Version != ver || p.v.Official != Invalid || !slices.Contains(p.v.Rules, "schema.required") {
						continue
					}
					for _, o := range instances(p.obj, cls.Name) {
						if _, has := o[f.Name]; !has {
							n++
							break
						}
					}
				}
				r.Omissions = append(r.Omissions, Count{what, n})
				if n == 0 {
					r.problem("%s: no vector leaves out the required field %s", ver, strings.TrimPrefix(what, ver+" "))
				}
			}
		}
	}
}

// misspellingsFixed maps keywords the drafts misspell, or write with spaces, to the spelling
// a producer is likely to send instead; those must appear in invalid vectors.
var misspellingsFixed = map[string]string{
	"Abuse.Extermism":              "Abuse.Extremism",
	"Access.Clonned":               "Access.Cloned",
	"Theft.Equiment":               "Theft.Equipment",
	"Fraud.Espionnage":             "Fraud.Espionage",
	"National.Environemental":      "National.Environmental",
	"Safety.Agression":             "Safety.Aggression",
	"Operational.Policy Violation": "Operational.PolicyViolation",
	"SocialEng.Spear Phishing":     "SocialEng.SpearPhishing",
}

func (r *CoverageReport) keywords(ps []*parsedVector, in CoverageInput) {
	rev, ok := in.Model.Revision(in.Newest)
	if !ok {
		r.problem("unknown revision %q", in.Newest)
		return
	}
	// Keywords used per enumeration in valid vectors of the newest revision, and values in
	// invalid ones (for near misses).
	valid := map[string]map[string]int{}
	invalid := map[string]int{}
	for _, p := range ps {
		if p.obj == nil || p.v.Version != in.Newest {
			continue
		}
		for _, cd := range in.Model.Classes() {
			cls, ok := rev.Class(cd.Name)
			if !ok {
				continue
			}
			for _, o := range instances(p.obj, cls.Name) {
				for _, f := range cls.Fields {
					if f.Enum == nil {
						continue
					}
					for _, val := range stringsOf(o[f.Name]) {
						if p.v.Official == Valid {
							if valid[f.Enum.Name] == nil {
								valid[f.Enum.Name] = map[string]int{}
							}
							valid[f.Enum.Name][val]++
						} else {
							invalid[val]++
						}
					}
				}
			}
		}
	}
	for _, e := range in.Model.Enums() {
		for _, kw := range rev.EnumValues(e.Name) {
			n := valid[e.Name][kw]
			r.Keywords = append(r.Keywords, Count{e.Name + " " + kw, n})
			if n == 0 {
				r.problem("%s keyword %q of %s appears in no valid vector", in.Newest, kw, e.Name)
			}
		}
	}
	for bad, fixed := range misspellingsFixed {
		if !slices.Contains(rev.EnumValues("AlertCategory"), bad) {
			continue
		}
		n := invalid[fixed]
		r.NearMisses = append(r.NearMisses, Count{fixed, n})
		if n == 0 {
			r.problem("no invalid vector uses %q, the corrected spelling of %q", fixed, bad)
		}
	}
	slices.SortFunc(r.NearMisses, func(a, b Count) int { return strings.Compare(a.What, b.What) })
}

func stringsOf(v any) []string {
	switch x := v.(type) {
	case string:
		return []string{x}
	case []any:
		var out []string
		for _, it := range x {
			if s, ok := it.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}

// edge is one edge case the corpus must reach, as a predicate on a vector.
type edge struct {
	name string
	hit  func(p *parsedVector) bool
}

func textMatches(re string) func(*parsedVector) bool {
	rx := regexp.MustCompile(re)
	return func(p *parsedVector) bool { return rx.Match(p.v.Data) }
}

func hasRule(rule string) func(*parsedVector) bool {
	return func(p *parsedVector) bool { return slices.Contains(p.v.Rules, rule) }
}

func portIs(lit string) func(*parsedVector) bool {
	return func(p *parsedVector) bool {
		for _, class := range []string{"Source", "Target"} {
			if p.obj == nil {
				return false
			}
			for _, o := range instances(p.obj, class) {
				if ports, ok := o["Port"].([]any); ok {
					for _, port := range ports {
						if n, ok := port.(json.Number); ok && string(n) == lit {
							return true
						}
					}
				}
			}
		}
		return false
	}
}

func anyString(pred func(rune) bool) func(*parsedVector) bool {
	return func(p *parsedVector) bool {
		return strings.IndexFunc(string(p.v.Data), pred) >= 0
	}
}

func edges() []edge {
	es := []edge{
		{"offset Z", textMatches(`T\d\d:\d\d:\d\d(\.\d+)?Z"`)},
		{"offset +14:00", textMatches(`T[\d:.]+\+14:00"`)},
		{"offset -12:00", textMatches(`T[\d:.]+-12:00"`)},
		{"offset +05:45", textMatches(`T[\d:.]+\+05:45"`)},
		{"no offset", textMatches(`"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?"`)},
		{"second 60", textMatches(`T\d\d:\d\d:60`)},
		{"2038-01-19T03:14:08Z", textMatches(`2038-01-19T03:14:08Z`)},
		{"year 2100", textMatches(`"2100-\d\d-\d\dT`)},
		{"year 9999", textMatches(`"9999-\d\d-\d\dT`)},
		{"29 February of a leap year", textMatches(`"(2024|2000|2028)-02-29T`)},
		{"29 February of a common year", textMatches(`"(2026|2025|2100|1900|2023)-02-29T`)},
		{"UUID in upper case", textMatches(`"[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]*[A-F][0-9A-F]*"`)},
		{"nil UUID", textMatches(`00000000-0000-0000-0000-000000000000`)},
		{"UUID version 1", textMatches(`"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-1[0-9a-fA-F]{3}-[89abAB]`)},
		{"UUID version 4", textMatches(`"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-4[0-9a-fA-F]{3}-[89abAB]`)},
		{"UUID version 7", textMatches(`"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-7[0-9a-fA-F]{3}-[89abAB]`)},
		{"UUID in braces", textMatches(`"\{[0-9a-fA-F]{8}-`)},
		{"urn:uuid: UUID", textMatches(`"urn:uuid:`)},
		{"IPv4", textMatches(`"IP"\s*:\s*"\d+\.\d+\.\d+\.\d+"`)},
		{"IPv6 compressed", textMatches(`"IP"\s*:\s*"[0-9a-fA-F:]*::[0-9a-fA-F:]*"`)},
		{"IPv6 zone", textMatches(`"IP"\s*:\s*"[^"]*%[^"]*"`)},
		{"IPv4-mapped IPv6", textMatches(`"IP"\s*:\s*"::ffff:\d+\.`)},
		{"CIDR", textMatches(`"IP"\s*:\s*"[^"]*/\d+"`)},
		{"port 0", portIs("0")},
		{"port 1", portIs("1")},
		{"port 65535", portIs("65535")},
		{"port 65536", portIs("65536")},
		{"right-to-left script", anyString(func(r rune) bool { return unicode.In(r, unicode.Arabic, unicode.Hebrew) })},
		{"CJK", anyString(func(r rune) bool {
			return unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Hangul)
		})},
		{"combining mark", anyString(func(r rune) bool { return unicode.Is(unicode.Mn, r) })},
		{"emoji", anyString(func(r rune) bool { return r >= 0x1F300 && r <= 0x1FAFF })},
		{"escaped NUL", textMatches(`\\u0000`)},
		{"invalid UTF-8", hasRule("json.utf8")},
		{"byte order mark", hasRule("json.bom")},
		{"duplicate keys", hasRule("json.duplicate-key")},
		{"trailing data", hasRule("json.trailing-data")},
		{"10,000-deep nesting", func(p *parsedVector) bool {
			return bytes.Count(p.v.Data, []byte("[")) >= 10000 || bytes.Count(p.v.Data, []byte("{")) >= 10000
		}},
		{"huge number", textMatches(`\d{100}|[eE]\+?[1-9]\d{2,}`)},
		{"ext-value rule broken one way", hasRule("ext.unused")},
		{"ext-value rule broken the other way", hasRule("ext.missing")},
		{"unresolved attachment reference", hasRule("attachment.unresolved")},
		{"duplicate attachment names", hasRule("attachment.duplicate-name")},
		{"bad AggrCondition path", hasRule("aggr.path")},
		{"Version mismatch", hasRule("schema.version")},
		{"unknown Version", hasRule("version.unknown")},
	}
	for n := 0; n <= 12; n++ {
		re := fmt.Sprintf(`T\d\d:\d\d:\d\d(Z|[-+]\d\d:\d\d)"`)
		if n > 0 {
			re = fmt.Sprintf(`T\d\d:\d\d:\d\d\.\d{%d}(Z|[-+]\d\d:\d\d)"`, n)
		}
		es = append(es, edge{fmt.Sprintf("fraction of %d digits", n), textMatches(re)})
	}
	return es
}

func (r *CoverageReport) edges(ps []*parsedVector) {
	for _, e := range edges() {
		n := 0
		for _, p := range ps {
			if e.hit(p) {
				n++
			}
		}
		r.Edges = append(r.Edges, Count{e.name, n})
		if n == 0 {
			r.problem("no vector reaches the edge case %q", e.name)
		}
	}
}

// Package corpus builds idmefcheck's IDMEFv2 test vector files, one per topic, from tables
// of vectors whose expected verdicts are written beside each message.
//
// The expectations are reasoned from the drafts, the published schemas' semantics (JSON
// Schema draft-04) and docs/validator.md; they are never computed by running a validator,
// so that comparing them with the reference validator means something.
package corpus

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"regexp"
	"slices"
	"strings"
)

// Revisions.
const (
	V04 = "2.D.V04"
	V05 = "2.D.V05"
	V06 = "2.D.V06"
	V07 = "2.D.V07"
	V08 = "2.D.V08"
)

var revisions = []string{V04, V05, V06, V07, V08}

// Verdicts.
const (
	valid      = "valid"
	invalid    = "invalid"
	acceptable = "acceptable"
)

// Bug types a note may declare (vectors.schema.json).
const (
	bugBasic       = "BASIC"
	bugEdge        = "EDGE_CASE"
	bugMalformed   = "MALFORMED_JSON"
	bugMissing     = "MISSING_FIELD"
	bugWrongType   = "WRONG_TYPE"
	bugUnknown     = "UNKNOWN_VALUE"
	bugSyntax      = "SYNTAX"
	bugSemantic    = "SEMANTIC"
	bugSchemaGap   = "SCHEMA_GAP"
	bugVersion     = "VERSION"
	bugInterop     = "INTEROPERABILITY"
	bugLimit       = "LIMIT"
	bugConsistency = "CONSISTENCY"
)

// note declares a flag of a file: what kind of mistake its vectors catch and what goes
// wrong when an implementation makes it.
type note struct {
	bugType, description, effect string
	links                        []string
}

// file is one topic's vector file.
type file struct {
	topic  string
	header []string
	notes  map[string]note
	groups []*group
}

// group holds the vectors written for one revision.
type group struct {
	version string
	comment string
	tests   []*vector
}

// expect is what a vector must get: the verdict of the official profile (the published
// schema's, or RFC 8259's for a text no schema can judge), the verdict of the strict
// profile, and the rules of every finding, warnings included.
type expect struct {
	official, strict string
	rules            []string
}

// ok: valid under both profiles; the rules given are warnings.
func ok(rules ...string) expect { return expect{valid, valid, rules} }

// strictBad: the published schema accepts the message, the drafts do not.
func strictBad(rules ...string) expect { return expect{valid, invalid, rules} }

// bad: invalid under both profiles.
func bad(rules ...string) expect { return expect{invalid, invalid, rules} }

// either: the published schema accepts the message; a strict implementation may accept or
// refuse it (a flag of the vector says why).
func either(rules ...string) expect { return expect{valid, acceptable, rules} }

// textBody is a message given as its exact JSON text.
type textBody string

// rawBody is a message given as bytes, for what is not UTF-8.
type rawBody []byte

// vector is one test vector.
type vector struct {
	id         string
	comment    string
	version    string // the message's revision, when it differs from its group's
	validateAs string
	reqs       []string
	flags      []string
	body       any // *msg, textBody or rawBody
	exp        expect
}

// opt sets the optional parts of a vector.
type opt func(*vector)

// rq lists the requirements a vector exercises.
func rq(ids ...string) opt { return func(v *vector) { v.reqs = append(v.reqs, ids...) } }

// fl lists a vector's flags.
func fl(flags ...string) opt { return func(v *vector) { v.flags = append(v.flags, flags...) } }

// as judges the message against a revision, whatever its Version says.
func as(version string) opt { return func(v *vector) { v.validateAs = version } }

// rev says the message is written for another revision than its group's.
func rev(version string) opt { return func(v *vector) { v.version = version } }

func newFile(topic string, header ...string) *file {
	return &file{topic: topic, header: header, notes: map[string]note{}}
}

// note declares a flag.
func (f *file) note(flag, bugType, description, effect string, links ...string) {
	if _, dup := f.notes[flag]; dup {
		panic(fmt.Sprintf("corpus: %s: flag %s declared twice", f.topic, flag))
	}
	f.notes[flag] = note{bugType, description, effect, links}
}

// group starts the vectors written for a revision.
func (f *file) group(version, comment string) *group {
	g := &group{version: version, comment: comment}
	f.groups = append(f.groups, g)
	return g
}

// v adds a vector: its ID, a comment saying what it probes (and why its expectation is what
// it is where that is not obvious), the message, the expectation and the rest.
func (g *group) v(id, comment string, body any, exp expect, opts ...opt) *vector {
	vec := &vector{id: id, comment: comment, body: body, exp: exp}
	for _, o := range opts {
		o(vec)
	}
	g.tests = append(g.tests, vec)
	return vec
}

var (
	idPattern   = regexp.MustCompile(`^[a-z0-9]+(\.[a-z0-9]+(-[a-z0-9]+)*)+$`)
	flagPattern = regexp.MustCompile(`^[A-Z][A-Za-z0-9]*$`)
	reqPattern  = regexp.MustCompile(`^(R4766|IDMEF2|IDMEF2T|SECOPS)-`)
	rulePattern = regexp.MustCompile(`^[a-z0-9-]+\.[a-z0-9-]+$`)
	bugTypes    = []string{bugBasic, bugEdge, bugMalformed, bugMissing, bugWrongType, bugUnknown, bugSyntax,
		bugSemantic, bugSchemaGap, bugVersion, bugInterop, bugLimit, bugConsistency}
)

// topics lists the builders of every file, in no particular order: files are named after
// their topics.
var topics = []func() *file{
	attachmentsFile,
	classesFile,
	contentFile,
	enumerationsFile,
	extensibilityFile,
	i18nFile,
	identifiersFile,
	syntaxFile,
	numbersFile,
	pathsFile,
	sizesFile,
	timeFile,
	versionsFile,
	addressesFile,
	operationsFile,
}

// Files builds every vector file: file name (<topic>.json) to content, pretty-printed with
// two-space indentation and a final newline. The same bytes come out on every run. It fails
// when a table breaks a rule of the format that the schema cannot state (unique IDs across
// files, declared flags, an explained "acceptable").
func Files() (map[string][]byte, error) {
	out := map[string][]byte{}
	seen := map[string]string{}
	var errs []string
	for _, build := range topics {
		f := build()
		if f == nil {
			continue
		}
		name := f.topic + ".json"
		if _, dup := out[name]; dup {
			errs = append(errs, fmt.Sprintf("%s: two files for one topic", name))
			continue
		}
		errs = append(errs, f.check(seen)...)
		out[name] = f.render()
	}
	if len(errs) > 0 {
		return nil, fmt.Errorf("corpus: %d problems:\n%s", len(errs), strings.Join(errs, "\n"))
	}
	return out, nil
}

func (f *file) check(seen map[string]string) []string {
	var errs []string
	bad := func(format string, args ...any) { errs = append(errs, f.topic+".json: "+fmt.Sprintf(format, args...)) }
	if len(f.header) == 0 {
		bad("no header")
	}
	used := map[string]bool{}
	for flag, n := range f.notes {
		if !flagPattern.MatchString(flag) {
			bad("flag %q: not a flag name", flag)
		}
		if !slices.Contains(bugTypes, n.bugType) {
			bad("flag %s: unknown bug type %q", flag, n.bugType)
		}
		if len(n.description) < 10 || n.effect == "" {
			bad("flag %s: needs a description and an effect", flag)
		}
	}
	for _, g := range f.groups {
		if !slices.Contains(revisions, g.version) {
			bad("group version %q", g.version)
		}
		if len(g.tests) == 0 {
			bad("empty group %s", g.version)
		}
		for _, v := range g.tests {
			where := v.id
			if !idPattern.MatchString(v.id) || !strings.HasPrefix(v.id, f.topic+".") {
				bad("%s: ID must be %s.<what>, lower case, dots and hyphens", where, f.topic)
			}
			if other, dup := seen[v.id]; dup {
				bad("%s: ID already used in %s", where, other)
			}
			seen[v.id] = f.topic
			if len(v.comment) < 5 {
				bad("%s: no comment", where)
			}
			if v.version != "" && (v.version == g.version || !slices.Contains(revisions, v.version)) {
				bad("%s: version %q must be another supported revision than the group's", where, v.version)
			}
			if v.validateAs != "" && !slices.Contains(revisions, v.validateAs) {
				bad("%s: validateAs %q", where, v.validateAs)
			}
			if len(v.reqs) == 0 {
				bad("%s: no requirements", where)
			}
			for i, r := range v.reqs {
				if !reqPattern.MatchString(r) {
					bad("%s: requirement %q", where, r)
				}
				if slices.Contains(v.reqs[:i], r) {
					bad("%s: requirement %s twice", where, r)
				}
			}
			for i, fl := range v.flags {
				if _, ok := f.notes[fl]; !ok {
					bad("%s: flag %s not declared in notes", where, fl)
				}
				if slices.Contains(v.flags[:i], fl) {
					bad("%s: flag %s twice", where, fl)
				}
				used[fl] = true
			}
			switch v.exp.official {
			case valid, invalid:
			default:
				bad("%s: official verdict %q", where, v.exp.official)
			}
			switch v.exp.strict {
			case valid, invalid:
			case acceptable:
				if len(v.flags) == 0 {
					bad("%s: an acceptable strict verdict needs a flag that explains it", where)
				}
			default:
				bad("%s: strict verdict %q", where, v.exp.strict)
			}
			if v.exp.official == invalid && v.exp.strict != invalid {
				bad("%s: strict never accepts what official refuses", where)
			}
			if v.exp.official == invalid && len(v.exp.rules) == 0 {
				bad("%s: an invalid message needs the rules that make it so", where)
			}
			for i, r := range v.exp.rules {
				if !rulePattern.MatchString(r) {
					bad("%s: rule %q", where, r)
				}
				if slices.Contains(v.exp.rules[:i], r) {
					bad("%s: rule %s twice", where, r)
				}
			}
			switch b := v.body.(type) {
			case *msg:
				if _, isObj := b.root.(*object); !isObj && !needsText(b.root) {
					bad("%s: a message that is not an object must be given as text", where)
				}
			case textBody, rawBody:
			default:
				bad("%s: no message", where)
			}
		}
	}
	for flag := range f.notes {
		if !used[flag] {
			bad("flag %s declared but used by no vector", flag)
		}
	}
	return errs
}

// render writes the file: keys in the order vectors.schema.json lists them.
func (f *file) render() []byte {
	n := 0
	for _, g := range f.groups {
		n += len(g.tests)
	}
	notes := &object{}
	names := make([]string, 0, len(f.notes))
	for k := range f.notes {
		names = append(names, k)
	}
	slices.Sort(names)
	for _, k := range names {
		nt := f.notes[k]
		o := obj("bugType", nt.bugType, "description", nt.description, "effect", nt.effect)
		if len(nt.links) > 0 {
			o.members = append(o.members, member{"links", strs(nt.links...)})
		}
		notes.members = append(notes.members, member{k, o})
	}
	groups := arr()
	for _, g := range f.groups {
		o := obj("version", g.version)
		if g.comment != "" {
			o.members = append(o.members, member{"comment", g.comment})
		}
		tests := arr()
		for _, v := range g.tests {
			tests.items = append(tests.items, v.render())
		}
		o.members = append(o.members, member{"tests", tests})
		groups.items = append(groups.items, o)
	}
	root := obj(
		"schema", "vectors.schema.json",
		"formatVersion", 1,
		"topic", f.topic,
		"header", strs(f.header...),
		"numberOfTests", n,
		"notes", notes,
		"testGroups", groups,
	)
	var b bytes.Buffer
	writeValue(&b, root, 0)
	b.WriteByte('\n')
	return b.Bytes()
}

func (v *vector) render() *object {
	o := obj("id", v.id, "comment", v.comment)
	if v.version != "" {
		o.members = append(o.members, member{"version", v.version})
	}
	if v.validateAs != "" {
		o.members = append(o.members, member{"validateAs", v.validateAs})
	}
	o.members = append(o.members, member{"requirements", strs(v.reqs...)}, member{"flags", strs(v.flags...)})
	switch b := v.body.(type) {
	case *msg:
		if needsText(b.root) {
			o.members = append(o.members, member{"text", b.compact()})
		} else {
			o.members = append(o.members, member{"message", clone(b.root)})
		}
	case textBody:
		o.members = append(o.members, member{"text", string(b)})
	case rawBody:
		o.members = append(o.members, member{"raw", base64.StdEncoding.EncodeToString(b)})
	}
	rules := slices.Clone(v.exp.rules)
	slices.Sort(rules)
	o.members = append(o.members,
		member{"official", v.exp.official},
		member{"strict", v.exp.strict},
		member{"rules", strs(rules...)})
	return o
}

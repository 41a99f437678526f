package schema

import (
	"bytes"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Model is the IDMEFv2 data model of every supported revision, read from idmefv2/model.yaml.
// A Model is immutable once loaded and safe for concurrent use.
type Model struct {
	versions []string
	types    map[string]*TypeDef
	classes  []*ClassDef
	enums    []*EnumDef
	revs     []*Revision
}

// TypeDef is one of the drafts' data types (section 3): how it looks in JSON and what a value
// must match.
type TypeDef struct {
	Name    string
	Section string
	JSON    []string // JSON Schema type names: "string", "integer", "number", "object"
	Pattern string   // anchored RE2 pattern with every <part> expanded; "" for none
	Format  string   // JSON Schema format ("uri", "email"); "" for none
	Req     []string // catalogue requirements a finding on a value of this type cites
	Doc     string
	re      *regexp.Regexp
	dfa     *dfa // the same pattern as an automaton, for speed; nil when it cannot be built
}

// Match reports whether s has the type's syntax, as its pattern states it; a type without a
// pattern matches every string. It is safe for concurrent use.
func (t *TypeDef) Match(s string) bool {
	if t.re == nil {
		return true
	}
	if t.dfa != nil {
		if matched, ok := t.dfa.match(s); ok {
			return matched
		}
	}
	return t.re.MatchString(s)
}

// ClassDef is an aggregate class of the model across revisions.
type ClassDef struct {
	Name    string
	Section string
	Doc     string
	In      Range
	Fields  []*FieldDef
}

// FieldDef is a class attribute across revisions. Its Versioned members give the value that
// holds in each revision where the field exists.
type FieldDef struct {
	Name     string
	In       Range
	Type     Versioned[string] // a TypeDef name, with "[]" for a list; empty where Class is set
	Class    Versioned[string] // an aggregate class name, with "[]" for a list
	Enum     string
	Required Range
	Minimum  Versioned[string] // JSON number literals
	Maximum  Versioned[string]
	Extends  string
	Req      []string
	Doc      string
}

// EnumDef is an enumeration across revisions: each keyword with the revisions it belongs to.
type EnumDef struct {
	Name    string
	Section string
	Doc     string
	Values  []EnumValue
}

// EnumValue is one keyword of an enumeration and the revisions that accept it.
type EnumValue struct {
	Value string
	In    Range
}

// Range is a set of revisions, one bit per entry of Model.Versions.
type Range uint32

// Has reports whether revision number i (an index into Model.Versions) is in the range.
func (r Range) Has(i int) bool { return r&(1<<uint(i)) != 0 }

// Versioned is a value that may differ from one revision to the next.
type Versioned[T comparable] struct {
	vals [maxRevisions]T
	set  Range
}

// At returns the value in revision number i and whether one is set there.
func (v Versioned[T]) At(i int) (T, bool) { return v.vals[i], v.set.Has(i) }

const maxRevisions = 32

// Versions lists the supported revisions, oldest first.
func (m *Model) Versions() []string { return slices.Clone(m.versions) }

// Types lists the data types in the order the model file gives them.
func (m *Model) Types() []*TypeDef {
	out := make([]*TypeDef, 0, len(m.types))
	for _, t := range m.types {
		out = append(out, t)
	}
	slices.SortFunc(out, func(a, b *TypeDef) int { return strings.Compare(a.Name, b.Name) })
	return out
}

// Type returns the data type called name.
func (m *Model) Type(name string) (*TypeDef, bool) { t, ok := m.types[name]; return t, ok }

// Classes lists the aggregate classes, Alert first.
func (m *Model) Classes() []*ClassDef { return slices.Clone(m.classes) }

// Enums lists the enumerations in model order.
func (m *Model) Enums() []*EnumDef { return slices.Clone(m.enums) }

// Revision returns one revision's view of the model.
func (m *Model) Revision(version string) (*Revision, bool) {
	for _, r := range m.revs {
		if r.Version == version {
			return r, true
		}
	}
	return nil, false
}

// Range renders r the way the model file writes ranges.
func (m *Model) Range(r Range) string {
	var idx []int
	for i := range m.versions {
		if r.Has(i) {
			idx = append(idx, i)
		}
	}
	switch {
	case len(idx) == 0:
		return "none"
	case len(idx) == len(m.versions):
		return "all"
	}
	contiguous := idx[len(idx)-1]-idx[0] == len(idx)-1
	if !contiguous {
		names := make([]string, len(idx))
		for k, i := range idx {
			names[k] = m.versions[i]
		}
		return strings.Join(names, ", ")
	}
	a, b := m.versions[idx[0]], m.versions[idx[len(idx)-1]]
	switch {
	case a == b:
		return a
	case idx[0] == 0:
		return ".." + b
	case idx[len(idx)-1] == len(m.versions)-1:
		return a + ".."
	}
	return a + ".." + b
}

// The file format of idmefv2/model.yaml, as the YAML decoder sees it.
type modelFile struct {
	Versions []string  `yaml:"versions"`
	Parts    yaml.Node `yaml:"parts"`
	Types    yaml.Node `yaml:"types"`
	Classes  yaml.Node `yaml:"classes"`
	Enums    yaml.Node `yaml:"enums"`
}

type typeFile struct {
	Section string    `yaml:"section"`
	JSON    yaml.Node `yaml:"json"`
	Pattern string    `yaml:"pattern"`
	AnyOf   []string  `yaml:"anyOf"`
	Format  string    `yaml:"format"`
	Req     []string  `yaml:"req"`
	Doc     string    `yaml:"doc"`
}

type classFile struct {
	Section string      `yaml:"section"`
	Doc     string      `yaml:"doc"`
	In      string      `yaml:"in"`
	Fields  []fieldFile `yaml:"fields"`
}

type fieldFile struct {
	Name     string    `yaml:"name"`
	In       string    `yaml:"in"`
	Type     yaml.Node `yaml:"type"`
	Class    yaml.Node `yaml:"class"`
	Enum     string    `yaml:"enum"`
	Required yaml.Node `yaml:"required"`
	Minimum  yaml.Node `yaml:"minimum"`
	Maximum  yaml.Node `yaml:"maximum"`
	Extends  string    `yaml:"extends"`
	Req      []string  `yaml:"req"`
	Doc      string    `yaml:"doc"`
}

type enumFile struct {
	Section string `yaml:"section"`
	Doc     string `yaml:"doc"`
	Values  []struct {
		In   string   `yaml:"in"`
		List []string `yaml:"list"`
	} `yaml:"values"`
}

var partRef = regexp.MustCompile(`<([a-z0-9]+)>`)

// ParseModel reads a model file. name is used in error messages only.
func ParseModel(name string, data []byte) (*Model, error) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	var f modelFile
	if err := dec.Decode(&f); err != nil {
		return nil, fmt.Errorf("schema: %s: %w", name, err)
	}
	m := &Model{versions: f.Versions, types: map[string]*TypeDef{}}
	if len(m.versions) == 0 || len(m.versions) > maxRevisions {
		return nil, fmt.Errorf("schema: %s: versions: want 1 to %d revisions, have %d", name, maxRevisions, len(m.versions))
	}
	errf := func(node *yaml.Node, format string, args ...any) error {
		return fmt.Errorf("schema: %s:%d: %s", name, node.Line, fmt.Sprintf(format, args...))
	}

	parts, err := m.readParts(&f.Parts, errf)
	if err != nil {
		return nil, err
	}
	if err := m.readTypes(&f.Types, parts, errf); err != nil {
		return nil, err
	}
	if err := m.readEnums(&f.Enums, errf); err != nil {
		return nil, err
	}
	if err := m.readClasses(&f.Classes, errf); err != nil {
		return nil, err
	}
	if err := m.resolve(); err != nil {
		return nil, fmt.Errorf("schema: %s: %w", name, err)
	}
	return m, nil
}

type errFunc func(node *yaml.Node, format string, args ...any) error

// mapping walks a YAML mapping in file order.
func mapping(node *yaml.Node, errf errFunc, fn func(key string, val *yaml.Node) error) error {
	if node.Kind == 0 {
		return nil
	}
	if node.Kind != yaml.MappingNode {
		return errf(node, "want a mapping")
	}
	seen := map[string]bool{}
	for i := 0; i+1 < len(node.Content); i += 2 {
		k := node.Content[i]
		if seen[k.Value] {
			return errf(k, "%q appears twice", k.Value)
		}
		seen[k.Value] = true
		if err := fn(k.Value, node.Content[i+1]); err != nil {
			return err
		}
	}
	return nil
}

func (m *Model) readParts(node *yaml.Node, errf errFunc) (map[string]string, error) {
	parts := map[string]string{}
	err := mapping(node, errf, func(key string, val *yaml.Node) error {
		expanded, err := expandParts(val.Value, parts)
		if err != nil {
			return errf(val, "part %s: %v", key, err)
		}
		parts[key] = expanded
		return nil
	})
	return parts, err
}

// expandParts replaces every <name> by the part of that name; parts may only use parts
// defined before them, so expansion always ends.
func expandParts(s string, parts map[string]string) (string, error) {
	var missing string
	out := partRef.ReplaceAllStringFunc(s, func(ref string) string {
		name := ref[1 : len(ref)-1]
		p, ok := parts[name]
		if !ok && missing == "" {
			missing = name
		}
		return p
	})
	if missing != "" {
		return "", fmt.Errorf("unknown part <%s>", missing)
	}
	return out, nil
}

func (m *Model) readTypes(node *yaml.Node, parts map[string]string, errf errFunc) error {
	return mapping(node, errf, func(key string, val *yaml.Node) error {
		var tf typeFile
		if err := decodeKnown(val, &tf); err != nil {
			return errf(val, "type %s: %v", key, err)
		}
		t := &TypeDef{Name: key, Section: tf.Section, Format: tf.Format, Req: tf.Req, Doc: tf.Doc}
		switch tf.JSON.Kind {
		case yaml.ScalarNode:
			t.JSON = []string{tf.JSON.Value}
		case yaml.SequenceNode:
			if err := tf.JSON.Decode(&t.JSON); err != nil {
				return errf(val, "type %s: json: %v", key, err)
			}
		default:
			return errf(val, "type %s: json: want a JSON type name or a list of them", key)
		}
		for _, j := range t.JSON {
			if !slices.Contains([]string{"string", "integer", "number", "object", "array", "boolean"}, j) {
				return errf(val, "type %s: unknown JSON type %q", key, j)
			}
		}
		if tf.Pattern != "" && len(tf.AnyOf) > 0 {
			return errf(val, "type %s: give pattern or anyOf, not both", key)
		}
		pattern := tf.Pattern
		if len(tf.AnyOf) > 0 {
			pattern = "^(" + strings.Join(tf.AnyOf, "|") + ")$"
		}
		if pattern != "" {
			p, err := expandParts(pattern, parts)
			if err != nil {
				return errf(val, "type %s: %v", key, err)
			}
			re, err := regexp.Compile(p)
			if err != nil {
				return errf(val, "type %s: pattern: %v", key, err)
			}
			t.re = re
			t.dfa = compileDFA(p)
			if !strings.HasPrefix(p, "^") || !strings.HasSuffix(p, "$") {
				return errf(val, "type %s: pattern must be anchored with ^ and $", key)
			}
			t.Pattern = p
		}
		m.types[key] = t
		return nil
	})
}

func (m *Model) readEnums(node *yaml.Node, errf errFunc) error {
	return mapping(node, errf, func(key string, val *yaml.Node) error {
		var ef enumFile
		if err := decodeKnown(val, &ef); err != nil {
			return errf(val, "enum %s: %v", key, err)
		}
		e := &EnumDef{Name: key, Section: ef.Section, Doc: ef.Doc}
		seen := map[string]bool{}
		for _, g := range ef.Values {
			r, err := m.parseRange(g.In)
			if err != nil {
				return errf(val, "enum %s: %v", key, err)
			}
			for _, v := range g.List {
				if seen[v] {
					return errf(val, "enum %s: keyword %q listed twice", key, v)
				}
				seen[v] = true
				e.Values = append(e.Values, EnumValue{Value: v, In: r})
			}
		}
		m.enums = append(m.enums, e)
		return nil
	})
}

func (m *Model) readClasses(node *yaml.Node, errf errFunc) error {
	return mapping(node, errf, func(key string, val *yaml.Node) error {
		var cf classFile
		if err := decodeKnown(val, &cf); err != nil {
			return errf(val, "class %s: %v", key, err)
		}
		in, err := m.parseRange(cf.In)
		if err != nil {
			return errf(val, "class %s: %v", key, err)
		}
		c := &ClassDef{Name: key, Section: cf.Section, Doc: cf.Doc, In: in}
		seen := map[string]bool{}
		for _, ff := range cf.Fields {
			if seen[ff.Name] {
				return errf(val, "class %s: field %q listed twice", key, ff.Name)
			}
			seen[ff.Name] = true
			fd, err := m.readField(c, &ff)
			if err != nil {
				return errf(val, "class %s: field %s: %v", key, ff.Name, err)
			}
			c.Fields = append(c.Fields, fd)
		}
		m.classes = append(m.classes, c)
		return nil
	})
}

func (m *Model) readField(c *ClassDef, ff *fieldFile) (*FieldDef, error) {
	in, err := m.parseRange(ff.In)
	if err != nil {
		return nil, err
	}
	in &= c.In
	fd := &FieldDef{Name: ff.Name, In: in, Enum: ff.Enum, Extends: ff.Extends, Req: ff.Req, Doc: ff.Doc}
	if fd.Type, err = versionedString(m, &ff.Type, in); err != nil {
		return nil, fmt.Errorf("type: %w", err)
	}
	if fd.Class, err = versionedString(m, &ff.Class, in); err != nil {
		return nil, fmt.Errorf("class: %w", err)
	}
	if fd.Minimum, err = versionedString(m, &ff.Minimum, 0); err != nil {
		return nil, fmt.Errorf("minimum: %w", err)
	}
	if fd.Maximum, err = versionedString(m, &ff.Maximum, 0); err != nil {
		return nil, fmt.Errorf("maximum: %w", err)
	}
	switch ff.Required.Kind {
	case 0:
	case yaml.ScalarNode:
		switch ff.Required.Value {
		case "true":
			fd.Required = in
		case "false":
		default:
			r, err := m.parseRange(ff.Required.Value)
			if err != nil {
				return nil, fmt.Errorf("required: %w", err)
			}
			if r&^in != 0 {
				return nil, fmt.Errorf("required in %s, where the field does not exist", m.Range(r&^in))
			}
			fd.Required = r
		}
	default:
		return nil, fmt.Errorf("required: want true, false or a range")
	}
	if fd.Type.set|fd.Class.set != in || fd.Type.set&fd.Class.set != 0 {
		return nil, fmt.Errorf("each revision of the field (%s) needs exactly one type or class", m.Range(in))
	}
	return fd, nil
}

// versionedString reads a scalar (the same in every revision of all) or a mapping from
// ranges to scalars. An unset node yields an empty Versioned.
func versionedString(m *Model, node *yaml.Node, all Range) (Versioned[string], error) {
	var v Versioned[string]
	switch node.Kind {
	case 0:
		return v, nil
	case yaml.ScalarNode:
		if all == 0 {
			return v, fmt.Errorf("a bare value needs a range here")
		}
		for i := range m.versions {
			if all.Has(i) {
				v.vals[i] = node.Value
			}
		}
		v.set = all
		return v, nil
	case yaml.MappingNode:
		for i := 0; i+1 < len(node.Content); i += 2 {
			r, err := m.parseRange(node.Content[i].Value)
			if err != nil {
				return v, err
			}
			if r&v.set != 0 {
				return v, fmt.Errorf("ranges overlap in %s", m.Range(r&v.set))
			}
			if all != 0 && r&^all != 0 {
				return v, fmt.Errorf("range %s reaches revisions where the field does not exist", node.Content[i].Value)
			}
			for j := range m.versions {
				if r.Has(j) {
					v.vals[j] = node.Content[i+1].Value
				}
			}
			v.set |= r
		}
		return v, nil
	}
	return v, fmt.Errorf("want a value or a mapping from ranges to values")
}

// parseRange reads "all", "", a revision, "A..B", "A.." or "..B". The empty string means all.
func (m *Model) parseRange(s string) (Range, error) {
	full := Range(1)<<uint(len(m.versions)) - 1
	if s == "" || s == "all" {
		return full, nil
	}
	index := func(v string) (int, error) {
		i := slices.Index(m.versions, v)
		if i < 0 {
			return 0, fmt.Errorf("range %q: unknown revision %q", s, v)
		}
		return i, nil
	}
	lo, hi := 0, len(m.versions)-1
	a, b, isSpan := strings.Cut(s, "..")
	var err error
	if !isSpan {
		if lo, err = index(s); err != nil {
			return 0, err
		}
		hi = lo
	} else {
		if a != "" {
			if lo, err = index(a); err != nil {
				return 0, err
			}
		}
		if b != "" {
			if hi, err = index(b); err != nil {
				return 0, err
			}
		}
		if a == "" && b == "" || lo > hi {
			return 0, fmt.Errorf("range %q is empty", s)
		}
	}
	var r Range
	for i := lo; i <= hi; i++ {
		r |= 1 << uint(i)
	}
	return r, nil
}

func decodeKnown(node *yaml.Node, out any) error {
	// Node.Decode has no KnownFields switch; re-encoding and decoding strictly keeps typos
	// in the model file from being ignored.
	b, err := yaml.Marshal(node)
	if err != nil {
		return err
	}
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	return dec.Decode(out)
}

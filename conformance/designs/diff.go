package designs

import (
	"fmt"
	"slices"
	"strings"

	"github.com/idmefcheck/idmefcheck/schema"
)

// Kinds of schema change.
const (
	Added    = "added"
	Removed  = "removed"
	Retyped  = "type"     // a field's data type, class or list-ness changed
	Required = "required" // a field became required, or stopped being
	Bounds   = "bounds"   // a numeric field's minimum or maximum changed
	Renamed  = "renamed"  // an enumeration keyword removed and a near match added
)

// SchemaDiff is what changed in the IDMEFv2 model from one revision to another, computed from
// schema/idmefv2/model.yaml, never written by hand.
type SchemaDiff struct {
	From    string        `json:"from"`
	To      string        `json:"to"`
	Classes []Change      `json:"classes"`
	Fields  []Change      `json:"fields"`
	Values  []ValueChange `json:"values"`
}

// Change is a class or field added, removed or changed. For a class added or removed, its
// fields are not listed one by one.
type Change struct {
	Path string `json:"path"`
	Kind string `json:"kind"`
	From string `json:"from,omitempty"`
	To   string `json:"to,omitempty"`
	// Requirements are the catalogue requirements the change touches (Index says how they
	// are found).
	Requirements []string `json:"requirements"`
}

// ValueChange is an enumeration keyword added, removed, or (probably) renamed.
type ValueChange struct {
	Enum   string   `json:"enum"`
	Fields []string `json:"fields"` // the fields that take the enumeration
	Kind   string   `json:"kind"`
	From   string   `json:"from,omitempty"`
	To     string   `json:"to,omitempty"`
	// Match says why a removed and an added keyword are paired as a rename: "edit distance
	// 1", "shortened" (each dot-separated part of one contains the other's), or "same last
	// part". The model cannot know intent: a rename is a near match, shown as such.
	Match        string   `json:"match,omitempty"`
	Requirements []string `json:"requirements"`
}

// Empty reports whether nothing changed.
func (d *SchemaDiff) Empty() bool { return len(d.Classes)+len(d.Fields)+len(d.Values) == 0 }

// Counts returns how many changes of each kind the diff holds, over classes, fields and values.
func (d *SchemaDiff) Counts() map[string]int {
	out := map[string]int{}
	for _, c := range d.Classes {
		out[c.Kind]++
	}
	for _, c := range d.Fields {
		out[c.Kind]++
	}
	for _, v := range d.Values {
		out[v.Kind]++
	}
	return out
}

// Requirements lists every requirement some change touches, sorted.
func (d *SchemaDiff) Requirements() []string {
	var out []string
	add := func(ids []string) {
		for _, id := range ids {
			if !slices.Contains(out, id) {
				out = append(out, id)
			}
		}
	}
	for _, c := range d.Classes {
		add(c.Requirements)
	}
	for _, c := range d.Fields {
		add(c.Requirements)
	}
	for _, v := range d.Values {
		add(v.Requirements)
	}
	slices.Sort(out)
	return out
}

// Index maps the model to the requirements a change touches. A field touches:
//   - the requirements the model itself cites for it and for its data type (the ones the
//     validator's findings on that field cite: the same source);
//   - the requirements whose assessment, in any design of the library, names the field as
//     part of its mechanism.
//
// An enumeration keyword touches the requirements the model cites for the fields that take
// it, and those whose assessment names that keyword (<field>=<keyword>). A nil Index uses
// the model's citations only.
type Index struct {
	fields map[string][]string // field path -> requirement IDs from designs
	values map[string][]string // "path=keyword" -> requirement IDs from designs
}

// NewIndex builds the index from the designs' mechanisms.
func NewIndex(lib *Library) *Index {
	idx := &Index{fields: map[string][]string{}, values: map[string][]string{}}
	add := func(m map[string][]string, k, id string) {
		if !slices.Contains(m[k], id) {
			m[k] = append(m[k], id)
		}
	}
	for _, d := range lib.designs {
		for _, a := range d.Assessments {
			for _, f := range a.Mechanism.Fields {
				add(idx.fields, f, a.Requirement)
			}
			for _, v := range a.Mechanism.Values {
				add(idx.values, v, a.Requirement)
				p, _, _ := strings.Cut(v, "=")
				add(idx.fields, p, a.Requirement)
			}
		}
	}
	return idx
}

func (idx *Index) field(f *schema.Field) []string {
	out := append([]string{}, f.Requirements()...)
	if idx != nil {
		out = union(out, idx.fields[f.Path()])
	}
	slices.Sort(out)
	return out
}

func (idx *Index) value(fields []*schema.Field, values ...string) []string {
	out := []string{}
	for _, f := range fields {
		out = union(out, f.Def.Req)
		if idx == nil {
			continue
		}
		for _, v := range values {
			if v != "" {
				out = union(out, idx.values[f.Path()+"="+v])
			}
		}
	}
	slices.Sort(out)
	return out
}

func union(a, b []string) []string {
	out := append([]string{}, a...)
	for _, s := range b {
		if !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}

// Diff computes the differences between two revisions of the model. idx may be nil.
func Diff(m *schema.Model, from, to string, idx *Index) (*SchemaDiff, error) {
	a, ok := m.Revision(from)
	if !ok {
		return nil, fmt.Errorf("designs: no IDMEFv2 revision %q (have %s)", from, strings.Join(m.Versions(), ", "))
	}
	b, ok := m.Revision(to)
	if !ok {
		return nil, fmt.Errorf("designs: no IDMEFv2 revision %q (have %s)", to, strings.Join(m.Versions(), ", "))
	}
	d := &SchemaDiff{From: from, To: to, Classes: []Change{}, Fields: []Change{}, Values: []ValueChange{}}
	for _, cd := range m.Classes() {
		ca, inA := a.Class(cd.Name)
		cb, inB := b.Class(cd.Name)
		switch {
		case !inA && !inB:
			continue
		case inA && !inB:
			d.Classes = append(d.Classes, Change{Path: cd.Name, Kind: Removed, Requirements: classReqs(ca, idx)})
			continue
		case !inA && inB:
			d.Classes = append(d.Classes, Change{Path: cd.Name, Kind: Added, Requirements: classReqs(cb, idx)})
			continue
		}
		for _, fd := range cd.Fields {
			fa, inA := ca.Field(fd.Name)
			fb, inB := cb.Field(fd.Name)
			switch {
			case !inA && !inB:
			case inA && !inB:
				d.Fields = append(d.Fields, Change{Path: fa.Path(), Kind: Removed, From: describe(fa), Requirements: idx.field(fa)})
			case !inA && inB:
				d.Fields = append(d.Fields, Change{Path: fb.Path(), Kind: Added, To: describe(fb), Requirements: idx.field(fb)})
			default:
				if ta, tb := typeOf(fa), typeOf(fb); ta != tb {
					d.Fields = append(d.Fields, Change{Path: fb.Path(), Kind: Retyped, From: ta, To: tb, Requirements: idx.field(fb)})
				}
				if fa.Required != fb.Required {
					d.Fields = append(d.Fields, Change{Path: fb.Path(), Kind: Required, From: requiredWord(fa.Required), To: requiredWord(fb.Required), Requirements: idx.field(fb)})
				}
				if ba, bb := bounds(fa), bounds(fb); ba != bb {
					d.Fields = append(d.Fields, Change{Path: fb.Path(), Kind: Bounds, From: ba, To: bb, Requirements: idx.field(fb)})
				}
			}
		}
	}
	for _, e := range m.Enums() {
		va, vb := a.EnumValues(e.Name), b.EnumValues(e.Name)
		var removed, added []string
		for _, v := range va {
			if !slices.Contains(vb, v) {
				removed = append(removed, v)
			}
		}
		for _, v := range vb {
			if !slices.Contains(va, v) {
				added = append(added, v)
			}
		}
		if len(removed)+len(added) == 0 {
			continue
		}
		fields := enumFields(e.Name, a, b)
		var paths []string
		for _, f := range fields {
			if !slices.Contains(paths, f.Path()) {
				paths = append(paths, f.Path())
			}
		}
		pairs := pair(removed, added)
		for _, p := range pairs {
			d.Values = append(d.Values, ValueChange{Enum: e.Name, Fields: paths, Kind: Renamed, From: p.from, To: p.to, Match: p.match, Requirements: idx.value(fields, p.from, p.to)})
		}
		for _, v := range removed {
			if !slices.ContainsFunc(pairs, func(p match) bool { return p.from == v }) {
				d.Values = append(d.Values, ValueChange{Enum: e.Name, Fields: paths, Kind: Removed, From: v, Requirements: idx.value(fields, v)})
			}
		}
		for _, v := range added {
			if !slices.ContainsFunc(pairs, func(p match) bool { return p.to == v }) {
				d.Values = append(d.Values, ValueChange{Enum: e.Name, Fields: paths, Kind: Added, To: v, Requirements: idx.value(fields, v)})
			}
		}
	}
	return d, nil
}

func classReqs(c *schema.Class, idx *Index) []string {
	out := []string{}
	for _, f := range c.Fields {
		out = union(out, idx.field(f))
	}
	slices.Sort(out)
	return out
}

// enumFields lists the fields of either revision that take the enumeration called name.
func enumFields(name string, revs ...*schema.Revision) []*schema.Field {
	var out []*schema.Field
	for _, r := range revs {
		for _, cd := range r.Model().Classes() {
			c, ok := r.Class(cd.Name)
			if !ok {
				continue
			}
			for _, f := range c.Fields {
				if f.Enum != nil && f.Enum.Name == name && !slices.ContainsFunc(out, func(g *schema.Field) bool { return g.Path() == f.Path() }) {
					out = append(out, f)
				}
			}
		}
	}
	return out
}

func typeOf(f *schema.Field) string {
	var s string
	switch {
	case f.Type != nil && f.Enum != nil:
		s = "ENUM " + f.Enum.Name
	case f.Type != nil:
		s = f.Type.Name
	case f.Class != nil:
		s = f.Class.Name
	}
	if f.List {
		s += "[]"
	}
	return s
}

func describe(f *schema.Field) string {
	s := typeOf(f)
	if f.Required {
		s += ", required"
	}
	return s
}

func requiredWord(b bool) string {
	if b {
		return "required"
	}
	return "optional"
}

func bounds(f *schema.Field) string {
	if f.Minimum == "" && f.Maximum == "" {
		return "none"
	}
	return "[" + f.Minimum + ", " + f.Maximum + "]"
}

type match struct {
	from, to, match string
	cost            int
}

// pair matches removed keywords with added ones that look like renames, cheapest first, each
// keyword used once.
func pair(removed, added []string) []match {
	var cands []match
	for _, r := range removed {
		for _, a := range added {
			if m, ok := near(r, a); ok {
				cands = append(cands, m)
			}
		}
	}
	slices.SortStableFunc(cands, func(x, y match) int { return x.cost - y.cost })
	var out []match
	used := map[string]bool{}
	for _, c := range cands {
		if used["-"+c.from] || used["+"+c.to] {
			continue
		}
		used["-"+c.from], used["+"+c.to] = true, true
		out = append(out, c)
	}
	slices.SortStableFunc(out, func(x, y match) int { return slices.Index(removed, x.from) - slices.Index(removed, y.from) })
	return out
}

// near decides whether b looks like a renamed a, and how much it differs.
func near(a, b string) (match, bool) {
	la, lb := strings.ToLower(a), strings.ToLower(b)
	if dist := levenshtein(la, lb); dist <= 2 && dist*4 <= min(len(la), len(lb)) {
		return match{from: a, to: b, match: fmt.Sprintf("edit distance %d", dist), cost: dist}, true
	}
	pa, pb := strings.Split(la, "."), strings.Split(lb, ".")
	if len(pa) == len(pb) && len(pa) > 1 {
		ok := true
		for i := range pa {
			if !strings.Contains(pa[i], pb[i]) && !strings.Contains(pb[i], pa[i]) {
				ok = false
				break
			}
		}
		if ok {
			word := "shortened"
			if len(lb) > len(la) {
				word = "lengthened"
			}
			return match{from: a, to: b, match: word, cost: 10 + abs(len(la)-len(lb))}, true
		}
	}
	if len(pa) != len(pb) && len(pa[len(pa)-1]) >= 3 && pa[len(pa)-1] == pb[len(pb)-1] {
		return match{from: a, to: b, match: "same last part", cost: 100 + abs(len(pa)-len(pb))}, true
	}
	return match{}, false
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

func levenshtein(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}

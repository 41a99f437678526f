package schema

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// Revision is the model as one revision (for example 2.D.V08) defines it: the classes and
// fields that exist there, with their types, enumerations and requirements resolved.
type Revision struct {
	Version string
	Index   int // position in Model.Versions
	Alert   *Class
	model   *Model
	classes map[string]*Class
	enums   map[string][]string
}

// Class is an aggregate class in one revision.
type Class struct {
	Def    *ClassDef
	Name   string
	Fields []*Field
	byName map[string]*Field
}

// Field is a class attribute in one revision.
type Field struct {
	Def    *FieldDef
	Owner  *Class
	Name   string
	List   bool     // the field holds a JSON array of Type or Class
	Type   *TypeDef // the data type of the field or of its items; nil for aggregates
	Class  *Class   // the aggregate class of the field or of its items; nil otherwise
	Enum   *EnumDef // for ENUM types
	Values []string // the keywords this revision accepts, for ENUM and VERSION types
	// ExtKeyword is the keyword that selects the field's ext- companion (ext-value, or
	// Other.ext-value for the 2.D.V07/V08 Alert categories), "" when the enumeration has none.
	ExtKeyword string
	Required   bool
	Minimum    string // JSON number literal, "" for none
	Maximum    string
}

// Model returns the model the revision belongs to.
func (r *Revision) Model() *Model { return r.model }

// Class returns the class called name, if the revision has it.
func (r *Revision) Class(name string) (*Class, bool) { c, ok := r.classes[name]; return c, ok }

// EnumValues returns the keywords this revision accepts for the enumeration called name.
func (r *Revision) EnumValues(name string) []string { return r.enums[name] }

// Field returns the field called name, if the class has it in this revision.
func (c *Class) Field(name string) (*Field, bool) { f, ok := c.byName[name]; return f, ok }

// Path returns the field's name qualified by its class, e.g. "Source.Port"; Alert's own
// fields are unqualified, as in the drafts' IDMEF paths.
func (f *Field) Path() string {
	if f.Owner.Name == "Alert" {
		return f.Name
	}
	return f.Owner.Name + "." + f.Name
}

// Requirements lists the catalogue requirements a finding on the field's value cites: the
// field's own, then its type's.
func (f *Field) Requirements() []string {
	out := slices.Clone(f.Def.Req)
	if f.Type != nil {
		for _, r := range f.Type.Req {
			if !slices.Contains(out, r) {
				out = append(out, r)
			}
		}
	}
	return out
}

// Resolve finds the field a JSON Pointer (as unescaped reference tokens) addresses.
// item reports that the pointer addresses one element of a list field rather than the list.
// ok is false when the pointer leaves the model (an unknown member, an index into a
// non-list, data inside an attachment's Content).
func (r *Revision) Resolve(tokens []string) (f *Field, item bool, ok bool) {
	c := r.Alert
	for i := 0; i < len(tokens); i++ {
		if c == nil {
			return nil, false, false
		}
		fld, found := c.byName[tokens[i]]
		if !found {
			return nil, false, false
		}
		f, item = fld, false
		if fld.List && i+1 < len(tokens) {
			if !isIndex(tokens[i+1]) {
				return nil, false, false
			}
			i++
			item = true
		}
		c = fld.Class
		if i+1 < len(tokens) && c == nil {
			return nil, false, false
		}
	}
	return f, item, f != nil
}

func isIndex(tok string) bool {
	if tok == "" || (len(tok) > 1 && tok[0] == '0') {
		return false
	}
	_, err := strconv.ParseUint(tok, 10, 31)
	return err == nil
}

// resolve builds every revision's view and checks that the model hangs together.
func (m *Model) resolve() error {
	byClass := map[string]*ClassDef{}
	for _, c := range m.classes {
		byClass[c.Name] = c
	}
	byEnum := map[string]*EnumDef{}
	for _, e := range m.enums {
		byEnum[e.Name] = e
	}
	if _, ok := byClass["Alert"]; !ok {
		return fmt.Errorf("the model has no Alert class")
	}
	for i, v := range m.versions {
		rev := &Revision{Version: v, Index: i, model: m, classes: map[string]*Class{}, enums: map[string][]string{}}
		for _, e := range m.enums {
			var vals []string
			for _, ev := range e.Values {
				if ev.In.Has(i) {
					vals = append(vals, ev.Value)
				}
			}
			if len(vals) > 0 {
				rev.enums[e.Name] = vals
			}
		}
		for _, cd := range m.classes {
			if cd.In.Has(i) {
				rev.classes[cd.Name] = &Class{Def: cd, Name: cd.Name, byName: map[string]*Field{}}
			}
		}
		for _, cd := range m.classes {
			c, ok := rev.classes[cd.Name]
			if !ok {
				continue
			}
			for _, fd := range cd.Fields {
				if !fd.In.Has(i) {
					continue
				}
				f, err := m.resolveField(rev, c, fd, byEnum)
				if err != nil {
					return fmt.Errorf("%s: %s.%s: %w", v, cd.Name, fd.Name, err)
				}
				c.Fields = append(c.Fields, f)
				c.byName[f.Name] = f
			}
		}
		for _, c := range rev.classes {
			for _, f := range c.Fields {
				if f.Def.Extends == "" {
					continue
				}
				if _, ok := c.byName[f.Def.Extends]; !ok {
					return fmt.Errorf("%s: %s.%s extends %s, which %s does not have", v, c.Name, f.Name, f.Def.Extends, v)
				}
			}
		}
		rev.Alert = rev.classes["Alert"]
		m.revs = append(m.revs, rev)
	}
	return nil
}

func (m *Model) resolveField(rev *Revision, c *Class, fd *FieldDef, byEnum map[string]*EnumDef) (*Field, error) {
	i := rev.Index
	f := &Field{Def: fd, Owner: c, Name: fd.Name, Required: fd.Required.Has(i)}
	f.Minimum, _ = fd.Minimum.At(i)
	f.Maximum, _ = fd.Maximum.At(i)
	if t, ok := fd.Type.At(i); ok {
		base, list := strings.CutSuffix(t, "[]")
		f.List = list
		td, ok := m.types[base]
		if !ok {
			return nil, fmt.Errorf("unknown type %q", base)
		}
		f.Type = td
		switch base {
		case "ENUM":
			e, ok := byEnum[fd.Enum]
			if !ok {
				return nil, fmt.Errorf("unknown enumeration %q", fd.Enum)
			}
			f.Enum = e
			f.Values = rev.enums[e.Name]
			if len(f.Values) == 0 {
				return nil, fmt.Errorf("enumeration %s has no keyword in %s", e.Name, rev.Version)
			}
			for _, v := range f.Values {
				if v == "ext-value" || strings.HasSuffix(v, ".ext-value") {
					f.ExtKeyword = v
				}
			}
		case "VERSION":
			f.Values = []string{rev.Version}
		default:
			if fd.Enum != "" {
				return nil, fmt.Errorf("enum %q given for type %s", fd.Enum, base)
			}
		}
		return f, nil
	}
	cl, _ := fd.Class.At(i)
	base, list := strings.CutSuffix(cl, "[]")
	f.List = list
	agg, ok := rev.classes[base]
	if !ok {
		return nil, fmt.Errorf("class %q does not exist in %s", base, rev.Version)
	}
	f.Class = agg
	return f, nil
}

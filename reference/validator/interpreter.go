package validator

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v5"

	"github.com/idmefcheck/idmefcheck/schema"
)

// interpreter is the engine that runs the compiled JSON Schema with jsonschema/v5 and turns
// each failed keyword into findings worded from the model. It is the reference other
// engines are compared with.
type interpreter struct {
	set *schema.Set
}

func (in *interpreter) schemaFindings(rev *schema.Revision, v any, report reportFunc) {
	sch, _ := in.set.IDMEFv2(rev.Version)
	err := sch.Validate(v)
	if err == nil {
		return
	}
	var ve *jsonschema.ValidationError
	if !errors.As(err, &ve) {
		report(RuleSchemaOther, nil, "", fmt.Sprintf("the schema of %s could not be applied: %v", rev.Version, err))
		return
	}
	t := &translator{words: schemaWords{rev: rev, report: report}, root: v}
	for _, leaf := range leaves(ve) {
		t.translate(leaf)
	}
}

// leaves returns the errors at the bottom of the cause tree: each is one failed keyword.
func leaves(e *jsonschema.ValidationError) []*jsonschema.ValidationError {
	if len(e.Causes) == 0 {
		return []*jsonschema.ValidationError{e}
	}
	var out []*jsonschema.ValidationError
	for _, c := range e.Causes {
		out = append(out, leaves(c)...)
	}
	return out
}

// translator turns jsonschema/v5's failures into findings, worded by schemaWords.
type translator struct {
	words schemaWords
	root  any
}

func (t *translator) translate(e *jsonschema.ValidationError) {
	kw := e.KeywordLocation
	if i := strings.LastIndexByte(kw, '/'); i >= 0 {
		kw = kw[i+1:]
	}
	tokens := pointerTokens(e.InstanceLocation)
	at, v := locate(t.root, tokens)
	rev := t.words.rev
	f, item, known := rev.Resolve(tokens)
	worded := false
	switch kw {
	case "required", "additionalProperties":
		cls := rev.Alert
		if len(tokens) > 0 {
			cls = nil
			if known && f.Class != nil && (!f.List || item) {
				cls = f.Class
			}
		}
		if cls != nil && v.kind() == '{' {
			if kw == "required" {
				worded = t.words.required(cls, at, v)
			} else {
				worded = t.words.unknownFields(cls, at, v)
			}
		}
	case "type":
		worded = known && t.words.wrongType(f, item, at, v)
	case "enum":
		worded = known && t.words.notInEnum(f, at, v)
	case "pattern", "format":
		worded = known && t.words.syntax(kw, f, at, v)
	case "minimum", "maximum":
		worded = known && t.words.outOfRange(kw, f, at, v)
	}
	if !worded {
		// The model cannot word this failure; it is reported as the schema states it, so
		// that no failure of the schema goes unreported.
		var reqs []string
		if known {
			reqs = f.Requirements()
		}
		t.words.report(RuleSchemaOther, reqs, e.InstanceLocation, fmt.Sprintf("%s: %s (schema keyword %s)", orMessage(at.where()), e.Message, kw))
	}
}

// locate follows reference tokens through a decoded message and returns where they lead, as
// a loc, and the value there.
func locate(root any, tokens []string) (loc, val) {
	var at loc
	cur := root
	for _, tok := range tokens {
		switch x := cur.(type) {
		case []any:
			i, _ := strconv.Atoi(tok)
			at = at.item(i)
			if i >= 0 && i < len(x) {
				cur = x[i]
			} else {
				cur = nil
			}
		default:
			at = at.field(tok)
			if m, ok := x.(map[string]any); ok {
				cur = m[tok]
			} else {
				cur = nil
			}
		}
	}
	return at, treeVal(cur)
}

// schemaWords words what a revision's schema refuses, from what the model knows of the field
// concerned. Both engines report through it, so their findings read the same.
type schemaWords struct {
	rev    *schema.Revision
	report reportFunc
	near   *nearIndex // nil: did-you-mean works out each list of candidates afresh
}

func (w schemaWords) required(cls *schema.Class, at loc, obj val) bool {
	worded := false
	for _, f := range cls.Fields {
		if !f.Required || obj.has(f.Name) {
			continue
		}
		owner := at.where()
		if owner == "" {
			owner = "The alert"
		}
		w.report(RuleRequired, f.Def.Req, at.field(f.Name).ptr(),
			fmt.Sprintf("%s lacks %s, which %s requires (%s)", owner, f.Name, w.rev.Version, lowerFirst(f.Def.Doc)))
		worded = true
	}
	return worded
}

func (w schemaWords) unknownFields(cls *schema.Class, at loc, obj val) bool {
	var names []string
	for name := range obj.memberNames() {
		if _, known := cls.Field(name); !known {
			names = append(names, strings.Clone(name))
		}
	}
	slices.Sort(names)
	owner := at.where()
	if owner == "" {
		owner = "the alert"
	}
	m := w.rev.Model()
	for _, name := range names {
		msg := fmt.Sprintf("%s has no field %s in %s", owner, quote(name), w.rev.Version)
		if other := fieldElsewhere(m, cls.Name, name); other != "" {
			msg += fmt.Sprintf(" (%s.%s exists in %s only)", cls.Name, name, other)
		} else if near := w.near.nearestField(cls, name); near != "" {
			msg += fmt.Sprintf("; did you mean %s?", quote(near))
		}
		w.report(RuleUnknownField, []string{"IDMEF2-5.8-3"}, at.field(name).ptr(), msg)
	}
	return len(names) > 0
}

func (w schemaWords) wrongType(f *schema.Field, item bool, at loc, v val) bool {
	var want string
	// A list in the wrong shape breaks the serialization of lists (IDMEF2-5.8-4); a value of
	// the wrong type breaks its type's serialization (IDMEF2-5.8-5).
	reqs := slices.Clone(f.Def.Req)
	switch {
	case f.List && !item:
		reqs = append(reqs, "IDMEF2-5.8-4")
		want = "a JSON array"
		if f.Class != nil {
			want += " of " + f.Class.Name + " objects"
		} else {
			want += " of " + typeWords(f.Type)
		}
	case f.Class != nil:
		want = "a JSON object (the " + f.Class.Name + " class)"
		reqs = append(reqs, "IDMEF2-5.8-3")
	default:
		want = typeWords(f.Type)
		reqs = append(reqs, f.Type.Req...)
	}
	w.report(RuleType, reqs, at.ptr(), fmt.Sprintf("%s is %s; %s in %s holds %s", at.where(), describeValue(v.any()), f.Path(), w.rev.Version, want))
	return true
}

func (w schemaWords) notInEnum(f *schema.Field, at loc, v val) bool {
	if f.Type != nil && f.Type.Name == "VERSION" {
		w.report(RuleVersion, f.Requirements(), at.ptr(), fmt.Sprintf("Version %s does not name %s, the revision the message is judged against", quoteValue(v.any()), w.rev.Version))
		return true
	}
	if f.Enum == nil {
		return false
	}
	msg := fmt.Sprintf("%s %s is not a %s keyword of %s", at.where(), quoteValue(v.any()), w.rev.Version, f.Enum.Name)
	if s, ok := v.str(); ok {
		if in := enumElsewhere(w.rev.Model(), f.Enum, s); in != "" {
			msg += fmt.Sprintf(" (it is one in %s)", in)
		}
		if near := w.near.nearestValue(f, s); near != "" && near != s {
			msg += fmt.Sprintf("; did you mean %s?", quote(near))
		}
	}
	w.report(RuleEnum, f.Requirements(), at.ptr(), msg)
	return true
}

func (w schemaWords) syntax(kw string, f *schema.Field, at loc, v val) bool {
	if f.Type == nil {
		return false
	}
	rule := RulePattern
	if kw == "format" {
		rule = RuleFormat
	}
	w.report(rule, f.Requirements(), at.ptr(), fmt.Sprintf("%s %s is not %s: %s", at.where(), quoteValue(v.any()), article(f.Type.Name), syntaxHint(f.Type.Name)))
	return true
}

func (w schemaWords) outOfRange(kw string, f *schema.Field, at loc, v val) bool {
	bound, side := f.Minimum, "below"
	if kw == "maximum" {
		bound, side = f.Maximum, "above"
	}
	w.report(RuleRange, f.Requirements(), at.ptr(), fmt.Sprintf("%s %s is %s %s, the %s %s allows for %s", at.where(), quoteValue(v.any()), side, bound, kw, w.rev.Version, f.Path()))
	return true
}

// fieldElsewhere tells in which revisions a class has a field, when the model knows it.
func fieldElsewhere(m *schema.Model, class, name string) string {
	for _, cd := range m.Classes() {
		if cd.Name != class {
			continue
		}
		for _, fd := range cd.Fields {
			if fd.Name == name {
				return m.Range(fd.In)
			}
		}
	}
	return ""
}

// nearestField is nearest over c's field names; x may be nil.
func (x *nearIndex) nearestField(c *schema.Class, name string) string {
	if sg := x.class(c); sg != nil {
		return sg.nearest(name)
	}
	return nearest(name, fieldNames(c))
}

// nearestValue is nearest over f's keywords; x may be nil.
func (x *nearIndex) nearestValue(f *schema.Field, s string) string {
	if sg := x.values(f.Values); sg != nil {
		return sg.nearest(s)
	}
	return nearest(s, f.Values)
}

func fieldNames(c *schema.Class) []string {
	names := make([]string, len(c.Fields))
	for i, f := range c.Fields {
		names[i] = f.Name
	}
	return names
}

// nearIndex keeps a compiled Validator's suggestions, each built the first time a finding
// needs it: one per class, of its field names, and one per list of keywords (the fields of an
// enumeration share its list). Most are never needed, so none is built up front.
type nearIndex struct {
	classes sync.Map // *schema.Class → *suggestions
	// lists is keyed by where a list is (its first element), not what it holds: the model
	// hands every field of an enumeration the same slice.
	lists sync.Map // *string → *suggestions
}

func (x *nearIndex) class(c *schema.Class) *suggestions {
	if x == nil {
		return nil
	}
	if v, ok := x.classes.Load(c); ok {
		return v.(*suggestions)
	}
	v, _ := x.classes.LoadOrStore(c, newSuggestions(fieldNames(c)))
	return v.(*suggestions)
}

func (x *nearIndex) values(list []string) *suggestions {
	if x == nil || len(list) == 0 {
		return nil
	}
	v, ok := x.lists.Load(&list[0])
	if !ok {
		v, _ = x.lists.LoadOrStore(&list[0], newSuggestions(list))
	}
	if sg := v.(*suggestions); len(sg.candidates) == len(list) {
		return sg
	}
	return nil // a shorter or longer slice of the same array: not worth a list of its own
}

func enumElsewhere(m *schema.Model, e *schema.EnumDef, s string) string {
	for _, ev := range e.Values {
		if ev.Value == s {
			return m.Range(ev.In)
		}
	}
	return ""
}

func orMessage(where string) string {
	if where == "" {
		return "the message"
	}
	return where
}

func lowerFirst(s string) string {
	s = strings.TrimSuffix(s, ".")
	if s == "" {
		return s
	}
	return strings.ToLower(s[:1]) + s[1:]
}

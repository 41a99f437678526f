package validator

import (
	"errors"
	"fmt"
	"slices"
	"strings"

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
	t := &translator{rev: rev, root: v, report: report}
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

// translator words schema failures from what the model knows of the field concerned.
type translator struct {
	rev    *schema.Revision
	root   any
	report reportFunc
}

func (t *translator) translate(e *jsonschema.ValidationError) {
	kw := e.KeywordLocation
	if i := strings.LastIndexByte(kw, '/'); i >= 0 {
		kw = kw[i+1:]
	}
	ptr := e.InstanceLocation
	tokens := pointerTokens(ptr)
	val, _ := valueAt(t.root, tokens)
	f, item, known := t.rev.Resolve(tokens)
	where := displayPath(tokens)
	worded := false
	switch kw {
	case "required":
		worded = t.required(ptr, tokens, val)
	case "additionalProperties":
		worded = t.unknownFields(ptr, tokens, val)
	case "type":
		worded = known && t.wrongType(ptr, where, f, item, val)
	case "enum":
		worded = known && t.notInEnum(ptr, where, f, val)
	case "pattern", "format":
		if known && f.Type != nil {
			rule := RulePattern
			if kw == "format" {
				rule = RuleFormat
			}
			t.report(rule, f.Requirements(), ptr, fmt.Sprintf("%s %s is not %s: %s", where, quoteValue(val), article(f.Type.Name), syntaxHint(f.Type.Name)))
			worded = true
		}
	case "minimum", "maximum":
		if known {
			bound, side := f.Minimum, "below"
			if kw == "maximum" {
				bound, side = f.Maximum, "above"
			}
			t.report(RuleRange, f.Requirements(), ptr, fmt.Sprintf("%s %s is %s %s, the %s %s allows for %s", where, quoteValue(val), side, bound, kw, t.rev.Version, f.Path()))
			worded = true
		}
	}
	if !worded {
		// The model cannot word this failure; it is reported as the schema states it, so
		// that no failure of the schema goes unreported.
		var reqs []string
		if known {
			reqs = f.Requirements()
		}
		t.report(RuleSchemaOther, reqs, ptr, fmt.Sprintf("%s: %s (schema keyword %s)", orMessage(where), e.Message, kw))
	}
}

// classAt finds the class of the object at tokens: Alert at the top, else the aggregate of
// the field addressed (an item of a list of them, or the single one).
func (t *translator) classAt(tokens []string) *schema.Class {
	if len(tokens) == 0 {
		return t.rev.Alert
	}
	f, item, ok := t.rev.Resolve(tokens)
	if !ok || f.Class == nil || f.List && !item {
		return nil
	}
	return f.Class
}

func (t *translator) required(ptr string, tokens []string, val any) bool {
	obj, ok := val.(map[string]any)
	c := t.classAt(tokens)
	if !ok || c == nil {
		return false
	}
	worded := false
	owner := displayPath(tokens)
	if owner == "" {
		owner = "The alert"
	}
	for _, f := range c.Fields {
		if _, present := obj[f.Name]; present || !f.Required {
			continue
		}
		t.report(RuleRequired, f.Def.Req, ptr+"/"+escape(f.Name),
			fmt.Sprintf("%s lacks %s, which %s requires (%s)", owner, f.Name, t.rev.Version, lowerFirst(f.Def.Doc)))
		worded = true
	}
	return worded
}

func (t *translator) unknownFields(ptr string, tokens []string, val any) bool {
	obj, ok := val.(map[string]any)
	c := t.classAt(tokens)
	if !ok || c == nil {
		return false
	}
	owner := displayPath(tokens)
	if owner == "" {
		owner = "the alert"
	}
	names := make([]string, 0, len(obj))
	for name := range obj {
		if _, known := c.Field(name); !known {
			names = append(names, name)
		}
	}
	slices.Sort(names)
	m := t.rev.Model()
	for _, name := range names {
		msg := fmt.Sprintf("%s has no field %s in %s", owner, quote(name), t.rev.Version)
		if other := fieldElsewhere(m, c.Name, name); other != "" {
			msg += fmt.Sprintf(" (%s.%s exists in %s only)", c.Name, name, other)
		} else if near := nearestField(c, name); near != "" {
			msg += fmt.Sprintf("; did you mean %s?", quote(near))
		}
		t.report(RuleUnknownField, []string{"IDMEF2-5.8-3"}, ptr+"/"+escape(name), msg)
	}
	return len(names) > 0
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

func nearestField(c *schema.Class, name string) string {
	names := make([]string, len(c.Fields))
	for i, f := range c.Fields {
		names[i] = f.Name
	}
	return nearest(name, names)
}

func (t *translator) wrongType(ptr, where string, f *schema.Field, item bool, val any) bool {
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
	t.report(RuleType, reqs, ptr, fmt.Sprintf("%s is %s; %s in %s holds %s", where, describeValue(val), f.Path(), t.rev.Version, want))
	return true
}

func (t *translator) notInEnum(ptr, where string, f *schema.Field, val any) bool {
	if f.Type != nil && f.Type.Name == "VERSION" {
		t.report(RuleVersion, f.Requirements(), ptr, fmt.Sprintf("Version %s does not name %s, the revision the message is judged against", quoteValue(val), t.rev.Version))
		return true
	}
	if f.Enum == nil {
		return false
	}
	msg := fmt.Sprintf("%s %s is not a %s keyword of %s", where, quoteValue(val), t.rev.Version, f.Enum.Name)
	if s, ok := val.(string); ok {
		if in := enumElsewhere(t.rev.Model(), f.Enum, s); in != "" {
			msg += fmt.Sprintf(" (it is one in %s)", in)
		}
		if near := nearest(s, f.Values); near != "" && near != s {
			msg += fmt.Sprintf("; did you mean %s?", quote(near))
		}
	}
	t.report(RuleEnum, f.Requirements(), ptr, msg)
	return true
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

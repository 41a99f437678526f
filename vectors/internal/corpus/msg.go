package corpus

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"
)

// A message under construction is a tree of JSON values that keeps what the corpus needs and
// Go's maps lose: the order of members (messages read as a producer would write them), repeated
// member names, and number literals as written.
//
//	*object  a JSON object, members in order, names possibly repeated
//	*list    a JSON array
//	string   a JSON string
//	number   a JSON number literal, byte for byte
//	bool     true or false
//	nil      null
//	rawJSON  JSON text inserted as is (escapes, spellings no value can keep)

type member struct {
	name  string
	value any
}

type object struct{ members []member }

type list struct{ items []any }

// number is a JSON number literal exactly as it is to be written.
type number string

// rawJSON is JSON text written into the message byte for byte.
type rawJSON string

// msg is a message being built: a base message parsed into a tree that vectors edit by JSON
// Pointer. Every edit returns the same msg, so edits chain.
type msg struct{ root any }

// parseMsg reads JSON text into a tree, keeping member order and number literals. The text
// is the project's own (a base message), so a failure is a bug in the corpus: it panics.
func parseMsg(text string) *msg {
	dec := json.NewDecoder(strings.NewReader(text))
	dec.UseNumber()
	v, err := parseValue(dec)
	if err != nil {
		panic(fmt.Sprintf("corpus: base message: %v", err))
	}
	if _, err := dec.Token(); err != io.EOF {
		panic("corpus: base message: data after the value")
	}
	return &msg{root: v}
}

func parseValue(dec *json.Decoder) (any, error) {
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	switch t := tok.(type) {
	case json.Delim:
		switch t {
		case '{':
			o := &object{}
			for dec.More() {
				k, err := dec.Token()
				if err != nil {
					return nil, err
				}
				v, err := parseValue(dec)
				if err != nil {
					return nil, err
				}
				o.members = append(o.members, member{k.(string), v})
			}
			_, err := dec.Token()
			return o, err
		case '[':
			l := &list{}
			for dec.More() {
				v, err := parseValue(dec)
				if err != nil {
					return nil, err
				}
				l.items = append(l.items, v)
			}
			_, err := dec.Token()
			return l, err
		}
		return nil, fmt.Errorf("unexpected %v", t)
	case json.Number:
		return number(t), nil
	default:
		return t, nil // string, bool, nil
	}
}

// obj builds an object from alternating names and values: obj("Name", "x", "Port", arr(num(80))).
func obj(kv ...any) *object {
	if len(kv)%2 != 0 {
		panic("corpus: obj: odd number of arguments")
	}
	o := &object{}
	for i := 0; i < len(kv); i += 2 {
		o.members = append(o.members, member{kv[i].(string), conv(kv[i+1])})
	}
	return o
}

// arr builds an array.
func arr(items ...any) *list {
	l := &list{items: []any{}}
	for _, it := range items {
		l.items = append(l.items, conv(it))
	}
	return l
}

// strs builds an array of strings.
func strs(items ...string) *list {
	l := &list{items: []any{}}
	for _, s := range items {
		l.items = append(l.items, s)
	}
	return l
}

// num is a number literal as written.
func num(lit string) number { return number(lit) }

func conv(v any) any {
	switch x := v.(type) {
	case int:
		return number(strconv.Itoa(x))
	case []string:
		return strs(x...)
	case []any:
		return arr(x...)
	case *object, *list, string, number, bool, nil, rawJSON:
		return v
	}
	panic(fmt.Sprintf("corpus: unsupported value %T", v))
}

func tokens(ptr string) []string {
	if ptr == "" {
		return nil
	}
	if !strings.HasPrefix(ptr, "/") {
		panic("corpus: not a JSON Pointer: " + ptr)
	}
	toks := strings.Split(ptr[1:], "/")
	for i, t := range toks {
		toks[i] = strings.NewReplacer("~1", "/", "~0", "~").Replace(t)
	}
	return toks
}

// clone copies the tree so that a base can be shared.
func clone(v any) any {
	switch x := v.(type) {
	case *object:
		o := &object{members: make([]member, len(x.members))}
		for i, m := range x.members {
			o.members[i] = member{m.name, clone(m.value)}
		}
		return o
	case *list:
		l := &list{items: make([]any, len(x.items))}
		for i, it := range x.items {
			l.items[i] = clone(it)
		}
		return l
	}
	return v
}

func (m *msg) clone() *msg { return &msg{root: clone(m.root)} }

// container returns the object or array holding the last token of ptr.
func (m *msg) container(ptr string) (any, string) {
	toks := tokens(ptr)
	if len(toks) == 0 {
		panic("corpus: no parent for the root")
	}
	cur := m.root
	for _, t := range toks[:len(toks)-1] {
		cur = child(cur, t, ptr)
	}
	return cur, toks[len(toks)-1]
}

func child(cur any, tok, ptr string) any {
	switch c := cur.(type) {
	case *object:
		for _, mem := range c.members {
			if mem.name == tok {
				return mem.value
			}
		}
	case *list:
		i, err := strconv.Atoi(tok)
		if err == nil && i >= 0 && i < len(c.items) {
			return c.items[i]
		}
	}
	panic(fmt.Sprintf("corpus: nothing at %q in %s", tok, ptr))
}

// get returns the value at ptr.
func (m *msg) get(ptr string) any {
	cur := m.root
	for _, t := range tokens(ptr) {
		cur = child(cur, t, ptr)
	}
	return cur
}

// set puts v at ptr: it replaces the member (the first of that name) or array item, adds the
// member at the end of its object when absent, and appends to an array for "-".
func (m *msg) set(ptr string, v any) *msg {
	v = conv(v)
	parent, last := m.container(ptr)
	switch c := parent.(type) {
	case *object:
		for i := range c.members {
			if c.members[i].name == last {
				c.members[i].value = v
				return m
			}
		}
		c.members = append(c.members, member{last, v})
		return m
	case *list:
		if last == "-" {
			c.items = append(c.items, v)
			return m
		}
		i, err := strconv.Atoi(last)
		if err != nil || i < 0 || i >= len(c.items) {
			panic("corpus: set: no item " + ptr)
		}
		c.items[i] = v
		return m
	}
	panic("corpus: set: cannot descend into " + ptr)
}

// raw puts JSON text at ptr, byte for byte.
func (m *msg) raw(ptr, text string) *msg { return m.set(ptr, rawJSON(text)) }

// add appends a member to the object holding ptr's last token even when one of that name is
// already there: the message then repeats a name.
func (m *msg) add(ptr string, v any) *msg {
	parent, last := m.container(ptr)
	o, ok := parent.(*object)
	if !ok {
		panic("corpus: add: not in an object: " + ptr)
	}
	o.members = append(o.members, member{last, conv(v)})
	return m
}

// addFirst puts a member first in its object, repeated name or not.
func (m *msg) addFirst(ptr string, v any) *msg {
	parent, last := m.container(ptr)
	o, ok := parent.(*object)
	if !ok {
		panic("corpus: addFirst: not in an object: " + ptr)
	}
	o.members = append([]member{{last, conv(v)}}, o.members...)
	return m
}

// del removes the member (every member of that name) or array item at ptr.
func (m *msg) del(ptr string) *msg {
	parent, last := m.container(ptr)
	switch c := parent.(type) {
	case *object:
		kept := c.members[:0]
		found := false
		for _, mem := range c.members {
			if mem.name == last {
				found = true
				continue
			}
			kept = append(kept, mem)
		}
		if !found {
			panic("corpus: del: no member " + ptr)
		}
		c.members = kept
		return m
	case *list:
		i, err := strconv.Atoi(last)
		if err != nil || i < 0 || i >= len(c.items) {
			panic("corpus: del: no item " + ptr)
		}
		c.items = append(c.items[:i], c.items[i+1:]...)
		return m
	}
	panic("corpus: del: cannot descend into " + ptr)
}

// rename changes a member's name where it stands, keeping its value and place.
func (m *msg) rename(ptr, name string) *msg {
	parent, last := m.container(ptr)
	o, ok := parent.(*object)
	if !ok {
		panic("corpus: rename: not in an object: " + ptr)
	}
	for i := range o.members {
		if o.members[i].name == last {
			o.members[i].name = name
			return m
		}
	}
	panic("corpus: rename: no member " + ptr)
}

// needsText reports whether the tree holds what an object in a vector file cannot keep
// through re-serialization: raw text, a repeated name, or a number spelling.
func needsText(v any) bool {
	switch x := v.(type) {
	case rawJSON:
		return true
	case *object:
		seen := map[string]bool{}
		for _, mem := range x.members {
			if seen[mem.name] || needsText(mem.value) {
				return true
			}
			seen[mem.name] = true
		}
	case *list:
		for _, it := range x.items {
			if needsText(it) {
				return true
			}
		}
	}
	return false
}

// compact writes the tree as JSON text without insignificant white space.
func (m *msg) compact() string {
	var b bytes.Buffer
	writeValue(&b, m.root, -1)
	return b.String()
}

// writeValue writes v; indent < 0 writes compactly, otherwise v starts at that indentation
// level (two spaces a level).
func writeValue(b *bytes.Buffer, v any, indent int) {
	nl := func(level int) {
		if indent < 0 {
			return
		}
		b.WriteByte('\n')
		b.WriteString(strings.Repeat("  ", level))
	}
	switch x := v.(type) {
	case *object:
		if len(x.members) == 0 {
			b.WriteString("{}")
			return
		}
		b.WriteByte('{')
		for i, mem := range x.members {
			if i > 0 {
				b.WriteByte(',')
			}
			nl(indent + 1)
			writeString(b, mem.name)
			b.WriteByte(':')
			if indent >= 0 {
				b.WriteByte(' ')
			}
			writeValue(b, mem.value, next(indent))
		}
		nl(indent)
		b.WriteByte('}')
	case *list:
		if len(x.items) == 0 {
			b.WriteString("[]")
			return
		}
		b.WriteByte('[')
		for i, it := range x.items {
			if i > 0 {
				b.WriteByte(',')
			}
			nl(indent + 1)
			writeValue(b, it, next(indent))
		}
		nl(indent)
		b.WriteByte(']')
	case string:
		writeString(b, x)
	case number:
		b.WriteString(string(x))
	case rawJSON:
		b.WriteString(string(x))
	case bool:
		b.WriteString(strconv.FormatBool(x))
	case nil:
		b.WriteString("null")
	default:
		panic(fmt.Sprintf("corpus: cannot write %T", v))
	}
}

func next(indent int) int {
	if indent < 0 {
		return -1
	}
	return indent + 1
}

// writeString writes s as a JSON string. It escapes what JSON requires (the quote, the
// backslash, control characters), and, so that a reader of a vector file sees them, the
// invisible characters that change how text displays: the byte order mark, the line and
// paragraph separators, and the bidirectional controls. The escaped and the raw forms decode
// to the same string.
func writeString(b *bytes.Buffer, s string) {
	if !utf8.ValidString(s) {
		panic(fmt.Sprintf("corpus: string %q is not UTF-8; use a raw vector", s))
	}
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"':
			b.WriteString(`\"`)
		case r == '\\':
			b.WriteString(`\\`)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case r < 0x20 || r == 0x7f || r == 0xfeff || r == 0x2028 || r == 0x2029 ||
			(r >= 0x202a && r <= 0x202e) || (r >= 0x2066 && r <= 0x2069) || (r >= 0x200b && r <= 0x200f):
			fmt.Fprintf(b, `\u%04x`, r)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
}

package validator

import (
	"encoding/json"
	"strings"
	"unsafe"

	"github.com/idmefcheck/idmefcheck/reference/message"
)

// val is one JSON value of the message being judged, read either from the tree message.Decode
// builds or from a message.Tape, without copying either: the strict rules are written once
// against val and run on both paths. The zero val is an absent value.
type val struct {
	tape  *message.Tape // when set, i indexes its tokens
	i     int
	table *memberTable // on the tape, where the object's members are, when known
	tree  any
	ok    bool
}

func treeVal(v any) val { return val{tree: v, ok: true} }

func tapeVal(t *message.Tape, i int) val { return val{tape: t, i: i, ok: true} }

// kind is '{', '[', '"', '0' (number), 't', 'f', 'n', or 0 when the value is absent.
func (v val) kind() byte {
	if !v.ok {
		return 0
	}
	if v.tape != nil {
		return v.tape.Tokens()[v.i].Kind
	}
	switch x := v.tree.(type) {
	case map[string]any:
		return '{'
	case []any:
		return '['
	case string:
		return '"'
	case json.Number:
		return '0'
	case bool:
		if x {
			return 't'
		}
		return 'f'
	}
	return 'n'
}

// str returns a string value. On the tape path it shares the message's bytes: keep it only
// for the duration of the judgement (findings copy what they quote).
func (v val) str() (string, bool) {
	if !v.ok {
		return "", false
	}
	if v.tape != nil {
		if v.tape.Tokens()[v.i].Kind != '"' {
			return "", false
		}
		return v.tape.Text(v.i), true
	}
	s, ok := v.tree.(string)
	return s, ok
}

// num returns a number's literal.
func (v val) num() (json.Number, bool) {
	if !v.ok {
		return "", false
	}
	if v.tape != nil {
		if v.tape.Tokens()[v.i].Kind != '0' {
			return "", false
		}
		b := v.tape.Raw(v.i)
		return json.Number(unsafeString(b)), true
	}
	n, ok := v.tree.(json.Number)
	return n, ok
}

// member returns an object's member, absent when v is not an object or lacks it.
func (v val) member(name string) val {
	if !v.ok {
		return val{}
	}
	if v.tape != nil {
		toks := v.tape.Tokens()
		tk := toks[v.i]
		if tk.Kind != '{' {
			return val{}
		}
		if v.table != nil {
			if k, present, known := v.table.member(name); known {
				if !present {
					return val{}
				}
				return tapeVal(v.tape, k)
			}
		}
		for k := v.i + 1; k < int(tk.Next); k = int(toks[k+1].Next) {
			if string(v.tape.Raw(k)) == name { // the tape has no escaped names
				return tapeVal(v.tape, k+1)
			}
		}
		return val{}
	}
	o, ok := v.tree.(map[string]any)
	if !ok {
		return val{}
	}
	m, ok := o[name]
	if !ok {
		return val{}
	}
	return treeVal(m)
}

// has reports whether an object has a member.
func (v val) has(name string) bool { return v.member(name).ok }

// members iterates over a tape object's members in order: for name, v := range obj.members().
// Names share the message's bytes.
func (v val) members() func(yield func(string, val) bool) {
	return func(yield func(string, val) bool) {
		toks := v.tape.Tokens()
		tk := toks[v.i]
		for k := v.i + 1; k < int(tk.Next); k = int(toks[k+1].Next) {
			if !yield(unsafeString(v.tape.Raw(k)), tapeVal(v.tape, k+1)) {
				return
			}
		}
	}
}

// memberNames iterates over an object's member names (in the tape's order, or the map's).
func (v val) memberNames() func(yield func(string) bool) {
	return func(yield func(string) bool) {
		switch {
		case v.kind() != '{':
		case v.tape != nil:
			for name := range v.members() {
				if !yield(name) {
					return
				}
			}
		default:
			for name := range v.tree.(map[string]any) {
				if !yield(name) {
					return
				}
			}
		}
	}
}

// any returns the value as message.Decode would give it (strings copied), for wording
// findings.
func (v val) any() any {
	if !v.ok {
		return nil
	}
	if v.tape == nil {
		return v.tree
	}
	switch v.kind() {
	case '{':
		obj := map[string]any{}
		for name, m := range v.members() {
			obj[strings.Clone(name)] = m.any()
		}
		return obj
	case '[':
		arr := []any{}
		for it := v.items(); it.next(); {
			arr = append(arr, it.v.any())
		}
		return arr
	case '"':
		s, _ := v.str()
		return strings.Clone(s)
	case '0':
		n, _ := v.num()
		return json.Number(strings.Clone(string(n)))
	case 't':
		return true
	case 'f':
		return false
	}
	return nil
}

// length counts an array's elements (0 for anything else).
func (v val) length() int {
	if v.kind() != '[' {
		return 0
	}
	if v.tape != nil {
		return int(v.tape.Tokens()[v.i].Len)
	}
	return len(v.tree.([]any))
}

// items iterates over an array's elements: for it := v.items(); it.next(); { it.v, it.i }.
// Anything but an array has none.
func (v val) items() iter {
	it := iter{i: -1}
	switch {
	case !v.ok:
	case v.tape != nil:
		if tk := &v.tape.Tokens()[v.i]; tk.Kind == '[' {
			it.tape, it.k, it.end = v.tape, v.i+1, int(tk.Next)
		}
	default:
		it.arr, _ = v.tree.([]any)
	}
	return it
}

type iter struct {
	tape   *message.Tape // the array is on this tape, or
	arr    []any         // it is this tree's
	i      int           // index of the current element
	k, end int           // tape: token of the next element, and the array's end
	v      val           // the current element
}

func (it *iter) next() bool {
	if it.tape != nil {
		if it.k >= it.end {
			return false
		}
		it.i++
		it.v = tapeVal(it.tape, it.k)
		it.k = int(it.tape.Tokens()[it.k].Next)
		return true
	}
	if it.i+1 >= len(it.arr) {
		return false
	}
	it.i++
	it.v = treeVal(it.arr[it.i])
	return true
}

// unsafeString views bytes as a string without copying; the bytes must not change while
// the string is in use.
func unsafeString(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	return unsafe.String(&b[0], len(b))
}

// unsafeBytes views a string as bytes without copying, for functions that only read them.
func unsafeBytes(s string) []byte {
	if s == "" {
		return nil
	}
	return unsafe.Slice(unsafe.StringData(s), len(s))
}

package alert

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
)

// Object is a JSON object that keeps its members in the order they were set, so that the
// alerts the analyzer writes read in the drafts' order and the same input gives the same
// bytes.
type Object []Member

// Member is one name and value of an Object. Values are string, bool, int, float64,
// json.RawMessage, Object, []any, or []string.
type Member struct {
	Name  string
	Value any
}

// Set replaces the value of name, or appends it.
func (o *Object) Set(name string, v any) {
	for i := range *o {
		if (*o)[i].Name == name {
			(*o)[i].Value = v
			return
		}
	}
	*o = append(*o, Member{name, v})
}

// Get returns the value of name.
func (o Object) Get(name string) (any, bool) {
	for _, m := range o {
		if m.Name == name {
			return m.Value, true
		}
	}
	return nil, false
}

// Delete removes name.
func (o *Object) Delete(name string) {
	for i := range *o {
		if (*o)[i].Name == name {
			*o = append((*o)[:i], (*o)[i+1:]...)
			return
		}
	}
}

// MarshalJSON writes the object compactly, without escaping HTML characters (alerts are not
// embedded in HTML, and "<" reads better than "\u003c" in a description).
func (o Object) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	if err := encode(&b, o); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

func encode(b *bytes.Buffer, v any) error {
	switch x := v.(type) {
	case Object:
		b.WriteByte('{')
		for i, m := range x {
			if i > 0 {
				b.WriteByte(',')
			}
			writeString(b, m.Name)
			b.WriteByte(':')
			if err := encode(b, m.Value); err != nil {
				return fmt.Errorf("%s: %w", m.Name, err)
			}
		}
		b.WriteByte('}')
	case []any:
		b.WriteByte('[')
		for i, e := range x {
			if i > 0 {
				b.WriteByte(',')
			}
			if err := encode(b, e); err != nil {
				return err
			}
		}
		b.WriteByte(']')
	case []string:
		b.WriteByte('[')
		for i, e := range x {
			if i > 0 {
				b.WriteByte(',')
			}
			writeString(b, e)
		}
		b.WriteByte(']')
	case string:
		writeString(b, x)
	case bool:
		b.WriteString(strconv.FormatBool(x))
	case int:
		b.WriteString(strconv.Itoa(x))
	case int64:
		b.WriteString(strconv.FormatInt(x, 10))
	case float64:
		// Plain decimal notation: the drafts' FLOAT has no exponent.
		b.WriteString(strconv.FormatFloat(x, 'f', -1, 64))
	case json.RawMessage:
		if err := json.Compact(b, x); err != nil {
			return err
		}
	case nil:
		b.WriteString("null")
	default:
		return fmt.Errorf("alert: cannot write a %T", v)
	}
	return nil
}

func writeString(b *bytes.Buffer, s string) {
	enc := json.NewEncoder(b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s)       // a string always encodes
	b.Truncate(b.Len() - 1) // Encode's newline
}

// Package message reads IDMEFv2 messages: it turns bytes into JSON values while judging the
// JSON text itself (RFC 8259: UTF-8, one value, unique member names, no byte order mark),
// within limits that keep memory bounded whatever the input, and it streams messages out of
// NDJSON or single-message files.
package message

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/go-json-experiment/json/jsontext"
)

// Problem codes: what can be wrong with a JSON text, independently of IDMEFv2.
const (
	Syntax       = "json.syntax"        // not JSON
	Empty        = "json.empty"         // no value at all
	InvalidUTF8  = "json.utf8"          // bytes that are not UTF-8
	BOM          = "json.bom"           // a byte order mark before the value
	Surrogate    = "json.surrogate"     // an escaped UTF-16 surrogate without its pair
	DuplicateKey = "json.duplicate-key" // a member name twice in one object
	TrailingData = "json.trailing-data" // more after the value
	TooLarge     = "json.limit-size"    // longer than Limits.MaxBytes
	TooDeep      = "json.limit-depth"   // nested deeper than Limits.MaxDepth
	NumberLimit  = "json.limit-number"  // a number literal beyond Limits
)

// Limits bound what is read, so that no input costs more than a known amount of memory or
// time. RFC 8259 section 9 lets a parser set such limits.
type Limits struct {
	MaxBytes       int // longest message, in bytes
	MaxDepth       int // deepest nesting of arrays and objects
	MaxNumberChars int // longest number literal
	MaxExponent    int // largest exponent magnitude in a number literal
}

// DefaultLimits are generous for alerts (attachments included) and still safe.
func DefaultLimits() Limits {
	return Limits{MaxBytes: 8 << 20, MaxDepth: 256, MaxNumberChars: 1000, MaxExponent: 9999}
}

// Problem is something wrong with a message's JSON text.
type Problem struct {
	Code    string
	Pointer string // JSON Pointer of the value concerned; "" for the text as a whole
	Offset  int64  // byte offset into the message
	Detail  string // what is wrong, for a person
	Fatal   bool   // no value, or no trustworthy value, could be read
}

// Decoded is the outcome of reading one message.
type Decoded struct {
	// Value holds the message: map[string]any for objects, []any, string, json.Number, bool
	// or nil. When a member name repeats, the last value wins, as in most JSON parsers.
	// Value is nil when a fatal problem was found.
	Value    any
	Problems []Problem
}

// Fatal reports whether a problem stopped the message from being read.
func (d *Decoded) Fatal() bool {
	for _, p := range d.Problems {
		if p.Fatal {
			return true
		}
	}
	return false
}

// Decode reads one message. It never panics and never reads more than lim allows, whatever
// data holds.
func Decode(data []byte, lim Limits) *Decoded {
	out := &Decoded{}
	if lim.MaxBytes > 0 && len(data) > lim.MaxBytes {
		out.Problems = append(out.Problems, Problem{Code: TooLarge, Fatal: true,
			Detail: fmt.Sprintf("the message is %d bytes, more than the limit of %d", len(data), lim.MaxBytes)})
		return out
	}
	if !utf8.Valid(data) {
		off := invalidUTF8Offset(data)
		out.Problems = append(out.Problems, Problem{Code: InvalidUTF8, Offset: int64(off), Fatal: true,
			Detail: fmt.Sprintf("byte 0x%02X at offset %d is not valid UTF-8", data[off], off)})
		return out
	}
	start := 0
	if bytes.HasPrefix(data, []byte("\xEF\xBB\xBF")) {
		out.Problems = append(out.Problems, Problem{Code: BOM,
			Detail: "the text starts with a byte order mark (U+FEFF)"})
		start = 3
	}
	body := data[start:]
	if len(bytes.TrimLeft(body, " \t\r\n")) == 0 {
		out.Problems = append(out.Problems, Problem{Code: Empty, Fatal: true, Detail: "there is no JSON value"})
		return out
	}
	p := &parser{
		dec:  jsontext.NewDecoder(bytes.NewReader(body), jsontext.AllowDuplicateNames(true), jsontext.AllowInvalidUTF8(true)),
		lim:  lim,
		base: int64(start),
	}
	v, err := p.value()
	out.Problems = append(out.Problems, p.problems...)
	if err != nil {
		var fatal *Problem
		if errors.As(err, &fatal) {
			out.Problems = append(out.Problems, *fatal)
		} else {
			out.Problems = append(out.Problems, p.syntaxProblem(err))
		}
		return out
	}
	out.Value = v
	if rest := bytes.TrimLeft(body[p.dec.InputOffset():], " \t\r\n"); len(rest) > 0 {
		off := int64(len(data) - len(rest))
		out.Problems = append(out.Problems, Problem{Code: TrailingData, Offset: off,
			Detail: fmt.Sprintf("%d more bytes follow the message's value, starting with %s", len(rest), quoteStart(rest))})
	}
	return out
}

func (p *Problem) Error() string { return p.Detail }

type parser struct {
	dec      *jsontext.Decoder
	lim      Limits
	base     int64    // offset of body within the message (after a BOM)
	path     []string // reference tokens of the value being read
	problems []Problem
	buf      []byte
}

func (p *parser) pointer() string {
	if len(p.path) == 0 {
		return ""
	}
	var b strings.Builder
	for _, t := range p.path {
		b.WriteByte('/')
		b.WriteString(EscapeToken(t))
	}
	return b.String()
}

// EscapeToken escapes a reference token for a JSON Pointer (RFC 6901).
func EscapeToken(t string) string {
	if !strings.ContainsAny(t, "~/") {
		return t
	}
	return strings.NewReplacer("~", "~0", "/", "~1").Replace(t)
}

func (p *parser) value() (any, error) {
	off := p.dec.InputOffset()
	switch p.dec.PeekKind() {
	case '{':
		return p.object(off)
	case '[':
		return p.array(off)
	case 'n', 't', 'f':
		tok, err := p.dec.ReadToken()
		if err != nil {
			return nil, err
		}
		if tok.Kind() == 'n' {
			return nil, nil
		}
		return tok.Bool(), nil
	case '"':
		raw, err := p.dec.ReadValue()
		if err != nil {
			return nil, err
		}
		return p.str(raw, off)
	case '0':
		raw, err := p.dec.ReadValue()
		if err != nil {
			return nil, err
		}
		if err := p.checkNumber(raw, off); err != nil {
			return nil, err
		}
		return json.Number(raw), nil
	}
	// Let the decoder describe what it found.
	_, err := p.dec.ReadValue()
	if err == nil {
		err = fmt.Errorf("unexpected token")
	}
	return nil, err
}

func (p *parser) enter(off int64) error {
	if p.lim.MaxDepth > 0 && p.dec.StackDepth() > p.lim.MaxDepth {
		return &Problem{Code: TooDeep, Pointer: p.pointer(), Offset: p.base + off, Fatal: true,
			Detail: fmt.Sprintf("arrays and objects nest deeper than the limit of %d levels", p.lim.MaxDepth)}
	}
	return nil
}

func (p *parser) object(off int64) (any, error) {
	if _, err := p.dec.ReadToken(); err != nil {
		return nil, err
	}
	if err := p.enter(off); err != nil {
		return nil, err
	}
	obj := map[string]any{}
	for p.dec.PeekKind() != '}' {
		nameOff := p.dec.InputOffset()
		raw, err := p.dec.ReadValue()
		if err != nil {
			return nil, err
		}
		name, err := p.unquote(raw, nameOff)
		if err != nil {
			return nil, err
		}
		p.path = append(p.path, name)
		if _, dup := obj[name]; dup {
			p.problems = append(p.problems, Problem{Code: DuplicateKey, Pointer: p.pointer(), Offset: p.base + nameOff,
				Detail: fmt.Sprintf("member %q appears more than once in the same object; the last one is kept", name)})
		}
		v, err := p.value()
		if err != nil {
			return nil, err
		}
		obj[name] = v
		p.path = p.path[:len(p.path)-1]
	}
	if _, err := p.dec.ReadToken(); err != nil {
		return nil, err
	}
	return obj, nil
}

func (p *parser) array(off int64) (any, error) {
	if _, err := p.dec.ReadToken(); err != nil {
		return nil, err
	}
	if err := p.enter(off); err != nil {
		return nil, err
	}
	arr := []any{}
	for p.dec.PeekKind() != ']' {
		p.path = append(p.path, strconv.Itoa(len(arr)))
		v, err := p.value()
		if err != nil {
			return nil, err
		}
		arr = append(arr, v)
		p.path = p.path[:len(p.path)-1]
	}
	if _, err := p.dec.ReadToken(); err != nil {
		return nil, err
	}
	return arr, nil
}

func (p *parser) str(raw []byte, off int64) (any, error) {
	s, err := p.unquote(raw, off)
	if err != nil {
		return nil, err
	}
	return s, nil
}

// unquote decodes a string token and reports escaped surrogates that do not pair up: such a
// string has no Unicode meaning (RFC 8259 section 8.2), though JSON's grammar allows it.
func (p *parser) unquote(raw []byte, off int64) (string, error) {
	if bytes.IndexByte(raw, '\\') < 0 {
		return string(raw[1 : len(raw)-1]), nil
	}
	if at, ok := loneSurrogate(raw); ok {
		p.problems = append(p.problems, Problem{Code: Surrogate, Pointer: p.pointer(), Offset: p.base + off + int64(at),
			Detail: fmt.Sprintf("the escape %s is half of a UTF-16 surrogate pair without its other half", raw[at:at+6])})
		// Carry on with U+FFFD in its place, as parsers that accept such strings do.
		fixed := append([]byte(nil), raw...)
		for at, ok := loneSurrogate(fixed); ok; at, ok = loneSurrogate(fixed) {
			copy(fixed[at:at+6], `\ufffd`)
		}
		raw = fixed
	}
	var err error
	p.buf, err = jsontext.AppendUnquote(p.buf[:0], raw)
	if err != nil {
		return "", err
	}
	return string(p.buf), nil
}

// loneSurrogate finds the first \uD800-\uDFFF escape in a raw string token that is not part
// of a high-low pair, and returns its offset within raw.
func loneSurrogate(raw []byte) (int, bool) {
	for i := 0; i < len(raw); i++ {
		if raw[i] != '\\' {
			continue
		}
		if i+1 < len(raw) && raw[i+1] != 'u' {
			i++ // skip the escaped character, which may itself be a backslash
			continue
		}
		r, ok := hexRune(raw, i)
		if !ok {
			continue
		}
		switch {
		case utf16.IsSurrogate(r) && r < 0xDC00: // high half: needs a low half next
			if r2, ok2 := hexRune(raw, i+6); ok2 && r2 >= 0xDC00 && r2 <= 0xDFFF {
				i += 11
				continue
			}
			return i, true
		case utf16.IsSurrogate(r):
			return i, true
		}
		i += 5
	}
	return 0, false
}

func hexRune(raw []byte, i int) (rune, bool) {
	if i+6 > len(raw) || raw[i] != '\\' || raw[i+1] != 'u' {
		return 0, false
	}
	v, err := strconv.ParseUint(string(raw[i+2:i+6]), 16, 32)
	return rune(v), err == nil
}

func (p *parser) checkNumber(raw []byte, off int64) error {
	if p.lim.MaxNumberChars > 0 && len(raw) > p.lim.MaxNumberChars {
		return &Problem{Code: NumberLimit, Pointer: p.pointer(), Offset: p.base + off, Fatal: true,
			Detail: fmt.Sprintf("a number of %d characters is longer than the limit of %d", len(raw), p.lim.MaxNumberChars)}
	}
	if e := bytes.IndexAny(raw, "eE"); e >= 0 && p.lim.MaxExponent > 0 {
		exp := strings.TrimLeft(string(raw[e+1:]), "+-")
		if exp = strings.TrimLeft(exp, "0"); exp == "" {
			exp = "0" // 1e0, 0.8E00
		}
		if n, err := strconv.Atoi(exp); err != nil || n > p.lim.MaxExponent {
			return &Problem{Code: NumberLimit, Pointer: p.pointer(), Offset: p.base + off, Fatal: true,
				Detail: fmt.Sprintf("the exponent of %s is larger than the limit of %d", clip(raw, 40), p.lim.MaxExponent)}
		}
	}
	return nil
}

func (p *parser) syntaxProblem(err error) Problem {
	pr := Problem{Code: Syntax, Fatal: true}
	var se *jsontext.SyntacticError
	switch {
	case errors.As(err, &se):
		pr.Offset = p.base + se.ByteOffset
		pr.Pointer = string(se.JSONPointer)
		pr.Detail = se.Err.Error()
	case errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF):
		pr.Offset = p.base + p.dec.InputOffset()
		pr.Pointer = p.pointer()
		pr.Detail = "the text ends before the value is complete"
	default:
		pr.Offset = p.base + p.dec.InputOffset()
		pr.Pointer = p.pointer()
		pr.Detail = err.Error()
	}
	return pr
}

func invalidUTF8Offset(b []byte) int {
	for i := 0; i < len(b); {
		r, size := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && size <= 1 {
			return i
		}
		i += size
	}
	return 0
}

func quoteStart(b []byte) string { return strconv.Quote(string(clip(b, 20))) }

func clip(b []byte, n int) []byte {
	if len(b) <= n {
		return b
	}
	// Cut on a rune boundary so the excerpt stays valid UTF-8.
	for n > 0 && !utf8.RuneStart(b[n]) {
		n--
	}
	return b[:n]
}

package message

import (
	"bytes"
	"encoding/binary"
	"math/bits"
	"unicode/utf8"
	"unsafe"
)

// Tape is a message read into a flat list of tokens over its bytes, in one pass and without
// allocating once its slice has grown: the fast path of the validator walks it instead of a
// tree of maps. A Tape is built only for a clean message: Parse refuses anything Decode would
// report a problem with (and some things it would not, such as escaped member names), so a
// caller that gets false falls back to Decode, which says what is wrong.
//
// A Tape may be reused; it is not safe for concurrent use.
type Tape struct {
	data []byte
	toks []Token
	lim  Limits
}

// Token is one JSON value of a Tape (member names are string tokens too).
type Token struct {
	Kind  byte   // '{', '[', '"', '0' (number), 't', 'f', 'n'
	Esc   bool   // a string with escapes: Text decodes them
	Start uint32 // first byte of the value; for strings, after the opening quote
	End   uint32 // after the last byte; for strings, before the closing quote
	// Next is the index of the token after this value: after the whole object or array for
	// containers, the next index otherwise.
	Next uint32
	// Len counts an object's members or an array's elements.
	Len uint32
}

// Tokens returns the tape; token 0 is the message's value.
func (t *Tape) Tokens() []Token { return t.toks }

// Data returns the bytes the tape refers to.
func (t *Tape) Data() []byte { return t.data }

// Raw returns a token's bytes as written (a string's without quotes, escapes undecoded).
func (t *Tape) Raw(i int) []byte { tk := &t.toks[i]; return t.data[tk.Start:tk.End] }

// Text returns a string token's value. Without escapes it shares the tape's bytes (no copy):
// it must not outlive the data the tape was parsed from.
func (t *Tape) Text(i int) string {
	tk := &t.toks[i]
	b := t.data[tk.Start:tk.End]
	if !tk.Esc {
		if len(b) == 0 {
			return ""
		}
		return unsafe.String(&b[0], len(b))
	}
	return unescape(b)
}

// Parse reads data onto the tape and reports whether the message is clean: exactly one JSON
// value, UTF-8 without byte order mark, no repeated or escaped member name, no unpaired
// surrogate escape, and within lim. On false the tape's content is unspecified.
func (t *Tape) Parse(data []byte, lim Limits) bool {
	t.data, t.toks, t.lim = data, t.toks[:0], lim
	if lim.MaxBytes > 0 && len(data) > lim.MaxBytes {
		return false
	}
	if bytes.HasPrefix(data, []byte("\xEF\xBB\xBF")) || !utf8.Valid(data) {
		return false
	}
	// Every token takes at least one byte: with room for len(data) tokens, push never grows
	// the slice.
	if cap(t.toks) < len(data)+1 {
		t.toks = make([]Token, 0, len(data)+1)
	}
	p := scanner{data: data, toks: t.toks, lim: lim}
	i := p.ws(0)
	i, ok := p.value(i, 1)
	t.toks = p.toks
	if !ok {
		return false
	}
	return p.ws(i) == len(data)
}

// scanner builds a tape; it holds the tape's slices itself so that the hot loops do not go
// through the Tape for them.
type scanner struct {
	data []byte
	toks []Token
	lim  Limits
}

func (p *scanner) ws(i int) int {
	d := p.data
	for i < len(d) {
		switch d[i] {
		case ' ', '\t', '\n', '\r':
			i++
		default:
			return i
		}
	}
	return i
}

// push appends a token whose Next is the token after it (containers set theirs when they
// close) and returns its index.
func (p *scanner) push(kind byte, esc bool, start, end int) int {
	n := len(p.toks)
	p.toks = p.toks[:n+1]
	p.toks[n] = Token{Kind: kind, Esc: esc, Start: uint32(start), End: uint32(end), Next: uint32(n + 1)}
	return n
}

// value reads one value at i (no leading white space) at nesting depth; it returns the
// position after it.
func (p *scanner) value(i, depth int) (int, bool) {
	d := p.data
	if i >= len(d) {
		return i, false
	}
	switch c := d[i]; c {
	case '{':
		return p.object(i, depth)
	case '[':
		return p.array(i, depth)
	case '"':
		end, esc, ok := p.str(i)
		if !ok {
			return i, false
		}
		p.push('"', esc, i+1, end-1)
		return end, true
	case 't', 'f', 'n':
		lit := "null"
		switch c {
		case 't':
			lit = "true"
		case 'f':
			lit = "false"
		}
		if !bytes.HasPrefix(d[i:], []byte(lit)) {
			return i, false
		}
		p.push(c, false, i, i+len(lit))
		return i + len(lit), true
	default:
		end, ok := p.number(i)
		if !ok {
			return i, false
		}
		p.push('0', false, i, end)
		return end, true
	}
}

func (p *scanner) object(i, depth int) (int, bool) {
	if p.lim.MaxDepth > 0 && depth > p.lim.MaxDepth {
		return i, false
	}
	d := p.data
	idx := p.push('{', false, i, 0)
	first := idx + 1
	i = p.ws(i + 1)
	n := uint32(0)
	// names holds a bit per member name seen, chosen by nameBit: a name whose bit is clear
	// cannot repeat one, and most names are told apart without comparing them.
	var names [4]uint64
	if i < len(d) && d[i] == '}' {
		i++
	} else {
		for {
			if i >= len(d) || d[i] != '"' {
				return i, false
			}
			end, esc, ok := p.str(i)
			if !ok || esc {
				return i, false // escaped names are left to the full decoder
			}
			name := d[i+1 : end-1]
			word, bit := nameBit(name)
			if names[word]&bit != 0 && p.repeated(first, name) {
				return i, false
			}
			names[word] |= bit
			p.push('"', false, i+1, end-1)
			i = p.ws(end)
			if i >= len(d) || d[i] != ':' {
				return i, false
			}
			if i, ok = p.value(p.ws(i+1), depth+1); !ok {
				return i, false
			}
			n++
			i = p.ws(i)
			if i < len(d) && d[i] == ',' {
				i = p.ws(i + 1)
				continue
			}
			if i < len(d) && d[i] == '}' {
				i++
				break
			}
			return i, false
		}
	}
	tk := &p.toks[idx]
	tk.End, tk.Len, tk.Next = uint32(i), n, uint32(len(p.toks))
	return i, true
}

// nameBit spreads member names over 256 bits (four words) by a hash of their length and
// first, middle and last bytes.
func nameBit(name []byte) (word int, bit uint64) {
	h := uint32(len(name))
	if n := len(name); n > 0 {
		h |= uint32(name[0])<<8 | uint32(name[n/2])<<16 | uint32(name[n-1])<<24
	}
	h = (h * 0x9E3779B1) >> 24
	return int(h >> 6), 1 << (h & 63)
}

// repeated reports whether an object whose first member name is token first already has a
// member called name.
func (p *scanner) repeated(first int, name []byte) bool {
	toks := p.toks
	for k := first; k < len(toks); k = int(toks[k+1].Next) {
		if string(p.data[toks[k].Start:toks[k].End]) == string(name) {
			return true
		}
	}
	return false
}

func (p *scanner) array(i, depth int) (int, bool) {
	if p.lim.MaxDepth > 0 && depth > p.lim.MaxDepth {
		return i, false
	}
	d := p.data
	idx := p.push('[', false, i, 0)
	i = p.ws(i + 1)
	n := uint32(0)
	if i < len(d) && d[i] == ']' {
		i++
	} else {
		for {
			var ok bool
			if i, ok = p.value(i, depth+1); !ok {
				return i, false
			}
			n++
			i = p.ws(i)
			if i < len(d) && d[i] == ',' {
				i = p.ws(i + 1)
				continue
			}
			if i < len(d) && d[i] == ']' {
				i++
				break
			}
			return i, false
		}
	}
	tk := &p.toks[idx]
	tk.End, tk.Len, tk.Next = uint32(i), n, uint32(len(p.toks))
	return i, true
}

// SWAR constants: a byte's low bit and high bit repeated over a 64-bit word.
const (
	lsb = 0x0101010101010101
	msb = 0x8080808080808080
)

// stops marks, in the high bit of each byte, the bytes of w (eight string bytes, the first
// in the low byte) that end a run of ordinary string characters: the quote, the backslash
// and the control characters. Bytes above a marked one may be marked falsely (borrows
// propagate upwards), so only the lowest mark is meaningful.
func stops(w uint64) uint64 {
	q := w ^ (lsb * '"')
	b := w ^ (lsb * '\\')
	return (((q - lsb) &^ q) | ((b - lsb) &^ b) | ((w - lsb*0x20) &^ w)) & msb
}

// str reads a string at i (on its opening quote) and returns the position after its
// closing quote and whether it holds escapes. Control characters and unpaired surrogate
// escapes make it fail.
func (p *scanner) str(i int) (end int, esc bool, ok bool) {
	d := p.data
	j := i + 1
	for {
		// Ordinary characters eight at a time, then one at a time near the end.
		for j+8 <= len(d) {
			m := stops(binary.LittleEndian.Uint64(d[j:]))
			if m != 0 {
				j += bits.TrailingZeros64(m) >> 3
				break
			}
			j += 8
		}
		for j < len(d) && !strStop[d[j]] {
			j++
		}
		if j >= len(d) {
			return len(d), false, false
		}
		switch c := d[j]; {
		case c == '"':
			return j + 1, esc, true
		case c < 0x20:
			return j, false, false
		default: // c == '\\'
			esc = true
			if j+1 >= len(d) {
				return j, false, false
			}
			switch d[j+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				j += 2
			case 'u':
				r, ok := hex4(d, j+2)
				if !ok {
					return j, false, false
				}
				if r >= 0xD800 && r <= 0xDFFF {
					if r >= 0xDC00 || j+12 > len(d) || d[j+6] != '\\' || d[j+7] != 'u' {
						return j, false, false
					}
					r2, ok := hex4(d, j+8)
					if !ok || r2 < 0xDC00 || r2 > 0xDFFF {
						return j, false, false
					}
					j += 6
				}
				j += 6
			default:
				return j, false, false
			}
		}
	}
}

// strStop marks the bytes that end a run of ordinary string characters: the quote, the
// backslash and the control characters.
var strStop = func() (t [256]bool) {
	for c := 0; c < 0x20; c++ {
		t[c] = true
	}
	t['"'], t['\\'] = true, true
	return t
}()

func hex4(d []byte, i int) (rune, bool) {
	if i+4 > len(d) {
		return 0, false
	}
	var r rune
	for _, c := range d[i : i+4] {
		switch {
		case c >= '0' && c <= '9':
			r = r<<4 | rune(c-'0')
		case c >= 'a' && c <= 'f':
			r = r<<4 | rune(c-'a'+10)
		case c >= 'A' && c <= 'F':
			r = r<<4 | rune(c-'A'+10)
		default:
			return 0, false
		}
	}
	return r, true
}

// number reads a number literal at i by RFC 8259's grammar and within the limits.
func (p *scanner) number(i int) (int, bool) {
	d := p.data
	j := i
	if j < len(d) && d[j] == '-' {
		j++
	}
	switch {
	case j < len(d) && d[j] == '0':
		j++
	case j < len(d) && d[j] >= '1' && d[j] <= '9':
		for j < len(d) && d[j] >= '0' && d[j] <= '9' {
			j++
		}
	default:
		return i, false
	}
	if j < len(d) && d[j] == '.' {
		j++
		k := j
		for j < len(d) && d[j] >= '0' && d[j] <= '9' {
			j++
		}
		if j == k {
			return i, false
		}
	}
	if j < len(d) && (d[j] == 'e' || d[j] == 'E') {
		j++
		if j < len(d) && (d[j] == '+' || d[j] == '-') {
			j++
		}
		k := j
		for j < len(d) && d[j] >= '0' && d[j] <= '9' {
			j++
		}
		if j == k {
			return i, false
		}
		// Exponents are rare in alerts; the full decoder judges those near the limit.
		if p.lim.MaxExponent > 0 && j-k > 4 {
			return i, false
		}
	}
	if p.lim.MaxNumberChars > 0 && j-i > p.lim.MaxNumberChars {
		return i, false
	}
	return j, true
}

// unescape decodes a string's escapes; the scanner has checked them.
func unescape(b []byte) string {
	out := make([]byte, 0, len(b))
	for i := 0; i < len(b); i++ {
		if b[i] != '\\' {
			out = append(out, b[i])
			continue
		}
		i++
		switch b[i] {
		case 'b':
			out = append(out, '\b')
		case 'f':
			out = append(out, '\f')
		case 'n':
			out = append(out, '\n')
		case 'r':
			out = append(out, '\r')
		case 't':
			out = append(out, '\t')
		case 'u':
			r, _ := hex4(b, i+1)
			i += 4
			if r >= 0xD800 && r < 0xDC00 {
				r2, _ := hex4(b, i+3)
				r = (r-0xD800)<<10 | (r2 - 0xDC00) + 0x10000
				i += 6
			}
			out = utf8.AppendRune(out, r)
		default: // " \ /
			out = append(out, b[i])
		}
	}
	return string(out)
}

package validator

import (
	"encoding/json"
	"fmt"
	"math/bits"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/idmefcheck/idmefcheck/reference/message"
	"github.com/idmefcheck/idmefcheck/schema"
)

// pointerTokens splits a JSON Pointer into unescaped reference tokens.
func pointerTokens(p string) []string {
	if p == "" {
		return nil
	}
	toks := strings.Split(strings.TrimPrefix(p, "/"), "/")
	for i, t := range toks {
		if strings.Contains(t, "~") {
			toks[i] = strings.NewReplacer("~1", "/", "~0", "~").Replace(t)
		}
	}
	return toks
}

func escape(tok string) string { return message.EscapeToken(tok) }

// join builds a pointer from a parent pointer and a token.
func join(ptr, tok string) string { return ptr + "/" + escape(tok) }

func valueAt(v any, tokens []string) (any, bool) {
	for _, t := range tokens {
		switch c := v.(type) {
		case map[string]any:
			var ok bool
			if v, ok = c[t]; !ok {
				return nil, false
			}
		case []any:
			i, err := strconv.Atoi(t)
			if err != nil || i < 0 || i >= len(c) {
				return nil, false
			}
			v = c[i]
		default:
			return nil, false
		}
	}
	return v, true
}

// displayPath names a place for a person: Source[0].Port[1].
func displayPath(tokens []string) string {
	var b strings.Builder
	for _, t := range tokens {
		if isIndexToken(t) && b.Len() > 0 {
			b.WriteString("[" + t + "]")
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('.')
		}
		b.WriteString(t)
	}
	return b.String()
}

func isIndexToken(t string) bool {
	if t == "" {
		return false
	}
	for i := 0; i < len(t); i++ {
		if t[i] < '0' || t[i] > '9' {
			return false
		}
	}
	return true
}

const maxQuoted = 60

// quote renders a string for a message, shortened when long.
func quote(s string) string {
	if utf8.RuneCountInString(s) > maxQuoted {
		r := []rune(s)
		return strconv.Quote(string(r[:maxQuoted])) + "…"
	}
	return strconv.Quote(s)
}

// quoteValue renders any JSON value briefly.
func quoteValue(v any) string {
	switch x := v.(type) {
	case string:
		return quote(x)
	case json.Number:
		s := string(x)
		if len(s) > 30 {
			return s[:30] + fmt.Sprintf("… (%d digits)", len(s))
		}
		return s
	case nil:
		return "null"
	case bool:
		return strconv.FormatBool(x)
	case map[string]any:
		return "{…}"
	case []any:
		return "[…]"
	}
	return fmt.Sprint(v)
}

func describeKind(v any) string {
	switch v.(type) {
	case string:
		return "a string"
	case json.Number:
		return "a number"
	case bool:
		return "a boolean"
	case nil:
		return "null"
	case []any:
		return "an array"
	case map[string]any:
		return "an object"
	}
	return fmt.Sprintf("%T", v)
}

// describeValue says what a value is and shows it when short: a string ("80").
func describeValue(v any) string {
	switch v.(type) {
	case map[string]any, []any:
		return describeKind(v)
	}
	return describeKind(v) + " (" + quoteValue(v) + ")"
}

func typeWords(t *schema.TypeDef) string {
	switch t.Name {
	case "STRING":
		return "strings"
	case "INT":
		return "integers (INT)"
	case "FLOAT":
		return "numbers (FLOAT)"
	case "CONTENT":
		return "a JSON object or a string"
	case "ENUM", "VERSION":
		return "keywords (strings)"
	}
	return t.Name + " strings"
}

func article(typeName string) string { return "a valid " + typeName }

var hints = map[string]string{
	"TIMESTAMP": "an RFC 3339 date-time is YYYY-MM-DDThh:mm:ss[.fraction] then Z or ±hh:mm, e.g. 2026-01-14T15:58:47+01:00",
	"UUID":      "a UUID is 8-4-4-4-12 hexadecimal digits, e.g. 0190a6e2-7c1d-7b3e-9f00-5a1b2c3d4e5f, without braces or urn:uuid:",
	"IP":        "an IP address is dotted-decimal IPv4 (192.0.2.1) or RFC 4291 IPv6 text (2001:db8::1), without a prefix length",
	"GEOLOC":    "a location is latitude,longitude or latitude,longitude,altitude in decimal, e.g. 48.8584,2.2945",
	"UNLOCODE":  "a UN/LOCODE is two capital letters, an optional space and three capital letters, e.g. FR PAR",
	"ID":        "an attachment name has ASCII letters and digits only",
	"MEDIATYPE": "a media type is type/subtype with optional ;name=value parameters, e.g. text/plain; charset=utf-8",
	"PROTOCOL":  "a protocol name has letters and digits with single hyphens between them, e.g. tcp or http-alt",
	"HASH":      "a hash is function:hex-digest with an even number of hex digits, e.g. sha256:9f86d081884c7d65",
	"URI":       "an RFC 3986 URI starts with a scheme, e.g. https://example.com/advisory or urn:cve:CVE-2013-2266",
	"EMAIL":     "an RFC 5322 address looks like root@example.com",
}

func syntaxHint(typeName string) string {
	if h, ok := hints[typeName]; ok {
		return h
	}
	return "see the drafts' section on " + typeName
}

// nearest returns the candidate that s was most likely meant to be: the same up to case,
// spaces and punctuation, or a few edits away. It returns "" when none is close, and when
// several are equally close: a guess among them (2.D.V04 for 2.D.V09) would mislead.
func nearest(s string, candidates []string) string { return newSuggestions(candidates).nearest(s) }

// suggestions is what the search needs of each of a fixed list of candidates (an
// enumeration's keywords, a class's field names), worked out once: their normalized forms,
// their lengths, and the multiset of their characters. A compiled Validator keeps the lists
// it has searched (nearIndex), so that a misspelt keyword is not compared in full with every
// keyword of a long enumeration each time: most are ruled out by their characters alone.
type suggestions struct {
	candidates []string
	byNorm     map[string][]int // normalized form → the candidates that have it, in order
	runes      []int
	bags       []charBag // zero beyond maxBag runes
	masks      []uint64  // the bins each bag has characters in
}

func newSuggestions(candidates []string) *suggestions {
	x := &suggestions{candidates: candidates, byNorm: map[string][]int{},
		runes: make([]int, len(candidates)), bags: make([]charBag, len(candidates)), masks: make([]uint64, len(candidates))}
	var buf [64]byte
	for i, c := range candidates {
		n := string(normalizeName(buf[:0], c))
		x.byNorm[n] = append(x.byNorm[n], i)
		x.runes[i] = utf8.RuneCountInString(c)
		if x.runes[i] <= maxBag {
			x.bags[i] = bagOf(c)
			x.masks[i] = x.bags[i].mask()
		}
	}
	return x
}

// nearest is nearest(s, x.candidates).
func (x *suggestions) nearest(s string) string {
	var buf [64]byte
	for _, i := range x.byNorm[string(normalizeName(buf[:0], s))] {
		if x.candidates[i] != s {
			return x.candidates[i]
		}
	}
	n := utf8.RuneCountInString(s)
	limit := max(1, min(3, n/5))
	best, bestD, tie := -1, limit+1, false
	var bag charBag
	var mask uint64
	if n <= maxBag {
		bag = bagOf(s)
		mask = bag.mask()
	}
	for i, c := range x.candidates {
		if c == s || abs(x.runes[i]-n) > limit {
			continue // the lengths alone rule it out (edits are at least the difference)
		}
		if n <= maxBag && x.runes[i] <= maxBag &&
			// And so do the characters: first the bins one string uses and the other does
			// not (each needs an edit of its own), then their counts (charBag.distance).
			(bits.OnesCount64(mask&^x.masks[i]) > limit || bits.OnesCount64(x.masks[i]&^mask) > limit ||
				bag.distance(&x.bags[i]) > limit) {
			continue
		}
		switch d := editDistanceWithin(s, c, limit); {
		case d < bestD:
			best, bestD, tie = i, d, false
		case d == bestD && best >= 0:
			tie = true
		}
	}
	if best < 0 || tie {
		return ""
	}
	return x.candidates[best]
}

// charBag counts a string's characters as editDistanceWithin compares them (lower-cased
// runes), each in one of 64 bins; only for strings of at most maxBag runes, so that no count
// overflows.
type charBag [64]uint16

const maxBag = 1 << 15

func bagOf(s string) charBag {
	var b charBag
	if ascii(s) {
		for i := 0; i < len(s); i++ {
			b[lowerByte(s[i])%64]++
		}
		return b
	}
	for _, r := range strings.ToLower(s) {
		b[uint32(r)%64]++
	}
	return b
}

// mask has a bit for each bin that holds characters.
func (a *charBag) mask() uint64 {
	var m uint64
	for i, n := range a {
		if n > 0 {
			m |= 1 << i
		}
	}
	return m
}

// distance is a lower bound of the edit distance between the strings of a and b: each
// insertion, deletion or substitution removes at most one of the characters one string has
// in excess of the other, on each side, and sharing bins only lowers the counts of excess
// (the bag distance of Bartolini, Ciaccia and Patella).
func (a *charBag) distance(b *charBag) int {
	more, fewer := 0, 0
	for i := range a {
		d := int(a[i]) - int(b[i])
		if d > 0 {
			more += d
		} else {
			fewer -= d
		}
	}
	return max(more, fewer)
}

// normalizeName lower-cases a name and drops spaces and punctuation, appending to dst.
func normalizeName(dst []byte, s string) []byte {
	for _, r := range s {
		switch {
		case r == ' ' || r == '_' || r == '-' || r == '.':
		case r < utf8.RuneSelf:
			if 'A' <= r && r <= 'Z' {
				r += 'a' - 'A'
			}
			dst = append(dst, byte(r))
		default:
			dst = utf8.AppendRune(dst, unicode.ToLower(r))
		}
	}
	return dst
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// editDistanceWithin is the Levenshtein distance between a and b, ignoring case, in runes,
// when it is at most limit, and limit+1 when it is more. Did-you-mean searches run it over
// every keyword of an enumeration for each value that is not one of them, so it stops as soon
// as a row of the table exceeds the limit and, for ASCII, works on the bytes without
// allocating: the search was three quarters of the cost of judging a message with a
// misspelt keyword.
func editDistanceWithin(a, b string, limit int) int {
	if len(a) <= 200 && len(b) <= 200 && ascii(a) && ascii(b) {
		var la, lb [200]byte
		for i := 0; i < len(a); i++ {
			la[i] = lowerByte(a[i])
		}
		for i := 0; i < len(b); i++ {
			lb[i] = lowerByte(b[i])
		}
		return levenshtein(la[:len(a)], lb[:len(b)], limit)
	}
	ra, rb := []rune(strings.ToLower(a)), []rune(strings.ToLower(b))
	if len(ra) > 200 || len(rb) > 200 {
		return limit + 1
	}
	return levenshtein(ra, rb, limit)
}

// levenshtein computes only the band of the table within limit of its diagonal (Ukkonen):
// a cell outside it is more than limit, and is kept as limit+1.
func levenshtein[T byte | rune](a, b []T, limit int) int {
	big := limit + 1
	if len(a)-len(b) > limit || len(b)-len(a) > limit {
		return big
	}
	var prevBuf, curBuf [201]int
	prev, cur := prevBuf[:len(b)+1], curBuf[:len(b)+1]
	for j := range prev {
		prev[j] = min(j, big)
	}
	for i := 1; i <= len(a); i++ {
		lo, hi := max(1, i-limit), min(len(b), i+limit)
		cur[lo-1] = big
		if lo == 1 {
			cur[0] = min(i, big)
		}
		rowMin := cur[lo-1]
		for j := lo; j <= hi; j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			v := min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost, big)
			cur[j] = v
			rowMin = min(rowMin, v)
		}
		if hi < len(b) {
			cur[hi+1] = big // the next row's band reaches one cell further
		}
		if rowMin >= big {
			return big // every later row is at least this row's minimum
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

func ascii(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

func lowerByte(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// loc is where a value sits in a message: its path of member names and array indices. It
// shares the walk's path stack, so passing one costs nothing; its pointer and display path
// are built only when a finding asks for them. A loc is valid only during the call it is
// passed to.
type loc struct{ steps []step }

type step struct {
	name  string // a member name, or "" for an array index
	index int
}

func (l loc) field(name string) loc {
	return loc{append(l.steps[:len(l.steps):len(l.steps)], step{name: name})}
}

func (l loc) item(i int) loc {
	return loc{append(l.steps[:len(l.steps):len(l.steps)], step{index: i})}
}

// ptr is the JSON Pointer of the place.
func (l loc) ptr() string {
	var b strings.Builder
	for _, s := range l.steps {
		b.WriteByte('/')
		if s.name != "" {
			b.WriteString(escape(s.name))
		} else {
			b.WriteString(strconv.Itoa(s.index))
		}
	}
	return b.String()
}

// where names the place for a person: Source[0].Port[1].
func (l loc) where() string {
	var b strings.Builder
	for _, s := range l.steps {
		if s.name == "" {
			b.WriteString("[" + strconv.Itoa(s.index) + "]")
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('.')
		}
		b.WriteString(s.name)
	}
	return b.String()
}

package validator

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math"
	"math/big"
	"strconv"

	"github.com/idmefcheck/idmefcheck/reference/message"
	"github.com/idmefcheck/idmefcheck/schema"
)

// The compiled engine: each revision's schema turned, once, into a tree of checks over a
// message.Tape. It answers one question fast and without allocating, "does the schema find
// nothing wrong?"; when the answer is no, or the message is not clean JSON, the validator
// takes the interpreter's path, which words every finding. The differential tests hold the
// two paths to the same findings on every vector and on fuzzed messages.

// engines names the schema engines a Validator can use.
const (
	EngineCompiled    = "compiled"
	EngineInterpreter = "interpreter"
)

type compiledSchemas struct {
	revs map[string]*cClass // revision → Alert
	near *nearIndex
}

type fieldKind uint8

const (
	kString fieldKind = iota
	kInt
	kNumber
	kEnum
	kVersion
	kPattern
	kFormat
	kContent
	kClass
)

type cClass struct {
	def      *schema.Class
	fields   map[string]*cField
	required uint64 // a bit per required field
	// slot finds a field without hashing the whole name, in few memory accesses: a
	// multiplicative hash of the name's length and first, middle and last bytes, with a
	// multiplier chosen when the class is compiled so that no two fields share a slot,
	// gives the field's index + 1 in byIndex (0 for none), and that one field's name is
	// compared in full.
	slot    [128]uint8
	mul     uint32
	shift   uint8
	byIndex []cField
	rules   *classRules
}

// nameKey packs the bytes of a name the slot hash reads; name is not empty.
func nameKey(name string) uint32 {
	return uint32(len(name)) | uint32(name[0])<<8 | uint32(name[len(name)/2])<<16 | uint32(name[len(name)-1])<<24
}

// lookup returns the field called name, or nil.
func (cl *cClass) lookup(name string) *cField {
	if name == "" {
		return nil
	}
	k := cl.slot[(nameKey(name)*cl.mul)>>cl.shift&127]
	if k == 0 {
		return nil
	}
	if f := &cl.byIndex[k-1]; f.is(name) {
		return f
	}
	return nil
}

// is reports whether name is the field's name, comparing words rather than calling the
// runtime's comparison: names are short.
func (f *cField) is(name string) bool {
	n := len(name)
	if n != len(f.name) {
		return false
	}
	b := unsafeBytes(name)
	switch {
	case n >= 8:
		return binary.LittleEndian.Uint64(b) == f.head && binary.LittleEndian.Uint64(b[n-8:]) == f.tail &&
			(n <= 16 || name[8:n-8] == f.name[8:n-8])
	case n >= 4:
		return uint64(binary.LittleEndian.Uint32(b)) == f.head && uint64(binary.LittleEndian.Uint32(b[n-4:])) == f.tail
	}
	return name == f.name
}

// nameWords sets head and tail for is.
func (f *cField) nameWords() {
	b, n := []byte(f.name), len(f.name)
	switch {
	case n >= 8:
		f.head, f.tail = binary.LittleEndian.Uint64(b), binary.LittleEndian.Uint64(b[n-8:])
	case n >= 4:
		f.head, f.tail = uint64(binary.LittleEndian.Uint32(b)), uint64(binary.LittleEndian.Uint32(b[n-4:]))
	}
}

// hashFields chooses the slot hash: the smallest table (up to 128 slots) for which a
// multiplier, tried in a fixed order, spreads the names without a collision.
func (cl *cClass) hashFields() {
	n := len(cl.byIndex)
	for bits := 1; bits <= 7; bits++ {
		if 1<<bits < 2*n {
			continue
		}
		mul := uint32(0x9E3779B1)
		for try := 0; try < 5000; try++ {
			mul = (mul*0x01000193 + 0x7F4A7C15) | 1
			var slot [128]uint8
			clash := false
			for i := range cl.byIndex {
				h := (nameKey(cl.byIndex[i].name) * mul) >> (32 - bits)
				if slot[h] != 0 {
					clash = true
					break
				}
				slot[h] = uint8(i + 1)
			}
			if !clash {
				cl.slot, cl.mul, cl.shift = slot, mul, uint8(32-bits)
				return
			}
		}
	}
	// Only names alike in every byte the hash reads (length, first, middle, last) end here.
	panic(fmt.Sprintf("validator: no slot hash separates the fields of %s", cl.def.Name))
}

// memberTable is where the members of one object on the tape are, by field, filled as the
// compiled engine walks the object: the rules then find a member without searching. Only
// fields of cl are in it.
type memberTable struct {
	cl   *cClass
	seen uint64 // the bits of the fields present
	tok  [64]int32
}

// member returns the token of the value of the member called name; known is false when
// name is no field of the class (the caller searches the members).
func (m *memberTable) member(name string) (tok int, present, known bool) {
	f := m.cl.lookup(name)
	if f == nil {
		return 0, false, false
	}
	if m.seen&f.bit == 0 {
		return 0, false, true
	}
	return int(m.tok[f.index]), true, true
}

type cField struct {
	def  *schema.Field
	name string // def.Name, kept here to be compared without going through def
	// The name's first and last eight bytes (four for names of four to seven bytes), as
	// little-endian words.
	head, tail uint64
	bit        uint64 // 1 << index
	index      uint8  // the field's place in its class
	list       bool
	kind       fieldKind
	class      *cClass
	typ        *schema.TypeDef
	enum       strSet
	version    string
	min, max   *bound
	rules      valueRules // of the field's type
}

// strSet is a set of strings looked up through a hash of their length and first and last
// eight bytes, with open addressing: for the short keywords of an enumeration, faster than a
// map, which hashes every byte.
type strSet struct {
	slots []strSlot
	shift uint8
}

type strSlot struct {
	s    string
	used bool
}

func newStrSet(vals []string) strSet {
	bits := 1
	for 1<<bits < 2*len(vals) {
		bits++
	}
	set := strSet{slots: make([]strSlot, 1<<bits), shift: uint8(64 - bits)}
	for _, v := range vals {
		if set.has(v) {
			continue
		}
		h := strHash(v) >> set.shift
		for set.slots[h].used {
			h = (h + 1) & uint64(len(set.slots)-1)
		}
		set.slots[h] = strSlot{s: v, used: true}
	}
	return set
}

func strHash(s string) uint64 {
	n := len(s)
	b := unsafeBytes(s)
	var x, y uint64
	switch {
	case n >= 8:
		x, y = binary.LittleEndian.Uint64(b), binary.LittleEndian.Uint64(b[n-8:])
	case n >= 4:
		x, y = uint64(binary.LittleEndian.Uint32(b)), uint64(binary.LittleEndian.Uint32(b[n-4:]))
	default:
		for _, c := range b {
			x = x<<8 | uint64(c)
		}
	}
	return (x*0x9E3779B97F4A7C15 ^ y*0xC2B2AE3D27D4EB4F ^ uint64(n)) * 0x165667B19E3779F9
}

// has reports whether s is in the set.
func (set strSet) has(s string) bool {
	mask := uint64(len(set.slots) - 1)
	for h := strHash(s) >> set.shift; ; h = (h + 1) & mask {
		e := &set.slots[h]
		if !e.used {
			return false
		}
		if e.s == s {
			return true
		}
	}
}

type bound struct {
	lit string
	f   float64
}

func compileSchemas(m *schema.Model) *compiledSchemas {
	cs := &compiledSchemas{revs: map[string]*cClass{}, near: &nearIndex{}}
	for _, v := range m.Versions() {
		rev, _ := m.Revision(v)
		cs.revs[v] = compileClass(rev.Alert, map[string]*cClass{})
	}
	return cs
}

func compileClass(c *schema.Class, done map[string]*cClass) *cClass {
	if cc, ok := done[c.Name]; ok {
		return cc
	}
	if len(c.Fields) > 64 {
		// A bit per field: a class this large needs a wider set.
		panic(fmt.Sprintf("validator: class %s has %d fields; the compiled engine handles 64 at most", c.Name, len(c.Fields)))
	}
	cc := &cClass{def: c, fields: map[string]*cField{}, byIndex: make([]cField, len(c.Fields))}
	done[c.Name] = cc
	for i, f := range c.Fields {
		cf := &cc.byIndex[i]
		*cf = cField{def: f, name: f.Name, bit: 1 << uint(i), index: uint8(i), list: f.List}
		cf.nameWords()
		if f.Required {
			cc.required |= cf.bit
		}
		switch {
		case f.Class != nil:
			cf.kind, cf.class = kClass, compileClass(f.Class, done)
		case f.Type.Name == "VERSION":
			cf.kind, cf.version = kVersion, f.Values[0]
		case f.Type.Name == "ENUM":
			cf.kind, cf.enum = kEnum, newStrSet(f.Values)
		case f.Type.Pattern != "":
			cf.kind, cf.typ = kPattern, f.Type
		case f.Type.Format != "":
			cf.kind, cf.typ = kFormat, f.Type
		case f.Type.Name == "CONTENT":
			cf.kind = kContent
		case f.Type.JSON[0] == "integer":
			cf.kind = kInt
		case f.Type.JSON[0] == "number":
			cf.kind = kNumber
		default:
			cf.kind = kString
		}
		cf.min, cf.max = newBound(f.Minimum), newBound(f.Maximum)
		cf.rules = valueRulesOf(f.Type)
		cc.fields[f.Name] = cf
	}
	cc.hashFields()
	cc.rules = newClassRules(c)
	return cc
}

func newBound(lit string) *bound {
	if lit == "" {
		return nil
	}
	f, _ := strconv.ParseFloat(lit, 64)
	return &bound{lit: lit, f: f}
}

// object checks the object at token i against its class and reports, worded as the
// interpreter words them, what the schema refuses; as it goes it applies the strict rules to
// what it visits, in the same way the interpreter's path does.
func (c *checker) object(cl *cClass, t *message.Tape, i int) {
	toks := t.Tokens()
	obj := tapeVal(t, i)
	at := loc{c.path}
	// Record where each field's value is, for the rules below (objects nest, one table per
	// level; deeper than the tables go, the rules search the members).
	var tbl *memberTable
	if c.depth < len(c.tables) {
		tbl = &c.tables[c.depth]
		tbl.cl = cl
		obj.table = tbl
	}
	c.depth++
	var seen uint64
	unknown := false
	for k := i + 1; k < int(toks[i].Next); k = int(toks[k+1].Next) {
		f := cl.lookup(unsafeString(t.Raw(k))) // the tape refuses escaped names
		if f == nil {
			unknown = true
			continue
		}
		seen |= f.bit
		if tbl != nil {
			tbl.tok[f.index] = int32(k + 1)
		}
		c.path = append(c.path, step{name: f.def.Name})
		c.field(f, t, k+1)
		c.path = c.path[:len(c.path)-1]
	}
	c.depth--
	if tbl != nil {
		tbl.seen = seen
	}
	if seen&cl.required != cl.required {
		c.words().required(cl.def, at, obj)
	}
	if unknown {
		c.words().unknownFields(cl.def, at, obj)
	}
	c.checkObjectWith(cl.rules, cl.def, at, obj)
}

func (c *checker) field(f *cField, t *message.Tape, i int) {
	if !f.list {
		c.item(f, t, i, false)
		return
	}
	toks := t.Tokens()
	if toks[i].Kind != '[' {
		c.words().wrongType(f.def, false, loc{c.path}, tapeVal(t, i))
		return
	}
	n := 0
	for k := i + 1; k < int(toks[i].Next); k = int(toks[k].Next) {
		c.path = append(c.path, step{index: n})
		c.item(f, t, k, true)
		c.path = c.path[:len(c.path)-1]
		n++
	}
}

// item checks one value against its field's type, as jsonschema/v5 reads draft-04 plus
// schema.integer: an integral 443.0 is an integer to jsonschema/v5, which schema.integer then
// refuses; 443.5 is no integer to either.
func (c *checker) item(f *cField, t *message.Tape, i int, inList bool) {
	at := loc{c.path}
	kind := t.Tokens()[i].Kind
	switch f.kind {
	case kClass:
		if kind != '{' {
			c.wrongType(f, inList, at, t, i)
			return
		}
		c.object(f.class, t, i)
		return
	case kContent:
		if kind != '{' && kind != '"' {
			c.wrongType(f, inList, at, t, i)
		}
	case kString:
		if kind != '"' {
			c.wrongType(f, inList, at, t, i)
		}
	case kInt:
		switch {
		case kind != '0':
			c.wrongType(f, inList, at, t, i)
		case !isIntegerLiteral(t.Raw(i)):
			if r, ok := new(big.Rat).SetString(string(t.Raw(i))); ok && r.IsInt() {
				c.checkInteger(f.def, at, tapeVal(t, i))
			} else {
				c.wrongType(f, inList, at, t, i)
			}
		}
	case kNumber:
		if kind != '0' {
			c.wrongType(f, inList, at, t, i)
		} else if !inBounds(f, t.Raw(i)) {
			kw := "maximum"
			if f.min != nil && !exactBounds(&cField{min: f.min}, string(t.Raw(i))) {
				kw = "minimum"
			}
			c.words().outOfRange(kw, f.def, at, tapeVal(t, i))
		}
	case kVersion:
		if kind != '"' || t.Text(i) != f.version {
			c.words().notInEnum(f.def, at, tapeVal(t, i))
		}
	case kEnum:
		if kind != '"' || !f.enum.has(t.Text(i)) {
			c.words().notInEnum(f.def, at, tapeVal(t, i))
		}
	case kPattern, kFormat:
		if kind != '"' {
			c.wrongType(f, inList, at, t, i)
			return
		}
		s := t.Text(i)
		if f.kind == kPattern && !f.typ.Match(s) {
			c.words().syntax("pattern", f.def, at, tapeVal(t, i))
			return // the strict rules skip what the pattern refuses
		}
		if f.kind == kFormat && !formatOK(f.typ.Format, s) {
			c.words().syntax("format", f.def, at, tapeVal(t, i))
		}
		c.checkMatchedString(f.rules, f.def, at, s)
		return
	}
	if f.rules == noValueRules {
		return
	}
	switch kind {
	case '"':
		c.checkMatchedString(f.rules, f.def, at, t.Text(i))
	case '0':
		c.checkMatchedNumber(f.rules, f.def, at, json.Number(unsafeString(t.Raw(i))))
	}
}

func (c *checker) wrongType(f *cField, inList bool, at loc, t *message.Tape, i int) {
	c.words().wrongType(f.def, inList, at, tapeVal(t, i))
}

// words is the schema wording, reporting into this checker.
func (c *checker) words() schemaWords {
	return schemaWords{rev: c.rev, near: c.v.compiled.near, report: func(rule string, reqs []string, pointer, msg string) {
		c.addAt(rule, reqs, pointer, -1, msg)
	}}
}

func isIntegerLiteral(b []byte) bool {
	for _, c := range b {
		if c == '.' || c == 'e' || c == 'E' {
			return false
		}
	}
	return true
}

// inBounds compares a number literal with a field's bounds exactly: float64 decides when the
// value is clearly inside, big.Rat when it is at or near a bound.
func inBounds(f *cField, lit []byte) bool {
	if f.min == nil && f.max == nil {
		return true
	}
	v, err := strconv.ParseFloat(string(lit), 64)
	if err != nil || math.IsInf(v, 0) || math.IsNaN(v) {
		return exactBounds(f, string(lit))
	}
	const margin = 1e-9
	if (f.min == nil || v > f.min.f+margin) && (f.max == nil || v < f.max.f-margin) {
		return true
	}
	return exactBounds(f, string(lit))
}

func exactBounds(f *cField, lit string) bool {
	r, ok := new(big.Rat).SetString(lit)
	if !ok {
		return false
	}
	if f.min != nil {
		m, _ := new(big.Rat).SetString(f.min.lit)
		if r.Cmp(m) < 0 {
			return false
		}
	}
	if f.max != nil {
		m, _ := new(big.Rat).SetString(f.max.lit)
		if r.Cmp(m) > 0 {
			return false
		}
	}
	return true
}

func formatOK(format, s string) bool {
	switch format {
	case "uri":
		return schema.IsURI(s)
	case "email":
		return schema.IsEmail(s)
	}
	return false
}

// fastState is what judgements on the compiled path reuse: the tape and the checker's
// scratch space (its path stack and its buffer for decoded attachments).
type fastState struct {
	tape message.Tape
	c    checker
}

// maxKeptBuf bounds the attachment buffer a fastState keeps between messages, so that one
// large attachment does not stay in memory.
const maxKeptBuf = 64 << 10

// fastValidate judges a message on the compiled path. ok is false when the message must take
// the interpreter's path: not clean JSON, or no revision.
func (v *Validator) fastValidate(data []byte) (res Result, ok bool) {
	st := v.fast.Get().(*fastState)
	res, ok = v.fastJudge(st, data)
	buf := st.c.buf[:0]
	if cap(buf) > maxKeptBuf {
		buf = nil
	}
	// The findings went to res: the next message starts with none. The member tables are
	// filled afresh by each object.
	c := &st.c
	c.revRules = nil
	c.v, c.version, c.rev, c.findings, c.buf, c.path, c.depth = nil, "", nil, nil, buf, c.path[:0], 0
	v.fast.Put(st)
	return res, ok
}

func (v *Validator) fastJudge(st *fastState, data []byte) (Result, bool) {
	t := &st.tape
	if !t.Parse(data, v.opts.Limits) {
		return Result{}, false
	}
	toks := t.Tokens()
	if toks[0].Kind != '{' {
		return Result{}, false
	}
	version := v.opts.Version
	if version == "" {
		for k := 1; k < int(toks[0].Next); k = int(toks[k+1].Next) {
			if string(t.Raw(k)) == "Version" && toks[k+1].Kind == '"' {
				version = t.Text(k + 1)
			}
		}
	}
	alert, known := v.compiled.revs[version]
	if !known {
		return Result{}, false
	}
	c := &st.c
	c.v = v
	c.rev, _ = v.set.Model().Revision(version)
	c.revRules = v.revisionRules(c.rev)
	c.version = c.rev.Version // not the tape's bytes, which are the caller's
	c.object(alert, t, 0)
	obj := tapeVal(t, 0)
	obj.table = &c.tables[0] // the alert's, left as object filled it
	c.checkAlert(obj)
	return c.result(), true
}

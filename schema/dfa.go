package schema

import (
	"regexp/syntax"
	"slices"
	"strconv"
	"strings"
)

// dfa is a deterministic automaton over ASCII bytes built from an anchored regular
// expression, so that matching costs one table lookup per byte instead of an NFA
// simulation. It accepts exactly what the expression accepts on ASCII input (the patterns
// of the model never accept anything else); callers hand non-ASCII input to the regexp.
type dfa struct {
	next   [][128]int32 // state × byte → state; -1 is the dead state (while building)
	accept []bool
	// The matching tables: bytes that every state treats alike share a class (a pattern
	// uses a few dozen classes at most), so the transition table stays small enough for
	// the processor's first-level cache. Non-ASCII bytes have a class of their own that
	// leads to state -2.
	class    [256]uint8
	nclasses int
	// trans holds, at state*nclasses + class, the next state already multiplied by
	// nclasses (so that the loop adds instead of multiplying); -1 is the dead state, -2 a
	// non-ASCII byte. final holds, at state*nclasses, whether the state accepts.
	trans []int32
	final []bool
	// fixed, when set, says the automaton accepts exactly the strings of len(fixed) bytes
	// whose byte i has its class in the set fixed[i] (a bit per class): a fixed shape such
	// as a UUID's. Such a string is then recognised by checking each byte on its own,
	// without the chain of dependent loads of the loop.
	fixed []uint64
}

// maxDFAStates bounds construction; a pattern needing more keeps to the regexp.
const maxDFAStates = 4096

// compileDFA builds the automaton of an expression anchored with ^ and $, or returns nil
// when the expression uses something the construction does not handle.
func compileDFA(expr string) *dfa {
	re, err := syntax.Parse(expr, syntax.Perl)
	if err != nil {
		return nil
	}
	// Only a pattern anchored at both ends as a whole: the automaton starts at the first
	// byte and accepts at the last. ("^a|b$" is not: its second branch floats.)
	if re.Op != syntax.OpConcat || len(re.Sub) < 2 || re.Sub[0].Op != syntax.OpBeginText || re.Sub[len(re.Sub)-1].Op != syntax.OpEndText {
		return nil
	}
	prog, err := syntax.Compile(re.Simplify())
	if err != nil {
		return nil
	}
	b := &dfaBuilder{prog: prog, index: map[string]int32{}, mark: make([]uint32, len(prog.Inst))}
	start, ok := b.closure([]uint32{uint32(prog.Start)}, true)
	if !ok {
		return nil
	}
	d := &dfa{}
	queue := [][]uint32{start}
	b.state(d, start)
	// Many bytes, from many states, move to the same instructions: the state those reach is
	// worked out once per distinct set of instructions.
	reached := map[string]int32{}
	var moved []uint32
	var mk []byte
	for len(queue) > 0 {
		set := queue[0]
		queue = queue[1:]
		from := b.index[key(set)]
		for c := 0; c < 128; c++ {
			moved = moved[:0]
			for _, pc := range set {
				inst := &prog.Inst[pc]
				switch inst.Op {
				case syntax.InstRune, syntax.InstRune1, syntax.InstRuneAny, syntax.InstRuneAnyNotNL:
					if inst.MatchRune(rune(c)) {
						moved = append(moved, inst.Out)
					}
				}
			}
			if len(moved) == 0 {
				d.next[from][c] = -1
				continue
			}
			mk = mk[:0]
			for _, pc := range moved {
				mk = append(mk, byte(pc), byte(pc>>8), byte(pc>>16), byte(pc>>24))
			}
			if to, ok := reached[string(mk)]; ok { // no allocation for the lookup
				d.next[from][c] = to
				continue
			}
			closed, ok := b.closure(moved, false)
			if !ok {
				return nil
			}
			if len(closed) == 0 {
				reached[string(mk)] = -1
				d.next[from][c] = -1
				continue
			}
			to, isNew := b.state(d, closed)
			if to < 0 {
				return nil
			}
			if isNew {
				queue = append(queue, closed)
			}
			reached[string(mk)] = to
			d.next[from][c] = to
		}
	}
	d.compress()
	return d
}

type dfaBuilder struct {
	prog  *syntax.Prog
	index map[string]int32
	sets  [][]uint32
	// mark[pc] == gen when closure has visited pc in its current call.
	mark []uint32
	gen  uint32
}

func key(set []uint32) string {
	var b strings.Builder
	for _, pc := range set {
		b.WriteString(strconv.Itoa(int(pc)))
		b.WriteByte(',')
	}
	return b.String()
}

// state returns the state of an instruction set, creating it if needed.
func (b *dfaBuilder) state(d *dfa, set []uint32) (int32, bool) {
	k := key(set)
	if s, ok := b.index[k]; ok {
		return s, false
	}
	if len(d.accept) >= maxDFAStates {
		return -1, false
	}
	s := int32(len(d.accept))
	b.index[k] = s
	d.next = append(d.next, [128]int32{})
	// A set accepts when, at the end of the text, its empty-width ($) and no-op steps reach
	// a match.
	d.accept = append(d.accept, b.acceptsAtEnd(set))
	return s, true
}

// closure follows the steps that consume no byte. At the start of the text ^ holds; $ is
// resolved only at the end (acceptsAtEnd), so those instructions are kept in the set.
func (b *dfaBuilder) closure(pcs []uint32, atStart bool) ([]uint32, bool) {
	b.gen++
	var out []uint32
	var visit func(pc uint32) bool
	visit = func(pc uint32) bool {
		if b.mark[pc] == b.gen {
			return true
		}
		b.mark[pc] = b.gen
		inst := &b.prog.Inst[pc]
		switch inst.Op {
		case syntax.InstAlt, syntax.InstAltMatch:
			return visit(inst.Out) && visit(inst.Arg)
		case syntax.InstCapture, syntax.InstNop:
			return visit(inst.Out)
		case syntax.InstEmptyWidth:
			switch syntax.EmptyOp(inst.Arg) {
			case syntax.EmptyBeginText:
				if atStart {
					return visit(inst.Out)
				}
				return true // ^ after the start never holds
			case syntax.EmptyEndText:
				out = append(out, pc)
				return true
			}
			return false // word boundaries and the like: not handled
		case syntax.InstFail:
			return true
		default: // runes and Match
			out = append(out, pc)
			return true
		}
	}
	for _, pc := range pcs {
		if !visit(pc) {
			return nil, false
		}
	}
	slices.Sort(out)
	return slices.Compact(out), true
}

func (b *dfaBuilder) acceptsAtEnd(set []uint32) bool {
	seen := map[uint32]bool{}
	var reach func(pc uint32) bool
	reach = func(pc uint32) bool {
		if seen[pc] {
			return false
		}
		seen[pc] = true
		inst := &b.prog.Inst[pc]
		switch inst.Op {
		case syntax.InstMatch:
			return true
		case syntax.InstAlt, syntax.InstAltMatch:
			return reach(inst.Out) || reach(inst.Arg)
		case syntax.InstCapture, syntax.InstNop:
			return reach(inst.Out)
		case syntax.InstEmptyWidth:
			if syntax.EmptyOp(inst.Arg) == syntax.EmptyEndText {
				return reach(inst.Out)
			}
		}
		return false
	}
	for _, pc := range set {
		if reach(pc) {
			return true
		}
	}
	return false
}

// match runs the automaton; ok is false when s holds a non-ASCII byte, which the automaton
// does not cover.
func (d *dfa) match(s string) (matched, ok bool) {
	if fixed := d.fixed; len(fixed) > 0 && len(s) == len(fixed) {
		var bad uint64
		class := &d.class
		s := s[:len(fixed)] // no bounds checks in the loop
		for i, set := range fixed {
			bad |= ^set >> class[s[i]]
		}
		if bad&1 == 0 {
			return true, true
		}
		// Refused: the loop below says whether for a byte it covers or not.
	}
	trans, class := d.trans, &d.class
	state := int32(0)
	for i := 0; i < len(s); i++ {
		state = trans[state+int32(class[s[i]])]
		if state < 0 {
			return false, state == -1
		}
	}
	return d.final[state], true
}

// compress groups the bytes into classes and builds trans.
func (d *dfa) compress() {
	var col []byte
	ids := map[string]uint8{}
	for c := 0; c < 128; c++ {
		col = col[:0]
		for _, row := range d.next {
			to := uint32(row[c])
			col = append(col, byte(to), byte(to>>8), byte(to>>16), byte(to>>24))
		}
		id, ok := ids[string(col)]
		if !ok {
			id = uint8(len(ids))
			ids[string(col)] = id
		}
		d.class[c] = id
	}
	nonASCII := uint8(len(ids))
	for c := 128; c < 256; c++ {
		d.class[c] = nonASCII
	}
	d.nclasses = len(ids) + 1
	d.trans = make([]int32, len(d.next)*d.nclasses)
	d.final = make([]bool, len(d.next)*d.nclasses)
	for s, row := range d.next {
		for c := 0; c < 128; c++ {
			to := row[c]
			if to >= 0 {
				to *= int32(d.nclasses)
			}
			d.trans[s*d.nclasses+int(d.class[c])] = to
		}
		d.trans[s*d.nclasses+int(nonASCII)] = -2
		d.final[s*d.nclasses] = d.accept[s]
	}
	d.findFixed()
	d.next = nil // built from; no longer needed
}

// findFixed sets fixed when the automaton has a fixed shape: from the start, each state
// has one live successor whatever the byte, none is visited twice, and only the last
// state, from which nothing leads on, accepts.
func (d *dfa) findFixed() {
	n := d.nclasses
	if n > 64 {
		return
	}
	var sets []uint64
	seen := make([]bool, len(d.accept))
	for state := 0; ; {
		if seen[state] {
			return // a loop: strings of many lengths
		}
		seen[state] = true
		next, set := int32(-1), uint64(0)
		for c := 0; c < n; c++ {
			to := d.trans[state*n+c]
			if to < 0 {
				continue
			}
			if next >= 0 && to != next {
				return // a branch
			}
			next, set = to, set|1<<c
		}
		if next < 0 {
			if d.accept[state] && len(sets) > 0 {
				d.fixed = sets
			}
			return
		}
		if d.accept[state] {
			return // accepts a prefix too
		}
		sets = append(sets, set)
		state = int(next) / n
	}
}

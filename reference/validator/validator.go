// Package validator is idmefcheck's reference validator of IDMEFv2 messages: the published
// schema of the message's revision, and, under the strict profile, every message-level rule
// of the drafts and of the requirements that a schema cannot express. Each finding names its
// rule, the requirements behind it, the place in the message and what is wrong, in words.
package validator

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/idmefcheck/idmefcheck/reference/message"
	"github.com/idmefcheck/idmefcheck/schema"
)

// Profile selects how much the validator demands.
type Profile string

// Profiles.
const (
	// Strict demands everything the drafts and the requirements say of a single message.
	Strict Profile = "strict"
	// Official gives exactly the published schema's verdict; what the schema lets through
	// and the drafts forbid is reported as warnings.
	Official Profile = "official"
)

// ParseProfile reads a profile name.
func ParseProfile(s string) (Profile, error) {
	switch Profile(s) {
	case Strict, Official:
		return Profile(s), nil
	}
	return "", fmt.Errorf("validator: unknown profile %q (want strict or official)", s)
}

// Finding is one thing wrong, or worth a warning, in a message.
type Finding struct {
	Rule        string   `json:"rule"`
	Requirement []string `json:"requirement"`
	Severity    Severity `json:"severity"`
	Pointer     string   `json:"pointer"` // JSON Pointer (RFC 6901) of the value concerned
	Message     string   `json:"message"`
	// Offset is the byte offset the decoder reported for problems with the JSON text, -1
	// when the finding is about a decoded value (use the pointer).
	Offset int64 `json:"-"`
}

// Result is the verdict on one message.
type Result struct {
	// Version is the revision the message was judged against; empty when none could be
	// chosen (no Version, an unknown one, or no JSON object at all).
	Version  string
	Valid    bool
	Findings []Finding
}

// Counts returns the number of errors and warnings.
func (r *Result) Counts() (errors, warnings int) {
	for _, f := range r.Findings {
		if f.Severity == Error {
			errors++
		} else {
			warnings++
		}
	}
	return errors, warnings
}

// Options configure a Validator. The zero value validates under the strict profile with
// message.DefaultLimits, choosing the revision from each message's Version.
type Options struct {
	Profile Profile
	// Engine chooses how the schema's verdict is reached: EngineCompiled (the default) runs
	// checks compiled from the model over the message's bytes and hands anything it would
	// have to report to EngineInterpreter, which runs the schema with jsonschema/v5. Both
	// give the same findings; the interpreter alone is there for diagnosis.
	Engine string
	// Version, when set, is the revision every message is judged against, whatever its
	// Version field says.
	Version string
	Limits  message.Limits
}

// Validator judges messages. It is safe for concurrent use.
type Validator struct {
	set      *schema.Set
	opts     Options
	engine   engine
	compiled *compiledSchemas // nil with EngineInterpreter
	rules    *rulesCache
	fast     sync.Pool // *fastState, reused by the compiled path
}

// engine is the part of validation a faster implementation may replace: the schema's
// verdict on a decoded message, reported as findings through report. Implementations must
// report the same findings.
type engine interface {
	schemaFindings(rev *schema.Revision, v any, report reportFunc)
}

type reportFunc func(rule string, reqs []string, pointer, message string)

// New returns a Validator over the compiled schemas of set.
func New(set *schema.Set, opts Options) (*Validator, error) {
	if opts.Profile == "" {
		opts.Profile = Strict
	}
	if _, err := ParseProfile(string(opts.Profile)); err != nil {
		return nil, err
	}
	if opts.Version != "" {
		if _, ok := set.IDMEFv2(opts.Version); !ok {
			return nil, fmt.Errorf("validator: unknown revision %q (supported: %s)", opts.Version, strings.Join(set.Versions(), ", "))
		}
	}
	if opts.Limits == (message.Limits{}) {
		opts.Limits = message.DefaultLimits()
	}
	v := &Validator{set: set, opts: opts, engine: &interpreter{set: set}, rules: newRulesCache(set.Model())}
	switch opts.Engine {
	case "", EngineCompiled:
		v.opts.Engine = EngineCompiled
		v.compiled = compileSchemas(set.Model())
		v.fast.New = func() any { return &fastState{c: checker{path: make([]step, 0, 8)}} }
	case EngineInterpreter:
	default:
		return nil, fmt.Errorf("validator: unknown engine %q (want %s or %s)", opts.Engine, EngineCompiled, EngineInterpreter)
	}
	return v, nil
}

// Options returns the options in effect.
func (v *Validator) Options() Options { return v.opts }

// Validate judges one message given as bytes.
func (v *Validator) Validate(data []byte) Result {
	if v.compiled != nil {
		if res, ok := v.fastValidate(data); ok {
			return res
		}
	}
	return v.judge(message.Decode(data, v.opts.Limits))
}

// ValidateProblem turns a problem found while reading a stream (an overlong line) into a
// result, so that it is reported like any other invalid message.
func (v *Validator) ValidateProblem(p message.Problem) Result {
	p.Fatal = true // there is no value to judge, whatever the caller set
	return v.judge(&message.Decoded{Problems: []message.Problem{p}})
}

func (v *Validator) judge(d *message.Decoded) Result {
	c := &checker{v: v}
	for _, p := range d.Problems {
		c.addAt(p.Code, nil, p.Pointer, p.Offset, p.Detail)
	}
	if d.Value != nil || !d.Fatal() {
		c.judgeValue(d.Value)
	}
	return c.result()
}

// result sorts the findings and gives the verdict.
func (c *checker) result() Result {
	res := Result{Version: c.version, Findings: c.findings, Valid: true}
	sortFindings(res.Findings)
	for _, f := range res.Findings {
		if f.Severity == Error {
			res.Valid = false
			break
		}
	}
	return res
}

// checker collects the findings on one message.
type checker struct {
	v        *Validator
	version  string
	rev      *schema.Revision
	revRules *revisionRules // rev's
	findings []Finding
	buf      []byte // scratch for decoding attachments
	path     []step // the walk's place in the message
	// The compiled engine's member tables, one per level of nesting of the object it walks.
	depth  int
	tables [6]memberTable
}

// add records a finding of a rule on the value at pointer. reqs, when given, are the
// requirements of the field concerned; the rule's own are appended.
func (c *checker) add(rule string, reqs []string, pointer, format string, args ...any) {
	c.addAt(rule, reqs, pointer, -1, fmt.Sprintf(format, args...))
}

func (c *checker) addAt(rule string, reqs []string, pointer string, offset int64, msg string) {
	r, ok := ruleIndex[rule]
	if !ok {
		// A rule missing from the table is a bug of ours; say so rather than hide it.
		r = &Rule{ID: rule, Strict: Error, Official: Error}
		msg += " (internal: unregistered rule)"
	}
	sev := r.Strict
	if c.v.opts.Profile == Official {
		sev = r.Official
	}
	all := citedRequirements(r, reqs)
	f := Finding{Rule: rule, Requirement: all, Severity: sev, Pointer: pointer, Message: msg, Offset: offset}
	for _, g := range c.findings {
		if g.Rule == f.Rule && g.Pointer == f.Pointer && g.Message == f.Message {
			return
		}
	}
	c.findings = append(c.findings, f)
}

func (c *checker) judgeValue(val any) {
	obj, ok := val.(map[string]any)
	if !ok {
		c.add(RuleNotObject, nil, "", "the message is %s, not a JSON object; an IDMEFv2 alert is an object at the top level", describeKind(val))
		return
	}
	if !c.chooseRevision(obj) {
		return
	}
	c.v.engine.schemaFindings(c.rev, obj, func(rule string, reqs []string, pointer, msg string) {
		c.addAt(rule, reqs, pointer, -1, msg)
	})
	c.integers(treeVal(obj))
	c.strict(treeVal(obj))
}

// chooseRevision picks the revision to judge against: the forced one, or the message's own.
func (c *checker) chooseRevision(obj map[string]any) bool {
	supported := strings.Join(c.v.set.Versions(), ", ")
	version := c.v.opts.Version
	if version == "" {
		raw, present := obj["Version"]
		s, isString := raw.(string)
		switch {
		case !present:
			c.add(RuleVersionMissing, nil, "", "the message has no Version, so its revision is unknown; add \"Version\" naming one of %s", supported)
			return false
		case !isString:
			c.add(RuleVersionMissing, nil, "/Version", "Version is %s, not a string naming a revision; supported revisions: %s", describeKind(raw), supported)
			return false
		}
		if _, ok := c.v.set.IDMEFv2(s); !ok {
			hint := ""
			if near := nearest(s, c.v.set.Versions()); near != "" {
				hint = fmt.Sprintf("; did you mean %q?", near)
			}
			c.add(RuleVersionUnknown, nil, "/Version", "Version %s is not a revision idmefcheck knows; supported revisions: %s%s", quote(s), supported, hint)
			return false
		}
		version = s
	}
	c.version = version
	c.rev, _ = c.v.set.Model().Revision(version)
	c.revRules = c.v.revisionRules(c.rev)
	return true
}

// sortFindings orders findings by where they are in the message (array indices compared
// as numbers), then by rule.
func sortFindings(fs []Finding) {
	slices.SortStableFunc(fs, func(a, b Finding) int {
		if c := comparePointers(a.Pointer, b.Pointer); c != 0 {
			return c
		}
		if c := strings.Compare(a.Rule, b.Rule); c != 0 {
			return c
		}
		// A total order: the compiled and the interpreted paths find things in different
		// orders and must report them identically.
		return strings.Compare(a.Message, b.Message)
	})
}

func comparePointers(a, b string) int {
	at, bt := strings.Split(a, "/"), strings.Split(b, "/")
	for i := 0; i < len(at) && i < len(bt); i++ {
		if at[i] == bt[i] {
			continue
		}
		ai, aerr := strconv.Atoi(at[i])
		bi, berr := strconv.Atoi(bt[i])
		if aerr == nil && berr == nil {
			return cmp.Compare(ai, bi)
		}
		return strings.Compare(at[i], bt[i])
	}
	return cmp.Compare(len(at), len(bt))
}

// citedRequirements chooses what a finding cites. A schema rule judges a field: the caller
// passes the requirements of that field and of what failed, and those are cited (the rule's
// own only when the caller has none). Any other rule cites its own requirements; a caller that
// knows which of them applies (a port out of range on a Target: the Target's port requirement,
// not the Source's) passes its field's and the list is narrowed to those.
func citedRequirements(r *Rule, reqs []string) []string {
	var out []string
	if strings.HasPrefix(r.ID, "schema.") {
		out = slices.Clone(reqs)
	} else {
		for _, id := range r.Requirements {
			if slices.Contains(reqs, id) {
				out = append(out, id)
			}
		}
	}
	if len(out) == 0 {
		out = slices.Clone(r.Requirements)
	}
	if out == nil {
		out = []string{}
	}
	return out
}

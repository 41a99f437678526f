package validator_test

import (
	"fmt"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/idmefcheck/idmefcheck/reference/message"
	"github.com/idmefcheck/idmefcheck/reference/validator"
)

// ruleCoverage records, while the spec tree is built, the severities a rule's specs expect
// and how many messages break it and how many come close without breaking it. The spec
// "covers every rule of the table" in validator_test.go checks it against validator.Rules.
type ruleCoverage struct {
	strict, official validator.Severity
	reported         int
	ignored          int
}

var covered = map[string]*ruleCoverage{}

// ruleSpec declares the specs of one rule, with the severities expected under each profile.
// They are written out here rather than read from the table: the table is what is tested.
type ruleSpec struct {
	id               string
	strict, official validator.Severity
}

// describeRule declares a Describe for one rule ID, labelled with the requirements the rule
// cites, so that --label-filter selects its specs by requirement.
func describeRule(id string, strict, official validator.Severity, body func(r ruleSpec)) bool {
	reqs := []string{}
	if r, ok := validator.LookupRule(id); ok {
		reqs = r.Requirements
	}
	if covered[id] == nil {
		covered[id] = &ruleCoverage{strict: strict, official: official}
	}
	return Describe(id, Label(reqs...), func() { body(ruleSpec{id: id, strict: strict, official: official}) })
}

// caseOption adjusts how a case is validated.
type caseOption func(*caseConfig)

type caseConfig struct {
	opts validator.Options
	wrap func(*validator.Validator) *validator.Validator
}

// forcing judges every message against one revision, whatever its Version says.
func forcing(version string) caseOption {
	return func(c *caseConfig) { c.opts.Version = version }
}

// limitedTo validates under other limits than message.DefaultLimits.
func limitedTo(l message.Limits) caseOption {
	return func(c *caseConfig) { c.opts.Limits = l }
}

// wrapped validates with a validator derived from the configured one.
func wrapped(fn func(*validator.Validator) *validator.Validator) caseOption {
	return func(c *caseConfig) { c.wrap = fn }
}

func validateWith(data []byte, p validator.Profile, opts []caseOption) validator.Result {
	GinkgoHelper()
	c := caseConfig{opts: validator.Options{Profile: p}}
	for _, fn := range opts {
		fn(&c)
	}
	v := newValidator(c.opts)
	if c.wrap != nil {
		v = c.wrap(v)
	}
	return v.Validate(data)
}

func pointerWords(ptr string) string {
	if ptr == "" {
		return "the whole text"
	}
	return ptr
}

func severityWords(s validator.Severity) string {
	if s == validator.Error {
		return "an error, so the message is invalid"
	}
	return "a warning, so the message stays valid"
}

// reports declares that data breaks the rule, and this rule only, at pointer.
func (r ruleSpec) reports(when string, data []byte, pointer string, opts ...caseOption) {
	covered[r.id].reported++
	When(when, func() {
		for _, p := range []struct {
			profile validator.Profile
			sev     validator.Severity
		}{{validator.Strict, r.strict}, {validator.Official, r.official}} {
			It(fmt.Sprintf("reports %s at %s as %s under %s", r.id, pointerWords(pointer), severityWords(p.sev), p.profile), func() {
				res := validateWith(data, p.profile, opts)
				Expect(res.Findings).To(ContainElement(And(
					HaveField("Rule", r.id),
					HaveField("Pointer", pointer),
					HaveField("Severity", p.sev),
					HaveField("Requirement", Not(BeEmpty())),
					HaveField("Message", Not(BeEmpty())),
				)), "findings: %v", res.Findings)
				Expect(res.Valid).To(Equal(p.sev != validator.Error))
			})
		}
		It("reports no other rule", func() {
			res := validateWith(data, validator.Strict, opts)
			Expect(rulesOf(res)).To(HaveEach(r.id), "findings: %v", res.Findings)
		})
	})
}

// ignores declares that data, close to breaking the rule, does not break it.
func (r ruleSpec) ignores(when string, data []byte, opts ...caseOption) {
	covered[r.id].ignored++
	When(when, func() {
		It(fmt.Sprintf("does not report %s under either profile", r.id), func() {
			for _, p := range []validator.Profile{validator.Strict, validator.Official} {
				res := validateWith(data, p, opts)
				Expect(rulesOf(res)).NotTo(ContainElement(r.id), "%s findings: %v", p, res.Findings)
			}
		})
	})
}

// expectVerdict checks a message's findings, the same rules under both profiles, and the
// verdict of each profile.
func expectVerdict(data []byte, strictValid, officialValid bool, rules ...string) {
	GinkgoHelper()
	want := rules
	if want == nil {
		want = []string{}
	}
	s := validate(data, validator.Strict)
	Expect(rulesOf(s)).To(ConsistOf(want), "strict findings: %v", s.Findings)
	Expect(s.Valid).To(Equal(strictValid), "strict verdict; findings: %v", s.Findings)
	o := validate(data, validator.Official)
	Expect(rulesOf(o)).To(ConsistOf(want), "official findings: %v", o.Findings)
	Expect(o.Valid).To(Equal(officialValid), "official verdict; findings: %v", o.Findings)
}

// clean is the verdict of a message with nothing to report.
func expectClean(data []byte) {
	GinkgoHelper()
	expectVerdict(data, true, true)
}

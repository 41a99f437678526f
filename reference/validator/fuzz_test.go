package validator_test

import (
	"reflect"
	"strings"
	"testing"

	"github.com/onsi/gomega"

	"github.com/idmefcheck/idmefcheck/reference/validator"
)

// FuzzValidate feeds arbitrary bytes (seeded with valid messages of two revisions and
// broken variants) to both profiles and checks what must hold whatever the input: no panic;
// Valid exactly when no finding is an error; every finding names a registered rule with
// the severity the table gives it, cites requirements and points with a JSON Pointer; and
// strict never accepts what official refuses.
func FuzzValidate(f *testing.F) {
	gomega.RegisterTestingT(f) // the builders assert with Gomega
	f.Add(v08().bytes())
	f.Add(v04().bytes())
	f.Add(v08().set("/CreateTime", "2026-02-29T10:00:60").bytes())
	f.Add(v08().set("/Source/0/Port/0", 443.5).set("/Analyzer/IP", "fe80::1%eth0").bytes())
	f.Add(v08().set("/Category/0", "Other.ext-value").set("/AggrCondition", []any{"Source(0).IP", "Nope"}).bytes())
	f.Add([]byte(`{"Version":"2.D.V08","Version":"2.D.V04"}`))
	strictV := newValidator(validator.Options{Profile: validator.Strict})
	officialV := newValidator(validator.Options{Profile: validator.Official})
	strictI := newValidator(validator.Options{Profile: validator.Strict, Engine: validator.EngineInterpreter})
	officialI := newValidator(validator.Options{Profile: validator.Official, Engine: validator.EngineInterpreter})
	f.Fuzz(func(t *testing.T, data []byte) {
		s, o := strictV.Validate(data), officialV.Validate(data)
		// The compiled engine must say exactly what the interpreter says.
		if si := strictI.Validate(data); !reflect.DeepEqual(s, si) {
			t.Fatalf("strict: compiled %+v, interpreter %+v", s, si)
		}
		if oi := officialI.Validate(data); !reflect.DeepEqual(o, oi) {
			t.Fatalf("official: compiled %+v, interpreter %+v", o, oi)
		}
		for _, pr := range []struct {
			res     validator.Result
			profile validator.Profile
		}{{s, validator.Strict}, {o, validator.Official}} {
			errs := 0
			for _, fd := range pr.res.Findings {
				rule, ok := validator.LookupRule(fd.Rule)
				if !ok {
					t.Fatalf("%s: unregistered rule %q", pr.profile, fd.Rule)
				}
				want := rule.Strict
				if pr.profile == validator.Official {
					want = rule.Official
				}
				if fd.Severity != want {
					t.Fatalf("%s: %s has severity %s, the table says %s", pr.profile, fd.Rule, fd.Severity, want)
				}
				if fd.Severity == validator.Error {
					errs++
				}
				if len(fd.Requirement) == 0 || fd.Message == "" {
					t.Fatalf("%s: %s without requirements or message", pr.profile, fd.Rule)
				}
				if fd.Pointer != "" && !strings.HasPrefix(fd.Pointer, "/") {
					t.Fatalf("%s: %s points at %q, not a JSON Pointer", pr.profile, fd.Rule, fd.Pointer)
				}
			}
			if pr.res.Valid != (errs == 0) {
				t.Fatalf("%s: valid=%v with %d errors", pr.profile, pr.res.Valid, errs)
			}
		}
		if !o.Valid && s.Valid {
			t.Fatalf("strict accepts what official refuses: %+v", o.Findings)
		}
		if s.Version != o.Version {
			t.Fatalf("the profiles judged against different revisions: %q and %q", s.Version, o.Version)
		}
	})
}

// Package knownbad holds implementations known to break rules: the reference manager with
// one fault switch on, and small fakes for what no switch reaches. Each variant names the
// checks that must fail against it; the honesty tests prove they do, and that every check
// fails against at least one variant while the reference passes them all.
package knownbad

import (
	"slices"
	"strings"

	"github.com/idmefcheck/idmefcheck/conformance/analyzerlab"
	"github.com/idmefcheck/idmefcheck/conformance/managerlab"
	"github.com/idmefcheck/idmefcheck/schema"
)

// Variant is one known-bad implementation.
type Variant struct {
	// Name is stable: manager/accept-tls12.
	Name string
	Role string
	// Breaks says which rule it breaks and how.
	Breaks string
	// Catches are the checks that must fail against it.
	Catches []string
	// Lab is how to run a manager variant: the lab options, Dir left empty.
	Lab managerlab.Options
	// AnalyzerLab is how to run an analyzer variant.
	AnalyzerLab analyzerlab.Options
}

// Managers returns the known-bad managers, sorted by name.
func Managers() []Variant {
	vs := slices.Concat(authManagers(), confManagers(), integManagers(), nonrepManagers(), dosManagers(), dupManagers(),
		relManagers(), timeManagers(), extManagers(), i18nManagers(), filtManagers(), addrManagers(), httpManagers(), secopsManagers())
	for i := range vs {
		vs[i].Role = "manager"
	}
	slices.SortFunc(vs, func(a, b Variant) int {
		if a.Name < b.Name {
			return -1
		}
		if a.Name > b.Name {
			return 1
		}
		return 0
	})
	return vs
}

// Analyzers returns the known-bad analyzers, sorted by name.
func Analyzers() []Variant {
	vs := analyzerVariants()
	for i := range vs {
		vs[i].Role = "analyzer"
	}
	slices.SortFunc(vs, func(a, b Variant) int { return strings.Compare(a.Name, b.Name) })
	return vs
}

// All returns the known-bad implementations of every role.
func All() []Variant { return slices.Concat(Managers(), Analyzers()) }

// StartAnalyzer runs an analyzer variant in dir.
func (v Variant) StartAnalyzer(set *schema.Set, dir string) (*analyzerlab.Lab, error) {
	o := v.AnalyzerLab
	o.Dir = dir
	return analyzerlab.Start(set, o)
}

// Start runs a manager variant in dir.
func (v Variant) Start(set *schema.Set, dir string) (*managerlab.Lab, error) {
	o := v.Lab
	o.Dir = dir
	return managerlab.Start(set, o)
}

// Catching returns the names of the variants that catch a check.
func Catching(vs []Variant, checkID string) []string {
	var out []string
	for _, v := range vs {
		if slices.Contains(v.Catches, checkID) {
			out = append(out, v.Name)
		}
	}
	return out
}

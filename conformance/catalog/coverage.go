package catalog

import (
	"errors"
	"fmt"
	"slices"
)

// Coverer is something that establishes requirements: a validator rule judging messages, or
// a conformance check judging an implementation.
type Coverer struct {
	Kind         string // "rule" or "check"
	ID           string
	Title        string
	Requirements []string
}

// Coverage maps each requirement to what covers it.
type Coverage struct {
	cat *Catalog
	by  map[string][]Coverer
}

// Cover computes the coverage of the catalogue by items. It fails, naming every offender,
// when an item cites a requirement the catalogue does not have.
func (c *Catalog) Cover(items []Coverer) (*Coverage, error) {
	cov := &Coverage{cat: c, by: map[string][]Coverer{}}
	var errs []error
	for _, it := range items {
		for _, id := range it.Requirements {
			if _, ok := c.byID[id]; !ok {
				errs = append(errs, fmt.Errorf("catalog: %s %s cites requirement %s, which the catalogue does not have", it.Kind, it.ID, id))
				continue
			}
			cov.by[id] = append(cov.by[id], it)
		}
	}
	for id := range cov.by {
		slices.SortFunc(cov.by[id], func(a, b Coverer) int {
			if a.Kind != b.Kind {
				return compare(a.Kind, b.Kind)
			}
			return compare(a.ID, b.ID)
		})
	}
	return cov, errors.Join(errs...)
}

func compare(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// Of returns what covers a requirement.
func (cov *Coverage) Of(id string) []Coverer { return cov.by[id] }

// Gaps lists the requirements that could be tested (black-box or message-level) but that
// nothing covers yet, in catalogue order.
func (cov *Coverage) Gaps() []*Requirement {
	var out []*Requirement
	for _, r := range cov.cat.reqs {
		if r.Testing != Attested && len(cov.by[r.ID]) == 0 {
			out = append(out, r)
		}
	}
	return out
}

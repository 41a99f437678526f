package report

import (
	"slices"

	"github.com/idmefcheck/idmefcheck/conformance/catalog"
)

// Summarize computes the roll-ups and totals from r.Results: one entry per requirement of the
// catalogue that applies to r.Run.Role, one per category met in the results, and the totals.
// It replaces whatever roll-ups r held, so it can be run again after results change.
func (r *Report) Summarize(cat *catalog.Catalog) {
	byReq := map[string][]*Result{}
	for i := range r.Results {
		res := &r.Results[i]
		for _, id := range res.Requirements {
			byReq[id] = append(byReq[id], res)
		}
	}
	// Fresh slices: a caller holding the previous roll-ups keeps them as they were.
	r.Requirements = []Requirement{}
	for _, req := range cat.Requirements() {
		if !slices.Contains(req.Roles, r.Run.Role) {
			continue
		}
		results := byReq[req.ID]
		row := Requirement{ID: req.ID, Level: req.Level, Category: req.Category, Title: req.Title,
			Status: requirementStatus(req, results), Checks: []string{}}
		for _, res := range results {
			row.Checks = append(row.Checks, res.ID)
		}
		r.Requirements = append(r.Requirements, row)
	}

	cats := map[string]map[Verdict]int{}
	var order []string
	t := Totals{Counts: zeroCounts()}
	for _, res := range r.Results {
		c, ok := cats[res.Category]
		if !ok {
			c = zeroCounts()
			cats[res.Category] = c
			order = append(order, res.Category)
		}
		c[res.Verdict]++
		t.Counts[res.Verdict]++
		t.Checks++
		if e := res.Expectation; e != nil {
			switch e.Status {
			case "expected":
				t.ExpectedFailures++
				continue
			case "unexpected-pass":
				t.UnexpectedPasses++
			}
		}
		if res.Verdict == Fail {
			switch res.Level {
			case catalog.LevelMust, catalog.LevelShall:
				t.MustFailures++
			case catalog.LevelShould:
				t.ShouldFailures++
			}
		}
	}
	slices.Sort(order)
	r.Categories = []Category{}
	for _, name := range order {
		r.Categories = append(r.Categories, Category{Name: name, Counts: cats[name]})
	}
	r.Totals = t
}

func zeroCounts() map[Verdict]int {
	m := make(map[Verdict]int, len(Verdicts))
	for _, v := range Verdicts {
		m[v] = 0
	}
	return m
}

// requirementStatus judges a requirement from the checks that cite it. A failure anywhere
// violates it; it is satisfied only when every applicable check passed; not-applicable checks
// (options not claimed) neither help nor hurt.
func requirementStatus(req *catalog.Requirement, results []*Result) string {
	if len(results) == 0 {
		if req.Testing == catalog.Attested {
			return AttestedOnly
		}
		return NotTested
	}
	var pass, undecided, applicable int
	for _, res := range results {
		switch res.Verdict {
		case Fail:
			return Violated
		case Pass:
			pass++
			applicable++
		case NotApplicable:
		default:
			undecided++
			applicable++
		}
	}
	switch {
	case applicable == 0:
		return NotApplicableR
	case undecided == 0:
		return Satisfied
	case pass > 0:
		return PartiallyTested
	default:
		return NotTested
	}
}

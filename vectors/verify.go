package vectors

import (
	"context"
	"fmt"
	"runtime"
	"slices"
	"strings"
	"sync"

	"github.com/idmefcheck/idmefcheck/reference/validator"
	"github.com/idmefcheck/idmefcheck/schema"
)

// Disagreement is a vector on which the validator does not say what the vector expects.
type Disagreement struct {
	Vector *Vector
	// Got holds the validator's verdicts ("valid" or "invalid") and the rules of its findings.
	GotOfficial, GotStrict string
	GotRules               []string
}

// String describes the disagreement for a person: the vector, then what it expects and
// what the validator said.
func (d Disagreement) String() string {
	v := d.Vector
	return fmt.Sprintf("%s (%s%s): expected official=%s strict=%s rules=[%s]; validator says official=%s strict=%s rules=[%s]",
		v.ID, v.File, v.Where, v.Official, v.Strict, strings.Join(v.Rules, " "),
		d.GotOfficial, d.GotStrict, strings.Join(d.GotRules, " "))
}

// Verify runs idmefcheck's validator, with the given engine (validator.EngineCompiled or
// validator.EngineInterpreter), over every vector under both profiles and returns the
// vectors it disagrees with, in corpus order. It agrees when both verdicts match (strict
// "acceptable" matches either) and the set of rules of the findings is the vector's, under
// each profile.
func Verify(ctx context.Context, set *schema.Set, vs []*Vector, engine string) ([]Disagreement, error) {
	type pair struct{ strict, official *validator.Validator }
	cache := map[string]pair{}
	for _, v := range vs {
		if _, ok := cache[v.ValidateAs]; ok {
			continue
		}
		s, err := validator.New(set, validator.Options{Profile: validator.Strict, Version: v.ValidateAs, Engine: engine})
		if err != nil {
			return nil, fmt.Errorf("vectors: %s: %w", v.ID, err)
		}
		o, err := validator.New(set, validator.Options{Profile: validator.Official, Version: v.ValidateAs, Engine: engine})
		if err != nil {
			return nil, fmt.Errorf("vectors: %s: %w", v.ID, err)
		}
		cache[v.ValidateAs] = pair{s, o}
	}
	results := make([]*Disagreement, len(vs))
	var wg sync.WaitGroup
	next := make(chan int)
	for range runtime.GOMAXPROCS(0) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				v := vs[i]
				p := cache[v.ValidateAs]
				results[i] = judge(v, p.strict.Validate(v.Data), p.official.Validate(v.Data))
			}
		}()
	}
	for i := range vs {
		if ctx.Err() != nil {
			break
		}
		next <- i
	}
	close(next)
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	var out []Disagreement
	for _, d := range results {
		if d != nil {
			out = append(out, *d)
		}
	}
	return out, nil
}

func judge(v *Vector, strict, official validator.Result) *Disagreement {
	d := &Disagreement{Vector: v, GotOfficial: verdict(official.Valid), GotStrict: verdict(strict.Valid), GotRules: ruleSet(strict)}
	agree := d.GotOfficial == v.Official &&
		(v.Strict == Acceptable || d.GotStrict == v.Strict) &&
		slices.Equal(d.GotRules, v.Rules) &&
		slices.Equal(ruleSet(official), v.Rules)
	if agree {
		return nil
	}
	return d
}

func verdict(valid bool) string {
	if valid {
		return Valid
	}
	return Invalid
}

func ruleSet(r validator.Result) []string {
	out := []string{}
	for _, f := range r.Findings {
		out = append(out, f.Rule)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

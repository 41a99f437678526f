package validator

import (
	"github.com/santhosh-tekuri/jsonschema/v5"

	"github.com/idmefcheck/idmefcheck/schema"
)

// WithSchemaFailure returns a copy of v whose schema engine reports one failure of a schema
// keyword the translator has no wording for, at instance, as a future schema might. It lets
// the suite reach schema.other, which the published schemas' keywords never produce.
func WithSchemaFailure(v *Validator, keyword, instance string) *Validator {
	w := &Validator{set: v.set, opts: v.opts, engine: failingEngine{keyword: keyword, instance: instance}}
	w.opts.Engine = EngineInterpreter
	return w
}

type failingEngine struct{ keyword, instance string }

func (e failingEngine) schemaFindings(rev *schema.Revision, v any, report reportFunc) {
	t := &translator{words: schemaWords{rev: rev, report: report}, root: v}
	t.translate(&jsonschema.ValidationError{
		KeywordLocation:  "/properties/Analyzer/" + e.keyword,
		InstanceLocation: e.instance,
		Message:          "valid against more than one schema",
	})
}

// EditDistanceWithin is editDistanceWithin, for its specs.
func EditDistanceWithin(a, b string, limit int) int { return editDistanceWithin(a, b, limit) }

// Nearest is nearest, for its specs.
func Nearest(s string, candidates []string) string { return nearest(s, candidates) }

// BagDistance is the lower bound the indexed search rules candidates out with.
func BagDistance(a, b string) int {
	x, y := bagOf(a), bagOf(b)
	return x.distance(&y)
}

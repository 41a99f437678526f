package validator_test

import (
	"github.com/idmefcheck/idmefcheck/reference/validator"
)

// Aggregated alerts: AggrCondition holds IDMEF paths of the revision, and StartTime and
// EndTime give the window of the events aggregated.

func aggregating(paths ...any) *msg { return v08().set("/AggrCondition", paths) }

var _ = describeRule("aggr.path", validator.Error, validator.Warning, func(r ruleSpec) {
	r.reports("AggrCondition names CeaseTime, a field no revision has", aggregating("Source.IP", "CeaseTime").bytes(), "/AggrCondition/1")
	r.reports("AggrCondition indexes the one Analyzer", aggregating("Analyzer(1).Name").bytes(), "/AggrCondition/0")
	r.reports("AggrCondition indexes Source.Hostname, which is not a list", aggregating("Source.Hostname(0)").bytes(), "/AggrCondition/0")
	r.reports("AggrCondition holds 1abc, which is not a path", aggregating("1abc").bytes(), "/AggrCondition/0")
	r.reports("AggrCondition names a class rather than an attribute", aggregating("Analyzer").bytes(), "/AggrCondition/0")
	r.reports("a 2.D.V08 AggrCondition names the Vector class of older revisions", aggregating("Vector.Name").bytes(), "/AggrCondition/0")
	r.ignores("AggrCondition holds Source.IP", aggregating("Source.IP").bytes())
	r.ignores("AggrCondition holds Source(0).IP, the draft's own example", aggregating("Source(0).IP").bytes())
	r.ignores("AggrCondition holds Target.Port(1) and ext-Category", aggregating("Target.Port(1)", "ext-Category").bytes())
})

var _ = describeRule("aggr.window", validator.Warning, validator.Warning, func(r ruleSpec) {
	r.reports("the alert aggregates without StartTime", aggregating("Source.IP").del("/StartTime").bytes(), "/AggrCondition")
	r.reports("the alert aggregates without EndTime", aggregating("Source.IP").del("/EndTime").bytes(), "/AggrCondition")
	r.ignores("the alert aggregates with StartTime and EndTime", aggregating("Source.IP").bytes())
	r.ignores("AggrCondition is empty and there is no StartTime", aggregating().del("/StartTime").bytes())
})

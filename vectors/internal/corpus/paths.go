package corpus

func pathsFile() *file {
	f := newFile("paths",
		"IDMEF paths (IDMEFv2 section 3.3.12) in Alert.AggrCondition, and the aggregation window StartTime and EndTime give (section 5.2).",
		"A path is an optional class reference, an attribute and an optional list index: [Class[(index)].]Attribute[(index)]. The grammar puts the index after the attribute only, the draft's own example indexes the class (Source(0).IP): both are accepted. The class must exist in the revision, an index needs a list (an alert has one Analyzer), and the attribute must be an attribute of the class, not a class. ext- attribute names, which the grammar's 1*ALPHA cannot spell but the model defines, are accepted.",
		"The schemas see only strings: every path finding is the strict profile's. A missing window is a warning.")
	f.note("Path", bugBasic, "A valid IDMEF path of the revision.", "An implementation that refuses it cannot aggregate on that field.")
	f.note("ClassIndex", bugEdge, "A path that indexes the class, as the draft's example Source(0).IP does, though the grammar indexes only the attribute.",
		"Implementations following the grammar refuse the draft's own example; idmefcheck accepts both.")
	f.note("ExtAttribute", bugEdge, "A path naming an ext- attribute, which the grammar's 1*ALPHA cannot spell but the model defines.",
		"A grammar-only parser refuses paths to extension data.")
	f.note("UnknownName", bugSemantic, "A path naming a class or attribute the revision does not have, or a class where an attribute belongs.",
		"The aggregation criterion matches nothing.")
	f.note("BadIndex", bugSemantic, "A path that indexes what is not a list: the single Analyzer, a single-valued attribute.",
		"Receivers disagree on what the index selects.")
	f.note("PathSyntax", bugSyntax, "A string that does not follow the path grammar at all.",
		"Parsers fail or guess.")
	f.note("Window", bugConsistency, "An aggregated alert without the window StartTime and EndTime should give: a warning.",
		"The receiver cannot tell over which period events were aggregated.")
	f.note("WrongType", bugWrongType, "AggrCondition in the wrong JSON shape.", "Receivers that coerce it accept what the schema refuses.")
	f.note("OtherRevision", bugVersion, "A path to a class or attribute that exists in another revision only.",
		"An implementation that merges revisions accepts paths the declared revision cannot resolve.")

	pr := rq("IDMEF2-3.3.12-1", "IDMEF2-3.3.12-2", "IDMEF2-5.2-6")
	aggr := func(version string, paths ...string) *msg { return full(version).set("/AggrCondition", strs(paths...)) }

	g := f.group(V08, "Paths in 2.D.V08 messages, which have StartTime and EndTime.")
	for _, c := range []struct{ id, path, what, flag string }{
		{"source-ip", "Source.IP", "a class and an attribute", "Path"},
		{"create-time", "CreateTime", "an Alert attribute, with the class left implicit", "Path"},
		{"category", "Category", "a list attribute of the Alert", "Path"},
		{"category-index", "Category(0)", "an index on a list attribute of the Alert", "Path"},
		{"analyzer-name", "Analyzer.Name", "an attribute of the single Analyzer", "Path"},
		{"target-port-index", "Target.Port(1)", "an index after a list attribute, as the grammar writes it", "Path"},
		{"source-port", "Source.Port", "a list attribute of a class", "Path"},
		{"attachment-name", "Attachment.Name", "an attribute of the Attachment class", "Path"},
		{"sensor-index-beyond", "Sensor(2).Name", "an index past the Sensors present: a path names a place, not a value", "ClassIndex"},
		{"target-category", "Target.Category", "Target.Category, a 2.D.V08 attribute", "Path"},
		{"report-time", "ReportTime", "ReportTime, a 2.D.V08 attribute", "Path"},
		{"source-class-index", "Source(0).IP", "an index on the class, the draft's own example", "ClassIndex"},
		{"both-indexes", "Source(0).Port(1)", "indexes on both the class and the attribute", "ClassIndex"},
		{"ext-category", "ext-Category", "an ext- attribute of the Alert", "ExtAttribute"},
		{"analyzer-ext-method", "Analyzer.ext-Method", "an ext- attribute of the Analyzer", "ExtAttribute"},
	} {
		g.v("paths."+c.id, "AggrCondition holds "+quoteWord(c.path)+": "+c.what+".", aggr(V08, c.path), ok(), pr, fl(c.flag))
	}
	g.v("paths.several", "AggrCondition holds three paths: the events shared their source address, target port and category.",
		aggr(V08, "Source.IP", "Target.Port", "Category"), ok(), pr, fl("Path"))
	for _, c := range []struct{ id, path, what, flag string }{
		{"cease-time", "CeaseTime", "the draft's own example, an attribute that no revision has", "UnknownName"},
		{"unknown-class", "Nope.IP", "a class that does not exist", "UnknownName"},
		{"unknown-attribute", "Source.Country", "an attribute Source does not have", "UnknownName"},
		{"alert-class", "Alert.ID", "the Alert class, which the grammar leaves implicit", "UnknownName"},
		{"class-only", "Analyzer", "a class, not an attribute", "UnknownName"},
		{"list-class-only", "Source", "a class, not an attribute", "UnknownName"},
		{"lower-case", "source.ip", "names in lower case; names are case-sensitive", "UnknownName"},
		{"analyzer-sensor", "Analyzer.Sensor", "a class nested where the model has none", "UnknownName"},
		{"vector", "Vector.Name", "the Vector class, which 2.D.V08 does not have", "OtherRevision"},
		{"analyzer-type", "Analyzer.Type", "Analyzer.Type, an attribute of 2.D.V04 to 2.D.V06", "OtherRevision"},
		{"analyzer-index", "Analyzer(1).Name", "an index on the Analyzer, of which an alert has exactly one", "BadIndex"},
		{"analyzer-index-zero", "Analyzer(0).Name", "an index, even 0, on the single Analyzer", "BadIndex"},
		{"hostname-index", "Source.Hostname(0)", "an index on Hostname, which is not a list", "BadIndex"},
		{"ip-index", "Source.IP(0)", "an index on IP, which is not a list", "BadIndex"},
		{"create-time-index", "CreateTime(0)", "an index on CreateTime, which is not a list", "BadIndex"},
		{"empty", "", "the empty string", "PathSyntax"},
		{"trailing-dot", "Source.", "a class and a dot, no attribute", "PathSyntax"},
		{"leading-digit", "1abc", "a name starting with a digit", "PathSyntax"},
		{"leading-dot", ".IP", "a dot and no class", "PathSyntax"},
		{"double-dot", "Source..IP", "two dots", "PathSyntax"},
		{"brackets", "Source[0].IP", "an index in brackets", "PathSyntax"},
		{"letter-index", "Source(a).IP", "an index that is not a number", "PathSyntax"},
		{"pointer", "/Source/0/IP", "a JSON Pointer", "PathSyntax"},
		{"trailing-space", "Source.IP ", "a trailing space", "PathSyntax"},
		{"three-levels", "Source.Attachment.Name", "three levels; paths have at most a class and an attribute", "PathSyntax"},
	} {
		g.v("paths.not."+c.id, "AggrCondition holds "+quoteWord(c.path)+": "+c.what+".", aggr(V08, c.path), strictBad("aggr.path"), pr, fl(c.flag))
	}
	g.v("paths.not.second-of-two", "AggrCondition holds Source.IP, valid, and CeaseTime, which no revision has.",
		aggr(V08, "Source.IP", "CeaseTime"), strictBad("aggr.path"), pr, fl("UnknownName"))
	g.v("paths.window.no-start", "AggrCondition is used without StartTime: the window is incomplete, a warning.",
		aggr(V08, "Source.IP").del("/StartTime"), ok("aggr.window"), rq("IDMEF2-5.2-6"), fl("Window"))
	g.v("paths.window.no-end", "AggrCondition is used without EndTime.",
		aggr(V08, "Source.IP").del("/EndTime"), ok("aggr.window"), rq("IDMEF2-5.2-6"), fl("Window"))
	g.v("paths.window.none", "AggrCondition is used without StartTime or EndTime.",
		minimal(V08).set("/AggrCondition", strs("Source.IP")), ok("aggr.window"), rq("IDMEF2-5.2-6"), fl("Window"))
	g.v("paths.window.bad-path-no-window", "AggrCondition names an unknown attribute and there is no window: both are reported.",
		minimal(V08).set("/AggrCondition", strs("Source.Country")), strictBad("aggr.path", "aggr.window"), pr, fl("UnknownName", "Window"))
	g.v("paths.window.empty-list", "AggrCondition is an empty list and there is no window: nothing is aggregated, so nothing to report.",
		minimal(V08).set("/AggrCondition", strs()), ok(), rq("IDMEF2-5.2-6"), fl("Window"))
	g.v("paths.type.string", "AggrCondition is a single string, not a list.",
		full(V08).set("/AggrCondition", "Source.IP"), bad("schema.type"), rq("IDMEF2-5.2-6", "IDMEF2-5.8-4", "IDMEF2T-5-5"), fl("WrongType"))
	g.v("paths.type.number", "AggrCondition holds a number.",
		full(V08).set("/AggrCondition", arr(1)), bad("schema.type"), rq("IDMEF2-5.2-6", "IDMEF2-5.8-5"), fl("WrongType"))

	g7 := f.group(V07, "Paths in 2.D.V07 messages.")
	g7.v("paths.v07.source-ip", "AggrCondition holds Source.IP in a 2.D.V07 alert.", aggr(V07, "Source.IP"), ok(), pr, fl("Path"))
	g7.v("paths.v07.entity-sector", "AggrCondition holds EntitySector, a 2.D.V07 attribute.", aggr(V07, "EntitySector"), ok(), pr, fl("Path"))
	g7.v("paths.v07.report-time", "AggrCondition holds ReportTime, which arrived in 2.D.V08.", aggr(V07, "ReportTime"), strictBad("aggr.path"), pr, fl("OtherRevision"))
	g7.v("paths.v07.source-category", "AggrCondition holds Source.Category, which arrived in 2.D.V08.", aggr(V07, "Source.Category"), strictBad("aggr.path"), pr, fl("OtherRevision"))

	for _, version := range []string{V04, V05, V06} {
		gv := f.group(version, "Paths in "+version+" messages, which have the Vector class.")
		sv := short(version)
		gv.v("paths."+sv+".vector-name", "AggrCondition holds Vector.Name, a class "+version+" has.", aggr(version, "Vector.Name"), ok(), pr, fl("Path"))
		gv.v("paths."+sv+".analyzer-type", "AggrCondition holds Analyzer.Type, an attribute of "+version+".", aggr(version, "Analyzer.Type"), ok(), pr, fl("Path"))
		gv.v("paths."+sv+".entity-sector", "AggrCondition holds EntitySector, which arrived in 2.D.V07.", aggr(version, "EntitySector"), strictBad("aggr.path"), pr, fl("OtherRevision"))
	}
	return f
}

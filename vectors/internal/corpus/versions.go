package corpus

func versionsFile() *file {
	f := newFile("versions",
		"Alert.Version (IDMEFv2 section 5.2) chooses the revision whose schema judges a message: 2.D.V04 to 2.D.V08. A message without Version, with a Version that is not a string, or with one that names no supported revision cannot be judged by any schema: invalid under both profiles.",
		"Vectors with validateAs are judged against that revision whatever their Version says (idmefcheck validate --version); each published schema accepts exactly one Version, so a message naming another fails the schema's enum.")
	f.note("Revision", bugBasic, "A minimal valid message of a supported revision.", "An implementation that does not know the revision refuses its alerts.")
	f.note("MissingVersion", bugMissing, "A message without Version, or with a Version that is not a string.", "No schema can be chosen: the message cannot be judged.")
	f.note("UnknownVersion", bugVersion, "A Version string that names no supported revision: a later or earlier draft, another spelling.",
		"A receiver that guesses the revision judges the message by the wrong schema.")
	f.note("ForcedRevision", bugVersion, "The message is judged against a revision given from outside (validateAs), as a receiver that supports one revision does.",
		"A receiver that ignores Version judges messages of other revisions by its own schema and accepts or refuses them wrongly.")

	g := f.group(V08, "Version values in 2.D.V08 messages.")
	vr := rq("IDMEF2-5.2-1")
	for _, version := range revisions {
		g.v("versions.minimal."+short(version), "A minimal valid "+version+" message: Version, ID, CreateTime, Priority and a locatable Analyzer.",
			minimal(version), ok(), rq("IDMEF2-5.2-1", "IDMEF2-5.2-2", "IDMEF2-5.2-3", "IDMEF2-5.2-4", "IDMEF2T-3-2", "R4766-7.4-2", "R4766-7.17-2", "IDMEF2-5.8-1", "IDMEF2-5.8-2", "IDMEF2T-5-1", "IDMEF2T-5-2"), fl("Revision"), revOpt(version))
	}
	g.v("versions.missing", "The message has no Version: no revision, so no schema, can be chosen.",
		minimal(V08).del("/Version"), bad("version.missing"), vr, fl("MissingVersion"))
	for _, c := range []struct {
		id   string
		val  any
		what string
	}{
		{"number", num("8"), "the number 8"},
		{"number-2-0", num("2.0"), "the number 2.0"},
		{"null", nil, "null"},
		{"list", strs("2.D.V08"), "a list holding 2.D.V08"},
		{"object", obj("major", 2, "draft", 8), "an object"},
		{"true", true, "true"},
	} {
		g.v("versions.not-string."+c.id, "Version is "+c.what+", not a string naming a revision.",
			minimal(V08).set("/Version", c.val), bad("version.missing"), vr, fl("MissingVersion"))
	}
	for _, c := range []struct{ id, val, what string }{
		{"v09", "2.D.V09", "2.D.V09, a later draft idmefcheck does not know"},
		{"v03", "2.D.V03", "2.D.V03, an earlier draft"},
		{"lower-case-v", "2.D.v08", "2.D.v08, with a lower-case v"},
		{"lower-case-d", "2.d.V08", "2.d.V08, with a lower-case d"},
		{"one-digit", "2.D.V8", "2.D.V8, one digit"},
		{"leading-space", " 2.D.V08", "2.D.V08 after a space"},
		{"trailing-space", "2.D.V08 ", "2.D.V08 and a space"},
		{"empty", "", "the empty string"},
		{"two-point-zero", "2.0", "2.0, a final version number the drafts never used"},
		{"idmef-v1", "1.0", "1.0, the version of IDMEF (RFC 4765)"},
		{"name", "IDMEFv2", "the format's name"},
		{"draft-name", "draft-lehmann-idmefv2-08", "the Internet-Draft's name"},
		{"no-dots", "2DV08", "2DV08, without dots"},
		{"fullwidth", "２.D.V08", "2.D.V08 with a full-width digit two"},
	} {
		g.v("versions.unknown."+c.id, "Version is "+quoteWord(c.val)+" ("+c.what+"): no supported revision, so no schema judges the message.",
			minimal(V08).set("/Version", c.val), bad("version.unknown"), vr, fl("UnknownVersion"))
	}
	g.v("versions.forced.same", "A 2.D.V08 message judged against 2.D.V08.",
		minimal(V08), ok(), vr, fl("ForcedRevision"), as(V08))
	g.v("versions.forced.v07-as-v08", "A 2.D.V07 message judged against 2.D.V08: apart from Version it is valid in both revisions, so the only finding is the Version 2.D.V08's schema does not accept.",
		minimal(V07), bad("schema.version"), vr, fl("ForcedRevision"), as(V08), rev(V07))
	g.v("versions.forced.v08-as-v07", "A minimal 2.D.V08 message judged against 2.D.V07: the Version differs, and 2.D.V07 requires Analyzer.ID, which the message leaves out.",
		minimal(V08), bad("schema.required", "schema.version"), rq("IDMEF2-5.2-1", "R4766-7.9"), fl("ForcedRevision"), as(V07))
	g.v("versions.forced.v08-as-v04", "A minimal 2.D.V08 message judged against 2.D.V04: every field it has exists in 2.D.V04 too, so only the Version is refused.",
		minimal(V08), bad("schema.version"), vr, fl("ForcedRevision"), as(V04))
	g.v("versions.forced.missing", "A message without Version judged against 2.D.V08: the revision is known, so the missing field is a schema finding.",
		minimal(V08).del("/Version"), bad("schema.required"), vr, fl("ForcedRevision", "MissingVersion"), as(V08))
	g.v("versions.forced.number", "A message whose Version is the number 8, judged against 2.D.V08: the schema's enum refuses it.",
		minimal(V08).set("/Version", num("8")), bad("schema.version"), vr, fl("ForcedRevision", "MissingVersion"), as(V08))
	g.v("versions.forced.unknown", "A message whose Version is 2.D.V09, judged against 2.D.V08.",
		minimal(V08).set("/Version", "2.D.V09"), bad("schema.version"), vr, fl("ForcedRevision", "UnknownVersion"), as(V08))

	g6 := f.group(V06, "Forced revisions around 2.D.V06.")
	g6.v("versions.forced.v05-as-v06", "A minimal 2.D.V05 message judged against 2.D.V06.",
		minimal(V05), bad("schema.version"), vr, fl("ForcedRevision"), as(V06), rev(V05))
	g6.v("versions.forced.v06-as-v05", "A full 2.D.V06 message judged against 2.D.V05: besides the Version, the IDs of Analyzer, Sensor, Source, Target and Vector, which arrived in 2.D.V06, are unknown members.",
		full(V06), bad("schema.unknown-field", "schema.version"), rq("IDMEF2-5.2-1", "IDMEF2-5.8-3"), fl("ForcedRevision"), as(V05))
	g6.v("versions.forced.v06-as-v06", "A full 2.D.V06 message judged against 2.D.V06.",
		full(V06), ok(), vr, fl("ForcedRevision"), as(V06))
	return f
}

// revOpt sets the vector's revision when it differs from the V08 group's.
func revOpt(version string) opt {
	if version == V08 {
		return func(*vector) {}
	}
	return rev(version)
}

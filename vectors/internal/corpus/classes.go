package corpus

import "strings"

// classReqs are the requirements a vector about a class exercises.
var classReqs = map[string][]string{
	"Alert":      {"IDMEF2-5.2-4", "IDMEF2-2.2-1"},
	"Analyzer":   {"IDMEF2-5.2-4", "IDMEF2-5.3-1", "R4766-7.9"},
	"Sensor":     {"IDMEF2-5.2-4", "IDMEF2-5.4-1"},
	"Source":     {"IDMEF2-5.2-4", "R4766-7.5"},
	"Target":     {"IDMEF2-5.2-4", "R4766-7.5"},
	"Attachment": {"IDMEF2-5.2-4", "IDMEF2-5.7-1"},
	"Vector":     {"IDMEF2-2.2-1"},
}

// requiredReqs are the requirements a missing required field breaks.
var requiredReqs = map[string][]string{
	"Alert.Version":    {"IDMEF2-5.2-1", "IDMEF2-2.2-1"},
	"Alert.ID":         {"IDMEF2-5.2-2", "R4766-7.12"},
	"Alert.CreateTime": {"IDMEF2-5.2-3", "R4766-7.13"},
	"Alert.Analyzer":   {"IDMEF2-5.2-4", "R4766-7.9"},
	"Analyzer.Name":    {"IDMEF2-5.3-1", "R4766-7.9"},
	"Analyzer.IP":      {"IDMEF2-2.2-1", "R4766-7.9"},
	"Analyzer.ID":      {"IDMEF2-2.2-1"},
	"Sensor.Name":      {"IDMEF2-5.4-1"},
	"Sensor.IP":        {"IDMEF2-2.2-1"},
	"Sensor.ID":        {"IDMEF2-2.2-1"},
	"Source.ID":        {"IDMEF2-5.5-1"},
	"Target.ID":        {"IDMEF2-5.6-1"},
	"Attachment.Name":  {"IDMEF2-5.7-1", "IDMEF2-3.3.8-2"},
	"Vector.Category":  {"IDMEF2-2.2-1"},
}

// required lists, per revision, the fields the revision's schema requires, as the model
// states them (schema/idmefv2/model.yaml) and the drafts' schemas publish them.
var required = map[string][]string{
	V04: {"Alert.Version", "Alert.ID", "Alert.CreateTime", "Alert.Analyzer", "Analyzer.Name", "Analyzer.IP", "Sensor.Name", "Sensor.IP", "Attachment.Name", "Vector.Category"},
	V05: {"Alert.Version", "Alert.ID", "Alert.CreateTime", "Alert.Analyzer", "Analyzer.Name", "Analyzer.IP", "Sensor.Name", "Sensor.IP", "Attachment.Name", "Vector.Category"},
	V06: {"Alert.Version", "Alert.ID", "Alert.CreateTime", "Alert.Analyzer", "Analyzer.Name", "Sensor.Name", "Attachment.Name"},
	V07: {"Alert.Version", "Alert.ID", "Alert.CreateTime", "Alert.Analyzer", "Analyzer.Name", "Analyzer.ID", "Sensor.Name", "Sensor.ID", "Source.ID", "Target.ID", "Attachment.Name"},
	V08: {"Alert.Version", "Alert.ID", "Alert.CreateTime", "Alert.Analyzer", "Analyzer.Name", "Sensor.Name", "Source.ID", "Target.ID", "Attachment.Name"},
}

// classPtr is where a class instance sits in the full base message.
var classPtr = map[string]string{
	"Alert": "", "Analyzer": "/Analyzer", "Sensor": "/Sensor/0", "Source": "/Source/0", "Target": "/Target/0", "Attachment": "/Attachment/0", "Vector": "/Vector/0",
}

func classesFile() *file {
	f := newFile("classes",
		"The classes of every revision (IDMEFv2 section 5): Alert, Analyzer, Sensor, Source, Target, Attachment and, up to 2.D.V06, Vector; each required field left out; fields of other revisions; classes in the wrong JSON shape (section 5.8: one Analyzer object, the others arrays of objects); member names in the wrong case.",
		"Required fields differ between revisions: Analyzer.IP and Sensor.IP up to 2.D.V05, Analyzer.ID and Sensor.ID in 2.D.V07 only, Source.ID and Target.ID from 2.D.V07 on, Vector.Category up to 2.D.V05. Every schema refuses members it does not define.",
		"A Version left out is judged once without a forced revision (no schema applies) and once with validateAs, so that the schema's own finding is seen.")
	f.note("Class", bugBasic, "A message holding the class as its revision defines it.", "An implementation that does not know the class, or its fields in this revision, refuses valid alerts.")
	f.note("RequiredField", bugMissing, "A field the revision requires is left out.", "The receiver lacks what the format guarantees every message has.")
	f.note("OptionalHere", bugVersion, "A field required in another revision, left out where this revision does not require it.",
		"An implementation that applies one revision's requirements to all refuses valid alerts.")
	f.note("OtherRevisionField", bugVersion, "A field or class that exists only in other revisions.",
		"An implementation that merges revisions accepts what the declared revision's schema refuses.")
	f.note("WrongShape", bugWrongType, "A class in the wrong JSON shape: the Analyzer as an array, a list class as a single object, null.",
		"Receivers written for one shape fail on the other (IDMEF2-5.8-4).")
	f.note("NameCase", bugUnknown, "A member whose name differs from the model's in letter case, or a wrapper the model does not have.",
		"Case-insensitive receivers accept what the schema refuses (IDMEF2-5.8-3).")
	f.note("UnknownMember", bugUnknown, "A member the class does not define.", "Receivers that ignore it accept what the schema refuses.")
	f.note("TextRequiresID", bugSchemaGap, "A 2.D.V06 Source or Target without ID. The draft's text calls Source.ID and Target.ID mandatory and the schemas require them from 2.D.V07 on; the 2.D.V06 schema does not. The requirements catalogue's notes on IDMEF2-5.5-1 and IDMEF2-5.6-1 expect the strict profile to require them; idmefcheck's validator follows the revision's schema.",
		"A strict receiver may refuse the alert, a schema-based one accepts it; both readings are allowed.")
	f.note("EmptyName", bugSchemaGap, "Analyzer.Name or Sensor.Name is the empty string. IDMEF2-5.3-1 and IDMEF2-5.4-1 ask for a non-empty, meaningful name; the schemas accept any string and idmefcheck's rules do not judge it.",
		"A receiver cannot tell analyzers apart; a strict implementation may refuse the message, and may accept it.")

	for _, version := range revisions {
		sv := short(version)
		g := f.group(version, "The classes of "+version+".")
		p := "classes." + sv + "."
		names := []string{"Analyzer", "Sensor", "Source", "Target", "Attachment"}
		if version <= V06 {
			names = append(names, "Vector")
		}
		g.v(p+"alert.full", "A "+version+" alert holding every class of its revision: "+strings.Join(names, ", ")+".",
			full(version), ok(), rq("IDMEF2-2.2-1", "IDMEF2-5.2-4", "IDMEF2T-3-2", "IDMEF2-5.8-3", "IDMEF2-5.8-4", "IDMEF2-5.8-5", "IDMEF2T-5-3", "IDMEF2T-5-4", "IDMEF2T-5-5", "IDMEF2T-5-6", "IDMEF2T-5-7", "R4766-7.9", "R4766-7.12", "R4766-7.13", "IDMEF2-5.8-1", "IDMEF2-5.8-2", "IDMEF2T-5-1", "IDMEF2T-5-2",
				"IDMEF2-5.3-2", "IDMEF2-5.4-2", "IDMEF2-5.4-3", "IDMEF2-5.5-2", "IDMEF2-5.5-3", "IDMEF2-5.5-4", "IDMEF2-5.5-6", "IDMEF2-5.6-2", "IDMEF2-5.6-3", "IDMEF2-5.6-4",
				"IDMEF2-5.7-1", "IDMEF2-5.7-2", "IDMEF2-5.7-3", "IDMEF2-5.7-4", "IDMEF2-5.7-5", "IDMEF2-5.7-6", "IDMEF2-5.7-7", "IDMEF2-3.3.8-1", "IDMEF2-3.3.8-2",
				"IDMEF2-3.3.9-1", "IDMEF2-3.3.11-1", "IDMEF2-3.3.13-1", "IDMEF2-3.3.3-1", "IDMEF2-3.3.6-1", "IDMEF2-3.3.7-1", "IDMEF2-3.3.5-1"), fl("Class"))
		g.v(p+"alert.minimal", "A "+version+" alert with the required fields, a Priority and an Analyzer that can be located: no other class.",
			minimal(version), ok(), rq("IDMEF2-2.2-1", "IDMEF2-5.2-4", "IDMEF2-5.2-1", "IDMEF2-5.2-2", "IDMEF2-5.2-3", "R4766-7.11-2", "R4766-7.4-2"), fl("Class"))

		for _, cls := range names {
			c := slug(cls)
			ptr := classPtr[cls]
			reqs := append(append([]string{}, classReqs[cls]...), "IDMEF2-5.8-3")
			switch cls {
			case "Analyzer":
				g.v(p+c+".valid", "The Analyzer of a "+version+" alert with its usual fields.", full(version), ok(), rq(reqs...), fl("Class"))
				g.v(p+c+".as-array", "The Analyzer is given as an array of one object; an alert has exactly one Analyzer, a plain object.",
					full(version).set("/Analyzer", arr(full(version).get("/Analyzer"))), bad("schema.type"), rq("IDMEF2-5.2-4", "IDMEF2-5.8-4", "IDMEF2T-5-3"), fl("WrongShape"))
				g.v(p+c+".null", "The Analyzer is null.",
					full(version).set("/Analyzer", nil), bad("schema.type"), rq("IDMEF2-5.2-4", "IDMEF2-5.8-4", "IDMEF2T-5-3"), fl("WrongShape"))
				an := obj()
				if version == V07 {
					an = obj("ID", analyzerID)
				}
				missing := []string{"schema.required"}
				g.v(p+c+".empty", "The Analyzer is an empty object: it lacks its required fields and anything that locates it.",
					full(version).set("/Analyzer", an), bad(append(missing, "analyzer.locatable")...), rq("IDMEF2-5.3-1", "R4766-7.9"), fl("RequiredField"))
			default:
				second := clone(full(version).get(ptr)).(*object)
				for i := range second.members {
					if second.members[i].name == "ID" {
						second.members[i].value = map[string]string{"Sensor": sensor2ID, "Source": source2ID, "Target": target2ID, "Vector": "01958f3a-6b2c-7d4e-8f50-61a2b3c4d5ea"}[cls]
					}
					if second.members[i].name == "Name" && cls == "Attachment" {
						second.members[i].value = "scan2"
					}
					if second.members[i].name == "Name" && cls == "Sensor" {
						second.members[i].value = "tap02"
					}
				}
				g.v(p+c+".two", "The alert holds two "+cls+" objects.", full(version).set("/"+cls+"/-", second), ok(), rq(reqs...), fl("Class"))
				single := full(version).set("/"+cls, full(version).get(ptr))
				if cls == "Attachment" {
					single.del("/Target/0/Attachment")
				}
				g.v(p+c+".as-object", cls+" is a single object, not an array of objects.",
					single, bad("schema.type"), rq("IDMEF2-5.8-4", "IDMEF2T-5-5"), fl("WrongShape"))
				g.v(p+c+".empty-list", cls+" is an empty array.",
					emptyList(version, cls), ok(), rq(reqs...), fl("Class"))
			}
			g.v(p+c+".unknown-member", "The "+cls+" carries a member it does not define, Vendor.",
				full(version).set(ptr+"/Vendor", "x"), bad("schema.unknown-field"), rq("IDMEF2-5.8-3", "IDMEF2T-5-4"), fl("UnknownMember"))
		}

		// Required fields.
		for _, field := range required[version] {
			cls, name, _ := strings.Cut(field, ".")
			m := full(version)
			ptr := classPtr[cls] + "/" + name
			if cls == "Attachment" && name == "Name" {
				m.del("/Target/0/Attachment")
			}
			id := p + slug(cls) + ".missing-" + slug(name)
			comment := version + " requires " + field + "; the message leaves it out."
			e := bad("schema.required")
			var opts []opt
			if field == "Alert.Version" {
				comment = "The alert has no Version; judged against " + version + " (validateAs), the schema finds the required field missing."
				opts = append(opts, as(version))
			}
			if field == "Alert.Analyzer" {
				comment += " The Analyzer is the only required class (IDMEF2-5.2-4)."
			}
			g.v(id, comment, m.del(ptr), e, append(opts, rq(requiredReqs[field]...), fl("RequiredField"))...)
		}
		g.v(p+"alert.missing-version-unforced", "The alert has no Version and no revision is forced: no schema can be chosen.",
			full(version).del("/Version"), bad("version.missing"), rq("IDMEF2-5.2-1"), fl("RequiredField"))
		g.v(p+"alert.missing-id-and-create-time", "The alert lacks both ID and CreateTime.",
			full(version).del("/ID").del("/CreateTime"), bad("schema.required"), rq("IDMEF2-5.2-2", "IDMEF2-5.2-3", "R4766-7.12", "R4766-7.13"), fl("RequiredField"))
		g.v(p+"analyzer.empty-name", "Analyzer.Name is the empty string: present, as the schema requires, but not the meaningful name IDMEF2-5.3-1 asks for.",
			full(version).set("/Analyzer/Name", ""), either(), rq("IDMEF2-5.3-1"), fl("EmptyName"))
		g.v(p+"sensor.empty-name", "Sensor[0].Name is the empty string.",
			full(version).set("/Sensor/0/Name", ""), either(), rq("IDMEF2-5.4-1"), fl("EmptyName"))
		g.v(p+"alert.wrapped", "The alert is wrapped in an object under the name Alert: the top-level object is the Alert itself (IDMEF2-5.8-2), so no Version is found.",
			&msg{root: obj("Alert", full(version).root)}, bad("version.missing"), rq("IDMEF2-5.8-2", "IDMEF2T-5-2", "IDMEF2-5.2-1"), fl("NameCase"))
		g.v(p+"alert.wrapped-forced", "The alert is wrapped under Alert and judged against "+version+": the wrapper is unknown, the required fields are missing, and so is the Priority the strict profile asks for (a warning).",
			&msg{root: obj("Alert", full(version).root)}, bad("content.impact", "schema.required", "schema.unknown-field"), rq("IDMEF2-5.8-2", "IDMEF2-5.8-3", "IDMEF2T-5-3"), fl("NameCase"), as(version))
		g.v(p+"alert.lower-case-analyzer", "The Analyzer is under the name analyzer, in lower case: an unknown member, and Analyzer is missing.",
			full(version).rename("/Analyzer", "analyzer"), bad("schema.required", "schema.unknown-field"), rq("IDMEF2-5.8-3", "IDMEF2T-5-3", "IDMEF2-5.2-4"), fl("NameCase"))
		g.v(p+"alert.id-case", "The alert's ID is under the name Id.",
			full(version).rename("/ID", "Id"), bad("schema.required", "schema.unknown-field"), rq("IDMEF2-5.8-3", "IDMEF2T-5-4", "IDMEF2-5.2-2"), fl("NameCase"))
		g.v(p+"source.port-case", "Source[0] has port for Port.",
			full(version).rename("/Source/0/Port", "port"), bad("schema.unknown-field"), rq("IDMEF2-5.8-3", "IDMEF2T-5-4"), fl("NameCase"))
	}

	// Fields of other revisions, and fields optional here that another revision requires.
	g8 := f.groups[4]
	g8.v("classes.v08.analyzer.no-id", "The Analyzer has no ID: 2.D.V07 requires it, 2.D.V08 does not.",
		full(V08).del("/Analyzer/ID"), ok(), rq("IDMEF2-5.3-1"), fl("OptionalHere"))
	g8.v("classes.v08.sensor.no-id", "Sensor[0] has no ID: 2.D.V07 requires it, 2.D.V08 does not.",
		full(V08).del("/Sensor/0/ID"), ok(), rq("IDMEF2-5.4-1"), fl("OptionalHere"))
	g8.v("classes.v08.analyzer.no-ip", "The Analyzer has no IP, which only 2.D.V04 and 2.D.V05 require; its Hostname locates it.",
		full(V08).del("/Analyzer/IP"), ok(), rq("IDMEF2-5.3-1", "R4766-7.9"), fl("OptionalHere"))
	g8.v("classes.v08.source.second-missing-id", "Source[1] has no ID.",
		full(V08).set("/Source/-", obj("IP", "203.0.113.5")), bad("schema.required"), rq("IDMEF2-5.5-1"), fl("RequiredField"))
	g8.v("classes.v08.target.second-missing-id", "Target[1] has no ID.",
		full(V08).set("/Target/-", obj("IP", "192.0.2.81")), bad("schema.required"), rq("IDMEF2-5.6-1"), fl("RequiredField"))
	g8.v("classes.v08.target.empty-object", "Target[0] is an empty object: 2.D.V08 requires Target.ID.",
		full(V08).set("/Target", arr(obj())), bad("schema.required"), rq("IDMEF2-5.6-1"), fl("RequiredField"))
	g8.v("classes.v08.source.empty-object", "Source[0] is an empty object: 2.D.V08 requires Source.ID.",
		full(V08).set("/Source", arr(obj())), bad("schema.required"), rq("IDMEF2-5.5-1"), fl("RequiredField"))
	for _, c := range []struct{ id, ptr, what string }{
		{"analyzer.type", "/Analyzer/Type", "Analyzer.Type, an attribute of 2.D.V04 to 2.D.V06 (moved to Alert.Type)"},
		{"alert.vector", "/Vector", "the Vector class of 2.D.V04 to 2.D.V06"},
	} {
		var val any = strs("Cyber")
		if c.id == "alert.vector" {
			val = arr(obj("Category", strs("Device")))
		}
		g8.v("classes.v08."+c.id+"-other-revision", "The message carries "+c.what+".", full(V08).set(c.ptr, val), bad("schema.unknown-field"), rq("IDMEF2-5.8-3", "IDMEF2T-5-4"), fl("OtherRevisionField"))
	}
	g7 := f.groups[3]
	g7.v("classes.v07.source.category-other-revision", "Source[0] carries Category, which arrived in 2.D.V08.",
		full(V07).set("/Source/0/Category", strs("Undetermined")), bad("schema.unknown-field"), rq("IDMEF2-5.8-3", "IDMEF2T-5-4"), fl("OtherRevisionField"))
	g7.v("classes.v07.target.category-other-revision", "Target[0] carries Category, which arrived in 2.D.V08.",
		full(V07).set("/Target/0/Category", strs("Undetermined")), bad("schema.unknown-field"), rq("IDMEF2-5.8-3", "IDMEF2T-5-4"), fl("OtherRevisionField"))
	g7.v("classes.v07.target.empty-object", "Target[0] is an empty object: 2.D.V07 requires Target.ID.",
		full(V07).set("/Target", arr(obj())), bad("schema.required"), rq("IDMEF2-5.6-1"), fl("RequiredField"))
	g7.v("classes.v07.source.second-missing-id", "Source[1] has no ID in a 2.D.V07 alert.",
		full(V07).set("/Source/-", obj("IP", "203.0.113.5")), bad("schema.required"), rq("IDMEF2-5.5-1"), fl("RequiredField"))
	g7.v("classes.v07.target.second-missing-id", "Target[1] has no ID in a 2.D.V07 alert.",
		full(V07).set("/Target/-", obj("IP", "192.0.2.81")), bad("schema.required"), rq("IDMEF2-5.6-1"), fl("RequiredField"))
	g6 := f.groups[2]
	g6.v("classes.v06.source.no-id", "Source[0] has no ID: the 2.D.V06 schema makes it optional (2.D.V07 on require it), while the draft's text calls Source.ID mandatory.",
		full(V06).del("/Source/0/ID"), either(), rq("R4766-7.5", "IDMEF2-5.5-1"), fl("OptionalHere", "TextRequiresID"))
	g6.v("classes.v06.target.no-id", "Target[0] has no ID: optional in the 2.D.V06 schema, mandatory in the draft's text.",
		full(V06).del("/Target/0/ID"), either(), rq("R4766-7.5", "IDMEF2-5.6-1"), fl("OptionalHere", "TextRequiresID"))
	g6.v("classes.v06.vector.no-category", "Vector[0] has no Category: required up to 2.D.V05, optional in 2.D.V06.",
		full(V06).del("/Vector/0/Category"), ok(), rq("IDMEF2-2.2-1"), fl("OptionalHere"))
	g6.v("classes.v06.analyzer.no-ip", "The Analyzer has no IP: required up to 2.D.V05, optional in 2.D.V06.",
		full(V06).del("/Analyzer/IP"), ok(), rq("IDMEF2-5.3-1", "R4766-7.9"), fl("OptionalHere"))
	g6.v("classes.v06.alert.entity-sector-other-revision", "The alert carries EntitySector, which arrived in 2.D.V07.",
		full(V06).set("/EntitySector", strs("Digital.DataCenters")), bad("schema.unknown-field"), rq("IDMEF2-5.8-3", "IDMEF2T-5-4"), fl("OtherRevisionField"))
	g6.v("classes.v06.alert.type-other-revision", "The alert carries Type, which arrived in 2.D.V07 (2.D.V06 has Analyzer.Type).",
		full(V06).set("/Type", strs("Cyber")), bad("schema.unknown-field"), rq("IDMEF2-5.8-3", "IDMEF2T-5-4"), fl("OtherRevisionField"))
	g6.v("classes.v06.source.empty-object", "Source[0] is an empty object: the 2.D.V06 schema requires no Source field, the draft's text calls Source.ID mandatory.",
		full(V06).set("/Source", arr(obj())), either(), rq("R4766-7.5", "IDMEF2-5.5-1"), fl("OptionalHere", "TextRequiresID"))
	g5 := f.groups[1]
	g5.v("classes.v05.analyzer.id-other-revision", "The Analyzer carries ID, which arrived in 2.D.V06.",
		full(V05).set("/Analyzer/ID", analyzerID), bad("schema.unknown-field"), rq("IDMEF2-5.8-3", "IDMEF2T-5-4"), fl("OtherRevisionField"))
	g5.v("classes.v05.source.id-other-revision", "Source[0] carries ID, which arrived in 2.D.V06.",
		full(V05).set("/Source/0/ID", sourceID), bad("schema.unknown-field"), rq("IDMEF2-5.8-3", "IDMEF2T-5-4"), fl("OtherRevisionField"))
	g5.v("classes.v05.vector.id-other-revision", "Vector[0] carries ID, which 2.D.V06 alone has.",
		full(V05).set("/Vector/0/ID", vectorID), bad("schema.unknown-field"), rq("IDMEF2-5.8-3", "IDMEF2T-5-4"), fl("OtherRevisionField"))
	g4 := f.groups[0]
	g4.v("classes.v04.alert.type-other-revision", "The alert carries Type, which arrived in 2.D.V07.",
		full(V04).set("/Type", strs("Cyber")), bad("schema.unknown-field"), rq("IDMEF2-5.8-3", "IDMEF2T-5-4"), fl("OtherRevisionField"))
	g4.v("classes.v04.source.empty-object", "Source[0] is an empty object, valid in 2.D.V04.",
		full(V04).set("/Source", arr(obj())), ok(), rq("R4766-7.5"), fl("OptionalHere"))
	return f
}

// emptyList returns the full message with an empty list for a class; a Target's reference to
// the attachment goes when the attachments go.
func emptyList(version, cls string) *msg {
	m := full(version).set("/"+cls, arr())
	if cls == "Attachment" {
		m.del("/Target/0/Attachment")
	}
	return m
}

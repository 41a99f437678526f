package corpus

func identifiersFile() *file {
	f := newFile("identifiers",
		"UUID values (IDMEFv2 section 3.3.10): the 8-4-4-4-12 hexadecimal form in either case, every UUID version, the nil and max UUIDs, and the forms UUID libraries accept that the schema does not (braces, urn:uuid:, no hyphens).",
		"The draft asks generators not to use version 4 (IDMEF2-3.3.10-2): a warning under both profiles. The alert's own ID must identify it (R4766-7.12): the nil and max UUIDs are errors under strict there, and fine elsewhere. An alert listing its own ID in CorrelID, PredID or RelID draws a warning; UUIDs compare case-insensitively.")
	f.note("UUIDVersion", bugBasic, "A well-formed UUID of a given version (RFC 9562): 1, 3, 5, 6, 7, 8 and the variants.",
		"An implementation that accepts only some versions refuses valid alerts.")
	f.note("RandomUUID", bugInterop, "A version 4 (random) UUID, which the draft asks generators to avoid; a SHOULD, so a warning only.",
		"Random identifiers raise the risk of collisions across analyzers.")
	f.note("UUIDCase", bugEdge, "A UUID in upper or mixed case; RFC 9562 output is lower case, input is case-insensitive, the pattern accepts both.",
		"A receiver that compares UUIDs as strings sees two alerts where there is one.")
	f.note("SpecialUUID", bugSemantic, "The nil UUID (all zeros) or the max UUID (all ones): well formed, but they identify nothing.",
		"An alert whose ID is nil or max collides with every other such alert.")
	f.note("LibraryForm", bugSyntax, "A form UUID libraries parse that the schema's 8-4-4-4-12 pattern refuses: braces, urn:uuid:, no hyphens, misplaced hyphens.",
		"A receiver that accepts it lets through identifiers other receivers refuse.")
	f.note("SelfReference", bugConsistency, "An alert names its own ID in CorrelID, PredID or RelID.",
		"A manager following the reference loops, or replaces the alert with itself.")
	f.note("WrongType", bugWrongType, "An identifier given as another JSON type, or a list of them as a single value.",
		"Receivers that coerce types accept what the schema refuses.")

	g := f.group(V08, "Identifiers in 2.D.V08 messages.")
	id := rq("IDMEF2-3.3.10-1", "IDMEF2-5.2-2", "R4766-7.12")
	for _, c := range []struct{ id, uuid, what string }{
		{"version-1", "c232ab00-9414-11ec-b3c8-9f68deced846", "a version 1 (time and node) UUID"},
		{"version-3", "5df41881-3aed-3515-88a7-2f4a814cf09e", "a version 3 (MD5 name-based) UUID"},
		{"version-5", "2ed6657d-e927-568b-95e1-2665a8aea6a2", "a version 5 (SHA-1 name-based) UUID"},
		{"version-6", "1ec9414c-232a-6b00-b3c8-9f6bdeced846", "a version 6 (reordered time) UUID"},
		{"version-7", "017f22e2-79b0-7cc3-98c4-dc0c0c07398f", "a version 7 (Unix time) UUID, the draft's recommended alternative to version 4"},
		{"version-8", "2489e9ad-2ee2-8e00-8ec9-32d5f69181c0", "a version 8 (custom) UUID"},
		{"version-2", "000003e8-1c2b-21ef-9a00-325096b39f47", "a version 2 (DCE security) UUID"},
		{"variant-ncs", "0194608e-3c5a-4b21-1f3e-5d2c8a1b4e60", "a UUID whose version digit is 4 but whose variant is the NCS one (0xxx): not a version 4 UUID"},
		{"variant-microsoft", "0194608e-3c5a-4b21-cf3e-5d2c8a1b4e60", "a UUID whose version digit is 4 but whose variant is Microsoft's (110x): not a version 4 UUID"},
	} {
		g.v("identifiers.alert-id."+c.id, "The alert's ID is "+c.what+".", minimal(V08).set("/ID", c.uuid), ok(), rq("IDMEF2-3.3.10-1", "IDMEF2-3.3.10-2", "IDMEF2-5.2-2", "R4766-7.12"), fl("UUIDVersion"))
	}
	for _, c := range []struct{ id, uuid, what string }{
		{"variant-8", "9b2f6c1e-4d3a-4f5b-8c7d-1e2f3a4b5c6d", "variant digit 8"},
		{"variant-9", "9b2f6c1e-4d3a-4f5b-9c7d-1e2f3a4b5c6d", "variant digit 9"},
		{"variant-a", "9b2f6c1e-4d3a-4f5b-ac7d-1e2f3a4b5c6d", "variant digit a"},
		{"variant-b-upper", "9B2F6C1E-4D3A-4F5B-BC7D-1E2F3A4B5C6D", "variant digit B, in upper case"},
	} {
		g.v("identifiers.alert-id.version-4-"+c.id, "The alert's ID is a version 4 (random) UUID with "+c.what+": valid, with a warning (IDMEF2-3.3.10-2 asks generators not to use version 4).",
			minimal(V08).set("/ID", c.uuid), ok("uuid.version4"), rq("IDMEF2-3.3.10-1", "IDMEF2-3.3.10-2", "IDMEF2-5.2-2"), fl("RandomUUID"))
	}
	v4 := "9b2f6c1e-4d3a-4f5b-8c7d-1e2f3a4b5c6d"
	for _, c := range []struct{ id, ptr string }{
		{"analyzer-id", "/Analyzer/ID"},
		{"sensor-id", "/Sensor/0/ID"},
		{"source-id", "/Source/0/ID"},
		{"target-id", "/Target/0/ID"},
		{"correl-id", "/CorrelID"},
		{"pred-id", "/PredID"},
		{"rel-id", "/RelID"},
	} {
		m := full(V08)
		var val any = v4
		if c.ptr == "/CorrelID" || c.ptr == "/PredID" || c.ptr == "/RelID" {
			val = strs(v4)
		}
		m.set(c.ptr, val)
		g.v("identifiers.version-4."+c.id, trimPtr(c.ptr)+" is a version 4 UUID: valid, with a warning.", m, ok("uuid.version4"),
			rq("IDMEF2-3.3.10-1", "IDMEF2-3.3.10-2"), fl("RandomUUID"))
	}
	g.v("identifiers.alert-id.upper-case", "The alert's ID is a version 7 UUID in upper case; the pattern accepts both cases.",
		minimal(V08).set("/ID", "01958F3A-6B2C-7D4E-8F50-61A2B3C4D5E0"), ok(), id, fl("UUIDCase"))
	g.v("identifiers.alert-id.mixed-case", "The alert's ID mixes upper and lower case.",
		minimal(V08).set("/ID", "01958f3A-6B2c-7d4E-8f50-61A2b3C4d5E0"), ok(), id, fl("UUIDCase"))
	g.v("identifiers.alert-id.nil", "The alert's ID is the nil UUID: the pattern accepts it, but it identifies no alert (R4766-7.12).",
		minimal(V08).set("/ID", "00000000-0000-0000-0000-000000000000"), strictBad("uuid.nil"), id, fl("SpecialUUID"))
	g.v("identifiers.alert-id.max", "The alert's ID is the max UUID (RFC 9562), all ones: it identifies no alert.",
		minimal(V08).set("/ID", "ffffffff-ffff-ffff-ffff-ffffffffffff"), strictBad("uuid.nil"), id, fl("SpecialUUID"))
	g.v("identifiers.alert-id.max-upper", "The alert's ID is the max UUID in upper case.",
		minimal(V08).set("/ID", "FFFFFFFF-FFFF-FFFF-FFFF-FFFFFFFFFFFF"), strictBad("uuid.nil"), id, fl("SpecialUUID", "UUIDCase"))
	for _, c := range []struct{ id, ptr string }{
		{"source-id", "/Source/0/ID"},
		{"analyzer-id", "/Analyzer/ID"},
		{"correl-id", "/CorrelID"},
	} {
		m := full(V08)
		var val any = "00000000-0000-0000-0000-000000000000"
		if c.ptr == "/CorrelID" {
			val = strs("00000000-0000-0000-0000-000000000000")
		}
		m.set(c.ptr, val)
		g.v("identifiers.nil."+c.id, trimPtr(c.ptr)+" is the nil UUID: only the alert's own ID must identify it, so this is valid.",
			m, ok(), rq("IDMEF2-3.3.10-1", "R4766-7.12"), fl("SpecialUUID"))
	}
	g.v("identifiers.max.rel-id", "RelID holds the max UUID; only the alert's own ID must identify it.",
		full(V08).set("/RelID", strs("ffffffff-ffff-ffff-ffff-ffffffffffff")), ok(), rq("IDMEF2-3.3.10-1", "R4766-7.12"), fl("SpecialUUID"))
	for _, c := range []struct{ id, uuid, what string }{
		{"braces", "{01958f3a-6b2c-7d4e-8f50-61a2b3c4d5e0}", "in braces, as Microsoft tools write GUIDs"},
		{"urn", "urn:uuid:01958f3a-6b2c-7d4e-8f50-61a2b3c4d5e0", "with the urn:uuid: prefix (RFC 9562 section 4)"},
		{"no-hyphens", "01958f3a6b2c7d4e8f5061a2b3c4d5e0", "without hyphens"},
		{"misplaced-hyphens", "01958f3a6b2c-7d4e-8f50-61a2-b3c4d5e0", "with its hyphens misplaced"},
		{"short", "01958f3a-6b2c-7d4e-8f50-61a2b3c4d5e", "one digit short"},
		{"long", "01958f3a-6b2c-7d4e-8f50-61a2b3c4d5e00", "one digit long"},
		{"non-hex", "01958f3a-6b2c-7d4e-8f50-61a2b3c4d5eg", "with the letter g"},
		{"spaces", " 01958f3a-6b2c-7d4e-8f50-61a2b3c4d5e0 ", "between spaces"},
		{"empty", "", "empty"},
		{"base64", "AZWPOmssfU6PUGGis8TV4A==", "the UUID's 16 bytes in Base64"},
	} {
		g.v("identifiers.alert-id."+c.id, "The alert's ID is written "+c.what+": the UUID pattern refuses it.",
			minimal(V08).set("/ID", c.uuid), bad("schema.pattern"), id, fl("LibraryForm"))
	}
	g.v("identifiers.source-id.braces", "Source[0].ID is in braces.",
		full(V08).set("/Source/0/ID", "{01958f3a-6b2c-7d4e-8f50-61a2b3c4d5e3}"), bad("schema.pattern"), rq("IDMEF2-3.3.10-1", "IDMEF2-5.5-1"), fl("LibraryForm"))
	g.v("identifiers.correl-id.urn", "CorrelID holds a urn:uuid: URN.",
		full(V08).set("/CorrelID", strs("urn:uuid:"+otherID)), bad("schema.pattern"), rq("IDMEF2-3.3.10-1"), fl("LibraryForm"))
	g.v("identifiers.alert-id.number", "The alert's ID is a number.",
		minimal(V08).set("/ID", num("1958")), bad("schema.type"), rq("IDMEF2-3.3.10-1", "IDMEF2-5.8-5", "IDMEF2T-5-6"), fl("WrongType"))
	g.v("identifiers.alert-id.list", "The alert's ID is a list holding a UUID.",
		minimal(V08).set("/ID", strs(alertID)), bad("schema.type"), rq("IDMEF2-3.3.10-1", "IDMEF2-5.8-5"), fl("WrongType"))
	g.v("identifiers.correl-id.single", "CorrelID is a single UUID, not a list.",
		full(V08).set("/CorrelID", otherID), bad("schema.type"), rq("IDMEF2-3.3.10-1", "IDMEF2-5.8-4", "IDMEF2T-5-5"), fl("WrongType"))
	g.v("identifiers.references.others", "CorrelID, PredID and RelID name other alerts.",
		full(V08).set("/CorrelID", strs(otherID)).set("/PredID", strs("01958f3a-6b2c-7d4e-8f50-61a2b3c4d5f0")).set("/RelID", strs("01958f3a-6b2c-7d4e-8f50-61a2b3c4d5f1", "01958f3a-6b2c-7d4e-8f50-61a2b3c4d5f2")),
		ok(), rq("IDMEF2-3.3.10-1", "R4766-7.12"), fl("UUIDVersion"))
	g.v("identifiers.self.correl-id", "CorrelID names the alert itself.",
		full(V08).set("/CorrelID", strs(alertID)), ok("uuid.self-reference"), rq("IDMEF2-3.3.10-3", "R4766-7.12"), fl("SelfReference"))
	g.v("identifiers.self.pred-id-upper", "PredID names the alert itself in upper case: UUIDs compare case-insensitively.",
		full(V08).set("/PredID", strs(otherID, "01958F3A-6B2C-7D4E-8F50-61A2B3C4D5E0")), ok("uuid.self-reference"), rq("IDMEF2-3.3.10-3", "R4766-7.12"), fl("SelfReference", "UUIDCase"))
	g.v("identifiers.self.rel-id", "RelID names the alert itself.",
		full(V08).set("/RelID", strs(alertID)), ok("uuid.self-reference"), rq("IDMEF2-3.3.10-3", "R4766-7.12"), fl("SelfReference"))
	g.v("identifiers.self.all-three", "CorrelID, PredID and RelID each name the alert itself.",
		full(V08).set("/CorrelID", strs(alertID)).set("/PredID", strs(alertID)).set("/RelID", strs(alertID)),
		ok("uuid.self-reference"), rq("IDMEF2-3.3.10-3", "R4766-7.12"), fl("SelfReference"))
	g.v("identifiers.shared.class-ids", "The Source and the Target share one ID; the drafts ask no uniqueness of these IDs.",
		full(V08).set("/Target/0/ID", sourceID), ok(), rq("IDMEF2-3.3.10-1", "IDMEF2-5.5-1", "IDMEF2-5.6-1"), fl("UUIDVersion"))

	g4 := f.group(V04, "Identifiers in 2.D.V04 messages.")
	g4.v("identifiers.v04.alert-id-version-1", "A 2.D.V04 alert's ID is a version 1 UUID.",
		minimal(V04).set("/ID", "7d1e53a0-1d8b-11f1-8e5a-0242ac120002"), ok(), id, fl("UUIDVersion"))
	g4.v("identifiers.v04.alert-id-nil", "A 2.D.V04 alert's ID is the nil UUID.",
		minimal(V04).set("/ID", "00000000-0000-0000-0000-000000000000"), strictBad("uuid.nil"), id, fl("SpecialUUID"))
	g4.v("identifiers.v04.alert-id-version-4", "A 2.D.V04 alert's ID is a version 4 UUID, as the drafts' own examples have.",
		minimal(V04).set("/ID", "ba2e4ef4-8719-42bb-a712-d6e8871c5c5a"), ok("uuid.version4"), rq("IDMEF2-3.3.10-1", "IDMEF2-3.3.10-2"), fl("RandomUUID"))
	return f
}

// trimPtr names the place a JSON Pointer addresses for a person: /Source/0/ID is Source[0].ID.
func trimPtr(ptr string) string {
	out := ""
	for _, t := range tokens(ptr) {
		if t >= "0" && t <= "9" {
			out += "[" + t + "]"
			continue
		}
		if out != "" {
			out += "."
		}
		out += t
	}
	return out
}

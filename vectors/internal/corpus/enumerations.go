package corpus

import (
	"strings"
	"unicode"
)

// slug turns a name into ID words: lower case, every run of other characters a hyphen.
func slug(s string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(s) {
		if r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r)) {
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			b.WriteRune(r)
			dash = false
			continue
		}
		dash = true
	}
	return b.String()
}

// enumField says where a 2.D.V08 enumeration's keywords go in a message, and which
// requirements a keyword there exercises.
type enumField struct {
	slug string
	put  func(m *msg, keyword string) *msg
	reqs []string
}

var v08EnumFields = map[string]enumField{
	"AlertCategory": {"alert-category", func(m *msg, k string) *msg {
		m.set("/Category", strs(k))
		if k == "Other.ext-value" {
			m.set("/ext-Category", strs("Drone.Overflight"))
		}
		return m
	}, []string{"IDMEF2-3.3.1-1", "R4766-7.2-2"}},
	"AlertCause":    {"alert-cause", func(m *msg, k string) *msg { return m.set("/Cause", k) }, []string{"IDMEF2-3.3.1-1"}},
	"AlertStatus":   {"alert-status", func(m *msg, k string) *msg { return m.set("/Status", strs(k)) }, []string{"IDMEF2-3.3.1-1"}},
	"AlertPriority": {"alert-priority", func(m *msg, k string) *msg { return m.set("/Priority", k) }, []string{"IDMEF2-3.3.1-1", "R4766-7.7", "R4766-7.7-2"}},
	"AlertType":     {"alert-type", func(m *msg, k string) *msg { return m.set("/Type", strs(k)) }, []string{"IDMEF2-3.3.1-1"}},
	"EntitySector":  {"entity-sector", func(m *msg, k string) *msg { return m.set("/EntitySector", strs(k)) }, []string{"IDMEF2-3.3.1-1"}},
	"AnalyzerCategory": {"analyzer-category", func(m *msg, k string) *msg {
		m.set("/Analyzer/Category", strs(k))
		if k == "ext-value" {
			m.set("/Analyzer/ext-Category", strs("RADAR"))
		}
		return m
	}, []string{"IDMEF2-3.3.1-1"}},
	"AnalyzerData": {"analyzer-data", func(m *msg, k string) *msg {
		m.set("/Analyzer/Data", strs(k))
		if k == "ext-value" {
			m.set("/Analyzer/ext-Data", strs("Radar returns"))
		}
		return m
	}, []string{"IDMEF2-3.3.1-1"}},
	"AnalyzerMethod": {"analyzer-method", func(m *msg, k string) *msg {
		m.set("/Analyzer/Method", strs(k))
		if k == "ext-value" {
			m.set("/Analyzer/ext-Method", strs("Doppler tracking"))
		}
		return m
	}, []string{"IDMEF2-3.3.1-1"}},
	"SourceCategory": {"source-category", func(m *msg, k string) *msg {
		return m.set("/Source", arr(obj("ID", sourceID, "Category", strs(k))))
	}, []string{"IDMEF2-3.3.1-1", "IDMEF2-5.5-1"}},
	"TargetCategory": {"target-category", func(m *msg, k string) *msg {
		return m.set("/Target", arr(obj("ID", targetID, "Category", strs(k))))
	}, []string{"IDMEF2-3.3.1-1", "IDMEF2-5.6-1"}},
}

// publishedMisspellings are 2.D.V08 keywords spelled as the drafts spell them, which an
// implementation "fixing" them would refuse.
var publishedMisspellings = map[string]string{
	"Abuse.Extermism":         "Abuse.Extremism",
	"Access.Clonned":          "Access.Cloned",
	"Theft.Equiment":          "Theft.Equipment",
	"Fraud.Espionnage":        "Fraud.Espionage",
	"National.Environemental": "National.Environmental",
	"Safety.Agression":        "Safety.Aggression",
}

func enumerationsFile() *file {
	f := newFile("enumerations",
		"Every keyword of every 2.D.V08 enumeration (AlertCategory, AlertCause, AlertStatus, AlertPriority, AlertType, EntitySector, AnalyzerCategory, AnalyzerData, AnalyzerMethod, SourceCategory, TargetCategory), each in a valid message of its own at the field that takes it, then near misses: wrong case, spaces removed or added, the drafts' misspellings corrected, look-alike characters, and keywords of other revisions.",
		"Keywords are matched byte for byte (IDMEF2-3.3.1-1): the drafts' own spellings, misspellings and spaces included. Each vector starts from a minimal clean message, so a keyword's vector fails only if that keyword is mishandled.",
		"The ext-value keywords come with the ext- field that carries the value, which the ext-value rule requires (IDMEF2-4.1.1-1); Source and Target have no ext-Category, so their ext-value keyword stands alone.")
	f.note("Keyword", bugBasic, "A keyword of the revision's enumeration, at the field that takes it.",
		"An implementation whose keyword list lacks it, or spells it otherwise, refuses or loses valid alerts.")
	f.note("PublishedMisspelling", bugEdge, "The drafts and the published schemas spell this keyword with a mistake (Abuse.Extermism, Access.Clonned...); the misspelling is the keyword.",
		"An implementation that corrects the spelling refuses valid alerts from implementations that follow the schema.")
	f.note("KeywordWithSpace", bugEdge, "The keyword contains a space (Operational.Policy Violation, SocialEng.Spear Phishing, Threat Intelligence).",
		"Implementations that generate identifiers from keywords, or split on white space, mangle these keywords.")
	f.note("CorrectedSpelling", bugUnknown, "The drafts' misspelled keyword written with the correct spelling, which is not a keyword of the revision.",
		"A producer that corrects the spelling sends alerts every schema-following receiver refuses.")
	f.note("CaseMismatch", bugUnknown, "A keyword written in other letter case; keywords are matched exactly.",
		"A receiver that matches case-insensitively accepts what the schema refuses, and two receivers disagree on the same alert.")
	f.note("WhiteSpace", bugUnknown, "A keyword with a space removed, added, doubled or replaced by another space character.",
		"Receivers that trim or normalise white space accept what the schema refuses.")
	f.note("LookAlike", bugUnknown, "A keyword with a character replaced by a look-alike (a Cyrillic letter, a full-width stop, a zero-width space).",
		"Display shows the keyword, but it is not one; a receiver that normalises text (NFKC, stripping format characters) accepts it.")
	f.note("OtherRevision", bugVersion, "A keyword that belongs to another revision of the same enumeration, used in a message of this one.",
		"An implementation that merges the keyword lists of several revisions accepts alerts the declared revision's schema refuses.")
	f.note("OtherEnumeration", bugUnknown, "A keyword of another enumeration, or free text, where an enumeration's keyword belongs.",
		"A receiver that checks keywords against one merged list accepts values that mean nothing in this field.")
	f.note("ExtValue", bugEdge, "The enumeration's extension keyword (ext-value, or Other.ext-value for the 2.D.V07 and 2.D.V08 Alert.Category).",
		"A receiver that treats the extension keyword as an ordinary one, or does not know that it selects the ext- field, loses the sender's own value.")
	f.note("WrongShape", bugWrongType, "A keyword given in the wrong JSON shape: a single string where the revision has a list, or a list where it has a single value.",
		"Receivers written for another revision's shape refuse valid alerts or accept invalid ones.")

	g := f.group(V08, "One vector for each keyword of each 2.D.V08 enumeration, then near misses in 2.D.V08 messages.")
	for _, e := range v08Keywords {
		ef := v08EnumFields[e.enum]
		for _, k := range e.keywords {
			flags := []string{"Keyword"}
			comment := "2.D.V08 " + e.enum + " keyword " + quoteWord(k) + " at " + fieldName(e.enum) + "."
			reqs := append([]string{}, ef.reqs...)
			if right, ok := publishedMisspellings[k]; ok {
				flags = append(flags, "PublishedMisspelling")
				comment += " The drafts misspell it (for " + right + "); the misspelling is the keyword."
			}
			if strings.Contains(k, " ") {
				flags = append(flags, "KeywordWithSpace")
				comment += " The space is part of the keyword."
			}
			if strings.HasSuffix(k, "ext-value") {
				flags = append(flags, "ExtValue")
				reqs = append(reqs, "IDMEF2-4.1.1-1", "R4766-7.17")
				switch e.enum {
				case "SourceCategory", "TargetCategory":
					comment += " " + strings.TrimSuffix(fieldName(e.enum), ".Category") + " has no ext-Category field in 2.D.V08, so the extension keyword stands alone."
				default:
					comment += " The ext- field carries the sender's own value, as the ext-value rule requires."
				}
			}
			if e.enum == "AlertPriority" {
				comment += " Priority is the alert's indication of impact (R4766-7.7)."
			}
			g.v("enumerations.v08."+ef.slug+"."+slug(k), comment, ef.put(minimal(V08), k), ok(),
				rq(reqs...), fl(flags...))
		}
	}

	// Near misses in 2.D.V08.
	type miss struct {
		id, enum, value, why, flag string
	}
	misses := []miss{}
	for _, right := range []string{"Abuse.Extermism", "Access.Clonned", "Theft.Equiment", "Fraud.Espionnage", "National.Environemental", "Safety.Agression"} {
		fixed := publishedMisspellings[right]
		misses = append(misses, miss{"corrected." + slug(fixed), "AlertCategory", fixed,
			"the keyword is spelled " + right + " in 2.D.V08, misspelling included; the corrected spelling is not a keyword", "CorrectedSpelling"})
	}
	misses = append(misses,
		miss{"space-removed.operational-policyviolation", "AlertCategory", "Operational.PolicyViolation", "the keyword is Operational.Policy Violation, with a space", "WhiteSpace"},
		miss{"space-removed.operational-processfailure", "AlertCategory", "Operational.ProcessFailure", "the keyword is Operational.Process Failure, with a space", "WhiteSpace"},
		miss{"space-removed.socialeng-spearphishing", "AlertCategory", "SocialEng.SpearPhishing", "the keyword is SocialEng.Spear Phishing, with a space", "WhiteSpace"},
		miss{"space-removed.threatintelligence", "AnalyzerMethod", "ThreatIntelligence", "the keyword is Threat Intelligence, with a space", "WhiteSpace"},
		miss{"hyphen-for-space.threat-intelligence", "AnalyzerMethod", "Threat-Intelligence", "the keyword is Threat Intelligence, with a space, not a hyphen", "WhiteSpace"},
		miss{"underscore-for-space.operational-policy-violation", "AlertCategory", "Operational.Policy_Violation", "the keyword has a space, not an underscore", "WhiteSpace"},
		miss{"double-space.operational-policy-violation", "AlertCategory", "Operational.Policy  Violation", "the keyword has one space, not two", "WhiteSpace"},
		miss{"nbsp.operational-policy-violation", "AlertCategory", "Operational.Policy\u00a0Violation", "the space is U+00A0 NO-BREAK SPACE, not U+0020", "WhiteSpace"},
		miss{"trailing-space.recon-network", "AlertCategory", "Recon.Network ", "a space follows the keyword", "WhiteSpace"},
		miss{"leading-space.recon-network", "AlertCategory", " Recon.Network", "a space precedes the keyword", "WhiteSpace"},
		miss{"space-after-dot.recon-network", "AlertCategory", "Recon. Network", "a space follows the dot", "WhiteSpace"},
		miss{"trailing-newline.priority-medium", "AlertPriority", "Medium\n", "a line feed follows the keyword", "WhiteSpace"},
		miss{"case.recon-network-lower", "AlertCategory", "recon.network", "keywords are matched with their case", "CaseMismatch"},
		miss{"case.recon-network-upper", "AlertCategory", "RECON.NETWORK", "keywords are matched with their case", "CaseMismatch"},
		miss{"case.recon-network-family-only", "AlertCategory", "Recon.network", "keywords are matched with their case", "CaseMismatch"},
		miss{"case.abuse-extermism-lower", "AlertCategory", "abuse.extermism", "keywords are matched with their case", "CaseMismatch"},
		miss{"case.priority-medium", "AlertPriority", "medium", "keywords are matched with their case", "CaseMismatch"},
		miss{"case.priority-high", "AlertPriority", "HIGH", "keywords are matched with their case", "CaseMismatch"},
		miss{"case.cause-malicious", "AlertCause", "malicious", "keywords are matched with their case", "CaseMismatch"},
		miss{"case.status-event", "AlertStatus", "event", "keywords are matched with their case", "CaseMismatch"},
		miss{"case.status-falsepositive", "AlertStatus", "Falsepositive", "the keyword is FalsePositive", "CaseMismatch"},
		miss{"case.type-cyber", "AlertType", "cyber", "keywords are matched with their case", "CaseMismatch"},
		miss{"case.entity-sector-digital-datacenters", "EntitySector", "digital.DataCenters", "keywords are matched with their case", "CaseMismatch"},
		miss{"case.analyzer-category-net-nids", "AnalyzerCategory", "net.nids", "keywords are matched with their case", "CaseMismatch"},
		miss{"case.analyzer-category-phy-1d-lidar", "AnalyzerCategory", "PHY.1D-LIDAR", "the keyword is PHY.1D-LiDAR", "CaseMismatch"},
		miss{"case.analyzer-data-flow", "AnalyzerData", "flow", "keywords are matched with their case", "CaseMismatch"},
		miss{"case.analyzer-method-signature", "AnalyzerMethod", "SIGNATURE", "keywords are matched with their case", "CaseMismatch"},
		miss{"case.analyzer-method-graph-based", "AnalyzerMethod", "Graph-Based", "the keyword is Graph-based", "CaseMismatch"},
		miss{"case.source-category-phlevel", "SourceCategory", "ChemBio.Properties.PHLevel", "the keyword is ChemBio.Properties.pHLevel", "CaseMismatch"},
		miss{"case.target-category-it-endpoints", "TargetCategory", "it.endpoints", "keywords are matched with their case", "CaseMismatch"},
		miss{"case.other-ext-value", "AlertCategory", "Other.Ext-Value", "the extension keyword is Other.ext-value", "CaseMismatch"},
		miss{"lookalike.cyrillic-e", "AlertCategory", "Recon.N\u0435twork", "the first e is U+0435 CYRILLIC SMALL LETTER IE", "LookAlike"},
		miss{"lookalike.fullwidth-stop", "AlertCategory", "Recon\uff0eNetwork", "the dot is U+FF0E FULLWIDTH FULL STOP", "LookAlike"},
		miss{"lookalike.zero-width-space", "AlertCategory", "Recon.Network\u200b", "a U+200B ZERO WIDTH SPACE follows the keyword", "LookAlike"},
		miss{"lookalike.priority-fullwidth", "AlertPriority", "\uff2d\uff45\uff44\uff49\uff55\uff4d", "Medium is written in full-width letters", "LookAlike"},
		miss{"other-revision.recon-netword", "AlertCategory", "Recon.Netword", "Recon.Netword is the 2.D.V07 spelling; 2.D.V08 has Recon.Network", "OtherRevision"},
		miss{"other-revision.recon-scanning", "AlertCategory", "Recon.Scanning", "Recon.Scanning belongs to the category list of 2.D.V04 to 2.D.V06, rebuilt in 2.D.V07", "OtherRevision"},
		miss{"other-revision.test-test", "AlertCategory", "Test.Test", "Test.Test belongs to 2.D.V04 to 2.D.V06; 2.D.V08 has Other.Test", "OtherRevision"},
		miss{"other-revision.ext-value-as-alert-category", "AlertCategory", "ext-value", "the Alert.Category extension keyword is Other.ext-value from 2.D.V07 on; ext-value belongs to 2.D.V04 to 2.D.V06", "OtherRevision"},
		miss{"other-revision.analyzer-category-nids", "AnalyzerCategory", "NIDS", "NIDS is a 2.D.V04 to 2.D.V06 analyzer category; 2.D.V08 has NET.NIDS", "OtherRevision"},
		miss{"other-revision.analyzer-category-siem", "AnalyzerCategory", "SIEM", "SIEM is a 2.D.V04 to 2.D.V06 analyzer category; 2.D.V08 has SIEM.SIEM", "OtherRevision"},
		miss{"other-revision.analyzer-category-1dlis", "AnalyzerCategory", "1DLiS", "1DLiS is a 2.D.V04 to 2.D.V06 analyzer category", "OtherRevision"},
		miss{"other-revision.analyzer-data-noise", "AnalyzerData", "Noise", "Noise is a 2.D.V04 to 2.D.V06 data kind", "OtherRevision"},
		miss{"other-revision.analyzer-data-auth", "AnalyzerData", "Auth", "Auth is the 2.D.V04 to 2.D.V06 data kind; 2.D.V08 has Authentication", "OtherRevision"},
		miss{"other-revision.entity-sector-publiccemeteries", "EntitySector", "Cemeteries.PublicCemeteries", "the 2.D.V07 sector name, shortened to Cemeteries.Public in 2.D.V08", "OtherRevision"},
		miss{"other-revision.entity-sector-publicadministration", "EntitySector", "PublicAdministration.Judiciary", "the 2.D.V07 sector name, renamed Administration.Judiciary in 2.D.V08", "OtherRevision"},
		miss{"other-enumeration.alert-type-as-category", "AlertCategory", "Physical", "Physical is an AlertType keyword, not a category", "OtherEnumeration"},
		miss{"other-enumeration.priority-critical", "AlertPriority", "Critical", "the priorities are Unknown, Info, Low, Medium and High", "OtherEnumeration"},
		miss{"other-enumeration.source-keyword-in-target", "TargetCategory", "Cyber.Network.IPv4", "Cyber.Network.IPv4 is a SourceCategory keyword", "OtherEnumeration"},
		miss{"other-enumeration.target-keyword-in-source", "SourceCategory", "IT.Endpoints", "IT.Endpoints is a TargetCategory keyword", "OtherEnumeration"},
		miss{"other-enumeration.sector-family-only", "EntitySector", "Energy", "a sector keyword names a sub-sector, e.g. Energy.Electricity", "OtherEnumeration"},
		miss{"other-enumeration.empty-string", "AlertCategory", "", "the empty string is no keyword", "OtherEnumeration"},
		miss{"other-enumeration.cause-description", "AlertCause", "Malicious activity", "free text is no keyword", "OtherEnumeration"},
	)
	for _, mi := range misses {
		ef := v08EnumFields[mi.enum]
		reqs := []string{"IDMEF2-3.3.1-1"}
		if mi.enum == "AlertCategory" {
			reqs = append(reqs, "R4766-7.2-2")
		}
		if mi.enum == "AlertPriority" {
			reqs = append(reqs, "R4766-7.7-2")
		}
		g.v("enumerations.v08.near-miss."+mi.id,
			fieldName(mi.enum)+" holds "+quoteWord(mi.value)+": "+mi.why+", so the schema's enum refuses it.",
			ef.put(minimal(V08), mi.value), bad("schema.enum"), rq(reqs...), fl(mi.flag))
	}
	g.v("enumerations.v08.near-miss.null-in-category", "Category holds null among its keywords; the schema's enum (which has no type keyword of its own) refuses null.",
		minimal(V08).set("/Category", arr("Recon.Network", nil)), bad("schema.enum"), rq("IDMEF2-3.3.1-1", "R4766-7.2-2"), fl("OtherEnumeration"))
	g.v("enumerations.v08.near-miss.number-as-priority", "Priority is the number 3; the enum lists strings only.",
		minimal(V08).set("/Priority", num("3")), bad("schema.enum"), rq("IDMEF2-3.3.1-1", "R4766-7.7-2"), fl("OtherEnumeration"))
	g.v("enumerations.v08.several-keywords", "Category holds three keywords of different families, one with a space and one misspelled as the draft spells it; a list may hold several keywords.",
		minimal(V08).set("/Category", strs("Recon.Network", "Operational.Policy Violation", "Theft.Equiment")), ok(),
		rq("IDMEF2-3.3.1-1", "R4766-7.2-2", "IDMEF2-5.8-4"), fl("Keyword", "PublishedMisspelling", "KeywordWithSpace"))
	g.v("enumerations.v08.repeated-keyword", "Category holds Recon.Network twice; the published schema sets no uniqueItems, so repetition is allowed.",
		minimal(V08).set("/Category", strs("Recon.Network", "Recon.Network")), ok(),
		rq("IDMEF2-3.3.1-1", "R4766-7.2-2"), fl("Keyword"))
	g.v("enumerations.v08.empty-category-list", "Category is an empty list; the schema sets no minItems.",
		minimal(V08).set("/Category", strs()), ok(), rq("IDMEF2-3.3.1-1", "IDMEF2-5.8-4"), fl("Keyword"))
	g.v("enumerations.v08.shape.status-single", "Status is a single keyword; in 2.D.V08 it is a list (it was a single keyword up to 2.D.V07).",
		minimal(V08).set("/Status", "Event"), bad("schema.type"), rq("IDMEF2-3.3.1-1", "IDMEF2-5.8-4", "IDMEF2T-5-5"), fl("WrongShape", "OtherRevision"))
	g.v("enumerations.v08.shape.category-single", "Category is a single keyword, not a list.",
		minimal(V08).set("/Category", "Recon.Network"), bad("schema.type"), rq("IDMEF2-3.3.1-1", "IDMEF2-5.8-4", "IDMEF2T-5-5"), fl("WrongShape"))
	g.v("enumerations.v08.shape.priority-list", "Priority is a list holding one keyword; it is a single keyword.",
		minimal(V08).set("/Priority", strs("High")), bad("schema.enum"), rq("IDMEF2-3.3.1-1", "R4766-7.7-2"), fl("WrongShape"))
	g.v("enumerations.v08.shape.cause-list", "Cause is a list holding one keyword; it is a single keyword.",
		minimal(V08).set("/Cause", strs("Malicious")), bad("schema.enum"), rq("IDMEF2-3.3.1-1"), fl("WrongShape"))

	// Other revisions.
	g7 := f.group(V07, "2.D.V07 keywords that 2.D.V08 changed, both ways.")
	g7.v("enumerations.v07.recon-netword", "Category holds Recon.Netword, the 2.D.V07 keyword (misspelled in the draft; 2.D.V08 fixed it).",
		minimal(V07).set("/Category", strs("Recon.Netword")), ok(), rq("IDMEF2-3.3.1-1", "R4766-7.2-2"), fl("PublishedMisspelling"))
	g7.v("enumerations.v07.status-single", "Status is the single keyword Event, as 2.D.V07 has it.",
		minimal(V07).set("/Status", "Event"), ok(), rq("IDMEF2-3.3.1-1"), fl("Keyword"))
	g7.v("enumerations.v07.entity-sector-publiccemeteries", "EntitySector holds Cemeteries.PublicCemeteries, a 2.D.V07 sector name.",
		minimal(V07).set("/EntitySector", strs("Cemeteries.PublicCemeteries")), ok(), rq("IDMEF2-3.3.1-1"), fl("Keyword"))
	g7.v("enumerations.v07.other-ext-value", "Category holds Other.ext-value, the extension keyword of Alert.Category from 2.D.V07 on, with ext-Category a list.",
		minimal(V07).set("/Category", strs("Other.ext-value")).set("/ext-Category", strs("Drone.Overflight")), ok(),
		rq("IDMEF2-3.3.1-1", "IDMEF2-4.1.1-1", "R4766-7.2-2"), fl("ExtValue"))
	for _, c := range []struct{ id, enum, value, why string }{
		{"recon-network", "AlertCategory", "Recon.Network", "2.D.V07 spells it Recon.Netword; Recon.Network arrived in 2.D.V08"},
		{"malware-backdoor", "AlertCategory", "Malware.Backdoor", "Malware.Backdoor arrived in 2.D.V08"},
		{"malware-cryptominer", "AlertCategory", "Malware.Cryptominer", "Malware.Cryptominer arrived in 2.D.V08"},
		{"entity-sector-cemeteries-public", "EntitySector", "Cemeteries.Public", "the shortened sector names arrived in 2.D.V08"},
		{"entity-sector-civil-ngos", "EntitySector", "Civil.NGOs", "2.D.V07 has CivilSociety.NGOs"},
	} {
		m := minimal(V07)
		switch c.enum {
		case "AlertCategory":
			m.set("/Category", strs(c.value))
		case "EntitySector":
			m.set("/EntitySector", strs(c.value))
		}
		reqs := []string{"IDMEF2-3.3.1-1"}
		if c.enum == "AlertCategory" {
			reqs = append(reqs, "R4766-7.2-2")
		}
		g7.v("enumerations.v07.other-revision."+c.id, fieldName(c.enum)+" holds "+quoteWord(c.value)+", a 2.D.V08 keyword: "+c.why+".",
			m, bad("schema.enum"), rq(reqs...), fl("OtherRevision"))
	}
	g7.v("enumerations.v07.other-revision.status-reported", "Status is Reported, a keyword 2.D.V08 added.",
		minimal(V07).set("/Status", "Reported"), bad("schema.enum"), rq("IDMEF2-3.3.1-1"), fl("OtherRevision"))
	g7.v("enumerations.v07.shape.status-list", "Status is a list, as in 2.D.V08; 2.D.V07 has a single keyword.",
		minimal(V07).set("/Status", strs("Event")), bad("schema.enum"), rq("IDMEF2-3.3.1-1"), fl("WrongShape", "OtherRevision"))

	g6 := f.group(V06, "2.D.V06 keywords and keywords of the rebuilt lists of 2.D.V07 on.")
	g6.v("enumerations.v06.analyzer-category-nids", "Analyzer.Category holds NIDS, a flat analyzer category of 2.D.V04 to 2.D.V06.",
		minimal(V06).set("/Analyzer/Category", strs("NIDS")), ok(), rq("IDMEF2-3.3.1-1"), fl("Keyword"))
	g6.v("enumerations.v06.analyzer-data-thermic", "Analyzer.Data holds Thermic, a data kind of 2.D.V04 to 2.D.V06 (Thermal from 2.D.V07 on).",
		minimal(V06).set("/Analyzer/Data", strs("Thermic")), ok(), rq("IDMEF2-3.3.1-1"), fl("Keyword"))
	g6.v("enumerations.v06.test-test", "Category holds Test.Test, the test category of 2.D.V04 to 2.D.V06.",
		minimal(V06).set("/Category", strs("Test.Test")), ok(), rq("IDMEF2-3.3.1-1", "R4766-7.2-2"), fl("Keyword"))
	for _, c := range []struct{ id, ptr, value, why string }{
		{"other-ext-value", "/Category", "Other.ext-value", "the Alert.Category extension keyword of 2.D.V06 is ext-value"},
		{"recon-netword", "/Category", "Recon.Netword", "a 2.D.V07 keyword"},
		{"analyzer-category-net-nids", "/Analyzer/Category", "NET.NIDS", "the Family.KIND analyzer categories arrived in 2.D.V07"},
		{"analyzer-data-undetermined", "/Analyzer/Data", "Undetermined", "Undetermined arrived in 2.D.V07"},
		{"analyzer-method-anomaly", "/Analyzer/Method", "Anomaly", "Anomaly arrived in 2.D.V07"},
	} {
		reqs := []string{"IDMEF2-3.3.1-1"}
		if c.ptr == "/Category" {
			reqs = append(reqs, "R4766-7.2-2")
		}
		g6.v("enumerations.v06.other-revision."+c.id, strings.TrimPrefix(strings.ReplaceAll(c.ptr, "/", "."), ".")+" holds "+quoteWord(c.value)+": "+c.why+".",
			minimal(V06).set(c.ptr, strs(c.value)), bad("schema.enum"), rq(reqs...), fl("OtherRevision"))
	}
	g6.v("enumerations.v06.other-revision.status-open", "Status is Open, a keyword 2.D.V07 added.",
		minimal(V06).set("/Status", "Open"), bad("schema.enum"), rq("IDMEF2-3.3.1-1"), fl("OtherRevision"))

	g4 := f.group(V04, "2.D.V04 keywords.")
	g4.v("enumerations.v04.recon-scanning", "Category holds Recon.Scanning, a 2.D.V04 category.",
		minimal(V04).set("/Category", strs("Recon.Scanning")), ok(), rq("IDMEF2-3.3.1-1", "R4766-7.2-2"), fl("Keyword"))
	g4.v("enumerations.v04.vector-category-autonomous-system", "Vector.Category holds Autonomous System, a keyword with a space.",
		minimal(V04).set("/Vector", arr(obj("Category", strs("Autonomous System")))), ok(), rq("IDMEF2-3.3.1-1"), fl("KeywordWithSpace"))
	g4.v("enumerations.v04.other-revision.recon-network", "Category holds Recon.Network, a 2.D.V08 keyword.",
		minimal(V04).set("/Category", strs("Recon.Network")), bad("schema.enum"), rq("IDMEF2-3.3.1-1", "R4766-7.2-2"), fl("OtherRevision"))
	g4.v("enumerations.v04.analyzer-type-hybrid", "Analyzer.Type holds Hybrid; the 2.D.V04 analyzer types are Cyber, Physical, Availability and Combined.",
		minimal(V04).set("/Analyzer/Type", strs("Hybrid")), bad("schema.enum"), rq("IDMEF2-3.3.1-1"), fl("OtherEnumeration"))
	g4.v("enumerations.v04.vector-category-space-removed", "Vector.Category holds AutonomousSystem; the keyword is Autonomous System.",
		minimal(V04).set("/Vector", arr(obj("Category", strs("AutonomousSystem")))), bad("schema.enum"), rq("IDMEF2-3.3.1-1"), fl("WhiteSpace"))
	return f
}

func fieldName(enum string) string {
	switch enum {
	case "AlertCategory":
		return "Category"
	case "AlertCause":
		return "Cause"
	case "AlertStatus":
		return "Status"
	case "AlertPriority":
		return "Priority"
	case "AlertType":
		return "Type"
	case "EntitySector":
		return "EntitySector"
	case "AnalyzerCategory":
		return "Analyzer.Category"
	case "AnalyzerData":
		return "Analyzer.Data"
	case "AnalyzerMethod":
		return "Analyzer.Method"
	case "SourceCategory":
		return "Source.Category"
	case "TargetCategory":
		return "Target.Category"
	}
	return enum
}

// quoteWord shows a keyword in a comment, visible spaces and all.
func quoteWord(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '\n':
			b.WriteString(`\n`)
		case r > 0x7e || r < 0x20:
			b.WriteString(uplus(r))
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

func uplus(r rune) string {
	const hex = "0123456789ABCDEF"
	s := ""
	for i := 0; i < 4 || r > 0; i++ {
		s = string(hex[r&15]) + s
		r >>= 4
	}
	return "<U+" + s + ">"
}

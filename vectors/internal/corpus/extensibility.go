package corpus

func extensibilityFile() *file {
	f := newFile("extensibility",
		"The extension mechanisms of IDMEFv2 (section 4): the ext-value rule for private enumerated values (4.1.1) and new attributes carried in a JSON Attachment (4.2), in every revision.",
		"An ext-X field carries a value of the sender's own exactly when X holds the revision's extension keyword: ext-value, or Other.ext-value for Alert.Category from 2.D.V07 on. ext-X is a string up to 2.D.V06 and a list of strings from 2.D.V07 on. The schemas cannot tie the two fields together: a broken pairing is valid under official and invalid under strict.",
		"Members the model does not define are refused by every schema (additionalProperties false); data of one's own travels in an Attachment.")
	f.note("ExtValue", bugBasic, "The extension keyword with its ext- field holding the sender's value, as the revision writes them.",
		"An implementation that does not know the pairing loses the private value or refuses the alert.")
	f.note("ExtMissing", bugSchemaGap, "The extension keyword without its ext- field, or with an empty one: the schemas cannot see it.",
		"The receiver learns that a private value was meant but not which.")
	f.note("ExtUnused", bugSchemaGap, "An ext- field while its field does not hold the extension keyword.",
		"Receivers disagree on whether the ext- value counts: one shows it, another drops it.")
	f.note("ExtShape", bugVersion, "An ext- field in the shape of another revision: a string from 2.D.V07 on, a list up to 2.D.V06.",
		"Producers written for one revision send what receivers of the other refuse.")
	f.note("ExtKeyword", bugVersion, "The extension keyword of another revision or another field: ext-value in a 2.D.V07 or later Alert.Category, Other.ext-value elsewhere.",
		"A receiver that accepts either keyword anywhere accepts what the schema refuses.")
	f.note("NoExtension", bugBasic, "A message that uses no extension at all: extensions are optional (R4766-7.17-2).",
		"An implementation that expects extension data refuses plain alerts.")
	f.note("StandAloneKeyword", bugEdge, "Source.Category and Target.Category (2.D.V08) have the ext-value keyword but no ext-Category field: the keyword stands alone.",
		"An implementation that demands an ext- field there, or invents one, disagrees with the schema.")
	f.note("UnknownMember", bugUnknown, "Data of the sender's own added as a new member of a class: every schema refuses members the model does not define.",
		"Receivers that ignore unknown members accept alerts others refuse; the draft says such data goes in an Attachment (IDMEF2-4.2-1).")
	f.note("AttachmentExtension", bugBasic, "New attributes carried as a JSON Attachment, as section 4.2 describes.",
		"An implementation that cannot carry them loses the sender's data.")

	extReqs := rq("IDMEF2-4.1.1-1", "IDMEF2-4.1.1-2", "R4766-7.17")
	missReqs := rq("IDMEF2-4.1.1-1", "R4766-7.17", "R4766-7.2-2")
	unusedReqs := rq("IDMEF2-4.1.1-2", "R4766-7.17")

	// 2.D.V04 to 2.D.V06: ext- fields are strings, the keyword is ext-value everywhere.
	for _, version := range []string{V04, V05, V06} {
		sv := short(version)
		g := f.group(version, "ext- fields as single strings, the keyword ext-value.")
		p := "extensibility." + sv + "."
		g.v(p+"category-ext-value", "Category holds ext-value and ext-Category the category of the sender's own, a string in "+version+".",
			full(version).set("/Category", strs("ext-value")).set("/ext-Category", "Drone overflight"), ok(), extReqs, fl("ExtValue"))
		g.v(p+"category-ext-value-among-others", "Category holds a standard keyword and ext-value; ext-Category holds the private one.",
			full(version).set("/Category", strs("Recon.Scanning", "ext-value")).set("/ext-Category", "Slow scan over Tor"), ok(), extReqs, fl("ExtValue"))
		g.v(p+"category-ext-missing", "Category holds ext-value and there is no ext-Category.",
			full(version).set("/Category", strs("ext-value")), strictBad("ext.missing"), missReqs, fl("ExtMissing"))
		g.v(p+"category-ext-empty", "Category holds ext-value and ext-Category is the empty string.",
			full(version).set("/Category", strs("ext-value")).set("/ext-Category", ""), strictBad("ext.missing"), missReqs, fl("ExtMissing"))
		g.v(p+"category-ext-unused", "ext-Category is set while Category holds only a standard keyword.",
			full(version).set("/ext-Category", "Drone overflight"), strictBad("ext.unused"), unusedReqs, fl("ExtUnused"))
		g.v(p+"category-ext-list", "Category holds ext-value and ext-Category is a list, the shape of 2.D.V07 on; in "+version+" it is a string.",
			full(version).set("/Category", strs("ext-value")).set("/ext-Category", strs("Drone overflight")), bad("schema.type"),
			rq("IDMEF2-4.1.1-1", "IDMEF2-5.8-5"), fl("ExtShape"))
		g.v(p+"category-other-ext-value", "Category holds Other.ext-value, the keyword of 2.D.V07 on; "+version+" has ext-value.",
			full(version).set("/Category", strs("Other.ext-value")), bad("schema.enum"), rq("IDMEF2-4.1.1-1", "IDMEF2-3.3.1-1", "R4766-7.2-2"), fl("ExtKeyword"))
		g.v(p+"analyzer-category-ext-value", "Analyzer.Category holds ext-value and Analyzer.ext-Category a string.",
			full(version).set("/Analyzer/Category", strs("ext-value")).set("/Analyzer/ext-Category", "RADAR"), ok(), extReqs, fl("ExtValue"))
		g.v(p+"analyzer-category-ext-missing", "Analyzer.Category holds ext-value without Analyzer.ext-Category.",
			full(version).set("/Analyzer/Category", strs("ext-value")), strictBad("ext.missing"), missReqs, fl("ExtMissing"))
		g.v(p+"analyzer-data-ext-value", "Analyzer.Data holds Flow and ext-value; Analyzer.ext-Data holds the private kind as a string.",
			full(version).set("/Analyzer/Data", strs("Flow", "ext-value")).set("/Analyzer/ext-Data", "Radar returns"), ok(), extReqs, fl("ExtValue"))
		g.v(p+"analyzer-data-ext-missing", "Analyzer.Data holds ext-value without Analyzer.ext-Data.",
			full(version).set("/Analyzer/Data", strs("Flow", "ext-value")), strictBad("ext.missing"), missReqs, fl("ExtMissing"))
		g.v(p+"analyzer-method-ext-value", "Analyzer.Method holds ext-value and Analyzer.ext-Method a string.",
			full(version).set("/Analyzer/Method", strs("ext-value")).set("/Analyzer/ext-Method", "Doppler tracking"), ok(), extReqs, fl("ExtValue"))
		g.v(p+"analyzer-method-ext-unused", "Analyzer.ext-Method is set while Analyzer.Method holds only Signature.",
			full(version).set("/Analyzer/ext-Method", "Doppler tracking"), strictBad("ext.unused"), unusedReqs, fl("ExtUnused"))
		g.v(p+"vector-category-ext-value", "Vector[0].Category holds ext-value and Vector[0].ext-Category a string.",
			full(version).set("/Vector/0/Category", strs("ext-value")).set("/Vector/0/ext-Category", "Weather balloon"), ok(), extReqs, fl("ExtValue"))
		g.v(p+"vector-category-ext-missing", "Vector[0].Category holds ext-value without Vector[0].ext-Category.",
			full(version).set("/Vector/0/Category", strs("ext-value")), strictBad("ext.missing"), missReqs, fl("ExtMissing"))
		g.v(p+"vector-category-ext-unused", "Vector[0].ext-Category is set while Vector[0].Category holds Device.",
			full(version).set("/Vector/0/ext-Category", "Weather balloon"), strictBad("ext.unused"), unusedReqs, fl("ExtUnused"))
		g.v(p+"no-extension", "A "+version+" alert with no extension at all.",
			full(version), ok(), rq("R4766-7.17-2", "IDMEF2-4.1.1-2"), fl("NoExtension"))
	}
	g4 := f.groups[0]
	g4.v("extensibility.v04.category-ext-unused-no-category", "ext-Category is set and there is no Category at all.",
		full(V04).del("/Category").set("/ext-Category", "Drone overflight"), strictBad("ext.unused"), unusedReqs, fl("ExtUnused"))
	g4.v("extensibility.v04.vendor-member", "The alert carries a member of the vendor's own, x-vendor-score.",
		full(V04).set("/x-vendor-score", num("7")), bad("schema.unknown-field"), rq("IDMEF2-4.2-1", "IDMEF2-5.8-3", "IDMEF2T-5-4"), fl("UnknownMember"))
	g4.v("extensibility.v04.attachment-extension-not-json", "Vendor attributes in an Attachment whose string Content, with the default json encoding, is not JSON.",
		full(V04).set("/Attachment/-", obj("Name", "vendor", "Content", "score=7; ruleset=2021-05")), strictBad("attachment.content-json"), rq("IDMEF2-4.2-1", "IDMEF2-5.7-6"), fl("AttachmentExtension"))
	g4.v("extensibility.v04.attachment-extension", "Vendor attributes travel in an Attachment whose Content is a JSON object (section 4.2).",
		full(V04).set("/Attachment/-", objAttachment("vendor", obj("score", 7, "ruleset", "2021-05"))), ok(), rq("IDMEF2-4.2-1", "R4766-7.17"), fl("AttachmentExtension"))

	// 2.D.V07 and 2.D.V08: ext- fields are lists; Alert.Category's keyword is Other.ext-value.
	for _, version := range []string{V07, V08} {
		sv := short(version)
		g := f.group(version, "ext- fields as lists; Other.ext-value for Alert.Category, ext-value elsewhere.")
		p := "extensibility." + sv + "."
		g.v(p+"category-other-ext-value", "Category holds Other.ext-value and ext-Category a list holding the private category.",
			full(version).set("/Category", strs("Other.ext-value")).set("/ext-Category", strs("Drone.Overflight")), ok(), extReqs, fl("ExtValue"))
		g.v(p+"category-other-ext-value-two", "Category holds a standard keyword and Other.ext-value; ext-Category holds two private categories.",
			full(version).set("/Category", strs(reconKeyword[version], "Other.ext-value")).set("/ext-Category", strs("Drone.Overflight", "Drone.Jamming")), ok(), extReqs, fl("ExtValue"))
		g.v(p+"category-ext-missing", "Category holds Other.ext-value and there is no ext-Category.",
			full(version).set("/Category", strs("Other.ext-value")), strictBad("ext.missing"), missReqs, fl("ExtMissing"))
		g.v(p+"category-ext-empty-list", "Category holds Other.ext-value and ext-Category is an empty list.",
			full(version).set("/Category", strs("Other.ext-value")).set("/ext-Category", strs()), strictBad("ext.missing"), missReqs, fl("ExtMissing"))
		g.v(p+"category-ext-unused", "ext-Category is set while Category holds only a standard keyword.",
			full(version).set("/ext-Category", strs("Drone.Overflight")), strictBad("ext.unused"), unusedReqs, fl("ExtUnused"))
		g.v(p+"category-ext-string", "Category holds Other.ext-value and ext-Category is a string, the shape of 2.D.V04 to 2.D.V06 (and of the draft's own example).",
			full(version).set("/Category", strs("Other.ext-value")).set("/ext-Category", "Drone.Overflight"), bad("schema.type"),
			rq("IDMEF2-4.1.1-1", "IDMEF2-5.8-4", "IDMEF2T-5-5"), fl("ExtShape"))
		g.v(p+"category-old-keyword", "Category holds ext-value, the keyword of 2.D.V04 to 2.D.V06, beside ext-Category: the keyword is refused, and since Category does not hold Other.ext-value the ext-Category is unused.",
			full(version).set("/Category", strs("ext-value")).set("/ext-Category", strs("Drone.Overflight")), bad("ext.unused", "schema.enum"),
			rq("IDMEF2-4.1.1-1", "IDMEF2-4.1.1-2", "IDMEF2-3.3.1-1", "R4766-7.2-2"), fl("ExtKeyword"))
		g.v(p+"analyzer-category-ext-value", "Analyzer.Category holds ext-value and Analyzer.ext-Category a list.",
			full(version).set("/Analyzer/Category", strs("ext-value")).set("/Analyzer/ext-Category", strs("RADAR")), ok(), extReqs, fl("ExtValue"))
		g.v(p+"analyzer-category-other-ext-value", "Analyzer.Category holds Other.ext-value, the keyword of Alert.Category only.",
			full(version).set("/Analyzer/Category", strs("Other.ext-value")), bad("schema.enum"), rq("IDMEF2-4.1.1-1", "IDMEF2-3.3.1-1"), fl("ExtKeyword"))
		g.v(p+"analyzer-data-ext-value", "Analyzer.Data holds Flow and ext-value; Analyzer.ext-Data holds the private kind.",
			full(version).set("/Analyzer/Data", strs("Flow", "ext-value")).set("/Analyzer/ext-Data", strs("Radar returns")), ok(), extReqs, fl("ExtValue"))
		g.v(p+"analyzer-data-ext-unused", "Analyzer.ext-Data is set while Analyzer.Data holds only Flow.",
			full(version).set("/Analyzer/ext-Data", strs("Radar returns")), strictBad("ext.unused"), unusedReqs, fl("ExtUnused"))
		g.v(p+"analyzer-method-ext-missing", "Analyzer.Method holds ext-value without Analyzer.ext-Method.",
			full(version).set("/Analyzer/Method", strs("ext-value")), strictBad("ext.missing"), missReqs, fl("ExtMissing"))
		g.v(p+"analyzer-method-ext-string", "Analyzer.Method holds ext-value and Analyzer.ext-Method is a string.",
			full(version).set("/Analyzer/Method", strs("ext-value")).set("/Analyzer/ext-Method", "Doppler tracking"), bad("schema.type"),
			rq("IDMEF2-4.1.1-1", "IDMEF2-5.8-4"), fl("ExtShape"))
		g.v(p+"no-extension", "A "+version+" alert with no extension at all.",
			full(version), ok(), rq("R4766-7.17-2", "IDMEF2-4.1.1-2"), fl("NoExtension"))
		g.v(p+"vendor-member-analyzer", "Analyzer carries a member of the vendor's own, VendorScore.",
			full(version).set("/Analyzer/VendorScore", num("7")), bad("schema.unknown-field"), rq("IDMEF2-4.2-1", "IDMEF2-5.8-3", "IDMEF2T-5-4"), fl("UnknownMember"))
		g.v(p+"attachment-extension-object", "Vendor attributes travel in an Attachment whose Content is a JSON object (section 4.2).",
			full(version).set("/Attachment/-", objAttachment("vendor", obj("score", 7, "ruleset", "2025-03"))), ok(), rq("IDMEF2-4.2-1", "R4766-7.17"), fl("AttachmentExtension"))
	}
	g8 := f.groups[len(f.groups)-1]
	g8.v("extensibility.v08.category-ext-unused-empty", "ext-Category is an empty list while Category holds only a standard keyword: present, so unused.",
		full(V08).set("/ext-Category", strs()), strictBad("ext.unused"), unusedReqs, fl("ExtUnused"))
	g8.v("extensibility.v08.all-ext-fields", "Category, Analyzer.Category, Analyzer.Data and Analyzer.Method all use their extension keyword, each with its ext- field.",
		full(V08).set("/Category", strs("Other.ext-value")).set("/ext-Category", strs("Drone.Overflight")).
			set("/Analyzer/Category", strs("ext-value")).set("/Analyzer/ext-Category", strs("RADAR")).
			set("/Analyzer/Data", strs("ext-value")).set("/Analyzer/ext-Data", strs("Radar returns")).
			set("/Analyzer/Method", strs("ext-value")).set("/Analyzer/ext-Method", strs("Doppler tracking")),
		ok(), extReqs, fl("ExtValue"))
	g8.v("extensibility.v08.source-category-ext-value", "Source[0].Category holds ext-value; Source has no ext-Category field, so the keyword stands alone.",
		full(V08).set("/Source/0/Category", strs("ext-value")), ok(), rq("IDMEF2-4.1.1-1", "IDMEF2-3.3.1-1"), fl("StandAloneKeyword"))
	g8.v("extensibility.v08.target-category-ext-value", "Target[0].Category holds ext-value; Target has no ext-Category field.",
		full(V08).set("/Target/0/Category", strs("IT.Endpoints", "ext-value")), ok(), rq("IDMEF2-4.1.1-1", "IDMEF2-3.3.1-1"), fl("StandAloneKeyword"))
	g8.v("extensibility.v08.source-ext-category", "Source[0] carries ext-Category beside Category ext-value: the model has no Source.ext-Category, so the schema refuses the member.",
		full(V08).set("/Source/0/Category", strs("ext-value")).set("/Source/0/ext-Category", strs("Drone")), bad("schema.unknown-field"),
		rq("IDMEF2-4.1.1-1", "IDMEF2-5.8-3", "IDMEF2T-5-4"), fl("StandAloneKeyword", "UnknownMember"))
	g8.v("extensibility.v08.target-ext-category", "Target[0] carries ext-Category: the model has no Target.ext-Category.",
		full(V08).set("/Target/0/Category", strs("ext-value")).set("/Target/0/ext-Category", strs("Drone")), bad("schema.unknown-field"),
		rq("IDMEF2-4.1.1-1", "IDMEF2-5.8-3", "IDMEF2T-5-4"), fl("StandAloneKeyword", "UnknownMember"))
	g8.v("extensibility.v08.vendor-member-top", "The alert carries a member of the vendor's own, x-vendor.",
		full(V08).set("/x-vendor", obj("score", 7)), bad("schema.unknown-field"), rq("IDMEF2-4.2-1", "IDMEF2-5.8-3", "IDMEF2T-5-4"), fl("UnknownMember"))
	g8.v("extensibility.v08.vendor-member-source", "Source[0] carries a member of the vendor's own, Country.",
		full(V08).set("/Source/0/Country", "FR"), bad("schema.unknown-field"), rq("IDMEF2-4.2-1", "IDMEF2-5.8-3", "IDMEF2T-5-4"), fl("UnknownMember"))
	g8.v("extensibility.v08.attachment-extension-text", "Vendor attributes travel in an Attachment whose Content is a JSON text, ContentEncoding json.",
		full(V08).set("/Attachment/-", obj("Name", "vendor", "ContentType", "application/json", "ContentEncoding", "json", "Content", `{"score":7,"ruleset":"2025-03"}`)),
		ok(), rq("IDMEF2-4.2-1", "IDMEF2-5.7-6", "R4766-7.17"), fl("AttachmentExtension"))
	g8.v("extensibility.v08.attachment-extension-json-capitals", "Vendor attributes in an Attachment with ContentEncoding JSON, as the draft's section 4.2 example writes it; section 5.7 defines json, so a warning.",
		full(V08).set("/Attachment/-", obj("Name", "vendor", "ContentType", "application/json", "ContentEncoding", "JSON", "Content", obj("score", 7))),
		ok("attachment.encoding-case"), rq("IDMEF2-4.2-1", "IDMEF2-5.7-6"), fl("AttachmentExtension"))
	return f
}

package corpus

import "encoding/base64"

// operationsFile holds the messages a security operations centre works from (seed 000,
// the SECOPS entries of the catalogue): assets an inventory can match, indicators of
// compromise (hashes, addresses and domains, URLs, file names), links to threat
// intelligence, the times and identities of an investigation, references between alerts
// and to outside records, and the Version that tells revisions apart.
//
// Every vector here conforms: the SECOPS entries are SHOULDs and MAYs about what a message
// can carry, and no validator rule finds one violated (a message that leaves out an
// indicator is not wrong). The vectors show each field in use, so that an implementation
// that drops or refuses one fails them.
func operationsFile() *file {
	f := newFile("operations",
		"What security operations need from an alert (SECOPS, the security-operations draft): assets an inventory can match, indicators of compromise, links to threat intelligence, the times and identities of an investigation, references between alerts and to outside records, and a Version that tells revisions apart.",
		"Every vector is valid under both profiles with no finding: they show each field an analyst works from in use. A receiver that drops one of them, or refuses a message for carrying it, loses what the operations centre needs.")
	f.note("Asset", bugBasic, "The alert names the assets involved precisely enough to look them up in an inventory: host names, addresses, products, services.",
		"An operator cannot match the alert to an asset, nor find an asset missing from the inventory.")
	f.note("Indicator", bugBasic, "The alert carries an indicator of compromise in a standard field: a file hash, an address, a domain name, a URL, a file name or path.",
		"A SIEM cannot search for the indicator across producers.")
	f.note("ThreatIntel", bugBasic, "The alert links an indicator to the threat intelligence it matched: Source.TI, Ref or an attachment's reference.",
		"An analyst cannot see why the alert was raised.")
	f.note("Investigation", bugBasic, "The alert carries what an investigation reconstructs a timeline and the people involved from: the event's start, end and report times, accounts and e-mail addresses.",
		"An analyst cannot order events or tie them to an identity.")
	f.note("Linked", bugBasic, "The alert references other alerts (CorrelID, RelID, PredID) or outside records (AltNames, Ref).",
		"A receiver cannot follow an incident across alerts and tickets.")
	f.note("Versioned", bugBasic, "The message's Version, in its fixed place, names its revision.",
		"A parser cannot route messages of different revisions.")

	g := f.group(V08, "What an operations centre reads from 2.D.V08 messages.")
	asset := rq("SECOPS-3.1-1")
	g.v("operations.asset.target-service", "The Target names the host by address and fully qualified name and the service affected.",
		full(V08).set("/Target/0/Service", "nginx 1.26.2"), ok(), asset, fl("Asset"))
	g.v("operations.asset.analyzer-model", "The Analyzer names its product and version (Model) and its host: an inventory of sensors can match it.",
		full(V08).set("/Analyzer/Model", "Suricata 7.0.8 on Debian 13"), ok(), asset, fl("Asset"))
	g.v("operations.asset.unknown-host", "The Target gives an address whose name lookup found nothing (an empty Hostname): an asset the inventory may not hold.",
		full(V08).set("/Target/0/Hostname", "").set("/Target/0/IP", "2001:db8::99"), ok(), asset, fl("Asset"))

	hash := rq("SECOPS-3.2-1")
	dropper := []byte("MZ dropper sample bytes")
	fileAttachment := func() *msg {
		return full(V08).set("/Attachment/0/FileName", "invoice.pdf.exe").
			set("/Attachment/0/Content", base64.StdEncoding.EncodeToString(dropper)).
			set("/Attachment/0/Size", len(dropper)).
			set("/Attachment/0/ContentType", "application/vnd.microsoft.portable-executable")
	}
	g.v("operations.indicator.hash-sha256", "The attachment carries a sample and its SHA-256, the hash a SIEM searches for.",
		fileAttachment().set("/Attachment/0/Hash", strs("sha256:"+sha256Hex(dropper))), ok(), hash, fl("Indicator"))
	g.v("operations.indicator.hash-several", "The attachment gives the sample's SHA-256 and SHA-512, as feeds list both.",
		fileAttachment().set("/Attachment/0/Hash", strs("sha256:"+sha256Hex(dropper), "sha512:"+sha512Hex(dropper))), ok(), hash, fl("Indicator"))
	g.v("operations.indicator.hash-external", "The attachment gives the hash and size of a file kept elsewhere (ExternalURI), without its content.",
		full(V08).del("/Attachment/0/Content").del("/Attachment/0/ContentEncoding").
			set("/Attachment/0/FileName", "invoice.pdf.exe").
			set("/Attachment/0/ExternalURI", strs("https://quarantine.example.com/samples/1")).
			set("/Attachment/0/Size", len(dropper)).
			set("/Attachment/0/Hash", strs("sha3-256:"+sha3Hex(dropper))), ok(), hash, fl("Indicator"))

	netIOC := rq("SECOPS-3.2-2")
	g.v("operations.indicator.source-ipv4-domain", "The Source gives the attacking address and the domain it resolved from.",
		full(V08).set("/Source/0/IP", "203.0.113.45").set("/Source/0/Hostname", "c2.badactor.example"), ok(), netIOC, fl("Indicator"))
	g.v("operations.indicator.source-ipv6", "The Source gives an IPv6 address and no name.",
		full(V08).set("/Source/0/IP", "2001:db8:bad::1").del("/Source/0/Hostname"), ok(), netIOC, fl("Indicator"))
	g.v("operations.indicator.two-sources", "Two sources, each an address and a domain: a distributed attack.",
		full(V08).set("/Source/-", obj("ID", source2ID, "IP", "198.51.100.200", "Hostname", "bot2.badactor.example", "TI", strs("IP:Dshield"))),
		ok(), netIOC, fl("Indicator"))

	urlIOC := rq("SECOPS-3.2-3")
	g.v("operations.indicator.url-attachment", "The phishing URL the victim opened, as an attachment's ExternalURI.",
		full(V08).del("/Attachment/0/Content").del("/Attachment/0/ContentEncoding").del("/Attachment/0/Hash").del("/Attachment/0/Size").
			set("/Attachment/0/ExternalURI", strs("https://login.badactor.example/owa/?session=1")).
			set("/Attachment/0/ContentType", "text/html"), ok(), urlIOC, fl("Indicator"))
	g.v("operations.indicator.url-ref", "The alert's Ref points at the malicious URL's entry in a public database.",
		full(V08).set("/Ref", strs("https://urlhaus.example.org/url/2871234/", "https://www.example.com/advisories/2025-001")), ok(), urlIOC, fl("Indicator"))
	g.v("operations.indicator.url-two", "Two URLs, a landing page and the payload it fetched.",
		full(V08).del("/Attachment/0/Content").del("/Attachment/0/ContentEncoding").del("/Attachment/0/Hash").del("/Attachment/0/Size").
			set("/Attachment/0/ExternalURI", strs("https://landing.badactor.example/", "https://cdn.badactor.example/p.js")), ok(), urlIOC, fl("Indicator"))

	fileIOC := rq("SECOPS-3.2-4")
	g.v("operations.indicator.file-name", "The attachment's FileName is the name the dropped file had on disk.",
		fileAttachment().set("/Attachment/0/Hash", strs("sha256:"+sha256Hex(dropper))), ok(), fileIOC, fl("Indicator"))
	g.v("operations.indicator.file-path-windows", "The FileName is a full Windows path.",
		full(V08).set("/Attachment/0/FileName", `C:\Users\alice\AppData\Local\Temp\invoice.pdf.exe`), ok(), fileIOC, fl("Indicator"))
	g.v("operations.indicator.file-path-posix", "The FileName is a POSIX path holding a space.",
		full(V08).set("/Attachment/0/FileName", "/var/www/uploads/shell copy.php"), ok(), fileIOC, fl("Indicator"))

	ti := rq("SECOPS-3.2-5")
	g.v("operations.ti.source", "The Source's address matched a blocklist, named in TI.",
		full(V08).set("/Source/0/TI", strs("IP:Dshield", "Hostname:Spamhaus")), ok(), ti, fl("ThreatIntel"))
	g.v("operations.ti.ref-cve", "The alert links the exploited vulnerability by a CVE URN and an advisory.",
		full(V08).set("/Ref", strs("urn:cve:CVE-2024-3400", "https://www.example.com/advisories/2025-001")), ok(), ti, fl("ThreatIntel"))
	g.v("operations.ti.attachment-ref", "The attachment's Ref gives the sample's entry in a malware database.",
		fileAttachment().set("/Attachment/0/Hash", strs("sha256:"+sha256Hex(dropper))).
			set("/Attachment/0/Ref", strs("https://bazaar.example.org/sample/"+sha256Hex(dropper)+"/")), ok(), ti, fl("ThreatIntel"))

	times := rq("SECOPS-3.3-1")
	g.v("operations.times.all", "CreateTime, StartTime, EndTime and ReportTime: when the event began, ended, was seen and was passed on.",
		full(V08).set("/ReportTime", "2025-03-14T09:30:00+01:00"), ok(), times, fl("Investigation"))
	g.v("operations.times.utc", "The same times written in UTC with a Z.",
		full(V08).set("/CreateTime", "2025-03-14T08:26:53.589Z").set("/StartTime", "2025-03-14T08:20:00Z").set("/EndTime", "2025-03-14T08:25:00Z"), ok(), times, fl("Investigation"))
	g.v("operations.times.start-only", "An event still running: a StartTime and no EndTime.",
		full(V08).del("/EndTime"), ok(), times, fl("Investigation"))

	who := rq("SECOPS-3.3-2")
	g.v("operations.identity.accounts", "The Source's account and the Target's account: a login from one user to another's host.",
		full(V08).set("/Source/0/User", "CORP\\mallory").set("/Target/0/User", "alice"), ok(), who, fl("Investigation"))
	g.v("operations.identity.phishing", "A phishing alert: the sender's and the recipient's e-mail addresses.",
		full(V08).set("/Source/0/Email", "payroll@badactor.example").set("/Target/0/Email", "alice@example.com"), ok(), who, fl("Investigation"))
	g.v("operations.identity.service-account", "The Target's User is a service account, with its service.",
		full(V08).set("/Target/0/User", "svc-backup").set("/Target/0/Service", "bacula-fd"), ok(), who, fl("Investigation"))

	links := rq("SECOPS-3.3-3")
	g.v("operations.links.correlated", "A correlated alert naming the alerts it was derived from (CorrelID) and a related one (RelID).",
		full(V08).set("/CorrelID", strs(otherID, target2ID)).set("/RelID", strs(sensor2ID)), ok(), links, fl("Linked"))
	g.v("operations.links.ticket", "The alert names its ticket in another system (AltNames) and a case record (Ref).",
		full(V08).set("/AltNames", strs("INC-20250314-0042", "splunk:notable:8812")).set("/Ref", strs("https://tickets.example.com/case/42")), ok(), links, fl("Linked"))
	g.v("operations.links.replaces", "The alert replaces an earlier one (PredID).",
		full(V08).set("/PredID", strs(otherID)), ok(), rq("SECOPS-3.3-3", "IDMEF2-5.2-7"), fl("Linked"))

	siem := rq("SECOPS-4-2")
	g.v("operations.siem.full", "A message with every class, each field under its published name: one parser indexes it.",
		full(V08), ok(), siem, fl("Versioned"))
	g.v("operations.siem.minimal", "The smallest message: the fields every producer sends.",
		minimal(V08), ok(), siem, fl("Versioned"))
	g.v("operations.siem.indicators", "A message with indicators in several classes, each in its standard field.",
		fileAttachment().set("/Attachment/0/Hash", strs("sha256:"+sha256Hex(dropper))).set("/Source/0/User", "mallory"), ok(), siem, fl("Indicator"))

	ver := rq("SECOPS-6-6")
	for _, v := range []string{V05, V06, V07} {
		g.v("operations.version."+slug(v), "A "+v+" message: its Version, at the top of the object, says which revision it follows.",
			minimal(v), ok(), ver, rev(v), fl("Versioned"))
	}
	g.v("operations.version.last-member", "Version written as the last member: its place in the object does not matter, its name does.",
		minimal(V08).del("/Version").set("/Version", V08), ok(), ver, fl("Versioned"))
	return f
}

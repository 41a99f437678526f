package corpus

import (
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha3"
	"crypto/sha512"
	"encoding/base64"
	"encoding/hex"
	"strconv"
)

// Identifiers of the base messages: version 7 UUIDs (RFC 9562) of the RFC 4122 variant, so
// that no base draws the version 4 warning.
const (
	alertID    = "01958f3a-6b2c-7d4e-8f50-61a2b3c4d5e0"
	analyzerID = "01958f3a-6b2c-7d4e-8f50-61a2b3c4d5e1"
	sensorID   = "01958f3a-6b2c-7d4e-8f50-61a2b3c4d5e2"
	sourceID   = "01958f3a-6b2c-7d4e-8f50-61a2b3c4d5e3"
	targetID   = "01958f3a-6b2c-7d4e-8f50-61a2b3c4d5e4"
	vectorID   = "01958f3a-6b2c-7d4e-8f50-61a2b3c4d5e5"
	otherID    = "01958f3a-6b2c-7d4e-8f50-61a2b3c4d5e6" // another alert, for CorrelID and the like
	source2ID  = "01958f3a-6b2c-7d4e-8f50-61a2b3c4d5e7"
	target2ID  = "01958f3a-6b2c-7d4e-8f50-61a2b3c4d5e8"
	sensor2ID  = "01958f3a-6b2c-7d4e-8f50-61a2b3c4d5e9"
)

// scanText is the content of the base messages' attachment, carried in Base64.
const scanText = "SYN 198.51.100.7:51514 -> [2001:db8::80]:443 flags S\n"

func sha256Hex(b []byte) string { s := sha256.Sum256(b); return hex.EncodeToString(s[:]) }
func sha512Hex(b []byte) string { s := sha512.Sum512(b); return hex.EncodeToString(s[:]) }
func sha1Hex(b []byte) string   { s := sha1.Sum(b); return hex.EncodeToString(s[:]) }
func md5Hex(b []byte) string    { s := md5.Sum(b); return hex.EncodeToString(s[:]) }
func sha3Hex(b []byte) string   { s := sha3.Sum256(b); return hex.EncodeToString(s[:]) }
func sha384Hex(b []byte) string { s := sha512.Sum384(b); return hex.EncodeToString(s[:]) }

// b64Attachment is an attachment carrying data in Base64, with the sha256 Hash and the Size
// of the data before encoding.
func b64Attachment(name, contentType string, data []byte) *object {
	return obj(
		"Name", name,
		"FileName", name+".bin",
		"ContentType", contentType,
		"ContentEncoding", "base64",
		"Content", base64.StdEncoding.EncodeToString(data),
		"Hash", strs("sha256:"+sha256Hex(data)),
		"Size", len(data),
	)
}

// jsonAttachment is an attachment whose Content is a JSON text in a string, the default
// encoding, with the sha256 Hash and the Size of the string's UTF-8 bytes.
func jsonAttachment(name, text string) *object {
	return obj(
		"Name", name,
		"ContentType", "application/json",
		"Content", text,
		"Hash", strs("sha256:"+sha256Hex([]byte(text))),
		"Size", len(text),
	)
}

// objAttachment is an attachment whose Content is a JSON object.
func objAttachment(name string, content *object) *object {
	return obj("Name", name, "ContentType", "application/json", "Content", content)
}

// The base messages. Each is valid under both profiles with no finding at all, warnings
// included: it has version 7 UUIDs, timestamps with offsets, a Priority (content.impact)
// and an Analyzer that can be located (analyzer.locatable). A vector starts from one and
// changes what it probes, so its findings are those of the change alone.

// minimal returns the smallest clean message of a revision: the required fields, Priority,
// and an Analyzer with an IP.
func minimal(version string) *msg {
	m := &msg{root: obj(
		"Version", version,
		"ID", alertID,
		"CreateTime", createTimes[version],
		"Priority", "Medium",
	)}
	an := obj()
	if version == V07 {
		an.members = append(an.members, member{"ID", analyzerID})
	}
	an.members = append(an.members, member{"Name", "soc.paris.ids01"}, member{"IP", "192.0.2.10"})
	m.set("/Analyzer", an)
	return m
}

var createTimes = map[string]string{
	V04: "2021-06-01T10:15:00.25+02:00",
	V05: "2022-02-14T08:30:12+01:00",
	V06: "2023-09-21T17:04:33.5-04:00",
	V07: "2024-11-05T22:41:09.875+05:30",
	V08: "2025-03-14T09:26:53.589+01:00",
}

// full returns a clean message of a revision with every class it has: Analyzer, Sensor,
// Source, Target, Attachment and, up to 2.D.V06, Vector. The Target refers to the
// attachment.
func full(version string) *msg {
	pre := version >= V06 // classes have IDs from 2.D.V06 on
	listy := version >= V07
	m := &msg{root: obj(
		"Version", version,
		"ID", alertID,
		"CreateTime", createTimes[version],
		"StartTime", startTimes[version],
		"EndTime", endTimes[version],
	)}
	if listy {
		m.set("/Type", strs("Cyber"))
		m.set("/EntitySector", strs("Digital.DataCenters"))
	}
	m.set("/Category", strs(reconKeyword[version]))
	m.set("/Cause", "Malicious")
	m.set("/Description", "Port scan of the web front end")
	if version == V08 {
		m.set("/Status", strs("Event"))
	} else {
		m.set("/Status", "Event")
	}
	m.set("/Priority", "Medium")
	m.set("/Confidence", num("0.8"))
	m.set("/Ref", strs("https://www.example.com/advisories/2025-001"))

	an := obj()
	if pre {
		an.members = append(an.members, member{"ID", analyzerID})
	}
	an.members = append(an.members,
		member{"Name", "soc.paris.ids01"},
		member{"Hostname", "ids01.example.com"},
		member{"IP", "192.0.2.10"},
		member{"Model", "Suricata 7.0.8"})
	if !listy {
		an.members = append(an.members, member{"Type", strs("Cyber")})
	}
	an.members = append(an.members,
		member{"Category", strs(nidsKeyword[version])},
		member{"Data", strs("Flow")},
		member{"Method", strs("Signature")},
		member{"GeoLocation", "48.8584,2.2945"})
	m.set("/Analyzer", an)

	se := obj()
	if pre {
		se.members = append(se.members, member{"ID", sensorID})
	}
	se.members = append(se.members,
		member{"Name", "tap01"},
		member{"Hostname", "tap01.example.com"},
		member{"IP", "192.0.2.11"},
		member{"CaptureZone", `{"network":"2001:db8::/64"}`})
	m.set("/Sensor", arr(se))

	so := obj()
	if pre {
		so.members = append(so.members, member{"ID", sourceID})
	}
	so.members = append(so.members,
		member{"IP", "198.51.100.7"},
		member{"Hostname", "scanner.example.net"},
		member{"Port", arr(51514)},
		member{"Protocol", strs("tcp")},
		member{"TI", strs("IP:Dshield")})
	m.set("/Source", arr(so))

	ta := obj()
	if pre {
		ta.members = append(ta.members, member{"ID", targetID})
	}
	ta.members = append(ta.members,
		member{"IP", "2001:db8::80"},
		member{"Hostname", "www.example.com"},
		member{"Port", arr(443)},
		member{"Email", "webmaster@example.com"},
		member{"Attachment", strs("scan1")})
	m.set("/Target", arr(ta))

	if version <= V06 {
		ve := obj()
		if version == V06 {
			ve.members = append(ve.members, member{"ID", vectorID})
		}
		ve.members = append(ve.members,
			member{"Category", strs("Device")},
			member{"Name", "scanner laptop"},
			member{"Location", "visitor network"})
		m.set("/Vector", arr(ve))
	}

	at := b64Attachment("scan1", "text/plain; charset=utf-8", []byte(scanText))
	at.members[1].value = "scan.txt"
	m.set("/Attachment", arr(at))
	return m
}

var startTimes = map[string]string{
	V04: "2021-06-01T10:00:00+02:00",
	V05: "2022-02-14T08:00:00+01:00",
	V06: "2023-09-21T16:50:00-04:00",
	V07: "2024-11-05T22:30:00+05:30",
	V08: "2025-03-14T09:10:00+01:00",
}

var endTimes = map[string]string{
	V04: "2021-06-01T10:14:00+02:00",
	V05: "2022-02-14T08:29:00+01:00",
	V06: "2023-09-21T17:03:00-04:00",
	V07: "2024-11-05T22:40:00+05:30",
	V08: "2025-03-14T09:25:00+01:00",
}

// reconKeyword is each revision's Category keyword for network reconnaissance: the list was
// rebuilt in 2.D.V07, which spelled it Recon.Netword; 2.D.V08 fixed the spelling.
var reconKeyword = map[string]string{V04: "Recon.Scanning", V05: "Recon.Scanning", V06: "Recon.Scanning", V07: "Recon.Netword", V08: "Recon.Network"}

// nidsKeyword is each revision's analyzer category for a network IDS.
var nidsKeyword = map[string]string{V04: "NIDS", V05: "NIDS", V06: "NIDS", V07: "NET.NIDS", V08: "NET.NIDS"}

// short names revisions in IDs: v04 ... v08.
func short(version string) string { return "v" + version[len(version)-2:] }

// itoa is strconv.Itoa, short.
func itoa(i int) string { return strconv.Itoa(i) }

package alert

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/netip"
	"strings"
	"time"
)

// EVE is the part of a Suricata EVE JSON record the analyzer reads. Records whose event_type
// is not "alert" are skipped. docs/analyzer.md gives the mapping to IDMEFv2.
type EVE struct {
	Timestamp string          `json:"timestamp"`
	FlowID    json.Number     `json:"flow_id"`
	InIface   string          `json:"in_iface"`
	EventType string          `json:"event_type"`
	SrcIP     string          `json:"src_ip"`
	SrcPort   int             `json:"src_port"`
	DestIP    string          `json:"dest_ip"`
	DestPort  int             `json:"dest_port"`
	Proto     string          `json:"proto"`
	AppProto  string          `json:"app_proto"`
	Host      string          `json:"host"`
	Alert     *EVEAlert       `json:"alert"`
	raw       json.RawMessage // the whole record
}

// EVEAlert is the "alert" member of an EVE alert record.
type EVEAlert struct {
	Action      string `json:"action"`
	GID         int    `json:"gid"`
	SignatureID int    `json:"signature_id"`
	Rev         int    `json:"rev"`
	Signature   string `json:"signature"`
	Category    string `json:"category"`
	Severity    int    `json:"severity"`
}

// eveCategories maps Suricata classification descriptions (classification.config, the
// "category" of an alert) to 2.D.V08 categories; the builder adapts them to older revisions.
// Anything else becomes Other.Undetermined. The Suricata words are always kept in AltCategory.
var eveCategories = map[string]string{
	"Attempted Information Leak":                          "Recon.Network",
	"Information Leak":                                    "Theft.Data",
	"Large Scale Information Leak":                        "Theft.Data",
	"Successful Credential Theft Detected":                "Theft.Data",
	"Detection of a Network Scan":                         "Recon.Network",
	"Decode of an RPC Query":                              "Recon.Network",
	"Attempted Denial of Service":                         "Availability.DoS",
	"Denial of Service":                                   "Availability.DoS",
	"Detection of a Denial of Service Attack":             "Availability.DoS",
	"Attempted User Privilege Gain":                       "Access.Escalation",
	"Unsuccessful User Privilege Gain":                    "Access.Escalation",
	"Successful User Privilege Gain":                      "Access.Escalation",
	"Attempted Administrator Privilege Gain":              "Access.Escalation",
	"Successful Administrator Privilege Gain":             "Access.Escalation",
	"Web Application Attack":                              "Access.Compromise",
	"Executable code was detected":                        "Access.Compromise",
	"Targeted Malicious Activity was Detected":            "Access.Compromise",
	"Attempt to login by a default username and password": "Access.Unauthorized",
	"Attempted Login with Suspicious Username":            "Access.Unauthorized",
	"A Network Trojan was detected":                       "Malware.Trojan",
	"Malware Command and Control Activity Detected":       "Malware.Backdoor",
	"Crypto Currency Mining Activity Detected":            "Malware.Cryptominer",
	"Exploit Kit Activity Detected":                       "Malware.Downloader",
	"Possible Social Engineering Attempted":               "SocialEng.Phishing",
	"Potential Corporate Privacy Violation":               "Operational.Policy Violation",
	"Inappropriate Content was Detected":                  "Operational.Policy Violation",
}

// evePriority maps Suricata severities (1 most severe) to Priority.
func evePriority(sev int) string {
	switch {
	case sev == 1:
		return "High"
	case sev == 2:
		return "Medium"
	case sev == 3:
		return "Low"
	case sev >= 4:
		return "Info"
	}
	return "Unknown"
}

// ParseEVE reads one EVE record. It reports ok = false, without error, for a record that is
// not an alert.
func ParseEVE(line []byte) (e *EVE, ok bool, err error) {
	dec := json.NewDecoder(bytes.NewReader(line))
	dec.UseNumber()
	e = &EVE{}
	if err := dec.Decode(e); err != nil {
		return nil, false, fmt.Errorf("alert: EVE record: %v: %w", err, ErrEvent)
	}
	if e.EventType != "alert" {
		return nil, false, nil
	}
	if e.Alert == nil {
		return nil, false, fmt.Errorf("alert: EVE record of type alert has no alert member: %w", ErrEvent)
	}
	e.raw = append(json.RawMessage(nil), line...)
	return e, true, nil
}

// eveTime turns Suricata's timestamp (2026-01-14T15:58:47.123456+0100) into RFC 3339.
func eveTime(s string) (string, bool) {
	for _, layout := range []string{"2006-01-02T15:04:05.999999999-0700", time.RFC3339Nano} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.Format("2006-01-02T15:04:05.999999-07:00"), true
		}
	}
	return "", false
}

// canonicalIP returns an address in canonical form (RFC 5952), "" when s is not one.
func canonicalIP(s string) string {
	a, err := netip.ParseAddr(s)
	if err != nil || a.Zone() != "" {
		return ""
	}
	return a.Unmap().String()
}

// protocol turns Suricata's proto (TCP, UDP, ICMP, IPv6-ICMP, or a number) into the
// drafts' protocol token, "" when it has none.
func protocol(s string) string {
	p := strings.ToLower(s)
	for _, r := range p {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-') {
			return ""
		}
	}
	return p
}

// FromEVE builds the alert for one EVE record; ok is false for a record that is not an alert,
// which the analyzer skips.
func (b *Builder) FromEVE(line []byte) (a Alert, ok bool, err error) {
	e, ok, err := ParseEVE(line)
	if err != nil || !ok {
		return Alert{}, ok, err
	}
	o, id, err := b.base()
	if err != nil {
		return Alert{}, false, err
	}
	o.Set("Type", []string{"Cyber"})
	cat, known := eveCategories[e.Alert.Category]
	if !known {
		cat = fallback
	}
	o.Set("Category", []string{cat})
	if e.Alert.Category != "" {
		o.Set("AltCategory", []string{"Suricata:" + e.Alert.Category})
	}
	o.Set("Priority", evePriority(e.Alert.Severity))
	if e.Alert.Signature != "" {
		o.Set("Description", e.Alert.Signature)
	}
	o.Set("Note", fmt.Sprintf("Suricata rule %d:%d:%d, action %s", e.Alert.GID, e.Alert.SignatureID, e.Alert.Rev, e.Alert.Action))
	if t, ok := eveTime(e.Timestamp); ok {
		o.Set("StartTime", t)
	}
	if e.FlowID != "" {
		o.Set("AltNames", []string{"suricata-flow:" + e.FlowID.String()})
	}
	if e.Host != "" || e.InIface != "" {
		name := e.Host
		if e.InIface != "" {
			name = strings.TrimPrefix(name+"/"+e.InIface, "/")
		}
		o.Set("Sensor", []any{Object{{"ID", b.newID()}, {"Name", name}}})
	}
	src := Object{{"ID", b.newID()}}
	if ip := canonicalIP(e.SrcIP); ip != "" {
		src = append(src, Member{"IP", ip})
	}
	var protos []string
	if p := protocol(e.Proto); p != "" {
		protos = append(protos, p)
	}
	if p := protocol(e.AppProto); p != "" && p != "failed" && p != "unknown" {
		protos = append(protos, p)
	}
	if len(protos) > 0 {
		src = append(src, Member{"Protocol", protos})
	}
	if e.SrcPort > 0 && e.SrcPort < 65536 {
		src = append(src, Member{"Port", []any{e.SrcPort}})
	}
	dst := Object{{"ID", b.newID()}}
	if ip := canonicalIP(e.DestIP); ip != "" {
		dst = append(dst, Member{"IP", ip})
	}
	if p := protocol(e.AppProto); p != "" && p != "failed" && p != "unknown" {
		dst = append(dst, Member{"Service", p})
	}
	if e.DestPort > 0 && e.DestPort < 65536 {
		dst = append(dst, Member{"Port", []any{e.DestPort}})
	}
	o.Set("Source", []any{src})
	o.Set("Target", []any{dst})
	o.Set("Attachment", []any{Object{
		{"Name", "eve"},
		{"FileName", "eve.json"},
		{"Note", "The Suricata EVE record this alert was made from"},
		{"ContentType", "application/json"},
		{"ContentEncoding", "json"},
		{"Content", e.raw},
	}})
	a, err = b.finish(o, id)
	return a, true, err
}

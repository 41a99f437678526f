// Package alerts makes the IDMEFv2 messages the harness sends: valid under the strict profile
// in every supported version, each with a fresh ID, and shaped for what a check probes (a
// canary string, a time edge, an extension, text in many scripts, IPv6 addresses). Every
// message is validated before it is handed out, so a check never blames an implementation
// for the harness's own mistake.
package alerts

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"

	"github.com/idmefcheck/idmefcheck/reference/validator"
)

// Versions the factory can make, oldest first.
var Versions = []string{"2.D.V04", "2.D.V05", "2.D.V06", "2.D.V07", "2.D.V08"}

// Factory makes messages for one analyzer name.
type Factory struct {
	// Analyzer is the Analyzer.Name of every message.
	Analyzer string
	// AnalyzerIP is Analyzer.IP (default 192.0.2.10).
	AnalyzerIP string
	// Validator judges every message made (strict profile); nil skips that.
	Validator *validator.Validator
	// Now replaces time.Now (tests).
	Now func() time.Time
}

// Spec shapes one message. The zero Spec makes a small valid message of the newest version.
type Spec struct {
	Version string
	// ID replaces the fresh version 7 UUID.
	ID string
	// CreateTime replaces the current time (RFC 3339 with a local offset, milliseconds).
	CreateTime string
	// Description is the free text; Canary, when set, is appended to it.
	Description string
	Canary      string
	// SourceIP and TargetIP add a Source and a Target with these addresses.
	SourceIP, TargetIP string
	// Extension puts the category in the extension mechanism: the version's ext-value
	// keyword in Category and the given text in ext-Category.
	Extension string
	// VendorData adds an Attachment named "vendor" whose Content is this JSON object text.
	VendorData string
	// Padding adds an Attachment whose Content is this many bytes of text (sizes).
	Padding int
	// Priority replaces "Medium".
	Priority string
	// Categories fills Category with these keywords, which must exist in the version (before
	// the extension keyword when Extension is set too).
	Categories []string
	// AnalyzerName replaces the factory's Analyzer.Name.
	AnalyzerName string
}

// Message is a made message and what the checks need to know of it.
type Message struct {
	ID         string
	Version    string
	CreateTime string
	Body       []byte
}

// Make builds a message to s. It fails only when the harness would send something invalid.
func (f *Factory) Make(s Spec) (*Message, error) {
	v := s.Version
	if v == "" {
		v = Versions[len(Versions)-1]
	}
	if !known(v) {
		return nil, fmt.Errorf("alerts: version %q is not one the factory makes", v)
	}
	// JSON would replace bytes that are not UTF-8 with U+FFFD: the message would not carry
	// the text the check asked for (and will look for).
	for name, text := range map[string]string{"ID": s.ID, "CreateTime": s.CreateTime, "description": s.Description,
		"canary": s.Canary, "extension": s.Extension, "priority": s.Priority, "analyzer name": s.AnalyzerName,
		"source IP": s.SourceIP, "target IP": s.TargetIP, "categories": strings.Join(s.Categories, "")} {
		if !utf8.ValidString(text) {
			return nil, fmt.Errorf("alerts: the %s is not UTF-8: %q", name, text)
		}
	}
	id := s.ID
	if id == "" {
		u, err := uuid.NewV7()
		if err != nil {
			return nil, fmt.Errorf("alerts: %w", err)
		}
		id = u.String()
	}
	now := time.Now
	if f.Now != nil {
		now = f.Now
	}
	ct := s.CreateTime
	if ct == "" {
		ct = now().Truncate(time.Millisecond).Format("2006-01-02T15:04:05.000Z07:00")
	}
	desc := s.Description
	if desc == "" {
		desc = "idmefcheck conformance alert"
	}
	if s.Canary != "" {
		desc += " " + s.Canary
	}
	aip := f.AnalyzerIP
	if aip == "" {
		aip = "192.0.2.10"
	}
	withIDs := v >= "2.D.V06" // classes carry IDs from 2.D.V06 on

	prio := s.Priority
	if prio == "" {
		prio = "Medium"
	}
	m := object{{"Version", v}, {"ID", id}, {"CreateTime", ct}, {"Priority", prio}, {"Description", desc}}
	cats := append([]string(nil), s.Categories...)
	switch {
	case s.Extension != "" && v >= "2.D.V07":
		m = append(m, member{"Category", append(cats, "Other.ext-value")}, member{"ext-Category", []string{s.Extension}})
	case s.Extension != "":
		m = append(m, member{"Category", append(cats, "ext-value")}, member{"ext-Category", s.Extension})
	case len(cats) > 0:
		m = append(m, member{"Category", cats})
	}
	an := object{}
	if withIDs {
		an = append(an, member{"ID", newID()})
	}
	name := s.AnalyzerName
	if name == "" {
		name = f.Analyzer
	}
	an = append(an, member{"Name", name}, member{"IP", aip})
	m = append(m, member{"Analyzer", an})
	for _, end := range []struct{ name, ip string }{{"Source", s.SourceIP}, {"Target", s.TargetIP}} {
		if end.ip == "" {
			continue
		}
		o := object{}
		if withIDs {
			o = append(o, member{"ID", newID()})
		}
		o = append(o, member{"IP", end.ip})
		m = append(m, member{end.name, []any{o}})
	}
	var atts []any
	if s.VendorData != "" {
		if !json.Valid([]byte(s.VendorData)) {
			return nil, fmt.Errorf("alerts: vendor data is not JSON")
		}
		if t := bytes.TrimLeft([]byte(s.VendorData), " \t\r\n"); t[0] != '{' {
			return nil, fmt.Errorf("alerts: vendor data is not a JSON object")
		}
		atts = append(atts, object{{"Name", "vendor"}, {"ContentType", "application/json"}, {"Content", json.RawMessage(s.VendorData)}})
	}
	if s.Padding > 0 {
		atts = append(atts, object{{"Name", "padding"}, {"ContentType", "text/plain"}, {"ContentEncoding", "base64"},
			{"Content", padding(s.Padding)}})
	}
	if len(atts) > 0 {
		m = append(m, member{"Attachment", atts})
	}
	body, err := json.Marshal(m)
	if err != nil {
		return nil, fmt.Errorf("alerts: %w", err)
	}
	if f.Validator != nil {
		if res := f.Validator.Validate(body); !res.Valid {
			why := "no finding given"
			if len(res.Findings) > 0 {
				why = res.Findings[0].Message
			}
			return nil, fmt.Errorf("alerts: the harness made an invalid %s message (a harness bug): %s", v, why)
		}
	}
	return &Message{ID: id, Version: v, CreateTime: ct, Body: body}, nil
}

// MustMake is Make for specs tests know to be right.
func (f *Factory) MustMake(s Spec) *Message {
	m, err := f.Make(s)
	if err != nil {
		panic(err)
	}
	return m
}

func known(v string) bool {
	for _, k := range Versions {
		if k == v {
			return true
		}
	}
	return false
}

func newID() string { return uuid.Must(uuid.NewV7()).String() }

// padding is n bytes of Base64 text (n rounded down to a multiple of 4).
func padding(n int) string {
	n -= n % 4
	return string(bytes.Repeat([]byte("QUJD"), n/4))
}

// object is a JSON object whose members keep their order, so that messages read naturally
// in evidence.
type object []member

type member struct {
	name  string
	value any
}

// MarshalJSON writes the members in order.
func (o object) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, m := range o {
		if i > 0 {
			b.WriteByte(',')
		}
		k, _ := json.Marshal(m.name)
		b.Write(k)
		b.WriteByte(':')
		v, err := json.Marshal(m.value)
		if err != nil {
			return nil, err
		}
		b.Write(v)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

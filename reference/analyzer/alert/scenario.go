package alert

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"time"
)

// Scenario is a kind of alert the conformance harness can ask any analyzer for (the emit
// command and the shim's emit request). Names are stable: harnesses and implementation
// statements refer to them.
type Scenario struct {
	Name string
	// Doc says what each message of the scenario contains, for docs/shim.md and for vendors
	// writing their own shim.
	Doc   string
	build func(b *Builder, i, n int) (Object, string, error)
}

// ErrUnknownScenario reports a scenario name the builder does not know.
var ErrUnknownScenario = errors.New("unknown scenario")

// Scenarios returns the scenarios, in the order docs list them.
func Scenarios() []Scenario { return append([]Scenario(nil), scenarios...) }

// ScenarioNames returns the scenario names.
func ScenarioNames() []string {
	out := make([]string, len(scenarios))
	for i, s := range scenarios {
		out[i] = s.Name
	}
	return out
}

var scenarios = []Scenario{
	{Name: "basic", Doc: "A network scan: Type Cyber, Category Recon.Network (Recon.Netword in 2.D.V07, Recon.Scanning before), " +
		"Priority Low, a Description, one IPv4 Source with protocol and port, one IPv4 Target with a port.", build: basic},
	{Name: "unicode", Doc: "Text outside ASCII in Description, Note, Source.User, Target.Service and Target.Location: accented Latin, " +
		"Greek, Cyrillic, CJK, right-to-left Hebrew and Arabic, a combining accent, and characters beyond the Basic Multilingual " +
		"Plane (emoji, one a ZWJ sequence), all written as UTF-8, not escaped.", build: unicodeAlert},
	{Name: "ipv6", Doc: "Source and Target with IPv6 addresses in RFC 5952 form (one compressed, one with an embedded zero run) " +
		"and a second IPv4 Target: both address families in one alert.", build: ipv6},
	{Name: "extension", Doc: "Category Other.ext-value (ext-value before 2.D.V07) with ext-Category naming the vendor's own category, " +
		"and an Attachment with ContentEncoding json whose Content is a JSON object of vendor data, referred to by the Target.", build: extension},
	{Name: "attachment", Doc: "A Base64 Attachment (a small packet capture, application/vnd.tcpdump.pcap) with FileName, Size and a " +
		"SHA-256 Hash of the decoded content, referred to by the Source.", build: attachment},
	{Name: "time-edge", Doc: "Timestamps at the edges: StartTime with nine fraction digits at offset -12:00, EndTime " +
		"9999-12-31T23:59:59.999999999+14:00, and (2.D.V08) ReportTime just past 2038-01-19T03:14:07Z at offset +05:45; " +
		"CreateTime as always in local time with its offset.", build: timeEdge},
	{Name: "big", Doc: "A message just under the size limit (1 MiB by default, the reference manager's max_body): a basic alert " +
		"with one Base64 Attachment, with Size and Hash, filling the rest.", build: big},
	{Name: "burst", Doc: "Minimal basic alerts (Priority Info), meant to be asked for by the hundred or thousand: the analyzer " +
		"produces them all at once and sends them as fast as it can.", build: burst},
}

// Scenario builds message i (0-based) of n of the named scenario.
func (b *Builder) Scenario(name string, i, n int) (Alert, error) {
	for _, s := range scenarios {
		if s.Name == name {
			o, id, err := s.build(b, i, n)
			if err != nil {
				return Alert{}, fmt.Errorf("alert: scenario %s: %w", name, err)
			}
			return b.finish(o, id)
		}
	}
	return Alert{}, fmt.Errorf("alert: %q: %w (have %v)", name, ErrUnknownScenario, ScenarioNames())
}

func basic(b *Builder, i, n int) (Object, string, error) {
	o, id, err := b.base()
	if err != nil {
		return nil, "", err
	}
	o.Set("Type", []string{"Cyber"})
	o.Set("Category", []string{"Recon.Network"})
	o.Set("Priority", "Low")
	o.Set("Description", fmt.Sprintf("TCP port scan of 192.0.2.20 from 203.0.113.7 (idmefcheck scenario basic, %d of %d)", i+1, n))
	o.Set("Source", []any{Object{{"ID", b.newID()}, {"IP", "203.0.113.7"}, {"Protocol", []string{"tcp"}}, {"Port", []any{49152}}}})
	o.Set("Target", []any{Object{{"ID", b.newID()}, {"IP", "192.0.2.20"}, {"Port", []any{22}}}})
	return o, id, nil
}

func unicodeAlert(b *Builder, i, n int) (Object, string, error) {
	o, id, err := basic(b, i, n)
	if err != nil {
		return nil, "", err
	}
	o.Set("Description", "Connexion refusée, Zugriff verweigert, Ошибка входа, 不正アクセスの試み, ניסיון גישה, محاولة دخول 🔒")
	o.Set("Note", "Ελληνικά · e\u0301 (e + combining acute) · 👩‍💻 (ZWJ) · 𝄞 (U+1D11E) · \u200fRTL mark · tab\there")
	o.Set("Source", []any{Object{{"ID", b.newID()}, {"IP", "203.0.113.7"}, {"User", "José.Müller"}, {"Protocol", []string{"tcp"}}}})
	o.Set("Target", []any{Object{{"ID", b.newID()}, {"IP", "192.0.2.20"}, {"Service", "データベース"}, {"Location", "Zürich, Bâtiment Ω, 3ᵉ étage"}}})
	return o, id, nil
}

func ipv6(b *Builder, i, n int) (Object, string, error) {
	o, id, err := basic(b, i, n)
	if err != nil {
		return nil, "", err
	}
	o.Set("Description", fmt.Sprintf("Port scan over IPv6 (idmefcheck scenario ipv6, %d of %d)", i+1, n))
	o.Set("Source", []any{Object{{"ID", b.newID()}, {"IP", "2001:db8:85a3::8a2e:370:7334"}, {"Protocol", []string{"ipv6", "tcp"}}, {"Port", []any{40000}}}})
	o.Set("Target", []any{
		Object{{"ID", b.newID()}, {"IP", "2001:db8:0:1::10"}, {"Port", []any{443}}},
		Object{{"ID", b.newID()}, {"IP", "192.0.2.20"}, {"Port", []any{443}}},
	})
	return o, id, nil
}

func extension(b *Builder, i, n int) (Object, string, error) {
	o, id, err := b.base()
	if err != nil {
		return nil, "", err
	}
	o.Set("Type", []string{"Cyber"})
	o.Set("Category", []string{"Other.ext-value"})
	o.Set("ext-Category", []string{"Vendor.CredentialStuffing"})
	o.Set("Priority", "Medium")
	o.Set("Description", fmt.Sprintf("Credential stuffing against the login service (idmefcheck scenario extension, %d of %d)", i+1, n))
	o.Set("Source", []any{Object{{"ID", b.newID()}, {"IP", "198.51.100.23"}}})
	o.Set("Target", []any{Object{{"ID", b.newID()}, {"IP", "192.0.2.30"}, {"Service", "login"}, {"Attachment", []string{"vendor"}}}})
	o.Set("Attachment", []any{Object{
		{"Name", "vendor"},
		{"ContentType", "application/json"},
		{"ContentEncoding", "json"},
		{"Content", Object{
			{"vendor", "idmefcheck"},
			{"rule", Object{{"id", 4711}, {"name", "credential stuffing"}, {"version", "2.1"}}},
			{"attempts", 312},
			{"accounts", []string{"alice", "bob", "carol"}},
			{"blocked", true},
		}},
	}})
	return o, id, nil
}

// capture is a small packet capture file: the libpcap global header and one Ethernet frame.
func capture(extra int) []byte {
	var b []byte
	b = binary.LittleEndian.AppendUint32(b, 0xa1b2c3d4)
	b = binary.LittleEndian.AppendUint16(b, 2)
	b = binary.LittleEndian.AppendUint16(b, 4)
	b = binary.LittleEndian.AppendUint32(b, 0)
	b = binary.LittleEndian.AppendUint32(b, 0)
	b = binary.LittleEndian.AppendUint32(b, 65535)
	b = binary.LittleEndian.AppendUint32(b, 1) // Ethernet
	frame := make([]byte, 60+extra)
	for i := range frame {
		frame[i] = byte(i * 7)
	}
	b = binary.LittleEndian.AppendUint32(b, 1767225600)
	b = binary.LittleEndian.AppendUint32(b, 0)
	b = binary.LittleEndian.AppendUint32(b, uint32(len(frame)))
	b = binary.LittleEndian.AppendUint32(b, uint32(len(frame)))
	return append(b, frame...)
}

func attachmentOf(name string, content []byte) Object {
	sum := sha256.Sum256(content)
	return Object{
		{"Name", name},
		{"FileName", name + ".pcap"},
		{"Size", len(content)},
		{"Hash", []string{"sha256:" + hex.EncodeToString(sum[:])}},
		{"ContentType", "application/vnd.tcpdump.pcap"},
		{"ContentEncoding", "base64"},
		{"Content", base64.StdEncoding.EncodeToString(content)},
	}
}

func attachment(b *Builder, i, n int) (Object, string, error) {
	o, id, err := basic(b, i, n)
	if err != nil {
		return nil, "", err
	}
	o.Set("Description", fmt.Sprintf("Port scan with a packet capture (idmefcheck scenario attachment, %d of %d)", i+1, n))
	src, _ := o.Get("Source")
	s := append(Object(nil), src.([]any)[0].(Object)...)
	s.Set("Attachment", []string{"capture"})
	o.Set("Source", []any{s})
	o.Set("Attachment", []any{attachmentOf("capture", capture(0))})
	return o, id, nil
}

func timeEdge(b *Builder, i, n int) (Object, string, error) {
	o, id, err := basic(b, i, n)
	if err != nil {
		return nil, "", err
	}
	start := b.opts.Now().Add(-time.Hour).In(time.FixedZone("", -12*3600))
	o.Set("Description", fmt.Sprintf("Timestamps at the edges (idmefcheck scenario time-edge, %d of %d)", i+1, n))
	o.Set("StartTime", start.Format("2006-01-02T15:04:05.000000000-07:00"))
	o.Set("EndTime", "9999-12-31T23:59:59.999999999+14:00")
	// One nanosecond past the last second a signed 32-bit time_t holds, at +05:45.
	o.Set("ReportTime", "2038-01-19T08:59:08.000000001+05:45")
	return o, id, nil
}

func big(b *Builder, i, n int) (Object, string, error) {
	o, id, err := basic(b, i, n)
	if err != nil {
		return nil, "", err
	}
	o.Set("Description", fmt.Sprintf("A message near the size limit (idmefcheck scenario big, %d of %d)", i+1, n))
	// Grow the capture until the message is within a few hundred bytes of the limit.
	target := b.opts.MaxSize - 256
	extra := 0
	for range 8 {
		o.Set("Attachment", []any{attachmentOf("capture", capture(extra))})
		a, err := b.finish(append(Object(nil), o...), id)
		if err != nil {
			return nil, "", err
		}
		gap := target - len(a.Data)
		if gap >= 0 && gap < 64 {
			break
		}
		extra += gap * 3 / 4 // Base64 writes 4 characters for 3 bytes
		if extra < 0 {
			extra = 0
		}
	}
	return o, id, nil
}

func burst(b *Builder, i, n int) (Object, string, error) {
	o, id, err := b.base()
	if err != nil {
		return nil, "", err
	}
	o.Set("Category", []string{"Recon.Network"})
	o.Set("Priority", "Info")
	o.Set("Description", fmt.Sprintf("idmefcheck scenario burst, %d of %d", i+1, n))
	o.Set("Source", []any{Object{{"ID", b.newID()}, {"IP", "203.0.113.7"}}})
	o.Set("Target", []any{Object{{"ID", b.newID()}, {"IP", "192.0.2.20"}}})
	return o, id, nil
}

package alert_test

import (
	"encoding/json"
	"errors"
	"regexp"
	"strings"
	"time"

	"github.com/google/uuid"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/idmefcheck/idmefcheck/reference/analyzer/alert"
	"github.com/idmefcheck/idmefcheck/reference/validator"
	"github.com/idmefcheck/idmefcheck/schema"
)

var (
	set    *schema.Set
	strict *validator.Validator
)

var _ = BeforeSuite(func() {
	var err error
	set, err = schema.Load()
	Expect(err).NotTo(HaveOccurred())
	strict, err = validator.New(set, validator.Options{Profile: validator.Strict})
	Expect(err).NotTo(HaveOccurred())
})

var self = alert.Self{Name: "ids1", ID: "0194608e-3c5a-7b21-9f3e-5d2c8a1b4e60", IP: "192.0.2.1", Hostname: "ids1.example.net",
	Category: []string{"NET.NIDS"}, Data: []string{"Network"}, Method: []string{"Signature"}}

func builder(version string, o alert.Options) *alert.Builder {
	b, err := alert.NewBuilder(set, version, self, o)
	Expect(err).NotTo(HaveOccurred())
	return b
}

func decode(a alert.Alert) map[string]any {
	var m map[string]any
	Expect(json.Unmarshal(a.Data, &m)).To(Succeed())
	return m
}

// findings lists the rules of a message's findings, errors and warnings alike.
func findings(data []byte) []string {
	r := strict.Validate(data)
	var out []string
	for _, f := range r.Findings {
		out = append(out, f.Rule+" "+f.Pointer+": "+f.Message)
	}
	return out
}

const sampleEVE = `{"timestamp":"2026-01-14T15:58:47.123456+0100","flow_id":1234567,"in_iface":"eth0","event_type":"alert",` +
	`"src_ip":"203.0.113.77","src_port":49152,"dest_ip":"2001:DB8:0::10","dest_port":502,"proto":"TCP","app_proto":"modbus","host":"sensor1",` +
	`"alert":{"action":"allowed","gid":1,"signature_id":2010935,"rev":3,"signature":"ET SCAN Suspicious inbound to MSSQL port 1433",` +
	`"category":"Attempted Information Leak","severity":2}}`

const sampleEvent = `{"time":"2026-01-14T15:58:47+01:00","category":["Recon.Network","Vendor.Honeytoken"],"priority":"High",` +
	`"confidence":0.5,"description":"honeytoken used","source":[{"ip":"203.0.113.7","port":[1234],"protocol":["tcp","ssh"]}],` +
	`"target":[{"ip":"192.0.2.1","service":"ssh","port":[22]}]}`

var _ = Describe("Builder", func() {
	for _, version := range []string{"2.D.V04", "2.D.V05", "2.D.V06", "2.D.V07", "2.D.V08"} {
		Context("writing "+version, func() {
			for _, name := range alert.ScenarioNames() {
				It("makes scenario "+name+" pass the strict profile", Label("IDMEF2-5.2-1"), func() {
					a, err := builder(version, alert.Options{}).Scenario(name, 0, 1)
					Expect(err).NotTo(HaveOccurred())
					want := BeEmpty()
					if name == "big" {
						want = ConsistOf(HavePrefix("attachment.large-content"))
					}
					Expect(findings(a.Data)).To(want)
					Expect(decode(a)["Version"]).To(Equal(version))
				})
			}
			It("makes an event line pass the strict profile", func() {
				a, err := builder(version, alert.Options{}).FromEvent([]byte(sampleEvent))
				Expect(err).NotTo(HaveOccurred())
				Expect(findings(a.Data)).To(BeEmpty())
			})
			It("makes an EVE alert record pass the strict profile", func() {
				a, ok, err := builder(version, alert.Options{}).FromEVE([]byte(sampleEVE))
				Expect(err).NotTo(HaveOccurred())
				Expect(ok).To(BeTrue())
				Expect(findings(a.Data)).To(BeEmpty())
			})
		})
	}

	It("gives every alert, source and target a fresh version 7 UUID", Label("IDMEF2-3.3.10-2", "R4766-7.12"), func() {
		b := builder("", alert.Options{})
		seen := map[string]bool{}
		for i := range 50 {
			a, err := b.Scenario("basic", i, 50)
			Expect(err).NotTo(HaveOccurred())
			m := decode(a)
			Expect(m["ID"]).To(Equal(a.ID))
			for _, id := range []any{m["ID"], m["Source"].([]any)[0].(map[string]any)["ID"], m["Target"].([]any)[0].(map[string]any)["ID"]} {
				u, err := uuid.Parse(id.(string))
				Expect(err).NotTo(HaveOccurred())
				Expect(u.Version()).To(BeEquivalentTo(7))
				Expect(seen).NotTo(HaveKey(id))
				seen[id.(string)] = true
			}
		}
	})

	It("writes CreateTime as local time with its numeric offset", Label("IDMEF2-5.2-3", "R4766-7.14"), func() {
		zone := time.FixedZone("", 5*3600+45*60)
		at := time.Date(2026, 3, 2, 7, 41, 10, 123456789, zone)
		Expect(alert.Stamp(at.In(time.Local))).To(MatchRegexp(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}[+-]\d\d:\d\d$`))
		a, err := builder("", alert.Options{Now: func() time.Time { return at }}).Scenario("basic", 0, 1)
		Expect(err).NotTo(HaveOccurred())
		ct, err := time.Parse(time.RFC3339Nano, decode(a)["CreateTime"].(string))
		Expect(err).NotTo(HaveOccurred())
		Expect(ct.Equal(at.Truncate(time.Microsecond))).To(BeTrue())
	})

	It("describes the analyzer as configured, adapted to the revision", func() {
		a, err := builder("2.D.V06", alert.Options{}).Scenario("basic", 0, 1)
		Expect(err).NotTo(HaveOccurred())
		an := decode(a)["Analyzer"].(map[string]any)
		Expect(an).To(HaveKeyWithValue("Name", "ids1"))
		Expect(an).To(HaveKeyWithValue("Category", []any{"NIDS"}), "2.D.V06 spells NET.NIDS as NIDS")
		Expect(an).To(HaveKeyWithValue("Type", []any{"Cyber"}), "before 2.D.V07 the alert's Type is the analyzer's")
	})

	It("writes keys in the drafts' order and text as UTF-8, not escaped", func() {
		a, err := builder("", alert.Options{}).Scenario("unicode", 0, 1)
		Expect(err).NotTo(HaveOccurred())
		Expect(string(a.Data)).To(HavePrefix(`{"Version":"2.D.V08","ID":"` + a.ID + `",`))
		Expect(string(a.Data)).To(ContainSubstring("不正アクセスの試み"))
		Expect(string(a.Data)).To(ContainSubstring("👩‍💻"))
		Expect(string(a.Data)).NotTo(MatchRegexp(`\\u[0-9a-f]{4}`))
	})

	It("keeps the big scenario under the size limit and close to it", Label("R4766-6.7"), func() {
		for _, limit := range []int{64 << 10, 1 << 20} {
			a, err := builder("", alert.Options{MaxSize: limit}).Scenario("big", 0, 1)
			Expect(err).NotTo(HaveOccurred())
			Expect(len(a.Data)).To(BeNumerically("<=", limit))
			Expect(len(a.Data)).To(BeNumerically(">", limit-1024))
		}
	})

	It("writes the extension keyword each revision has", Label("IDMEF2-4.1.1-1", "R4766-7.17"), func() {
		a, err := builder("2.D.V08", alert.Options{}).Scenario("extension", 0, 1)
		Expect(err).NotTo(HaveOccurred())
		m := decode(a)
		Expect(m["Category"]).To(Equal([]any{"Other.ext-value"}))
		Expect(m["ext-Category"]).To(Equal([]any{"Vendor.CredentialStuffing"}))
		att := m["Attachment"].([]any)[0].(map[string]any)
		Expect(att["ContentEncoding"]).To(Equal("json"))
		Expect(att["Content"]).To(HaveKeyWithValue("vendor", "idmefcheck"))

		a, err = builder("2.D.V06", alert.Options{}).Scenario("extension", 0, 1)
		Expect(err).NotTo(HaveOccurred())
		m = decode(a)
		Expect(m["Category"]).To(Equal([]any{"ext-value"}))
		Expect(m["ext-Category"]).To(Equal("Vendor.CredentialStuffing"), "a string before 2.D.V07")
	})

	It("refuses a scenario it does not know", func() {
		_, err := builder("", alert.Options{}).Scenario("no-such", 0, 1)
		Expect(errors.Is(err, alert.ErrUnknownScenario)).To(BeTrue())
	})

	It("uses the ID generator and stamp it is given (known-bad variants)", func() {
		b := builder("", alert.Options{NewID: func() (string, error) { return uuid.NewString(), nil }, Stamp: func(t time.Time) string { return t.Format("2006-01-02T15:04:05") }})
		a, err := b.Scenario("basic", 0, 1)
		Expect(err).NotTo(HaveOccurred())
		Expect(uuid.MustParse(a.ID).Version()).To(BeEquivalentTo(4))
		Expect(findings(a.Data)).To(ContainElements(HavePrefix("uuid.version4 /ID"), HavePrefix("time.offset-missing /CreateTime")))
	})
})

var _ = Describe("FromEvent", func() {
	It("maps the event's fields and sends words that are not categories to ext-Category", func() {
		a, err := builder("", alert.Options{}).FromEvent([]byte(sampleEvent))
		Expect(err).NotTo(HaveOccurred())
		m := decode(a)
		Expect(m["Category"]).To(Equal([]any{"Recon.Network", "Other.ext-value"}))
		Expect(m["ext-Category"]).To(Equal([]any{"Vendor.Honeytoken"}))
		Expect(m["StartTime"]).To(Equal("2026-01-14T15:58:47+01:00"))
		Expect(m["Priority"]).To(Equal("High"))
		Expect(m["Confidence"]).To(Equal(0.5))
		Expect(m["Source"].([]any)[0]).To(HaveKeyWithValue("Protocol", []any{"tcp", "ssh"}))
		Expect(m["Target"].([]any)[0]).To(HaveKeyWithValue("Service", "ssh"))
	})

	DescribeTable("refuses lines that are not events",
		func(line, why string) {
			_, err := builder("", alert.Options{}).FromEvent([]byte(line))
			Expect(err).To(MatchError(alert.ErrEvent))
			Expect(err).To(MatchError(ContainSubstring(why)))
		},
		Entry("not JSON", `{"category":`, "unexpected EOF"),
		Entry("an unknown member", `{"category":["Recon.Network"],"severity":3}`, `unknown field "severity"`),
		Entry("no category", `{"description":"x"}`, "no category"),
		Entry("a time without offset", `{"category":["Recon.Network"],"time":"2026-01-14T15:58:47"}`, "with an offset"),
		Entry("two objects", `{"category":["Recon.Network"]} {}`, "data after"),
	)
})

var _ = Describe("FromEVE", func() {
	It("maps an alert record as docs/analyzer.md says", func() {
		a, ok, err := builder("", alert.Options{}).FromEVE([]byte(sampleEVE))
		Expect(err).NotTo(HaveOccurred())
		Expect(ok).To(BeTrue())
		m := decode(a)
		Expect(m["Category"]).To(Equal([]any{"Recon.Network"}))
		Expect(m["AltCategory"]).To(Equal([]any{"Suricata:Attempted Information Leak"}))
		Expect(m["Priority"]).To(Equal("Medium"))
		Expect(m["Description"]).To(Equal("ET SCAN Suspicious inbound to MSSQL port 1433"))
		Expect(m["Note"]).To(Equal("Suricata rule 1:2010935:3, action allowed"))
		Expect(m["StartTime"]).To(Equal("2026-01-14T15:58:47.123456+01:00"))
		Expect(m["AltNames"]).To(Equal([]any{"suricata-flow:1234567"}))
		Expect(m["Sensor"].([]any)[0]).To(HaveKeyWithValue("Name", "sensor1/eth0"))
		src, dst := m["Source"].([]any)[0].(map[string]any), m["Target"].([]any)[0].(map[string]any)
		Expect(src).To(HaveKeyWithValue("IP", "203.0.113.77"))
		Expect(src).To(HaveKeyWithValue("Protocol", []any{"tcp", "modbus"}))
		Expect(src).To(HaveKeyWithValue("Port", []any{49152.0}))
		Expect(dst).To(HaveKeyWithValue("IP", "2001:db8::10"), "written in RFC 5952 form")
		Expect(dst).To(HaveKeyWithValue("Service", "modbus"))
		att := m["Attachment"].([]any)[0].(map[string]any)
		Expect(att["Content"]).To(HaveKeyWithValue("event_type", "alert"), "the EVE record travels with the alert")
	})

	It("skips records that are not alerts", func() {
		_, ok, err := builder("", alert.Options{}).FromEVE([]byte(`{"event_type":"flow","src_ip":"192.0.2.1"}`))
		Expect(err).NotTo(HaveOccurred())
		Expect(ok).To(BeFalse())
	})

	It("uses the older category lists for older revisions and Other.Undetermined for unknown classifications", func() {
		a, _, err := builder("2.D.V05", alert.Options{}).FromEVE([]byte(sampleEVE))
		Expect(err).NotTo(HaveOccurred())
		Expect(decode(a)["Category"]).To(Equal([]any{"Recon.Scanning"}))
		odd := strings.Replace(sampleEVE, "Attempted Information Leak", "Something Suricata added later", 1)
		a, _, err = builder("", alert.Options{}).FromEVE([]byte(odd))
		Expect(err).NotTo(HaveOccurred())
		Expect(decode(a)["Category"]).To(Equal([]any{"Other.Undetermined"}))
	})

	It("maps severities to priorities", func() {
		for sev, want := range map[int]string{1: "High", 2: "Medium", 3: "Low", 4: "Info", 0: "Unknown"} {
			rec := regexp.MustCompile(`"severity":\d`).ReplaceAllString(sampleEVE, `"severity":`+string(rune('0'+sev)))
			a, _, err := builder("", alert.Options{}).FromEVE([]byte(rec))
			Expect(err).NotTo(HaveOccurred())
			Expect(decode(a)["Priority"]).To(Equal(want))
		}
	})
})

var _ = Describe("Adapt", func() {
	It("keeps a word that is no keyword of any revision, for the strict profile to refuse", func() {
		a, err := builder("", alert.Options{}).FromEvent([]byte(`{"category":["Recon.Network"],"priority":"Loww"}`))
		Expect(err).NotTo(HaveOccurred())
		Expect(decode(a)["Priority"]).To(Equal("Loww"))
		Expect(findings(a.Data)).To(ContainElement(HavePrefix("schema.enum /Priority")))
	})

	It("leaves out a keyword of another revision that has no equivalent in this one", func() {
		a, err := builder("2.D.V06", alert.Options{}).FromEvent([]byte(`{"category":["Recon.Network"],"cause":"Malicious","source":[{"ip":"192.0.2.1"}]}`))
		Expect(err).NotTo(HaveOccurred())
		Expect(decode(a)["Category"]).To(Equal([]any{"Recon.Scanning"}))
	})
})

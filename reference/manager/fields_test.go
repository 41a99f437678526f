package manager

import (
	"encoding/json"
	"testing"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/idmefcheck/idmefcheck/reference/store"
	"github.com/idmefcheck/idmefcheck/schema"
	"github.com/idmefcheck/idmefcheck/vectors"
)

// extract reads fields on a message.Tape and leaves to encoding/json (extractJSON) whatever
// the two could read differently; these specs hold both to the same result.
var _ = Describe("extract", func() {
	same := func(raw []byte) {
		id, f, err := extract(raw)
		wantID, wantF, wantErr := extractJSON(raw)
		Expect(err != nil).To(Equal(wantErr != nil), "%s", raw)
		Expect(id).To(Equal(wantID), "%s", raw)
		Expect(f).To(Equal(wantF), "%s", raw)
	}

	It("reads every message of the vector corpus as encoding/json does", func() {
		set, err := schema.Load()
		Expect(err).NotTo(HaveOccurred())
		c, err := vectors.Load(set)
		Expect(err).NotTo(HaveOccurred())
		Expect(len(c.Vectors)).To(BeNumerically(">", 1000))
		for _, v := range c.Vectors {
			same(v.Data)
		}
	})

	It("leaves no query time for a CreateTime in year 10000 UTC, so that the alert can be stored", Label("R4766-7.15-2"), func() {
		_, f, err := extract([]byte(`{"ID":"a","CreateTime":"9999-12-31T23:59:59-12:00"}`))
		Expect(err).NotTo(HaveOccurred())
		Expect(f.CreateTime.IsZero()).To(BeTrue())
		_, err = json.Marshal(f)
		Expect(err).NotTo(HaveOccurred())
		_, f, _ = extract([]byte(`{"ID":"a","CreateTime":"9999-12-31T23:59:59+14:00"}`))
		Expect(f.CreateTime).To(Equal(time.Date(9999, 12, 31, 9, 59, 59, 0, time.UTC)))
	})

	DescribeTable("reads edge cases as encoding/json does", func(msg string) { same([]byte(msg)) },
		Entry("a plain alert", `{"ID":"a","CreateTime":"2026-01-14T15:58:47.123+01:00","Category":["Recon.Scanning","","x"],"Priority":"High",`+
			`"Analyzer":{"Name":"n","ID":"i"},"Source":[{"IP":"2001:DB8::1"},null,{"IP":7}],"Target":[{"IP":"192.0.2.1"}]}`),
		Entry("a category string", `{"ID":"a","Category":"Recon.Scanning"}`),
		Entry("a CreateTime in year 10000 UTC", `{"ID":"a","CreateTime":"9999-12-31T23:59:59-12:00"}`),
		Entry("an empty category string", `{"ID":"a","Category":""}`),
		Entry("escaped strings", `{"ID":"\u0061\n","Priority":"H\u00e9"}`),
		Entry("a name in another case", `{"id":"a"}`),
		Entry("both cases", `{"ID":"a","id":"b"}`),
		Entry("another case inside", `{"ID":"a","Analyzer":{"name":"n"}}`),
		Entry("another case in an address", `{"ID":"a","Source":[{"ip":"192.0.2.1"}]}`),
		Entry("an analyzer of the wrong type", `{"ID":"a","Analyzer":"n"}`),
		Entry("a null analyzer", `{"ID":"a","Analyzer":null}`),
		Entry("sources of the wrong type", `{"ID":"a","Source":{"IP":"192.0.2.1"}}`),
		Entry("a source of the wrong type", `{"ID":"a","Source":["192.0.2.1"]}`),
		Entry("null sources", `{"ID":"a","Source":null,"Target":[]}`),
		Entry("an ID of the wrong type", `{"ID":1}`),
		Entry("no ID", `{"Priority":"Low"}`),
		Entry("an array", `[{"ID":"a"}]`),
		Entry("a repeated name", `{"ID":"a","ID":"b"}`),
		Entry("invalid UTF-8", "{\"ID\":\"a\xff\"}"),
		Entry("a lone surrogate", `{"ID":"\ud800"}`),
		Entry("truncated", `{"ID":"a"`),
	)
})

// BenchmarkExtract compares extract with encoding/json on a realistic 2.D.V08 alert.
func BenchmarkExtract(b *testing.B) {
	msg := []byte(`{"Version":"2.D.V08","ID":"0190a6e2-7c1d-7b3e-9f00-000000000001","CreateTime":"2026-01-14T15:58:47.123+01:00",` +
		`"OrganisationName":"Example Water Authority","EntityName":"Pumping station 4","Type":["Cyber"],"Category":["Recon.Network"],` +
		`"Cause":"Malicious","Status":["Incident"],"Priority":"Medium","Confidence":0.85,"Description":"Port scan of the SCADA segment from an external address",` +
		`"StartTime":"2026-01-14T15:57:02+01:00","Ref":["urn:cve:CVE-2013-2266"],` +
		`"Analyzer":{"ID":"019bb7dd-d458-70c8-a381-f614fd8e94a4","Name":"ewa.ps4.nids1","Hostname":"nids1.ps4.example.net","IP":"192.0.2.10","Model":"ExampleIDS 7.2","Category":["NET.NIDS"],"Data":["Network"],"Method":["Signature"]},` +
		`"Sensor":[{"ID":"019bb7dd-d459-7123-8995-505eed1f06fa","Name":"ewa.ps4.tap1","IP":"2001:db8:4::10"}],` +
		`"Source":[{"ID":"019bbd04-3059-71d7-b7cb-5fe9b23316d2","IP":"203.0.113.77","Protocol":["tcp"],"Port":[49152]}],` +
		`"Target":[{"ID":"019bbd04-305a-7a63-a3f0-a2aa2ba810b8","IP":"10.4.0.21","Hostname":"hmi1.ps4.example.net","Port":[502,20000],"Service":"modbus"}]}`)
	for _, c := range []struct {
		name string
		f    func([]byte) (string, store.Fields, error)
	}{{"tape", extract}, {"encoding-json", extractJSON}} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, _, err := c.f(msg); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

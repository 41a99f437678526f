package schema_test

import (
	"bytes"
	"encoding/json"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/idmefcheck/idmefcheck/schema"
)

func decode(s string) any {
	dec := json.NewDecoder(strings.NewReader(s))
	dec.UseNumber()
	var v any
	Expect(dec.Decode(&v)).To(Succeed())
	return v
}

var _ = Describe("the generated IDMEFv2 schemas", func() {
	var set *schema.Set
	BeforeEach(func() {
		var err error
		set, err = schema.Load()
		Expect(err).NotTo(HaveOccurred())
	})

	It("are what the model generates today", func() {
		for _, v := range set.Versions() {
			want, err := set.Model().JSONSchema(v)
			Expect(err).NotTo(HaveOccurred())
			have, err := schema.FS.ReadFile(schema.IDMEFv2File(v))
			Expect(err).NotTo(HaveOccurred())
			Expect(bytes.Equal(have, want)).To(BeTrue(), "%s is stale: run `go generate ./schema` and commit the result", schema.IDMEFv2File(v))
		}
	})

	It("cover 2.D.V04 to 2.D.V08, oldest first", func() {
		Expect(set.Versions()).To(Equal([]string{"2.D.V04", "2.D.V05", "2.D.V06", "2.D.V07", "2.D.V08"}))
	})

	It("refer to nothing outside themselves", func() {
		for _, v := range set.Versions() {
			b, _ := schema.FS.ReadFile(schema.IDMEFv2File(v))
			Expect(string(b)).NotTo(MatchRegexp(`"\$ref": "[^#]`))
		}
	})

	const minimal08 = `{"Version":"2.D.V08","ID":"0190a6e2-7c1d-7b3e-9f00-5a1b2c3d4e5f","CreateTime":"2026-01-14T15:58:47+01:00","Analyzer":{"Name":"a"}}`

	DescribeTable("give each revision's verdict",
		func(version, msg string, valid bool) {
			sch, ok := set.IDMEFv2(version)
			Expect(ok).To(BeTrue())
			err := sch.Validate(decode(msg))
			if valid {
				Expect(err).NotTo(HaveOccurred())
			} else {
				Expect(err).To(HaveOccurred())
			}
		},
		Entry("a minimal 2.D.V08 alert", "2.D.V08", minimal08, true),
		Entry("another revision's Version", "2.D.V07", minimal08, false),
		Entry("Status as a list in 2.D.V08", "2.D.V08", strings.Replace(minimal08, `"Analyzer"`, `"Status":["Reported"],"Analyzer"`, 1), true),
		Entry("Status as a keyword in 2.D.V08", "2.D.V08", strings.Replace(minimal08, `"Analyzer"`, `"Status":"Incident","Analyzer"`, 1), false),
		Entry("Status as a keyword in 2.D.V07", "2.D.V07", `{"Version":"2.D.V07","ID":"0190a6e2-7c1d-7b3e-9f00-5a1b2c3d4e5f","CreateTime":"2026-01-14T15:58:47Z","Status":"Open","Analyzer":{"Name":"a","ID":"0190a6e2-7c1d-7b3e-9f00-5a1b2c3d4e5f"}}`, true),
		Entry("2.D.V07 without Analyzer.ID", "2.D.V07", `{"Version":"2.D.V07","ID":"0190a6e2-7c1d-7b3e-9f00-5a1b2c3d4e5f","CreateTime":"2026-01-14T15:58:47Z","Analyzer":{"Name":"a"}}`, false),
		Entry("2.D.V04 without Analyzer.IP", "2.D.V04", `{"Version":"2.D.V04","ID":"0190a6e2-7c1d-7b3e-9f00-5a1b2c3d4e5f","CreateTime":"2026-01-14T15:58:47Z","Analyzer":{"Name":"a"}}`, false),
		Entry("2.D.V04 with ext-Category as a string", "2.D.V04", `{"Version":"2.D.V04","ID":"0190a6e2-7c1d-7b3e-9f00-5a1b2c3d4e5f","CreateTime":"2026-01-14T15:58:47Z","Category":["ext-value"],"ext-Category":"mine","Analyzer":{"Name":"a","IP":"192.0.2.1"}}`, true),
		Entry("2.D.V08 with ext-Category as a string", "2.D.V08", strings.Replace(minimal08, `"Analyzer"`, `"ext-Category":"mine","Analyzer"`, 1), false),
		Entry("a Vector in 2.D.V06", "2.D.V06", `{"Version":"2.D.V06","ID":"0190a6e2-7c1d-7b3e-9f00-5a1b2c3d4e5f","CreateTime":"2026-01-14T15:58:47Z","Vector":[{"Name":"car"}],"Analyzer":{"Name":"a"}}`, true),
		Entry("a Vector in 2.D.V07", "2.D.V07", `{"Version":"2.D.V07","ID":"0190a6e2-7c1d-7b3e-9f00-5a1b2c3d4e5f","CreateTime":"2026-01-14T15:58:47Z","Vector":[{"Name":"car"}],"Analyzer":{"Name":"a","ID":"0190a6e2-7c1d-7b3e-9f00-5a1b2c3d4e5f"}}`, false),
		Entry("Confidence 1.5 in 2.D.V05, which has no bound", "2.D.V05", `{"Version":"2.D.V05","ID":"0190a6e2-7c1d-7b3e-9f00-5a1b2c3d4e5f","CreateTime":"2026-01-14T15:58:47Z","Confidence":1.5,"Analyzer":{"Name":"a","IP":"192.0.2.1"}}`, true),
		Entry("Confidence 1.5 in 2.D.V08", "2.D.V08", strings.Replace(minimal08, `"Analyzer"`, `"Confidence":1.5,"Analyzer"`, 1), false),
		Entry("a CreateTime without offset, which the published pattern allows", "2.D.V08", strings.Replace(minimal08, "+01:00", "", 1), true),
		Entry("a Ref that is not a URI", "2.D.V08", strings.Replace(minimal08, `"Analyzer"`, `"Ref":["not a uri"],"Analyzer"`, 1), false),
	)
})

var _ = Describe("the formats", func() {
	DescribeTable("IsURI follows RFC 3986",
		func(s string, ok bool) { Expect(schema.IsURI(s)).To(Equal(ok)) },
		Entry(nil, "https://example.com/a/b?c=d#e", true),
		Entry(nil, "urn:cve:CVE-2013-2266", true),
		Entry(nil, "magnet:?xt=urn:sha1:YNCKHTQCWBTRNJIV4WNAE52SJUQCZO5C", true),
		Entry(nil, "http://[2001:db8::1]:8080/", true),
		Entry(nil, "http://[v1.fe80::a+en1]/", true),
		Entry(nil, "mailto:root@example.com", true),
		Entry(nil, "http://user:pw@192.0.2.1:/%41", true),
		Entry("relative reference", "/relative/path", false),
		Entry("no scheme", "example.com", false),
		Entry("space", "https://example.com/a b", false),
		Entry("non-ASCII (an IRI)", "https://example.com/é", false),
		Entry("bad percent", "https://example.com/%zz", false),
		Entry("zone in literal", "http://[fe80::1%25eth0]/", false),
		Entry("IPv4 in brackets", "http://[192.0.2.1]/", false),
		Entry("scheme starting with a digit", "1http://x", false),
		Entry("two fragments", "http://x/#a#b", false),
	)

	DescribeTable("IsEmail follows the RFC 5322 addr-spec",
		func(s string, ok bool) { Expect(schema.IsEmail(s)).To(Equal(ok)) },
		Entry(nil, "root@example.com", true),
		Entry(nil, "first.last+tag@example.co.uk", true),
		Entry(nil, `"john doe"@example.com`, true),
		Entry(nil, "a@[192.0.2.1]", true),
		Entry(nil, "user@localhost", true),
		Entry("no at", "root.example.com", false),
		Entry("two ats", "a@b@example.com", false),
		Entry("display name", "Root <root@example.com>", false),
		Entry("leading dot", ".a@example.com", false),
		Entry("double dot", "a..b@example.com", false),
		Entry("non-ASCII", "jörg@example.com", false),
		Entry("empty local part", "@example.com", false),
	)
})

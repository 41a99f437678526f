package ics_test

import (
	"os"
	"path/filepath"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/idmefcheck/idmefcheck/conformance/ics"
)

// minimal is a manager statement with the required fields only; the line numbers in the
// specs below count from it.
const minimal = `schema: ics.schema.json
formatVersion: 1
implementation:
  vendor: V
  product: P
  version: "1"
role: manager
versions: [2.D.V08]
options: [http2]
connect:
  targets: ["https://127.0.0.1:4690/"]
  ca: pki/ca.crt
  cert: pki/analyzer.crt
  key: pki/analyzer.key
`

// edit replaces the line of minimal that starts with old (after its indentation) by new,
// or appends new when old is empty.
func edit(old, new string) string {
	if old == "" {
		return minimal + new
	}
	lines := strings.Split(minimal, "\n")
	for i, l := range lines {
		if strings.HasPrefix(strings.TrimLeft(l, " "), old) {
			lines[i] = new
			return strings.Join(lines, "\n")
		}
	}
	Fail("no line starts with " + old)
	return ""
}

var _ = Describe("Parse", func() {
	It("reads a minimal manager statement", func() {
		s, err := ics.Parse(mustSchemas(), "ics.yaml", []byte(minimal))
		Expect(err).NotTo(HaveOccurred())
		Expect(s.Role).To(Equal("manager"))
		Expect(s.Versions).To(Equal([]string{"2.D.V08"}))
		Expect(s.Connect.Targets).To(Equal([]string{"https://127.0.0.1:4690/"}))
		Expect(s.Claims("http2")).To(BeTrue())
		Expect(s.Claims("dedup")).To(BeFalse())
		Expect(s.SHA256).To(MatchRegexp(`^[0-9a-f]{64}$`))
	})

	It("keeps relative paths as written", func() {
		s, err := ics.Parse(mustSchemas(), "dir/ics.yaml", []byte(minimal))
		Expect(err).NotTo(HaveOccurred())
		Expect(s.Connect.CA).To(Equal("pki/ca.crt"))
	})

	It("reads the same statement written as JSON", func() {
		json := `{"schema": "ics.schema.json", "formatVersion": 1, "implementation": {"vendor": "V", "product": "P", "version": "1"},
			"role": "manager", "versions": ["2.D.V08"], "options": [],
			"connect": {"targets": ["https://[::1]:1/"], "ca": "a", "cert": "b", "key": "c"},
			"observe": {"kind": "file", "file": "o.ndjson", "settle": "1.5s"}}`
		s, err := ics.Parse(mustSchemas(), "ics.json", []byte(json))
		Expect(err).NotTo(HaveOccurred())
		Expect(s.Observe.Settle.Or(time.Second)).To(Equal(1500 * time.Millisecond))
		Expect(s.Options).To(BeEmpty())
	})

	It("reads durations, and Or gives the default for one not set", func() {
		s, err := ics.Parse(mustSchemas(), "ics.yaml", []byte(minimal+"limits:\n  ack_within: 1m30s\n"))
		Expect(err).NotTo(HaveOccurred())
		Expect(time.Duration(s.Limits.AckWithin)).To(Equal(90 * time.Second))
		Expect(s.Observe.Settle.Or(2 * time.Second)).To(Equal(2 * time.Second))
	})

	It("takes an unquoted date or number where text belongs as the text written", func() {
		s, err := ics.Parse(mustSchemas(), "ics.yaml", []byte(edit(`version: "1"`, "  version: 2026-01-02")))
		Expect(err).NotTo(HaveOccurred())
		Expect(s.Implementation.Version).To(Equal("2026-01-02"))
	})

	DescribeTable("locates what the schema refuses as name:LINE: field: message",
		func(text string, line int, field, words string) {
			_, err := ics.Parse(mustSchemas(), "conf/ics.yaml", []byte(text))
			Expect(err).To(HaveOccurred())
			Expect(strings.Split(err.Error(), "\n")).To(ContainElement(
				And(HavePrefix("conf/ics.yaml:%d: %s: ", line, field), ContainSubstring(words))), "%v", err)
		},
		Entry("a format version of the future", edit("formatVersion", "formatVersion: 2"), 2, "formatVersion", "1"),
		Entry("an unknown role", edit("role", "role: sensor"), 7, "role", "manager"),
		Entry("a version not of IDMEFv2", edit("versions", "versions: [2.D.V08, 3.0]"), 8, "versions.1", "2.D.V"),
		Entry("no version", edit("versions", "versions: []"), 8, "versions", "minimum 1"),
		Entry("an unknown option", edit("options", "options:\n  - http2\n  - telepathy"), 11, "options.1", "http2"),
		Entry("a plain-HTTP target", edit("targets", `  targets: ["http://127.0.0.1:4690/"]`), 11, "connect.targets.0", "does not match pattern"),
		Entry("an empty vendor", edit("vendor", `  vendor: ""`), 4, "implementation.vendor", "length must be >= 1"),
		Entry("a missing key file", edit("key: pki", ""), 10, "connect", "missing properties: 'key'"),
		Entry("a missing role", edit("role", ""), 1, "(top level)", "missing properties: 'role'"),
		Entry("a duration without a unit", minimal+"observe:\n  kind: none\n  settle: 2\n", 17, "observe.settle", "string"),
		Entry("a file observation without its file", minimal+"observe:\n  kind: file\n", 15, "observe", "missing properties: 'file'"),
		Entry("a rate of zero", minimal+"limits:\n  rate: 0\n", 16, "limits.rate", "0"),
		Entry("a statement that is a list", "- role: manager\n", 1, "(top level)", "expected object"),
		Entry("an empty file", "", 1, "(top level)", "expected object"),
	)

	DescribeTable("refuses an unknown key at its own line",
		func(text string, line int, field, key string) {
			_, err := ics.Parse(mustSchemas(), "ics.yaml", []byte(text))
			Expect(err).To(MatchError(ContainSubstring(`ics.yaml:%d: %s: unknown key %q`, line, field, key)))
		},
		Entry("at the top", minimal+"\n\ncolour: blue\n", 17, "(top level)", "colour"),
		Entry("in a section", edit("ca:", "  ca: pki/ca.crt\n  cafile: x"), 13, "connect", "cafile"),
		Entry("in a credential", minimal+"identities:\n  issuer:\n    cert: a\n    key: b\n    password: c\n", 19, "identities.issuer", "password"),
		Entry("misspelt", edit("formatVersion", "format_version: 1"), 2, "(top level)", "format_version"),
	)

	It("names every unknown key, each at its line", func() {
		_, err := ics.Parse(mustSchemas(), "ics.yaml", []byte(minimal+"a: 1\nb: 2\n"))
		Expect(err).To(HaveOccurred())
		Expect(err.Error()).To(ContainSubstring(`ics.yaml:15: (top level): unknown key "a"`))
		Expect(err.Error()).To(ContainSubstring(`ics.yaml:16: (top level): unknown key "b"`))
	})

	DescribeTable("locates what is not YAML at its line",
		func(text string, line int, words string) {
			_, err := ics.Parse(mustSchemas(), "ics.yaml", []byte(text))
			Expect(err).To(MatchError(And(HavePrefix("ics.yaml:%d: ", line), ContainSubstring(words))))
		},
		Entry("an unclosed flow sequence", edit("versions", "versions: [2.D.V08\noptions2: x"), 8, "did not find expected"),
		Entry("a mapping where a scalar belongs", edit("role", "role: manager: yes"), 7, "mapping values are not allowed"),
		Entry("a control character", edit("role", "role: \x07"), 7, "control characters"),
	)

	It("locates a number the schema allows and Go cannot hold", func() {
		_, err := ics.Parse(mustSchemas(), "ics.yaml", []byte(minimal+"limits:\n  max_body: 1e30\n"))
		Expect(err).To(MatchError(And(HavePrefix("ics.yaml:16: "), ContainSubstring("1e30"))))
	})

	It("locates a duration the schema allows and Go cannot hold", func() {
		_, err := ics.Parse(mustSchemas(), "ics.yaml", []byte(minimal+"limits:\n  ack_within: 99999999999h\n"))
		Expect(err).To(MatchError(And(HavePrefix("ics.yaml:16: "), ContainSubstring("invalid duration"))))
	})

	It("applies the rules a schema cannot express, each located at the field concerned", func() {
		_, err := ics.Parse(mustSchemas(), "ics.yaml", []byte(edit("options", "options:\n  - http2\n  - require-signatures\n  - spool")))
		Expect(err).To(HaveOccurred())
		Expect(strings.Split(err.Error(), "\n")).To(ConsistOf(
			`ics.yaml:12: options: "spool" is not an option of the manager role`,
			"ics.yaml:11: options: require-signatures needs signatures",
		))
		_, err = ics.Parse(mustSchemas(), "ics.yaml", []byte(edit("targets", "")))
		Expect(err).To(MatchError("ics.yaml:10: connect.targets: a manager statement names at least one target URL"))
		_, err = ics.Parse(mustSchemas(), "ics.yaml", []byte(minimal+"\ntrigger:\n  kind: none\n"))
		Expect(err).To(MatchError("ics.yaml:16: trigger: only an analyzer statement has a trigger"))
	})
})

var _ = Describe("Statement.Check", func() {
	manager := func() *ics.Statement {
		return &ics.Statement{Role: "manager", Options: []string{"http2"}, Connect: ics.Connect{Targets: []string{"https://x/"}}}
	}
	analyzer := func() *ics.Statement { return &ics.Statement{Role: "analyzer", Options: []string{"spool"}} }

	It("accepts a statement that follows every rule", func() {
		Expect(manager().Check()).To(Succeed())
		Expect(analyzer().Check()).To(Succeed())
		s := manager()
		s.Options = append(s.Options, "signatures", "require-signatures")
		s.Signing = &ics.Signing{Key: "k", KeyID: "analyzer"}
		Expect(s.Check()).To(Succeed())
	})

	DescribeTable("refuses a statement that breaks a rule",
		func(make func() *ics.Statement, change func(s *ics.Statement), words string) {
			s := make()
			change(s)
			Expect(s.Check()).To(MatchError(ContainSubstring(words)))
		},
		Entry("an option that does not exist", manager, func(s *ics.Statement) { s.Options = []string{"x"} }, `options: "x" is not an option`),
		Entry("an analyzer option claimed by a manager", manager, func(s *ics.Statement) { s.Options = []string{"spool"} }, `"spool" is not an option of the manager role`),
		Entry("a manager option claimed by an analyzer", analyzer, func(s *ics.Statement) { s.Options = []string{"dedup"} }, `"dedup" is not an option of the analyzer role`),
		Entry("a manager without a target", manager, func(s *ics.Statement) { s.Connect.Targets = nil }, "connect.targets: a manager statement names at least one target URL"),
		Entry("a manager with a trigger", manager, func(s *ics.Statement) { s.Trigger = &ics.Trigger{Kind: "none"} }, "trigger: only an analyzer statement has a trigger"),
		Entry("an analyzer with an observation channel", analyzer, func(s *ics.Statement) { s.Observe.Kind = ics.ObserveFile }, "observe is for managers"),
		Entry("signatures without the signing key", manager, func(s *ics.Statement) { s.Options = []string{"signatures"} }, "signing: option signatures needs"),
		Entry("require-signatures without signatures", analyzer, func(s *ics.Statement) { s.Options = []string{"require-signatures"} }, "require-signatures needs signatures"),
	)

	It("accepts an analyzer whose observe kind is none", func() {
		s := analyzer()
		s.Observe.Kind = ics.ObserveNone
		Expect(s.Check()).To(Succeed())
	})

	It("names every broken rule", func() {
		s := manager()
		s.Connect.Targets = nil
		s.Options = []string{"spool", "signatures"}
		Expect(strings.Split(s.Check().Error(), "\n")).To(HaveLen(3))
	})
})

var _ = Describe("Load", func() {
	It("resolves every relative path against the statement's directory and keeps absolute ones", func() {
		dir := filepath.Join(GinkgoT().TempDir(), "lab")
		Expect(os.Mkdir(dir, 0o755)).To(Succeed())
		text := minimal + `identities:
  issuer: {cert: pki/ca.crt, key: /abs/ca.key}
  expired: {cert: e.crt, key: e.key}
  wildcard: {cert: w.crt, key: w.key}
  cn_only: {cert: c.crt, key: c.key}
  unlisted: {cert: u.crt, key: u.key}
signing: {key: sign.key, key_id: a, peer_key: ../peer.pub, peer_key_id: m}
observe: {kind: api, api: "https://127.0.0.1:1/", api_cert: api.crt, api_key: api.key}
restart: {command: [./restart.sh]}
`
		file := filepath.Join(dir, "ics.yaml")
		Expect(os.WriteFile(file, []byte(text), 0o644)).To(Succeed())
		s, err := ics.Load(mustSchemas(), file)
		Expect(err).NotTo(HaveOccurred())
		in := func(p string) string { return filepath.Join(dir, p) }
		Expect(s.Connect.CA).To(Equal(in("pki/ca.crt")))
		Expect(s.Connect.Cert).To(Equal(in("pki/analyzer.crt")))
		Expect(s.Connect.Key).To(Equal(in("pki/analyzer.key")))
		Expect(*s.Identities.Issuer).To(Equal(ics.Credential{Cert: in("pki/ca.crt"), Key: "/abs/ca.key"}))
		Expect(*s.Identities.Expired).To(Equal(ics.Credential{Cert: in("e.crt"), Key: in("e.key")}))
		Expect(*s.Identities.Wildcard).To(Equal(ics.Credential{Cert: in("w.crt"), Key: in("w.key")}))
		Expect(*s.Identities.CNOnly).To(Equal(ics.Credential{Cert: in("c.crt"), Key: in("c.key")}))
		Expect(*s.Identities.Unlisted).To(Equal(ics.Credential{Cert: in("u.crt"), Key: in("u.key")}))
		Expect(s.Signing.Key).To(Equal(in("sign.key")))
		Expect(s.Signing.PeerKey).To(Equal(filepath.Join(filepath.Dir(dir), "peer.pub")))
		Expect(s.Observe.APICert).To(Equal(in("api.crt")))
		Expect(s.Observe.APIKey).To(Equal(in("api.key")))
		Expect(s.Observe.API).To(Equal("https://127.0.0.1:1/"), "a URL is no path")
		Expect(s.Restart.Command).To(Equal([]string{"./restart.sh"}), "a command is run as written, from the harness's directory")
	})

	It("resolves the observation file", func() {
		dir := GinkgoT().TempDir()
		file := filepath.Join(dir, "ics.yaml")
		Expect(os.WriteFile(file, []byte(minimal+"observe: {kind: file, file: obs.ndjson}\n"), 0o644)).To(Succeed())
		s, err := ics.Load(mustSchemas(), file)
		Expect(err).NotTo(HaveOccurred())
		Expect(s.Observe.File).To(Equal(filepath.Join(dir, "obs.ndjson")))
	})

	It("names the file it cannot read, and the file in what it refuses", func() {
		dir := GinkgoT().TempDir()
		_, err := ics.Load(mustSchemas(), filepath.Join(dir, "none.yaml"))
		Expect(err).To(MatchError(And(HavePrefix("implementation statement: "), ContainSubstring("none.yaml"))))
		bad := filepath.Join(dir, "bad.yaml")
		Expect(os.WriteFile(bad, []byte(edit("role", "role: sensor")), 0o644)).To(Succeed())
		_, err = ics.Load(mustSchemas(), bad)
		Expect(err).To(MatchError(HavePrefix(bad + ":7: role: ")))
	})
})

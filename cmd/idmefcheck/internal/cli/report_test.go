package cli_test

import (
	"encoding/xml"
	"os"
	"path/filepath"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"go.yaml.in/yaml/v3"

	"github.com/idmefcheck/idmefcheck/conformance/knownbad"
	"github.com/idmefcheck/idmefcheck/conformance/managerlab"
	"github.com/idmefcheck/idmefcheck/reference/pki"
	"github.com/idmefcheck/idmefcheck/report"
	"github.com/idmefcheck/idmefcheck/schema"
)

// Reports of real runs: the manager-role suite run in-process through cli.Main against lab
// managers (conformance/managerlab), the reference one and known-bad variants, each
// described by the statement file the lab writes.

// labFor starts the lab manager named ("reference" or a known-bad variant) and stops it
// when the spec (or the container, from BeforeAll) ends.
func labFor(name string) *managerlab.Lab {
	set, err := schema.Load()
	Expect(err).NotTo(HaveOccurred())
	dir := GinkgoT().TempDir()
	var lab *managerlab.Lab
	if name == "reference" {
		lab, err = managerlab.Start(set, managerlab.Options{Dir: dir})
	} else {
		var found bool
		for _, v := range knownbad.Managers() {
			if v.Name == name {
				lab, err, found = nil, nil, true
				lab, err = v.Start(set, dir)
			}
		}
		Expect(found).To(BeTrue(), "no known-bad manager %s", name)
	}
	Expect(err).NotTo(HaveOccurred())
	DeferCleanup(lab.Close)
	return lab
}

// blindStatement writes a copy of the lab's statement with no observation channel.
func blindStatement(lab *managerlab.Lab) string {
	data, err := os.ReadFile(lab.StatementFile)
	Expect(err).NotTo(HaveOccurred())
	var st map[string]any
	Expect(yaml.Unmarshal(data, &st)).To(Succeed())
	st["observe"] = map[string]any{"kind": "none"}
	out, err := yaml.Marshal(st)
	Expect(err).NotTo(HaveOccurred())
	return writeFile(lab.Dir, "ics-blind.yaml", string(out))
}

// runSuite runs `idmefcheck run` against a statement into a fresh directory and returns the
// exit code, the output and the directory.
func runSuite(statement string, extra ...string) (code int, stdout, stderr, dir string) {
	dir = GinkgoT().TempDir()
	args := append([]string{"run", "--role", "manager", "--ics", statement, "--out", dir}, extra...)
	code, stdout, stderr = run("", args...)
	GinkgoWriter.Printf("idmefcheck %s\nexit %d\n%s%s", strings.Join(args, " "), code, stdout, stderr)
	return code, stdout, stderr, dir
}

// loadReport reads report.json from dir, through the schema.
func loadReport(dir string) *report.Report {
	set, err := schema.Load()
	Expect(err).NotTo(HaveOccurred())
	r, err := report.Load(set, filepath.Join(dir, "report.json"))
	Expect(err).NotTo(HaveOccurred(), "report.json of a real run must be schema-valid")
	return r
}

func verdictOf(r *report.Report, id string) report.Verdict {
	for _, res := range r.Results {
		if res.ID == id {
			return res.Verdict
		}
	}
	Fail("no result for " + id)
	return ""
}

func expectations(dir, check, expires string) string {
	return writeFile(dir, "expected.yaml", "expected_failures:\n  - check: "+check+"\n    reason: TLS 1.2 kept for an old client\n    issue: https://tracker.example/42\n    expires: "+expires+"\n")
}

var _ = Describe("idmefcheck run's exit code", Ordered, func() {
	var tls12, ipOnly, reference *managerlab.Lab
	BeforeAll(func() {
		tls12 = labFor("manager/accept-tls12")
		ipOnly = labFor("manager/ip-only-server-cert")
		reference = labFor("reference")
	})

	It("is 0 when every selected check passes, and the report says conformant", func() {
		code, stdout, _, dir := runSuite(reference.StatementFile, "--only", "MGR-CONF-001,MGR-CONF-003")
		Expect(code).To(Equal(0))
		Expect(stdout).To(ContainSubstring("verdict: conformant"))
		Expect(loadReport(dir).Outcome().Conformant).To(BeTrue())
	})

	It("sets bit 1 when a MUST check fails", func() {
		code, stdout, _, dir := runSuite(tls12.StatementFile, "--only", "MGR-CONF-001,MGR-CONF-003")
		Expect(code).To(Equal(report.ExitMustFailure))
		Expect(stdout).To(ContainSubstring("verdict: not conformant: MUST failures (exit 1)"))
		r := loadReport(dir)
		Expect(verdictOf(r, "MGR-CONF-001")).To(Equal(report.Fail))
		Expect(r.Totals.MustFailures).To(Equal(1))
	})

	It("sets bit 4 when a SHOULD check fails under --strict, and not without it", func() {
		code, _, _, dir := runSuite(ipOnly.StatementFile, "--only", "MGR-AUTH-008", "--strict")
		Expect(code).To(Equal(report.ExitShouldFailure))
		Expect(verdictOf(loadReport(dir), "MGR-AUTH-008")).To(Equal(report.Fail))
		code, _, _, dir = runSuite(ipOnly.StatementFile, "--only", "MGR-AUTH-008")
		Expect(code).To(Equal(0))
		Expect(loadReport(dir).Totals.ShouldFailures).To(Equal(1), "reported, though it does not gate")
	})

	It("sets bit 8 when a check is inconclusive: a statement with observe none", func() {
		code, _, _, dir := runSuite(blindStatement(reference), "--only", "MGR-HTTP-001")
		Expect(code).To(Equal(report.ExitInconclusive))
		Expect(verdictOf(loadReport(dir), "MGR-HTTP-001")).To(Equal(report.Inconclusive))
	})

	It("adds the bits up: a MUST failure and an inconclusive check give 9", func() {
		code, stdout, _, _ := runSuite(blindStatement(tls12), "--only", "MGR-CONF-001,MGR-HTTP-001")
		Expect(code).To(Equal(report.ExitMustFailure | report.ExitInconclusive))
		Expect(stdout).To(ContainSubstring("not conformant: MUST failures, inconclusive results (exit 9)"))
	})

	It("sets bit 2 for bad flags and for an unreadable statement, before any check runs", func() {
		code, _, stderr, _ := runSuite(reference.StatementFile, "--parallel", "0")
		Expect(code).To(Equal(report.ExitHarnessError))
		Expect(stderr).To(ContainSubstring("--parallel 0: want at least 1"))
		code, _, stderr, dir := runSuite(filepath.Join(GinkgoT().TempDir(), "missing.yaml"))
		Expect(code).To(Equal(report.ExitHarnessError))
		Expect(stderr).To(ContainSubstring("missing.yaml"))
		Expect(filepath.Join(dir, "report.json")).NotTo(BeAnExistingFile())
		bad := writeFile(GinkgoT().TempDir(), "bad.yaml", "schema: ics.schema.json\nformatVersion: 1\nrole: manager\n")
		code, _, stderr, _ = runSuite(bad)
		Expect(code).To(Equal(report.ExitHarnessError))
		Expect(stderr).To(ContainSubstring("bad.yaml"))
	})

	It("sets bit 16 when a check the expected-failures file lists passes", func() {
		code, stdout, _, dir := runSuite(reference.StatementFile, "--only", "MGR-CONF-001",
			"--expected-failures", expectations(GinkgoT().TempDir(), "MGR-CONF-001", "2099-12-31"))
		Expect(code).To(Equal(report.ExitUnexpectedPass))
		Expect(stdout).To(ContainSubstring("unexpected passes"))
		Expect(loadReport(dir).Results[0].Expectation.Status).To(Equal("unexpected-pass"))
	})

	It("excuses a listed failure until its entry expires, then counts it", func() {
		code, _, _, dir := runSuite(tls12.StatementFile, "--only", "MGR-CONF-001",
			"--expected-failures", expectations(GinkgoT().TempDir(), "MGR-CONF-*", "2099-12-31"))
		Expect(code).To(Equal(0))
		r := loadReport(dir)
		Expect(r.Results[0].Expectation.Status).To(Equal("expected"))
		Expect(r.Totals.ExpectedFailures).To(Equal(1))
		code, _, _, _ = runSuite(tls12.StatementFile, "--only", "MGR-CONF-001",
			"--expected-failures", expectations(GinkgoT().TempDir(), "MGR-CONF-001", "2020-01-01"))
		Expect(code).To(Equal(report.ExitMustFailure))
	})
})

var _ = Describe("idmefcheck run's report files", Ordered, func() {
	var lab *managerlab.Lab
	var dir string
	BeforeAll(func() {
		lab = labFor("manager/accept-tls12")
		var code int
		var stdout string
		code, stdout, _, dir = runSuite(lab.StatementFile, "--only", "MGR-CONF-*,MGR-AUTH-007",
			"--sign-key", filepath.Join(lab.Dir, pki.SigningKeyFile("analyzer")))
		Expect(code).To(Equal(report.ExitMustFailure))
		Expect(stdout).To(ContainSubstring("report: " + filepath.Join(dir, "report.json") + " (report.json, report.json.sig, report.xml, report.md, report.html)"))
	})

	It("are report.json (schema-valid), report.xml, report.md, report.html and the signature", func() {
		for _, f := range []string{"report.json", "report.json.sig", "report.xml", "report.md", "report.html"} {
			Expect(filepath.Join(dir, f)).To(BeAnExistingFile())
		}
		loadReport(dir)
	})

	It("include JUnit XML that parses back to one testcase per check, a failure for each failed check", func() {
		data, err := os.ReadFile(filepath.Join(dir, "report.xml"))
		Expect(err).NotTo(HaveOccurred())
		var doc report.JUnitSuites
		Expect(xml.Unmarshal(data, &doc)).To(Succeed())
		r := loadReport(dir)
		Expect(doc.Tests).To(Equal(len(r.Results)))
		cases := map[string]report.JUnitCase{}
		for _, s := range doc.Suites {
			for _, c := range s.Cases {
				cases[strings.SplitN(c.Name, ":", 2)[0]] = c
			}
		}
		Expect(cases).To(HaveLen(len(r.Results)))
		Expect(cases["MGR-CONF-001"].Failure).NotTo(BeNil())
		Expect(cases["MGR-CONF-001"].Failure.Type).To(Equal(r.Results[slicesIndex(r, "MGR-CONF-001")].Reason))
		Expect(cases["MGR-AUTH-007"].Failure).To(BeNil())
		Expect(cases["MGR-CONF-001"].Properties).To(ContainElement(report.JUnitProperty{Name: "requirement", Value: "R4766-6.4"}))
	})

	It("render again, byte for byte, from report.json with idmefcheck report render", func() {
		for _, f := range []struct{ format, file string }{{"junit", "report.xml"}, {"markdown", "report.md"}, {"html", "report.html"}, {"json", "report.json"}} {
			out := filepath.Join(GinkgoT().TempDir(), "out")
			code, _, stderr := run("", "report", "render", "--format", f.format, filepath.Join(dir, "report.json"), "-o", out)
			Expect(code).To(Equal(0), stderr)
			Expect(os.ReadFile(out)).To(Equal(must(os.ReadFile(filepath.Join(dir, f.file)))), f.format)
		}
		code, stdout, _ := run("", "report", "render", filepath.Join(dir, "report.json"), "--format", "markdown")
		Expect(code).To(Equal(0))
		Expect(stdout).To(ContainSubstring("MGR-CONF-001"))
	})

	It("verify with the signer's public key", func() {
		code, stdout, stderr := run("", "report", "verify", filepath.Join(dir, "report.json"), "--pub", filepath.Join(lab.Dir, pki.PublicKeyFile("analyzer")))
		Expect(code).To(Equal(0), stderr)
		Expect(stdout).To(MatchRegexp(`report.json: verified: signed by key sha256 [0-9a-f]{64}; idmefcheck reference manager \(lab\) dev \(manager role\), not conformant: MUST failures \(exit 1\)`))
	})

	It("fail verification when one byte changes, or with another key", func() {
		data := must(os.ReadFile(filepath.Join(dir, "report.json")))
		changedDir := GinkgoT().TempDir()
		changed := append([]byte{}, data...)
		i := strings.Index(string(changed), `"verdict": "fail"`) + len(`"verdict": "`)
		copy(changed[i:], "pass")
		Expect(os.WriteFile(filepath.Join(changedDir, "report.json"), changed, 0o644)).To(Succeed())
		Expect(os.WriteFile(filepath.Join(changedDir, "report.json.sig"), must(os.ReadFile(filepath.Join(dir, "report.json.sig"))), 0o644)).To(Succeed())
		pub := filepath.Join(lab.Dir, pki.PublicKeyFile("analyzer"))
		code, _, stderr := run("", "report", "verify", filepath.Join(changedDir, "report.json"), "--pub", pub)
		Expect(code).To(Equal(1))
		Expect(stderr).To(ContainSubstring("NOT verified: report: " + filepath.Join(changedDir, "report.json.sig") + ": the report's bytes are not the bytes that were signed"))

		code, _, stderr = run("", "report", "verify", filepath.Join(dir, "report.json"), "--pub", filepath.Join(lab.Dir, pki.PublicKeyFile("manager")))
		Expect(code).To(Equal(1))
		Expect(stderr).To(ContainSubstring("signed with another key"))

		code, _, stderr = run("", "report", "verify", filepath.Join(dir, "report.json"))
		Expect(code).To(Equal(2))
		Expect(stderr).To(ContainSubstring("needs --pub KEY"))
	})

	It("compare with another run's, the differing checks marked", func() {
		ref := labFor("reference")
		code, _, _, refDir := runSuite(ref.StatementFile, "--only", "MGR-CONF-*,MGR-AUTH-007", "--formats", "json")
		Expect(code).To(Equal(0))
		Expect(filepath.Join(refDir, "report.html")).NotTo(BeAnExistingFile(), "--formats json writes report.json alone")
		out := GinkgoT().TempDir()
		a, b := filepath.Join(refDir, "report.json"), filepath.Join(dir, "report.json")
		code, _, stderr := run("", "report", "compare", a, b, "-o", filepath.Join(out, "matrix.md"))
		Expect(code).To(Equal(0), stderr)
		md := string(must(os.ReadFile(filepath.Join(out, "matrix.md"))))
		Expect(md).To(ContainSubstring("| ≠ **MGR-CONF-001** TLS 1.2 is refused (MUST) | pass | fail |"))
		Expect(md).To(ContainSubstring("### Checks that differ (1 of "))
		code, _, stderr = run("", "report", "compare", a, b, "-o", filepath.Join(out, "matrix.html"))
		Expect(code).To(Equal(0), stderr)
		Expect(string(must(os.ReadFile(filepath.Join(out, "matrix.html"))))).To(ContainSubstring(`<td class="mono">≠ MGR-CONF-001</td>`))
	})
})

var _ = Describe("idmefcheck report", func() {
	It("refuses a file that is not a report, naming the file and the place", func() {
		dir := GinkgoT().TempDir()
		broken := writeFile(dir, "broken.json", "{\n  \"format\": \"idmefcheck-report/1\",\n  oops\n}")
		code, _, stderr := run("", "report", "render", "--format", "html", broken)
		Expect(code).To(Equal(2))
		Expect(stderr).To(ContainSubstring("broken.json: not JSON: line 3, column"))
		partial := writeFile(dir, "partial.json", `{"format": "idmefcheck-report/1", "suite": {"name": "idmefcheck"}}`)
		code, _, stderr = run("", "report", "compare", partial, partial)
		Expect(code).To(Equal(2))
		Expect(stderr).To(ContainSubstring("partial.json: /suite: missing properties: 'version', 'catalog_sha256', 'checks_sha256'"))
	})

	It("asks for a format it can name", func() {
		code, _, stderr := run("", "report", "render", "x.json")
		Expect(code).To(Equal(2))
		Expect(stderr).To(ContainSubstring("give --format (json, junit, markdown, html), or -o with a .json, .xml, .md or .html name"))
		code, _, stderr = run("", "report", "render", "--format", "pdf", "x.json")
		Expect(code).To(Equal(2))
		Expect(stderr).To(ContainSubstring(`--format "pdf": want json, junit, markdown, html`))
	})

	It("compares two or more reports, not one", func() {
		code, _, stderr := run("", "report", "compare", "a.json")
		Expect(code).To(Equal(2))
		Expect(stderr).To(ContainSubstring("report compare takes two or more report files"))
	})
})

var _ = Describe("idmefcheck run --lab (hidden, for demos and tests)", func() {
	It("runs the suite against a known-bad lab manager named in the report", func() {
		dir := GinkgoT().TempDir()
		code, stdout, stderr := run("", "run", "--role", "manager", "--lab", "manager/accept-tls12", "--only", "MGR-CONF-001", "--out", dir, "--formats", "json")
		Expect(code).To(Equal(report.ExitMustFailure), stderr)
		Expect(stdout).To(ContainSubstring("idmefcheck known-bad manager/accept-tls12 (lab) dev (manager role)"))
		Expect(loadReport(dir).Implementation.Product).To(Equal("known-bad manager/accept-tls12 (lab)"))
	})

	It("names the labs it knows when given another, and stands alone", func() {
		code, _, stderr := run("", "run", "--role", "manager", "--lab", "manager/nope")
		Expect(code).To(Equal(2))
		Expect(stderr).To(ContainSubstring(`--lab "manager/nope": want reference or one of manager/`))
		code, _, stderr = run("", "run", "--role", "manager", "--lab", "reference", "--ics", "x.yaml")
		Expect(code).To(Equal(2))
		Expect(stderr).To(ContainSubstring("--lab runs against its own manager"))
	})

	It("is left out of help and docs/cli.md", func() {
		_, stdout, _ := run("", "run", "--help")
		Expect(stdout).NotTo(ContainSubstring("--lab"))
		_, stdout, _ = run("", "help", "--format", "markdown")
		Expect(stdout).NotTo(ContainSubstring("--lab"))
	})
})

func must[T any](v T, err error) T {
	Expect(err).NotTo(HaveOccurred())
	return v
}

func slicesIndex(r *report.Report, id string) int {
	for i, res := range r.Results {
		if res.ID == id {
			return i
		}
	}
	return -1
}

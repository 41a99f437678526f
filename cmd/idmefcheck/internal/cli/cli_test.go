package cli_test

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/idmefcheck/idmefcheck/cmd/idmefcheck/internal/cli"
)

// run calls the command line in-process and returns its exit code and output.
func run(stdin string, args ...string) (code int, stdout, stderr string) {
	var out, errb bytes.Buffer
	env := &cli.Env{Stdin: strings.NewReader(stdin), Stdout: &out, Stderr: &errb}
	code = cli.Main(context.Background(), args, env)
	return code, out.String(), errb.String()
}

const valid = `{"Version":"2.D.V08","ID":"0190a6e2-7c1d-7b3e-9f00-5a1b2c3d4e5f","CreateTime":"2026-01-14T15:58:47+01:00","Priority":"Low","Analyzer":{"Name":"ids1","IP":"192.0.2.1"}}`
const noOffset = `{"Version":"2.D.V08","ID":"0190a6e2-7c1d-7b3e-9f00-5a1b2c3d4e50","CreateTime":"2026-01-14T15:58:47","Priority":"Low","Analyzer":{"Name":"ids1","IP":"192.0.2.1"}}`

func writeFile(dir, name, body string) string {
	p := filepath.Join(dir, name)
	Expect(os.WriteFile(p, []byte(body), 0o644)).To(Succeed())
	return p
}

var _ = Describe("idmefcheck", func() {
	It("lists the commands and exits 2 when called without one", func() {
		code, _, stderr := run("")
		Expect(code).To(Equal(2))
		Expect(stderr).To(ContainSubstring("validate"))
	})

	It("points to help for an unknown command", func() {
		code, _, stderr := run("", "frobnicate")
		Expect(code).To(Equal(2))
		Expect(stderr).To(Equal("idmefcheck: unknown command \"frobnicate\"; run 'idmefcheck help' for the list\n"))
	})

	It("shows each command's help with --help and exits 0", func() {
		for _, c := range cli.Commands() {
			code, stdout, _ := run("", c.Name, "--help")
			Expect(code).To(Equal(0), c.Name)
			Expect(stdout).To(HavePrefix("usage: idmefcheck " + c.Usage))
		}
	})

	It("reports an unknown flag with the synopsis and exits 2", func() {
		code, _, stderr := run("", "validate", "--colour")
		Expect(code).To(Equal(2))
		Expect(stderr).To(ContainSubstring("unknown flag: --colour"))
		Expect(stderr).To(ContainSubstring("usage: idmefcheck validate"))
	})
})

var _ = Describe("idmefcheck validate", func() {
	var dir string
	BeforeEach(func() { dir = GinkgoT().TempDir() })

	It("exits 0 when every message is valid", func() {
		code, stdout, _ := run("", "validate", writeFile(dir, "a.json", valid))
		Expect(code).To(Equal(0))
		Expect(stdout).To(ContainSubstring("a.json: valid under strict (2.D.V08)"))
		Expect(stdout).To(ContainSubstring("1 message in 1 source: 1 valid, 0 invalid"))
	})

	It("exits 1 and prints source:line, pointer, sentence and rule for an invalid message", Label("R4766-7.14"), func() {
		p := writeFile(dir, "b.json", "{\n\"Version\":\"2.D.V08\",\"ID\":\"0190a6e2-7c1d-7b3e-9f00-5a1b2c3d4e50\",\n\"CreateTime\":\"2026-01-14T15:58:47\",\"Priority\":\"Low\",\"Analyzer\":{\"Name\":\"ids1\",\"IP\":\"192.0.2.1\"}}")
		code, stdout, _ := run("", "validate", p)
		Expect(code).To(Equal(1))
		Expect(stdout).To(ContainSubstring(p + `:3: /CreateTime: CreateTime "2026-01-14T15:58:47" has no UTC offset; R4766-7.14 requires local time with its offset, e.g. 2026-01-14T15:58:47+01:00`))
		Expect(stdout).To(ContainSubstring("[error time.offset-missing; R4766-7.14, IDMEF2-3.3.2-1]"))
	})

	It("keeps the published schema's verdict under --profile official and warns", func() {
		code, stdout, _ := run("", "validate", "--profile", "official", writeFile(dir, "b.json", noOffset))
		Expect(code).To(Equal(0))
		Expect(stdout).To(ContainSubstring("[warning time.offset-missing"))
	})

	It("prints one JSON object per message with --format json", func() {
		p := writeFile(dir, "s.ndjson", valid+"\n\n"+noOffset+"\n")
		code, stdout, stderr := run("", "validate", "--format", "json", p)
		Expect(code).To(Equal(1))
		lines := strings.Split(strings.TrimSpace(stdout), "\n")
		Expect(lines).To(HaveLen(2))
		var second map[string]any
		Expect(json.Unmarshal([]byte(lines[1]), &second)).To(Succeed())
		Expect(second).To(HaveKeyWithValue("source", p))
		Expect(second).To(HaveKeyWithValue("index", 1.0))
		Expect(second).To(HaveKeyWithValue("line", 3.0))
		Expect(second).To(HaveKeyWithValue("version", "2.D.V08"))
		Expect(second).To(HaveKeyWithValue("valid", false))
		f := second["findings"].([]any)[0].(map[string]any)
		Expect(f).To(HaveKeyWithValue("rule", "time.offset-missing"))
		Expect(f).To(HaveKeyWithValue("requirement", []any{"R4766-7.14", "IDMEF2-3.3.2-1"}))
		Expect(f).To(HaveKeyWithValue("severity", "error"))
		Expect(f).To(HaveKeyWithValue("pointer", "/CreateTime"))
		Expect(f).To(HaveKey("message"))
		Expect(stderr).To(ContainSubstring("2 messages in 1 source"))
	})

	It("gives null as the version when none could be chosen", func() {
		_, stdout, _ := run(`{"ID":"x"}`, "validate", "--format", "json")
		Expect(stdout).To(ContainSubstring(`"version":null`))
		Expect(stdout).To(ContainSubstring(`"rule":"version.missing"`))
	})

	It("reads standard input with - or no file, and NDJSON with --ndjson", func() {
		code, stdout, _ := run(valid+"\n"+valid+"\n", "validate", "--ndjson", "-")
		Expect(code).To(Equal(0))
		Expect(stdout).To(ContainSubstring("2 messages in 1 source"))
		code, _, _ = run(valid, "validate")
		Expect(code).To(Equal(0))
	})

	It("gives the same findings with --engine interpreter", func() {
		p := writeFile(dir, "s.ndjson", valid+"\n"+noOffset+"\n"+`{"Version":"2.D.V08","Priority":"high"}`+"\n")
		_, compiled, _ := run("", "validate", "--format", "json", p)
		_, interpreted, _ := run("", "validate", "--format", "json", "--engine", "interpreter", p)
		Expect(interpreted).To(Equal(compiled))
		Expect(compiled).To(ContainSubstring("schema.enum"))
	})

	It("judges against --version whatever the message says", func() {
		code, stdout, _ := run(valid, "validate", "--version", "2.D.V07")
		Expect(code).To(Equal(1))
		Expect(stdout).To(ContainSubstring("schema.version"))
	})

	It("refuses an unknown --version, listing the supported ones", func() {
		code, _, stderr := run(valid, "validate", "--version", "2.D.V09")
		Expect(code).To(Equal(2))
		Expect(stderr).To(ContainSubstring("supported revisions are 2.D.V04, 2.D.V05, 2.D.V06, 2.D.V07, 2.D.V08"))
	})

	It("goes on past an unreadable input, reports it and exits 2", func() {
		good := writeFile(dir, "a.json", valid)
		code, stdout, stderr := run("", "validate", filepath.Join(dir, "missing.json"), good)
		Expect(code).To(Equal(2))
		Expect(stderr).To(ContainSubstring("missing.json: no such file or directory"))
		Expect(stdout).To(ContainSubstring("a.json: valid"))
	})

	It("reports a line over --max-size as an invalid message and goes on", func() {
		p := writeFile(dir, "big.ndjson", valid+"\n"+`{"x":"`+strings.Repeat("y", 5000)+`"}`+"\n"+valid+"\n")
		code, stdout, _ := run("", "validate", "--max-size", "1000", p)
		Expect(code).To(Equal(1))
		Expect(stdout).To(ContainSubstring(p + ":2: (message): line 2 is 4.9 KiB long, more than the limit of 1000 bytes; it was skipped [error json.limit-size"))
		Expect(stdout).To(ContainSubstring("3 messages in 1 source: 2 valid, 1 invalid"))
	})

	It("keeps input order with many workers", func() {
		var b strings.Builder
		for i := 0; i < 300; i++ {
			if i%7 == 0 {
				b.WriteString(noOffset + "\n")
			} else {
				b.WriteString(valid + "\n")
			}
		}
		_, stdout, _ := run(b.String(), "validate", "--ndjson", "--jobs", "8", "--format", "json")
		for i, line := range strings.Split(strings.TrimSpace(stdout), "\n") {
			var m struct {
				Index int  `json:"index"`
				Valid bool `json:"valid"`
			}
			Expect(json.Unmarshal([]byte(line), &m)).To(Succeed())
			Expect(m.Index).To(Equal(i))
			Expect(m.Valid).To(Equal(i%7 != 0))
		}
	})

	DescribeTable("refuses bad flag values with exit 2",
		func(args ...string) {
			code, _, stderr := run("", append([]string{"validate"}, args...)...)
			Expect(code).To(Equal(2))
			Expect(stderr).To(ContainSubstring("usage: idmefcheck validate"))
		},
		Entry("a profile", "--profile", "lenient"),
		Entry("a format", "--format", "xml"),
		Entry("a size", "--max-size", "0"),
		Entry("a job count", "--jobs", "0"),
		Entry("an engine", "--engine", "jit"),
	)
})

var _ = Describe("idmefcheck catalog", func() {
	It("lists requirements with coverage", func() {
		code, stdout, _ := run("", "catalog")
		Expect(code).To(Equal(0))
		Expect(stdout).To(MatchRegexp(`R4766-7\.14 +SHALL +time +message-level .*\[\d+ covering\]`))
	})

	It("filters by category and level", func() {
		_, stdout, _ := run("", "catalog", "--category", "time", "--level", "SHALL", "--format", "json")
		for _, line := range strings.Split(strings.TrimSpace(stdout), "\n") {
			var r map[string]any
			Expect(json.Unmarshal([]byte(line), &r)).To(Succeed())
			Expect(r).To(HaveKeyWithValue("category", "time"))
			Expect(r).To(HaveKeyWithValue("level", "SHALL"))
			Expect(r).To(HaveKey("covered_by"))
		}
	})

	It("refuses an unknown level", func() {
		code, _, stderr := run("", "catalog", "--level", "OUGHT")
		Expect(code).To(Equal(2))
		Expect(stderr).To(ContainSubstring("want one of MUST, SHALL, SHOULD, MAY"))
	})
})

var _ = Describe("idmefcheck version", func() {
	It("prints the version, the revisions and the catalogue hash", func() {
		code, stdout, _ := run("", "version")
		Expect(code).To(Equal(0))
		Expect(stdout).To(MatchRegexp(`(?m)^idmefcheck \S+ \(go`))
		Expect(stdout).To(ContainSubstring("IDMEFv2 revisions: 2.D.V04, 2.D.V05, 2.D.V06, 2.D.V07, 2.D.V08"))
		Expect(stdout).To(MatchRegexp(`catalogue: \d+ requirements, sha256 [0-9a-f]{64}`))
	})
})

var _ = Describe("the generated documents", func() {
	DescribeTable("are up to date",
		func(file string, args ...string) {
			_, want, _ := run("", args...)
			have, err := os.ReadFile(filepath.Join("..", "..", "..", "..", "docs", file))
			Expect(err).NotTo(HaveOccurred())
			Expect(string(have)).To(Equal(want), "docs/%s is stale: run `make docs` and commit the result", file)
		},
		Entry(nil, "cli.md", "help", "--format", "markdown"),
		Entry(nil, "requirements.md", "catalog", "--format", "markdown"),
		Entry(nil, "rules.md", "rules", "--format", "markdown"),
		Entry(nil, "checks.md", "checks", "list", "--format", "markdown"),
	)
})

package vectors_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing/fstest"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/idmefcheck/idmefcheck/conformance/catalog"
	"github.com/idmefcheck/idmefcheck/reference/validator"
	"github.com/idmefcheck/idmefcheck/schema"
	"github.com/idmefcheck/idmefcheck/vectors"
	"github.com/idmefcheck/idmefcheck/vectors/internal/corpus"
)

// The corpus is loaded once: it is large, and every spec only reads it.
var loadAll = sync.OnceValues(func() (*vectors.Corpus, error) {
	set, err := schema.Load()
	if err != nil {
		return nil, err
	}
	return vectors.Load(set)
})

func theCorpus() (*schema.Set, *vectors.Corpus, *catalog.Catalog) {
	GinkgoHelper()
	set, err := schema.Load()
	Expect(err).NotTo(HaveOccurred())
	c, err := loadAll()
	Expect(err).NotTo(HaveOccurred())
	cat, err := catalog.Load(set)
	Expect(err).NotTo(HaveOccurred())
	return set, c, cat
}

func knowledge(cat *catalog.Catalog) vectors.Knowledge {
	return vectors.Knowledge{
		Requirement: func(id string) bool { _, ok := cat.Lookup(id); return ok },
		Rule:        func(id string) bool { _, ok := validator.LookupRule(id); return ok },
	}
}

var _ = Describe("the embedded corpus", func() {
	It("is what the generator writes today", func() {
		files, err := corpus.Files()
		Expect(err).NotTo(HaveOccurred())
		for name, want := range files {
			have, err := os.ReadFile(name)
			Expect(err).NotTo(HaveOccurred(), "%s is missing: run `go generate ./vectors`", name)
			Expect(bytes.Equal(have, want)).To(BeTrue(), "%s is stale: run `go generate ./vectors` and commit the result", name)
		}
		on, _ := filepath.Glob("*.json")
		Expect(on).To(HaveLen(len(files)), "vectors/ holds JSON files the generator does not write")
	})

	It("follows the file schema and the cross-file rules", func() {
		_, c, cat := theCorpus()
		Expect(vectors.Lint(c, knowledge(cat))).To(Succeed())
	})

	It("holds at least 600 vectors over the topics of the issue", func() {
		_, c, _ := theCorpus()
		Expect(len(c.Vectors)).To(BeNumerically(">=", vectors.MinTotal))
		Expect(c.Topics()).To(ContainElements("time", "identifiers", "addresses", "extensibility", "i18n", "content", "versions", "syntax", "sizes"))
	})

	DescribeTable("agrees with idmefcheck's validator on every vector",
		func(engine string) {
			set, c, _ := theCorpus()
			ds, err := vectors.Verify(context.Background(), set, c.Vectors, engine)
			Expect(err).NotTo(HaveOccurred())
			var lines []string
			for _, d := range ds {
				lines = append(lines, d.String())
			}
			Expect(lines).To(BeEmpty(), "when a vector and the validator disagree, fix the validator; change an expectation only with its reason in the comment")
		},
		Entry("the compiled engine", validator.EngineCompiled),
		Entry("the interpreter", validator.EngineInterpreter),
	)

	It("gets the very same results from both engines, finding for finding", func() {
		set, c, _ := theCorpus()
		for _, p := range []validator.Profile{validator.Strict, validator.Official} {
			comp, err := validator.New(set, validator.Options{Profile: p, Engine: validator.EngineCompiled})
			Expect(err).NotTo(HaveOccurred())
			interp, err := validator.New(set, validator.Options{Profile: p, Engine: validator.EngineInterpreter})
			Expect(err).NotTo(HaveOccurred())
			for _, v := range c.Vectors {
				if v.ValidateAs != "" {
					continue // judged with Options.Version below
				}
				Expect(reflect.DeepEqual(comp.Validate(v.Data), interp.Validate(v.Data))).To(BeTrue(), "%s under %s", v.ID, p)
			}
		}
	})

	It("meets every coverage target", func() {
		set, c, cat := theCorpus()
		m := set.Model()
		vs := m.Versions()
		rep := vectors.Coverage(c, vectors.CoverageInput{Catalog: cat, Model: m, RuleRequirements: validator.Coverage(m), Newest: vs[len(vs)-1]})
		AddReportEntry("coverage", fmt.Sprintf("%d vectors; %d message-level requirements, %d class targets, %d omitted fields, %d keywords, %d edge cases reached",
			rep.Total, len(rep.Requirements), len(rep.Classes), len(rep.Omissions), len(rep.Keywords), len(rep.Edges)))
		Expect(rep.Problems).To(BeEmpty())
		Expect(rep.Keywords).NotTo(BeEmpty())
		Expect(rep.Omissions).NotTo(BeEmpty())
	})
})

// A small corpus to show that each check can fail.
const okFile = `{
  "schema": "vectors.schema.json",
  "formatVersion": 1,
  "topic": "demo",
  "header": ["Two vectors."],
  "numberOfTests": 2,
  "notes": {"Flag": {"bugType": "EDGE_CASE", "description": "A flag for the demo."}},
  "testGroups": [{"version": "2.D.V08", "tests": [
    {"id": "demo.valid", "comment": "A valid message.", "requirements": ["IDMEF2-5.2-3"], "flags": ["Flag"],
     "message": {"Version": "2.D.V08", "ID": "0194608e-3c5a-7b21-9f3e-5d2c8a1b4e60", "CreateTime": "2026-01-14T15:58:47+01:00", "Priority": "Low", "Analyzer": {"Name": "a", "IP": "192.0.2.1"}},
     "official": "valid", "strict": "valid", "rules": []},
    {"id": "demo.no-offset", "comment": "No offset.", "requirements": ["R4766-7.14"], "flags": [],
     "text": "{\"Version\":\"2.D.V08\",\"ID\":\"0194608e-3c5a-7b21-9f3e-5d2c8a1b4e61\",\"CreateTime\":\"2026-01-14T15:58:47\",\"Priority\":\"Low\",\"Analyzer\":{\"Name\":\"a\",\"IP\":\"192.0.2.1\"}}",
     "official": "valid", "strict": "invalid", "rules": ["time.offset-missing"]}
  ]}]
}
`

var _ = Describe("the checks on vector files", func() {
	var set *schema.Set
	var cat *catalog.Catalog
	BeforeEach(func() { set, _, cat = theCorpus() })

	load := func(files map[string]string) (*vectors.Corpus, error) {
		fsys := fstest.MapFS{}
		for name, body := range files {
			fsys["v/"+name] = &fstest.MapFile{Data: []byte(body)}
		}
		return vectors.LoadFS(set, fsys, "v")
	}

	It("accept a well-formed file, keeping an inline message byte for byte", func() {
		c, err := load(map[string]string{"demo.json": okFile})
		Expect(err).NotTo(HaveOccurred())
		Expect(vectors.Lint(c, knowledge(cat))).To(Succeed())
		v, _ := c.Lookup("demo.valid")
		Expect(string(v.Data)).To(HavePrefix(`{"Version": "2.D.V08", "ID"`))
		ds, err := vectors.Verify(context.Background(), set, c.Vectors, validator.EngineCompiled)
		Expect(err).NotTo(HaveOccurred())
		Expect(ds).To(BeEmpty())
	})

	It("refuse a file that breaks the schema, naming it", func() {
		_, err := load(map[string]string{"demo.json": strings.Replace(okFile, `"strict": "valid"`, `"strict": "fine"`, 1)})
		Expect(err).To(MatchError(ContainSubstring("vectors: demo.json: does not follow vectors.schema.json")))
	})

	DescribeTable("report what a schema cannot see, with file and pointer",
		func(files map[string]string, want string) {
			c, err := load(files)
			Expect(err).NotTo(HaveOccurred())
			Expect(vectors.Lint(c, knowledge(cat))).To(MatchError(ContainSubstring(want)))
		},
		Entry("an ID used twice", map[string]string{"demo.json": okFile, "demo2.json": strings.Replace(strings.Replace(okFile, `"topic": "demo"`, `"topic": "demo2"`, 1), `"demo.no-offset"`, `"demo2.no-offset"`, 1)},
			`ID "demo.valid" is already used`),
		Entry("an undeclared flag", map[string]string{"demo.json": strings.Replace(okFile, `"flags": []`, `"flags": ["Nope"]`, 1)},
			`demo.json: /testGroups/0/tests/1/flags/0: undeclared flag "Nope"`),
		Entry("an unused flag", map[string]string{"demo.json": strings.Replace(okFile, `"flags": ["Flag"]`, `"flags": []`, 1)},
			`flag "Flag" is declared but no vector uses it`),
		Entry("an unknown requirement", map[string]string{"demo.json": strings.Replace(okFile, `["R4766-7.14"]`, `["R4766-99.1"]`, 1)},
			`/testGroups/0/tests/1/requirements/0: unknown requirement "R4766-99.1"`),
		Entry("an unknown rule", map[string]string{"demo.json": strings.Replace(okFile, `["time.offset-missing"]`, `["time.offset-gone"]`, 1)},
			`unknown rule "time.offset-gone"`),
		Entry("a wrong count", map[string]string{"demo.json": strings.Replace(okFile, `"numberOfTests": 2`, `"numberOfTests": 3`, 1)},
			"says 3 tests, the file holds 2"),
		Entry("an ID outside its topic", map[string]string{"demo.json": strings.Replace(okFile, `"demo.valid"`, `"other.valid"`, 1)},
			`does not start with the topic "demo."`),
		Entry("a file named after another topic", map[string]string{"wrong.json": okFile},
			`topic "demo" belongs in demo.json`),
		Entry("acceptable without a flag", map[string]string{"demo.json": strings.Replace(okFile, `"strict": "invalid"`, `"strict": "acceptable"`, 1)},
			"acceptable needs a flag"),
		Entry("unsorted rules", map[string]string{"demo.json": strings.Replace(okFile, `["time.offset-missing"]`, `["time.offset-missing", "content.impact"]`, 1)},
			"rules are not sorted"),
	)

	It("show a disagreement with the vector, where it is, and both sides", func() {
		c, err := load(map[string]string{"demo.json": strings.Replace(okFile, `"strict": "invalid", "rules": ["time.offset-missing"]`, `"strict": "valid", "rules": []`, 1)})
		Expect(err).NotTo(HaveOccurred())
		ds, err := vectors.Verify(context.Background(), set, c.Vectors, validator.EngineCompiled)
		Expect(err).NotTo(HaveOccurred())
		Expect(ds).To(HaveLen(1))
		Expect(ds[0].String()).To(Equal("demo.no-offset (demo.json/testGroups/0/tests/1): expected official=valid strict=valid rules=[]; validator says official=valid strict=invalid rules=[time.offset-missing]"))
	})

	It("export each message byte for byte with an index", func() {
		c, err := load(map[string]string{"demo.json": okFile})
		Expect(err).NotTo(HaveOccurred())
		dir := GinkgoT().TempDir()
		Expect(vectors.Export(c, dir)).To(Succeed())
		var index []vectors.IndexEntry
		b, err := os.ReadFile(filepath.Join(dir, "index.json"))
		Expect(err).NotTo(HaveOccurred())
		Expect(json.Unmarshal(b, &index)).To(Succeed())
		Expect(index).To(HaveLen(2))
		Expect(index[1]).To(HaveField("Official", "valid"))
		Expect(index[1]).To(HaveField("Rules", []string{"time.offset-missing"}))
		for _, e := range index {
			v, _ := c.Lookup(e.ID)
			data, err := os.ReadFile(filepath.Join(dir, e.File))
			Expect(err).NotTo(HaveOccurred())
			Expect(data).To(Equal(v.Data))
		}
	})
})

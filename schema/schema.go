package schema

import (
	"bytes"
	"embed"
	"fmt"
	"io"
	"io/fs"
	"slices"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v5"
)

//go:generate go run ./internal/genschemas

// FS holds every schema file idmefcheck embeds: the IDMEFv2 model and the schemas generated
// from it under idmefv2/, and the schemas of the project's own files at the top level.
//
//go:embed idmefv2 *.schema.json
var FS embed.FS

// ModelFile is the path of the IDMEFv2 model inside FS.
const ModelFile = "idmefv2/model.yaml"

// IDMEFv2File returns the path inside FS of the generated schema for a revision.
func IDMEFv2File(version string) string { return "idmefv2/" + version + ".schema.json" }

// Set is the compiled form of the embedded schemas. Build it once with Load and share it: its
// schemas are safe for concurrent Validate calls.
type Set struct {
	model   *Model
	idmefv2 map[string]*jsonschema.Schema
	project map[string]*jsonschema.Schema
}

// Load reads the model and compiles every embedded schema.
func Load() (*Set, error) {
	data, err := FS.ReadFile(ModelFile)
	if err != nil {
		return nil, fmt.Errorf("schema: %w", err)
	}
	m, err := ParseModel(ModelFile, data)
	if err != nil {
		return nil, err
	}
	s := &Set{model: m, idmefv2: map[string]*jsonschema.Schema{}, project: map[string]*jsonschema.Schema{}}
	for _, v := range m.versions {
		file := IDMEFv2File(v)
		b, err := FS.ReadFile(file)
		if err != nil {
			return nil, fmt.Errorf("schema: %s: %w (run: go generate ./schema)", file, err)
		}
		sch, err := compile(IDMEFv2SchemaID(v), b)
		if err != nil {
			return nil, fmt.Errorf("schema: %s: %w", file, err)
		}
		s.idmefv2[v] = sch
	}
	files, err := fs.Glob(FS, "*.schema.json")
	if err != nil {
		return nil, fmt.Errorf("schema: %w", err)
	}
	for _, file := range files {
		b, err := FS.ReadFile(file)
		if err != nil {
			return nil, fmt.Errorf("schema: %s: %w", file, err)
		}
		sch, err := compile(file, b)
		if err != nil {
			return nil, fmt.Errorf("schema: %s: %w", file, err)
		}
		s.project[file] = sch
	}
	return s, nil
}

// compile builds one schema with a compiler of its own: a Compiler is not safe for
// concurrent use, and keeping it local leaves no state behind.
func compile(url string, data []byte) (*jsonschema.Schema, error) {
	c := jsonschema.NewCompiler()
	c.Draft = jsonschema.Draft4
	c.AssertFormat = true
	for name, fn := range formatCheckers {
		c.Formats[name] = fn
	}
	// Nothing may be fetched: every reference must resolve inside the embedded file.
	c.LoadURL = func(u string) (_ io.ReadCloser, err error) {
		return nil, fmt.Errorf("refusing to load %s: embedded schemas are self-contained", u)
	}
	if err := c.AddResource(url, bytes.NewReader(data)); err != nil {
		return nil, err
	}
	return c.Compile(url)
}

// Model returns the IDMEFv2 model the schemas were generated from.
func (s *Set) Model() *Model { return s.model }

// Versions lists the IDMEFv2 revisions with a schema, oldest first.
func (s *Set) Versions() []string { return s.model.Versions() }

// IDMEFv2 returns the compiled schema of a revision.
func (s *Set) IDMEFv2(version string) (*jsonschema.Schema, bool) {
	sch, ok := s.idmefv2[version]
	return sch, ok
}

// Project returns the compiled schema of one of the project's own file formats, by file
// name (for example "requirements.schema.json").
func (s *Set) Project(name string) (*jsonschema.Schema, error) {
	sch, ok := s.project[name]
	if !ok {
		names := make([]string, 0, len(s.project))
		for n := range s.project {
			names = append(names, n)
		}
		slices.Sort(names)
		return nil, fmt.Errorf("schema: no embedded schema %q (have %s)", name, strings.Join(names, ", "))
	}
	return sch, nil
}

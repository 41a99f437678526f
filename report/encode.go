package report

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v5"

	"github.com/idmefcheck/idmefcheck/schema"
)

// SchemaFile is the embedded schema a report follows (schema/report.schema.json); its
// "format" constant is Format.
const SchemaFile = "report.schema.json"

// Marshal returns the canonical bytes of r: indented JSON ending in a newline, with every
// list present (empty, never null) so that the schema can demand arrays. report.json is
// written with it, and a signature covers exactly these bytes; r itself is not changed.
func Marshal(r *Report) ([]byte, error) {
	c := *r
	c.Implementation.Versions = orEmpty(c.Implementation.Versions)
	c.Implementation.Options = orEmpty(c.Implementation.Options)
	c.Run.Targets = orEmpty(c.Run.Targets)
	c.Sanity = orEmpty(c.Sanity)
	c.Results = slices.Clone(orEmpty(c.Results))
	for i := range c.Results {
		c.Results[i].Requirements = orEmpty(c.Results[i].Requirements)
		c.Results[i].Evidence = orEmpty(c.Results[i].Evidence)
	}
	c.Requirements = slices.Clone(orEmpty(c.Requirements))
	for i := range c.Requirements {
		c.Requirements[i].Checks = orEmpty(c.Requirements[i].Checks)
	}
	c.Categories = slices.Clone(orEmpty(c.Categories))
	for i := range c.Categories {
		c.Categories[i].Counts = fullCounts(c.Categories[i].Counts)
	}
	c.Totals.Counts = fullCounts(c.Totals.Counts)
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetIndent("", "  ")
	// Evidence is wire text full of <, > and &; escaping them as \u003c would make the file
	// harder to read and gains nothing, since no report is ever embedded raw in HTML.
	enc.SetEscapeHTML(false)
	if err := enc.Encode(&c); err != nil {
		return nil, fmt.Errorf("report: %w", err)
	}
	return b.Bytes(), nil
}

func orEmpty[S ~[]E, E any](s S) S {
	if s == nil {
		return S{}
	}
	return s
}

// fullCounts returns counts with every verdict present, as the schema demands.
func fullCounts(m map[Verdict]int) map[Verdict]int {
	out := zeroCounts()
	for k, v := range m {
		out[k] = v
	}
	return out
}

// Load reads a report file; see Parse.
func Load(set *schema.Set, file string) (*Report, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("report: %w", err)
	}
	return Parse(set, file, data)
}

// Parse reads a report from data after validating it against the embedded schema, so that
// a renderer never meets a report it could misread. name names the input in errors, each of
// which gives the JSON pointer of the offending value.
func Parse(set *schema.Set, name string, data []byte) (*Report, error) {
	sch, err := set.Project(SchemaFile)
	if err != nil {
		return nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var generic any
	if err := dec.Decode(&generic); err != nil {
		return nil, fmt.Errorf("report: %s: not JSON: %w", name, jsonWhere(data, err))
	}
	if dec.More() {
		return nil, fmt.Errorf("report: %s: more than one JSON value", name)
	}
	if m, ok := generic.(map[string]any); ok {
		if f, ok := m["format"].(string); ok && f != Format {
			return nil, fmt.Errorf("report: %s: /format: %q is not a layout this program reads (it reads %s)", name, f, Format)
		}
	}
	if err := sch.Validate(generic); err != nil {
		var ve *jsonschema.ValidationError
		if errors.As(err, &ve) {
			return nil, schemaError(name, ve)
		}
		return nil, fmt.Errorf("report: %s: %w", name, err)
	}
	var r Report
	if err := json.Unmarshal(data, &r); err != nil {
		return nil, fmt.Errorf("report: %s: %w", name, err)
	}
	return &r, nil
}

// schemaError lists every leaf cause of a schema failure with its JSON pointer.
func schemaError(name string, ve *jsonschema.ValidationError) error {
	var errs []error
	var walk func(e *jsonschema.ValidationError)
	walk = func(e *jsonschema.ValidationError) {
		if len(e.Causes) == 0 {
			at := e.InstanceLocation
			if at == "" {
				at = "/"
			}
			errs = append(errs, fmt.Errorf("report: %s: %s: %s", name, at, e.Message))
			return
		}
		for _, c := range e.Causes {
			walk(c)
		}
	}
	walk(ve)
	return errors.Join(errs...)
}

// jsonWhere adds the line and column to a JSON syntax error.
func jsonWhere(data []byte, err error) error {
	var se *json.SyntaxError
	if !errors.As(err, &se) {
		return err
	}
	before := data[:min(int(se.Offset), len(data))]
	line := bytes.Count(before, []byte("\n")) + 1
	col := len(before) - strings.LastIndexByte(string(before), '\n')
	return fmt.Errorf("line %d, column %d: %w", line, col, err)
}

package designs

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/idmefcheck/idmefcheck/conformance/catalog"
	"github.com/idmefcheck/idmefcheck/schema"
)

//go:embed files/*.yaml
var files embed.FS

// FileSchema is the schema every design file names and is validated against.
const FileSchema = "designs.schema.json"

// What a design provides for a requirement.
const (
	Yes           = "yes"
	Partial       = "partial"
	No            = "no"
	NotApplicable = "not_applicable"
)

// Provisions lists the values of Assessment.Provides, strongest first.
var Provisions = []string{Yes, Partial, No, NotApplicable}

// Design is one protocol design and its assessment against the catalogue. A loaded Design is
// immutable and safe for concurrent use.
type Design struct {
	ID        string     `yaml:"id" json:"id"`
	Title     string     `yaml:"title" json:"title"`
	Version   string     `yaml:"version" json:"version"`
	Documents []Document `yaml:"documents" json:"documents"`
	Summary   string     `yaml:"summary" json:"summary"`
	// Assessments lists one assessment per catalogue requirement, in the file's order.
	Assessments []*Assessment `yaml:"-" json:"assessments"`
	// File is the name the design was read from.
	File  string `yaml:"-" json:"file"`
	byReq map[string]*Assessment
}

// Document is one of the documents a design consists of.
type Document struct {
	Key       string `yaml:"key" json:"key"`
	Reference string `yaml:"reference" json:"reference"`
}

// Assessment is what a design provides for one requirement.
type Assessment struct {
	Requirement string    `yaml:"requirement" json:"requirement"`
	Provides    string    `yaml:"provides" json:"provides"`
	Mechanism   Mechanism `yaml:"mechanism" json:"mechanism"`
	Reasoning   string    `yaml:"reasoning" json:"reasoning"`
	Cites       []string  `yaml:"cites" json:"cites"`
}

// Mechanism is how a design provides something: a feature in words, and the fields and
// enumeration keywords of its IDMEFv2 revision it uses (checked against the model).
type Mechanism struct {
	Feature string   `yaml:"feature" json:"feature"`
	Fields  []string `yaml:"fields,omitempty" json:"fields,omitempty"`
	Values  []string `yaml:"values,omitempty" json:"values,omitempty"`
}

// Assessment returns the design's assessment of a requirement.
func (d *Design) Assessment(req string) (*Assessment, bool) { a, ok := d.byReq[req]; return a, ok }

type file struct {
	Schema      string        `yaml:"schema"`
	Design      Design        `yaml:"design"`
	Assessments []*Assessment `yaml:"assessments"`
}

// Parse reads one design file: it validates it against its schema and decodes it. It does
// not check it against the catalogue or the model (Check does). name is used in errors, each
// of which starts "designs: <name>: "; on error the design is nil.
func Parse(set *schema.Set, name string, data []byte) (*Design, error) {
	sch, err := set.Project(FileSchema)
	if err != nil {
		return nil, fmt.Errorf("designs: %w", err)
	}
	var generic any
	if err := yaml.Unmarshal(data, &generic); err != nil {
		return nil, fmt.Errorf("designs: %s: %w", name, err)
	}
	if err := sch.Validate(generic); err != nil {
		return nil, fmt.Errorf("designs: %s: does not follow %s: %w", name, FileSchema, err)
	}
	var f file
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&f); err != nil {
		return nil, fmt.Errorf("designs: %s: %w", name, err)
	}
	d := &f.Design
	d.File = name
	d.Assessments = f.Assessments
	d.byReq = make(map[string]*Assessment, len(f.Assessments))
	var errs []error
	for i, a := range f.Assessments {
		if _, dup := d.byReq[a.Requirement]; dup {
			errs = append(errs, fmt.Errorf("designs: %s: /assessments/%d: %s is assessed twice", name, i, a.Requirement))
			continue
		}
		d.byReq[a.Requirement] = a
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return d, nil
}

// Check holds a parsed design to the rules its schema cannot express: every requirement of
// the catalogue is assessed and no other; every cited section names one of the design's
// documents; a "yes" or "partial" cites something; every field and keyword a mechanism names
// exists in the design's IDMEFv2 revision. It returns every problem found, joined.
func Check(d *Design, m *schema.Model, cat *catalog.Catalog) error {
	var errs []error
	fail := func(format string, args ...any) {
		errs = append(errs, fmt.Errorf("designs: %s: "+format, append([]any{d.File}, args...)...))
	}
	rev, ok := m.Revision(d.Version)
	if !ok {
		fail("/design/version: %s is not a revision of the model (have %s)", d.Version, strings.Join(m.Versions(), ", "))
	}
	keys := map[string]bool{}
	for _, doc := range d.Documents {
		if keys[doc.Key] {
			fail("/design/documents: key %q declared twice", doc.Key)
		}
		keys[doc.Key] = true
	}
	for _, r := range cat.Requirements() {
		if _, ok := d.byReq[r.ID]; !ok {
			fail("%s is not assessed (every catalogue requirement must be)", r.ID)
		}
	}
	for i, a := range d.Assessments {
		at := fmt.Sprintf("/assessments/%d (%s)", i, a.Requirement)
		if _, ok := cat.Lookup(a.Requirement); !ok {
			fail("%s: no such requirement in the catalogue", at)
		}
		for _, c := range a.Cites {
			key, _, _ := strings.Cut(c, " ")
			if !keys[key] {
				fail("%s: cites %q, but the design has no document %q", at, c, key)
			}
		}
		if (a.Provides == Yes || a.Provides == Partial) && len(a.Cites) == 0 {
			fail("%s: provides %s but cites no section", at, a.Provides)
		}
		if rev == nil {
			continue
		}
		for _, p := range a.Mechanism.Fields {
			if _, err := Field(rev, p); err != nil {
				fail("%s: mechanism field %s: %v", at, p, err)
			}
		}
		for _, v := range a.Mechanism.Values {
			p, kw, _ := strings.Cut(v, "=")
			f, err := Field(rev, p)
			if err != nil {
				fail("%s: mechanism value %s: %v", at, v, err)
				continue
			}
			if !slices.Contains(f.Values, kw) {
				fail("%s: mechanism value %s: %q is not a keyword of %s in %s", at, v, kw, p, rev.Version)
			}
		}
	}
	return errors.Join(errs...)
}

// Field finds the field an IDMEF path names in a revision: "CreateTime" (a field of Alert)
// or "Source.IP" (class, then field).
func Field(rev *schema.Revision, p string) (*schema.Field, error) {
	class, name, qualified := strings.Cut(p, ".")
	if !qualified {
		class, name = "Alert", p
	}
	c, ok := rev.Class(class)
	if !ok {
		return nil, fmt.Errorf("%s has no class %s", rev.Version, class)
	}
	f, ok := c.Field(name)
	if !ok {
		return nil, fmt.Errorf("%s has no field %s", rev.Version, p)
	}
	return f, nil
}

// Library is the set of designs idmefcheck ships, checked against the catalogue and the
// model. It is immutable and safe for concurrent use.
type Library struct {
	designs []*Design
}

// Load reads, validates and checks every embedded design file.
func Load(set *schema.Set, cat *catalog.Catalog) (*Library, error) {
	return load(set, cat, files, "files")
}

func load(set *schema.Set, cat *catalog.Catalog, fsys fs.FS, dir string) (*Library, error) {
	names, err := fs.Glob(fsys, path.Join(dir, "*.yaml"))
	if err != nil {
		return nil, fmt.Errorf("designs: %w", err)
	}
	if len(names) == 0 {
		return nil, fmt.Errorf("designs: no design files in %s", dir)
	}
	lib := &Library{}
	seen := map[string]string{}
	var errs []error
	for _, name := range names {
		data, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, fmt.Errorf("designs: %w", err)
		}
		d, err := Parse(set, path.Base(name), data)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if err := Check(d, set.Model(), cat); err != nil {
			errs = append(errs, err)
		}
		if prev, dup := seen[d.ID]; dup {
			errs = append(errs, fmt.Errorf("designs: %s: design %s is already defined in %s", d.File, d.ID, prev))
		}
		seen[d.ID] = d.File
		lib.designs = append(lib.designs, d)
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	slices.SortFunc(lib.designs, func(a, b *Design) int { return strings.Compare(a.ID, b.ID) })
	return lib, nil
}

// Designs lists the designs by ID.
func (l *Library) Designs() []*Design { return slices.Clone(l.designs) }

// Lookup returns the design with the given ID.
func (l *Library) Lookup(id string) (*Design, bool) {
	for _, d := range l.designs {
		if d.ID == id {
			return d, true
		}
	}
	return nil, false
}

// IDs lists the designs' IDs, sorted.
func (l *Library) IDs() []string {
	out := make([]string, len(l.designs))
	for i, d := range l.designs {
		out[i] = d.ID
	}
	return out
}

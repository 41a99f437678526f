// Package catalog holds the requirements catalogue: every normative statement of the
// standards idmefcheck tests, each under a stable ID, in the project's own words.
package catalog

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/idmefcheck/idmefcheck/schema"
)

//go:embed requirements/*.yaml
var files embed.FS

// FileSchema is the schema every catalogue file names and is validated against.
const FileSchema = "requirements.schema.json"

// Levels, in decreasing force. SHALL carries the force of MUST (RFC 2119).
const (
	LevelMust   = "MUST"
	LevelShall  = "SHALL"
	LevelShould = "SHOULD"
	LevelMay    = "MAY"
)

// Testing modes: how a requirement can be established.
const (
	BlackBox     = "black-box"
	MessageLevel = "message-level"
	Attested     = "attested"
)

// Document is a source document of requirements.
type Document struct {
	ID        string `yaml:"id" json:"id"`
	Title     string `yaml:"title" json:"title"`
	Reference string `yaml:"reference" json:"reference"`
}

// Requirement is one normative statement.
type Requirement struct {
	ID       string   `yaml:"id" json:"id"`
	Document string   `yaml:"-" json:"document"`
	Section  string   `yaml:"section" json:"section"`
	Level    string   `yaml:"level" json:"level"`
	Keyword  string   `yaml:"keyword" json:"keyword"`
	Title    string   `yaml:"title" json:"title"`
	Text     string   `yaml:"text" json:"text"`
	Roles    []string `yaml:"roles" json:"roles"`
	Category string   `yaml:"category" json:"category"`
	Testing  string   `yaml:"testing" json:"testing"`
	Note     string   `yaml:"note,omitempty" json:"note,omitempty"`
	Related  []string `yaml:"related,omitempty" json:"related,omitempty"`
}

// Catalog is the loaded catalogue. It is immutable and safe for concurrent use.
type Catalog struct {
	docs []Document
	reqs []*Requirement
	byID map[string]*Requirement
	hash string
}

type file struct {
	Schema       string         `yaml:"schema"`
	Document     Document       `yaml:"document"`
	Requirements []*Requirement `yaml:"requirements"`
}

// documentOrder fixes the order documents appear in listings, whatever the file names.
var documentOrder = []string{"R4766", "IDMEF2", "IDMEF2T", "SECOPS"}

// Load reads the embedded catalogue, validating each file against its schema and the
// catalogue as a whole against the rules a schema cannot express.
func Load(set *schema.Set) (*Catalog, error) {
	return load(set, files, "requirements")
}

func load(set *schema.Set, fsys fs.FS, dir string) (*Catalog, error) {
	sch, err := set.Project(FileSchema)
	if err != nil {
		return nil, fmt.Errorf("catalog: %w", err)
	}
	names, err := fs.Glob(fsys, path.Join(dir, "*.yaml"))
	if err != nil {
		return nil, fmt.Errorf("catalog: %w", err)
	}
	if len(names) == 0 {
		return nil, fmt.Errorf("catalog: no catalogue files in %s", dir)
	}
	c := &Catalog{byID: map[string]*Requirement{}}
	h := sha256.New()
	var errs []error
	for _, name := range names {
		data, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, fmt.Errorf("catalog: %w", err)
		}
		h.Write(data)
		var generic any
		if err := yaml.Unmarshal(data, &generic); err != nil {
			return nil, fmt.Errorf("catalog: %s: %w", name, err)
		}
		if err := sch.Validate(generic); err != nil {
			return nil, fmt.Errorf("catalog: %s: does not follow %s: %w", name, FileSchema, err)
		}
		var f file
		dec := yaml.NewDecoder(bytes.NewReader(data))
		dec.KnownFields(true)
		if err := dec.Decode(&f); err != nil {
			return nil, fmt.Errorf("catalog: %s: %w", name, err)
		}
		for i, r := range f.Requirements {
			r.Document = f.Document.ID
			where := fmt.Sprintf("catalog: %s: /requirements/%d (%s)", name, i, r.ID)
			if !strings.HasPrefix(r.ID, f.Document.ID+"-") {
				errs = append(errs, fmt.Errorf("%s: the ID does not start with the document's prefix %s-", where, f.Document.ID))
			}
			if sec := idSection(r.ID); sec != r.Section {
				errs = append(errs, fmt.Errorf("%s: the ID names section %s but section says %s", where, sec, r.Section))
			}
			if prev, dup := c.byID[r.ID]; dup {
				errs = append(errs, fmt.Errorf("%s: ID already used (document %s, %q)", where, prev.Document, prev.Title))
				continue
			}
			c.byID[r.ID] = r
			c.reqs = append(c.reqs, r)
		}
		c.docs = append(c.docs, f.Document)
	}
	for _, r := range c.reqs {
		for _, rel := range r.Related {
			if _, ok := c.byID[rel]; !ok {
				errs = append(errs, fmt.Errorf("catalog: %s: related requirement %s does not exist", r.ID, rel))
			}
		}
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	rank := func(doc string) int {
		if i := slices.Index(documentOrder, doc); i >= 0 {
			return i
		}
		return len(documentOrder)
	}
	slices.SortStableFunc(c.docs, func(a, b Document) int { return rank(a.ID) - rank(b.ID) })
	slices.SortStableFunc(c.reqs, func(a, b *Requirement) int { return rank(a.Document) - rank(b.Document) })
	c.hash = hex.EncodeToString(h.Sum(nil))
	return c, nil
}

// idSection extracts the section part of an ID: R4766-6.2.1-2 → 6.2.1, IDMEF2T-4.3-7 → 4.3.
func idSection(id string) string {
	_, rest, _ := strings.Cut(id, "-")
	if strings.HasPrefix(id, "R4766-") {
		sec, _, _ := strings.Cut(rest, "-")
		return sec
	}
	if i := strings.LastIndex(rest, "-"); i >= 0 {
		return rest[:i]
	}
	return rest
}

// Documents lists the source documents in catalogue order.
func (c *Catalog) Documents() []Document { return slices.Clone(c.docs) }

// Requirements lists every requirement, document by document, in each document's order.
func (c *Catalog) Requirements() []*Requirement { return slices.Clone(c.reqs) }

// Lookup returns the requirement with the given ID.
func (c *Catalog) Lookup(id string) (*Requirement, bool) { r, ok := c.byID[id]; return r, ok }

// Hash identifies the catalogue's content: the SHA-256 of its files, hex-encoded.
func (c *Catalog) Hash() string { return c.hash }

// Filter returns the requirements in the category and of the level given; an empty
// argument matches everything.
func (c *Catalog) Filter(category, level string) []*Requirement {
	var out []*Requirement
	for _, r := range c.reqs {
		if (category == "" || r.Category == category) && (level == "" || r.Level == level) {
			out = append(out, r)
		}
	}
	return out
}

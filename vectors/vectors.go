package vectors

import (
	"bytes"
	"embed"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strings"

	"github.com/idmefcheck/idmefcheck/schema"
)

// FileSchema is the schema every vector file names and is validated against.
const FileSchema = "vectors.schema.json"

// Verdicts a vector expects.
const (
	Valid      = "valid"
	Invalid    = "invalid"
	Acceptable = "acceptable" // strict only: either verdict conforms
)

// Forms in which a vector's message is written.
const (
	FormMessage = "message" // inline JSON object, kept byte for byte
	FormText    = "text"    // a JSON string holding the exact text
	FormRaw     = "raw"     // Base64 of bytes that are not UTF-8
)

//go:embed *.json
var embedded embed.FS

// Note explains a flag.
type Note struct {
	BugType     string   `json:"bugType"`
	Description string   `json:"description"`
	Effect      string   `json:"effect,omitempty"`
	Links       []string `json:"links,omitempty"`
}

// File is one vector file as loaded.
type File struct {
	Name          string // e.g. "time.json"
	Topic         string
	Header        []string
	NumberOfTests int
	Notes         map[string]Note
	Vectors       []*Vector
}

// Vector is one test: a message and what idmefcheck's validator, and any conforming one,
// must say of it.
type Vector struct {
	ID           string
	Comment      string
	File         string // the file it comes from
	Topic        string
	Where        string // JSON Pointer of the vector within its file
	Version      string // the revision the vector is written for
	ValidateAs   string // the revision to judge against, when forced; "" otherwise
	Requirements []string
	Flags        []string
	Form         string
	Data         []byte // the message's bytes, exactly
	Official     string
	Strict       string
	Rules        []string
}

// Corpus is the whole set of vector files.
type Corpus struct {
	Files   []*File
	Vectors []*Vector
	byID    map[string]*Vector
}

// Lookup returns the vector with the given ID.
func (c *Corpus) Lookup(id string) (*Vector, bool) { v, ok := c.byID[id]; return v, ok }

// Load reads the corpus embedded in idmefcheck.
func Load(set *schema.Set) (*Corpus, error) { return LoadFS(set, embedded, ".") }

// LoadFS reads every *.json vector file of dir in fsys, validating each against the vector
// file schema. It does not check what a schema cannot (see Lint).
func LoadFS(set *schema.Set, fsys fs.FS, dir string) (*Corpus, error) {
	sch, err := set.Project(FileSchema)
	if err != nil {
		return nil, fmt.Errorf("vectors: %w", err)
	}
	names, err := fs.Glob(fsys, path.Join(dir, "*.json"))
	if err != nil {
		return nil, fmt.Errorf("vectors: %w", err)
	}
	if len(names) == 0 {
		return nil, fmt.Errorf("vectors: no vector files in %s", dir)
	}
	slices.Sort(names)
	c := &Corpus{byID: map[string]*Vector{}}
	var errs []error
	for _, name := range names {
		data, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, fmt.Errorf("vectors: %w", err)
		}
		f, err := parseFile(path.Base(name), data, sch.Validate)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		c.Files = append(c.Files, f)
		for _, v := range f.Vectors {
			c.Vectors = append(c.Vectors, v)
			if _, dup := c.byID[v.ID]; !dup {
				c.byID[v.ID] = v
			}
		}
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return c, nil
}

// The file as encoding/json sees it. json.RawMessage keeps an inline message's bytes exactly
// as the file writes them.
type fileJSON struct {
	Schema        string          `json:"schema"`
	FormatVersion int             `json:"formatVersion"`
	Topic         string          `json:"topic"`
	Header        []string        `json:"header"`
	NumberOfTests int             `json:"numberOfTests"`
	Notes         map[string]Note `json:"notes"`
	TestGroups    []struct {
		Version string `json:"version"`
		Comment string `json:"comment"`
		Tests   []struct {
			ID           string          `json:"id"`
			Comment      string          `json:"comment"`
			Version      string          `json:"version"`
			ValidateAs   string          `json:"validateAs"`
			Requirements []string        `json:"requirements"`
			Flags        []string        `json:"flags"`
			Message      json.RawMessage `json:"message"`
			Text         *string         `json:"text"`
			Raw          *string         `json:"raw"`
			Official     string          `json:"official"`
			Strict       string          `json:"strict"`
			Rules        []string        `json:"rules"`
		} `json:"tests"`
	} `json:"testGroups"`
}

func parseFile(name string, data []byte, validate func(any) error) (*File, error) {
	var generic any
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	if err := dec.Decode(&generic); err != nil {
		return nil, fmt.Errorf("vectors: %s: not JSON: %w", name, err)
	}
	if err := validate(generic); err != nil {
		return nil, fmt.Errorf("vectors: %s: does not follow %s: %w", name, FileSchema, err)
	}
	var fj fileJSON
	if err := json.Unmarshal(data, &fj); err != nil {
		return nil, fmt.Errorf("vectors: %s: %w", name, err)
	}
	f := &File{Name: name, Topic: fj.Topic, Header: fj.Header, NumberOfTests: fj.NumberOfTests, Notes: fj.Notes}
	for gi, g := range fj.TestGroups {
		for ti, t := range g.Tests {
			v := &Vector{
				ID: t.ID, Comment: t.Comment, File: name, Topic: fj.Topic,
				Where:   fmt.Sprintf("/testGroups/%d/tests/%d", gi, ti),
				Version: g.Version, ValidateAs: t.ValidateAs,
				Requirements: t.Requirements, Flags: t.Flags,
				Official: t.Official, Strict: t.Strict, Rules: t.Rules,
			}
			if t.Version != "" {
				v.Version = t.Version
			}
			switch {
			case t.Message != nil:
				v.Form, v.Data = FormMessage, []byte(t.Message)
			case t.Text != nil:
				v.Form, v.Data = FormText, []byte(*t.Text)
			default:
				b, err := base64.StdEncoding.DecodeString(*t.Raw)
				if err != nil {
					return nil, fmt.Errorf("vectors: %s: %s/raw: not Base64: %w", name, v.Where, err)
				}
				v.Form, v.Data = FormRaw, b
			}
			f.Vectors = append(f.Vectors, v)
		}
	}
	return f, nil
}

// Select returns the vectors of a topic and exercising a requirement; an empty argument
// matches every vector.
func (c *Corpus) Select(topic, requirement string) []*Vector {
	var out []*Vector
	for _, v := range c.Vectors {
		if (topic == "" || v.Topic == topic) && (requirement == "" || slices.Contains(v.Requirements, requirement)) {
			out = append(out, v)
		}
	}
	return out
}

// Topics lists the topics, sorted.
func (c *Corpus) Topics() []string {
	var out []string
	for _, f := range c.Files {
		out = append(out, f.Topic)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

func quoteList(xs []string) string {
	q := make([]string, len(xs))
	for i, x := range xs {
		q[i] = fmt.Sprintf("%q", x)
	}
	return strings.Join(q, ", ")
}

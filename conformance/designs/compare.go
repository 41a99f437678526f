package designs

import (
	"fmt"
	"slices"

	"github.com/idmefcheck/idmefcheck/conformance/catalog"
	"github.com/idmefcheck/idmefcheck/schema"
)

// Comparison sets designs side by side: one row per catalogue requirement with each design's
// assessment, and the schema differences between the designs' IDMEFv2 revisions beneath. It
// is a model: renderers only read it.
type Comparison struct {
	Designs []Column `json:"designs"`
	Rows    []Row    `json:"requirements"`
	// Unmet lists the requirements that no compared design provides (none says yes).
	Unmet []string `json:"unmet"`
	// OnlyBy maps a design ID to the requirements it alone provides.
	OnlyBy map[string][]string `json:"only_by"`
	// Differing counts the rows on which the designs do not all say the same.
	Differing int `json:"differing"`
	// Diffs are the schema differences between consecutive distinct revisions of the designs,
	// then from the oldest to the newest when there are more than two.
	Diffs       []*SchemaDiff `json:"schema_differences"`
	CatalogHash string        `json:"catalog_sha256"`
}

// Column is one compared design and what it provides, counted.
type Column struct {
	ID        string         `json:"id"`
	Title     string         `json:"title"`
	Version   string         `json:"version"`
	Documents []Document     `json:"documents"`
	Summary   string         `json:"summary"`
	Counts    map[string]int `json:"counts"`
}

// Row is one requirement across the designs.
type Row struct {
	ID       string        `json:"id"`
	Document string        `json:"document"`
	Section  string        `json:"section"`
	Level    string        `json:"level"`
	Category string        `json:"category"`
	Title    string        `json:"title"`
	Differs  bool          `json:"differs"`
	MetBy    []string      `json:"met_by"`
	Cells    []*Assessment `json:"assessments"`
}

// Compare builds the comparison of the given designs, in the order given.
func Compare(m *schema.Model, cat *catalog.Catalog, idx *Index, ds ...*Design) (*Comparison, error) {
	if len(ds) == 0 {
		return nil, fmt.Errorf("designs: nothing to compare")
	}
	c := &Comparison{OnlyBy: map[string][]string{}, Unmet: []string{}, CatalogHash: cat.Hash()}
	for _, d := range ds {
		col := Column{ID: d.ID, Title: d.Title, Version: d.Version, Documents: d.Documents, Summary: d.Summary, Counts: map[string]int{}}
		for _, p := range Provisions {
			col.Counts[p] = 0
		}
		c.Designs = append(c.Designs, col)
	}
	for _, r := range cat.Requirements() {
		row := Row{ID: r.ID, Document: r.Document, Section: r.Section, Level: r.Level, Category: r.Category, Title: r.Title, MetBy: []string{}}
		for i, d := range ds {
			a, ok := d.Assessment(r.ID)
			if !ok {
				return nil, fmt.Errorf("designs: %s does not assess %s", d.ID, r.ID)
			}
			row.Cells = append(row.Cells, a)
			c.Designs[i].Counts[a.Provides]++
			if a.Provides == Yes {
				row.MetBy = append(row.MetBy, d.ID)
			}
			if a.Provides != row.Cells[0].Provides {
				row.Differs = true
			}
		}
		if row.Differs {
			c.Differing++
		}
		switch len(row.MetBy) {
		case 0:
			c.Unmet = append(c.Unmet, r.ID)
		case 1:
			if len(ds) > 1 {
				c.OnlyBy[row.MetBy[0]] = append(c.OnlyBy[row.MetBy[0]], r.ID)
			}
		}
		c.Rows = append(c.Rows, row)
	}
	var versions []string
	for _, v := range m.Versions() {
		if slices.ContainsFunc(ds, func(d *Design) bool { return d.Version == v }) {
			versions = append(versions, v)
		}
	}
	pairs := [][2]string{}
	for i := 1; i < len(versions); i++ {
		pairs = append(pairs, [2]string{versions[i-1], versions[i]})
	}
	if len(versions) > 2 {
		pairs = append(pairs, [2]string{versions[0], versions[len(versions)-1]})
	}
	c.Diffs = []*SchemaDiff{}
	for _, p := range pairs {
		d, err := Diff(m, p[0], p[1], idx)
		if err != nil {
			return nil, err
		}
		c.Diffs = append(c.Diffs, d)
	}
	return c, nil
}

// Row returns the row of a requirement.
func (c *Comparison) Row(id string) (*Row, bool) {
	for i := range c.Rows {
		if c.Rows[i].ID == id {
			return &c.Rows[i], true
		}
	}
	return nil, false
}

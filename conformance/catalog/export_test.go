package catalog

import (
	"io/fs"

	"github.com/idmefcheck/idmefcheck/schema"
)

// LoadFS lets tests load a catalogue from fixture files.
func LoadFS(set *schema.Set, fsys fs.FS, dir string) (*Catalog, error) { return load(set, fsys, dir) }

package cli

import (
	"strings"

	"github.com/idmefcheck/idmefcheck/conformance/catalog"
	"github.com/idmefcheck/idmefcheck/schema"
)

func joinComma(xs []string) string { return strings.Join(xs, ", ") }

// loadCatalog compiles the embedded schemas and loads the requirements catalogue.
func loadCatalog() (*schema.Set, *catalog.Catalog, error) {
	set, err := schema.Load()
	if err != nil {
		return nil, nil, err
	}
	cat, err := catalog.Load(set)
	if err != nil {
		return nil, nil, err
	}
	return set, cat, nil
}

// Command genschemas writes schema/idmefv2/<version>.schema.json from schema/idmefv2/model.yaml.
// It runs from `go generate ./schema`, in the schema directory.
package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"

	"github.com/idmefcheck/idmefcheck/schema"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "genschemas:", err)
		os.Exit(1)
	}
}

func run() error {
	data, err := os.ReadFile(schema.ModelFile)
	if err != nil {
		return err
	}
	m, err := schema.ParseModel(schema.ModelFile, data)
	if err != nil {
		return err
	}
	for _, v := range m.Versions() {
		out, err := m.JSONSchema(v)
		if err != nil {
			return err
		}
		file := filepath.FromSlash(schema.IDMEFv2File(v))
		if old, err := os.ReadFile(file); err == nil && bytes.Equal(old, out) {
			continue
		}
		if err := os.WriteFile(file, out, 0o644); err != nil {
			return err
		}
		fmt.Println("wrote", file)
	}
	return nil
}

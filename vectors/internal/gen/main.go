// Command gen writes idmefcheck's test vector files into the current directory: one
// <topic>.json per topic, as package corpus builds them. go generate runs it from the
// vectors directory.
package main

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/idmefcheck/idmefcheck/vectors/internal/corpus"
)

func main() {
	if err := run("."); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}

func run(dir string) error {
	files, err := corpus.Files()
	if err != nil {
		return err
	}
	names := make([]string, 0, len(files))
	for name := range files {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		path := filepath.Join(dir, name)
		if old, err := os.ReadFile(path); err == nil && string(old) == string(files[name]) {
			continue // unchanged: leave the file's time alone
		}
		if err := os.WriteFile(path, files[name], 0o644); err != nil {
			return err
		}
		fmt.Printf("gen: wrote %s\n", path)
	}
	// A vector file no topic produces any more is stale; say so rather than delete what may be
	// someone else's.
	existing, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil {
		return err
	}
	for _, path := range existing {
		if _, ok := files[filepath.Base(path)]; !ok {
			fmt.Fprintf(os.Stderr, "gen: %s is not a vector file the corpus writes (stale? remove it by hand)\n", strings.TrimPrefix(path, "./"))
		}
	}
	return nil
}

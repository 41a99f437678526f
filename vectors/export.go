package vectors

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
)

// IndexEntry describes one exported vector in index.json: where its message is and what a
// conforming validator must say of it.
type IndexEntry struct {
	ID           string   `json:"id"`
	File         string   `json:"file"`
	Topic        string   `json:"topic"`
	Version      string   `json:"version"`
	ValidateAs   string   `json:"validateAs,omitempty"`
	Requirements []string `json:"requirements"`
	Flags        []string `json:"flags"`
	Official     string   `json:"official"`
	Strict       string   `json:"strict"`
	Rules        []string `json:"rules"`
	Comment      string   `json:"comment"`
}

// Export writes every vector's message, byte for byte, as dir/messages/<id>.json, and
// dir/index.json listing them with their expectations, so that a validator in any language
// can be tested with a short script (docs/vectors.md shows one). dir is created if needed;
// files already there with the same names are replaced.
func Export(c *Corpus, dir string) error {
	msgDir := filepath.Join(dir, "messages")
	if err := os.MkdirAll(msgDir, 0o755); err != nil {
		return fmt.Errorf("vectors: export: %w", err)
	}
	index := make([]IndexEntry, 0, len(c.Vectors))
	for _, v := range c.Vectors {
		rel := filepath.ToSlash(filepath.Join("messages", v.ID+".json"))
		if err := os.WriteFile(filepath.Join(dir, rel), v.Data, 0o644); err != nil {
			return fmt.Errorf("vectors: export: %w", err)
		}
		flags := v.Flags
		if flags == nil {
			flags = []string{}
		}
		index = append(index, IndexEntry{ID: v.ID, File: rel, Topic: v.Topic, Version: v.Version, ValidateAs: v.ValidateAs,
			Requirements: v.Requirements, Flags: flags, Official: v.Official, Strict: v.Strict, Rules: v.Rules, Comment: v.Comment})
	}
	b, err := json.MarshalIndent(index, "", "  ")
	if err != nil {
		return fmt.Errorf("vectors: export: %w", err)
	}
	if err := os.WriteFile(filepath.Join(dir, "index.json"), append(b, '\n'), 0o644); err != nil {
		return fmt.Errorf("vectors: export: %w", err)
	}
	return nil
}

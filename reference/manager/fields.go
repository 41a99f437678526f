package manager

import (
	"encoding/json"
	"time"

	"github.com/idmefcheck/idmefcheck/reference/store"
)

// extract reads the alert's ID and the fields queries need from a message the validator
// accepted. It is lenient: a field of an unexpected type is left empty (the official profile
// accepts what the schema accepts, and queries must not refuse a stored alert).
func extract(raw []byte) (id string, f store.Fields, err error) {
	var m struct {
		ID         any `json:"ID"`
		CreateTime any `json:"CreateTime"`
		Category   any `json:"Category"`
		Priority   any `json:"Priority"`
		Analyzer   struct {
			Name any `json:"Name"`
			ID   any `json:"ID"`
		} `json:"Analyzer"`
		Source []struct {
			IP any `json:"IP"`
		} `json:"Source"`
		Target []struct {
			IP any `json:"IP"`
		} `json:"Target"`
	}
	if err := json.Unmarshal(raw, &m); err != nil {
		return "", f, err
	}
	id = str(m.ID)
	if t, err := time.Parse(time.RFC3339Nano, str(m.CreateTime)); err == nil {
		f.CreateTime = t.UTC()
	}
	switch c := m.Category.(type) {
	case string:
		f.Categories = []string{c}
	case []any:
		for _, x := range c {
			if s := str(x); s != "" {
				f.Categories = append(f.Categories, s)
			}
		}
	}
	f.Priority = str(m.Priority)
	f.AnalyzerName = str(m.Analyzer.Name)
	f.AnalyzerID = str(m.Analyzer.ID)
	for _, s := range m.Source {
		if ip := str(s.IP); ip != "" {
			f.SourceIPs = append(f.SourceIPs, store.CanonicalIP(ip))
		}
	}
	for _, t := range m.Target {
		if ip := str(t.IP); ip != "" {
			f.TargetIPs = append(f.TargetIPs, store.CanonicalIP(ip))
		}
	}
	return id, f, nil
}

func str(v any) string {
	s, _ := v.(string)
	return s
}

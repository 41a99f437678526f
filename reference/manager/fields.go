package manager

import (
	"encoding/json"
	"strings"
	"sync"
	"time"

	"github.com/idmefcheck/idmefcheck/reference/message"
	"github.com/idmefcheck/idmefcheck/reference/store"
)

// extract reads the alert's ID and the fields queries need from a message the validator
// accepted. It is lenient: a field of an unexpected type is left empty (the official profile
// accepts what the schema accepts, and queries must not refuse a stored alert).
//
// It reads the message on a message.Tape, in about a fifth of the time encoding/json took,
// and falls back to extractJSON for anything where the two could differ: a message the tape
// refuses, a member name that matches a wanted one only case-insensitively (encoding/json's
// rule), or a container of the wrong type (which encoding/json reports as an error).
func extract(raw []byte) (id string, f store.Fields, err error) {
	t := tapes.Get().(*message.Tape)
	defer tapes.Put(t)
	if t.Parse(raw, message.DefaultLimits()) {
		if id, f, ok := extractTape(t); ok {
			return id, f, nil
		}
	}
	return extractJSON(raw)
}

var tapes = sync.Pool{New: func() any { return new(message.Tape) }}

// member finds the value of an object's member called name: k is the token of the value, -1
// when absent. ok is false when a member's name matches name only case-insensitively.
func member(t *message.Tape, obj int, name string) (k int, ok bool) {
	toks := t.Tokens()
	k = -1
	for i, n := obj+1, 0; n < int(toks[obj].Len); i, n = int(toks[i+1].Next), n+1 {
		switch got := t.Text(i); {
		case got == name:
			k = i + 1
		case strings.EqualFold(got, name):
			return -1, false
		}
	}
	return k, true
}

// text is a string token's value, copied, or "" for any other token or none.
func text(t *message.Tape, k int) string {
	if k < 0 || t.Tokens()[k].Kind != '"' {
		return ""
	}
	return strings.Clone(t.Text(k))
}

// elements lists the tokens of an array's elements; ok is false for a value encoding/json
// would not decode into a slice (null and absence give none).
func elements(t *message.Tape, k int) (out []int, ok bool) {
	if k < 0 {
		return nil, true
	}
	toks := t.Tokens()
	switch toks[k].Kind {
	case 'n':
		return nil, true
	case '[':
	default:
		return nil, false
	}
	for i, n := k+1, 0; n < int(toks[k].Len); i, n = int(toks[i].Next), n+1 {
		out = append(out, i)
	}
	return out, true
}

func extractTape(t *message.Tape) (id string, f store.Fields, ok bool) {
	toks := t.Tokens()
	if toks[0].Kind != '{' {
		return "", f, false
	}
	get := func(obj int, name string) int {
		k, fine := member(t, obj, name)
		if !fine {
			ok = false
		}
		return k
	}
	ok = true
	id = text(t, get(0, "ID"))
	f.CreateTime = createTimeUTC(text(t, get(0, "CreateTime")))
	if k := get(0, "Category"); k >= 0 {
		switch toks[k].Kind {
		case '"':
			f.Categories = []string{text(t, k)}
		case '[':
			items, _ := elements(t, k)
			for _, e := range items {
				if c := text(t, e); c != "" {
					f.Categories = append(f.Categories, c)
				}
			}
		}
	}
	f.Priority = text(t, get(0, "Priority"))
	if k := get(0, "Analyzer"); k >= 0 {
		switch toks[k].Kind {
		case '{':
			f.AnalyzerName = text(t, get(k, "Name"))
			f.AnalyzerID = text(t, get(k, "ID"))
		case 'n':
		default:
			return "", f, false
		}
	}
	for _, side := range []struct {
		name string
		ips  *[]string
	}{{"Source", &f.SourceIPs}, {"Target", &f.TargetIPs}} {
		items, fine := elements(t, get(0, side.name))
		if !fine {
			return "", f, false
		}
		for _, e := range items {
			switch toks[e].Kind {
			case '{':
				if ip := text(t, get(e, "IP")); ip != "" {
					*side.ips = append(*side.ips, store.CanonicalIP(ip))
				}
			case 'n':
			default:
				return "", f, false
			}
		}
	}
	return id, f, ok
}

// extractJSON is extract with encoding/json, for any message.
func extractJSON(raw []byte) (id string, f store.Fields, err error) {
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
	f.CreateTime = createTimeUTC(str(m.CreateTime))
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

// createTimeUTC reads a CreateTime normalised to UTC for queries, zero when it cannot be
// read. A valid local time late on 9999-12-31 with a negative offset (9999-12-31T23:59:59-12:00)
// is an instant of year 10000 in UTC, which RFC 3339, and so the store's fields, cannot
// write: such an alert is stored without a query time rather than refused.
func createTimeUTC(s string) time.Time {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil || t.UTC().Year() > 9999 {
		return time.Time{}
	}
	return t.UTC()
}

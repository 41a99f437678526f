package alert

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/idmefcheck/idmefcheck/schema"
)

// Event is one line of the analyzer's own input format: a small JSON object describing
// something worth an alert, for programs that would rather not write IDMEFv2 themselves.
// docs/analyzer.md specifies it. Unknown members are errors.
type Event struct {
	// Time is when it happened (StartTime), RFC 3339 with an offset; the alert's CreateTime
	// is always when the analyzer made it.
	Time string `json:"time,omitempty"`
	// Category lists kinds of incident: keywords of the configured revision's category list
	// (2.D.V08 keywords are translated for older revisions), or the sender's own words, which
	// go to ext-Category under Other.ext-value. At least one.
	Category    []string   `json:"category"`
	Priority    string     `json:"priority,omitempty"`   // Unknown, Info, Low, Medium, High
	Confidence  *float64   `json:"confidence,omitempty"` // 0 to 1
	Cause       string     `json:"cause,omitempty"`
	Description string     `json:"description,omitempty"`
	Note        string     `json:"note,omitempty"`
	Ref         []string   `json:"ref,omitempty"` // URIs
	Source      []Endpoint `json:"source,omitempty"`
	Target      []Endpoint `json:"target,omitempty"`
}

// Endpoint is a source or a target of an Event.
type Endpoint struct {
	IP       string   `json:"ip,omitempty"`
	Hostname string   `json:"hostname,omitempty"`
	Port     []int    `json:"port,omitempty"`
	Protocol []string `json:"protocol,omitempty"` // lowest layer first: ["tcp", "http"]
	User     string   `json:"user,omitempty"`
	Email    string   `json:"email,omitempty"`
	Service  string   `json:"service,omitempty"` // targets only
	Note     string   `json:"note,omitempty"`
}

// ErrEvent reports an event line the analyzer cannot turn into an alert.
var ErrEvent = errors.New("not an event of the analyzer's format")

// ParseEvent reads one event line.
func ParseEvent(line []byte) (*Event, error) {
	dec := json.NewDecoder(bytes.NewReader(line))
	dec.DisallowUnknownFields()
	var e Event
	if err := dec.Decode(&e); err != nil {
		return nil, fmt.Errorf("alert: %v: %w", err, ErrEvent)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("alert: data after the event object: %w", ErrEvent)
	}
	if len(e.Category) == 0 {
		return nil, fmt.Errorf("alert: no category: %w", ErrEvent)
	}
	if e.Time != "" {
		if _, err := time.Parse(time.RFC3339Nano, e.Time); err != nil {
			return nil, fmt.Errorf("alert: time %q is not RFC 3339 with an offset: %w", e.Time, ErrEvent)
		}
	}
	return &e, nil
}

// FromEvent builds the alert for one event line.
func (b *Builder) FromEvent(line []byte) (Alert, error) {
	e, err := ParseEvent(line)
	if err != nil {
		return Alert{}, err
	}
	o, id, err := b.base()
	if err != nil {
		return Alert{}, err
	}
	b.categories(&o, e.Category)
	for _, m := range []Member{{"Cause", e.Cause}, {"Description", e.Description}, {"Priority", e.Priority}} {
		if m.Value != "" {
			o.Set(m.Name, m.Value)
		}
	}
	if e.Confidence != nil {
		o.Set("Confidence", *e.Confidence)
	}
	if e.Note != "" {
		o.Set("Note", e.Note)
	}
	if e.Time != "" {
		o.Set("StartTime", e.Time)
	}
	if len(e.Ref) > 0 {
		o.Set("Ref", e.Ref)
	}
	if len(e.Source) > 0 {
		o.Set("Source", b.endpoints(e.Source, false))
	}
	if len(e.Target) > 0 {
		o.Set("Target", b.endpoints(e.Target, true))
	}
	return b.finish(o, id)
}

// categories sets Category, sending words that are not keywords of the revision (nor of a
// newer one it has an equivalent for) to ext-Category.
func (b *Builder) categories(o *Object, cats []string) {
	f, _ := b.rev.Alert.Field("Category")
	var std, ext []string
	for _, c := range cats {
		if anyRevision(f, c) {
			std = append(std, c)
		} else {
			ext = append(ext, c)
		}
	}
	if len(ext) > 0 {
		std = append(std, "Other.ext-value")
		o.Set("ext-Category", ext)
	}
	o.Set("Category", std)
}

// anyRevision reports whether s is a keyword of f's enumeration in some revision (Adapt
// translates it for the one written).
func anyRevision(f *schema.Field, s string) bool {
	for _, v := range f.Enum.Values {
		if v.Value == s {
			return true
		}
	}
	return false
}

func (b *Builder) endpoints(es []Endpoint, target bool) []any {
	out := make([]any, 0, len(es))
	for _, e := range es {
		o := Object{{"ID", b.newID()}}
		for _, m := range []Member{{"IP", e.IP}, {"Hostname", e.Hostname}, {"User", e.User}, {"Email", e.Email}, {"Note", e.Note}} {
			if m.Value != "" {
				o = append(o, m)
			}
		}
		if target && e.Service != "" {
			o = append(o, Member{"Service", e.Service})
		}
		if !target && len(e.Protocol) > 0 {
			o = append(o, Member{"Protocol", e.Protocol})
		}
		if len(e.Port) > 0 {
			ports := make([]any, len(e.Port))
			for i, p := range e.Port {
				ports[i] = p
			}
			o = append(o, Member{"Port", ports})
		}
		out = append(out, o)
	}
	return out
}

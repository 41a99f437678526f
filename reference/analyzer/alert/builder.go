package alert

import (
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/idmefcheck/idmefcheck/schema"
)

// DefaultVersion is the revision the analyzer writes unless configured otherwise.
const DefaultVersion = "2.D.V08"

// Self is how the analyzer describes itself in every alert: the Analyzer class. Keywords are
// 2.D.V08's; the builder adapts them to the revision it writes.
type Self struct {
	Name     string   // required: a meaningful, reasonably unique name
	ID       string   // a UUID; required by 2.D.V07, written from 2.D.V06 on
	IP       string   // required by 2.D.V04 and 2.D.V05
	Hostname string   // preferably fully qualified
	Model    string   // product, vendor and version
	Location string   // in the organisation's own terms
	Category []string // e.g. NET.NIDS
	Data     []string // e.g. Network
	Method   []string // e.g. Signature
}

func (s Self) object() Object {
	o := Object{{"Name", s.Name}}
	for _, m := range []Member{{"ID", s.ID}, {"IP", s.IP}, {"Hostname", s.Hostname}, {"Model", s.Model}} {
		if m.Value != "" {
			o = append(o, m)
		}
	}
	for _, m := range []Member{{"Category", s.Category}, {"Data", s.Data}, {"Method", s.Method}} {
		if len(m.Value.([]string)) > 0 {
			o = append(o, m)
		}
	}
	if s.Location != "" {
		o = append(o, Member{"Location", s.Location})
	}
	return o
}

// Options adjust a Builder. The zero value is the reference analyzer's behaviour; the
// alternatives exist for the analyzer's known-bad test variants.
type Options struct {
	// Now, when not nil, replaces time.Now.
	Now func() time.Time
	// NewID, when not nil, replaces the version 7 UUID generator.
	NewID func() (string, error)
	// Stamp, when not nil, replaces the writing of CreateTime (local time, its offset,
	// microseconds).
	Stamp func(time.Time) string
	// MaxSize is the largest message the analyzer sends (default 1 MiB, the reference
	// manager's limit); the "big" scenario comes close to it.
	MaxSize int
}

// Alert is one alert ready to spool: its ID and its final bytes.
type Alert struct {
	ID   string
	Data []byte
}

// Builder writes alerts in one revision. It is safe for concurrent use.
type Builder struct {
	rev  *schema.Revision
	self Self
	opts Options
}

// NewBuilder returns a Builder writing revision version (DefaultVersion when empty) as self.
func NewBuilder(set *schema.Set, version string, self Self, o Options) (*Builder, error) {
	if version == "" {
		version = DefaultVersion
	}
	rev, ok := set.Model().Revision(version)
	if !ok {
		return nil, fmt.Errorf("alert: unknown revision %q (have %v)", version, set.Versions())
	}
	if self.Name == "" {
		return nil, errors.New("alert: the analyzer has no name (Analyzer.Name is required)")
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.NewID == nil {
		o.NewID = NewV7
	}
	if o.Stamp == nil {
		o.Stamp = Stamp
	}
	if o.MaxSize <= 0 {
		o.MaxSize = 1 << 20
	}
	return &Builder{rev: rev, self: self, opts: o}, nil
}

// Version returns the revision the builder writes.
func (b *Builder) Version() string { return b.rev.Version }

// Revision returns the model of the revision the builder writes.
func (b *Builder) Revision() *schema.Revision { return b.rev }

// NewV7 returns a fresh version 7 UUID (RFC 9562): time-ordered, as the format draft advises
// instead of version 4.
func NewV7() (string, error) {
	u, err := uuid.NewV7()
	if err != nil {
		return "", fmt.Errorf("alert: UUID: %w", err)
	}
	return u.String(), nil
}

// StampLayout writes CreateTime: local time with its numeric offset (never "Z", so that the
// local time reads as such) and microseconds.
const StampLayout = "2006-01-02T15:04:05.000000-07:00"

// Stamp writes t in local time with its offset.
func Stamp(t time.Time) string { return t.Local().Format(StampLayout) }

// base returns a new alert: Version, ID, CreateTime and Analyzer.
func (b *Builder) base() (Object, string, error) {
	id, err := b.opts.NewID()
	if err != nil {
		return nil, "", err
	}
	return Object{
		{"Version", b.rev.Version},
		{"ID", id},
		{"CreateTime", b.opts.Stamp(b.opts.Now())},
	}, id, nil
}

// finish adds the analyzer, adapts o to the revision and writes it.
func (b *Builder) finish(o Object, id string) (Alert, error) {
	o.Set("Analyzer", b.self.object())
	data, err := Adapt(b.rev, order(o)).MarshalJSON()
	if err != nil {
		return Alert{}, fmt.Errorf("alert: writing %s: %w", id, err)
	}
	return Alert{ID: id, Data: data}, nil
}

// newID returns a fresh identifier for a Source or Target.
func (b *Builder) newID() string {
	id, err := b.opts.NewID()
	if err != nil {
		return ""
	}
	return id
}

// alertOrder is the order of the Alert class's fields in the drafts.
var alertOrder = []string{"Version", "ID", "OrganisationName", "OrganisationId", "EntityName", "EntityId", "EntitySector",
	"Type", "Category", "ext-Category", "Cause", "Description", "Status", "Priority", "Confidence", "Note", "CreateTime",
	"StartTime", "EndTime", "ReportTime", "AltNames", "AltCategory", "Ref", "CorrelID", "AggrCondition", "PredID", "RelID",
	"Analyzer", "Sensor", "Source", "Target", "Attachment"}

func order(o Object) Object {
	out := make(Object, 0, len(o))
	for _, name := range alertOrder {
		if v, ok := o.Get(name); ok {
			out = append(out, Member{name, v})
		}
	}
	for _, m := range o {
		if _, ok := out.Get(m.Name); !ok {
			out = append(out, m)
		}
	}
	return out
}

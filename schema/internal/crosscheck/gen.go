package main

import (
	"math/rand/v2"

	"github.com/idmefcheck/idmefcheck/schema"
)

// msgGen builds messages that are mostly right for one revision and wrong in a few places,
// drawing fields, keywords and types from every revision, so that each difference between
// revisions gets exercised.
type msgGen struct {
	rng   *rand.Rand
	rev   *schema.Revision
	model *schema.Model
}

// Per type: values the published schemas accept first, then values they may refuse.
var samples = map[string]struct{ ok, bad []any }{
	"STRING":    {[]any{"text", "", "Ünïcødé ✓"}, []any{5, true, nil}},
	"INT":       {[]any{0, 1, 443, 65535, 70000, -1}, []any{2.5, "80", nil}},
	"FLOAT":     {[]any{0, 0.5, 1}, []any{1.5, -0.1, 7, "0.5", false}},
	"TIMESTAMP": {[]any{"2026-01-14T15:58:47+01:00", "2026-01-14T15:58:47", "2026-02-31T10:00:00Z", "2026-01-14T15:58:47.123456789Z"}, []any{"2026-01-14 15:58:47Z", 1700000000}},
	"GEOLOC":    {[]any{"48.8584,2.2945", "48.8584, 2.2945, 35"}, []any{"north", "1,2,3,4"}},
	"UNLOCODE":  {[]any{"FR PAR", "FRPAR"}, []any{"fr par", "FR-PAR"}},
	"URI":       {[]any{"https://example.com/a", "urn:cve:CVE-2013-2266", "http://[::1]/"}, []any{"not a uri", "/relative"}},
	"IP":        {[]any{"192.0.2.1", "2001:db8::1", "fe80::1%eth0", "::ffff:192.0.2.1"}, []any{"::1/128", "256.1.1.1", 3232235777}},
	"EMAIL":     {[]any{"root@example.com", "\"a b\"@example.com", "a@[192.0.2.1]"}, []any{"not-an-email"}},
	"ID":        {[]any{"pcap1", "A1"}, []any{"has space", "a_b", ""}},
	"MEDIATYPE": {[]any{"text/plain", "text/plain; charset=utf-8", "application/json;x=\"y\""}, []any{"text"}},
	"UUID":      {[]any{"e5f9bbae-163e-42f9-a2f2-0daaf78fefb1", "E5F9BBAE-163E-42F9-A2F2-0DAAF78FEFB1"}, []any{"not-a-uuid", "{e5f9bbae-163e-42f9-a2f2-0daaf78fefb1}"}},
	"PROTOCOL":  {[]any{"tcp", "http-alt"}, []any{"tcp/ip", ""}},
	"HASH":      {[]any{"sha256:ab12", "SHA-1:FF"}, []any{"sha256:abc", "md5"}},
	"CONTENT":   {[]any{"text", map[string]any{"k": "v"}}, []any{12, []any{1}}},
	"ENUM":      {nil, []any{"ext-value", 3}},
}

// fault reports, with a small probability, that the next choice should be a wrong one.
func (g *msgGen) fault() bool { return g.rng.IntN(40) == 0 }

func (g *msgGen) pick(xs []any) any { return xs[g.rng.IntN(len(xs))] }

func (g *msgGen) message() map[string]any {
	return g.object(g.rev.Alert, 0)
}

// object fills a class: required fields usually, optional ones sometimes, a field of another
// revision or a made-up one now and then.
func (g *msgGen) object(c *schema.Class, depth int) map[string]any {
	o := map[string]any{}
	for _, f := range c.Fields {
		keep := f.Required && !g.fault() || !f.Required && g.rng.IntN(4) == 0
		if keep {
			o[f.Name] = g.value(f, depth)
		}
	}
	if g.fault() {
		o[g.foreignField(c.Name)] = g.pick(samples["STRING"].ok)
	}
	return o
}

// foreignField names a field the class has in some revision, or none at all.
func (g *msgGen) foreignField(class string) string {
	var names []string
	for _, cd := range g.model.Classes() {
		if cd.Name != class {
			continue
		}
		for _, fd := range cd.Fields {
			names = append(names, fd.Name)
		}
	}
	names = append(names, "Vendor", "ext-Priority", "type")
	return names[g.rng.IntN(len(names))]
}

func (g *msgGen) value(f *schema.Field, depth int) any {
	if f.List != g.fault() {
		n := g.rng.IntN(3)
		l := make([]any, n)
		for i := range l {
			l[i] = g.item(f, depth)
		}
		return l
	}
	return g.item(f, depth)
}

func (g *msgGen) item(f *schema.Field, depth int) any {
	if f.Class != nil {
		if g.fault() {
			return "not an object"
		}
		return g.object(f.Class, depth+1)
	}
	switch f.Type.Name {
	case "VERSION":
		vs := g.model.Versions()
		if g.fault() {
			return vs[g.rng.IntN(len(vs))]
		}
		return g.rev.Version
	case "ENUM":
		if g.fault() {
			if g.rng.IntN(2) == 0 {
				return g.pick(samples["ENUM"].bad)
			}
			// A keyword of this enumeration from any revision.
			all := f.Enum.Values
			return all[g.rng.IntN(len(all))].Value
		}
		return f.Values[g.rng.IntN(len(f.Values))]
	}
	if g.fault() {
		return g.pick(samples[f.Type.Name].bad)
	}
	return g.pick(samples[f.Type.Name].ok)
}

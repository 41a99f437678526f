package alert

import (
	"slices"
	"strings"

	"github.com/idmefcheck/idmefcheck/schema"
)

// The analyzer writes every alert as 2.D.V08 names it, then adapts it to the configured
// revision with the model of the drafts (schema.Revision): fields the revision lacks are left
// out, a list becomes a single value where the revision wants one (and the reverse), keywords
// the revision does not know are replaced by their nearest equivalent there, and the
// extension keyword is the revision's own (Other.ext-value or ext-value).

// synonyms lists, for a keyword of the newest revisions, the keywords that say the same or
// the nearest thing in older ones, best first. The first one the revision accepts is used.
var synonyms = map[string][]string{
	// Alert categories: 2.D.V08 -> 2.D.V07 -> 2.D.V04..V06.
	"Recon.Network":                 {"Recon.Netword", "Recon.Scanning"},
	"Recon.Other":                   {"Recon.Scanning"},
	"Malware.Backdoor":              {"Access.Backdoor", "Malicious.System"},
	"Malware.Cryptominer":           {"Malware.Other", "Malicious.System"},
	"Malware.Downloader":            {"Malware.Trojan", "Malicious.Distribution"},
	"Malware.Trojan":                {"Malicious.System"},
	"Malware.Virus":                 {"Malicious.System"},
	"Malware.Worm":                  {"Malicious.System"},
	"Malware.Ransomware":            {"Malicious.System"},
	"Malware.Other":                 {"Malicious.System"},
	"Access.Compromise":             {"Intrusion.SysCompromise"},
	"Access.Escalation":             {"Intrusion.AdminCompromise"},
	"Access.Backdoor":               {"Malicious.System"},
	"Access.Unauthorized":           {"Information.UnauthorizedAccess", "Attempt.Login"},
	"Access.Tailgating":             {"Intrusion.Burglary"},
	"Access.Forced":                 {"Intrusion.Burglary"},
	"Theft.Data":                    {"Information.DataLeak"},
	"Theft.PII":                     {"Information.DataLeak"},
	"SocialEng.Phishing":            {"Fraud.Phishing"},
	"Operational.Policy Violation":  {"Fraud.UnauthorizedUsage"},
	"Availability.Overload":         {"Availability.DoS"},
	"Availability.Misconfiguration": {"Availability.Misconf"},
	"Other.Test":                    {"Test.Test"},
	// Analyzer data and method keywords renamed in 2.D.V07.
	"Authentication": {"Auth"},
	"Thermal":        {"Thermic"},
	"Vibration":      {"Vibrations"},
	"Magnetic":       {"MagneticField"},
}

// fallback is the category an alert gets when none of its categories exists in the revision:
// present in every revision.
const fallback = "Other.Undetermined"

// Adapt returns o, written with 2.D.V08's names, as revision rev writes it.
func Adapt(rev *schema.Revision, o Object) Object {
	o = append(Object(nil), o...)
	o.Set("Version", rev.Version)
	// 2.D.V07 moved Analyzer.Type to the alert; older revisions keep it on the analyzer.
	if _, has := rev.Alert.Field("Type"); !has {
		if t, ok := o.Get("Type"); ok {
			if a, ok := o.Get("Analyzer"); ok {
				an := append(Object(nil), a.(Object)...)
				an.Set("Type", t)
				o.Set("Analyzer", an)
			}
		}
	}
	return adaptObject(rev.Alert, o)
}

func adaptObject(c *schema.Class, o Object) Object {
	out := make(Object, 0, len(o))
	for _, m := range o {
		f, ok := c.Field(m.Name)
		if !ok {
			continue
		}
		if v := adaptValue(f, m.Value); v != nil {
			out = append(out, Member{m.Name, v})
		}
	}
	return out
}

// complete reports whether o has every field c requires.
func complete(c *schema.Class, o Object) bool {
	for _, f := range c.Fields {
		if _, ok := o.Get(f.Name); f.Required && !ok {
			return false
		}
	}
	return true
}

func adaptValue(f *schema.Field, v any) any {
	switch {
	case f.Class != nil:
		var out []any
		for _, it := range items(v) {
			obj, ok := it.(Object)
			if !ok {
				continue
			}
			// An item the revision would refuse for want of a field it requires (a Sensor
			// without the IP 2.D.V04 and V05 require) is left out rather than sent broken.
			if a := adaptObject(f.Class, obj); complete(f.Class, a) {
				out = append(out, a)
			}
		}
		return shape(f, out)
	case f.Enum != nil:
		var out []any
		for _, it := range items(v) {
			s, ok := it.(string)
			if !ok {
				continue
			}
			if k := keyword(f, s); k != "" && !slices.Contains(out, any(k)) {
				out = append(out, k)
			}
		}
		if len(out) == 0 && f.Owner.Name == "Alert" && f.Name == "Category" {
			out = []any{fallback}
		}
		return shape(f, out)
	case f.List:
		return shape(f, items(v))
	}
	if vs := items(v); len(vs) > 0 {
		return vs[0]
	}
	return nil
}

// keyword returns the keyword of f's enumeration that stands for s in f's revision, "" when
// there is none.
func keyword(f *schema.Field, s string) string {
	if s == "Other.ext-value" || s == "ext-value" {
		return f.ExtKeyword
	}
	if slices.Contains(f.Values, s) {
		return s
	}
	for _, alt := range synonyms[s] {
		if slices.Contains(f.Values, alt) {
			return alt
		}
	}
	// Analyzer categories: 2.D.V07 prefixed the older acronyms with a family (NET.NIDS).
	if _, kind, ok := strings.Cut(s, "."); ok && strings.ToUpper(kind) == kind && slices.Contains(f.Values, kind) {
		return kind
	}
	// A keyword of another revision with no equivalent here is left out; a word that is no
	// keyword of any revision is kept, for the strict profile to refuse.
	if anyRevision(f, s) {
		return ""
	}
	return s
}

// items returns v as a list.
func items(v any) []any {
	switch x := v.(type) {
	case nil:
		return nil
	case []any:
		return x
	case []string:
		out := make([]any, len(x))
		for i, s := range x {
			out[i] = s
		}
		return out
	}
	return []any{v}
}

// shape returns the items as f holds them: a list, or its first item; nil when empty.
func shape(f *schema.Field, vs []any) any {
	if len(vs) == 0 {
		return nil
	}
	if f.List {
		return vs
	}
	return vs[0]
}

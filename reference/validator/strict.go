package validator

import (
	"encoding/json"
	"math/big"
	"net/netip"
	"slices"
	"strconv"
	"strings"

	"github.com/idmefcheck/idmefcheck/schema"
)

// walk visits every class instance and every field value of the model present in the
// message. Values of the wrong JSON type are visited too; visitors skip what they cannot
// judge, the schema having reported it. at is where the object sits; the locations handed
// to the visitors live on the stack and build their pointer only when a finding needs it.
type visitor interface {
	object(cls *schema.Class, at *loc, obj map[string]any)
	value(f *schema.Field, at *loc, v any)
}

func walk(cls *schema.Class, at *loc, obj map[string]any, vis visitor) {
	vis.object(cls, at, obj)
	for _, f := range cls.Fields {
		v, ok := obj[f.Name]
		if !ok {
			continue
		}
		fl := at.field(f.Name)
		if f.List {
			arr, ok := v.([]any)
			if !ok {
				continue
			}
			for i, item := range arr {
				il := fl.item(i)
				walkItem(f, &il, item, vis)
			}
			continue
		}
		walkItem(f, &fl, v, vis)
	}
}

func walkItem(f *schema.Field, at *loc, v any, vis visitor) {
	if f.Class != nil {
		if o, ok := v.(map[string]any); ok {
			walk(f.Class, at, o, vis)
		}
		return
	}
	vis.value(f, at, v)
}

// integers applies draft-04's reading of "integer", a number written without fraction or
// exponent, which jsonschema/v5 does not apply: it counts 443.0 as an integer.
func (c *checker) integers(obj map[string]any) {
	walk(c.rev.Alert, &loc{}, obj, integerVisitor{c})
}

type integerVisitor struct{ c *checker }

func (integerVisitor) object(*schema.Class, *loc, map[string]any) {}

func (iv integerVisitor) value(f *schema.Field, at *loc, v any) {
	n, ok := v.(json.Number)
	if !ok || f.Type.Name != "INT" || !strings.ContainsAny(string(n), ".eE") {
		return
	}
	if r, ok := new(big.Rat).SetString(string(n)); ok && r.IsInt() {
		iv.c.add(RuleInteger, append(slices.Clone(f.Def.Req), "IDMEF2-3.2.1-1"), at.ptr(), "%s is written %s; INT values are written without fraction or exponent (an integer in JSON Schema draft-04), e.g. %s",
			at.where(), quoteValue(n), r.RatString())
	}
}

// strict applies the rules no schema expresses. Under the official profile their findings
// are warnings (see the rule table), so they are always computed.
func (c *checker) strict(obj map[string]any) {
	walk(c.rev.Alert, &loc{}, obj, strictVisitor{c})
	c.checkAlert(obj)
}

type strictVisitor struct{ c *checker }

func (sv strictVisitor) object(cls *schema.Class, at *loc, obj map[string]any) {
	sv.c.checkObject(cls, at, obj)
}

func (sv strictVisitor) value(f *schema.Field, at *loc, v any) { sv.c.checkValue(f, at, v) }

func (c *checker) checkValue(f *schema.Field, at *loc, v any) {
	// Only some rules narrow their requirements to the field's (see citedRequirements); the
	// others ignore reqs and cite their own.
	reqs := f.Def.Req
	switch x := v.(type) {
	case string:
		if !f.Type.Match(x) {
			return // the schema's pattern has said what is wrong; saying it twice is noise
		}
		switch f.Type.Name {
		case "TIMESTAMP":
			c.checkTimestamp(at, reqs, x)
		case "UUID":
			c.checkUUID(f, at, reqs, x)
		case "IP":
			c.checkIP(at, reqs, x)
		case "GEOLOC":
			c.checkGeo(at, reqs, x)
		case "STRING":
			c.checkString(f, at, reqs, x)
		}
	case json.Number:
		switch f.Type.Name {
		case "INT":
			c.checkInt(f, at, reqs, x)
		case "FLOAT":
			c.checkFloat(f, at, reqs, x)
		}
	}
}

func (c *checker) checkInt(f *schema.Field, at *loc, reqs []string, n json.Number) {
	r, ok := new(big.Rat).SetString(string(n))
	if !ok || !r.IsInt() {
		return
	}
	i := r.Num()
	switch {
	case f.Name == "Port" && (i.Sign() <= 0 || i.Cmp(big.NewInt(65535)) > 0):
		c.add(RulePortRange, reqs, at.ptr(), "%s %s is not a port: ports are from 1 to 65535", at.where(), quoteValue(n))
	case f.Name == "Size" && i.Sign() < 0:
		c.add(RuleSizeRange, reqs, at.ptr(), "%s %s is negative; a size in bytes is zero or more", at.where(), quoteValue(n))
	case i.CmpAbs(maxSafeInteger) > 0:
		c.add(RulePrecision, reqs, at.ptr(), "%s %s is beyond ±(2^53−1), the integers every JSON parser represents exactly (RFC 8259 section 6)", at.where(), quoteValue(n))
	}
}

var maxSafeInteger = big.NewInt(1<<53 - 1)

func (c *checker) checkFloat(f *schema.Field, at *loc, reqs []string, n json.Number) {
	if strings.ContainsAny(string(n), "eE") {
		c.add(RuleExponent, reqs, at.ptr(), "%s is written %s with an exponent; the FLOAT grammar of the drafts has none (write it as a plain decimal)", at.where(), quoteValue(n))
	}
	if f.Name == "Confidence" && f.Minimum == "" {
		r, ok := new(big.Rat).SetString(string(n))
		if ok && (r.Sign() < 0 || r.Cmp(big.NewRat(1, 1)) > 0) {
			c.add(RuleConfidence, reqs, at.ptr(), "%s %s is outside 0 to 1; %s's schema does not bound it but the drafts do", at.where(), quoteValue(n), c.rev.Version)
		}
	}
}

func (c *checker) checkUUID(f *schema.Field, at *loc, reqs []string, s string) {
	if len(s) != 36 {
		return
	}
	lower := strings.ToLower(s)
	if f.Owner.Name == "Alert" && f.Name == "ID" {
		switch lower {
		case "00000000-0000-0000-0000-000000000000":
			c.add(RuleUUIDNil, reqs, at.ptr(), "ID is the nil UUID, which identifies nothing; each alert needs an identifier of its own")
			return
		case "ffffffff-ffff-ffff-ffff-ffffffffffff":
			c.add(RuleUUIDNil, reqs, at.ptr(), "ID is the max UUID (RFC 9562), which identifies nothing; each alert needs an identifier of its own")
			return
		}
	}
	// The version is the first digit of the third group, for the RFC 4122 variant (10xx).
	if lower[14] == '4' && strings.ContainsRune("89ab", rune(lower[19])) {
		c.add(RuleUUIDVersion4, reqs, at.ptr(), "%s %s is a version 4 (random) UUID; the draft asks generators not to use version 4, to lower the risk of collisions (version 7 or 1 instead)", at.where(), quote(s))
	}
}

func (c *checker) checkIP(at *loc, reqs []string, s string) {
	addr, zone, hasZone := strings.Cut(s, "%")
	if hasZone {
		c.add(RuleIPZone, reqs, at.ptr(), "%s %s carries the zone index %%%s, which is not part of an IPv6 address as RFC 4291 writes it; send the address alone", at.where(), quote(s), zone)
	}
	if strings.Contains(addr, ":") {
		a, err := netip.ParseAddr(addr)
		if err != nil || !a.Is6() {
			c.add(RuleIPSyntax, reqs, at.ptr(), "%s %s is not an IPv6 address in RFC 4291 text form", at.where(), quote(s))
			return
		}
		if canon := a.String(); canon != addr {
			c.add(RuleIPCanonical, reqs, at.ptr(), "%s %s is not written as RFC 5952 recommends; write %s", at.where(), quote(s), canon)
		}
		return
	}
	for _, oct := range strings.Split(addr, ".") {
		if len(oct) > 1 && oct[0] == '0' {
			a, err := netip.ParseAddr(stripZeros(addr))
			hint := ""
			if err == nil {
				hint = ", e.g. " + a.String()
			}
			c.add(RuleIPLeadingZero, reqs, at.ptr(), "%s %s has an octet with a leading zero, which some parsers read as octal; write octets without leading zeros%s", at.where(), quote(s), hint)
			return
		}
	}
}

func stripZeros(ip string) string {
	parts := strings.Split(ip, ".")
	for i, p := range parts {
		if t := strings.TrimLeft(p, "0"); t != "" {
			parts[i] = t
		} else {
			parts[i] = "0"
		}
	}
	return strings.Join(parts, ".")
}

func (c *checker) checkGeo(at *loc, reqs []string, s string) {
	parts := strings.Split(s, ",")
	if len(parts) < 2 {
		return
	}
	lat, err1 := strconv.ParseFloat(strings.TrimSpace(parts[0]), 64)
	lon, err2 := strconv.ParseFloat(strings.TrimSpace(parts[1]), 64)
	if err1 != nil || err2 != nil {
		return
	}
	switch {
	case lat < -90 || lat > 90:
		c.add(RuleGeoRange, reqs, at.ptr(), "%s %s has latitude %v, outside -90 to 90 degrees", at.where(), quote(s), lat)
	case lon < -180 || lon > 180:
		c.add(RuleGeoRange, reqs, at.ptr(), "%s %s has longitude %v, outside -180 to 180 degrees", at.where(), quote(s), lon)
	}
}

func (c *checker) checkString(f *schema.Field, at *loc, reqs []string, s string) {
	switch f.Name {
	case "Hostname":
		if s != "" && !isFQDN(s) {
			c.add(RuleHostname, reqs, at.ptr(), "%s %s is not a fully qualified domain name (labels of letters, digits and hyphens, at least two of them); an empty string may say it was looked up and not found", at.where(), quote(s))
		}
	case "TI":
		attr, origin, ok := strings.Cut(s, ":")
		if !ok || strings.TrimSpace(attr) == "" || strings.TrimSpace(origin) == "" {
			c.add(RuleTIFormat, reqs, at.ptr(), "%s %s is not written attribute:origin, e.g. IP:Dshield", at.where(), quote(s))
		}
	case "CaptureZone":
		if !json.Valid([]byte(s)) {
			c.add(RuleCaptureZone, reqs, at.ptr(), "%s is not a JSON text; the draft describes CaptureZone as a JSON-serialized string", at.where())
		}
	}
}

func isFQDN(s string) bool {
	s = strings.TrimSuffix(s, ".")
	if len(s) > 253 {
		return false
	}
	labels := strings.Split(s, ".")
	if len(labels) < 2 {
		return false
	}
	for _, l := range labels {
		if l == "" || len(l) > 63 || l[0] == '-' || l[len(l)-1] == '-' {
			return false
		}
		for i := 0; i < len(l); i++ {
			ch := l[i]
			if !(ch >= 'a' && ch <= 'z' || ch >= 'A' && ch <= 'Z' || ch >= '0' && ch <= '9' || ch == '-') {
				return false
			}
		}
	}
	// The last label of a domain name is never all digits; that would be an IPv4 address.
	_, err := strconv.Atoi(labels[len(labels)-1])
	return err != nil
}

// checkObject applies the rules about one class instance: the ext- pairs, and the
// attachment's own consistency.
func (c *checker) checkObject(cls *schema.Class, at *loc, obj map[string]any) {
	for _, f := range cls.Fields {
		if f.Def.Extends == "" {
			continue
		}
		c.checkExtension(cls, at, obj, f)
	}
	switch cls.Name {
	case "Attachment":
		c.checkAttachment(at, obj)
		c.checkAttachmentMedia(at, obj)
	case "Source":
		c.checkProtocolOrder(at, obj)
	case "Analyzer":
		c.checkLocatable(at, obj)
	}
}

// checkExtension judges one ext-X field against X: ext-X carries data exactly when X holds
// the ext-value keyword.
func (c *checker) checkExtension(cls *schema.Class, at *loc, obj map[string]any, ext *schema.Field) {
	base, ok := cls.Field(ext.Def.Extends)
	if !ok || base.Enum == nil {
		return
	}
	keyword := ""
	for _, v := range base.Values {
		if v == "ext-value" || strings.HasSuffix(v, ".ext-value") {
			keyword = v
		}
	}
	if keyword == "" {
		return
	}
	selects := false
	switch x := obj[base.Name].(type) {
	case string:
		selects = x == keyword
	case []any:
		for _, item := range x {
			if item == keyword {
				selects = true
			}
		}
	}
	extVal, hasExt := obj[ext.Name]
	extEmpty := !hasExt
	switch x := extVal.(type) {
	case string:
		extEmpty = x == ""
	case []any:
		extEmpty = len(x) == 0
	}
	owner := at.where()
	if owner != "" {
		owner += "."
	}
	reqs := ext.Requirements()
	switch {
	case hasExt && !selects:
		c.add(RuleExtUnused, reqs, at.field(ext.Name).ptr(), "%s%s is set but %s%s does not hold %s; an ext- field carries data only when its field selects %s",
			owner, ext.Name, owner, base.Name, quote(keyword), quote(keyword))
	case selects && extEmpty:
		c.add(RuleExtMissing, reqs, at.field(base.Name).ptr(), "%s%s holds %s but %s%s, which should carry the value of the sender's own, is missing or empty",
			owner, base.Name, quote(keyword), owner, ext.Name)
	}
}

// checkAlert applies the rules that relate fields across the message.
func (c *checker) checkAlert(obj map[string]any) {
	start, okS := obj["StartTime"].(string)
	end, okE := obj["EndTime"].(string)
	if okS && okE {
		if cmp, ok := compareTimestamps(start, end); ok && cmp > 0 {
			c.add(RuleTimeOrder, []string{"IDMEF2-5.2-8"}, "/EndTime", "EndTime %s is before StartTime %s; an event cannot end before it starts", quote(end), quote(start))
		}
	}
	c.checkAggregation(obj)
	c.checkImpact(obj)
	c.checkSelfReference(obj)
	c.checkAttachmentNames(obj)
}

func (c *checker) checkSelfReference(obj map[string]any) {
	id, ok := obj["ID"].(string)
	if !ok {
		return
	}
	for _, name := range []string{"CorrelID", "PredID", "RelID"} {
		list, ok := obj[name].([]any)
		if !ok {
			continue
		}
		for i, item := range list {
			if s, ok := item.(string); ok && strings.EqualFold(s, id) {
				c.add(RuleUUIDSelf, nil, "/"+name+"/"+strconv.Itoa(i), "%s[%d] %s is the alert's own ID (UUIDs compare case-insensitively); an alert cannot be its own predecessor, source or relative", name, i, quote(s))
			}
		}
	}
}

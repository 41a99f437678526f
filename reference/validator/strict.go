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
// message, in one of two passes. Values of the wrong JSON type are visited too; the checks
// skip what they cannot judge, the schema having reported it. at is where the object sits:
// locations live on the stack (the calls here are static so that they do not escape) and
// build their pointer only when a finding needs it.
func (c *checker) walk(pass walkPass, cls *schema.Class, obj val) {
	if pass == strictPass {
		c.checkObject(cls, loc{c.path}, obj)
	}
	if obj.tape != nil {
		// On a tape, go through the members the object has (fewer than the class's fields,
		// and no second search); a tape only reaches here once the schema found every
		// member to be a field of the class.
		for name, v := range obj.members() {
			if f, ok := cls.Field(name); ok {
				c.walkField(pass, f, v)
			}
		}
		return
	}
	for _, f := range cls.Fields {
		if v := obj.member(f.Name); v.ok {
			c.walkField(pass, f, v)
		}
	}
}

func (c *checker) walkField(pass walkPass, f *schema.Field, v val) {
	c.path = append(c.path, step{name: f.Name})
	if f.List {
		for it := v.items(); it.next(); {
			c.path = append(c.path, step{index: it.i})
			c.walkItem(pass, f, it.v)
			c.path = c.path[:len(c.path)-1]
		}
	} else {
		c.walkItem(pass, f, v)
	}
	c.path = c.path[:len(c.path)-1]
}

type walkPass uint8

const (
	strictPass  walkPass = iota // the strict rules
	integerPass                 // draft-04 integers (the interpreter's path only)
)

func (c *checker) walkItem(pass walkPass, f *schema.Field, v val) {
	if f.Class != nil {
		if v.kind() == '{' {
			c.walk(pass, f.Class, v)
		}
		return
	}
	if pass == strictPass {
		c.checkValue(f, loc{c.path}, v)
	} else {
		c.checkInteger(f, loc{c.path}, v)
	}
}

// integers applies draft-04's reading of "integer", a number written without fraction or
// exponent, which jsonschema/v5 does not apply: it counts 443.0 as an integer.
func (c *checker) integers(obj val) { c.walk(integerPass, c.rev.Alert, obj) }

func (c *checker) checkInteger(f *schema.Field, at loc, v val) {
	n, ok := v.num()
	if !ok || f.Type.Name != "INT" || !strings.ContainsAny(string(n), ".eE") {
		return
	}
	if r, ok := new(big.Rat).SetString(string(n)); ok && r.IsInt() {
		c.add(RuleInteger, append(slices.Clone(f.Def.Req), "IDMEF2-3.2.1-1"), at.ptr(), "%s is written %s; INT values are written without fraction or exponent (an integer in JSON Schema draft-04), e.g. %s",
			at.where(), quoteValue(n), r.RatString())
	}
}

// strict applies the rules no schema expresses. Under the official profile their findings
// are warnings (see the rule table), so they are always computed.
func (c *checker) strict(obj val) {
	c.walk(strictPass, c.rev.Alert, obj)
	c.checkAlert(obj)
}

func (c *checker) checkValue(f *schema.Field, at loc, v val) {
	// The schema's pattern has said what is wrong with a value it refuses: saying it twice
	// is noise.
	if x, ok := v.str(); ok && !f.Type.Match(x) {
		return
	}
	c.checkMatched(f, at, v)
}

// valueRules names the rules that apply to the values of a type.
type valueRules uint8

const (
	noValueRules valueRules = iota
	timestampRules
	uuidRules
	ipRules
	geoRules
	stringRules
	intRules
	floatRules
)

func valueRulesOf(t *schema.TypeDef) valueRules {
	if t == nil { // a class
		return noValueRules
	}
	switch t.Name {
	case "TIMESTAMP":
		return timestampRules
	case "UUID":
		return uuidRules
	case "IP":
		return ipRules
	case "GEOLOC":
		return geoRules
	case "STRING":
		return stringRules
	case "INT":
		return intRules
	case "FLOAT":
		return floatRules
	}
	return noValueRules
}

// checkMatched applies the value rules to a value whose string, if it is one, matches its
// type's pattern (the compiled engine has just checked it).
func (c *checker) checkMatched(f *schema.Field, at loc, v val) {
	switch v.kind() {
	case '"':
		x, _ := v.str()
		c.checkMatchedString(valueRulesOf(f.Type), f, at, x)
	case '0':
		x, _ := v.num()
		c.checkMatchedNumber(valueRulesOf(f.Type), f, at, x)
	}
}

// checkMatchedString applies the rules r of f's type to a string value x.
func (c *checker) checkMatchedString(r valueRules, f *schema.Field, at loc, x string) {
	// Only some rules narrow their requirements to the field's (see citedRequirements); the
	// others ignore reqs and cite their own.
	reqs := f.Def.Req
	switch r {
	case timestampRules:
		c.checkTimestamp(at, reqs, x)
	case uuidRules:
		c.checkUUID(f, at, reqs, x)
	case ipRules:
		c.checkIP(at, reqs, x)
	case geoRules:
		c.checkGeo(at, reqs, x)
	case stringRules:
		c.checkString(f, at, reqs, x)
	}
}

// checkMatchedNumber applies the rules r of f's type to a number literal n.
func (c *checker) checkMatchedNumber(r valueRules, f *schema.Field, at loc, n json.Number) {
	switch r {
	case intRules:
		c.checkInt(f, at, f.Def.Req, n)
	case floatRules:
		c.checkFloat(f, at, f.Def.Req, n)
	}
}

func (c *checker) checkInt(f *schema.Field, at loc, reqs []string, n json.Number) {
	// Most integers fit an int64; big numbers take the exact path.
	i, err := strconv.ParseInt(string(n), 10, 64)
	if err != nil {
		c.checkBigInt(f, at, reqs, n)
		return
	}
	switch {
	case f.Name == "Port" && (i <= 0 || i > 65535):
		c.add(RulePortRange, reqs, at.ptr(), "%s %s is not a port: ports are from 1 to 65535", at.where(), quoteValue(n))
	case f.Name == "Size" && i < 0:
		c.add(RuleSizeRange, reqs, at.ptr(), "%s %s is negative; a size in bytes is zero or more", at.where(), quoteValue(n))
	case i > 1<<53-1 || i < -(1<<53-1):
		c.add(RulePrecision, reqs, at.ptr(), "%s %s is beyond ±(2^53−1), the integers every JSON parser represents exactly (RFC 8259 section 6)", at.where(), quoteValue(n))
	}
}

func (c *checker) checkBigInt(f *schema.Field, at loc, reqs []string, n json.Number) {
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

func (c *checker) checkFloat(f *schema.Field, at loc, reqs []string, n json.Number) {
	if strings.ContainsAny(string(n), "eE") {
		c.add(RuleExponent, reqs, at.ptr(), "%s is written %s with an exponent; the FLOAT grammar of the drafts has none (write it as a plain decimal)", at.where(), quoteValue(n))
	}
	if f.Name == "Confidence" && f.Minimum == "" && !clearlyIn(string(n), 0, 1) {
		r, ok := new(big.Rat).SetString(string(n))
		if ok && (r.Sign() < 0 || r.Cmp(big.NewRat(1, 1)) > 0) {
			c.add(RuleConfidence, reqs, at.ptr(), "%s %s is outside 0 to 1; %s's schema does not bound it but the drafts do", at.where(), quoteValue(n), c.rev.Version)
		}
	}
}

// clearlyIn reports whether a number literal is inside [lo, hi] by a margin no rounding
// can cross; when it is not, the caller decides exactly.
func clearlyIn(lit string, lo, hi float64) bool {
	f, err := strconv.ParseFloat(lit, 64)
	return err == nil && f > lo+1e-9 && f < hi-1e-9
}

func (c *checker) checkUUID(f *schema.Field, at loc, reqs []string, s string) {
	if len(s) != 36 {
		return
	}
	if f.Owner.Name == "Alert" && f.Name == "ID" {
		switch {
		case strings.EqualFold(s, "00000000-0000-0000-0000-000000000000"):
			c.add(RuleUUIDNil, reqs, at.ptr(), "ID is the nil UUID, which identifies nothing; each alert needs an identifier of its own")
			return
		case strings.EqualFold(s, "ffffffff-ffff-ffff-ffff-ffffffffffff"):
			c.add(RuleUUIDNil, reqs, at.ptr(), "ID is the max UUID (RFC 9562), which identifies nothing; each alert needs an identifier of its own")
			return
		}
	}
	// The version is the first digit of the third group, for the RFC 4122 variant (10xx).
	if s[14] == '4' && strings.IndexByte("89abAB", s[19]) >= 0 {
		c.add(RuleUUIDVersion4, reqs, at.ptr(), "%s %s is a version 4 (random) UUID; the draft asks generators not to use version 4, to lower the risk of collisions (version 7 or 1 instead)", at.where(), quote(s))
	}
}

func (c *checker) checkIP(at loc, reqs []string, s string) {
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
		var buf [64]byte
		if canon := a.AppendTo(buf[:0]); string(canon) != addr {
			c.add(RuleIPCanonical, reqs, at.ptr(), "%s %s is not written as RFC 5952 recommends; write %s", at.where(), quote(s), string(canon))
		}
		return
	}
	if hasLeadingZero(addr) {
		a, err := netip.ParseAddr(stripZeros(addr))
		hint := ""
		if err == nil {
			hint = ", e.g. " + a.String()
		}
		c.add(RuleIPLeadingZero, reqs, at.ptr(), "%s %s has an octet with a leading zero, which some parsers read as octal; write octets without leading zeros%s", at.where(), quote(s), hint)
	}
}

// hasLeadingZero reports whether a dotted-decimal address has an octet like 010.
func hasLeadingZero(ip string) bool {
	start := 0
	for i := 0; i <= len(ip); i++ {
		if i == len(ip) || ip[i] == '.' {
			if i-start > 1 && ip[start] == '0' {
				return true
			}
			start = i + 1
		}
	}
	return false
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

// wellInside reports whether a decimal number, [-+]digits[.digits], has an integer part of
// at most limit: its value is then strictly inside ±(limit+1), rounding or not. It reports
// false for anything else, which the caller parses.
func wellInside(s string, limit int) bool {
	if s != "" && (s[0] == '-' || s[0] == '+') {
		s = s[1:]
	}
	n, i := 0, 0
	for ; i < len(s) && s[i] >= '0' && s[i] <= '9'; i++ {
		if n = n*10 + int(s[i]-'0'); n > limit {
			return false
		}
	}
	if i == 0 {
		return false
	}
	for j := i + 1; j < len(s); j++ {
		if s[j] < '0' || s[j] > '9' {
			return false
		}
	}
	return i == len(s) || s[i] == '.'
}

func (c *checker) checkGeo(at loc, reqs []string, s string) {
	first, rest, ok := strings.Cut(s, ",")
	if !ok {
		return
	}
	second, _, _ := strings.Cut(rest, ",")
	first, second = strings.TrimSpace(first), strings.TrimSpace(second)
	if wellInside(first, 89) && wellInside(second, 179) {
		return // the common case, without parsing the numbers
	}
	lat, err1 := strconv.ParseFloat(first, 64)
	lon, err2 := strconv.ParseFloat(second, 64)
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

func (c *checker) checkString(f *schema.Field, at loc, reqs []string, s string) {
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
		if !json.Valid(unsafeBytes(s)) {
			c.add(RuleCaptureZone, reqs, at.ptr(), "%s is not a JSON text; the draft describes CaptureZone as a JSON-serialized string", at.where())
		}
	}
}

func isFQDN(s string) bool {
	s = strings.TrimSuffix(s, ".")
	if len(s) > 253 {
		return false
	}
	labels, start, lastDigits := 0, 0, true
	for i := 0; i <= len(s); i++ {
		if i < len(s) && s[i] != '.' {
			continue
		}
		l := s[start:i]
		if l == "" || len(l) > 63 || l[0] == '-' || l[len(l)-1] == '-' {
			return false
		}
		lastDigits = true
		for k := 0; k < len(l); k++ {
			ch := l[k]
			switch {
			case ch >= '0' && ch <= '9':
			case ch >= 'a' && ch <= 'z' || ch >= 'A' && ch <= 'Z' || ch == '-':
				lastDigits = false
			default:
				return false
			}
		}
		labels++
		start = i + 1
	}
	// The last label of a domain name is never all digits; that would be an IPv4 address.
	return labels >= 2 && !lastDigits
}

// classRules is what the rules about an instance of a class need of the class, worked out
// once per Validator rather than for every object.
type classRules struct {
	exts []extPair // the class's ext- fields whose base field has a selecting keyword
}

// extPair is an ext-X field and X.
type extPair struct{ ext, base *schema.Field }

func newClassRules(cls *schema.Class) *classRules {
	r := &classRules{}
	for _, f := range cls.Fields {
		if f.Def.Extends == "" {
			continue
		}
		if base, ok := cls.Field(f.Def.Extends); ok && base.Enum != nil && base.ExtKeyword != "" {
			r.exts = append(r.exts, extPair{ext: f, base: base})
		}
	}
	return r
}

// revisionRules is what the rules across an alert need of its revision, worked out once per
// Validator.
type revisionRules struct {
	// attachRefs are the classes of the alert whose Attachment field names attachments.
	attachRefs  []attachRef
	hasPriority bool
	mediaType   *schema.TypeDef // nil when the model has none
}

type attachRef struct {
	class string
	ref   *schema.Field // the class's Attachment field
}

func newRevisionRules(rev *schema.Revision) *revisionRules {
	r := &revisionRules{}
	for _, class := range []string{"Source", "Target", "Vector"} {
		f, ok := rev.Alert.Field(class)
		if !ok || f.Class == nil {
			continue
		}
		if ref, ok := f.Class.Field("Attachment"); ok {
			r.attachRefs = append(r.attachRefs, attachRef{class: class, ref: ref})
		}
	}
	_, r.hasPriority = rev.Alert.Field("Priority")
	r.mediaType, _ = rev.Model().Type("MEDIATYPE")
	return r
}

// rulesCache holds the classRules and revisionRules of every revision of a model. It is
// built by New and only read afterwards.
type rulesCache struct {
	classes map[*schema.Class]*classRules
	revs    map[*schema.Revision]*revisionRules
}

func newRulesCache(m *schema.Model) *rulesCache {
	rc := &rulesCache{classes: map[*schema.Class]*classRules{}, revs: map[*schema.Revision]*revisionRules{}}
	var visit func(cls *schema.Class)
	visit = func(cls *schema.Class) {
		if _, done := rc.classes[cls]; done {
			return
		}
		rc.classes[cls] = newClassRules(cls)
		for _, f := range cls.Fields {
			if f.Class != nil {
				visit(f.Class)
			}
		}
	}
	for _, v := range m.Versions() {
		rev, _ := m.Revision(v)
		rc.revs[rev] = newRevisionRules(rev)
		visit(rev.Alert)
	}
	return rc
}

// classRules returns the rules' view of a class (worked out afresh for a class the cache
// does not hold).
func (v *Validator) classRules(cls *schema.Class) *classRules {
	if v.rules != nil {
		if r, ok := v.rules.classes[cls]; ok {
			return r
		}
	}
	return newClassRules(cls)
}

func (v *Validator) revisionRules(rev *schema.Revision) *revisionRules {
	if v.rules != nil {
		if r, ok := v.rules.revs[rev]; ok {
			return r
		}
	}
	return newRevisionRules(rev)
}

// checkObject applies the rules about one class instance: the ext- pairs, and the
// attachment's own consistency.
func (c *checker) checkObject(cls *schema.Class, at loc, obj val) {
	c.checkObjectWith(c.v.classRules(cls), cls, at, obj)
}

func (c *checker) checkObjectWith(r *classRules, cls *schema.Class, at loc, obj val) {
	for _, p := range r.exts {
		c.checkExtension(at, obj, p.ext, p.base)
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
func (c *checker) checkExtension(at loc, obj val, ext, base *schema.Field) {
	keyword := base.ExtKeyword
	selects := false
	bv := obj.member(base.Name)
	switch bv.kind() {
	case '"':
		s, _ := bv.str()
		selects = s == keyword
	case '[':
		for it := bv.items(); it.next(); {
			if s, ok := it.v.str(); ok && s == keyword {
				selects = true
			}
		}
	}
	ev := obj.member(ext.Name)
	extEmpty := !ev.ok
	switch ev.kind() {
	case '"':
		s, _ := ev.str()
		extEmpty = s == ""
	case '[':
		extEmpty = ev.length() == 0
	}
	owner := func() string {
		if w := at.where(); w != "" {
			return w + "."
		}
		return ""
	}
	switch {
	case ev.ok && !selects:
		o := owner()
		c.add(RuleExtUnused, ext.Requirements(), at.field(ext.Name).ptr(), "%s%s is set but %s%s does not hold %s; an ext- field carries data only when its field selects %s",
			o, ext.Name, o, base.Name, quote(keyword), quote(keyword))
	case selects && extEmpty:
		o := owner()
		c.add(RuleExtMissing, ext.Requirements(), at.field(base.Name).ptr(), "%s%s holds %s but %s%s, which should carry the value of the sender's own, is missing or empty",
			o, base.Name, quote(keyword), o, ext.Name)
	}
}

// checkAlert applies the rules that relate fields across the message.
func (c *checker) checkAlert(obj val) {
	start, okS := obj.member("StartTime").str()
	end, okE := obj.member("EndTime").str()
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

func (c *checker) checkSelfReference(obj val) {
	id, ok := obj.member("ID").str()
	if !ok {
		return
	}
	for _, name := range []string{"CorrelID", "PredID", "RelID"} {
		for it := obj.member(name).items(); it.next(); {
			if s, ok := it.v.str(); ok && strings.EqualFold(s, id) {
				c.add(RuleUUIDSelf, nil, "/"+name+"/"+strconv.Itoa(it.i), "%s[%d] %s is the alert's own ID (UUIDs compare case-insensitively); an alert cannot be its own predecessor, source or relative", name, it.i, quote(s))
			}
		}
	}
}

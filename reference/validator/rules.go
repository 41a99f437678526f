package validator

import (
	"slices"
	"strings"

	"github.com/idmefcheck/idmefcheck/reference/message"
	"github.com/idmefcheck/idmefcheck/schema"
)

// Severity says whether a finding makes a message invalid.
type Severity string

// Severities.
const (
	Error   Severity = "error"
	Warning Severity = "warning"
)

// Rule is one thing the validator judges. Its ID is stable: vectors, reports and users'
// expected-findings lists refer to it.
type Rule struct {
	ID    string
	Title string
	// Requirements are the catalogue IDs the rule establishes. A finding may cite more
	// precise ones (those of the field concerned); these are the rule's own.
	Requirements []string
	// Strict and Official are the severities under each profile. Under official, a rule
	// the published schema does not enforce is a warning: the verdict stays the schema's.
	Strict   Severity
	Official Severity
}

// Rule IDs. The json.* rules judge the JSON text, version.* the choice of schema, schema.*
// repeat what the revision's schema says, the others are the strict profile's rules that
// no schema expresses.
const (
	RuleSyntax       = message.Syntax
	RuleEmpty        = message.Empty
	RuleUTF8         = message.InvalidUTF8
	RuleBOM          = message.BOM
	RuleSurrogate    = message.Surrogate
	RuleDuplicateKey = message.DuplicateKey
	RuleTrailingData = message.TrailingData
	RuleLimitSize    = message.TooLarge
	RuleLimitDepth   = message.TooDeep
	RuleLimitNumber  = message.NumberLimit
	RuleNotObject    = "json.not-object"

	RuleVersionMissing = "version.missing"
	RuleVersionUnknown = "version.unknown"

	RuleRequired     = "schema.required"
	RuleUnknownField = "schema.unknown-field"
	RuleType         = "schema.type"
	RuleInteger      = "schema.integer"
	RuleEnum         = "schema.enum"
	RuleVersion      = "schema.version"
	RulePattern      = "schema.pattern"
	RuleFormat       = "schema.format"
	RuleRange        = "schema.range"
	RuleSchemaOther  = "schema.other"

	RuleOffsetMissing = "time.offset-missing"
	RuleCalendar      = "time.calendar"
	RuleLeapSecond    = "time.leap-second"
	RuleLeapUnchecked = "time.leap-second-unverifiable"
	RuleOffsetUnknown = "time.offset-unknown"
	RuleOffsetRange   = "time.offset-range"
	RuleTimeOrder     = "time.order"

	RulePortRange      = "number.port-range"
	RuleSizeRange      = "number.size-range"
	RuleConfidence     = "number.confidence-range"
	RulePrecision      = "number.precision"
	RuleExponent       = "number.exponent"
	RuleGeoRange       = "geo.range"
	RuleUUIDVersion4   = "uuid.version4"
	RuleUUIDNil        = "uuid.nil"
	RuleUUIDSelf       = "uuid.self-reference"
	RuleIPZone         = "ip.zone"
	RuleIPSyntax       = "ip.syntax"
	RuleIPLeadingZero  = "ip.leading-zero"
	RuleIPCanonical    = "ip.noncanonical"
	RuleExtMissing     = "ext.missing"
	RuleExtUnused      = "ext.unused"
	RuleAttachDupName  = "attachment.duplicate-name"
	RuleAttachRef      = "attachment.unresolved"
	RuleAttachEncoding = "attachment.encoding"
	RuleAttachEncCase  = "attachment.encoding-case"
	RuleAttachJSON     = "attachment.content-json"
	RuleAttachBase64   = "attachment.content-base64"
	RuleAttachHash     = "attachment.hash-mismatch"
	RuleAttachWeakHash = "attachment.hash-weak"
	RuleAttachSize     = "attachment.size-mismatch"
	RuleAggrPath       = "aggr.path"
	RuleAggrWindow     = "aggr.window"
	RuleTIFormat       = "ti.format"
	RuleCaptureZone    = "sensor.capture-zone"
	RuleHostname       = "hostname.fqdn"
	RuleProtocolOrder  = "protocol.order"
	RuleMediaType      = "attachment.media-type"
	RuleLargeContent   = "attachment.large-content"
	RuleLocatable      = "analyzer.locatable"
	RuleImpact         = "content.impact"
)

var rules = []Rule{
	{RuleSyntax, "The message is JSON", []string{"IDMEF2-5.8-1", "IDMEF2T-5-1"}, Error, Error},
	{RuleEmpty, "The message holds a JSON value", []string{"IDMEF2-5.8-1", "IDMEF2T-5-1"}, Error, Error},
	{RuleUTF8, "The message is UTF-8", []string{"IDMEF2-5.8-1", "IDMEF2T-5-1", "R4766-5.1"}, Error, Error},
	{RuleBOM, "No byte order mark precedes the message", []string{"IDMEF2-5.8-1", "IDMEF2T-5-1"}, Error, Warning},
	{RuleSurrogate, "Escaped surrogates come in pairs", []string{"IDMEF2-3.3-1", "R4766-5.1"}, Error, Warning},
	{RuleDuplicateKey, "Member names are unique within an object", []string{"IDMEF2-5.8-1", "IDMEF2T-5-1"}, Error, Warning},
	{RuleTrailingData, "A message is exactly one JSON value", []string{"IDMEF2-5.8-1", "IDMEF2-5.8-2", "IDMEF2T-5-1", "IDMEF2T-5-2"}, Error, Error},
	{RuleLimitSize, "The message fits the size limit", []string{"IDMEF2-5.8-1"}, Error, Error},
	{RuleLimitDepth, "Nesting fits the depth limit", []string{"IDMEF2-5.8-1"}, Error, Error},
	{RuleLimitNumber, "Number literals fit the length limit", []string{"IDMEF2-5.8-1"}, Error, Error},
	{RuleNotObject, "The message is a JSON object", []string{"IDMEF2-5.8-2", "IDMEF2T-5-2"}, Error, Error},

	{RuleVersionMissing, "The message names its revision in Version", []string{"IDMEF2-5.2-1"}, Error, Error},
	{RuleVersionUnknown, "Version names a supported revision", []string{"IDMEF2-5.2-1"}, Error, Error},

	{RuleRequired, "Mandatory fields are present", []string{"IDMEF2-2.2-1"}, Error, Error},
	{RuleUnknownField, "Only the revision's fields appear", []string{"IDMEF2-5.8-3", "IDMEF2T-5-3", "IDMEF2T-5-4"}, Error, Error},
	{RuleType, "Values have their field's JSON type", []string{"IDMEF2-5.8-4", "IDMEF2-5.8-5", "IDMEF2T-5-5", "IDMEF2T-5-6", "IDMEF2T-5-7"}, Error, Error},
	{RuleInteger, "INT values are written without fraction or exponent", []string{"IDMEF2-3.2.1-1"}, Error, Error},
	{RuleEnum, "Enumerated values are keywords of their list", []string{"IDMEF2-3.3.1-1", "R4766-7.2-2"}, Error, Error},
	{RuleVersion, "Version is the revision judged against", []string{"IDMEF2-5.2-1"}, Error, Error},
	{RulePattern, "Typed strings have their type's syntax", []string{"IDMEF2-2.2-1"}, Error, Error},
	{RuleFormat, "URIs and e-mail addresses are well formed", []string{"IDMEF2-2.2-1"}, Error, Error},
	{RuleRange, "Numbers are within their field's bounds", []string{"IDMEF2-5.2-5"}, Error, Error},
	{RuleSchemaOther, "The message satisfies its revision's schema", []string{"IDMEF2-2.2-1"}, Error, Error},

	{RuleOffsetMissing, "Timestamps carry a UTC offset", []string{"R4766-7.14", "IDMEF2-3.3.2-1"}, Error, Warning},
	{RuleCalendar, "Timestamps name real calendar dates", []string{"IDMEF2-3.3.2-1", "R4766-7.15"}, Error, Warning},
	{RuleLeapSecond, "Second 60 appears only at a leap second", []string{"IDMEF2-3.3.2-1"}, Error, Warning},
	// A second 60 that the table cannot judge (no offset, or a day after the table) may be a
	// real leap second: saying so is a warning, never a reason to reject the message.
	{RuleLeapUnchecked, "Second 60 has an offset and a date the leap-second table covers", []string{"IDMEF2-3.3.2-1"}, Warning, Warning},
	{RuleOffsetUnknown, "The offset -00:00 (local offset unknown) is avoided", []string{"R4766-7.14"}, Warning, Warning},
	{RuleOffsetRange, "Offsets are ones a time zone uses (-12:00 to +14:00)", []string{"R4766-7.14"}, Warning, Warning},
	{RuleTimeOrder, "EndTime does not precede StartTime", []string{"IDMEF2-5.2-8"}, Error, Warning},

	{RulePortRange, "Ports are from 1 to 65535", []string{"IDMEF2-5.5-4", "IDMEF2-5.6-2"}, Error, Warning},
	{RuleSizeRange, "Attachment sizes are not negative", []string{"IDMEF2-5.7-4"}, Error, Warning},
	{RuleConfidence, "Confidence is from 0 to 1", []string{"IDMEF2-5.2-5"}, Error, Warning},
	{RulePrecision, "INT values stay within the interoperable range of JSON numbers", []string{"IDMEF2-3.2.1-1", "IDMEF2-5.8-1"}, Error, Warning},
	{RuleExponent, "FLOAT values are written without exponent", []string{"IDMEF2-3.2.2-1"}, Warning, Warning},
	{RuleGeoRange, "Coordinates are within WGS84 ranges", []string{"IDMEF2-3.3.3-1"}, Error, Warning},
	{RuleUUIDVersion4, "Identifiers are not version 4 UUIDs", []string{"IDMEF2-3.3.10-2"}, Warning, Warning},
	{RuleUUIDNil, "The alert's ID is not the nil or max UUID", []string{"IDMEF2-5.2-2", "R4766-7.12"}, Error, Warning},
	{RuleUUIDSelf, "An alert does not refer to itself", []string{"IDMEF2-3.3.10-3", "R4766-7.12"}, Warning, Warning},
	{RuleIPZone, "IP addresses carry no zone index", []string{"IDMEF2-3.3.6-1"}, Error, Warning},
	{RuleIPSyntax, "IP addresses follow RFC 4291 text syntax", []string{"IDMEF2-3.3.6-1"}, Error, Warning},
	{RuleIPLeadingZero, "IPv4 octets have no leading zeros", []string{"IDMEF2-3.3.6-1"}, Warning, Warning},
	{RuleIPCanonical, "IPv6 addresses are written as RFC 5952 recommends", []string{"IDMEF2-3.3.6-2"}, Warning, Warning},
	{RuleExtMissing, "ext-value comes with the ext- field holding the value", []string{"IDMEF2-4.1.1-1", "R4766-7.17", "R4766-7.2-2"}, Error, Warning},
	{RuleExtUnused, "An ext- field appears only with ext-value", []string{"IDMEF2-4.1.1-2"}, Error, Warning},
	{RuleAttachDupName, "Attachment names are unique in an alert", []string{"IDMEF2-3.3.8-2"}, Error, Warning},
	{RuleAttachRef, "Attachment references name an attachment of the alert", []string{"IDMEF2-5.5-5", "IDMEF2-5.6-3"}, Error, Warning},
	{RuleAttachEncoding, "ContentEncoding is json or base64", []string{"IDMEF2-5.7-6"}, Error, Warning},
	{RuleAttachEncCase, "ContentEncoding is written in lower case", []string{"IDMEF2-5.7-6"}, Warning, Warning},
	{RuleAttachJSON, "JSON-encoded content is JSON", []string{"IDMEF2-5.7-6", "IDMEF2-4.2-1", "IDMEF2-5.7-7"}, Error, Warning},
	{RuleAttachBase64, "Base64-encoded content is Base64", []string{"IDMEF2-5.7-6"}, Error, Warning},
	{RuleAttachHash, "Attachment hashes match the content", []string{"IDMEF2-5.7-2"}, Error, Warning},
	{RuleAttachWeakHash, "Attachment hashes use SHA-2 or SHA-3", []string{"IDMEF2-5.7-3"}, Warning, Warning},
	{RuleAttachSize, "Attachment sizes match the content", []string{"IDMEF2-5.7-4"}, Error, Warning},
	{RuleAggrPath, "AggrCondition holds valid IDMEF paths", []string{"IDMEF2-3.3.12-1", "IDMEF2-3.3.12-2", "IDMEF2-5.2-6"}, Error, Warning},
	{RuleAggrWindow, "Aggregated alerts give their window in StartTime and EndTime", []string{"IDMEF2-5.2-6"}, Warning, Warning},
	{RuleTIFormat, "TI values are written attribute:origin", []string{"IDMEF2-5.5-2"}, Error, Warning},
	{RuleCaptureZone, "CaptureZone holds a JSON text", []string{"IDMEF2-5.4-3"}, Warning, Warning},
	{RuleHostname, "Host names are fully qualified domain names", []string{"IDMEF2-5.3-2", "IDMEF2-5.4-2", "IDMEF2-5.5-6", "IDMEF2-5.6-4"}, Warning, Warning},
	{RuleProtocolOrder, "Stacked protocols go from the lowest layer to the highest", []string{"IDMEF2-5.5-3"}, Error, Warning},
	{RuleMediaType, "Attachment media types have a registered top-level type", []string{"IDMEF2-5.7-5"}, Warning, Warning},
	{RuleLargeContent, "Large attachment content is referenced, not embedded", []string{"IDMEF2-5.7-8"}, Warning, Warning},
	{RuleLocatable, "The analyzer can be located, not only named", []string{"R4766-7.9"}, Warning, Warning},
	{RuleImpact, "The alert indicates the possible impact (Priority)", []string{"R4766-7.7", "R4766-7.7-2"}, Warning, Warning},
}

// Rules lists every rule, sorted by ID.
func Rules() []Rule {
	out := slices.Clone(rules)
	for i := range out {
		out[i].Requirements = slices.Clone(out[i].Requirements)
	}
	slices.SortFunc(out, func(a, b Rule) int { return strings.Compare(a.ID, b.ID) })
	return out
}

var ruleIndex = func() map[string]*Rule {
	m := make(map[string]*Rule, len(rules))
	for i := range rules {
		m[rules[i].ID] = &rules[i]
	}
	return m
}()

// LookupRule returns the rule with the given ID.
func LookupRule(id string) (Rule, bool) {
	r, ok := ruleIndex[id]
	if !ok {
		return Rule{}, false
	}
	return *r, true
}

// Coverage returns, for each rule, every requirement the rule establishes: its own, and for
// the schema rules those the model attaches to what they judge (a mandatory field's
// requirement is established by schema.required; a data type's syntax by schema.pattern or
// schema.format).
func Coverage(m *schema.Model) map[string][]string {
	out := map[string][]string{}
	addAll := func(rule string, ids []string) {
		for _, id := range ids {
			if !slices.Contains(out[rule], id) {
				out[rule] = append(out[rule], id)
			}
		}
	}
	for _, r := range rules {
		addAll(r.ID, r.Requirements)
	}
	for _, t := range m.Types() {
		switch {
		case t.Pattern != "":
			addAll(RulePattern, t.Req)
		case t.Format != "":
			addAll(RuleFormat, t.Req)
		}
	}
	for _, v := range m.Versions() {
		rev, _ := m.Revision(v)
		for _, cd := range m.Classes() {
			cls, ok := rev.Class(cd.Name)
			if !ok {
				continue
			}
			for _, f := range cls.Fields {
				if f.Required {
					addAll(RuleRequired, f.Def.Req)
				}
			}
		}
	}
	for id := range out {
		slices.Sort(out[id])
	}
	return out
}

package analyzerrole

import (
	"context"
	"encoding/json"
	"fmt"
	"net/netip"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/google/uuid"

	"github.com/idmefcheck/idmefcheck/conformance/harness"
	"github.com/idmefcheck/idmefcheck/reference/validator"
)

// contentScenarios are emitted by the validity check: every scenario whose messages are small.
var contentScenarios = []string{"basic", "unicode", "ipv6", "extension", "attachment", "time-edge"}

func messageChecks() []harness.Check {
	return []harness.Check{
		check(harness.Check{
			ID: "ANA-MSG-001", Title: "Every message is valid under the strict profile",
			Requirements: []string{"IDMEF2-2.2-1", "IDMEF2T-3-2", "IDMEF2-5.8-1", "IDMEF2T-5-1"}, Level: "MUST", Category: "content",
			Doc: "Asks for one alert of each scenario (basic, unicode, ipv6, extension, attachment, time-edge) and judges every message received with the reference validator under the strict profile: schema of the message's version plus every message-level rule. Any error fails the check; a scenario the analyzer skips is noted, and the check is inconclusive only if it skipped them all.",
		}, func(ctx context.Context, t *harness.T, e *Env) harness.Outcome {
			var bad []string
			judged := 0
			for _, sc := range contentScenarios {
				ids, got, o := emitDelivered(ctx, t, e, sc, 1)
				if o != nil {
					if o.Reason == "scenario-skipped" {
						t.Notef("%s", o.Message)
						continue
					}
					return *o
				}
				for _, r := range first(ids, got) {
					judged++
					res := e.Validator.Validate(r.Body)
					for _, f := range res.Findings {
						if f.Severity == validator.Error {
							bad = append(bad, fmt.Sprintf("%s (%s) %s: %s [%s]", sc, r.ID, f.Pointer, f.Message, f.Rule))
						}
					}
					if !res.Valid {
						t.Evidence("request", sc+" "+r.ID, r.Describe())
					}
				}
			}
			if judged == 0 {
				return harness.Inconclusivef("scenario-skipped", "the analyzer skipped every scenario")
			}
			t.Expect("no error under the strict profile", fmt.Sprintf("%d messages, %d errors", judged, len(bad)))
			if len(bad) > 0 {
				return harness.Failf("invalid-message", "%s", strings.Join(bad, "; "))
			}
			return harness.Passf("%s judged valid under the strict profile", plural(judged, "message"))
		}),
		check(harness.Check{
			ID: "ANA-MSG-002", Title: "CreateTime is local time with its UTC offset",
			Requirements: []string{"R4766-7.14", "R4766-7.13", "IDMEF2-5.2-3"}, Level: "SHALL", Category: "time",
			Doc: "Asks for three basic alerts and reads each CreateTime: it must be an RFC 3339 date-time that ends with its offset (Z or ±hh:mm).",
		}, func(ctx context.Context, t *harness.T, e *Env) harness.Outcome {
			ids, got, o := emitDelivered(ctx, t, e, "basic", 3)
			if o != nil {
				return *o
			}
			var bad []string
			for _, r := range first(ids, got) {
				ct, _ := field(r.Body, "CreateTime").(string)
				if !offsetRE.MatchString(ct) {
					bad = append(bad, fmt.Sprintf("%s: %q", r.ID, ct))
				}
			}
			t.Expect("CreateTime with an offset", orOK(bad))
			if len(bad) > 0 {
				return harness.Failf("no-offset", "CreateTime without a UTC offset: %s", strings.Join(bad, "; "))
			}
			return harness.Passf("every CreateTime carries its offset")
		}),
		check(harness.Check{
			ID: "ANA-MSG-003", Title: "Message IDs are unique over the run",
			Requirements: []string{"R4766-7.12", "IDMEF2-5.2-2"}, Level: "MUST", Category: "content",
			Doc: "Asks for a burst of 30 alerts and 5 basic ones: the 35 IDs the trigger reports must all differ. Then looks at every request the harness received during the whole run: two messages with different content must never share an ID (compared without regard to case); a retry of the same bytes under the same ID is not a duplicate.",
		}, func(ctx context.Context, t *harness.T, e *Env) harness.Outcome {
			burst, _, o := emitDelivered(ctx, t, e, "burst", 30)
			if o != nil {
				return *o
			}
			basic, _, o := emitDelivered(ctx, t, e, "basic", 5)
			if o != nil {
				return *o
			}
			// The analyzer itself says these are 35 alerts: their IDs must differ, even where
			// their bytes happen to be the same.
			seen := map[string]bool{}
			var clashes []string
			for _, id := range append(burst, basic...) {
				if seen[strings.ToLower(id)] && len(clashes) < 10 {
					clashes = append(clashes, id)
				}
				seen[strings.ToLower(id)] = true
			}
			bodies := map[string]string{}
			n := 0
			for _, r := range e.Sim.Requests() {
				if r.ID == "" {
					continue
				}
				k := strings.ToLower(r.ID)
				if prev, ok := bodies[k]; ok {
					if prev != string(r.Body) && len(clashes) < 10 {
						clashes = append(clashes, r.ID)
					}
					continue
				}
				bodies[k] = string(r.Body)
				n++
			}
			t.Expect("one content per ID", fmt.Sprintf("%d IDs, %d shared by different messages", n, len(clashes)))
			if len(clashes) > 0 {
				return harness.Failf("duplicate-id", "different messages share the IDs %s", strings.Join(clashes, ", "))
			}
			return harness.Passf("%s, each ID carried by one message only", plural(n, "distinct ID"))
		}),
		check(harness.Check{
			ID: "ANA-MSG-004", Title: "Message IDs are not random (version 4) UUIDs",
			Requirements: []string{"IDMEF2-3.3.10-2"}, Level: "SHOULD", Category: "content",
			Doc: "Asks for five basic alerts: each ID that is a UUID should not be version 4 (the format draft prefers time-based UUIDs, which sort and carry their origin time).",
		}, func(ctx context.Context, t *harness.T, e *Env) harness.Outcome {
			ids, _, o := emitDelivered(ctx, t, e, "basic", 5)
			if o != nil {
				return *o
			}
			var v4 []string
			for _, id := range ids {
				if u, err := uuid.Parse(id); err == nil && u.Version() == 4 {
					v4 = append(v4, id)
				}
			}
			t.Expect("no version 4 UUID", orOK(v4))
			if len(v4) > 0 {
				return harness.Failf("uuid-v4", "version 4 UUIDs: %s", strings.Join(v4, ", "))
			}
			return harness.Passf("no ID is a version 4 UUID")
		}),
		check(harness.Check{
			ID: "ANA-MSG-005", Title: "The analyzer names itself and can be located",
			Requirements: []string{"R4766-7.9", "IDMEF2-5.3-1"}, Level: "MUST", Category: "content",
			Doc: "Asks for three basic alerts: each must carry an Analyzer with a Name and an IP or a Hostname, so that an operator can tell which analyzer reported and find it.",
		}, func(ctx context.Context, t *harness.T, e *Env) harness.Outcome {
			ids, got, o := emitDelivered(ctx, t, e, "basic", 3)
			if o != nil {
				return *o
			}
			var bad []string
			for _, r := range first(ids, got) {
				an, _ := field(r.Body, "Analyzer").(map[string]any)
				name, _ := an["Name"].(string)
				_, ip := an["IP"].(string)
				_, host := an["Hostname"].(string)
				if name == "" || (!ip && !host) {
					bad = append(bad, fmt.Sprintf("%s: Analyzer %v", r.ID, an))
				}
			}
			t.Expect("Analyzer.Name and Analyzer.IP or Hostname", orOK(bad))
			if len(bad) > 0 {
				return harness.Failf("analyzer-unidentified", "%s", strings.Join(bad, "; "))
			}
			return harness.Passf("every alert names its analyzer and where it is")
		}),
		check(harness.Check{
			ID: "ANA-MSG-006", Title: "Text in any script is sent intact",
			Requirements: []string{"IDMEF2-2.2-1", "IDMEF2-5.8-1"}, Level: "MUST", Category: "i18n",
			Doc: "Asks for a unicode alert: its strings must hold text outside ASCII, including a character beyond the Basic Multilingual Plane, as valid UTF-8 (escaped or not), and no replacement character (U+FFFD) or question-mark run where text was lost.",
		}, func(ctx context.Context, t *harness.T, e *Env) harness.Outcome {
			ids, got, o := emitDelivered(ctx, t, e, "unicode", 1)
			if o != nil {
				return *o
			}
			r := first(ids, got)[0]
			var v any
			if err := json.Unmarshal(r.Body, &v); err != nil {
				return harness.Failf("not-json", "the unicode alert is not JSON: %v", err)
			}
			nonASCII, astral, replaced := false, false, false
			walkStrings(v, func(s string) {
				for _, c := range s {
					nonASCII = nonASCII || c > 0x7f
					astral = astral || c > 0xffff
					replaced = replaced || c == utf8.RuneError
				}
				replaced = replaced || strings.Contains(s, "???")
			})
			t.Expect("non-ASCII and astral-plane text, nothing replaced", fmt.Sprintf("non-ASCII %v, astral %v, replaced %v", nonASCII, astral, replaced))
			if !nonASCII || !astral || replaced {
				t.Evidence("request", "unicode alert", r.Describe())
				return harness.Failf("text-lost", "the unicode alert lost text (non-ASCII %v, beyond the BMP %v, replaced %v)", nonASCII, astral, replaced)
			}
			return harness.Passf("the unicode alert carries non-ASCII and astral-plane text intact")
		}),
		check(harness.Check{
			ID: "ANA-MSG-007", Title: "Private categories and vendor data use the extension mechanisms",
			Requirements: []string{"IDMEF2-4.1.1-1", "IDMEF2-4.2-1"}, Level: "MUST", Category: "extensibility",
			Doc: "Asks for an extension alert: its Category must hold the version's ext-value keyword with a non-empty ext-Category, and an Attachment must carry the vendor data as JSON (ContentEncoding json or absent, Content a JSON object or a string holding one).",
		}, func(ctx context.Context, t *harness.T, e *Env) harness.Outcome {
			ids, got, o := emitDelivered(ctx, t, e, "extension", 1)
			if o != nil {
				return *o
			}
			r := first(ids, got)[0]
			var m map[string]any
			if err := json.Unmarshal(r.Body, &m); err != nil {
				return harness.Failf("not-json", "%v", err)
			}
			cats, _ := m["Category"].([]any)
			extKeyword := false
			for _, c := range cats {
				if s, _ := c.(string); s == "ext-value" || s == "Other.ext-value" {
					extKeyword = true
				}
			}
			extCat := m["ext-Category"] != nil && fmt.Sprint(m["ext-Category"]) != "" && fmt.Sprint(m["ext-Category"]) != "[]"
			jsonAttachment := false
			atts, _ := m["Attachment"].([]any)
			for _, a := range atts {
				at, _ := a.(map[string]any)
				enc, _ := at["ContentEncoding"].(string)
				if enc != "" && enc != "json" {
					continue
				}
				switch c := at["Content"].(type) {
				case map[string]any:
					jsonAttachment = true
				case string:
					var inner map[string]any
					jsonAttachment = jsonAttachment || json.Unmarshal([]byte(c), &inner) == nil
				}
			}
			t.Expect("ext-value with ext-Category, and a JSON attachment", fmt.Sprintf("keyword %v, ext-Category %v, JSON attachment %v", extKeyword, extCat, jsonAttachment))
			if !extKeyword || !extCat || !jsonAttachment {
				t.Evidence("request", "extension alert", r.Describe())
				return harness.Failf("extension-malformed", "the extension alert lacks %s", missingParts(extKeyword, extCat, jsonAttachment))
			}
			return harness.Passf("the private category and the vendor data travel through the extension mechanisms")
		}),
		check(harness.Check{
			ID: "ANA-MSG-008", Title: "Time edges are written exactly",
			Requirements: []string{"IDMEF2-2.2-1", "R4766-7.14"}, Level: "MUST", Category: "time",
			Doc: "Asks for a time-edge alert: some timestamp must carry more than six fraction digits, one an offset other than the CreateTime's, and one a date after 2038-01-19 (the 32-bit limit); every timestamp must keep its offset.",
		}, func(ctx context.Context, t *harness.T, e *Env) harness.Outcome {
			ids, got, o := emitDelivered(ctx, t, e, "time-edge", 1)
			if o != nil {
				return *o
			}
			r := first(ids, got)[0]
			var m map[string]any
			if err := json.Unmarshal(r.Body, &m); err != nil {
				return harness.Failf("not-json", "%v", err)
			}
			ct, _ := m["CreateTime"].(string)
			long, otherOffset, post2038, noOffset := false, false, false, []string{}
			for _, k := range []string{"CreateTime", "StartTime", "EndTime", "ReportTime", "DetectTime", "AnalyzerTime"} {
				s, ok := m[k].(string)
				if !ok {
					continue
				}
				if !offsetRE.MatchString(s) {
					noOffset = append(noOffset, k)
				}
				if f := fractionRE.FindStringSubmatch(s); f != nil && len(f[1]) > 6 {
					long = true
				}
				if offsetOf(s) != offsetOf(ct) {
					otherOffset = true
				}
				if s > "2038-01-19T03:14:07" && s[:4] >= "2038" {
					post2038 = true
				}
			}
			t.Expect("a fraction over 6 digits, another offset, a date after 2038, offsets kept",
				fmt.Sprintf("long fraction %v, other offset %v, after 2038 %v, without offset %v", long, otherOffset, post2038, noOffset))
			if !long || !otherOffset || !post2038 || len(noOffset) > 0 {
				t.Evidence("request", "time-edge alert", r.Describe())
				return harness.Failf("time-edge-lost", "the time-edge alert does not keep the edges (long fraction %v, other offset %v, after 2038 %v, without offset %v)", long, otherOffset, post2038, noOffset)
			}
			return harness.Passf("long fractions, other offsets and dates after 2038 are written exactly")
		}),
		check(harness.Check{
			ID: "ANA-MSG-009", Title: "IPv6 addresses are written in canonical form",
			Requirements: []string{"IDMEF2-3.3.6-2"}, Level: "SHOULD", Category: "addressing",
			Doc: "Asks for an ipv6 alert: every IPv6 address in Source and Target IP fields should be in the canonical text form of RFC 5952 (lower case, zeros compressed, the longest run of zero groups as ::).",
		}, func(ctx context.Context, t *harness.T, e *Env) harness.Outcome {
			ids, got, o := emitDelivered(ctx, t, e, "ipv6", 1)
			if o != nil {
				return *o
			}
			r := first(ids, got)[0]
			var m map[string]any
			if err := json.Unmarshal(r.Body, &m); err != nil {
				return harness.Failf("not-json", "%v", err)
			}
			var v6, bad []string
			for _, end := range []string{"Source", "Target"} {
				list, _ := m[end].([]any)
				for _, x := range list {
					o, _ := x.(map[string]any)
					ip, _ := o["IP"].(string)
					a, err := netip.ParseAddr(ip)
					if err != nil || !a.Is6() || a.Is4In6() {
						continue
					}
					v6 = append(v6, ip)
					if a.String() != ip {
						bad = append(bad, fmt.Sprintf("%s (canonical %s)", ip, a))
					}
				}
			}
			if len(v6) == 0 {
				return harness.Failf("no-ipv6", "the ipv6 alert carries no IPv6 address in Source or Target")
			}
			t.Expect("RFC 5952 text", orOK(bad))
			if len(bad) > 0 {
				return harness.Failf("not-canonical", "IPv6 addresses not in RFC 5952 form: %s", strings.Join(bad, ", "))
			}
			return harness.Passf("IPv6 addresses %s are canonical", strings.Join(v6, ", "))
		}),
	}
}

var (
	offsetRE   = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|z|[+-]\d{2}:\d{2})$`)
	fractionRE = regexp.MustCompile(`T\d{2}:\d{2}:\d{2}\.(\d+)`)
)

func offsetOf(s string) string {
	if strings.HasSuffix(s, "Z") || strings.HasSuffix(s, "z") {
		return "Z"
	}
	if len(s) >= 6 {
		return s[len(s)-6:]
	}
	return s
}

func field(body []byte, name string) any {
	var m map[string]any
	if json.Unmarshal(body, &m) != nil {
		return nil
	}
	return m[name]
}

func walkStrings(v any, f func(string)) {
	switch x := v.(type) {
	case string:
		f(x)
	case map[string]any:
		for k, e := range x {
			f(k)
			walkStrings(e, f)
		}
	case []any:
		for _, e := range x {
			walkStrings(e, f)
		}
	}
}

func orOK(bad []string) string {
	if len(bad) == 0 {
		return "as required"
	}
	return strings.Join(bad, "; ")
}

func missingParts(keyword, extCat, att bool) string {
	var out []string
	if !keyword {
		out = append(out, "the ext-value keyword in Category")
	}
	if !extCat {
		out = append(out, "ext-Category")
	}
	if !att {
		out = append(out, "a JSON attachment")
	}
	return strings.Join(out, ", ")
}

package knownbad

import (
	"bytes"
	"encoding/json"
	"net/netip"
	"regexp"
	"slices"

	"github.com/idmefcheck/idmefcheck/conformance/analyzerlab"
	"github.com/idmefcheck/idmefcheck/conformance/ics"
	"github.com/idmefcheck/idmefcheck/reference/analyzer"
	"github.com/idmefcheck/idmefcheck/reference/analyzer/alert"
)

func analyzerVariants() []Variant {
	fault := func(name, breaks string, f analyzer.Faults, catches ...string) Variant {
		return Variant{Name: name, Breaks: breaks, Catches: catches, AnalyzerLab: analyzerlab.Options{Faults: f}}
	}
	fake := func(name, breaks string, f *analyzerlab.Fake, catches ...string) Variant {
		return Variant{Name: name, Breaks: breaks, Catches: catches, AnalyzerLab: analyzerlab.Options{Fake: f}}
	}
	claims := func(opt string) func(*ics.Statement) {
		return func(s *ics.Statement) {
			if !slices.Contains(s.Options, opt) {
				s.Options = append(s.Options, opt)
			}
		}
	}
	return []Variant{
		fault("analyzer/createtime-without-offset", "writes CreateTime without its UTC offset (fault DropOffsetFromCreateTime)",
			analyzer.Faults{DropOffsetFromCreateTime: true}, "ANA-MSG-001", "ANA-MSG-002"),
		fake("analyzer/one-id-for-all", "a fake that gives every alert the same ID",
			&analyzerlab.Fake{Builder: sameID()}, "ANA-MSG-003"),
		fault("analyzer/version4-uuids", "identifies alerts with random version 4 UUIDs (fault Version4UUIDs)",
			analyzer.Faults{Version4UUIDs: true}, "ANA-MSG-004"),
		fake("analyzer/anonymous", "a fake that names itself but says neither its IP nor its host name",
			&analyzerlab.Fake{Mutate: edit(func(m map[string]any) {
				if an, ok := m["Analyzer"].(map[string]any); ok {
					delete(an, "IP")
					delete(an, "Hostname")
				}
			})}, "ANA-MSG-005"),
		fake("analyzer/ascii-only", "a fake that replaces every character outside ASCII with a question mark",
			&analyzerlab.Fake{Mutate: func(_ string, msg []byte) []byte {
				var out bytes.Buffer
				for _, r := range string(msg) {
					if r > 0x7f {
						out.WriteByte('?')
					} else {
						out.WriteRune(r)
					}
				}
				return out.Bytes()
			}}, "ANA-MSG-006"),
		fake("analyzer/no-vendor-data", "a fake that drops the attachments carrying its vendor data",
			&analyzerlab.Fake{Mutate: edit(func(m map[string]any) { delete(m, "Attachment") })}, "ANA-MSG-007"),
		fake("analyzer/microsecond-times", "a fake that cuts every fraction of a second to six digits",
			&analyzerlab.Fake{Mutate: func(_ string, msg []byte) []byte {
				return longFraction.ReplaceAll(msg, []byte("$1"))
			}}, "ANA-MSG-008"),
		fake("analyzer/expanded-ipv6", "a fake that writes IPv6 addresses in full, not in the canonical RFC 5952 form",
			&analyzerlab.Fake{Mutate: edit(func(m map[string]any) {
				for _, end := range []string{"Source", "Target"} {
					list, _ := m[end].([]any)
					for _, x := range list {
						if o, ok := x.(map[string]any); ok {
							if s, ok := o["IP"].(string); ok {
								if a, err := netip.ParseAddr(s); err == nil && a.Is6() && !a.Is4In6() {
									o["IP"] = a.StringExpanded()
								}
							}
						}
					}
				}
			})}, "ANA-MSG-009"),
		fault("analyzer/several-messages-per-request", "sends up to four messages in one request as a JSON array (fault SeveralMessagesPerRequest)",
			analyzer.Faults{SeveralMessagesPerRequest: true}, "ANA-HTTP-001"),
		fault("analyzer/get", "sends alerts with GET (fault GETInsteadOfPOST)", analyzer.Faults{GETInsteadOfPOST: true}, "ANA-HTTP-002"),
		fault("analyzer/no-content-type", "sends no Content-Type (fault NoContentType)", analyzer.Faults{NoContentType: true}, "ANA-HTTP-003"),
		{Name: "analyzer/http1-only", Breaks: "claims HTTP/2 but offers only http/1.1 by ALPN", Catches: []string{"ANA-HTTP-004"},
			AnalyzerLab: analyzerlab.Options{HTTP1: true}},
		{Name: "analyzer/connection-per-alert", Breaks: "a fake that opens a new connection for every alert",
			Catches: []string{"ANA-HTTP-005"}, AnalyzerLab: analyzerlab.Options{Fake: &analyzerlab.Fake{HTTP1: true, NoKeepAlive: true}}},
		fault("analyzer/accept-tls12", "also offers and accepts TLS 1.2 (fault AcceptTLS12)", analyzer.Faults{AcceptTLS12: true}, "ANA-TLS-001"),
		fault("analyzer/no-client-cert", "presents no client certificate (fault NoClientCert)", analyzer.Faults{NoClientCert: true}, "ANA-TLS-002"),
		fault("analyzer/skip-server-identity-check", "accepts any server certificate (fault SkipServerIdentityCheck)",
			analyzer.Faults{SkipServerIdentityCheck: true}, "ANA-AUTH-001", "ANA-AUTH-002", "ANA-AUTH-003", "ANA-AUTH-004", "ANA-AUTH-005"),
		fault("analyzer/new-id-on-retry", "gives an alert a new ID each time it is sent again (fault NewIDOnRetry)",
			analyzer.Faults{NewIDOnRetry: true}, "ANA-REL-001", "ANA-REL-002"),
		fault("analyzer/ignores-retry-after", "retries on its own backoff whatever Retry-After says (fault IgnoreRetryAfter)",
			analyzer.Faults{IgnoreRetryAfter: true}, "ANA-REL-003"),
		fault("analyzer/retries-400", "sends an alert refused with 400 again (fault RetryOn400)", analyzer.Faults{RetryOn400: true}, "ANA-REL-004"),
		fake("analyzer/forgets-when-unreachable", "a fake without a spool: an alert it cannot deliver for want of a manager is lost",
			&analyzerlab.Fake{DropOnError: true}, "ANA-REL-005"),
		fault("analyzer/unsigned", "claims to sign every request but sends them unsigned (fault Unsigned)", analyzer.Faults{Unsigned: true}, "ANA-SIG-001"),
		fault("analyzer/ignores-bad-receipt", "counts a 2xx as delivered whatever its signature (fault IgnoreBadReceipt)",
			analyzer.Faults{IgnoreBadReceipt: true}, "ANA-SIG-002"),
		{Name: "analyzer/unsigned-pull-responses", Breaks: "serves pulling managers without signing its responses, though it claims signatures (no signing key)",
			Catches: []string{"ANA-PULL-001"}, AnalyzerLab: analyzerlab.Options{NoSigner: true}},
		{Name: "analyzer/ipv4-only", Breaks: "claims IPv6 but sends to the manager over IPv4", Catches: []string{"ANA-ADDR-001"},
			AnalyzerLab: analyzerlab.Options{IPv4: true, Statement: claims("ipv6")}},
	}
}

// longFraction matches fractions of more than six digits, keeping the first six.
var longFraction = regexp.MustCompile(`(T\d{2}:\d{2}:\d{2}\.\d{6})\d+`)

// edit returns a Mutate that decodes a message, changes it and encodes it again.
func edit(change func(map[string]any)) func(string, []byte) []byte {
	return func(_ string, msg []byte) []byte {
		var m map[string]any
		if json.Unmarshal(msg, &m) != nil {
			return msg
		}
		change(m)
		out, err := json.Marshal(m)
		if err != nil {
			return msg
		}
		return out
	}
}

// sameID makes a builder that gives every alert one fixed version 7 UUID.
func sameID() alert.Options {
	return alert.Options{NewID: func() (string, error) { return "01a20cf0-0000-7000-8000-000000000001", nil }}
}

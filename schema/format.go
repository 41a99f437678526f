package schema

import (
	"net/netip"
	"regexp"
	"strings"
	"sync"
)

// The JSON Schema formats the IDMEFv2 schemas use, read as draft-04 defines them: "uri" is an
// RFC 3986 URI and "email" an RFC 5322 section 3.4.1 addr-spec. Validators differ here
// (docs/schema.md lists how); idmefcheck follows the RFC grammars, without the obsolete
// syntax and without comments or folding white space, which no message needs.

const (
	unreserved = `A-Za-z0-9\-._~`
	subDelims  = `!$&'()*+,;=`
	pctEncoded = `%[0-9A-Fa-f]{2}`
	pchar      = `(?:[` + unreserved + subDelims + `:@]|` + pctEncoded + `)`
)

var (
	uriPattern = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9+\-.]*:` +
		`(?://` +
		`(?:(?:[` + unreserved + subDelims + `:]|` + pctEncoded + `)*@)?` + // userinfo
		`(\[[^\[\]]*\]|(?:[` + unreserved + subDelims + `]|` + pctEncoded + `)*)` + // host
		`(?::[0-9]*)?` + // port
		`(?:/` + pchar + `*)*` + // path-abempty
		`|/(?:` + pchar + `+(?:/` + pchar + `*)*)?` + // path-absolute
		`|` + pchar + `+(?:/` + pchar + `*)*` + // path-rootless
		`|)` + // path-empty
		`(?:\?(?:` + pchar + `|[/?])*)?` +
		`(?:#(?:` + pchar + `|[/?])*)?$`)
	ipvFuture = regexp.MustCompile(`^v[0-9A-Fa-f]+\.[` + unreserved + subDelims + `:]+$`)
)

// uriDFA and emailDFA run the patterns above as automata: URIs and addresses are checked on
// every message, and the regexp engine is slow on these long alternations. Built once, on
// first use, and never changed after.
var (
	uriDFA   = sync.OnceValue(func() *dfa { return compileDFA(uriPattern.String()) })
	emailDFA = sync.OnceValue(func() *dfa { return compileDFA(emailPattern.String()) })
)

// IsURI reports whether s is an RFC 3986 URI (an absolute URI, optionally with a fragment).
func IsURI(s string) bool {
	if !strings.Contains(s, "[") { // without an IP literal there is nothing to extract
		if d := uriDFA(); d != nil {
			if matched, ok := d.match(s); ok {
				return matched
			}
		}
	}
	m := uriPattern.FindStringSubmatch(s)
	if m == nil {
		return false
	}
	host := m[1]
	if !strings.HasPrefix(host, "[") {
		return true
	}
	lit := host[1 : len(host)-1]
	if ipvFuture.MatchString(lit) {
		return true
	}
	a, err := netip.ParseAddr(lit)
	return err == nil && a.Is6() && a.Zone() == ""
}

const (
	atext = `[A-Za-z0-9!#$%&'*+\-/=?^_` + "`" + `{|}~]`
	// qtext and quoted-pair of RFC 5322 3.2.4; spaces and tabs count as folding white space.
	qcontent = `(?:[\x21\x23-\x5B\x5D-\x7E \t]|\\[\x21-\x7E \t])`
	dtext    = `[\x21-\x5A\x5E-\x7E \t]`
)

var emailPattern = regexp.MustCompile(`^(?:` + atext + `+(?:\.` + atext + `+)*|"` + qcontent + `*")` +
	`@(?:` + atext + `+(?:\.` + atext + `+)*|\[` + dtext + `*\])$`)

// IsEmail reports whether s is an RFC 5322 addr-spec: a dot-atom or quoted local part, "@",
// and a dot-atom domain or a domain literal.
func IsEmail(s string) bool {
	if d := emailDFA(); d != nil {
		if matched, ok := d.match(s); ok {
			return matched
		}
	}
	return emailPattern.MatchString(s)
}

// formatCheckers adapts the checks to the signature jsonschema/v5 wants; values that are
// not strings pass, as the specification says of formats.
var formatCheckers = map[string]func(any) bool{
	"uri":   func(v any) bool { s, ok := v.(string); return !ok || IsURI(s) },
	"email": func(v any) bool { s, ok := v.(string); return !ok || IsEmail(s) },
}

package ics

// Option is a feature an implementation statement may claim.
type Option struct {
	Name  string
	Roles []string
	// Meaning says what claiming the option commits the implementation to.
	Meaning string
}

// Options are every option a statement may claim, by name.
var Options = func() map[string]Option {
	m := map[string]Option{}
	for _, o := range optionList {
		m[o.Name] = o
	}
	return m
}()

// OptionList returns the options in the order docs list them.
func OptionList() []Option { return append([]Option(nil), optionList...) }

var both = []string{"manager", "analyzer"}

var optionList = []Option{
	{"http2", both, "HTTP/2 over TLS, negotiated by ALPN (transport draft 4.3, SHOULD)"},
	{"ipv4", both, "reachable over IPv4 (manager: a target URL with an IPv4 address or a name that resolves to one)"},
	{"ipv6", both, "reachable over IPv6 (manager: a target URL with an IPv6 address or a name that resolves to one; analyzer: sends over IPv6)"},
	{"allow-list", []string{"manager"}, "peers restricted to an explicit allow-list of certificates or identities (transport draft 4.5.4); identities.unlisted is a valid identity left off it"},
	{"signatures", both, "reference profile message signatures: RFC 9421 with Content-Digest, created and nonce, verified when present; the manager signs its answers bound to the request's signature (docs/profile.md)"},
	{"require-signatures", both, "manager: unsigned alerts from the connect identity are refused; analyzer: it signs every request"},
	{"dedup", []string{"manager"}, "reference profile duplication: one record per (analyzer identity, message ID); a repeat gets the same success and the same ID with other content gets 409"},
	{"query-api", []string{"manager"}, "the reference operator API (docs/profile.md): /v1/alerts filters and cursor pages, /v1/alerts/{id}/evidence, /v1/stats; observe.api names it"},
	{"pull", both, "reference profile pull mode (docs/profile.md section 9): the manager fetches alerts from the analyzer by cursor"},
	{"rate-limit", []string{"manager"}, "per-peer rate limits answered with 429 and Retry-After (limits.rate, limits.burst)"},
	{"max-body", []string{"manager"}, "bodies above limits.max_body are refused with 413"},
	{"spool", []string{"analyzer"}, "alerts are kept durably until acknowledged, across restarts and outages of the manager"},
}

package ics

import (
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"text/template"
)

// TemplateParams fill in what a template can know in advance.
type TemplateParams struct {
	// PKI is a directory made by `idmefcheck pki init`; its files are named in the
	// template. Empty leaves placeholders to edit.
	PKI string
	// Targets are the manager's URLs (manager role).
	Targets []string
	// ObserveFile is the manager's observation file, when known.
	ObserveFile string
	// Listen are the harness's listening addresses (analyzer role).
	Listen []string
	// TriggerKind and TriggerCommand fill in the analyzer's trigger (default none).
	TriggerKind    string
	TriggerCommand []string
	// Options are the options claimed (default http2, ipv4, ipv6); the others are listed
	// commented out. Claiming signatures writes the signing section uncommented.
	Options []string
	// ServerName is the name the manager's certificate carries, when it is not the URLs' host.
	ServerName string
	// Vendor, Product and Version name the implementation (placeholders when empty).
	Vendor, Product, Version string
}

// Template returns a commented statement for role that Parse accepts as it is; every field
// carries a comment saying what it means and what to put there.
func Template(role string, p TemplateParams) ([]byte, error) {
	if role != "manager" && role != "analyzer" {
		return nil, fmt.Errorf("role %q: want manager or analyzer", role)
	}
	file := func(name, placeholder string) string {
		if p.PKI == "" {
			return placeholder
		}
		return filepath.Join(p.PKI, name)
	}
	targets := p.Targets
	if len(targets) == 0 {
		targets = []string{"https://127.0.0.1:4690/", "https://[::1]:4690/"}
	}
	listen := p.Listen
	if len(listen) == 0 {
		listen = []string{"127.0.0.1:4691", "[::1]:4691"}
	}
	observeKind, observeFile := "none", ""
	if p.ObserveFile != "" {
		observeKind, observeFile = "file", p.ObserveFile
	}
	claimed := p.Options
	if claimed == nil {
		claimed = []string{"http2", "ipv4", "ipv6"}
	}
	for _, o := range claimed {
		opt, ok := Options[o]
		if !ok || !slices.Contains(opt.Roles, role) {
			return nil, fmt.Errorf("option %q is not an option of the %s role (idmefcheck ics options)", o, role)
		}
	}
	// A template that Parse would refuse is no template: the same rules apply.
	if err := errors.Join(optionProblems(role, claimed)...); err != nil {
		return nil, err
	}
	var opts strings.Builder
	if len(claimed) == 0 {
		// Nothing claimed: an empty list, not a null, with every option below to uncomment.
		opts.WriteString("  []\n")
	}
	for _, o := range optionList {
		if !slices.Contains(o.Roles, role) {
			continue
		}
		mark := "# - "
		if slices.Contains(claimed, o.Name) {
			mark = "- "
		}
		fmt.Fprintf(&opts, "  %s%-19s # %s\n", mark, o.Name, o.Meaning)
	}
	sign := "# "
	if slices.Contains(claimed, "signatures") {
		sign = ""
	}
	limits := "# "
	if slices.Contains(claimed, "max-body") || slices.Contains(claimed, "rate-limit") {
		limits = ""
	}
	or := func(v, def string) string {
		if v == "" {
			return def
		}
		return v
	}
	product := "Example Manager"
	if role == "analyzer" {
		product = "Example Analyzer"
	}
	data := map[string]any{
		"Vendor": or(p.Vendor, "Example Vendor"), "Product": or(p.Product, product), "Version": or(p.Version, "1.0.0"),
		"Limits": limits, "Options": strings.TrimRight(opts.String(), "\n"), "Sign": sign, "ServerName": p.ServerName,
		"Targets": targets, "Listen": listen, "TriggerKind": or(p.TriggerKind, "none"), "TriggerCommand": p.TriggerCommand,
		"CA": file("ca.crt", "pki/ca.crt"), "CAKey": file("ca.key", "pki/ca.key"),
		"Cert": file("analyzer.crt", "pki/analyzer.crt"), "Key": file("analyzer.key", "pki/analyzer.key"),
		"MgrCert": file("manager.crt", "pki/manager.crt"), "MgrKey": file("manager.key", "pki/manager.key"),
		"Unlisted": file("harness.crt", "pki/harness.crt"), "UnlistedKey": file("harness.key", "pki/harness.key"),
		"SigningKey":    file("analyzer-signing.key", "pki/analyzer-signing.key"),
		"MgrSigningKey": file("manager-signing.key", "pki/manager-signing.key"),
		"MgrPub":        file("manager-signing.pub", "pki/manager-signing.pub"),
		"AnaPub":        file("analyzer-signing.pub", "pki/analyzer-signing.pub"),
		"APICert":       file("harness.crt", "pki/harness.crt"), "APIKey": file("harness.key", "pki/harness.key"),
		"ObserveKind": observeKind, "ObserveFile": observeFile,
	}
	tmpl := managerTemplate
	if role == "analyzer" {
		tmpl = analyzerTemplate
	}
	var b strings.Builder
	t := template.Must(template.New(role).Funcs(template.FuncMap{"q": quote}).Parse(tmpl))
	if err := t.Execute(&b, data); err != nil {
		return nil, err
	}
	return []byte(b.String()), nil
}

// quote writes a YAML double-quoted scalar. A JSON string is one, with every control
// character escaped (a raw line break would fold into a space).
func quote(s string) string {
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s) // a string always encodes
	return strings.TrimSuffix(b.String(), "\n")
}

const managerTemplate = `# idmefcheck implementation statement (schema/ics.schema.json; docs/ics.md explains every field).
# Relative paths are relative to this file. Run: idmefcheck run --role manager --ics THIS_FILE
schema: ics.schema.json
formatVersion: 1

# Who is tested, as the report will name it.
implementation:
  vendor: {{q .Vendor}}
  product: {{q .Product}}
  version: {{q .Version}}

role: manager

# The IDMEFv2 versions the manager accepts; each is sent and must be kept.
versions: [2.D.V07, 2.D.V08]

# Optional features claimed (idmefcheck ics options lists them). Checks needing an option not
# claimed are not applicable; claim only what the manager does.
options:
{{.Options}}

# tls:
#   suites: [TLS_AES_128_GCM_SHA256, TLS_AES_256_GCM_SHA384, TLS_CHACHA20_POLY1305_SHA256]

# How the harness reaches the manager: it acts as an analyzer the manager accepts.
connect:
  targets:                       # one URL per listener; an IPv6 one to test IPv6
{{- range .Targets}}
    - {{q .}}
{{- end}}
{{- if .ServerName}}
  server_name: {{q .ServerName}}   # the DNS-ID or IP the manager's certificate carries
{{- else}}
  # server_name: manager.example.net   # the DNS-ID or IP the manager's certificate carries (default: each URL's host)
{{- end}}
  ca: {{q .CA}}                  # the authority that issued the manager's certificate
  cert: {{q .Cert}}              # an analyzer identity the manager accepts
  key: {{q .Key}}

{{.Limits}}limits:
{{.Limits}}  max_body: 1048576            # bytes (option max-body)
{{.Limits}}  rate: 2000                   # alerts/s per peer (option rate-limit)
{{.Limits}}  burst: 4000
{{.Limits}}  ack_within: 10s              # a legitimate alert is acknowledged this soon under attack

# Bad client identities for the authentication checks. With issuer, the harness makes the
# missing ones itself from the CA the manager trusts; a check whose identity is missing is
# inconclusive. other-ca is always made by the harness.
identities:
  issuer: {cert: {{q .CA}}, key: {{q .CAKey}}}
  # expired:  {cert: pki/expired.crt, key: pki/expired.key}
  # wildcard: {cert: pki/wildcard.crt, key: pki/wildcard.key}
  # cn_only:  {cert: pki/cn-only.crt, key: pki/cn-only.key}
  unlisted: {cert: {{q .Unlisted}}, key: {{q .UnlistedKey}}}   # valid, but not on the allow-list

# Reference profile signatures (options signatures, require-signatures).
{{.Sign}}signing:
{{.Sign}}  key: {{q .SigningKey}}        # the harness's Ed25519 key, registered for the connect identity
{{.Sign}}  key_id: analyzer
{{.Sign}}  peer_key: {{q .MgrPub}}        # the manager's public key, to verify its signed answers
{{.Sign}}  peer_key_id: manager

# How the harness sees what the manager stored: none | file | command | api.
# Checks that must see it are inconclusive with none.
observe:
  kind: {{.ObserveKind}}
{{- if .ObserveFile}}
  file: {{q .ObserveFile}}       # NDJSON, one stored alert per line (schema/observation.schema.json)
{{- else}}
  # file: /var/lib/manager/observe.ndjson       # kind file
{{- end}}
  # command: [sh, -c, "siem-export --since 1h"]  # kind command: prints stored alerts as NDJSON
  # api: https://127.0.0.1:4691/                 # kind api: the reference operator API
  # api_cert: {{q .APICert}}
  # api_key: {{q .APIKey}}
  # settle: 2s                                   # how long until an acknowledged alert is observable

# Where the operator API's audit records are (option query-api): JSON lines in a file or
# printed by a command; without it the audit check is inconclusive.
# audit:
#   kind: file
#   file: /var/log/manager/manager.log          # the manager's JSON log will do
#   # operator: operator, path: path, status: status   # the members, if named otherwise

# A command that restarts the manager (it may kill it hard): enables the durability checks.
# restart:
#   command: [systemctl, restart, example-manager]
#   ready_within: 30s
`

const analyzerTemplate = `# idmefcheck implementation statement (schema/ics.schema.json; docs/ics.md explains every field).
# Relative paths are relative to this file. Run: idmefcheck run --role analyzer --ics THIS_FILE
schema: ics.schema.json
formatVersion: 1

implementation:
  vendor: {{q .Vendor}}
  product: {{q .Product}}
  version: {{q .Version}}

role: analyzer

# The IDMEFv2 versions the analyzer emits.
versions: [2.D.V08]

# Optional features claimed (idmefcheck ics options lists them).
options:
{{.Options}}

# The harness plays the analyzer's manager: where it listens and the identity it presents.
connect:
  listen:
{{- range .Listen}}
    - {{q .}}
{{- end}}
  ca: {{q .CA}}                  # the authority that issued the analyzer's client certificate
  cert: {{q .MgrCert}}           # the manager identity the analyzer expects
  key: {{q .MgrKey}}
  # pull_url: https://127.0.0.1:4692/   # option pull

# Bad server identities for the checks that the analyzer verifies its manager are made from
# this issuer (the CA the analyzer trusts).
identities:
  issuer: {cert: {{q .CA}}, key: {{q .CAKey}}}

{{.Sign}}signing:
{{.Sign}}  key: {{q .MgrSigningKey}}     # the harness's (manager's) Ed25519 key, known to the analyzer
{{.Sign}}  key_id: manager
{{.Sign}}  peer_key: {{q .AnaPub}}        # the analyzer's public key
{{.Sign}}  peer_key_id: analyzer

# How the harness makes the analyzer emit: none | command | shim (docs/analyzer-testing.md).
trigger:
  kind: {{.TriggerKind}}
{{- if .TriggerCommand}}
  command: [{{range $i, $a := .TriggerCommand}}{{if $i}}, {{end}}{{q $a}}{{end}}]   # kind command: run per emit request; kind shim: the shim process
{{- else}}
  # command: [./emit.sh]          # kind command: run per emit request; kind shim: the shim process
{{- end}}
  # wait: 60s                     # kind none: how long to wait for the analyzer's own traffic

# restart:
#   command: [systemctl, restart, example-analyzer]
#   ready_within: 30s
`

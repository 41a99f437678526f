// Package ics reads implementation statements: who an implementation is, the role, versions
// and options it claims, how the harness reaches it, and how the harness observes what it
// did (schema/ics.schema.json, docs/ics.md).
package ics

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/santhosh-tekuri/jsonschema/v5"
	"go.yaml.in/yaml/v3"

	"github.com/idmefcheck/idmefcheck/schema"
)

// FileSchema is the schema every statement names and is validated against.
const FileSchema = "ics.schema.json"

// Statement is an implementation statement.
type Statement struct {
	Schema         string         `yaml:"schema" json:"schema"`
	FormatVersion  int            `yaml:"formatVersion" json:"formatVersion"`
	Implementation Implementation `yaml:"implementation" json:"implementation"`
	Role           string         `yaml:"role" json:"role"`
	Versions       []string       `yaml:"versions" json:"versions"`
	Options        []string       `yaml:"options" json:"options"`
	TLS            TLS            `yaml:"tls,omitempty" json:"tls,omitzero"`
	Connect        Connect        `yaml:"connect" json:"connect"`
	Limits         Limits         `yaml:"limits,omitempty" json:"limits,omitzero"`
	Identities     Identities     `yaml:"identities,omitempty" json:"identities,omitzero"`
	Signing        *Signing       `yaml:"signing,omitempty" json:"signing,omitempty"`
	Observe        Observe        `yaml:"observe,omitempty" json:"observe,omitzero"`
	Audit          *Audit         `yaml:"audit,omitempty" json:"audit,omitempty"`
	Restart        *Restart       `yaml:"restart,omitempty" json:"restart,omitempty"`
	Trigger        *Trigger       `yaml:"trigger,omitempty" json:"trigger,omitempty"`

	// SHA256 is the hash of the file the statement was read from; empty when it was built
	// from flags.
	SHA256 string `yaml:"-" json:"-"`
}

// Implementation names the implementation.
type Implementation struct {
	Vendor  string `yaml:"vendor" json:"vendor"`
	Product string `yaml:"product" json:"product"`
	Version string `yaml:"version" json:"version"`
}

// TLS holds the TLS claims.
type TLS struct {
	Suites []string `yaml:"suites,omitempty" json:"suites,omitempty"`
}

// Connect says how to reach the implementation.
type Connect struct {
	Targets    []string `yaml:"targets,omitempty" json:"targets,omitempty"`
	ServerName string   `yaml:"server_name,omitempty" json:"server_name,omitempty"`
	CA         string   `yaml:"ca" json:"ca"`
	Cert       string   `yaml:"cert" json:"cert"`
	Key        string   `yaml:"key" json:"key"`
	Listen     []string `yaml:"listen,omitempty" json:"listen,omitempty"`
	PullURL    string   `yaml:"pull_url,omitempty" json:"pull_url,omitempty"`
}

// Limits are the limits the implementation claims.
type Limits struct {
	MaxBody   int64    `yaml:"max_body,omitempty" json:"max_body,omitempty"`
	Rate      float64  `yaml:"rate,omitempty" json:"rate,omitempty"`
	Burst     int      `yaml:"burst,omitempty" json:"burst,omitempty"`
	AckWithin Duration `yaml:"ack_within,omitempty" json:"ack_within,omitempty"`
}

// Credential is a certificate and its key, both PEM files.
type Credential struct {
	Cert string `yaml:"cert" json:"cert"`
	Key  string `yaml:"key" json:"key"`
}

// Identities are the deliberately bad client identities, and the issuer that can make them.
type Identities struct {
	Issuer   *Credential `yaml:"issuer,omitempty" json:"issuer,omitempty"`
	Expired  *Credential `yaml:"expired,omitempty" json:"expired,omitempty"`
	Wildcard *Credential `yaml:"wildcard,omitempty" json:"wildcard,omitempty"`
	CNOnly   *Credential `yaml:"cn_only,omitempty" json:"cn_only,omitempty"`
	Unlisted *Credential `yaml:"unlisted,omitempty" json:"unlisted,omitempty"`
}

// Signing configures reference-profile message signatures.
type Signing struct {
	Key       string `yaml:"key" json:"key"`
	KeyID     string `yaml:"key_id" json:"key_id"`
	PeerKey   string `yaml:"peer_key,omitempty" json:"peer_key,omitempty"`
	PeerKeyID string `yaml:"peer_key_id,omitempty" json:"peer_key_id,omitempty"`
}

// Observation channel kinds.
const (
	ObserveNone    = "none"
	ObserveFile    = "file"
	ObserveCommand = "command"
	ObserveAPI     = "api"
)

// Observe configures the observation channel.
type Observe struct {
	Kind    string   `yaml:"kind" json:"kind"`
	File    string   `yaml:"file,omitempty" json:"file,omitempty"`
	Command []string `yaml:"command,omitempty" json:"command,omitempty"`
	API     string   `yaml:"api,omitempty" json:"api,omitempty"`
	APICert string   `yaml:"api_cert,omitempty" json:"api_cert,omitempty"`
	APIKey  string   `yaml:"api_key,omitempty" json:"api_key,omitempty"`
	Settle  Duration `yaml:"settle,omitempty" json:"settle,omitempty"`
}

// Audit is where the harness reads a manager's operator audit records (option query-api):
// one JSON object per line, in a file the manager appends to or printed by a command. Lines
// that are not JSON objects, or lack the members named here, are not audit records and are
// skipped, so that the file can be the manager's whole structured log.
type Audit struct {
	Kind    string   `yaml:"kind" json:"kind"`
	File    string   `yaml:"file,omitempty" json:"file,omitempty"`
	Command []string `yaml:"command,omitempty" json:"command,omitempty"`
	// Operator, Path and Status name the members that hold who asked (the identity or the
	// certificate's SHA-256 fingerprint), the request's path, and the status answered
	// (default operator, path and status).
	Operator string `yaml:"operator,omitempty" json:"operator,omitempty"`
	Path     string `yaml:"path,omitempty" json:"path,omitempty"`
	Status   string `yaml:"status,omitempty" json:"status,omitempty"`
}

// Audit channel kinds.
const (
	AuditFile    = "file"
	AuditCommand = "command"
)

// Restart configures the restart command.
type Restart struct {
	Command     []string `yaml:"command" json:"command"`
	ReadyWithin Duration `yaml:"ready_within,omitempty" json:"ready_within,omitempty"`
}

// Trigger configures how an analyzer is made to emit (analyzer role).
type Trigger struct {
	Kind    string   `yaml:"kind" json:"kind"`
	Command []string `yaml:"command,omitempty" json:"command,omitempty"`
	Wait    Duration `yaml:"wait,omitempty" json:"wait,omitempty"`
}

// Duration is a Go duration written as text ("2s", "1m30s").
type Duration time.Duration

// UnmarshalYAML reads a duration string.
func (d *Duration) UnmarshalYAML(n *yaml.Node) error {
	v, err := time.ParseDuration(n.Value)
	if err != nil {
		return fmt.Errorf("line %d: %w", n.Line, err)
	}
	if v < 0 {
		return fmt.Errorf("line %d: %q: a duration cannot be negative", n.Line, n.Value)
	}
	*d = Duration(v)
	return nil
}

// MarshalYAML writes a duration string.
func (d Duration) MarshalYAML() (any, error) { return time.Duration(d).String(), nil }

// Or returns d, or def when d is zero.
func (d Duration) Or(def time.Duration) time.Duration {
	if d == 0 {
		return def
	}
	return time.Duration(d)
}

// Claims reports whether the statement claims option o.
func (s *Statement) Claims(o string) bool { return slices.Contains(s.Options, o) }

// Load reads a statement from path (YAML or JSON), validates it against its schema and the
// rules a schema cannot express, and makes its relative paths relative to the file.
func Load(set *schema.Set, path string) (*Statement, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("implementation statement: %w", err)
	}
	s, err := Parse(set, path, data)
	if err != nil {
		return nil, err
	}
	s.resolve(filepath.Dir(path))
	return s, nil
}

// Parse reads a statement from data; name is used in errors. Paths stay as written. Errors
// name their place as name:LINE: and, for what the schema refuses, the field.
func Parse(set *schema.Set, name string, data []byte) (*Statement, error) {
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return nil, yamlError(name, data, "not YAML or JSON: ", err)
	}
	var generic any
	if err := root.Decode(&generic); err != nil {
		return nil, yamlError(name, data, "", err)
	}
	sch, err := set.Project(FileSchema)
	if err != nil {
		return nil, err
	}
	if err := sch.Validate(jsonCompatible(generic)); err != nil {
		var ve *jsonschema.ValidationError
		if errors.As(err, &ve) {
			return nil, located(name, &root, ve)
		}
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	var s Statement
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&s); err != nil {
		// What the schema lets through and Go cannot hold: 1e30 bytes, 1e9 hours.
		return nil, yamlError(name, data, "", err)
	}
	if err := s.Check(); err != nil {
		return nil, locateRules(name, &root, err)
	}
	sum := sha256.Sum256(data)
	s.SHA256 = hex.EncodeToString(sum[:])
	return &s, nil
}

// Check applies the rules the schema cannot express. Statements built from flags go through
// it too.
func (s *Statement) Check() error {
	errs := optionProblems(s.Role, s.Options)
	switch s.Role {
	case "manager":
		if len(s.Connect.Targets) == 0 {
			errs = append(errs, ruleError("/connect", "connect.targets", "a manager statement names at least one target URL"))
		}
		if s.Trigger != nil {
			errs = append(errs, ruleError("/trigger", "trigger", "only an analyzer statement has a trigger"))
		}
		if s.Audit != nil && !s.Claims("query-api") {
			errs = append(errs, ruleError("/audit", "audit", "the audit records are the operator API's: audit needs option query-api"))
		}
	case "analyzer":
		if s.Observe.Kind != "" && s.Observe.Kind != ObserveNone {
			errs = append(errs, ruleError("/observe/kind", "observe", "the harness sees an analyzer's alerts itself; observe is for managers"))
		}
		if s.Audit != nil {
			errs = append(errs, ruleError("/audit", "audit", "audit records are a manager's; an analyzer statement has none"))
		}
	}
	if s.Claims("signatures") && s.Signing == nil {
		errs = append(errs, ruleError(optionPointer(s.Options, "signatures"), "signing", "option signatures needs the harness's signing key (signing.key, signing.key_id)"))
	}
	return errors.Join(errs...)
}

// optionProblems applies the rules on the options claimed alone, which Template follows too.
func optionProblems(role string, options []string) []error {
	var errs []error
	for i, o := range options {
		opt, ok := Options[o]
		if !ok {
			errs = append(errs, ruleError(fmt.Sprintf("/options/%d", i), "options", fmt.Sprintf("%q is not an option (idmefcheck ics options)", o)))
			continue
		}
		if !slices.Contains(opt.Roles, role) {
			errs = append(errs, ruleError(fmt.Sprintf("/options/%d", i), "options", fmt.Sprintf("%q is not an option of the %s role", o, role)))
		}
	}
	if slices.Contains(options, "require-signatures") && !slices.Contains(options, "signatures") {
		errs = append(errs, ruleError(optionPointer(options, "require-signatures"), "options", "require-signatures needs signatures"))
	}
	return errs
}

// optionPointer is the JSON pointer of option o in the options list.
func optionPointer(options []string, o string) string {
	return fmt.Sprintf("/options/%d", slices.Index(options, o))
}

// A fieldError breaks a rule between fields; pointer is the place Parse names the line of.
type fieldError struct {
	pointer, field, msg string
}

func ruleError(pointer, field, msg string) error { return &fieldError{pointer, field, msg} }

func (e *fieldError) Error() string { return e.field + ": " + e.msg }

// locateRules words the errors of Check as name:LINE: field: message.
func locateRules(name string, root *yaml.Node, err error) error {
	var errs []error
	var walk func(err error)
	walk = func(err error) {
		if j, ok := err.(interface{ Unwrap() []error }); ok {
			for _, e := range j.Unwrap() {
				walk(e)
			}
			return
		}
		line := 1
		if fe, ok := err.(*fieldError); ok {
			line = lineOf(root, fe.pointer)
		}
		errs = append(errs, fmt.Errorf("%s:%d: %w", name, line, err))
	}
	walk(err)
	return errors.Join(errs...)
}

func (s *Statement) resolve(dir string) {
	abs := func(p *string) {
		if *p != "" && !filepath.IsAbs(*p) {
			*p = filepath.Join(dir, *p)
		}
	}
	abs(&s.Connect.CA)
	abs(&s.Connect.Cert)
	abs(&s.Connect.Key)
	for _, c := range []*Credential{s.Identities.Issuer, s.Identities.Expired, s.Identities.Wildcard, s.Identities.CNOnly, s.Identities.Unlisted} {
		if c != nil {
			abs(&c.Cert)
			abs(&c.Key)
		}
	}
	if s.Signing != nil {
		abs(&s.Signing.Key)
		abs(&s.Signing.PeerKey)
	}
	abs(&s.Observe.File)
	abs(&s.Observe.APICert)
	abs(&s.Observe.APIKey)
	if s.Audit != nil {
		abs(&s.Audit.File)
	}
}

// jsonCompatible turns what YAML decoding produced into what the schema validator expects
// of decoded JSON: string-keyed maps, float64 numbers and strings. A YAML timestamp or
// binary value is text to the schema (and to the fields, which are strings): an unquoted
// version: 2026-01-02 is no reason to refuse a statement with a riddle.
func jsonCompatible(v any) any {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			x[k] = jsonCompatible(e)
		}
		return x
	case map[any]any:
		m := make(map[string]any, len(x))
		for k, e := range x {
			m[fmt.Sprint(k)] = jsonCompatible(e)
		}
		return m
	case []any:
		for i, e := range x {
			x[i] = jsonCompatible(e)
		}
		return x
	case int:
		return float64(x)
	case int64:
		return float64(x)
	case uint64:
		return float64(x)
	case time.Time:
		return x.Format(time.RFC3339Nano)
	case []byte:
		return base64.StdEncoding.EncodeToString(x)
	default:
		return v
	}
}

// located words a schema failure with the line and field of every leaf cause.
func located(name string, root *yaml.Node, ve *jsonschema.ValidationError) error {
	var errs []error
	var walk func(e *jsonschema.ValidationError)
	walk = func(e *jsonschema.ValidationError) {
		if len(e.Causes) == 0 {
			field := strings.ReplaceAll(strings.TrimPrefix(e.InstanceLocation, "/"), "/", ".")
			if field == "" {
				field = "(top level)"
			}
			if strings.HasSuffix(e.KeywordLocation, "/additionalProperties") {
				// One error per unknown key, at the key's own line rather than its parent's.
				if unknown := unknownKeys(root, e); len(unknown) > 0 {
					for _, k := range unknown {
						errs = append(errs, fmt.Errorf("%s:%d: %s: unknown key %q", name, k.Line, field, k.Value))
					}
					return
				}
			}
			line := lineOf(root, e.InstanceLocation)
			errs = append(errs, fmt.Errorf("%s:%d: %s: %s", name, line, field, e.Message))
			return
		}
		for _, c := range e.Causes {
			walk(c)
		}
	}
	walk(ve)
	return errors.Join(errs...)
}

// unknownKeys returns the key nodes of the mapping an additionalProperties failure is about
// that its message names ('name', as the validator quotes them).
func unknownKeys(root *yaml.Node, e *jsonschema.ValidationError) []*yaml.Node {
	n := nodeAt(root, e.InstanceLocation)
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	var out []*yaml.Node
	for i := 0; i+1 < len(n.Content); i += 2 {
		if k := n.Content[i]; strings.Contains(e.Message, "'"+k.Value+"'") {
			out = append(out, k)
		}
	}
	return out
}

// nodeAt returns the node a JSON pointer names, nil when there is none.
func nodeAt(root *yaml.Node, pointer string) *yaml.Node {
	n := root
	if n.Kind == yaml.DocumentNode && len(n.Content) > 0 {
		n = n.Content[0]
	}
	for _, tok := range strings.Split(strings.TrimPrefix(pointer, "/"), "/") {
		if tok == "" {
			continue
		}
		tok = strings.NewReplacer("~1", "/", "~0", "~").Replace(tok)
		var next *yaml.Node
		switch n.Kind {
		case yaml.MappingNode:
			for i := 0; i+1 < len(n.Content); i += 2 {
				if n.Content[i].Value == tok {
					next = n.Content[i+1]
				}
			}
		case yaml.SequenceNode:
			if i, err := strconv.Atoi(tok); err == nil && i >= 0 && i < len(n.Content) {
				next = n.Content[i]
			}
		}
		if next == nil {
			return nil
		}
		n = next
	}
	return n
}

// lineOf finds the line of the node a JSON pointer names, or of its nearest ancestor (line 1
// for an empty document).
func lineOf(root *yaml.Node, pointer string) int {
	n := root
	if n.Kind == yaml.DocumentNode && len(n.Content) > 0 {
		n = n.Content[0]
	}
	line := max(n.Line, 1)
	for _, tok := range strings.Split(strings.TrimPrefix(pointer, "/"), "/") {
		if tok == "" {
			continue
		}
		tok = strings.NewReplacer("~1", "/", "~0", "~").Replace(tok)
		var next *yaml.Node
		switch n.Kind {
		case yaml.MappingNode:
			for i := 0; i+1 < len(n.Content); i += 2 {
				if n.Content[i].Value == tok {
					next = n.Content[i+1]
					line = n.Content[i].Line
				}
			}
		case yaml.SequenceNode:
			if i, err := strconv.Atoi(tok); err == nil && i >= 0 && i < len(n.Content) {
				next = n.Content[i]
				line = next.Line
			}
		}
		if next == nil {
			return line
		}
		n = next
	}
	return line
}

// yamlLine finds the "line N: " the YAML decoder puts in its messages.
var yamlLine = regexp.MustCompile(`(?s)^(?:yaml: )?line (\d+): (.*)$`)

// yamlError words a YAML decoder error as name:LINE: message, one per problem the decoder
// listed.
func yamlError(name string, data []byte, prefix string, err error) error {
	var msgs []string
	var te *yaml.TypeError
	if errors.As(err, &te) {
		msgs = te.Errors
	} else {
		msgs = []string{err.Error()}
	}
	var errs []error
	for _, m := range msgs {
		// One line per error: a value the decoder quotes may hold line breaks.
		m = strings.ReplaceAll(strings.TrimSpace(m), "\n", `\n`)
		if g := yamlLine.FindStringSubmatch(m); g != nil {
			line, _ := strconv.Atoi(g[1])
			if strings.HasPrefix(g[2], "did not find expected") {
				// The parser's errors count lines from 0 (the scanner's from 1).
				line++
			}
			errs = append(errs, fmt.Errorf("%s:%d: %s%s", name, line, prefix, g[2]))
			continue
		}
		// The reader's errors (bad UTF-8, control characters) carry no line: find it.
		errs = append(errs, fmt.Errorf("%s:%d: %s%s", name, badCharLine(data), prefix, strings.TrimPrefix(m, "yaml: ")))
	}
	return errors.Join(errs...)
}

// badCharLine is the line of the first byte YAML cannot read (invalid UTF-8 or a control
// character other than tab and line breaks), or 1.
func badCharLine(data []byte) int {
	for i := 0; i < len(data); {
		r, n := utf8.DecodeRune(data[i:])
		if (r == utf8.RuneError && n <= 1) || (unicode.IsControl(r) && r != '\t' && r != '\n' && r != '\r' && r != 0x85) {
			return 1 + bytes.Count(data[:i], []byte{'\n'})
		}
		i += n
	}
	return 1
}

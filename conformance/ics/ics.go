// Package ics reads implementation statements: who an implementation is, the role, versions
// and options it claims, how the harness reaches it, and how the harness observes what it
// did (schema/ics.schema.json, docs/ics.md).
package ics

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

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

// Parse reads a statement from data; name is used in errors. Paths stay as written.
func Parse(set *schema.Set, name string, data []byte) (*Statement, error) {
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return nil, fmt.Errorf("%s: not YAML or JSON: %w", name, err)
	}
	var generic any
	if err := root.Decode(&generic); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
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
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if err := s.Check(); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	sum := sha256.Sum256(data)
	s.SHA256 = hex.EncodeToString(sum[:])
	return &s, nil
}

// Check applies the rules the schema cannot express. Statements built from flags go through
// it too.
func (s *Statement) Check() error {
	var errs []error
	for _, o := range s.Options {
		opt, ok := Options[o]
		if !ok {
			errs = append(errs, fmt.Errorf("options: %q is not an option (idmefcheck ics options)", o))
			continue
		}
		if !slices.Contains(opt.Roles, s.Role) {
			errs = append(errs, fmt.Errorf("options: %q is not an option of the %s role", o, s.Role))
		}
	}
	switch s.Role {
	case "manager":
		if len(s.Connect.Targets) == 0 {
			errs = append(errs, errors.New("connect.targets: a manager statement names at least one target URL"))
		}
		if s.Trigger != nil {
			errs = append(errs, errors.New("trigger: only an analyzer statement has a trigger"))
		}
	case "analyzer":
		if s.Observe.Kind != "" && s.Observe.Kind != ObserveNone {
			errs = append(errs, errors.New("observe: the harness sees an analyzer's alerts itself; observe is for managers"))
		}
	}
	if s.Claims("signatures") && s.Signing == nil {
		errs = append(errs, errors.New("signing: option signatures needs the harness's signing key (signing.key, signing.key_id)"))
	}
	if s.Claims("require-signatures") && !s.Claims("signatures") {
		errs = append(errs, errors.New("options: require-signatures needs signatures"))
	}
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
}

// jsonCompatible turns what YAML decoding produced into what the schema validator expects
// of decoded JSON: string-keyed maps and float64 numbers.
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
			field := strings.TrimPrefix(e.InstanceLocation, "/")
			if field == "" {
				field = "(top level)"
			}
			line := lineOf(root, e.InstanceLocation)
			errs = append(errs, fmt.Errorf("%s:%d: %s: %s", name, line, strings.ReplaceAll(field, "/", "."), e.Message))
			return
		}
		for _, c := range e.Causes {
			walk(c)
		}
	}
	walk(ve)
	return errors.Join(errs...)
}

// lineOf finds the line of the node a JSON pointer names, or of its nearest ancestor.
func lineOf(root *yaml.Node, pointer string) int {
	n := root
	if n.Kind == yaml.DocumentNode && len(n.Content) > 0 {
		n = n.Content[0]
	}
	line := n.Line
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
			if i, err := strconv.Atoi(tok); err == nil && i < len(n.Content) {
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

package analyzer

import (
	"bytes"
	"crypto/tls"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/idmefcheck/idmefcheck/reference/analyzer/alert"
	"github.com/idmefcheck/idmefcheck/reference/httpsig"
	"github.com/idmefcheck/idmefcheck/reference/pki"
	"github.com/idmefcheck/idmefcheck/reference/transport"
)

// File is the analyzer's configuration file (YAML), as docs/analyzer.md describes it. Paths
// are relative to the file's directory. It has no way to set Faults.
type File struct {
	IDMEFVersion string         `yaml:"idmef_version"`
	Analyzer     FileSelf       `yaml:"analyzer"`
	TLS          FileTLS        `yaml:"tls"`
	Managers     string         `yaml:"managers"`
	Signing      FileSigning    `yaml:"signing"`
	ManagerKey   FileManagerKey `yaml:"manager_key"`
	Push         *FilePush      `yaml:"push"`
	Pull         *FilePull      `yaml:"pull"`
	Retry        FileRetry      `yaml:"retry"`
	Spool        FileSpool      `yaml:"spool"`
	DeadLetter   string         `yaml:"dead_letter"`
	Receipts     string         `yaml:"receipts"`
	MaxMessage   int            `yaml:"max_message"`
	Inputs       []FileInput    `yaml:"inputs"`
	LogLevel     string         `yaml:"log_level"`
}

// FileSelf is the analyzer's description of itself in alerts (alert.Self).
type FileSelf struct {
	Name     string   `yaml:"name"`
	ID       string   `yaml:"id"`
	IP       string   `yaml:"ip"`
	Hostname string   `yaml:"hostname"`
	Model    string   `yaml:"model"`
	Location string   `yaml:"location"`
	Category []string `yaml:"category"`
	Data     []string `yaml:"data"`
	Method   []string `yaml:"method"`
}

// FileTLS names the TLS files.
type FileTLS struct {
	Cert string `yaml:"cert"`
	Key  string `yaml:"key"`
	CA   string `yaml:"ca"`
}

// FileSigning names the analyzer's signing key.
type FileSigning struct {
	Key   string `yaml:"key"`
	KeyID string `yaml:"keyid"`
}

// FileManagerKey is the manager's public signing key and the identity it is bound to.
type FileManagerKey struct {
	Identity  string `yaml:"identity"`
	KeyID     string `yaml:"keyid"`
	PublicKey string `yaml:"public_key"`
}

// FilePush configures push (Push).
type FilePush struct {
	URL         string `yaml:"url"`
	ServerName  string `yaml:"server_name"`
	Concurrency int    `yaml:"concurrency"`
	HTTP1       bool   `yaml:"http1"`
	Timeout     string `yaml:"timeout"`
}

// FilePull configures pull (Pull) and where it listens.
type FilePull struct {
	Listen           []string `yaml:"listen"`
	Path             string   `yaml:"path"`
	RequireSignature bool     `yaml:"require_signature"`
	MaxWait          string   `yaml:"max_wait"`
}

// FileRetry bounds backoff; durations are Go durations ("1s").
type FileRetry struct {
	Min string `yaml:"min"`
	Max string `yaml:"max"`
}

// FileSpool configures the spool.
type FileSpool struct {
	Path        string `yaml:"path"`
	MaxMessages int    `yaml:"max_messages"`
	MaxBytes    int64  `yaml:"max_bytes"`
}

// FileInput is one input.
type FileInput struct {
	Format string `yaml:"format"` // idmef, events or eve
	Path   string `yaml:"path"`   // a file, or - for standard input
	// Follow keeps reading as the file grows and is rotated (default true; --once reads each
	// file to its end whatever this says).
	Follow *bool `yaml:"follow"`
}

// LoadFile reads a configuration file; unknown keys are errors.
func LoadFile(path string) (*File, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("analyzer: configuration: %w", err)
	}
	var f File
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&f); err != nil {
		return nil, fmt.Errorf("analyzer: configuration %s: %w", path, err)
	}
	f.resolve(filepath.Dir(path))
	return &f, nil
}

func (f *File) resolve(dir string) {
	ps := []*string{&f.TLS.Cert, &f.TLS.Key, &f.TLS.CA, &f.Managers, &f.Signing.Key, &f.ManagerKey.PublicKey, &f.Spool.Path, &f.DeadLetter, &f.Receipts}
	for i := range f.Inputs {
		if f.Inputs[i].Path != "-" {
			ps = append(ps, &f.Inputs[i].Path)
		}
	}
	for _, p := range ps {
		if *p != "" && !filepath.IsAbs(*p) {
			*p = filepath.Join(dir, *p)
		}
	}
}

// FromPKI fills what is still empty from a directory made by `idmefcheck pki init`: the
// analyzer's identity and signing key, the CA, the managers' allow-list and the manager's
// signing key.
func (f *File) FromPKI(dir string) {
	set := func(p *string, v string) {
		if *p == "" {
			*p = v
		}
	}
	set(&f.TLS.Cert, filepath.Join(dir, pki.CertFile("analyzer")))
	set(&f.TLS.Key, filepath.Join(dir, pki.KeyFile("analyzer")))
	set(&f.TLS.CA, filepath.Join(dir, pki.CACert))
	set(&f.Managers, filepath.Join(dir, pki.AllowFile("managers")))
	set(&f.Signing.Key, filepath.Join(dir, pki.SigningKeyFile("analyzer")))
	set(&f.Signing.KeyID, "analyzer")
	set(&f.ManagerKey.PublicKey, filepath.Join(dir, pki.PublicKeyFile("manager")))
	set(&f.ManagerKey.KeyID, "manager")
	set(&f.ManagerKey.Identity, "dns:manager."+pki.Domain)
}

// Config builds the parts of a Config a file describes: identity, peers, keys, push, pull,
// retry, files. The caller adds the Schemas, the Validator, the Spool and the Logger.
func (f *File) Config() (Config, error) {
	var c Config
	if f.TLS.Cert == "" || f.TLS.Key == "" || f.TLS.CA == "" {
		return c, fmt.Errorf("analyzer: configuration: tls.cert, tls.key and tls.ca are required (or --pki DIR)")
	}
	cert, err := tls.LoadX509KeyPair(f.TLS.Cert, f.TLS.Key)
	if err != nil {
		return c, fmt.Errorf("analyzer: TLS identity: %w", err)
	}
	c.Certificate = cert
	ca, err := os.ReadFile(f.TLS.CA)
	if err != nil {
		return c, fmt.Errorf("analyzer: CA: %w", err)
	}
	if c.Roots, err = transport.LoadRoots(ca, f.TLS.CA); err != nil {
		return c, err
	}
	if f.Managers != "" {
		if c.Managers, err = transport.LoadAllowList(f.Managers); err != nil {
			return c, err
		}
	}
	if f.Signing.Key != "" {
		keyID := f.Signing.KeyID
		if keyID == "" {
			keyID = "analyzer"
		}
		k, err := pki.LoadSigningKey(f.Signing.Key, keyID)
		if err != nil {
			return c, err
		}
		c.Signer = &httpsig.Signer{KeyID: k.KeyID, Private: k.Private}
	}
	if f.ManagerKey.PublicKey != "" {
		id, err := transport.ParseIdentity(f.ManagerKey.Identity)
		if err != nil {
			return c, fmt.Errorf("analyzer: configuration: manager_key.identity: %w", err)
		}
		pub, err := pki.LoadPublicKey(f.ManagerKey.PublicKey)
		if err != nil {
			return c, err
		}
		keyID := f.ManagerKey.KeyID
		if keyID == "" {
			keyID = "manager"
		}
		c.Manager = &httpsig.Key{KeyID: keyID, Public: pub, Identity: id}
	}
	if p := f.Push; p != nil && p.URL != "" {
		c.Push = &Push{URL: p.URL, ServerName: p.ServerName, Concurrency: p.Concurrency, HTTP1: p.HTTP1}
		if c.Push.Timeout, err = duration("push.timeout", p.Timeout); err != nil {
			return c, err
		}
	}
	if p := f.Pull; p != nil && len(p.Listen) > 0 {
		c.Pull = &Pull{Path: p.Path, RequireSignature: p.RequireSignature}
		if c.Pull.MaxWait, err = duration("pull.max_wait", p.MaxWait); err != nil {
			return c, err
		}
	}
	if c.Retry.Min, err = duration("retry.min", f.Retry.Min); err != nil {
		return c, err
	}
	if c.Retry.Max, err = duration("retry.max", f.Retry.Max); err != nil {
		return c, err
	}
	s := f.Analyzer
	c.Self = alert.Self{Name: s.Name, ID: s.ID, IP: s.IP, Hostname: s.Hostname, Model: s.Model, Location: s.Location,
		Category: s.Category, Data: s.Data, Method: s.Method}
	if c.Self.Name == "" {
		c.Self.Name = "idmefcheck-analyzer"
	}
	if c.Self.Model == "" {
		c.Self.Model = "idmefcheck reference analyzer"
	}
	// R4766-7.9: an alert locates the analyzer that reported it. Without an address or a
	// name in the configuration, the system's host name says where it runs.
	if c.Self.IP == "" && c.Self.Hostname == "" {
		if h, err := os.Hostname(); err == nil && h != "" {
			c.Self.Hostname = h
		}
	}
	c.Version = f.IDMEFVersion
	c.DeadLetter, c.Receipts, c.MaxMessage = f.DeadLetter, f.Receipts, f.MaxMessage
	return c, nil
}

// InputList returns the configured inputs.
func (f *File) InputList() ([]Input, error) {
	var out []Input
	for i, in := range f.Inputs {
		k, err := ParseKind(in.Format)
		if err != nil {
			return nil, fmt.Errorf("analyzer: configuration: inputs[%d]: %w", i, err)
		}
		if in.Path == "" {
			return nil, fmt.Errorf("analyzer: configuration: inputs[%d]: no path", i)
		}
		follow := in.Follow == nil || *in.Follow
		out = append(out, Input{Kind: k, Path: in.Path, Follow: follow})
	}
	return out, nil
}

func duration(name, s string) (time.Duration, error) {
	if s == "" {
		return 0, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d < 0 {
		return 0, fmt.Errorf("analyzer: configuration: %s %q: want a duration such as 5s", name, s)
	}
	return d, nil
}

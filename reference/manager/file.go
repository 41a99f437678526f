package manager

import (
	"bytes"
	"crypto/tls"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/idmefcheck/idmefcheck/reference/httpsig"
	"github.com/idmefcheck/idmefcheck/reference/pki"
	"github.com/idmefcheck/idmefcheck/reference/transport"
)

// File is the manager's configuration file (YAML), as docs/manager.md describes it. Paths are
// relative to the file's directory. It has no way to set Faults.
type File struct {
	Listen            []string       `yaml:"listen"`
	APIListen         string         `yaml:"api_listen"`
	TLS               FileTLS        `yaml:"tls"`
	Allow             string         `yaml:"allow"`
	Operators         string         `yaml:"operators"`
	DB                string         `yaml:"db"`
	ObserveFile       string         `yaml:"observe_file"`
	Profile           string         `yaml:"profile"`
	RequireSignatures bool           `yaml:"require_signatures"`
	Signing           FileSigning    `yaml:"signing"`
	SignatureWindow   string         `yaml:"signature_window"`
	Analyzers         []FileAnalyzer `yaml:"analyzers"`
	Limits            FileLimits     `yaml:"limits"`
	LogLevel          string         `yaml:"log_level"`
}

// FileTLS names the TLS files.
type FileTLS struct {
	Cert     string `yaml:"cert"`
	Key      string `yaml:"key"`
	ClientCA string `yaml:"client_ca"`
}

// FileSigning names the manager's own signing key.
type FileSigning struct {
	Key   string `yaml:"key"`
	KeyID string `yaml:"keyid"`
}

// FileAnalyzer is one known analyzer.
type FileAnalyzer struct {
	Identity         string `yaml:"identity"`
	KeyID            string `yaml:"keyid"`
	PublicKey        string `yaml:"public_key"`
	RequireSignature bool   `yaml:"require_signature"`
	Pull             string `yaml:"pull"`
}

// FileLimits mirror Limits; durations are Go durations ("5s").
type FileLimits struct {
	MaxBody        int64   `yaml:"max_body"`
	HeaderTimeout  string  `yaml:"header_timeout"`
	BodyTimeout    string  `yaml:"body_timeout"`
	WriteTimeout   string  `yaml:"write_timeout"`
	IdleTimeout    string  `yaml:"idle_timeout"`
	MaxConns       int     `yaml:"max_conns"`
	MaxStreams     int     `yaml:"max_streams"`
	Rate           float64 `yaml:"rate"`
	Burst          int     `yaml:"burst"`
	NonceCacheSize int     `yaml:"nonce_cache_size"`
	PullWait       string  `yaml:"pull_wait"`
}

// LoadFile reads a configuration file; unknown keys are errors.
func LoadFile(path string) (*File, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("manager: configuration: %w", err)
	}
	var f File
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&f); err != nil {
		return nil, fmt.Errorf("manager: configuration %s: %w", path, err)
	}
	f.resolve(filepath.Dir(path))
	return &f, nil
}

func (f *File) resolve(dir string) {
	for _, p := range []*string{&f.TLS.Cert, &f.TLS.Key, &f.TLS.ClientCA, &f.Allow, &f.Operators, &f.DB, &f.ObserveFile, &f.Signing.Key} {
		if *p != "" && !filepath.IsAbs(*p) {
			*p = filepath.Join(dir, *p)
		}
	}
	for i := range f.Analyzers {
		if p := &f.Analyzers[i].PublicKey; *p != "" && !filepath.IsAbs(*p) {
			*p = filepath.Join(dir, *p)
		}
	}
}

// FromPKI fills what is still empty from a directory made by `idmefcheck pki init`: the
// manager's identity and signing key, the CA, the analyzers' and operators' allow-lists, and
// the analyzer with its signing key.
func (f *File) FromPKI(dir string) {
	set := func(p *string, name string) {
		if *p == "" {
			*p = filepath.Join(dir, name)
		}
	}
	set(&f.TLS.Cert, pki.CertFile("manager"))
	set(&f.TLS.Key, pki.KeyFile("manager"))
	set(&f.TLS.ClientCA, pki.CACert)
	set(&f.Allow, pki.AllowFile("analyzers"))
	set(&f.Operators, pki.AllowFile("operators"))
	set(&f.Signing.Key, pki.SigningKeyFile("manager"))
	if f.Signing.KeyID == "" {
		f.Signing.KeyID = "manager"
	}
	if len(f.Analyzers) == 0 {
		f.Analyzers = []FileAnalyzer{{Identity: "dns:analyzer." + pki.Domain, KeyID: "analyzer", PublicKey: filepath.Join(dir, pki.PublicKeyFile("analyzer"))}}
	}
}

// Config builds the parts of a Config a file describes: TLS identity, peers, keys, limits.
// The caller adds the Validator, the Store and the Logger.
func (f *File) Config() (Config, error) {
	var c Config
	if f.TLS.Cert == "" || f.TLS.Key == "" || f.TLS.ClientCA == "" {
		return c, fmt.Errorf("manager: configuration: tls.cert, tls.key and tls.client_ca are required (or --pki DIR)")
	}
	cert, err := tls.LoadX509KeyPair(f.TLS.Cert, f.TLS.Key)
	if err != nil {
		return c, fmt.Errorf("manager: TLS identity: %w", err)
	}
	c.Certificate = cert
	ca, err := os.ReadFile(f.TLS.ClientCA)
	if err != nil {
		return c, fmt.Errorf("manager: client CA: %w", err)
	}
	if c.ClientCAs, err = transport.LoadRoots(ca, f.TLS.ClientCA); err != nil {
		return c, err
	}
	if f.Allow != "" {
		if c.Allow, err = transport.LoadAllowList(f.Allow); err != nil {
			return c, err
		}
	}
	if f.Operators != "" {
		if c.Operators, err = transport.LoadAllowList(f.Operators); err != nil {
			return c, err
		}
	}
	if f.Signing.Key != "" {
		keyID := f.Signing.KeyID
		if keyID == "" {
			keyID = "manager"
		}
		k, err := pki.LoadSigningKey(f.Signing.Key, keyID)
		if err != nil {
			return c, err
		}
		c.Signer = &httpsig.Signer{KeyID: k.KeyID, Private: k.Private}
	}
	c.RequireSignatures = f.RequireSignatures
	if c.SignatureWindow, err = duration("signature_window", f.SignatureWindow); err != nil {
		return c, err
	}
	for _, a := range f.Analyzers {
		id, err := transport.ParseIdentity(a.Identity)
		if err != nil {
			return c, fmt.Errorf("manager: configuration: analyzers: %w", err)
		}
		an := Analyzer{Identity: id, KeyID: a.KeyID, RequireSignature: a.RequireSignature, Pull: a.Pull}
		if a.PublicKey != "" {
			if an.PublicKey, err = pki.LoadPublicKey(a.PublicKey); err != nil {
				return c, err
			}
		}
		c.Analyzers = append(c.Analyzers, an)
	}
	l := f.Limits
	c.Limits = Limits{MaxBody: l.MaxBody, MaxConns: l.MaxConns, MaxStreams: l.MaxStreams, Rate: l.Rate, Burst: l.Burst, NonceCacheSize: l.NonceCacheSize}
	for _, d := range []struct {
		name string
		in   string
		out  *time.Duration
	}{{"limits.header_timeout", l.HeaderTimeout, &c.Limits.HeaderTimeout}, {"limits.body_timeout", l.BodyTimeout, &c.Limits.BodyTimeout},
		{"limits.write_timeout", l.WriteTimeout, &c.Limits.WriteTimeout}, {"limits.idle_timeout", l.IdleTimeout, &c.Limits.IdleTimeout},
		{"limits.pull_wait", l.PullWait, &c.Limits.PullWait}} {
		if *d.out, err = duration(d.name, d.in); err != nil {
			return c, err
		}
	}
	c.ObserveFile = f.ObserveFile
	return c, nil
}

func duration(name, s string) (time.Duration, error) {
	if s == "" {
		return 0, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d < 0 {
		return 0, fmt.Errorf("manager: configuration: %s %q: want a duration such as 5s", name, s)
	}
	return d, nil
}

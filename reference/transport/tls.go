package transport

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
)

// ALPN protocol names, in order of preference. There is no "h2c": the transport draft
// section 4.3 forbids cleartext HTTP/2, and nothing here ever listens without TLS.
var NextProtos = []string{"h2", "http/1.1"}

// Policy is what a peer must show to be accepted. The zero value accepts nobody (no roots).
type Policy struct {
	// Roots are the certification authorities a peer's chain must lead to (full path
	// validation, RFC 5280, by crypto/x509: signatures, validity dates, key usages).
	Roots *x509.CertPool
	// Allow, when not nil, restricts peers to those it approves (transport draft 4.5.4).
	// Nil accepts any peer Roots vouch for and CheckLeaf accepts.
	Allow *AllowList
}

// VerifyPeer applies the policy's own rules to a verified chain's leaf: CheckLeaf, then the
// allow-list. It is what VerifyConnection calls; harnesses can call it on captured chains.
func (p Policy) VerifyPeer(leaf *x509.Certificate) error {
	if err := CheckLeaf(leaf); err != nil {
		return err
	}
	if p.Allow != nil {
		return p.Allow.Allows(leaf)
	}
	return nil
}

// ServerOptions weaken a server configuration for known-bad test variants. The zero value is
// the transport draft's configuration; every true field breaks a MUST of the draft.
type ServerOptions struct {
	// AllowTLS12 also offers TLS 1.2 (breaks section 4.5.1).
	AllowTLS12 bool
	// SkipClientVerification asks for a client certificate but neither verifies its chain nor
	// applies the policy (breaks sections 4.5.3 and 4.5.4).
	SkipClientVerification bool
}

// ServerConfig returns the TLS configuration of an IDMEFv2 server: TLS 1.3 only, a client
// certificate required and verified against p.Roots, the leaf checked by p.VerifyPeer, ALPN
// h2 and http/1.1. The caller must not change it after handing it to a server.
func ServerConfig(cert tls.Certificate, p Policy, o ServerOptions) *tls.Config {
	c := &tls.Config{
		MinVersion:   tls.VersionTLS13,
		MaxVersion:   tls.VersionTLS13,
		Certificates: []tls.Certificate{cert},
		ClientAuth:   tls.RequireAndVerifyClientCert,
		ClientCAs:    p.Roots,
		NextProtos:   append([]string(nil), NextProtos...),
		VerifyConnection: func(cs tls.ConnectionState) error {
			if len(cs.PeerCertificates) == 0 {
				return errors.New("transport: the client presented no certificate")
			}
			return p.VerifyPeer(cs.PeerCertificates[0])
		},
	}
	if o.AllowTLS12 {
		c.MinVersion = tls.VersionTLS12
	}
	if o.SkipClientVerification {
		c.ClientAuth = tls.RequireAnyClientCert
		c.VerifyConnection = nil
	}
	return c
}

// ClientConfig returns the TLS configuration of an IDMEFv2 client: TLS 1.3 only, cert as its
// identity, the server's chain verified against p.Roots and its DNS-ID or IP-ID matched
// against serverName (RFC 6125, without CN fallback), then the leaf checked by p.VerifyPeer,
// which refuses wildcards that crypto/x509 alone would match.
func ClientConfig(cert tls.Certificate, p Policy, serverName string) *tls.Config {
	return &tls.Config{
		MinVersion:   tls.VersionTLS13,
		MaxVersion:   tls.VersionTLS13,
		Certificates: []tls.Certificate{cert},
		RootCAs:      p.Roots,
		ServerName:   serverName,
		NextProtos:   append([]string(nil), NextProtos...),
		VerifyConnection: func(cs tls.ConnectionState) error {
			if len(cs.PeerCertificates) == 0 {
				return errors.New("transport: the server presented no certificate")
			}
			return p.VerifyPeer(cs.PeerCertificates[0])
		},
	}
}

// Peer is the authenticated peer of a connection.
type Peer struct {
	Identity    Identity
	Fingerprint string // SHA-256 of the leaf certificate, hex
	Certificate *x509.Certificate
}

// PeerOf returns the peer of a completed handshake. Without a verified certificate (only
// possible with ServerOptions.SkipClientVerification) the identity is "unverified:" and the
// fingerprint of whatever was presented.
func PeerOf(cs *tls.ConnectionState) (Peer, error) {
	if cs == nil || len(cs.PeerCertificates) == 0 {
		return Peer{}, errors.New("transport: no peer certificate")
	}
	leaf := cs.PeerCertificates[0]
	p := Peer{Fingerprint: Fingerprint(leaf), Certificate: leaf}
	if len(cs.VerifiedChains) == 0 {
		p.Identity = Identity("unverified:" + p.Fingerprint)
		return p, nil
	}
	id, err := IdentityOf(leaf)
	if err != nil {
		return Peer{}, err
	}
	p.Identity = id
	return p, nil
}

type peerKey struct{}

// WithPeer returns a context carrying the peer, for handlers.
func WithPeer(ctx context.Context, p Peer) context.Context {
	return context.WithValue(ctx, peerKey{}, p)
}

// PeerFrom returns the peer WithPeer stored.
func PeerFrom(ctx context.Context) (Peer, bool) {
	p, ok := ctx.Value(peerKey{}).(Peer)
	return p, ok
}

// LoadRoots reads PEM certificates into a pool.
func LoadRoots(pemData []byte, name string) (*x509.CertPool, error) {
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pemData) {
		return nil, fmt.Errorf("transport: %s holds no PEM certificate", name)
	}
	return pool, nil
}

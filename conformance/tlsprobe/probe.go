// Package tlsprobe sends a hand-built TLS ClientHello and reads the server's first answer,
// so that the harness can offer what crypto/tls will not let a client offer: one chosen
// TLS 1.3 cipher suite, or SSL 3.0 to TLS 1.1. It never completes a handshake: the
// ServerHello (or the alert) already says what the server would accept.
package tlsprobe

import (
	"bytes"
	"context"
	"crypto/ecdh"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"net"
	"time"

	"golang.org/x/crypto/cryptobyte"
)

// Protocol versions, wire values.
const (
	VersionSSL30 uint16 = 0x0300
	VersionTLS10 uint16 = 0x0301
	VersionTLS11 uint16 = 0x0302
	VersionTLS12 uint16 = 0x0303
	VersionTLS13 uint16 = 0x0304
)

// VersionName names a wire version.
func VersionName(v uint16) string {
	switch v {
	case VersionSSL30:
		return "SSL 3.0"
	case VersionTLS10:
		return "TLS 1.0"
	case VersionTLS11:
		return "TLS 1.1"
	case VersionTLS12:
		return "TLS 1.2"
	case VersionTLS13:
		return "TLS 1.3"
	}
	return fmt.Sprintf("0x%04x", v)
}

// Hello is what the probe offers.
type Hello struct {
	// Version is the highest version offered. For TLS 1.3 the supported_versions extension
	// offers only 1.3; below, the legacy version field says it and nothing else is sent.
	Version uint16
	Suites  []uint16
	// ServerName is sent in SNI unless it is an IP address.
	ServerName string
	ALPN       []string
}

// Answer is what the server said first.
type Answer struct {
	// Accepted is true when the server chose a version and suite (ServerHello or
	// HelloRetryRequest).
	Accepted bool
	Version  uint16
	Suite    uint16
	// Retry is true for a HelloRetryRequest (the server wants another key share, having
	// already chosen the suite).
	Retry bool
	// Alert is the TLS alert description when the server refused with one.
	Alert    uint8
	HasAlert bool
	// Closed is true when the server closed the connection without a word.
	Closed bool
}

func (a Answer) String() string {
	switch {
	case a.Accepted && a.Retry:
		return fmt.Sprintf("HelloRetryRequest choosing %s, suite 0x%04x", VersionName(a.Version), a.Suite)
	case a.Accepted:
		return fmt.Sprintf("ServerHello choosing %s, suite 0x%04x", VersionName(a.Version), a.Suite)
	case a.HasAlert:
		return fmt.Sprintf("alert %d (%s)", a.Alert, alertName(a.Alert))
	default:
		return "connection closed without an answer"
	}
}

func alertName(d uint8) string {
	switch d {
	case 40:
		return "handshake_failure"
	case 47:
		return "illegal_parameter"
	case 50:
		return "decode_error"
	case 70:
		return "protocol_version"
	case 71:
		return "insufficient_security"
	case 80:
		return "internal_error"
	case 109:
		return "missing_extension"
	case 120:
		return "no_application_protocol"
	}
	return "other"
}

// Send dials addr, offers h, and reads the first answer.
func Send(ctx context.Context, addr string, h Hello) (Answer, error) {
	hello, err := build(h)
	if err != nil {
		return Answer{}, err
	}
	var d net.Dialer
	c, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return Answer{}, fmt.Errorf("tls probe: %w", err)
	}
	defer c.Close()
	deadline := time.Now().Add(10 * time.Second)
	if dl, ok := ctx.Deadline(); ok && dl.Before(deadline) {
		deadline = dl
	}
	_ = c.SetDeadline(deadline)
	if _, err := c.Write(hello); err != nil {
		return Answer{}, fmt.Errorf("tls probe: %w", err)
	}
	return readAnswer(c)
}

func build(h Hello) ([]byte, error) {
	var random, session [32]byte
	_, _ = rand.Read(random[:])
	_, _ = rand.Read(session[:])
	key, err := ecdh.X25519().GenerateKey(rand.Reader)
	if err != nil {
		return nil, err
	}
	legacy := h.Version
	if legacy > VersionTLS12 {
		legacy = VersionTLS12
	}
	var body cryptobyte.Builder
	body.AddUint16(legacy)
	body.AddBytes(random[:])
	body.AddUint8LengthPrefixed(func(b *cryptobyte.Builder) {
		if h.Version >= VersionTLS10 {
			b.AddBytes(session[:])
		}
	})
	body.AddUint16LengthPrefixed(func(b *cryptobyte.Builder) {
		for _, s := range h.Suites {
			b.AddUint16(s)
		}
	})
	body.AddUint8LengthPrefixed(func(b *cryptobyte.Builder) { b.AddUint8(0) })
	body.AddUint16LengthPrefixed(func(b *cryptobyte.Builder) {
		ext := func(typ uint16, f func(*cryptobyte.Builder)) {
			b.AddUint16(typ)
			b.AddUint16LengthPrefixed(f)
		}
		if h.ServerName != "" && net.ParseIP(h.ServerName) == nil {
			ext(0, func(b *cryptobyte.Builder) { // server_name
				b.AddUint16LengthPrefixed(func(b *cryptobyte.Builder) {
					b.AddUint8(0)
					b.AddUint16LengthPrefixed(func(b *cryptobyte.Builder) { b.AddBytes([]byte(h.ServerName)) })
				})
			})
		}
		ext(10, func(b *cryptobyte.Builder) { // supported_groups
			b.AddUint16LengthPrefixed(func(b *cryptobyte.Builder) {
				for _, g := range []uint16{0x001d, 0x0017, 0x0018} { // x25519, secp256r1, secp384r1
					b.AddUint16(g)
				}
			})
		})
		ext(11, func(b *cryptobyte.Builder) { // ec_point_formats: uncompressed
			b.AddUint8LengthPrefixed(func(b *cryptobyte.Builder) { b.AddUint8(0) })
		})
		ext(13, func(b *cryptobyte.Builder) { // signature_algorithms
			b.AddUint16LengthPrefixed(func(b *cryptobyte.Builder) {
				for _, s := range []uint16{0x0403, 0x0503, 0x0603, 0x0807, 0x0804, 0x0805, 0x0806, 0x0401, 0x0501, 0x0601, 0x0201, 0x0203} {
					b.AddUint16(s)
				}
			})
		})
		if len(h.ALPN) > 0 {
			ext(16, func(b *cryptobyte.Builder) {
				b.AddUint16LengthPrefixed(func(b *cryptobyte.Builder) {
					for _, p := range h.ALPN {
						b.AddUint8LengthPrefixed(func(b *cryptobyte.Builder) { b.AddBytes([]byte(p)) })
					}
				})
			})
		}
		ext(0xff01, func(b *cryptobyte.Builder) { b.AddUint8(0) }) // renegotiation_info, empty
		if h.Version >= VersionTLS13 {
			ext(43, func(b *cryptobyte.Builder) { // supported_versions
				b.AddUint8LengthPrefixed(func(b *cryptobyte.Builder) { b.AddUint16(VersionTLS13) })
			})
			ext(51, func(b *cryptobyte.Builder) { // key_share
				b.AddUint16LengthPrefixed(func(b *cryptobyte.Builder) {
					b.AddUint16(0x001d)
					b.AddUint16LengthPrefixed(func(b *cryptobyte.Builder) { b.AddBytes(key.PublicKey().Bytes()) })
				})
			})
			ext(45, func(b *cryptobyte.Builder) { // psk_key_exchange_modes: psk_dhe_ke
				b.AddUint8LengthPrefixed(func(b *cryptobyte.Builder) { b.AddUint8(1) })
			})
		}
	})
	bodyBytes, err := body.Bytes()
	if err != nil {
		return nil, err
	}
	var rec cryptobyte.Builder
	rec.AddUint8(22) // handshake
	recVersion := VersionTLS10
	if h.Version == VersionSSL30 {
		recVersion = VersionSSL30
	}
	rec.AddUint16(recVersion)
	rec.AddUint16LengthPrefixed(func(b *cryptobyte.Builder) {
		b.AddUint8(1) // client_hello
		b.AddUint24LengthPrefixed(func(b *cryptobyte.Builder) { b.AddBytes(bodyBytes) })
	})
	return rec.Bytes()
}

// helloRetryRandom marks a HelloRetryRequest (RFC 8446 section 4.1.3).
var helloRetryRandom = []byte{
	0xCF, 0x21, 0xAD, 0x74, 0xE5, 0x9A, 0x61, 0x11, 0xBE, 0x1D, 0x8C, 0x02, 0x1E, 0x65, 0xB8, 0x91,
	0xC2, 0xA2, 0x11, 0x16, 0x7A, 0xBB, 0x8C, 0x5E, 0x07, 0x9E, 0x09, 0xE2, 0xC8, 0xA8, 0x33, 0x9C,
}

func readAnswer(r io.Reader) (Answer, error) {
	var hdr [5]byte
	if _, err := io.ReadFull(r, hdr[:]); err != nil {
		var ne net.Error
		if errors.As(err, &ne) && ne.Timeout() {
			return Answer{}, fmt.Errorf("tls probe: no answer: %w", err)
		}
		// End of stream or a reset: the server hung up without a word.
		return Answer{Closed: true}, nil
	}
	n := int(hdr[3])<<8 | int(hdr[4])
	payload := make([]byte, n)
	if _, err := io.ReadFull(r, payload); err != nil {
		return Answer{}, fmt.Errorf("tls probe: a truncated record: %w", err)
	}
	switch hdr[0] {
	case 21: // alert
		if len(payload) < 2 {
			return Answer{}, errors.New("tls probe: a short alert")
		}
		return Answer{HasAlert: true, Alert: payload[1]}, nil
	case 22:
	default:
		return Answer{}, fmt.Errorf("tls probe: the server answered with record type %d, not a handshake", hdr[0])
	}
	s := cryptobyte.String(payload)
	var typ uint8
	var hello cryptobyte.String
	if !s.ReadUint8(&typ) || typ != 2 || !s.ReadUint24LengthPrefixed(&hello) {
		return Answer{}, fmt.Errorf("tls probe: the first handshake message is type %d, not a ServerHello", typ)
	}
	var a Answer
	var random []byte
	var session cryptobyte.String
	var compression uint8
	if !hello.ReadUint16(&a.Version) || !hello.ReadBytes(&random, 32) || !hello.ReadUint8LengthPrefixed(&session) ||
		!hello.ReadUint16(&a.Suite) || !hello.ReadUint8(&compression) {
		return Answer{}, errors.New("tls probe: a malformed ServerHello")
	}
	a.Accepted = true
	a.Retry = bytes.Equal(random, helloRetryRandom)
	var exts cryptobyte.String
	if hello.ReadUint16LengthPrefixed(&exts) {
		for !exts.Empty() {
			var typ uint16
			var data cryptobyte.String
			if !exts.ReadUint16(&typ) || !exts.ReadUint16LengthPrefixed(&data) {
				return Answer{}, errors.New("tls probe: malformed ServerHello extensions")
			}
			var v uint16
			if typ == 43 && data.ReadUint16(&v) {
				a.Version = v
			}
		}
	}
	return a, nil
}

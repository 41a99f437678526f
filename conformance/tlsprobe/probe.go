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
	// Group is the key-exchange group the server chose (TLS 1.3 key_share), 0 when it did
	// not say.
	Group uint16
	// Retry is true when the server answered with a HelloRetryRequest (it wants a key
	// share of another group, having chosen version and suite). Send then offers that share
	// in the same connection, as a client must (RFC 8446 section 4.1.4), and the answer is
	// the server's reply to it, with Retry still set; an answer to one hello alone (a
	// group the probe cannot offer) is the HelloRetryRequest itself.
	Retry bool
	// Alert is the TLS alert description when the server refused with one.
	Alert    uint8
	HasAlert bool
	// Closed is true when the server closed the connection without a word.
	Closed bool
}

func (a Answer) String() string {
	retry := ""
	if a.Retry {
		retry = fmt.Sprintf("after a HelloRetryRequest for group 0x%04x, ", a.Group)
	}
	switch {
	case a.Accepted:
		return fmt.Sprintf("%sServerHello choosing %s, suite 0x%04x", retry, VersionName(a.Version), a.Suite)
	case a.HasAlert:
		return fmt.Sprintf("%salert %d (%s)", retry, a.Alert, alertName(a.Alert))
	default:
		return retry + "connection closed without an answer"
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

// Send dials addr, offers h, and reads the first answer (the second, after a
// HelloRetryRequest).
func Send(ctx context.Context, addr string, h Hello) (Answer, error) {
	st, err := newHelloState()
	if err != nil {
		return Answer{}, fmt.Errorf("tls probe: %w", err)
	}
	hello, err := st.build(h, groupX25519, nil)
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
	a, hrr, err := readServer(c)
	if err != nil || !a.Retry || h.Version < VersionTLS13 {
		return a, err
	}
	if _, ok := st.keys[a.Group]; !ok || a.Group == groupX25519 {
		// A group the probe did not offer, or the one it sent a share of: the server broke
		// the protocol, and its HelloRetryRequest is all there is to say.
		return a, nil
	}
	hello, err = st.build(h, a.Group, &hrr)
	if err != nil {
		return Answer{}, err
	}
	if _, err := c.Write(hello); err != nil {
		return Answer{}, fmt.Errorf("tls probe: the second ClientHello: %w", err)
	}
	b, _, err := readServer(c)
	if err != nil {
		return Answer{}, fmt.Errorf("%w (after a HelloRetryRequest for group 0x%04x)", err, a.Group)
	}
	b.Retry = true
	if b.Group == 0 {
		b.Group = a.Group
	}
	return b, nil
}

// Key-exchange groups the probe offers, in its order of preference.
const (
	groupX25519 uint16 = 0x001d
	groupP256   uint16 = 0x0017
	groupP384   uint16 = 0x0018
)

var offeredGroups = []uint16{groupX25519, groupP256, groupP384}

// helloState is what both ClientHellos of a connection share: a second hello differs from
// the first only in its key share and the cookie (RFC 8446 section 4.1.2).
type helloState struct {
	random, session [32]byte
	keys            map[uint16]*ecdh.PrivateKey
}

func newHelloState() (*helloState, error) {
	st := &helloState{keys: map[uint16]*ecdh.PrivateKey{}}
	_, _ = rand.Read(st.random[:])
	_, _ = rand.Read(st.session[:])
	for g, curve := range map[uint16]ecdh.Curve{groupX25519: ecdh.X25519(), groupP256: ecdh.P256(), groupP384: ecdh.P384()} {
		key, err := curve.GenerateKey(rand.Reader)
		if err != nil {
			return nil, err
		}
		st.keys[g] = key
	}
	return st, nil
}

// build writes a ClientHello record offering h with a key share of group (TLS 1.3); retry is
// the HelloRetryRequest the hello answers, nil for the first hello.
func (st *helloState) build(h Hello, group uint16, retry *retryInfo) ([]byte, error) {
	random, session, key := st.random, st.session, st.keys[group]
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
				for _, g := range offeredGroups {
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
					b.AddUint16(group)
					b.AddUint16LengthPrefixed(func(b *cryptobyte.Builder) { b.AddBytes(key.PublicKey().Bytes()) })
				})
			})
			if retry != nil && retry.cookie != nil {
				ext(44, func(b *cryptobyte.Builder) { // cookie, echoed from the HelloRetryRequest
					b.AddUint16LengthPrefixed(func(b *cryptobyte.Builder) { b.AddBytes(retry.cookie) })
				})
			}
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
	switch {
	case h.Version == VersionSSL30:
		recVersion = VersionSSL30
	case retry != nil:
		// A hello after a HelloRetryRequest is a TLS 1.3 record: 0x0303, not the 0x0301 a
		// first hello may carry (RFC 8446 section 5.1); servers refuse anything else.
		recVersion = VersionTLS12
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

// maxHandshake bounds the handshake bytes read for the first message: a ServerHello is far
// smaller, and a peer sending more is not answering a ClientHello.
const maxHandshake = 1 << 16

// retryInfo is what a HelloRetryRequest asks of the second ClientHello besides a key share.
type retryInfo struct {
	cookie []byte
}

// readAnswer reads the server's first answer to a ClientHello: the ServerHello (or
// HelloRetryRequest) or an alert, or the end of the stream.
func readAnswer(r io.Reader) (Answer, error) {
	a, _, err := readServer(r)
	return a, err
}

func readServer(r io.Reader) (Answer, retryInfo, error) {
	var hs []byte // handshake bytes so far: a message may span records
	for {
		var hdr [5]byte
		if _, err := io.ReadFull(r, hdr[:]); err != nil {
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				return Answer{}, retryInfo{}, fmt.Errorf("tls probe: no answer: %w", err)
			}
			if len(hs) > 0 {
				return Answer{}, retryInfo{}, fmt.Errorf("tls probe: the stream ended inside the ServerHello: %w", err)
			}
			// End of stream or a reset: the server hung up without a word.
			return Answer{Closed: true}, retryInfo{}, nil
		}
		if hdr[0] < 20 || hdr[0] > 23 {
			// Not TLS (an HTTP answer starts "HTTP/"): say so before waiting for a length.
			return Answer{}, retryInfo{}, fmt.Errorf("tls probe: the server answered with record type %d, not a handshake", hdr[0])
		}
		n := int(hdr[3])<<8 | int(hdr[4])
		payload := make([]byte, n)
		if _, err := io.ReadFull(r, payload); err != nil {
			return Answer{}, retryInfo{}, fmt.Errorf("tls probe: a truncated record: %w", err)
		}
		switch hdr[0] {
		case 21: // alert
			if len(payload) < 2 {
				return Answer{}, retryInfo{}, errors.New("tls probe: a short alert")
			}
			return Answer{HasAlert: true, Alert: payload[1]}, retryInfo{}, nil
		case 20: // change_cipher_spec, sent after a HelloRetryRequest for middleboxes
			if len(hs) == 0 {
				continue
			}
			return Answer{}, retryInfo{}, errors.New("tls probe: a change_cipher_spec record inside the ServerHello")
		case 22:
		default:
			return Answer{}, retryInfo{}, fmt.Errorf("tls probe: the server answered with record type %d, not a handshake", hdr[0])
		}
		hs = append(hs, payload...)
		if len(hs) > maxHandshake {
			return Answer{}, retryInfo{}, errors.New("tls probe: a ServerHello longer than 64 KiB")
		}
		if len(hs) >= 4 && hs[0] != 2 {
			return Answer{}, retryInfo{}, fmt.Errorf("tls probe: the first handshake message is type %d, not a ServerHello", hs[0])
		}
		if len(hs) < 4 || len(hs) < 4+(int(hs[1])<<16|int(hs[2])<<8|int(hs[3])) {
			continue // the rest of the message is in the next record
		}
		return parseServerHello(hs)
	}
}

// parseServerHello reads a ServerHello handshake message (type, length and body).
func parseServerHello(msg []byte) (Answer, retryInfo, error) {
	s := cryptobyte.String(msg)
	var typ uint8
	var hello cryptobyte.String
	if !s.ReadUint8(&typ) || typ != 2 || !s.ReadUint24LengthPrefixed(&hello) {
		return Answer{}, retryInfo{}, fmt.Errorf("tls probe: the first handshake message is type %d, not a ServerHello", typ)
	}
	var a Answer
	var info retryInfo
	var random []byte
	var session cryptobyte.String
	var compression uint8
	if !hello.ReadUint16(&a.Version) || !hello.ReadBytes(&random, 32) || !hello.ReadUint8LengthPrefixed(&session) ||
		!hello.ReadUint16(&a.Suite) || !hello.ReadUint8(&compression) {
		return Answer{}, retryInfo{}, errors.New("tls probe: a malformed ServerHello")
	}
	a.Accepted = true
	a.Retry = bytes.Equal(random, helloRetryRandom)
	var exts cryptobyte.String
	if hello.ReadUint16LengthPrefixed(&exts) {
		for !exts.Empty() {
			var typ uint16
			var data cryptobyte.String
			if !exts.ReadUint16(&typ) || !exts.ReadUint16LengthPrefixed(&data) {
				return Answer{}, retryInfo{}, errors.New("tls probe: malformed ServerHello extensions")
			}
			switch typ {
			case 43: // supported_versions: the version chosen
				var v uint16
				if data.ReadUint16(&v) {
					a.Version = v
				}
			case 51: // key_share: the group asked for (HelloRetryRequest) or used
				var g uint16
				if data.ReadUint16(&g) {
					a.Group = g
				}
			case 44: // cookie, to be echoed in the second ClientHello
				var c cryptobyte.String
				if data.ReadUint16LengthPrefixed(&c) {
					info.cookie = bytes.Clone(c)
				}
			}
		}
	}
	return a, info, nil
}

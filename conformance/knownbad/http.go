package knownbad

import (
	"bytes"
	"crypto/tls"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/idmefcheck/idmefcheck/conformance/managerlab"
	"github.com/idmefcheck/idmefcheck/reference/manager"
)

func httpManagers() []Variant {
	return []Variant{
		{
			Name:    "manager/http2-only",
			Breaks:  "a fake that speaks only HTTP/2: it ends the handshake of a client whose ALPN offer lacks h2",
			Catches: []string{"MGR-HTTP-001"},
			Lab:     httpFakeLab(httpFake{}, h2Only),
		},
		{
			Name:    "manager/no-h2-alpn",
			Breaks:  "a fake that claims http2 but selects only http/1.1 by ALPN",
			Catches: []string{"MGR-HTTP-002"},
			Lab:     httpFakeLab(httpFake{}, alpnOnly("http/1.1")),
		},
		{
			Name:    "manager/root-path-only",
			Breaks:  "a fake that answers 404 to alerts posted to any path but /",
			Catches: []string{"MGR-HTTP-003"},
			Lab:     httpFakeLab(httpFake{rootOnly: true}, nil),
		},
		{
			Name:    "manager/no-405",
			Breaks:  "answers 404 instead of 405 with Allow to methods other than POST (fault No405)",
			Catches: []string{"MGR-HTTP-004"},
			Lab:     managerlab.Options{Faults: manager.Faults{No405: true}},
		},
		{
			Name:    "manager/405-without-allow",
			Breaks:  "a fake that answers 405 to methods other than POST without an Allow header",
			Catches: []string{"MGR-HTTP-005"},
			Lab:     httpFakeLab(httpFake{noAllow: true}, nil),
		},
		{
			Name:    "manager/any-content-type",
			Breaks:  "a fake that takes a JSON body whatever its Content-Type says",
			Catches: []string{"MGR-HTTP-006"},
			Lab:     httpFakeLab(httpFake{anyContentType: true}, nil),
		},
		{
			Name:    "manager/exact-accept-only",
			Breaks:  "a fake that answers 406 unless Accept names application/json literally, refusing */* and application/*",
			Catches: []string{"MGR-HTTP-007"},
			Lab:     httpFakeLab(httpFake{exactAccept: true}, nil),
		},
		{
			Name:    "manager/ignores-accept",
			Breaks:  "a fake that never answers 406, taking alerts whatever Accept allows",
			Catches: []string{"MGR-HTTP-008"},
			Lab:     httpFakeLab(httpFake{ignoreAccept: true}, nil),
		},
		{
			Name:    "manager/text-errors",
			Breaks:  "a fake whose error answers are text/plain, whatever the request's Accept",
			Catches: []string{"MGR-HTTP-007", "MGR-HTTP-009"},
			Lab:     httpFakeLab(httpFake{textErrors: true}, nil),
		},
		{
			Name:    "manager/200-text-body",
			Breaks:  "a fake that acknowledges alerts with 200 and a text/plain body",
			Catches: []string{"MGR-HTTP-009"},
			Lab:     httpFakeLab(httpFake{okText: true}, nil),
		},
		{
			Name:    "manager/200-no-body",
			Breaks:  "a fake that acknowledges alerts with 200 and an empty body instead of 204",
			Catches: []string{"MGR-HTTP-010"},
			Lab:     httpFakeLab(httpFake{ok200: true}, nil),
		},
		{
			Name:    "manager/no-chunked",
			Breaks:  "a fake that answers 411 Length Required to bodies without Content-Length (chunked)",
			Catches: []string{"MGR-HTTP-011"},
			Lab:     httpFakeLab(httpFake{noChunked: true}, nil),
		},
		{
			Name:    "manager/connection-close",
			Breaks:  "a fake that answers every HTTP/1.1 request with Connection: close",
			Catches: []string{"MGR-HTTP-012"},
			Lab:     httpFakeLab(httpFake{closeEach: true}, nil),
		},
		{
			Name:    "manager/batches",
			Breaks:  "a fake that takes a JSON array or a stream of objects as several alerts and stores each",
			Catches: []string{"MGR-HTTP-013"},
			Lab:     httpFakeLab(httpFake{batches: true}, nil),
		},
	}
}

// httpFake is a small manager that keeps the transport draft's HTTP rules (POST only, 405
// with Allow; application/json only, else 415; Accept negotiated, else 406; one JSON object
// with a string ID per request, else 400; 204 on success; JSON error bodies) except the one
// its set field breaks. It neither validates messages nor checks signatures: the variants
// built on it are judged only by the checks they name.
type httpFake struct {
	rootOnly       bool // 404 to any path but /
	noAllow        bool // 405 without Allow
	anyContentType bool // no 415
	exactAccept    bool // 406 unless Accept names application/json literally
	ignoreAccept   bool // no 406
	textErrors     bool // error bodies in text/plain
	okText         bool // success is 200 with a text/plain body
	ok200          bool // success is 200 with an empty body
	noChunked      bool // 411 without Content-Length
	closeEach      bool // Connection: close on every answer
	batches        bool // arrays and streams of objects stored message by message
}

// httpFakeLab runs f with an optional TLS adjustment.
func httpFakeLab(f httpFake, tweak func(*managerlab.Lab, *tls.Config) error) managerlab.Options {
	return managerlab.Options{Fake: &managerlab.Fake{Handler: f.handler, TLS: tweak}}
}

// alpnOnly makes a fake's TLS select only the given protocols by ALPN. net/http adds h2 and
// http/1.1 to a server's NextProtos itself, so the narrower list is handed out per
// handshake, where it has the last word.
func alpnOnly(protos ...string) func(*managerlab.Lab, *tls.Config) error {
	return func(_ *managerlab.Lab, c *tls.Config) error {
		narrow := c.Clone()
		narrow.NextProtos = protos
		c.GetConfigForClient = func(*tls.ClientHelloInfo) (*tls.Config, error) { return narrow, nil }
		return nil
	}
}

// h2Only ends every handshake whose ALPN offer lacks h2. Selecting h2 alone would not do:
// crypto/tls lets a client offering only http/1.1 through to an h2 server without ALPN
// (go.dev/issue/46310), and net/http then speaks HTTP/1.1.
func h2Only(_ *managerlab.Lab, c *tls.Config) error {
	c.GetConfigForClient = func(h *tls.ClientHelloInfo) (*tls.Config, error) {
		if !slices.Contains(h.SupportedProtos, "h2") {
			return nil, errors.New("known-bad: HTTP/2 only")
		}
		return nil, nil
	}
	return nil
}

func (f httpFake) handler(l *managerlab.Lab) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if f.closeEach {
			w.Header().Set("Connection", "close")
		}
		fail := func(status int, msg string) {
			if f.textErrors {
				http.Error(w, msg, status)
				return
			}
			body, _ := json.Marshal(map[string]string{"error": msg})
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(status)
			_, _ = w.Write(append(body, '\n'))
		}
		switch {
		case f.rootOnly && r.URL.Path != "/":
			fail(http.StatusNotFound, "nothing here")
			return
		case r.Method != http.MethodPost:
			if !f.noAllow {
				w.Header().Set("Allow", http.MethodPost)
			}
			fail(http.StatusMethodNotAllowed, "IDMEFv2 messages are sent with POST")
			return
		case !f.ignoreAccept && !acceptsJSON(r.Header.Get("Accept"), f.exactAccept):
			fail(http.StatusNotAcceptable, "answers are application/json")
			return
		case !f.anyContentType && !isJSON(r.Header.Get("Content-Type")):
			fail(http.StatusUnsupportedMediaType, "messages are application/json")
			return
		case f.noChunked && r.ContentLength < 0:
			fail(http.StatusLengthRequired, "a Content-Length is required")
			return
		}
		body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
		if err != nil {
			fail(http.StatusBadRequest, "reading the message: "+err.Error())
			return
		}
		msgs, ok := split(body, f.batches)
		if !ok {
			fail(http.StatusBadRequest, "the body is not one JSON object with a string ID")
			return
		}
		for _, m := range msgs {
			if err := l.Record(r, m); err != nil {
				fail(http.StatusInternalServerError, "storing: "+err.Error())
				return
			}
		}
		switch {
		case f.okText:
			w.Header().Set("Content-Type", "text/plain; charset=utf-8")
			w.WriteHeader(http.StatusOK)
			_, _ = io.WriteString(w, "accepted\n")
		case f.ok200:
			w.Header().Set("Content-Length", "0")
			w.WriteHeader(http.StatusOK)
		default:
			w.WriteHeader(http.StatusNoContent)
		}
	})
}

// split returns the messages of a body: exactly one JSON object with a string ID, or, when
// batches is set, also the elements of an array or a stream of such objects.
func split(body []byte, batches bool) ([][]byte, bool) {
	var raws []json.RawMessage
	trimmed := bytes.TrimSpace(body)
	switch {
	case batches && len(trimmed) > 0 && trimmed[0] == '[':
		if json.Unmarshal(trimmed, &raws) != nil {
			return nil, false
		}
	default:
		dec := json.NewDecoder(bytes.NewReader(body))
		for {
			var raw json.RawMessage
			if err := dec.Decode(&raw); err == io.EOF {
				break
			} else if err != nil {
				return nil, false
			}
			raws = append(raws, raw)
		}
		if len(raws) != 1 && !batches {
			return nil, false
		}
	}
	if len(raws) == 0 {
		return nil, false
	}
	out := make([][]byte, 0, len(raws))
	for _, raw := range raws {
		var m struct {
			ID *string `json:"ID"`
		}
		if json.Unmarshal(raw, &m) != nil || m.ID == nil {
			return nil, false
		}
		out = append(out, []byte(raw))
	}
	return out, true
}

// isJSON reports whether a Content-Type is application/json.
func isJSON(ct string) bool {
	mt, _, err := mime.ParseMediaType(ct)
	return err == nil && mt == "application/json"
}

// acceptsJSON reports whether an Accept field allows application/json: absent allows
// anything; otherwise a range with q > 0 naming it, or (unless exact) application/* or */*.
func acceptsJSON(accept string, exact bool) bool {
	if strings.TrimSpace(accept) == "" {
		return true
	}
	ranges := []string{"application/json"}
	if !exact {
		ranges = append(ranges, "application/*", "*/*")
	}
	for _, part := range strings.Split(accept, ",") {
		mt, params, err := mime.ParseMediaType(strings.TrimSpace(part))
		if err != nil || !slices.Contains(ranges, mt) {
			continue
		}
		if q, ok := params["q"]; ok {
			if v, err := strconv.ParseFloat(q, 64); err == nil && v <= 0 {
				continue
			}
		}
		return true
	}
	return false
}

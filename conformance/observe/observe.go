// Package observe is how the harness sees what a manager under test stored: an NDJSON file
// the manager appends to, a command that prints NDJSON, or the reference operator API. Every
// line is a stored alert, either bare (what SIEM exports give) or in the reference manager's
// envelope (schema/observation.schema.json).
package observe

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
)

// ErrNoChannel means the implementation statement names no observation channel: a check
// that needs to see what was stored is inconclusive.
var ErrNoChannel = errors.New("no observation channel (implementation statement: observe.kind none)")

// Observation is one stored alert as the channel shows it.
type Observation struct {
	// ID is the message's ID as stored.
	ID string
	// Analyzer is the delivering peer's identity, when the channel says (envelope lines).
	Analyzer string
	// Received is when the manager received it, when the channel says.
	Received time.Time
	// Message is the stored message: the exact bytes received for envelope lines, the
	// exported JSON otherwise.
	Message []byte
	// Exact says whether Message is the bytes the manager received (envelope) or a
	// re-serialization (bare export).
	Exact bool
	// Where locates the observation: file and line, or API URL.
	Where string
}

// Channel shows what the manager stored.
type Channel interface {
	// Lookup returns the stored alerts whose ID is one of ids (compared without regard to
	// case, as the format draft compares UUIDs), keyed by the lower-cased ID.
	Lookup(ctx context.Context, ids ...string) (map[string][]Observation, error)
	// Describe names the channel for reports.
	Describe() string
}

// Key is the map key Lookup uses for an ID.
func Key(id string) string { return strings.ToLower(id) }

// None is the absent channel.
type None struct{}

// Lookup always fails with ErrNoChannel.
func (None) Lookup(context.Context, ...string) (map[string][]Observation, error) {
	return nil, ErrNoChannel
}

// Describe names the channel.
func (None) Describe() string { return "none" }

// envelope is the reference manager's observation line.
type envelope struct {
	Received time.Time `json:"received"`
	Analyzer string    `json:"analyzer"`
	ID       string    `json:"id"`
	Message  *string   `json:"message"`
}

// ParseLine reads one observation line. where locates it in errors and in the result.
func ParseLine(line []byte, where string) (Observation, error) {
	line = bytes.TrimSpace(line)
	var probe map[string]json.RawMessage
	if err := json.Unmarshal(line, &probe); err != nil {
		return Observation{}, fmt.Errorf("%s: not a JSON object: %w", where, err)
	}
	if _, ok := probe["message"]; ok {
		var e envelope
		if err := json.Unmarshal(line, &e); err != nil || e.Message == nil {
			return Observation{}, fmt.Errorf("%s: an envelope line whose message is not a JSON string", where)
		}
		msg := []byte(*e.Message)
		id := e.ID
		if id == "" {
			id = messageID(msg)
		}
		if id == "" {
			return Observation{}, fmt.Errorf("%s: the envelope's message has no ID", where)
		}
		return Observation{ID: id, Analyzer: e.Analyzer, Received: e.Received, Message: msg, Exact: true, Where: where}, nil
	}
	id := messageID(line)
	if id == "" {
		return Observation{}, fmt.Errorf("%s: neither an envelope (message) nor an IDMEFv2 message with a string ID", where)
	}
	return Observation{ID: id, Message: bytes.Clone(line), Where: where}, nil
}

// messageID reads the top-level ID of a message, "" when it has none or is not JSON.
func messageID(msg []byte) string {
	var m struct {
		ID *string `json:"ID"`
	}
	if json.Unmarshal(msg, &m) != nil || m.ID == nil {
		return ""
	}
	return *m.ID
}

// index collects observations by ID.
type index map[string][]Observation

func (ix index) add(o Observation) { ix[Key(o.ID)] = append(ix[Key(o.ID)], o) }

func (ix index) pick(ids []string) map[string][]Observation {
	out := make(map[string][]Observation, len(ids))
	for _, id := range ids {
		if obs := ix[Key(id)]; len(obs) > 0 {
			out[Key(id)] = append([]Observation(nil), obs...)
		}
	}
	return out
}

// Await polls ch until every ID in ids is observed at least once or within is over, and
// returns the last lookup. Observations can lag acknowledgements (an export, a batch), so
// absence is only concluded after within.
func Await(ctx context.Context, ch Channel, within time.Duration, ids ...string) (map[string][]Observation, error) {
	deadline := time.Now().Add(within)
	for {
		got, err := ch.Lookup(ctx, ids...)
		if err != nil {
			return nil, err
		}
		all := true
		for _, id := range ids {
			if len(got[Key(id)]) == 0 {
				all = false
				break
			}
		}
		if all || time.Now().After(deadline) {
			return got, nil
		}
		select {
		case <-ctx.Done():
			return got, ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// Settled waits within (the time the manager may take to make a stored alert observable)
// and then looks ids up: what a check uses to conclude that something was not stored.
func Settled(ctx context.Context, ch Channel, within time.Duration, ids ...string) (map[string][]Observation, error) {
	if _, ok := ch.(None); ok {
		return nil, ErrNoChannel
	}
	select {
	case <-ctx.Done():
		return nil, ctx.Err()
	case <-time.After(within):
	}
	return ch.Lookup(ctx, ids...)
}

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

// ParseLine reads one observation line: the reference manager's envelope (an object with a
// member named message, schema/observation.schema.json) or a bare IDMEFv2 message. Member
// names are matched exactly, as JSON keeps them: a bare message's ID is "ID", never "id".
// where locates the line in errors and in the result.
func ParseLine(line []byte, where string) (Observation, error) {
	line = bytes.TrimSpace(line)
	var members map[string]json.RawMessage
	if err := json.Unmarshal(line, &members); err != nil {
		return Observation{}, fmt.Errorf("%s: not a JSON object: %w", where, err)
	}
	if members == nil { // null
		return Observation{}, fmt.Errorf("%s: not a JSON object: null", where)
	}
	raw, ok := members["message"]
	if !ok {
		id := messageID(members)
		if id == "" {
			return Observation{}, fmt.Errorf("%s: neither an envelope (message) nor an IDMEFv2 message with a string ID", where)
		}
		return Observation{ID: id, Message: bytes.Clone(line), Where: where}, nil
	}
	o := Observation{Exact: true, Where: where}
	var msg *string // null decodes into a string without an error
	if err := json.Unmarshal(raw, &msg); err != nil || msg == nil {
		return Observation{}, fmt.Errorf("%s: an envelope line whose message is not a JSON string", where)
	}
	o.Message = []byte(*msg)
	if raw, ok := members["received"]; ok {
		if err := json.Unmarshal(raw, &o.Received); err != nil {
			return Observation{}, fmt.Errorf("%s: the envelope's received is not an RFC 3339 time: %s", where, raw)
		}
	}
	if raw, ok := members["analyzer"]; ok {
		if err := json.Unmarshal(raw, &o.Analyzer); err != nil {
			return Observation{}, fmt.Errorf("%s: the envelope's analyzer is not a string: %s", where, raw)
		}
	}
	if raw, ok := members["id"]; ok {
		if err := json.Unmarshal(raw, &o.ID); err != nil {
			return Observation{}, fmt.Errorf("%s: the envelope's id is not a string: %s", where, raw)
		}
	}
	if o.ID == "" {
		var m map[string]json.RawMessage
		if json.Unmarshal(o.Message, &m) == nil {
			o.ID = messageID(m)
		}
	}
	if o.ID == "" {
		return Observation{}, fmt.Errorf("%s: the envelope's message has no ID", where)
	}
	return o, nil
}

// messageID reads the top-level ID of a message's members, "" when it has no string ID.
func messageID(members map[string]json.RawMessage) string {
	var id string
	if raw, ok := members["ID"]; !ok || json.Unmarshal(raw, &id) != nil {
		return ""
	}
	return id
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

package shim

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v5"

	"github.com/idmefcheck/idmefcheck/schema"
)

// Version is the protocol version start and started carry.
const Version = 1

// SchemaFile is the protocol's schema among the embedded project schemas.
const SchemaFile = "shim.schema.json"

// Commands of the protocol.
const (
	CmdStart = "start"
	CmdEmit  = "emit"
	CmdStop  = "stop"
)

// Request is a message from the harness.
type Request struct {
	Cmd      string `json:"cmd"`
	Version  int    `json:"version,omitempty"`  // start
	Seq      *int64 `json:"seq,omitempty"`      // emit
	Scenario string `json:"scenario,omitempty"` // emit
	Count    int    `json:"count,omitempty"`    // emit
}

// Started is the reply to start.
type Started struct {
	Version        int            `json:"version"`
	Implementation Implementation `json:"implementation"`
	Capabilities   Capabilities   `json:"capabilities"`
}

// Implementation names the product behind the shim.
type Implementation struct {
	Name     string `json:"name"`
	Version  string `json:"version"`
	Vendor   string `json:"vendor,omitempty"`
	Language string `json:"language,omitempty"`
	Homepage string `json:"homepage,omitempty"`
	Issues   string `json:"issues,omitempty"`
}

// Capabilities say what the shim can do.
type Capabilities struct {
	Scenarios []string `json:"scenarios"`
	Versions  []string `json:"versions"`
	Delivery  []string `json:"delivery"`
}

// Reply is the reply to an emit: exactly one of IDs (emitted), Skipped or Errored.
type Reply struct {
	Seq      int64         `json:"seq"`
	IDs      []string      `json:"ids,omitempty"`
	Skipped  bool          `json:"skipped,omitempty"`
	Message  string        `json:"message,omitempty"`   // skipped
	IssueURL string        `json:"issue_url,omitempty"` // skipped
	Errored  bool          `json:"errored,omitempty"`
	Context  *ErrorContext `json:"context,omitempty"` // errored
}

// ErrorContext is what an errored reply says.
type ErrorContext struct {
	Message   string `json:"message"`
	Traceback string `json:"traceback,omitempty"`
	Stderr    string `json:"stderr,omitempty"`
}

// Outcome names the kind of a Reply.
func (r Reply) Outcome() string {
	switch {
	case r.Skipped:
		return "skipped"
	case r.Errored:
		return "errored"
	}
	return "emitted"
}

// SkipError makes Serve answer skipped: the analyzer cannot produce the scenario.
type SkipError struct {
	Reason   string
	IssueURL string
}

func (e *SkipError) Error() string { return "skipped: " + e.Reason }

// Producer is the analyzer behind a shim. Serve calls its methods one at a time, in protocol
// order.
type Producer interface {
	// Start prepares the analyzer and describes it.
	Start(ctx context.Context) (Started, error)
	// Emit produces count alerts of the scenario and returns their IDs once they are handed
	// to the analyzer's delivery. A *SkipError becomes a skipped reply; any other error an
	// errored one.
	Emit(ctx context.Context, scenario string, count int) ([]string, error)
	// Stop ends the analyzer.
	Stop(ctx context.Context) error
}

// ErrProtocol reports a message that breaks the protocol.
var ErrProtocol = errors.New("shim protocol violation")

// Validator checks messages against the protocol's schema. It is safe for concurrent use.
type Validator struct{ s *jsonschema.Schema }

// NewValidator compiles nothing: it takes the protocol's schema from set.
func NewValidator(set *schema.Set) (*Validator, error) {
	s, err := set.Project(SchemaFile)
	if err != nil {
		return nil, err
	}
	return &Validator{s: s}, nil
}

// Check validates one message.
func (v *Validator) Check(line []byte) error {
	var doc any
	dec := json.NewDecoder(bytes.NewReader(line))
	dec.UseNumber()
	if err := dec.Decode(&doc); err != nil {
		return fmt.Errorf("shim: not JSON: %v: %w", err, ErrProtocol)
	}
	if err := v.s.Validate(doc); err != nil {
		var ve *jsonschema.ValidationError
		if errors.As(err, &ve) {
			return fmt.Errorf("shim: %s: %s: %w", SchemaFile, leaf(ve, kind(doc)), ErrProtocol)
		}
		return fmt.Errorf("shim: %v: %w", err, ErrProtocol)
	}
	return nil
}

// kind guesses which message a document means to be, to word its validation error against
// that message's definition rather than another branch of the oneOf.
func kind(doc any) string {
	m, ok := doc.(map[string]any)
	if !ok {
		return ""
	}
	if c, ok := m["cmd"].(string); ok {
		return c
	}
	for _, k := range []struct{ member, kind string }{{"skipped", "skipped"}, {"errored", "errored"}, {"implementation", "started"}, {"ids", "emitted"}} {
		if _, ok := m[k.member]; ok {
			return k.kind
		}
	}
	return ""
}

// find returns the first error, depth first, whose keyword lies under the location.
func find(ve *jsonschema.ValidationError, loc string) *jsonschema.ValidationError {
	if strings.Contains(ve.AbsoluteKeywordLocation, loc) {
		return ve
	}
	for _, c := range ve.Causes {
		if f := find(c, loc); f != nil {
			return f
		}
	}
	return nil
}

// leaf words the deepest cause of a validation error, within the definition named hint
// when the error has a cause there.
func leaf(ve *jsonschema.ValidationError, hint string) string {
	if hint != "" {
		if in := find(ve, "/definitions/"+hint+"/"); in != nil {
			ve = in
		}
	}
	for len(ve.Causes) > 0 {
		ve = ve.Causes[0]
	}
	loc := ve.InstanceLocation
	if loc == "" {
		loc = "/"
	}
	return loc + ": " + ve.Message
}

// Serve runs the shim's side of the protocol over in and out until stop, the end of in, or
// ctx. Every request is checked against the schema; one that breaks it ends Serve with an
// error wrapping ErrProtocol, after an errored reply when it is an emit with a readable seq.
// It returns nil after stop.
func Serve(ctx context.Context, in io.Reader, out io.Writer, p Producer, v *Validator) error {
	sc := bufio.NewScanner(in)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	enc := json.NewEncoder(out)
	started := false
	for sc.Scan() {
		line := bytes.TrimSpace(sc.Bytes())
		if len(line) == 0 {
			continue
		}
		var req Request
		jerr := json.Unmarshal(line, &req)
		if err := v.Check(line); err != nil || jerr != nil {
			if err == nil {
				err = fmt.Errorf("shim: %v: %w", jerr, ErrProtocol)
			}
			if req.Cmd == CmdEmit && req.Seq != nil && *req.Seq >= 0 {
				_ = enc.Encode(Reply{Seq: *req.Seq, Errored: true, Context: &ErrorContext{Message: err.Error()}})
			}
			return err
		}
		switch req.Cmd {
		case CmdStart:
			if started {
				return fmt.Errorf("shim: a second start: %w", ErrProtocol)
			}
			s, err := p.Start(ctx)
			if err != nil {
				return fmt.Errorf("shim: start: %w", err)
			}
			s.Version = Version
			if err := enc.Encode(s); err != nil {
				return fmt.Errorf("shim: writing started: %w", err)
			}
			started = true
		case CmdEmit:
			r := Reply{Seq: *req.Seq}
			if !started {
				r.Errored, r.Context = true, &ErrorContext{Message: "emit before start"}
			} else {
				ids, err := p.Emit(ctx, req.Scenario, req.Count)
				var skip *SkipError
				switch {
				case errors.As(err, &skip):
					r.Skipped, r.Message, r.IssueURL = true, skip.Reason, skip.IssueURL
				case err != nil:
					r.Errored, r.Context = true, &ErrorContext{Message: err.Error()}
				case len(ids) == 0:
					r.Errored, r.Context = true, &ErrorContext{Message: "the analyzer produced no alert"}
				default:
					r.IDs = ids
				}
			}
			if err := enc.Encode(r); err != nil {
				return fmt.Errorf("shim: writing the reply to emit %d: %w", r.Seq, err)
			}
		case CmdStop:
			if !started {
				return nil
			}
			return p.Stop(ctx)
		}
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			// No request of the protocol comes near 1 MiB: the harness broke it.
			return fmt.Errorf("shim: a request line longer than 1 MiB: %w", ErrProtocol)
		}
		return fmt.Errorf("shim: reading requests: %w", err)
	}
	if started {
		// The harness went away without stop: stop anyway.
		return p.Stop(ctx)
	}
	return nil
}

// Client is the harness's side: it writes requests to a shim's standard input and reads its
// replies from its standard output, checking each against the schema. It is not safe for
// concurrent use (the protocol is one request at a time).
type Client struct {
	w   io.Writer
	r   *bufio.Reader
	v   *Validator
	seq int64
}

// NewClient speaks to a shim through w (its standard input) and r (its standard output).
func NewClient(w io.Writer, r io.Reader, v *Validator) *Client {
	return &Client{w: w, r: bufio.NewReaderSize(r, 64<<10), v: v}
}

func (c *Client) send(req Request) error {
	b, err := json.Marshal(req)
	if err != nil {
		return fmt.Errorf("shim: %w", err)
	}
	if _, err := c.w.Write(append(b, '\n')); err != nil {
		return fmt.Errorf("shim: writing %s: %w", req.Cmd, err)
	}
	return nil
}

// read returns the next reply line, checked against the schema. ctx bounds the wait only
// in that a reader blocked past ctx is abandoned by the caller; Client does not close r.
func (c *Client) read(ctx context.Context, what string) ([]byte, error) {
	type result struct {
		line []byte
		err  error
	}
	ch := make(chan result, 1)
	go func() {
		line, err := c.r.ReadBytes('\n')
		ch <- result{line, err}
	}()
	select {
	case <-ctx.Done():
		return nil, fmt.Errorf("shim: waiting for the reply to %s: %w", what, ctx.Err())
	case res := <-ch:
		if res.err != nil && len(bytes.TrimSpace(res.line)) == 0 {
			return nil, fmt.Errorf("shim: reading the reply to %s: %w", what, res.err)
		}
		line := bytes.TrimSpace(res.line)
		if err := c.v.Check(line); err != nil {
			return nil, fmt.Errorf("shim: the reply to %s: %w", what, err)
		}
		return line, nil
	}
}

// Start sends start and returns the shim's description.
func (c *Client) Start(ctx context.Context) (Started, error) {
	var s Started
	if err := c.send(Request{Cmd: CmdStart, Version: Version}); err != nil {
		return s, err
	}
	line, err := c.read(ctx, CmdStart)
	if err != nil {
		return s, err
	}
	if err := json.Unmarshal(line, &s); err != nil || s.Implementation.Name == "" {
		return s, fmt.Errorf("shim: the reply to start is not started: %s: %w", line, ErrProtocol)
	}
	return s, nil
}

// Emit asks for count alerts of a scenario and returns the reply, whose Seq is the one sent.
func (c *Client) Emit(ctx context.Context, scenario string, count int) (Reply, error) {
	c.seq++
	seq := c.seq
	if err := c.send(Request{Cmd: CmdEmit, Seq: &seq, Scenario: scenario, Count: count}); err != nil {
		return Reply{}, err
	}
	line, err := c.read(ctx, fmt.Sprintf("emit %d", seq))
	if err != nil {
		return Reply{}, err
	}
	var r Reply
	if err := json.Unmarshal(line, &r); err != nil {
		return r, fmt.Errorf("shim: %w", err)
	}
	if r.Seq != seq {
		return r, fmt.Errorf("shim: the reply to emit %d carries seq %d: %w", seq, r.Seq, ErrProtocol)
	}
	if r.Outcome() == "emitted" && len(r.IDs) != count {
		return r, fmt.Errorf("shim: emit %d asked for %d alerts, the reply lists %d IDs: %w", seq, count, len(r.IDs), ErrProtocol)
	}
	return r, nil
}

// Stop sends stop. The caller then waits for the shim to exit.
func (c *Client) Stop() error { return c.send(Request{Cmd: CmdStop}) }

// Describe words a reply for logs.
func Describe(r Reply) string {
	switch r.Outcome() {
	case "skipped":
		return "skipped: " + r.Message
	case "errored":
		return "errored: " + r.Context.Message
	}
	return fmt.Sprintf("emitted %d: %s", len(r.IDs), strings.Join(r.IDs, ", "))
}

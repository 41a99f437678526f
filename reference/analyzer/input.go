package analyzer

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"time"

	"github.com/idmefcheck/idmefcheck/reference/spool"
	"github.com/idmefcheck/idmefcheck/reference/tail"
)

// Kind is the format of an input.
type Kind string

// Input formats (docs/analyzer.md, "Inputs").
const (
	// IDMEF lines are IDMEFv2 messages, sent as they are once they pass the strict profile.
	IDMEF Kind = "idmef"
	// Events lines are the analyzer's own event format (alert.Event).
	Events Kind = "events"
	// EVE lines are Suricata EVE JSON records; those of event_type alert become alerts.
	EVE Kind = "eve"
)

// ParseKind reads an input format name.
func ParseKind(s string) (Kind, error) {
	switch k := Kind(s); k {
	case IDMEF, Events, EVE:
		return k, nil
	}
	return "", fmt.Errorf("analyzer: input format %q: want idmef, events or eve", s)
}

// Input is a source of alerts: a file followed as tail -F follows it, or standard input.
type Input struct {
	Kind Kind
	// Path is the file, or "-" for Stdin.
	Path string
	// Follow keeps reading at the end of the file, through rotation; without it, Read stops
	// at the end of the file. Standard input is read to its end either way.
	Follow bool
	// Stdin is read when Path is "-".
	Stdin io.Reader
	// Poll is how often a followed file is looked at for more (default 250 ms).
	Poll time.Duration
}

// batch is how many lines are turned into alerts and spooled in one transaction.
const batch = 256

// Read turns an input's lines into alerts and spools them, with the input's position in the
// same transaction, until the input ends (not following) or ctx ends. A file input resumes
// after the last line spooled by any earlier run on the same spool, so that a restart reads
// nothing twice and skips nothing.
func (a *Analyzer) Read(ctx context.Context, in Input) error {
	var r *tail.Reader
	source := ""
	if in.Path == "-" {
		if in.Stdin == nil {
			return errors.New("analyzer: input -: no standard input")
		}
		r = tail.NewStream(in.Stdin, tail.Options{MaxLine: a.cfg.MaxMessage * 4})
	} else {
		abs, err := filepath.Abs(in.Path)
		if err != nil {
			return fmt.Errorf("analyzer: input %s: %w", in.Path, err)
		}
		source = string(in.Kind) + ":" + abs
		saved, err := a.cfg.Spool.Checkpoint(ctx, source)
		if err != nil {
			return err
		}
		from, err := tail.UnmarshalPosition(saved)
		if err != nil {
			return fmt.Errorf("analyzer: input %s: %w", in.Path, err)
		}
		r, err = tail.Open(ctx, abs, from, tail.Options{Follow: in.Follow, Poll: in.Poll, MaxLine: a.cfg.MaxMessage * 4})
		if err != nil {
			return fmt.Errorf("analyzer: input %s: %w", in.Path, err)
		}
		if from != nil {
			a.log.Info("input resumed", "input", source, "offset", r.Position().Offset)
		}
	}
	defer r.Close()
	a.log.Info("reading", "input", in.Path, "format", in.Kind, "follow", in.Follow && in.Path != "-")
	for {
		lines, err := r.Next(ctx, batch)
		if len(lines) > 0 {
			cands := make([]Candidate, 0, len(lines))
			for _, l := range lines {
				if c, ok := a.candidate(in.Kind, in.Path, l); ok {
					cands = append(cands, c)
				}
			}
			var cp *spool.Checkpoint
			if source != "" {
				cp = &spool.Checkpoint{Source: source, Position: tail.MarshalPosition(lines[len(lines)-1].End)}
			}
			// Spooling is not interrupted by ctx: lines read are spooled with their position,
			// or the position is not saved either.
			if _, perr := a.Produce(context.WithoutCancel(ctx), cands, cp); perr != nil {
				return perr
			}
		}
		switch {
		case errors.Is(err, io.EOF):
			return nil
		case err != nil && ctx.Err() != nil:
			return nil
		case err != nil:
			return fmt.Errorf("analyzer: input %s: %w", in.Path, err)
		}
	}
}

// candidate makes one line into something to send; ok is false for a line with nothing to
// send (blank, or an EVE record that is not an alert).
func (a *Analyzer) candidate(k Kind, path string, l tail.Line) (Candidate, bool) {
	origin := fmt.Sprintf("%s:%s:%d", k, path, l.Number)
	if l.TooLong {
		return Candidate{Origin: origin, Err: fmt.Errorf("the line is longer than %d bytes", a.cfg.MaxMessage*4)}, true
	}
	if len(l.Data) == 0 || isBlank(l.Data) {
		return Candidate{}, false
	}
	data := append([]byte(nil), l.Data...)
	switch k {
	case IDMEF:
		return Candidate{ID: extractID(data), Data: data, Origin: origin}, true
	case Events:
		al, err := a.builder.FromEvent(data)
		if err != nil {
			return Candidate{Data: data, Origin: origin, Err: err}, true
		}
		return Candidate{ID: al.ID, Data: al.Data, Origin: origin}, true
	default:
		al, ok, err := a.builder.FromEVE(data)
		if err != nil {
			return Candidate{Data: data, Origin: origin, Err: err}, true
		}
		if !ok {
			return Candidate{}, false
		}
		return Candidate{ID: al.ID, Data: al.Data, Origin: origin}, true
	}
}

func isBlank(b []byte) bool {
	for _, c := range b {
		if c != ' ' && c != '\t' && c != '\r' {
			return false
		}
	}
	return true
}

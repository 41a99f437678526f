package analyzer

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"sync"
	"sync/atomic"
	"time"

	"github.com/google/uuid"

	"github.com/idmefcheck/idmefcheck/reference/analyzer/alert"
	"github.com/idmefcheck/idmefcheck/reference/spool"
	"github.com/idmefcheck/idmefcheck/reference/validator"
)

// Analyzer is a running reference analyzer. Build it with New; produce alerts with Emit,
// Produce or Read; deliver them with Run. Its methods are safe for concurrent use.
type Analyzer struct {
	cfg     Config
	log     *slog.Logger
	builder *alert.Builder
	dead    *ndjsonFile // dead letters; nil logs only
	receipt *ndjsonFile // receipts; nil keeps none
	stats   stats
}

type stats struct {
	produced, deadLettered, delivered, retries atomic.Int64
}

// Stats counts what an Analyzer did since New.
type Stats struct {
	Produced     int64 `json:"produced"`      // alerts spooled
	DeadLettered int64 `json:"dead_lettered"` // input lines and alerts sent to the dead-letter file
	Delivered    int64 `json:"delivered"`     // alerts acknowledged by a manager (push or pull)
	Retries      int64 `json:"retries"`       // attempts after the first
}

// Stats returns the counters.
func (a *Analyzer) Stats() Stats {
	return Stats{Produced: a.stats.produced.Load(), DeadLettered: a.stats.deadLettered.Load(),
		Delivered: a.stats.delivered.Load(), Retries: a.stats.retries.Load()}
}

// New checks cfg and builds an Analyzer. Nothing is sent until Run.
func New(cfg Config) (*Analyzer, error) {
	if err := cfg.check(); err != nil {
		return nil, err
	}
	cfg = cfg.withDefaults()
	a := &Analyzer{cfg: cfg, log: cfg.Logger}
	self := cfg.Self
	if self.ID == "" {
		id, err := cfg.Spool.Value(context.Background(), "analyzer-id", func() string {
			id, _ := alert.NewV7()
			return id
		})
		if err != nil {
			return nil, err
		}
		self.ID = id
	}
	opts := alert.Options{MaxSize: cfg.MaxMessage}
	if cfg.Faults.Version4UUIDs {
		opts.NewID = func() (string, error) {
			u, err := uuid.NewRandom()
			return u.String(), err
		}
	}
	if cfg.Faults.DropOffsetFromCreateTime {
		opts.Stamp = func(t time.Time) string { return t.Local().Format("2006-01-02T15:04:05.000000") }
	}
	var err error
	if a.builder, err = alert.NewBuilder(cfg.Schemas, cfg.Version, self, opts); err != nil {
		return nil, fmt.Errorf("analyzer: %w", err)
	}
	if cfg.DeadLetter != "" {
		if a.dead, err = openNDJSON(cfg.DeadLetter); err != nil {
			return nil, err
		}
	}
	if cfg.Receipts != "" {
		if a.receipt, err = openNDJSON(cfg.Receipts); err != nil {
			return nil, errors.Join(err, a.dead.close())
		}
	}
	return a, nil
}

// Builder returns the builder of the analyzer's alerts.
func (a *Analyzer) Builder() *alert.Builder { return a.builder }

// Candidate is something to send: an alert built by the analyzer, a message read from an
// input, or an input line that could not be made into one (Err set).
type Candidate struct {
	ID     string
	Data   []byte
	Origin string // where it came from, for dead letters: "events:/var/log/app.ndjson:12", "scenario basic"
	Err    error  // why no alert could be made of Data
}

// Produced says what Produce did with each candidate, in order.
type Produced struct {
	// IDs of the alerts spooled.
	IDs []string
	// Dead counts the candidates sent to the dead-letter file instead.
	Dead int
}

// Produce validates the candidates under the strict profile, sends those that fail (or that
// are too large, or are errors already) to the dead-letter file, and spools the others in one
// transaction with cp, the position of the input they came from (nil for none). It returns
// once the spool has committed.
func (a *Analyzer) Produce(ctx context.Context, cands []Candidate, cp *spool.Checkpoint) (Produced, error) {
	var out Produced
	msgs := make([]spool.Message, 0, len(cands))
	for _, c := range cands {
		switch {
		case c.Err != nil:
			a.deadLetter(deadLetter{Reason: "unreadable", ID: c.ID, Origin: c.Origin, Error: c.Err.Error()}, c.Data)
		case len(c.Data) > a.cfg.MaxMessage:
			a.deadLetter(deadLetter{Reason: "too-large", ID: c.ID, Origin: c.Origin,
				Error: fmt.Sprintf("%d bytes, more than the limit of %d", len(c.Data), a.cfg.MaxMessage)}, c.Data)
		default:
			if !a.cfg.Faults.SkipValidation {
				if r := a.cfg.Validator.Validate(c.Data); !r.Valid {
					a.deadLetter(deadLetter{Reason: "invalid", ID: c.ID, Origin: c.Origin, Findings: errorsOnly(r.Findings)}, c.Data)
					out.Dead++
					continue
				}
			}
			msgs = append(msgs, spool.Message{ID: c.ID, Data: c.Data})
			out.IDs = append(out.IDs, c.ID)
			continue
		}
		out.Dead++
	}
	if len(msgs) == 0 && cp == nil {
		return out, nil
	}
	if _, err := a.cfg.Spool.Enqueue(ctx, msgs, cp); err != nil {
		return Produced{Dead: out.Dead}, fmt.Errorf("analyzer: spooling %d alerts: %w", len(msgs), err)
	}
	a.stats.produced.Add(int64(len(msgs)))
	for _, id := range out.IDs {
		a.log.Debug("alert spooled", "id", id)
	}
	return out, nil
}

func errorsOnly(fs []validator.Finding) []validator.Finding {
	var out []validator.Finding
	for _, f := range fs {
		if f.Severity == validator.Error {
			out = append(out, f)
		}
	}
	return out
}

// Emit builds count alerts of the named scenario (alert.Scenarios) and spools them in one
// transaction. It returns the IDs of those spooled; an unknown scenario is an error wrapping
// alert.ErrUnknownScenario.
func (a *Analyzer) Emit(ctx context.Context, scenario string, count int) (Produced, error) {
	if count < 1 {
		return Produced{}, fmt.Errorf("analyzer: emit: count %d, want at least 1", count)
	}
	cands := make([]Candidate, 0, count)
	for i := range count {
		al, err := a.builder.Scenario(scenario, i, count)
		if err != nil {
			return Produced{}, fmt.Errorf("analyzer: emit: %w", err)
		}
		cands = append(cands, Candidate{ID: al.ID, Data: al.Data, Origin: "scenario " + scenario})
	}
	return a.Produce(ctx, cands, nil)
}

// Run delivers until ctx ends: it pushes when Config.Push is set, and serves pulling managers
// on pull (which must be empty unless Config.Pull is set). When ctx ends it stops taking new
// work, lets requests in flight finish for up to grace (5 s when zero), and returns. The
// listeners are closed when Run returns.
func (a *Analyzer) Run(ctx context.Context, pull []net.Listener, grace time.Duration) error {
	if len(pull) > 0 && a.cfg.Pull == nil {
		for _, ln := range pull {
			ln.Close()
		}
		return errors.New("analyzer: pull listeners given without a pull configuration")
	}
	if grace <= 0 {
		grace = 5 * time.Second
	}
	// Requests in flight get their own context, cancelled only grace after ctx ends.
	reqCtx, cancelReq := context.WithCancel(context.WithoutCancel(ctx))
	defer cancelReq()
	stopGrace := context.AfterFunc(ctx, func() {
		t := time.NewTimer(grace)
		defer t.Stop()
		select {
		case <-t.C:
			cancelReq()
		case <-reqCtx.Done():
		}
	})
	defer stopGrace()

	var wg sync.WaitGroup
	var errs []error
	var emu sync.Mutex
	fail := func(err error) {
		emu.Lock()
		errs = append(errs, err)
		emu.Unlock()
	}
	if a.cfg.Push != nil {
		p, err := a.newPusher()
		if err != nil {
			for _, ln := range pull {
				ln.Close()
			}
			return err
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			p.run(ctx, reqCtx)
		}()
	}
	for _, ln := range pull {
		srv := a.newPullServer(ctx)
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := a.servePull(ctx, srv, ln, grace); err != nil {
				fail(err)
			}
		}()
	}
	a.log.Info("analyzer running", "push", a.pushURL(), "pull_listeners", len(pull), "version", a.builder.Version())
	wg.Wait()
	cancelReq()
	if err := a.cfg.Spool.Flush(); err != nil {
		fail(err)
	}
	a.log.Info("analyzer stopped", "stats", a.Stats())
	return errors.Join(errs...)
}

func (a *Analyzer) pushURL() string {
	if a.cfg.Push == nil {
		return ""
	}
	return a.cfg.Push.URL
}

// Drain waits until the spool holds nothing this process counts (every alert delivered or
// dead-lettered), or ctx ends. Run must be delivering meanwhile.
func (a *Analyzer) Drain(ctx context.Context) error {
	for {
		if n, _ := a.cfg.Spool.Len(); n == 0 {
			return nil
		}
		t := time.NewTimer(20 * time.Millisecond)
		select {
		case <-ctx.Done():
			t.Stop()
			n, _ := a.cfg.Spool.Len()
			return fmt.Errorf("analyzer: %d alerts still spooled: %w", n, ctx.Err())
		case <-t.C:
		}
	}
}

// Close releases the dead-letter and receipt files. Call it after Run has returned.
func (a *Analyzer) Close() error {
	return errors.Join(a.dead.close(), a.receipt.close())
}

// extractID returns the top-level "ID" of a message, "" when it has none.
func extractID(data []byte) string {
	var m struct {
		ID any `json:"ID"`
	}
	if json.Unmarshal(data, &m) != nil {
		return ""
	}
	s, _ := m.ID.(string)
	return s
}

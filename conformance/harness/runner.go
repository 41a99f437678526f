package harness

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/idmefcheck/idmefcheck/conformance/eventlog"
	"github.com/idmefcheck/idmefcheck/report"
)

// Probe proves that the target answers as it should: for a manager, a valid alert is
// acknowledged. It returns what it saw, for the report.
type Probe func(ctx context.Context) (detail string, err error)

// Runner runs checks against one implementation.
type Runner struct {
	// Env is handed to every check as T.Env.
	Env any
	// Claimed reports whether the implementation claims an option.
	Claimed func(option string) bool
	// Parallel is how many independent checks run at once (at least 1).
	Parallel int
	// Timeout, when positive, caps every check's own timeout.
	Timeout time.Duration
	// Sanity runs before the first check and after the last. When the first probe fails no
	// check runs: each ends in error, since nothing could be judged.
	Sanity Probe
	// ProbeTimeout bounds each sanity probe (default 30 s).
	ProbeTimeout time.Duration
	// Grace is how long past its deadline a check may take to return before the runner
	// gives up on it (default 5 s).
	Grace time.Duration
	// OnResult, when set, is called as each check ends (from several goroutines, one call at
	// a time, never at the same time as OnStart).
	OnResult func(report.Result)
	// OnStart, when set, is called as each check starts (from several goroutines, one call
	// at a time, never at the same time as OnResult).
	OnStart func(Check)
	Log     *slog.Logger
}

// Run runs checks and returns their results in the order given, and the sanity probes. It
// returns when every check has ended or ctx is done: then the checks not yet run, and those
// running whose context the cancellation ended, end in error with reason "interrupted".
func (r *Runner) Run(ctx context.Context, checks []Check) ([]report.Result, []report.Probe) {
	log := r.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	results := make([]report.Result, len(checks))
	var probes []report.Probe
	var mu sync.Mutex
	done := func(i int, res report.Result) {
		results[i] = res
		if r.OnResult != nil {
			mu.Lock()
			r.OnResult(res)
			mu.Unlock()
		}
	}
	started := func(c Check) {
		if r.OnStart != nil {
			mu.Lock()
			r.OnStart(c)
			mu.Unlock()
		}
	}

	if r.Sanity != nil {
		p := r.probe(ctx, "before")
		probes = append(probes, p)
		if !p.OK {
			for i, c := range checks {
				if ctx.Err() != nil {
					// The probe failed because the run was interrupted, not the target.
					done(i, r.interrupted(c))
					continue
				}
				res := skeleton(c, time.Now())
				res.Verdict, res.Reason = report.Error, "target-down"
				res.Message = "the sanity probe before the first check failed, so nothing could be judged: " + p.Detail
				res.Evidence = []report.Evidence{}
				done(i, res)
			}
			return results, probes
		}
	}

	parallel := max(r.Parallel, 1)
	var serial, concurrent []int
	for i, c := range checks {
		if c.Serial {
			serial = append(serial, i)
		} else {
			concurrent = append(concurrent, i)
		}
	}
	sem := make(chan struct{}, parallel)
	var wg sync.WaitGroup
	for _, i := range concurrent {
		select {
		case sem <- struct{}{}:
		case <-ctx.Done():
		}
		if ctx.Err() != nil {
			done(i, r.interrupted(checks[i]))
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			done(i, r.one(ctx, checks[i], log, started))
		}()
	}
	wg.Wait()
	// Serial checks run alone, after the others, so that a load or a restart cannot
	// disturb another check's judgement.
	for _, i := range serial {
		if ctx.Err() != nil {
			done(i, r.interrupted(checks[i]))
			continue
		}
		done(i, r.one(ctx, checks[i], log, started))
	}

	if r.Sanity != nil && ctx.Err() == nil {
		probes = append(probes, r.probe(ctx, "after"))
	}
	return results, probes
}

func (r *Runner) probe(ctx context.Context, when string) report.Probe {
	timeout := r.ProbeTimeout
	if timeout <= 0 {
		timeout = 30 * time.Second
	}
	// The probe's traffic is labelled "sanity" in the event log.
	pctx, cancel := context.WithTimeout(eventlog.WithCheck(ctx, "sanity"), timeout)
	defer cancel()
	start := time.Now()
	detail, err := r.Sanity(pctx)
	p := report.Probe{When: when, OK: err == nil, Detail: detail, At: start.UTC(), Elapsed: report.Duration(time.Since(start))}
	if err != nil {
		p.Detail = strings.TrimSpace(detail + " " + err.Error())
	}
	return p
}

func skeleton(c Check, start time.Time) report.Result {
	return report.Result{ID: c.ID, Title: c.Title, Requirements: slices.Clone(c.Requirements), Level: c.Level,
		Category: c.Category, Started: start.UTC()}
}

func (r *Runner) interrupted(c Check) report.Result {
	res := skeleton(c, time.Now())
	res.Verdict, res.Reason, res.Message = report.Error, "interrupted", "the run was interrupted before this check ran"
	res.Evidence = []report.Evidence{}
	return res
}

// one runs a single check under its deadline and turns its outcome into a result.
func (r *Runner) one(ctx context.Context, c Check, log *slog.Logger, started func(Check)) report.Result {
	start := time.Now()
	res := skeleton(c, start)
	started(c)
	var missing []string
	for _, o := range c.Needs {
		if r.Claimed == nil || !r.Claimed(o) {
			missing = append(missing, o)
		}
	}
	if len(missing) > 0 {
		res.Verdict, res.Reason = report.NotApplicable, "option-not-claimed"
		res.Message = fmt.Sprintf("the implementation statement does not claim %s", strings.Join(missing, ", "))
		res.Evidence = []report.Evidence{}
		return res
	}

	timeout := c.Timeout
	if r.Timeout > 0 && r.Timeout < timeout {
		timeout = r.Timeout
	}
	// The context names the check, so that the event log attributes its traffic to it.
	cctx, cancel := context.WithTimeout(eventlog.WithCheck(ctx, c.ID), timeout)
	defer cancel()
	t := &T{Env: r.Env, Log: log.With("check", c.ID)}
	out := make(chan Outcome, 1)
	go func() {
		defer func() {
			if p := recover(); p != nil {
				out <- Errorf("harness-panic", "the check panicked: %v\n%s", p, debug.Stack())
			}
		}()
		out <- c.Run(cctx, t)
	}()
	grace := r.Grace
	if grace <= 0 {
		grace = 5 * time.Second
	}
	var o Outcome
	select {
	case o = <-out:
	case <-cctx.Done():
		select {
		case o = <-out:
		case <-time.After(grace):
			o = Errorf("check-timeout", "the check did not end within its %s deadline (and %s of grace)", timeout, grace)
		}
	}
	if !o.Verdict.Valid() {
		o = Errorf("harness-bug", "the check returned no verdict (%q)", o.Verdict)
	}
	switch {
	case ctx.Err() != nil:
		// The run was interrupted while the check ran: whatever it concluded, it concluded
		// from a cancelled context.
		o = Errorf("interrupted", "the run was interrupted while this check ran (it ended %s: %s)", o.Verdict, o.Message)
	case o.Verdict == report.Pass && errors.Is(cctx.Err(), context.DeadlineExceeded):
		// A check that passes after its deadline passed is suspect: its context was
		// cancelled and whatever it waited for may not have happened.
		o = Errorf("check-timeout", "the check reported a pass after its %s deadline: %s", timeout, o.Message)
	}
	res.Verdict, res.Reason, res.Message = o.Verdict, o.Reason, o.Message
	// A check abandoned after its grace may still be writing to t: the result keeps a copy.
	res.Evidence, res.Expected, res.Actual = t.result()
	res.Duration = report.Duration(time.Since(start))
	log.Debug("check ended", "check", c.ID, "verdict", res.Verdict, "reason", res.Reason, "duration", time.Since(start))
	return res
}

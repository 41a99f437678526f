package analyzer

import "time"

// Gate exposes the push gate to the specs.
type Gate = gate

// NewGate returns a gate with the given backoff bounds, open.
func NewGate(min, max time.Duration) *Gate {
	return &gate{min: min, max: max, changed: make(chan struct{})}
}

// Fail records a failure of a request started at started, with the manager's Retry-After.
func (g *gate) Fail(started time.Time, retryAfter time.Duration) time.Duration {
	return g.failure(false, started, retryAfter, false)
}

// Succeed records a success of a request started at started.
func (g *gate) Succeed(started time.Time) { g.success(started) }

// Closed reports whether requests are held back.
func (g *gate) Closed() bool { return g.closed() }

// Package trigger makes an analyzer under test produce alerts on demand, as its implementation
// statement says: a command run per request, a long-running shim speaking the stdio protocol
// (docs/shim.md), or nothing at all (the harness only watches the analyzer's own traffic).
package trigger

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/idmefcheck/idmefcheck/reference/analyzer/shim"
)

// Result is what one emit request gave.
type Result struct {
	// IDs are the alerts produced, in order.
	IDs []string
	// Skipped is set when the analyzer cannot produce the scenario: checks needing it are
	// inconclusive.
	Skipped bool
	// Detail says why it was skipped or what went wrong, for evidence.
	Detail string
}

// ErrPassive is returned by the none trigger: the harness cannot make the analyzer emit.
var ErrPassive = errors.New("the statement's trigger is none: the harness cannot make the analyzer emit")

// Trigger makes the analyzer emit.
type Trigger interface {
	// Emit asks for count alerts of scenario. An error means the trigger failed (the check
	// ends in error); a skip is a Result.
	Emit(ctx context.Context, scenario string, count int) (Result, error)
	// Close stops what the trigger started.
	Close() error
	Describe() string
}

// None is the passive trigger.
type None struct{}

// Emit always fails with ErrPassive.
func (None) Emit(context.Context, string, int) (Result, error) { return Result{}, ErrPassive }

// Close does nothing.
func (None) Close() error { return nil }

// Describe names the trigger.
func (None) Describe() string { return "none" }

// Command runs Argv with "--scenario S --count N" appended and IDMEFCHECK_SCENARIO and
// IDMEFCHECK_COUNT set, and reads the produced IDs from its standard output (docs/shim.md,
// "The trigger command").
type Command struct {
	Argv []string
	// Timeout bounds one run (default 60 s).
	Timeout time.Duration
}

// Describe names the trigger.
func (c *Command) Describe() string { return "command " + strings.Join(c.Argv, " ") }

// Close does nothing: each run ends by itself.
func (c *Command) Close() error { return nil }

// Emit runs the command once.
func (c *Command) Emit(ctx context.Context, scenario string, count int) (Result, error) {
	timeout := c.Timeout
	if timeout <= 0 {
		timeout = 60 * time.Second
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	args := append(append([]string(nil), c.Argv[1:]...), "--scenario", scenario, "--count", strconv.Itoa(count))
	cmd := exec.CommandContext(ctx, c.Argv[0], args...)
	cmd.Env = append(os.Environ(), "IDMEFCHECK_SCENARIO="+scenario, "IDMEFCHECK_COUNT="+strconv.Itoa(count))
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	var ee *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &ee) && ee.ExitCode() == 3:
		return Result{Skipped: true, Detail: strings.TrimSpace(stderr.String())}, nil
	case errors.As(err, &ee):
		return Result{}, fmt.Errorf("trigger command %q exited %d: %s", c.Argv[0], ee.ExitCode(), strings.TrimSpace(stderr.String()))
	default:
		return Result{}, fmt.Errorf("trigger command %q: %w", c.Argv[0], err)
	}
	ids := strings.Fields(stdout.String())
	if len(ids) != count {
		return Result{}, fmt.Errorf("trigger command %q printed %d IDs for %d alerts", c.Argv[0], len(ids), count)
	}
	return Result{IDs: ids, Detail: strings.TrimSpace(stderr.String())}, nil
}

// Shim runs a shim process and speaks the stdio protocol with it; it is safe for concurrent
// use (requests are serialised, as the protocol requires).
type Shim struct {
	mu      sync.Mutex
	cmd     *exec.Cmd
	stdin   io.WriteCloser
	client  *shim.Client
	Started shim.Started
	stderr  *lockedBuffer
	closed  bool
}

// StartShim starts the shim argv and sends start.
func StartShim(ctx context.Context, argv []string, v *shim.Validator) (*Shim, error) {
	cmd := exec.Command(argv[0], argv[1:]...)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	stderr := &lockedBuffer{}
	cmd.Stderr = stderr
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("starting the shim %q: %w", argv[0], err)
	}
	s := &Shim{cmd: cmd, stdin: stdin, client: shim.NewClient(stdin, stdout, v), stderr: stderr}
	st, err := s.client.Start(ctx)
	if err != nil {
		s.Close()
		return nil, fmt.Errorf("shim %q start: %w (stderr: %s)", argv[0], err, stderr.tail())
	}
	s.Started = st
	return s, nil
}

// NewShimClient speaks to a shim already running behind w and r (an in-process shim in
// tests); Close then only sends stop.
func NewShimClient(ctx context.Context, w io.WriteCloser, r io.Reader, v *shim.Validator) (*Shim, error) {
	s := &Shim{stdin: w, client: shim.NewClient(w, r, v), stderr: &lockedBuffer{}}
	st, err := s.client.Start(ctx)
	if err != nil {
		return nil, fmt.Errorf("shim start: %w", err)
	}
	s.Started = st
	return s, nil
}

// Describe names the trigger.
func (s *Shim) Describe() string {
	return fmt.Sprintf("shim %s %s", s.Started.Implementation.Name, s.Started.Implementation.Version)
}

// Emit sends one emit request.
func (s *Shim) Emit(ctx context.Context, scenario string, count int) (Result, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	rep, err := s.client.Emit(ctx, scenario, count)
	if err != nil {
		return Result{}, fmt.Errorf("shim emit %s: %w (stderr: %s)", scenario, err, s.stderr.tail())
	}
	switch {
	case rep.Skipped:
		return Result{Skipped: true, Detail: strings.TrimSpace(rep.Message + " " + rep.IssueURL)}, nil
	case rep.Errored:
		msg := "errored"
		if rep.Context != nil {
			msg = rep.Context.Message
		}
		return Result{}, fmt.Errorf("shim emit %s errored: %s", scenario, msg)
	}
	return Result{IDs: rep.IDs}, nil
}

// Close sends stop and waits a little for the shim to exit, then kills it.
func (s *Shim) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil
	}
	s.closed = true
	_ = s.client.Stop()
	_ = s.stdin.Close()
	if s.cmd == nil {
		return nil
	}
	done := make(chan error, 1)
	go func() { done <- s.cmd.Wait() }()
	select {
	case err := <-done:
		return err
	case <-time.After(15 * time.Second):
		_ = s.cmd.Process.Kill()
		return <-done
	}
}

// Stderr returns what the shim wrote to standard error (its last 4 KiB).
func (s *Shim) Stderr() string { return s.stderr.tail() }

type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) tail() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	b := l.b.Bytes()
	if len(b) > 4096 {
		b = b[len(b)-4096:]
	}
	return strings.TrimSpace(string(b))
}

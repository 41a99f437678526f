package observe

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync"
)

// Command runs a program that prints the stored alerts as NDJSON and exits. It is run for
// every lookup, with IDMEFCHECK_IDS set to the IDs sought (comma-separated), which a program
// may use to print less. A non-zero exit is an error that carries the command's stderr.
type Command struct {
	Argv []string

	mu       sync.Mutex
	problems []string
}

// Problems lists the lines of the last run's output that could not be read, with their
// places.
func (c *Command) Problems() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]string(nil), c.problems...)
}

// Describe names the channel.
func (c *Command) Describe() string { return "command " + strings.Join(c.Argv, " ") }

// Lookup runs the command and returns the alerts with the IDs.
func (c *Command) Lookup(ctx context.Context, ids ...string) (map[string][]Observation, error) {
	if len(c.Argv) == 0 {
		return nil, errors.New("observation command: no command (observe.command is empty)")
	}
	cmd := exec.CommandContext(ctx, c.Argv[0], c.Argv[1:]...)
	cmd.Env = append(os.Environ(), "IDMEFCHECK_IDS="+strings.Join(ids, ","))
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("observation command %q: %w: %s", c.Argv[0], err, strings.TrimSpace(stderr.String()))
	}
	ix := index{}
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(nil, 64<<20)
	n := 0
	var problems []string
	for sc.Scan() {
		n++
		if len(bytes.TrimSpace(sc.Bytes())) == 0 {
			continue
		}
		o, err := ParseLine(sc.Bytes(), fmt.Sprintf("observation command output line %d", n))
		if err != nil {
			problems = append(problems, err.Error())
			continue
		}
		ix.add(o)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("observation command %q: %w", c.Argv[0], err)
	}
	c.mu.Lock()
	c.problems = problems
	c.mu.Unlock()
	if len(problems) > 0 && len(ix) == 0 {
		return nil, fmt.Errorf("observation command %q printed nothing readable: %s", c.Argv[0], problems[0])
	}
	return ix.pick(ids), nil
}

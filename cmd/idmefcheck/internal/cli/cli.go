// Package cli is the idmefcheck command line: a table of subcommands, each with its own
// flags, and a dispatcher that runs one and maps its outcome to an exit code.
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/pflag"
)

// Exit codes shared by every subcommand. Subcommands with a richer contract (run) document
// theirs in docs/cli.md.
const (
	ExitOK    = 0
	ExitFail  = 1 // the subcommand ran and judged something non-conformant
	ExitUsage = 2 // bad arguments, or an input that could not be read
)

// Env is what a subcommand may touch of the outside world.
type Env struct {
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
	// IsTerminal reports whether Stdout is a terminal, for output meant for people.
	IsTerminal bool
}

// Command is one subcommand.
type Command struct {
	Name  string
	Usage string // the synopsis after "idmefcheck "
	Short string // one line for the command list
	Long  string // what it does, its inputs, outputs and exit codes
	// Setup registers the command's flags on fs and returns the function that runs it once
	// fs has been parsed. A group (a command with Subcommands) may have one too: it runs when
	// no subcommand is named ("idmefcheck analyzer --config FILE" runs the analyzer,
	// "idmefcheck analyzer emit" a subcommand); without one, the group only lists them.
	Setup func(fs *pflag.FlagSet) RunFunc
	// Subcommands makes the command a group: "idmefcheck vectors verify" runs the
	// subcommand named verify, whose Usage includes the group's name.
	Subcommands []*Command
	// Hidden commands are for maintainers and are left out of help and docs.
	Hidden bool
}

// RunFunc runs a subcommand with its positional arguments.
type RunFunc func(ctx context.Context, env *Env, args []string) error

// ExitError carries an exit code out of a subcommand. A nil Err means the subcommand has
// already said everything (for example, validate has printed the findings).
type ExitError struct {
	Code int
	Err  error
	// Usage asks Main to repeat the command's synopsis after the error.
	Usage bool
}

func (e *ExitError) Error() string {
	if e.Err == nil {
		return fmt.Sprintf("exit %d", e.Code)
	}
	return e.Err.Error()
}

func (e *ExitError) Unwrap() error { return e.Err }

// usageError is an error in how the command was called.
func usageError(format string, args ...any) error {
	return &ExitError{Code: ExitUsage, Err: fmt.Errorf(format, args...), Usage: true}
}

// Commands lists the subcommands in the order help shows them.
func Commands() []*Command {
	return []*Command{
		validateCommand(),
		vectorsCommand(),
		rulesCommand(),
		catalogCommand(),
		designsCommand(),
		runCommand(),
		reportCommand(),
		checksCommand(),
		icsCommand(),
		managerCommand(),
		analyzerCommand(),
		pkiCommand(),
		sendCommand(),
		versionCommand(),
		helpCommand(),
	}
}

func lookup(name string) *Command {
	for _, c := range Commands() {
		if c.Name == name {
			return c
		}
	}
	return nil
}

// Main runs the command line args (without the program name) and returns the exit code.
func Main(ctx context.Context, args []string, env *Env) int {
	if len(args) == 0 {
		writeUsage(env.Stderr)
		return ExitUsage
	}
	if args[0] == "-h" || args[0] == "--help" {
		writeUsage(env.Stdout)
		return ExitOK
	}
	cmd, name, rest, err := resolve(args)
	if err != nil {
		fmt.Fprintln(env.Stderr, err)
		return ExitUsage
	}
	if cmd.Setup == nil { // a group named without a subcommand
		if len(rest) > 0 && (rest[0] == "-h" || rest[0] == "--help") {
			writeCommandHelp(env.Stdout, cmd)
			return ExitOK
		}
		writeCommandHelp(env.Stderr, cmd)
		return ExitUsage
	}
	fs := newFlagSet(cmd)
	run := cmd.Setup(fs)
	if err := fs.Parse(rest); err != nil {
		if errors.Is(err, pflag.ErrHelp) {
			writeCommandHelp(env.Stdout, cmd)
			return ExitOK
		}
		fmt.Fprintf(env.Stderr, "idmefcheck %s: %v\nusage: idmefcheck %s\nrun 'idmefcheck %s --help' for details\n", name, err, cmd.Usage, name)
		return ExitUsage
	}
	err = run(ctx, env, fs.Args())
	if err == nil {
		return ExitOK
	}
	var ee *ExitError
	if errors.As(err, &ee) {
		if ee.Err != nil {
			fmt.Fprintf(env.Stderr, "idmefcheck %s: %v\n", name, ee.Err)
			if ee.Usage {
				fmt.Fprintf(env.Stderr, "usage: idmefcheck %s\n", cmd.Usage)
			}
		}
		return ee.Code
	}
	fmt.Fprintf(env.Stderr, "idmefcheck %s: %v\n", name, err)
	return ExitFail
}

// resolve finds the command args name, descending into groups, and returns it with its full
// name ("vectors verify") and the arguments left for it.
func resolve(args []string) (cmd *Command, name string, rest []string, err error) {
	cmd = lookup(args[0])
	if cmd == nil {
		return nil, "", nil, fmt.Errorf("idmefcheck: unknown command %q; run 'idmefcheck help' for the list", args[0])
	}
	name, rest = cmd.Name, args[1:]
	for len(cmd.Subcommands) > 0 && len(rest) > 0 && !strings.HasPrefix(rest[0], "-") {
		sub := findSub(cmd, rest[0])
		if sub == nil {
			return nil, "", nil, fmt.Errorf("idmefcheck %s: unknown subcommand %q; run 'idmefcheck %s --help' for the list", name, rest[0], name)
		}
		cmd, name, rest = sub, name+" "+sub.Name, rest[1:]
	}
	return cmd, name, rest, nil
}

func findSub(group *Command, name string) *Command {
	for _, c := range group.Subcommands {
		if c.Name == name {
			return c
		}
	}
	return nil
}

// leaves lists every runnable command with its full name, in help order.
func leaves() []named {
	var out []named
	var walk func(prefix string, cs []*Command)
	walk = func(prefix string, cs []*Command) {
		for _, c := range cs {
			if c.Hidden {
				continue
			}
			full := prefix + c.Name
			if c.Setup != nil {
				out = append(out, named{full, c})
			}
			if len(c.Subcommands) > 0 {
				walk(full+" ", c.Subcommands)
			}
		}
	}
	walk("", Commands())
	return out
}

type named struct {
	name string
	cmd  *Command
}

func newFlagSet(cmd *Command) *pflag.FlagSet {
	fs := pflag.NewFlagSet(cmd.Name, pflag.ContinueOnError)
	fs.SetOutput(io.Discard) // Main prints errors and help itself
	fs.SortFlags = false
	return fs
}

func writeUsage(w io.Writer) {
	fmt.Fprintf(w, "idmefcheck checks IDMEFv2 alert messages and the analyzers and managers that exchange them.\n\nUsage:\n  idmefcheck <command> [flags] [arguments]\n\nCommands:\n")
	for _, c := range Commands() {
		if !c.Hidden {
			fmt.Fprintf(w, "  %-10s %s\n", c.Name, c.Short)
		}
	}
	fmt.Fprintf(w, "\nRun 'idmefcheck <command> --help' for a command's flags and exit codes.\n")
}

func writeCommandHelp(w io.Writer, cmd *Command) {
	fmt.Fprintf(w, "usage: idmefcheck %s\n\n%s\n", cmd.Usage, strings.TrimSpace(cmd.Long))
	if len(cmd.Subcommands) > 0 {
		fmt.Fprintf(w, "\nSubcommands:\n")
		for _, c := range cmd.Subcommands {
			if !c.Hidden {
				fmt.Fprintf(w, "  %-10s %s\n", c.Name, c.Short)
			}
		}
	}
	if cmd.Setup == nil {
		return
	}
	fs := newFlagSet(cmd)
	cmd.Setup(fs)
	if u := fs.FlagUsages(); u != "" {
		fmt.Fprintf(w, "\nFlags:\n%s", u)
	}
}

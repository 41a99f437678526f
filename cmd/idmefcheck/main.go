// Command idmefcheck is the IDMEFv2 conformance suite and reference validator. Run
// "idmefcheck help" for its commands; docs/cli.md is the full reference.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"golang.org/x/term"

	"github.com/idmefcheck/idmefcheck/cmd/idmefcheck/internal/cli"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	env := &cli.Env{Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr, IsTerminal: term.IsTerminal(int(os.Stdout.Fd()))}
	code := cli.Main(ctx, os.Args[1:], env)
	stop()
	os.Exit(code)
}

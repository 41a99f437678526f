package cli

import (
	"context"
	"fmt"
	"runtime"
	"strings"

	"github.com/spf13/pflag"

	"github.com/idmefcheck/idmefcheck"
)

func versionCommand() *Command {
	return &Command{
		Name:  "version",
		Usage: "version",
		Short: "print the suite's version, its IDMEFv2 revisions and its catalogue",
		Long: `Prints the suite version, the Go toolchain and platform, the IDMEFv2 revisions the
embedded schemas cover, and the requirements catalogue's size and content hash (reports carry
the same hash, so a report can be matched to the suite that wrote it).`,
		Setup: func(fs *pflag.FlagSet) RunFunc {
			return func(ctx context.Context, env *Env, args []string) error {
				if len(args) > 0 {
					return usageError("version takes no arguments")
				}
				set, cat, err := loadCatalog()
				if err != nil {
					return err
				}
				fmt.Fprintf(env.Stdout, "idmefcheck %s (%s, %s/%s)\n", idmefcheck.Version, runtime.Version(), runtime.GOOS, runtime.GOARCH)
				fmt.Fprintf(env.Stdout, "IDMEFv2 revisions: %s\n", strings.Join(set.Versions(), ", "))
				fmt.Fprintf(env.Stdout, "catalogue: %d requirements, sha256 %s\n", len(cat.Requirements()), cat.Hash())
				return nil
			}
		},
	}
}

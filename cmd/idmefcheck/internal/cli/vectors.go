package cli

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/spf13/pflag"

	"github.com/idmefcheck/idmefcheck/conformance/catalog"
	"github.com/idmefcheck/idmefcheck/reference/validator"
	"github.com/idmefcheck/idmefcheck/schema"
	"github.com/idmefcheck/idmefcheck/vectors"
)

func vectorsCommand() *Command {
	return &Command{
		Name:  "vectors",
		Usage: "vectors list|verify|export|coverage ...",
		Short: "list, run and export the IDMEFv2 test vectors",
		Long: `The test vectors are IDMEFv2 messages (valid, invalid, and edge cases of every kind) with the
verdict each must get under the official and the strict profile, the validator rules whose
findings each produces, and the requirements each exercises. They are embedded in idmefcheck;
docs/vectors.md describes the file format and how to run them against any validator.`,
		Subcommands: []*Command{vectorsListCommand(), vectorsVerifyCommand(), vectorsExportCommand(), vectorsCoverageCommand()},
	}
}

func loadVectors() (*schema.Set, *vectors.Corpus, error) {
	set, err := schema.Load()
	if err != nil {
		return nil, nil, err
	}
	c, err := vectors.Load(set)
	if err != nil {
		return nil, nil, err
	}
	return set, c, nil
}

func vectorsListCommand() *Command {
	return &Command{
		Name:  "list",
		Usage: "vectors list [--topic T] [--requirement R]",
		Short: "list the test vectors",
		Long: `Lists the vectors, one per line: ID, revision, the official and strict verdicts, and the rules of
the expected findings. --topic keeps one topic (time, addresses, ...), --requirement the vectors
exercising one catalogue requirement (e.g. R4766-7.14).

Exit codes: 0 listed; 2 bad flags.`,
		Setup: func(fs *pflag.FlagSet) RunFunc {
			topic := fs.String("topic", "", "only vectors of this topic")
			req := fs.String("requirement", "", "only vectors exercising this requirement ID")
			return func(ctx context.Context, env *Env, args []string) error {
				if len(args) > 0 {
					return usageError("vectors list takes no arguments")
				}
				_, c, err := loadVectors()
				if err != nil {
					return err
				}
				if *topic != "" && !slices.Contains(c.Topics(), *topic) {
					return usageError("--topic %q: topics are %s", *topic, joinComma(c.Topics()))
				}
				vs := c.Select(*topic, *req)
				for _, v := range vs {
					rules := strings.Join(v.Rules, ",")
					if rules == "" {
						rules = "-"
					}
					fmt.Fprintf(env.Stdout, "%-56s %s official=%-7s strict=%-10s %s\n", v.ID, v.Version, v.Official, v.Strict, rules)
				}
				fmt.Fprintf(env.Stdout, "%s\n", plural(len(vs), "vector"))
				return nil
			}
		},
	}
}

func vectorsVerifyCommand() *Command {
	return &Command{
		Name:  "verify",
		Usage: "vectors verify [--topic T] [--engine compiled|interpreter]",
		Short: "run the reference validator over every vector",
		Long: `Validates every vector's message with idmefcheck's reference validator under both profiles and
compares with what the vector expects: the official verdict, the strict verdict ("acceptable"
matches either) and the exact set of rules of the findings. Prints each disagreement with the
vector's ID, where it is, and both sides, then a summary.

Exit codes: 0 the validator agrees with every vector; 1 at least one disagreement; 2 bad flags.`,
		Setup: func(fs *pflag.FlagSet) RunFunc {
			topic := fs.String("topic", "", "only vectors of this topic")
			engine := fs.String("engine", validator.EngineCompiled, "the validator's engine: compiled or interpreter")
			return func(ctx context.Context, env *Env, args []string) error {
				if len(args) > 0 {
					return usageError("vectors verify takes no arguments")
				}
				if *engine != validator.EngineCompiled && *engine != validator.EngineInterpreter {
					return usageError("--engine %q: want compiled or interpreter", *engine)
				}
				set, c, err := loadVectors()
				if err != nil {
					return err
				}
				vs := c.Select(*topic, "")
				ds, err := vectors.Verify(ctx, set, vs, *engine)
				if err != nil {
					return err
				}
				for _, d := range ds {
					fmt.Fprintln(env.Stdout, d.String())
				}
				fmt.Fprintf(env.Stdout, "%s verified: %d agree, %d disagree\n", plural(len(vs), "vector"), len(vs)-len(ds), len(ds))
				if len(ds) > 0 {
					return &ExitError{Code: ExitFail}
				}
				return nil
			}
		},
	}
}

func vectorsExportCommand() *Command {
	return &Command{
		Name:  "export",
		Usage: "vectors export --dir D",
		Short: "write every vector as a plain message file plus index.json",
		Long: `Writes each vector's message, byte for byte, to D/messages/<id>.json, and D/index.json: a JSON
array with, per vector, its ID, the message file, topic, revision, the revision to validate against
when forced ("validateAs"), requirements, flags, the expected official and strict verdicts, the
expected rules and the comment. A validator in any language can be tested with a short script over
index.json; docs/vectors.md shows one.

Exit codes: 0 written; 2 bad flags or a write error.`,
		Setup: func(fs *pflag.FlagSet) RunFunc {
			dir := fs.String("dir", "", "directory to write into (created if needed)")
			return func(ctx context.Context, env *Env, args []string) error {
				if len(args) > 0 {
					return usageError("vectors export takes no arguments")
				}
				if *dir == "" {
					return usageError("--dir is required")
				}
				_, c, err := loadVectors()
				if err != nil {
					return err
				}
				if err := vectors.Export(c, *dir); err != nil {
					return &ExitError{Code: ExitUsage, Err: err}
				}
				fmt.Fprintf(env.Stdout, "wrote %s and %s/index.json\n", plural(len(c.Vectors), "message file"), *dir)
				return nil
			}
		},
	}
}

func vectorsCoverageCommand() *Command {
	return &Command{
		Name:  "coverage",
		Usage: "vectors coverage [--all]",
		Short: "report what the vectors reach, and every target they miss",
		Long: `Reports the corpus's reach: vectors per message-level requirement (conforming and violating),
per revision and class, per required field left out, per enumeration keyword of the newest
revision, and per edge case (offsets, fraction lengths, leap seconds, UUID and IP forms, ports,
scripts, invalid UTF-8, ...). Without --all only the summary and the missed targets are printed.

Exit codes: 0 every target met; 1 some target missed.`,
		Setup: func(fs *pflag.FlagSet) RunFunc {
			all := fs.Bool("all", false, "print every count, not only the missed targets")
			return func(ctx context.Context, env *Env, args []string) error {
				if len(args) > 0 {
					return usageError("vectors coverage takes no arguments")
				}
				set, c, err := loadVectors()
				if err != nil {
					return err
				}
				cat, err := catalog.Load(set)
				if err != nil {
					return err
				}
				m := set.Model()
				vs := m.Versions()
				rep := vectors.Coverage(c, vectors.CoverageInput{Catalog: cat, Model: m, RuleRequirements: validator.Coverage(m), Newest: vs[len(vs)-1]})
				if *all {
					for _, r := range rep.Requirements {
						fmt.Fprintf(env.Stdout, "requirement %-16s conforming %3d  violating %3d%s\n", r.ID, r.Conforming, r.Violating, map[bool]string{false: "  (no rule can find it violated)", true: ""}[r.Violable])
					}
					for _, group := range []struct {
						name string
						cs   []vectors.Count
					}{{"class", rep.Classes}, {"omitted", rep.Omissions}, {"keyword", rep.Keywords}, {"near miss", rep.NearMisses}, {"edge", rep.Edges}} {
						for _, c := range group.cs {
							fmt.Fprintf(env.Stdout, "%-9s %-60s %d\n", group.name, c.What, c.N)
						}
					}
				}
				for _, p := range rep.Problems {
					fmt.Fprintf(env.Stdout, "missed: %s\n", p)
				}
				fmt.Fprintf(env.Stdout, "%s; %d requirements, %d class targets, %d omissions, %d keywords, %d edge cases; %d targets missed\n",
					plural(rep.Total, "vector"), len(rep.Requirements), len(rep.Classes), len(rep.Omissions), len(rep.Keywords), len(rep.Edges), len(rep.Problems))
				if len(rep.Problems) > 0 {
					return &ExitError{Code: ExitFail}
				}
				return nil
			}
		},
	}
}

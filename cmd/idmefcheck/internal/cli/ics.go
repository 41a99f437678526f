package cli

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/spf13/pflag"

	"github.com/idmefcheck/idmefcheck/conformance/ics"
)

func icsCommand() *Command {
	return &Command{
		Name:  "ics",
		Short: "write and check implementation statements",
		Subcommands: []*Command{
			{
				Name:  "init",
				Usage: "ics init --role manager|analyzer [--pki DIR] [--target URL]... [--server-name N] [--observe-file F] [--options O,...] [--vendor V --product P --version V] [--listen ADDR]... [--trigger none|command|shim -- ARGV...] [-o FILE]",
				Short: "write a commented implementation statement template",
				Long: `Writes an implementation statement (docs/ics.md) for the role, every field commented,
to FILE (-o; default standard output). With --pki DIR (a directory made by 'idmefcheck pki
init') it names that directory's files; --target and --observe-file fill in the manager's
URLs and observation file; --server-name the name its certificate carries; --options the options
claimed (default http2,ipv4,ipv6; claiming signatures writes the signing section). For an analyzer,
--listen names the harness's listening addresses and --trigger the way it makes the analyzer
emit, with the command's argv after "--". The template is valid as written: 'idmefcheck ics check' accepts it.
An existing FILE is not overwritten.

Exit codes: 0 written; 2 bad flags, or FILE exists.`,
				Setup: func(fs *pflag.FlagSet) RunFunc {
					role := fs.String("role", "", "manager or analyzer")
					pkiDir := fs.String("pki", "", "a 'pki init' directory whose files the template names")
					targets := fs.StringArray("target", nil, "manager URL (repeatable)")
					observeFile := fs.String("observe-file", "", "the manager's observation file")
					out := fs.StringP("output", "o", "", "file to write (default standard output)")
					serverName := fs.String("server-name", "", "the name the manager's certificate carries")
					options := fs.StringSlice("options", nil, "options claimed (default http2,ipv4,ipv6)")
					vendor := fs.String("vendor", "", "the implementation's vendor")
					product := fs.String("product", "", "the implementation's product name")
					version := fs.String("version", "", "the implementation's version")
					listen := fs.StringArray("listen", nil, "analyzer role: an address the harness listens on (repeatable)")
					trig := fs.String("trigger", "", "analyzer role: none, command or shim; the command's argv follows --")
					return func(ctx context.Context, env *Env, args []string) error {
						if len(args) > 0 && *trig != "command" && *trig != "shim" {
							return usageError("ics init takes arguments only after --trigger command|shim --")
						}
						if (*trig == "command" || *trig == "shim") && len(args) == 0 {
							return usageError("--trigger %s needs the command's argv after --", *trig)
						}
						// The template's paths are relative to the file it is written to.
						if *out != "" {
							for _, p := range []*string{pkiDir, observeFile} {
								if err := relativeTo(filepath.Dir(*out), p); err != nil {
									return err
								}
							}
						}
						data, err := ics.Template(*role, ics.TemplateParams{PKI: *pkiDir, Targets: *targets, ObserveFile: *observeFile,
							ServerName: *serverName, Options: *options, Vendor: *vendor, Product: *product, Version: *version,
							Listen: *listen, TriggerKind: *trig, TriggerCommand: args})
						if err != nil {
							return usageError("%v", err)
						}
						if *out == "" {
							_, err := env.Stdout.Write(data)
							return err
						}
						f, err := os.OpenFile(*out, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
						if err != nil {
							return usageError("%v", err)
						}
						if _, err := f.Write(data); err != nil {
							f.Close()
							return err
						}
						return f.Close()
					}
				},
			},
			{
				Name:  "check",
				Usage: "ics check FILE",
				Short: "check an implementation statement against its schema and rules",
				Long: `Reads an implementation statement and reports every problem with its line, or prints a
summary of what it claims.

Exit codes: 0 valid; 1 invalid; 2 bad arguments or unreadable file.`,
				Setup: func(fs *pflag.FlagSet) RunFunc {
					return func(ctx context.Context, env *Env, args []string) error {
						if len(args) != 1 {
							return usageError("ics check takes one file")
						}
						set, _, err := loadCatalog()
						if err != nil {
							return err
						}
						st, err := ics.Load(set, args[0])
						if err != nil {
							return &ExitError{Code: ExitFail, Err: err}
						}
						fmt.Fprintf(env.Stdout, "%s: %s %s %s, %s role, versions %v, options %v, observe %s\n", args[0],
							st.Implementation.Vendor, st.Implementation.Product, st.Implementation.Version, st.Role, st.Versions, st.Options, orNone(st.Observe.Kind))
						return nil
					}
				},
			},
			{
				Name:  "options",
				Usage: "ics options",
				Short: "list the options a statement may claim",
				Long: `Lists every option an implementation statement may claim, the roles it applies to and
what claiming it commits the implementation to.

Exit codes: 0 listed.`,
				Setup: func(fs *pflag.FlagSet) RunFunc {
					return func(ctx context.Context, env *Env, args []string) error {
						for _, o := range ics.OptionList() {
							fmt.Fprintf(env.Stdout, "%-19s %-17v %s\n", o.Name, o.Roles, o.Meaning)
						}
						return nil
					}
				},
			},
		},
	}
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}

// relativeTo rewrites a relative path (relative to the working directory) as relative to dir.
func relativeTo(dir string, p *string) error {
	if *p == "" || filepath.IsAbs(*p) {
		return nil
	}
	abs, err := filepath.Abs(*p)
	if err != nil {
		return err
	}
	base, err := filepath.Abs(dir)
	if err != nil {
		return err
	}
	rel, err := filepath.Rel(base, abs)
	if err != nil {
		return err
	}
	*p = rel
	return nil
}

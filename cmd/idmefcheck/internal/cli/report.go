package cli

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/pflag"

	"github.com/idmefcheck/idmefcheck/reference/pki"
	"github.com/idmefcheck/idmefcheck/report"
	"github.com/idmefcheck/idmefcheck/schema"
)

func reportCommand() *Command {
	return &Command{
		Name:  "report",
		Usage: "report <render|compare|verify> [flags]",
		Short: "render, compare and verify compliance reports",
		Long: `Works on the canonical compliance reports that idmefcheck run writes (report.json;
docs/report.md): renders one as JUnit XML, Markdown or HTML, compares several side by side, and
verifies a signed one. Every report read is first validated against its schema
(schema/report.schema.json); a report that fails it is refused with the JSON pointer of each
problem.`,
		Subcommands: []*Command{reportRenderCommand(), reportCompareCommand(), reportVerifyCommand()},
	}
}

// formatFromName guesses a format from an output file's extension.
func formatFromName(name string, known map[string]string) string {
	return known[strings.ToLower(filepath.Ext(name))]
}

func reportRenderCommand() *Command {
	return &Command{
		Name:  "render",
		Usage: "report render [--format json|junit|markdown|html] IN [-o OUT]",
		Short: "render a report.json as JSON, JUnit XML, Markdown or a self-contained HTML page",
		Long: `Reads the canonical report IN (validated against schema/report.schema.json) and writes
it to OUT (-o; default standard output) in one format:
  json      the canonical JSON again (the bytes idmefcheck run writes)
  junit     JUnit XML for GitHub, GitLab and Jenkins: one testcase per check, its
            requirement IDs as properties; fail is <failure>, error <error>,
            inconclusive and not_applicable <skipped> with the reason
  markdown  a summary short enough for a pull-request comment or a CI job summary
  html      one self-contained page (no fetches; works from file://), with filters and
            each check's evidence behind a click
Without --format, the format follows OUT's extension (.json, .xml, .md, .html). docs/report.md
describes each rendering.

Exit codes: 0 written; 2 bad flags, or IN unreadable or not a valid report.`,
		Setup: func(fs *pflag.FlagSet) RunFunc {
			format := fs.String("format", "", "json, junit, markdown or html (default: from -o's extension)")
			out := fs.StringP("output", "o", "", "file to write (default: standard output)")
			return func(ctx context.Context, env *Env, args []string) error {
				if len(args) != 1 {
					return usageError("report render takes one report file")
				}
				f := *format
				if f == "" {
					f = formatFromName(*out, map[string]string{".json": "json", ".xml": "junit", ".md": "markdown", ".html": "html", ".htm": "html"})
				}
				if f == "" {
					return usageError("give --format (%s), or -o with a .json, .xml, .md or .html name", strings.Join(report.FormatNames(), ", "))
				}
				rd, err := report.RenderingOf(f)
				if err != nil {
					return usageError("--format %q: want %s", f, strings.Join(report.FormatNames(), ", "))
				}
				set, err := schema.Load()
				if err != nil {
					return err
				}
				r, err := report.Load(set, args[0])
				if err != nil {
					return &ExitError{Code: ExitUsage, Err: err}
				}
				return writeOutput(env, *out, func(w io.Writer) error { return rd.Write(w, r) })
			}
		},
	}
}

// writeOutput writes to file, or to standard output when file is empty. The file is
// written whole or not at all: rendered in memory first, so that a failure leaves no half
// file behind for a CI step to publish.
func writeOutput(env *Env, file string, write func(io.Writer) error) error {
	if file == "" {
		return write(env.Stdout)
	}
	var b bytes.Buffer
	if err := write(&b); err != nil {
		return err
	}
	if err := os.WriteFile(file, b.Bytes(), 0o644); err != nil {
		return &ExitError{Code: ExitUsage, Err: fmt.Errorf("-o: %w", err)}
	}
	return nil
}

func reportCompareCommand() *Command {
	return &Command{
		Name:  "compare",
		Usage: "report compare A.json B.json ... [-o matrix.html|matrix.md] [--format html|markdown]",
		Short: "set several reports side by side: implementations × checks and × requirements",
		Long: `Reads two or more canonical reports and writes a comparison matrix for reviewers:
the implementations with their verdicts, then every check and every requirement of any report,
one column per report, the rows on which the reports differ marked (≠) and highlighted. The
HTML page (the report page's frame: self-contained, printable) filters the rows by level,
category, text, and "differences only"; the Markdown lists the differing rows first and folds
the full matrices. Columns are labelled with the implementation's vendor, product and
version, and the file's name when two reports share them. When the reports were made with
different checks (checks_sha256), the comparison says so: a difference may then be the suite's.

Without --format, the format follows -o's extension (.html or .md); to standard output the
default is markdown.

Exit codes: 0 written (whatever the differences); 2 bad flags, or a file unreadable or not a
valid report.`,
		Setup: func(fs *pflag.FlagSet) RunFunc {
			format := fs.String("format", "", "html or markdown (default: from -o's extension, else markdown)")
			out := fs.StringP("output", "o", "", "file to write (default: standard output)")
			return func(ctx context.Context, env *Env, args []string) error {
				if len(args) < 2 {
					return usageError("report compare takes two or more report files")
				}
				f := *format
				if f == "" {
					f = formatFromName(*out, map[string]string{".html": "html", ".htm": "html", ".md": "markdown"})
				}
				if f == "" {
					f = "markdown"
				}
				if f != "html" && f != "markdown" {
					return usageError("--format %q: want html or markdown", f)
				}
				set, err := schema.Load()
				if err != nil {
					return err
				}
				var reports []*report.Report
				var errs []error
				for _, file := range args {
					r, err := report.Load(set, file)
					if err != nil {
						errs = append(errs, err)
						continue
					}
					reports = append(reports, r)
				}
				if err := errors.Join(errs...); err != nil {
					return &ExitError{Code: ExitUsage, Err: err}
				}
				c, err := report.Compare(args, reports)
				if err != nil {
					return &ExitError{Code: ExitUsage, Err: err}
				}
				return writeOutput(env, *out, func(w io.Writer) error {
					if f == "html" {
						return report.WriteCompareHTML(w, c)
					}
					return report.WriteCompareMarkdown(w, c)
				})
			}
		},
	}
}

func reportVerifyCommand() *Command {
	return &Command{
		Name:  "verify",
		Usage: "report verify IN --pub KEY [--sig FILE]",
		Short: "verify a signed report: proves who signed it and that not one byte changed",
		Long: `Verifies the detached signature of a report file (written by idmefcheck run --sign-key;
docs/certification.md) against the signer's Ed25519 public key (--pub: PEM "PUBLIC KEY", as
idmefcheck pki writes ROLE-signing.pub). The signature file is IN.sig unless --sig names
another. The signature covers the exact bytes of IN: any changed byte, even white space, is
refused. A verified report is then checked against its schema, so that what was signed is
also a report this program can read.

Get the signer's public key from the signer through a channel you trust; the key fingerprint
printed on success (SHA-256 of the key's DER) is what to compare with what they published.

Exit codes: 0 verified; 1 refused (the report changed, another key signed it, or the
signature is wrong); 2 bad flags, or a file unreadable.`,
		Setup: func(fs *pflag.FlagSet) RunFunc {
			pub := fs.String("pub", "", "the signer's Ed25519 public key (PEM PUBLIC KEY)")
			sigFile := fs.String("sig", "", "the signature file (default: IN.sig)")
			return func(ctx context.Context, env *Env, args []string) error {
				if len(args) != 1 {
					return usageError("report verify takes one report file")
				}
				if *pub == "" {
					return usageError("report verify needs --pub KEY")
				}
				in := args[0]
				sf := *sigFile
				if sf == "" {
					sf = in + report.SignatureSuffix
				}
				key, err := pki.LoadPublicKey(*pub)
				if err != nil {
					return &ExitError{Code: ExitUsage, Err: fmt.Errorf("--pub: %w", err)}
				}
				data, err := os.ReadFile(in)
				if err != nil {
					return &ExitError{Code: ExitUsage, Err: err}
				}
				sig, err := os.ReadFile(sf)
				if err != nil {
					return &ExitError{Code: ExitUsage, Err: fmt.Errorf("signature: %w", err)}
				}
				set, err := schema.Load()
				if err != nil {
					return err
				}
				s, err := report.Verify(set, sf, data, sig, key)
				if err != nil {
					if errors.Is(err, report.ErrChanged) || errors.Is(err, report.ErrOtherKey) || errors.Is(err, report.ErrBadSig) {
						return &ExitError{Code: ExitFail, Err: fmt.Errorf("%s: NOT verified: %w", in, err)}
					}
					return &ExitError{Code: ExitUsage, Err: err}
				}
				r, err := report.Parse(set, in, data)
				if err != nil {
					return &ExitError{Code: ExitFail, Err: fmt.Errorf("%s: signed, but not a valid report: %w", in, err)}
				}
				fmt.Fprintf(env.Stdout, "%s: verified: signed by key sha256 %s; %s (%s role), %s, %d checks, run %s\n",
					in, s.KeySHA256, r.Name(), r.Run.Role, r.Outcome(), r.Totals.Checks, r.Started.UTC().Format("2006-01-02 15:04 UTC"))
				return nil
			}
		},
	}
}

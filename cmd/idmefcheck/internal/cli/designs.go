package cli

import (
	"context"
	"io"
	"strings"

	"github.com/spf13/pflag"

	"github.com/idmefcheck/idmefcheck/conformance/catalog"
	"github.com/idmefcheck/idmefcheck/conformance/designs"
	"github.com/idmefcheck/idmefcheck/schema"
)

func designsCommand() *Command {
	return &Command{
		Name:  "designs",
		Usage: "designs list|show|compare|diff ...",
		Short: "compare protocol designs requirement by requirement, and IDMEFv2 revisions field by field",
		Long: `A design is a revision of the IDMEFv2 format with its transport (and, for the reference
profile, the profile's additions), assessed against every requirement of the catalogue: what it
provides (yes, partial, no, not applicable), by which mechanism, why, and where it says so. The
designs are embedded in idmefcheck (conformance/designs); docs/designs.md describes the file
format, how the schema differences are computed, and how to read a comparison.`,
		Subcommands: []*Command{designsListCommand(), designsShowCommand(), designsCompareCommand(), designsDiffCommand()},
	}
}

func loadDesigns() (*schema.Set, *catalog.Catalog, *designs.Library, error) {
	set, cat, err := loadCatalog()
	if err != nil {
		return nil, nil, nil, err
	}
	lib, err := designs.Load(set, cat)
	if err != nil {
		return nil, nil, nil, err
	}
	return set, cat, lib, nil
}

func lookupDesigns(lib *designs.Library, ids []string) ([]*designs.Design, error) {
	var out []*designs.Design
	for _, id := range ids {
		d, ok := lib.Lookup(id)
		if !ok {
			return nil, usageError("no design %q (have %s)", id, strings.Join(lib.IDs(), ", "))
		}
		out = append(out, d)
	}
	return out, nil
}

func designsListCommand() *Command {
	return &Command{
		Name:  "list",
		Usage: "designs list",
		Short: "list the designs and how many requirements each provides",
		Long: `Lists the embedded designs, one per line: ID, IDMEFv2 revision, how many requirements each
provides fully, partly, not at all or cannot apply to, and its title.

Exit codes: 0 listed; 2 bad arguments.`,
		Setup: func(fs *pflag.FlagSet) RunFunc {
			return func(ctx context.Context, env *Env, args []string) error {
				if len(args) > 0 {
					return usageError("designs list takes no arguments")
				}
				_, _, lib, err := loadDesigns()
				if err != nil {
					return err
				}
				return designs.WriteList(env.Stdout, lib.Designs())
			}
		},
	}
}

func designsShowCommand() *Command {
	return &Command{
		Name:  "show",
		Usage: "designs show DESIGN [--format text|json]",
		Short: "print one design's assessment of every requirement",
		Long: `Prints one design: its documents, its summary, then for every catalogue requirement what the
design provides, the mechanism (feature, fields, enumeration keywords), the reasoning and the
sections cited. --format json prints the design as one JSON object.

Exit codes: 0 printed; 2 bad arguments or an unknown design.`,
		Setup: func(fs *pflag.FlagSet) RunFunc {
			format := fs.String("format", "text", "text or json")
			return func(ctx context.Context, env *Env, args []string) error {
				if len(args) != 1 {
					return usageError("designs show takes one design ID")
				}
				if *format != "text" && *format != "json" {
					return usageError("--format %q: want text or json", *format)
				}
				_, _, lib, err := loadDesigns()
				if err != nil {
					return err
				}
				ds, err := lookupDesigns(lib, args)
				if err != nil {
					return err
				}
				if *format == "json" {
					return designs.WriteJSON(env.Stdout, ds[0])
				}
				return designs.WriteDesign(env.Stdout, ds[0])
			}
		},
	}
}

func designsCompareCommand() *Command {
	return &Command{
		Name:  "compare",
		Usage: "designs compare [DESIGN...] [-o matrix.html|matrix.md|matrix.json] [--format text|markdown|json|html]",
		Short: "set designs side by side: requirements × designs, and the schema differences beneath",
		Long: `Compares designs (all of them when none is named), in the order given: one row per catalogue
requirement with each design's assessment, the rows on which they differ marked (≠), the
requirements no design provides and those only one provides, then the schema differences
computed from the IDMEFv2 model between the designs' revisions (each consecutive pair, and the
oldest against the newest), with the requirements each change touches.

The HTML page is self-contained (the report pages' frame) and filters the rows by document,
level, text and "differences only". Without --format, the format follows -o's extension
(.html, .md, .json); to standard output the default is text.

Exit codes: 0 written; 2 bad arguments or an unknown design.`,
		Setup: func(fs *pflag.FlagSet) RunFunc {
			format := fs.String("format", "", "text, markdown, json or html (default: from -o's extension, else text)")
			out := fs.StringP("output", "o", "", "file to write (default: standard output)")
			return func(ctx context.Context, env *Env, args []string) error {
				f := *format
				if f == "" {
					f = formatFromName(*out, map[string]string{".html": "html", ".htm": "html", ".md": "markdown", ".json": "json"})
				}
				if f == "" {
					f = "text"
				}
				writers := map[string]func(io.Writer, *designs.Comparison) error{
					"text": designs.WriteText, "markdown": designs.WriteMarkdown, "html": designs.WriteHTML,
					"json": func(w io.Writer, c *designs.Comparison) error { return designs.WriteJSON(w, c) },
				}
				write, ok := writers[f]
				if !ok {
					return usageError("--format %q: want text, markdown, json or html", f)
				}
				set, cat, lib, err := loadDesigns()
				if err != nil {
					return err
				}
				if len(args) == 0 {
					args = lib.IDs()
				}
				ds, err := lookupDesigns(lib, args)
				if err != nil {
					return err
				}
				c, err := designs.Compare(set.Model(), cat, designs.NewIndex(lib), ds...)
				if err != nil {
					return err
				}
				return writeOutput(env, *out, func(w io.Writer) error { return write(w, c) })
			}
		},
	}
}

func designsDiffCommand() *Command {
	return &Command{
		Name:  "diff",
		Usage: "designs diff V1 V2 [--format text|json|markdown]",
		Short: "the schema differences between two IDMEFv2 revisions, computed from the model",
		Long: `Computes what changed in the IDMEFv2 model from revision V1 to revision V2 (for example
2.D.V06 2.D.V08): classes and fields added or removed, fields retyped or made required or
optional, bounds changed, enumeration keywords added, removed or renamed (a rename is a near
match: edit distance, part-by-part shortening, or the same last part), and the catalogue
requirements each change touches. docs/designs.md explains the method.

Exit codes: 0 printed (whatever the differences); 2 bad arguments or an unknown revision.`,
		Setup: func(fs *pflag.FlagSet) RunFunc {
			format := fs.String("format", "text", "text, json or markdown")
			return func(ctx context.Context, env *Env, args []string) error {
				if len(args) != 2 {
					return usageError("designs diff takes two IDMEFv2 revisions, e.g. 2.D.V06 2.D.V08")
				}
				if *format != "text" && *format != "json" && *format != "markdown" {
					return usageError("--format %q: want text, json or markdown", *format)
				}
				set, _, lib, err := loadDesigns()
				if err != nil {
					return err
				}
				d, err := designs.Diff(set.Model(), args[0], args[1], designs.NewIndex(lib))
				if err != nil {
					return usageError("%v", err)
				}
				switch *format {
				case "json":
					return designs.WriteJSON(env.Stdout, d)
				case "markdown":
					return designs.WriteDiffMarkdown(env.Stdout, d)
				}
				return designs.WriteDiffText(env.Stdout, d)
			}
		},
	}
}

package cli

import (
	"context"
	"slices"

	"github.com/spf13/pflag"

	"github.com/idmefcheck/idmefcheck/conformance/catalog"
	"github.com/idmefcheck/idmefcheck/conformance/suite"
	"github.com/idmefcheck/idmefcheck/reference/validator"
	"github.com/idmefcheck/idmefcheck/schema"
)

var (
	categories = []string{"authentication", "confidentiality", "integrity", "non-repudiation", "dos", "duplication",
		"reliability", "firewall", "time", "extensibility", "i18n", "filtering", "addressing", "content", "transport", "general"}
	levels = []string{catalog.LevelMust, catalog.LevelShall, catalog.LevelShould, catalog.LevelMay}
)

func catalogCommand() *Command {
	return &Command{
		Name:  "catalog",
		Usage: "catalog [--format text|json|markdown] [--category C] [--level L]",
		Short: "list the requirements catalogue and what covers each requirement",
		Long: `Lists the requirements idmefcheck tests: every normative statement of the IDWG
requirements (R4766-*), the IDMEFv2 format draft (IDMEF2-*), its HTTPS transport draft
(IDMEF2T-*) and the security-operations draft (SECOPS-*), with level, roles, category, how it
is tested and the validator rules and checks that cover it. A requirement that could be tested and is not covered is shown as a gap.

--format text prints one line per requirement; json prints one JSON object per requirement per
line (the catalogue entry plus "covered_by"); markdown prints the document docs/requirements.md
is generated from. --category and --level keep only the requirements of that category or level
(MUST, SHALL, SHOULD or MAY; RFC 2119 gives SHALL the force of MUST, but the catalogue keeps the
source's word).

Exit codes: 0 listed; 2 bad flags.`,
		Setup: func(fs *pflag.FlagSet) RunFunc {
			format := fs.String("format", "text", "output format: text, json or markdown")
			category := fs.String("category", "", "only this category: "+joinComma(categories))
			level := fs.String("level", "", "only this level: MUST, SHALL, SHOULD or MAY")
			return func(ctx context.Context, env *Env, args []string) error {
				if len(args) > 0 {
					return usageError("catalog takes no arguments")
				}
				if *category != "" && !slices.Contains(categories, *category) {
					return usageError("--category %q: want one of %s", *category, joinComma(categories))
				}
				if *level != "" && !slices.Contains(levels, *level) {
					return usageError("--level %q: want one of %s", *level, joinComma(levels))
				}
				set, cat, err := loadCatalog()
				if err != nil {
					return err
				}
				coverers, err := Coverers(set.Model(), cat)
				if err != nil {
					return err
				}
				cov, err := cat.Cover(coverers)
				if err != nil {
					return err
				}
				reqs := cat.Filter(*category, *level)
				switch *format {
				case "text":
					return catalog.WriteText(env.Stdout, reqs, cov)
				case "json":
					return catalog.WriteJSON(env.Stdout, reqs, cov)
				case "markdown":
					return catalog.WriteMarkdown(env.Stdout, cat, reqs, cov)
				}
				return usageError("--format %q: want text, json or markdown", *format)
			}
		},
	}
}

// Coverers lists everything that establishes requirements: the validator's rules and the
// conformance checks of every role.
func Coverers(m *schema.Model, cat *catalog.Catalog) ([]catalog.Coverer, error) {
	reg, err := suite.Registry(cat)
	if err != nil {
		return nil, err
	}
	var out []catalog.Coverer
	for _, c := range reg.Checks() {
		out = append(out, catalog.Coverer{Kind: "check", ID: c.ID, Title: c.Title, Requirements: c.Requirements})
	}
	reqs := validator.Coverage(m)
	for _, r := range validator.Rules() {
		out = append(out, catalog.Coverer{Kind: "rule", ID: r.ID, Title: r.Title, Requirements: reqs[r.ID]})
	}
	return out, nil
}

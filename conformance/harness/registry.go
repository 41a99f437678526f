package harness

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"path"
	"slices"
	"strings"

	"github.com/idmefcheck/idmefcheck/conformance/catalog"
)

// Registry is the set of checks of the suite, sorted by ID. It is immutable.
type Registry struct {
	checks []Check
	byID   map[string]int
}

// NewRegistry checks every definition against the rules of the model and the catalogue and
// returns the registry. It names every offender, not just the first.
func NewRegistry(cat *catalog.Catalog, options map[string]string, checks ...Check) (*Registry, error) {
	r := &Registry{byID: map[string]int{}}
	var errs []error
	for _, c := range checks {
		bad := func(format string, args ...any) {
			errs = append(errs, fmt.Errorf("check %s: %s", c.ID, fmt.Sprintf(format, args...)))
		}
		if !idPattern.MatchString(c.ID) {
			bad("the ID does not read ROLE-CATEGORY-NNN (%s)", idPattern)
		}
		if _, dup := r.byID[c.ID]; dup {
			bad("the ID is used twice")
			continue
		}
		if c.Title == "" || c.Doc == "" {
			bad("a title and a doc are required")
		}
		if c.Run == nil {
			bad("no run function")
		}
		if c.Timeout <= 0 {
			bad("no timeout")
		}
		if c.Role != RoleManager && c.Role != RoleAnalyzer {
			bad("role %q is neither %s nor %s", c.Role, RoleManager, RoleAnalyzer)
		}
		prefix := map[string]string{RoleManager: "MGR-", RoleAnalyzer: "ANA-"}[c.Role]
		if !strings.HasPrefix(c.ID, prefix) {
			bad("a %s check's ID starts with %s", c.Role, prefix)
		}
		switch c.Level {
		case catalog.LevelMust, catalog.LevelShall, catalog.LevelShould, catalog.LevelMay:
		default:
			bad("level %q is not MUST, SHALL, SHOULD or MAY", c.Level)
		}
		if len(c.Requirements) == 0 {
			bad("it cites no requirement")
		}
		strongest := ""
		for _, id := range c.Requirements {
			req, ok := cat.Lookup(id)
			if !ok {
				bad("requirement %s is not in the catalogue", id)
				continue
			}
			if !slices.Contains(req.Roles, c.Role) {
				bad("requirement %s does not apply to the %s role (roles %v)", id, c.Role, req.Roles)
			}
			if strongest == "" || levelRank(req.Level) < levelRank(strongest) {
				strongest = req.Level
			}
		}
		if strongest != "" && levelRank(c.Level) < levelRank(strongest) {
			bad("level %s is stronger than any requirement it cites (strongest %s)", c.Level, strongest)
		}
		for _, o := range c.Needs {
			if _, ok := options[o]; !ok {
				bad("needs option %q, which implementation statements cannot claim", o)
			}
		}
		r.byID[c.ID] = len(r.checks)
		r.checks = append(r.checks, c)
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	slices.SortFunc(r.checks, func(a, b Check) int { return strings.Compare(a.ID, b.ID) })
	for i, c := range r.checks {
		r.byID[c.ID] = i
	}
	return r, nil
}

func levelRank(l string) int {
	switch l {
	case catalog.LevelMust, catalog.LevelShall:
		return 0
	case catalog.LevelShould:
		return 1
	default:
		return 2
	}
}

// Checks lists every check, sorted by ID.
func (r *Registry) Checks() []Check { return r.checks }

// Lookup returns the check with the given ID.
func (r *Registry) Lookup(id string) (Check, bool) {
	i, ok := r.byID[id]
	if !ok {
		return Check{}, false
	}
	return r.checks[i], true
}

// Select returns the checks of role whose IDs match one of only (all when only is empty)
// and none of skip. Patterns are path.Match globs (MGR-AUTH-*); a pattern that matches no
// check of the registry is an error, since it is almost always a typing mistake.
func (r *Registry) Select(role string, only, skip []string) ([]Check, error) {
	for _, p := range slices.Concat(only, skip) {
		if _, err := path.Match(p, ""); err != nil {
			return nil, fmt.Errorf("pattern %q: %w", p, err)
		}
		if !slices.ContainsFunc(r.checks, func(c Check) bool { m, _ := path.Match(p, c.ID); return m }) {
			return nil, fmt.Errorf("pattern %q matches no check (see: idmefcheck checks list)", p)
		}
	}
	matches := func(patterns []string, id string) bool {
		for _, p := range patterns {
			if m, _ := path.Match(p, id); m {
				return true
			}
		}
		return false
	}
	var out []Check
	for _, c := range r.checks {
		if c.Role != role || (len(only) > 0 && !matches(only, c.ID)) || matches(skip, c.ID) {
			continue
		}
		out = append(out, c)
	}
	return out, nil
}

// Hash identifies the definitions of the registry's checks (everything but their code), so
// that a report says which checks made it.
func (r *Registry) Hash() string {
	type def struct {
		ID, Title, Level, Role, Category, Doc string
		Requirements, Needs                   []string
		Timeout                               int64
		Serial                                bool
	}
	h := sha256.New()
	enc := json.NewEncoder(h)
	for _, c := range r.checks {
		_ = enc.Encode(def{c.ID, c.Title, c.Level, c.Role, c.Category, c.Doc, c.Requirements, c.Needs, int64(c.Timeout), c.Serial})
	}
	return hex.EncodeToString(h.Sum(nil))
}

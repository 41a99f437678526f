package cli

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"time"

	"github.com/idmefcheck/idmefcheck/conformance/harness"
	"github.com/idmefcheck/idmefcheck/conformance/ics"
	"github.com/idmefcheck/idmefcheck/conformance/knownbad"
	"github.com/idmefcheck/idmefcheck/conformance/managerlab"
	"github.com/idmefcheck/idmefcheck/conformance/managerrole"
	"github.com/idmefcheck/idmefcheck/reference/validator"
	"github.com/idmefcheck/idmefcheck/schema"
)

// The hidden --lab flag of run: the manager-role suite against a manager idmefcheck starts
// in-process (conformance/managerlab), either the reference manager with every option
// ("reference") or a known-bad variant (conformance/knownbad, "manager/accept-tls12"). It
// exists for the demo's comparison of reports and for tests; it is hidden because it judges
// idmefcheck's own managers only and its variants change as checks are added.

// LabReference names the reference manager for --lab.
const LabReference = "reference"

// labRun is a lab manager and the environment the checks reach it through.
type labRun struct {
	lab       *managerlab.Lab
	dir       string
	Statement *ics.Statement
	Env       *managerrole.Env
}

// Close stops the manager and removes its directory (PKI, store, observation file).
func (l *labRun) Close() {
	_ = l.lab.Close()
	_ = os.RemoveAll(l.dir)
}

// labFlags checks that --lab is used alone, as the lab writes its own statement.
func (o *runOptions) labFlags() error {
	if o.ics != "" || len(o.targets) > 0 || o.ca != "" || o.cert != "" || o.key != "" || o.observeFile != "" {
		return usageError("--lab runs against its own manager: it excludes --ics and the quick-run flags")
	}
	if o.role != harness.RoleManager {
		return usageError("--lab runs a manager: give --role manager")
	}
	if o.lab == LabReference {
		return nil
	}
	for _, v := range knownbad.Managers() {
		if v.Name == o.lab {
			return nil
		}
	}
	var names []string
	for _, v := range knownbad.Managers() {
		names = append(names, v.Name)
	}
	return usageError("--lab %q: want %s or one of %s", o.lab, LabReference, strings.Join(names, ", "))
}

// startLab starts the manager --lab names in a temporary directory. The statement names the
// variant as the product, so that reports of different variants are told apart in a
// comparison, and restarts happen in-process.
func (o *runOptions) startLab(ctx context.Context, set *schema.Set, v *validator.Validator, log *slog.Logger) (*labRun, error) {
	opts := managerlab.Options{}
	product := "reference manager (lab)"
	for _, kb := range knownbad.Managers() {
		if kb.Name == o.lab {
			opts, product = kb.Lab, "known-bad "+kb.Name+" (lab)"
		}
	}
	prev := opts.Statement
	opts.Statement = func(st *ics.Statement) {
		if prev != nil {
			prev(st)
		}
		st.Implementation.Product = product
	}
	dir, err := os.MkdirTemp("", "idmefcheck-lab-")
	if err != nil {
		return nil, fmt.Errorf("--lab: %w", err)
	}
	opts.Dir = dir
	lab, err := managerlab.Start(set, opts)
	if err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("--lab %s: %w", o.lab, err)
	}
	l := &labRun{lab: lab, dir: dir, Statement: lab.Statement}
	env, err := managerrole.NewEnv(ctx, lab.Statement, v, log)
	if err != nil {
		l.Close()
		return nil, fmt.Errorf("--lab %s: %w", o.lab, err)
	}
	env.Restart = func(ctx context.Context) error {
		if err := lab.Restart(ctx); err != nil {
			return err
		}
		return env.WaitReady(ctx, 10*time.Second)
	}
	l.Env = env
	return l, nil
}

package managerrole

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/idmefcheck/idmefcheck/conformance/alerts"
	"github.com/idmefcheck/idmefcheck/conformance/harness"
	"github.com/idmefcheck/idmefcheck/conformance/observe"
	"github.com/idmefcheck/idmefcheck/conformance/target"
)

// Checks returns every manager-role check.
func Checks() []harness.Check {
	return slices.Concat(authChecks(), confChecks(), integChecks(), nonrepChecks(), dosChecks(), dupChecks(),
		relChecks(), timeChecks(), extChecks(), i18nChecks(), filtChecks(), addrChecks(), httpChecks(), secopsChecks())
}

// runFunc is a check's body with the environment typed.
type runFunc func(ctx context.Context, t *harness.T, e *Env) harness.Outcome

// check completes a definition: the role, and a Run that hands the check its Env.
func check(c harness.Check, run runFunc) harness.Check {
	c.Role = harness.RoleManager
	if c.Timeout == 0 {
		c.Timeout = 30 * time.Second
	}
	c.Run = func(ctx context.Context, t *harness.T) harness.Outcome {
		e, ok := t.Env.(*Env)
		if !ok {
			return harness.Errorf("harness-bug", "the runner's environment is a %T, not a manager-role Env", t.Env)
		}
		return run(ctx, t, e)
	}
	return c
}

// Reason codes shared by many checks (docs/checks.md lists them all).
const (
	reasonAccepted      = "accepted" // the manager acknowledged what it must refuse
	reasonStored        = "stored"   // the manager stored what it must not
	reasonNotAcked      = "not-acknowledged"
	reasonNotStored     = "not-stored"     // an acknowledged alert cannot be found
	reasonAltered       = "altered"        // the stored alert differs from the one sent
	reasonNoObservation = "no-observation" // the statement gives no way to see what was stored
	reasonObserveFailed = "observation-failed"
	reasonNoIdentity    = "no-identity"     // a bad identity the check needs is missing
	reasonHarness       = "harness-failure" // the harness could not do its part
	reasonTimeout       = "no-answer"       // the manager did not answer in time
	reasonWrongStatus   = "wrong-status"
	reasonNoKey         = "no-manager-key"
	reasonNotTested     = "nothing-to-judge"
)

// makeAlert makes a message or ends the check in error.
func makeAlert(e *Env, spec alerts.Spec) (*alerts.Message, *harness.Outcome) {
	m, err := e.Alert(spec)
	if err != nil {
		o := harness.Errorf(reasonHarness, "making the alert: %v", err)
		return nil, &o
	}
	return m, nil
}

// observationOutcome turns a failed lookup into the verdict it forces.
func observationOutcome(err error) harness.Outcome {
	if errors.Is(err, observe.ErrNoChannel) {
		return harness.Inconclusivef(reasonNoObservation, "the check must see what the manager stored, and the statement gives no observation channel")
	}
	return harness.Errorf(reasonObserveFailed, "reading the observation channel: %v", err)
}

// refusedNotStored judges an exchange that must have been refused, for an alert that must
// not have been stored. A refusal during the TLS handshake proves nothing reached the
// manager's application; an HTTP refusal must be confirmed by the observation channel.
func refusedNotStored(ctx context.Context, t *harness.T, e *Env, x *target.Exchange, id, what string) harness.Outcome {
	how := x.Refusal()
	t.Expect("refused (TLS alert, closed connection or 4xx) and not stored", x.Outcome())
	switch how {
	case "":
		return harness.Failf(reasonAccepted, "the manager answered %s to %s", x.Outcome(), what)
	case "timeout":
		return harness.Failf(reasonTimeout, "the manager neither answered nor refused %s: %v", what, x.Err)
	case "other":
		return harness.Errorf(reasonHarness, "sending %s failed on the harness's side: %v", what, x.Err)
	}
	got, err := e.NotStored(ctx, id)
	switch {
	case errors.Is(err, observe.ErrNoChannel) && how == "tls":
		t.Notef("no observation channel; the refusal came before any request reached the application, so nothing can have been stored")
		return harness.Passf("%s was refused at the TLS layer (%s)", what, x.Outcome())
	case err != nil:
		return observationOutcome(err)
	case len(got[observe.Key(id)]) > 0:
		recordObservations(t, got[observe.Key(id)])
		return harness.Failf(reasonStored, "%s was refused (%s) but alert %s was stored anyway", what, x.Outcome(), id)
	}
	t.Notef("alert %s is not in %s after %s", id, e.Observe.Describe(), e.Settle)
	return harness.Passf("%s was refused (%s) and nothing was stored", what, x.Outcome())
}

// acceptedAndKept judges an alert that must be acknowledged and then stored, and returns
// the observation for further comparison (nil with the outcome otherwise).
func acceptedAndKept(ctx context.Context, t *harness.T, e *Env, x *target.Exchange, m *alerts.Message, what string) (*observe.Observation, *harness.Outcome) {
	if !x.Success() {
		t.Expect("2xx, then the alert observable", x.Outcome())
		o := harness.Failf(reasonNotAcked, "%s was not acknowledged: %s", what, x.Outcome())
		return nil, &o
	}
	got, err := e.Stored(ctx, m.ID)
	if err != nil {
		o := observationOutcome(err)
		return nil, &o
	}
	obs := got[observe.Key(m.ID)]
	if len(obs) == 0 {
		t.Expect("the acknowledged alert observable", fmt.Sprintf("alert %s not found after %s", m.ID, e.Settle))
		o := harness.Failf(reasonNotStored, "%s was acknowledged (%d) but alert %s cannot be found in %s after %s", what, x.Status, m.ID, e.Observe.Describe(), e.Settle)
		return nil, &o
	}
	recordObservations(t, obs)
	return &obs[0], nil
}

func recordObservations(t *harness.T, obs []observe.Observation) {
	for _, o := range obs {
		t.Evidence("observation", o.Where, string(o.Message))
	}
}

// joinLines joins non-empty lines.
func joinLines(lines ...string) string {
	var out []string
	for _, l := range lines {
		if l != "" {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

func keyOf(id string) string { return observe.Key(id) }

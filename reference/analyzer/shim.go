package analyzer

import (
	"context"
	"errors"

	"github.com/idmefcheck/idmefcheck/reference/analyzer/alert"
	"github.com/idmefcheck/idmefcheck/reference/analyzer/shim"
)

// ShimProducer puts the reference analyzer behind the shim protocol (docs/shim.md): emit
// spools the scenario's alerts and replies with their IDs; a scenario it does not know is
// skipped.
type ShimProducer struct {
	Analyzer       *Analyzer
	Implementation shim.Implementation
	// OnStop, when not nil, runs at stop: the command lets delivery finish there.
	OnStop func(ctx context.Context) error
}

// Start implements shim.Producer.
func (p *ShimProducer) Start(context.Context) (shim.Started, error) {
	c := p.Analyzer.cfg
	var delivery []string
	if c.Push != nil {
		delivery = append(delivery, "push")
	}
	if c.Pull != nil {
		delivery = append(delivery, "pull")
	}
	if len(delivery) == 0 {
		return shim.Started{}, errors.New("analyzer: shim: neither push nor pull is configured: the alerts would go nowhere")
	}
	return shim.Started{Version: shim.Version, Implementation: p.Implementation,
		Capabilities: shim.Capabilities{Scenarios: alert.ScenarioNames(), Versions: []string{p.Analyzer.builder.Version()}, Delivery: delivery}}, nil
}

// Emit implements shim.Producer.
func (p *ShimProducer) Emit(ctx context.Context, scenario string, count int) ([]string, error) {
	got, err := p.Analyzer.Emit(ctx, scenario, count)
	if errors.Is(err, alert.ErrUnknownScenario) {
		return nil, &shim.SkipError{Reason: "the reference analyzer knows no scenario " + scenario}
	}
	if err != nil {
		return nil, err
	}
	if got.Dead > 0 {
		return got.IDs, errors.New("analyzer: some alerts of the scenario failed the strict profile and went to the dead-letter file")
	}
	return got.IDs, nil
}

// Stop implements shim.Producer.
func (p *ShimProducer) Stop(ctx context.Context) error {
	if p.OnStop != nil {
		return p.OnStop(ctx)
	}
	return nil
}

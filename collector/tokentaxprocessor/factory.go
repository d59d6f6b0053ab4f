// Package tokentaxprocessor prices GenAI spans in the OpenTelemetry Collector: it adds the
// tokentax.cost.* attributes (actual cost, one counterfactual per scenario, cheapest, savings) from
// the pricing data embedded at build time, exactly as the tokentax Node package does in-process.
package tokentaxprocessor

//go:generate sh sync-data.sh

import (
	"context"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/consumer"
	"go.opentelemetry.io/collector/processor"
	"go.opentelemetry.io/collector/processor/processorhelper"
)

const typeStr = "tokentax"

var componentType = component.MustNewType(typeStr)

// NewFactory returns the factory of the tokentax processor (traces only).
func NewFactory() processor.Factory {
	return processor.NewFactory(componentType, createDefaultConfig,
		processor.WithTraces(createTracesProcessor, component.StabilityLevelBeta))
}

// createDefaultConfig: the embedded pricing data and its default scenarios, no user prices.
func createDefaultConfig() component.Config {
	return &Config{}
}

func createTracesProcessor(ctx context.Context, set processor.Settings, cfg component.Config,
	next consumer.Traces) (processor.Traces, error) {
	c := cfg.(*Config)
	r, err := c.resolve()
	if err != nil {
		return nil, err
	}
	p, err := buildPricing(embeddedSources, r)
	if err != nil {
		return nil, err
	}
	cp := newCostProcessor(p, set.Logger)
	set.Logger.Info("tokentax: pricing spans", zapScenarios(p)...)
	return processorhelper.NewTraces(ctx, set, cfg, next, cp.processTraces,
		processorhelper.WithCapabilities(consumer.Capabilities{MutatesData: true}))
}

package funneltest_test

import (
	"fmt"

	"github.com/crmkit/crmkit/deal"
)

// pipelineOf builds a test pipeline of the stages given; a stage without a
// forecast category is in deal.ForecastPipeline.
func pipelineOf(stages ...deal.Stage) *deal.Pipeline {
	for i := range stages {
		if stages[i].Forecast == 0 {
			stages[i].Forecast = deal.ForecastPipeline
		}
	}
	return deal.MustPipeline(deal.PipelineSpec{ID: fmt.Sprintf("test-%d", len(stages)), Stages: stages})
}

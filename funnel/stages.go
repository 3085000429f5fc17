package funnel

import (
	"fmt"
	"strings"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/deal"
)

// A funnel's stages are those of a deal.Pipeline, the one stage model of
// crmkit: records and opportunities name a stage by its index in the
// pipeline (0 is the first stage, as in deal.Deal.Stage), and every report
// reads the stage's name, probability (a fraction in [0, 1]), forecast
// category, expected duration (Stage.Stuck), visit cadence
// (VisitCadence.WindowEnd, Breached) and minimums from the pipeline as
// configured, without conversion. The lead qualification ladder is a
// pipeline too (LeadPipeline).

// stageList is a pipeline's stages, copied once per report so that the
// per-record paths read them without locking or copying.
type stageList struct {
	id   string
	list []deal.Stage
}

// stagesOf returns the stages of p; a nil or zero pipeline (one not made
// by deal.NewPipeline) is ErrInvalid.
func stagesOf(p *deal.Pipeline) (stageList, error) {
	if p == nil || p.Len() == 0 {
		return stageList{}, crmkit.Invalid("pipeline", "no pipeline (use deal.NewPipeline)")
	}
	return stageList{id: p.ID(), list: p.Stages()}, nil
}

// Len returns the number of stages.
func (s stageList) Len() int { return len(s.list) }

// Stage returns stage i, which must be in range.
func (s stageList) Stage(i int) *deal.Stage { return &s.list[i] }

// Index returns the index of the stage named name, as
// deal.Pipeline.StageIndex finds it (the exact name first, then ignoring
// case), and false for an unknown name.
func (s stageList) Index(name string) (int, bool) {
	for i := range s.list {
		if s.list[i].Name == name {
			return i, true
		}
	}
	for i := range s.list {
		if strings.EqualFold(s.list[i].Name, name) {
			return i, true
		}
	}
	return -1, false
}

// Name returns the name of stage i, or "stage <i>" for an index out of
// range (used in messages).
func (s stageList) Name(i int) string {
	if i >= 0 && i < len(s.list) {
		return s.list[i].Name
	}
	return fmt.Sprintf("stage %d", i)
}

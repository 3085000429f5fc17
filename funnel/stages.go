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

// stageList is a pipeline's stages as a report reads them: names through
// the pipeline itself (no copy), and, for the stage policy (probability,
// category, expected duration, cadence, minimums), a copy of the stages
// made once per call by policyOf, so that per-record paths read them
// without locking or copying.
type stageList struct {
	p    *deal.Pipeline
	list []deal.Stage // nil unless made by policyOf
}

// stagesOf returns the stages of p for names and counts; a nil or zero
// pipeline (one not made by deal.NewPipeline) is ErrInvalid.
func stagesOf(p *deal.Pipeline) (stageList, error) {
	if p == nil || p.Len() == 0 {
		return stageList{}, crmkit.Invalid("pipeline", "no pipeline (use deal.NewPipeline)")
	}
	return stageList{p: p}, nil
}

// policyOf is stagesOf with the stages themselves, for Stage.
func policyOf(p *deal.Pipeline) (stageList, error) {
	s, err := stagesOf(p)
	if err == nil {
		s.list = p.Stages()
	}
	return s, err
}

// Len returns the number of stages.
func (s stageList) Len() int { return s.p.Len() }

// Stage returns stage i, which must be in range, of a list made by
// policyOf.
func (s stageList) Stage(i int) *deal.Stage { return &s.list[i] }

// Index returns the index of the stage named name, as
// deal.Pipeline.StageIndex finds it (the exact name first, then ignoring
// case), and false for an unknown name.
func (s stageList) Index(name string) (int, bool) {
	n := s.p.Len()
	for i := range n {
		if s.p.StageName(i) == name {
			return i, true
		}
	}
	for i := range n {
		if strings.EqualFold(s.p.StageName(i), name) {
			return i, true
		}
	}
	return -1, false
}

// Name returns the name of stage i, or "stage <i>" for an index out of
// range (used in messages).
func (s stageList) Name(i int) string {
	if i >= 0 && i < s.p.Len() {
		return s.p.StageName(i)
	}
	return fmt.Sprintf("stage %d", i)
}

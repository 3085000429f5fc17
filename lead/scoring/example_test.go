package scoring_test

import (
	"fmt"
	"slices"
	"time"

	"github.com/crmkit/crmkit/lead"
	"github.com/crmkit/crmkit/lead/scoring"
)

// A rule-based model: fit to the ideal customer profile plus engagement
// that halves every 30 days, scored at an explicit time.
func ExampleScorer_Score() {
	model, err := scoring.ParseModel([]byte(`{
	  "fit": [
	    {"name": "software", "field": "industry", "op": "equals", "values": ["software"], "points": 10},
	    {"name": "mid-size", "field": "company_size", "op": "between", "min": 50, "max": 1000, "points": 15}
	  ],
	  "engagement": [
	    {"name": "demo request", "kind": "form", "points": 20},
	    {"name": "site visit", "kind": "visit", "points": 2}
	  ],
	  "half_life": "720h",
	  "mql": 20,
	  "sql": 40
	}`))
	if err != nil {
		fmt.Println(err)
		return
	}
	scorer, err := scoring.NewScorer(model)
	if err != nil {
		fmt.Println(err)
		return
	}
	at := time.Date(2025, 6, 30, 0, 0, 0, 0, time.UTC)
	l := lead.Lead{
		Who: lead.Person{Company: "Acme", Industry: "Software", CompanySize: 120},
		Journey: []lead.Touchpoint{
			{Channel: lead.ChannelInboundContent, Kind: lead.TouchVisit, At: at.AddDate(0, 0, -60)},
			{Channel: lead.ChannelInboundContent, Kind: lead.TouchForm, At: at.AddDate(0, 0, -30)},
		},
	}
	score, err := scorer.Score(l, at)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("fit %.1f + engagement %.1f = %.1f: %s-worthy\n", score.Fit, score.Engagement, score.Total, score.Worthy)
	for _, r := range score.Reasons {
		fmt.Printf("  %-12s %-10s %5.2f\n", r.Rule, r.Part, r.Points)
	}
	// Output:
	// fit 25.0 + engagement 10.5 = 35.5: mql-worthy
	//   software     fit        10.00
	//   mid-size     fit        15.00
	//   demo request engagement 10.00
	//   site visit   engagement  0.50
}

// Predictive lead scoring: a naive Bayes model trained from past leads
// that converted or were disqualified.
func ExampleTrainPredictive() {
	past := []lead.Lead{
		{Stage: lead.StageConverted, Source: lead.ChannelReferral, Who: lead.Person{Country: "DE"}},
		{Stage: lead.StageConverted, Source: lead.ChannelReferral, Who: lead.Person{Country: "DE"}},
		{Stage: lead.StageConverted, Source: lead.ChannelEvent, Who: lead.Person{Country: "FR"}},
		{Stage: lead.StageDisqualified, Source: lead.ChannelPurchasedList, Who: lead.Person{Country: "FR"}},
		{Stage: lead.StageDisqualified, Source: lead.ChannelPurchasedList, Who: lead.Person{Country: "DE"}},
		{Stage: lead.StageDisqualified, Source: lead.ChannelReferral, Who: lead.Person{Country: "FR"}},
		{Stage: lead.StageMQL, Source: lead.ChannelEvent, Who: lead.Person{Country: "DE"}}, // still open: skipped
	}
	model, err := scoring.TrainPredictive(scoring.PredictiveConfig{Fields: []string{"source", "country"}}, slices.Values(past))
	if err != nil {
		fmt.Println(err)
		return
	}
	p, err := model.Predict(lead.Lead{Source: lead.ChannelReferral, Who: lead.Person{Country: "DE"}})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("prior %.2f, probability %.3f\n", p.Prior, p.Probability)
	for _, c := range p.Contributions {
		fmt.Printf("  %s=%s: P(v|converted) %.3f, P(v|not) %.3f, log-odds %+.3f\n", c.Field, c.Value, c.Converted, c.NotConverted, c.LogOdds)
	}
	// Output:
	// prior 0.50, probability 0.692
	//   source=referral: P(v|converted) 0.429, P(v|not) 0.286, log-odds +0.405
	//   country=de: P(v|converted) 0.500, P(v|not) 0.333, log-odds +0.405
}

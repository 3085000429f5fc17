// Package scoring scores leads of package lead: how well a lead fits the
// ideal customer profile, how engaged it is, and how likely it is to
// convert.
//
// # Rule-based scoring
//
// A Model is configuration as data, built in code or read from JSON
// (ParseModel): fit rules (FitRule: a lead field compared with Op, worth
// points) plus engagement rules (EngagementRule: touchpoints of a kind or
// channel, worth points that halve every HalfLife), with MQL and SQL
// thresholds. NewScorer validates and compiles it. Scorer.Score explains a
// score rule by rule; Scorer.Total and Scorer.FitOf score in bulk without
// allocating; Scorer.Worthy maps a total to the stage it qualifies for;
// Scorer.QualityBySource measures each source's fit.
//
// # Predictive scoring
//
// TrainNaiveBayes trains a naive Bayes classifier from Observations;
// TrainPredictive trains a PredictiveModel from past converted and
// disqualified leads over lead fields (PredictiveConfig). A Prediction
// gives the probability that a lead converts, a fraction in [0, 1], and
// the contribution of each field. Models round-trip through JSON.
//
// Fields are named as lead's Field constants ("industry", "country",
// "attr.segment", ...). Bad input is an error matching crmkit.ErrInvalid
// that names the rule and field; nil or zero scorers and models are
// refused the same way.
package scoring

// Package lead models sales leads: who showed interest, through which
// source and channel, the journey of touchpoints, the qualification ladder
// Suspect -> MQL -> SQL -> Converted (with Nurture and Disqualified beside
// it), temperature, scoring, routing, dedupe and conversion.
//
// A Lead is a value. Commands take a lead and return the changed lead and
// the crmkit.Event that records the change; bad input returns an error and
// changes nothing.
package lead

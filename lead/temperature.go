package lead

import (
	"time"

	"github.com/crmkit/crmkit"
)

// Temperature says how soon a lead wants to buy. The zero Temperature is
// not a temperature.
type Temperature uint8

// The temperatures, from the sales-lead literature: hot wants to buy
// immediately, warm gave a buying time frame of about two months, cold is
// interested but gave no time frame.
const (
	TemperatureCold Temperature = iota + 1
	TemperatureWarm
	TemperatureHot
)

// ParseTemperature parses "cold", "warm" or "hot" (any case, spaces
// trimmed). Anything else matches crmkit.ErrInvalid.
func ParseTemperature(s string) (Temperature, error) {
	c, _ := canonicalName(s)
	if t, err := temperatureNames.Parse(c); err == nil && t != 0 {
		return t, nil
	}
	return 0, crmkit.Invalid("temperature", "unknown temperature %q", s)
}

// Default temperature thresholds. DefaultWarmWithin is the "about two
// months" of the literature, read as 60 days.
const (
	DefaultHotWithin  = 7 * 24 * time.Hour
	DefaultWarmWithin = 60 * 24 * time.Hour
)

// TemperatureRules derives a lead's temperature from its stated buying
// time frame (Lead.BuyBy, the date by which it says it will buy) and the
// current time:
//
//   - hot: the lead wants to buy now: BuyBy is at most HotWithin after now
//     (a date already passed counts as now: the need is due);
//   - warm: BuyBy is more than HotWithin and at most WarmWithin after now;
//   - cold: no time frame stated (zero BuyBy), or one further away than
//     WarmWithin.
//
// The zero TemperatureRules uses DefaultHotWithin (7 days) and
// DefaultWarmWithin (60 days).
type TemperatureRules struct {
	// HotWithin is the longest wait that still counts as buying now.
	HotWithin time.Duration
	// WarmWithin is the longest wait that counts as warm.
	WarmWithin time.Duration
}

// DefaultTemperatureRules returns the default thresholds: hot within 7
// days, warm within 60 days.
func DefaultTemperatureRules() TemperatureRules {
	return TemperatureRules{HotWithin: DefaultHotWithin, WarmWithin: DefaultWarmWithin}
}

// withDefaults fills zero thresholds with the defaults.
func (r TemperatureRules) withDefaults() TemperatureRules {
	if r.HotWithin == 0 {
		r.HotWithin = DefaultHotWithin
	}
	if r.WarmWithin == 0 {
		r.WarmWithin = DefaultWarmWithin
	}
	return r
}

// Validate rejects negative thresholds and a warm threshold below the hot
// one (after zero values are replaced by the defaults).
func (r TemperatureRules) Validate() error {
	if r.HotWithin < 0 {
		return crmkit.Invalid("hot within", "negative duration %s", r.HotWithin)
	}
	if r.WarmWithin < 0 {
		return crmkit.Invalid("warm within", "negative duration %s", r.WarmWithin)
	}
	d := r.withDefaults()
	if d.WarmWithin < d.HotWithin {
		return crmkit.Invalid("warm within", "%s is shorter than hot within %s", d.WarmWithin, d.HotWithin)
	}
	return nil
}

// Temperature returns the temperature of a lead that stated buyBy (zero
// for no time frame) as seen at now. Invalid rules are an error.
func (r TemperatureRules) Temperature(buyBy, now time.Time) (Temperature, error) {
	if err := r.Validate(); err != nil {
		return 0, err
	}
	return r.withDefaults().temperature(buyBy, now), nil
}

func (r TemperatureRules) temperature(buyBy, now time.Time) Temperature {
	if buyBy.IsZero() {
		return TemperatureCold
	}
	wait := buyBy.Sub(now)
	switch {
	case wait <= r.HotWithin:
		return TemperatureHot
	case wait <= r.WarmWithin:
		return TemperatureWarm
	default:
		return TemperatureCold
	}
}

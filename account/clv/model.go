package clv

// PurchaseModel is a fitted model of the number of purchases in continuous
// time (BGNBD, MBGNBD, ParetoNBD). Goodness-of-fit and CLV take one, so any
// of the three can be compared or combined with the Gamma-Gamma spend
// model. Times are in the unit of the data the model was fitted to; every
// method returns an error wrapping crmkit.ErrInvalid for a bad argument or
// an unusable parameter set.
type PurchaseModel interface {
	// ExpectedPurchases returns E[X(t)], the expected number of repeat
	// purchases in (0, t] of a customer picked at random at first purchase.
	ExpectedPurchases(t float64) (float64, error)
	// ConditionalExpectedPurchases returns the expected number of purchases
	// in the t time units after T of a customer with history (x, t_x, T).
	ConditionalExpectedPurchases(t float64, c Customer) (float64, error)
	// ProbAlive returns the probability that a customer with history
	// (x, t_x, T) is still active at T.
	ProbAlive(c Customer) (float64, error)
	// ProbPurchases returns P(X(t) = n) for a customer picked at random.
	ProbPurchases(n int, t float64) (float64, error)
}

var (
	_ PurchaseModel = BGNBD{}
	_ PurchaseModel = MBGNBD{}
	_ PurchaseModel = ParetoNBD{}
)

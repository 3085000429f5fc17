package clv

// GammaGammaCustomers returns the customers the Gamma-Gamma model can be
// fitted to and score: those with at least one repeat purchase and a
// positive MonetaryValue, in their original order. The model describes
// positive spend (its density has ln m, undefined at 0), so a repeat
// customer whose repeat purchases add up to zero or less, such as one whose
// only repeat order was a $0.00 order, cannot enter FitGammaGamma or
// GammaGamma.LogLikelihood; excluded counts them so a caller can say how
// many were left out. Customers without a repeat purchase carry no spend
// information and are neither returned nor counted. A NaN or infinite
// MonetaryValue is kept, for the fit to report as invalid. The input slice
// is not modified.
func GammaGammaCustomers(customers []Customer) (fit []Customer, excluded int) {
	for _, c := range customers {
		switch {
		case c.Frequency <= 0:
		case c.MonetaryValue <= 0:
			excluded++
		default:
			fit = append(fit, c)
		}
	}
	return fit, excluded
}

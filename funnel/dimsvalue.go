package funnel

// Value returns the dimension dim of d (the owner for ByOwner, the deal
// type for ByType, ...), "" when d has no value for it or dim is not a
// dimension of Dims (ByPeriod). It lets other packages split by the same
// dimensions a Report splits by.
func (d Dims) Value(dim Dimension) string { return d.field(dim) }

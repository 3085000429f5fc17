package clv

import (
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"gonum.org/v1/gonum/mathext"
)

// The direct series agrees with closed forms (2F1(1, 1; 2; z) =
// -ln(1-z)/z and 2F1(a, b; b; z) = (1-z)^-a) and with gonum where gonum
// terminates; a series that cannot converge in maxHypTerms terms is NaN.
func TestHyp2f1Series(t *testing.T) {
	for _, z := range []float64{0, 0.1, 0.5, 0.9, 0.95, 0.99} {
		want := 1.0
		if z > 0 {
			want = -math.Log1p(-z) / z
		}
		assert.InEpsilon(t, want, hyp2f1Series(1, 1, 2, z), 1e-12, "2F1(1,1;2;%v)", z)
		assert.InEpsilon(t, math.Pow(1-z, -2.5), hyp2f1Series(2.5, 3, 3, z), 1e-12, "2F1(2.5,3;3;%v)", z)
		assert.InEpsilon(t, mathext.Hypergeo(1.5, 2, 7.25, z), hyp2f1Series(1.5, 2, 7.25, z), 1e-12, "2F1(1.5,2;7.25;%v)", z)
	}
	// c - a - b = -0.5 at z = 0.999999: the terms fall like k^-0.5 z^k.
	assert.True(t, math.IsNaN(hyp2f1Series(1, 1.5, 2, 0.9999999)))
	// The two arguments gonum does not finish on (see hyp2f1) now answer.
	assert.False(t, math.IsNaN(hyp2f1(46.10714285714286, 2, 219.10714285714286, 60.0/61)))
	v := hyp2f1(17990339632.639545, 17990335757.27568, 17990339633.639545, 0.0022690121818828364)
	assert.True(t, math.IsNaN(v) || v > 0)
}

package clv_test

import (
	"context"
	"fmt"
	"os"
	"strings"

	"github.com/crmkit/crmkit/cmd/crmkit/internal/clv"
)

// ExampleRun scores three customers with the published CDNOW parameters
// and checks them on the three weeks after the calibration period (see
// TestTiny for the figures worked out by hand and by an independent
// transcription of the papers' equations).
func ExampleRun() {
	code := clv.Run(context.Background(), []string{"-in", "testdata/tiny.csv", "-calibration-end", "2024-03-31",
		"-bgnbd", "0.243,4.414,0.793,2.426", "-gammagamma", "6.25,3.74,15.44", "-top", "2"},
		strings.NewReader(""), os.Stdout, os.Stderr)
	fmt.Println("exit status", code)
	// Output:
	// == Input
	// testdata/tiny.csv (csv): 8 transactions, spend 266.50 USD; calibration period 2024-01-01..2024-03-31: 3 customers (0 excluded: first purchase after it)
	// repeat buyers 2, repeat purchases 3, time unit week
	//
	// == RFM (score 5 best; recency in days before 2024-03-31, frequency in purchase days, monetary = mean spend per purchase day)
	// score  R cust R days         F cust F days         M cust M mean
	//     5       0 -                   0 -                   0 -
	//     4       1 27                  1 3                   1 40.00
	//     3       0 -                   0 -                   0 -
	//     2       1 34                  1 2                   1 25.00
	//     1       1 55                  1 1                   1 12.50
	// top cells: 424=1 242=1 111=1
	//
	// == BG/NBD (given, 3 customers)
	// r=0.243 alpha=4.414 a=0.793 b=2.426 LL=-12.0
	//
	// == Gamma-Gamma (given, 2 repeat buyers)
	// p=6.25 q=3.74 gamma=15.44 LL=-8.9
	//
	// == Holdout check 2024-04-01..2024-04-20 (2.86 weeks): mean repeat purchases per customer, actual and BG/NBD conditional expectation
	// x   customers   actual  expected mean act  mean exp
	// 0           1        0      0.05    0.000     0.055
	// 1           1        1      0.14    1.000     0.145
	// 2           1        0      0.24    0.000     0.240
	// 3           0        -         -        -         -
	// 4           0        -         -        -         -
	// 5           0        -         -        -         -
	// 6           0        -         -        -         -
	// 7+          0        -         -        -         -
	// all         3        1      0.44
	//
	// == CLV over 12 months (discount 0.01 a month, margin 1): total 192.31 over 3 customers
	// customer      x     t_x       T        m P(alive)  E[purch] E[spend]       CLV
	// a             2    8.00   12.86    32.50    0.673      2.91    32.99     90.80
	// c             1    8.00   11.86    50.00    0.686      1.81    45.49     77.92
	// exit status 0
}

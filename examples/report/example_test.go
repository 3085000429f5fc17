package main

import (
	"fmt"
	"os"
)

// Example runs the report on the shipped synthetic export (see
// TestHandComputed for the figures worked out by hand).
func Example() {
	if err := run([]string{"-deals", "testdata/deals.csv"}, os.Stdout, os.Stderr); err != nil {
		fmt.Println(err)
	}
	// Output:
	// == Deals (8 read, 2 rows not read; amounts in EUR)
	// won 4, lost 2, open 2
	// win rate          66.67%
	// won revenue       6500.00
	// open pipeline     7500.00
	// average won deal  1625.00
	// sales cycle, days (mean/median): won 20.0/15.0, lost 22.0/22.0, closed 20.7/17.0
	//
	// == By owner (cycles in days, mean/median)
	// owner          deals  won lost open win rate  won revenue     pipeline  average won   cycle won  cycle lost   cycle all
	// Ann                4    2    1    1   66.67%      1500.00      2500.00       750.00   15.0/15.0   14.0/14.0   14.7/14.0
	// Bob                4    2    1    1   66.67%      5000.00      5000.00      2500.00   25.0/25.0   30.0/30.0   26.7/30.0
	//
	// == By source (cycles in days, mean/median)
	// source         deals  won lost open win rate  won revenue     pipeline  average won   cycle won  cycle lost   cycle all
	// event              2    1    0    1  100.00%      2000.00      2500.00      2000.00   10.0/10.0           -   10.0/10.0
	// referral           2    2    0    0  100.00%      3500.00         0.00      1750.00   25.0/25.0           -   25.0/25.0
	// web                4    1    2    1   33.33%      1000.00      5000.00      1000.00   20.0/20.0   22.0/22.0   21.3/20.0
	//
	// == By product (cycles in days, mean/median)
	// product        deals  won lost open win rate  won revenue     pipeline  average won   cycle won  cycle lost   cycle all
	// Gadget             4    1    2    1   33.33%      3000.00      2500.00      3000.00   40.0/40.0   22.0/22.0   28.0/30.0
	// Widget             4    3    0    1  100.00%      3500.00      5000.00      1166.67   13.3/10.0           -   13.3/10.0
	//
	// == By month created (cycles in days, mean/median)
	// month created  deals  won lost open win rate  won revenue     pipeline  average won   cycle won  cycle lost   cycle all
	// 2024-01            3    2    1    0   66.67%      4000.00         0.00      2000.00   30.0/30.0   14.0/14.0   24.7/20.0
	// 2024-02            4    1    1    2   50.00%       500.00      7500.00       500.00   10.0/10.0   30.0/30.0   20.0/20.0
	// 2024-03            1    1    0    0  100.00%      2000.00         0.00      2000.00   10.0/10.0           -   10.0/10.0
	//
	// == Rows not read: 2
	// testdata/deals.csv line 9: amount "12.345": invalid amount: 12.345 has more decimal places than EUR allows (2)
	// testdata/deals.csv line 11: won deal without a close date
	//
	// == Names spelled more than one way (counted together): 1
	// product: "Widget" (3 rows), "widget" (1 row)
}

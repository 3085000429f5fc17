package deal_test

import (
	"errors"
	"fmt"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/deal"
	"github.com/google/uuid"
	"github.com/shopspring/decimal"
)

// A deal read from somewhere else (a file, a queue, an older system) is
// checked with Validate before use: here a probability written as a
// percentage, 25 for 25 %, where a fraction (0.25) belongs.
func ExampleDeal_Validate() {
	d, _, err := deal.New(deal.DefaultPipeline(), deal.NewDeal{
		Name: "Fleet renewal", Type: deal.Renewal, Amount: crmkit.MustMoney("12000.00", "EUR"),
		AccountID: uuid.MustParse("01900000-0000-7000-8000-0000000000a1"), Owner: "ana",
	}, deal.Cmd{Cmd: crmkit.Cmd{By: "ana", At: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)}})
	if err != nil {
		panic(err)
	}
	fmt.Println(d.Validate())

	imported := d.Clone()
	imported.Probability = decimal.NewNullDecimal(decimal.NewFromInt(25))
	err = imported.Validate()
	var ve *crmkit.ValidationError
	fmt.Println(errors.Is(err, crmkit.ErrInvalid), errors.As(err, &ve) && ve.Field == "probability")
	// Output:
	// <nil>
	// true true
}

package crmkit_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/shopspring/decimal"

	"github.com/crmkit/crmkit"
)

func ExampleParseMoney() {
	eur := crmkit.MustCurrency("EUR")
	m, err := crmkit.ParseMoney("1234.5", eur)
	fmt.Println(m, m.Minor(), err)

	_, err = crmkit.ParseMoney("0.125", eur) // more precision than cents
	fmt.Println(errors.Is(err, crmkit.ErrInvalid))

	r, _ := crmkit.ParseMoneyRound("0.125", eur, crmkit.RoundHalfEven)
	fmt.Println(r)
	// Output:
	// 1234.50 EUR 123450 <nil>
	// true
	// 0.12 EUR
}

func ExampleMoney_Allocate() {
	// Split a 100 EUR deal between three reps 50:25:25, then a 10 EUR bonus
	// three ways: the parts always sum to the whole, to the cent.
	deal := crmkit.MustMoney("100.00", "EUR")
	shares, _ := deal.Allocate(50, 25, 25)
	fmt.Println(shares)

	bonus := crmkit.MustMoney("10.00", "EUR")
	thirds, _ := bonus.Allocate(1, 1, 1)
	fmt.Println(thirds)
	// Output:
	// [50.00 EUR 25.00 EUR 25.00 EUR]
	// [3.34 EUR 3.33 EUR 3.33 EUR]
}

func ExampleMoney_Add() {
	a := crmkit.MustMoney("10.00", "EUR")
	b := crmkit.MustMoney("5.00", "USD")
	_, err := a.Add(b)
	fmt.Println(err)
	fmt.Println(errors.Is(err, crmkit.ErrCurrencyMismatch))
	// Output:
	// add EUR and USD: currency mismatch
	// true
}

func ExampleMoney_Mul() {
	price := crmkit.MustMoney("19.99", "EUR")
	commission, _ := price.Mul(decimal.RequireFromString("0.125"), crmkit.RoundHalfEven)
	fmt.Println(commission) // 2.49875 rounds to 2.50
	// Output: 2.50 EUR
}

func ExampleConvert() {
	eur, usd := crmkit.MustCurrency("EUR"), crmkit.MustCurrency("USD")
	var rates crmkit.RateTable
	_ = rates.Set(eur, usd, time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), decimal.RequireFromString("1.0850"))

	at := time.Date(2026, 6, 30, 0, 0, 0, 0, time.UTC) // fix the report's rates at a date
	usdAmount, err := crmkit.Convert(context.Background(), &rates, crmkit.MustMoney("250.00", "EUR"), usd, at, crmkit.RoundHalfEven)
	fmt.Println(usdAmount, err)
	// Output: 271.25 USD <nil>
}

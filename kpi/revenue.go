package kpi

import (
	"fmt"
	"iter"

	"github.com/crmkit/crmkit"
	"github.com/shopspring/decimal"
)

// Order is what revenue recognition needs to know about one customer order:
// a lead is money only after order, delivery and closing documents [RET].
// A lead or opportunity without an order has no Order at all.
type Order struct {
	// Amount is the order's value, non-negative, with its currency.
	Amount crmkit.Money
	// Prepaid is what the customer has paid in advance, between zero and
	// Amount, in Amount's currency. It does not make the order revenue.
	Prepaid crmkit.Money
	// Delivered reports that the goods or services were delivered.
	Delivered bool
	// DocumentsClosed reports that the closing documents (delivery note,
	// acceptance certificate, final invoice) are complete. Documents cannot
	// be closed before delivery.
	DocumentsClosed bool
}

// Validate reports whether o is a consistent order: Amount non-negative
// with a currency, Prepaid in [0, Amount] in the same currency, and no
// closed documents without delivery. Errors match crmkit.ErrInvalid or
// crmkit.ErrCurrencyMismatch.
func (o Order) Validate() error {
	a, p := amount{"Amount", o.Amount}, amount{"Prepaid", o.Prepaid}
	if o.Amount.Currency().IsZero() {
		return crmkit.Invalid("Amount", "amount without currency")
	}
	if _, err := sameCurrency(a, p); err != nil {
		return err
	}
	if err := nonNegative(a); err != nil {
		return err
	}
	if err := nonNegative(p); err != nil {
		return err
	}
	if o.Prepaid.Minor() > o.Amount.Minor() {
		return crmkit.Invalid("Prepaid", "%s is more than the order amount %s", o.Prepaid, o.Amount)
	}
	if o.DocumentsClosed && !o.Delivered {
		return crmkit.Invalid("DocumentsClosed", "closing documents of an undelivered order")
	}
	return nil
}

// Recognised reports whether the order counts as revenue: it was delivered
// and its closing documents are complete. Prepayment does not matter.
func (o Order) Recognised() bool { return o.Delivered && o.DocumentsClosed }

// RecognisedRevenue is the revenue an order contributes:
//
//	recognised revenue = amount   if delivered and closing documents complete
//	                   = 0        otherwise, however much was prepaid
//
// so even a 100% prepaid, undelivered order is recognised revenue 0 (the
// prepayment is DeferredRevenue). Source: [RET] (a lead becomes revenue
// only after order, delivery and closing documents) and IFRS 15 / ASC 606
// (revenue is recognised when the performance obligation is satisfied; an
// advance payment before that is a contract liability).
//
// The result is in the order's currency. An inconsistent order (see
// Order.Validate) is an error.
func RecognisedRevenue(o Order) (crmkit.Money, error) {
	if err := o.Validate(); err != nil {
		return crmkit.Money{}, wrap("recognised revenue", err)
	}
	if o.Recognised() {
		return o.Amount, nil
	}
	return crmkit.NewMoney(0, o.Amount.Currency())
}

// DeferredRevenue is the prepayment of an order not yet recognised, which
// the company owes the customer as goods or services (a contract liability
// under IFRS 15 / ASC 606):
//
//	deferred revenue = prepaid   if the order is not yet recognised
//	                 = 0         once it is
//
// The result is in the order's currency. An inconsistent order (see
// Order.Validate) is an error.
func DeferredRevenue(o Order) (crmkit.Money, error) {
	if err := o.Validate(); err != nil {
		return crmkit.Money{}, wrap("deferred revenue", err)
	}
	if o.Recognised() {
		return crmkit.NewMoney(0, o.Amount.Currency())
	}
	return crmkit.NewMoney(o.Prepaid.Minor(), o.Amount.Currency())
}

// TotalRecognisedRevenue sums RecognisedRevenue over a stream of orders,
// all in cur. It stops at the first inconsistent order, an order in another
// currency (crmkit.ErrCurrencyMismatch) or a sum outside int64 minor units
// (crmkit.ErrOverflow); errors name the order by its position, orders[i].
// A nil sequence is crmkit.ErrInvalid.
func TotalRecognisedRevenue(cur crmkit.Currency, orders iter.Seq[Order]) (crmkit.Money, error) {
	total, err := crmkit.NewMoney(0, cur)
	if err != nil {
		return crmkit.Money{}, wrap("recognised revenue", err)
	}
	if orders == nil {
		return crmkit.Money{}, wrap("recognised revenue", crmkit.Invalid("orders", "nil sequence"))
	}
	i := 0
	for o := range orders {
		if err := o.Validate(); err != nil {
			return crmkit.Money{}, fmt.Errorf("recognised revenue: orders[%d]: %w", i, err)
		}
		if o.Amount.Currency() != cur {
			return crmkit.Money{}, fmt.Errorf("recognised revenue: orders[%d] in %s, total in %s: %w",
				i, o.Amount.Currency(), cur, crmkit.ErrCurrencyMismatch)
		}
		if o.Recognised() {
			if total, err = total.Add(o.Amount); err != nil {
				return crmkit.Money{}, fmt.Errorf("recognised revenue: orders[%d]: %w", i, err)
			}
		}
		i++
	}
	return total, nil
}

// Purchase is one purchase, classified by whether the customer had bought
// before: repeat customers are far more profitable than new ones [RET].
type Purchase struct {
	// Amount is the purchase's recognised value, non-negative.
	Amount crmkit.Money
	// Repeat reports that the customer had bought before this purchase.
	Repeat bool
}

// CustomerRevenue is revenue split between new and repeat customers.
type CustomerRevenue struct {
	// New is the revenue from first purchases.
	New crmkit.Money
	// Repeat is the revenue from customers who had bought before.
	Repeat crmkit.Money
}

// NewVsRepeatRevenue sums purchases, all in cur, into revenue from new and
// from repeat customers. It stops at the first negative amount
// (crmkit.ErrInvalid), other currency (crmkit.ErrCurrencyMismatch) or sum
// outside int64 minor units (crmkit.ErrOverflow), naming the purchase by
// its position, purchases[i]. A nil sequence is crmkit.ErrInvalid.
func NewVsRepeatRevenue(cur crmkit.Currency, purchases iter.Seq[Purchase]) (CustomerRevenue, error) {
	zero, err := crmkit.NewMoney(0, cur)
	if err != nil {
		return CustomerRevenue{}, wrap("new vs repeat revenue", err)
	}
	if purchases == nil {
		return CustomerRevenue{}, wrap("new vs repeat revenue", crmkit.Invalid("purchases", "nil sequence"))
	}
	r := CustomerRevenue{New: zero, Repeat: zero}
	i := 0
	for p := range purchases {
		field := fmt.Sprintf("purchases[%d]", i)
		if p.Amount.Sign() < 0 {
			return CustomerRevenue{}, wrap("new vs repeat revenue", crmkit.Invalid(field, "negative amount %s", p.Amount))
		}
		if c := p.Amount.Currency(); c != cur && !(c.IsZero() && p.Amount.IsZero()) {
			return CustomerRevenue{}, fmt.Errorf("new vs repeat revenue: %s in %s, total in %s: %w",
				field, c, cur, crmkit.ErrCurrencyMismatch)
		}
		dst := &r.New
		if p.Repeat {
			dst = &r.Repeat
		}
		if *dst, err = dst.Add(p.Amount); err != nil {
			return CustomerRevenue{}, fmt.Errorf("new vs repeat revenue: %s: %w", field, err)
		}
		i++
	}
	return r, nil
}

// RepeatShare is the share of revenue that came from repeat customers:
//
//	repeat share = repeat / (new + repeat)
//
// The result is in [0, 1]. Amounts in two currencies are
// crmkit.ErrCurrencyMismatch; negative amounts and no revenue at all are
// errors matching crmkit.ErrInvalid.
func (r CustomerRevenue) RepeatShare() (decimal.Decimal, error) {
	n, p := amount{"New", r.New}, amount{"Repeat", r.Repeat}
	if _, err := sameCurrency(n, p); err != nil {
		return decimal.Decimal{}, wrap("repeat share", err)
	}
	if err := nonNegative(n); err != nil {
		return decimal.Decimal{}, wrap("repeat share", err)
	}
	if err := nonNegative(p); err != nil {
		return decimal.Decimal{}, wrap("repeat share", err)
	}
	total := minor(r.New).Add(minor(r.Repeat))
	if total.IsZero() {
		return decimal.Decimal{}, wrap("repeat share", crmkit.Invalid("New, Repeat", "zero: no revenue"))
	}
	return crmkit.Ratio(minor(r.Repeat), total)
}

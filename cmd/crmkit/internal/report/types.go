package report

import "github.com/shopspring/decimal"

// Report is everything the command prints, in the shape of its -json
// output. Amounts are decimal strings in Currency; rates are fractions in
// [0, 1] (decimal strings), null when undefined; durations are in days.
type Report struct {
	AsOf           string          `json:"as_of"`
	Currency       string          `json:"currency"`
	Store          string          `json:"store"`
	Files          []FileInfo      `json:"files"`
	Deals          *DealSection    `json:"deals,omitempty"`
	Leads          *LeadSection    `json:"leads,omitempty"`
	Rejected       RejectedSummary `json:"rejected"`
	NearDuplicates []NearDuplicate `json:"near_duplicates"`
	Unmatched      []Unmatched     `json:"unmatched"`
	Notes          []string        `json:"notes"`
}

// DealSection is the funnel of the deals file.
type DealSection struct {
	Stages    []StageRow `json:"stages"`
	Total     Figures    `json:"total"`
	ByOwner   []Figures  `json:"by_owner,omitempty"`
	ByManager []Figures  `json:"by_manager,omitempty"`
	ByOffice  []Figures  `json:"by_office,omitempty"`
	ByProduct []Figures  `json:"by_product,omitempty"`
	BySource  []Figures  `json:"by_source,omitempty"`
	// MonthlyWon is the revenue won per calendar month of the close.
	MonthlyWon []MonthWon `json:"monthly_won"`
	// CycleDays is the distribution of the won deals' sales cycles.
	CycleDays []Bucket `json:"cycle_days"`
	// NegativeCycles are the won deals closed before they started: kept in
	// every figure (a negative cycle) and listed here.
	NegativeCycles []NegativeCycle `json:"negative_cycles"`
}

// Figures are the funnel figures of a set of deals (all, or one group).
type Figures struct {
	Name  string `json:"name,omitempty"`
	Deals int64  `json:"deals"`
	Won   int64  `json:"won"`
	Lost  int64  `json:"lost"`
	Open  int64  `json:"open"`
	// OpenWithoutAmount counts open deals with a blank amount (counted in
	// Open with an amount of zero).
	OpenWithoutAmount int64            `json:"open_without_amount"`
	WinRate           *decimal.Decimal `json:"win_rate"`
	WonAmount         string           `json:"won_amount"`
	OpenAmount        string           `json:"open_amount"`
	// OpenAtListPrice values every open deal at its product's list price
	// (-products); null without a price list.
	OpenAtListPrice *string `json:"open_at_list_price"`
	AverageWon      *string `json:"average_won"`
	Cycle           *Cycle  `json:"cycle"`
}

// Cycle is the statistics of the sales cycles (start to win) of the won
// deals that have both dates.
type Cycle struct {
	Deals      int64   `json:"deals"`
	MeanDays   float64 `json:"mean_days"`
	MedianDays float64 `json:"median_days"`
	// Negative counts the cycles below zero (a win before the start).
	Negative int64 `json:"negative"`
}

// StageRow is one stage of the funnel.
type StageRow struct {
	Name          string           `json:"name"`
	Reached       int64            `json:"reached"`
	ReachedAmount string           `json:"reached_amount"`
	Advanced      int64            `json:"advanced"`
	Conversion    *decimal.Decimal `json:"conversion"`
	Won           int64            `json:"won"`
	ToWon         *decimal.Decimal `json:"to_won"`
	DroppedOff    int64            `json:"dropped_off"`
	Open          int64            `json:"open"`
	OpenAmount    string           `json:"open_amount"`
}

// MonthWon is the revenue won in one month.
type MonthWon struct {
	Month  string `json:"month"`
	Won    int64  `json:"won"`
	Amount string `json:"amount"`
}

// Bucket is one bar of the cycle distribution: the won deals whose cycle
// lies in the range Label names ("0-7": 0 to 7 days inclusive, "below 0",
// "over 180").
type Bucket struct {
	Label string `json:"label"`
	Deals int64  `json:"deals"`
}

// NegativeCycle is a won deal closed before it started.
type NegativeCycle struct {
	Deal string  `json:"deal"`
	Line int     `json:"line"`
	Days float64 `json:"days"`
}

// LeadSection is the conversion of the leads file.
type LeadSection struct {
	Total    LeadFigures   `json:"total"`
	BySource []LeadFigures `json:"by_source,omitempty"`
	ByOrigin []LeadFigures `json:"by_origin,omitempty"`
	// ToWon is the time from a lead's first contact to its deal's win.
	ToWon *Cycle `json:"lead_to_won,omitempty"`
}

// LeadFigures are the conversion figures of a set of leads.
type LeadFigures struct {
	Name       string           `json:"name,omitempty"`
	Leads      int64            `json:"leads"`
	Converted  int64            `json:"converted"`
	Conversion *decimal.Decimal `json:"conversion"`
}

// RejectedSummary groups the rejected rows by reason.
type RejectedSummary struct {
	Count   int           `json:"count"`
	Reasons []ReasonCount `json:"reasons"`
	Rows    []Rejected    `json:"rows,omitempty"`
}

// ReasonCount is how many rows one reason rejected, and the first lines.
type ReasonCount struct {
	Reason     string     `json:"reason"`
	Count      int        `json:"count"`
	FirstLines []Rejected `json:"first"`
}

// Unmatched is a name of one file missing from the file it joins (a
// deal's product not in the price list, an owner not in the teams file),
// with the names there that differ only in case, spaces or punctuation.
type Unmatched struct {
	Kind    string   `json:"kind"`
	Name    string   `json:"name"`
	Rows    int      `json:"rows"`
	Missing string   `json:"missing_from"`
	Similar []string `json:"similar,omitempty"`
}

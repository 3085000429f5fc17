// Package crmkit is the shared vocabulary of the crmkit library: money,
// periods and fiscal calendars, exchange rates, clocks, identifiers, errors
// and the event envelope that every other package uses.
//
// crmkit is an embeddable, pure-Go library for funnel and customer-lifecycle
// logic, for teams that write their own CRM backend. The domain packages are
// pure (values in, values and events out, time from a Clock) and never do
// I/O; persistence lives in package storage and its backends.
//
// # Packages
//
//   - crmkit (this package): Money, Period, Calendar, Rates, Clock,
//     IDSource, Ratio (the one ratio helper), Durations (the one
//     duration-statistics type), Cmd (the one command shape: who, when,
//     why), Enum (the one enum pattern), Event and the sentinel errors.
//   - kpi: the standard sales and marketing KPI formulas (conversion, win
//     rate, CAC, churn, NRR, attainment, ...) in exact decimal arithmetic.
//   - lead: sources, touchpoints, the suspect -> MQL -> SQL ladder, scoring,
//     routing, dedupe and conversion.
//   - deal: company-defined pipelines, the opportunity state machine,
//     approvals, quotes, team splits and hand-over.
//   - funnel: conversion, time in stage, velocity, forecasts, campaigns and
//     attribution, computed from events in one streaming pass.
//   - account: organisations, contacts, contracts, lifecycle stage, RFM and
//     customer value; account/clv holds the BG/NBD family of CLV models.
//   - quota: annual targets split over periods and dimensions, adjustments,
//     attainment and commission plans.
//   - storage: repository interfaces, storage/memory (the embedded default),
//     storage/postgres and the conformance suite storage/storagetest.
//
// # Money
//
// Money is an int64 count of a currency's minor units plus its ISO 4217 code.
// Sums are exact and overflow is an error (ErrOverflow), never a wrap;
// arithmetic across currencies is ErrCurrencyMismatch. Multiplying by a rate
// rounds explicitly with a RoundingMode. Allocate splits an amount into parts
// that add up to it exactly, to the minor unit.
//
// # Time
//
// A Period is a half-open range [Start, End). A Calendar is a fiscal
// calendar (any start month and time zone, or a retail 4-4-5 / 4-5-4 / 5-4-4
// week calendar) that answers which month, quarter, half and year contain a
// time, the MTD/QTD/YTD periods to a date and the same period last year.
// Anything that needs "now" takes a Clock, and anything that makes IDs an
// IDSource beside it: UUIDv7 (the default, its time from the Clock) or,
// for tests and replays, DeterministicIDs, so that the same commands under
// a FakeClock give the same IDs and events every time.
//
// # Enums
//
// Every enum of crmkit is a small integer type with one name table, an
// Enum: String, MarshalText, UnmarshalText and Valid all read it. Each
// declared value has one stable text form, and so does the zero value of
// an enum whose zero is no value: "unset" (Unset). JSON and storage use the
// text, never the constant's position, so reordering a const block
// changes no encoded data; a number that is not declared has no text form
// and is ErrInvalid wherever it would be encoded.
//
// # Errors
//
// Every error wraps one sentinel (ErrInvalid, ErrNotFound, ErrConflict,
// ErrIllegalTransition, ErrForbidden, ErrCurrencyMismatch, ErrOverflow,
// and ErrUnavailable from stores), so
// errors.Is works; rejected input is a *ValidationError naming the field.
// Nothing in crmkit panics on input a caller can send: nil contexts, nil
// iterators, nil receivers and zero values get zero answers or errors
// matching ErrInvalid. Only functions named Must* panic, as their name
// says, for literals in programs and tests.
//
// # Concurrency
//
// The value types of this package (Money, Period, Calendar, Event) are
// immutable and safe to share between goroutines. RateTable, FakeClock and
// the ID sources are safe for concurrent use.
package crmkit

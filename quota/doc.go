// Package quota sets, adjusts, forecasts and evaluates sales targets, and
// pays commission on them.
package quota

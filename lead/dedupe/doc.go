// Package dedupe finds duplicate leads and matches a lead to existing
// accounts and contacts by normalised keys: e-mail addresses, company
// domains and phone numbers (see Matcher for the rules).
//
// Matcher.FindDuplicates groups the duplicates in a list of leads, for
// lead.Merge to merge; Matcher.Resolve finds the account and contact a
// lead's conversion links to (lead.Links), or refuses a duplicate under
// RejectDuplicates. storage.Convert uses Resolve against the accounts and
// contacts a store finds by the same keys (NormalizeDomain,
// NormalizeEmail, NormalizePhone), so stored and matched keys agree.
package dedupe

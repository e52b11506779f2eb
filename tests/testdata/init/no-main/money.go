// Package money is a library: berth init has nothing to build here.
package money

// Cents is an amount of money.
type Cents int64

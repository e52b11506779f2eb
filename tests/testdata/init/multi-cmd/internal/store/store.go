// Package store is the shop's storage, shared by the API and the migration.
package store

import "os"

// DSN is where the database is.
func DSN() string { return os.Getenv("DATABASE_URL") }

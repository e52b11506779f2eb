// Command migrate updates the shop's schema and exits.
package main

import (
	"fmt"

	"github.com/acme/shop/internal/store"
)

func main() { fmt.Println("migrating", store.DSN() != "") }

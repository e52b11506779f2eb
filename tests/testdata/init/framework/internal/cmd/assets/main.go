// Command assets writes the embedded asset table and exits: a code generator.
package main

import (
	"log"
	"os"
)

func main() {
	if err := os.WriteFile("assets_gen.go", []byte("package framework\n"), 0o644); err != nil {
		log.Fatal(err)
	}
}

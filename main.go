// Command berth turns a service descriptor into a Dockerfile, a .dockerignore and
// layered Helm values. See README.md.
package main

import (
	"os"

	"github.com/berth-dev/berth/generator/cli"
)

func main() {
	os.Exit(cli.Main(os.Args[1:], os.Stdout, os.Stderr))
}

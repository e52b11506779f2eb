// Command api uses the workspace's lib module, which only go.work resolves.
package main

import (
	"fmt"

	"example.com/wss/lib"
)

func main() { fmt.Println("api", lib.Name) }

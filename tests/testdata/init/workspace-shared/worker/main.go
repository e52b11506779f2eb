// Command worker uses the workspace's lib module, which only go.work resolves.
package main

import (
	"fmt"

	"example.com/wss/lib"
)

func main() { fmt.Println("worker", lib.Name) }

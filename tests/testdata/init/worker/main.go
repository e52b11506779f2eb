// Command reports renders a report from stdin and exits: it never listens.
package main

import (
	"bufio"
	"fmt"
	"os"
	"strings"
)

func main() {
	s := bufio.NewScanner(os.Stdin)
	n := 0
	for s.Scan() {
		n += len(strings.Fields(s.Text()))
	}
	fmt.Println("words:", n)
}

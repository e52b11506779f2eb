// Command gen writes generated code; developers run it, the image does not.
package main

import "fmt"

func main() { fmt.Println("generated") }

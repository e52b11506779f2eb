// Command client shows how to call the shop.
package main

import "fmt"

func main() { fmt.Println("GET /") }

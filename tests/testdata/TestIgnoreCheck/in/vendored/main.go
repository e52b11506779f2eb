package main

import (
	_ "embed"
	"fmt"

	"example.com/dep"
	"example.com/shop/internal/web"
)

//go:embed static/banner.txt
var banner string

func main() { fmt.Println(banner, dep.Hello(), web.Templates) }

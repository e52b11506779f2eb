package main

import (
	"net/http"
	"time"
)

func main() {
	loc, _ := time.LoadLocation("Europe/Paris")
	println(loc.String())
	http.ListenAndServe(":8080", nil)
}

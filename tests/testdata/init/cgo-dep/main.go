// Command visits counts visits in SQLite. It has no cgo of its own: the driver does.
package main

import (
	"database/sql"
	"fmt"
	"log"
	"net/http"
	"os"

	_ "github.com/mattn/go-sqlite3"
)

func main() {
	db, err := sql.Open("sqlite3", "file:/tmp/visits.db")
	if err != nil {
		log.Fatal(err)
	}
	port := os.Getenv("HTTP_PORT")
	if port == "" {
		port = "3000"
	}
	http.HandleFunc("/ping", func(w http.ResponseWriter, _ *http.Request) { fmt.Fprintln(w, "pong") })
	http.HandleFunc("/visits", func(w http.ResponseWriter, _ *http.Request) {
		var n int
		err := db.QueryRow("select count(*) from sqlite_master").Scan(&n)
		fmt.Fprintln(w, n, err)
	})
	log.Fatal(http.ListenAndServe(":"+port, nil))
}

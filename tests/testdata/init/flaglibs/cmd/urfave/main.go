// Command urfave reads its listen address with urfave/cli.
package main

import (
	"log"
	"net/http"
	"os"

	"github.com/urfave/cli/v2"
)

func main() {
	app := &cli.App{
		Name:  "urfave",
		Flags: []cli.Flag{&cli.StringFlag{Name: "listen", Value: ":8101", Usage: "address to serve on"}},
		Action: func(c *cli.Context) error {
			return http.ListenAndServe(c.String("listen"), http.NotFoundHandler())
		},
	}
	if err := app.Run(os.Args); err != nil {
		log.Fatal(err)
	}
}

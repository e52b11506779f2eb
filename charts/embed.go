// Package charts carries the go-service chart inside the berth binary, so `berth render`
// works without a checkout of this repository. The `all:` prefix keeps .helmignore and
// templates/_helpers.tpl, which plain embed patterns skip.
package charts

import "embed"

// FS holds the chart directory GoService.
//
//go:embed all:go-service
var FS embed.FS

// GoService is the chart's directory inside FS.
const GoService = "go-service"

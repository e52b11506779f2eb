package testutil

import (
	"fmt"

	bklint "github.com/moby/buildkit/frontend/subrequests/lint"
)

// DescribeBuildKit prints BuildKit's lint findings as "Rule: description (line N)".
func DescribeBuildKit(res *bklint.LintResults) []string {
	var out []string
	for _, w := range res.Warnings {
		line := 0
		if len(w.Location.Ranges) > 0 {
			line = int(w.Location.Ranges[0].Start.Line)
		}
		out = append(out, fmt.Sprintf("%s: %s (line %d)", w.RuleName, w.Detail, line))
	}
	if res.Error != nil {
		out = append(out, "error: "+res.Error.Message)
	}
	return out
}

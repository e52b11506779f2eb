package lint

import (
	"strings"
	"testing"

	"github.com/berth-dev/berth/tests/testutil"
)

func buildkitLint(t *testing.T, df []byte) []string {
	t.Helper()
	res, err := BuildKit(df)
	if err != nil {
		t.Fatal(err)
	}
	return testutil.DescribeBuildKit(res)
}

// TestBuildkitLintCatchesMistakes shows the linter is live: a Dockerfile with
// known mistakes must produce findings.
func TestBuildkitLintCatchesMistakes(t *testing.T) {
	bad := "FROM golang:1.26 as build\nENV API_TOKEN=abc\nWORKDIR src\nRUN go build -o /app .\nFROM scratch\nCOPY --from=build /app /app\nEXPOSE 8080/TCP\nCMD /app\n"
	got := strings.Join(buildkitLint(t, []byte(bad)), "\n")
	for _, rule := range []string{"FromAsCasing", "SecretsUsedInArgOrEnv", "WorkdirRelativePath", "ExposeProtoCasing", "JSONArgsRecommended"} {
		if !strings.Contains(got, rule) {
			t.Errorf("BuildKit lint missed %s; findings:\n%s", rule, got)
		}
	}
}

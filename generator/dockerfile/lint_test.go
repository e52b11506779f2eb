package dockerfile

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/moby/buildkit/client/llb"
	"github.com/moby/buildkit/client/llb/sourceresolver"
	"github.com/moby/buildkit/frontend/dockerfile/dockerfile2llb"
	"github.com/moby/buildkit/frontend/dockerui"
	"github.com/moby/buildkit/frontend/subrequests/lint"
	digest "github.com/opencontainers/go-digest"
	ocispecs "github.com/opencontainers/image-spec/specs-go/v1"
)

// offlineResolver answers BuildKit's image-config lookups without a registry, so
// every lint rule runs (without it the rules after FROM resolution are skipped).
type offlineResolver struct{}

func (offlineResolver) ResolveImageConfig(_ context.Context, ref string, _ sourceresolver.Opt) (string, digest.Digest, []byte, error) {
	img := ocispecs.Image{
		Platform: ocispecs.Platform{Architecture: "amd64", OS: "linux"},
		Config:   ocispecs.ImageConfig{Env: []string{"PATH=/usr/local/go/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"}},
	}
	dt, err := json.Marshal(img)
	if err != nil {
		return "", "", nil, err
	}
	return ref, digest.FromBytes(dt), dt, nil
}

// buildkitLint runs BuildKit's full Dockerfile rule set (what 'docker build --check'
// runs) and returns its findings as "Rule: description (line N)".
func buildkitLint(t *testing.T, df []byte) []string {
	t.Helper()
	ctx := context.Background()
	src := llb.Local("dockerfile")
	def, err := src.Marshal(ctx)
	if err != nil {
		t.Fatal(err)
	}
	sm := llb.NewSourceMap(&src, "Dockerfile", "Dockerfile", df)
	sm.Definition = def
	res, err := dockerfile2llb.DockerfileLint(ctx, df, dockerfile2llb.ConvertOpt{
		SourceMap:    sm,
		MetaResolver: offlineResolver{},
		Config:       dockerui.Config{},
	})
	if err != nil {
		t.Fatalf("BuildKit could not lint the Dockerfile: %v", err)
	}
	return describeLint(res)
}

func describeLint(res *lint.LintResults) []string {
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

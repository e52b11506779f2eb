package lint

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/moby/buildkit/client/llb"
	"github.com/moby/buildkit/client/llb/sourceresolver"
	"github.com/moby/buildkit/frontend/dockerfile/dockerfile2llb"
	"github.com/moby/buildkit/frontend/dockerui"
	bklint "github.com/moby/buildkit/frontend/subrequests/lint"
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

// BuildKit runs BuildKit's full Dockerfile rule set (what 'docker build --check'
// runs) offline. A Dockerfile BuildKit cannot even parse is an error.
func BuildKit(df []byte) (*bklint.LintResults, error) {
	ctx := context.Background()
	src := llb.Local("dockerfile")
	def, err := src.Marshal(ctx)
	if err != nil {
		return nil, err
	}
	sm := llb.NewSourceMap(&src, "Dockerfile", "Dockerfile", df)
	sm.Definition = def
	res, err := dockerfile2llb.DockerfileLint(ctx, df, dockerfile2llb.ConvertOpt{
		SourceMap:    sm,
		MetaResolver: offlineResolver{},
		Config:       dockerui.Config{},
	})
	if err != nil {
		return nil, fmt.Errorf("BuildKit could not lint the Dockerfile: %w", err)
	}
	return res, nil
}

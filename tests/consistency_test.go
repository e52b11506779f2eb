package tests

import (
	"bytes"
	"cmp"
	"fmt"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/moby/buildkit/frontend/dockerfile/parser"

	"github.com/berth-dev/berth/generator/pipeline"
)

// finalStage reads the last stage of a Dockerfile with BuildKit's parser: its USER and
// EXPOSEd ports.
func finalStage(t *testing.T, dockerfile []byte) (user string, ports []string) {
	t.Helper()
	res, err := parser.Parse(bytes.NewReader(dockerfile))
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range res.AST.Children {
		switch strings.ToLower(n.Value) {
		case "from":
			user, ports = "", nil
		case "user":
			user = n.Next.Value
		case "expose":
			for a := n.Next; a != nil; a = a.Next {
				num, proto, _ := strings.Cut(a.Value, "/")
				if _, err := strconv.Atoi(num); err != nil {
					t.Fatalf("EXPOSE %s", a.Value)
				}
				ports = append(ports, num+"/"+strings.ToUpper(cmp.Or(proto, "tcp")))
			}
		}
	}
	return user, ports
}

// TestDockerfileAndChartAgree: for every example and environment, the pod runs as the
// Dockerfile's USER and its container ports are the ports the Dockerfile EXPOSEs; both
// come from one model.
func TestDockerfileAndChartAgree(t *testing.T) {
	for file, envs := range exampleEnvs(t) {
		res := mustGenerate(t, file)
		df, ok := generatedFile(res, filepath.Join(res.Service.Build.Context, "Dockerfile"))
		if !ok {
			t.Fatalf("%s: no Dockerfile", file)
		}
		user, exposed := finalStage(t, df)
		for _, env := range envs {
			manifest, err := pipeline.Render(res, pipeline.RenderOptions{Env: env})
			if err != nil {
				t.Fatal(err)
			}
			c := mainContainer(t, manifest)
			pod := dig(t, deployment(t, manifest), "spec", "template", "spec", "securityContext").(map[string]any)
			uid := dig(t, c, "securityContext", "runAsUser")
			gid := dig(t, c, "securityContext", "runAsGroup")
			if got := numberString(uid) + ":" + numberString(gid); got != user {
				t.Errorf("%s %s: container runs as %s, Dockerfile USER %s", file, env, got, user)
			}
			if numberString(pod["fsGroup"]) != numberString(gid) {
				t.Errorf("%s %s: fsGroup %v, group %v", file, env, pod["fsGroup"], gid)
			}
			var ports []string
			for _, p := range c["ports"].([]any) {
				port := p.(map[string]any)
				ports = append(ports, fmt.Sprintf("%v/%v", port["containerPort"], port["protocol"]))
			}
			slices.Sort(ports)
			slices.Sort(exposed)
			if !slices.Equal(ports, exposed) {
				t.Errorf("%s %s: container ports %v, Dockerfile EXPOSE %v", file, env, ports, exposed)
			}
		}
	}
}

func numberString(v any) string {
	if f, ok := v.(float64); ok {
		return strconv.Itoa(int(f))
	}
	return "?"
}

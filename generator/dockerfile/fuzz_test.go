package dockerfile

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	"github.com/moby/buildkit/frontend/dockerfile/parser"
	"github.com/moby/buildkit/frontend/dockerfile/shell"

	"github.com/berth-dev/berth/generator/descriptor"
	"github.com/berth-dev/berth/generator/model"
)

var fuzzRepo = fstest.MapFS{
	"go.mod":  {Data: []byte("module example.com/f\n\ngo 1.26.0\n")},
	"main.go": {Data: []byte("package main\n\nfunc main() {}\n")},
}

// FuzzRender: every model the descriptor loader accepts renders to a Dockerfile that
// BuildKit parses into the expected instructions, with the description label and the
// HEALTHCHECK arguments exactly as written (nothing expanded, nothing injected).
func FuzzRender(f *testing.F) {
	for _, s := range []string{"hello", "$HOME", "${VERSION:?boom}", `a"b\c`, "line\nbreak", "\u2028", "\x00", "{{.x}}", "`id`"} {
		f.Add(s, s, "netgo", "-X main.v=${VERSION}", uint8(0))
	}
	f.Fuzz(func(t *testing.T, description, healthArg, tag, ldflag string, options uint8) {
		runtime := model.Runtimes()[int(options)%4]
		src := fmt.Sprintf("apiVersion: berth.dev/v1alpha1\nkind: Service\nmetadata: {name: f, description: %s}\n"+
			"build: {tags: [%s], ldflags: [%s], cgo: %t}\nimage: {repository: ghcr.io/acme/f, runtime: %s}\nports: {http: 8080}\n"+
			"health: {docker: [/f, %s]}\n",
			strconv.Quote(description), strconv.Quote(tag), strconv.Quote(ldflag), options&4 != 0 && runtime != model.Scratch, runtime, strconv.Quote(healthArg))
		svc, diags, err := descriptor.Load("service.yaml", []byte(src), fuzzRepo)
		if err != nil {
			t.Fatal(err)
		}
		if diags.HasErrors() {
			return
		}
		df, err := Render(svc)
		if err != nil {
			t.Fatalf("a valid model does not render: %v", err)
		}
		checkRendered(t, df, svc)
	})
}

func checkRendered(t *testing.T, df []byte, svc *model.Service) {
	t.Helper()
	ast, err := parser.Parse(bytes.NewReader(df))
	if err != nil {
		t.Fatalf("BuildKit cannot parse it: %v\n%s", err, df)
	}
	stages, _, err := instructions.Parse(ast.AST, nil)
	if err != nil {
		t.Fatalf("BuildKit refuses its instructions: %v\n%s", err, df)
	}
	if len(stages) != 8 {
		t.Fatalf("%d stages, want deps, build, dev, debug-build, debug, checksums, artifacts and the final one", len(stages))
	}
	final := stages[len(stages)-1]
	lex := shell.NewLex('\\')
	env := shell.EnvsFromSlice([]string{"VERSION=v", "REVISION=r", "SOURCE=s"})
	var user, entry, health []string
	for _, c := range final.Commands {
		switch c := c.(type) {
		case *instructions.UserCommand:
			user = append(user, c.User)
		case *instructions.EntrypointCommand:
			entry = c.CmdLine
		case *instructions.HealthCheckCommand:
			health = c.Health.Test
		case *instructions.LabelCommand:
			for _, kv := range c.Labels {
				if kv.Key != "org.opencontainers.image.description" {
					continue
				}
				got, err := lex.ProcessWordWithMatches(kv.Value, env)
				if err != nil || got.Result != svc.Description {
					t.Fatalf("description label reads %q (%v), want %q", got.Result, err, svc.Description)
				}
			}
		}
	}
	if want := fmt.Sprintf("%d:%d", svc.Image.User, svc.Image.User); len(user) != 1 || user[0] != want {
		t.Errorf("USER %v, want %s", user, want)
	}
	if len(entry) != 1 || entry[0] != "/"+svc.Build.Entrypoint {
		t.Errorf("ENTRYPOINT %v", entry)
	}
	if want := append([]string{"CMD"}, svc.Health.Docker...); strings.Join(health, "\x00") != strings.Join(want, "\x00") {
		t.Errorf("HEALTHCHECK %q, want %q", health, want)
	}
}

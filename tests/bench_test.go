package tests

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/berth-dev/berth/generator/pipeline"
)

// BenchmarkGenerate measures one descriptor through the whole flow (load, schema,
// rules, render, .dockerignore proof), in memory: hello (a plain HTTP service) and names
// (args, UDP and TCP ports, a volume, a hook Job, metrics, raw values, compose.yaml).
// Target: well under 50 ms.
func BenchmarkGenerate(b *testing.B) {
	for _, ex := range []string{"hello", "names"} {
		b.Run(ex, func(b *testing.B) {
			name, _ := filepath.Abs("../examples/" + ex + "/service.yaml")
			src, err := os.ReadFile(name)
			if err != nil {
				b.Fatal(err)
			}
			repo := os.DirFS(filepath.Dir(name))
			for b.Loop() {
				if _, err := pipeline.Generate(name, src, repo); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkRenderInProcess: `berth render --env prod` without the process start:
// generate, merge the value files, render the embedded chart.
func BenchmarkRenderInProcess(b *testing.B) {
	for _, ex := range []string{"hello", "names"} {
		b.Run(ex, func(b *testing.B) {
			name, _ := filepath.Abs("../examples/" + ex + "/service.yaml")
			for b.Loop() {
				res, err := pipeline.GenerateFile(name)
				if err != nil {
					b.Fatal(err)
				}
				if _, err := pipeline.Render(res, pipeline.RenderOptions{Env: "prod"}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkRenderCLI and BenchmarkHelmTemplateCLI compare whole commands on the same
// chart and value files: bin/berth render against Helm 4's helm template.
func BenchmarkRenderCLI(b *testing.B) {
	benchCommand(b, filepath.Join("..", "bin", "berth"), "render", "-f", "../examples/hello/service.yaml", "--env", "prod")
}

func BenchmarkHelmTemplateCLI(b *testing.B) {
	benchCommand(b, filepath.Join("..", "bin", "helm-v4.3.1", "helm"), "template", "hello", chartDir,
		"--namespace", "hello-prod", "--kube-version", "1.37.0",
		"-f", "../examples/hello/deploy/values.yaml", "-f", "../examples/hello/deploy/values-prod.yaml")
}

func benchCommand(b *testing.B, bin string, args ...string) {
	if _, err := os.Stat(bin); err != nil {
		b.Skipf("%s is missing (make build tools)", bin)
	}
	for b.Loop() {
		if out, err := exec.Command(bin, args...).CombinedOutput(); err != nil {
			b.Fatalf("%v\n%s", err, out)
		}
	}
}

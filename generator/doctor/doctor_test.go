package doctor

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/berth-dev/berth/tests/testutil"
)

// world is a crafted machine: a fake Go tree whose bin/go prints canned `go env
// -json` output, optional fake docker and cc, and the environment variables.
type world struct {
	t      *testing.T
	root   string // the fake GOROOT
	bin    string // extra PATH directory for docker and cc
	goEnv  map[string]string
	vars   map[string]string
	dir    string // working directory (go.mod)
	goFail bool
}

func newWorld(t *testing.T) *world {
	t.Helper()
	base := t.TempDir()
	w := &world{t: t, root: filepath.Join(base, "go"), bin: filepath.Join(base, "bin"), dir: filepath.Join(base, "work")}
	for _, d := range []string{filepath.Join(w.root, "bin"), w.bin, w.dir, filepath.Join(base, "home", ".config", "go")} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	w.write(filepath.Join(w.root, "VERSION"), "go1.26.8\ntime 2026-10-01T00:00:00Z\n", 0o644)
	w.goEnv = map[string]string{
		"GOROOT": w.root, "GOVERSION": "go1.26.8", "GOENV": filepath.Join(base, "home", ".config", "go", "env"),
		"GOFLAGS": "", "GOPROXY": "https://proxy.golang.org,direct", "GOSUMDB": "sum.golang.org",
		"CGO_ENABLED": "0", "CC": "gcc", "GOTOOLCHAIN": "auto",
	}
	w.vars = map[string]string{"PATH": filepath.Join(w.root, "bin") + string(os.PathListSeparator) + w.bin, "HOME": filepath.Join(base, "home")}
	w.tool("docker", "0")
	return w
}

func (w *world) write(p, body string, mode os.FileMode) {
	w.t.Helper()
	if err := os.WriteFile(p, []byte(body), mode); err != nil {
		w.t.Fatal(err)
	}
}

// tool installs a fake program in w.bin that exits with code.
func (w *world) tool(name, code string) {
	w.write(filepath.Join(w.bin, name), "#!/bin/sh\nexit "+code+"\n", 0o755)
}

func (w *world) check() []string {
	w.t.Helper()
	data, err := json.Marshal(w.goEnv)
	if err != nil {
		w.t.Fatal(err)
	}
	w.write(filepath.Join(w.root, "env.json"), string(data)+"\n", 0o644)
	exit := "0"
	if w.goFail {
		exit = "1"
	}
	w.write(filepath.Join(w.root, "bin", "go"), "#!/bin/sh\n[ "+exit+" = 0 ] || { echo 'go: cannot find GOROOT directory' >&2; exit 2; }\nwhile IFS= read -r line; do echo \"$line\"; done < '"+filepath.Join(w.root, "env.json")+"'\n", 0o755)
	var out []string
	for _, f := range Check(Env{Vars: w.vars, Dir: w.dir}) {
		out = append(out, f.Rule+" "+f.Severity.String())
	}
	return out
}

func TestDoctor(t *testing.T) {
	seen := map[string]bool{}
	for _, tc := range []struct {
		name  string
		setup func(w *world)
		want  []string
	}{
		{"healthy", func(w *world) {}, nil},
		{"no go on PATH", func(w *world) { w.vars["PATH"] = w.bin }, []string{"D101 error"}},
		{"go does not run", func(w *world) { w.goFail = true }, []string{"D101 error"}},
		{"GOROOT names another tree", func(w *world) {
			other := filepath.Join(w.t.TempDir(), "go1.25")
			if err := os.MkdirAll(other, 0o755); err != nil {
				w.t.Fatal(err)
			}
			w.write(filepath.Join(other, "VERSION"), "go1.25.0\n", 0o644)
			w.vars["GOROOT"], w.goEnv["GOROOT"] = other, other
			w.vars["PATH"] += string(os.PathListSeparator) + filepath.Join(other, "bin")
		}, []string{"D102 error", "D104 error"}},
		{"GOROOT missing", func(w *world) {
			gone := filepath.Join(w.t.TempDir(), "nope")
			w.vars["GOROOT"], w.goEnv["GOROOT"] = gone, gone
		}, []string{"D102 error", "D103 error", "D105 warning"}},
		{"go refuses the GOROOT", func(w *world) { w.goFail = true; w.vars["GOROOT"] = "/usr/lib/go" }, []string{"D103 error"}},
		{"GOROOT without VERSION", func(w *world) { os.Remove(filepath.Join(w.root, "VERSION")) }, []string{"D103 error"}},
		{"GOROOT bin not on PATH", func(w *world) {
			link := filepath.Join(w.bin, "go")
			if err := os.Symlink(filepath.Join(w.root, "bin", "go"), link); err != nil {
				w.t.Fatal(err)
			}
			w.vars["PATH"] = w.bin
		}, []string{"D105 warning"}},
		{"GOENV unreadable", func(w *world) {
			file := filepath.Join(w.t.TempDir(), "not-a-dir")
			w.write(file, "", 0o644)
			w.goEnv["GOENV"] = filepath.Join(file, "env")
		}, []string{"D106 error"}},
		{"GOENV off", func(w *world) { w.goEnv["GOENV"] = "off" }, nil},
		{"GOFLAGS", func(w *world) { w.goEnv["GOFLAGS"] = "-mod=mod -insecure" }, []string{"D107 warning", "D107 error"}},
		{"checksums off", func(w *world) {
			w.goEnv["GOSUMDB"], w.goEnv["GOPRIVATE"], w.goEnv["GOPROXY"] = "off", "*", "off"
		}, []string{"D108 error", "D108 warning", "D108 error"}},
		{"cgo without a compiler", func(w *world) { w.goEnv["CGO_ENABLED"] = "1" }, []string{"D109 error"}},
		{"cgo with a compiler", func(w *world) { w.goEnv["CGO_ENABLED"] = "1"; w.tool("gcc", "0") }, nil},
		{"go.mod needs a newer Go, local", func(w *world) {
			w.write(filepath.Join(w.dir, "go.mod"), "module m\n\ngo 1.27.0\n", 0o644)
			w.goEnv["GOTOOLCHAIN"] = "local"
		}, []string{"D110 error"}},
		{"go.mod toolchain newer, auto", func(w *world) {
			w.write(filepath.Join(w.dir, "go.mod"), "module m\n\ngo 1.26.0\n\ntoolchain go1.26.9\n", 0o644)
		}, []string{"D110 warning"}},
		{"go.mod satisfied", func(w *world) { w.write(filepath.Join(w.dir, "go.mod"), "module m\n\ngo 1.26.8\n", 0o644) }, nil},
		{"no docker", func(w *world) { os.Remove(filepath.Join(w.bin, "docker")) }, []string{"D111 warning"}},
		{"docker without buildx", func(w *world) { w.tool("docker", "1") }, []string{"D111 warning"}},
		{"docker without buildx, DOCKER_BUILDKIT=1", func(w *world) { w.tool("docker", "1"); w.vars["DOCKER_BUILDKIT"] = "1" }, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := newWorld(t)
			tc.setup(w)
			got := w.check()
			if !slices.Equal(got, tc.want) {
				t.Errorf("findings %v, want %v", got, tc.want)
			}
			for _, g := range got {
				seen[strings.Fields(g)[0]] = true
			}
		})
	}
	for _, r := range Rules {
		if !seen[r.ID] {
			t.Errorf("no crafted machine shows %s (%s)", r.ID, r.Title)
		}
	}
}

// TestRulesHaveChecks: every catalogued check is reported somewhere.
func TestRulesHaveChecks(t *testing.T) {
	testutil.RulesHaveChecks(t, ".", "Rules")
}

func TestDoctorFindingsHaveFixes(t *testing.T) {
	w := newWorld(t)
	w.goEnv["GOSUMDB"], w.goEnv["CGO_ENABLED"] = "off", "1"
	w.check()
	for _, f := range Check(Env{Vars: w.vars, Dir: w.dir}) {
		if f.Fix == "" || f.Message == "" || !strings.HasPrefix(f.Rule, "D1") {
			t.Errorf("incomplete finding %+v", f)
		}
	}
}

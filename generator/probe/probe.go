// Package probe runs a service's main packages for a few seconds, each alone in a new
// network namespace that holds only a loopback interface, and reports what they
// really listened on and which health paths answered (berth init --probe). Nothing
// it runs can reach any network; every process is killed by its group when the time
// is up.
package probe

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/berth-dev/berth/generator/detect"
)

// Options say what to build and run.
type Options struct {
	ModuleDir string        // the module's directory
	Vendor    bool          // build with -mod=vendor
	CGO       bool          // build with CGO_ENABLED=1
	Mains     []detect.Main // packages to build and run, the first being the service
	Args      []string      // arguments the first main is started with (a serve subcommand)
	Files     []string      // module-relative files the program reads by default, copied beside it
	Paths     []string      // health paths to try besides the usual ones
	Wait      time.Duration // how long each program runs; 0 means DefaultWait
	Helper    []string      // the command that runs Helper in the namespace (berth's hidden probe-helper)
}

// DefaultWait is how long a program runs before its sockets are read.
const DefaultWait = 3 * time.Second

// usualPaths are the health paths tried on every TCP port the program opened.
var usualPaths = []string{"/healthz", "/livez", "/readyz", "/health", "/ready", "/-/healthy", "/-/ready", "/ping", "/startupz"}

// request is what the parent hands the helper on stdin.
type request struct {
	Binary string        `json:"binary"`
	Args   []string      `json:"args"`
	Dir    string        `json:"dir"`
	Wait   time.Duration `json:"wait"`
	Paths  []string      `json:"paths"`
	UID    int           `json:"uid"` // run the program as this user (when berth is root), else -1
}

// Observe builds each main and runs it in a fresh network namespace, returning what
// each did. It refuses with a clear error where network namespaces are unavailable.
func Observe(ctx context.Context, o Options) ([]detect.Observed, error) {
	if len(o.Helper) == 0 {
		return nil, errors.New("probe: no helper command")
	}
	if err := namespacesAvailable(); err != nil {
		return nil, err
	}
	tmp, err := os.MkdirTemp("", "berth-probe-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)
	if err := os.Chmod(tmp, 0o755); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(filepath.Join(tmp, "bin"), 0o755); err != nil {
		return nil, err
	}
	run := filepath.Join(tmp, "run")
	if err := copyFiles(o.ModuleDir, run, o.Files); err != nil {
		return nil, err
	}
	paths := append(append([]string{}, usualPaths...), o.Paths...)
	var out []detect.Observed
	for i, m := range o.Mains {
		bin := filepath.Join(tmp, "bin", fmt.Sprintf("main%d", i))
		if err := build(ctx, o, m.Package, bin); err != nil {
			return nil, err
		}
		var args []string
		if i == 0 {
			args = o.Args
		}
		obs, err := runHelper(ctx, o.Helper, request{Binary: bin, Args: args, Dir: run, Wait: cmpWait(o.Wait), Paths: paths, UID: programUID()})
		if err != nil {
			return nil, fmt.Errorf("probing %s: %w", m.Package, err)
		}
		obs.Main = m.Package
		out = append(out, obs)
	}
	return out, nil
}

func cmpWait(w time.Duration) time.Duration {
	if w <= 0 {
		return DefaultWait
	}
	return w
}

// build compiles one main the way the image does (linux, the module's cgo setting).
func build(ctx context.Context, o Options, pkg, bin string) error {
	args := []string{"build", "-o", bin}
	if o.Vendor {
		args = append(args, "-mod=vendor")
	}
	cmd := exec.CommandContext(ctx, "go", append(args, pkg)...)
	cmd.Dir = o.ModuleDir
	cgo := "0"
	if o.CGO {
		cgo = "1"
	}
	cmd.Env = append(os.Environ(), "CGO_ENABLED="+cgo, "GOWORK=off", "GOFLAGS=")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("go build %s: %w\n%s", pkg, err, strings.TrimSpace(stderr.String()))
	}
	return nil
}

// copyFiles copies the files a program reads by default to the same relative paths
// under dir, which becomes its working directory.
func copyFiles(from, dir string, files []string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	for _, f := range files {
		data, err := os.ReadFile(filepath.Join(from, filepath.FromSlash(f)))
		if err != nil {
			return err
		}
		dst := filepath.Join(dir, filepath.FromSlash(f))
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(dst, data, 0o644); err != nil {
			return err
		}
	}
	return nil
}

// runHelper starts the helper in new network (and, unless berth is root, user)
// namespaces and reads its report.
func runHelper(ctx context.Context, helper []string, req request) (detect.Observed, error) {
	ctx, cancel := context.WithTimeout(ctx, req.Wait+30*time.Second)
	defer cancel()
	in, err := json.Marshal(req)
	if err != nil {
		return detect.Observed{}, err
	}
	cmd := exec.CommandContext(ctx, helper[0], helper[1:]...)
	cmd.Stdin = bytes.NewReader(in)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	cmd.SysProcAttr = namespaceAttr()
	if err := cmd.Run(); err != nil {
		var exit *exec.ExitError
		if !errors.As(err, &exit) { // it never started: the kernel refused the namespaces
			return detect.Observed{}, fmt.Errorf("--probe needs Linux network namespaces, and creating one failed (%w); run berth init without --probe", err)
		}
		return detect.Observed{}, fmt.Errorf("the probe helper failed (%w): %s", err, strings.TrimSpace(stderr.String()))
	}
	var obs detect.Observed
	if err := json.Unmarshal(stdout.Bytes(), &obs); err != nil {
		return detect.Observed{}, fmt.Errorf("reading the probe helper's report: %w", err)
	}
	return obs, nil
}

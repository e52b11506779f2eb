package detect

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"time"
)

// listedPackage is the part of `go list -json` output berth reads (see `go help list`).
type listedPackage struct {
	ImportPath    string
	Name          string
	Dir           string
	Standard      bool
	GoFiles       []string
	CgoFiles      []string
	Imports       []string
	Deps          []string
	EmbedPatterns []string
	EmbedFiles    []string
	CgoLDFLAGS    []string
	CgoPkgConfig  []string
	Module        *struct {
		Path string
		Main bool
	}
	Error *struct{ Err string }
}

const listFields = "ImportPath,Name,Dir,Standard,GoFiles,CgoFiles,Imports,Deps,EmbedPatterns,EmbedFiles,CgoLDFLAGS,CgoPkgConfig,Module,Error"

// goList runs `go list -e -json` in dir for the Linux image the Dockerfile builds:
// GOOS=linux, cgo enabled (so cgo files count), no workspace (the build context is
// one module) and the module mode the Dockerfile uses.
func goList(dir string, vendor bool, args ...string) ([]*listedPackage, error) {
	return goListCgo(dir, vendor, true, args...)
}

// goListCgo is goList with cgo on or off: the same graph listed with CGO_ENABLED=0
// shows which cgo packages have a pure-Go build.
func goListCgo(dir string, vendor, cgo bool, args ...string) ([]*listedPackage, error) {
	goBin, err := exec.LookPath("go")
	if err != nil {
		return nil, errors.New("berth init needs the go command to read the module's packages (go list); install Go or put it on PATH")
	}
	mode := "-mod=readonly"
	if vendor {
		mode = "-mod=vendor"
	}
	limit := goListTimeout()
	ctx, cancel := context.WithTimeout(context.Background(), limit)
	defer cancel()
	cmd := exec.CommandContext(ctx, goBin, append([]string{"list", "-e", "-json=" + listFields, mode}, args...)...)
	cmd.WaitDelay = time.Second // a child holding the pipes open cannot keep berth waiting
	cmd.Dir = dir
	cgoEnabled := "CGO_ENABLED=0"
	if cgo {
		cgoEnabled = "CGO_ENABLED=1"
	}
	cmd.Env = append(os.Environ(), "GOOS=linux", "GOARCH=amd64", cgoEnabled, "GOWORK=off", "GOFLAGS=")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		if ctx.Err() != nil {
			return nil, fmt.Errorf("go list %s in %s did not finish within %v: a file it reads may be a named pipe (FIFO) or a device, or the file system hangs; remove it, or set %s to wait longer", strings.Join(args, " "), dir, limit, goListTimeoutVar)
		}
		return nil, fmt.Errorf("go list %s in %s: %w: %s", strings.Join(args, " "), dir, err, strings.TrimSpace(stderr.String()))
	}
	return decodePackages(&stdout)
}

// goListTimeoutVar names the environment variable that sets how long go list may run.
const goListTimeoutVar = "BERTH_GO_LIST_TIMEOUT"

// goListTimeout: a large module lists in seconds; minutes mean something blocks.
func goListTimeout() time.Duration {
	if d, err := time.ParseDuration(os.Getenv(goListTimeoutVar)); err == nil && d > 0 {
		return d
	}
	return 3 * time.Minute
}

func decodePackages(r io.Reader) ([]*listedPackage, error) {
	var out []*listedPackage
	dec := json.NewDecoder(r)
	for {
		p := &listedPackage{}
		err := dec.Decode(p)
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return nil, fmt.Errorf("reading go list output: %w", err)
		}
		out = append(out, p)
	}
}

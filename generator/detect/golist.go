package detect

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
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
	goBin, err := exec.LookPath("go")
	if err != nil {
		return nil, errors.New("berth init needs the go command to read the module's packages (go list); install Go or put it on PATH")
	}
	mode := "-mod=readonly"
	if vendor {
		mode = "-mod=vendor"
	}
	cmd := exec.Command(goBin, append([]string{"list", "-e", "-json=" + listFields, mode}, args...)...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOOS=linux", "GOARCH=amd64", "CGO_ENABLED=1", "GOWORK=off", "GOFLAGS=")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("go list %s in %s: %w: %s", strings.Join(args, " "), dir, err, strings.TrimSpace(stderr.String()))
	}
	return decodePackages(&stdout)
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

package detect

import (
	"fmt"
	"go/build"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"golang.org/x/mod/modfile"
)

// locateModule picks the Go module to describe: dir itself when it holds go.mod;
// otherwise the only module with a main package among go.work's modules or, without
// go.work, the go.mod files below dir. rel is slash-separated, relative to dir.
// shown is dir as the user wrote it, for messages.
func locateModule(dir, shown string) (rel, why string, err error) {
	if fileExists(filepath.Join(dir, "go.mod")) {
		return ".", "", nil
	}
	modules, source, err := candidateModules(dir)
	if err != nil {
		return "", "", err
	}
	var withMain []string
	for _, m := range modules {
		if len(mainDirs(filepath.Join(dir, filepath.FromSlash(m)))) > 0 {
			withMain = append(withMain, m)
		}
	}
	switch len(withMain) {
	case 0:
		if len(modules) == 0 {
			return "", "", fmt.Errorf("%s: no go.mod here or below: berth init reads a Go module; run 'go mod init' first", shown)
		}
		return "", "", fmt.Errorf("%s: %s %s, and none has a main package: berth builds commands (package main), not libraries", shown, source, joinDirs(modules))
	case 1:
		return withMain[0], fmt.Sprintf("%s %s; only %s has a main package", source, joinDirs(modules), withMain[0]), nil
	}
	var cmds []string
	for _, m := range withMain {
		cmds = append(cmds, "'berth init "+filepath.Join(shown, filepath.FromSlash(m))+"'")
	}
	return "", "", fmt.Errorf("%s: %s %s, and %d of them have main packages (%s); berth builds one module per image, so describe each on its own: %s",
		shown, source, joinDirs(modules), len(withMain), strings.Join(withMain, ", "), strings.Join(cmds, " or "))
}

// candidateModules lists module directories: go.work's use lines, else every go.mod
// below dir (not in vendor/, testdata/ or hidden directories).
func candidateModules(dir string) (modules []string, source string, err error) {
	if data, err := os.ReadFile(filepath.Join(dir, "go.work")); err == nil {
		wf, err := modfile.ParseWork(filepath.Join(dir, "go.work"), data, nil)
		if err != nil {
			return nil, "", err
		}
		for _, u := range wf.Use {
			modules = append(modules, filepath.ToSlash(filepath.Clean(u.Path)))
		}
		slices.Sort(modules)
		return modules, "go.work uses", nil
	}
	err = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && p != dir && skippedDir(d.Name()) {
			return filepath.SkipDir
		}
		if !d.IsDir() && d.Name() == "go.mod" {
			rel, _ := filepath.Rel(dir, filepath.Dir(p))
			modules = append(modules, filepath.ToSlash(rel))
		}
		return nil
	})
	return modules, "this directory holds the Go modules", err
}

// mainDirs lists the directories of a module (relative, slash-separated) whose
// package is main for linux/amd64 with cgo, without descending into nested modules.
func mainDirs(moduleDir string) []string {
	ctx := linuxContext()
	var out []string
	_ = filepath.WalkDir(moduleDir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || !d.IsDir() {
			return nil
		}
		if p != moduleDir && (skippedDir(d.Name()) || d.Name() == "vendor" || fileExists(filepath.Join(p, "go.mod"))) {
			return filepath.SkipDir
		}
		pkg, err := ctx.ImportDir(p, build.ImportComment)
		if err == nil && pkg.Name == "main" {
			rel, _ := filepath.Rel(moduleDir, p)
			out = append(out, filepath.ToSlash(rel))
		}
		return nil
	})
	return out
}

// linuxContext matches the image build: linux/amd64 with cgo enabled.
func linuxContext() build.Context {
	ctx := build.Default
	ctx.GOOS, ctx.GOARCH, ctx.CgoEnabled = "linux", "amd64", true
	return ctx
}

// skippedDir is what the go command ignores in ./... (testdata, _x, .x).
func skippedDir(name string) bool {
	return name == "testdata" || strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_")
}

// findWorkspace returns the go.work file the go command would use for dir, if any.
func findWorkspace(dir string) string {
	for d := dir; ; {
		if fileExists(filepath.Join(d, "go.work")) {
			return filepath.Join(d, "go.work")
		}
		parent := filepath.Dir(d)
		if parent == d {
			return ""
		}
		d = parent
	}
}

func fileExists(p string) bool {
	st, err := os.Stat(p)
	return err == nil && !st.IsDir()
}

func joinDirs(dirs []string) string {
	if len(dirs) == 0 {
		return "(none)"
	}
	return strings.Join(dirs, ", ")
}

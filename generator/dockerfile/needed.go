package dockerfile

import (
	"errors"
	"fmt"
	"go/build"
	"io"
	"io/fs"
	"path"
	"slices"
	"strings"

	"github.com/berth-dev/berth/generator/model"
)

// NeededFiles lists, relative to the build context, every file the Dockerfile and
// the Go build read: go.mod, go.sum, vendor/modules.txt, and the Go, cgo and
// embedded files of the main packages and every package of the module (or of
// vendor/) they import. repo is the build context.
func NeededFiles(svc *model.Service, repo fs.FS, modulePath string) ([]string, error) {
	w := walker{repo: repo, module: modulePath, vendor: svc.Build.Vendor, seen: map[string]bool{}, files: map[string]bool{}}
	w.ctx = buildContext(repo, svc)
	w.add("go.mod")
	if svc.Build.HasGoSum {
		w.add("go.sum")
	}
	if svc.Build.Vendor {
		w.add("vendor/modules.txt")
	}
	for _, b := range svc.Build.Binaries {
		if err := w.walk(path.Clean(b.Package)); err != nil {
			return nil, err
		}
	}
	out := make([]string, 0, len(w.files))
	for f := range w.files {
		out = append(out, f)
	}
	slices.Sort(out)
	return out, nil
}

type walker struct {
	repo   fs.FS
	ctx    build.Context
	module string
	vendor bool
	seen   map[string]bool
	files  map[string]bool
}

func (w *walker) add(f string) { w.files[f] = true }

// walk records a package directory's files and follows its imports.
func (w *walker) walk(dir string) error {
	if w.seen[dir] {
		return nil
	}
	w.seen[dir] = true
	pkg, err := w.ctx.ImportDir(dir, 0)
	var noGo *build.NoGoError
	if errors.As(err, &noGo) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("reading package %s: %w", dir, err)
	}
	for _, list := range [][]string{pkg.GoFiles, pkg.CgoFiles, pkg.CFiles, pkg.CXXFiles, pkg.HFiles, pkg.SFiles, pkg.SysoFiles, pkg.MFiles, pkg.FFiles} {
		for _, f := range list {
			w.add(path.Join(dir, f))
		}
	}
	if err := w.embedded(dir, pkg.EmbedPatterns); err != nil {
		return err
	}
	for _, imp := range pkg.Imports {
		if d, ok := w.dirOf(imp); ok {
			if err := w.walk(d); err != nil {
				return err
			}
		}
	}
	return nil
}

// dirOf maps an import path to a directory of the build context, if it lives there.
func (w *walker) dirOf(imp string) (string, bool) {
	switch {
	case imp == "C" || !strings.Contains(strings.SplitN(imp, "/", 2)[0], "."):
		return "", false // the standard library
	case imp == w.module:
		return ".", true
	case w.module != "" && strings.HasPrefix(imp, w.module+"/"):
		return strings.TrimPrefix(imp, w.module+"/"), true
	case w.vendor:
		return path.Join("vendor", imp), true
	}
	return "", false
}

// embedded expands //go:embed patterns the way the go command does: a directory
// brings all files below it except those starting with . or _ (unless all:).
func (w *walker) embedded(dir string, patterns []string) error {
	for _, p := range patterns {
		all := strings.HasPrefix(p, "all:")
		matches, err := fs.Glob(w.repo, path.Join(dir, strings.TrimPrefix(p, "all:")))
		if err != nil {
			return fmt.Errorf("embed pattern %q in %s: %w", p, dir, err)
		}
		for _, m := range matches {
			err := fs.WalkDir(w.repo, m, func(f string, d fs.DirEntry, err error) error {
				if err != nil {
					return err
				}
				base := path.Base(f)
				if f != m && !all && (strings.HasPrefix(base, ".") || strings.HasPrefix(base, "_")) {
					if d.IsDir() {
						return fs.SkipDir
					}
					return nil
				}
				if !d.IsDir() {
					w.add(f)
				}
				return nil
			})
			if err != nil {
				return fmt.Errorf("embed pattern %q in %s: %w", p, dir, err)
			}
		}
	}
	return nil
}

// buildContext makes go/build read from repo, for linux with the service's cgo
// setting and tags.
func buildContext(repo fs.FS, svc *model.Service) build.Context {
	ctx := build.Default
	ctx.GOOS, ctx.GOARCH = "linux", "amd64"
	ctx.CgoEnabled = svc.Build.CGO
	ctx.BuildTags = buildTags(svc)
	ctx.GOPATH, ctx.GOROOT = "", ""
	ctx.JoinPath = path.Join
	ctx.IsAbsPath = func(p string) bool { return strings.HasPrefix(p, "/") }
	ctx.SplitPathList = func(string) []string { return nil }
	ctx.IsDir = func(p string) bool {
		st, err := fs.Stat(repo, path.Clean(p))
		return err == nil && st.IsDir()
	}
	ctx.HasSubdir = func(root, dir string) (string, bool) { return "", false }
	ctx.ReadDir = func(dir string) ([]fs.FileInfo, error) {
		entries, err := fs.ReadDir(repo, path.Clean(dir))
		if err != nil {
			return nil, err
		}
		infos := make([]fs.FileInfo, 0, len(entries))
		for _, e := range entries {
			if info, err := e.Info(); err == nil {
				infos = append(infos, info)
			}
		}
		return infos, nil
	}
	ctx.OpenFile = func(p string) (io.ReadCloser, error) { return repo.Open(path.Clean(p)) }
	return ctx
}

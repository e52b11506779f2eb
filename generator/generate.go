// Package generator runs the whole flow for one descriptor: load and validate it,
// render every file, and prove the .dockerignore keeps what the build reads. It
// returns files in memory; writing them is the output package's job.
package generator

import (
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"

	"github.com/berth-dev/berth/generator/descriptor"
	"github.com/berth-dev/berth/generator/dockerfile"
	"github.com/berth-dev/berth/generator/model"
	"github.com/berth-dev/berth/generator/output"
)

// Result is what one descriptor generates.
type Result struct {
	Service  *model.Service
	Files    []output.File
	Warnings descriptor.Diagnostics
}

// GenerateFile reads a descriptor from disk and generates its files.
func GenerateFile(name string) (*Result, error) {
	src, err := os.ReadFile(name)
	if err != nil {
		return nil, fmt.Errorf("reading descriptor: %w", err)
	}
	return Generate(name, src, os.DirFS(filepath.Dir(name)))
}

// Generate validates src and renders every file. Problems with the descriptor come
// back as descriptor.Diagnostics (an error); nothing is returned half-done.
func Generate(name string, src []byte, repo fs.FS) (*Result, error) {
	svc, diags, err := descriptor.Load(name, src, repo)
	if err != nil {
		return nil, err
	}
	if diags.HasErrors() {
		return nil, diags
	}
	df, err := dockerfile.Render(svc)
	if err != nil {
		return nil, err
	}
	ignore := dockerfile.Ignore(svc)
	if problems, err := checkIgnore(name, src, svc, repo, df, ignore); err != nil {
		return nil, err
	} else if len(problems) > 0 {
		return nil, problems
	}
	files := []output.File{
		{Path: path.Join(svc.Build.Context, "Dockerfile"), Data: df},
		{Path: path.Join(svc.Build.Context, ".dockerignore"), Data: ignore},
	}
	deploy, err := ValuesFiles(svc)
	if err != nil {
		return nil, err
	}
	files = append(files, deploy...)
	return &Result{Service: svc, Files: files, Warnings: diags.Warnings()}, nil
}

// checkIgnore proves with Docker's pattern matcher that the .dockerignore keeps
// every file the Dockerfile and the Go build read.
func checkIgnore(name string, src []byte, svc *model.Service, repo fs.FS, df, ignore []byte) (descriptor.Diagnostics, error) {
	problems, err := IgnoreProblems(svc, repo, df, ignore)
	if err != nil {
		return nil, err
	}
	var diags descriptor.Diagnostics
	for _, p := range problems {
		if p.UserIndex >= 0 {
			diags = append(diags, descriptor.At(name, src, fmt.Sprintf("/build/dockerignore/%d", p.UserIndex), descriptor.Error,
				p.String()+"; remove the pattern or narrow it"))
			continue
		}
		diags = append(diags, descriptor.At(name, src, "/build", descriptor.Error,
			fmt.Sprintf("%s; add \"!%s\" to build.dockerignore to keep it", p.String(), p.File)))
	}
	return diags.Sorted(), nil
}

// IgnoreProblems lists the files the Dockerfile df and the Go build read that the
// .dockerignore would drop. repo is the descriptor's directory.
func IgnoreProblems(svc *model.Service, repo fs.FS, df, ignore []byte) ([]dockerfile.IgnoreProblem, error) {
	ctx, err := fs.Sub(repo, svc.Build.Context)
	if err != nil {
		return nil, err
	}
	needed, err := dockerfile.NeededFiles(svc, ctx, svc.Build.ModulePath)
	if err != nil {
		return nil, fmt.Errorf("listing the files the build reads: %w", err)
	}
	sources, err := dockerfile.ContextSources(df)
	if err != nil {
		return nil, fmt.Errorf("generated Dockerfile does not parse (a berth bug): %w", err)
	}
	for _, s := range sources {
		if s != "." {
			needed = append(needed, s)
		}
	}
	return dockerfile.CheckIgnore(ignore, svc.Build.Ignore, needed)
}

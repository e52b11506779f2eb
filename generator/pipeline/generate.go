// Package pipeline is berth's data flow, and the only package that joins its steps:
// descriptor → model → renderers (dockerfile, values, chart) → files in memory. Each
// step is a package of its own that knows the model and nothing of the others; writing
// the files is the output package's job.
package pipeline

import (
	"errors"
	"fmt"
	"io/fs"
	"path"

	"github.com/berth-dev/berth/generator/compose"
	"github.com/berth-dev/berth/generator/descriptor"
	"github.com/berth-dev/berth/generator/dockerfile"
	"github.com/berth-dev/berth/generator/finding"
	"github.com/berth-dev/berth/generator/model"
	"github.com/berth-dev/berth/generator/output"
	"github.com/berth-dev/berth/generator/values"
)

// Result is what one descriptor generates.
type Result struct {
	Service  *model.Service
	Files    []output.File
	Warnings finding.List
}

// Options add outputs the descriptor does not ask for.
type Options struct {
	Compose bool // write compose.yaml even without compose: true
	// ImageDigest pins the image every environment deploys (sha256:…, checked by
	// model.ValidDigest), as CI knows it after pushing: it replaces image.digest.
	ImageDigest string
}

// GenerateFile reads a descriptor from disk and generates its files.
func GenerateFile(name string) (*Result, error) { return GenerateFileWith(name, Options{}) }

// GenerateFileWith is GenerateFile with options.
func GenerateFileWith(name string, opts Options) (*Result, error) {
	src, repo, done, err := descriptor.Open(name)
	if err != nil {
		return nil, err
	}
	defer done()
	return GenerateWith(name, src, repo, opts)
}

// Generate validates src and renders every file. Problems with the descriptor come
// back as a finding.List (an error); nothing is returned half-done.
func Generate(name string, src []byte, repo fs.FS) (*Result, error) {
	return GenerateWith(name, src, repo, Options{})
}

// GenerateWith is Generate with options.
func GenerateWith(name string, src []byte, repo fs.FS, opts Options) (*Result, error) {
	svc, diags, err := descriptor.Load(name, src, repo)
	if err != nil {
		return nil, err
	}
	if diags.HasErrors() {
		return nil, diags
	}
	svc.Compose = svc.Compose || opts.Compose
	if opts.ImageDigest != "" {
		svc.Image.Digest = opts.ImageDigest
		for _, e := range svc.Environments {
			e.Service.Image.Digest = opts.ImageDigest
		}
	}
	res, err := render(name, src, svc, repo)
	if err != nil {
		return nil, err
	}
	res.Warnings = diags.Warnings()
	return res, nil
}

// render turns a loaded service into its files, after proving that the .dockerignore
// keeps every file the build reads.
func render(name string, src []byte, svc *model.Service, repo fs.FS) (*Result, error) {
	if diags, err := rawValuesFindings(name, src, svc); err != nil || len(diags) > 0 {
		if err != nil {
			return nil, err
		}
		return nil, diags
	}
	df, err := dockerfile.Render(svc)
	if err != nil {
		return nil, err
	}
	ignore := dockerfile.Ignore(svc)
	problems, err := dockerfile.IgnoreProblems(svc, repo, df, ignore)
	if err != nil {
		return nil, err
	}
	if diags := ignoreDiagnostics(name, src, problems); len(diags) > 0 {
		return nil, diags
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
	if svc.Compose {
		data, err := values.Marshal(compose.Header(svc), compose.Build(svc))
		if err != nil {
			return nil, err
		}
		files = append(files, output.File{Path: compose.File, Data: data})
	}
	return &Result{Service: svc, Files: files}, nil
}

// ignoreDiagnostics locates each file the .dockerignore would drop in the descriptor:
// at the user's pattern when it is one, else at build with the negation that keeps it.
func ignoreDiagnostics(name string, src []byte, problems []dockerfile.IgnoreProblem) finding.List {
	if len(problems) == 0 {
		return nil
	}
	loc := descriptor.NewLocator(name, src)
	var diags finding.List
	for _, p := range problems {
		if p.UserIndex >= 0 {
			diags = append(diags, loc.At(fmt.Sprintf("/build/dockerignore/%d", p.UserIndex), finding.Error,
				p.String()+"; remove the pattern or narrow it"))
			continue
		}
		diags = append(diags, loc.At("/build", finding.Error,
			fmt.Sprintf("%s; add \"!%s\" to build.dockerignore to keep it", p.String(), p.File)))
	}
	return diags.Sorted()
}

// ValidateFile checks a descriptor as generate would, writing nothing: everything
// generate refuses (the schema, the rules, the .dockerignore proof, the chart's schema)
// validate refuses first. It returns every finding, warnings included; the error is for
// failures that are not the descriptor's fault.
func ValidateFile(name string) (finding.List, error) {
	res, err := GenerateFile(name)
	var findings finding.List
	switch {
	case errors.As(err, &findings):
		return findings, nil
	case err != nil:
		return nil, err
	}
	return res.Warnings, nil
}

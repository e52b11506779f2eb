package pipeline

import (
	"fmt"
	"io/fs"
	"path/filepath"

	"github.com/berth-dev/berth/generator/descriptor"
	"github.com/berth-dev/berth/generator/detect"
	"github.com/berth-dev/berth/generator/dockerfile"
	"github.com/berth-dev/berth/generator/model"
	"github.com/berth-dev/berth/generator/readfile"
	"github.com/berth-dev/berth/generator/scaffold"
)

// Drafted is a service.yaml ready to write, and what berth generate makes of it.
type Drafted struct {
	Path      string // dir/service.yaml
	Data      []byte
	Repo      *detect.Repo
	Generated *Result
}

// Init reads the Go repository at dir, drafts its service.yaml and proves that it
// generates, running the pipeline once. Options the descriptor would refuse come back
// as *scaffold.OptionError.
func Init(dir string, opts scaffold.Options) (*Drafted, error) {
	if err := scaffold.CheckOptions(opts); err != nil {
		return nil, err
	}
	repo, err := detect.Inspect(dir, detect.Options{Mains: opts.Mains, Reach: true})
	if err != nil {
		return nil, err
	}
	draft := scaffold.New(repo, opts)
	file := filepath.Join(dir, scaffold.FileName)
	data, err := draft.Encode()
	if err != nil {
		return nil, err
	}
	ctx, done, err := readfile.Dir(dir)
	if err != nil {
		return nil, err
	}
	defer done()
	svc, diags, err := descriptor.Load(file, data, ctx)
	if err != nil {
		return nil, err
	}
	if diags.HasErrors() {
		// Not wrapped: the draft was not written, so its positions only make sense
		// with the explanation.
		return nil, fmt.Errorf("the flags conflict with the code; the draft (not written) says:\n%s", diags.Error())
	}
	if dropped, err := droppedByDefaults(svc, ctx); err != nil {
		return nil, err
	} else if len(dropped) > 0 {
		draft.Keep(dropped)
		if data, err = draft.Encode(); err != nil {
			return nil, err
		}
		keepIgnore(svc, draft.Ignore())
	}
	res, err := render(file, data, svc, ctx)
	if err != nil {
		return nil, fmt.Errorf("the drafted %s does not generate (a berth bug; please report it with the repository's layout): %v", scaffold.FileName, err)
	}
	res.Warnings = diags.Warnings()
	return &Drafted{Path: file, Data: data, Repo: repo, Generated: res}, nil
}

// droppedByDefaults lists the files the build reads that berth's default .dockerignore
// drops (a draft has no patterns of its own yet).
func droppedByDefaults(svc *model.Service, ctx fs.FS) ([]scaffold.Dropped, error) {
	df, err := dockerfile.Render(svc)
	if err != nil {
		return nil, err
	}
	problems, err := dockerfile.IgnoreProblems(svc, ctx, df, dockerfile.Ignore(svc))
	if err != nil {
		return nil, err
	}
	var out []scaffold.Dropped
	for _, p := range problems {
		out = append(out, scaffold.Dropped{File: p.File, Pattern: p.Pattern})
	}
	return out, nil
}

// keepIgnore gives the loaded service, and each environment's view of it, the patterns
// the draft added, as loading the re-encoded draft would.
func keepIgnore(svc *model.Service, patterns []string) {
	svc.Build.Ignore = patterns
	for _, e := range svc.Environments {
		e.Service.Build.Ignore = patterns
	}
}

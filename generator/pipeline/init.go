package pipeline

import (
	"cmp"
	"context"
	"fmt"
	"io/fs"
	"path/filepath"
	"time"

	"github.com/berth-dev/berth/generator/descriptor"
	"github.com/berth-dev/berth/generator/detect"
	"github.com/berth-dev/berth/generator/dockerfile"
	"github.com/berth-dev/berth/generator/model"
	"github.com/berth-dev/berth/generator/probe"
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

// Probe asks berth init to run the mains and let what they do override the reading
// of the code (--probe).
type Probe struct {
	Helper []string      // the command that runs probe.Helper (berth's hidden probe-helper)
	Wait   time.Duration // how long each main runs
}

// Init reads the Go repository at dir, drafts its service.yaml and proves that it
// generates, running the pipeline once. With a Probe, the mains are built and run
// first in isolated network namespaces. Options the descriptor would refuse come back
// as *scaffold.OptionError.
func Init(dir string, opts scaffold.Options, p *Probe) (*Drafted, error) {
	if err := scaffold.CheckOptions(opts); err != nil {
		return nil, err
	}
	repo, err := detect.Inspect(dir, detect.Options{Mains: opts.Mains, Reach: true})
	if err != nil {
		return nil, err
	}
	if p != nil {
		if err := observe(dir, repo, p); err != nil {
			return nil, err
		}
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

// observe runs the repository's mains (probe.Observe) and applies what they did.
func observe(dir string, repo *detect.Repo, p *Probe) error {
	o := probe.Options{
		ModuleDir: filepath.Join(dir, filepath.FromSlash(repo.ModuleDir)),
		Vendor:    repo.Vendor,
		CGO:       len(repo.CGO) > 0,
		Mains:     repo.Mains,
		Wait:      p.Wait,
		Helper:    p.Helper,
	}
	if sub, ok := repo.ServeSubcommand(); ok {
		o.Args = []string{sub.Name}
	}
	for _, c := range repo.ConfigFlags {
		o.Files = append(o.Files, c.File)
	}
	for _, e := range repo.Endpoints {
		o.Paths = append(o.Paths, e.Path)
	}
	obs, err := probe.Observe(context.Background(), o)
	if err != nil {
		return err
	}
	for i := range obs {
		obs[i].Wait = cmp.Or(p.Wait, probe.DefaultWait).String()
	}
	repo.Observe(obs)
	return nil
}

package lint

import (
	"os"
	"path/filepath"

	"github.com/berth-dev/berth/generator/detect"
	"github.com/berth-dev/berth/generator/gomod"
)

// repoFacts is what the Go module beside a Dockerfile says, so rules judge by the
// code's real needs (cgo through a dependency, TLS, time zones) instead of guessing.
type repoFacts struct {
	dir                  string
	vendor               bool
	cgo                  []string // packages with cgo files in the build graph
	tls                  bool     // something in the graph imports crypto/tls
	loadsZones, embedsTZ bool
	dynamicStd           bool // net or os/user: cgo-linked by default where a C compiler exists
	zoneCall             string
}

func (r *repoFacts) has(name string) bool {
	_, err := os.Stat(filepath.Join(r.dir, name))
	return err == nil
}

// readRepo inspects the module in dir; nil when there is none. When the packages do
// not load (no main, offline), the go.mod and vendor facts still count.
func readRepo(dir string) *repoFacts {
	mod, err := gomod.Read(os.DirFS(dir), ".")
	if err != nil {
		return nil
	}
	facts := &repoFacts{dir: dir, tls: true, dynamicStd: true}
	state, _, _ := mod.CheckVendor(os.DirFS(dir), ".")
	facts.vendor = state == gomod.Consistent
	repo, err := detect.Inspect(dir, detect.Options{})
	if err != nil {
		return facts
	}
	for _, c := range repo.CGO {
		facts.cgo = append(facts.cgo, c.ImportPath)
	}
	facts.tls = repo.Imports["crypto/tls"]
	facts.dynamicStd = repo.Imports["net"] || repo.Imports["os/user"]
	facts.embedsTZ = repo.Imports["time/tzdata"]
	if repo.ZoneLoad != nil {
		facts.loadsZones, facts.zoneCall = true, repo.ZoneLoad.String()
	}
	return facts
}

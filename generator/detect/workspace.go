package detect

import (
	"fmt"
	"os"
	"path/filepath"

	"golang.org/x/mod/modfile"

	"github.com/berth-dev/berth/generator/gomod"
)

// checkWorkspace refuses a module that needs its go.work: the image is built from
// the module directory alone with GOWORK=off, so a requirement that only the
// workspace resolves (a sibling module without a replace) cannot be fetched.
func checkWorkspace(modDir, shownDir string, mod *gomod.Module) error {
	work := findWorkspace(modDir)
	if work == "" {
		return nil
	}
	data, err := os.ReadFile(work)
	if err != nil {
		return err
	}
	wf, err := modfile.ParseWork(work, data, nil)
	if err != nil {
		return err
	}
	members := map[string]string{}
	for _, u := range wf.Use {
		dir := filepath.Join(filepath.Dir(work), filepath.FromSlash(u.Path))
		if m, err := gomod.Read(os.DirFS(dir), "."); err == nil && m.Path != mod.Path {
			members[m.Path] = u.Path
		}
	}
	shown, _ := filepath.Rel(modDir, work)
	for _, r := range mod.Requirements() {
		if use, ok := members[r.Path]; ok && !mod.Replaces(r.Path) {
			return fmt.Errorf("%s:%d: requires %s %s, which only the workspace %s resolves (use %s); the image is built from this module alone (GOWORK=off), so the build cannot find it: require a published version, or copy it into the module with a replace", filepath.Join(shownDir, "go.mod"), r.Line, r.Path, r.Version, filepath.ToSlash(shown), use)
		}
	}
	return nil
}

package detect

import (
	"path"
	"path/filepath"
	"strings"
)

// embedOf records a package's //go:embed patterns, with the first pattern's position
// read by go/build (go list does not print positions).
func embedOf(modDir, relDir string, p *listedPackage) Embed {
	e := Embed{Dir: relDir, Patterns: p.EmbedPatterns}
	for _, f := range p.EmbedFiles {
		e.Files = append(e.Files, path.Join(relDir, f))
	}
	ctx := linuxContext()
	if pkg, err := ctx.ImportDir(p.Dir, 0); err == nil {
		for _, pat := range p.EmbedPatterns {
			if pos := pkg.EmbedPatternPos[pat]; len(pos) > 0 {
				e.Evidence = Evidence{File: relTo(modDir, filepath.Join(p.Dir, filepath.Base(pos[0].Filename))), Line: pos[0].Line, What: "//go:embed " + strings.Join(p.EmbedPatterns, " ")}
				break
			}
		}
	}
	return e
}

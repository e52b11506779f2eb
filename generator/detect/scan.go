package detect

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"path"
	"path/filepath"
	"slices"
	"strconv"
)

// scanPackage parses a package's Go files and records its ports and endpoints.
func (s *scanner) scanPackage(modDir, relDir string, p *listedPackage) error {
	if s.fset == nil {
		s.fset = token.NewFileSet()
	}
	var files []*ast.File
	var names []string
	for _, f := range slices.Concat(p.GoFiles, p.CgoFiles) {
		parsed, err := parser.ParseFile(s.fset, filepath.Join(p.Dir, f), nil, parser.SkipObjectResolution)
		if err != nil {
			return fmt.Errorf("parsing %s: %w", path.Join(relDir, f), err)
		}
		files = append(files, parsed)
		names = append(names, path.Join(relDir, f))
	}
	s.consts = packageLiterals(files)
	before := len(s.ports)
	for i, f := range files {
		s.file = names[i]
		s.scanFile(f)
	}
	for i := before; i < len(s.ports); i++ {
		s.ports[i].pkg = p.ImportPath
	}
	return nil
}

// packageLiterals maps each identifier bound exactly once in the package to a
// literal (const port = "8080", addr := ":8080") so uses of it can be read.
func packageLiterals(files []*ast.File) map[string]ast.Expr {
	seen := map[string]int{}
	out := map[string]ast.Expr{}
	bind := func(id *ast.Ident, v ast.Expr) {
		seen[id.Name]++
		if lit, ok := v.(*ast.BasicLit); ok && (lit.Kind == token.STRING || lit.Kind == token.INT) {
			out[id.Name] = lit
		} else if b, ok := v.(*ast.BinaryExpr); ok && b.Op == token.ADD {
			out[id.Name] = b
		}
	}
	for _, f := range files {
		ast.Inspect(f, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.ValueSpec:
				for i, id := range n.Names {
					if i < len(n.Values) {
						bind(id, n.Values[i])
					}
				}
			case *ast.AssignStmt:
				if n.Tok == token.DEFINE && len(n.Lhs) == len(n.Rhs) {
					for i, l := range n.Lhs {
						if id, ok := l.(*ast.Ident); ok {
							bind(id, n.Rhs[i])
						}
					}
				}
			}
			return true
		})
	}
	for name, n := range seen {
		if n > 1 {
			delete(out, name)
		}
	}
	return out
}

// listensIn reports whether any of the packages holds port evidence.
func (s *scanner) listensIn(pkgs []string) bool {
	for _, p := range s.ports {
		if p.rank >= rankDefault && slices.Contains(pkgs, p.pkg) {
			return true
		}
	}
	return false
}

// namePorts keeps one entry per port number, the best evidence first, and names
// them: the first of each class gets the class name (http, metrics, grpc…), others
// the class and number (http-9000). Weak evidence (a variable named like a port)
// counts only when nothing stronger exists.
func namePorts(found []Port) []Port {
	strongest := 0
	for _, p := range found {
		strongest = max(strongest, p.rank)
	}
	cands := slices.Clone(found)
	slices.SortStableFunc(cands, func(a, b Port) int { return b.rank - a.rank })
	var out []Port
	byNumber := map[int]bool{}
	taken := map[string]bool{}
	for _, p := range cands {
		if byNumber[p.Number] || (p.rank == rankNamed && strongest > rankNamed) {
			continue
		}
		byNumber[p.Number] = true
		p.Name = p.class
		if taken[p.Name] {
			p.Name = p.class + "-" + strconv.Itoa(p.Number)
		}
		taken[p.Name] = true
		out = append(out, p)
	}
	return out
}

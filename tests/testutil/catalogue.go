package testutil

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// RulesHaveChecks fails t unless every element of the rule catalogue var named
// catalogue, in the package in dir, is used by the package's own (non-test) code outside
// its declaration and the catalogue: a catalogued rule that nothing reports is dead.
func RulesHaveChecks(t *testing.T, dir, catalogue string) {
	t.Helper()
	fset := token.NewFileSet()
	pkgs, err := parser.ParseDir(fset, dir, func(fi os.FileInfo) bool { return !strings.HasSuffix(fi.Name(), "_test.go") }, 0)
	if err != nil {
		t.Fatal(err)
	}
	var listed []string
	var inCatalogue *ast.CompositeLit
	uses := map[string]int{}
	for _, pkg := range pkgs {
		for _, f := range pkg.Files {
			ast.Inspect(f, func(n ast.Node) bool {
				vs, ok := n.(*ast.ValueSpec)
				if !ok || len(vs.Names) != 1 || vs.Names[0].Name != catalogue || len(vs.Values) != 1 {
					return true
				}
				if lit, ok := vs.Values[0].(*ast.CompositeLit); ok {
					inCatalogue = lit
					for _, e := range lit.Elts {
						if id, ok := e.(*ast.Ident); ok {
							listed = append(listed, id.Name)
						}
					}
				}
				return false
			})
		}
	}
	if inCatalogue == nil || len(listed) == 0 {
		t.Fatalf("%s: no catalogue %s of rule variables", filepath.Base(dir), catalogue)
	}
	for _, pkg := range pkgs {
		for _, f := range pkg.Files {
			ast.Inspect(f, func(n ast.Node) bool {
				if n == inCatalogue {
					return false
				}
				if vs, ok := n.(*ast.ValueSpec); ok {
					for _, v := range vs.Values {
						if v != ast.Expr(inCatalogue) {
							ast.Inspect(v, countIdents(uses))
						}
					}
					return false // the declaration's own name is not a use
				}
				countIdents(uses)(n)
				return true
			})
		}
	}
	for _, name := range listed {
		if uses[name] == 0 {
			t.Errorf("rule %s is catalogued but no check reports it", name)
		}
	}
}

func countIdents(uses map[string]int) func(ast.Node) bool {
	return func(n ast.Node) bool {
		if id, ok := n.(*ast.Ident); ok {
			uses[id.Name]++
		}
		return true
	}
}

package lint

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	"github.com/moby/buildkit/frontend/dockerfile/linter"
	"github.com/moby/buildkit/frontend/dockerfile/parser"
	"github.com/moby/buildkit/frontend/dockerfile/shell"
	"mvdan.cc/sh/v3/syntax"
)

// dockerfile is a Dockerfile parsed by BuildKit into stages of typed instructions.
type dockerfile struct {
	name   string
	stages []instructions.Stage
	args   []instructions.ArgCommand
	// Stage relations, resolved once so that rules walk them in constant time per step
	// (a file of thousands of chained stages must not take minutes).
	index    map[*instructions.Stage]int
	parents  []int          // the stage each one is built FROM, or -1
	children [][]int        // the stages built FROM each one
	roots    []string       // the external image each stage starts from
	byName   map[string]int // lower-cased stage name → its first definition
}

func parseDockerfile(name string, data []byte) (*dockerfile, error) {
	res, err := parser.Parse(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	stages, args, err := instructions.Parse(res.AST, linter.New(&linter.Config{}))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	for _, st := range stages {
		for _, cmd := range st.Commands {
			if run, ok := cmd.(*instructions.RunCommand); ok {
				// Mount flags are only read when expanded; keep words as written.
				if err := run.Expand(func(w string) (string, error) { return w, nil }); err != nil {
					return nil, fmt.Errorf("%s:%d: %w", name, lineOf(run), err)
				}
			}
		}
	}
	d := &dockerfile{name: name, stages: stages, args: args}
	d.expandBaseNames()
	d.resolve()
	return d, nil
}

// expandBaseNames reads FROM lines as a build without --build-arg does: the global
// ARGs' defaults replace their references (golang:${GO_VERSION}-trixie is
// golang:1.26.8-trixie), so the rules see the image that is pulled. A reference with no
// default stays as written.
func (d *dockerfile) expandBaseNames() {
	var env []string
	for _, a := range d.args {
		for _, kv := range a.Args {
			if kv.Value != nil {
				env = append(env, kv.Key+"="+*kv.Value)
			}
		}
	}
	lex := shell.NewLex('\\')
	for i := range d.stages {
		s := &d.stages[i]
		if !strings.Contains(s.BaseName, "$") {
			continue
		}
		res, err := lex.ProcessWordWithMatches(s.BaseName, shell.EnvsFromSlice(env))
		if err == nil && len(res.Unmatched) == 0 {
			s.BaseName = res.Result
		}
	}
}

// resolve links every stage to the one it is built FROM. As in BuildKit, a name refers
// only to a stage defined earlier, so the links cannot form a cycle.
func (d *dockerfile) resolve() {
	n := len(d.stages)
	d.index = make(map[*instructions.Stage]int, n)
	d.parents, d.children, d.roots = make([]int, n), make([][]int, n), make([]string, n)
	d.byName = map[string]int{}
	for i := range d.stages {
		s := &d.stages[i]
		d.index[s] = i
		d.parents[i], d.roots[i] = -1, s.BaseName
		if p, ok := d.byName[strings.ToLower(s.BaseName)]; ok {
			d.parents[i], d.roots[i] = p, d.roots[p]
			d.children[p] = append(d.children[p], i)
		}
		if name := strings.ToLower(s.Name); name != "" {
			if _, taken := d.byName[name]; !taken {
				d.byName[name] = i
			}
		}
	}
}

// final is the stage docker build produces without --target: the last one.
func (d *dockerfile) final() *instructions.Stage {
	if len(d.stages) == 0 {
		return nil
	}
	return &d.stages[len(d.stages)-1]
}

// baseImage is the external image a stage starts from, through FROM <stage>.
func (d *dockerfile) baseImage(s *instructions.Stage) string { return d.roots[d.index[s]] }

// parent is the stage a stage is built FROM, or nil for an image.
func (d *dockerfile) parent(s *instructions.Stage) *instructions.Stage {
	return d.stageAt(d.parents[d.index[s]])
}

// childrenOf are the stages built FROM s.
func (d *dockerfile) childrenOf(s *instructions.Stage) []*instructions.Stage {
	var out []*instructions.Stage
	for _, i := range d.children[d.index[s]] {
		out = append(out, &d.stages[i])
	}
	return out
}

func (d *dockerfile) stageAt(i int) *instructions.Stage {
	if i < 0 {
		return nil
	}
	return &d.stages[i]
}

// stageBefore finds a stage named name defined before s (COPY --from, FROM).
func (d *dockerfile) stageBefore(s *instructions.Stage, name string) *instructions.Stage {
	if i, ok := d.byName[strings.ToLower(name)]; ok && i < d.index[s] {
		return &d.stages[i]
	}
	return nil
}

// lineOf is where an instruction starts.
func lineOf(c interface{ Location() []parser.Range }) int {
	if loc := c.Location(); len(loc) > 0 {
		return loc[0].Start.Line
	}
	return 1
}

func stageLine(s *instructions.Stage) int {
	if len(s.Location) > 0 {
		return s.Location[0].Start.Line
	}
	return 1
}

// command is one simple command of a RUN line: its assignments (CGO_ENABLED=0) and words.
type command struct {
	env  map[string]string
	args []string
	line int // within the script, from 1
}

// shellCommands splits a shell script into its simple commands with mvdan.cc/sh,
// the way sh would (&&, ;, pipes, subshells, continuation lines).
func shellCommands(script string) []command {
	f, err := syntax.NewParser().Parse(strings.NewReader(script), "")
	if err != nil {
		return nil
	}
	var out []command
	word := wordValue
	syntax.Walk(f, func(n syntax.Node) bool {
		call, ok := n.(*syntax.CallExpr)
		if !ok {
			return true
		}
		c := command{env: map[string]string{}, line: int(call.Pos().Line())}
		for _, a := range call.Assigns {
			if a.Value != nil {
				c.env[a.Name.Value] = word(a.Value)
			} else {
				c.env[a.Name.Value] = ""
			}
		}
		for _, a := range call.Args {
			c.args = append(c.args, word(a))
		}
		out = append(out, c)
		return true
	})
	return out
}

// wordValue is a word as the shell would pass it, quotes removed
// (-ldflags="-s -w" gives -ldflags=-s -w); expansions keep their source text.
func wordValue(w *syntax.Word) string {
	var b strings.Builder
	for _, part := range w.Parts {
		writePart(&b, part)
	}
	return b.String()
}

func writePart(b *strings.Builder, part syntax.WordPart) {
	switch p := part.(type) {
	case *syntax.Lit:
		b.WriteString(p.Value)
	case *syntax.SglQuoted:
		b.WriteString(p.Value)
	case *syntax.DblQuoted:
		for _, inner := range p.Parts {
			writePart(b, inner)
		}
	default:
		_ = syntax.NewPrinter().Print(b, part)
	}
}

// runScript is the shell text of a RUN (exec form joined with spaces).
func runScript(r *instructions.RunCommand) string {
	script := strings.Join(r.CmdLine, " ")
	for _, f := range r.Files {
		script += "\n" + f.Data
	}
	return script
}

// goCommands are the go invocations of a RUN line: go build, go mod download, go env.
func goCommands(r *instructions.RunCommand) []command {
	var out []command
	for _, c := range shellCommands(runScript(r)) {
		if len(c.args) > 1 && (c.args[0] == "go" || strings.HasSuffix(c.args[0], "/go")) {
			out = append(out, c)
		}
	}
	return out
}

func isGo(c command, sub ...string) bool {
	if len(c.args) < 1+len(sub) {
		return false
	}
	for i, s := range sub {
		if c.args[1+i] != s {
			return false
		}
	}
	return true
}

// shipped are the stages the image docker build makes without --target is built from:
// the final stage and, transitively, each stage it is built FROM or copies or mounts
// from. A stage only another --target reaches (dev, debug) is not among them.
func (d *dockerfile) shipped() map[*instructions.Stage]bool {
	out := map[*instructions.Stage]bool{}
	var visit func(s *instructions.Stage)
	visit = func(s *instructions.Stage) {
		if s == nil || out[s] {
			return
		}
		out[s] = true
		visit(d.parent(s))
		for _, cmd := range s.Commands {
			switch c := cmd.(type) {
			case *instructions.CopyCommand:
				visit(d.named(c.From))
			case *instructions.RunCommand:
				for _, m := range instructions.GetMounts(c) {
					visit(d.named(m.From))
				}
			}
		}
	}
	visit(d.final())
	return out
}

// named is the stage a COPY --from or mount from= names (by name or index), or nil.
func (d *dockerfile) named(ref string) *instructions.Stage {
	if ref == "" {
		return nil
	}
	if i, ok := d.byName[strings.ToLower(ref)]; ok {
		return &d.stages[i]
	}
	if n, err := strconv.Atoi(ref); err == nil && n >= 0 && n < len(d.stages) {
		return &d.stages[n]
	}
	return nil
}

package detect

import (
	"cmp"
	"fmt"
	"go/constant"
	"go/token"
	"go/types"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"golang.org/x/tools/go/packages"
	"golang.org/x/tools/go/ssa"
	"golang.org/x/tools/go/ssa/ssautil"
)

// listenSite is a listen call reachable from a chosen main, with the addresses its
// address argument can hold, traced through the program's SSA form.
type listenSite struct {
	protocol string   // "TCP" or "UDP"
	addrs    []string // constant addresses the argument may hold (":53")
	evidence Evidence
}

// reach is the part of a program reachable from its mains.
type reach struct {
	prog      *ssa.Program
	module    string
	modDir    string
	reachable map[*ssa.Function]bool
	callers   map[*ssa.Function][]ssa.CallInstruction // reachable call sites of each function
}

// analyzeReach loads the module's own packages in the mains' build graph (own) with
// types (dependencies from export data), builds their SSA form, and walks what the mains reach: static calls, calls of
// interface methods (every own method of that name), and every function whose value is
// taken in reached code (handlers, cobra's RunE), since a dependency without bodies may
// call it. It returns the reachable listen sites.
func analyzeReach(modDir, module string, vendor bool, mains, own []string) ([]listenSite, error) {
	mode := "-mod=readonly"
	if vendor {
		mode = "-mod=vendor"
	}
	cfg := &packages.Config{
		Mode: packages.NeedName | packages.NeedFiles | packages.NeedImports | packages.NeedTypes |
			packages.NeedSyntax | packages.NeedTypesInfo | packages.NeedModule,
		Dir: modDir,
		Env: append(os.Environ(), "GOOS=linux", "GOARCH=amd64", "CGO_ENABLED=0", "GOWORK=off", "GOFLAGS="+mode),
	}
	pkgs, err := packages.Load(cfg, own...) // the module's packages the mains import: they need bodies
	if err != nil {
		return nil, fmt.Errorf("loading the packages with types: %w", err)
	}
	var typed []*packages.Package
	for _, p := range pkgs {
		if p.Module != nil && p.Module.Path == module && len(p.Errors) == 0 {
			typed = append(typed, p)
		}
	}
	prog, ssaPkgs := ssautil.Packages(typed, ssa.InstantiateGenerics)
	prog.Build()
	r := &reach{prog: prog, module: module, modDir: modDir, reachable: map[*ssa.Function]bool{}, callers: map[*ssa.Function][]ssa.CallInstruction{}}
	var roots []*ssa.Function
	for _, p := range ssaPkgs {
		if p == nil || !slices.Contains(mains, p.Pkg.Path()) {
			continue
		}
		for _, name := range []string{"main", "init"} {
			if f := p.Func(name); f != nil {
				roots = append(roots, f)
			}
		}
	}
	r.walk(roots)
	return r.listenSites(), nil
}

// walk marks every function the roots reach.
func (r *reach) walk(roots []*ssa.Function) {
	queue := slices.Clone(roots)
	add := func(f *ssa.Function) {
		if f != nil && !r.reachable[f] {
			r.reachable[f] = true
			queue = append(queue, f)
		}
	}
	for _, f := range roots {
		r.reachable[f] = true
	}
	for len(queue) > 0 {
		f := queue[0]
		queue = queue[1:]
		for _, anon := range f.AnonFuncs {
			add(anon)
		}
		for _, b := range f.Blocks {
			for _, instr := range b.Instrs {
				if call, ok := instr.(ssa.CallInstruction); ok {
					common := call.Common()
					if callee := common.StaticCallee(); callee != nil {
						r.callers[callee] = append(r.callers[callee], call)
						add(callee)
					} else if common.IsInvoke() {
						for _, m := range r.methodsNamed(common.Method.Name()) {
							r.callers[m] = append(r.callers[m], call)
							add(m)
						}
					}
				}
				for _, op := range instr.Operands(nil) {
					if fn, ok := (*op).(*ssa.Function); ok {
						add(fn)
					}
				}
			}
		}
	}
}

// methodsNamed are the module's own methods of that name, on value and pointer receivers.
func (r *reach) methodsNamed(name string) []*ssa.Function {
	var out []*ssa.Function
	for _, p := range r.prog.AllPackages() {
		if !r.own(p.Pkg) {
			continue
		}
		for _, m := range p.Members {
			t, ok := m.(*ssa.Type)
			if !ok {
				continue
			}
			for _, typ := range []types.Type{t.Type(), types.NewPointer(t.Type())} {
				if sel := r.prog.MethodSets.MethodSet(typ).Lookup(p.Pkg, name); sel != nil {
					out = append(out, r.prog.MethodValue(sel))
				} else if sel := r.prog.MethodSets.MethodSet(typ).Lookup(nil, name); sel != nil {
					out = append(out, r.prog.MethodValue(sel))
				}
			}
		}
	}
	return out
}

func (r *reach) own(p *types.Package) bool {
	return p != nil && (p.Path() == r.module || strings.HasPrefix(p.Path(), r.module+"/"))
}

// listenSites finds the listen calls in reachable functions and traces their addresses.
func (r *reach) listenSites() []listenSite {
	var out []listenSite
	funcs := make([]*ssa.Function, 0, len(r.reachable))
	for f := range r.reachable {
		funcs = append(funcs, f)
	}
	slices.SortFunc(funcs, func(a, b *ssa.Function) int { return int(a.Pos() - b.Pos()) })
	for _, f := range funcs {
		if f.Pkg == nil || !r.own(f.Pkg.Pkg) {
			continue
		}
		for _, b := range f.Blocks {
			for _, instr := range b.Instrs {
				call, ok := instr.(ssa.CallInstruction)
				if !ok {
					continue
				}
				if site, ok := r.listenSite(call); ok {
					out = append(out, site)
				}
			}
		}
	}
	return out
}

// listenSite recognises a listen call and the argument holding its address.
func (r *reach) listenSite(call ssa.CallInstruction) (listenSite, bool) {
	common := call.Common()
	callee := common.StaticCallee()
	if callee == nil || callee.Pkg == nil {
		return listenSite{}, false
	}
	name := callee.Pkg.Pkg.Path() + "." + callee.Name()
	if recv := callee.Signature.Recv(); recv != nil {
		name = types.TypeString(recv.Type(), nil) + "." + callee.Name()
	}
	args := common.Args
	site := listenSite{protocol: "TCP"}
	var addr ssa.Value
	switch name {
	case "net.Listen", "crypto/tls.Listen":
		addr = args[1]
		site.protocol = protocolOf(r.strings(args[0], 0))
	case "net.ListenPacket":
		addr = args[1]
		site.protocol = protocolOf(r.strings(args[0], 0))
	case "*net.ListenConfig.Listen", "*net.ListenConfig.ListenPacket":
		addr = args[3]
		site.protocol = protocolOf(r.strings(args[2], 0))
	case "net/http.ListenAndServe", "net/http.ListenAndServeTLS":
		addr = args[0]
	case "*net/http.Server.ListenAndServe", "*net/http.Server.ListenAndServeTLS":
		addr = r.fieldStored(args[0], "Addr")
	case "*github.com/labstack/echo/v4.Echo.Start", "*github.com/labstack/echo/v4.Echo.StartTLS",
		"*github.com/gofiber/fiber/v2.App.Listen", "*github.com/gofiber/fiber/v3.App.Listen":
		addr = args[1]
	default:
		return listenSite{}, false
	}
	pos := r.prog.Fset.Position(call.Pos())
	rel, err := filepath.Rel(r.modDir, pos.Filename)
	if err != nil {
		rel = pos.Filename
	}
	site.evidence = Evidence{File: filepath.ToSlash(rel), Line: pos.Line, What: shorten(strings.TrimPrefix(name, "*") + "(…)")}
	if addr != nil {
		site.addrs = r.strings(addr, 0)
	}
	return site, true
}

func protocolOf(networks []string) string {
	for _, n := range networks {
		if strings.HasPrefix(n, "udp") {
			return "UDP"
		}
	}
	return "TCP"
}

// fieldStored finds what is stored into a field of the struct a pointer points to
// (&http.Server{Addr: addr} is an Alloc, a FieldAddr and a Store in SSA), following the
// pointer through the cells and closure bindings that hold it.
func (r *reach) fieldStored(ptr ssa.Value, field string) ssa.Value {
	for _, o := range r.origins(ptr, 0) {
		alloc, ok := o.(*ssa.Alloc)
		if !ok {
			continue
		}
		for _, ref := range *alloc.Referrers() {
			fa, ok := ref.(*ssa.FieldAddr)
			if !ok || fieldName(fa.X.Type(), fa.Field) != field {
				continue
			}
			for _, use := range *fa.Referrers() {
				if st, ok := use.(*ssa.Store); ok && st.Addr == fa {
					return st.Val
				}
			}
		}
	}
	return nil
}

// origins follows a value through loads of local cells (a variable a closure
// captures lives in one) and a closure's free variables to the values stored there.
func (r *reach) origins(v ssa.Value, depth int) []ssa.Value {
	if depth > maxTrace {
		return nil
	}
	switch v := v.(type) {
	case *ssa.UnOp:
		if v.Op != token.MUL {
			return []ssa.Value{v}
		}
		var out []ssa.Value
		for _, cell := range r.origins(v.X, depth+1) {
			alloc, ok := cell.(*ssa.Alloc)
			if !ok {
				continue
			}
			for _, ref := range *alloc.Referrers() {
				if st, ok := ref.(*ssa.Store); ok && st.Addr == alloc {
					out = append(out, r.origins(st.Val, depth+1)...)
				}
			}
		}
		return out
	case *ssa.FreeVar:
		fn := v.Parent()
		i := slices.Index(fn.FreeVars, v)
		var out []ssa.Value
		for f := range r.reachable {
			for _, b := range f.Blocks {
				for _, instr := range b.Instrs {
					if mc, ok := instr.(*ssa.MakeClosure); ok && mc.Fn == fn && i < len(mc.Bindings) {
						out = append(out, r.origins(mc.Bindings[i], depth+1)...)
					}
				}
			}
		}
		return out
	}
	return []ssa.Value{v}
}

func fieldName(ptr types.Type, i int) string {
	p, ok := ptr.Underlying().(*types.Pointer)
	if !ok {
		return ""
	}
	s, ok := p.Elem().Underlying().(*types.Struct)
	if !ok || i >= s.NumFields() {
		return ""
	}
	return s.Field(i).Name()
}

// maxTrace bounds the interprocedural walk from a parameter to its callers' arguments.
const maxTrace = 6

// strings returns the constant strings v may hold: constants, concatenations, the
// defaults of flag and pflag flags (flag.String, fs.StringVar into a variable), and,
// for a parameter, the arguments of every reachable call of its function.
func (r *reach) strings(v ssa.Value, depth int) []string {
	if depth > maxTrace || v == nil {
		return nil
	}
	switch v := v.(type) {
	case *ssa.Const:
		if v.Value != nil && v.Value.Kind() == constant.String {
			return []string{constant.StringVal(v.Value)}
		}
	case *ssa.BinOp:
		if v.Op == token.ADD {
			var out []string
			for _, a := range r.strings(v.X, depth+1) {
				for _, b := range r.strings(v.Y, depth+1) {
					out = append(out, a+b)
				}
			}
			return out
		}
	case *ssa.Phi:
		var out []string
		for _, e := range v.Edges {
			out = append(out, r.strings(e, depth+1)...)
		}
		return out
	case *ssa.ChangeType:
		return r.strings(v.X, depth+1)
	case *ssa.Convert:
		return r.strings(v.X, depth+1)
	case *ssa.UnOp:
		if v.Op == token.MUL {
			if out := r.pointee(v.X, depth+1); len(out) > 0 {
				return out
			}
			return r.stringsStored(v, depth+1)
		}
	case *ssa.Parameter:
		return r.argumentsFor(v, depth+1)
	case *ssa.FreeVar:
		return r.stringsStored(v, depth+1)
	case *ssa.Call:
		return r.returned(v.Common(), depth+1)
	}
	return nil
}

// stringsStored is what a load or a free variable may hold: the strings of the values
// stored where it reads (see origins).
func (r *reach) stringsStored(v ssa.Value, depth int) []string {
	var out []string
	for _, o := range r.origins(v, depth) {
		if o != v {
			out = append(out, r.strings(o, depth)...)
		}
	}
	return out
}

// returned is what a call of one of the module's functions returns first, over all
// its return statements (func addr() string { …; return ":8080" }).
func (r *reach) returned(c *ssa.CallCommon, depth int) []string {
	callee := c.StaticCallee()
	if callee == nil || callee.Pkg == nil || !r.own(callee.Pkg.Pkg) {
		return nil
	}
	var out []string
	for _, b := range callee.Blocks {
		if ret, ok := b.Instrs[len(b.Instrs)-1].(*ssa.Return); ok && len(ret.Results) > 0 {
			out = append(out, r.strings(ret.Results[0], depth)...)
		}
	}
	return out
}

// pointee is what *p may hold: a flag's default, or a value stored into a global.
func (r *reach) pointee(p ssa.Value, depth int) []string {
	switch p := p.(type) {
	case *ssa.Call:
		if def, ok := flagDefault(p.Common()); ok {
			return r.strings(def, depth)
		}
	case *ssa.Global:
		var out []string
		for f := range r.reachable {
			for _, b := range f.Blocks {
				for _, instr := range b.Instrs {
					switch i := instr.(type) {
					case *ssa.Store:
						if i.Addr == p {
							out = append(out, r.strings(i.Val, depth)...)
						}
					case ssa.CallInstruction:
						if ptr, def, ok := flagVar(i.Common()); ok && ptr == p {
							out = append(out, r.strings(def, depth)...)
						}
					}
				}
			}
		}
		return out
	}
	return nil
}

// flagDefault reads the default of flag.String(name, def, usage) and its pflag and
// FlagSet forms.
func flagDefault(c *ssa.CallCommon) (ssa.Value, bool) {
	callee := c.StaticCallee()
	if callee == nil || callee.Pkg == nil || !flagPackages[callee.Pkg.Pkg.Path()] {
		return nil, false
	}
	switch callee.Name() {
	case "String":
		return c.Args[len(c.Args)-2], true
	case "StringP":
		return c.Args[len(c.Args)-2], true
	}
	return nil, false
}

// flagVar reads flag.StringVar(&v, name, def, usage) (and StringVarP's extra
// shorthand): the variable and the default. The FlagSet method forms take the set first.
func flagVar(c *ssa.CallCommon) (ptr, def ssa.Value, ok bool) {
	callee := c.StaticCallee()
	if callee == nil || callee.Pkg == nil || !flagPackages[callee.Pkg.Pkg.Path()] {
		return nil, nil, false
	}
	n := len(c.Args)
	switch {
	case callee.Name() == "StringVar" && n >= 4:
		return c.Args[n-4], c.Args[n-2], true
	case callee.Name() == "StringVarP" && n >= 5:
		return c.Args[n-5], c.Args[n-2], true
	}
	return nil, nil, false
}

var flagPackages = map[string]bool{"flag": true, "github.com/spf13/pflag": true}

// argumentsFor traces a parameter to the arguments of every reachable call of its
// function.
func (r *reach) argumentsFor(p *ssa.Parameter, depth int) []string {
	fn := p.Parent()
	i := slices.Index(fn.Params, p)
	if i < 0 {
		return nil
	}
	var out []string
	for _, call := range r.callers[fn] {
		c := call.Common()
		if c.IsInvoke() || i >= len(c.Args) {
			continue
		}
		out = append(out, r.strings(c.Args[i], depth)...)
	}
	return out
}

// mergeReach folds the reachable listen sites into the ports the source scan found.
// A port of a traced site confirms the scan's entry of that number or adds one (a UDP
// listener on a number the scan found for TCP becomes NAME-udp); when every reachable
// site was traced, the scan's other ports (constants of test helpers, dial targets,
// other commands) are dropped, since no reachable code listens on them.
func mergeReach(scanned []Port, sites []listenSite) []Port {
	traced := len(sites) > 0
	type key struct {
		number   int
		protocol string
	}
	found := map[key]listenSite{}
	var order []key
	for _, site := range sites {
		if len(site.addrs) == 0 {
			traced = false
		}
		for _, a := range site.addrs {
			host, port, ok := splitAddr(a)
			if !ok || (host != "" && host != "0.0.0.0" && host != "::") {
				continue
			}
			k := key{port, site.protocol}
			if _, dup := found[k]; !dup {
				found[k] = site
				order = append(order, k)
			}
		}
	}
	var out []Port
	byNumber := map[int]string{} // a name the scan gave each number
	have := map[key]bool{}
	taken := map[string]bool{}
	for _, p := range scanned {
		k := key{p.Number, cmp.Or(p.Protocol, "TCP")}
		if _, ok := found[k]; ok || !traced {
			out = append(out, p)
		}
	}
	// A port named class-NUMBER because a dropped one held the class name takes it back.
	for i, p := range out {
		if p.class != "" && p.Name != p.class && !slices.ContainsFunc(out, func(q Port) bool { return q.Name == p.class }) {
			out[i].Name = p.class
		}
	}
	for _, p := range out {
		byNumber[p.Number] = p.Name
		have[key{p.Number, cmp.Or(p.Protocol, "TCP")}] = true
		taken[p.Name] = true
	}
	for _, k := range order {
		site := found[k]
		if have[k] {
			continue
		}
		name := strings.ToLower(k.protocol)
		if base, ok := byNumber[k.number]; ok {
			name = base + "-" + strings.ToLower(k.protocol)
		} else if k.protocol == "TCP" {
			name = "http"
		}
		if len(name) > 15 || taken[name] {
			name = fmt.Sprintf("%s-%d", strings.ToLower(k.protocol), k.number)
		}
		taken[name] = true
		e := site.evidence
		e.What = fmt.Sprintf("%s reachable from main listens on %s", e.What, strings.Join(site.addrs, ", "))
		p := Port{Name: name, Number: k.number, Evidence: e, rank: rankListen}
		if k.protocol == "UDP" {
			p.Protocol = "UDP"
		}
		out = append(out, p)
	}
	return out
}

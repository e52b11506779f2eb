package detect

import (
	"cmp"
	"fmt"
	"go/token"
	"go/types"
	"maps"
	"net"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"unicode/utf8"

	"golang.org/x/tools/go/packages"
	"golang.org/x/tools/go/ssa"
	"golang.org/x/tools/go/ssa/ssautil"
)

// listenSite is a listen call reachable from a chosen main, with the addresses its
// address argument can hold, traced through the program's SSA form.
type listenSite struct {
	protocol string // "TCP" or "UDP"
	addrs    []text // constant addresses the argument may hold (":53"), with the flags setting them
	handlers []any  // what it serves (see handlerKeys)
	grpc     bool   // a gRPC server serves the listener
	evidence Evidence
	// The network and address arguments of a listen call that returns its listener
	// (net.Listen and the like); nil for servers that listen and serve in one call.
	network, addr ssa.Value
}

// reach is the part of a program reachable from its mains.
type reach struct {
	prog      *ssa.Program
	module    string
	modDir    string
	reachable map[*ssa.Function]bool
	sorted    []*ssa.Function                         // reachable, by name (sortedReachable), once the walk is done
	callers   map[*ssa.Function][]ssa.CallInstruction // reachable call sites of each function
	idx       *index
	methods   map[string][]*ssa.Function // own methods by name
	steps     int                        // tracing steps taken (maxSteps)
	traced    int                        // steps taken by the current trace (maxTraceSteps)
}

// analyzeReach loads the module's own packages in the mains' build graph (own) with
// types (dependencies from export data), builds their SSA form, and walks what the mains reach: static calls, calls of
// interface methods (every own method of that name), and every function whose value is
// taken in reached code (handlers, cobra's RunE), since a dependency without bodies may
// call it. It returns what the reachable code listens on, serves and reads as flags.
func analyzeReach(modDir, module string, vendor bool, mains, own []string) (*analysis, error) {
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
	return r.analyze(), nil
}

// analysis is what the code reachable from the mains does.
type analysis struct {
	sites     []listenSite
	endpoints []Endpoint // health routes it registers
	flags     []flagValue
}

// flagValue is a flag the program defines, with the texts its default may hold.
type flagValue struct {
	name     string
	defaults []string
	evidence Evidence
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

// methodsNamed are the module's own methods of that name, on value and pointer
// receivers, indexed once: a large module makes many interface calls.
func (r *reach) methodsNamed(name string) []*ssa.Function {
	if r.methods == nil {
		r.methods = map[string][]*ssa.Function{}
		// Packages and members come from maps: sort them, so the order of callers, and
		// with it what a bounded trace reaches, is the same on every run.
		pkgs := r.prog.AllPackages()
		slices.SortFunc(pkgs, func(a, b *ssa.Package) int { return strings.Compare(a.Pkg.Path(), b.Pkg.Path()) })
		for _, p := range pkgs {
			if !r.own(p.Pkg) {
				continue
			}
			for _, name := range slices.Sorted(maps.Keys(p.Members)) {
				t, ok := p.Members[name].(*ssa.Type)
				if !ok {
					continue
				}
				for _, typ := range []types.Type{t.Type(), types.NewPointer(t.Type())} {
					set := r.prog.MethodSets.MethodSet(typ)
					for i := range set.Len() {
						sel := set.At(i)
						if fn := r.prog.MethodValue(sel); fn != nil {
							r.methods[sel.Obj().Name()] = append(r.methods[sel.Obj().Name()], fn)
						}
					}
				}
			}
		}
	}
	return r.methods[name]
}

func (r *reach) own(p *types.Package) bool {
	return p != nil && (p.Path() == r.module || strings.HasPrefix(p.Path(), r.module+"/"))
}

// analyze finds the listen calls and route registrations in reachable functions and
// traces their addresses and paths, and reads the defaults of the flags defined there.
func (r *reach) analyze() *analysis {
	a := &analysis{}
	var calls []ssa.CallInstruction
	for _, f := range r.sortedReachable() {
		if f.Pkg == nil || !r.own(f.Pkg.Pkg) {
			continue
		}
		for _, b := range f.Blocks {
			for _, instr := range b.Instrs {
				if call, ok := instr.(ssa.CallInstruction); ok {
					calls = append(calls, call)
				}
			}
		}
	}
	// In source order (positions depend on the order packages loaded in): the first
	// listener of a kind gets the plain port name.
	slices.SortStableFunc(calls, func(a, b ssa.CallInstruction) int {
		pa, pb := r.prog.Fset.Position(a.Pos()), r.prog.Fset.Position(b.Pos())
		return cmp.Or(strings.Compare(pa.Filename, pb.Filename), cmp.Compare(pa.Line, pb.Line), cmp.Compare(pa.Column, pb.Column))
	})
	// Listen calls first: they decide the ports, and the budget must not go first to
	// the many route-like calls of a large program.
	for _, call := range calls {
		r.begin()
		if site, ok := r.listenSite(call); ok {
			a.sites = append(a.sites, r.throughWrappers(call, site, 0)...)
		}
	}
	var routes []route
	for _, call := range calls {
		r.begin()
		routes = append(routes, r.routes(call)...)
	}
	a.endpoints = linkRoutes(routes, a.sites)
	for _, def := range r.index().flags {
		r.begin()
		fv := flagValue{name: def.name, evidence: r.evidence(def.pos, "flag --"+def.name)}
		if def.def.v != nil {
			for _, t := range r.storedValue(def.def, 0) {
				fv.defaults = append(fv.defaults, t.s)
			}
		}
		a.flags = append(a.flags, fv)
	}
	return a
}

// listenSite recognises a listen call and traces its address and network.
func (r *reach) listenSite(call ssa.CallInstruction) (listenSite, bool) {
	common := call.Common()
	callee := common.StaticCallee()
	if callee == nil {
		return listenSite{}, false
	}
	name := funcName(callee)
	args := common.Args
	site := listenSite{protocol: "TCP"}
	var addrs []text
	switch name {
	case "net.Listen", "crypto/tls.Listen", "net.ListenPacket":
		addrs = r.texts(args[1], 0, nil)
		site.protocol = protocolOf(r.texts(args[0], 0, nil))
		site.network, site.addr = args[0], args[1]
	case "net.ListenTCP", "net.ListenUDP":
		addrs = r.socketAddr(args[1])
		site.protocol = protocolOf(r.texts(args[0], 0, nil))
	case "*net.ListenConfig.Listen", "*net.ListenConfig.ListenPacket":
		addrs = r.texts(args[3], 0, nil)
		site.protocol = protocolOf(r.texts(args[2], 0, nil))
		site.network, site.addr = args[2], args[3]
	case "net/http.ListenAndServe", "net/http.ListenAndServeTLS":
		addrs = r.texts(args[0], 0, nil)
	case "*net/http.Server.ListenAndServe", "*net/http.Server.ListenAndServeTLS":
		addrs = r.texts(r.fieldStored(args[0], "Addr"), 0, nil)
	case "*github.com/miekg/dns.Server.ListenAndServe":
		addrs = r.texts(r.fieldStored(args[0], "Addr"), 0, nil)
		site.protocol = protocolOf(r.texts(r.fieldStored(args[0], "Net"), 0, nil))
	case "*github.com/labstack/echo/v4.Echo.Start", "*github.com/labstack/echo/v4.Echo.StartTLS",
		"*github.com/gofiber/fiber/v2.App.Listen", "*github.com/gofiber/fiber/v3.App.Listen":
		addrs = r.texts(args[1], 0, nil)
	case "*github.com/gin-gonic/gin.Engine.Run":
		// Run(addr ...string): with no address gin listens on $PORT, else :8080.
		addrs = r.elements(args[1], 0, nil)
		if _, empty := args[1].(*ssa.Const); empty {
			addrs = []text{{s: ":8080"}}
		}
	case "github.com/prometheus/exporter-toolkit/web.ListenAndServe", "github.com/prometheus/exporter-toolkit/web.Listen":
		addrs = r.toolkitAddrs(args[1], 0)
	default:
		return listenSite{}, false
	}
	site.evidence = r.evidence(call.Pos(), shorten(strings.TrimPrefix(name, "*")+"(…)"))
	site.addrs = addrs
	site.handlers = r.servedHandlers(name, call)
	site.grpc = r.servesGRPC(name, call)
	return site, true
}

// socketAddr reads a *net.TCPAddr or *net.UDPAddr: a literal {Port: 8080} (no IP:
// every interface), or what net.ResolveTCPAddr/ResolveUDPAddr resolved.
func (r *reach) socketAddr(v ssa.Value) []text {
	for _, c := range r.cells(v, 0) {
		switch c := c.(type) {
		case *ssa.Extract: // addr, err := net.ResolveTCPAddr("tcp", ":8080")
			if call, ok := c.Tuple.(*ssa.Call); ok && c.Index == 0 {
				if callee := call.Call.StaticCallee(); callee != nil && (funcName(callee) == "net.ResolveTCPAddr" || funcName(callee) == "net.ResolveUDPAddr") {
					return r.texts(call.Call.Args[1], 0, nil)
				}
			}
		case *ssa.Alloc:
			if r.fieldStored(c, "IP") != nil {
				continue // bound to one address: not known to be every interface
			}
			var out []text
			for _, p := range r.texts(r.fieldStored(c, "Port"), 0, nil) {
				out = append(out, text{s: ":" + p.s, flag: p.flag})
			}
			return out
		}
	}
	return nil
}

// ports are the port numbers the site listens on by default on every interface.
func (s listenSite) ports() []int {
	var out []int
	for _, a := range s.addrs {
		host, port, ok := splitAddr(a.s)
		if ok && (host == "" || host == "0.0.0.0" || host == "::") && !slices.Contains(out, port) {
			out = append(out, port)
		}
	}
	return out
}

func (r *reach) evidence(at token.Pos, what string) Evidence {
	pos := r.prog.Fset.Position(at)
	rel, err := filepath.Rel(r.modDir, pos.Filename)
	if err != nil {
		rel = pos.Filename
	}
	return Evidence{File: filepath.ToSlash(rel), Line: pos.Line, What: what}
}

func protocolOf(networks []text) string {
	for _, n := range networks {
		if strings.HasPrefix(n.s, "udp") {
			return "UDP"
		}
	}
	return "TCP"
}

// fieldStored finds what is stored into a field of the struct a pointer points to
// (&http.Server{Addr: addr} is an Alloc, a FieldAddr and a Store in SSA), following the
// pointer through the cells and closure bindings that hold it.
func (r *reach) fieldStored(ptr ssa.Value, field string) ssa.Value {
	for _, o := range r.cells(ptr, 0) {
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

// Closed is a listener reachable from main whose address is empty or port 0 unless
// a flag sets it: it opens only when the flag is given (a monitoring port behind -m).
type Closed struct {
	Flag     string
	Evidence Evidence
}

// mergeReach folds the reachable listen sites into the ports the source scan found.
// A port of a traced site confirms the scan's entry of that number or adds one (a UDP
// listener on a number the scan found for TCP becomes NAME-udp); when every reachable
// site was traced, the scan's other ports (constants of test helpers, dial targets,
// other commands) are dropped, since no reachable code listens on them by default. A
// site that listens only when a flag gives it an address is returned as closed.
func mergeReach(scanned []Port, sites []listenSite) ([]Port, []Closed) {
	traced := len(sites) > 0
	type key struct {
		number   int
		protocol string
	}
	type hit struct {
		site listenSite
		addr text
	}
	found := map[key]hit{}
	var order []key
	var closed []Closed
	for _, site := range sites {
		if len(site.addrs) == 0 {
			traced = false
		}
		open, flag := false, ""
		for _, a := range site.addrs {
			flag = cmp.Or(flag, a.flag)
			host, port, ok := splitAddr(a.s)
			if !ok || (host != "" && host != "0.0.0.0" && host != "::") {
				continue
			}
			open = true
			k := key{port, site.protocol}
			if _, dup := found[k]; !dup {
				found[k] = hit{site, a}
				order = append(order, k)
			}
		}
		if !open && flag != "" && slices.ContainsFunc(site.addrs, func(a text) bool { return zeroPort(a.s) }) {
			closed = append(closed, Closed{Flag: flag, Evidence: site.evidence})
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
		h := found[k]
		if have[k] {
			continue
		}
		base := strings.ToLower(k.protocol)
		switch {
		case k.protocol == "TCP" && h.site.grpc:
			base = "grpc"
		case k.protocol == "TCP" && len(h.site.handlers) > 0:
			base = "http" // it serves HTTP handlers
		}
		if wk, ok := wellKnownPorts[k.number]; ok {
			base = wk
		}
		name := base
		if scannedName, ok := byNumber[k.number]; ok {
			name = scannedName + "-" + strings.ToLower(k.protocol) // the other protocol's twin
		}
		if len(name) > 15 || taken[name] {
			name = fmt.Sprintf("%s-%d", base, k.number)
		}
		taken[name] = true
		byNumber[k.number] = name
		e := h.site.evidence
		e.What = fmt.Sprintf("%s reachable from main listens on %s", e.What, h.addr.s)
		if h.addr.flag != "" {
			e.What += fmt.Sprintf(" (the default of --%s)", h.addr.flag)
		}
		p := Port{Name: name, Number: k.number, Evidence: e, rank: rankListen}
		if k.protocol == "UDP" {
			p.Protocol = "UDP"
		}
		out = append(out, p)
	}
	return out, closed
}

// wellKnownPorts name the ports of protocols served on their IANA numbers.
var wellKnownPorts = map[int]string{53: "dns", 123: "ntp", 161: "snmp", 514: "syslog", 1812: "radius", 5353: "mdns"}

// zeroPort reports an address that leaves the port to the system: "", ":0", "host:0".
func zeroPort(addr string) bool {
	if addr == "" {
		return true
	}
	_, p, err := net.SplitHostPort(addr)
	return err == nil && (p == "" || p == "0")
}

// applyAnalysis lets what the reachable code does replace what the scan guessed:
// ports (mergeReach), health routes when any is registered in reachable code, and the
// configuration files flags name by default.
func (r *Repo) applyAnalysis(modDir string, a *analysis) {
	r.Ports, r.Closed = mergeReach(r.Ports, a.sites)
	if len(a.endpoints) > 0 {
		seen := map[string]bool{}
		r.Endpoints = nil
		for _, e := range a.endpoints {
			if !e.Closed && !seen[e.Path] {
				seen[e.Path] = true
				r.Endpoints = append(r.Endpoints, e)
			}
		}
		r.Health = chooseHealth(r.Endpoints)
	}
	r.ConfigFlags = configFlags(modDir, a.flags)
}

// ConfigFlag is a flag whose default names a file the module holds: the program
// reads it at start, so the image must ship it.
type ConfigFlag struct {
	Flag     string
	File     string // relative to the module, slash-separated
	Evidence Evidence
}

// maxConfigFile is the size the descriptor accepts for a config file.
const maxConfigFile = 512 << 10

func configFlags(modDir string, flags []flagValue) []ConfigFlag {
	var out []ConfigFlag
	for _, f := range flags {
		for _, d := range f.defaults {
			clean := path.Clean(filepath.ToSlash(d))
			if d == "" || f.name == "" || path.IsAbs(clean) || clean == "." || strings.HasPrefix(clean, "../") || clean == ".." || strings.HasSuffix(clean, ".go") {
				continue
			}
			file := filepath.Join(modDir, filepath.FromSlash(clean))
			info, err := os.Lstat(file)
			if err != nil || !info.Mode().IsRegular() || info.Size() > maxConfigFile {
				continue
			}
			if data, err := os.ReadFile(file); err != nil || !utf8.Valid(data) {
				continue // a ConfigMap holds text
			}
			e := f.evidence
			e.What = fmt.Sprintf("flag --%s defaults to %s, a file of the module", f.name, d)
			out = append(out, ConfigFlag{Flag: f.name, File: clean, Evidence: e})
			break
		}
	}
	return out
}

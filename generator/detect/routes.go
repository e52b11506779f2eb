package detect

import (
	"fmt"
	"go/token"
	"go/types"
	"slices"

	"golang.org/x/tools/go/ssa"
)

// route is a health route registered in reachable code, with the handlers (muxes,
// routers) it is registered on.
type route struct {
	endpoint Endpoint
	owners   []any
	direct   bool // the path is a constant argument, not traced through a helper's parameter
}

// defaultMux stands for http.DefaultServeMux: http.HandleFunc registers on it and a
// nil handler serves it.
type defaultMux struct{}

// routes reads a route registration (mux.HandleFunc, router.Get, r.GET, …) whose path
// argument traces to constant paths that name a health endpoint.
func (r *reach) routes(call ssa.CallInstruction) []route {
	common := call.Common()
	args := common.Args
	var name string
	var owner ssa.Value
	switch {
	case common.IsInvoke():
		name = common.Method.Name()
		owner = common.Value
	case common.StaticCallee() != nil:
		callee := common.StaticCallee()
		name = callee.Name()
		if callee.Signature.Recv() != nil && len(args) > 0 {
			owner = args[0]
			args = args[1:]
		}
	}
	shown := name
	if owner != nil {
		shown = typeName(owner.Type()) + "." + name
	} else if callee := common.StaticCallee(); callee != nil && callee.Object() != nil && callee.Object().Pkg() != nil {
		shown = callee.Object().Pkg().Name() + "." + name
	}
	if !routeCalls[name] || len(args) == 0 || (name != "Path" && !passesHandler(args[1:])) {
		return nil
	}
	if b, ok := args[0].Type().Underlying().(*types.Basic); !ok || b.Info()&types.IsString == 0 {
		return nil
	}
	owners := []any{defaultMux{}}
	if owner != nil {
		owners = r.handlerKeys(owner, 0)
	}
	var out []route
	for _, t := range r.texts(args[0], 0, nil) {
		if p := routePath(t.s); p != "" && healthKind(p) != "" {
			e := Endpoint{Path: p, Evidence: r.evidence(call.Pos(), fmt.Sprintf("%s(%q)", shown, t.s))}
			_, direct := args[0].(*ssa.Const)
			out = append(out, route{endpoint: e, owners: owners, direct: direct})
		}
	}
	return out
}

// handlerKeys names the objects a handler value may be: the allocation or
// constructor call of a mux or router, a global or struct field holding one, or the
// default mux for nil. A call wrapping handlers (middleware) stands for its
// arguments too.
func (r *reach) handlerKeys(v ssa.Value, depth int) []any {
	if depth > maxTrace || v == nil {
		return nil
	}
	switch v := v.(type) {
	case *ssa.Const:
		if v.IsNil() {
			return []any{defaultMux{}}
		}
	case *ssa.MakeInterface:
		return r.handlerKeys(v.X, depth+1)
	case *ssa.ChangeType:
		return r.handlerKeys(v.X, depth+1)
	case *ssa.ChangeInterface:
		return r.handlerKeys(v.X, depth+1)
	case *ssa.Phi:
		var out []any
		for _, e := range v.Edges {
			out = append(out, r.handlerKeys(e, depth+1)...)
		}
		return out
	case *ssa.Alloc, *ssa.Global:
		return []any{v}
	case *ssa.FieldAddr:
		if key, ok := fieldKeyOf(v.X.Type(), v.Field); ok {
			return []any{key}
		}
	case *ssa.UnOp:
		if v.Op != token.MUL {
			return nil
		}
		switch x := v.X.(type) {
		case *ssa.FieldAddr, *ssa.Global:
			return r.handlerKeys(x, depth+1)
		}
		var out []any
		for _, c := range r.cells(v.X, depth+1) {
			if alloc, ok := c.(*ssa.Alloc); ok {
				for _, ref := range *alloc.Referrers() {
					if st, ok := ref.(*ssa.Store); ok && st.Addr == alloc {
						out = append(out, r.handlerKeys(st.Val, depth+1)...)
					}
				}
			} else {
				out = append(out, r.handlerKeys(c, depth+1)...)
			}
		}
		return out
	case *ssa.Parameter:
		fn := v.Parent()
		i := slices.Index(fn.Params, v)
		var out []any
		for _, call := range r.callers[fn] {
			if c := call.Common(); !c.IsInvoke() && i >= 0 && i < len(c.Args) {
				out = append(out, r.handlerKeys(c.Args[i], depth+1)...)
			}
		}
		return out
	case *ssa.FreeVar:
		var out []any
		for _, b := range r.bindings(v) {
			out = append(out, r.handlerKeys(b, depth+1)...)
		}
		return out
	case *ssa.Call:
		out := []any{v}
		for _, a := range v.Call.Args {
			switch a.Type().Underlying().(type) {
			case *types.Interface, *types.Pointer:
				out = append(out, r.handlerKeys(a, depth+1)...)
			}
		}
		return out
	}
	return nil
}

// servedHandlers names the handlers a listen site serves: the handler argument or
// Handler field of the net/http forms, the receiver of the frameworks' Start/Run, and
// for a bare listener, what http.Serve or a Server's Serve is given with it.
func (r *reach) servedHandlers(name string, call ssa.CallInstruction) []any {
	args := call.Common().Args
	switch name {
	case "net/http.ListenAndServe":
		return r.handlerKeys(args[1], 0)
	case "net/http.ListenAndServeTLS":
		return r.handlerKeys(args[3], 0)
	case "*net/http.Server.ListenAndServe", "*net/http.Server.ListenAndServeTLS",
		"github.com/prometheus/exporter-toolkit/web.ListenAndServe", "github.com/prometheus/exporter-toolkit/web.Listen":
		return r.serverHandler(args[0])
	case "net.Listen", "crypto/tls.Listen", "*net.ListenConfig.Listen", "net.ListenTCP":
		v := call.Value()
		if v == nil {
			return nil
		}
		var out []any
		for _, use := range r.listenerUses(v, 0) {
			c := use.Common()
			callee := c.StaticCallee()
			if callee == nil {
				continue
			}
			switch funcName(callee) {
			case "net/http.Serve", "net/http.ServeTLS":
				out = append(out, r.handlerKeys(c.Args[1], 0)...)
			case "*net/http.Server.Serve", "*net/http.Server.ServeTLS":
				out = append(out, r.serverHandler(c.Args[0])...)
			}
		}
		return out
	}
	if len(args) > 0 {
		return r.handlerKeys(args[0], 0) // a framework's engine
	}
	return nil
}

// servesGRPC reports whether a listen call's listener is handed to a gRPC server's
// Serve.
func (r *reach) servesGRPC(name string, call ssa.CallInstruction) bool {
	switch name {
	case "net.Listen", "crypto/tls.Listen", "*net.ListenConfig.Listen", "net.ListenTCP":
	default:
		return false
	}
	v := call.Value()
	if v == nil {
		return false
	}
	for _, use := range r.listenerUses(v, 0) {
		if callee := use.Common().StaticCallee(); callee != nil && funcName(callee) == "*google.golang.org/grpc.Server.Serve" {
			return true
		}
	}
	return false
}

// serverHandler is the Handler an http.Server was built with; none means the
// default mux.
func (r *reach) serverHandler(srv ssa.Value) []any {
	if h := r.fieldStored(srv, "Handler"); h != nil {
		return r.handlerKeys(h, 0)
	}
	return []any{defaultMux{}}
}

// listenerUses are the calls a listen call's listener is passed to: directly, or
// through a variable a closure captures (go srv.Serve(l)).
func (r *reach) listenerUses(v ssa.Value, depth int) []ssa.CallInstruction {
	if depth > 4 {
		return nil
	}
	var out []ssa.CallInstruction
	for _, ref := range *v.Referrers() {
		switch ref := ref.(type) {
		case *ssa.Extract:
			if ref.Index == 0 {
				out = append(out, r.listenerUses(ref, depth+1)...)
			}
		case ssa.CallInstruction:
			out = append(out, ref)
		case *ssa.Store:
			if alloc, ok := ref.Addr.(*ssa.Alloc); ok {
				out = append(out, r.cellUses(alloc, depth+1)...)
			} else if key := locationOf(ref.Addr); key != nil && ref.Val == v {
				// kept in a field or global (h.ln = ln), served where it is read
				for _, load := range r.index().loads[key] {
					out = append(out, r.listenerUses(load, depth+1)...)
				}
			}
		case *ssa.MakeInterface, *ssa.ChangeInterface:
			out = append(out, r.listenerUses(ref.(ssa.Value), depth+1)...)
		}
	}
	return out
}

// cellUses follows a variable into the loads of it, here and in the closures that
// capture it.
func (r *reach) cellUses(cell ssa.Value, depth int) []ssa.CallInstruction {
	var out []ssa.CallInstruction
	for _, ref := range *cell.Referrers() {
		switch ref := ref.(type) {
		case *ssa.UnOp:
			if ref.Op == token.MUL {
				out = append(out, r.listenerUses(ref, depth+1)...)
			}
		case *ssa.MakeClosure:
			fn := ref.Fn.(*ssa.Function)
			for i, b := range ref.Bindings {
				if b == cell && i < len(fn.FreeVars) {
					out = append(out, r.cellUses(fn.FreeVars[i], depth+1)...)
				}
			}
		}
	}
	return out
}

// linkRoutes gives each route the listener serving it: its port when the site
// listens on one by default, or Closed when the site opens only with a flag or
// configuration. A route no site is linked to keeps Port 0.
// Routes registered with a constant path come first: the registration a helper
// makes with its parameter is the same route, shown less well.
func linkRoutes(routes []route, sites []listenSite) []Endpoint {
	slices.SortStableFunc(routes, func(a, b route) int {
		switch {
		case a.direct == b.direct:
			return 0
		case a.direct:
			return -1
		}
		return 1
	})
	var out []Endpoint
	for _, rt := range routes {
		e := rt.endpoint
		for _, s := range sites {
			if s.protocol != "TCP" || !slices.ContainsFunc(rt.owners, func(o any) bool { return slices.Contains(s.handlers, o) }) {
				continue
			}
			if ports := s.ports(); len(ports) > 0 {
				e.Port = ports[0]
			} else if len(s.addrs) > 0 {
				e.Closed = true // traced, and no address opens by default
			}
			break
		}
		out = append(out, e)
	}
	return out
}

// typeName is a type's name without its package path or pointer: ServeMux.
func typeName(t types.Type) string {
	if p, ok := t.(*types.Pointer); ok {
		t = p.Elem()
	}
	if n, ok := t.(*types.Named); ok {
		return n.Obj().Name()
	}
	return types.TypeString(t, func(*types.Package) string { return "" })
}

// passesHandler: a route registration hands over a handler (a function, functions, an
// http.Handler, or any); a Get, Add or Match without one (a cache, a set, a matcher) is not
// one, and tracing its key in a large program costs what the listen calls need.
// gorilla/mux's Path(tpl) takes its handler in a later call, so it is let through.
func passesHandler(args []ssa.Value) bool {
	for _, a := range args {
		t := a.Type()
		if s, ok := t.Underlying().(*types.Slice); ok {
			t = s.Elem()
		}
		if _, ok := t.Underlying().(*types.Signature); ok || hasServeHTTP(t) {
			return true
		}
		// frameworks that take handlers as any (macaron's ...Handler)
		if i, ok := t.Underlying().(*types.Interface); ok && i.Empty() {
			return true
		}
	}
	return false
}

// hasServeHTTP: t, or a pointer to it, has ServeHTTP (an interface lists it).
func hasServeHTTP(t types.Type) bool {
	if types.NewMethodSet(t).Lookup(nil, "ServeHTTP") != nil {
		return true
	}
	_, isPtr := t.(*types.Pointer)
	return !isPtr && types.NewMethodSet(types.NewPointer(t)).Lookup(nil, "ServeHTTP") != nil
}

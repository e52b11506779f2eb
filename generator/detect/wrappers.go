package detect

import (
	"slices"

	"golang.org/x/tools/go/ssa"
)

// maxWrappers bounds how many listen helpers deep a listen call is followed.
const maxWrappers = 3

// throughWrappers: a listen call inside a helper that takes the address as a parameter
// and returns the listener (NATS's natsListen, CoreDNS's reuseport.Listen) listens
// wherever the helper is called, each caller with its own address and its own server.
// Its site becomes one site per call of the helper, so an address and the routes
// served on it stay together instead of merging every caller's addresses into one.
func (r *reach) throughWrappers(call ssa.CallInstruction, site listenSite, depth int) []listenSite {
	fn := call.Parent()
	addr := paramIndex(fn, site.addr)
	callers := r.callers[fn]
	if addr < 0 || depth >= maxWrappers || len(callers) == 0 || !returnsListener(fn, call) ||
		slices.ContainsFunc(callers, func(c ssa.CallInstruction) bool { return c.Common().IsInvoke() }) {
		return []listenSite{site}
	}
	network := paramIndex(fn, site.network)
	var out []listenSite
	for _, c := range callers {
		args := c.Common().Args
		if addr >= len(args) {
			return []listenSite{site}
		}
		r.begin()
		d := site
		d.addr = args[addr]
		d.addrs = r.texts(d.addr, 0, nil)
		if network >= 0 && network < len(args) {
			d.network = args[network]
			d.protocol = protocolOf(r.texts(d.network, 0, nil))
		}
		d.evidence = r.evidence(c.Pos(), shortFuncName(fn)+"(…)")
		d.handlers = r.servedHandlers("net.Listen", c)
		d.grpc = r.servesGRPC("net.Listen", c)
		out = append(out, r.throughWrappers(c, d, depth+1)...)
	}
	return out
}

// paramIndex is the position of v among fn's parameters, or -1.
func paramIndex(fn *ssa.Function, v ssa.Value) int {
	p, ok := v.(*ssa.Parameter)
	if !ok {
		return -1
	}
	return slices.Index(fn.Params, p)
}

// returnsListener: fn returns the listener the call made.
func returnsListener(fn *ssa.Function, call ssa.CallInstruction) bool {
	v := call.Value()
	if v == nil {
		return false
	}
	for _, b := range fn.Blocks {
		if len(b.Instrs) == 0 {
			continue
		}
		ret, ok := b.Instrs[len(b.Instrs)-1].(*ssa.Return)
		if !ok || len(ret.Results) == 0 {
			continue
		}
		if x, ok := ret.Results[0].(*ssa.Extract); ok && x.Tuple == v && x.Index == 0 {
			return true
		}
		if ret.Results[0] == v {
			return true
		}
	}
	return false
}

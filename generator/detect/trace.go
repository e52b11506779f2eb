package detect

import (
	"go/constant"
	"go/token"
	"go/types"
	"net"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"golang.org/x/tools/go/ssa"
)

// text is one value the tracer found an SSA value may hold, with the flag whose
// default it is, when it is one.
type text struct {
	s    string
	flag string
}

// frame binds a function's parameters to one call's arguments while the tracer reads
// what that call returns: prefixed("/readyz") gives "/api/readyz" for that call, not
// the union over every call of prefixed.
type frame struct {
	fn   *ssa.Function
	args []ssa.Value
	up   *frame
}

// maxTrace bounds the walk through parameters, returns and stores; maxTexts bounds
// what one value may hold (concatenations multiply); maxSteps bounds the tracing of
// a whole analysis, so code built to make it explode (many callers passing many
// callers' parameters) costs a bounded time and leaves addresses untraced, and
// maxTraceSteps bounds one listen call, route or flag, so that one of them cannot
// use up what the others need.
const (
	maxTrace      = 16
	maxTexts      = 64
	maxSteps      = 2_000_000
	maxTraceSteps = 200_000
)

// begin starts the trace of one listen call, route or flag.
func (r *reach) begin() { r.traced = 0 }

func (r *reach) spent() bool {
	r.steps++
	r.traced++
	return r.steps > maxSteps || r.traced > maxTraceSteps
}

// texts returns the constant texts v may hold: string and integer constants,
// concatenations and the formatting calls that build addresses, flag defaults of the
// flag libraries, what is stored into the variable or field read, a parameter's
// arguments, and what one of the module's functions returns.
func (r *reach) texts(v ssa.Value, depth int, fr *frame) []text {
	if depth > maxTrace || v == nil || r.spent() {
		return nil
	}
	switch v := v.(type) {
	case *ssa.Const:
		return constTexts(v)
	case *ssa.BinOp:
		if v.Op != token.ADD {
			return nil
		}
		if b, ok := v.Type().Underlying().(*types.Basic); ok && b.Info()&types.IsInteger != 0 {
			return sums(r.texts(v.X, depth+1, fr), r.texts(v.Y, depth+1, fr))
		}
		return concat(r.texts(v.X, depth+1, fr), r.texts(v.Y, depth+1, fr))
	case *ssa.Phi:
		return each(v.Edges, func(e ssa.Value) []text { return r.texts(e, depth+1, fr) })
	case *ssa.ChangeType:
		return r.texts(v.X, depth+1, fr)
	case *ssa.Convert:
		return r.texts(v.X, depth+1, fr)
	case *ssa.MakeInterface:
		return r.texts(v.X, depth+1, fr)
	case *ssa.UnOp:
		if v.Op == token.MUL {
			return r.loaded(v.X, depth+1, fr)
		}
	case *ssa.Field:
		return r.fieldTexts(types.NewPointer(v.X.Type()), v.Field, depth+1)
	case *ssa.Parameter:
		if fr != nil && v.Parent() == fr.fn {
			if i := slices.Index(fr.fn.Params, v); i >= 0 && i < len(fr.args) {
				return r.texts(fr.args[i], depth+1, fr.up)
			}
		}
		return r.argumentsFor(v, depth+1)
	case *ssa.FreeVar:
		var out []text
		for _, b := range r.bindings(v) {
			out = append(out, r.texts(b, depth+1, fr)...)
		}
		return out
	case *ssa.Call:
		return r.called(v.Common(), 0, depth+1, fr)
	case *ssa.Extract: // one result of a call returning several: addr, kind, err := parse(c)
		if call, ok := v.Tuple.(*ssa.Call); ok {
			return r.called(call.Common(), v.Index, depth+1, fr)
		}
	}
	return nil
}

func constTexts(c *ssa.Const) []text {
	basic, ok := c.Type().Underlying().(*types.Basic)
	if !ok {
		return nil
	}
	switch {
	case c.Value == nil && basic.Info()&types.IsString != 0:
		return []text{{}}
	case c.Value == nil:
		return nil
	case c.Value.Kind() == constant.String:
		return []text{{s: constant.StringVal(c.Value)}}
	case c.Value.Kind() == constant.Int:
		return []text{{s: c.Value.ExactString()}}
	}
	return nil
}

// concat is every a+b, the flag of either kept.
func concat(as, bs []text) []text {
	var out []text
	for _, a := range as {
		for _, b := range bs {
			out = append(out, text{s: a.s + b.s, flag: cmpOr(a.flag, b.flag)})
		}
	}
	return limit(out)
}

// sums is every a+b of two integer texts (a base port plus an offset).
func sums(as, bs []text) []text {
	var out []text
	for _, a := range as {
		for _, b := range bs {
			x, errA := strconv.Atoi(a.s)
			y, errB := strconv.Atoi(b.s)
			if errA == nil && errB == nil {
				out = append(out, text{s: strconv.Itoa(x + y), flag: cmpOr(a.flag, b.flag)})
			}
		}
	}
	return limit(out)
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

func limit(ts []text) []text {
	slices.SortFunc(ts, func(a, b text) int { return strings.Compare(a.s+"\x00"+a.flag, b.s+"\x00"+b.flag) })
	ts = slices.Compact(ts)
	if len(ts) > maxTexts {
		ts = ts[:maxTexts]
	}
	return ts
}

// loaded is what *p may hold, over every cell p may point to.
func (r *reach) loaded(p ssa.Value, depth int, fr *frame) []text {
	var out []text
	for _, c := range r.cells(p, depth) {
		switch c := c.(type) {
		case *ssa.Alloc: // a local variable a closure captures, or a composite literal
			for _, ref := range *c.Referrers() {
				if st, ok := ref.(*ssa.Store); ok && st.Addr == c {
					out = append(out, r.texts(st.Val, depth+1, fr)...)
				}
			}
		case *ssa.Global:
			out = append(out, r.storedTexts(c, depth+1)...)
		case *ssa.FieldAddr:
			out = append(out, r.fieldTexts(c.X.Type(), c.Field, depth+1)...)
		case *ssa.IndexAddr:
			out = append(out, r.elements(c.X, depth+1, fr)...)
		case *ssa.Call:
			out = append(out, r.flagPointer(c.Common(), depth+1)...)
		}
	}
	return limit(out)
}

// cells are the variables p may point to: a closure's free variable stands for what
// every closure creation binds to it, a Phi for each edge, and a pointer loaded from a
// cell for every pointer stored there.
func (r *reach) cells(p ssa.Value, depth int) []ssa.Value {
	if depth > maxTrace {
		return nil
	}
	switch p := p.(type) {
	case *ssa.FreeVar:
		var out []ssa.Value
		for _, b := range r.bindings(p) {
			out = append(out, r.cells(b, depth+1)...)
		}
		return out
	case *ssa.Phi:
		var out []ssa.Value
		for _, e := range p.Edges {
			out = append(out, r.cells(e, depth+1)...)
		}
		return out
	case *ssa.UnOp:
		if p.Op != token.MUL {
			return nil
		}
		var out []ssa.Value
		for _, c := range r.cells(p.X, depth+1) {
			for _, v := range r.storedInto(c) {
				out = append(out, r.cells(v, depth+1)...)
			}
		}
		return out
	}
	return []ssa.Value{p}
}

// storedInto is what reachable code stores into a variable: a local cell, a global,
// or a field.
func (r *reach) storedInto(cell ssa.Value) []ssa.Value {
	var out []ssa.Value
	if alloc, ok := cell.(*ssa.Alloc); ok {
		for _, ref := range *alloc.Referrers() {
			if st, ok := ref.(*ssa.Store); ok && st.Addr == alloc {
				out = append(out, st.Val)
			}
		}
		return out
	}
	if key := locationOf(cell); key != nil {
		for _, st := range r.index().stores[key] {
			if st.flag == "" {
				out = append(out, st.v)
			}
		}
	}
	return out
}

// bindings are the values every reachable closure creation binds to a free variable.
func (r *reach) bindings(v *ssa.FreeVar) []ssa.Value {
	fn := v.Parent()
	i := slices.Index(fn.FreeVars, v)
	var out []ssa.Value
	for _, mc := range r.index().closures[fn] {
		if i < len(mc.Bindings) {
			out = append(out, mc.Bindings[i])
		}
	}
	return out
}

// fieldTexts is what a struct field may hold: every value reachable code stores into
// that field of that type (and flag defaults bound to it), a `default:"…"` struct tag
// (kong, envconfig, go-flags), and the zero value the struct starts with.
func (r *reach) fieldTexts(ptr types.Type, field int, depth int) []text {
	key, ok := fieldKeyOf(ptr, field)
	if !ok {
		return nil
	}
	out := r.storedTexts(key, depth)
	s := structOf(ptr)
	f := s.Field(field)
	if def, ok := reflect.StructTag(s.Tag(field)).Lookup("default"); ok {
		out = append(out, text{s: def, flag: flagTagName(s.Tag(field), f.Name())})
	}
	// The struct starts zeroed: when nothing constant is stored, the zero value is
	// what the field holds unless configuration sets it.
	if b, ok := f.Type().Underlying().(*types.Basic); ok && len(out) == 0 {
		switch {
		case b.Info()&types.IsString != 0:
			out = append(out, text{})
		case b.Info()&types.IsInteger != 0:
			out = append(out, text{s: "0"})
		}
	}
	return limit(out)
}

// flagTagName is the flag a tagged field is set by: kong's `name:"…"`, else the
// field's name in kebab case as kong derives it.
func flagTagName(tag, field string) string {
	if n, ok := reflect.StructTag(tag).Lookup("name"); ok {
		return n
	}
	var b strings.Builder
	for i, c := range field {
		if c >= 'A' && c <= 'Z' {
			if i > 0 {
				b.WriteByte('-')
			}
			c += 'a' - 'A'
		}
		b.WriteRune(c)
	}
	return b.String()
}

// storedTexts is what reachable code stores at a location (a global or a field key).
func (r *reach) storedTexts(key any, depth int) []text {
	var out []text
	for _, st := range r.index().stores[key] {
		for _, t := range r.texts(st.v, depth+1, nil) {
			t.flag = cmpOr(t.flag, st.flag)
			out = append(out, t)
		}
	}
	return out
}

// elements are the texts a slice's elements may hold: a composite literal or a
// variadic argument (an array whose elements are stored one by one), append, and a
// slice loaded from a variable.
func (r *reach) elements(s ssa.Value, depth int, fr *frame) []text {
	if depth > maxTrace || r.spent() {
		return nil
	}
	switch s := s.(type) {
	case *ssa.Slice:
		return r.elements(s.X, depth+1, fr)
	case *ssa.Alloc:
		var out []text
		for _, ref := range *s.Referrers() {
			ia, ok := ref.(*ssa.IndexAddr)
			if !ok {
				continue
			}
			for _, use := range *ia.Referrers() {
				if st, ok := use.(*ssa.Store); ok && st.Addr == ia {
					out = append(out, r.texts(st.Val, depth+1, fr)...)
				}
			}
		}
		return limit(out)
	case *ssa.Phi:
		return each(s.Edges, func(e ssa.Value) []text { return r.elements(e, depth+1, fr) })
	case *ssa.Call:
		if b, ok := s.Call.Value.(*ssa.Builtin); ok && b.Name() == "append" {
			return each(s.Call.Args, func(a ssa.Value) []text { return r.elements(a, depth+1, fr) })
		}
		return r.flagSlice(s.Common(), depth+1)
	case *ssa.UnOp:
		if s.Op != token.MUL {
			return nil
		}
		return r.pointedElements(s.X, depth+1, fr)
	}
	return nil
}

// pointedElements are the elements of the slice a pointer points to: a variable's
// stored slices, or a flag's default slice (kingpin's Strings()).
func (r *reach) pointedElements(ptr ssa.Value, depth int, fr *frame) []text {
	var out []text
	for _, c := range r.cells(ptr, depth) {
		switch c := c.(type) {
		case *ssa.Alloc:
			for _, v := range r.storedInto(c) {
				out = append(out, r.elements(v, depth+1, fr)...)
			}
		case *ssa.Call:
			out = append(out, r.flagSlice(c.Common(), depth+1)...)
		}
	}
	return limit(out)
}

// each is the texts f finds for every value, together.
func each(vals []ssa.Value, f func(ssa.Value) []text) []text {
	var out []text
	for _, v := range vals {
		out = append(out, f(v)...)
	}
	return limit(out)
}

// called is what a call returns: the formatting functions that build an address
// (strconv.Itoa, net.JoinHostPort, fmt.Sprintf, cmp.Or), the flag libraries'
// getters, and, for the module's own functions, what the callee returns with its
// parameters bound to this call's arguments.
func (r *reach) called(c *ssa.CallCommon, result, depth int, fr *frame) []text {
	callee := c.StaticCallee()
	if callee == nil {
		return nil
	}
	if result > 0 {
		return r.returned(callee, c.Args, result, depth, fr)
	}
	args := c.Args
	switch funcName(callee) {
	case "strconv.Itoa", "strconv.FormatInt", "strconv.FormatUint", "fmt.Sprint":
		if callee.Name() == "Sprint" {
			return r.elements(args[0], depth, fr)
		}
		return r.texts(args[0], depth, fr)
	case "net.JoinHostPort":
		var out []text
		for _, h := range r.texts(args[0], depth, fr) {
			for _, p := range r.texts(args[1], depth, fr) {
				out = append(out, text{s: net.JoinHostPort(h.s, p.s), flag: cmpOr(p.flag, h.flag)})
			}
		}
		return limit(out)
	case "fmt.Sprintf":
		return r.sprintf(args[0], args[1], depth, fr)
	case "cmp.Or":
		return r.elements(args[0], depth, fr)
	}
	if out, ok := r.flagGetter(callee, args, depth); ok {
		return out
	}
	return r.returned(callee, args, 0, depth, fr)
}

// returned is what one of the module's functions returns as its result number i, with
// its parameters bound to the call's arguments.
func (r *reach) returned(callee *ssa.Function, args []ssa.Value, i, depth int, fr *frame) []text {
	if callee.Pkg == nil || !r.own(callee.Pkg.Pkg) {
		return nil
	}
	inner := &frame{fn: callee, args: args, up: fr}
	var out []text
	for _, b := range callee.Blocks {
		if ret, ok := b.Instrs[len(b.Instrs)-1].(*ssa.Return); ok && i < len(ret.Results) {
			out = append(out, r.texts(ret.Results[i], depth, inner)...)
		}
	}
	return limit(out)
}

// sprintf formats the constant formats with every combination of the arguments'
// texts; verbs other than %s, %d and %v give nothing.
func (r *reach) sprintf(format, argSlice ssa.Value, depth int, fr *frame) []text {
	formats := r.texts(format, depth, fr)
	var argTexts [][]text
	if alloc := sliceAlloc(argSlice); alloc != nil {
		for _, ref := range *alloc.Referrers() {
			ia, ok := ref.(*ssa.IndexAddr)
			if !ok {
				continue
			}
			i, ok := ia.Index.(*ssa.Const)
			if !ok {
				return nil
			}
			n := int(i.Int64())
			for len(argTexts) <= n {
				argTexts = append(argTexts, nil)
			}
			for _, use := range *ia.Referrers() {
				if st, ok := use.(*ssa.Store); ok && st.Addr == ia {
					argTexts[n] = append(argTexts[n], r.texts(st.Val, depth+1, fr)...)
				}
			}
		}
	}
	var out []text
	for _, f := range formats {
		out = append(out, expand(f.s, argTexts)...)
	}
	return limit(out)
}

func sliceAlloc(v ssa.Value) *ssa.Alloc {
	if s, ok := v.(*ssa.Slice); ok {
		a, _ := s.X.(*ssa.Alloc)
		return a
	}
	return nil
}

// expand substitutes %s, %d and %v in format with each combination of the arguments.
func expand(format string, args [][]text) []text {
	outs := []text{{}}
	arg := 0
	for i := 0; i < len(format); i++ {
		c := format[i]
		if c != '%' {
			for j := range outs {
				outs[j].s += string(c)
			}
			continue
		}
		if i+1 >= len(format) {
			return nil
		}
		i++
		switch format[i] {
		case '%':
			for j := range outs {
				outs[j].s += "%"
			}
		case 's', 'd', 'v':
			if arg >= len(args) || len(args[arg]) == 0 {
				return nil
			}
			outs = concat(outs, args[arg])
			arg++
		default:
			return nil
		}
	}
	return outs
}

// funcName is a function's package path and name, with the receiver's type for a
// method (*net/http.Server.ListenAndServe); an instantiation is named by its origin.
func funcName(f *ssa.Function) string { return qualifiedName(f, nil) }

// shortFuncName names a function as its package's code calls it: reuseport.Listen,
// server.Server.getServerListener.
func shortFuncName(f *ssa.Function) string {
	return strings.TrimPrefix(qualifiedName(f, (*types.Package).Name), "*")
}

// qualifiedName writes packages with q (nil: their paths).
func qualifiedName(f *ssa.Function, q types.Qualifier) string {
	if o := f.Origin(); o != nil {
		f = o
	}
	obj, ok := f.Object().(*types.Func)
	if !ok || obj.Pkg() == nil {
		return f.Name()
	}
	sig := obj.Type().(*types.Signature)
	if recv := sig.Recv(); recv != nil {
		return types.TypeString(recv.Type(), q) + "." + obj.Name()
	}
	if q == nil {
		return obj.Pkg().Path() + "." + obj.Name()
	}
	return q(obj.Pkg()) + "." + obj.Name()
}

// fieldKey names a field of a struct type, wherever the struct lives.
type fieldKey struct {
	typ   string
	field int
}

func fieldKeyOf(ptr types.Type, field int) (fieldKey, bool) {
	s := structOf(ptr)
	if s == nil || field >= s.NumFields() {
		return fieldKey{}, false
	}
	p := ptr.Underlying().(*types.Pointer)
	return fieldKey{types.TypeString(p.Elem(), nil), field}, true
}

func structOf(ptr types.Type) *types.Struct {
	p, ok := ptr.Underlying().(*types.Pointer)
	if !ok {
		return nil
	}
	s, _ := p.Elem().Underlying().(*types.Struct)
	return s
}

// argumentsFor traces a parameter to the arguments of every reachable call of its
// function.
func (r *reach) argumentsFor(p *ssa.Parameter, depth int) []text {
	fn := p.Parent()
	i := slices.Index(fn.Params, p)
	if i < 0 {
		return nil
	}
	var out []text
	for _, call := range r.callers[fn] {
		c := call.Common()
		if c.IsInvoke() || i >= len(c.Args) {
			continue
		}
		out = append(out, r.texts(c.Args[i], depth, nil)...)
	}
	return limit(out)
}

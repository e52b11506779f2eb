package detect

import (
	"cmp"
	"go/constant"
	"go/token"
	"slices"
	"strings"

	"golang.org/x/tools/go/ssa"
)

// index is what the reachable code stores where, built once per analysis: values
// stored into globals and struct fields (and the flag defaults bound to them), the
// closures created for each function, and every flag the program defines.
type index struct {
	stores   map[any][]stored    // *ssa.Global or fieldKey → what is stored there
	loads    map[any][]*ssa.UnOp // *ssa.Global or fieldKey → where it is read
	closures map[*ssa.Function][]*ssa.MakeClosure
	flags    []flagDef
	urfave   map[string][]stored // an urfave/cli flag's name → its Value
}

// stored is a value stored at a location; elems when it is a slice whose elements
// count (kingpin's Default(values...)); flag names the flag whose default it is.
type stored struct {
	v     ssa.Value
	flag  string
	elems bool
}

// flagDef is a flag definition in reachable code.
type flagDef struct {
	name string
	def  stored
	pos  token.Pos
}

// The flag libraries read: the standard library's and pflag's (cobra's) by their
// functions, kingpin by its clause chain, urfave/cli by its flag literals, kong (and
// envconfig, go-flags) by struct tags, in fieldTexts.
var (
	flagPackages    = map[string]bool{"flag": true, "github.com/spf13/pflag": true}
	kingpinPackages = map[string]bool{"github.com/alecthomas/kingpin/v2": true, "gopkg.in/alecthomas/kingpin.v2": true}
	flagKinds       = map[string]bool{"String": true, "Int": true, "Int64": true, "Uint": true, "Uint16": true, "Uint32": true, "Uint64": true, "Strings": true, "StringSlice": true, "StringArray": true}
)

func (r *reach) index() *index {
	if r.idx != nil {
		return r.idx
	}
	ix := &index{stores: map[any][]stored{}, loads: map[any][]*ssa.UnOp{}, closures: map[*ssa.Function][]*ssa.MakeClosure{}, urfave: map[string][]stored{}}
	type literal struct{ name, value ssa.Value }
	literals := map[*ssa.Alloc]*literal{}
	for _, f := range r.sortedReachable() {
		for _, b := range f.Blocks {
			for _, instr := range b.Instrs {
				switch i := instr.(type) {
				case *ssa.Store:
					if key := locationOf(i.Addr); key != nil {
						ix.stores[key] = append(ix.stores[key], stored{v: i.Val})
					}
					if fa, ok := i.Addr.(*ssa.FieldAddr); ok {
						if alloc, ok := fa.X.(*ssa.Alloc); ok && isUrfaveFlag(fa) {
							l := literals[alloc]
							if l == nil {
								l = &literal{}
								literals[alloc] = l
							}
							switch fieldName(fa.X.Type(), fa.Field) {
							case "Name":
								l.name = i.Val
							case "Value":
								l.value = i.Val
							}
						}
					}
				case *ssa.UnOp:
					if key := locationOf(i.X); i.Op == token.MUL && key != nil {
						ix.loads[key] = append(ix.loads[key], i)
					}
				case *ssa.MakeClosure:
					fn := i.Fn.(*ssa.Function)
					ix.closures[fn] = append(ix.closures[fn], i)
				case ssa.CallInstruction:
					def, ptr, ok := r.flagDefinition(i.Common())
					if !ok {
						continue
					}
					def.pos = i.Pos()
					ix.flags = append(ix.flags, def)
					if key := locationOf(ptr); key != nil {
						ix.stores[key] = append(ix.stores[key], def.def)
					}
				}
			}
		}
	}
	for _, l := range literals {
		if name, ok := constString(l.name); ok && l.value != nil {
			ix.urfave[name] = append(ix.urfave[name], stored{v: l.value, flag: name})
		}
	}
	r.idx = ix
	return ix
}

func (r *reach) sortedReachable() []*ssa.Function {
	if r.sorted != nil {
		return r.sorted
	}
	type named struct {
		f    *ssa.Function
		name string
	}
	funcs := make([]named, 0, len(r.reachable))
	for f := range r.reachable {
		funcs = append(funcs, named{f, f.String()})
	}
	// By name, not position: packages load in parallel, so positions differ between runs.
	slices.SortFunc(funcs, func(a, b named) int {
		return cmp.Or(strings.Compare(a.name, b.name), int(a.f.Pos()-b.f.Pos()))
	})
	r.sorted = make([]*ssa.Function, len(funcs))
	for i, n := range funcs {
		r.sorted[i] = n.f
	}
	return r.sorted
}

// locationOf is the index key of an address: a global, or a field of a struct type.
func locationOf(addr ssa.Value) any {
	switch a := addr.(type) {
	case *ssa.Global:
		return a
	case *ssa.FieldAddr:
		if key, ok := fieldKeyOf(a.X.Type(), a.Field); ok {
			return key
		}
	}
	return nil
}

func isUrfaveFlag(fa *ssa.FieldAddr) bool {
	s := structOf(fa.X.Type())
	if s == nil {
		return false
	}
	t := fa.X.Type().String()
	return strings.Contains(t, "github.com/urfave/cli")
}

func constString(v ssa.Value) (string, bool) {
	c, ok := v.(*ssa.Const)
	if !ok || c.Value == nil || c.Value.Kind() != constant.String {
		return "", false
	}
	return constant.StringVal(c.Value), true
}

// flagDefinition reads a flag definition: its name, its default, and the variable it
// sets (nil when the call returns a pointer instead). Forms: flag.String(name, def,
// usage) and its FlagSet method, StringVar(&v, name, def, usage), pflag's P forms
// with a shorthand; kingpin's Flag(name, help)…Default(defs...).String() and
// .StringVar(&v).
func (r *reach) flagDefinition(c *ssa.CallCommon) (def flagDef, ptr ssa.Value, ok bool) {
	callee := c.StaticCallee()
	if callee == nil {
		return flagDef{}, nil, false
	}
	pkg := ""
	if obj := callee.Object(); obj != nil && obj.Pkg() != nil {
		pkg = obj.Pkg().Path()
	}
	args := c.Args
	n := len(args)
	name := callee.Name()
	short := strings.HasSuffix(name, "P")
	base := strings.TrimSuffix(name, "P")
	isVar := strings.HasSuffix(base, "Var")
	base = strings.TrimSuffix(base, "Var")
	if !flagKinds[base] {
		return flagDef{}, nil, false
	}
	switch {
	case flagPackages[pkg]:
		at := 3 // name, default, usage
		if short {
			at++
		}
		if n < at || isVar && n < at+1 {
			return flagDef{}, nil, false
		}
		if isVar {
			ptr = args[n-at-1]
		}
		flagName, _ := constString(args[n-at])
		elems := base == "StringSlice" || base == "StringArray"
		return flagDef{name: flagName, def: stored{v: args[n-2], flag: flagName, elems: elems}}, ptr, true
	case kingpinPackages[pkg] && callee.Signature.Recv() != nil && !short:
		flagName, defaults := kingpinClause(args[0])
		if isVar && n > 1 {
			ptr = args[1]
		}
		if defaults == nil {
			return flagDef{name: flagName}, ptr, flagName != ""
		}
		return flagDef{name: flagName, def: stored{v: defaults, flag: flagName, elems: true}}, ptr, true
	}
	return flagDef{}, nil, false
}

// kingpinClause walks a kingpin clause chain back from the value a getter is called
// on to Flag(name, help), collecting the last Default(values...) on the way.
func kingpinClause(v ssa.Value) (name string, defaults ssa.Value) {
	for range 16 {
		switch x := v.(type) {
		case *ssa.FieldAddr: // String() is promoted from an embedded parser
			v = x.X
			continue
		case *ssa.Call:
			callee := x.Call.StaticCallee()
			if callee == nil || callee.Object() == nil || callee.Object().Pkg() == nil || !kingpinPackages[callee.Object().Pkg().Path()] {
				return name, defaults
			}
			args := x.Call.Args
			switch callee.Name() {
			case "Default":
				if defaults == nil {
					defaults = args[len(args)-1]
				}
			case "Flag":
				name, _ = constString(args[len(args)-2])
				return name, defaults
			}
			if callee.Signature.Recv() == nil || len(args) == 0 {
				return name, defaults
			}
			v = args[0]
			continue
		}
		return name, defaults
	}
	return name, defaults
}

// flagPointer is what the pointer a flag function returns holds by default.
func (r *reach) flagPointer(c *ssa.CallCommon, depth int) []text {
	def, ptr, ok := r.flagDefinition(c)
	if !ok || ptr != nil || def.def.v == nil {
		return nil
	}
	return r.storedValue(def.def, depth)
}

// flagSlice is what the slice a flag function points to holds by default
// (kingpin's Strings(), pflag's StringSlice).
func (r *reach) flagSlice(c *ssa.CallCommon, depth int) []text {
	return r.flagPointer(c, depth)
}

// storedValue is the texts of one stored value, its elements when it is a slice.
func (r *reach) storedValue(st stored, depth int) []text {
	var ts []text
	if st.elems {
		ts = r.elements(st.v, depth+1, nil)
	} else {
		ts = r.texts(st.v, depth+1, nil)
	}
	for i := range ts {
		ts[i].flag = cmpOr(ts[i].flag, st.flag)
	}
	return ts
}

// flagGetter reads urfave/cli's getters (c.String("listen") in v2, cmd.String in v3):
// the Value of the flag literal of that name.
func (r *reach) flagGetter(callee *ssa.Function, args []ssa.Value, depth int) ([]text, bool) {
	obj := callee.Object()
	if obj == nil || obj.Pkg() == nil || !strings.HasPrefix(obj.Pkg().Path(), "github.com/urfave/cli") || len(args) != 2 {
		return nil, false
	}
	name, ok := constString(args[1])
	if !ok {
		return nil, false
	}
	var out []text
	for _, st := range r.index().urfave[name] {
		out = append(out, r.storedValue(st, depth)...)
	}
	return out, true
}

// toolkitAddrs reads the listen addresses of the Prometheus exporter toolkit's
// FlagConfig: kingpinflag.AddFlags(app, ":9100")'s default, or the slice a literal
// FlagConfig{WebListenAddresses: …} points to.
func (r *reach) toolkitAddrs(flags ssa.Value, depth int) []text {
	var out []text
	for _, c := range r.cells(flags, depth) {
		switch c := c.(type) {
		case *ssa.Call:
			if callee := c.Call.StaticCallee(); callee != nil && funcName(callee) == "github.com/prometheus/exporter-toolkit/web/kingpinflag.AddFlags" {
				for _, t := range r.texts(c.Call.Args[1], depth+1, nil) {
					t.flag = cmpOr(t.flag, "web.listen-address")
					out = append(out, t)
				}
			}
		case *ssa.Alloc:
			if ptr := r.fieldStored(c, "WebListenAddresses"); ptr != nil {
				out = append(out, r.pointedElements(ptr, depth+1, nil)...)
			}
		}
	}
	return limit(out)
}

package lint

import "strings"

// Flags of go build that take a value (go help build); the rest are booleans.
var valueFlags = map[string]bool{
	"-C": true, "-p": true, "-o": true, "-asmflags": true, "-buildmode": true, "-buildvcs": false, "-compiler": true,
	"-gccgoflags": true, "-gcflags": true, "-installsuffix": true, "-ldflags": true, "-mod": true, "-modfile": true,
	"-overlay": true, "-pgo": true, "-pkgdir": true, "-tags": true, "-toolexec": true, "-covermode": true, "-coverpkg": true,
}

// goFlags are the flags of one go build line, GOFLAGS first so the line wins.
type goFlags map[string]string

func parseGoFlags(args []string, goflags string) goFlags {
	f := goFlags{}
	f.add(strings.Fields(goflags))
	f.add(args)
	return f
}

func (f goFlags) add(args []string) {
	for i := 0; i < len(args); i++ {
		a := args[i]
		if !strings.HasPrefix(a, "-") || a == "-" {
			continue // a package or file argument
		}
		if strings.HasPrefix(a, "--") {
			a = a[1:]
		}
		name, value, hasValue := strings.Cut(a, "=")
		if !hasValue && valueFlags[name] && i+1 < len(args) {
			i++
			value = args[i]
		}
		f[name] = value
	}
}

func (f goFlags) has(name string) bool {
	_, ok := f[name]
	return ok
}

func (f goFlags) value(name string) string { return f[name] }

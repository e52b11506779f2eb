package detect

import (
	"fmt"
	"go/ast"
	"go/token"
	"net"
	"regexp"
	"strconv"
	"strings"
	"unicode"
)

// Evidence is where in the code a detected value came from.
type Evidence struct {
	File string // slash path relative to the module directory
	Line int
	What string // the code, shortened, e.g. http.ListenAndServe(":8080")
}

func (e Evidence) String() string {
	if e.File == "" {
		return e.What // observed, not read from a file
	}
	return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.What)
}

// Port is a port the code listens on.
type Port struct {
	Name     string
	Number   int
	Evidence Evidence
	Note     string // a problem with how it listens, e.g. on loopback only
	Protocol string // "UDP" for a UDP listener, else TCP
	class    string
	rank     int
	pkg      string // import path of the package holding the evidence
}

// Endpoint is an HTTP path the code serves.
type Endpoint struct {
	Path     string
	Evidence Evidence
	// With Options.Reach: the port of the listener serving the route (0: not known),
	// or Closed when that listener opens only with a flag or configuration.
	Port   int
	Closed bool
}

// How sure a port is: a listen call beats a flag or env default, which beat a
// variable merely named like a port.
const (
	rankNamed = 1 + iota
	rankDefault
	rankListen
)

// Calls whose address argument is where a server listens (net/http, net, gin, echo,
// fiber and most routers).
var listenCalls = map[string]bool{"ListenAndServe": true, "ListenAndServeTLS": true, "Listen": true, "Run": true, "RunTLS": true, "Start": true, "StartTLS": true}

// Calls that register a handler for a path (net/http, gorilla, chi, gin, echo, fiber).
var routeCalls = map[string]bool{"Handle": true, "HandleFunc": true, "Get": true, "GET": true, "Head": true, "HEAD": true, "Any": true, "Route": true, "Path": true, "Add": true, "Match": true}

// Flag definitions (flag, pflag, kingpin-like) and where their default sits.
var flagCalls = map[string]struct{ name, def int }{
	"String": {0, 1}, "StringVar": {1, 2}, "StringP": {0, 2}, "StringVarP": {1, 3},
	"Int": {0, 1}, "IntVar": {1, 2}, "IntP": {0, 2}, "IntVarP": {1, 3},
	"Uint": {0, 1}, "UintVar": {1, 2}, "Uint16": {0, 1}, "Uint16Var": {1, 2},
}

var envPortName = regexp.MustCompile(`^[A-Z0-9_]*(PORT|ADDR|ADDRESS|LISTEN|BIND)[A-Z0-9_]*$`)

// Words that mark a port the service dials rather than serves.
var clientWords = map[string]bool{
	"db": true, "database": true, "sql": true, "postgres": true, "pg": true, "mysql": true, "redis": true, "mongo": true, "mongodb": true,
	"smtp": true, "mail": true, "upstream": true, "remote": true, "backend": true, "target": true, "dest": true, "destination": true,
	"proxy": true, "client": true, "peer": true, "broker": true, "kafka": true, "nats": true, "amqp": true, "rabbit": true, "rabbitmq": true,
	"memcache": true, "memcached": true, "etcd": true, "consul": true, "elastic": true, "otel": true, "otlp": true, "jaeger": true,
	"zipkin": true, "statsd": true, "collector": true, "dsn": true, "url": true, "endpoint": true, "api": false,
}

var portWords = map[string]bool{"port": true, "addr": true, "address": true, "listen": true, "bind": true}

// scanner collects port and health evidence over the files of a module's packages.
type scanner struct {
	fset      *token.FileSet
	file      string // current file, relative to the module
	imports   map[string]bool
	consts    map[string]ast.Expr // per package: identifier → its only literal value
	ports     []Port
	endpoints []Endpoint
	grpc      *Evidence
	envReads  []EnvRead
	zoneLoad  *Evidence
	// what the program needs besides ports: subcommands, data directories, and UDP
	// listeners whose address is not a literal
	subcommands []Subcommand
	dataDirs    []DataDir
	udp         []Evidence
}

// EnvRead is an environment variable the code reads by a literal name.
type EnvRead struct {
	Name     string
	Evidence Evidence
}

func (s *scanner) evidence(n ast.Node, what string) Evidence {
	return Evidence{File: s.file, Line: s.fset.Position(n.Pos()).Line, What: shorten(what)}
}

// scanFile records what one parsed file says about ports and health endpoints.
func (s *scanner) scanFile(f *ast.File) {
	s.imports = map[string]bool{}
	for _, imp := range f.Imports {
		p, _ := strconv.Unquote(imp.Path.Value)
		s.imports[p] = true
		if s.grpc == nil && (p == "google.golang.org/grpc/health" || p == "google.golang.org/grpc/health/grpc_health_v1") {
			e := s.evidence(imp, "import "+imp.Path.Value)
			s.grpc = &e
		}
	}
	ast.PreorderStack(f, nil, func(n ast.Node, stack []ast.Node) bool {
		switch n := n.(type) {
		case *ast.CallExpr:
			s.call(n)
		case *ast.KeyValueExpr:
			if key, ok := n.Key.(*ast.Ident); ok && key.Name == "Use" {
				s.cobraUse(n, stack)
			}
			if key, ok := n.Key.(*ast.Ident); ok && !s.serverAddr(n, key.Name, stack) {
				s.named(n, key.Name, n.Value, enclosingName(stack))
			}
		case *ast.SwitchStmt:
			s.subcommandSwitch(n)
		case *ast.ReturnStmt:
			s.returned(n, stack)
		case *ast.AssignStmt:
			if len(n.Lhs) == len(n.Rhs) {
				for i, l := range n.Lhs {
					if id, ok := l.(*ast.Ident); ok {
						s.named(n, id.Name, n.Rhs[i], "")
					}
				}
			}
		case *ast.ValueSpec:
			if len(n.Names) == len(n.Values) {
				for i, id := range n.Names {
					s.named(n, id.Name, n.Values[i], "")
				}
			}
		}
		return true
	})
}

func (s *scanner) call(c *ast.CallExpr) {
	recv, name := callee(c)
	if recv == "net" && (name == "ListenPacket" || name == "ListenUDP") {
		s.udpListen(c, name)
	}
	if listenCalls[name] {
		s.listenCall(c, recv, name)
	}
	if _, ok := flagCalls[name]; ok {
		s.flag(c, name)
	}
	if routeCalls[name] && len(c.Args) > 0 {
		if p, ok := s.str(c.Args[0]); ok {
			if path := routePath(p); healthKind(path) != "" {
				s.endpoints = append(s.endpoints, Endpoint{Path: path, Evidence: s.evidence(c, fmt.Sprintf("%s(%q)", qualified(recv, name), p))})
			}
		}
	}
	s.envDefault(c)
	if recv == "time" && name == "LoadLocation" && s.zoneLoad == nil {
		e := s.evidence(c, "time.LoadLocation(…)")
		s.zoneLoad = &e
	}
	if recv == "os" && (name == "Getenv" || name == "LookupEnv") && len(c.Args) == 1 {
		if v, ok := s.str(c.Args[0]); ok && v != "" {
			s.envReads = append(s.envReads, EnvRead{Name: v, Evidence: s.evidence(c, fmt.Sprintf("os.%s(%q)", name, v))})
		}
	}
}

func (s *scanner) listenCall(c *ast.CallExpr, recv, name string) {
	for _, a := range c.Args {
		v, ok := s.str(a)
		if !ok {
			continue
		}
		host, port, ok := splitAddr(v)
		if !ok {
			continue
		}
		p := Port{Number: port, rank: rankListen, Evidence: s.evidence(c, fmt.Sprintf("%s(%q)", qualified(recv, name), v))}
		p.class = classify(recv + " " + exprName(a))
		if p.class == "http" && recv == "net" && s.importsGRPC() {
			p.class = "grpc"
		}
		switch host {
		case "", "0.0.0.0", "::":
		case "localhost", "127.0.0.1", "::1":
			p.Note = fmt.Sprintf("listens on %s only, which nothing outside the container reaches; listen on :%d", host, port)
		default:
			continue
		}
		s.ports = append(s.ports, p)
	}
}

// serverAddr records Addr in a composite literal of a type named *Server
// (http.Server{Addr: ":8080"}): the address that server listens on.
func (s *scanner) serverAddr(kv *ast.KeyValueExpr, key string, stack []ast.Node) bool {
	if key != "Addr" || len(stack) == 0 {
		return false
	}
	lit, ok := stack[len(stack)-1].(*ast.CompositeLit)
	if !ok || !strings.HasSuffix(exprName(lit.Type), "Server") {
		return false
	}
	v, ok := s.str(kv.Value)
	if !ok {
		return true
	}
	port, ok := s.portValue(kv.Value, key)
	if !ok {
		return true
	}
	typ := strings.ReplaceAll(exprName(lit.Type), " ", ".")
	s.ports = append(s.ports, Port{Number: port, rank: rankListen, class: classify(enclosingName(stack[:len(stack)-1])),
		Evidence: s.evidence(kv, fmt.Sprintf("%s{Addr: %q}", typ, v))})
	return true
}

// returned records a listen address returned by a function named like one
// (func addr() string { …; return ":8080" }), typically the fallback after PORT.
func (s *scanner) returned(r *ast.ReturnStmt, stack []ast.Node) {
	var fn *ast.FuncDecl
	for i := len(stack) - 1; i >= 0 && fn == nil; i-- {
		if _, lit := stack[i].(*ast.FuncLit); lit {
			return
		}
		fn, _ = stack[i].(*ast.FuncDecl)
	}
	if fn == nil || len(r.Results) == 0 || !hasWord(fn.Name.Name, portWords) || hasWord(fn.Name.Name, clientWords) {
		return
	}
	if port, ok := s.portValue(r.Results[0], fn.Name.Name); ok {
		s.ports = append(s.ports, Port{Number: port, rank: rankDefault, class: classify(fn.Name.Name),
			Evidence: s.evidence(r, fmt.Sprintf("%s() returns %s", fn.Name.Name, exprText(r.Results[0])))})
	}
}

// flag records a flag whose name says it is a listen address or port.
func (s *scanner) flag(c *ast.CallExpr, name string) {
	at, ok := flagCalls[name]
	if !ok || at.def >= len(c.Args) {
		return
	}
	flagName, ok := s.str(c.Args[at.name])
	if !ok || s.dataDir(c, flagName, c.Args[at.def]) || hasWord(flagName, clientWords) {
		return
	}
	if !hasWord(flagName, portWords) && !s.listenLiteral(c.Args[at.def]) {
		return
	}
	port, ok := s.portValue(c.Args[at.def], flagName)
	if !ok {
		return
	}
	s.ports = append(s.ports, Port{Number: port, rank: rankDefault, class: flagPortName(flagName),
		Evidence: s.evidence(c, fmt.Sprintf("flag %q defaults to %s", flagName, exprText(c.Args[at.def])))})
}

// envDefault records calls that pair a PORT-like variable name with a default, as in
// getenv("PORT", "8080") or cmp.Or(os.Getenv("PORT"), "8080").
func (s *scanner) envDefault(c *ast.CallExpr) {
	env := ""
	for _, a := range c.Args {
		if v, ok := s.envName(a); ok {
			env = v
			break
		}
	}
	if env == "" || hasWord(env, clientWords) {
		return
	}
	for _, a := range c.Args {
		if port, ok := s.portValue(a, env); ok {
			s.ports = append(s.ports, Port{Number: port, rank: rankDefault, class: classify(env),
				Evidence: s.evidence(c, fmt.Sprintf("%s defaults to %s", env, exprText(a)))})
			return
		}
	}
}

// envName accepts "PORT" or os.Getenv("PORT") / os.LookupEnv("PORT").
func (s *scanner) envName(e ast.Expr) (string, bool) {
	if c, ok := e.(*ast.CallExpr); ok {
		if _, name := callee(c); (name == "Getenv" || name == "LookupEnv") && len(c.Args) == 1 {
			e = c.Args[0]
		}
	}
	lit, ok := e.(*ast.BasicLit)
	if !ok || lit.Kind != token.STRING {
		return "", false
	}
	v, _ := strconv.Unquote(lit.Value)
	return v, envPortName.MatchString(v)
}

// named records a variable, constant or struct field named like a port or address
// (port, httpAddr, ListenAddress) that holds a literal.
func (s *scanner) named(n ast.Node, name string, value ast.Expr, owner string) {
	if !hasWord(name, portWords) || hasWord(name, clientWords) || hasWord(owner, clientWords) {
		return
	}
	if _, isLit := value.(*ast.BasicLit); !isLit {
		return
	}
	port, ok := s.portValue(value, name)
	if !ok || wellKnownClientPort[port] {
		return
	}
	s.ports = append(s.ports, Port{Number: port, rank: rankNamed, class: classify(owner + " " + name),
		Evidence: s.evidence(n, fmt.Sprintf("%s = %s", name, exprText(value)))})
}

// Ports of common backing services: a literal like these is almost always dialled.
var wellKnownClientPort = map[int]bool{5432: true, 3306: true, 6379: true, 27017: true, 9092: true, 2181: true, 5672: true, 11211: true,
	9200: true, 4317: true, 4318: true, 6831: true, 14268: true, 8125: true, 2379: true, 8500: true, 4222: true, 25: true, 587: true, 53: true}

// portValue reads a listen address (":8080"), or a bare number when name says port.
func (s *scanner) portValue(e ast.Expr, name string) (int, bool) {
	if v, ok := s.str(e); ok {
		if host, port, ok := splitAddr(v); ok && (host == "" || host == "0.0.0.0" || host == "::") {
			return port, true
		}
		if n, err := strconv.Atoi(v); err == nil && hasWord(name, map[string]bool{"port": true}) && validPort(n) {
			return n, true
		}
		return 0, false
	}
	if lit, ok := e.(*ast.BasicLit); ok && lit.Kind == token.INT && hasWord(name, map[string]bool{"port": true}) {
		n, err := strconv.Atoi(lit.Value)
		return n, err == nil && validPort(n)
	}
	return 0, false
}

// str evaluates a string literal, a constant or variable of the package bound to one,
// or a concatenation of those.
func (s *scanner) str(e ast.Expr) (string, bool) {
	switch e := e.(type) {
	case *ast.BasicLit:
		if e.Kind == token.STRING {
			v, err := strconv.Unquote(e.Value)
			return v, err == nil
		}
		if e.Kind == token.INT {
			return e.Value, true
		}
	case *ast.Ident:
		if v, ok := s.consts[e.Name]; ok && v != e {
			return s.str(v)
		}
	case *ast.BinaryExpr:
		if e.Op == token.ADD {
			a, ok1 := s.str(e.X)
			b, ok2 := s.str(e.Y)
			return a + b, ok1 && ok2
		}
	case *ast.ParenExpr:
		return s.str(e.X)
	}
	return "", false
}

func (s *scanner) importsGRPC() bool { return s.imports["google.golang.org/grpc"] }

// splitAddr reads "host:port" with a numeric port.
func splitAddr(v string) (host string, port int, ok bool) {
	h, p, err := net.SplitHostPort(v)
	if err != nil {
		return "", 0, false
	}
	n, err := strconv.Atoi(p)
	if err != nil || !validPort(n) {
		return "", 0, false
	}
	return h, n, true
}

func validPort(n int) bool { return n > 0 && n <= 65535 }

// classify names a port by the words around it.
func classify(context string) string {
	for _, c := range []struct {
		class string
		words []string
	}{
		{"metrics", []string{"metric", "metrics", "prom", "prometheus"}},
		{"grpc", []string{"grpc", "rpc"}},
		{"health", []string{"health", "probe", "healthz"}},
		{"admin", []string{"admin", "debug", "pprof", "management"}},
	} {
		for _, w := range c.words {
			if hasWord(context, map[string]bool{w: true}) {
				return c.class
			}
		}
	}
	return "http"
}

// words splits identifiers, flag names and env names into lower-case words:
// "metricsBindAddress" and "METRICS_BIND_ADDR" both give metrics, bind, addr…
func words(s string) []string {
	var out []string
	var cur []rune
	flush := func() {
		if len(cur) > 0 {
			out = append(out, strings.ToLower(string(cur)))
			cur = cur[:0]
		}
	}
	rs := []rune(s)
	for i, r := range rs {
		switch {
		case !unicode.IsLetter(r) && !unicode.IsDigit(r):
			flush()
			continue
		case unicode.IsUpper(r) && i > 0 && (unicode.IsLower(rs[i-1]) || (i+1 < len(rs) && unicode.IsLower(rs[i+1]) && unicode.IsUpper(rs[i-1]))):
			flush()
		}
		cur = append(cur, r)
	}
	flush()
	return out
}

func hasWord(s string, set map[string]bool) bool {
	for _, w := range words(s) {
		if set[w] {
			return true
		}
	}
	return false
}

// callee returns the receiver (package or variable name, if an identifier) and the
// function or method name of a call.
func callee(c *ast.CallExpr) (recv, name string) {
	switch f := c.Fun.(type) {
	case *ast.Ident:
		return "", f.Name
	case *ast.SelectorExpr:
		return exprName(f.X), f.Sel.Name
	}
	return "", ""
}

func qualified(recv, name string) string {
	if recv == "" {
		return name
	}
	return recv + "." + name
}

// exprName is the identifier an expression ends in: srv, cfg.HTTPAddr → HTTPAddr.
func exprName(e ast.Expr) string {
	switch e := e.(type) {
	case *ast.Ident:
		return e.Name
	case *ast.SelectorExpr:
		return exprName(e.X) + " " + e.Sel.Name
	case *ast.StarExpr:
		return exprName(e.X)
	case *ast.UnaryExpr:
		return exprName(e.X)
	case *ast.CallExpr:
		return exprName(e.Fun)
	}
	return ""
}

func exprText(e ast.Expr) string {
	if lit, ok := e.(*ast.BasicLit); ok {
		return lit.Value
	}
	if n := exprName(e); n != "" {
		return n
	}
	return "…"
}

// enclosingName is the variable or field a composite literal is assigned to, which
// tells a metrics server from the main one.
func enclosingName(stack []ast.Node) string {
	for i := len(stack) - 1; i >= 0; i-- {
		switch n := stack[i].(type) {
		case *ast.AssignStmt:
			if len(n.Lhs) > 0 {
				return exprName(n.Lhs[0])
			}
		case *ast.ValueSpec:
			return n.Names[0].Name
		case *ast.CompositeLit:
			if t := exprName(n.Type); t != "" && !strings.HasSuffix(t, "Server") {
				return t
			}
		case *ast.FuncDecl, *ast.FuncLit:
			return ""
		}
	}
	return ""
}

func shorten(s string) string {
	if len(s) > 80 {
		return s[:77] + "..."
	}
	return s
}

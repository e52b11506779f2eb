package detect

import (
	"fmt"
	"go/ast"
	"go/types"
	"path"
	"regexp"
	"strings"
)

// Subcommand is a first argument the program dispatches on (switch os.Args[1], a
// cobra.Command's Use).
type Subcommand struct {
	Name     string
	Evidence Evidence
}

// DataDir is a directory the program writes by default: a flag naming a data
// directory whose default is an absolute path.
type DataDir struct {
	Flag     string
	Path     string
	Evidence Evidence
}

// serveWords are subcommands that start a server.
var serveWords = map[string]bool{"serve": true, "server": true, "run": true, "start": true, "daemon": true, "web": true}

// ServeSubcommand returns the subcommand that starts the server, if the program has
// subcommands and exactly one of them is named like that.
func (r *Repo) ServeSubcommand() (Subcommand, bool) {
	var found []Subcommand
	for _, s := range r.Subcommands {
		if serveWords[s.Name] {
			found = append(found, s)
		}
	}
	if len(found) != 1 {
		return Subcommand{}, false
	}
	return found[0], true
}

// dataWords mark a flag that names a directory the program keeps state in.
var dataWords = map[string]bool{"data": true, "datadir": true, "storage": true, "state": true, "db": true, "database": true}

// dataDir records a flag such as --data=/var/lib/app; it reports whether it was one.
func (s *scanner) dataDir(c *ast.CallExpr, flagName string, def ast.Expr) bool {
	v, ok := s.str(def)
	if !ok || !strings.HasPrefix(v, "/") || !hasWord(flagName, dataWords) || path.Clean(v) == "/" || strings.HasPrefix(path.Clean(v)+"/", "/tmp/") {
		return false
	}
	dir := path.Clean(v)
	if path.Ext(dir) != "" { // a database file: its directory is what must be writable
		dir = path.Dir(dir)
	}
	if dir == "/" {
		return false
	}
	s.dataDirs = append(s.dataDirs, DataDir{Flag: flagName, Path: dir, Evidence: s.evidence(c, fmt.Sprintf("flag %q defaults to %q", flagName, v))})
	return true
}

// subcommandSwitch records the cases of switch os.Args[1] (or flag.Arg(0)).
func (s *scanner) subcommandSwitch(sw *ast.SwitchStmt) {
	if sw.Tag == nil {
		return
	}
	tag := types.ExprString(sw.Tag)
	if tag != "os.Args[1]" && !strings.HasSuffix(tag, ".Arg(0)") {
		return
	}
	for _, stmt := range sw.Body.List {
		cc, ok := stmt.(*ast.CaseClause)
		if !ok {
			continue
		}
		for _, e := range cc.List {
			if v, ok := s.str(e); ok && subcommandName.MatchString(v) {
				s.subcommands = append(s.subcommands, Subcommand{Name: v, Evidence: s.evidence(e, fmt.Sprintf("switch %s case %q", tag, v))})
			}
		}
	}
}

var subcommandName = regexp.MustCompile(`^[a-z][a-z0-9-]*$`)

// cobraUse records Use: "serve [flags]" in a composite literal of a type named Command.
func (s *scanner) cobraUse(kv *ast.KeyValueExpr, stack []ast.Node) {
	if len(stack) == 0 {
		return
	}
	lit, ok := stack[len(stack)-1].(*ast.CompositeLit)
	if !ok || !strings.HasSuffix(exprName(lit.Type), "Command") {
		return
	}
	v, ok := s.str(kv.Value)
	if !ok {
		return
	}
	name, _, _ := strings.Cut(v, " ")
	if subcommandName.MatchString(name) {
		s.subcommands = append(s.subcommands, Subcommand{Name: name, Evidence: s.evidence(kv, fmt.Sprintf("cobra.Command{Use: %q}", v))})
	}
}

// udpListen records net.ListenPacket("udp", addr) and net.ListenUDP: a UDP port, when
// the address is a literal, else the evidence that one exists.
func (s *scanner) udpListen(c *ast.CallExpr, name string) {
	if len(c.Args) < 2 {
		return
	}
	network, ok := s.str(c.Args[0])
	if name == "ListenPacket" && (!ok || !strings.HasPrefix(network, "udp")) {
		return
	}
	e := s.evidence(c, fmt.Sprintf("net.%s(%s, %s)", name, exprText(c.Args[0]), exprText(c.Args[1])))
	if port, ok := s.portValue(c.Args[1], ""); ok {
		s.ports = append(s.ports, Port{Number: port, rank: rankListen, class: "udp", Protocol: "UDP", Evidence: e})
		return
	}
	s.udp = append(s.udp, e)
}

// listenLiteral is a default such as ":53" or "0.0.0.0:8080": an address to listen on
// whatever the flag is called.
func (s *scanner) listenLiteral(e ast.Expr) bool {
	v, ok := s.str(e)
	if !ok {
		return false
	}
	host, _, ok := splitAddr(v)
	return ok && (host == "" || host == "0.0.0.0" || host == "::")
}

// flagPortName names a port after the flag that sets it (--dns=:53 is "dns") when the
// flag is not merely called addr or port, else after what the name suggests.
func flagPortName(flagName string) string {
	if hasWord(flagName, portWords) {
		return classify(flagName)
	}
	n := strings.Trim(notPortName.ReplaceAllString(strings.ToLower(flagName), "-"), "-")
	if len(n) > 15 || !portNameStart.MatchString(n) {
		return classify(flagName)
	}
	return n
}

var (
	notPortName   = regexp.MustCompile(`[^a-z0-9]+`)
	portNameStart = regexp.MustCompile(`^[a-z]`)
)

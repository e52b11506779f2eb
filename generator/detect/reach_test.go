package detect

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// TestAnalyzeReach: listen calls reachable from the chosen main, their protocol, and
// addresses traced through SSA: flag defaults carried through function parameters
// (names: serve(store, dnsAddr, httpAddr)), http.Server{Addr} captured by a closure, a
// function returning the address, flag.StringVar into a global; a listener in an
// imported package that main never calls is not reported.
func TestAnalyzeReach(t *testing.T) {
	for _, c := range []struct {
		dir, module, main string
		want              []string
	}{
		{"../../examples/names", "example.com/names", "example.com/names/cmd/names", []string{"TCP :53", "TCP :8080", "UDP :53"}},
		{"../../examples/hello", "example.com/hello", "example.com/hello", []string{"TCP :8080"}},
		{"../../tests/testdata/init/udp-cli", "example.com/syslogd", "example.com/syslogd", []string{"TCP :8080", "UDP :5514"}},
		{"../../tests/testdata/init/reach", "example.com/prober", "example.com/prober", []string{"TCP :7000"}},
		{"../../tests/testdata/init/exporter", "example.com/dot_exporter", "example.com/dot_exporter", []string{"TCP :9153"}},
		{"../../tests/testdata/init/flaglibs", "example.com/flaglibs", "example.com/flaglibs/cmd/urfave", []string{"TCP :8101"}},
		{"../../tests/testdata/init/flaglibs", "example.com/flaglibs", "example.com/flaglibs/cmd/kong", []string{"TCP :8102"}},
		{"../../tests/testdata/init/flaglibs", "example.com/flaglibs", "example.com/flaglibs/cmd/env", []string{"TCP :8103", "TCP :9103"}},
		{"../../tests/testdata/init/flaglibs", "example.com/flaglibs", "example.com/flaglibs/cmd/pflagd", []string{"TCP :8104"}},
		{"../../tests/testdata/init/flaglibs", "example.com/flaglibs", "example.com/flaglibs/cmd/toolkit", []string{"TCP :8105"}},
		{"../../tests/testdata/init/flaglibs", "example.com/flaglibs", "example.com/flaglibs/cmd/sockets", []string{"TCP :8106", "UDP :8107"}},
		{"../../tests/testdata/init/flaglibs", "example.com/flaglibs", "example.com/flaglibs/cmd/grpcd", []string{"TCP :8108 grpc"}},
		{"../../tests/testdata/init/dns", "example.com/dnsd", "example.com/dnsd", []string{"TCP :53", "UDP :53"}},
		{"../../tests/testdata/init/two-servers", "example.com/orders", "example.com/orders", []string{"TCP :8080", "TCP :9090"}},
	} {
		t.Run(c.module, func(t *testing.T) {
			graph, err := goList(c.dir, false, "-deps", c.main)
			if err != nil {
				t.Fatal(err)
			}
			var own []string
			for _, p := range graph {
				if p.Module != nil && p.Module.Path == c.module {
					own = append(own, p.ImportPath)
				}
			}
			a, err := analyzeReach(c.dir, c.module, false, []string{c.main}, own)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, s := range a.sites {
				if len(s.addrs) == 0 {
					t.Errorf("%s: address not traced", s.evidence)
				}
				for _, a := range s.addrs {
					if s.grpc {
						a.s += " grpc"
					}
					got = append(got, s.protocol+" "+a.s)
				}
			}
			slices.Sort(got)
			if !slices.Equal(got, c.want) {
				t.Errorf("reachable listens %v, want %v", got, c.want)
			}
		})
	}
}

// TestMergeReach: the scan's ports are confirmed, completed with a UDP twin, or dropped
// when every reachable listen was traced and none is on them.
func TestMergeReach(t *testing.T) {
	scanned := []Port{
		{Name: "http", Number: 9853, class: "http"},
		{Name: "http-7000", Number: 7000, class: "http"},
		{Name: "dns", Number: 53, class: "dns"},
	}
	sites := []listenSite{
		{protocol: "TCP", addrs: []text{{s: ":7000"}}},
		{protocol: "TCP", addrs: []text{{s: ":53"}}},
		{protocol: "UDP", addrs: []text{{s: ":53"}}},
		{protocol: "TCP", addrs: []text{{s: ":0", flag: "m"}, {s: "localhost:0"}}},
		{protocol: "TCP", addrs: []text{{s: ":9000"}}, grpc: true},
	}
	var got []string
	merged, closed := mergeReach(scanned, sites)
	for _, p := range merged {
		got = append(got, fmt.Sprintf("%s=%d/%s", p.Name, p.Number, p.Protocol))
	}
	if want := "http=7000/ dns=53/ dns-udp=53/UDP grpc=9000/"; strings.Join(got, " ") != want {
		t.Errorf("merged %q, want %q", strings.Join(got, " "), want)
	}
	if len(closed) != 1 || closed[0].Flag != "m" {
		t.Errorf("closed %v, want the listener behind -m", closed)
	}
	untraced := append(sites, listenSite{protocol: "TCP"})
	if merged, _ := mergeReach(scanned, untraced); len(merged) != 5 {
		t.Errorf("with an untraced listen the scan's ports must stay (got %d ports, want 3 + the UDP twin + grpc)", len(merged))
	}
}

// TestAnalyzeReachBounded: a program built to make address tracing explode (each of
// 24 functions passes its parameter, grown by two concatenations, to the next from
// 8 call sites) is analysed in bounded time.
func TestAnalyzeReachBounded(t *testing.T) {
	dir := t.TempDir()
	var b strings.Builder
	b.WriteString("package main\n\nimport \"net\"\n\nfunc f24(a string) { net.Listen(\"tcp\", a) }\n")
	for i := 23; i >= 0; i-- {
		fmt.Fprintf(&b, "func f%d(a string) {\n", i)
		for j := range 8 {
			fmt.Fprintf(&b, "\tf%d(a + %q + a)\n", i+1, fmt.Sprint(j))
		}
		b.WriteString("}\n")
	}
	b.WriteString("func main() { f0(\":80\") }\n")
	for name, data := range map[string]string{"go.mod": "module example.com/explode\n\ngo 1.26\n", "main.go": b.String()} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	done := make(chan error, 1)
	go func() {
		_, err := analyzeReach(dir, "example.com/explode", false, []string{"example.com/explode"}, []string{"example.com/explode"})
		done <- err
	}()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(2 * time.Minute):
		t.Fatal("the analysis did not finish: tracing is unbounded")
	}
}

// TestAnalyzeReachBudgetPerTrace: one listen call whose address explodes (as above),
// and a matcher's Match(key) fed by a like chain, do not use up the budget the plain
// listen after them needs; the matcher takes no handler, so it is no route at all.
func TestAnalyzeReachBudgetPerTrace(t *testing.T) {
	dir := t.TempDir()
	var b strings.Builder
	b.WriteString("package main\n\nimport \"net\"\n\ntype matcher struct{}\n\nfunc (matcher) Match(s string) bool { return s == \"\" }\n\n")
	b.WriteString("func f24(a string) { net.Listen(\"tcp\", a) }\nfunc g24(a string) { matcher{}.Match(a) }\n")
	for _, fn := range []string{"g", "f"} {
		for i := 23; i >= 0; i-- {
			fmt.Fprintf(&b, "func %s%d(a string) {\n", fn, i)
			for j := range 8 {
				fmt.Fprintf(&b, "\t%s%d(a + %q + a)\n", fn, i+1, fmt.Sprint(j))
			}
			b.WriteString("}\n")
		}
	}
	b.WriteString("func main() {\n\tg0(\"/healthz\")\n\tf0(\":80\")\n\tnet.Listen(\"tcp\", \":7000\")\n}\n")
	for name, data := range map[string]string{"go.mod": "module example.com/explode\n\ngo 1.26\n", "main.go": b.String()} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	a, err := analyzeReach(dir, "example.com/explode", false, []string{"example.com/explode"}, []string{"example.com/explode"})
	if err != nil {
		t.Fatal(err)
	}
	if len(a.sites) != 2 || len(a.sites[1].addrs) != 1 || a.sites[1].addrs[0].s != ":7000" {
		t.Errorf("sites %+v: want the exploding listen, then :7000 traced", a.sites)
	}
	if len(a.endpoints) != 0 {
		t.Errorf("endpoints %+v: Match without a handler is no route", a.endpoints)
	}
}

// TestAnalyzeReachWrappers: a listen helper that takes the address and returns the
// listener (CoreDNS's reuseport.Listen) listens at each call with that call's address;
// a listener kept in a struct field is served where the field is read; an address
// can be one result of a function returning several.
func TestAnalyzeReachWrappers(t *testing.T) {
	dir := writeTree(t, map[string]string{
		"go.mod": "module example.com/plugins\n\ngo 1.26\n",
		"main.go": `package main

import (
	"context"
	"net"
	"net/http"
)

var lc = net.ListenConfig{}

// listen is the helper every plugin uses.
func listen(network, addr string) (net.Listener, error) {
	return lc.Listen(context.Background(), network, addr)
}

type health struct {
	addr string
	ln   net.Listener
	srv  *http.Server
}

func (h *health) start() {
	if h.addr == "" {
		h.addr = ":8080"
	}
	ln, err := listen("tcp", h.addr)
	if err != nil {
		return
	}
	h.ln = ln
	mux := http.NewServeMux()
	mux.HandleFunc("/health", func(http.ResponseWriter, *http.Request) {})
	h.srv = &http.Server{Handler: mux}
	go func() { h.srv.Serve(h.ln) }()
}

func parse() (string, string, error) { return ":8181", "ready", nil }

func ready() {
	addr, _, err := parse()
	if err != nil {
		return
	}
	ln, _ := listen("tcp", addr)
	mux := http.NewServeMux()
	mux.HandleFunc("/ready", func(http.ResponseWriter, *http.Request) {})
	http.Serve(ln, mux)
}

func main() {
	(&health{}).start()
	ready()
}
`,
	})
	a, err := analyzeReach(dir, "example.com/plugins", false, []string{"example.com/plugins"}, []string{"example.com/plugins"})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, s := range a.sites {
		for _, ad := range s.addrs {
			got = append(got, fmt.Sprintf("%s %s", s.evidence, ad.s))
		}
	}
	want := []string{"main.go:26: main.listen(…) :8080", "main.go:44: main.listen(…) :8181"}
	if !slices.Equal(got, want) {
		t.Errorf("sites %q, want %q", got, want)
	}
	ports := map[string]int{}
	for _, e := range a.endpoints {
		ports[e.Path] = e.Port
	}
	if ports["/health"] != 8080 || ports["/ready"] != 8181 {
		t.Errorf("routes served on %v, want /health on 8080 and /ready on 8181", ports)
	}
}

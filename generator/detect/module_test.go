package detect

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func writeTree(t *testing.T, files map[string]string) string {
	t.Helper()
	root := t.TempDir()
	for name, body := range files {
		p := filepath.Join(root, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return root
}

const mainGo = "package main\n\nfunc main() {}\n"

func TestLocateModule(t *testing.T) {
	for _, tc := range []struct {
		name    string
		files   map[string]string
		want    string // module dir, or an error fragment after "error: "
		wantWhy string
	}{
		{"here", map[string]string{"go.mod": "module a\n", "main.go": mainGo}, ".", ""},
		{"one module below, no go.work", map[string]string{"services/api/go.mod": "module api\n", "services/api/main.go": mainGo, "libs/x/go.mod": "module x\n", "libs/x/x.go": "package x\n"},
			"services/api", "only services/api has a main package"},
		{"several modules with mains", map[string]string{"a/go.mod": "module a\n", "a/main.go": mainGo, "b/go.mod": "module b\n", "b/cmd/b/main.go": mainGo},
			"error: 2 of them have main packages (a, b)", ""},
		{"modules without mains", map[string]string{"a/go.mod": "module a\n", "a/a.go": "package a\n"}, "error: none has a main package", ""},
		{"mains only for another OS", map[string]string{"a/go.mod": "module a\n", "a/main_windows.go": mainGo}, "error: none has a main package", ""},
		{"nothing", map[string]string{"README.md": "hi\n"}, "error: no go.mod here or below", ""},
		{"go.work wins over the walk", map[string]string{"go.work": "go 1.26.0\n\nuse ./b\n", "a/go.mod": "module a\n", "a/main.go": mainGo, "b/go.mod": "module b\n", "b/main.go": mainGo},
			"b", "go.work uses b; only b has a main package"},
		{"vendor and testdata are not modules", map[string]string{"svc/go.mod": "module svc\n", "svc/main.go": mainGo, "svc/testdata/x/go.mod": "module x\n", "svc/testdata/x/main.go": mainGo, ".cache/y/go.mod": "module y\n", ".cache/y/main.go": mainGo},
			"svc", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			root := writeTree(t, tc.files)
			rel, why, err := locateModule(root, "repo")
			if frag, isErr := strings.CutPrefix(tc.want, "error: "); isErr {
				if err == nil || !strings.Contains(err.Error(), frag) {
					t.Fatalf("err = %v, want one containing %q", err, frag)
				}
				return
			}
			if err != nil || rel != tc.want {
				t.Fatalf("got %q, %v; want %q", rel, err, tc.want)
			}
			if !strings.Contains(why, tc.wantWhy) {
				t.Errorf("why = %q, want it to contain %q", why, tc.wantWhy)
			}
		})
	}
}

// TestTestSupportNotScanned: when a listen cannot be traced (its address comes from
// os.Args) the literal scan stands, but not over test-helper packages the service
// imports (CoreDNS's plugin/test and plugin/pkg/dnstest): their ports and UDP
// listeners serve tests.
func TestTestSupportNotScanned(t *testing.T) {
	dir := writeTree(t, map[string]string{
		"go.mod": "module example.com/dnsd\n\ngo 1.26\n",
		"main.go": `package main

import (
	"net"
	"os"

	"example.com/dnsd/plugin/pkg/dns"
	"example.com/dnsd/plugin/pkg/dnstest"
	"example.com/dnsd/plugin/test"
)

const listenPort = 5300

func main() {
	_ = dnstest.Serve
	_ = dns.Name
	_ = test.Port
	net.Listen("tcp", os.Args[1])
}
`,
		"plugin/pkg/dnstest/server.go": "package dnstest\n\nimport \"net\"\n\n// Serve starts a fake upstream.\nfunc Serve(addr string) { net.ListenPacket(\"udp\", addr) }\n",
		"plugin/test/port.go":          "package test\n\n// Port is where test servers listen.\nconst Port = 40212\n",
		"plugin/pkg/dns/dns.go":        "package dns\n\n// Name is the protocol.\nconst Name = \"dns\"\n",
	})
	r, err := Inspect(dir, Options{Reach: true})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, p := range r.Ports {
		got = append(got, p.Evidence.String())
	}
	if len(r.Ports) != 1 || r.Ports[0].Number != 5300 {
		t.Errorf("ports %q: want only 5300, nothing from plugin/test", got)
	}
	if len(r.UDP) != 0 {
		t.Errorf("UDP listeners %v: dnstest's is a test helper", r.UDP)
	}
	names := map[string]bool{"dns": true, "http": true}
	for _, pkg := range []string{"plugin/test", "plugin/pkg/dnstest", "internal/mocks/db", "./test/e2e", "httptest"} {
		if !testSupport(pkg, names) {
			t.Errorf("%s is test support", pkg)
		}
	}
	for _, pkg := range []string{".", "cmd/contest", "internal/latest", "plugin/pkg/proxy", "internal/integration/slack", "bench"} {
		if testSupport(pkg, names) {
			t.Errorf("%s is not test support", pkg)
		}
	}
}

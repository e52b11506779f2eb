package tests

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/berth-dev/berth/tests/testutil"
)

// hostileMain is a program whose flag defaults and routes are hostile to what init
// drafts: defaults that climb out of the module, name a symlink to a system file, a
// FIFO, a file that is not UTF-8 or a name no ConfigMap key allows, and a health route
// with a line break meant to smuggle YAML.
const hostileMain = `package main

import (
	"flag"
	"net/http"
)

var (
	climb  = flag.String("climb.file", "../../../etc/passwd", "")
	link   = flag.String("link.file", "link.yml", "")
	fifo   = flag.String("fifo.file", "fifo.yml", "")
	binary = flag.String("binary.file", "binary.yml", "")
	spaced = flag.String("spaced.file", "bad name.yml", "")
	good   = flag.String("config.file", "app.yml", "")
)

func main() {
	flag.Parse()
	_, _, _, _, _, _ = *climb, *link, *fifo, *binary, *spaced, *good
	http.HandleFunc("/healthz\n# smuggled: true", func(http.ResponseWriter, *http.Request) {})
	http.HandleFunc("/readyz", func(http.ResponseWriter, *http.Request) {})
	http.ListenAndServe(":8086", nil)
}
`

// TestInitHostileRepository: init ships only the regular, UTF-8, plainly named file
// inside the module, drops the smuggling route, and its draft generates without edits.
func TestInitHostileRepository(t *testing.T) {
	dir := t.TempDir()
	write := func(name, data string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("go.mod", "module example.com/hostile\n\ngo 1.26\n")
	write("main.go", hostileMain)
	write("app.yml", "greeting: hello\n")
	write("binary.yml", "\xff\xfe\x00")
	write("bad name.yml", "x: 1\n")
	if err := os.Symlink("/etc/passwd", filepath.Join(dir, "link.yml")); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mkfifo(filepath.Join(dir, "fifo.yml"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := runBerth(t, "", "init", dir)
	if code != 0 {
		t.Fatalf("berth init: exit %d\n%s%s", code, stdout, stderr)
	}
	file := filepath.Join(dir, "service.yaml")
	got := string(testutil.ReadFile(t, file))
	for _, bad := range []string{"passwd", "link.yml", "fifo.yml", "binary.yml", "bad name", "smuggled"} {
		if strings.Contains(got, bad) {
			t.Errorf("service.yaml mentions %q:\n%s", bad, got)
		}
	}
	for _, want := range []string{`args: ["--config.file=/etc/hostile/app.yml"]`, "app.yml: app.yml", "readiness: {http: /readyz, port: http}", "http: 8086"} {
		if !strings.Contains(got, want) {
			t.Errorf("service.yaml lacks %q:\n%s", want, got)
		}
	}
	checkInitChain(t, initCase{}, file)
}

package tests

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/berth-dev/berth/tests/testutil"
	jsonschema "github.com/santhosh-tekuri/jsonschema/v5"
)

// cyclonedxSchema compiles the CycloneDX 1.6 JSON schema with the SPDX and JSF
// schemas it references (from the @cyclonedx/cyclonedx-library npm package, fetched
// by make tools), offline: every reference resolves to a file added here.
func cyclonedxSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	dir := filepath.Dir(tool(t, "cyclonedx-schema-10.3.0/bom-1.6.SNAPSHOT.schema.json"))
	c := jsonschema.NewCompiler()
	c.Draft = jsonschema.Draft7
	c.AssertFormat = true
	for _, name := range []string{"bom-1.6.SNAPSHOT.schema.json", "spdx.SNAPSHOT.schema.json", "jsf-0.82.SNAPSHOT.schema.json"} {
		if err := c.AddResource("http://cyclonedx.org/schema/"+name, bytes.NewReader(testutil.ReadFile(t, filepath.Join(dir, name)))); err != nil {
			t.Fatal(err)
		}
	}
	s, err := c.Compile("http://cyclonedx.org/schema/bom-1.6.SNAPSHOT.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func decodeJSON(t *testing.T, data []byte) any {
	t.Helper()
	d := json.NewDecoder(bytes.NewReader(data))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		t.Fatal(err)
	}
	return v
}

// TestSBOM: berth sbom describes a Go binary (berth's own, with its whole dependency
// graph, and the hello example's) as CycloneDX 1.6 JSON that validates against the
// schema, names each linked module with its purl, version and go.sum hash, records
// the build settings, and is the same bytes on every run; the schema rejects broken
// SBOMs; a file that is not a Go binary is refused by name, and several binaries
// need --output-dir.
func TestSBOM(t *testing.T) {
	schema := cyclonedxSchema(t)
	dir := t.TempDir()
	berth := filepath.Join(dir, "berth")
	hello := filepath.Join(dir, "hello")
	for bin, pkg := range map[string]string{berth: "..", hello: "."} {
		cmd := exec.Command("go", "build", "-o", bin, pkg) // berth's build flags, so the build cache serves it
		if pkg == "." {
			cmd = exec.Command("go", "build", "-trimpath", "-ldflags=-s -w", "-o", bin, pkg)
			cmd.Dir = "../examples/hello"
		}
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("go build %s: %v\n%s", pkg, err, out)
		}
	}
	code, stdout, stderr := runBerth(t, "", "sbom", berth)
	if code != 0 {
		t.Fatalf("berth sbom: exit %d\n%s", code, stderr)
	}
	if err := schema.Validate(decodeJSON(t, []byte(stdout))); err != nil {
		t.Fatalf("the SBOM does not validate: %#v", err)
	}
	for _, want := range []string{
		`"specVersion": "1.6"`,
		`"purl": "pkg:golang/github.com/berth-dev/berth"`,
		`"purl": "pkg:golang/helm.sh/helm/v3@v3.`,
		`"name": "cdx:gomod:build:env:GOOS"`,
		`"alg": "SHA-256"`,
	} {
		if !strings.Contains(stdout, want) {
			t.Errorf("the SBOM lacks %s", want)
		}
	}
	if _, again, _ := runBerth(t, "", "sbom", berth); again != stdout {
		t.Error("two runs on one binary differ")
	}

	for name, broken := range map[string]func(string) string{
		"a component without a name": func(s string) string {
			return strings.Replace(s, `"name": "github.com/`, `"nom": "github.com/`, 1)
		},
		"a hash that is not hex": func(s string) string { return strings.Replace(s, `"content": "`, `"content": "zz`, 1) },
		"another format":         func(s string) string { return strings.Replace(s, `"bomFormat": "CycloneDX"`, `"bomFormat": "SPDX"`, 1) },
	} {
		if err := schema.Validate(decodeJSON(t, []byte(broken(stdout)))); err == nil {
			t.Errorf("the schema accepts an SBOM with %s", name)
		}
	}

	out := filepath.Join(dir, "sboms")
	if code, _, stderr := runBerth(t, "", "sbom", berth, hello, "--output-dir", out); code != 0 {
		t.Fatalf("berth sbom -o: exit %d\n%s", code, stderr)
	}
	helloSBOM := testutil.ReadFile(t, filepath.Join(out, "hello.cdx.json"))
	if err := schema.Validate(decodeJSON(t, helloSBOM)); err != nil {
		t.Fatalf("hello's SBOM does not validate: %#v", err)
	}
	if !strings.Contains(string(helloSBOM), `"purl": "pkg:golang/example.com/hello"`) || !strings.Contains(string(helloSBOM), `"name": "cdx:gomod:build:flag:trimpath"`) {
		t.Errorf("hello's SBOM does not name its module:\n%s", helloSBOM)
	}
	checkSBOMVersion(t, hello)
	if code, _, stderr := runBerth(t, "", "sbom", berth, hello); code != 2 || !strings.Contains(stderr, "--output-dir") {
		t.Errorf("several binaries without --output-dir: exit %d, %s", code, stderr)
	}
	text := filepath.Join(dir, "notes.txt")
	if err := os.WriteFile(text, []byte("not a binary"), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, stdout, stderr := runBerth(t, "", "sbom", text); code != 1 || stdout != "" || !strings.Contains(stderr, text+": not a Go binary") {
		t.Errorf("a text file: exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	if code, stdout, stderr := runBerthTimeout(t, 30*time.Second, "", "sbom", fifo, "/dev/zero", hello+".missing", "-o", filepath.Join(dir, "never")); code != 1 || stdout != "" ||
		!strings.Contains(stderr, fifo+": not a regular file") || !strings.Contains(stderr, "/dev/zero: not a regular file") || !strings.Contains(stderr, "hello.missing") {
		t.Errorf("a FIFO, a device and a missing file: exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	if _, err := os.Stat(filepath.Join(dir, "never")); err == nil {
		t.Error("--output-dir was created although every binary was refused")
	}
}

// checkSBOMVersion: a -trimpath binary records no version; it takes the "# version:"
// of a SHA256SUMS beside it only when that lists it with its exact SHA-256, and
// --version overrides; the SBOM says where the version came from.
func checkSBOMVersion(t *testing.T, hello string) {
	t.Helper()
	dir := t.TempDir()
	bin := filepath.Join(dir, "hello")
	data := testutil.ReadFile(t, hello)
	if err := os.WriteFile(bin, data, 0o755); err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(data)
	version := func(args ...string) (string, string) {
		t.Helper()
		code, stdout, stderr := runBerth(t, "", append([]string{"sbom", bin}, args...)...)
		if code != 0 {
			t.Fatalf("berth sbom %v: exit %d\n%s", args, code, stderr)
		}
		var bom struct {
			Metadata struct {
				Component struct {
					Version    string
					Properties []struct{ Name, Value string }
				}
			}
		}
		if err := json.Unmarshal([]byte(stdout), &bom); err != nil {
			t.Fatal(err)
		}
		source := ""
		for _, p := range bom.Metadata.Component.Properties {
			if p.Name == "berth:version:source" {
				source = p.Value
			}
		}
		return bom.Metadata.Component.Version, source
	}
	writeSums := func(hexSum, version string) {
		t.Helper()
		sums := "# revision: 0123abc\n# version: " + version + "\n" + hexSum + "  hello\n"
		if err := os.WriteFile(filepath.Join(dir, "SHA256SUMS"), []byte(sums), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, c := range []struct {
		name, sum, sumsVersion string
		args                   []string
		version, source        string
	}{
		{name: "no SHA256SUMS"},
		{name: "SHA256SUMS lists it", sum: hex.EncodeToString(sum[:]), sumsVersion: "1.4.0", version: "1.4.0", source: "SHA256SUMS"},
		{name: "SHA256SUMS lists other bytes", sum: strings.Repeat("0", 64), sumsVersion: "1.4.0"},
		{name: "a terminal escape in SHA256SUMS", sum: hex.EncodeToString(sum[:]), sumsVersion: "1.4.0\x1b]0;owned\x07"},
		{name: "--version", sum: hex.EncodeToString(sum[:]), sumsVersion: "1.4.0", args: []string{"--version", "2.0.0-rc.1"}, version: "2.0.0-rc.1", source: "--version"},
	} {
		os.Remove(filepath.Join(dir, "SHA256SUMS"))
		if c.sum != "" {
			writeSums(c.sum, c.sumsVersion)
		}
		if v, source := version(c.args...); v != c.version || source != c.source {
			t.Errorf("%s: version %q from %q, want %q from %q", c.name, v, source, c.version, c.source)
		}
	}
	if code, stdout, stderr := runBerth(t, "", "sbom", bin, "--version", "1.0\n# injected"); code != 2 || stdout != "" || !strings.Contains(stderr, "printable") {
		t.Errorf("--version with a line break: exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
}

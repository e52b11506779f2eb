package tests

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	"github.com/moby/buildkit/frontend/dockerfile/parser"
	"github.com/moby/buildkit/frontend/dockerfile/shell"
	"helm.sh/helm/v3/pkg/releaseutil"
	sigsyaml "sigs.k8s.io/yaml"

	"github.com/berth-dev/berth/generator/compose"
	"github.com/berth-dev/berth/generator/pipeline"
	"github.com/berth-dev/berth/generator/values"
	"github.com/berth-dev/berth/tests/testutil"
)

// The hostile corpus: every string field of the descriptor, and the content of a config
// file, set to a benign value with one hostile value inside. berth must either refuse
// it with a located error and write nothing, or write outputs in which the value
// round-trips exactly at its own key: the Dockerfile parses (BuildKit's parser) to the
// same instructions as without the hostile value, and every YAML output and the chart's
// render (read with sigs.k8s.io/yaml, as Helm, kubectl and Argo CD read them) have the
// same keys.

// hostileBase is a descriptor using every string field; @name@ marks where a field's
// value goes (inside double quotes, as YAML escapes).
const hostileBase = `apiVersion: berth.dev/v1alpha1
kind: Service
metadata:
  name: "@name@"
  description: "@description@"
build:
  go: "@go@"
  main: "@main@"
  tags: ["@tag@"]
  ldflags: ["-X main.version=@ldflag@"]
  goprivate: ["@goprivate@"]
  dockerignore: ["@dockerignore@"]
image:
  repository: "@repository@"
  tag: "@imageTag@"
  builderImage: "@builderImage@"
  runtimeImage: "@runtimeImage@"
  syntax: "@syntax@"
  digest: "@digest@"
  registry: "@registry@"
args: ["serve", "@arg@"]
command: ["/hostile", "@command@"]
ports:
  http: 8080
  dns: {port: 5353, protocol: UDP}
volumes:
  data: {mountPath: "@volumePath@", size: "@volumeSize@"}
  claim: {mountPath: /var/lib/claim, existingClaim: "@claim@"}
envFrom:
  db: {secret: "@envFromSecret@", prefix: "@envFromPrefix@"}
jobs:
  migrate: {args: ["@jobArg@"]}
cronJobs:
  report: {schedule: "@schedule@", timeZone: "@timeZone@", args: [report]}
metrics: {path: "@metricsPath@", interval: "@interval@"}
sidecars:
  proxy: {image: "@sidecarImage@", args: ["@sidecarArg@"], env: {PROXY_MODE: "@sidecarEnv@"}}
values:
  podAnnotations: {"@valuesKey@": "@valuesValue@"}
compose: true
env:
  GREETING: "@env@"
  "@envKey@": "x"
secrets:
  DB_PASSWORD: {secret: "@secretName@", key: "@secretKey@"}
config:
  mountPath: "@mountPath@"
  files:
    app.yaml: config/app.yaml
    "@configKey@": config/app.yaml
health:
  docker: ["/hostile", "@docker@"]
  liveness: {exec: ["/hostile", "@exec@"]}
  readiness: {http: "@httpPath@", port: http}
ingress: {host: "@host@", path: "@ingressPath@", port: http, className: "@className@", tls: "@tls@"}
environments:
  dev:
    env:
      GREETING: "@envDev@"
argocd:
  repoURL: "@repoURL@"
  path: "@argoPath@"
  revision: "@revision@"
  project: "@project@"
  namespace: "@namespace@"
  chart: {repoURL: "@chartRepoURL@", path: "@chartPath@", revision: "@chartRevision@"}
`

// hostileFields are the fields, their JSON pointers and benign values.
var hostileFields = []struct{ marker, pointer, benign string }{
	{"name", "/metadata/name", "hostile"},
	{"description", "/metadata/description", "hello"},
	{"go", "/build/go", "1.26"},
	{"main", "/build/main", "."},
	{"imageTag", "/image/tag", "1.0.0"},
	{"builderImage", "/image/builderImage", "golang:1.26.8-trixie"},
	{"runtimeImage", "/image/runtimeImage", "gcr.io/distroless/static-debian13:nonroot"},
	{"syntax", "/image/syntax", "docker/dockerfile:1.12"},
	{"envKey", "/env", "EXTRA"},
	{"configKey", "/config/files", "extra.yaml"},
	{"className", "/ingress/className", "nginx"},
	{"tls", "/ingress/tls", "api-tls"},
	{"tag", "/build/tags/0", "netgo"},
	{"ldflag", "/build/ldflags/0", "v1"},
	{"goprivate", "/build/goprivate/0", "github.com/acme/x"},
	{"dockerignore", "/build/dockerignore/0", "*.md"},
	{"repository", "/image/repository", "ghcr.io/acme/hostile"},
	{"env", "/env/GREETING", "hi"},
	{"secretName", "/secrets/DB_PASSWORD/secret", "db"},
	{"secretKey", "/secrets/DB_PASSWORD/key", "password"},
	{"mountPath", "/config/mountPath", "/etc/hostile"},
	{"docker", "/health/docker/1", "healthcheck"},
	{"exec", "/health/liveness/exec/1", "healthcheck"},
	{"httpPath", "/health/readiness/http", "/readyz"},
	{"host", "/ingress/host", "api.example.com"},
	{"ingressPath", "/ingress/path", "/api"},
	{"envDev", "/environments/dev/env/GREETING", "hey"},
	{"repoURL", "/argocd/repoURL", "https://github.com/acme/hostile.git"},
	{"argoPath", "/argocd/path", "deploy"},
	{"revision", "/argocd/revision", "main"},
	{"project", "/argocd/project", "default"},
	{"namespace", "/argocd/namespace", "hostile-{{env}}"},
	{"chartRepoURL", "/argocd/chart/repoURL", "https://github.com/berth-dev/berth.git"},
	{"chartPath", "/argocd/chart/path", "charts/go-service"},
	{"chartRevision", "/argocd/chart/revision", "v1.0.0"},
	{"digest", "/image/digest", "sha256:" + strings.Repeat("ab", 32)},
	{"registry", "/image/registry", "registry.internal:5000/mirror"},
	{"arg", "/args/1", "--data=/var/lib/hostile"},
	{"command", "/command/1", "--verbose"},
	{"volumePath", "/volumes/data/mountPath", "/var/lib/hostile"},
	{"volumeSize", "/volumes/data/size", "64Mi"},
	{"claim", "/volumes/claim/existingClaim", "hostile-data"},
	{"envFromSecret", "/envFrom/db/secret", "hostile-db"},
	{"envFromPrefix", "/envFrom/db/prefix", "DB_"},
	{"jobArg", "/jobs/migrate/args/0", "migrate"},
	{"schedule", "/cronJobs/report/schedule", "0 3 * * *"},
	{"timeZone", "/cronJobs/report/timeZone", "Europe/Berlin"},
	{"metricsPath", "/metrics/path", "/metrics"},
	{"interval", "/metrics/interval", "30s"},
	{"sidecarImage", "/sidecars/proxy/image", "envoyproxy/envoy:v1.31.2"},
	{"sidecarArg", "/sidecars/proxy/args/0", "--log-level=info"},
	{"sidecarEnv", "/sidecars/proxy/env/PROXY_MODE", "edge"},
	{"valuesKey", "/values/podAnnotations", "team.example.com/owner"},
	{"valuesValue", "/values/podAnnotations/team.example.com~1owner", "payments"},
}

// hostileValues go in the middle of a benign value.
var hostileValues = []struct{ name, value string }{
	{"newline", "\n"}, {"cr", "\r"}, {"quote", `"`}, {"backslash", `\`}, {"dollar", "$"},
	{"backtick", "`"}, {"expansion", "${VERSION:?boom}"}, {"template", "{{.Values}}"},
	{"u2028", "\u2028"}, {"u0085", "\u0085"}, {"nul", "\x00"}, {"invalid-utf8", "\xff\xfe"},
	{"1MB", strings.Repeat("x", 1<<20)},
}

// hostileRepo writes a small module with a config file and returns its directory.
func hostileRepo(t *testing.T, config []byte) string {
	t.Helper()
	dir := t.TempDir()
	for name, data := range map[string][]byte{
		"go.mod":          []byte("module example.com/hostile\n\ngo 1.26\n"),
		"main.go":         []byte("package main\n\nfunc main() {}\n"),
		"config/app.yaml": config,
	} {
		if err := os.MkdirAll(filepath.Dir(filepath.Join(dir, name)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// yamlEscape writes s for the inside of a YAML double-quoted scalar: Go's quoting
// escapes are YAML's too. Invalid UTF-8 is written raw, as a hostile file would hold it.
func yamlEscape(s string) string {
	if !utf8.ValidString(s) {
		return s
	}
	q := strconv.Quote(s)
	return q[1 : len(q)-1]
}

// hostileDescriptor fills hostileBase: marker gets value, every other field its benign value.
func hostileDescriptor(marker, value string) []byte {
	out := hostileBase
	for _, f := range hostileFields {
		v := f.benign
		if f.marker == marker {
			v = value
		}
		out = strings.ReplaceAll(out, "@"+f.marker+"@", yamlEscape(v))
	}
	return []byte(out)
}

// generated is what one accepted case produced.
type generated struct {
	templates    int // "{{" in the ApplicationSet: Argo CD evaluates each
	dockerfile   []instructions.Command
	instructions []string
	yamlKeys     map[string][]string // output file → its key paths
	values       map[string]any      // deploy/values.yaml, read as Helm reads it
	devValues    map[string]any
	compose      map[string]any            // compose.yaml, read as Compose reads YAML
	manifests    map[string]map[string]any // render of the dev environment: kind/name → object
	renderKeys   []string
}

// locatedLine is file:line:col: path: message; a path with a line break or a control
// character in a key is Go-quoted.
var locatedLine = regexp.MustCompile(`^service\.yaml:[0-9]+:[0-9]+: (/.*?|".*?"): `)

// runHostile generates the descriptor src in a repository with the config content and
// checks refusal or round trip; it returns what was generated, or nil when refused.
func runHostile(t *testing.T, src, config []byte, pointer string) *generated {
	t.Helper()
	dir := hostileRepo(t, config)
	if err := os.WriteFile(filepath.Join(dir, "service.yaml"), src, 0o644); err != nil {
		t.Fatal(err)
	}
	out := t.TempDir()
	code, stdout, stderr := runBerth(t, dir, "generate", "-f", "service.yaml", "-o", out)
	if vcode, _, vstderr := runBerth(t, dir, "validate", "-f", "service.yaml"); vcode != code || (code != 0 && vstderr != stderr) {
		t.Errorf("validate (exit %d) and generate (exit %d) disagree:\n%s\n%s", vcode, code, truncate(vstderr), truncate(stderr))
	}
	if code != 0 {
		checkRefusal(t, code, stderr, out, pointer)
		return nil
	}
	if !strings.Contains(stdout, "created") {
		t.Fatalf("exit 0 but nothing written:\n%s%s", stdout, stderr)
	}
	return readGenerated(t, dir, out)
}

// checkRefusal: exit 1, every line of stderr located in the descriptor (the first at the
// field or the whole document), and nothing written.
func checkRefusal(t *testing.T, code int, stderr, out, pointer string) {
	t.Helper()
	if code != 1 {
		t.Errorf("exit %d, want 0 or 1:\n%s", code, stderr)
	}
	lines := strings.Split(strings.TrimRight(stderr, "\n"), "\n")
	for _, l := range lines {
		if !locatedLine.MatchString(l) {
			t.Errorf("refused without a location: %q", truncate(l))
		}
	}
	if m := locatedLine.FindStringSubmatch(lines[0]); m != nil && pointer != "" {
		path := m[1]
		if unquoted, err := strconv.Unquote(path); err == nil {
			path = unquoted
		}
		if path != "/" && !strings.HasPrefix(path, pointer) && !strings.HasPrefix(pointer, path) {
			t.Errorf("refusal located at %s, not at %s: %s", path, pointer, truncate(lines[0]))
		}
	}
	if entries, _ := os.ReadDir(out); len(entries) > 0 {
		t.Errorf("refused, but %d files written", len(entries))
	}
}

func truncate(s string) string {
	if len(s) > 300 {
		return s[:300] + "…"
	}
	return s
}

func readGenerated(t *testing.T, dir, out string) *generated {
	t.Helper()
	g := &generated{yamlKeys: map[string][]string{}}
	df := testutil.ReadFile(t, filepath.Join(out, "Dockerfile"))
	ast, err := parser.Parse(bytes.NewReader(df))
	if err != nil {
		t.Fatalf("the Dockerfile does not parse: %v", err)
	}
	for _, n := range ast.AST.Children {
		g.instructions = append(g.instructions, n.Value)
	}
	stages, _, err := instructions.Parse(ast.AST, nil)
	if err != nil {
		t.Fatalf("BuildKit refuses the Dockerfile's instructions: %v", err)
	}
	for _, s := range stages {
		g.dockerfile = append(g.dockerfile, s.Commands...)
	}
	for _, name := range []string{values.File(""), values.File("dev"), values.ApplicationSetFile, compose.File} {
		var v map[string]any
		if err := sigsyaml.Unmarshal(testutil.ReadFile(t, filepath.Join(out, name)), &v); err != nil {
			t.Fatalf("%s does not parse: %v", name, err)
		}
		g.yamlKeys[name] = keyPaths("", v)
		if strings.HasSuffix(name, "applicationset.yaml") {
			g.templates = bytes.Count(testutil.ReadFile(t, filepath.Join(out, name)), []byte("{{"))
		}
		switch name {
		case compose.File:
			g.compose = v
		case values.File(""):
			g.values = v
		case values.File("dev"):
			g.devValues = v
		}
	}
	// Render what was written, as Argo CD would: the files on disk, not the ones in memory.
	if err := os.CopyFS(filepath.Join(dir, "written"), os.DirFS(out)); err != nil {
		t.Fatal(err)
	}
	res := mustGenerate(t, filepath.Join(dir, "service.yaml"))
	for i, f := range res.Files {
		res.Files[i].Data = testutil.ReadFile(t, filepath.Join(dir, "written", f.Path))
	}
	manifest, err := pipeline.Render(res, pipeline.RenderOptions{Env: "dev"})
	if err != nil {
		t.Fatalf("render: %v", err)
	}
	g.manifests = map[string]map[string]any{}
	for _, doc := range releaseutil.SplitManifests(manifest) {
		var obj map[string]any
		if err := sigsyaml.Unmarshal([]byte(doc), &obj); err != nil {
			t.Fatalf("rendered manifest does not parse: %v\n%s", err, truncate(doc))
		}
		if obj == nil {
			continue
		}
		kind, _ := obj["kind"].(string)
		g.manifests[kind] = obj
		g.renderKeys = append(g.renderKeys, keyPaths(kind, obj)...)
	}
	sort.Strings(g.renderKeys)
	return g
}

// keyPaths lists every key path of a decoded YAML document.
func keyPaths(prefix string, v any) []string {
	var out []string
	switch t := v.(type) {
	case map[string]any:
		for k, child := range t {
			p := prefix + "/" + k
			out = append(out, p)
			out = append(out, keyPaths(p, child)...)
		}
	case []any:
		for i, child := range t {
			out = append(out, keyPaths(fmt.Sprintf("%s/%d", prefix, i), child)...)
		}
	}
	sort.Strings(out)
	return out
}

// sameShape: the hostile case's outputs have the instructions and keys of the benign one.
func sameShape(t *testing.T, got, want *generated) {
	t.Helper()
	if !slices.Equal(got.instructions, want.instructions) {
		t.Errorf("Dockerfile instructions %v, want %v", got.instructions, want.instructions)
	}
	for name, keys := range want.yamlKeys {
		if d := symmetricDifference(got.yamlKeys[name], keys); len(d) > 0 {
			t.Errorf("%s keys differ: %v", name, d)
		}
	}
	if d := symmetricDifference(got.renderKeys, want.renderKeys); len(d) > 0 {
		t.Errorf("rendered keys differ: %v", d)
	}
	if got.templates != want.templates {
		t.Errorf("the ApplicationSet holds %d template actions, want %d: a value reached Argo CD's template engine", got.templates, want.templates)
	}
}

// symmetricDifference lists keys only one side has, marked + (got) or - (want).
func symmetricDifference(got, want []string) []string {
	var out []string
	for _, k := range got {
		if !slices.Contains(want, k) {
			out = append(out, "+"+k)
		}
	}
	for _, k := range want {
		if !slices.Contains(got, k) {
			out = append(out, "-"+k)
		}
	}
	return out
}

// roundTrips checks that value arrived exactly where field puts it.
func roundTrips(t *testing.T, g *generated, marker, value string) {
	t.Helper()
	check := func(where string, got any) {
		if got != value {
			t.Errorf("%s: %q, want %q", where, truncate(fmt.Sprint(got)), truncate(value))
		}
	}
	switch marker {
	case "description":
		check("LABEL description", dockerLabel(t, g, "org.opencontainers.image.description"))
	case "env":
		check("values.yaml env.GREETING", digAny(g.values, "env", "GREETING"))
		check("compose.yaml environment GREETING", composeValue(digAny(g.compose, "services", "hostile", "environment", "GREETING")))
	case "envDev":
		check("values-dev.yaml env.GREETING", digAny(g.devValues, "env", "GREETING"))
		check("rendered env GREETING", containerEnv(g, "GREETING"))
	case "docker":
		check("HEALTHCHECK argument", dockerHealthcheckArg(g, 1))
	case "exec":
		check("rendered liveness exec", digAny(container(g), "livenessProbe", "exec", "command", 1))
	case "arg":
		check("CMD argument", dockerCmdArg(g, 1))
		check("compose.yaml command", composeValue(digAny(g.compose, "services", "hostile", "command", 1)))
		check("rendered args", digAny(container(g), "args", 1))
	case "command":
		check("rendered command", digAny(container(g), "command", 1))
	case "jobArg":
		check("rendered Job args", digAny(g.manifests["Job"], "spec", "template", "spec", "containers", 0, "args", 0))
	case "sidecarArg":
		check("rendered sidecar args", digAny(g.manifests["Deployment"], "spec", "template", "spec", "initContainers", 0, "args", 0))
	case "valuesValue":
		check("rendered pod annotation", digAny(g.manifests["Deployment"], "spec", "template", "metadata", "annotations", "team.example.com/owner"))
	}
}

func dockerLabel(t *testing.T, g *generated, key string) string {
	env := shell.EnvsFromSlice([]string{"VERSION=dev", "REVISION=unknown"})
	for _, c := range g.dockerfile {
		if l, ok := c.(*instructions.LabelCommand); ok {
			for _, kv := range l.Labels {
				if kv.Key == key {
					res, err := shell.NewLex('\\').ProcessWordWithMatches(kv.Value, env)
					if err != nil {
						t.Errorf("BuildKit cannot expand LABEL %s: %v", key, err)
					}
					return res.Result
				}
			}
		}
	}
	return "<no label " + key + ">"
}

// composeValue undoes compose's one escape: $$ is a literal $, any other $ interpolates.
func composeValue(v any) any {
	s, ok := v.(string)
	if !ok {
		return v
	}
	if strings.Contains(strings.ReplaceAll(s, "$$", ""), "$") {
		return "<compose would interpolate " + s + ">"
	}
	return strings.ReplaceAll(s, "$$", "$")
}

func dockerCmdArg(g *generated, i int) string {
	for _, c := range g.dockerfile {
		if cmd, ok := c.(*instructions.CmdCommand); ok && len(cmd.CmdLine) > i {
			return cmd.CmdLine[i]
		}
	}
	return "<no CMD>"
}

func dockerHealthcheckArg(g *generated, i int) string {
	for _, c := range g.dockerfile {
		if h, ok := c.(*instructions.HealthCheckCommand); ok && len(h.Health.Test) > i+1 {
			return h.Health.Test[i+1]
		}
	}
	return "<no HEALTHCHECK>"
}

func container(g *generated) any {
	return digAny(g.manifests["Deployment"], "spec", "template", "spec", "containers", 0)
}

func containerEnv(g *generated, name string) any {
	envs, _ := digAny(container(g), "env").([]any)
	for _, e := range envs {
		if digAny(e, "name") == name {
			return digAny(e, "value")
		}
	}
	return nil
}

// dig walks maps by key and lists by index.
func digAny(v any, path ...any) any {
	for _, p := range path {
		switch k := p.(type) {
		case string:
			m, _ := v.(map[string]any)
			v = m[k]
		case int:
			l, _ := v.([]any)
			if k >= len(l) {
				return nil
			}
			v = l[k]
		}
	}
	return v
}

// TestHostileFields runs every field × every hostile value.
func TestHostileFields(t *testing.T) {
	config := []byte("greeting: hello\n")
	var benign *generated
	t.Run("benign", func(t *testing.T) {
		benign = runHostile(t, hostileDescriptor("", ""), config, "")
		if benign == nil {
			t.Fatal("the benign descriptor was refused")
		}
	})
	if benign == nil {
		return
	}
	for _, f := range hostileFields {
		for _, h := range hostileValues {
			t.Run(f.marker+"/"+h.name, func(t *testing.T) {
				value := f.benign[:len(f.benign)/2] + h.value + f.benign[len(f.benign)/2:]
				g := runHostile(t, hostileDescriptor(f.marker, value), config, f.pointer)
				if g == nil {
					return
				}
				sameShape(t, g, benign)
				roundTrips(t, g, f.marker, value)
			})
		}
	}
}

// TestHostileConfigContent: a config file's content, whatever its bytes, reaches the
// ConfigMap exactly or is refused at config.files.
func TestHostileConfigContent(t *testing.T) {
	benign := runHostile(t, hostileDescriptor("", ""), []byte("a: b\n"), "")
	if benign == nil {
		t.Fatal("the benign descriptor was refused")
	}
	cases := map[string]string{}
	for _, h := range hostileValues {
		cases[h.name] = "before: 1\n" + h.value + "\nevil: injected\n"
	}
	// Every C0 and C1 control character and every Unicode line or paragraph break.
	for r := rune(0); r < 0xa0; r++ {
		if r < 0x20 || r >= 0x7f {
			cases[fmt.Sprintf("U+%04X", r)] = "k: v" + string(r) + "evil: injected\n"
		}
	}
	for _, r := range []rune{0x2028, 0x2029, 0xfeff} {
		cases[fmt.Sprintf("U+%04X", r)] = "k: v" + string(r) + "evil: injected\n"
	}
	names := make([]string, 0, len(cases))
	for n := range cases {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, name := range names {
		content := cases[name]
		t.Run(name, func(t *testing.T) {
			g := runHostile(t, hostileDescriptor("", ""), []byte(content), "/config/files/app.yaml")
			if g == nil {
				return
			}
			sameShape(t, g, benign)
			if got := digAny(g.values, "config", "files", "app.yaml"); got != content {
				t.Errorf("values.yaml config.files: %q, want %q", truncate(fmt.Sprint(got)), truncate(content))
			}
			if got := digAny(g.manifests["ConfigMap"], "data", "app.yaml"); got != content {
				t.Errorf("ConfigMap data: %q, want %q", truncate(fmt.Sprint(got)), truncate(content))
			}
		})
	}
}

// TestHostileOCIChart: argocd.chart.oci and version (exclusive with the git fields of
// the main hostile descriptor) refuse every hostile value with a located error, so
// nothing of it reaches the ApplicationSet.
func TestHostileOCIChart(t *testing.T) {
	dir := t.TempDir()
	for _, field := range []struct{ pointer, benign string }{{"/argocd/chart/oci", "ghcr.io/acme/charts"}, {"/argocd/chart/version", "0.1.0"}} {
		for _, h := range hostileValues {
			oci, version := "ghcr.io/acme/charts", "0.1.0"
			value := field.benign[:len(field.benign)/2] + h.value + field.benign[len(field.benign)/2:]
			if field.pointer == "/argocd/chart/oci" {
				oci = value
			} else {
				version = value
			}
			quote := func(s string) string { b, _ := json.Marshal(s); return string(b) }
			doc := fmt.Sprintf("apiVersion: berth.dev/v1alpha1\nkind: Service\nmetadata: {name: hostile}\nargocd:\n  repoURL: https://github.com/acme/hostile.git\n  chart: {oci: %s, version: %s}\n", quote(oci), quote(version))
			file := filepath.Join(dir, "service.yaml")
			if err := os.WriteFile(file, []byte(doc), 0o644); err != nil {
				t.Fatal(err)
			}
			code, stdout, stderr := runBerth(t, "", "validate", "-f", file)
			want := field.pointer + ":"
			if h.name == "1MB" {
				want = "file is larger than 1 MiB" // refused before any field is read
			}
			if code != 1 || stdout != "" || !strings.Contains(stderr, want) {
				t.Errorf("%s with %s: exit %d, stderr %.300q; want a located refusal", field.pointer, h.name, code, stderr)
			}
		}
	}
}

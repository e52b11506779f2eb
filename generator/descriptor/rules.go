package descriptor

import (
	"cmp"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"slices"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/moby/patternmatcher"
	"k8s.io/apimachinery/pkg/api/resource"

	"github.com/berth-dev/berth/generator/finding"
	"github.com/berth-dev/berth/generator/gomod"
	"github.com/berth-dev/berth/generator/model"
	"github.com/berth-dev/berth/generator/readfile"
)

// ruleContext is what every semantic rule reads and where it reports.
type ruleContext struct {
	s    *spec
	repo fs.FS // the descriptor's directory; nil skips the repository checks
	mod  *gomod.Module
	rep  *reporter
	env  bool // an environment's merged view: skip checks of fields environments cannot change
}

func (c *ruleContext) errorf(path string, t target, format string, args ...any) {
	c.rep.add(path, t, fmt.Sprintf(format, args...))
}

func (c *ruleContext) warnf(path string, t target, format string, args ...any) {
	c.rep.addSeverity(path, t, finding.Warning, fmt.Sprintf(format, args...))
}

// rules are the checks the schema cannot express, one small function each (as in
// Helm's lint rules). Order does not matter: findings are sorted.
var rules = []func(*ruleContext){
	ruleBinaries,
	ruleGoModule,
	ruleVendor,
	ruleCGO,
	rulePinnedImages,
	rulePorts,
	ruleProbes,
	ruleDockerHealthcheck,
	ruleEnv,
	ruleResources,
	ruleAutoscaling,
	ruleIngress,
	ruleArgoCDChart,
	ruleConfigFiles,
	ruleLdflags,
	ruleDockerignore,
}

// checkPattern compiles a .dockerignore pattern the way Docker does; the matcher
// compiles lazily, so one match forces it.
func checkPattern(p string) error {
	pm, err := patternmatcher.New([]string{strings.TrimPrefix(p, "!")})
	if err != nil {
		return err
	}
	_, err = pm.MatchesOrParentMatches("go.mod")
	return err
}

// ruleDockerignore: each pattern must be one Docker's pattern matcher accepts, or the
// .dockerignore check (and docker build) fails on it.
func ruleDockerignore(c *ruleContext) {
	if c.env {
		return
	}
	for i, p := range c.s.Build.Ignore {
		if err := checkPattern(p); err != nil {
			c.errorf(fmt.Sprintf("/build/dockerignore/%d", i), valueNode, "%q is not a pattern Docker accepts: %v", p, err)
		}
	}
}

func ruleBinaries(c *ruleContext) {
	b := c.s.Build
	if c.env {
		return
	}
	if b.Main != "" && len(b.Binaries) > 0 {
		c.errorf("/build/binaries", keyNode, "set either build.main or build.binaries, not both")
	}
	names := sortedKeys(b.Binaries)
	if b.Entrypoint != "" && len(b.Binaries) == 0 {
		c.errorf("/build/entrypoint", valueNode, "build.entrypoint needs build.binaries; with build.main the binary is %q", c.s.Metadata.Name)
	}
	if b.Entrypoint != "" && len(b.Binaries) > 0 && b.Binaries[b.Entrypoint] == "" {
		c.errorf("/build/entrypoint", valueNode, "%q is not one of build.binaries (%s)", b.Entrypoint, strings.Join(names, ", "))
	}
	if b.Entrypoint == "" && len(b.Binaries) > 1 && b.Binaries[c.s.Metadata.Name] == "" {
		c.errorf("/build/binaries", keyNode, "several binaries and none is named %q; set build.entrypoint to the one the container runs", c.s.Metadata.Name)
	}
	if c.repo == nil {
		return
	}
	pkgs := map[string]string{}
	if len(b.Binaries) == 0 {
		pkgs["/build/main"] = cmp.Or(b.Main, ".")
	}
	for _, n := range names {
		pkgs["/build/binaries/"+escapePointer(n)] = b.Binaries[n]
	}
	for _, p := range sortedKeys(pkgs) {
		dir := path.Join(contextDir(c.s), pkgs[p])
		if !fs.ValidPath(dir) || escapes(pkgs[p]) {
			c.errorf(p, valueNode, "package path %q leaves the build context", pkgs[p])
			continue
		}
		if !hasGoFiles(c.repo, dir) {
			c.errorf(p, valueNode, "no Go files in %s (relative to this file); point it at a main package", dir)
		}
	}
}

func ruleGoModule(c *ruleContext) {
	if c.env || c.repo == nil {
		return
	}
	ctx := contextDir(c.s)
	if escapes(c.s.Build.Context) {
		c.errorf("/build/context", valueNode, "build.context %q leaves the descriptor's directory", c.s.Build.Context)
		return
	}
	if c.mod == nil {
		where := "/build/context"
		if c.s.Build.Context == "" {
			where = "/"
		}
		c.errorf(where, valueNode, "no go.mod in %s; run 'go mod init' or set build.context to the module's directory", ctx)
		return
	}
	if c.s.Build.Go != "" && c.mod.Go != "" && gomod.CompareVersions(c.s.Build.Go, c.mod.Go) < 0 {
		c.errorf("/build/go", valueNode, "go.mod requires go %s but build.go is %s; with GOTOOLCHAIN=local the build would fail; raise build.go or remove it to follow go.mod", c.mod.Go, c.s.Build.Go)
	}
}

func ruleVendor(c *ruleContext) {
	if c.env || c.repo == nil || c.mod == nil {
		return
	}
	state, problems, err := c.mod.CheckVendor(c.repo, contextDir(c.s))
	if err != nil {
		c.errorf("/build/vendor", valueNode, "%v", err)
		return
	}
	mode := vendorMode(c.s.Build.Vendor)
	where := "/build/vendor"
	switch {
	case mode == "true" && state == gomod.NoVendor:
		c.errorf(where, valueNode, "vendor: true but %s has no vendor/modules.txt; run 'go mod vendor'", contextDir(c.s))
	case mode != "false" && state == gomod.Inconsistent:
		c.errorf(where, valueNode, "vendor/ is inconsistent with go.mod (%s); run 'go mod vendor'", strings.Join(problems, "; "))
	}
}

func vendorMode(v any) string {
	switch v {
	case true:
		return "true"
	case false:
		return "false"
	}
	return "auto"
}

func ruleCGO(c *ruleContext) {
	if c.env || !c.s.Build.CGO {
		return
	}
	img := c.s.Image
	runtime := model.Runtime(cmp.Or(img.Runtime, string(model.Distroless)))
	custom, known := model.FactsOf(img.RuntimeImage)
	switch {
	case !runtime.SupportsCGO():
		c.errorf("/build/cgo", valueNode, "cgo: true needs a C library at run time, which %s lacks; use runtime debian, distroless or alpine", runtime)
	case img.RuntimeImage != "" && known && custom.Libc == model.NoLibc:
		c.errorf("/image/runtimeImage", valueNode, "cgo: true needs glibc, which %s lacks; use a distroless base or cc image", img.RuntimeImage)
	}
	musl := runtime.Facts(true).Libc == model.Musl
	builder, _ := model.FactsOf(img.BuilderImage)
	if img.BuilderImage != "" && (builder.Libc == model.Musl) != musl {
		want := "a glibc (Debian) golang image"
		if musl {
			want = "a golang alpine image (musl, like the runtime)"
		}
		c.errorf("/image/builderImage", valueNode, "with cgo: true the builder must use the runtime's C library: %s", want)
	}
}

var latestTag = regexp.MustCompile(`:latest(@|$)`)

func rulePinnedImages(c *ruleContext) {
	if c.env {
		return
	}
	for _, f := range []struct{ path, ref string }{
		{"/image/builderImage", c.s.Image.BuilderImage},
		{"/image/runtimeImage", c.s.Image.RuntimeImage},
		{"/image/syntax", c.s.Image.Syntax},
	} {
		switch {
		case f.ref == "":
		case latestTag.MatchString(f.ref):
			c.errorf(f.path, valueNode, "%s uses the moving tag latest; pin a version tag or a digest", f.ref)
		case !hasTagOrDigest(f.ref):
			c.errorf(f.path, valueNode, "%s has no tag or digest; pin one (e.g. %s:<version> or @sha256:…)", f.ref, f.ref)
		}
	}
}

func hasTagOrDigest(ref string) bool {
	if strings.Contains(ref, "@sha256:") {
		return true
	}
	last := ref[strings.LastIndex(ref, "/")+1:]
	return strings.Contains(last, ":")
}

func rulePorts(c *ruleContext) {
	if c.env || c.s.Ports == nil {
		return
	}
	checkPortSet(c, "/ports/", *c.s.Ports)
	lowest, at := 0, ""
	for _, name := range sortedKeys(*c.s.Ports) {
		if n := (*c.s.Ports)[name].Port; n < 1024 && (lowest == 0 || n < lowest) {
			lowest, at = n, name
		}
	}
	if lowest > 0 {
		c.warnf("/ports/"+escapePointer(at), valueNode, "port %d is below 1024 and the process runs as UID %d: the chart lets it bind with the pod sysctl net.ipv4.ip_unprivileged_port_start=%d (a safe sysctl, allowed under Pod Security restricted); Docker 20.10 and later set it to 0 in every container, containerd's CRI only with enable_unprivileged_ports (on by default from containerd 2.0), other runtimes may refuse the bind", lowest, userOf(c.s), lowest)
	}
}

// checkPortSet: one number may be declared twice only with different protocols (a DNS
// server's TCP and UDP 53).
func checkPortSet(c *ruleContext, prefix string, ports map[string]portSpec) {
	seen := map[string]string{}
	for _, name := range sortedKeys(ports) {
		p := ports[name]
		key := fmt.Sprintf("%d/%s", p.Port, cmp.Or(p.Protocol, "TCP"))
		if other, dup := seen[key]; dup {
			c.errorf(prefix+escapePointer(name), valueNode, "port %s is already declared as %q; one number is declared twice only for TCP and UDP", key, other)
		}
		seen[key] = name
	}
}

func userOf(s *spec) int {
	if s.Image.User != nil {
		return *s.Image.User
	}
	return defaultUser
}

func ruleProbes(c *ruleContext) {
	h := c.s.Health
	if h == nil {
		return
	}
	for _, p := range []struct {
		name  string
		probe *probeSpec
	}{{"startup", h.Startup}, {"liveness", h.Liveness}, {"readiness", h.Readiness}} {
		if p.probe == nil {
			continue
		}
		base := "/health/" + p.name
		kinds := probeKinds(p.probe)
		switch len(kinds) {
		case 0:
			c.errorf(base, keyNode, "a probe needs one of http, tcp, grpc or exec")
			continue
		case 1:
		default:
			c.errorf(base, keyNode, "a probe takes exactly one of http, tcp, grpc or exec (found %s)", strings.Join(kinds, ", "))
			continue
		}
		if kinds[0] == "exec" {
			if p.probe.Port != "" {
				c.errorf(base+"/port", valueNode, "an exec probe does not use a port")
			}
			continue
		}
		ports := declaredPorts(c.s)
		tcp := tcpPorts(c.s)
		port := probePort(p.probe.Port, tcp)
		switch {
		case len(ports) == 0:
			c.errorf(base, keyNode, "a %s probe needs a port, and ports is empty", kinds[0])
		case p.probe.Port != "" && !slices.Contains(ports, p.probe.Port):
			c.errorf(base+"/port", valueNode, "port %q is not declared in ports (declared: %s)", p.probe.Port, strings.Join(ports, ", "))
		case p.probe.Port != "" && !slices.Contains(tcp, p.probe.Port):
			c.errorf(base+"/port", valueNode, "port %q is UDP, and a %s probe needs a TCP port: declare the TCP side under its own name (e.g. %s-tcp) or use an exec probe", p.probe.Port, kinds[0], p.probe.Port)
		case len(tcp) == 0:
			c.errorf(base, keyNode, "a %s probe needs a TCP port, and every declared port is UDP; use an exec probe", kinds[0])
		case port == "":
			c.errorf(base, keyNode, "set port: no TCP port is named http and several are declared (%s)", strings.Join(tcp, ", "))
		}
		if p.probe.TimeoutSeconds > 0 && p.probe.PeriodSeconds > 0 && p.probe.TimeoutSeconds > p.probe.PeriodSeconds {
			c.errorf(base+"/timeoutSeconds", valueNode, "timeoutSeconds (%d) is longer than periodSeconds (%d)", p.probe.TimeoutSeconds, p.probe.PeriodSeconds)
		}
		if p.name != "readiness" && p.probe.SuccessThreshold > 1 {
			c.errorf(base+"/successThreshold", valueNode, "Kubernetes requires successThreshold 1 for %s probes", p.name)
		}
	}
}

func probeKinds(p *probeSpec) []string {
	var kinds []string
	if p.HTTP != nil {
		kinds = append(kinds, "http")
	}
	if p.TCP != nil {
		kinds = append(kinds, "tcp")
	}
	if p.GRPC != nil {
		kinds = append(kinds, "grpc")
	}
	if p.Exec != nil {
		kinds = append(kinds, "exec")
	}
	return kinds
}

// probePort picks the port a probe uses: the named one, else http, else the only one.
func probePort(named string, ports []string) string {
	switch {
	case named != "":
		return named
	case slices.Contains(ports, "http"):
		return "http"
	case len(ports) == 1:
		return ports[0]
	}
	return ""
}

func declaredPorts(s *spec) []string {
	if s.Ports == nil {
		return []string{"http"}
	}
	return sortedKeys(*s.Ports)
}

// tcpPorts are the declared ports an HTTP, TCP or gRPC probe can use.
func tcpPorts(s *spec) []string {
	var out []string
	for _, name := range declaredPorts(s) {
		if s.Ports == nil || cmp.Or((*s.Ports)[name].Protocol, "TCP") == "TCP" {
			out = append(out, name)
		}
	}
	return out
}

func ruleDockerHealthcheck(c *ruleContext) {
	if c.env || c.s.Health == nil || len(c.s.Health.Docker) == 0 {
		return
	}
	prog := c.s.Health.Docker[0]
	runtime := model.Runtime(cmp.Or(c.s.Image.Runtime, string(model.Distroless)))
	facts := runtime.Facts(c.s.Build.CGO)
	where := "/health/docker/0"
	base := path.Base(prog)
	switch {
	case !facts.Shell:
		own := binaryNames(c.s)
		if !strings.HasPrefix(prog, "/") || !slices.Contains(own, strings.TrimPrefix(prog, "/")) {
			c.errorf(where, valueNode, "%s has no shell or tools; the HEALTHCHECK must run one of the service's own binaries (%s)", runtime, "/"+strings.Join(own, ", /"))
		}
	default:
		if slices.Contains(model.HealthTools, base) && !facts.Has(base) {
			c.errorf(where, valueNode, "%s is not installed in the %s runtime image; run one of the service's own binaries instead (e.g. /%s healthcheck)", base, runtime, binaryNames(c.s)[0])
		}
		if base == "sh" || base == "bash" {
			c.errorf(where, valueNode, "run the health check program directly in exec form, not through %s", base)
		}
	}
}

func binaryNames(s *spec) []string {
	if len(s.Build.Binaries) > 0 {
		return sortedKeys(s.Build.Binaries)
	}
	return []string{s.Metadata.Name}
}

// secretWords are name segments that mark a variable as holding a credential.
var secretWords = map[string]bool{
	"PASSWORD": true, "PASSWD": true, "PASSPHRASE": true, "SECRET": true, "SECRETS": true,
	"TOKEN": true, "TOKENS": true, "APIKEY": true, "CREDENTIAL": true, "CREDENTIALS": true,
	"PRIVATEKEY": true,
}

// looksSecret: any segment is a secret word, or the name ends in KEY (API_KEY,
// SIGNING_KEY) — but not KEY_PREFIX and the like, which name non-secret settings.
func looksSecret(name string) bool {
	segs := strings.Split(strings.ToUpper(name), "_")
	for _, s := range segs {
		if secretWords[s] {
			return true
		}
	}
	last := segs[len(segs)-1]
	return last == "KEY" || last == "KEYS" || strings.HasSuffix(last, "APIKEY")
}

func ruleEnv(c *ruleContext) {
	for _, name := range sortedKeys(c.s.Env) {
		p := "/env/" + escapePointer(name)
		v := c.s.Env[name]
		if name == "GOROOT" {
			c.errorf(p, keyNode, "GOROOT must not be set: the Go runtime does not need it and a wrong value breaks the toolchain (see berth doctor)")
			continue
		}
		if s, ok := v.(string); ok && s != "" && looksSecret(name) {
			c.errorf(p, valueNode, "%s looks like a credential; never put secret values in the descriptor: move it to secrets: {%s: {secret: <name>, key: <key>}}", name, name)
		}
		if _, dup := c.s.Secrets[name]; dup {
			c.errorf(p, keyNode, "%s is set in both env and secrets; keep one", name)
		}
	}
	if _, ok := c.s.Secrets["GOROOT"]; ok {
		c.errorf("/secrets/GOROOT", keyNode, "GOROOT must not be set")
	}
}

func ruleResources(c *ruleContext) {
	r := c.s.Resources
	if r == nil {
		return
	}
	for _, name := range sortedKeys(r.Limits) {
		req, ok := r.Requests[name]
		if !ok {
			continue
		}
		rq, okr := parseQuantity(req)
		lim, okl := parseQuantity(r.Limits[name])
		if okr && okl && rq.Cmp(lim) > 0 {
			c.errorf("/resources/requests/"+name, valueNode, "request %v is above the limit %v", req, r.Limits[name])
		}
	}
	if mem, ok := r.Limits["memory"]; ok {
		if q, ok := parseQuantity(mem); ok && q.Cmp(resource.MustParse("16Mi")) < 0 {
			c.errorf("/resources/limits/memory", valueNode, "memory limit %v is below 16Mi; a Go service will not start", mem)
		}
	}
}

func ruleAutoscaling(c *ruleContext) {
	a := c.s.Autoscaling
	if a == nil {
		return
	}
	if min := max(a.MinReplicas, 1); min > a.MaxReplicas {
		c.errorf("/autoscaling/maxReplicas", valueNode, "maxReplicas (%d) is below minReplicas (%d)", a.MaxReplicas, min)
	}
	if (a.TargetCPU > 0 || a.TargetMemory == 0) && (c.s.Resources == nil || c.s.Resources.Requests["cpu"] == nil) {
		c.errorf("/autoscaling", keyNode, "CPU autoscaling needs resources.requests.cpu: utilisation is a share of the request")
	}
	if a.TargetMemory > 0 && (c.s.Resources == nil || c.s.Resources.Requests["memory"] == nil) {
		c.errorf("/autoscaling/targetMemory", valueNode, "memory autoscaling needs resources.requests.memory")
	}
}

func ruleIngress(c *ruleContext) {
	in := c.s.Ingress
	if in == nil {
		return
	}
	ports := declaredPorts(c.s)
	port := cmp.Or(in.Port, "http")
	if !slices.Contains(ports, port) {
		where := "/ingress/port"
		if in.Port == "" {
			where = "/ingress"
		}
		c.errorf(where, valueNode, "ingress routes to port %q, which is not declared in ports (declared: %s)", port, strings.Join(ports, ", "))
	}
}

// ruleArgoCDChart: a chart comes from git (repoURL, path, revision) or from an OCI
// registry (oci and version), not both; an OCI chart needs its version pinned.
func ruleArgoCDChart(c *ruleContext) {
	if c.s.ArgoCD == nil {
		return
	}
	ch := c.s.ArgoCD.Chart
	if ch == nil {
		ruleArgoCDOneRevisionPerRepo(c)
		return
	}
	switch {
	case ch.OCI != "" && (ch.RepoURL != "" || ch.Path != "" || ch.Revision != ""):
		c.errorf("/argocd/chart/oci", keyNode, "a chart from an OCI registry takes no repoURL, path or revision: oci and version say where it is")
	case ch.OCI != "" && ch.Version == "":
		c.errorf("/argocd/chart/oci", keyNode, "an OCI chart needs its version pinned: add version (Chart.yaml's version, e.g. 0.1.0)")
	case ch.OCI == "" && ch.Version != "":
		c.errorf("/argocd/chart/version", keyNode, "version pins a chart from an OCI registry: add oci, or use revision for a git repository")
	case ch.OCI == "":
		ruleArgoCDOneRevisionPerRepo(c)
	}
}

// ruleArgoCDOneRevisionPerRepo: Argo CD refuses a multi-source Application whose chart
// and $values come from one repository at two revisions ("cannot reference a different
// revision of the same repository"); it works only while both resolve to one commit,
// so a pinned chart tag in the service's own repository breaks at the next commit.
func ruleArgoCDOneRevisionPerRepo(c *ruleContext) {
	a, ch := c.s.ArgoCD, c.s.ArgoCD.Chart
	if ch == nil { // berth's chart at its default revision
		ch = &chartSpec{}
	}
	chartURL := cmp.Or(ch.RepoURL, defaultChartRepoURL)
	if !sameGitRepo(chartURL, a.RepoURL) {
		return
	}
	chartRev, valuesRev := cmp.Or(ch.Revision, defaultChartRevision), cmp.Or(a.Revision, "HEAD")
	if chartRev == valuesRev {
		return
	}
	where := "/argocd/chart/revision"
	switch {
	case c.s.ArgoCD.Chart == nil && a.Revision != "":
		where = "/argocd/revision"
	case c.s.ArgoCD.Chart == nil:
		where = "/argocd"
	case ch.Revision == "":
		where = "/argocd/chart"
	}
	msg := "the chart (revision %s) and the values (revision %s) come from one repository, %s: Argo CD refuses two revisions of one repository in an Application; give both the same revision, or take the chart from an OCI registry (argocd.chart.oci and version)"
	if valuesRev == "HEAD" { // HEAD may be the chart's branch
		c.warnf(where, keyNode, msg, chartRev, valuesRev, a.RepoURL)
		return
	}
	c.errorf(where, keyNode, msg, chartRev, valuesRev, a.RepoURL)
}

// sameGitRepo compares git URLs as Argo CD does: case-insensitive, without a trailing
// slash or .git.
func sameGitRepo(a, b string) bool {
	norm := func(u string) string {
		u = strings.ToLower(strings.TrimRight(u, "/"))
		return strings.TrimSuffix(u, ".git")
	}
	return norm(a) == norm(b)
}

const maxConfigBytes = 512 << 10 // ConfigMaps are limited to 1 MiB in etcd

func ruleConfigFiles(c *ruleContext) {
	if c.s.Config == nil || c.repo == nil {
		return
	}
	total := 0
	for _, name := range sortedKeys(c.s.Config.Files) {
		src := c.s.Config.Files[name]
		p := "/config/files/" + escapePointer(name)
		clean := path.Clean(src)
		if escapes(src) || !fs.ValidPath(clean) {
			c.errorf(p, valueNode, "%s leaves the descriptor's directory", src)
			continue
		}
		data, err := readfile.Regular(c.repo, clean, maxConfigBytes)
		switch {
		case errors.Is(err, readfile.ErrTooLarge):
			c.errorf(p, valueNode, "%s is larger than 512 KiB; a ConfigMap is the wrong place for this much data", src)
			continue
		case err != nil:
			c.errorf(p, valueNode, "cannot read %s: %v", src, unwrapPathError(err))
			continue
		case !utf8.Valid(data):
			c.errorf(p, valueNode, "%s is not UTF-8 text (invalid byte at offset %d); ConfigMap data must be UTF-8", src, readfile.InvalidUTF8At(data))
			continue
		}
		total += len(data)
		if total > maxConfigBytes {
			c.errorf(p, valueNode, "config files add up to more than 512 KiB; a ConfigMap is the wrong place for this much data")
			return
		}
	}
}

func unwrapPathError(err error) error {
	if pe, ok := err.(*fs.PathError); ok {
		return pe.Err
	}
	return err
}

func contextDir(s *spec) string { return path.Clean(cmp.Or(s.Build.Context, ".")) }

// escapes reports whether a relative path climbs out of its base.
func escapes(p string) bool {
	return p == ".." || strings.HasPrefix(p, "../") || strings.Contains(p, "/../") || strings.HasSuffix(p, "/..") ||
		strings.HasPrefix(path.Clean(p), "..")
}

func hasGoFiles(fsys fs.FS, dir string) bool {
	entries, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return false
	}
	for _, e := range entries {
		if !e.IsDir() && strings.HasSuffix(e.Name(), ".go") && !strings.HasSuffix(e.Name(), "_test.go") {
			return true
		}
	}
	return false
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

var ldflagVar = regexp.MustCompile(`\$\{([^}]*)\}|\$`)

// ruleLdflags allows only the two variables the Dockerfile defines as build args.
func ruleLdflags(c *ruleContext) {
	if c.env {
		return
	}
	for i, f := range c.s.Build.Ldflags {
		for _, m := range ldflagVar.FindAllStringSubmatch(f, -1) {
			if m[0] == "$" || (m[1] != "VERSION" && m[1] != "REVISION") {
				c.errorf(fmt.Sprintf("/build/ldflags/%d", i), valueNode, "%s: only ${VERSION} and ${REVISION} may be expanded", m[0])
			}
		}
		if strings.HasPrefix(f, "-linkmode") || strings.HasPrefix(f, "-extldflags") {
			c.warnf(fmt.Sprintf("/build/ldflags/%d", i), valueNode, "%s changes how the binary links; make sure it matches build.cgo and the runtime image", f)
		}
	}
}

package scaffold

import (
	"cmp"
	"fmt"
	"path"
	"regexp"
	"slices"
	"strings"

	yaml "go.yaml.in/yaml/v3"

	"github.com/berth-dev/berth/generator/detect"
	"github.com/berth-dev/berth/generator/model"
)

var (
	notDNS       = regexp.MustCompile(`[^a-z0-9-]+`)
	notImagePart = regexp.MustCompile(`[^a-z0-9]+`)
	majorVersion = regexp.MustCompile(`^v[0-9]+$`)
)

// serviceName is the module path's last element (before a /vN suffix) as a DNS label.
func serviceName(modulePath string) string {
	elems := strings.Split(modulePath, "/")
	last := elems[len(elems)-1]
	if majorVersion.MatchString(last) && len(elems) > 1 {
		last = elems[len(elems)-2]
	}
	n := detect.Sanitize(last, notDNS, "-")
	if len(n) > 63 {
		n = strings.TrimRight(n[:63], "-")
	}
	return cmp.Or(n, "service")
}

func (d *Draft) image() *yaml.Node {
	img := mapping()
	repo, why := d.opts.Image, "from --image"
	if repo == "" {
		repo, why = imageRepository(d.repo.Module.Path, d.name)
	}
	set(img, "repository", str(repo), why)
	runtime, why := d.opts.Runtime, "from --runtime"
	cgo := len(d.repo.CGO) > 0
	if runtime == "" {
		runtime, why = string(model.Distroless), "static binary: "
		if cgo {
			why = "cgo needs glibc: "
		}
		why += model.Distroless.Image(cgo) + " (no shell, non-root)"
	}
	set(img, "runtime", str(runtime), why)
	return img
}

// imageRepository guesses the registry from where the code lives.
func imageRepository(modulePath, name string) (repo, why string) {
	elems := strings.Split(strings.ToLower(modulePath), "/")
	if len(elems) >= 3 {
		owner, project := imagePart(elems[1]), imagePart(elems[2])
		switch elems[0] {
		case "github.com":
			return "ghcr.io/" + owner + "/" + project, "from go.mod: module " + modulePath + " (GitHub, so ghcr.io)"
		case "gitlab.com":
			return "registry.gitlab.com/" + owner + "/" + project, "from go.mod: module " + modulePath + " (GitLab, so its registry)"
		}
	}
	return name, "no registry known for module " + modulePath + ": set image.repository (or --image)"
}

func imagePart(s string) string {
	return cmp.Or(strings.Trim(notImagePart.ReplaceAllString(s, "-"), "-"), "x")
}

type bin struct {
	name string
	main detect.Main
}

// binaries names each main package's binary as go build would (its last path
// element), the module root after the service, and a clash by its whole path.
func binaries(mains []detect.Main, service string) []bin {
	var out []bin
	taken := map[string]int{}
	for _, m := range mains {
		taken[cmp.Or(m.Binary, service)]++
	}
	for _, m := range mains {
		name := cmp.Or(m.Binary, service)
		if taken[name] > 1 && m.Binary != "" {
			name = detect.Sanitize(strings.ReplaceAll(strings.TrimPrefix(m.Package, "./"), "/", "-"), notDNS, "-")
		}
		out = append(out, bin{name: name, main: m})
	}
	slices.SortFunc(out, func(a, b bin) int { return strings.Compare(a.name, b.name) })
	return out
}

// entrypoint picks the binary the container runs: the one named after the service,
// else the only one that listens, else the first (said to be a guess).
func entrypoint(bins []bin, service string) (name, why string) {
	var listening []string
	for _, b := range bins {
		if b.name == service {
			return b.name, "named after the service"
		}
		if b.main.Listens() {
			listening = append(listening, b.name)
		}
	}
	if len(listening) == 1 {
		return listening[0], "the only one that listens on a port"
	}
	return bins[0].name, "a guess (first by name): set the binary the container runs"
}

type section struct {
	node    *yaml.Node
	comment string
}

// ports writes the --port overrides, else the detected ports, else a default that
// says it was not detected. names are the TCP port names (a probe's candidates), in
// the order written.
func (d *Draft) ports() (section, []string) {
	m := mapping()
	var names []string
	if len(d.opts.Ports) > 0 {
		for _, p := range d.opts.Ports {
			set(m, p.Name, integer(p.Number), "from --port")
			names = append(names, p.Name)
		}
		return section{node: m}, names
	}
	for _, p := range d.repo.Ports {
		comment := p.Evidence.String()
		if p.Note != "" {
			comment += " WARNING: " + p.Note
		}
		var value *yaml.Node = integer(p.Number)
		if p.Protocol == "UDP" {
			value = flowMapping()
			set(value, "port", integer(p.Number), "")
			set(value, "protocol", str("UDP"), "")
		}
		set(m, p.Name, value, comment)
		if p.Protocol != "UDP" { // the probes' candidates
			names = append(names, p.Name)
		}
	}
	switch {
	case len(d.repo.Ports) > 0:
		return section{node: m}, names
	case !d.repo.UsesNet:
		return section{node: flowMapping(), comment: "nothing in the build graph imports net, so nothing listens: no Service, no probes"}, nil
	}
	set(m, "http", integer(8080), "NOT DETECTED: no literal listen address in the code; berth's default, check it")
	return section{node: m}, []string{"http"}
}

// health writes HTTP probes for the routes found, or gRPC probes for a gRPC health
// server; otherwise nil and a comment on what berth does by default.
func (d *Draft) health(ports []string) (*yaml.Node, string) {
	if len(ports) == 0 {
		return nil, ""
	}
	h := d.repo.Health
	if h.Readiness != nil || h.Liveness != nil {
		port := probePort(ports)
		m := mapping()
		for _, p := range []struct {
			name string
			e    *detect.Endpoint
		}{{"startup", h.Startup}, {"liveness", h.Liveness}, {"readiness", h.Readiness}} {
			if p.e == nil {
				continue
			}
			probe := flowMapping()
			set(probe, "http", str(p.e.Path), "")
			set(probe, "port", str(d.servingPort(p.e, ports, port)), "")
			set(m, p.name, probe, p.e.Evidence.String())
		}
		if h.Liveness == nil {
			above(m, "No liveness route found: a liveness probe equal to readiness would restart busy pods, so there is none.")
		}
		return m, ""
	}
	if g := d.repo.GRPCHealth; g != nil && slices.Contains(ports, "grpc") {
		m := mapping()
		for _, name := range []string{"startup", "readiness"} {
			probe := flowMapping()
			set(probe, "grpc", quoted(""), "")
			set(probe, "port", str("grpc"), "")
			set(m, name, probe, g.String())
		}
		return m, ""
	}
	where := "found in the code"
	if d.repo.Observed {
		where = "answered in the observed run"
	}
	return nil, fmt.Sprintf("health: no /healthz-style route %s, so berth probes port %q over TCP (startup and readiness).\nServe /healthz and /readyz and declare them under health: for real checks.", where, probePort(ports))
}

// servingPort is the declared TCP port of the listener serving an endpoint, when the
// analysis linked them, else the default probe port.
func (d *Draft) servingPort(e *detect.Endpoint, names []string, fallback string) string {
	for _, p := range d.repo.Ports {
		if e.Port != 0 && p.Number == e.Port && p.Protocol != "UDP" && slices.Contains(names, p.Name) {
			return p.Name
		}
	}
	return fallback
}

// probePort prefers a dedicated health port, then http, then the first.
func probePort(ports []string) string {
	for _, want := range []string{"health", "http"} {
		if slices.Contains(ports, want) {
			return want
		}
	}
	return ports[0]
}

func (d *Draft) environments() *yaml.Node {
	if len(d.opts.Envs) == 0 {
		return nil
	}
	m := mapping()
	for _, e := range d.opts.Envs {
		env := flowMapping()
		switch e {
		case "dev", "development", "local", "test":
			set(env, "replicas", integer(1), "")
		case "prod", "production":
			set(env, "replicas", integer(3), "")
		}
		set(m, e, env, "")
	}
	return m
}

// envFooter lists the environment variables the code reads, so the owner can fill
// env: and secrets:.
func (d *Draft) envFooter() string {
	if len(d.repo.EnvReads) == 0 {
		return ""
	}
	lines := []string{"# The code reads these environment variables; set them under env: (credentials under secrets:), per environment where they differ:"}
	for _, e := range d.repo.EnvReads {
		lines = append(lines, fmt.Sprintf("#   %-24s %s:%d", e.Name, e.Evidence.File, e.Evidence.Line))
	}
	return strings.Join(lines, "\n")
}

// args starts the server's subcommand when the program has subcommands and one is
// named like serve; otherwise nil and, when there are subcommands, a note.
func (d *Draft) args() (*yaml.Node, string) {
	r := d.repo
	var args, why []string
	if sub, ok := r.ServeSubcommand(); ok {
		args = append(args, sub.Name)
		why = append(why, fmt.Sprintf("%s; subcommands: %s", sub.Evidence, subcommandNames(r)))
	} else if len(r.Subcommands) > 0 {
		return nil, fmt.Sprintf("The program takes a subcommand (%s, %s) and none is named like serve: set args: [<subcommand>, <flags>] to start the server.", subcommandNames(r), r.Subcommands[0].Evidence)
	}
	for _, c := range d.configFiles() {
		args = append(args, fmt.Sprintf("--%s=%s", c.flag, path.Join(d.configMount(), c.name)))
		why = append(why, fmt.Sprintf("--%s names the shipped config file (%s)", c.flag, c.evidence))
	}
	if len(args) == 0 {
		return nil, ""
	}
	return flowList(args...), strings.Join(why, "; ")
}

// configFile is a file a flag names by default, shipped under config.files.
type configFile struct {
	name, source, flag string
	evidence           detect.Evidence
}

// configFiles are the files flags name by default, one per mount name.
func (d *Draft) configFiles() []configFile {
	var out []configFile
	taken := map[string]bool{}
	for _, c := range d.repo.ConfigFlags {
		name := path.Base(c.File)
		// The descriptor takes ConfigMap keys and plain relative paths only: a file
		// named otherwise is left for the owner to ship.
		if taken[name] || !configKey.MatchString(name) || name == "." || name == ".." || !plainPath.MatchString(c.File) {
			continue
		}
		taken[name] = true
		out = append(out, configFile{name: name, source: path.Join(d.repo.ModuleDir, c.File), flag: c.Flag, evidence: c.Evidence})
	}
	return out
}

var (
	configKey = regexp.MustCompile(`^[-._a-zA-Z0-9]{1,253}$`)
	plainPath = regexp.MustCompile(`^[A-Za-z0-9_.@+/-]{1,512}$`)
)

// configMount is where the chart mounts config files by default.
func (d *Draft) configMount() string { return "/etc/" + d.name }

// config ships the files flags name by default, so the program finds them where its
// args point.
func (d *Draft) config() *yaml.Node {
	files := d.configFiles()
	if len(files) == 0 {
		return nil
	}
	m := mapping()
	for _, c := range files {
		set(m, c.name, str(c.source), c.evidence.String())
	}
	config := mapping()
	set(config, "files", m, "")
	return config
}

// closedNote names the listeners that open only when a flag gives them an address.
func (d *Draft) closedNote() string {
	var lines []string
	for _, c := range d.repo.Closed {
		lines = append(lines, fmt.Sprintf("%s listens only when --%s gives it an address: add the flag to args and a port to open it.", c.Evidence, c.Flag))
	}
	return strings.Join(lines, "\n")
}

func subcommandNames(r *detect.Repo) string {
	var names []string
	for _, s := range r.Subcommands {
		if !slices.Contains(names, s.Name) {
			names = append(names, s.Name)
		}
	}
	return strings.Join(names, ", ")
}

// udpNote says where the code listens on UDP at a port berth could not read.
func (d *Draft) udpNote() string {
	if len(d.repo.UDP) == 0 || slices.ContainsFunc(d.repo.Ports, func(p detect.Port) bool { return p.Protocol == "UDP" }) {
		return ""
	}
	var where []string
	for _, e := range d.repo.UDP {
		where = append(where, e.String())
	}
	return "The code also listens on UDP (" + strings.Join(where, "; ") + ") at a port berth could not read:\ndeclare it as NAME: {port: N, protocol: UDP} (a TCP port on the same number is a second name)."
}

// volumes writes one emptyDir volume per data directory the code writes by default.
func (d *Draft) volumes() *yaml.Node {
	if len(d.repo.DataDirs) == 0 {
		return nil
	}
	m := mapping()
	taken := map[string]bool{}
	for _, dir := range d.repo.DataDirs {
		if taken[dir.Path] {
			continue
		}
		taken[dir.Path] = true
		name := detect.Sanitize(strings.ToLower(dir.Flag), notDNS, "-")
		if name == "" || taken["name:"+name] {
			name = fmt.Sprintf("data-%d", len(taken))
		}
		taken["name:"+name] = true
		v := flowMapping()
		set(v, "mountPath", str(dir.Path), "")
		set(m, name, v, dir.Evidence.String())
	}
	return m
}

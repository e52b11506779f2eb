package doctor

import (
	"os"
	"path/filepath"
	"strings"

	"github.com/berth-dev/berth/generator/finding"
	"github.com/berth-dev/berth/generator/gomod"
)

var ruleGOROOTOther = finding.Rule{ID: "D102", Severity: finding.Error, Title: "GOROOT is not the tree of the go binary that runs",
	Why: "A GOROOT left pointing at another installation makes the go on PATH compile with that tree's standard library and tools: odd build errors, or a binary built by another release than go version says.",
	Fix: "Unset GOROOT (the go binary finds its own root), or point PATH at $GOROOT/bin."}

var ruleGOROOTRelease = finding.Rule{ID: "D104", Severity: finding.Error, Title: "GOROOT holds another release than go version",
	Why: "Mixed trees compile with the wrong standard library.",
	Fix: "Unset GOROOT, or make it the tree of the go binary on PATH; mixed trees compile with the wrong standard library."}

// checkGOROOT: the GOROOT the environment names must be the go binary's own tree,
// exist, and hold the release go version reports (three ways a GOROOT goes wrong).
func (d *doctor) checkGOROOT() {
	root := d.goEnv["GOROOT"]
	if set := d.env.Vars["GOROOT"]; set != "" {
		binRoot := filepath.Dir(filepath.Dir(resolve(d.goBin)))
		if filepath.Clean(resolve(set)) != filepath.Clean(binRoot) {
			d.add(ruleGOROOTOther, "GOROOT=%s but the go on PATH is %s, from %s", set, d.goBin, binRoot)
		}
	}
	st, err := os.Stat(root)
	if err != nil || !st.IsDir() {
		d.add(ruleGOROOTTree, "GOROOT %s does not exist", root)
		return
	}
	data, err := os.ReadFile(filepath.Join(root, "VERSION"))
	if err != nil {
		d.add(ruleGOROOTTree, "GOROOT %s is not a readable Go tree (no VERSION file: %v)", root, err)
		return
	}
	release, _, _ := strings.Cut(strings.TrimSpace(string(data)), "\n")
	if d.version != "" && release != d.version {
		d.add(ruleGOROOTRelease, "GOROOT %s holds %s but the go command is %s", root, release, d.version)
	}
}

func resolve(p string) string {
	if r, err := filepath.EvalSymlinks(p); err == nil {
		return r
	}
	return p
}

var rulePath = finding.Rule{ID: "D105", Severity: finding.Warning, Title: "$GOROOT/bin is not on PATH",
	Why: "gofmt and the go tools found on PATH may come from another release than the go that builds.",
	Fix: "Add $GOROOT/bin to PATH (export PATH=\"$(go env GOROOT)/bin:$PATH\")."}

// checkPath: $GOROOT/bin on PATH, so gofmt and the tools match the go in use.
func (d *doctor) checkPath() {
	bin := filepath.Join(d.goEnv["GOROOT"], "bin")
	for _, dir := range filepath.SplitList(d.env.Vars["PATH"]) {
		if filepath.Clean(resolve(dir)) == filepath.Clean(resolve(bin)) {
			return
		}
	}
	d.add(rulePath, "%s is not on PATH: gofmt and go tools may come from another release", bin)
}

var ruleGOENV = finding.Rule{ID: "D106", Severity: finding.Error, Title: "the GOENV file is unreadable or not writable",
	Why: "go env -w writes the GOENV file of the current user; a file written by root and read by a non-root user (or the reverse) silently loses GOPROXY, GOPRIVATE and GOFLAGS.",
	Fix: "Make the file readable for this user, or point GOENV at one it owns."}

// checkGOENV: go env -w writes the GOENV file; it must be readable and writable by
// this user (a file written by root is not the one a non-root user reads).
func (d *doctor) checkGOENV() {
	file := d.goEnv["GOENV"]
	if file == "" || file == "off" {
		return
	}
	if f, err := os.Open(file); err == nil {
		f.Close()
	} else if !os.IsNotExist(err) {
		d.add(ruleGOENV, "GOENV %s is not readable: %v", file, err)
		return
	}
	target := file
	if _, err := os.Stat(file); os.IsNotExist(err) {
		target = filepath.Dir(file)
		for !exists(target) && filepath.Dir(target) != target {
			target = filepath.Dir(target)
		}
	}
	if !writable(target) {
		d.addAs(ruleGOENV, finding.Warning, "Set GOENV to a file this user owns, or configure with environment variables (ENV in a Dockerfile) instead of go env -w.", "GOENV %s is not writable by this user: go env -w will fail, and settings written by another user are not seen", file)
	}
}

func exists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

// writable tries what go env -w would do: create a file there.
func writable(p string) bool {
	dir := p
	if st, err := os.Stat(p); err == nil && !st.IsDir() {
		f, err := os.OpenFile(p, os.O_WRONLY|os.O_APPEND, 0)
		if err != nil {
			return false
		}
		return f.Close() == nil
	}
	f, err := os.CreateTemp(dir, ".berth-doctor-*")
	if err != nil {
		return false
	}
	f.Close()
	return os.Remove(f.Name()) == nil
}

var ruleGOFLAGS = finding.Rule{ID: "D107", Severity: finding.Error, Title: "GOFLAGS has -insecure or -mod=mod",
	Why: "-insecure fetches modules over plain HTTP; -mod=mod lets any build rewrite go.mod and go.sum.",
	Fix: "Remove -insecure from GOFLAGS; list private hosts in GOPRIVATE instead."}

func (d *doctor) checkGOFLAGS() {
	for _, f := range strings.Fields(d.goEnv["GOFLAGS"]) {
		switch {
		case f == "-insecure":
			d.add(ruleGOFLAGS, "GOFLAGS has -insecure: modules may be fetched over plain HTTP")
		case f == "-mod=mod":
			d.addAs(ruleGOFLAGS, finding.Warning, "Remove -mod=mod from GOFLAGS; run go get or go mod tidy on purpose.", "GOFLAGS has -mod=mod: builds may rewrite go.mod and go.sum")
		}
	}
}

var ruleChecksums = finding.Rule{ID: "D108", Severity: finding.Error, Title: "module checksums or the proxy switched off",
	Why: "GOSUMDB=off, or a * in GOPRIVATE, GONOSUMDB, GONOPROXY or GOINSECURE, lets a tampered module in unnoticed; GOPROXY=off makes every download fail.",
	Fix: "Unset GOSUMDB; list private modules in GOPRIVATE instead."}

func (d *doctor) checkModuleSecurity() {
	e := d.goEnv
	if e["GOSUMDB"] == "off" {
		d.add(ruleChecksums, "GOSUMDB=off: downloaded modules are not checked against the checksum database")
	}
	if e["GOPROXY"] == "off" {
		d.addAs(ruleChecksums, finding.Warning, "Set GOPROXY (default https://proxy.golang.org,direct) or vendor the modules.", "GOPROXY=off: no module can be downloaded")
	}
	for _, k := range []string{"GOPRIVATE", "GONOSUMDB", "GONOPROXY", "GOINSECURE"} {
		for _, p := range strings.Split(e[k], ",") {
			if p == "*" || p == "*/*" {
				d.addAs(ruleChecksums, finding.Error, "List only your private module paths, e.g. GOPRIVATE=github.com/acme/*.", "%s=%s covers every module: checksum verification is off for all of them", k, e[k])
			}
		}
	}
}

var ruleCgoCompiler = finding.Rule{ID: "D109", Severity: finding.Error, Title: "cgo on without a C compiler",
	Why: "With CGO_ENABLED=1 every package with cgo files needs the compiler go env CC names.",
	Fix: "Install a C compiler (apt-get install gcc / apk add gcc musl-dev) or set CGO_ENABLED=0."}

// checkCgo: CGO_ENABLED=1 needs the C compiler go env CC names.
func (d *doctor) checkCgo() {
	if d.goEnv["CGO_ENABLED"] != "1" {
		return
	}
	cc := strings.Fields(d.goEnv["CC"])
	if len(cc) == 0 || d.lookPath(cc[0]) == "" {
		d.add(ruleCgoCompiler, "CGO_ENABLED=1 but the C compiler %q is not on PATH: cgo packages fail to build", d.goEnv["CC"])
	}
}

var ruleToolchain = finding.Rule{ID: "D110", Severity: finding.Error, Title: "go.mod needs a newer Go than the one in use",
	Why: "go.mod's go or toolchain line newer than the go command fails the build with GOTOOLCHAIN=local, and otherwise downloads another toolchain at build time (which fails offline).",
	Fix: "Install the Go release go.mod names, or allow a download with GOTOOLCHAIN=auto."}

// checkToolchain: go.mod's go and toolchain lines against the go in use and GOTOOLCHAIN.
func (d *doctor) checkToolchain() {
	mod, err := gomod.Read(os.DirFS(d.env.Dir), ".")
	if err != nil || d.version == "" {
		return
	}
	have := strings.TrimPrefix(d.version, "go")
	want, line := mod.Go, "go "+mod.Go
	if mod.Toolchain != "" && gomod.CompareVersions(mod.Toolchain, want) > 0 {
		want, line = mod.Toolchain, "toolchain go"+mod.Toolchain
	}
	if gomod.CompareVersions(have, want) >= 0 {
		return
	}
	switch tc := d.goEnv["GOTOOLCHAIN"]; {
	case tc == "local" || strings.HasSuffix(tc, "+path"):
		d.addAs(ruleToolchain, finding.Error, "Install Go "+want+" or newer, or allow a download with GOTOOLCHAIN=auto.", "go.mod says %s but the go command is %s and GOTOOLCHAIN=%s forbids a download: builds fail", line, d.version, tc)
	default:
		d.addAs(ruleToolchain, finding.Warning, "Install Go "+want+" (berth's Dockerfiles set GOTOOLCHAIN=local, so the image's builder must have it).", "go.mod says %s but the go command is %s: GOTOOLCHAIN=%s downloads another toolchain at build time (fails offline)", line, d.version, tc)
	}
}

var ruleBuildKit = finding.Rule{ID: "D111", Severity: finding.Warning, Title: "no docker client that builds with BuildKit",
	Why: "berth's Dockerfiles use RUN --mount, which the classic builder refuses.",
	Fix: "Install a docker client with BuildKit (docker buildx), or build with buildctl or podman."}

// checkDocker: berth's Dockerfiles use RUN --mount, which needs BuildKit.
func (d *doctor) checkDocker() {
	docker := d.lookPath("docker")
	if docker == "" {
		d.add(ruleBuildKit, "no docker on PATH: berth's Dockerfiles cannot be built here")
		return
	}
	if _, err := d.run(docker, "buildx", "version"); err == nil {
		return
	}
	if d.env.Vars["DOCKER_BUILDKIT"] == "1" {
		return
	}
	d.addAs(ruleBuildKit, finding.Warning, "Install the buildx plugin, or export DOCKER_BUILDKIT=1 with a daemon of 18.09 or newer.", "%s has no buildx plugin and DOCKER_BUILDKIT is not 1: RUN --mount fails with the classic builder", docker)
}

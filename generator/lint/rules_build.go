package lint

import (
	"path"
	"strings"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"

	"github.com/berth-dev/berth/generator/finding"
	"github.com/berth-dev/berth/generator/model"
)

var ruleGOROOT = finding.Rule{ID: "BG101", Severity: finding.Error, Title: "GOROOT set or overridden",
	Why: "The golang images put Go in /usr/local/go and the go binary finds its own GOROOT. An ENV GOROOT that points elsewhere (such as alpine's /usr/lib/go) makes go env report a tree that is not there, breaks go list and -toolexec, and survives into later stages only when repeated. A PATH that does not follow a changed GOROOT runs another go than GOROOT names.",
	Fix: "Delete ENV GOROOT; let the go binary find its root. If you must move Go, put $GOROOT/bin first on PATH in the same stage."}

func checkGOROOT(c *checker) {
	for si := range c.df.stages {
		s := &c.df.stages[si]
		env := c.stageEnv(s, -1)
		for _, cmd := range s.Commands {
			e, ok := cmd.(*instructions.EnvCommand)
			if !ok {
				continue
			}
			for _, kv := range e.Env {
				if kv.Key != "GOROOT" {
					continue
				}
				msg := "ENV GOROOT=" + kv.Value + " overrides the root the go binary finds itself"
				if p := env["PATH"].value; !strings.Contains(p, "$GOROOT/bin") && !strings.Contains(p, "${GOROOT}/bin") && !strings.Contains(p, kv.Value+"/bin") {
					msg += ", and PATH does not follow it (another go may run)"
				}
				c.at(lineOf(e), ruleGOROOT, "%s", msg)
			}
		}
	}
}

var ruleGoEnvW = finding.Rule{ID: "BG102", Severity: finding.Error, Title: "go env -w before a USER switch",
	Why: "go env -w writes to the current user's GOENV file ($HOME/.config/go/env of root). After USER, the other user reads its own (missing) file and silently falls back to defaults: GOPROXY, GOPRIVATE, GOFLAGS vanish.",
	Fix: "Use ENV GOPROXY=… (image environment, every user) instead of RUN go env -w, or run the go commands before USER."}

// checkGoEnvW: go env -w writes root's GOENV file; a later USER reads another.
func checkGoEnvW(c *checker) {
	for _, r := range c.goRuns() {
		if !isGo(r.cmd, "env", "-w") {
			continue
		}
		if user, line := c.userAfter(r.stage, r.index); user != "" && user != "root" && user != "0" && !strings.HasPrefix(user, "0:") {
			c.at(r.line, ruleGoEnvW, "go env -w writes the current user's GOENV file, but USER %s (line %d) switches to another user, who will not see %s", user, line, strings.Join(r.cmd.args[3:], " "))
		}
	}
}

// userAfter finds a USER instruction after index in the stage or in a stage derived from it.
func (c *checker) userAfter(s *instructions.Stage, index int) (string, int) {
	for i, cmd := range s.Commands {
		if u, ok := cmd.(*instructions.UserCommand); ok && i > index {
			return u.User, lineOf(u)
		}
	}
	for _, child := range c.df.childrenOf(s) {
		if u, line := c.userAfter(child, -1); u != "" {
			return u, line
		}
	}
	return "", 0
}

// checkGoBuildFlags: -a, the missing -trimpath and -s -w, and the build-flags policy.
func checkGoBuildFlags(c *checker) {
	shipped := c.df.shipped()
	for _, r := range c.goBuilds() {
		// A debug build (symbols kept, optimisations off) in a stage only --target
		// debug reaches is meant to differ from the release build.
		if !shipped[r.stage] {
			continue
		}
		c.findings = append(c.findings, goBuildFindings(c.file, r.line, r.cmd, r.env, c.policy)...)
	}
}

var ruleSourcesBeforeDownload = finding.Rule{ID: "BG104", Severity: finding.Warning, Title: "sources copied before go mod download",
	Why: "COPY . before go mod download makes every source change invalidate the download layer: modules are fetched again on each build.",
	Fix: "COPY go.mod go.sum ./ (or bind-mount them), RUN go mod download, then copy or bind-mount the sources."}

// checkSourcesBeforeDownload: COPY of the whole context before go mod download.
func checkSourcesBeforeDownload(c *checker) {
	for _, r := range c.goRuns() {
		if !isGo(r.cmd, "mod", "download") {
			continue
		}
		for i := 0; i < r.index; i++ {
			cp, ok := r.stage.Commands[i].(*instructions.CopyCommand)
			if ok && cp.From == "" && copiesWholeContext(cp.SourcePaths) {
				c.at(lineOf(cp), ruleSourcesBeforeDownload, "COPY %s before go mod download (line %d): every source change downloads the modules again", strings.Join(cp.SourcePaths, " "), r.line)
			}
		}
	}
}

func copiesWholeContext(sources []string) bool {
	for _, s := range sources {
		if p := path.Clean(s); p == "." || p == "/" || s == "*" {
			return true
		}
	}
	return false
}

var ruleCacheMounts = finding.Rule{ID: "BG105", Severity: finding.Warning, Title: "go build or go mod download without a cache mount",
	Why: "Without RUN --mount=type=cache for the module cache (/go/pkg/mod) and the build cache (/root/.cache/go-build), every rebuild downloads and compiles from scratch.",
	Fix: "RUN --mount=type=cache,target=/go/pkg/mod --mount=type=cache,target=/root/.cache/go-build go build …"}

// checkCacheMounts: module and build caches as BuildKit cache mounts.
func checkCacheMounts(c *checker) {
	for _, r := range c.goRuns() {
		switch {
		case isGo(r.cmd, "mod", "download") && !hasMount(r.run, instructions.MountTypeCache, "pkg/mod") && !hasMount(r.run, instructions.MountTypeCache, "gomod"):
			c.at(r.line, ruleCacheMounts, "go mod download without a cache mount for the module cache (--mount=type=cache,target=/go/pkg/mod)")
		case isGo(r.cmd, "build") && !hasMount(r.run, instructions.MountTypeCache, "go-build") && !hasMount(r.run, instructions.MountTypeCache, "gocache"):
			c.at(r.line, ruleCacheMounts, "go build without a cache mount for the build cache (--mount=type=cache,target=/root/.cache/go-build)")
		}
	}
}

var ruleCGOExplicit = finding.Rule{ID: "BG106", Severity: finding.Warning, Title: "CGO_ENABLED not set explicitly",
	Why: "The go command enables cgo when a C compiler is found and the target is native, so the same Dockerfile gives a static binary on one builder and a glibc-linked one on another; the runtime image then may not run it.",
	Fix: "Set ENV CGO_ENABLED=0 for a static binary (or 1 with a glibc/musl runtime that matches the builder)."}

func checkCGOExplicit(c *checker) {
	for _, r := range c.goBuilds() {
		if _, ok := r.env["CGO_ENABLED"]; !ok {
			c.at(r.line, ruleCGOExplicit, "go build without an explicit CGO_ENABLED: the result depends on whether the builder has a C compiler")
		}
	}
}

// cgoBuild says whether the last go build links cgo, and with which builder libc.
func (c *checker) cgoBuild() (r goRun, cgo bool, why string, ok bool) {
	builds := c.goBuilds()
	if len(builds) == 0 {
		return goRun{}, false, "", false
	}
	r = builds[len(builds)-1]
	f := parseGoFlags(r.cmd.args[2:], r.env["GOFLAGS"])
	if strings.Contains(f.value("-ldflags"), "-static") {
		return r, false, "", true // cgo linked statically needs no libc at run time
	}
	switch v, set := r.env["CGO_ENABLED"]; {
	case set && v == "1":
		return r, true, "CGO_ENABLED=1", true
	case set:
		return r, false, "", true
	case !hasCompiler(c.df.baseImage(r.stage)):
		return r, false, "", true // without a C compiler the go command turns cgo off
	case c.repo == nil:
		return r, true, "CGO_ENABLED is unset and the golang builder has a C compiler, so the binary links glibc as soon as it uses net, os/user or cgo", true
	case len(c.repo.cgo) > 0:
		return r, true, "CGO_ENABLED is unset, the builder has a C compiler and " + c.repo.cgo[0] + " uses cgo", true
	case c.repo.dynamicStd:
		return r, true, "CGO_ENABLED is unset, the builder has a C compiler and the code imports net or os/user, which then link glibc", true
	}
	return r, false, "", true
}

// hasCompiler: only a builder with a C compiler turns cgo on by itself.
func hasCompiler(image string) bool {
	facts, _ := model.FactsOf(image)
	return facts.Compiler
}

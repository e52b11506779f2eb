package lint

import (
	"path"
	"strings"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"
)

func ruleGOROOT(c *checker) {
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
				c.at(lineOf(e), "BG101", "%s", msg)
			}
		}
	}
}

// ruleGoEnvW: go env -w writes root's GOENV file; a later USER reads another.
func ruleGoEnvW(c *checker) {
	for _, r := range c.goRuns() {
		if !isGo(r.cmd, "env", "-w") {
			continue
		}
		if user, line := c.userAfter(r.stage, r.index); user != "" && user != "root" && user != "0" && !strings.HasPrefix(user, "0:") {
			c.at(r.line, "BG102", "go env -w writes the current user's GOENV file, but USER %s (line %d) switches to another user, who will not see %s", user, line, strings.Join(r.cmd.args[3:], " "))
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
	for i := range c.df.stages {
		child := &c.df.stages[i]
		if c.df.parent(child) == s {
			if u, line := c.userAfter(child, -1); u != "" {
				return u, line
			}
		}
	}
	return "", 0
}

// ruleGoBuildFlags: -a, the missing -trimpath and -s -w, and the build-flags policy.
func ruleGoBuildFlags(c *checker) {
	for _, r := range c.goBuilds() {
		c.findings = append(c.findings, goBuildFindings(c.file, r.line, r.cmd, r.env, c.policy)...)
	}
}

// ruleSourcesBeforeDownload: COPY of the whole context before go mod download.
func ruleSourcesBeforeDownload(c *checker) {
	for _, r := range c.goRuns() {
		if !isGo(r.cmd, "mod", "download") {
			continue
		}
		for i := 0; i < r.index; i++ {
			cp, ok := r.stage.Commands[i].(*instructions.CopyCommand)
			if ok && cp.From == "" && copiesWholeContext(cp.SourcePaths) {
				c.at(lineOf(cp), "BG104", "COPY %s before go mod download (line %d): every source change downloads the modules again", strings.Join(cp.SourcePaths, " "), r.line)
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

// ruleCacheMounts: module and build caches as BuildKit cache mounts.
func ruleCacheMounts(c *checker) {
	for _, r := range c.goRuns() {
		switch {
		case isGo(r.cmd, "mod", "download") && !hasMount(r.run, instructions.MountTypeCache, "pkg/mod") && !hasMount(r.run, instructions.MountTypeCache, "gomod"):
			c.at(r.line, "BG105", "go mod download without a cache mount for the module cache (--mount=type=cache,target=/go/pkg/mod)")
		case isGo(r.cmd, "build") && !hasMount(r.run, instructions.MountTypeCache, "go-build") && !hasMount(r.run, instructions.MountTypeCache, "gocache"):
			c.at(r.line, "BG105", "go build without a cache mount for the build cache (--mount=type=cache,target=/root/.cache/go-build)")
		}
	}
}

func ruleCGOExplicit(c *checker) {
	for _, r := range c.goBuilds() {
		if _, ok := r.env["CGO_ENABLED"]; !ok {
			c.at(r.line, "BG106", "go build without an explicit CGO_ENABLED: the result depends on whether the builder has a C compiler")
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
	case !builderHasCompiler(c.df.baseImage(r.stage)):
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

func builderHasCompiler(image string) bool {
	return strings.HasPrefix(image, "golang:") && !strings.Contains(image, "alpine")
}

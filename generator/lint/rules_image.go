package lint

import (
	"path"
	"regexp"
	"strings"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"
)

// runtimeFacts is what a base image family is known to hold.
type runtimeFacts struct {
	known, shell, certs, tzdata bool
	libc                        string // "", "glibc" or "musl"
}

func classifyImage(ref string) runtimeFacts {
	name := strings.ToLower(ref)
	switch {
	case name == "scratch":
		return runtimeFacts{known: true}
	case strings.Contains(name, "distroless/static"):
		return runtimeFacts{known: true, certs: true, tzdata: true}
	case strings.Contains(name, "distroless/"):
		return runtimeFacts{known: true, certs: true, tzdata: true, libc: "glibc"}
	case strings.Contains(name, "alpine"):
		return runtimeFacts{known: true, shell: true, certs: true, libc: "musl"}
	case strings.HasPrefix(name, "golang:"):
		return runtimeFacts{known: true, shell: true, certs: true, tzdata: true, libc: "glibc"}
	case strings.HasPrefix(name, "debian:"), strings.HasPrefix(name, "ubuntu:"):
		return runtimeFacts{known: true, shell: true, libc: "glibc"}
	}
	return runtimeFacts{}
}

func (c *checker) finalFacts() (*instructions.Stage, runtimeFacts) {
	s := c.df.final()
	if s == nil {
		return nil, runtimeFacts{}
	}
	return s, classifyImage(c.df.baseImage(s))
}

// ruleCGOLibc: a cgo binary needs the builder's libc in the final image.
func ruleCGOLibc(c *checker) {
	r, cgo, why, ok := c.cgoBuild()
	final, facts := c.finalFacts()
	if !ok || !cgo || final == nil || !facts.known {
		return
	}
	builderLibc := "glibc"
	if strings.Contains(c.df.baseImage(r.stage), "alpine") {
		builderLibc = "musl"
	}
	runtime := c.df.baseImage(final)
	switch {
	case facts.libc == "":
		c.at(stageLine(final), "BG107", "the binary is built with cgo (%s, line %d) but %s has no C library", why, r.line, runtime)
	case facts.libc != builderLibc:
		c.at(stageLine(final), "BG107", "the binary is built with cgo against %s (%s, line %d) but %s has %s", builderLibc, why, r.line, runtime, facts.libc)
	}
}

var installs = regexp.MustCompile(`\b(apk|apt-get|apt|microdnf|dnf|yum)\b.*\b%s\b`)

// provides reports whether the stage copies or installs a path or package, also
// through a COPY --from of a stage whose scripts put it there.
func (c *checker) provides(s *instructions.Stage, pathPart, pkg string) bool {
	re := regexp.MustCompile(strings.ReplaceAll(installs.String(), "%s", regexp.QuoteMeta(pkg)))
	for _, cmd := range s.Commands {
		switch cmd := cmd.(type) {
		case *instructions.CopyCommand:
			for _, p := range append(cmd.SourcePaths, cmd.DestPath) {
				if strings.Contains(p, pathPart) {
					return true
				}
			}
			if from := c.df.stageBefore(s, cmd.From); from != nil && c.mentions(from, pathPart) {
				return true
			}
		case *instructions.RunCommand:
			if re.MatchString(runScript(cmd)) {
				return true
			}
		}
	}
	return false
}

// mentions reports whether a stage's RUN scripts name a path.
func (c *checker) mentions(s *instructions.Stage, pathPart string) bool {
	for _, cmd := range s.Commands {
		if run, ok := cmd.(*instructions.RunCommand); ok && strings.Contains(runScript(run), pathPart) {
			return true
		}
	}
	return false
}

func ruleCACerts(c *checker) {
	final, facts := c.finalFacts()
	if final == nil || !facts.known || facts.certs || (c.repo != nil && !c.repo.tls) {
		return
	}
	if c.provides(final, "/etc/ssl", "ca-certificates") || c.provides(final, "ca-certificates", "ca-certificates") {
		return
	}
	why := "Go's TLS clients"
	if c.repo != nil {
		why = "the code (it imports crypto/tls)"
	}
	c.at(stageLine(final), "BG108", "%s has no CA certificates, which %s need", c.df.baseImage(final), why)
}

func ruleTZData(c *checker) {
	final, facts := c.finalFacts()
	if final == nil || !facts.known || facts.tzdata || c.repo == nil || !c.repo.loadsZones || c.repo.embedsTZ {
		return
	}
	for _, r := range c.goBuilds() {
		if strings.Contains(parseGoFlags(r.cmd.args[2:], r.env["GOFLAGS"]).value("-tags"), "timetzdata") {
			return
		}
	}
	if c.provides(final, "zoneinfo", "tzdata") {
		return
	}
	c.at(stageLine(final), "BG109", "%s has no /usr/share/zoneinfo but the code calls time.LoadLocation (%s)", c.df.baseImage(final), c.repo.zoneCall)
}

// Programs the shell-less images lack.
var externalTools = map[string]bool{"sh": true, "bash": true, "ash": true, "wget": true, "curl": true, "nc": true}

func ruleMissingProgram(c *checker) {
	final, facts := c.finalFacts()
	if final == nil || !facts.known || facts.shell {
		return
	}
	image := c.df.baseImage(final)
	for _, cmd := range final.Commands {
		var line []string
		var shell bool
		var what string
		switch cmd := cmd.(type) {
		case *instructions.HealthCheckCommand:
			if cmd.Health == nil || len(cmd.Health.Test) < 2 {
				continue
			}
			shell, line, what = cmd.Health.Test[0] == "CMD-SHELL", cmd.Health.Test[1:], "HEALTHCHECK"
		case *instructions.EntrypointCommand:
			shell, line, what = cmd.PrependShell, cmd.CmdLine, "ENTRYPOINT"
		case *instructions.CmdCommand:
			shell, line, what = cmd.PrependShell, cmd.CmdLine, "CMD"
		default:
			continue
		}
		switch {
		case shell:
			c.at(lineOf(cmd), "BG110", "%s in shell form runs /bin/sh -c, which %s does not have", what, image)
		case len(line) > 0 && externalTools[path.Base(line[0])] && !c.provides(final, line[0], path.Base(line[0])):
			c.at(lineOf(cmd), "BG110", "%s runs %s, which %s does not have", what, line[0], image)
		}
	}
}

var numericUser = regexp.MustCompile(`^[0-9]+(:[0-9]+)?$`)

func ruleUser(c *checker) {
	final := c.df.final()
	if final == nil {
		return
	}
	user, line := c.lastUser(final)
	if user == "" {
		base := c.df.baseImage(final)
		if strings.Contains(base, ":nonroot") || strings.HasSuffix(base, "-nonroot") {
			return // distroless :nonroot images set USER 65532 themselves
		}
		c.at(stageLine(final), "BG111", "the final stage has no USER: the process runs as root")
		return
	}
	uid, _, _ := strings.Cut(user, ":")
	switch {
	case uid == "0" || uid == "root":
		c.at(line, "BG111", "USER %s runs the process as root", user)
	case !numericUser.MatchString(user):
		c.at(line, "BG111", "USER %s is not numeric: Kubernetes can verify runAsNonRoot only for a numeric UID, and scratch has no /etc/passwd to resolve a name", user)
	}
}

// lastUser is the USER in effect at the end of a stage, inherited through FROM <stage>.
func (c *checker) lastUser(s *instructions.Stage) (string, int) {
	for ; s != nil; s = c.df.parent(s) {
		for i := len(s.Commands) - 1; i >= 0; i-- {
			if u, ok := s.Commands[i].(*instructions.UserCommand); ok {
				return u.User, lineOf(u)
			}
		}
	}
	return "", 0
}

func ruleUnpinned(c *checker) {
	for i := range c.df.stages {
		s := &c.df.stages[i]
		ref := s.BaseName
		if ref == "scratch" || strings.Contains(ref, "$") || c.df.parent(s) != nil {
			continue
		}
		if strings.Contains(ref, "@sha256:") {
			continue
		}
		last := ref[strings.LastIndex(ref, "/")+1:]
		_, tag, hasTag := strings.Cut(last, ":")
		switch {
		case !hasTag:
			c.at(stageLine(s), "BG112", "FROM %s has no tag or digest: it means :latest", ref)
		case tag == "latest":
			c.at(stageLine(s), "BG112", "FROM %s follows whatever :latest is today", ref)
		}
	}
}

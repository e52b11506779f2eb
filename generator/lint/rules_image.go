package lint

import (
	"path"
	"regexp"
	"slices"
	"strings"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"

	"github.com/berth-dev/berth/generator/finding"
	"github.com/berth-dev/berth/generator/model"
)

// finalFacts is the final stage and what its base image holds; known is false when
// the image's name does not tell.
func (c *checker) finalFacts() (final *instructions.Stage, facts model.ImageFacts, known bool) {
	s := c.df.final()
	if s == nil {
		return nil, model.ImageFacts{}, false
	}
	facts, known = model.FactsOf(c.df.baseImage(s))
	return s, facts, known
}

var ruleCGOLibc = finding.Rule{ID: "BG107", Severity: finding.Error, Title: "cgo binary on a runtime without a matching libc",
	Why: "A binary built with CGO_ENABLED=1 links the builder's libc dynamically. scratch and distroless/static have none; a glibc binary on alpine (musl) fails with 'not found'; a musl binary on a glibc image fails the same way.",
	Fix: "Build with CGO_ENABLED=0, or pair builder and runtime: golang:*-bookworm/trixie with debian or distroless/base, golang:*-alpine with alpine."}

// checkCGOLibc: a cgo binary needs the builder's libc in the final image.
func checkCGOLibc(c *checker) {
	r, cgo, why, ok := c.cgoBuild()
	final, facts, known := c.finalFacts()
	if !ok || !cgo || final == nil || !known {
		return
	}
	builderLibc := model.Glibc
	if builder, _ := model.FactsOf(c.df.baseImage(r.stage)); builder.Libc == model.Musl {
		builderLibc = model.Musl
	}
	runtime := c.df.baseImage(final)
	switch {
	case facts.Libc == model.NoLibc:
		c.at(stageLine(final), ruleCGOLibc, "the binary is built with cgo (%s, line %d) but %s has no C library", why, r.line, runtime)
	case facts.Libc != builderLibc:
		c.at(stageLine(final), ruleCGOLibc, "the binary is built with cgo against %s (%s, line %d) but %s has %s", builderLibc, why, r.line, runtime, facts.Libc)
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

var ruleCACerts = finding.Rule{ID: "BG108", Severity: finding.Error, Title: "final image without CA certificates",
	Why: "On scratch (or a debian image without ca-certificates) every TLS connection fails with 'x509: certificate signed by unknown authority'.",
	Fix: "COPY --from=build /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/, or use distroless/static, which has them."}

func checkCACerts(c *checker) {
	final, facts, known := c.finalFacts()
	if final == nil || !known || facts.Certs || (c.repo != nil && !c.repo.tls) {
		return
	}
	if c.provides(final, "/etc/ssl", "ca-certificates") || c.provides(final, "ca-certificates", "ca-certificates") {
		return
	}
	why := "Go's TLS clients"
	if c.repo != nil {
		why = "the code (it imports crypto/tls)"
	}
	c.at(stageLine(final), ruleCACerts, "%s has no CA certificates, which %s need", c.df.baseImage(final), why)
}

var ruleTZData = finding.Rule{ID: "BG109", Severity: finding.Warning, Title: "final image without tzdata while the code loads time zones",
	Why: "time.LoadLocation reads /usr/share/zoneinfo; scratch has none, so it fails at run time.",
	Fix: "Build with -tags timetzdata (or import _ \"time/tzdata\"), or copy /usr/share/zoneinfo from the builder."}

func checkTZData(c *checker) {
	final, facts, known := c.finalFacts()
	if final == nil || !known || facts.TZData || c.repo == nil || !c.repo.loadsZones || c.repo.embedsTZ {
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
	c.at(stageLine(final), ruleTZData, "%s has no /usr/share/zoneinfo but the code calls time.LoadLocation (%s)", c.df.baseImage(final), c.repo.zoneCall)
}

// Programs the shell-less images lack.
// externalTool: a shell or one of the tools health checks call, which an image without
// a shell lacks unless the Dockerfile adds it.
func externalTool(program string) bool {
	return slices.Contains([]string{"sh", "bash", "ash"}, program) || slices.Contains(model.HealthTools, program)
}

var ruleMissingProgram = finding.Rule{ID: "BG110", Severity: finding.Error, Title: "HEALTHCHECK, ENTRYPOINT or CMD calls a program the final image lacks",
	Why: "scratch and distroless have no shell, wget or curl: a shell-form instruction or a curl health check never runs, the container reports unhealthy or does not start.",
	Fix: "Use exec form with the service's own binary, e.g. HEALTHCHECK CMD [\"/app\", \"healthcheck\"]."}

func checkMissingProgram(c *checker) {
	final, facts, known := c.finalFacts()
	if final == nil || !known || facts.Shell {
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
			c.at(lineOf(cmd), ruleMissingProgram, "%s in shell form runs /bin/sh -c, which %s does not have", what, image)
		case len(line) > 0 && externalTool(path.Base(line[0])) && !c.provides(final, line[0], path.Base(line[0])):
			c.at(lineOf(cmd), ruleMissingProgram, "%s runs %s, which %s does not have", what, line[0], image)
		}
	}
}

var numericUser = regexp.MustCompile(`^[0-9]+(:[0-9]+)?$`)

var ruleUser = finding.Rule{ID: "BG111", Severity: finding.Error, Title: "final stage runs as root or without a numeric USER",
	Why: "Without USER the process runs as root. A user name cannot be checked by Kubernetes' runAsNonRoot (it needs a numeric UID) and must exist in /etc/passwd, which scratch lacks.",
	Fix: "USER 65532:65532 (a numeric non-root UID and GID) in the final stage."}

func checkUser(c *checker) {
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
		c.at(stageLine(final), ruleUser, "the final stage has no USER: the process runs as root")
		return
	}
	uid, _, _ := strings.Cut(user, ":")
	switch {
	case uid == "0" || uid == "root":
		c.at(line, ruleUser, "USER %s runs the process as root", user)
	case !numericUser.MatchString(user):
		c.at(line, ruleUser, "USER %s is not numeric: Kubernetes can verify runAsNonRoot only for a numeric UID, and scratch has no /etc/passwd to resolve a name", user)
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

var ruleUnpinned = finding.Rule{ID: "BG112", Severity: finding.Warning, Title: "base image not pinned",
	Why: "FROM image or image:latest builds with whatever the registry serves today: builds are not reproducible and a new major Go or distro release arrives unannounced.",
	Fix: "Pin a tag (golang:1.26.8-trixie) or a digest (@sha256:…)."}

func checkUnpinned(c *checker) {
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
			c.at(stageLine(s), ruleUnpinned, "FROM %s has no tag or digest: it means :latest", ref)
		case tag == "latest":
			c.at(stageLine(s), ruleUnpinned, "FROM %s follows whatever :latest is today", ref)
		}
	}
}

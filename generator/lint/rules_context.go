package lint

import (
	"regexp"
	"strings"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"
)

// ruleVendor: a module with vendor/ must send it to the build, copy it, and say -mod=vendor.
func ruleVendor(c *checker) {
	if c.repo == nil || !c.repo.vendor {
		return
	}
	if c.ignore != nil {
		if line, pattern, excluded := c.ignore.excludes("vendor/modules.txt"); excluded {
			c.report(c.ignore.name, line, "BG113", ".dockerignore pattern %q drops vendor/, which the build needs (vendor/modules.txt is consistent with go.mod)", pattern)
		}
	}
	builds := c.goBuilds()
	if len(builds) == 0 {
		return
	}
	r := builds[len(builds)-1]
	if !c.sendsVendor(r.stage) {
		c.at(r.line, "BG114", "the module has vendor/ but no COPY or bind mount of this stage brings it into the build")
	}
	if f := parseGoFlags(r.cmd.args[2:], r.env["GOFLAGS"]); f.value("-mod") != "vendor" {
		c.at(r.line, "BG115", "the module has vendor/ but go build does not say -mod=vendor")
	}
}

// sendsVendor: a COPY or bind mount of the whole context or of vendor/ in the stage
// or the stages it derives from.
func (c *checker) sendsVendor(s *instructions.Stage) bool {
	for s != nil {
		for _, cmd := range s.Commands {
			switch cmd := cmd.(type) {
			case *instructions.CopyCommand:
				if cmd.From == "" && (copiesWholeContext(cmd.SourcePaths) || hasVendor(cmd.SourcePaths)) {
					return true
				}
			case *instructions.RunCommand:
				for _, m := range instructions.GetMounts(cmd) {
					if m.Type == instructions.MountTypeBind && m.From == "" && (copiesWholeContext([]string{m.Source}) || m.Source == "" || hasVendor([]string{m.Source})) {
						return true
					}
				}
			}
		}
		s = c.df.parent(s)
	}
	return false
}

func hasVendor(sources []string) bool {
	for _, s := range sources {
		if strings.HasPrefix(strings.TrimPrefix(s, "./"), "vendor") {
			return true
		}
	}
	return false
}

func ruleGoModIgnored(c *checker) {
	if c.ignore == nil {
		return
	}
	for _, f := range []string{"go.mod", "go.sum"} {
		if c.repo != nil && !c.repo.has(f) {
			continue
		}
		if line, pattern, excluded := c.ignore.excludes(f); excluded {
			c.report(c.ignore.name, line, "BG116", ".dockerignore pattern %q drops %s, which the build reads", pattern, f)
		}
	}
}

// ruleInsecureGoEnv: checksum verification or TLS switched off, by ENV, ARG, an
// inline assignment or go env -w.
func ruleInsecureGoEnv(c *checker) {
	check := func(line int, key, value string) {
		switch {
		case key == "GOSUMDB" && value == "off":
			c.at(line, "BG117", "GOSUMDB=off switches off module checksum verification")
		case key == "GOFLAGS" && strings.Contains(value, "-insecure"):
			c.at(line, "BG117", "GOFLAGS=%s fetches modules over insecure transports", value)
		case (key == "GOINSECURE" || key == "GONOSUMDB" || key == "GONOSUMCHECK") && value != "":
			c.at(line, "BG117", "%s=%s skips verification for those modules; GOPRIVATE says the same for private modules only", key, value)
		}
	}
	for si := range c.df.stages {
		for _, cmd := range c.df.stages[si].Commands {
			switch cmd := cmd.(type) {
			case *instructions.EnvCommand:
				for _, kv := range cmd.Env {
					check(lineOf(cmd), kv.Key, kv.Value)
				}
			case *instructions.ArgCommand:
				for _, a := range cmd.Args {
					check(lineOf(cmd), a.Key, a.ValueString())
				}
			}
		}
	}
	for _, r := range c.goRuns() {
		for k, v := range r.cmd.env {
			check(r.line, k, v)
		}
		if isGo(r.cmd, "env", "-w") {
			for _, a := range r.cmd.args[3:] {
				if k, v, ok := strings.Cut(a, "="); ok {
					check(r.line, k, v)
				}
			}
		}
	}
}

var (
	secretName     = regexp.MustCompile(`(?i)(TOKEN|PASSWORD|PASSWD|SECRET|NETRC|CREDENTIAL|API_?KEY|PRIVATE_?KEY)`)
	userinfoInURL  = regexp.MustCompile(`://[^/@\s:]+:[^/@\s]+@`)
	netrcInScripts = regexp.MustCompile(`\.netrc`)
)

func ruleSecrets(c *checker) {
	for si := range c.df.stages {
		for _, cmd := range c.df.stages[si].Commands {
			switch cmd := cmd.(type) {
			case *instructions.ArgCommand:
				for _, a := range cmd.Args {
					c.secretVar(lineOf(cmd), "ARG", a.Key, a.ValueString())
				}
			case *instructions.EnvCommand:
				for _, kv := range cmd.Env {
					c.secretVar(lineOf(cmd), "ENV", kv.Key, kv.Value)
				}
			case *instructions.CopyCommand:
				for _, src := range cmd.SourcePaths {
					if strings.HasSuffix(src, ".netrc") || strings.Contains(src, "id_rsa") || strings.Contains(src, "id_ed25519") {
						c.at(lineOf(cmd), "BG118", "COPY %s puts credentials into an image layer", src)
					}
				}
			case *instructions.RunCommand:
				if netrcInScripts.MatchString(runScript(cmd)) && !hasMount(cmd, instructions.MountTypeSecret, "") {
					c.at(lineOf(cmd), "BG118", "RUN writes or reads .netrc without a secret mount: the credentials stay in the layer")
				}
			}
		}
	}
}

func (c *checker) secretVar(line int, kind, key, value string) {
	switch {
	case key == "GOPROXY" && userinfoInURL.MatchString(value):
		c.at(line, "BG118", "%s GOPROXY carries a user and password in the URL", kind)
	case secretName.MatchString(key) && !strings.HasSuffix(key, "_FILE"):
		c.at(line, "BG118", "%s %s: build arguments and environment are stored in the image", kind, key)
	}
}

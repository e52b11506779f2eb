package lint

import (
	"regexp"
	"strings"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"

	"github.com/berth-dev/berth/generator/finding"
)

var ruleVendorIgnored = finding.Rule{ID: "BG113", Severity: finding.Error, Title: "vendor/ excluded by .dockerignore",
	Why: "With vendor/modules.txt present the build expects vendor/; a .dockerignore that drops it makes the go command download modules instead, or fail offline with 'inconsistent vendoring'.",
	Fix: "Remove the pattern that matches vendor/ from .dockerignore."}

var ruleVendorNotSent = finding.Rule{ID: "BG114", Severity: finding.Error, Title: "vendor/ not copied into the build",
	Why: "The module has vendor/ but the COPY instructions name other paths (COPY ./src …): vendor/ is silently left behind.",
	Fix: "COPY vendor/ ./vendor/ (or COPY . .), or bind-mount the whole context."}

var ruleVendorFlag = finding.Rule{ID: "BG115", Severity: finding.Warning, Title: "vendor/ present but go build without -mod=vendor",
	Why: "The go command uses vendor/ only when go.mod's go version is 1.14 or later and vendor/modules.txt is consistent; saying -mod=vendor makes a missing or stale vendor/ fail loudly instead of downloading.",
	Fix: "go build -mod=vendor … or ENV GOFLAGS=-mod=vendor."}

// checkVendor: a module with vendor/ must send it to the build, copy it, and say -mod=vendor.
func checkVendor(c *checker) {
	if c.repo == nil || !c.repo.vendor {
		return
	}
	if c.ignore != nil {
		if line, pattern, excluded := c.ignore.excludes("vendor/modules.txt"); excluded {
			c.report(c.ignore.name, line, ruleVendorIgnored, ".dockerignore pattern %q drops vendor/, which the build needs (vendor/modules.txt is consistent with go.mod)", pattern)
		}
	}
	builds := c.goBuilds()
	if len(builds) == 0 {
		return
	}
	r := builds[len(builds)-1]
	if !c.sendsVendor(r.stage) {
		c.at(r.line, ruleVendorNotSent, "the module has vendor/ but no COPY or bind mount of this stage brings it into the build")
	}
	if f := parseGoFlags(r.cmd.args[2:], r.env["GOFLAGS"]); f.value("-mod") != "vendor" {
		c.at(r.line, ruleVendorFlag, "the module has vendor/ but go build does not say -mod=vendor")
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

var ruleGoModIgnored = finding.Rule{ID: "BG116", Severity: finding.Error, Title: "go.mod or go.sum excluded by .dockerignore",
	Why: "Without go.mod the build runs in GOPATH mode or fails; without go.sum every module fails verification.",
	Fix: "Remove the pattern that matches go.mod or go.sum from .dockerignore."}

func checkGoModIgnored(c *checker) {
	if c.ignore == nil {
		return
	}
	for _, f := range []string{"go.mod", "go.sum"} {
		if c.repo != nil && !c.repo.has(f) {
			continue
		}
		if line, pattern, excluded := c.ignore.excludes(f); excluded {
			c.report(c.ignore.name, line, ruleGoModIgnored, ".dockerignore pattern %q drops %s, which the build reads", pattern, f)
		}
	}
}

var ruleInsecureGoEnv = finding.Rule{ID: "BG117", Severity: finding.Error, Title: "module verification or transport security switched off",
	Why: "GOSUMDB=off, GONOSUMDB/GONOSUMCHECK/GOINSECURE for public modules, GOFLAGS=-insecure or GOPROXY=direct with GOSUMDB off let a tampered module in unnoticed.",
	Fix: "Keep GOSUMDB on; list only private module paths in GOPRIVATE (which also skips the checksum database for them)."}

// checkInsecureGoEnv: checksum verification or TLS switched off, by ENV, ARG, an
// inline assignment or go env -w.
func checkInsecureGoEnv(c *checker) {
	check := func(line int, key, value string) {
		switch {
		case key == "GOSUMDB" && value == "off":
			c.at(line, ruleInsecureGoEnv, "GOSUMDB=off switches off module checksum verification")
		case key == "GOFLAGS" && strings.Contains(value, "-insecure"):
			c.at(line, ruleInsecureGoEnv, "GOFLAGS=%s fetches modules over insecure transports", value)
		case (key == "GOINSECURE" || key == "GONOSUMDB" || key == "GONOSUMCHECK") && value != "":
			c.at(line, ruleInsecureGoEnv, "%s=%s skips verification for those modules; GOPRIVATE says the same for private modules only", key, value)
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

var ruleSecrets = finding.Rule{ID: "BG118", Severity: finding.Error, Title: "credentials in ARG, ENV or GOPROXY",
	Why: "ARG and ENV values are stored in the image history and metadata: a GITHUB_TOKEN, a .netrc or a GOPROXY with user:password@ leaks to everyone who can pull the image.",
	Fix: "Use a BuildKit secret: RUN --mount=type=secret,id=netrc,target=/root/.netrc go mod download."}

func checkSecrets(c *checker) {
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
						c.at(lineOf(cmd), ruleSecrets, "COPY %s puts credentials into an image layer", src)
					}
				}
			case *instructions.RunCommand:
				if netrcInScripts.MatchString(runScript(cmd)) && !hasMount(cmd, instructions.MountTypeSecret, "") {
					c.at(lineOf(cmd), ruleSecrets, "RUN writes or reads .netrc without a secret mount: the credentials stay in the layer")
				}
			}
		}
	}
}

func (c *checker) secretVar(line int, kind, key, value string) {
	switch {
	case key == "GOPROXY" && userinfoInURL.MatchString(value):
		c.at(line, ruleSecrets, "%s GOPROXY carries a user and password in the URL", kind)
	case secretName.MatchString(key) && !strings.HasSuffix(key, "_FILE"):
		c.at(line, ruleSecrets, "%s %s: build arguments and environment are stored in the image", kind, key)
	}
}

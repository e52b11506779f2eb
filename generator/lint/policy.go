package lint

import (
	"fmt"
	"slices"
	"strings"

	"github.com/berth-dev/berth/generator/finding"
)

// Config is berth-lint.yaml: rules switched off and the build-flags policy.
type Config struct {
	Disable    []string `yaml:"disable"`
	BuildFlags *Policy  `yaml:"buildFlags"`
}

// Policy is a build-flags spec, as a CI audit script would check it: flags every go
// build line must carry, flags it may carry with allowed values, and flags it must not
// carry. A rule names
// a flag (-ldflags) or an environment variable (CGO_ENABLED).
type Policy struct {
	Required  []FlagRule `yaml:"required"`
	Optional  []FlagRule `yaml:"optional"`
	Forbidden []string   `yaml:"forbidden"`
}

// FlagRule constrains one flag or variable.
type FlagRule struct {
	Flag     string   `yaml:"flag"`
	Env      string   `yaml:"env"`
	Values   []string `yaml:"values"`   // allowed values; for -tags each tag
	Contains []string `yaml:"contains"` // words the value must hold, e.g. [-s, -w]
}

func (r FlagRule) name() string { return r.Flag + r.Env }

func (r FlagRule) lookup(flags goFlags, env map[string]string) (string, bool) {
	if r.Env != "" {
		v, ok := env[r.Env]
		return v, ok
	}
	v, ok := flags[r.Flag]
	return v, ok
}

// check returns BF202 messages for a value outside the rule.
func (r FlagRule) check(value string) []string {
	var out []string
	if len(r.Values) > 0 {
		parts := []string{value}
		if r.Flag == "-tags" {
			parts = strings.FieldsFunc(value, func(c rune) bool { return c == ',' || c == ' ' })
		}
		for _, p := range parts {
			if !slices.Contains(r.Values, p) {
				out = append(out, fmt.Sprintf("%s %q is not allowed (allowed: %s)", r.name(), p, strings.Join(r.Values, ", ")))
			}
		}
	}
	if missing := missingWords(value, r.Contains); len(missing) > 0 {
		out = append(out, fmt.Sprintf("%s %q lacks %s", r.name(), value, strings.Join(missing, " ")))
	}
	return out
}

func missingWords(value string, want []string) []string {
	var out []string
	fields := strings.Fields(value)
	for _, w := range want {
		if !slices.Contains(fields, w) {
			out = append(out, w)
		}
	}
	return out
}

var ruleGoBuildA = finding.Rule{ID: "BG103", Severity: finding.Warning, Title: "go build -a",
	Why: "-a rebuilds every package, the standard library included, on every build: it defeats the build cache and turns a seconds-long rebuild into minutes.",
	Fix: "Remove -a; mount the build cache (RUN --mount=type=cache,target=/root/.cache/go-build)."}

var ruleTrimpath = finding.Rule{ID: "BG119", Severity: finding.Warning, Title: "go build without -trimpath",
	Why: "Without -trimpath the binary embeds the builder's file system paths: builds are not reproducible and paths leak.",
	Fix: "go build -trimpath …"}

var ruleStripSymbols = finding.Rule{ID: "BG120", Severity: finding.Warning, Title: "go build without -ldflags \"-s -w\"",
	Why: "The symbol table and DWARF data make the binary about a third larger and are rarely used in production.",
	Fix: "go build -ldflags \"-s -w\" … (keep them for a debug build)."}

var rulePolicyRequired = finding.Rule{ID: "BF201", Severity: finding.Error, Title: "build-flags policy: a required flag is missing",
	Why: "The build-flags policy (berth-lint.yaml, buildFlags.required) lists flags every go build line must carry.",
	Fix: "Add the flag to the go build line, or change the policy."}

var rulePolicyValue = finding.Rule{ID: "BF202", Severity: finding.Error, Title: "build-flags policy: a flag has a value the policy does not allow",
	Why: "The policy's values list the accepted values of a flag (or of an environment variable such as CGO_ENABLED).",
	Fix: "Use one of the allowed values, or extend the policy."}

var rulePolicyForbidden = finding.Rule{ID: "BF203", Severity: finding.Error, Title: "build-flags policy: a forbidden flag is used",
	Why: "The policy's forbidden list names flags no go build line may carry (e.g. -a, -race in release builds).",
	Fix: "Remove the flag, or change the policy."}

// goBuildFindings checks one go build line, wherever it is: berth's own flag rules
// (BG103, BG119, BG120) and the policy (BF201–BF203).
func goBuildFindings(file string, line int, cmd command, env map[string]string, p *Policy) finding.List {
	var out finding.List
	add := func(rule finding.Rule, format string, args ...any) {
		out = append(out, rule.At(file, line, format, args...))
	}
	flags := parseGoFlags(cmd.args[2:], env["GOFLAGS"])
	if flags.has("-a") {
		add(ruleGoBuildA, "go build -a rebuilds every package, the standard library included, on every build")
	}
	if !flags.has("-trimpath") {
		add(ruleTrimpath, "go build without -trimpath embeds the builder's paths")
	}
	if missing := missingWords(flags.value("-ldflags"), []string{"-s", "-w"}); len(missing) > 0 {
		add(ruleStripSymbols, "go build without -ldflags \"-s -w\" keeps the symbol table and DWARF data")
	}
	if p == nil {
		return out
	}
	for _, r := range p.Required {
		v, ok := r.lookup(flags, env)
		if !ok {
			add(rulePolicyRequired, "the policy requires %s", r.name())
			continue
		}
		for _, msg := range r.check(v) {
			add(rulePolicyValue, "%s", msg)
		}
	}
	for _, r := range p.Optional {
		if v, ok := r.lookup(flags, env); ok {
			for _, msg := range r.check(v) {
				add(rulePolicyValue, "%s", msg)
			}
		}
	}
	for _, f := range p.Forbidden {
		if flags.has(f) {
			add(rulePolicyForbidden, "the policy forbids %s", f)
		}
	}
	return out
}

package lint

import (
	"fmt"
	"slices"
	"strings"
)

// Config is berth-lint.yaml: rules switched off and the build-flags policy.
type Config struct {
	Disable    []string `yaml:"disable"`
	BuildFlags *Policy  `yaml:"buildFlags"`
}

// Policy is seed 4.4's build-flags spec: flags every go build line must carry,
// flags it may carry with allowed values, and flags it must not carry. A rule names
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

// goBuildFindings checks one go build line, wherever it is: berth's own flag rules
// (BG103, BG119, BG120) and the policy (BF201–BF203).
func goBuildFindings(file string, line int, cmd command, env map[string]string, p *Policy) []Finding {
	var out []Finding
	add := func(id, format string, args ...any) {
		r, _ := RuleByID(id)
		out = append(out, Finding{File: file, Line: line, Column: 1, Rule: id, Severity: r.Severity, Message: fmt.Sprintf(format, args...), Fix: r.Fix})
	}
	flags := parseGoFlags(cmd.args[2:], env["GOFLAGS"])
	if flags.has("-a") {
		add("BG103", "go build -a rebuilds every package, the standard library included, on every build")
	}
	if !flags.has("-trimpath") {
		add("BG119", "go build without -trimpath embeds the builder's paths")
	}
	if missing := missingWords(flags.value("-ldflags"), []string{"-s", "-w"}); len(missing) > 0 {
		add("BG120", "go build without -ldflags \"-s -w\" keeps the symbol table and DWARF data")
	}
	if p == nil {
		return out
	}
	for _, r := range p.Required {
		v, ok := r.lookup(flags, env)
		if !ok {
			add("BF201", "the policy requires %s", r.name())
			continue
		}
		for _, msg := range r.check(v) {
			add("BF202", "%s", msg)
		}
	}
	for _, r := range p.Optional {
		if v, ok := r.lookup(flags, env); ok {
			for _, msg := range r.check(v) {
				add("BF202", "%s", msg)
			}
		}
	}
	for _, f := range p.Forbidden {
		if flags.has(f) {
			add("BF203", "the policy forbids %s", f)
		}
	}
	return out
}

// Package doctor checks the Go toolchain where berth runs, host or container: GOROOT
// against the go binary that actually runs, GOENV, proxy and checksum
// settings, cgo's compiler, GOTOOLCHAIN against go.mod, and a BuildKit-capable
// docker client. It reads only the environment it is given, so tests craft one.
package doctor

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/berth-dev/berth/generator/finding"
)

// Env is the environment to examine: variables (os.Environ in production) and the
// directory whose go.mod counts.
type Env struct {
	Vars map[string]string
	Dir  string
}

// Current is the process's own environment and working directory.
func Current() Env {
	vars := map[string]string{}
	for _, kv := range os.Environ() {
		k, v, _ := strings.Cut(kv, "=")
		vars[k] = v
	}
	dir, _ := os.Getwd()
	return Env{Vars: vars, Dir: dir}
}

// doctor collects findings; each check is one small method.
type doctor struct {
	env      Env
	goBin    string
	goEnv    map[string]string
	version  string // go1.26.8
	findings finding.List
}

func (d *doctor) add(rule finding.Rule, format string, args ...any) {
	d.findings = append(d.findings, rule.Finding(format, args...))
}

// addAs reports a situation of rule that has its own severity and fix.
func (d *doctor) addAs(rule finding.Rule, sev finding.Severity, fix, format string, args ...any) {
	f := rule.Finding(format, args...)
	f.Severity, f.Fix = sev, fix
	d.findings = append(d.findings, f)
}

// Check runs every check and returns the findings in a stable order.
func Check(env Env) finding.List {
	d := &doctor{env: env}
	if !d.findGo() {
		return d.findings
	}
	for _, check := range []func(){d.checkGOROOT, d.checkPath, d.checkGOENV, d.checkGOFLAGS, d.checkModuleSecurity, d.checkCgo, d.checkToolchain} {
		check()
	}
	d.checkDocker()
	return d.findings
}

// run executes a program with the examined environment.
func (d *doctor) run(name string, args ...string) (string, error) {
	cmd := exec.Command(name, args...)
	cmd.Dir = d.env.Dir
	for k, v := range d.env.Vars {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("%s %s: %w: %s", name, strings.Join(args, " "), err, strings.TrimSpace(errb.String()))
	}
	return out.String(), nil
}

// lookPath finds a program on the examined PATH.
func (d *doctor) lookPath(name string) string {
	if strings.Contains(name, "/") {
		if isExecutable(name) {
			return name
		}
		return ""
	}
	for _, dir := range filepath.SplitList(d.env.Vars["PATH"]) {
		if p := filepath.Join(dir, name); isExecutable(p) {
			return p
		}
	}
	return ""
}

func isExecutable(p string) bool {
	st, err := os.Stat(p)
	return err == nil && !st.IsDir() && st.Mode()&0o111 != 0
}

var ruleGo = finding.Rule{ID: "D101", Severity: finding.Error, Title: "no go command, or one that does not run",
	Why: "Every check reads go env -json of the go that PATH finds; without it nothing else can be examined.",
	Fix: "Install Go (https://go.dev/dl) and put its bin directory on PATH."}

var ruleGOROOTTree = finding.Rule{ID: "D103", Severity: finding.Error, Title: "GOROOT is missing or not a Go tree",
	Why: "A GOROOT without bin/go, src/ and VERSION breaks every build, and go refuses to run with some of them.",
	Fix: "Unset GOROOT or reinstall Go; GOROOT must be the directory that holds bin/go and src/."}

func (d *doctor) findGo() bool {
	d.goBin = d.lookPath("go")
	if d.goBin == "" {
		d.add(ruleGo, "no go command on PATH")
		return false
	}
	out, err := d.run(d.goBin, "env", "-json")
	if err == nil {
		err = json.Unmarshal([]byte(out), &d.goEnv)
	}
	switch {
	case err != nil && d.env.Vars["GOROOT"] != "":
		d.addAs(ruleGOROOTTree, finding.Error, "Unset GOROOT: the go binary finds its own root.", "GOROOT=%s is set and %s refuses to run with it: %v", d.env.Vars["GOROOT"], d.goBin, err)
		return false
	case err != nil:
		d.addAs(ruleGo, finding.Error, "Fix the go installation, or the GOENV it is told to use, until 'go env' works.", "%s does not run: %v", d.goBin, err)
		return false
	}
	d.version = d.goEnv["GOVERSION"]
	return true
}

package lint

import (
	"maps"
	"strings"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"

	"github.com/berth-dev/berth/generator/finding"
)

// checker is the one collector every Dockerfile rule reports to.
type checker struct {
	df       *dockerfile
	file     string
	ignore   *ignoreFile // .dockerignore beside the Dockerfile; nil when absent
	repo     *repoFacts  // the Go module beside it; nil when absent
	policy   *Policy
	findings finding.List
	runs     []goRun // every go command of every RUN; read once, see goRuns
	runsRead bool
	envs     map[*instructions.Stage]map[string]envVar // each stage's whole environment, once
}

func (c *checker) report(file string, line int, rule finding.Rule, format string, args ...any) {
	c.findings = append(c.findings, rule.At(file, line, format, args...))
}

func (c *checker) at(line int, rule finding.Rule, format string, args ...any) {
	c.report(c.file, line, rule, format, args...)
}

// dockerfileRules run in this order on every Dockerfile.
var dockerfileRules = []func(*checker){
	checkGOROOT, checkGoEnvW, checkGoBuildFlags, checkSourcesBeforeDownload, checkCacheMounts, checkCGOExplicit,
	checkCGOLibc, checkCACerts, checkTZData, checkMissingProgram, checkUser, checkUnpinned, checkVendor,
	checkGoModIgnored, checkInsecureGoEnv, checkSecrets,
}

// envVar is a variable set by ENV or ARG, or inline on a RUN line.
type envVar struct {
	value string
	line  int
}

// stageEnv is what ENV and ARG set in a stage and the stages it derives from, up to
// (not including) the instruction at index upto (-1 for all).
// The result is the caller's to change.
func (c *checker) stageEnv(s *instructions.Stage, upto int) map[string]envVar {
	if upto < 0 {
		return maps.Clone(c.wholeEnv(s))
	}
	return c.addEnv(s, upto)
}

// wholeEnv is stageEnv of a whole stage, computed once per stage: a chain of stages
// then costs one pass, not one per stage below it.
func (c *checker) wholeEnv(s *instructions.Stage) map[string]envVar {
	if env, ok := c.envs[s]; ok {
		return env
	}
	if c.envs == nil {
		c.envs = map[*instructions.Stage]map[string]envVar{}
	}
	env := c.addEnv(s, -1)
	c.envs[s] = env
	return env
}

// addEnv is the parent's whole environment plus what s sets before index upto.
func (c *checker) addEnv(s *instructions.Stage, upto int) map[string]envVar {
	out := map[string]envVar{}
	if parent := c.df.parent(s); parent != nil {
		maps.Copy(out, c.wholeEnv(parent))
	}
	for i, cmd := range s.Commands {
		if upto >= 0 && i >= upto {
			break
		}
		switch cmd := cmd.(type) {
		case *instructions.EnvCommand:
			for _, kv := range cmd.Env {
				out[kv.Key] = envVar{kv.Value, lineOf(cmd)}
			}
		case *instructions.ArgCommand:
			for _, a := range cmd.Args {
				if a.Value != nil {
					out[a.Key] = envVar{*a.Value, lineOf(cmd)}
				}
			}
		}
	}
	return out
}

// goRun is one go command in a RUN instruction, with the environment it sees.
type goRun struct {
	stage *instructions.Stage
	index int
	run   *instructions.RunCommand
	cmd   command
	env   map[string]string
	line  int
}

// goRuns lists every go command of every RUN, in file order.
func (c *checker) goRuns() []goRun {
	if !c.runsRead {
		c.runs, c.runsRead = c.readGoRuns(), true
	}
	return c.runs
}

func (c *checker) readGoRuns() []goRun {
	var out []goRun
	for si := range c.df.stages {
		s := &c.df.stages[si]
		for i, cmd := range s.Commands {
			run, ok := cmd.(*instructions.RunCommand)
			if !ok {
				continue
			}
			for _, gc := range goCommands(run) {
				env := map[string]string{}
				for k, v := range c.stageEnv(s, i) {
					env[k] = v.value
				}
				for k, v := range gc.env {
					env[k] = v
				}
				out = append(out, goRun{stage: s, index: i, run: run, cmd: gc, env: env, line: lineOf(run)})
			}
		}
	}
	return out
}

func (c *checker) goBuilds() []goRun {
	var out []goRun
	for _, r := range c.goRuns() {
		if isGo(r.cmd, "build") {
			out = append(out, r)
		}
	}
	return out
}

func hasMount(run *instructions.RunCommand, typ instructions.MountType, targetPart string) bool {
	for _, m := range instructions.GetMounts(run) {
		if m.Type == typ && (targetPart == "" || strings.Contains(m.Target, targetPart)) {
			return true
		}
	}
	return false
}

package finding

import (
	"cmp"
	"encoding/json"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/owenrumney/go-sarif/v2/sarif"
)

// Format is an output format of findings.
type Format string

const (
	Text  Format = "text"
	JSON  Format = "json"
	SARIF Format = "sarif"
)

// Formats lists every format, for flag help and errors.
var Formats = []Format{Text, JSON, SARIF}

// ParseFormat reads an --output value.
func ParseFormat(s string) (Format, error) {
	for _, f := range Formats {
		if string(f) == s {
			return f, nil
		}
	}
	return "", fmt.Errorf("--output %q: want text, json or sarif", s)
}

// Options are what the writers need besides the findings.
type Options struct {
	Tool    string // the command, e.g. "berth lint", for SARIF's driver name
	Version string // berth's version, for SARIF
	Rules   []Rule // the catalogue SARIF describes; findings of other rules get a bare entry
	// Fixes prints each finding's fix under it in text (doctor's findings have no file
	// to open, so the fix is the way forward).
	Fixes bool
}

// Write prints findings in format: text, one a line (errors first where the list is
// sorted that way); JSON, {"ok", "errors", "warnings", "findings"}; or a SARIF 2.1.0 log.
func Write(w io.Writer, format Format, findings List, opts Options) error {
	switch format {
	case JSON:
		return writeJSON(w, findings)
	case SARIF:
		return writeSARIF(w, findings, opts)
	}
	return writeText(w, findings, opts)
}

func writeText(w io.Writer, findings List, opts Options) error {
	for _, f := range findings {
		line := f.String()
		if opts.Fixes && f.Fix != "" {
			line += "\n  fix: " + f.Fix
		}
		if _, err := fmt.Fprintln(w, line); err != nil {
			return err
		}
	}
	return nil
}

// Report is the JSON document of every command's --output json.
type Report struct {
	OK       bool `json:"ok"`
	Errors   int  `json:"errors"`
	Warnings int  `json:"warnings"`
	Findings List `json:"findings"`
}

func writeJSON(w io.Writer, findings List) error {
	errs, warns := findings.Count()
	if findings == nil {
		findings = List{}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(Report{OK: errs == 0, Errors: errs, Warnings: warns, Findings: findings})
}

// writeSARIF prints a SARIF 2.1.0 log for code-scanning UIs: every catalogued rule with
// its help text, and each finding with a relative artifact URI where it has a file, and
// its descriptor path as a logical location where it has one.
func writeSARIF(w io.Writer, findings List, opts Options) error {
	report, err := sarif.New(sarif.Version210, true)
	if err != nil {
		return err
	}
	run := sarif.NewRunWithInformationURI(cmp.Or(opts.Tool, "berth"), "https://github.com/berth-dev/berth")
	run.Tool.Driver.WithVersion(opts.Version)
	known := map[string]bool{}
	for _, r := range opts.Rules {
		known[r.ID] = true
		run.AddRule(r.ID).WithName(r.ID).WithShortDescription(sarif.NewMultiformatMessageString(r.Title)).
			WithFullDescription(sarif.NewMultiformatMessageString(r.Why)).
			WithHelp(sarif.NewMultiformatMessageString("Fix: " + r.Fix)).
			WithDefaultConfiguration(sarif.NewReportingConfiguration().WithLevel(r.Severity.String()))
	}
	for _, f := range findings {
		id := cmp.Or(f.Rule, "berth")
		if !known[id] {
			known[id] = true
			addBareRule(run, id, f)
		}
		result := sarif.NewRuleResult(id).WithLevel(f.Severity.String()).WithMessage(sarif.NewTextMessage(f.Message))
		if loc := location(f); loc != nil {
			result.WithLocations([]*sarif.Location{loc})
		}
		run.AddResult(result)
	}
	report.AddRun(run)
	return report.PrettyWrite(w)
}

// addBareRule describes a rule that is not in the catalogue: one of BuildKit's checks
// (its fix is the documentation URL) or berth's own descriptor checks.
func addBareRule(run *sarif.Run, id string, f Finding) {
	name, isBuildKit := strings.CutPrefix(id, "buildkit/")
	rule := run.AddRule(id).WithName(name)
	switch {
	case isBuildKit:
		rule.WithShortDescription(sarif.NewMultiformatMessageString("BuildKit Dockerfile check " + name))
		if strings.HasPrefix(f.Fix, "https://") {
			rule.WithHelpURI(f.Fix)
		}
	case id == "berth":
		rule.WithShortDescription(sarif.NewMultiformatMessageString("service.yaml schema and rules"))
	}
}

func location(f Finding) *sarif.Location {
	if f.File == "" && f.Path == "" {
		return nil
	}
	loc := sarif.NewLocation()
	if f.File != "" {
		loc.WithPhysicalLocation(sarif.NewPhysicalLocation().
			WithArtifactLocation(sarif.NewSimpleArtifactLocation(filepath.ToSlash(f.File))).
			WithRegion(sarif.NewSimpleRegion(max(f.Line, 1), max(f.Line, 1)).WithStartColumn(max(f.Column, 1))))
	}
	if f.Path != "" {
		loc.WithLogicalLocations([]*sarif.LogicalLocation{sarif.NewLogicalLocation().WithFullyQualifiedName(f.Path).WithKind("member")})
	}
	return loc
}

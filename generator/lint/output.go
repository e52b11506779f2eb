package lint

import (
	"encoding/json"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/owenrumney/go-sarif/v2/sarif"
)

// WriteText prints one finding a line, as file:line:col: ID: message.
func WriteText(w io.Writer, findings []Finding) error {
	for _, f := range findings {
		sev := ""
		if f.Severity == Warning {
			sev = "warning: "
		}
		if _, err := fmt.Fprintf(w, "%s:%d:%d: %s: %s%s\n", f.File, f.Line, max(f.Column, 1), f.Rule, sev, f.Message); err != nil {
			return err
		}
	}
	return nil
}

// WriteJSON prints {"findings": [...], "errors": N, "warnings": N}.
func WriteJSON(w io.Writer, findings []Finding) error {
	errs, warns := 0, 0
	for _, f := range findings {
		if f.Severity == Error {
			errs++
		} else {
			warns++
		}
	}
	if findings == nil {
		findings = []Finding{}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(struct {
		Findings []Finding `json:"findings"`
		Errors   int       `json:"errors"`
		Warnings int       `json:"warnings"`
	}{findings, errs, warns})
}

// WriteSARIF prints a SARIF 2.1.0 log for code-scanning UIs: every berth rule with
// its help text, and each finding with a relative artifact URI.
func WriteSARIF(w io.Writer, findings []Finding, version string) error {
	report, err := sarif.New(sarif.Version210, true)
	if err != nil {
		return err
	}
	run := sarif.NewRunWithInformationURI("berth", "https://github.com/berth-dev/berth")
	run.Tool.Driver.WithVersion(version)
	for _, r := range Rules {
		run.AddRule(r.ID).WithName(r.ID).WithShortDescription(sarif.NewMultiformatMessageString(r.Title)).
			WithFullDescription(sarif.NewMultiformatMessageString(r.Why)).
			WithHelp(sarif.NewMultiformatMessageString("Fix: " + r.Fix)).
			WithDefaultConfiguration(sarif.NewReportingConfiguration().WithLevel(level(r.Severity)))
	}
	for _, f := range findings {
		if strings.HasPrefix(f.Rule, "buildkit/") {
			run.AddRule(f.Rule).WithName(strings.TrimPrefix(f.Rule, "buildkit/")).WithHelpURI(f.Fix).
				WithShortDescription(sarif.NewMultiformatMessageString("BuildKit Dockerfile check " + strings.TrimPrefix(f.Rule, "buildkit/")))
		}
		loc := sarif.NewPhysicalLocation().
			WithArtifactLocation(sarif.NewSimpleArtifactLocation(filepath.ToSlash(f.File))).
			WithRegion(sarif.NewSimpleRegion(f.Line, f.Line).WithStartColumn(max(f.Column, 1)))
		run.AddResult(sarif.NewRuleResult(f.Rule).WithLevel(level(f.Severity)).
			WithMessage(sarif.NewTextMessage(f.Message)).
			WithLocations([]*sarif.Location{sarif.NewLocationWithPhysicalLocation(loc)}))
	}
	report.AddRun(run)
	return report.PrettyWrite(w)
}

func level(s Severity) string {
	if s == Error {
		return "error"
	}
	return "warning"
}

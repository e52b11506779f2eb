// Package finding is the one shape of every problem berth reports, whoever finds it:
// the descriptor's schema and rules (validate, generate), lint's rules on Dockerfiles
// and CI files, and doctor's checks of the toolchain. One sort, one error text, and one
// writer for text, JSON and SARIF serve them all.
package finding

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/berth-dev/berth/generator/model"
)

// Severity says whether a finding fails the command (an error) or is only reported.
type Severity int

const (
	Error Severity = iota
	Warning
)

func (s Severity) String() string {
	if s == Warning {
		return "warning"
	}
	return "error"
}

// MarshalText writes "error" or "warning" in JSON output.
func (s Severity) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// UnmarshalText reads "error" or "warning", so a program can read berth's JSON back.
func (s *Severity) UnmarshalText(text []byte) error {
	switch string(text) {
	case "error":
		*s = Error
	case "warning":
		*s = Warning
	default:
		return fmt.Errorf("severity %q: want error or warning", text)
	}
	return nil
}

// Finding is one problem: where it is (a file position, a JSON pointer into a
// descriptor, or neither for a machine-wide check), which rule found it, and the fix.
type Finding struct {
	File     string   `json:"file,omitempty"`
	Line     int      `json:"line,omitempty"`
	Column   int      `json:"column,omitempty"`
	Path     string   `json:"path,omitempty"` // JSON pointer into a descriptor, "/" for the whole
	Rule     string   `json:"rule,omitempty"`
	Message  string   `json:"message"`
	Severity Severity `json:"severity"`
	Fix      string   `json:"fix,omitempty"`
}

// String is the GNU form editors and CI annotators understand:
// file:line:col: path: rule: [warning: ]message, each part only when known.
func (f Finding) String() string {
	var b strings.Builder
	// A file name or a descriptor key may hold a line break: quoted, it cannot start a
	// line of its own that an editor or a CI annotator would read as another finding.
	if f.File != "" {
		fmt.Fprintf(&b, "%s:%d:%d: ", model.OneLine(f.File), max(f.Line, 1), max(f.Column, 1))
	}
	for _, part := range []string{f.Path, f.Rule} {
		if part != "" {
			b.WriteString(model.OneLine(part) + ": ")
		}
	}
	if f.Severity == Warning {
		b.WriteString("warning: ")
	}
	b.WriteString(f.Message)
	return b.String()
}

// List is every finding of one run; as an error it is the findings, one a line.
type List []Finding

func (l List) Error() string {
	lines := make([]string, len(l))
	for i, f := range l {
		lines[i] = f.String()
	}
	return strings.Join(lines, "\n")
}

// HasErrors reports whether any finding is an error rather than a warning.
func (l List) HasErrors() bool {
	return slices.ContainsFunc(l, func(f Finding) bool { return f.Severity == Error })
}

// Warnings returns only the warnings.
func (l List) Warnings() List {
	var out List
	for _, f := range l {
		if f.Severity == Warning {
			out = append(out, f)
		}
	}
	return out
}

// Count returns the number of errors and of warnings.
func (l List) Count() (errors, warnings int) {
	for _, f := range l {
		if f.Severity == Error {
			errors++
		} else {
			warnings++
		}
	}
	return errors, warnings
}

// Sorted orders by file and position, then path, rule, severity and message, and drops
// exact repeats. The input is not modified.
func (l List) Sorted() List {
	out := slices.Clone(l)
	slices.SortStableFunc(out, compare)
	return slices.Compact(out)
}

func compare(a, b Finding) int {
	return cmp.Or(
		cmp.Compare(a.File, b.File),
		cmp.Compare(a.Line, b.Line),
		cmp.Compare(a.Column, b.Column),
		cmp.Compare(a.Path, b.Path),
		cmp.Compare(a.Rule, b.Rule),
		cmp.Compare(a.Severity, b.Severity),
		cmp.Compare(a.Message, b.Message),
	)
}

// Rule is one check of a catalogue (lint's BG/BF rules, doctor's D rules), declared once
// beside the function that applies it.
type Rule struct {
	ID       string
	Severity Severity
	Title    string
	Why      string // the mistake and what it costs
	Fix      string
}

// Finding returns a finding of this rule with its severity and fix.
func (r Rule) Finding(format string, args ...any) Finding {
	return Finding{Rule: r.ID, Severity: r.Severity, Message: fmt.Sprintf(format, args...), Fix: r.Fix}
}

// At returns a finding of this rule at a file position.
func (r Rule) At(file string, line int, format string, args ...any) Finding {
	f := r.Finding(format, args...)
	f.File, f.Line, f.Column = file, line, 1
	return f
}

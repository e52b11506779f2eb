package descriptor

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
)

// Severity says whether a finding stops generation.
type Severity int

const (
	Error Severity = iota
	Warning
)

// MarshalText writes "error" or "warning" in JSON output.
func (s Severity) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

func (s Severity) String() string {
	if s == Warning {
		return "warning"
	}
	return "error"
}

// Diagnostic is one located finding about a descriptor.
type Diagnostic struct {
	File     string   `json:"file"`
	Line     int      `json:"line"`
	Col      int      `json:"column"`
	Path     string   `json:"path"` // JSON pointer into the descriptor, "/" for the whole document
	Message  string   `json:"message"`
	Severity Severity `json:"severity"`
	// viewPath is Path without an environment prefix, to drop findings an
	// environment's view repeats from the base descriptor.
	viewPath string
}

// String renders the GNU form editors and CI annotators understand.
func (d Diagnostic) String() string {
	msg := d.Message
	if d.Severity == Warning {
		msg = "warning: " + msg
	}
	return fmt.Sprintf("%s:%d:%d: %s: %s", d.File, d.Line, d.Col, d.Path, msg)
}

// Diagnostics is every finding of one load; as an error it holds at least one Error.
type Diagnostics []Diagnostic

func (ds Diagnostics) Error() string {
	lines := make([]string, len(ds))
	for i, d := range ds {
		lines[i] = d.String()
	}
	return strings.Join(lines, "\n")
}

// HasErrors reports whether any finding is an error rather than a warning.
func (ds Diagnostics) HasErrors() bool {
	return slices.ContainsFunc(ds, func(d Diagnostic) bool { return d.Severity == Error })
}

// Warnings returns only the warnings.
func (ds Diagnostics) Warnings() Diagnostics {
	var out Diagnostics
	for _, d := range ds {
		if d.Severity == Warning {
			out = append(out, d)
		}
	}
	return out
}

// Sorted orders by position, then path and message, and drops exact repeats.
func (ds Diagnostics) Sorted() Diagnostics { return ds.sorted() }

// sorted orders by position, then path and message, and drops exact repeats.
func (ds Diagnostics) sorted() Diagnostics {
	out := slices.Clone(ds)
	slices.SortFunc(out, func(a, b Diagnostic) int {
		return cmp.Or(
			cmp.Compare(a.File, b.File),
			cmp.Compare(a.Line, b.Line),
			cmp.Compare(a.Col, b.Col),
			cmp.Compare(a.Path, b.Path),
			cmp.Compare(a.Severity, b.Severity),
			cmp.Compare(a.Message, b.Message),
		)
	})
	return slices.Compact(out)
}

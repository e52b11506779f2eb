// Package cli holds berth's cobra commands: they parse flags, call the generator
// packages and print. Main is the one place errors are printed and exit codes chosen.
package cli

import (
	"errors"
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/berth-dev/berth/generator/finding"
)

// Exit codes: 0 ok, 1 invalid input, drift or findings, 2 usage error.
const (
	ExitOK      = 0
	ExitInvalid = 1
	ExitUsage   = 2
)

// usageError marks a mistake in the command line itself.
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

// silentError carries an exit code for a failure that was already printed in full.
type silentError struct{ code int }

func (e silentError) Error() string { return fmt.Sprintf("exit %d", e.code) }

// Main runs berth with args and returns the process exit code.
func Main(args []string, stdout, stderr io.Writer) int {
	root := NewCmdRoot()
	root.SetArgs(args)
	root.SetOut(stdout)
	root.SetErr(stderr)
	started := false
	root.PersistentPreRun = func(*cobra.Command, []string) { started = true }
	err := root.Execute()
	if err == nil {
		return ExitOK
	}
	return report(stderr, err, started)
}

// report prints err once and picks the exit code.
func report(stderr io.Writer, err error, started bool) int {
	var silent silentError
	var findings finding.List
	var usage usageError
	switch {
	case errors.As(err, &silent):
		return silent.code
	case errors.As(err, &findings):
		printFindings(stderr, findings)
		return ExitInvalid
	case errors.As(err, &usage) || !started:
		fmt.Fprintf(stderr, "berth: %v\nRun 'berth --help' for usage.\n", err)
		return ExitUsage
	}
	fmt.Fprintf(stderr, "berth: %v\n", err)
	return ExitInvalid
}

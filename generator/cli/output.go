package cli

import (
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/berth-dev/berth/generator/finding"
)

// addOutputFlag gives a command that reports findings the one format flag every such
// command has: --output text|json|sarif.
func addOutputFlag(cmd *cobra.Command, format *string) {
	cmd.Flags().StringVar(format, "output", "text", "output format: text, json or sarif")
}

// deprecatedOutput is an older spelling of --output (lint's --format, validate's -o),
// kept working with a note on stderr. Cobra's own deprecation notes print to stdout,
// where they would corrupt JSON, so the note is printed here.
type deprecatedOutput struct {
	flag  string // the flag as a user writes it
	value string
}

func addDeprecatedOutput(cmd *cobra.Command, name, short string) *deprecatedOutput {
	d := &deprecatedOutput{flag: "--" + name}
	if short != "" {
		d.flag = "-" + short
	}
	cmd.Flags().StringVarP(&d.value, name, short, "", "deprecated spelling of --output")
	_ = cmd.Flags().MarkHidden(name)
	return d
}

// apply returns the output format to use: --output, or the old spelling when only it
// was given.
func (d *deprecatedOutput) apply(cmd *cobra.Command, output string) string {
	if d.value == "" {
		return output
	}
	fmt.Fprintf(cmd.ErrOrStderr(), "berth: %s is deprecated; use --output\n", d.flag)
	if cmd.Flags().Changed("output") {
		return output
	}
	return d.value
}

// parseOutput reads the --output value; a bad one is a usage error.
func parseOutput(s string) (finding.Format, error) {
	f, err := finding.ParseFormat(s)
	if err != nil {
		return "", usageError{err}
	}
	return f, nil
}

// writeFindings prints findings in the chosen format and fails the command when one
// is an error, after printing them all.
func writeFindings(w io.Writer, format finding.Format, findings finding.List, opts finding.Options) error {
	opts.Version = version()
	if err := finding.Write(w, format, findings, opts); err != nil {
		return err
	}
	if findings.HasErrors() {
		return silentError{ExitInvalid}
	}
	return nil
}

// printFindings prints warnings that accompany a successful run, in text.
func printFindings(w io.Writer, findings finding.List) {
	_ = finding.Write(w, finding.Text, findings, finding.Options{})
}

package cli

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/berth-dev/berth/generator/finding"
	"github.com/berth-dev/berth/generator/lint"
)

type lintOptions struct {
	output  string
	format  *deprecatedOutput
	explain string
	config  string
}

// NewCmdLint audits existing Dockerfiles, Makefiles and CI workflows.
func NewCmdLint() *cobra.Command {
	o := &lintOptions{}
	cmd := &cobra.Command{
		Use:   "lint [PATH...] [--output text|json|sarif] [--config berth-lint.yaml] [--explain ID]",
		Short: "Find Go-container mistakes in existing Dockerfiles, .dockerignore files, Makefiles and CI workflows",
		Long: `lint checks Dockerfiles (default ./Dockerfile, with the .dockerignore and the Go module beside
them) with berth's Go rules and BuildKit's own rule set, and every go build line of Makefiles,
GitHub Actions workflows and .gitlab-ci.yml against the build-flags rules and policy. A directory
stands for the Dockerfile, Makefile and CI files in it. Exit 1 when an error is found.
Switch rules off in berth-lint.yaml (disable: [ID]) or with a '# berth:ignore ID' comment on the
line before (or at the end of) the offending line; '# berth:ignore-file ID' covers a file.`,
		Example: `  berth lint
  berth lint Dockerfile Makefile .github/workflows/ci.yml --output sarif > berth.sarif
  berth lint --explain BG102`,
		RunE: func(cmd *cobra.Command, args []string) error { return runLint(cmd, args, o) },
	}
	addOutputFlag(cmd, &o.output)
	// --format was lint's spelling before every command said --output.
	o.format = addDeprecatedOutput(cmd, "format", "")
	cmd.Flags().StringVar(&o.explain, "explain", "", "print what a rule checks, why, and the fix")
	cmd.Flags().StringVar(&o.config, "config", "", "config file (default: berth-lint.yaml in the current directory, if any)")
	return cmd
}

func runLint(cmd *cobra.Command, args []string, o *lintOptions) error {
	if o.explain != "" {
		text, err := lint.Explain(o.explain)
		if err != nil {
			return usageError{err}
		}
		_, err = fmt.Fprint(cmd.OutOrStdout(), text)
		return err
	}
	format, err := parseOutput(o.format.apply(cmd, o.output))
	if err != nil {
		return err
	}
	cfg, err := lint.ReadConfig(o.config)
	if err != nil {
		return err
	}
	if len(args) == 0 {
		args = []string{"Dockerfile"}
	}
	findings, err := lint.Lint(args, cfg)
	if err != nil {
		return err
	}
	return writeFindings(cmd.OutOrStdout(), format, findings, finding.Options{Tool: "berth lint", Rules: lint.Rules})
}

package cli

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"

	"github.com/spf13/cobra"
	yaml "go.yaml.in/yaml/v3"

	"github.com/berth-dev/berth/generator/lint"
)

type lintOptions struct {
	format  string
	explain string
	config  string
}

// NewCmdLint audits existing Dockerfiles, Makefiles and CI workflows.
func NewCmdLint() *cobra.Command {
	o := &lintOptions{}
	cmd := &cobra.Command{
		Use:   "lint [PATH...] [--format text|json|sarif] [--config berth-lint.yaml] [--explain ID]",
		Short: "Find Go-container mistakes in existing Dockerfiles, .dockerignore files, Makefiles and CI workflows",
		Long: `lint checks Dockerfiles (default ./Dockerfile, with the .dockerignore and the Go module beside
them) with berth's Go rules and BuildKit's own rule set, and every go build line of Makefiles,
GitHub Actions workflows and .gitlab-ci.yml against the build-flags rules and policy. A directory
stands for the Dockerfile, Makefile and CI files in it. Exit 1 when an error is found.
Switch rules off in berth-lint.yaml (disable: [ID]) or with a '# berth:ignore ID' comment on the
line before (or at the end of) the offending line; '# berth:ignore-file ID' covers a file.`,
		Example: `  berth lint
  berth lint Dockerfile Makefile .github/workflows/ci.yml --format sarif > berth.sarif
  berth lint --explain BG102`,
		RunE: func(cmd *cobra.Command, args []string) error { return runLint(cmd, args, o) },
	}
	cmd.Flags().StringVar(&o.format, "format", "text", "output format: text, json or sarif")
	cmd.Flags().StringVar(&o.explain, "explain", "", "print what a rule checks, why, and the fix")
	cmd.Flags().StringVar(&o.config, "config", "", "config file (default: berth-lint.yaml in the current directory, if any)")
	return cmd
}

func runLint(cmd *cobra.Command, args []string, o *lintOptions) error {
	out := cmd.OutOrStdout()
	if o.explain != "" {
		text, err := lint.Explain(o.explain)
		if err != nil {
			return usageError{err}
		}
		_, err = fmt.Fprint(out, text)
		return err
	}
	if o.format != "text" && o.format != "json" && o.format != "sarif" {
		return usageError{fmt.Errorf("--format %q: want text, json or sarif", o.format)}
	}
	cfg, err := readLintConfig(o.config)
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
	switch o.format {
	case "json":
		err = lint.WriteJSON(out, findings)
	case "sarif":
		err = lint.WriteSARIF(out, findings, version())
	default:
		err = lint.WriteText(out, findings)
	}
	if err != nil {
		return err
	}
	if lint.HasErrors(findings) {
		return silentError{ExitInvalid}
	}
	return nil
}

// readLintConfig reads berth-lint.yaml strictly: an unknown key is an error.
func readLintConfig(name string) (lint.Config, error) {
	var cfg lint.Config
	explicit := name != ""
	if !explicit {
		name = "berth-lint.yaml"
	}
	data, err := os.ReadFile(name)
	if errors.Is(err, fs.ErrNotExist) && !explicit {
		return cfg, nil
	}
	if err != nil {
		return cfg, err
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&cfg); err != nil && !errors.Is(err, io.EOF) {
		return cfg, fmt.Errorf("%s: %w", name, err)
	}
	return cfg, nil
}

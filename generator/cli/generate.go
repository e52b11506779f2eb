package cli

import (
	"cmp"
	"fmt"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/berth-dev/berth/generator/model"
	"github.com/berth-dev/berth/generator/output"
	"github.com/berth-dev/berth/generator/pipeline"
)

type generateOptions struct {
	file   string
	outDir string
	check  bool
	diff   bool
	opts   pipeline.Options
}

// NewCmdGenerate writes the generated files for a descriptor.
func NewCmdGenerate() *cobra.Command {
	o := &generateOptions{}
	cmd := &cobra.Command{
		Use:   "generate [-f service.yaml] [-o DIR] [--compose] [--image-digest sha256:…] [--check] [--diff]",
		Short: "Generate the Dockerfile, .dockerignore, Helm values and Argo CD ApplicationSet from a descriptor",
		Long: `generate validates the descriptor, renders every file in memory, proves the .dockerignore
keeps every file the build reads, and only then writes (atomically, unchanged files untouched).
--check writes nothing and exits 1 listing stale files; --diff prints what would change.`,
		Example: `  berth generate -f examples/hello/service.yaml -o /tmp/hello
  berth generate --check -f examples/hello/service.yaml
  berth generate --diff
  berth generate --image-digest sha256:$(printf 'example' | sha256sum | cut -d' ' -f1) -o /tmp/pinned
  berth generate --compose -f examples/names/service.yaml && docker compose -f examples/names/compose.yaml up --build --wait`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return runGenerate(cmd, o) },
	}
	cmd.Flags().StringVarP(&o.file, "file", "f", "service.yaml", "descriptor to generate from")
	cmd.Flags().StringVarP(&o.outDir, "output-dir", "o", "", "directory to write into (default: the descriptor's directory)")
	cmd.Flags().BoolVar(&o.check, "check", false, "write nothing; exit 1 if any generated file is missing or stale")
	cmd.Flags().BoolVar(&o.diff, "diff", false, "write nothing; print a unified diff of what would change")
	cmd.Flags().BoolVar(&o.opts.Compose, "compose", false, "also write compose.yaml (as the descriptor's compose: true does)")
	cmd.Flags().StringVar(&o.opts.ImageDigest, "image-digest", "", "pin the image every environment deploys to this digest (sha256:…), as CI knows it after the push; replaces image.digest")
	return cmd
}

func runGenerate(cmd *cobra.Command, o *generateOptions) error {
	if d := o.opts.ImageDigest; d != "" && !model.ValidDigest(d) {
		return usageError{fmt.Errorf("--image-digest %q: must be sha256: followed by 64 lowercase hex digits (docker buildx imagetools inspect IMAGE shows it)", d)}
	}
	res, err := pipeline.GenerateFileWith(o.file, o.opts)
	if err != nil {
		return err
	}
	printFindings(cmd.ErrOrStderr(), res.Warnings)
	dir := cmp.Or(o.outDir, filepath.Dir(o.file))
	if !o.check && !o.diff {
		changes, err := output.Write(dir, res.Files)
		if err != nil {
			return err
		}
		for _, c := range changes {
			fmt.Fprintf(cmd.OutOrStdout(), "%-9s %s\n", c.Status, filepath.Join(dir, c.Path))
		}
		return nil
	}
	stale, err := output.Stale(dir, res.Files)
	if err != nil {
		return err
	}
	return reportStale(cmd, o, dir, stale)
}

// reportStale prints --diff's diffs and --check's list; a stale file fails --check.
func reportStale(cmd *cobra.Command, o *generateOptions, dir string, stale []output.Change) error {
	for _, c := range stale {
		if o.diff {
			d, err := output.Diff(c)
			if err != nil {
				return err
			}
			fmt.Fprint(cmd.OutOrStdout(), d)
		}
		if o.check {
			fmt.Fprintf(cmd.ErrOrStderr(), "stale: %s (%s)\n", filepath.Join(dir, c.Path), c.Status.Drift())
		}
	}
	if o.check && len(stale) > 0 {
		fmt.Fprintf(cmd.ErrOrStderr(), "berth: %d generated file(s) out of date; run 'berth generate -f %s'\n", len(stale), o.file)
		return silentError{ExitInvalid}
	}
	return nil
}

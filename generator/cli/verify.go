package cli

import (
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/berth-dev/berth/generator/pipeline"
)

// NewCmdVerify checks before a deploy that what is deployed is what was built.
func NewCmdVerify() *cobra.Command {
	o := pipeline.VerifyOptions{}
	cmd := &cobra.Command{
		Use:   "verify --values FILE... [--dist DIR] [--insecure-registry]",
		Short: "Check before a deploy that the values pin the image the registry serves, and that the build's checksums and SBOMs agree with it",
		Long: `verify merges the values files as helm -f does and asks the registry what the image's
repository:tag points to (with the registry mirror applied and the Docker config's credentials):
the values must pin that digest (image.digest, set by berth generate --image-digest). With --dist,
the build's artifacts directory, every line of SHA256SUMS must match its file, and every
NAME.cdx.json SBOM (berth sbom) must describe the version the image is labelled with
(org.opencontainers.image.version). It prints what it checked; any problem exits 1.`,
		Example: `  berth verify --values deploy/values.yaml --values deploy/values-prod.yaml --dist dist`,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if len(o.Values) == 0 {
				return usageError{errors.New("--values is required (deploy/values.yaml, then the environment's file)")}
			}
			checked, problems, err := pipeline.Verify(o)
			if err != nil {
				return err
			}
			for _, c := range checked {
				fmt.Fprintln(cmd.OutOrStdout(), "ok:", c)
			}
			if len(problems) > 0 {
				return errors.New("not safe to deploy:\n  " + strings.Join(problems, "\n  "))
			}
			return nil
		},
	}
	cmd.Flags().StringArrayVar(&o.Values, "values", nil, "values file, repeatable, merged left to right as helm -f does")
	cmd.Flags().StringVar(&o.Dist, "dist", "", "the build's artifacts: binaries, SHA256SUMS and NAME.cdx.json SBOMs")
	cmd.Flags().BoolVar(&o.Insecure, "insecure-registry", false, "talk to the registry over plain HTTP (a local registry)")
	return cmd
}

package cli

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/berth-dev/berth/generator/pipeline"
)

type renderOptions struct {
	file string
	opts pipeline.RenderOptions
}

// NewCmdRender prints the Kubernetes manifests of one environment.
func NewCmdRender() *cobra.Command {
	o := &renderOptions{}
	cmd := &cobra.Command{
		Use:   "render [-f service.yaml] [--env ENV] [--kube-version X.Y.Z] [--api-versions GROUP/VERSION[/KIND]] [--namespace NS]",
		Short: "Print an environment's Kubernetes manifests, rendered as Argo CD renders them",
		Long: `render generates the values in memory and renders the go-service chart carried inside berth
with the Helm SDK, exactly as Argo CD does ('helm template', deploy/values.yaml then
deploy/values-<env>.yaml, no cluster lookups). It needs no checkout of the berth repository.`,
		Example: `  berth render -f examples/hello/service.yaml --env prod
  berth render --env dev --kube-version 1.33.0 | kubectl apply --dry-run=server -f -
  berth render --env prod --api-versions monitoring.coreos.com/v1/ServiceMonitor`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			res, err := pipeline.GenerateFile(o.file)
			if err != nil {
				return err
			}
			printFindings(cmd.ErrOrStderr(), res.Warnings)
			out, err := pipeline.Render(res, o.opts)
			if err != nil {
				return err
			}
			fmt.Fprint(cmd.OutOrStdout(), out)
			return nil
		},
	}
	cmd.Flags().StringVarP(&o.file, "file", "f", "service.yaml", "descriptor to render")
	cmd.Flags().StringVar(&o.opts.Env, "env", "", "environment to render (default: the base values alone)")
	cmd.Flags().StringVar(&o.opts.KubeVersion, "kube-version", "", "Kubernetes version for Capabilities and kubeVersion checks (default 1.37.0)")
	cmd.Flags().StringSliceVarP(&o.opts.APIVersions, "api-versions", "a", nil, "Kubernetes API versions for Capabilities.APIVersions, as helm template takes them (e.g. monitoring.coreos.com/v1/ServiceMonitor renders the ServiceMonitor)")
	cmd.Flags().StringVarP(&o.opts.Namespace, "namespace", "n", "", "release namespace (default: the Argo CD namespace of the environment, else default)")
	return cmd
}

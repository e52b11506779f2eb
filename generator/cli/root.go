package cli

import (
	"github.com/spf13/cobra"
)

// NewCmdRoot builds the berth command tree; nothing is global, so tests build a
// fresh tree per case.
func NewCmdRoot() *cobra.Command {
	root := &cobra.Command{
		Use:   "berth",
		Short: "Turn one service.yaml into a production Dockerfile, .dockerignore and layered Helm values",
		Long: `berth reads a small service descriptor (service.yaml), validates it against a JSON Schema,
and generates what a Go service needs to ship on Kubernetes: a multi-stage Dockerfile, a
.dockerignore that keeps what the build reads, and Helm values for the go-service chart,
layered per environment so that helm and Argo CD render exactly what was meant.`,
		SilenceUsage:  true,
		SilenceErrors: true,
		Args:          cobra.NoArgs,
		// A RunE makes cobra validate Args, so an unknown command is a usage error
		// instead of silently printing help.
		RunE: func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
	}
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageError{err} })
	root.AddCommand(
		NewCmdInit(),
		NewCmdValidate(),
		NewCmdGenerate(),
		NewCmdRender(),
		NewCmdLint(),
		NewCmdDoctor(),
		NewCmdSchema(),
		NewCmdVersion(),
		NewCmdSbom(),
		NewCmdVerify(),
		NewCmdProbeHelper(),
	)
	return root
}

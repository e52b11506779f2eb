package cli

import (
	"github.com/spf13/cobra"
)

// NewCmdGenerate writes the generated files for a descriptor.
func NewCmdGenerate() *cobra.Command {
	cmd := &cobra.Command{
		Use:    "generate",
		Short:  "Generate the Dockerfile, .dockerignore and Helm values",
		Hidden: true,
	}
	return cmd
}

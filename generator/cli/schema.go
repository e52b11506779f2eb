package cli

import (
	"github.com/spf13/cobra"

	"github.com/berth-dev/berth/schemas"
)

// NewCmdSchema prints the descriptor JSON Schema.
func NewCmdSchema() *cobra.Command {
	return &cobra.Command{
		Use:     "schema",
		Short:   "Print the descriptor JSON Schema (draft-07)",
		Example: "  berth schema > service.schema.json",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			_, err := cmd.OutOrStdout().Write(schemas.Service)
			return err
		},
	}
}

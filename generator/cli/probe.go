package cli

import (
	"github.com/spf13/cobra"

	"github.com/berth-dev/berth/generator/probe"
)

// probeHelperName is the hidden command berth init --probe starts inside new
// namespaces.
const probeHelperName = "probe-helper"

// NewCmdProbeHelper runs one probed program inside the namespaces berth init --probe
// made, reading its request on stdin and writing what it saw on stdout.
func NewCmdProbeHelper() *cobra.Command {
	return &cobra.Command{
		Use:    probeHelperName,
		Short:  "Internal: run one program for berth init --probe inside its network namespace",
		Hidden: true,
		Args:   cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return probe.Helper(cmd.InOrStdin(), cmd.OutOrStdout())
		},
	}
}

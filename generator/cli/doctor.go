package cli

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/berth-dev/berth/generator/doctor"
	"github.com/berth-dev/berth/generator/finding"
)

// NewCmdDoctor checks the Go toolchain where berth runs.
func NewCmdDoctor() *cobra.Command {
	var output string
	cmd := &cobra.Command{
		Use:   "doctor [--output text|json|sarif]",
		Short: "Check the Go toolchain here: GOROOT, PATH, GOENV, proxy and checksum settings, cgo, GOTOOLCHAIN, BuildKit",
		Long: `doctor checks the Go installation where it runs, on a host or in a container: GOROOT against the
go binary that actually runs and the release it holds, $GOROOT/bin on PATH, the GOENV file
go env -w writes, GOFLAGS, GOPROXY/GOSUMDB/GOPRIVATE, a C compiler when cgo is on, go.mod's
go and toolchain lines against GOTOOLCHAIN, and a docker client that can build with BuildKit.
Each finding has a fix. Exit 1 when an error is found.`,
		Example: "  berth doctor\n  docker run --rm -v \"$PWD:/src\" -w /src golang:1.26 berth doctor --output json",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			format, err := parseOutput(output)
			if err != nil {
				return err
			}
			findings := doctor.Check(doctor.Current())
			if format == finding.Text && len(findings) == 0 {
				fmt.Fprintln(cmd.OutOrStdout(), "berth doctor: the Go toolchain here looks right")
			}
			return writeFindings(cmd.OutOrStdout(), format, findings, finding.Options{Tool: "berth doctor", Rules: doctor.Rules, Fixes: true})
		},
	}
	addOutputFlag(cmd, &output)
	return cmd
}

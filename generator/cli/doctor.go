package cli

import (
	"encoding/json"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/berth-dev/berth/generator/doctor"
)

// NewCmdDoctor checks the Go toolchain where berth runs.
func NewCmdDoctor() *cobra.Command {
	var format string
	cmd := &cobra.Command{
		Use:   "doctor [--output text|json]",
		Short: "Check the Go toolchain here: GOROOT, PATH, GOENV, proxy and checksum settings, cgo, GOTOOLCHAIN, BuildKit",
		Long: `doctor checks the Go installation where it runs, on a host or in a container: GOROOT against the
go binary that actually runs and the release it holds, $GOROOT/bin on PATH, the GOENV file
go env -w writes, GOFLAGS, GOPROXY/GOSUMDB/GOPRIVATE, a C compiler when cgo is on, go.mod's
go and toolchain lines against GOTOOLCHAIN, and a docker client that can build with BuildKit.
Each finding has a fix. Exit 1 when an error is found.`,
		Example: "  berth doctor\n  docker run --rm -v \"$PWD:/src\" -w /src golang:1.26 berth doctor --output json",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if format != "text" && format != "json" {
				return usageError{fmt.Errorf("--output %q: want text or json", format)}
			}
			findings := doctor.Check(doctor.Current())
			out := cmd.OutOrStdout()
			if format == "json" {
				if findings == nil {
					findings = []doctor.Finding{}
				}
				enc := json.NewEncoder(out)
				enc.SetIndent("", "  ")
				if err := enc.Encode(map[string]any{"findings": findings, "ok": !doctor.HasErrors(findings)}); err != nil {
					return err
				}
			} else {
				for _, f := range findings {
					fmt.Fprintf(out, "%s: %s: %s\n  fix: %s\n", f.ID, f.Severity, f.Message, f.Fix)
				}
				if len(findings) == 0 {
					fmt.Fprintln(out, "berth doctor: the Go toolchain here looks right")
				}
			}
			if doctor.HasErrors(findings) {
				return silentError{ExitInvalid}
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&format, "output", "text", "text or json")
	return cmd
}

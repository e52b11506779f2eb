package cli

import (
	"bytes"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"unicode"

	"github.com/spf13/cobra"

	"github.com/berth-dev/berth/generator/output"
	"github.com/berth-dev/berth/generator/sbom"
)

// NewCmdSbom writes a CycloneDX SBOM for Go binaries.
func NewCmdSbom() *cobra.Command {
	var dir, ver string
	cmd := &cobra.Command{
		Use:   "sbom BINARY...",
		Short: "Describe Go binaries as CycloneDX 1.6 JSON SBOMs, from the build information they embed",
		Long: `sbom reads the build information the Go linker embeds in a binary (debug/buildinfo) and
writes a CycloneDX 1.6 JSON software bill of materials: the main module as the application (its
version, or the VCS revision of a build from a checkout; the binary's SHA-256), every linked
dependency module with its purl and its go.sum h1 hash as SHA-256, the Go standard library of
the toolchain, and the build settings (GOOS, GOARCH, CGO_ENABLED, -ldflags, -trimpath, vcs.*) as
properties. It works on any Go binary. A binary that records no version (a -trimpath build
outside a checkout, as in a Dockerfile) takes the "# version:" of the SHA256SUMS beside it when
that lists the binary with its exact SHA-256 (berth's artifacts target writes it); --version
sets it outright. The output is deterministic: the serial number derives
from the binary's hash and the timestamp is the commit time the binary records.

With one binary and no --output-dir the SBOM goes to stdout; otherwise each BINARY gets
DIR/BINARY.cdx.json, written atomically.`,
		Example: `  berth sbom ./bin/berth > berth.cdx.json
  berth sbom dist/api dist/worker --output-dir dist
  berth sbom ./orders --version 1.4.0 > orders.cdx.json`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if dir == "" && len(args) > 1 {
				return usageError{errors.New("several binaries need --output-dir")}
			}
			if ver != "" && (len(ver) > 256 || strings.IndexFunc(ver, func(r rune) bool { return !unicode.IsPrint(r) }) >= 0) {
				return usageError{fmt.Errorf("--version %q: a version is at most 256 printable characters", ver)}
			}
			var files []output.File
			var errs []error
			for _, bin := range args {
				bom, err := sbom.FromBinary(bin, sbom.Options{Tool: sbom.Tool{Name: "berth", Version: version()}, Version: ver})
				if err != nil {
					errs = append(errs, err)
					continue
				}
				var buf bytes.Buffer
				if err := sbom.Encode(&buf, bom); err != nil {
					return err
				}
				files = append(files, output.File{Path: filepath.Base(bin) + ".cdx.json", Data: buf.Bytes()})
			}
			if err := errors.Join(errs...); err != nil {
				return err
			}
			if dir == "" {
				_, err := cmd.OutOrStdout().Write(files[0].Data)
				return err
			}
			if _, err := output.Write(dir, files); err != nil {
				return err
			}
			for _, f := range files {
				fmt.Fprintln(cmd.OutOrStdout(), filepath.Join(dir, f.Path))
			}
			return nil
		},
	}
	cmd.Flags().StringVarP(&dir, "output-dir", "o", "", "write BINARY.cdx.json files into this directory")
	cmd.Flags().StringVar(&ver, "version", "", "the main module's version, when the binary records none (or records another)")
	return cmd
}

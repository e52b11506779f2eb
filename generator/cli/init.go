package cli

import (
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/berth-dev/berth/generator/output"
	"github.com/berth-dev/berth/generator/pipeline"
	"github.com/berth-dev/berth/generator/probe"
	"github.com/berth-dev/berth/generator/scaffold"
)

type initOptions struct {
	opts      scaffold.Options
	ports     []string
	dryRun    bool
	force     bool
	probe     bool
	probeWait time.Duration
}

// NewCmdInit drafts service.yaml for a Go repository.
func NewCmdInit() *cobra.Command {
	o := &initOptions{}
	cmd := &cobra.Command{
		Use:   "init [DIR]",
		Short: "Read a Go repository and write a service.yaml that berth generate accepts as it is",
		Long: `init reads the Go module in DIR (default: the current directory) the way the go command
does: go.mod's go and toolchain lines, the main packages (tools, examples and test-only mains
left out), whether vendor/ is consistent, cgo anywhere in the build graph (go list with
CGO_ENABLED=1 and =0, dependencies included), //go:embed patterns, and, from the program's
SSA form, the listen calls and health routes reachable from the mains with their addresses and
paths traced through constants, flag defaults and struct fields. With --probe it also runs each
main for a few seconds alone in a new network namespace and lets what it did override that
reading. It writes DIR/service.yaml with a comment on each value saying where
it came from, after proving that 'berth generate' accepts it. Any value can be set with a
flag. It never replaces an existing service.yaml unless --force is given.`,
		Example: `  berth init
  berth init ./services/orders --env dev,prod --image ghcr.io/acme/orders
  berth init --main ./cmd/api --port http=8080 --port metrics=9090 --dry-run
  berth init --probe --dry-run`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			dir := "."
			if len(args) == 1 {
				dir = args[0]
			}
			return runInit(cmd, dir, o)
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.opts.Name, "name", "", "service name (default: the module path's last element)")
	f.StringSliceVar(&o.opts.Mains, "main", nil, "main package(s) to build, relative to the module, e.g. ./cmd/api (default: detected)")
	f.StringVar(&o.opts.Runtime, "runtime", "", "runtime image family: distroless, scratch, alpine or debian (default: distroless)")
	f.StringArrayVar(&o.ports, "port", nil, "port as NUMBER or NAME=NUMBER, repeatable; replaces the detected ports")
	f.StringVar(&o.opts.Image, "image", "", "image repository, e.g. ghcr.io/acme/orders (default: from the module path)")
	f.StringSliceVar(&o.opts.Envs, "env", scaffold.DefaultEnvs, "environments to create; --env= for none")
	f.StringVar(&o.opts.SchemaRef, "schema", "", "the $schema reference written for editors (default: the schema's URL)")
	f.BoolVar(&o.dryRun, "dry-run", false, "print the descriptor instead of writing it")
	f.BoolVar(&o.force, "force", false, "replace an existing service.yaml")
	f.BoolVar(&o.probe, "probe", false, "also build and run each main for a few seconds, alone in a new network namespace with only loopback, and let the ports it opens and the health paths that answer override the reading of the code (Linux)")
	f.DurationVar(&o.probeWait, "probe-wait", probe.DefaultWait, "with --probe: how long each main runs")
	return cmd
}

func runInit(cmd *cobra.Command, dir string, o *initOptions) error {
	ports, err := parsePorts(o.ports)
	if err != nil {
		return usageError{err}
	}
	o.opts.Ports = ports
	var p *pipeline.Probe
	if o.probe {
		self, err := os.Executable()
		if err != nil {
			return fmt.Errorf("--probe: finding berth's own executable: %w", err)
		}
		p = &pipeline.Probe{Helper: []string{self, probeHelperName}, Wait: o.probeWait}
	}
	res, err := pipeline.Init(dir, o.opts, p)
	var bad *scaffold.OptionError
	if errors.As(err, &bad) {
		return usageError{err}
	}
	if err != nil {
		return err
	}
	out := cmd.OutOrStdout()
	if o.dryRun {
		_, err := out.Write(res.Data)
		return err
	}
	file := output.File{Path: scaffold.FileName, Data: res.Data}
	if o.force {
		_, err = output.Write(dir, []output.File{file})
	} else {
		err = output.Create(dir, file)
	}
	if errors.Is(err, output.ErrExists) {
		return fmt.Errorf("%s already exists; use --force to replace it, or --dry-run to compare", res.Path)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "wrote %s\nnext: berth generate -f %s\n", res.Path, res.Path)
	return nil
}

// parsePorts reads --port values: 8080 (named http) or metrics=9090.
func parsePorts(values []string) ([]scaffold.Port, error) {
	var out []scaffold.Port
	seen := map[string]bool{}
	for _, v := range values {
		name, num, found := strings.Cut(v, "=")
		if !found {
			name, num = "http", v
		}
		n, err := strconv.Atoi(num)
		if err != nil || n < 1 || n > 65535 {
			return nil, fmt.Errorf("--port %q: want NUMBER or NAME=NUMBER with a port from 1 to 65535", v)
		}
		if seen[name] {
			return nil, fmt.Errorf("--port %q: port %q is given twice", v, name)
		}
		seen[name] = true
		out = append(out, scaffold.Port{Name: name, Number: n})
	}
	return out, nil
}

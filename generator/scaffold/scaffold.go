// Package scaffold writes a first service.yaml for a Go repository from what the
// detect package found, with a comment on each value saying where it came from, and
// proves that berth generate accepts it before anything is written.
package scaffold

import (
	"cmp"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"

	yaml "go.yaml.in/yaml/v3"

	"github.com/berth-dev/berth/generator/detect"
	"github.com/berth-dev/berth/generator/gomod"
	"github.com/berth-dev/berth/generator/model"
	"github.com/berth-dev/berth/schemas"
)

// DefaultEnvs are the environments a new descriptor gets.
var DefaultEnvs = []string{"dev", "staging", "prod"}

// FileName is the descriptor berth init writes into the inspected directory.
const FileName = "service.yaml"

// Options override what is detected; zero values mean "detect".
type Options struct {
	Name      string
	Mains     []string // main package paths relative to the module
	Runtime   string
	Ports     []Port // replace the detected ports
	Image     string // image repository
	Envs      []string
	SchemaRef string // the yaml-language-server $schema; default: the schema's URL
}

// Port is a --port override.
type Port struct {
	Name   string
	Number int
}

// New starts a draft from what detect found in a repository; opts must have passed
// CheckOptions.
func New(repo *detect.Repo, opts Options) *Draft {
	return &Draft{repo: repo, opts: opts, name: cmp.Or(opts.Name, serviceName(repo.Module.Path))}
}

// Encode writes the draft as YAML with its comments.
func (d *Draft) Encode() ([]byte, error) { return encode(d.document()) }

var dnsLabel = regexp.MustCompile(`^[a-z]([-a-z0-9]*[a-z0-9])?$`)

// OptionError is an override the descriptor would refuse: a mistake on the command line.
type OptionError struct{ msg string }

func (e *OptionError) Error() string { return e.msg }

func optionError(format string, args ...any) error {
	return &OptionError{fmt.Sprintf(format, args...)}
}

// CheckOptions refuses overrides the descriptor would refuse, with the flag's name; each
// error is an *OptionError.
func CheckOptions(o Options) error {
	var errs []error
	if o.Name != "" && (len(o.Name) > 63 || !dnsLabel.MatchString(o.Name)) {
		errs = append(errs, optionError("--name %q: must be a DNS label (lowercase letters, digits and '-', starting with a letter, at most 63 characters)", o.Name))
	}
	if o.Runtime != "" && !model.Runtime(o.Runtime).Valid() {
		errs = append(errs, optionError("--runtime %q: must be %s", o.Runtime, model.RuntimeNames()))
	}
	for _, e := range o.Envs {
		if len(e) > 63 || !dnsLabel.MatchString(e) {
			errs = append(errs, optionError("--env %q: an environment name must be a DNS label", e))
		}
	}
	return errors.Join(errs...)
}

// Draft turns findings and overrides into the descriptor document.
type Draft struct {
	repo   *detect.Repo
	opts   Options
	name   string
	ignore []negation
}

func (d *Draft) document() *yaml.Node {
	root := mapping()
	set(root, "apiVersion", str("berth.dev/v1alpha1"), "")
	set(root, "kind", str("Service"), "")
	meta := set(root, "metadata", mapping(), "")
	set(meta, "name", str(d.name), d.nameSource())
	set(root, "build", d.build(), "")
	set(root, "image", d.image(), "")
	if args, why := d.args(); args != nil {
		set(root, "args", args, why)
	} else {
		above(root, why)
	}
	if config := d.config(); config != nil {
		set(root, "config", config, "")
		above(root, "Files a flag names by default, shipped as a ConfigMap mounted at "+d.configMount()+"; args point the flags there.")
	}
	ports, names := d.ports()
	set(root, "ports", ports.node, ports.comment)
	above(root, d.repo.ProbeNote)
	above(root, d.udpNote())
	above(root, d.closedNote())
	if vols := d.volumes(); vols != nil {
		set(root, "volumes", vols, "")
		above(root, "The root filesystem is read-only: each directory the code writes by default is a volume (an emptyDir; add persistent: true and size to keep the data).")
	}
	health, missing := d.health(names)
	if health != nil {
		set(root, "health", health, "")
	}
	set(root, "replicas", integer(2), "two pods keep the service up during node drains; a PodDisruptionBudget follows")
	above(root, missing) // why there is no health section, when there is none
	if envs := d.environments(); envs != nil {
		set(root, "environments", envs, "")
		above(root, "Each environment overrides the fields above: maps merge, lists replace, null removes.")
	}
	schema := cmp.Or(d.opts.SchemaRef, schemas.ServiceID)
	head := []string{
		"# yaml-language-server: $schema=" + schema,
		fmt.Sprintf("# Drafted by 'berth init' from the code of %s; each comment says where a value came from.", d.repo.Module.Path),
	}
	if d.repo.ModuleNote != "" {
		head = append(head, "# The service's module: "+d.repo.ModuleNote+".")
	}
	head = append(head, "# Review it, then run 'berth generate'. Reference: berth schema, or the README's descriptor table.")
	return &yaml.Node{Kind: yaml.DocumentNode, HeadComment: strings.Join(head, "\n"), Content: []*yaml.Node{root}, FootComment: d.envFooter()}
}

func (d *Draft) nameSource() string {
	if d.opts.Name != "" {
		return "from --name"
	}
	return "from go.mod: module " + d.repo.Module.Path
}

func (d *Draft) build() *yaml.Node {
	b := mapping()
	r := d.repo
	if r.ModuleDir != "." {
		set(b, "context", str(r.ModuleDir), "the Go module and Docker build context")
	}
	version, from := r.Module.GoVersion()
	if from == "go.mod go" && gomod.CompareVersions(r.Module.Go, version) > 0 {
		version = r.Module.Go // go 1.26.8 requires that patch: the builder must have it
	}
	set(b, "go", quoted(version), goSource(r, from))
	d.mains(b)
	set(b, "cgo", boolean(len(r.CGO) > 0), cgoSource(r))
	if libs := cgoLibs(r); libs != "" {
		above(b, "WARNING: cgo code links "+libs+"; the runtime image must provide it (image.runtime: debian with a custom image.runtimeImage).")
	}
	if r.Vendor {
		set(b, "vendor", boolean(true), "vendor/modules.txt matches go.mod (the go command's check): -mod=vendor, no download")
	}
	if len(d.ignore) > 0 {
		var patterns, why []string
		for _, n := range d.ignore {
			patterns = append(patterns, n.pattern)
			if !slices.Contains(why, n.why) {
				why = append(why, n.why)
			}
		}
		set(b, "dockerignore", flowList(patterns...), "")
		above(b, "Keep files the build reads that berth's default .dockerignore would drop:\n"+strings.Join(why, "\n"))
	}
	return b
}

func goSource(r *detect.Repo, from string) string {
	if from == "go.mod toolchain" {
		return "from go.mod: toolchain go" + r.Module.Toolchain
	}
	return "from go.mod: go " + r.Module.Go
}

// mains writes build.main for one main package and build.binaries for several.
func (d *Draft) mains(b *yaml.Node) {
	r := d.repo
	skipped := ""
	if len(r.Skipped) > 0 {
		var s []string
		for _, m := range r.Skipped {
			s = append(s, m.Package+" ("+m.Reason+")")
		}
		skipped = "Not built: " + strings.Join(s, ", ") + "; choose with --main."
	}
	if len(r.Mains) == 1 {
		m := r.Mains[0]
		set(b, "main", str(m.Package), mainSource(m, "the only main package"))
		above(b, skipped)
		return
	}
	bins := binaries(r.Mains, d.name)
	list := mapping()
	for _, bin := range bins {
		set(list, bin.name, str(bin.main.Package), mainSource(bin.main, ""))
	}
	set(b, "binaries", list, fmt.Sprintf("%d main packages, one image", len(bins)))
	above(b, skipped)
	entry, why := entrypoint(bins, d.name)
	set(b, "entrypoint", str(entry), why)
}

func mainSource(m detect.Main, otherwise string) string {
	if m.Reason != "" {
		return m.Reason
	}
	return otherwise
}

func cgoSource(r *detect.Repo) string {
	if len(r.CGO) == 0 && len(r.OptionalCGO) > 0 {
		return "cgo only in " + cgoNames(r.OptionalCGO) + " (optional: go list with CGO_ENABLED=0 builds the program without it): a static binary"
	}
	if len(r.CGO) == 0 {
		return "no package in the build graph has cgo files (go list with CGO_ENABLED=1)"
	}
	var who []string
	for _, c := range r.CGO[:min(2, len(r.CGO))] {
		files := c.Files[:min(2, len(c.Files))]
		who = append(who, fmt.Sprintf("%s (%s)", c.ImportPath, strings.Join(files, ", ")))
	}
	more := ""
	if len(r.CGO) > 2 {
		more = fmt.Sprintf(" and %d more", len(r.CGO)-2)
	}
	return "cgo files in " + strings.Join(who, ", ") + more + ": a glibc builder and runtime"
}

func cgoNames(pkgs []detect.CgoPackage) string {
	var names []string
	for _, c := range pkgs[:min(3, len(pkgs))] {
		names = append(names, c.ImportPath)
	}
	if len(pkgs) > 3 {
		names = append(names, fmt.Sprintf("%d more", len(pkgs)-3))
	}
	return strings.Join(names, ", ")
}

func cgoLibs(r *detect.Repo) string {
	var libs []string
	for _, c := range r.CGO {
		libs = append(libs, c.Libs...)
	}
	slices.Sort(libs)
	return strings.Join(slices.Compact(libs), ", ")
}

// Package sbom describes a Go binary as a CycloneDX 1.6 software bill of materials,
// from the build information the Go linker embeds (debug/buildinfo): the main module
// and its version, every dependency module with its go.sum hash, the Go toolchain,
// and the build settings (GOOS, GOARCH, CGO_ENABLED, -ldflags, the VCS revision and
// time). It works on any Go binary, not only those berth built. The output is
// deterministic: the serial number derives from the binary's SHA-256, and the
// timestamp is the commit time the binary records, when it records one.
package sbom

import (
	"crypto/sha256"
	"debug/buildinfo"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"runtime/debug"
	"strings"

	cdx "github.com/CycloneDX/cyclonedx-go"
	"github.com/google/uuid"
	"github.com/package-url/packageurl-go"

	"github.com/berth-dev/berth/generator/verify"
)

// Tool names what made the SBOM (metadata.tools).
type Tool struct {
	Name, Version string
}

// Options say what made the SBOM and, optionally, the main module's version when the
// caller knows it better than the binary does.
type Options struct {
	Tool    Tool
	Version string
}

// VersionSourceProperty names where the main module's version came from: the build
// information, vcs.revision, -ldflags, SHA256SUMS or the --version the caller gave.
const VersionSourceProperty = "berth:version:source"

// FromBinary reads a Go binary's build information and describes it. A binary that
// records no version (a -trimpath build outside a checkout keeps -ldflags out of its
// build information) takes the "# version:" of a SHA256SUMS beside it that lists it
// with its exact SHA-256, as berth's artifacts stage writes.
func FromBinary(file string, o Options) (*cdx.BOM, error) {
	// Only regular files: a FIFO or a device would block or never end.
	if info, err := os.Stat(file); err != nil {
		return nil, err
	} else if !info.Mode().IsRegular() {
		return nil, fmt.Errorf("%s: not a regular file (%s)", file, info.Mode().Type())
	}
	f, err := os.Open(file)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	sum := sha256.New()
	if _, err := io.Copy(sum, f); err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	info, err := buildinfo.Read(f)
	if err != nil {
		return nil, fmt.Errorf("%s: not a Go binary with build information (%w); berth sbom reads what the Go linker embeds", file, err)
	}
	fileSHA256 := hex.EncodeToString(sum.Sum(nil))
	v := version{value: o.Version, source: "--version"}
	if v.value == "" {
		v = recordedVersion(info)
	}
	if v.value == "" {
		if sums, err := verify.ReadSums(filepath.Dir(file)); err == nil {
			v = version{value: sums.VersionOf(filepath.Base(file), fileSHA256), source: "SHA256SUMS"}
		}
	}
	return describe(filepath.Base(file), fileSHA256, info, o.Tool, v), nil
}

type version struct{ value, source string }

// recordedVersion is the version the binary records: its module version, else the
// commit it was built from, else the version the build stamped with -X …version=.
func recordedVersion(info *debug.BuildInfo) version {
	if v := info.Main.Version; v != "" && v != "(devel)" {
		return version{v, "build information"}
	}
	for _, s := range info.Settings {
		if s.Key == "vcs.revision" && s.Value != "" {
			return version{s.Value, "vcs.revision"}
		}
	}
	for _, s := range info.Settings {
		if s.Key == "-ldflags" {
			if v := stampedVersion(s.Value); v != "" {
				return version{v, "-ldflags"}
			}
		}
	}
	return version{}
}

// describe turns build information into the BOM.
func describe(name, fileSHA256 string, info *debug.BuildInfo, tool Tool, v version) *cdx.BOM {
	settings := map[string]string{}
	for _, s := range info.Settings {
		settings[s.Key] = s.Value
	}
	bom := cdx.NewBOM()
	// Same binary, same serial number: a name-based UUID of its hash.
	bom.SerialNumber = "urn:uuid:" + uuid.NewSHA1(uuid.NameSpaceURL, []byte("sha256:"+fileSHA256)).String()
	main := moduleComponent(info.Main, cdx.ComponentTypeApplication)
	main.Version = v.value
	main.PackageURL = purl(info.Main.Path, main.Version)
	main.BOMRef = main.PackageURL
	main.Hashes = &[]cdx.Hash{{Algorithm: cdx.HashAlgoSHA256, Value: fileSHA256}}
	main.Properties = buildProperties(name, info)
	if v.value != "" {
		*main.Properties = append(*main.Properties, cdx.Property{Name: VersionSourceProperty, Value: v.source})
	}
	bom.Metadata = &cdx.Metadata{
		Timestamp: settings["vcs.time"],
		Component: &main,
		Tools: &cdx.ToolsChoice{Components: &[]cdx.Component{{
			Type: cdx.ComponentTypeApplication, Name: tool.Name, Version: tool.Version,
		}}},
	}
	goVersion := strings.TrimPrefix(info.GoVersion, "go")
	std := cdx.Component{
		Type: cdx.ComponentTypeLibrary, Name: "std", Version: info.GoVersion,
		PackageURL: purl("std", "v"+goVersion), Description: "the Go standard library and runtime the binary was linked with",
	}
	std.BOMRef = std.PackageURL
	components := []cdx.Component{std}
	refs := []string{std.BOMRef}
	for _, d := range info.Deps {
		c := moduleComponent(*d, cdx.ComponentTypeLibrary)
		components = append(components, c)
		refs = append(refs, c.BOMRef)
	}
	bom.Components = &components
	// Build information records which modules were linked, not who requires whom.
	deps := []cdx.Dependency{{Ref: main.BOMRef, Dependencies: &refs}}
	for _, ref := range refs {
		deps = append(deps, cdx.Dependency{Ref: ref})
	}
	bom.Dependencies = &deps
	return bom
}

// moduleComponent describes one module; a replaced module is described by what
// replaced it, with the original path kept as a property.
func moduleComponent(m debug.Module, kind cdx.ComponentType) cdx.Component {
	used := m
	var props []cdx.Property
	if m.Replace != nil {
		used = *m.Replace
		props = append(props, cdx.Property{Name: "cdx:gomod:replaces", Value: m.Path + "@" + m.Version})
		if strings.HasPrefix(used.Path, ".") || strings.HasPrefix(used.Path, "/") {
			used.Path = m.Path // a directory replacement has no module path of its own
		}
	}
	c := cdx.Component{Type: kind, Name: used.Path, Version: used.Version}
	c.PackageURL = purl(used.Path, used.Version)
	c.BOMRef = c.PackageURL
	if h, ok := h1SHA256(used.Sum); ok {
		c.Hashes = &[]cdx.Hash{{Algorithm: cdx.HashAlgoSHA256, Value: h}}
	}
	if len(props) > 0 {
		c.Properties = &props
	}
	return c
}

// purl is the package URL of a Go module: pkg:golang/NAMESPACE/NAME@VERSION.
func purl(modulePath, version string) string {
	ns, name := path.Split(modulePath)
	return packageurl.NewPackageURL(packageurl.TypeGolang, strings.TrimSuffix(ns, "/"), name, version, nil, "").ToString()
}

// h1SHA256 decodes a go.sum "h1:" hash (base64 SHA-256 of the module's file list) to
// hex, the form CycloneDX hashes take.
func h1SHA256(sum string) (string, bool) {
	b64, ok := strings.CutPrefix(sum, "h1:")
	if !ok {
		return "", false
	}
	raw, err := base64.StdEncoding.DecodeString(b64)
	if err != nil || len(raw) != sha256.Size {
		return "", false
	}
	return hex.EncodeToString(raw), true
}

// buildProperties records how the binary was built, in cyclonedx-gomod's names.
func buildProperties(name string, info *debug.BuildInfo) *[]cdx.Property {
	props := []cdx.Property{
		{Name: "cdx:gomod:binary:name", Value: name},
		{Name: "cdx:gomod:build:goVersion", Value: info.GoVersion},
	}
	for _, s := range info.Settings {
		key := s.Key
		switch {
		case strings.HasPrefix(key, "-"):
			key = "cdx:gomod:build:flag:" + strings.TrimPrefix(key, "-")
		case strings.HasPrefix(key, "vcs"):
			key = "cdx:gomod:build:" + key
		default:
			key = "cdx:gomod:build:env:" + key
		}
		props = append(props, cdx.Property{Name: key, Value: s.Value})
	}
	return &props
}

// Encode writes the BOM as CycloneDX 1.6 JSON.
func Encode(w io.Writer, bom *cdx.BOM) error {
	return cdx.NewBOMEncoder(w, cdx.BOMFileFormatJSON).SetPretty(true).EncodeVersion(bom, cdx.SpecVersion1_6)
}

// stampedVersion finds -X PKG.version=V (or .Version) in a build's -ldflags.
func stampedVersion(ldflags string) string {
	fields := strings.Fields(ldflags)
	for i, f := range fields {
		def := ""
		switch {
		case f == "-X" && i+1 < len(fields):
			def = fields[i+1]
		case strings.HasPrefix(f, "-X="):
			def = strings.TrimPrefix(f, "-X=")
		default:
			continue
		}
		name, value, ok := strings.Cut(def, "=")
		if ok && (strings.HasSuffix(name, ".version") || strings.HasSuffix(name, ".Version")) {
			return value
		}
	}
	return ""
}

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
	"runtime/debug"
	"strings"

	cdx "github.com/CycloneDX/cyclonedx-go"
	"github.com/google/uuid"
	"github.com/package-url/packageurl-go"
)

// Tool names what made the SBOM (metadata.tools).
type Tool struct {
	Name, Version string
}

// FromBinary reads a Go binary's build information and describes it.
func FromBinary(file string, tool Tool) (*cdx.BOM, error) {
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
	return describe(path.Base(file), hex.EncodeToString(sum.Sum(nil)), info, tool), nil
}

// describe turns build information into the BOM.
func describe(name, fileSHA256 string, info *debug.BuildInfo, tool Tool) *cdx.BOM {
	settings := map[string]string{}
	for _, s := range info.Settings {
		settings[s.Key] = s.Value
	}
	bom := cdx.NewBOM()
	// Same binary, same serial number: a name-based UUID of its hash.
	bom.SerialNumber = "urn:uuid:" + uuid.NewSHA1(uuid.NameSpaceURL, []byte("sha256:"+fileSHA256)).String()
	main := moduleComponent(info.Main, cdx.ComponentTypeApplication)
	if main.Version == "" || main.Version == "(devel)" {
		// A build without module version: the commit it was built from, else the
		// version the build stamped with -X …version= (berth's Dockerfiles do).
		main.Version = cmpOr(settings["vcs.revision"], stampedVersion(settings["-ldflags"]))
	}
	main.PackageURL = purl(info.Main.Path, main.Version)
	main.BOMRef = main.PackageURL
	main.Hashes = &[]cdx.Hash{{Algorithm: cdx.HashAlgoSHA256, Value: fileSHA256}}
	main.Properties = buildProperties(name, info)
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

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// Package verify checks, before a deploy, that what is about to be deployed is what
// was built: the image digest the values pin is the one the registry serves for the
// tag, the binaries match their SHA256SUMS, and each SBOM's main-module version is the
// version the image is labelled with.
package verify

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/v1/remote"
)

// VersionLabel is the OCI annotation (as an image label) the SBOM version is compared with.
const VersionLabel = "org.opencontainers.image.version"

// Image is what the registry says about a tag.
type Image struct {
	Ref    string // as resolved, repository:tag
	Digest string // of what the tag points to (an index for a multi-platform image)
	Labels map[string]string
}

// Resolve asks the registry what ref (repository:tag) points to, with the credentials
// of the Docker config; insecure allows plain HTTP (a registry on 127.0.0.1).
func Resolve(ref string, insecure bool) (*Image, error) {
	var opts []name.Option
	if insecure {
		opts = append(opts, name.Insecure)
	}
	r, err := name.ParseReference(ref, opts...)
	if err != nil {
		return nil, fmt.Errorf("image %q: %w", ref, err)
	}
	desc, err := remote.Get(r, remote.WithAuthFromKeychain(authn.DefaultKeychain))
	if err != nil {
		return nil, fmt.Errorf("asking the registry for %s: %w", ref, err)
	}
	img := &Image{Ref: ref, Digest: desc.Digest.String()}
	// The labels come from the image for this platform (the index's linux/amd64 entry
	// for a multi-platform image).
	image, err := desc.Image()
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", ref, err)
	}
	cfg, err := image.ConfigFile()
	if err != nil {
		return nil, fmt.Errorf("reading %s's configuration: %w", ref, err)
	}
	img.Labels = cfg.Config.Labels
	return img, nil
}

// Sums checks every "HEX  FILE" line of dir/SHA256SUMS (lines starting with # are
// comments, such as the build's revision) against the file's SHA-256, and returns a
// problem per mismatch, missing file or malformed line.
func Sums(dir string) ([]string, error) {
	data, err := os.ReadFile(filepath.Join(dir, "SHA256SUMS"))
	if err != nil {
		return nil, err
	}
	var problems []string
	sc := bufio.NewScanner(bytes.NewReader(data))
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		want, file, ok := strings.Cut(line, "  ")
		file = strings.TrimPrefix(file, "*")
		if !ok || len(want) != 64 || file == "" || filepath.IsAbs(file) || strings.Contains(filepath.ToSlash(file), "..") {
			problems = append(problems, fmt.Sprintf("SHA256SUMS:%d: not a \"SHA256  FILE\" line within the directory", n))
			continue
		}
		got, err := fileSHA256(filepath.Join(dir, filepath.FromSlash(file)))
		if err != nil {
			problems = append(problems, fmt.Sprintf("SHA256SUMS:%d: %s: %v", n, file, err))
			continue
		}
		if got != strings.ToLower(want) {
			problems = append(problems, fmt.Sprintf("SHA256SUMS:%d: %s has SHA-256 %s, the file says %s", n, file, got, want))
		}
	}
	return problems, sc.Err()
}

func fileSHA256(file string) (string, error) {
	info, err := os.Stat(file)
	if err != nil {
		return "", err
	}
	if !info.Mode().IsRegular() {
		return "", fmt.Errorf("not a regular file")
	}
	f, err := os.Open(file)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// SBOMVersions reads the main-module version of every dir/*.cdx.json (CycloneDX
// metadata.component.version), by file name.
func SBOMVersions(dir string) (map[string]string, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.cdx.json"))
	if err != nil {
		return nil, err
	}
	sort.Strings(files)
	out := map[string]string{}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		var bom struct {
			Metadata struct {
				Component struct {
					Version string `json:"version"`
				} `json:"component"`
			} `json:"metadata"`
		}
		if err := json.Unmarshal(data, &bom); err != nil {
			return nil, fmt.Errorf("%s: %w", filepath.Base(f), err)
		}
		out[filepath.Base(f)] = bom.Metadata.Component.Version
	}
	return out, nil
}

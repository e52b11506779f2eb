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
	"unicode"

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
	sums, err := ReadSums(dir)
	if err != nil {
		return nil, err
	}
	problems := sums.Problems
	for _, l := range sums.Lines {
		got, err := fileSHA256(filepath.Join(dir, filepath.FromSlash(l.File)))
		if err != nil {
			problems = append(problems, fmt.Sprintf("SHA256SUMS:%d: %s: %v", l.N, l.File, err))
			continue
		}
		if got != l.SHA256 {
			problems = append(problems, fmt.Sprintf("SHA256SUMS:%d: %s has SHA-256 %s, the file says %s", l.N, l.File, got, l.SHA256))
		}
	}
	return problems, nil
}

// SumsFile is a parsed SHA256SUMS: its checksum lines, the "# key: value" comments
// berth's artifacts stage writes (revision, version), and the lines it could not read.
type SumsFile struct {
	Lines    []SumLine
	Comments map[string]string
	Problems []string
}

// SumLine is one "HEX  FILE" line; SHA256 is lower case.
type SumLine struct {
	N            int
	SHA256, File string
}

// ReadSums parses dir/SHA256SUMS. A FILE must stay within dir.
func ReadSums(dir string) (*SumsFile, error) {
	data, err := os.ReadFile(filepath.Join(dir, "SHA256SUMS"))
	if err != nil {
		return nil, err
	}
	sums := &SumsFile{Comments: map[string]string{}}
	sc := bufio.NewScanner(bytes.NewReader(data))
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if comment, ok := strings.CutPrefix(line, "#"); ok {
			// A comment is only believed when printable: it ends up in SBOMs and messages.
			if k, v, ok := strings.Cut(comment, ":"); ok && strings.IndexFunc(comment, func(r rune) bool { return !unicode.IsPrint(r) }) < 0 {
				sums.Comments[strings.TrimSpace(k)] = strings.TrimSpace(v)
			}
			continue
		}
		if line == "" {
			continue
		}
		want, file, ok := strings.Cut(line, "  ")
		file = strings.TrimPrefix(file, "*")
		if _, err := hex.DecodeString(want); !ok || err != nil || len(want) != 64 || file == "" || filepath.IsAbs(file) || strings.Contains(filepath.ToSlash(file), "..") {
			sums.Problems = append(sums.Problems, fmt.Sprintf("SHA256SUMS:%d: not a \"SHA256  FILE\" line within the directory", n))
			continue
		}
		sums.Lines = append(sums.Lines, SumLine{N: n, SHA256: strings.ToLower(want), File: file})
	}
	return sums, sc.Err()
}

// VersionOf returns the "# version:" of SHA256SUMS when it lists file with exactly
// this SHA-256: the version the build was given, proven to belong to these bytes.
func (s *SumsFile) VersionOf(file, sha256Hex string) string {
	for _, l := range s.Lines {
		if l.File == file && l.SHA256 == sha256Hex {
			return s.Comments["version"]
		}
	}
	return ""
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

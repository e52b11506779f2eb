package pipeline

import (
	"cmp"
	"fmt"
	"maps"
	"os"
	"slices"

	"github.com/berth-dev/berth/generator/chart"
	"github.com/berth-dev/berth/generator/model"
	"github.com/berth-dev/berth/generator/verify"
)

// VerifyOptions say what berth verify compares.
type VerifyOptions struct {
	Values   []string // values files, merged as helm -f does (deploy/values.yaml, then an environment's)
	Dist     string   // a build's artifacts: binaries, SHA256SUMS, NAME.cdx.json; "" skips them
	Insecure bool     // the registry speaks plain HTTP (one on 127.0.0.1)
}

// Verify checks that the image the values deploy is the one the registry serves for
// its tag (the values must pin a digest), and, with Dist, that the binaries match
// SHA256SUMS and each SBOM's main-module version is the image's version label. It
// returns what it checked and what is wrong; any problem means: do not deploy.
func Verify(o VerifyOptions) (checked, problems []string, err error) {
	var files []chart.ValuesFile
	for _, f := range o.Values {
		data, err := os.ReadFile(f)
		if err != nil {
			return nil, nil, err
		}
		files = append(files, chart.ValuesFile{Name: f, Data: data})
	}
	vals, err := chart.MergeValues(files...)
	if err != nil {
		return nil, nil, err
	}
	embedded, err := chart.Embedded()
	if err != nil {
		return nil, nil, err
	}
	image, _ := vals["image"].(map[string]any)
	str := func(m map[string]any, k string) string { s, _ := m[k].(string); return s }
	global, _ := vals["global"].(map[string]any)
	repo, tag, digest := str(image, "repository"), cmp.Or(str(image, "tag"), embedded.Metadata.AppVersion), str(image, "digest")
	if repo == "" {
		return nil, []string{"the values set no image.repository"}, nil
	}
	ref := model.Mirror(repo+":"+tag, cmp.Or(str(image, "registry"), str(global, "imageRegistry")))
	if digest == "" {
		problems = append(problems, fmt.Sprintf("the values pin no image.digest for %s: run berth generate --image-digest with the digest the push printed", ref))
	}
	img, err := verify.Resolve(ref, o.Insecure)
	if err != nil {
		return nil, nil, err
	}
	switch {
	case digest == "":
	case img.Digest != digest:
		problems = append(problems, fmt.Sprintf("%s is %s in the registry, but the values deploy %s: the tag moved or the values are stale", ref, img.Digest, digest))
	default:
		checked = append(checked, fmt.Sprintf("%s is %s in the registry, as the values pin", ref, digest))
	}
	if o.Dist == "" {
		return checked, problems, nil
	}
	sumProblems, err := verify.Sums(o.Dist)
	if err != nil {
		return nil, nil, err
	}
	if len(sumProblems) == 0 {
		checked = append(checked, "every file of SHA256SUMS matches its checksum")
	}
	problems = append(problems, sumProblems...)
	versions, err := verify.SBOMVersions(o.Dist)
	if err != nil {
		return nil, nil, err
	}
	label := img.Labels[verify.VersionLabel]
	if len(versions) == 0 {
		problems = append(problems, fmt.Sprintf("%s holds no *.cdx.json SBOM", o.Dist))
	}
	for _, file := range slices.Sorted(maps.Keys(versions)) {
		switch v := versions[file]; {
		case v == "":
			problems = append(problems, fmt.Sprintf("%s names no version: run berth sbom on the binary beside the build's SHA256SUMS, or with --version", file))
		case label == "":
			problems = append(problems, fmt.Sprintf("%s has no %s label to compare %s's version %q with", ref, verify.VersionLabel, file, v))
		case v != label:
			problems = append(problems, fmt.Sprintf("%s describes version %q, the image is labelled %q: they are not one build", file, v, label))
		default:
			checked = append(checked, fmt.Sprintf("%s describes version %q, the image's %s", file, v, verify.VersionLabel))
		}
	}
	return checked, problems, nil
}

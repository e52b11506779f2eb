// Package chart renders the go-service chart with the Helm SDK exactly as `helm template`
// and Argo CD do: value files merged left to right, schema validation, no cluster.
package chart

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"sync"

	"helm.sh/helm/v3/pkg/action"
	helmchart "helm.sh/helm/v3/pkg/chart"
	"helm.sh/helm/v3/pkg/chart/loader"
	"helm.sh/helm/v3/pkg/chartutil"
	"helm.sh/helm/v3/pkg/ignore"
	"sigs.k8s.io/yaml"

	"github.com/berth-dev/berth/charts"
	"github.com/berth-dev/berth/generator/model"
)

// Embedded returns the go-service chart carried inside the binary, loaded once. Callers
// must not modify it.
var Embedded = sync.OnceValues(func() (*helmchart.Chart, error) {
	return LoadFS(charts.FS, charts.GoService)
})

// LoadFS loads a chart directory from fsys, honouring its .helmignore as `helm package`
// and `helm template DIR` do.
func LoadFS(fsys fs.FS, root string) (*helmchart.Chart, error) {
	rules, err := ignoreRules(fsys, root)
	if err != nil {
		return nil, err
	}
	var files []*loader.BufferedFile
	err = fs.WalkDir(fsys, root, func(name string, d fs.DirEntry, err error) error {
		if err != nil || name == root {
			return err
		}
		rel := name[len(root)+1:]
		info, err := d.Info()
		if err != nil {
			return err
		}
		if rules.Ignore(rel, info) {
			if d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if d.IsDir() {
			return nil
		}
		data, err := fs.ReadFile(fsys, name)
		if err != nil {
			return err
		}
		files = append(files, &loader.BufferedFile{Name: rel, Data: bytes.TrimPrefix(data, []byte("\xEF\xBB\xBF"))})
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("load chart %s: %w", root, err)
	}
	ch, err := loader.LoadFiles(files)
	if err != nil {
		return nil, fmt.Errorf("load chart %s: %w", root, err)
	}
	return ch, nil
}

func ignoreRules(fsys fs.FS, root string) (*ignore.Rules, error) {
	rules := ignore.Empty()
	data, err := fs.ReadFile(fsys, path.Join(root, ignore.HelmIgnore))
	if err == nil {
		if rules, err = ignore.Parse(bytes.NewReader(data)); err != nil {
			return nil, fmt.Errorf("%s: %w", ignore.HelmIgnore, err)
		}
	} else if !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	rules.AddDefaults()
	return rules, nil
}

// ValuesFile is one values file, named for error messages.
type ValuesFile struct {
	Name string
	Data []byte
}

// MergeValues reads value files and merges them left to right the way `helm -f a -f b`
// and Argo CD's valueFiles do (Merge). A null stays in the result; Helm deletes
// the key when it coalesces the result with the chart's defaults.
func MergeValues(files ...ValuesFile) (map[string]any, error) {
	base := map[string]any{}
	for _, f := range files {
		current := map[string]any{}
		if err := yaml.Unmarshal(f.Data, &current); err != nil {
			return nil, fmt.Errorf("%s: %w", f.Name, err)
		}
		base = Merge(base, current)
	}
	return base, nil
}

// Merge is Helm's merge of value files (pkg/cli/values mergeMaps): maps merge, anything
// else in over replaces. Nulls are kept, as Helm keeps them until it coalesces with the
// chart's defaults.
func Merge(base, over map[string]any) map[string]any {
	return model.Merge(base, over, model.KeepNulls)
}

// DefaultKubeVersion is the Kubernetes version berth renders for when none is given: the
// one our Kubernetes libraries describe. The Helm SDK's own default (1.20) is what a Helm
// binary built without its release ldflags reports, older than any supported cluster.
const DefaultKubeVersion = "1.37.0"

// Options are the release facts `helm template` takes from its flags.
type Options struct {
	ReleaseName string
	Namespace   string
	KubeVersion string   // e.g. "1.34.0"; empty: DefaultKubeVersion
	APIVersions []string // added to the default API versions, as helm template --api-versions
}

// Render returns the manifests `helm template` prints for ch with vals: schema
// validation on, no hooks skipped, no cluster contacted.
func Render(ch *helmchart.Chart, vals map[string]any, opts Options) (string, error) {
	install := action.NewInstall(&action.Configuration{Log: func(string, ...any) {}})
	install.DryRun = true
	install.DryRunOption = "client"
	install.ClientOnly = true
	install.Replace = true
	install.IncludeCRDs = true
	install.ReleaseName = opts.ReleaseName
	install.Namespace = opts.Namespace
	kubeVersion := opts.KubeVersion
	if kubeVersion == "" {
		kubeVersion = DefaultKubeVersion
	}
	kv, err := chartutil.ParseKubeVersion(kubeVersion)
	if err != nil {
		return "", fmt.Errorf("kube version %q: %w", kubeVersion, err)
	}
	install.KubeVersion = kv
	install.APIVersions = chartutil.VersionSet(opts.APIVersions)
	rel, err := install.Run(ch, vals)
	if err != nil {
		return "", err
	}
	var out bytes.Buffer
	out.WriteString(rel.Manifest)
	for _, h := range rel.Hooks {
		fmt.Fprintf(&out, "---\n# Source: %s\n%s\n", h.Path, h.Manifest)
	}
	return out.String(), nil
}

package pipeline

import (
	"fmt"
	"strings"

	"github.com/berth-dev/berth/generator/chart"
	"github.com/berth-dev/berth/generator/output"
	"github.com/berth-dev/berth/generator/values"
)

// RenderOptions choose the environment and the release facts of a render.
type RenderOptions struct {
	Env         string   // "" renders the base values alone
	Namespace   string   // "" uses the Argo CD namespace of Env, else "default"
	KubeVersion string   // "" uses chart.DefaultKubeVersion
	APIVersions []string // extra API versions the cluster serves, as helm template --api-versions
}

// Render returns the manifests Argo CD would apply for one environment: the embedded
// chart rendered like `helm template`, release named after the service, with the
// generated deploy/values.yaml and then deploy/values-<env>.yaml, read back from their
// YAML exactly as Helm reads value files.
func Render(res *Result, opts RenderOptions) (string, error) {
	svc := res.Service
	names := []string{values.File("")}
	if opts.Env != "" {
		if svc.Environment(opts.Env) == nil {
			have := svc.EnvironmentNames()
			if len(have) == 0 {
				have = []string{"none"}
			}
			return "", fmt.Errorf("environment %q is not in the descriptor (have: %s)", opts.Env, strings.Join(have, ", "))
		}
		names = append(names, values.File(opts.Env))
	}
	var files []chart.ValuesFile
	for _, n := range names {
		f, ok := findFile(res.Files, n)
		if !ok {
			return "", fmt.Errorf("internal: %s was not generated", n)
		}
		files = append(files, chart.ValuesFile{Name: n, Data: f.Data})
	}
	vals, err := chart.MergeValues(files...)
	if err != nil {
		return "", err
	}
	ch, err := chart.Embedded()
	if err != nil {
		return "", err
	}
	ns := opts.Namespace
	if ns == "" {
		ns = "default"
		if svc.ArgoCD != nil && opts.Env != "" {
			ns = strings.ReplaceAll(svc.ArgoCD.Namespace, "{{env}}", opts.Env)
		}
	}
	return chart.Render(ch, vals, chart.Options{ReleaseName: svc.Name, Namespace: ns, KubeVersion: opts.KubeVersion, APIVersions: opts.APIVersions})
}

func findFile(files []output.File, name string) (output.File, bool) {
	for _, f := range files {
		if f.Path == name {
			return f, true
		}
	}
	return output.File{}, false
}

package generator

import (
	"fmt"
	"path"
	"strings"

	"github.com/berth-dev/berth/generator/chart"
	"github.com/berth-dev/berth/generator/model"
	"github.com/berth-dev/berth/generator/output"
)

// RenderOptions choose the environment and the release facts of a render.
type RenderOptions struct {
	Env         string // "" renders the base values alone
	Namespace   string // "" uses the Argo CD namespace of Env, else "default"
	KubeVersion string // "" uses chart.DefaultKubeVersion
}

// Render returns the manifests Argo CD would apply for one environment: the embedded
// chart rendered like `helm template`, release named after the service, with the
// generated deploy/values.yaml and then deploy/values-<env>.yaml, read back from their
// YAML exactly as Helm reads value files.
func Render(res *Result, opts RenderOptions) (string, error) {
	svc := res.Service
	names := []string{path.Join(DeployDir, "values.yaml")}
	if opts.Env != "" {
		if environment(svc, opts.Env) == nil {
			return "", fmt.Errorf("environment %q is not in the descriptor (have: %s)", opts.Env, strings.Join(envNames(res), ", "))
		}
		names = append(names, path.Join(DeployDir, "values-"+opts.Env+".yaml"))
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
	return chart.Render(ch, vals, chart.Options{ReleaseName: svc.Name, Namespace: ns, KubeVersion: opts.KubeVersion})
}

// environment returns the full view of the named environment, or nil.
func environment(svc *model.Service, name string) *model.Service {
	for _, e := range svc.Environments {
		if e.Name == name {
			return e.Service
		}
	}
	return nil
}

func envNames(res *Result) []string {
	var names []string
	for _, e := range res.Service.Environments {
		names = append(names, e.Name)
	}
	if len(names) == 0 {
		return []string{"none"}
	}
	return names
}

func findFile(files []output.File, name string) (output.File, bool) {
	for _, f := range files {
		if f.Path == name {
			return f, true
		}
	}
	return output.File{}, false
}

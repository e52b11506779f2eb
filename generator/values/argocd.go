package values

import (
	"path"
	"strings"

	"github.com/berth-dev/berth/generator/model"
)

// autoSyncEnv is the one environment that is never synced automatically: a change to
// production waits for a person to press Sync, everything else follows git.
const autoSyncEnv = "prod"

// ApplicationSet returns one Argo CD ApplicationSet with a list generator over the
// environments. Each Application renders the chart with the service repository as
// $values: deploy/values.yaml, then deploy/values-<env>.yaml.
func ApplicationSet(svc *model.Service) map[string]any {
	a := svc.ArgoCD
	var elements []any
	for _, env := range svc.Environments {
		elements = append(elements, map[string]any{
			"env":       env.Name,
			"namespace": strings.ReplaceAll(a.Namespace, "{{env}}", env.Name),
			"autoSync":  env.Name != autoSyncEnv,
		})
	}
	valuesDir := path.Join("$values", a.Path)
	return map[string]any{
		"apiVersion": "argoproj.io/v1alpha1",
		"kind":       "ApplicationSet",
		"metadata":   map[string]any{"name": svc.Name},
		"spec": map[string]any{
			"goTemplate":        true,
			"goTemplateOptions": []any{"missingkey=error"},
			"generators":        []any{map[string]any{"list": map[string]any{"elements": elements}}},
			"template": map[string]any{
				"metadata": map[string]any{
					"name":   svc.Name + "-{{.env}}",
					"labels": map[string]any{"app.kubernetes.io/name": svc.Name, "berth.dev/environment": "{{.env}}"},
					// Compare as the API server would apply: with server-side apply, a
					// client-side diff sees the server's defaults as drift.
					"annotations": map[string]any{"argocd.argoproj.io/compare-options": "ServerSideDiff=true"},
				},
				"spec": map[string]any{
					"project": a.Project,
					"sources": []any{
						chartSource(a.Chart, map[string]any{
							"releaseName":             svc.Name,
							"valueFiles":              []any{valuesDir + "/values.yaml", valuesDir + "/values-{{.env}}.yaml"},
							"ignoreMissingValueFiles": true,
						}),
						map[string]any{"repoURL": a.RepoURL, "targetRevision": a.Revision, "ref": "values"},
					},
					"destination": map[string]any{"server": "https://kubernetes.default.svc", "namespace": "{{.namespace}}"},
					"syncPolicy": map[string]any{
						"syncOptions": []any{"CreateNamespace=true", "ServerSideApply=true"},
						// The namespaces Argo CD creates enforce what the chart is built
						// for, as tests/cluster's namespaces do.
						"managedNamespaceMetadata": map[string]any{"labels": podSecurityRestricted()},
					},
				},
			},
			// Only templatePatch can add a field per element; automated sync is added
			// for every environment whose element says autoSync.
			"templatePatch": "{{- if .autoSync }}\nspec:\n  syncPolicy:\n    automated:\n      prune: true\n      selfHeal: true\n{{- end }}\n",
		},
	}
}

// podSecurityRestricted labels a namespace to enforce, audit and warn on Pod Security
// "restricted" at the cluster's latest version.
func podSecurityRestricted() map[string]any {
	return map[string]any{
		"pod-security.kubernetes.io/enforce":         "restricted",
		"pod-security.kubernetes.io/enforce-version": "latest",
		"pod-security.kubernetes.io/audit":           "restricted",
		"pod-security.kubernetes.io/warn":            "restricted",
	}
}

// chartSource is the Application source of the chart: a path in a git repository, or
// a chart version in an OCI registry, which Argo CD names by repoURL (no oci://),
// chart and targetRevision.
func chartSource(c model.ChartSource, helm map[string]any) map[string]any {
	if c.OCI != "" {
		return map[string]any{"repoURL": c.OCI, "chart": ChartName, "targetRevision": c.Version, "helm": helm}
	}
	return map[string]any{"repoURL": c.RepoURL, "path": c.Path, "targetRevision": c.Revision, "helm": helm}
}

// ChartName is the chart's name in Chart.yaml, the name it has in a registry.
const ChartName = "go-service"

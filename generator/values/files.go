package values

import "path"

// DeployDir is where the values files go, relative to the descriptor's directory.
const DeployDir = "deploy"

// ApplicationSetFile is the Argo CD ApplicationSet's path, relative to the descriptor.
const ApplicationSetFile = DeployDir + "/argocd/applicationset.yaml"

// File names the values file of an environment relative to the descriptor's directory:
// deploy/values.yaml for the base (env ""), deploy/values-<env>.yaml for an overlay.
func File(env string) string {
	if env == "" {
		return path.Join(DeployDir, "values.yaml")
	}
	return path.Join(DeployDir, "values-"+env+".yaml")
}

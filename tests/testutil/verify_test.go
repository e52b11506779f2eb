package testutil

import (
	"strings"
	"testing"
)

const goodPod = `apiVersion: v1
kind: Pod
metadata:
  name: ok
spec:
  securityContext:
    runAsNonRoot: true
    seccompProfile: {type: RuntimeDefault}
  containers:
    - name: app
      image: app:1
      securityContext:
        allowPrivilegeEscalation: false
        capabilities: {drop: [ALL]}
`

func TestVerifyFindsProblems(t *testing.T) {
	for _, tc := range []struct {
		name, manifest, want string
	}{
		{"unknown field", "---\n# Source: x/templates/d.yaml\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec:\n  replica: 2\n", `x/templates/d.yaml: strict decoding error: unknown field "spec.replica"`},
		{"wrong type", "apiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec:\n  ports: [{port: eighty}]\n", "cannot unmarshal"},
		{"unknown kind", "apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\n", `no kind "Widget" is registered`},
		{"root pod", strings.Replace(goodPod, "runAsNonRoot: true", "runAsNonRoot: false", 1), "Pod/ok: violates PodSecurity restricted:latest: runAsNonRoot != true"},
		{"privilege escalation", strings.Replace(goodPod, "allowPrivilegeEscalation: false", "allowPrivilegeEscalation: true", 1), "allowPrivilegeEscalation != false"},
		{"hostPath", goodPod + "  volumes: [{name: h, hostPath: {path: /}}]\n", "restricted volume types"},
		{"empty", "# Source: x/templates/empty.yaml\n", "the manifest has no objects"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			problems, err := Verify(tc.manifest)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(strings.Join(problems, "\n"), tc.want) {
				t.Errorf("problems %q, want one containing %q", problems, tc.want)
			}
		})
	}
}

func TestVerifyAcceptsRestrictedPod(t *testing.T) {
	problems, err := Verify(goodPod)
	if err != nil {
		t.Fatal(err)
	}
	if len(problems) != 0 {
		t.Errorf("problems %q on a restricted pod", problems)
	}
}

package descriptor

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestQuantitiesCanonical: quantities reach the model in the form the API server stores
// them, in the base, in an environment, in a sidecar and in a volume's size, so a
// GitOps tool comparing rendered and live objects sees no difference.
func TestQuantitiesCanonical(t *testing.T) {
	src := []byte(`apiVersion: berth.dev/v1alpha1
kind: Service
metadata: {name: svc}
ports: {http: 8080}
resources:
  requests: {cpu: 0.5, memory: 1024Mi}
  limits: {memory: "1.5Gi", ephemeral-storage: 1000M}
volumes:
  data: {mountPath: /var/lib/svc, size: 2048Mi}
sidecars:
  proxy: {image: "envoyproxy/envoy:v1.31.2", resources: {requests: {cpu: 0.25}}}
environments:
  prod:
    resources:
      requests: {cpu: 2.0}
`)
	svc, diags, err := Load("service.yaml", src, mainModule)
	if err != nil || diags.HasErrors() {
		t.Fatalf("load: %v %v", err, diags)
	}
	want := map[string]string{"cpu": "500m", "memory": "1Gi"}
	if diff := cmp.Diff(want, svc.Resources.Requests); diff != "" {
		t.Errorf("requests (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(map[string]string{"memory": "1536Mi", "ephemeral-storage": "1G"}, svc.Resources.Limits); diff != "" {
		t.Errorf("limits (-want +got):\n%s", diff)
	}
	if got := svc.Volumes[0].Size; got != "2Gi" {
		t.Errorf("volume size %q, want 2Gi", got)
	}
	if got := svc.Sidecars[0].Resources.Requests["cpu"]; got != "250m" {
		t.Errorf("sidecar cpu %q, want 250m", got)
	}
	if got := svc.Environments[0].Service.Resources.Requests["cpu"]; got != "2" {
		t.Errorf("prod cpu %q, want 2", got)
	}
}

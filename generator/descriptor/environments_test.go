package descriptor

import (
	"testing"
	"testing/fstest"

	"github.com/berth-dev/berth/generator/model"
)

// mainModule is the smallest module with a main package for a descriptor to build.
var mainModule = fstest.MapFS{
	"go.mod":  {Data: []byte("module example.com/svc\n\ngo 1.26.0\n")},
	"main.go": {Data: []byte("package main\n\nfunc main() {}\n")},
}

// TestEnvironmentOverrides: an environment switches a probe's kind without nulls, and a
// null for something the base never had removes nothing instead of failing.
func TestEnvironmentOverrides(t *testing.T) {
	src := []byte(`apiVersion: berth.dev/v1alpha1
kind: Service
metadata: {name: svc}
build: {main: .}
image: {repository: registry.example.com/svc}
ports: {http: 8080}
health:
  liveness: {http: /healthz, port: http, periodSeconds: 5}
environments:
  dev:
    health:
      liveness: {exec: [/svc, healthcheck]}
      readiness: {tcp: true, port: http}
    secrets: {API_TOKEN: null}
    env: {NEVER_SET: null}
`)
	svc, diags, err := Load("service.yaml", src, mainModule)
	if err != nil || diags.HasErrors() {
		t.Fatalf("load: %v %v", err, diags)
	}
	dev := svc.Environments[0].Service
	live := dev.Health.Liveness
	if live.Kind != model.ExecProbe || live.Path != "" || live.Port != "" || live.PeriodSeconds != 5 {
		t.Errorf("dev liveness = %+v, want exec with the base's timing and no http path or port", live)
	}
	if r := dev.Health.Readiness; r == nil || r.Kind != model.TCPProbe {
		t.Errorf("dev readiness = %+v, want tcp", r)
	}
	if len(dev.Secrets) != 0 || len(dev.Env) != 0 {
		t.Errorf("dev secrets %v env %v, want none", dev.Secrets, dev.Env)
	}
	if base := svc.Health.Liveness; base.Kind != model.HTTPProbe || base.Path != "/healthz" {
		t.Errorf("the base liveness changed: %+v", base)
	}
}

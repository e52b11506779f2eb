package tests

import (
	"encoding/json"
	"net/http"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/berth-dev/berth/generator/chart"
	"github.com/berth-dev/berth/tests/testutil"
)

// TestChartOCI: the chart, packaged as make chart does, is pushed with helm push to a
// real OCI registry on 127.0.0.1 (distribution's, as make tools builds it); the
// registry holds a Helm chart artifact under the chart's version and the digest helm
// printed; and helm template from oci://… with the oldest and newest Helm the chart
// supports, by version and with Helm 4 by digest too, renders byte for byte what
// berth's embedded chart renders, for every value stack of the chart tests.
func TestChartOCI(t *testing.T) {
	helm4 := tool(t, "helm-v4.3.1/helm")
	addr := testutil.StartRegistry(t, tool(t, "registry-v3.1.1/registry"))
	version := embeddedChart(t).Metadata.Version
	dist := t.TempDir()
	if _, stderr, err := runHelm(t, helm4, "package", chartDir, "-d", dist); err != nil {
		t.Fatalf("helm package: %v\n%s", err, stderr)
	}
	stdout, stderr, err := runHelm(t, helm4, "push", filepath.Join(dist, "go-service-"+version+".tgz"), "oci://"+addr+"/charts", "--plain-http")
	if err != nil {
		t.Fatalf("helm push: %v\n%s%s", err, stdout, stderr)
	}
	m := regexp.MustCompile(`Digest: (sha256:[0-9a-f]{64})`).FindStringSubmatch(stdout + stderr)
	if m == nil {
		t.Fatalf("helm push printed no digest:\n%s%s", stdout, stderr)
	}
	digest := m[1]
	checkChartManifest(t, addr, version, digest)

	ref := "oci://" + addr + "/charts/go-service"
	type source struct{ helm, ref string }
	var sources []source
	for _, rel := range helmCLIs {
		sources = append(sources, source{tool(t, rel), ref})
	}
	sources = append(sources, source{helm4, ref + "@" + digest})
	for _, src := range sources {
		for _, tc := range chartCases {
			args := []string{"template", "svc", src.ref, "--plain-http", "--namespace", "apps", "--kube-version", chart.DefaultKubeVersion, "--api-versions", serviceMonitorAPI}
			if !strings.Contains(src.ref, "@") {
				args = append(args, "--version", version)
			}
			out, stderr, err := runHelm(t, src.helm, append(args, valueFlags(tc.files)...)...)
			if err != nil {
				t.Fatalf("%s %s: helm template: %v\n%s", filepath.Base(filepath.Dir(src.helm)), tc.name, err, stderr)
			}
			if want := documents(renderChart(t, tc.files...)); documents(out) != want {
				t.Errorf("%s %s from %s differs from the embedded chart's render:\n%s", filepath.Base(filepath.Dir(src.helm)), tc.name, src.ref, lineDiff(want, documents(out)))
			}
		}
	}
}

// checkChartManifest reads the pushed manifest back from the registry: an OCI image
// manifest whose config is Helm's, served under the version tag with helm's digest.
func checkChartManifest(t *testing.T, addr, version, digest string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, "http://"+addr+"/v2/charts/go-service/manifests/"+version, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Accept", "application/vnd.oci.image.manifest.v1+json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var manifest struct {
		Config struct {
			MediaType string `json:"mediaType"`
		} `json:"config"`
		Layers []struct {
			MediaType string `json:"mediaType"`
		} `json:"layers"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&manifest); err != nil {
		t.Fatal(err)
	}
	if got := resp.Header.Get("Docker-Content-Digest"); got != digest {
		t.Errorf("the registry serves %s:%s as %s, helm push said %s", "go-service", version, got, digest)
	}
	if ct := resp.Header.Get("Content-Type"); ct != "application/vnd.oci.image.manifest.v1+json" {
		t.Errorf("the manifest is served as %q", ct)
	}
	if manifest.Config.MediaType != "application/vnd.cncf.helm.config.v1+json" ||
		len(manifest.Layers) == 0 || manifest.Layers[0].MediaType != "application/vnd.cncf.helm.chart.content.v1.tar+gzip" {
		t.Errorf("not a Helm chart artifact: %+v", manifest)
	}
}

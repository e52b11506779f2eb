package tests

import (
	"bytes"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"go.yaml.in/yaml/v3"
	helmchart "helm.sh/helm/v3/pkg/chart"
	"helm.sh/helm/v3/pkg/chartutil"
	helmvalues "helm.sh/helm/v3/pkg/cli/values"
	"helm.sh/helm/v3/pkg/getter"

	"github.com/berth-dev/berth/generator/chart"
	"github.com/berth-dev/berth/generator/finding"
	"github.com/berth-dev/berth/generator/pipeline"
	"github.com/berth-dev/berth/generator/values"
	"github.com/berth-dev/berth/tests/testutil"
)

// propertyDescriptors is how many valid random descriptors one run checks.
const propertyDescriptors = 1000

// TestValuesLayeringProperty: for random descriptors, for every environment, Helm's own
// merge of the written deploy/values.yaml and deploy/values-<env>.yaml (read back from
// their YAML, merged as `helm -f -f` does, coalesced with the chart's defaults) equals
// the values of the environment the descriptor describes. Every tenth descriptor is
// also rendered both ways and the manifests compared. The seed is random per run and
// printed; BERTH_PROPERTY_SEED replays one.
func TestValuesLayeringProperty(t *testing.T) {
	seed := uint64(time.Now().UnixNano())
	if s := os.Getenv("BERTH_PROPERTY_SEED"); s != "" {
		var err error
		if seed, err = strconv.ParseUint(s, 10, 64); err != nil {
			t.Fatal(err)
		}
	}
	t.Logf("seed %d (replay with BERTH_PROPERTY_SEED=%d)", seed, seed)
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	ch := embeddedChart(t)
	repo := fstest.MapFS{
		"go.mod":          {Data: []byte("module example.com/svc\n\ngo 1.26\n")},
		"main.go":         {Data: []byte("package main\n\nfunc main() {}\n")},
		"config/app.yaml": {Data: []byte("level: info\nlisten: \":8080\"\n")},
		"config/flags":    {Data: []byte("on\n")},
	}
	var clis []string
	for _, rel := range helmCLIs {
		if p, ok := findTool(rel); ok {
			clis = append(clis, p)
		} else {
			t.Log("NOT CHECKING overlays with this Helm CLI:" + missingTool(t, rel))
		}
	}
	valid, envs, tries, cliChecks := 0, 0, 0, 0
	for valid < propertyDescriptors {
		tries++
		if tries > 20*propertyDescriptors {
			t.Fatalf("only %d of %d random descriptors were valid", valid, tries)
		}
		src, err := yaml.Marshal(randomDescriptor(rng))
		if err != nil {
			t.Fatal(err)
		}
		res, err := pipeline.Generate("service.yaml", src, repo)
		if _, invalid := err.(finding.List); invalid {
			continue // the generator makes some descriptors the rules refuse
		}
		if err != nil {
			t.Fatalf("generate:\n%s\n%v", src, err)
		}
		valid++
		for _, env := range res.Service.Environments {
			envs++
			checkEnvironment(t, ch, res, env.Name, valid%10 == 0, src)
			if len(clis) > 0 && deletes(res, env.Name) && cliChecks < cliDescriptors {
				cliChecks++
				checkHelmCLIs(t, clis, res, env.Name, src)
			}
			if t.Failed() {
				t.Fatalf("seed %d, descriptor %d", seed, valid)
			}
		}
	}
	t.Logf("%d valid descriptors (%d generated), %d environments, %d overlays with deletions run through %d Helm CLIs, zero mismatches", valid, tries, envs, cliChecks, len(clis))
}

// cliDescriptors is how many overlays that delete something also go through the real
// Helm 3.16 and Helm 4 CLIs, whose null handling differs in places.
const cliDescriptors = 25

// deletes reports whether an environment's overlay contains a null.
func deletes(res *pipeline.Result, env string) bool {
	f, _ := generatedFile(res, values.File(env))
	return bytes.Contains(f, []byte(": null"))
}

// checkHelmCLIs: each Helm CLI renders base + overlay exactly as berth renders the
// environment's own values.
func checkHelmCLIs(t *testing.T, clis []string, res *pipeline.Result, env string, src []byte) {
	t.Helper()
	dir := t.TempDir()
	for _, name := range []string{values.File(""), values.File(env)} {
		f, _ := generatedFile(res, name)
		if err := os.WriteFile(filepath.Join(dir, filepath.Base(name)), f, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := chart.Render(embeddedChart(t), viewValues(t, res, env), chart.Options{ReleaseName: "svc", Namespace: "apps"})
	if err != nil {
		t.Fatal(err)
	}
	for _, bin := range clis {
		out, stderr, err := runHelm(t, bin, "template", "svc", chartDir, "--namespace", "apps", "--kube-version", chart.DefaultKubeVersion,
			"-f", filepath.Join(dir, filepath.Base(values.File(""))), "-f", filepath.Join(dir, filepath.Base(values.File(env))))
		if err != nil {
			t.Fatalf("%s template: %v\n%s\ndescriptor:\n%s", bin, err, stderr, src)
		}
		if documents(out) != documents(want) {
			t.Errorf("%s: base + %s overlay renders differently from the environment:\n%s\ndescriptor:\n%s", bin, env, lineDiff(documents(want), documents(out)), src)
		}
	}
}

func checkEnvironment(t *testing.T, ch *helmchart.Chart, res *pipeline.Result, env string, render bool, src []byte) {
	t.Helper()
	merged := helmMerge(t, res, values.File(""), values.File(env))
	layered := coalesce(t, ch, merged)
	want := coalesce(t, ch, viewValues(t, res, env))
	if !reflect.DeepEqual(prune(layered), prune(want)) {
		t.Errorf("environment %s: values.yaml + values-%s.yaml != the environment's values\ndescriptor:\n%s\nlayered: %v\nwant:    %v", env, env, src, prune(layered), prune(want))
		return
	}
	if !render {
		return
	}
	opts := chart.Options{ReleaseName: "svc", Namespace: "apps"}
	got, err := chart.Render(ch, merged, opts)
	if err != nil {
		t.Fatalf("render %s:\n%s\n%v", env, src, err)
	}
	direct, err := chart.Render(ch, viewValues(t, res, env), opts)
	if err != nil {
		t.Fatal(err)
	}
	if got != direct {
		t.Errorf("environment %s renders differently layered and direct:\n%s", env, lineDiff(direct, got))
	}
	if problems, _ := testutil.Verify(got); len(problems) > 0 {
		t.Errorf("environment %s: %v\n%s", env, problems, src)
	}
}

// helmMerge writes the generated files to disk and merges them with Helm's own code
// for `helm template -f a -f b` (pkg/cli/values).
func helmMerge(t *testing.T, res *pipeline.Result, names ...string) map[string]any {
	t.Helper()
	dir := t.TempDir()
	var opts helmvalues.Options
	for _, name := range names {
		f, ok := generatedFile(res, name)
		if !ok {
			t.Fatalf("%s not generated", name)
		}
		p := filepath.Join(dir, filepath.Base(name))
		if err := os.WriteFile(p, f, 0o644); err != nil {
			t.Fatal(err)
		}
		opts.ValueFiles = append(opts.ValueFiles, p)
	}
	vals, err := opts.MergeValues(getter.Providers{})
	if err != nil {
		t.Fatal(err)
	}
	return vals
}

func generatedFile(res *pipeline.Result, name string) ([]byte, bool) {
	for _, f := range res.Files {
		if f.Path == name {
			return f.Data, true
		}
	}
	return nil, false
}

// viewValues are the values of the environment's own view, written alone, through the
// same YAML round trip.
func viewValues(t *testing.T, res *pipeline.Result, env string) map[string]any {
	t.Helper()
	v, err := testutil.ViewValues(res.Service, env)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func coalesce(t *testing.T, ch *helmchart.Chart, vals map[string]any) map[string]any {
	t.Helper()
	out, err := chartutil.CoalesceValues(ch, vals)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// prune drops null map entries: the chart treats them exactly as absent keys, and Helm
// versions differ in which of the two they leave.
func prune(m map[string]any) map[string]any {
	out := map[string]any{}
	for k, v := range m {
		switch x := v.(type) {
		case nil:
		case map[string]any:
			out[k] = prune(x)
		default:
			out[k] = v
		}
	}
	return out
}

// randomDescriptor builds a descriptor over the fields environments can change, with
// overrides that add, change and delete (null) entries.
func randomDescriptor(r *rand.Rand) map[string]any {
	ports := map[string]any{"http": 8080}
	if r.IntN(3) == 0 {
		ports["grpc"] = 9090
	}
	if r.IntN(3) == 0 {
		ports["metrics"] = 9100
	}
	if r.IntN(5) == 0 {
		delete(ports, "http")
		ports["api"] = 8000
	}
	if r.IntN(4) == 0 {
		ports["dns"] = map[string]any{"port": pick(r, 53, 5353), "protocol": "UDP"}
	}
	d := map[string]any{
		"apiVersion": "berth.dev/v1alpha1",
		"kind":       "Service",
		"metadata":   map[string]any{"name": "svc"},
		"build":      map[string]any{"main": "."},
		"image":      map[string]any{"repository": "registry.example.com/team/svc"},
		"ports":      ports,
	}
	if r.IntN(2) == 0 {
		d["image"].(map[string]any)["tag"] = pick(r, "1.0.0", "2.3.4", "v1")
	}
	maybe(r, d, "env", randomEnv(r, false))
	maybe(r, d, "secrets", randomSecrets(r, false))
	if r.IntN(3) == 0 {
		d["config"] = randomConfig(r)
	}
	if r.IntN(3) > 0 {
		d["health"] = randomHealth(r, ports)
	}
	maybe(r, d, "resources", randomResources(r))
	if r.IntN(2) == 0 {
		d["replicas"] = 1 + r.IntN(4)
	}
	if r.IntN(3) == 0 {
		d["autoscaling"] = randomAutoscaling(r)
	}
	if r.IntN(3) == 0 {
		d["ingress"] = randomIngress(r)
	}
	randomWorkloads(r, d, false)
	envs := map[string]any{}
	for _, name := range []string{"dev", "staging", "prod"} {
		if r.IntN(4) > 0 {
			envs[name] = randomOverride(r, ports)
		}
	}
	if len(envs) > 0 {
		d["environments"] = envs
	}
	return d
}

func randomOverride(r *rand.Rand, ports map[string]any) map[string]any {
	o := map[string]any{}
	if r.IntN(2) == 0 {
		o["replicas"] = r.IntN(6)
	}
	maybe(r, o, "env", randomEnv(r, true))
	maybe(r, o, "secrets", randomSecrets(r, true))
	for key, gen := range map[string]func() any{
		"resources":   func() any { return randomResources(r) },
		"autoscaling": func() any { return randomAutoscaling(r) },
		"ingress":     func() any { return randomIngress(r) },
		"config":      func() any { return randomConfig(r) },
	} {
		switch r.IntN(6) {
		case 0:
			o[key] = nil
		case 1:
			o[key] = gen()
		}
	}
	if r.IntN(3) == 0 {
		h := map[string]any{}
		for _, p := range []string{"startup", "liveness", "readiness"} {
			switch r.IntN(4) {
			case 0:
				h[p] = nil
			case 1:
				h[p] = map[string]any{"periodSeconds": 1 + r.IntN(30), "failureThreshold": 1 + r.IntN(10)}
			case 2:
				h[p] = randomProbe(r, ports)
			}
		}
		o["health"] = h
	}
	if r.IntN(3) == 0 {
		o["image"] = map[string]any{"tag": pick(r, "1.0.1", "3.0.0-rc1", "dev")}
	}
	if r.IntN(4) == 0 {
		img, _ := o["image"].(map[string]any)
		if img == nil {
			img = map[string]any{}
		}
		img["digest"] = pick[any](r, nil, "sha256:"+strings.Repeat("ab", 32))
		o["image"] = img
	}
	randomWorkloads(r, o, true)
	return o
}

// randomWorkloads adds the fields of real services: args, writable volumes, envFrom,
// jobs and cron jobs, metrics, sidecars and init containers, raw chart values, a
// registry mirror and a digest. In an override, map entries may be null (removed) or
// partial (merged), lists replace, and a whole field may be null.
func randomWorkloads(r *rand.Rand, d map[string]any, override bool) {
	entry := func(gen func() any) any {
		if override && r.IntN(3) == 0 {
			return nil
		}
		return gen()
	}
	if r.IntN(3) == 0 {
		d["args"] = []any{"serve", pick(r, "--http=:8080", "--data=/var/lib/svc", "${HOME}", "$(POD_NAME)")}
	}
	if r.IntN(4) == 0 {
		vols := map[string]any{}
		vols["data"] = entry(func() any {
			v := map[string]any{"mountPath": "/var/lib/svc", "size": pick(r, "64Mi", "1Gi")}
			switch r.IntN(3) {
			case 0:
				v["medium"] = "Memory"
			case 1:
				v["persistent"], v["accessMode"] = true, "ReadWriteMany"
			}
			return v
		})
		if r.IntN(2) == 0 {
			vols["shared"] = entry(func() any { return map[string]any{"mountPath": "/shared", "existingClaim": "team-shared"} })
		}
		d["volumes"] = vols
	}
	if r.IntN(4) == 0 {
		d["envFrom"] = map[string]any{
			"db":    entry(func() any { return map[string]any{"secret": pick(r, "db", "db2"), "prefix": "DB_"} }),
			"flags": entry(func() any { return map[string]any{"configMap": "flags", "optional": r.IntN(2) == 0} }),
		}
	}
	if r.IntN(4) == 0 {
		d["jobs"] = map[string]any{"migrate": entry(func() any { return map[string]any{"args": []any{"migrate", pick(r, "up", "down")}} })}
	}
	if r.IntN(4) == 0 {
		d["cronJobs"] = map[string]any{"report": entry(func() any {
			return map[string]any{"schedule": pick(r, "0 3 * * *", "@hourly"), "timeZone": pick(r, "Etc/UTC", "Europe/Berlin"), "concurrencyPolicy": pick(r, "Forbid", "Replace")}
		})}
	}
	if r.IntN(5) == 0 {
		d["metrics"] = entry(func() any { return map[string]any{"path": pick(r, "/metrics", "/stats"), "interval": "30s"} })
	}
	if r.IntN(4) == 0 {
		d["sidecars"] = map[string]any{"proxy": entry(func() any {
			return map[string]any{"image": "envoyproxy/envoy:v1.31.2", "args": []any{"-c", "/etc/envoy.yaml"}, "ports": map[string]any{"admin": 9901}}
		})}
	}
	if r.IntN(5) == 0 {
		d["initContainers"] = map[string]any{"wait": entry(func() any { return map[string]any{"image": "busybox:1.37", "args": []any{"true"}} })}
	}
	if r.IntN(4) == 0 {
		d["values"] = map[string]any{
			"podAnnotations":  map[string]any{"team": pick(r, "a", "b")},
			"minReadySeconds": r.IntN(10),
			"podAntiAffinity": pick(r, "soft", "hard", "none"),
			"tmp":             pick[any](r, map[string]any{"enabled": false}, map[string]any{"sizeLimit": "128Mi"}),
			"service":         map[string]any{"annotations": map[string]any{"a": pick[any](r, nil, "b")}},
		}
	}
	if !override && r.IntN(5) == 0 {
		d["image"].(map[string]any)["registry"] = pick(r, "registry.internal:5000", "mirror.example.com/hub")
	}
}

func randomEnv(r *rand.Rand, override bool) map[string]any {
	env := map[string]any{}
	for _, k := range []string{"LOG_LEVEL", "LOG_FORMAT", "FEATURE_X", "PORT", "REGION"} {
		switch r.IntN(4) {
		case 0:
			env[k] = pick(r, "info", "debug", "json", "eu-west-1", "8080", "true")
		case 1:
			if override {
				env[k] = nil
			}
		}
	}
	return env
}

func randomSecrets(r *rand.Rand, override bool) map[string]any {
	s := map[string]any{}
	for _, k := range []string{"DATABASE_URL", "API_TOKEN"} {
		switch r.IntN(4) {
		case 0:
			ref := map[string]any{"secret": pick(r, "db", "api", "shared"), "key": pick(r, "url", "token")}
			if r.IntN(3) == 0 {
				ref["optional"] = true
			}
			s[k] = ref
		case 1:
			if override {
				s[k] = nil
			}
		}
	}
	return s
}

func randomConfig(r *rand.Rand) map[string]any {
	files := map[string]any{"app.yaml": "config/app.yaml"}
	if r.IntN(2) == 0 {
		files["flags"] = "config/flags"
	}
	c := map[string]any{"files": files}
	if r.IntN(2) == 0 {
		c["mountPath"] = pick(r, "/etc/svc", "/config")
	}
	return c
}

func randomHealth(r *rand.Rand, ports map[string]any) map[string]any {
	h := map[string]any{}
	for _, p := range []string{"startup", "liveness", "readiness"} {
		if r.IntN(4) > 0 {
			h[p] = randomProbe(r, ports)
		}
	}
	return h
}

func randomProbe(r *rand.Rand, ports map[string]any) map[string]any {
	var names []string
	for _, n := range []string{"http", "grpc", "metrics", "api"} {
		if _, ok := ports[n]; ok {
			names = append(names, n)
		}
	}
	p := map[string]any{"port": names[r.IntN(len(names))]}
	switch r.IntN(4) {
	case 0:
		p["http"] = pick(r, "/healthz", "/readyz", "/live")
	case 1:
		p["tcp"] = true
	case 2:
		p["grpc"] = pick(r, "", "svc.Health")
	default:
		delete(p, "port")
		p["exec"] = []any{"/svc", "healthcheck"}
	}
	if r.IntN(2) == 0 {
		p["periodSeconds"] = 1 + r.IntN(20)
	}
	return p
}

func randomResources(r *rand.Rand) map[string]any {
	res := map[string]any{"requests": map[string]any{"cpu": pick(r, "50m", "100m", "250m"), "memory": pick(r, "64Mi", "128Mi")}}
	if r.IntN(2) == 0 {
		res["limits"] = map[string]any{"memory": pick(r, "256Mi", "512Mi")}
	}
	return res
}

func randomAutoscaling(r *rand.Rand) map[string]any {
	minR := 1 + r.IntN(3)
	return map[string]any{"minReplicas": minR, "maxReplicas": minR + r.IntN(10), "targetCPU": 50 + r.IntN(40)}
}

func randomIngress(r *rand.Rand) map[string]any {
	in := map[string]any{"host": pick(r, "svc.example.com", "svc.dev.example.com")}
	if r.IntN(2) == 0 {
		in["tls"] = pick(r, "svc-tls", "wildcard-tls")
	}
	if r.IntN(2) == 0 {
		in["className"] = "nginx"
	}
	return in
}

func maybe(r *rand.Rand, m map[string]any, key string, v map[string]any) {
	if len(v) > 0 && r.IntN(4) > 0 {
		m[key] = v
	}
}

func pick[T any](r *rand.Rand, options ...T) T { return options[r.IntN(len(options))] }

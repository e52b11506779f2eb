package descriptor

import (
	"cmp"
	"encoding/json"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strings"

	"github.com/berth-dev/berth/generator/gomod"
	"github.com/berth-dev/berth/generator/model"
	"github.com/berth-dev/berth/generator/readfile"
)

// Defaults, in one place; service.schema.json's descriptions state the same values.
const (
	defaultUser      = 65532
	defaultReplicas  = 1
	defaultTargetCPU = 80
	defaultPort      = 8080

	defaultJobBackoffLimit    = 1
	defaultJobDeadlineSeconds = 600
	defaultCronConcurrency    = "Forbid"
	defaultCronSuccessHistory = 3
	defaultCronFailedHistory  = 1
	defaultMetricsPath        = "/metrics"
	defaultAccessMode         = "ReadWriteOnce"

	// Argo CD renders the chart from this repository's directory, as `helm template` does.
	defaultChartRepoURL  = "https://github.com/berth-dev/berth.git"
	defaultChartPath     = "charts/go-service"
	defaultChartRevision = "main"
)

// normalize applies the defaults and turns a valid spec into the model.
func normalize(file string, s *spec, mod *gomod.Module, vendor gomod.VendorState, repo fs.FS) *model.Service {
	svc := &model.Service{
		Name:        s.Metadata.Name,
		Description: s.Metadata.Description,
		Source:      model.OneLine(path.Base(file)),
		Build:       normalizeBuild(s, mod, vendor, repo),
		Ports:       normalizePorts(s),
		Env:         stringValues(s.Env),
		Secrets:     map[string]model.SecretRef{},
		Replicas:    defaultReplicas,
		Args:        s.Args,
		Command:     s.Command,
		EnvFrom:     normalizeEnvFrom(s),
		Volumes:     normalizeVolumes(s),
		Metrics:     normalizeMetrics(s),
		Sidecars:    normalizeContainers(s.Sidecars),
		Init:        normalizeContainers(s.InitContainers),
		Values:      plainMap(s.Values),
		Compose:     s.Compose,
	}
	svc.Image = normalizeImage(s, svc.Build)
	svc.Jobs, svc.CronJobs = normalizeJobs(s, svc.Build.Entrypoint)
	for name, ref := range s.Secrets {
		svc.Secrets[name] = model.SecretRef{Secret: ref.Secret, Key: ref.Key, Optional: ref.Optional}
	}
	if s.Replicas != nil {
		svc.Replicas = *s.Replicas
	}
	svc.Config = normalizeConfig(s, repo)
	svc.Health = normalizeHealth(s, svc.Ports)
	if s.Resources != nil {
		svc.Resources = model.Resources{Requests: canonicalQuantities(stringValues(s.Resources.Requests)), Limits: canonicalQuantities(stringValues(s.Resources.Limits))}
	}
	if a := s.Autoscaling; a != nil {
		svc.Autoscaling = &model.Autoscaling{MinReplicas: max(a.MinReplicas, 1), MaxReplicas: a.MaxReplicas, TargetCPU: a.TargetCPU, TargetMemory: a.TargetMemory}
		if a.TargetCPU == 0 && a.TargetMemory == 0 {
			svc.Autoscaling.TargetCPU = defaultTargetCPU
		}
	}
	if in := s.Ingress; in != nil {
		svc.Ingress = &model.Ingress{Host: in.Host, Path: cmp.Or(in.Path, "/"), Port: cmp.Or(in.Port, "http"), ClassName: in.ClassName, TLSSecret: in.TLS}
	}
	if a := s.ArgoCD; a != nil {
		svc.ArgoCD = &model.ArgoCD{
			RepoURL:   a.RepoURL,
			Revision:  cmp.Or(a.Revision, "HEAD"),
			Path:      cmp.Or(a.Path, "deploy"),
			Project:   cmp.Or(a.Project, "default"),
			Namespace: cmp.Or(a.Namespace, svc.Name+"-{{env}}"),
			Chart:     model.ChartSource{RepoURL: defaultChartRepoURL, Path: defaultChartPath, Revision: defaultChartRevision},
		}
		if c := a.Chart; c != nil && c.OCI != "" {
			svc.ArgoCD.Chart = model.ChartSource{OCI: c.OCI, Version: c.Version}
		} else if c != nil {
			ch := &svc.ArgoCD.Chart
			ch.RepoURL, ch.Path, ch.Revision = cmp.Or(c.RepoURL, ch.RepoURL), cmp.Or(c.Path, ch.Path), cmp.Or(c.Revision, ch.Revision)
		}
	}
	return svc
}

func normalizeBuild(s *spec, mod *gomod.Module, vendor gomod.VendorState, repo fs.FS) model.Build {
	b := model.Build{
		Context:   path.Clean(cmp.Or(s.Build.Context, ".")),
		Go:        s.Build.Go,
		GoFrom:    "descriptor",
		CGO:       s.Build.CGO,
		Tags:      s.Build.Tags,
		Ldflags:   s.Build.Ldflags,
		GoPrivate: s.Build.GoPrivate,
		PIE:       s.Build.PIE,
		Ignore:    s.Build.Ignore,
	}
	if repo != nil {
		_, err := fs.Stat(repo, path.Join(b.Context, "go.sum"))
		b.HasGoSum = err == nil
	}
	if mod != nil {
		b.ModulePath = mod.Path
	}
	if b.Go == "" && mod != nil {
		b.Go, b.GoFrom = mod.GoVersion()
	}
	switch vendorMode(s.Build.Vendor) {
	case "true":
		b.Vendor = true
	case "auto":
		b.Vendor = vendor == gomod.Consistent
	}
	if len(s.Build.Binaries) == 0 {
		b.Binaries = []model.Binary{{Name: s.Metadata.Name, Package: cmp.Or(s.Build.Main, ".")}}
		b.Entrypoint = s.Metadata.Name
		return b
	}
	for _, name := range sortedKeys(s.Build.Binaries) {
		b.Binaries = append(b.Binaries, model.Binary{Name: name, Package: s.Build.Binaries[name]})
	}
	switch {
	case s.Build.Entrypoint != "":
		b.Entrypoint = s.Build.Entrypoint
	case s.Build.Binaries[s.Metadata.Name] != "":
		b.Entrypoint = s.Metadata.Name
	default:
		b.Entrypoint = b.Binaries[0].Name
	}
	return b
}

func normalizeImage(s *spec, b model.Build) model.Image {
	img := model.Image{
		Repository:   cmp.Or(s.Image.Repository, s.Metadata.Name),
		Tag:          s.Image.Tag,
		Runtime:      model.Runtime(cmp.Or(s.Image.Runtime, string(model.Distroless))),
		BuilderImage: s.Image.BuilderImage,
		RuntimeImage: s.Image.RuntimeImage,
		User:         userOf(s),
		Syntax:       s.Image.Syntax,
		Digest:       s.Image.Digest,
		Registry:     s.Image.Registry,
	}
	if img.BuilderImage == "" {
		img.BuilderImage = img.Runtime.BuilderImage(b.Go, b.CGO)
	}
	if img.RuntimeImage == "" {
		img.RuntimeImage = img.Runtime.Image(b.CGO)
	}
	return img
}

func normalizePorts(s *spec) []model.Port {
	if s.Ports == nil {
		return []model.Port{{Name: "http", Port: defaultPort, Protocol: model.TCP}}
	}
	return portList(*s.Ports)
}

func portList(ports map[string]portSpec) []model.Port {
	var out []model.Port
	for _, name := range sortedKeys(ports) {
		p := ports[name]
		out = append(out, model.Port{Name: name, Port: p.Port, Protocol: model.Protocol(cmp.Or(p.Protocol, string(model.TCP)))})
	}
	return out
}

func normalizeVolumes(s *spec) []model.Volume {
	var out []model.Volume
	for _, name := range sortedKeys(s.Volumes) {
		v := s.Volumes[name]
		mv := model.Volume{Name: name, MountPath: v.MountPath, Size: canonicalQuantity(v.Size), Medium: v.Medium, Persistent: v.Persistent || v.ExistingClaim != "", StorageClass: v.StorageClass, ExistingClaim: v.ExistingClaim}
		if mv.Persistent {
			mv.AccessMode = cmp.Or(v.AccessMode, defaultAccessMode)
		}
		out = append(out, mv)
	}
	return out
}

func normalizeEnvFrom(s *spec) []model.EnvFrom {
	var out []model.EnvFrom
	for _, id := range sortedKeys(s.EnvFrom) {
		e := s.EnvFrom[id]
		out = append(out, model.EnvFrom{ID: id, Secret: e.Secret, ConfigMap: e.ConfigMap, Optional: e.Optional, Prefix: e.Prefix})
	}
	return out
}

func normalizeJobs(s *spec, entrypoint string) ([]model.Job, []model.CronJob) {
	job := func(name string, j jobSpec) model.Job {
		return model.Job{
			Name:                  name,
			Binary:                cmp.Or(j.Binary, entrypoint),
			Args:                  j.Args,
			BackoffLimit:          intOr(j.BackoffLimit, defaultJobBackoffLimit),
			ActiveDeadlineSeconds: intOr(j.ActiveDeadlineSeconds, defaultJobDeadlineSeconds),
		}
	}
	var jobs []model.Job
	for _, name := range sortedKeys(s.Jobs) {
		jobs = append(jobs, job(name, s.Jobs[name]))
	}
	var crons []model.CronJob
	for _, name := range sortedKeys(s.CronJobs) {
		c := s.CronJobs[name]
		crons = append(crons, model.CronJob{
			Job:                        job(name, c.jobSpec),
			Schedule:                   c.Schedule,
			TimeZone:                   c.TimeZone,
			ConcurrencyPolicy:          cmp.Or(c.ConcurrencyPolicy, defaultCronConcurrency),
			SuccessfulJobsHistoryLimit: intOr(c.SuccessfulJobsHistoryLimit, defaultCronSuccessHistory),
			FailedJobsHistoryLimit:     intOr(c.FailedJobsHistoryLimit, defaultCronFailedHistory),
			Suspend:                    c.Suspend,
		})
	}
	return jobs, crons
}

func intOr(p *int, def int) int {
	if p != nil {
		return *p
	}
	return def
}

// normalizeMetrics: the port defaults to one named metrics, else http, else the first.
func normalizeMetrics(s *spec) *model.Metrics {
	m := s.Metrics
	if m == nil {
		return nil
	}
	return &model.Metrics{Port: metricsPort(s), Path: cmp.Or(m.Path, defaultMetricsPath), Interval: m.Interval, ScrapeTimeout: m.ScrapeTimeout}
}

func metricsPort(s *spec) string {
	if s.Metrics.Port != "" {
		return s.Metrics.Port
	}
	names := declaredPorts(s)
	for _, want := range []string{"metrics", "http"} {
		if slices.Contains(names, want) {
			return want
		}
	}
	if len(names) > 0 {
		return names[0]
	}
	return "metrics"
}

func normalizeContainers(m map[string]containerSpec) []model.Container {
	var out []model.Container
	for _, name := range sortedKeys(m) {
		c := m[name]
		mc := model.Container{Name: name, Image: c.Image, Command: c.Command, Args: c.Args, Ports: portList(c.Ports), Env: stringValues(c.Env)}
		if c.Resources != nil {
			mc.Resources = model.Resources{Requests: canonicalQuantities(stringValues(c.Resources.Requests)), Limits: canonicalQuantities(stringValues(c.Resources.Limits))}
		}
		out = append(out, mc)
	}
	return out
}

func normalizeConfig(s *spec, repo fs.FS) *model.Config {
	if s.Config == nil || len(s.Config.Files) == 0 {
		return nil
	}
	c := &model.Config{MountPath: cmp.Or(s.Config.MountPath, "/etc/"+s.Metadata.Name)}
	for _, name := range sortedKeys(s.Config.Files) {
		f := model.ConfigFile{Name: name, Source: s.Config.Files[name]}
		if repo != nil {
			data, _ := readfile.Regular(repo, path.Clean(f.Source), maxConfigBytes) // checked by ruleConfigFiles
			f.Data = string(data)
		}
		c.Files = append(c.Files, f)
	}
	return c
}

// normalizeHealth: with no health section, TCP startup and readiness probes on the
// main port (safe for any listener); no liveness probe, because a liveness probe
// identical to readiness restarts pods that are merely busy.
func normalizeHealth(s *spec, ports []model.Port) model.Health {
	var names []string // the probes' candidates: a UDP port cannot be probed
	for _, p := range ports {
		if p.Protocol == model.TCP {
			names = append(names, p.Name)
		}
	}
	if s.Health == nil {
		port := probePort("", names)
		if port == "" {
			return model.Health{}
		}
		return model.Health{
			Startup:   &model.Probe{Kind: model.TCPProbe, Port: port},
			Readiness: &model.Probe{Kind: model.TCPProbe, Port: port},
		}
	}
	return model.Health{
		Startup:   toProbe(s.Health.Startup, names),
		Liveness:  toProbe(s.Health.Liveness, names),
		Readiness: toProbe(s.Health.Readiness, names),
		Docker:    s.Health.Docker,
	}
}

func toProbe(p *probeSpec, ports []string) *model.Probe {
	if p == nil {
		return nil
	}
	out := &model.Probe{
		InitialDelaySeconds: p.InitialDelaySeconds,
		PeriodSeconds:       p.PeriodSeconds,
		TimeoutSeconds:      p.TimeoutSeconds,
		FailureThreshold:    p.FailureThreshold,
		SuccessThreshold:    p.SuccessThreshold,
	}
	switch {
	case p.HTTP != nil:
		out.Kind, out.Path = model.HTTPProbe, *p.HTTP
	case p.GRPC != nil:
		out.Kind, out.Service = model.GRPCProbe, *p.GRPC
	case p.Exec != nil:
		out.Kind, out.Command = model.ExecProbe, p.Exec
		return out
	default:
		out.Kind = model.TCPProbe
	}
	out.Port = probePort(p.Port, ports)
	return out
}

// stringValues writes env and quantity values as the strings Kubernetes wants.
func stringValues(m map[string]any) map[string]string {
	out := make(map[string]string, len(m))
	for k, v := range m {
		switch t := v.(type) {
		case string:
			out[k] = t
		case json.Number:
			out[k] = t.String()
		case float64:
			out[k] = strings.TrimSuffix(fmt.Sprintf("%g", t), ".0")
		default:
			out[k] = fmt.Sprint(t)
		}
	}
	return out
}

// plainMap turns the decoder's json.Numbers in raw chart values into the ints and
// float64s a YAML reader makes of them, so values files and merges compare alike.
func plainMap(m map[string]any) map[string]any {
	if m == nil {
		return nil
	}
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = plainValue(v)
	}
	return out
}

func plainValue(v any) any {
	switch t := v.(type) {
	case map[string]any:
		return plainMap(t)
	case []any:
		out := make([]any, len(t))
		for i, x := range t {
			out[i] = plainValue(x)
		}
		return out
	case json.Number:
		if n, err := t.Int64(); err == nil {
			return n
		}
		if f, err := t.Float64(); err == nil {
			return f
		}
		return t.String()
	}
	return v
}

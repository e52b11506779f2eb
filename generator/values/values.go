// Package values turns a service into values for the go-service chart: a base file and
// one overlay per environment, built as Go data and marshalled deterministically.
//
// The base states every value the descriptor decides, writing the chart's own default
// where the descriptor is silent, so that an overlay can be the plain difference between
// two such complete views under Helm's merge rules (maps merge, everything else is
// replaced, null deletes).
package values

import (
	"maps"
	"slices"
	"strconv"

	"github.com/berth-dev/berth/generator/model"
)

// Defaults are the chart's values.yaml, read from the embedded chart by the caller; only
// the maps whose entries the descriptor replaces wholesale are consulted.
type Defaults map[string]any

// Build returns the chart values of one service view.
func Build(svc *model.Service, defaults Defaults) map[string]any {
	out := map[string]any{
		"nameOverride":       svc.Name,
		"fullnameOverride":   svc.Name,
		"image":              image(svc),
		"replicas":           svc.Replicas,
		"command":            toAny(svc.Command),
		"args":               toAny(svc.Args),
		"ports":              ports(svc, defaults),
		"env":                env(svc),
		"envFrom":            envFrom(svc),
		"config":             config(svc),
		"volumes":            volumes(svc),
		"probes":             probes(svc),
		"resources":          resources(svc, defaults),
		"autoscaling":        autoscaling(svc),
		"ingress":            ingress(svc),
		"jobs":               jobs(svc),
		"cronJobs":           cronJobs(svc),
		"metrics":            metrics(svc),
		"sidecars":           containers(svc.Sidecars),
		"initContainers":     containers(svc.Init),
		"podSecurityContext": podSecurityContext(svc),
		"securityContext":    map[string]any{"runAsUser": svc.Image.User, "runAsGroup": svc.Image.User},
	}
	if svc.Values != nil {
		out = model.Merge(out, deepCopyMap(svc.Values), model.KeepNulls)
	}
	return out
}

func image(svc *model.Service) map[string]any {
	return map[string]any{"repository": svc.Image.Repository, "tag": svc.Image.Tag, "digest": svc.Image.Digest, "registry": svc.Image.Registry}
}

// ports lists the service's ports and deletes the chart's default ports it does not
// have (the chart declares http: 8080; a gRPC-only service must not inherit it).
func ports(svc *model.Service, defaults Defaults) map[string]any {
	out := nullsFor(defaults, "ports")
	for _, p := range svc.Ports {
		out[p.Name] = map[string]any{"port": p.Port, "protocol": string(p.Protocol)}
	}
	return out
}

// podSecurityContext: ports below 1024 are bound by a non-root process through the
// safe sysctl that lowers the unprivileged range, set to the lowest such port.
func podSecurityContext(svc *model.Service) map[string]any {
	out := map[string]any{"runAsUser": svc.Image.User, "runAsGroup": svc.Image.User, "fsGroup": svc.Image.User}
	lowest := 0
	for _, p := range svc.Ports {
		if p.Port < 1024 && (lowest == 0 || p.Port < lowest) {
			lowest = p.Port
		}
	}
	if lowest > 0 {
		out["sysctls"] = []any{map[string]any{"name": "net.ipv4.ip_unprivileged_port_start", "value": strconv.Itoa(lowest)}}
	}
	return out
}

func envFrom(svc *model.Service) map[string]any {
	out := map[string]any{}
	for _, e := range svc.EnvFrom {
		src := map[string]any{}
		if e.Secret != "" {
			src["secret"] = e.Secret
		} else {
			src["configMap"] = e.ConfigMap
		}
		if e.Optional {
			src["optional"] = true
		}
		if e.Prefix != "" {
			src["prefix"] = e.Prefix
		}
		out[e.ID] = src
	}
	return out
}

// volumes: an emptyDir, a claim the user manages, or one the chart creates
// (persistence).
func volumes(svc *model.Service) map[string]any {
	out := map[string]any{}
	for _, v := range svc.Volumes {
		vol := map[string]any{"mountPath": v.MountPath}
		switch {
		case v.ExistingClaim != "":
			vol["persistentVolumeClaim"] = map[string]any{"claimName": v.ExistingClaim}
		case v.Persistent:
			p := map[string]any{"size": v.Size, "accessMode": v.AccessMode}
			if v.StorageClass != "" {
				p["storageClassName"] = v.StorageClass
			}
			vol["persistence"] = p
		default:
			dir := map[string]any{}
			if v.Size != "" {
				dir["sizeLimit"] = v.Size
			}
			if v.Medium != "" {
				dir["medium"] = v.Medium
			}
			vol["emptyDir"] = dir
		}
		out[v.Name] = vol
	}
	return out
}

func job(j model.Job) map[string]any {
	return map[string]any{
		"command":               []any{"/" + j.Binary},
		"args":                  toAny(j.Args),
		"backoffLimit":          j.BackoffLimit,
		"activeDeadlineSeconds": j.ActiveDeadlineSeconds,
	}
}

func jobs(svc *model.Service) map[string]any {
	out := map[string]any{}
	for _, j := range svc.Jobs {
		out[j.Name] = job(j)
	}
	return out
}

func cronJobs(svc *model.Service) map[string]any {
	out := map[string]any{}
	for _, c := range svc.CronJobs {
		m := job(c.Job)
		m["schedule"] = c.Schedule
		m["concurrencyPolicy"] = c.ConcurrencyPolicy
		m["successfulJobsHistoryLimit"] = c.SuccessfulJobsHistoryLimit
		m["failedJobsHistoryLimit"] = c.FailedJobsHistoryLimit
		m["suspend"] = c.Suspend
		if c.TimeZone != "" {
			m["timeZone"] = c.TimeZone
		}
		out[c.Name] = m
	}
	return out
}

func metrics(svc *model.Service) map[string]any {
	m := svc.Metrics
	if m == nil {
		return map[string]any{"enabled": false}
	}
	return map[string]any{"enabled": true, "port": m.Port, "path": m.Path, "interval": m.Interval, "scrapeTimeout": m.ScrapeTimeout}
}

// containers writes sidecars and init containers as Kubernetes Container specs
// without a name (the map key), lists sorted by name.
func containers(list []model.Container) map[string]any {
	out := map[string]any{}
	for _, c := range list {
		spec := map[string]any{"image": c.Image}
		if len(c.Command) > 0 {
			spec["command"] = toAny(c.Command)
		}
		if len(c.Args) > 0 {
			spec["args"] = toAny(c.Args)
		}
		var ports []any
		for _, p := range c.Ports {
			ports = append(ports, map[string]any{"name": p.Name, "containerPort": p.Port, "protocol": string(p.Protocol)})
		}
		if ports != nil {
			spec["ports"] = ports
		}
		var env []any
		for _, k := range slices.Sorted(maps.Keys(c.Env)) {
			env = append(env, map[string]any{"name": k, "value": c.Env[k]})
		}
		if env != nil {
			spec["env"] = env
		}
		if r := resourceMap(c.Resources); len(r) > 0 {
			spec["resources"] = r
		}
		out[c.Name] = spec
	}
	return out
}

func resourceMap(r model.Resources) map[string]any {
	out := map[string]any{}
	for kind, given := range map[string]map[string]string{"requests": r.Requests, "limits": r.Limits} {
		if len(given) == 0 {
			continue
		}
		m := map[string]any{}
		for k, v := range given {
			m[k] = v
		}
		out[kind] = m
	}
	return out
}

func env(svc *model.Service) map[string]any {
	out := map[string]any{}
	for k, v := range svc.Env {
		out[k] = v
	}
	for k, ref := range svc.Secrets {
		keyRef := map[string]any{"name": ref.Secret, "key": ref.Key}
		if ref.Optional {
			keyRef["optional"] = true
		}
		out[k] = map[string]any{"secretKeyRef": keyRef}
	}
	return out
}

func config(svc *model.Service) map[string]any {
	files := map[string]any{}
	out := map[string]any{"files": files}
	if svc.Config == nil {
		return out
	}
	out["mountPath"] = svc.Config.MountPath
	for _, f := range svc.Config.Files {
		files[f.Name] = f.Data
	}
	return out
}

func probes(svc *model.Service) map[string]any {
	return map[string]any{
		"startup":   probe(svc.Health.Startup),
		"liveness":  probe(svc.Health.Liveness),
		"readiness": probe(svc.Health.Readiness),
	}
}

// probe writes what the descriptor says; timing left at zero falls back to the chart's
// defaults, and a missing probe is switched off rather than deleted, which every Helm
// version treats alike.
func probe(p *model.Probe) map[string]any {
	if p == nil {
		return map[string]any{"enabled": false}
	}
	out := map[string]any{"enabled": true, "type": string(p.Kind)}
	switch p.Kind {
	case model.HTTPProbe:
		out["path"], out["port"] = p.Path, p.Port
	case model.TCPProbe:
		out["port"] = p.Port
	case model.GRPCProbe:
		out["port"], out["service"] = p.Port, p.Service
	case model.ExecProbe:
		out["command"] = toAny(p.Command)
	}
	for key, v := range map[string]int{
		"initialDelaySeconds": p.InitialDelaySeconds,
		"periodSeconds":       p.PeriodSeconds,
		"timeoutSeconds":      p.TimeoutSeconds,
		"failureThreshold":    p.FailureThreshold,
		"successThreshold":    p.SuccessThreshold,
	} {
		if v != 0 {
			out[key] = v
		}
	}
	return out
}

// resources: a descriptor without resources keeps the chart's defaults; one with
// resources gets exactly those, the chart's other defaults deleted.
func resources(svc *model.Service, defaults Defaults) map[string]any {
	if svc.Resources.Requests == nil && svc.Resources.Limits == nil {
		return deepCopyMap(mapAt(defaults, "resources"))
	}
	out := map[string]any{}
	for kind, given := range map[string]map[string]string{"requests": svc.Resources.Requests, "limits": svc.Resources.Limits} {
		m := nullsFor(Defaults(mapAt(defaults, "resources")), kind)
		for k, v := range given {
			m[k] = v
		}
		out[kind] = m
	}
	return out
}

func autoscaling(svc *model.Service) map[string]any {
	a := svc.Autoscaling
	if a == nil {
		return map[string]any{"enabled": false}
	}
	return map[string]any{
		"enabled":      true,
		"minReplicas":  a.MinReplicas,
		"maxReplicas":  a.MaxReplicas,
		"targetCPU":    a.TargetCPU,
		"targetMemory": a.TargetMemory,
	}
}

func ingress(svc *model.Service) map[string]any {
	in := svc.Ingress
	if in == nil {
		return map[string]any{"enabled": false, "className": "", "hosts": map[string]any{}, "tls": map[string]any{}}
	}
	tls := map[string]any{}
	if in.TLSSecret != "" {
		tls[in.TLSSecret] = []any{in.Host}
	}
	return map[string]any{
		"enabled":   true,
		"className": in.ClassName,
		"hosts": map[string]any{in.Host: map[string]any{
			"paths": map[string]any{in.Path: map[string]any{"pathType": "Prefix", "port": in.Port}},
		}},
		"tls": tls,
	}
}

// nullsFor returns a map deleting every entry of the chart default map at key.
func nullsFor(defaults Defaults, key string) map[string]any {
	out := map[string]any{}
	for k := range mapAt(defaults, key) {
		out[k] = nil
	}
	return out
}

func mapAt(m map[string]any, key string) map[string]any {
	v, _ := m[key].(map[string]any)
	return v
}

func deepCopyMap(m map[string]any) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = deepCopy(v)
	}
	return out
}

func deepCopy(v any) any {
	switch t := v.(type) {
	case map[string]any:
		return deepCopyMap(t)
	case []any:
		out := make([]any, len(t))
		for i, x := range t {
			out[i] = deepCopy(x)
		}
		return out
	}
	return v
}

func toAny(s []string) []any {
	out := make([]any, len(s))
	for i, x := range s {
		out[i] = x
	}
	return out
}

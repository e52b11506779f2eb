package descriptor

import (
	"cmp"
	"fmt"
	"path"
	"slices"
	"strings"
)

func init() {
	rules = append(rules, ruleVolumes, ruleJobs, ruleMetrics, ruleContainers, ruleOwnedValues)
}

// reservedMounts are directories the chart mounts itself.
func reservedMounts(s *spec) map[string]string {
	m := map[string]string{"/tmp": "the chart's writable /tmp"}
	if s.Config != nil && len(s.Config.Files) > 0 {
		m[cmp.Or(s.Config.MountPath, "/etc/"+s.Metadata.Name)] = "config.mountPath"
	}
	return m
}

func ruleVolumes(c *ruleContext) {
	reserved := reservedMounts(c.s)
	mounts := map[string]string{}
	for _, name := range sortedKeys(c.s.Volumes) {
		v := c.s.Volumes[name]
		p := "/volumes/" + escapePointer(name)
		mp := path.Clean(v.MountPath)
		switch {
		case mp == "/":
			c.errorf(p+"/mountPath", valueNode, "a volume cannot be mounted at /: mount it at the directory the service writes, e.g. /var/lib/%s", c.s.Metadata.Name)
		case reserved[mp] != "":
			c.errorf(p+"/mountPath", valueNode, "%s is already %s; choose another directory", mp, reserved[mp])
		case mounts[mp] != "":
			c.errorf(p+"/mountPath", valueNode, "%s is already the mount of volume %q", mp, mounts[mp])
		}
		mounts[mp] = name
		persistent := v.Persistent || v.ExistingClaim != ""
		switch {
		case v.ExistingClaim != "" && (v.Size != "" || v.StorageClass != "" || v.AccessMode != ""):
			c.errorf(p+"/existingClaim", valueNode, "existingClaim mounts a claim you manage: remove size, storageClass and accessMode, which only describe a claim the chart creates")
		case persistent && v.Medium != "":
			c.errorf(p+"/medium", valueNode, "medium applies to an emptyDir, not to a persistent volume")
		case v.Persistent && v.ExistingClaim == "" && v.Size == "":
			c.errorf(p+"/persistent", valueNode, "a persistent volume the chart creates needs size (e.g. size: 1Gi)")
		case !persistent && (v.StorageClass != "" || v.AccessMode != ""):
			c.errorf(p, keyNode, "storageClass and accessMode describe a persistent volume: add persistent: true, or remove them")
		}
		if persistent && cmp.Or(v.AccessMode, defaultAccessMode) != "ReadWriteMany" && v.ExistingClaim == "" {
			if why := severalPods(c.s); why != "" {
				c.errorf(p+"/persistent", valueNode, "a %s volume is attached to one node at a time, and %s: its pods would wait for the volume forever; keep one replica, or use accessMode: ReadWriteMany with a storage class that supports it", cmp.Or(v.AccessMode, defaultAccessMode), why)
			}
		}
	}
}

// severalPods says why more than one pod may run, or "".
func severalPods(s *spec) string {
	switch {
	case s.Autoscaling != nil:
		return "autoscaling may run several pods"
	case s.Replicas != nil && *s.Replicas > 1:
		return fmt.Sprintf("replicas is %d", *s.Replicas)
	}
	return ""
}

// Kubernetes names: a Job's pods carry its name in a 63-character label; a CronJob
// appends an 11-character suffix to its Jobs' names.
const (
	maxJobName     = 63
	maxCronJobName = 52
)

func ruleJobs(c *ruleContext) {
	binaries := binaryNames(c.s)
	check := func(kind, name string, j jobSpec, limit int) {
		p := "/" + kind + "/" + escapePointer(name)
		if j.Binary != "" && !slices.Contains(binaries, j.Binary) {
			c.errorf(p+"/binary", valueNode, "%q is not one of the binaries the image holds (%s); add it to build.binaries", j.Binary, strings.Join(binaries, ", "))
		}
		if full := c.s.Metadata.Name + "-" + name; len(full) > limit {
			c.errorf(p, keyNode, "the object would be named %q (%d characters); Kubernetes allows %d here: shorten the name", full, len(full), limit)
		}
	}
	for _, name := range sortedKeys(c.s.Jobs) {
		check("jobs", name, c.s.Jobs[name], maxJobName)
	}
	for _, name := range sortedKeys(c.s.CronJobs) {
		check("cronJobs", name, c.s.CronJobs[name].jobSpec, maxCronJobName)
	}
	if len(c.s.Jobs)+len(c.s.CronJobs) == 0 {
		return
	}
	for _, name := range sortedKeys(c.s.Volumes) {
		if v := c.s.Volumes[name]; v.Persistent && v.ExistingClaim == "" {
			c.warnf("/volumes/"+escapePointer(name)+"/persistent", valueNode, "jobs and cronJobs do not mount volume %q: a pre-install hook runs before the claim exists, and a ReadWriteOnce claim is held by the service's node; work on its data belongs in the service (at start) or in a volume with existingClaim", name)
		}
	}
}

func ruleMetrics(c *ruleContext) {
	m := c.s.Metrics
	if m == nil {
		return
	}
	port := metricsPort(c.s)
	where, t := "/metrics/port", valueNode
	if m.Port == "" {
		where, t = "/metrics", keyNode
	}
	switch {
	case !slices.Contains(declaredPorts(c.s), port):
		c.errorf(where, t, "port %q is not declared in ports (declared: %s)", port, strings.Join(declaredPorts(c.s), ", "))
	case !slices.Contains(tcpPorts(c.s), port):
		c.errorf(where, t, "port %q is UDP; Prometheus scrapes over HTTP, which needs a TCP port", port)
	}
	if m.Interval != "" && m.ScrapeTimeout != "" && durationSeconds(m.ScrapeTimeout) > durationSeconds(m.Interval) {
		c.errorf("/metrics/scrapeTimeout", valueNode, "scrapeTimeout (%s) is longer than interval (%s); Prometheus refuses such a target", m.ScrapeTimeout, m.Interval)
	}
}

// durationSeconds reads the schema's duration form (digits and ms, s, m or h).
func durationSeconds(d string) float64 {
	i := strings.IndexFunc(d, func(r rune) bool { return r < '0' || r > '9' })
	var n float64
	fmt.Sscan(d[:i], &n)
	return n * map[string]float64{"ms": 0.001, "s": 1, "m": 60, "h": 3600}[d[i:]]
}

// ruleContainers: sidecar and init images are pinned like the bases, and their names
// and port names do not clash with the service's (one pod, one namespace of each).
func ruleContainers(c *ruleContext) {
	portOwner := map[string]string{}
	for _, name := range declaredPorts(c.s) {
		portOwner[name] = "the service"
	}
	containers := map[string]string{c.s.Metadata.Name: "the service"}
	for _, group := range []struct {
		key string
		m   map[string]containerSpec
	}{{"initContainers", c.s.InitContainers}, {"sidecars", c.s.Sidecars}} {
		for _, name := range sortedKeys(group.m) {
			ct := group.m[name]
			p := "/" + group.key + "/" + escapePointer(name)
			if other, dup := containers[name]; dup {
				c.errorf(p, keyNode, "container name %q is already used by %s", name, other)
			}
			containers[name] = group.key + "." + name
			switch {
			case latestTag.MatchString(ct.Image):
				c.errorf(p+"/image", valueNode, "%s uses the moving tag latest; pin a version tag or a digest", ct.Image)
			case !hasTagOrDigest(ct.Image):
				c.errorf(p+"/image", valueNode, "%s has no tag or digest; pin one (e.g. %s:<version> or @sha256:…)", ct.Image, ct.Image)
			}
			if group.key == "initContainers" && len(ct.Ports) > 0 {
				c.errorf(p+"/ports", keyNode, "an init container runs to completion before the service starts; ports belong to sidecars")
			}
			checkPortSet(c, p+"/ports/", ct.Ports)
			for _, port := range sortedKeys(ct.Ports) {
				if other, dup := portOwner[port]; dup {
					c.errorf(p+"/ports/"+escapePointer(port), keyNode, "port name %q is already used by %s; port names are unique in a pod", port, other)
				}
				portOwner[port] = group.key + "." + name
			}
			for _, env := range sortedKeys(ct.Env) {
				if v, ok := ct.Env[env].(string); ok && v != "" && looksSecret(env) {
					c.errorf(p+"/env/"+escapePointer(env), valueNode, "%s looks like a credential; never put secret values in the descriptor", env)
				}
			}
		}
	}
}

// ownedValues are the chart values that descriptor fields write: raw values setting
// them would silently fight the field ("*" is any key).
var ownedValues = []struct{ chart, field string }{
	{"nameOverride", "metadata.name"},
	{"fullnameOverride", "metadata.name"},
	{"image.repository", "image.repository"},
	{"image.tag", "image.tag"},
	{"image.digest", "image.digest"},
	{"image.registry", "image.registry"},
	{"global.imageRegistry", "image.registry"},
	{"replicas", "replicas"},
	{"command", "command"},
	{"args", "args"},
	{"ports", "ports"},
	{"env", "env or secrets"},
	{"envFrom", "envFrom"},
	{"config", "config"},
	{"volumes", "volumes"},
	{"probes", "health"},
	{"resources", "resources"},
	{"autoscaling.enabled", "autoscaling"},
	{"autoscaling.minReplicas", "autoscaling.minReplicas"},
	{"autoscaling.maxReplicas", "autoscaling.maxReplicas"},
	{"autoscaling.targetCPU", "autoscaling.targetCPU"},
	{"autoscaling.targetMemory", "autoscaling.targetMemory"},
	{"ingress.enabled", "ingress"},
	{"ingress.className", "ingress.className"},
	{"ingress.hosts", "ingress.host and ingress.path"},
	{"ingress.tls", "ingress.tls"},
	{"jobs", "jobs"},
	{"cronJobs", "cronJobs"},
	{"metrics.enabled", "metrics"},
	{"metrics.port", "metrics.port"},
	{"metrics.path", "metrics.path"},
	{"metrics.interval", "metrics.interval"},
	{"metrics.scrapeTimeout", "metrics.scrapeTimeout"},
	{"sidecars", "sidecars"},
	{"initContainers", "initContainers"},
	{"podSecurityContext.runAsUser", "image.user"},
	{"podSecurityContext.runAsGroup", "image.user"},
	{"podSecurityContext.fsGroup", "image.user"},
	{"podSecurityContext.sysctls", "ports (berth sets net.ipv4.ip_unprivileged_port_start for ports below 1024)"},
	{"securityContext.runAsUser", "image.user"},
	{"securityContext.runAsGroup", "image.user"},
}

// ruleOwnedValues refuses raw values that a descriptor field owns, at the key that
// sets them; replacing or deleting a parent map (values: {image: null}) counts too.
func ruleOwnedValues(c *ruleContext) {
	walkOwned(c, "/values", "", c.s.Values)
}

func walkOwned(c *ruleContext, pointer, dotted string, m map[string]any) {
	for _, k := range sortedKeys(m) {
		p, d := pointer+"/"+escapePointer(k), strings.TrimPrefix(dotted+"."+k, ".")
		sub, isMap := m[k].(map[string]any)
		if lockedValue(d, isMap) {
			c.errorf(p, keyNode, "values.%s would loosen the restricted Pod Security the chart keeps (non-root, no privilege escalation, no capabilities, read-only root); berth does not let values change it", d)
			continue
		}
		if field := ownerOf(d, isMap); field != "" {
			c.errorf(p, keyNode, "values.%s is written by the descriptor field %s; set it there", d, field)
			continue
		}
		if isMap {
			walkOwned(c, p, d, sub)
		}
	}
}

// lockedValues are the security settings that keep every pod within Pod Security
// "restricted"; no descriptor field writes them and raw values may not either.
var lockedValues = []string{
	"securityContext.privileged",
	"securityContext.allowPrivilegeEscalation",
	"securityContext.runAsNonRoot",
	"securityContext.readOnlyRootFilesystem",
	"securityContext.capabilities",
	"securityContext.procMount",
	"securityContext.seccompProfile",
	"podSecurityContext.runAsNonRoot",
	"podSecurityContext.seccompProfile",
}

func lockedValue(dotted string, isMap bool) bool {
	for _, l := range lockedValues {
		if matchDotted(l, dotted) || (!isMap && strings.HasPrefix(l, dotted+".")) {
			return true
		}
	}
	return false
}

// ownerOf returns the field owning the dotted chart key, or "" when the key is free.
// A key that is a parent of an owned one is owned too unless it is a map (whose
// entries are then checked one by one).
func ownerOf(dotted string, isMap bool) string {
	for _, o := range ownedValues {
		if matchDotted(o.chart, dotted) {
			return o.field
		}
		if !isMap && strings.HasPrefix(o.chart, dotted+".") {
			return o.field
		}
	}
	return ""
}

// matchDotted: owned equals key or is one of its parents.
func matchDotted(owned, key string) bool {
	return key == owned || strings.HasPrefix(key, owned+".")
}

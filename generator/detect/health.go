package detect

import (
	"path"
	"regexp"
	"strings"
)

// Health is the probe paths chosen from the endpoints the code serves.
type Health struct {
	Liveness, Readiness, Startup *Endpoint
}

// Last path segments that name health endpoints, in order of preference.
var (
	livenessNames  = []string{"livez", "healthz", "health", "healthcheck", "health-check", "healthy", "live", "liveness", "alive", "ping"}
	readinessNames = []string{"readyz", "ready", "readiness"}
	startupNames   = []string{"startupz", "startup"}
)

// routePath strips a method and host from a route pattern: "GET /healthz" and
// "GET example.com/healthz" both give /healthz.
func routePath(pattern string) string {
	p := pattern
	if i := strings.LastIndexByte(p, ' '); i >= 0 {
		p = p[i+1:]
	}
	if i := strings.IndexByte(p, '/'); i > 0 {
		p = p[i:]
	}
	if !strings.HasPrefix(p, "/") || strings.ContainsAny(p, "{}:*") || len(p) > 512 || !probePath.MatchString(p) {
		return ""
	}
	return p
}

// probePath is what a probe's HTTP path may hold (the descriptor's pattern).
var probePath = regexp.MustCompile(`^/[A-Za-z0-9_.~!$&'()+,;=@/%-]*$`)

// healthKind says which probe a path suits: live, ready, startup or "".
func healthKind(p string) string {
	last := strings.ToLower(path.Base(strings.TrimSuffix(p, "/")))
	for kind, names := range map[string][]string{"live": livenessNames, "ready": readinessNames, "startup": startupNames} {
		for _, n := range names {
			if last == n {
				return kind
			}
		}
	}
	return ""
}

// chooseHealth picks the best path for each probe. Readiness and startup fall back to
// the liveness path, startup then to readiness. A readiness-only service gets no liveness probe: one identical
// to readiness restarts pods that are merely busy.
func chooseHealth(endpoints []Endpoint) Health {
	pick := func(names []string) *Endpoint {
		for _, n := range names {
			for i, e := range endpoints {
				if strings.EqualFold(path.Base(strings.TrimSuffix(e.Path, "/")), n) {
					return &endpoints[i]
				}
			}
		}
		return nil
	}
	h := Health{Liveness: pick(livenessNames), Readiness: pick(readinessNames), Startup: pick(startupNames)}
	if h.Readiness == nil {
		h.Readiness = h.Liveness
	}
	if h.Startup == nil {
		h.Startup = h.Liveness
	}
	if h.Startup == nil {
		h.Startup = h.Readiness
	}
	return h
}

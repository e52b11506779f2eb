package detect

import (
	"fmt"
	"strings"
	"testing"
)

// TestObserve: observed ports replace the read ones (a read port of the same number
// and protocol keeps its name), loopback-only sockets are not declared but noted,
// answered paths become the health endpoints on their port, and a program that opened
// nothing leaves the reading with a note quoting how it ended.
func TestObserve(t *testing.T) {
	r := &Repo{Ports: []Port{{Name: "api", Number: 8080}, {Name: "metrics", Number: 9090}}}
	r.Observe([]Observed{{
		Main: "./cmd/api",
		Ports: []ObservedPort{
			{Number: 8080, Protocol: "TCP"}, {Number: 53, Protocol: "UDP"}, {Number: 7000, Protocol: "TCP"},
			{Number: 6060, Protocol: "TCP", Loopback: true},
		},
		Routes: []ObservedRoute{{Path: "/healthz", Port: 7000, Status: 200}, {Path: "/readyz", Port: 8080, Status: 204}},
	}})
	var got []string
	for _, p := range r.Ports {
		got = append(got, fmt.Sprintf("%s=%s:%d", p.Name, p.Protocol, p.Number))
	}
	if want := "api=:8080 http=:7000 dns=UDP:53"; strings.Join(got, " ") != want {
		t.Errorf("ports %q, want %q", strings.Join(got, " "), want)
	}
	if !r.Observed || !strings.Contains(r.ProbeNote, "loopback only at 6060/tcp") {
		t.Errorf("observed %v, note %q", r.Observed, r.ProbeNote)
	}
	if r.Health.Liveness == nil || r.Health.Liveness.Port != 7000 || r.Health.Readiness == nil || r.Health.Readiness.Path != "/readyz" || r.Health.Readiness.Port != 8080 {
		t.Errorf("health %+v", r.Health)
	}

	quiet := &Repo{Ports: []Port{{Name: "http", Number: 8080}}}
	quiet.Observe([]Observed{{Main: ".", Exit: "exited before 3s (exit status 2):\n\x1b[31musage\x1b[0m: serve", Wait: "3s"}})
	if len(quiet.Ports) != 1 || quiet.Observed {
		t.Errorf("a program that opened nothing must leave the ports read from the code: %+v", quiet.Ports)
	}
	if want := "--probe: main package . opened no port in 3s; it exited before 3s (exit status 2): [31musage[0m: serve; the ports below come from reading the code."; quiet.ProbeNote != want {
		t.Errorf("note %q\nwant %q", quiet.ProbeNote, want)
	}
}

// TestObserveUnansweredHealth: CoreDNS in its default configuration opens DNS on 53
// over TCP and UDP; its health plugin's /health, registered in the code, answers
// nowhere. The UDP side is named dns-udp, and no HTTP probe is proposed on the DNS port.
func TestObserveUnansweredHealth(t *testing.T) {
	health := &Endpoint{Path: "/health"}
	r := &Repo{
		Ports:     []Port{{Name: "http", Number: 853}},
		Endpoints: []Endpoint{*health, {Path: "/ready"}},
		Health:    Health{Liveness: health},
	}
	r.Observe([]Observed{{Main: ".", Ports: []ObservedPort{{Number: 53, Protocol: "TCP"}, {Number: 53, Protocol: "UDP"}}}})
	var got []string
	for _, p := range r.Ports {
		got = append(got, fmt.Sprintf("%s=%s:%d", p.Name, p.Protocol, p.Number))
	}
	if want := "dns=:53 dns-udp=UDP:53"; strings.Join(got, " ") != want {
		t.Errorf("ports %q, want %q", strings.Join(got, " "), want)
	}
	if r.Health != (Health{}) || r.Endpoints != nil {
		t.Errorf("health %+v endpoints %+v: routes that answered nowhere must go", r.Health, r.Endpoints)
	}
	if want := "--probe: /health, /ready, registered in the code, answered on none of the TCP ports main package . opened: the probes use TCP."; r.ProbeNote != want {
		t.Errorf("note %q\nwant %q", r.ProbeNote, want)
	}
}

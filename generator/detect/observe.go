package detect

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"unicode"
)

// Observed is what running a main package for a few seconds in an isolated network
// namespace showed (berth init --probe).
type Observed struct {
	Main   string          `json:"main"`
	Ports  []ObservedPort  `json:"ports"`
	Routes []ObservedRoute `json:"routes"`
	// Exit says how the program ended before its time was up, with its last output.
	Exit string `json:"exit,omitempty"`
	// Interfaces are the network interfaces the program's namespace had: lo alone.
	Interfaces []string `json:"interfaces"`
	Wait       string   `json:"-"`
}

// ObservedPort is a socket the program listened on (TCP) or bound (UDP); Loopback
// when it was bound to loopback only, where nothing outside the container reaches it.
type ObservedPort struct {
	Number   int    `json:"number"`
	Protocol string `json:"protocol"`
	Loopback bool   `json:"loopback,omitempty"`
}

// ObservedRoute is a health path that answered 2xx on a port.
type ObservedRoute struct {
	Path   string `json:"path"`
	Port   int    `json:"port"`
	Status int    `json:"status"`
}

// Observe lets what the service's main (the first) really did override the static
// reading: the ports it opened replace the detected ones (a detected port of the
// same number keeps its name), the paths that answered become the health endpoints,
// and when it opened nothing the static result stays with a note saying why.
func (r *Repo) Observe(obs []Observed) {
	if len(obs) == 0 {
		return
	}
	o := obs[0]
	var loopback []string
	o.Ports = slices.DeleteFunc(slices.Clone(o.Ports), func(p ObservedPort) bool {
		if !p.Loopback {
			return false
		}
		wild := ObservedPort{Number: p.Number, Protocol: p.Protocol}
		if !slices.Contains(o.Ports, wild) {
			loopback = append(loopback, fmt.Sprintf("%d/%s", p.Number, strings.ToLower(p.Protocol)))
		}
		return true
	})
	if len(loopback) > 0 {
		r.ProbeNote = fmt.Sprintf("--probe: main package %s listened on loopback only at %s, which nothing outside the container reaches: make it listen on all interfaces (\":PORT\") and declare the port.", o.Main, strings.Join(slices.Compact(loopback), ", "))
	}
	if len(o.Ports) == 0 {
		if r.ProbeNote != "" {
			r.ProbeNote += "\nThe ports below come from reading the code."
			return
		}
		note := fmt.Sprintf("--probe: main package %s opened no port in %s", o.Main, cmp.Or(o.Wait, "the time it ran"))
		if o.Exit != "" {
			note += "; it " + printable(o.Exit, 300)
		}
		r.ProbeNote = note + "; the ports below come from reading the code."
		return
	}
	slices.SortFunc(o.Ports, func(a, b ObservedPort) int {
		return cmp.Or(strings.Compare(a.Protocol, b.Protocol), a.Number-b.Number)
	})
	protocolOf := func(op ObservedPort) string {
		if op.Protocol == "UDP" {
			return "UDP"
		}
		return ""
	}
	what := func(op ObservedPort) string {
		return fmt.Sprintf("observed: main package %s listened on :%d/%s in an isolated network namespace", o.Main, op.Number, strings.ToLower(op.Protocol))
	}
	// The detected ports it opened keep their names and order; the others follow.
	var ports []Port
	taken := map[string]bool{}
	for _, p := range r.Ports {
		i := slices.IndexFunc(o.Ports, func(op ObservedPort) bool { return op.Number == p.Number && protocolOf(op) == p.Protocol })
		if i >= 0 {
			p.Evidence.What += "; " + what(o.Ports[i])
			ports = append(ports, p)
			taken[p.Name] = true
		}
	}
	for _, op := range o.Ports {
		if !slices.ContainsFunc(ports, func(p Port) bool { return p.Number == op.Number && p.Protocol == protocolOf(op) }) {
			ports = append(ports, Port{Number: op.Number, Protocol: protocolOf(op), Evidence: Evidence{What: what(op)}, rank: rankListen})
		}
	}
	for i, p := range ports {
		if p.Name != "" {
			continue
		}
		name := observedName(p, o.Routes)
		if taken[name] && p.Protocol == "UDP" && !taken[name+"-udp"] {
			name += "-udp" // the UDP side of a TCP port (DNS on 53)
		} else if taken[name] {
			name = fmt.Sprintf("%s-%d", name, p.Number)
		}
		taken[name] = true
		ports[i].Name = name
	}
	r.Ports = ports
	openedTCP := slices.ContainsFunc(o.Ports, func(p ObservedPort) bool { return p.Protocol == "TCP" })
	if len(o.Routes) == 0 && openedTCP && len(r.Endpoints) > 0 {
		// The code registers health routes, but none answered on a port the program
		// opened: they belong to a server its default configuration does not start, and
		// an HTTP probe on another port would never pass.
		var paths []string
		for _, e := range r.Endpoints {
			paths = append(paths, e.Path)
		}
		r.ProbeNote = strings.TrimPrefix(r.ProbeNote+"\n", "\n") + fmt.Sprintf("--probe: %s, registered in the code, answered on none of the TCP ports main package %s opened: the probes use TCP.", strings.Join(slices.Compact(paths), ", "), o.Main)
		r.Endpoints, r.Health = nil, Health{}
	}
	if len(o.Routes) > 0 {
		r.Endpoints = nil
		for _, rt := range o.Routes {
			r.Endpoints = append(r.Endpoints, Endpoint{Path: rt.Path, Port: rt.Port,
				Evidence: Evidence{What: fmt.Sprintf("observed: GET %s on :%d answered %d", rt.Path, rt.Port, rt.Status)}})
		}
		r.Health = chooseHealth(r.Endpoints)
	}
	r.Observed = true
}

// observedName names an observed port: its well-known service, http when a health
// path answered on it, else its protocol.
func observedName(p Port, routes []ObservedRoute) string {
	if wk, ok := wellKnownPorts[p.Number]; ok {
		return wk
	}
	if p.Protocol == "UDP" {
		return "udp"
	}
	if slices.ContainsFunc(routes, func(r ObservedRoute) bool { return r.Port == p.Number }) {
		return "http"
	}
	return "tcp"
}

// printable keeps a program's output fit for a one-line comment: printable runes,
// whitespace as single spaces, at most n bytes.
func printable(s string, n int) string {
	var b strings.Builder
	for _, r := range strings.Join(strings.Fields(s), " ") {
		if unicode.IsPrint(r) {
			b.WriteRune(r)
		}
	}
	out := b.String()
	if len(out) > n {
		out = strings.ToValidUTF8(out[:n], "") + "…"
	}
	return out
}

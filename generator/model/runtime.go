package model

import (
	"fmt"
	"slices"
	"strings"

	"github.com/distribution/reference"
)

// Libc is the C library an image provides: none, glibc or musl.
type Libc string

const (
	NoLibc Libc = ""
	Glibc  Libc = "glibc"
	Musl   Libc = "musl"
)

// ImageFacts is what a base image holds before a Dockerfile adds anything.
type ImageFacts struct {
	Libc     Libc
	Shell    bool     // /bin/sh
	Certs    bool     // a CA bundle under /etc/ssl/certs
	TZData   bool     // /usr/share/zoneinfo
	Compiler bool     // a C compiler, so the go command turns cgo on by default
	Programs []string // of the tools health checks reach for (HealthTools), those it has
}

// HealthTools are the programs a Docker HEALTHCHECK commonly calls.
var HealthTools = []string{"curl", "wget", "nc"}

// Has reports whether the image has a program of HealthTools.
func (f ImageFacts) Has(program string) bool { return slices.Contains(f.Programs, program) }

// The releases berth's default images follow.
const (
	DebianRelease    = "trixie"
	DistrolessSuffix = "debian13"
	AlpineRelease    = "3.23"
)

// runtimeImage is one image a runtime family uses, with what it holds.
type runtimeImage struct {
	ref      string // "" for scratch
	describe string // for the Dockerfile's comments
	facts    ImageFacts
}

// runtimes is the one table of what each runtime family's image is and holds: the
// image without cgo, and the one a cgo binary needs (nil where cgo is refused).
var runtimes = map[Runtime]struct{ static, cgo *runtimeImage }{
	Distroless: {
		static: &runtimeImage{"gcr.io/distroless/static-" + DistrolessSuffix + ":nonroot", "distroless static (no shell, no libc), non-root",
			ImageFacts{Certs: true, TZData: true}},
		cgo: &runtimeImage{"gcr.io/distroless/base-" + DistrolessSuffix + ":nonroot", "distroless base (glibc, no shell), non-root",
			ImageFacts{Libc: Glibc, Certs: true, TZData: true}},
	},
	Scratch: {
		static: &runtimeImage{"", "scratch, nothing but the binaries, CA certificates and a passwd entry", ImageFacts{}},
	},
	Alpine: {
		static: &runtimeImage{"alpine:" + AlpineRelease, "alpine (musl, with a shell)",
			ImageFacts{Libc: Musl, Shell: true, Certs: true, Programs: []string{"wget", "nc"}}},
	},
	Debian: {
		static: &runtimeImage{"debian:" + DebianRelease + "-slim", "debian slim (glibc, with a shell)",
			ImageFacts{Libc: Glibc, Shell: true}},
	},
}

func init() {
	// Alpine and Debian run a cgo binary from their own builder as they are.
	for _, r := range []Runtime{Alpine, Debian} {
		t := runtimes[r]
		t.cgo = t.static
		runtimes[r] = t
	}
}

// Runtimes lists the runtime families in the order help texts name them.
func Runtimes() []Runtime { return []Runtime{Distroless, Scratch, Alpine, Debian} }

// RuntimeNames is "distroless, scratch, alpine or debian", for messages.
func RuntimeNames() string {
	names := make([]string, 0, 4)
	for _, r := range Runtimes() {
		names = append(names, string(r))
	}
	return strings.Join(names[:len(names)-1], ", ") + " or " + names[len(names)-1]
}

// Valid reports whether r is one of the runtime families.
func (r Runtime) Valid() bool { _, ok := runtimes[r]; return ok }

// SupportsCGO reports whether the family has an image with a C library.
func (r Runtime) SupportsCGO() bool { return runtimes[r].cgo != nil }

func (r Runtime) image(cgo bool) *runtimeImage {
	t := runtimes[r]
	if cgo && t.cgo != nil {
		return t.cgo
	}
	return t.static
}

// Image is the base of the final stage: "" for scratch.
func (r Runtime) Image(cgo bool) string { return r.image(cgo).ref }

// Facts is what the final stage's base image holds.
func (r Runtime) Facts(cgo bool) ImageFacts { return r.image(cgo).facts }

// Describe says in a few words what the final image is.
func (r Runtime) Describe(cgo bool) string { return r.image(cgo).describe }

// BuilderImage is the golang image berth builds with for a Go release: Debian (glibc)
// unless a cgo build must match an alpine (musl) runtime.
func (r Runtime) BuilderImage(goVersion string, cgo bool) string {
	if cgo && r.Facts(cgo).Libc == Musl {
		return fmt.Sprintf("golang:%s-alpine%s", goVersion, AlpineRelease)
	}
	return fmt.Sprintf("golang:%s-%s", goVersion, DebianRelease)
}

// FactsOf says what any image reference holds, as far as its name tells: berth's
// runtimes and builders, and the common families around them. ok is false for an
// image it cannot tell.
func FactsOf(ref string) (facts ImageFacts, ok bool) {
	name := strings.ToLower(ref)
	switch {
	case name == "scratch":
		return ImageFacts{}, true
	case strings.Contains(name, "distroless/static"), strings.Contains(name, "chainguard/static"):
		return Distroless.Facts(false), true
	case strings.Contains(name, "distroless/"):
		return Distroless.Facts(true), true
	case strings.Contains(name, "alpine"):
		return Alpine.Facts(false), true
	case strings.HasPrefix(name, "golang:"):
		return ImageFacts{Libc: Glibc, Shell: true, Certs: true, TZData: true, Compiler: true, Programs: []string{"curl", "wget"}}, true
	case strings.HasPrefix(name, "debian:"), strings.HasPrefix(name, "ubuntu:"):
		return Debian.Facts(false), true
	}
	return ImageFacts{}, false
}

// Mirror names ref in registry: the image's own registry (docker.io when it names none)
// is replaced and its path kept, so golang:1.26 in registry.internal/mirror is
// registry.internal/mirror/library/golang:1.26. The chart's go-service.image helper does
// the same for the images it deploys. An empty registry, or a ref already there, is
// returned unchanged.
func Mirror(ref, registry string) string {
	if registry == "" || ref == "" || strings.HasPrefix(ref, registry+"/") {
		return ref
	}
	named, err := reference.ParseNormalizedNamed(ref)
	if err != nil {
		return ref
	}
	out := registry + "/" + reference.Path(named)
	if t, ok := named.(reference.Tagged); ok {
		out += ":" + t.Tag()
	}
	if d, ok := named.(reference.Digested); ok {
		out += "@" + d.Digest().String()
	}
	return out
}

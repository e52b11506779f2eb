package dockerfile

import (
	"fmt"
	"strings"
	"testing"

	"github.com/berth-dev/berth/generator/lint"
	"github.com/berth-dev/berth/generator/model"
	"github.com/berth-dev/berth/tests/testutil"
)

// matrixCase is one point of the Dockerfile option matrix.
type matrixCase struct {
	runtime                               model.Runtime
	cgo, vendor, several, private, health bool
}

func (c matrixCase) name() string {
	parts := []string{string(c.runtime)}
	for _, f := range []struct {
		on   bool
		name string
	}{{c.cgo, "cgo"}, {c.vendor, "vendor"}, {c.several, "multi"}, {c.private, "private"}, {c.health, "healthcheck"}} {
		if f.on {
			parts = append(parts, f.name)
		}
	}
	return strings.Join(parts, "-")
}

func (c matrixCase) service() *model.Service {
	svc := &model.Service{
		Name:        "orders",
		Description: "Order service",
		Source:      "service.yaml",
		Build: model.Build{
			Context: ".", Go: "1.26.8", CGO: c.cgo, Vendor: c.vendor, HasGoSum: true,
			Binaries:   []model.Binary{{Name: "orders", Package: "./cmd/orders"}},
			Entrypoint: "orders",
			Ldflags:    []string{"-X main.version=${VERSION}", "-X main.revision=${REVISION}"},
			Tags:       []string{"netgo"},
		},
		Image: model.Image{
			Repository:   "ghcr.io/acme/orders",
			Runtime:      c.runtime,
			BuilderImage: c.runtime.BuilderImage("1.26.8", c.cgo),
			RuntimeImage: c.runtime.Image(c.cgo),
			User:         65532,
		},
		Ports:  []model.Port{{Name: "http", Port: 8080}, {Name: "metrics", Port: 9090}},
		ArgoCD: &model.ArgoCD{RepoURL: "https://github.com/acme/orders.git"},
	}
	if c.several {
		svc.Build.Binaries = append(svc.Build.Binaries, model.Binary{Name: "migrate", Package: "./cmd/migrate"})
	}
	if c.private {
		svc.Build.GoPrivate = []string{"github.com/acme/*", "gitlab.acme.dev/*"}
	}
	if c.health {
		svc.Health.Docker = []string{"/orders", "healthcheck", "--url=http://127.0.0.1:8080/healthz"}
	}
	return svc
}

// allCases is the full matrix minus the pairs the descriptor rules refuse (cgo on
// scratch).
func allCases() []matrixCase {
	var out []matrixCase
	for _, rt := range []model.Runtime{model.Distroless, model.Scratch, model.Alpine, model.Debian} {
		for bits := range 32 {
			c := matrixCase{runtime: rt, cgo: bits&1 != 0, vendor: bits&2 != 0, several: bits&4 != 0, private: bits&8 != 0, health: bits&16 != 0}
			if c.cgo && rt == model.Scratch {
				continue
			}
			out = append(out, c)
		}
	}
	return out
}

// goldenCases: each runtime × cgo × vendor once, the other options each seen on and
// off, named as matrixCase.name names them.
var goldenCases = []string{
	"alpine-cgo-healthcheck",
	"alpine-cgo-vendor-private-healthcheck",
	"alpine-multi-private",
	"alpine-vendor-multi-private",
	"debian-cgo-private-healthcheck",
	"debian-cgo-vendor-healthcheck",
	"debian-multi",
	"debian-vendor-multi-private",
	"distroless-cgo-healthcheck",
	"distroless-cgo-vendor-private-healthcheck",
	"distroless-multi-private",
	"distroless-vendor-multi-private",
	"scratch-multi",
	"scratch-vendor-private-healthcheck",
}

// parseCase reads a case name back into its options.
func parseCase(t *testing.T, name string) matrixCase {
	t.Helper()
	parts := strings.Split(name, "-")
	c := matrixCase{runtime: model.Runtime(parts[0])}
	for _, p := range parts[1:] {
		switch p {
		case "cgo":
			c.cgo = true
		case "vendor":
			c.vendor = true
		case "multi":
			c.several = true
		case "private":
			c.private = true
		case "healthcheck":
			c.health = true
		default:
			t.Fatalf("case %q: unknown option %q", name, p)
		}
	}
	if c.name() != name {
		t.Fatalf("case %q is spelled %q", name, c.name())
	}
	return c
}

func TestRenderGolden(t *testing.T) {
	for _, name := range goldenCases {
		t.Run(name, func(t *testing.T) {
			got, err := Render(parseCase(t, name).service())
			if err != nil {
				t.Fatal(err)
			}
			testutil.Golden(t, got)
		})
	}
}

// TestMatrixLintsClean lints every point of the matrix with BuildKit's own rules.
func TestMatrixLintsClean(t *testing.T) {
	for _, c := range allCases() {
		t.Run(c.name(), func(t *testing.T) {
			df, err := Render(c.service())
			if err != nil {
				t.Fatal(err)
			}
			res, err := lint.BuildKit(df)
			if err != nil {
				t.Fatal(err)
			}
			if findings := testutil.DescribeBuildKit(res); len(findings) > 0 {
				t.Errorf("BuildKit lint findings:\n%s\n\n%s", strings.Join(findings, "\n"), df)
			}
		})
	}
}

// TestMatrixFacts checks the containerisation lessons on every point of the matrix.
func TestMatrixFacts(t *testing.T) {
	for _, c := range allCases() {
		df, err := Render(c.service())
		if err != nil {
			t.Fatal(err)
		}
		s := string(df)
		check := func(ok bool, format string, args ...any) {
			if !ok {
				t.Errorf("%s: %s", c.name(), fmt.Sprintf(format, args...))
			}
		}
		check(!strings.Contains(s, "GOROOT"), "sets GOROOT")
		check(!strings.HasPrefix(s, "# syntax="), "has a syntax line nobody asked for")
		check(strings.Contains(s, "GOTOOLCHAIN=local"), "no GOTOOLCHAIN=local")
		check(strings.Contains(s, fmt.Sprintf("CGO_ENABLED=%d", map[bool]int{false: 0, true: 1}[c.cgo])), "CGO_ENABLED not explicit")
		check(strings.Contains(s, "-trimpath") && strings.Contains(s, `-ldflags "-s -w`), "missing -trimpath or -s -w")
		check(strings.Contains(s, "USER 65532:65532"), "no numeric USER")
		check(strings.Contains(s, `ENTRYPOINT ["/orders"]`), "no exec-form ENTRYPOINT")
		check(strings.Contains(s, "--platform=$BUILDPLATFORM") != c.cgo, "cross-compilation platform wrong for cgo=%v", c.cgo)
		check(strings.Contains(s, "ARG GO_VERSION=1.26.8\n") && strings.Contains(s, "golang:${GO_VERSION}-"), "the builder's Go release is not the GO_VERSION argument")
		check(strings.Contains(s, "cgo is never cross-compiled") == c.cgo, "the header does not say how a cgo=%v build goes multi-platform", c.cgo)
		check(strings.Contains(s, "SOURCE_DATE_EPOCH=$(git log -1 --format=%ct)") && strings.Contains(s, "rewrite-timestamp=true"), "the header does not say how to build reproducibly")
		check(strings.Contains(s, "go mod download") != c.vendor, "module download wrong for vendor=%v", c.vendor)
		check(strings.Contains(s, "GOFLAGS=-mod=vendor") == c.vendor, "vendor flag wrong")
		check(strings.Contains(s, "GOFLAGS=-mod=readonly") != c.vendor, "module mode not explicit without vendor/")
		check(strings.Contains(s, "--mount=type=secret,id=netrc") == (c.private && !c.vendor), "netrc secret mount wrong (only a module download needs it)")
		check(!strings.Contains(s, "ARG GITHUB_TOKEN") && !strings.Contains(s, "ARG TOKEN"), "token in ARG")
		check(strings.Contains(s, "FROM deps AS dev"), "no dev target sharing the builder")
		check(strings.Contains(s, "--mount=type=cache,target=/root/.cache/go-build"), "no build cache mount")
		if c.health {
			check(strings.Contains(s, `HEALTHCHECK --interval=30s --timeout=5s --start-period=10s --retries=3 CMD ["/orders",`), "healthcheck not exec form")
		} else {
			check(!strings.Contains(s, "HEALTHCHECK"), "unexpected healthcheck")
		}
		check(strings.Count(s, "go build -trimpath") == map[bool]int{false: 1, true: 2}[c.several], "wrong number of builds")
		if c.runtime == model.Scratch {
			check(strings.Contains(s, "ca-certificates.crt") && strings.Contains(s, "/etc/passwd"), "scratch without CA certificates or passwd")
		}
		if c.runtime != model.Distroless {
			check(strings.Contains(s, "timetzdata"), "no embedded tzdata for a runtime without zoneinfo")
		}
		if c.cgo && c.runtime == model.Alpine {
			check(strings.Contains(s, "ARG GO_VERSION=1.26.8\n") && strings.Contains(s, "golang:${GO_VERSION}-alpine"), "musl runtime with a glibc builder")
		}
	}
}

// TestRenderRealService: args as exec-form CMD (and after air's --), a UDP port, data
// directories owned by the user, and every FROM through a registry mirror; on each
// runtime, lint-clean.
func TestRenderRealService(t *testing.T) {
	for _, rt := range []model.Runtime{model.Distroless, model.Scratch, model.Alpine, model.Debian} {
		t.Run(string(rt), func(t *testing.T) {
			svc := matrixCase{runtime: rt, health: true}.service()
			svc.Image.Registry = "registry.internal:5000/mirror"
			svc.Args = []string{"serve", "--data=/var/lib/orders", "${HOME}", `"quoted"`}
			svc.Ports = append(svc.Ports, model.Port{Name: "dns", Port: 53, Protocol: model.UDP})
			svc.Volumes = []model.Volume{{Name: "data", MountPath: "/var/lib/orders"}, {Name: "cache", MountPath: "/var/cache/orders/"}}
			got, err := Render(svc)
			if err != nil {
				t.Fatal(err)
			}
			testutil.Golden(t, got)
			s := string(got)
			for _, want := range []string{
				`CMD ["serve","--data=/var/lib/orders","${HOME}","\"quoted\""]`,
				"EXPOSE 53/udp",
				"COPY --from=build --chown=65532:65532 /out/empty/ /var/lib/orders/",
				"COPY --from=build --chown=65532:65532 /out/empty/ /var/cache/orders/",
				`"--","serve","--data=/var/lib/orders"`,
				"FROM --platform=$BUILDPLATFORM registry.internal:5000/mirror/library/golang:",
			} {
				if !strings.Contains(s, want) {
					t.Errorf("missing %q", want)
				}
			}
			if rt != model.Scratch && !strings.Contains(s, "\nFROM registry.internal:5000/mirror/") {
				t.Error("the runtime FROM is not mirrored")
			}
			res, err := lint.BuildKit(got)
			if err != nil {
				t.Fatal(err)
			}
			if findings := testutil.DescribeBuildKit(res); len(findings) > 0 {
				t.Errorf("BuildKit lint findings:\n%s", strings.Join(findings, "\n"))
			}
		})
	}
}

// TestBuilderOverrideHasNoGoVersion: a builder image the descriptor names is used as
// written; GO_VERSION only picks the release of berth's own golang image.
func TestBuilderOverrideHasNoGoVersion(t *testing.T) {
	svc := allCases()[0].service()
	svc.Image.BuilderImage = "registry.local/golang:1.26.8-bookworm@sha256:" + strings.Repeat("ab", 32)
	df, err := Render(svc)
	if err != nil {
		t.Fatal(err)
	}
	s := string(df)
	if strings.Contains(s, "GO_VERSION") || !strings.Contains(s, "FROM --platform=$BUILDPLATFORM "+svc.Image.BuilderImage+" AS deps") {
		t.Errorf("the override is not used as written:\n%s", s)
	}
}

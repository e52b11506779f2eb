package lint

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/berth-dev/berth/tests/testutil"
)

// TestRulesHaveChecks: every catalogued rule is reported by some check.
func TestRulesHaveChecks(t *testing.T) {
	testutil.RulesHaveChecks(t, ".", "Rules")
}

// ruleCase runs one check function directly on a small Dockerfile, the way Helm's
// pkg/lint/rules tests call each validate function, and lists what it reports as
// "ID:line" (with the file name when it is not the Dockerfile).
type ruleCase struct {
	name       string
	dockerfile string
	ignore     string     // .dockerignore; "" for none
	repo       *repoFacts // the module beside the Dockerfile; nil for none
	policy     *Policy
	want       []string
}

func runRuleCases(t *testing.T, check func(*checker), cases []ruleCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			df, err := parseDockerfile("Dockerfile", []byte(tc.dockerfile))
			if err != nil {
				t.Fatal(err)
			}
			c := &checker{df: df, file: "Dockerfile", repo: tc.repo, policy: tc.policy}
			if tc.ignore != "" {
				c.ignore = parseIgnore(".dockerignore", []byte(tc.ignore))
			}
			check(c)
			var got []string
			for _, f := range c.findings {
				where := ""
				if f.File != "Dockerfile" {
					where = f.File + ":"
				}
				got = append(got, fmt.Sprintf("%s%s:%d", where, f.Rule, f.Line))
				if f.Message == "" || f.Fix == "" {
					t.Errorf("finding without message or fix: %+v", f)
				}
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
}

// vendorRepo is a module with a consistent vendor/ in a temporary directory.
func vendorRepo(t *testing.T) *repoFacts {
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "vendor"), 0o755); err != nil {
		t.Fatal(err)
	}
	return &repoFacts{dir: dir, vendor: true, tls: true}
}

const build = "FROM golang:1.26.8-trixie AS build\n"

func TestCheckGOROOT(t *testing.T) {
	runRuleCases(t, checkGOROOT, []ruleCase{
		{name: "override", dockerfile: build + "ENV GOROOT=/usr/lib/go\nRUN go build .\n", want: []string{"BG101:2"}},
		{name: "none", dockerfile: build + "RUN go build .\n"},
	})
}

func TestCheckGoEnvW(t *testing.T) {
	runRuleCases(t, checkGoEnvW, []ruleCase{
		{name: "before USER", dockerfile: build + "RUN go env -w GOPROXY=direct\nUSER 1000\n", want: []string{"BG102:2"}},
		{name: "after USER", dockerfile: build + "USER 1000\nRUN go env -w GOPROXY=direct\n"},
		{name: "USER root", dockerfile: build + "RUN go env -w GOPROXY=direct\nUSER root\n"},
	})
}

func TestCheckGoBuildFlags(t *testing.T) {
	runRuleCases(t, checkGoBuildFlags, []ruleCase{
		{name: "bare", dockerfile: build + "RUN go build -a .\n", want: []string{"BG103:2", "BG119:2", "BG120:2"}},
		{name: "release flags", dockerfile: build + "RUN go build -trimpath -ldflags='-s -w' .\n"},
		{name: "policy", dockerfile: build + "RUN go build -trimpath -ldflags='-s -w' -race -mod=mod .\n",
			policy: &Policy{Required: []FlagRule{{Flag: "-buildvcs"}, {Flag: "-mod", Values: []string{"vendor"}}}, Forbidden: []string{"-race"}},
			want:   []string{"BF201:2", "BF202:2", "BF203:2"}},
	})
}

func TestCheckSourcesBeforeDownload(t *testing.T) {
	runRuleCases(t, checkSourcesBeforeDownload, []ruleCase{
		{name: "copy all first", dockerfile: build + "COPY . .\nRUN go mod download\n", want: []string{"BG104:2"}},
		{name: "go.mod first", dockerfile: build + "COPY go.mod go.sum ./\nRUN go mod download\nCOPY . .\n"},
	})
}

func TestCheckCacheMounts(t *testing.T) {
	runRuleCases(t, checkCacheMounts, []ruleCase{
		{name: "none", dockerfile: build + "RUN go mod download\nRUN go build .\n", want: []string{"BG105:2", "BG105:3"}},
		{name: "mounted", dockerfile: build + "RUN --mount=type=cache,target=/go/pkg/mod go mod download\nRUN --mount=type=cache,target=/root/.cache/go-build go build .\n"},
	})
}

func TestCheckCGOExplicit(t *testing.T) {
	runRuleCases(t, checkCGOExplicit, []ruleCase{
		{name: "unset", dockerfile: build + "RUN go build .\n", want: []string{"BG106:2"}},
		{name: "ENV", dockerfile: build + "ENV CGO_ENABLED=0\nRUN go build .\n"},
		{name: "inline", dockerfile: build + "RUN CGO_ENABLED=0 go build .\n"},
	})
}

func TestCheckCGOLibc(t *testing.T) {
	cgo := build + "ENV CGO_ENABLED=1\nRUN go build -o /app .\n"
	runRuleCases(t, checkCGOLibc, []ruleCase{
		{name: "glibc on scratch", dockerfile: cgo + "FROM scratch\nCOPY --from=build /app /app\n", want: []string{"BG107:4"}},
		{name: "glibc on alpine", dockerfile: cgo + "FROM alpine:3.23\nCOPY --from=build /app /app\n", want: []string{"BG107:4"}},
		{name: "musl on debian", dockerfile: "FROM golang:1.26.8-alpine3.23 AS build\nENV CGO_ENABLED=1\nRUN go build -o /app .\nFROM debian:trixie-slim\n", want: []string{"BG107:4"}},
		{name: "glibc on distroless base", dockerfile: cgo + "FROM gcr.io/distroless/base-debian13:nonroot\n"},
		{name: "static", dockerfile: build + "ENV CGO_ENABLED=0\nRUN go build -o /app .\nFROM scratch\n"},
	})
}

func TestCheckCACerts(t *testing.T) {
	static := build + "RUN CGO_ENABLED=0 go build -o /app .\n"
	runRuleCases(t, checkCACerts, []ruleCase{
		{name: "scratch", dockerfile: static + "FROM scratch\nCOPY --from=build /app /app\n", want: []string{"BG108:3"}},
		{name: "scratch with certs", dockerfile: static + "FROM scratch\nCOPY --from=build /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/\n"},
		{name: "no TLS in the code", dockerfile: static + "FROM scratch\n", repo: &repoFacts{dir: t.TempDir()}},
		{name: "distroless", dockerfile: static + "FROM gcr.io/distroless/static-debian13:nonroot\n"},
	})
}

func TestCheckTZData(t *testing.T) {
	zones := &repoFacts{dir: t.TempDir(), loadsZones: true, zoneCall: "main.go:9"}
	runRuleCases(t, checkTZData, []ruleCase{
		{name: "scratch", dockerfile: build + "RUN go build -o /app .\nFROM scratch\n", repo: zones, want: []string{"BG109:3"}},
		{name: "timetzdata", dockerfile: build + "RUN go build -tags timetzdata -o /app .\nFROM scratch\n", repo: zones},
		{name: "no LoadLocation", dockerfile: build + "RUN go build -o /app .\nFROM scratch\n", repo: &repoFacts{dir: t.TempDir()}},
	})
}

func TestCheckMissingProgram(t *testing.T) {
	runRuleCases(t, checkMissingProgram, []ruleCase{
		{name: "curl on distroless", dockerfile: "FROM gcr.io/distroless/static-debian13:nonroot\nHEALTHCHECK CMD [\"curl\", \"-f\", \"http://127.0.0.1/\"]\n", want: []string{"BG110:2"}},
		{name: "shell form", dockerfile: "FROM scratch\nENTRYPOINT /app serve\n", want: []string{"BG110:2"}},
		{name: "own binary", dockerfile: "FROM scratch\nHEALTHCHECK CMD [\"/app\", \"healthcheck\"]\nENTRYPOINT [\"/app\"]\n"},
		{name: "alpine has a shell", dockerfile: "FROM alpine:3.23\nCMD /app\n"},
	})
}

func TestCheckUser(t *testing.T) {
	runRuleCases(t, checkUser, []ruleCase{
		{name: "none", dockerfile: "FROM scratch\nCOPY app /app\n", want: []string{"BG111:1"}},
		{name: "root", dockerfile: "FROM scratch\nUSER 0\n", want: []string{"BG111:2"}},
		{name: "name", dockerfile: "FROM scratch\nUSER app\n", want: []string{"BG111:2"}},
		{name: "numeric", dockerfile: "FROM scratch\nUSER 65532:65532\n"},
	})
}

func TestCheckUnpinned(t *testing.T) {
	runRuleCases(t, checkUnpinned, []ruleCase{
		{name: "no tag", dockerfile: "FROM alpine\n", want: []string{"BG112:1"}},
		{name: "latest", dockerfile: "FROM alpine:latest\n", want: []string{"BG112:1"}},
		{name: "tag", dockerfile: "FROM alpine:3.23\n"},
		{name: "scratch", dockerfile: "FROM scratch\n"},
	})
}

func TestCheckVendor(t *testing.T) {
	vendored := vendorRepo(t)
	runRuleCases(t, checkVendor, []ruleCase{
		{name: "ignored", dockerfile: build + "COPY . .\nRUN go build -mod=vendor .\n", ignore: "# deps\nvendor/\n", repo: vendored, want: []string{".dockerignore:BG113:2"}},
		{name: "not copied", dockerfile: build + "COPY ./src ./src\nRUN go build -mod=vendor .\n", repo: vendored, want: []string{"BG114:3"}},
		{name: "no -mod=vendor", dockerfile: build + "COPY . .\nRUN go build .\n", repo: vendored, want: []string{"BG115:3"}},
		{name: "right", dockerfile: build + "ENV GOFLAGS=-mod=vendor\nCOPY . .\nRUN go build .\n", repo: vendored},
		{name: "no vendor/", dockerfile: build + "COPY ./src ./src\nRUN go build .\n", repo: &repoFacts{dir: t.TempDir()}},
	})
}

func TestCheckGoModIgnored(t *testing.T) {
	runRuleCases(t, checkGoModIgnored, []ruleCase{
		{name: "go.sum", dockerfile: build + "COPY . .\nRUN go build .\n", ignore: "*.sum\n", want: []string{".dockerignore:BG116:1"}},
		{name: "kept", dockerfile: build + "COPY . .\nRUN go build .\n", ignore: "*.md\n"},
	})
}

func TestCheckInsecureGoEnv(t *testing.T) {
	runRuleCases(t, checkInsecureGoEnv, []ruleCase{
		{name: "GOSUMDB off", dockerfile: build + "ENV GOSUMDB=off\n", want: []string{"BG117:2"}},
		{name: "GOFLAGS -insecure", dockerfile: build + "ENV GOFLAGS=-insecure\n", want: []string{"BG117:2"}},
		{name: "GOPRIVATE", dockerfile: build + "ENV GOPRIVATE=github.com/acme/*\n"},
	})
}

func TestCheckSecrets(t *testing.T) {
	runRuleCases(t, checkSecrets, []ruleCase{
		{name: "token ARG", dockerfile: build + "ARG GITHUB_TOKEN\n", want: []string{"BG118:2"}},
		{name: "GOPROXY password", dockerfile: build + "ENV GOPROXY=https://user:pass@proxy.example.com\n", want: []string{"BG118:2"}},
		{name: "netrc copied", dockerfile: build + "COPY .netrc /root/.netrc\n", want: []string{"BG118:2"}},
		{name: "secret mount", dockerfile: build + "RUN --mount=type=secret,id=netrc,target=/root/.netrc go mod download\n"},
	})
}

func TestUnreadableText(t *testing.T) {
	got := unreadableText("Dockerfile", []byte("FROM scratch\nLABEL a=\"\xff\"\nRUN x\x00y\n"))
	var where []string
	for _, f := range got {
		where = append(where, fmt.Sprintf("%s:%d:%d", f.Rule, f.Line, f.Column))
	}
	if want := []string{"BG121:2:10", "BG121:3:6"}; !slices.Equal(where, want) {
		t.Errorf("got %v, want %v", where, want)
	}
	if unreadableText("Dockerfile", []byte("FROM scratch\nLABEL a=\"é\"\n")) != nil {
		t.Error("valid UTF-8 reported")
	}
}

// TestChainedStagesResolve: thousands of chained stages lint (the go env -w in the
// first is seen by the USER at the end of the chain), BuildKit's rules are skipped and
// said so. BenchmarkLintChainedStages measures the time.
func TestChainedStagesResolve(t *testing.T) {
	df, err := parseDockerfile("Dockerfile", chainedStages(3000))
	if err != nil {
		t.Fatal(err)
	}
	if got := df.baseImage(df.final()); got != "golang:1.26.8-trixie" {
		t.Errorf("final stage's base image %q", got)
	}
	dir := t.TempDir()
	name := filepath.Join(dir, "Dockerfile")
	if err := os.WriteFile(name, chainedStages(3000), 0o644); err != nil {
		t.Fatal(err)
	}
	findings, err := Lint([]string{name}, Config{})
	if err != nil {
		t.Fatal(err)
	}
	var rules []string
	for _, f := range findings {
		rules = append(rules, f.Rule)
	}
	if !slices.Contains(rules, "buildkit") {
		t.Errorf("BuildKit's skip not reported: %v", rules)
	}
}

// TestLintRefusesNonRegularFiles: a FIFO or a link to /dev/zero named Dockerfile is
// refused at once instead of hanging or filling memory.
func TestLintRefusesNonRegularFiles(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo", "Dockerfile")
	zero := filepath.Join(dir, "zero", "Dockerfile")
	for _, p := range []string{fifo, zero} {
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Skipf("no FIFOs here: %v", err)
	}
	if err := os.Symlink("/dev/zero", zero); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{fifo, zero} {
		done := make(chan error, 1)
		go func() { _, err := Lint([]string{p}, Config{}); done <- err }()
		select {
		case err := <-done:
			if err == nil || !strings.Contains(err.Error(), "not a regular file") {
				t.Errorf("%s: %v", p, err)
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("lint of %s hangs", p)
		}
	}
}

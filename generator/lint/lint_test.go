package lint

import (
	"slices"
	"strings"
	"testing"

	"github.com/berth-dev/berth/generator/finding"
)

func TestParseGoFlags(t *testing.T) {
	f := parseGoFlags([]string{"-trimpath", "-ldflags", "-s -w", "-tags=netgo,osusergo", "--mod=vendor", "-o", "/out/app", "./cmd/app"}, "-buildvcs=false -mod=readonly")
	for name, want := range map[string]string{"-ldflags": "-s -w", "-tags": "netgo,osusergo", "-mod": "vendor", "-o": "/out/app", "-buildvcs": "false"} {
		if got := f.value(name); got != want {
			t.Errorf("%s = %q, want %q", name, got, want)
		}
	}
	if !f.has("-trimpath") || f.has("-a") || f.has("./cmd/app") {
		t.Errorf("flags %v", f)
	}
}

func TestShellCommands(t *testing.T) {
	cmds := shellCommands(`apt-get update && CGO_ENABLED=0 GOOS=$TARGETOS go build -ldflags="-s -w" -o /out/app . \
    && echo done`)
	if len(cmds) != 3 {
		t.Fatalf("%d commands: %+v", len(cmds), cmds)
	}
	c := cmds[1]
	if c.env["CGO_ENABLED"] != "0" || c.env["GOOS"] != "$TARGETOS" || strings.Join(c.args, "|") != "go|build|-ldflags=-s -w|-o|/out/app|." {
		t.Errorf("go build command %+v", c)
	}
}

func TestSuppressions(t *testing.T) {
	s := readSuppressions([]byte("FROM x\n# berth:ignore BG106, BG119\n\n# another comment\nRUN go build .\nRUN go build . # berth:ignore BG120\n# berth:ignore-file buildkit/JSONArgsRecommended\n"))
	for _, tc := range []struct {
		line int
		rule string
		want bool
	}{
		{5, "BG106", true}, {5, "BG119", true}, {5, "BG120", false}, {6, "BG120", true}, {6, "BG106", false},
		{1, "buildkit/JSONArgsRecommended", true}, {2, "BG106", false},
	} {
		if got := s.covers(finding.Finding{Line: tc.line, Rule: tc.rule}); got != tc.want {
			t.Errorf("line %d %s: covered %v, want %v", tc.line, tc.rule, got, tc.want)
		}
	}
}

func TestMakeScripts(t *testing.T) {
	got := makeScripts([]byte("FLAGS := -trimpath\nLD ?= -s -w\n\nbuild:\n\t@go build $(FLAGS) -ldflags \"${LD}\" \\\n\t  -o bin/x .\n\techo $$HOME\n"))
	if len(got) != 2 || got[0].line != 5 || got[0].text != `go build -trimpath -ldflags "-s -w"  -o bin/x .` || got[1].text != "echo $HOME" {
		t.Errorf("scripts %+v", got)
	}
}

func TestFileKind(t *testing.T) {
	for name, want := range map[string]string{
		"Dockerfile": "dockerfile", "build/api.Dockerfile": "dockerfile", "Dockerfile.prod": "dockerfile", "Containerfile": "dockerfile",
		"Makefile": "make", "rules.mk": "make", ".github/workflows/ci.yaml": "github", ".gitlab-ci.yml": "gitlab", "README.md": "",
	} {
		if got := fileKind(name); got != want {
			t.Errorf("fileKind(%q) = %q, want %q", name, got, want)
		}
	}
}

func TestExplain(t *testing.T) {
	for _, r := range Rules {
		text, err := Explain(strings.ToLower(r.ID))
		if err != nil || !strings.Contains(text, r.Title) || r.Why == "" || r.Fix == "" {
			t.Errorf("%s: %v %q", r.ID, err, text)
		}
	}
	if _, err := Explain("BG000"); err == nil {
		t.Error("unknown rule explained")
	}
}

// TestStageReferencesCannotLoop: FROM names resolve only to earlier stages, as in
// BuildKit, so odd files end instead of recursing forever.
func TestStageReferencesCannotLoop(t *testing.T) {
	df, err := parseDockerfile("Dockerfile", []byte("FROM b AS a\nRUN go env -w GOFLAGS=-mod=mod\nFROM a AS b\nUSER 1000\nFROM b\nRUN go build .\n"))
	if err != nil {
		t.Fatal(err)
	}
	c := &checker{df: df, file: "Dockerfile"}
	for _, rule := range dockerfileRules {
		rule(c)
	}
	if !slicesContainsRule(c.findings, "BG102") {
		t.Errorf("findings %v lack BG102 (go env -w in a, USER in b built FROM a)", c.findings)
	}
}

func slicesContainsRule(fs finding.List, id string) bool {
	for _, f := range fs {
		if f.Rule == id {
			return true
		}
	}
	return false
}

// TestFromArgsExpanded: FROM lines read with the global ARGs' defaults, as a build
// without --build-arg pulls them: golang:${GO_VERSION}-trixie is the default's image,
// an ARG defaulting to latest is the unpinned :latest, and an ARG without a default is
// left as written (nothing known to check).
func TestFromArgsExpanded(t *testing.T) {
	for _, c := range []struct {
		src, base string
		unpinned  bool
	}{
		{"ARG GO_VERSION=1.26.8\nFROM golang:${GO_VERSION}-trixie\n", "golang:1.26.8-trixie", false},
		{"ARG TAG=latest\nFROM alpine:$TAG\n", "alpine:latest", true},
		{"ARG TAG\nFROM alpine:${TAG}\n", "alpine:${TAG}", false},
	} {
		df, err := parseDockerfile("Dockerfile", []byte(c.src))
		if err != nil {
			t.Fatal(err)
		}
		if got := df.stages[0].BaseName; got != c.base {
			t.Errorf("%q: FROM reads %q, want %q", c.src, got, c.base)
		}
		ch := &checker{df: df, file: "Dockerfile"}
		checkUnpinned(ch)
		if got := slicesContainsRule(ch.findings, "BG112"); got != c.unpinned {
			t.Errorf("%q: BG112 reported %v, want %v", c.src, got, c.unpinned)
		}
	}
}

// TestDebugStageIsNotShipped: go build flag rules apply to the stages the default
// image is built from; a debug stage (symbols kept, only --target debug builds it) is
// left alone, while the same flags in a shipped stage are reported.
func TestDebugStageIsNotShipped(t *testing.T) {
	const src = `FROM golang:1.26.8-trixie AS build
RUN go build -o /out/app .
FROM golang:1.26.8-trixie AS debug-build
RUN go build -gcflags=all="-N -l" -o /out/app .
FROM gcr.io/distroless/static-debian13:nonroot AS debug
COPY --from=debug-build /out/app /app
FROM gcr.io/distroless/static-debian13:nonroot
COPY --from=build /out/app /app
USER 65532:65532
ENTRYPOINT ["/app"]
`
	df, err := parseDockerfile("Dockerfile", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	c := &checker{df: df, file: "Dockerfile"}
	checkGoBuildFlags(c)
	var lines []int
	for _, f := range c.findings {
		lines = append(lines, f.Line)
	}
	if len(c.findings) == 0 || slices.ContainsFunc(c.findings, func(f finding.Finding) bool { return f.Line == 4 }) {
		t.Errorf("findings on lines %v: want the shipped build (line 2) reported and the debug build (line 4) not", lines)
	}
}

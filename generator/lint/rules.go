package lint

import (
	"fmt"
	"slices"
	"strings"
)

// Rule documents one check: berth lint --explain ID prints it, README lists them all.
type Rule struct {
	ID       string
	Severity Severity
	Title    string
	Why      string // the mistake and what it costs, from the seeds
	Fix      string
}

// Rules is every rule berth lint applies besides BuildKit's (reported as buildkit/<Name>).
var Rules = []Rule{
	{"BG101", Error, "GOROOT set or overridden",
		"The golang images put Go in /usr/local/go and the go binary finds its own GOROOT. An ENV GOROOT that points elsewhere (the seed's /usr/lib/go on alpine) makes go env report a tree that is not there, breaks go list and -toolexec, and survives into later stages only when repeated. A PATH that does not follow a changed GOROOT runs another go than GOROOT names.",
		"Delete ENV GOROOT; let the go binary find its root. If you must move Go, put $GOROOT/bin first on PATH in the same stage."},
	{"BG102", Error, "go env -w before a USER switch",
		"go env -w writes to the current user's GOENV file ($HOME/.config/go/env of root). After USER, the other user reads its own (missing) file and silently falls back to defaults: GOPROXY, GOPRIVATE, GOFLAGS vanish.",
		"Use ENV GOPROXY=… (image environment, every user) instead of RUN go env -w, or run the go commands before USER."},
	{"BG103", Warning, "go build -a",
		"-a rebuilds every package, the standard library included, on every build: it defeats the build cache and turns a seconds-long rebuild into minutes.",
		"Remove -a; mount the build cache (RUN --mount=type=cache,target=/root/.cache/go-build)."},
	{"BG104", Warning, "sources copied before go mod download",
		"COPY . before go mod download makes every source change invalidate the download layer: modules are fetched again on each build.",
		"COPY go.mod go.sum ./ (or bind-mount them), RUN go mod download, then copy or bind-mount the sources."},
	{"BG105", Warning, "go build or go mod download without a cache mount",
		"Without RUN --mount=type=cache for the module cache (/go/pkg/mod) and the build cache (/root/.cache/go-build), every rebuild downloads and compiles from scratch.",
		"RUN --mount=type=cache,target=/go/pkg/mod --mount=type=cache,target=/root/.cache/go-build go build …"},
	{"BG106", Warning, "CGO_ENABLED not set explicitly",
		"The go command enables cgo when a C compiler is found and the target is native, so the same Dockerfile gives a static binary on one builder and a glibc-linked one on another; the runtime image then may not run it.",
		"Set ENV CGO_ENABLED=0 for a static binary (or 1 with a glibc/musl runtime that matches the builder)."},
	{"BG107", Error, "cgo binary on a runtime without a matching libc",
		"A binary built with CGO_ENABLED=1 links the builder's libc dynamically. scratch and distroless/static have none; a glibc binary on alpine (musl) fails with 'not found' (seed 3.3); a musl binary on a glibc image fails the same way.",
		"Build with CGO_ENABLED=0, or pair builder and runtime: golang:*-bookworm/trixie with debian or distroless/base, golang:*-alpine with alpine."},
	{"BG108", Error, "final image without CA certificates",
		"On scratch (or a debian image without ca-certificates) every TLS connection fails with 'x509: certificate signed by unknown authority'.",
		"COPY --from=build /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/, or use distroless/static, which has them."},
	{"BG109", Warning, "final image without tzdata while the code loads time zones",
		"time.LoadLocation reads /usr/share/zoneinfo; scratch has none, so it fails at run time.",
		"Build with -tags timetzdata (or import _ \"time/tzdata\"), or copy /usr/share/zoneinfo from the builder."},
	{"BG110", Error, "HEALTHCHECK, ENTRYPOINT or CMD calls a program the final image lacks",
		"scratch and distroless have no shell, wget or curl: a shell-form instruction or a curl health check never runs, the container reports unhealthy or does not start.",
		"Use exec form with the service's own binary, e.g. HEALTHCHECK CMD [\"/app\", \"healthcheck\"]."},
	{"BG111", Error, "final stage runs as root or without a numeric USER",
		"Without USER the process runs as root. A user name cannot be checked by Kubernetes' runAsNonRoot (it needs a numeric UID) and must exist in /etc/passwd, which scratch lacks.",
		"USER 65532:65532 (a numeric non-root UID and GID) in the final stage."},
	{"BG112", Warning, "base image not pinned",
		"FROM image or image:latest builds with whatever the registry serves today: builds are not reproducible and a new major Go or distro release arrives unannounced.",
		"Pin a tag (golang:1.26.8-trixie) or a digest (@sha256:…)."},
	{"BG113", Error, "vendor/ excluded by .dockerignore",
		"With vendor/modules.txt present the build expects vendor/; a .dockerignore that drops it makes the go command download modules instead, or fail offline with 'inconsistent vendoring' (seed 3.2).",
		"Remove the pattern that matches vendor/ from .dockerignore."},
	{"BG114", Error, "vendor/ not copied into the build",
		"The module has vendor/ but the COPY instructions name other paths (COPY ./src …): vendor/ is silently left behind (seed 3.2).",
		"COPY vendor/ ./vendor/ (or COPY . .), or bind-mount the whole context."},
	{"BG115", Warning, "vendor/ present but go build without -mod=vendor",
		"The go command uses vendor/ only when go.mod's go version is 1.14 or later and vendor/modules.txt is consistent; saying -mod=vendor makes a missing or stale vendor/ fail loudly instead of downloading.",
		"go build -mod=vendor … or ENV GOFLAGS=-mod=vendor."},
	{"BG116", Error, "go.mod or go.sum excluded by .dockerignore",
		"Without go.mod the build runs in GOPATH mode or fails; without go.sum every module fails verification.",
		"Remove the pattern that matches go.mod or go.sum from .dockerignore."},
	{"BG117", Error, "module verification or transport security switched off",
		"GOSUMDB=off, GONOSUMDB/GONOSUMCHECK/GOINSECURE for public modules, GOFLAGS=-insecure or GOPROXY=direct with GOSUMDB off let a tampered module in unnoticed.",
		"Keep GOSUMDB on; list only private module paths in GOPRIVATE (which also skips the checksum database for them)."},
	{"BG118", Error, "credentials in ARG, ENV or GOPROXY",
		"ARG and ENV values are stored in the image history and metadata: a GITHUB_TOKEN, a .netrc or a GOPROXY with user:password@ leaks to everyone who can pull the image.",
		"Use a BuildKit secret: RUN --mount=type=secret,id=netrc,target=/root/.netrc go mod download."},
	{"BG119", Warning, "go build without -trimpath",
		"Without -trimpath the binary embeds the builder's file system paths: builds are not reproducible and paths leak.",
		"go build -trimpath …"},
	{"BG120", Warning, "go build without -ldflags \"-s -w\"",
		"The symbol table and DWARF data make the binary about a third larger and are rarely used in production (seed 4.1).",
		"go build -ldflags \"-s -w\" … (keep them for a debug build)."},
	{"BF201", Error, "build-flags policy: a required flag is missing",
		"The build-flags policy (berth-lint.yaml, buildFlags.required) lists flags every go build line must carry, as seed 4.4's audit script checks in CI.",
		"Add the flag to the go build line, or change the policy."},
	{"BF202", Error, "build-flags policy: a flag has a value the policy does not allow",
		"The policy's values list the accepted values of a flag (or of an environment variable such as CGO_ENABLED).",
		"Use one of the allowed values, or extend the policy."},
	{"BF203", Error, "build-flags policy: a forbidden flag is used",
		"The policy's forbidden list names flags no go build line may carry (e.g. -a, -race in release builds).",
		"Remove the flag, or change the policy."},
}

// RuleByID finds a rule; BuildKit's rules are not in the table.
func RuleByID(id string) (Rule, bool) {
	i := slices.IndexFunc(Rules, func(r Rule) bool { return r.ID == id })
	if i < 0 {
		return Rule{}, false
	}
	return Rules[i], true
}

// Explain is the text of berth lint --explain ID.
func Explain(id string) (string, error) {
	id = strings.ToUpper(id)
	r, ok := RuleByID(id)
	if !ok {
		var ids []string
		for _, r := range Rules {
			ids = append(ids, r.ID)
		}
		return "", fmt.Errorf("no rule %q; rules: %s (and buildkit/<Name> from BuildKit's linter)", id, strings.Join(ids, ", "))
	}
	return fmt.Sprintf("%s (%s): %s\n\n%s\n\nFix: %s\n", r.ID, r.Severity, r.Title, r.Why, r.Fix), nil
}

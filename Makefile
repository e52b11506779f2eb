# berth — make test is what CI runs (.ci/run); every target works on a fresh clone.
GO          ?= go
BIN         := bin/berth
# The packages whose tests use golden files (they import tests/testutil, which defines
# -update); other packages would refuse the flag.
GOLDEN_PKGS = $(shell $(GO) list -f '{{.ImportPath}} {{join .TestImports " "}} {{join .XTestImports " "}}' ./... | grep tests/testutil | cut -d' ' -f1)
EXAMPLES    := $(wildcard examples/*/service.yaml)

.PHONY: all build chart print-% test unit check-examples golden docs fmt fmt-check vet tidy-check fuzz fuzz-smoke cluster-up cluster-down cluster-test tools bench

# Pinned tools the tests run (tests/tools_test.go names the same paths). Each version gets
# its own directory, so a bump installs anew.
KUBE_SCORE_VERSION := v1.20.0
HELM4_VERSION      := v4.3.1
HELM3_VERSION      := v3.16.4
# The SARIF 2.1.0 schema (Microsoft's sarif-2.1.0-rtm.5.json) ships in this npm package.
JEST_SARIF_VERSION := 1.0.0-beta.0
# Docker Compose v2 for the compose.yaml tests (tests/tools/compose.sh; Debian has only 1.x).
COMPOSE_VERSION    := v5.6.0
# buildx, the CLI plugin through which compose builds with BuildKit (Debian's docker.io lacks it).
BUILDX_VERSION     := v0.38.2
SARIF_SCHEMA       := bin/sarif-schema/sarif-2.1.0-rtm.5.json
# The CycloneDX 1.6 JSON schema and the two it references ship in this npm package.
CYCLONEDX_LIB_VERSION := 10.3.0
CYCLONEDX_SCHEMA   := bin/cyclonedx-schema-$(CYCLONEDX_LIB_VERSION)/bom-1.6.SNAPSHOT.schema.json
# The reference OCI registry (the one behind registry:2) for the chart's OCI tests.
REGISTRY_VERSION   := v3.1.1
# BuildKit's buildkitd and buildctl, the version in go.mod (tests/tools/buildkit.sh).
BUILDKIT_VERSION   := $(shell $(GO) list -m -f '{{.Version}}' github.com/moby/buildkit)
# Argo CD for tests/cluster's TestArgoCD (tests/tools/argocd.sh: why v3.2 and how it is built).
ARGOCD_VERSION     := v3.2.11
# actionlint checks .github/workflows (with Debian's shellcheck for the run: scripts).
ACTIONLINT_VERSION := v1.7.12
# The Helm CLI the release workflow packages and pushes the chart with, and the chart's version.
HELM               := bin/helm-$(HELM4_VERSION)/helm
CHART_VERSION      = $(shell sed -n 's/^version: *//p' charts/go-service/Chart.yaml)
TOOLS := bin/argocd-$(ARGOCD_VERSION)/argocd bin/actionlint-$(ACTIONLINT_VERSION)/actionlint bin/buildkit-$(BUILDKIT_VERSION)/buildctl bin/kube-score-$(KUBE_SCORE_VERSION)/kube-score bin/helm-$(HELM4_VERSION)/helm bin/helm-$(HELM3_VERSION)/helm $(SARIF_SCHEMA) $(CYCLONEDX_SCHEMA) bin/compose-$(COMPOSE_VERSION)/docker-compose bin/buildx-$(BUILDX_VERSION)/docker-buildx bin/registry-$(REGISTRY_VERSION)/registry

all: build test

build:
	$(GO) build -o $(BIN) .

## test: formatting, vet, go.mod tidy, every Go test, and the committed example outputs are current
test: tools fmt-check vet tidy-check unit check-examples fuzz-smoke cluster-test

## tools: kube-score, the oldest (3.16) and newest (4.x) Helm CLIs the chart supports, the SARIF and CycloneDX schemas, Docker Compose v2, buildx, the OCI registry, BuildKit, actionlint and Argo CD
tools: $(TOOLS)

bin/kube-score-$(KUBE_SCORE_VERSION)/kube-score:
	GOBIN=$(CURDIR)/$(@D) $(GO) install github.com/zegl/kube-score/cmd/kube-score@$(KUBE_SCORE_VERSION)

bin/helm-$(HELM4_VERSION)/helm:
	GOBIN=$(CURDIR)/$(@D) $(GO) install helm.sh/helm/v4/cmd/helm@$(HELM4_VERSION)

bin/helm-$(HELM3_VERSION)/helm:
	GOBIN=$(CURDIR)/$(@D) $(GO) install helm.sh/helm/v3/cmd/helm@$(HELM3_VERSION)

bin/compose-$(COMPOSE_VERSION)/docker-compose:
	COMPOSE_VERSION=$(COMPOSE_VERSION) bash tests/tools/compose.sh $@

bin/buildx-$(BUILDX_VERSION)/docker-buildx:
	GOBIN=$(CURDIR)/$(@D) CGO_ENABLED=0 $(GO) install -ldflags "-s -w -X github.com/docker/buildx/version.Version=$(BUILDX_VERSION)" github.com/docker/buildx/cmd/buildx@$(BUILDX_VERSION)
	mv $(@D)/buildx $@

$(SARIF_SCHEMA):
	rm -rf $(@D).tmp && mkdir -p $(@D).tmp
	cd $(@D).tmp && npm pack --silent @microsoft/jest-sarif@$(JEST_SARIF_VERSION) >/dev/null && tar -xzf *.tgz package/lib/schemas/sarif-2.1.0-rtm.5.json
	mkdir -p $(@D) && mv $(@D).tmp/package/lib/schemas/sarif-2.1.0-rtm.5.json $@ && rm -rf $(@D).tmp

bin/buildkit-$(BUILDKIT_VERSION)/buildctl:
	BUILDKIT_VERSION=$(BUILDKIT_VERSION) bash tests/tools/buildkit.sh $(@D)

bin/argocd-$(ARGOCD_VERSION)/argocd:
	ARGOCD_VERSION=$(ARGOCD_VERSION) bash tests/tools/argocd.sh $(@D)

bin/actionlint-$(ACTIONLINT_VERSION)/actionlint:
	GOBIN=$(CURDIR)/$(@D) CGO_ENABLED=0 $(GO) install github.com/rhysd/actionlint/cmd/actionlint@$(ACTIONLINT_VERSION)

bin/registry-$(REGISTRY_VERSION)/registry:
	GOBIN=$(CURDIR)/$(@D) CGO_ENABLED=0 $(GO) install github.com/distribution/distribution/v3/cmd/registry@$(REGISTRY_VERSION)

## chart: package charts/go-service into dist/ as go-service-VERSION.tgz (Helm 4's helm package)
chart: $(HELM)
	$(HELM) package charts/go-service -d dist

## print-VAR: print a variable (the release workflow asks for HELM and CHART_VERSION)
print-%:
	@echo '$($*)'

$(CYCLONEDX_SCHEMA):
	rm -rf $(@D).tmp && mkdir -p $(@D).tmp
	cd $(@D).tmp && npm pack --silent @cyclonedx/cyclonedx-library@$(CYCLONEDX_LIB_VERSION) >/dev/null && tar -xzf *.tgz package/res/schema/bom-1.6.SNAPSHOT.schema.json package/res/schema/spdx.SNAPSHOT.schema.json package/res/schema/jsf-0.82.SNAPSHOT.schema.json
	mkdir -p $(@D) && mv $(@D).tmp/package/res/schema/*.json $(@D)/ && rm -rf $(@D).tmp

unit:
	$(GO) test -count=1 -timeout 45m ./...

check-examples: build
	@for f in $(EXAMPLES); do echo "berth generate --check -f $$f"; ./$(BIN) generate --check -f $$f || exit 1; done
	./$(BIN) lint $(wildcard examples/*/Dockerfile)

## golden: refresh golden files; read the diff before committing
golden:
	$(GO) test -count=1 $(GOLDEN_PKGS) -update
	git --no-pager diff --stat -- tests generator examples

## docs: rewrite the generated README tables: the chart's values (from values.yaml's
## comments) and the descriptor reference (from the schema's descriptions)
docs:
	$(GO) run ./tests/docs

fmt:
	gofmt -w $$(git ls-files '*.go' ':!:**/vendor/**')

fmt-check:
	@out=$$(gofmt -l $$(git ls-files '*.go' ':!:**/vendor/**')); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi

vet:
	$(GO) vet ./...

## tidy-check: go.mod and go.sum are what go mod tidy makes them (direct imports not marked indirect)
tidy-check:
	@$(GO) mod tidy -diff || { echo "go.mod/go.sum are not tidy: run 'go mod tidy'"; exit 1; }

## fuzz: run the descriptor loader fuzzer (FUZZTIME=5m by default); new crashers land in testdata/fuzz
FUZZTIME ?= 5m
fuzz:
	$(GO) test ./generator/descriptor -run '^$$' -fuzz FuzzLoad -fuzztime $(FUZZTIME)

## fuzz-smoke: every fuzz target for a bounded time in make test (about 60 s in all); a
## failing input lands in the package's testdata/fuzz and replays on every go test
fuzz-smoke:
	$(GO) test ./generator/descriptor -run '^$$' -fuzz '^FuzzLoad$$' -fuzztime 30s
	$(GO) test ./generator/dockerfile -run '^$$' -fuzz '^FuzzRender$$' -fuzztime 10s
	$(GO) test ./generator/values -run '^$$' -fuzz '^FuzzMarshal$$' -fuzztime 10s
	$(GO) test ./generator/lint -run '^$$' -fuzz '^FuzzLint$$' -fuzztime 10s

## cluster-up / cluster-down: a single-node Kubernetes cluster on 127.0.0.1 (tests/cluster);
## cluster-up prints the export lines for KUBECONFIG and CONTAINERD_ADDRESS
cluster-up: tools
	@bash tests/cluster/up.sh

cluster-down:
	@bash tests/cluster/down.sh

## cluster-test: the cluster tests alone, on a cluster it starts and stops
cluster-test: tools
	@bash tests/cluster/run-tests.sh

## bench: in-process benchmarks (generate, render) and the Docker rebuild benchmark; see BENCHMARKS.md
bench: build tools
	$(GO) test ./tests -run '^$$' -bench . -count 5
	bash tests/e2e/baseimages.sh
	bash bench/rebuild.sh cgo-sqlite 5

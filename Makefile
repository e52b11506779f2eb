# berth — make test is what CI runs (.ci/run); every target works on a fresh clone.
GO          ?= go
BIN         := bin/berth
# Only these packages define -update; naming them avoids "flag provided but not defined".
GOLDEN_PKGS := ./tests ./generator/dockerfile
EXAMPLES    := $(wildcard examples/*/service.yaml)

.PHONY: all build test unit check-examples golden fmt fmt-check vet fuzz

all: build test

build:
	$(GO) build -o $(BIN) .

## test: formatting, vet, every Go test, and the committed example outputs are current
test: fmt-check vet unit check-examples

unit:
	$(GO) test -count=1 ./...

check-examples: build
	@for f in $(EXAMPLES); do echo "berth generate --check -f $$f"; ./$(BIN) generate --check -f $$f || exit 1; done

## golden: refresh golden files; read the diff before committing
golden:
	$(GO) test -count=1 $(GOLDEN_PKGS) -update
	git --no-pager diff --stat -- tests generator examples

fmt:
	gofmt -w $$(git ls-files '*.go')

fmt-check:
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi

vet:
	$(GO) vet ./...

## fuzz: run the descriptor loader fuzzer (FUZZTIME=5m by default); new crashers land in testdata/fuzz
FUZZTIME ?= 5m
fuzz:
	$(GO) test ./generator/descriptor -run '^$$' -fuzz FuzzLoad -fuzztime $(FUZZTIME)

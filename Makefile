# The README's commands. `make test` is what CI runs.
GO ?= go
GOFMT_DIRS = cmd internal e2e tools bench

.PHONY: build test deps unit e2e vet cross demo bench fixture catalog fuzz fuzz-short test-windows

# pyget and pyget-attest, its attestation verifier (run beside it).
build:
	$(GO) build -o bin/pyget ./cmd/pyget
	$(GO) build -o bin/pyget-attest ./cmd/pyget-attest

# Every test: vet and gofmt, the unit suites (race detector on), the
# cross-compile check, a few seconds of each fuzz target, and the
# end-to-end suite against a real CPython build served by nginx and by the
# fault server.
test: deps vet cross unit fuzz-short e2e

# nginx for the end-to-end suite (apt-get, only when missing).
deps:
	./scripts/deps.sh

# Vet for Linux, and for Windows and macOS too, so every package's tests
# compile on all three.
vet:
	$(GO) vet ./...
	GOOS=windows GOARCH=amd64 $(GO) vet ./...
	GOOS=darwin GOARCH=arm64 $(GO) vet ./...
	cd tools/fixture && $(GO) vet ./...
	@out="$$(gofmt -l $(GOFMT_DIRS))"; if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi

unit:
	$(GO) test -race -count=1 $$($(GO) list ./... | grep -v /e2e)
	cd tools/fixture && $(GO) test -count=1 ./...

e2e:
	$(GO) test -count=1 -timeout 20m ./e2e/

# Every native fuzz target (func FuzzX in a *_fuzz_test.go), found by grep,
# each for FUZZTIME, one after the other: Go fuzzes one target per run.
# FUZZ narrows them by name (a grep -E pattern): make fuzz FUZZ=Netrc.
# Plain `go test` (make unit) already runs every target's seed corpus.
FUZZTIME ?= 30s
FUZZ ?= .
FUZZPARALLEL ?= 1
FUZZMINIMIZETIME ?= 10s
fuzz:
	GO=$(GO) FUZZTIME=$(FUZZTIME) FUZZ='$(FUZZ)' FUZZPARALLEL=$(FUZZPARALLEL) FUZZMINIMIZETIME=$(FUZZMINIMIZETIME) ./scripts/fuzz.sh

# What `make test` runs: each target for a moment, so that a crasher the
# seeds miss but a short search finds fails CI.
fuzz-short:
	$(MAKE) fuzz FUZZTIME=2s FUZZMINIMIZETIME=1s
# Every package's tests built for windows/amd64 and run under Wine (installs
# wine and mingw-w64 when missing): scripts/wine-test.sh.
test-windows:
	./scripts/wine-test.sh

cross:
	for cmd in ./cmd/pyget ./cmd/pyget-attest; do \
		GOOS=linux   GOARCH=amd64 $(GO) build -o /dev/null $$cmd && \
		GOOS=linux   GOARCH=arm64 $(GO) build -o /dev/null $$cmd && \
		GOOS=darwin  GOARCH=arm64 $(GO) build -o /dev/null $$cmd && \
		GOOS=darwin  GOARCH=amd64 $(GO) build -o /dev/null $$cmd && \
		GOOS=windows GOARCH=amd64 $(GO) build -o /dev/null $$cmd || exit 1; \
	done

# The real CPython 3.14.6 fixture (python-build-standalone layout), cached.
fixture:
	cd tools/fixture && $(GO) run .

# The catalog snapshot built into pyget (its fallback when the remote catalog
# cannot be had), from uv's published catalog or, offline, from a copy:
#   make catalog SRC=../shared/data/uv-download-metadata.json
# Commit internal/catalog/snapshot/catalog.bin.gz.
catalog:
	$(GO) run ./internal/catalog/cmd/gencatalog $(if $(SRC),-src "$(SRC)") -out internal/catalog/snapshot/catalog.bin.gz

# Watch an install recover from a scripted sequence of faults, offline.
demo:
	./scripts/demo.sh

# pyget against curl | tar and friends; the figures go into BENCHMARKS.md.
bench:
	./bench/bench.sh
	./bench/segments.sh
	./bench/bytecode.sh

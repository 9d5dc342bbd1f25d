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

.PHONY: help
help: ## List the targets
	@awk 'BEGIN{FS=":.*## "} /^[a-zA-Z_-]+:.*## /{printf "  make %-14s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

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

.PHONY: tools
tools: $(TOOLS) ## Build the pinned code generators and linters into .bin/

.PHONY: generate
generate: $(BIN)/oapi-codegen $(BIN)/sqlc ## Regenerate gen/ from the contract and the SQL
	go run ./db/listgen db/queries/tasks_list.sql
	$(BIN)/sqlc generate
	$(BIN)/oapi-codegen -config oapi-codegen.yaml api/contracts/openapi.yaml

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

.PHONY: build
build: ## Build bin/todo-api with release flags
	CGO_ENABLED=0 go build -trimpath -ldflags '$(LDFLAGS)' -o bin/todo-api ./cmd/todo-api

.PHONY: run
run: build ## Run the service locally: its own PostgreSQL cluster and a development issuer
	./bin/todo-api dev

.PHONY: test-go
test-go: ## Go tests (unit + integration on a real PostgreSQL), with the race detector
	go test -race -count=1 $(GO_TEST_FLAGS) ./...

.PHONY: test
test: lint verify test-go ## Everything CI checks

.PHONY: clean
clean: ## Remove build output (keeps .data/)
	rm -rf bin $(BIN)

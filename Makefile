# TaggedCache. `make help` lists the targets; each runs the npm script of its name
# (package.json), which holds the one definition of every step.
SHELL := bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help
MAKEFLAGS += --no-print-directory
export PATH := $(CURDIR)/node_modules/.bin:$(PATH)

GEN_STAMP := server/src/gen/.stamp
PROTOS := $(shell find proto -name '*.proto')

.PHONY: help install generate build lint test run bench redis-server openssl clean soak client client-docs

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-14s %s\n", $$1, $$2}'

node_modules/.installed: package.json package-lock.json clients/typescript/package.json
	npm ci --no-audit --no-fund
	touch $@

install: node_modules/.installed ## Install the npm dependencies (npm ci)

$(GEN_STAMP): node_modules/.installed buf.gen.yaml buf.yaml $(PROTOS)
	npm run generate
	touch $@

generate: $(GEN_STAMP) ## Generate code and the descriptor image from proto/

build: generate ## Compile the server to dist/, with its Lua scripts and descriptors
	npm run build

client: generate ## Build the TypeScript client (ESM + CommonJS) and pack it: clients/typescript/taggedcache-client-*.tgz
	cd clients/typescript && npm pack --pack-destination .

client-docs: generate ## API reference of the TypeScript client (TypeDoc) in clients/typescript/docs/api
	cd clients/typescript && typedoc

lint: generate ## buf lint, buf breaking against main, type-check
	npm run lint

redis-server: ## Install redis-server if missing (as root, via apt-get)
	test/ensure-redis-server.sh

openssl: ## Install openssl if missing (as root, via apt-get); the TLS tests need it
	test/ensure-openssl.sh

test: build lint redis-server openssl ## Build and lint, then run the whole test suite (the built server too) against real Redis
	npm run mocha

run: build ## Start the server on localhost:50051 (Redis if REDIS_URL is set)
	npm start --silent -- $(ARGS)

bench: generate redis-server ## Build, then run the benchmarks (minutes); see bench/
	npm run bench

soak: generate redis-server ## Model-check >= 100,000 random concurrent operations (minutes)
	node --import tsx test/model/soak.ts

clean: ## Remove generated code, builds and installed modules
	rm -rf dist server/src/gen clients/typescript/src/gen clients/typescript/dist clients/typescript/docs/api node_modules

# TaggedCache. `make help` lists the targets.
SHELL := bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help
MAKEFLAGS += --no-print-directory
export PATH := $(CURDIR)/node_modules/.bin:$(PATH)

GEN_STAMP := server/src/gen/.stamp
PROTOS := $(shell find proto third_party/proto -name '*.proto')

.PHONY: help install generate build lint test run bench redis-server openssl clean soak

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-14s %s\n", $$1, $$2}'

node_modules/.installed: package.json package-lock.json clients/typescript/package.json
	npm ci --no-audit --no-fund
	touch $@

install: node_modules/.installed ## Install the npm dependencies (npm ci)

$(GEN_STAMP): node_modules/.installed buf.gen.yaml buf.yaml $(PROTOS)
	rm -rf server/src/gen clients/typescript/src/gen
	buf generate
	buf build -o server/src/gen/taggedcache.binpb
	buf build third_party/proto -o server/src/gen/grpc.binpb
	touch $@

generate: $(GEN_STAMP) ## Generate code and the descriptor image from proto/

build: generate ## Compile the server to dist/
	tsc -p tsconfig.build.json
	mkdir -p dist/server/src/store/redis/lua/lib dist/server/src/gen
	cp server/src/store/redis/lua/*.lua dist/server/src/store/redis/lua/
	cp server/src/store/redis/lua/lib/*.lua dist/server/src/store/redis/lua/lib/
	cp server/src/gen/*.binpb dist/server/src/gen/

lint: generate ## buf lint, buf breaking against main, type-check
	buf lint
	@if git rev-parse -q --verify main >/dev/null && git cat-file -e main:proto 2>/dev/null; then \
	  echo "buf breaking against main"; buf breaking --against '.git#branch=main,subdir=proto'; \
	else echo "buf breaking: no proto on main yet, skipped"; fi
	tsc -p tsconfig.json --noEmit

redis-server: ## Install redis-server if missing (as root, via apt-get)
	test/ensure-redis-server.sh

openssl: ## Install openssl if missing (as root, via apt-get); the TLS tests need it
	test/ensure-openssl.sh

test: lint redis-server openssl ## Lint, then run the whole test suite against real Redis
	mocha 'test/**/*.test.ts' 'clients/typescript/test/**/*.test.ts'

run: build ## Start the server on localhost:50051 (Redis if REDIS_URL is set)
	node dist/server/src/main.js $(ARGS)

bench: build redis-server ## Run the benchmarks (minutes); see bench/
	tsc -p tsconfig.bench.json
	node --import tsx bench/run.ts
	@if [ -z "$${BENCH_QUICK:-}" ]; then \
	  echo "cluster case: GetMany on a 3-master Redis Cluster against one Redis, spread over shards"; \
	  node --import tsx bench/cluster.ts | tee bench/results/cluster.txt; \
	fi

soak: generate redis-server ## Model-check >= 100,000 random concurrent operations (minutes)
	node --import tsx test/model/soak.ts

clean: ## Remove generated code, builds and installed modules
	rm -rf dist server/src/gen clients/typescript/src/gen clients/typescript/dist node_modules

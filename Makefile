# Every target installs what it needs, idempotently; a second run is quick.
SHELL := /bin/bash
.DEFAULT_GOAL := help
NODE := node_modules/.bin/node
NPM_STAMP := node_modules/.governor-installed
DEBIAN_PACKAGES := git ca-certificates openssh-server openssh-client
# The dashboard's browser tests and benchmark drive Debian's Chromium (playwright-core, no download).
BROWSER_PACKAGES := chromium fonts-dejavu-core

.PHONY: help deps debian-deps browser-deps bins build lint test demo cluster-up cluster-down clean bench bench-drift bench-dashboard

help:
	@echo "make demo          local cluster + Git server + example repository (Ctrl-C to stop)"
	@echo "make bench         run every benchmark (< 30 min); results in bench/results/latest.{json,md}"
	@echo "make bench-drift   drift benchmark: edit-to-correction latency over 100 edits"
	@echo "make bench-dashboard  dashboard benchmark: 5,000 Stacks through the API and in Chromium"
	@echo "make test          lint, build and run every test against a real control plane"
	@echo "make lint          eslint and the TypeScript type-check"
	@echo "make build         compile to dist/ (bin/governor runs it)"
	@echo "make cluster-up    start a local cluster in the background (.governor/cluster/kubeconfig)"
	@echo "make cluster-down  stop it"

debian-deps:
	@scripts/ensure-debian-packages.sh $(DEBIAN_PACKAGES)

browser-deps:
	@scripts/ensure-debian-packages.sh $(BROWSER_PACKAGES)

# npm ci only when the lock file changed since the last install.
$(NPM_STAMP): package.json package-lock.json
	npm ci --no-fund --no-audit
	@touch $@

deps: debian-deps $(NPM_STAMP)

# kube-apiserver & co., etcd, kwok, kustomize, helm: built once per version into ~/.cache/governor.
bins:
	@test/cluster/bins/build.sh >/dev/null

build: deps
	npm run --silent build

lint: deps
	npm run --silent lint

test: deps browser-deps bins lint build
	npm test

demo: deps bins build
	bin/governor demo

# Benchmarks are not tests: each starts its own control plane and stops everything it started.
# `bench` runs all six workloads (the drift and dashboard ones included) in under 30 minutes.
bench: deps browser-deps bins build
	$(NODE) bench/run.ts

bench-drift: deps bins
	$(NODE) bench/drift-latency.ts

bench-dashboard: deps browser-deps bins build
	$(NODE) bench/dashboard.ts

cluster-up: deps bins
	$(NODE) test/cluster/cli.ts up

cluster-down: deps
	$(NODE) test/cluster/cli.ts down

clean:
	rm -rf dist .governor

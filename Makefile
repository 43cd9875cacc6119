# Every target works on a fresh clone: the Go toolchain fetches what the
# modules need, and the tests build or embed the rest (etcd, dtm, polaris).

# Modules of go.work that hold Go code, as ./dir/... patterns.
MODULES := $(shell go work edit -json | sed -n 's/.*"DiskPath": "\(.*\)".*/\1/p')
PKGS    := $(foreach m,$(MODULES),$(if $(shell find $(m) -name '*.go' -print -quit),$(m)/...))
# kit and the drivers are small: test them under the race detector too.
RACE_PKGS := $(filter ./kit/... ./driver-%,$(PKGS))
# The conformance and example packages start real servers: one package at a
# time keeps them within 2 cores.
E2E_PKGS  := $(filter-out $(RACE_PKGS) ./release/...,$(PKGS))

FUZZTIME   ?= 10s
BENCHTIME  ?= 1s

.PHONY: test deps vet unit e2e release-check compat fuzz bench fmt

test: deps vet unit e2e release-check

# System packages the tests need beyond Go modules (redis-server, for the dtm
# cluster tests); nothing when they are there.
deps:
	./scripts/install-deps.sh

vet:
	@test -z "$$(gofmt -l $(MODULES))" || { gofmt -l $(MODULES); echo 'gofmt needed'; exit 1; }
	go vet $(PKGS)

# Twice over, in random order: a test that depends on another's leftovers
# or on running first in its process fails here. driver-gozero also runs
# with go-zero's no_k8s tag, whose parse rules and build differ.
unit:
	go test -race -count=2 -shuffle=on $(RACE_PKGS)
	go test -race -count=2 -shuffle=on -tags no_k8s ./driver-gozero/...

e2e:
	go test -count=1 -p 1 -timeout 30m $(E2E_PKGS)

# Installs every published module as a user would, from a file-based module
# proxy built from the working tree at the release version (RELEASING.md).
release-check:
	go test -count=1 -timeout 30m ./release/...

# Proves the oldest versions each published go.mod requires (the drivers'
# "Supported versions"): outside the workspace, at exactly those versions,
# kit and each driver build and pass their unit tests, and programs written
# against dtmdriver v0.0.3 and v0.0.6 run with each driver. Not part of test.
compat:
	go run ./release/cmd/compat -timeout 45m

# make fuzz FUZZTIME=60s runs every fuzz target for that long.
fuzz:
	FUZZTIME=$(FUZZTIME) ./scripts/fuzz.sh $(MODULES)

bench:
	BENCHTIME=$(BENCHTIME) ./scripts/bench.sh

fmt:
	gofmt -w $(MODULES)

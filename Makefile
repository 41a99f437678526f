# idmefcheck: the conformance suite and reference validator for IDMEFv2 alert exchange.
# `make demo` runs the main job end to end; `make test` runs every test.

GO       ?= go
BIN      := bin/idmefcheck
OUT      := out
FUZZTIME ?= 30s
BENCHTIME ?= 2s

.PHONY: all build test demo bench fuzz lint docs generate crosscheck clean

all: build

build:
	$(GO) build -o $(BIN) ./cmd/idmefcheck

test:
	$(GO) vet ./...
	$(GO) test -race -count=1 ./...

# Validates the sample corpus (vectors/samples: valid and invalid messages of several
# revisions, and an NDJSON stream) and prints the findings and the summary. Invalid samples
# are there on purpose, so exit code 1 is expected; 2 would be a failure.
demo: build
	@echo "== idmefcheck validate vectors/samples (strict profile)"
	@$(BIN) validate vectors/samples/*.json vectors/samples/*.ndjson; test $$? -le 1
	@echo
	@echo "== the same corpus under the official profile (the published schemas' verdict)"
	@mkdir -p $(OUT)
	@$(BIN) validate --profile official vectors/samples/*.json vectors/samples/*.ndjson > $(OUT)/demo-official.txt; \
		status=$$?; tail -n 1 $(OUT)/demo-official.txt; test $$status -le 1

# Benchmarks: validation throughput and allocations, one core and all cores.
# benchstat-ready output lands in out/bench.txt; docs/performance.md records the figures.
BENCHSTAT := golang.org/x/perf/cmd/benchstat@v0.0.0-20260908200009-22c9c6c9d4da

bench:
	@mkdir -p $(OUT)
	$(GO) test -run '^$$' -bench . -benchmem -benchtime $(BENCHTIME) -count 6 -cpu 1,2 ./reference/validator/ | tee $(OUT)/bench.txt
	$(GO) run $(BENCHSTAT) $(OUT)/bench.txt

# Runs every fuzz target for FUZZTIME each.
fuzz:
	$(GO) test -run '^$$' -fuzz '^FuzzDecode$$' -fuzztime $(FUZZTIME) ./reference/message/
	$(GO) test -run '^$$' -fuzz '^FuzzReader$$' -fuzztime $(FUZZTIME) ./reference/message/
	$(GO) test -run '^$$' -fuzz '^FuzzValidate$$' -fuzztime $(FUZZTIME) ./reference/validator/

lint:
	@test -z "$$(gofmt -l .)" || { echo "gofmt would change:"; gofmt -l .; exit 1; }
	$(GO) vet ./...

# Regenerates every generated artefact: the IDMEFv2 schemas from their model, and the
# reference documents from the command table, the catalogue and the rule table.
generate docs:
	$(GO) generate ./schema
	$(GO) run ./cmd/idmefcheck help --format markdown > docs/cli.md
	$(GO) run ./cmd/idmefcheck catalog --format markdown > docs/requirements.md
	$(GO) run ./cmd/idmefcheck rules --format markdown > docs/rules.md

# Compares the generated schemas with the published IDMEFv2 schemas (not shipped with the
# project): make crosscheck PUBLISHED=/path/to/idmefv2-schemas
crosscheck:
	$(GO) run ./schema/internal/crosscheck -published $(PUBLISHED)

clean:
	rm -rf bin $(OUT)

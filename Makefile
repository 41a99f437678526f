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

# Benchmarks: validation throughput and allocations of both engines, one core and all cores,
# set beside ajv (installed from npm into out/ajv) on the same messages; then the stream
# throughput and peak memory of `idmefcheck validate --ndjson` over 100,000 messages.
# The figures land in out/; docs/performance.md records them.
BENCHSTAT := golang.org/x/perf/cmd/benchstat@v0.0.0-20260908200009-22c9c6c9d4da
AJV_DIR   := $(OUT)/ajv

bench: build
	@mkdir -p $(OUT)
	$(GO) test -run '^$$' -bench 'Validate' -benchmem -benchtime $(BENCHTIME) -count 6 -cpu 1,2 ./reference/validator/ | tee $(OUT)/bench.txt
	$(GO) run $(BENCHSTAT) $(OUT)/bench.txt
	@if command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1; then \
		[ -d $(AJV_DIR)/node_modules/ajv-draft-04 ] || npm install --silent --no-audit --no-fund --prefix $(AJV_DIR) ajv@8 ajv-formats@3 ajv-draft-04@1; \
		NODE_PATH=$(AJV_DIR)/node_modules node reference/validator/testdata/ajv-bench.mjs schema/idmefv2 reference/validator/testdata/bench/*.json > $(OUT)/ajv.json && \
		$(GO) run ./reference/validator/internal/bench report $(OUT)/bench.txt $(OUT)/ajv.json; \
	else echo "node and npm not found: no ajv comparison"; fi
	$(GO) run ./reference/validator/internal/bench stream reference/validator/testdata/bench/2.D.V08-valid.json 100000 > $(OUT)/stream.ndjson
	@for jobs in 1 2; do \
		/usr/bin/time -f "jobs=$$jobs: %e s wall, peak RSS %M KiB" $(BIN) validate --ndjson --jobs $$jobs $(OUT)/stream.ndjson | tail -n 1; \
	done
	@GOMAXPROCS=1 /usr/bin/time -f "GOMAXPROCS=1: %e s wall, peak RSS %M KiB" $(BIN) validate --ndjson --jobs 1 $(OUT)/stream.ndjson | tail -n 1

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

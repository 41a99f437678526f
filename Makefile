# idmefcheck: the conformance suite and reference validator for IDMEFv2 alert exchange.
# `make demo` runs the main job end to end; `make test` runs every test.

GO       ?= go
BIN      := bin/idmefcheck
OUT      := out
FUZZTIME ?= 30s
BENCHTIME ?= 2s

.PHONY: all build test demo demo-manager demo-conformance demo-analyzer-conformance demo-designs demo-compare demo-analyzer bench bench-validator bench-manager bench-analyzer fuzz lint docs generate crosscheck clean

all: build

build:
	$(GO) build -o $(BIN) ./cmd/idmefcheck

# lint first (gofmt and go vet): CI runs this target, and an unformatted file fails it.
test: lint
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
	@$(MAKE) --no-print-directory demo-manager
	@$(MAKE) --no-print-directory demo-conformance
	@$(MAKE) --no-print-directory demo-analyzer-conformance
	@$(MAKE) --no-print-directory demo-designs

# The four designs side by side (docs/designs.md): what no IDMEFv2 revision meets, and where
# the full matrix is (HTML, Markdown, JSON).
demo-designs: build
	@echo
	@echo "== designs compared: IDMEFv2 2.D.V06, 2.D.V07, 2.D.V08 (transport 05) and the reference profile"
	@mkdir -p $(OUT)/designs
	@$(BIN) designs compare idmefv2-v06 idmefv2-v07 idmefv2-v08 | sed -n '/^met by none/,/^$$/p'
	@$(BIN) designs compare | sed -n '/^met only by/p; /^schema /p'
	@for f in html md json; do $(BIN) designs compare -o $(OUT)/designs/matrix.$$f; done
	@echo "matrix: $(OUT)/designs/matrix.html (also .md, .json); schema differences alone: $(BIN) designs diff 2.D.V06 2.D.V08"

# The reference manager end to end (docs/manager.md): a fresh test PKI, a manager on an
# embedded SQLite store listening on loopback (IPv4 and IPv6, ports chosen by the system),
# alerts sent to it over HTTP/2 with mutual TLS and RFC 9421 signatures by `idmefcheck send`
# (a minimal client), its answers to a repeat, a conflict and an invalid message; then the
# reference analyzer (docs/analyzer.md) against it: scenarios emitted, a Suricata EVE file and
# an event file delivered with --once, dead letters and receipts; then the operator API, the
# observation file and a graceful stop.
DEMO := $(OUT)/demo-manager
demo-manager: build
	@echo
	@echo "== the reference manager: fresh test PKI, embedded store, alerts over HTTPS"
	@rm -rf $(DEMO) && mkdir -p $(DEMO)
	@$(BIN) pki init --dir $(DEMO)/pki
	@set -e; \
	$(BIN) manager --pki $(DEMO)/pki --db $(DEMO)/alerts.db --listen 127.0.0.1:0 --listen '[::1]:0' \
		--api-listen 127.0.0.1:0 --observe-file $(DEMO)/observed.ndjson 2> $(DEMO)/manager.log & pid=$$!; \
	trap 'kill $$pid 2>/dev/null || true' EXIT; \
	for i in $$(seq 100); do grep -q '"manager started"' $(DEMO)/manager.log && break; sleep 0.1; done; \
	grep -q '"manager started"' $(DEMO)/manager.log || { cat $(DEMO)/manager.log; exit 1; }; \
	addr() { grep -o "\"listener\":\"$$1\",\"addr\":\"[^\"]*\"" $(DEMO)/manager.log | sed -n "$${2}p" | cut -d'"' -f8; }; \
	ingest=$$(addr ingest 1); ingest6=$$(addr ingest 2); api=$$(addr api 1); \
	echo "manager listening on $$ingest and $$ingest6, operator API on $$api (log: $(DEMO)/manager.log)"; \
	echo "-- signed alerts over HTTP/2, each sent twice: the repeat gets the same 204 and no second record"; \
	$(BIN) send --pki $(DEMO)/pki --to https://$$ingest/ --sign --repeat vectors/samples/valid-*.json; \
	echo "-- 200 generated alerts over IPv6, unsigned (a plain transport-draft client)"; \
	$(BIN) send --pki $(DEMO)/pki --to https://$$ingest6/ --generate 200 | tail -n 1; \
	an="--pki $(DEMO)/pki --spool $(DEMO)/analyzer.spool --dead-letter $(DEMO)/analyzer-dead.ndjson --receipts $(DEMO)/receipts.ndjson"; \
	echo "-- the reference analyzer (docs/analyzer.md): 3 alerts of scenario unicode, spooled, signed, each 204 with a verified receipt"; \
	$(BIN) analyzer emit $$an --to https://$$ingest/ --scenario unicode --count 3 2>> $(DEMO)/analyzer.log | sed 's/^/emitted /'; \
	echo "-- 500 alerts of scenario burst as fast as they go, then a Suricata EVE file and an event file read with --once over IPv6"; \
	$(BIN) analyzer emit $$an --to https://$$ingest/ --scenario burst --count 500 2>> $(DEMO)/analyzer.log | tail -n 1 | sed 's/^/last emitted /'; \
	status=0; $(BIN) analyzer $$an --to https://$$ingest6/ --once --timeout 10s \
		--eve reference/analyzer/testdata/eve.json --events reference/analyzer/testdata/events.ndjson 2>> $(DEMO)/analyzer.log || status=$$?; \
	echo "analyzer --once exited $$status (1: two event lines are bad on purpose and went to the dead-letter file)"; \
	grep -o '"stats":{[^}]*}' $(DEMO)/analyzer.log | sed 's/^/analyzer /'; \
	echo "dead letters by reason: $$(grep -o '"reason":"[a-z-]*"' $(DEMO)/analyzer-dead.ndjson | cut -d'"' -f4 | sort | uniq -c | awk '{printf "%s %s; ", $$2, $$1}')receipts kept: $$(wc -l < $(DEMO)/receipts.ndjson)"; \
	echo "-- an invalid message (400 with the validator's findings) and a known ID with other content (409)"; \
	sed 's/Pumping station 4/Pumping station 5/' vectors/samples/valid-2.D.V08-port-scan.json > $(DEMO)/conflict.json; \
	$(BIN) send --pki $(DEMO)/pki --to https://$$ingest/ --sign vectors/samples/invalid-no-utc-offset.json $(DEMO)/conflict.json || true; \
	api() { curl -sS --fail-with-body --cert $(DEMO)/pki/harness.crt --key $(DEMO)/pki/harness.key --cacert $(DEMO)/pki/ca.crt "https://$$api$$1"; }; \
	echo "-- operator API (mutual TLS as the harness): counts by Priority, one alert's evidence"; \
	api '/v1/stats?group_by=Priority' | tr -d ' \n'; echo; \
	api '/v1/alerts/019bbd04-3058-7f18-a015-7772c49fbe4c/evidence' | grep -E '"(analyzer|sha256|mode|keyid|content_digest)"'; \
	api '/v1/health' | tr -d ' \n'; echo; \
	echo "-- observation file: $$(wc -l < $(DEMO)/observed.ndjson) lines, one per stored alert"; \
	kill -TERM $$pid; wait $$pid; trap - EXIT; \
	grep -o '"msg":"stopped"' $(DEMO)/manager.log >/dev/null && echo "manager stopped cleanly (SIGTERM)"

# The manager-role conformance suite (docs/checks.md) against a reference manager run as a
# separate process, as a vendor would run it against theirs: a fresh PKI, the manager on
# ports the system chooses, an implementation statement written by `idmefcheck ics init`
# claiming everything the reference implements, and a restart command that kills the manager
# with SIGKILL and starts it again on the same ports and store (the durability checks).
DEMOC := $(OUT)/demo-conformance
demo-conformance: build
	@echo
	@echo "== the manager-role conformance suite against a reference manager"
	@rm -rf $(DEMOC) && mkdir -p $(DEMOC)
	@$(BIN) pki init --dir $(DEMOC)/pki > /dev/null
	@set -e; bin=$$(cd $$(dirname $(BIN)) && pwd)/$$(basename $(BIN)); d=$$(cd $(DEMOC) && pwd); \
	start() { setsid $$bin manager --pki $$d/pki --db $$d/alerts.db --listen $$1 --listen "$$2" --api-listen $$3 \
		--observe-file $$d/observed.ndjson --require-signatures --log-level info < /dev/null > /dev/null 2>> $$d/manager.log & echo $$! > $$d/manager.pid; }; \
	start 127.0.0.1:0 '[::1]:0' 127.0.0.1:0; \
	trap 'kill $$(cat $$d/manager.pid) 2>/dev/null || true' EXIT; \
	for i in $$(seq 100); do grep -q '"manager started"' $$d/manager.log && break; sleep 0.1; done; \
	grep -q '"manager started"' $$d/manager.log || { cat $$d/manager.log; exit 1; }; \
	addr() { grep -o "\"listener\":\"$$1\",\"addr\":\"[^\"]*\"" $$d/manager.log | sed -n "$${2}p" | cut -d'"' -f8; }; \
	ingest=$$(addr ingest 1); ingest6=$$(addr ingest 2); api=$$(addr api 1); \
	{ echo '#!/bin/sh'; echo "kill -KILL \$$(cat $$d/manager.pid) 2>/dev/null; sleep 0.2"; \
	  echo "setsid $$bin manager --pki $$d/pki --db $$d/alerts.db --listen $$ingest --listen '$$ingest6' --api-listen $$api --observe-file $$d/observed.ndjson --require-signatures --log-level info < /dev/null > /dev/null 2>> $$d/manager.log & echo \$$! > $$d/manager.pid"; \
	} > $$d/restart.sh; chmod +x $$d/restart.sh; \
	echo "manager on $$ingest and $$ingest6 (log: $(DEMOC)/manager.log)"; \
	$$bin ics init --role manager --pki $$d/pki --target https://$$ingest/ --target "https://$$ingest6/" --server-name localhost \
		--observe-file $$d/observed.ndjson -o $$d/ics.yaml --vendor idmefcheck --product "reference manager" --version "$$($$bin version | head -n 1 | cut -d' ' -f2)" \
		--options http2,ipv4,ipv6,allow-list,signatures,require-signatures,dedup,max-body,rate-limit; \
	printf 'restart:\n  command: [%s]\n  ready_within: 20s\n' "$$d/restart.sh" >> $$d/ics.yaml; \
	status=0; $$bin run --role manager --ics $$d/ics.yaml --out $$d/report --sign-key $$d/pki/harness-signing.key || status=$$?; \
	echo "idmefcheck run exited $$status (docs/exit-codes.md)"; \
	$$bin report verify $$d/report/report.json --pub $$d/pki/harness-signing.pub; \
	test $$status -eq 0
	@$(MAKE) --no-print-directory demo-compare
	@echo
	@echo "== the real run's report, in $(DEMOC)/report (docs/report.md):"
	@cd $(DEMOC)/report && ls -l report.json report.json.sig report.xml report.md report.html | awk '{printf "  %-16s %8d bytes\n", $$9, $$5}'

# The analyzer-role suite (docs/analyzer-testing.md) against the reference analyzer driven by its
# shim, as a vendor would connect theirs: the harness plays the manager on loopback (port
# DEMO_ANALYZER_PORT on 127.0.0.1 and ::1), the shim process runs the analyzer and pushes to it.
DEMOA := $(OUT)/demo-analyzer-conformance
DEMO_ANALYZER_PORT ?= 47611
demo-analyzer-conformance: build
	@echo
	@echo "== the analyzer-role conformance suite against the reference analyzer, through its shim"
	@rm -rf $(DEMOA) && mkdir -p $(DEMOA)
	@$(BIN) pki init --dir $(DEMOA)/pki > /dev/null
	@set -e; bin=$$(cd $$(dirname $(BIN)) && pwd)/$$(basename $(BIN)); d=$$(cd $(DEMOA) && pwd); p=$(DEMO_ANALYZER_PORT); \
	$$bin ics init --role analyzer --pki $$d/pki --listen "[::1]:$$p" --listen 127.0.0.1:$$p \
		--options http2,ipv4,ipv6,signatures,require-signatures,spool --vendor idmefcheck --product "reference analyzer" \
		--version "$$($$bin version | head -n 1 | cut -d' ' -f2)" --trigger shim -o $$d/ics.yaml -- \
		$$bin analyzer shim --pki $$d/pki --to "https://[::1]:$$p/" --server-name localhost --spool $$d/analyzer.spool \
		--dead-letter $$d/dead.ndjson --log-level warn; \
	status=0; $$bin run --role analyzer --ics $$d/ics.yaml --out $$d/report 2> $$d/shim.log || status=$$?; \
	echo "idmefcheck run exited $$status (docs/exit-codes.md); reports in $(DEMOA)/report"; test $$status -eq 0

# The comparison a working-group reviewer makes (docs/report.md): the manager-role suite against
# the reference manager and two known-bad managers (the reference with one fault switch on:
# TLS 1.2 accepted; signatures not verified), each run in-process by the hidden `run --lab`
# (for demos and tests), then `report compare` sets the three reports side by side.
DEMOX := $(OUT)/demo-compare
demo-compare: build
	@echo
	@echo "== report compare: the reference manager beside two known-bad managers"
	@rm -rf $(DEMOX) && mkdir -p $(DEMOX)
	@for lab in reference manager/accept-tls12 manager/skip-signature-check; do \
		dir=$(DEMOX)/$$(echo $$lab | tr / -); status=0; \
		$(BIN) run --role manager --lab $$lab --out $$dir --formats json > $$dir.log 2>&1 || status=$$?; \
		echo "$$lab: exit $$status, $$(grep '^verdict:' $$dir.log)"; \
	done
	@set -e; reports="$(DEMOX)/reference/report.json $(DEMOX)/manager-accept-tls12/report.json $(DEMOX)/manager-skip-signature-check/report.json"; \
	$(BIN) report compare $$reports -o $(DEMOX)/matrix.html; \
	$(BIN) report compare $$reports -o $(DEMOX)/matrix.md; \
	sed -n '/^### Checks that differ/,/^<details>/p' $(DEMOX)/matrix.md | grep '^|'; \
	echo "comparison: $(DEMOX)/matrix.html and $(DEMOX)/matrix.md"

# Benchmarks: validation throughput and allocations of both engines, one core and all cores,
# set beside ajv (installed from npm into out/ajv) on the same messages; then the stream
# throughput and peak memory of `idmefcheck validate --ndjson` over 100,000 messages.
# The figures land in out/; docs/performance.md records them.
BENCHSTAT := golang.org/x/perf/cmd/benchstat@v0.0.0-20260908200009-22c9c6c9d4da
AJV_DIR   := $(OUT)/ajv

bench: bench-validator
	@$(MAKE) --no-print-directory bench-manager
	@$(MAKE) --no-print-directory bench-analyzer

# The validator: both engines beside ajv on the same messages, then stream throughput and
# peak memory of idmefcheck validate over 100,000 messages. docs/performance.md.
bench-validator: build
	@mkdir -p $(OUT)
	@uptime
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
	@uptime

# The reference manager's sustained throughput and latency (HTTP/2, mutual TLS 1.3, signed
# requests, 64 streams on one connection, 20,000 alerts a run) against a bare TLS handler
# that does nothing (the ceiling), and with every guarantee on; then what each guarantee
# costs on its own, and the floor they set together (internal/floor). docs/performance.md.
MANAGER_ALERTS ?= 20000
bench-manager:
	@mkdir -p $(OUT)
	@uptime
	$(GO) test -run '^$$' -bench 'BenchmarkIngest' -benchtime $(MANAGER_ALERTS)x -count 5 ./reference/manager/ | tee $(OUT)/bench-manager.txt
	$(GO) run $(BENCHSTAT) $(OUT)/bench-manager.txt
	$(GO) test -run '^$$' -bench 'VerifyRequest|Receipt|Ed25519' -benchmem -count 5 ./reference/httpsig/ | tee $(OUT)/bench-guarantees.txt
	$(GO) test -run '^$$' -bench 'ValidateAlert|Extract/tape' -benchmem -count 5 ./reference/manager/ | tee -a $(OUT)/bench-guarantees.txt
	$(GO) test -run '^$$' -bench 'Put/writers=64' -benchtime $(MANAGER_ALERTS)x -count 5 ./reference/store/ | tee -a $(OUT)/bench-guarantees.txt
	$(GO) run ./reference/manager/internal/floor $(OUT)/bench-manager.txt $(OUT)/bench-guarantees.txt
	@uptime

# The reference analyzer's delivery rate from its spool to the reference manager, both in one
# process on loopback, with every guarantee on (durable spool, mutual TLS 1.3, one message per
# request over HTTP/2, signed requests, verified receipts; the manager's strict validation,
# required signatures, dedup and durable commit), 20,000 alerts a run; and the rate at which
# alerts are built, validated and spooled. docs/performance.md.
ANALYZER_ALERTS ?= 20000
bench-analyzer:
	@mkdir -p $(OUT)
	$(GO) test -run '^$$' -bench 'BenchmarkDeliver|BenchmarkProduce' -benchtime $(ANALYZER_ALERTS)x -count 5 ./reference/analyzer/ | tee $(OUT)/bench-analyzer.txt
	$(GO) run $(BENCHSTAT) $(OUT)/bench-analyzer.txt

# Runs every fuzz target for FUZZTIME each. FuzzValidate and FuzzEngines hold the compiled
# engine to the jsonschema/v5 interpreter, on any bytes and on valid messages mutated field by
# field.
#
# The fuzzing runs on Go 1.27.3 (the go command fetches it from the module proxy on first use,
# 76 MB): Go 1.26's fuzz coordinator can fail a target that found nothing with "context
# deadline exceeded" when -fuzztime ends while a worker is busy (go.dev/issue/75804, fixed in
# 1.27; it happened here to FuzzEngines, whose new inputs take long to minimize). FUZZGO=go
# runs it on the machine's Go.
FUZZGO ?= env GOTOOLCHAIN=go1.27.3 go
fuzz:
	$(FUZZGO) test -run '^$$' -fuzz '^FuzzDecode$$' -fuzztime $(FUZZTIME) ./reference/message/
	$(FUZZGO) test -run '^$$' -fuzz '^FuzzReader$$' -fuzztime $(FUZZTIME) ./reference/message/
	$(FUZZGO) test -run '^$$' -fuzz '^FuzzTape$$' -fuzztime $(FUZZTIME) ./reference/message/
	$(FUZZGO) test -run '^$$' -fuzz '^FuzzDFA$$' -fuzztime $(FUZZTIME) ./schema/
	$(FUZZGO) test -run '^$$' -fuzz '^FuzzValidate$$' -fuzztime $(FUZZTIME) ./reference/validator/
	$(FUZZGO) test -run '^$$' -fuzz '^FuzzEngines$$' -fuzztime $(FUZZTIME) ./reference/validator/
	$(FUZZGO) test -run '^$$' -fuzz '^FuzzParseExpectations$$' -fuzztime $(FUZZTIME) ./report/
	$(FUZZGO) test -run '^$$' -fuzz '^FuzzParse$$' -fuzztime $(FUZZTIME) ./conformance/ics/
	$(FUZZGO) test -run '^$$' -fuzz '^FuzzParseLine$$' -fuzztime $(FUZZTIME) ./conformance/observe/
	$(FUZZGO) test -run '^$$' -fuzz '^FuzzReadAnswer$$' -fuzztime $(FUZZTIME) ./conformance/tlsprobe/
	$(FUZZGO) test -run '^$$' -fuzz '^FuzzMake$$' -fuzztime $(FUZZTIME) ./conformance/alerts/
	$(FUZZGO) test -run '^$$' -fuzz '^FuzzParse$$' -fuzztime $(FUZZTIME) ./conformance/designs/
	$(FUZZGO) test -run '^$$' -fuzz '^FuzzParse$$' -fuzztime $(FUZZTIME) ./report/
	$(FUZZGO) test -run '^$$' -fuzz '^FuzzParseModel$$' -fuzztime $(FUZZTIME) ./schema/
	$(FUZZGO) test -run '^$$' -fuzz '^FuzzVerifyFast$$' -fuzztime $(FUZZTIME) ./reference/httpsig/
	$(FUZZGO) test -run '^$$' -fuzz '^FuzzParseIdentity$$' -fuzztime $(FUZZTIME) ./reference/transport/
	$(FUZZGO) test -run '^$$' -fuzz '^FuzzParseAllowList$$' -fuzztime $(FUZZTIME) ./reference/transport/
	$(FUZZGO) test -run '^$$' -fuzz '^FuzzInputs$$' -fuzztime $(FUZZTIME) ./reference/analyzer/alert/
	$(FUZZGO) test -run '^$$' -fuzz '^FuzzServe$$' -fuzztime $(FUZZTIME) ./reference/analyzer/shim/

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
	$(GO) run ./cmd/idmefcheck checks list --format markdown > docs/checks.md

# Compares the generated schemas with the published IDMEFv2 schemas (not shipped with the
# project): make crosscheck PUBLISHED=/path/to/idmefv2-schemas
crosscheck:
	$(GO) run ./schema/internal/crosscheck -published $(PUBLISHED)

clean:
	rm -rf bin $(OUT)

# Meedoen — the two commands a newcomer needs are `make run` and `make test`;
# both install what they need themselves.

GO        ?= go
GOFLAGS   ?=
TEST_PKGS ?= ./...
# The full suite must stay well under 15 minutes on 2 cores.
TEST_TIMEOUT ?= 12m

.PHONY: run test build vet gen gen-check lint-api test-go test-chart fuzz bench deps test-deps css clean

## run: start everything on this machine with the IJmond demo data (Ctrl-C stops it)
# Like `go run ./cmd/meedoen -dev`, but built first and run directly: `go run`
# reports Ctrl-C as a failure (exit status 1) even when Meedoen stopped cleanly.
run: deps build
	bin/meedoen -dev

## test: vet, generated-code check, API lint (when Node is present), the Helm chart, the whole suite with -race and a short fuzzing burst
test: deps test-deps vet gen-check lint-api test-chart test-go fuzz

deps:
	@scripts/ensure-postgres.sh

# Browser tests need Chromium and axe-core; installed when missing (root),
# else the browser tests say how and skip (outside CI).
test-deps:
	@scripts/ensure-browser.sh || [ "$$CI" != true ]

## css: rebuild gateway/web/kit/static/meedoen.css from NL Design System packages (needs Node; the result is committed)
css:
	scripts/css.sh

build:
	$(GO) build -o bin/meedoen ./cmd/meedoen

vet:
	$(GO) vet ./...

test-go:
	$(GO) test -race -count=1 -timeout $(TEST_TIMEOUT) $(TEST_PKGS)

# Helm for the chart's tests, installed into var/tools when missing (about two
# minutes, once). A failed install fails the target: the chart is never left
# untested.
HELM_VERSION ?= v3.22.1
HELM_DIR      = var/tools/helm-$(HELM_VERSION)

## test-chart: helm lint --strict and helm template of charts/meedoen, every document strict-decoded (charts/test), and the alert rules and dashboards parsed by Prometheus' own parsers (charts/rulestest); each a module of its own
test-chart: $(HELM_DIR)/helm
	cd charts/test && GOWORK=off $(GO) vet ./...
	cd charts/test && HELM=$(abspath $(HELM_DIR)/helm) GOWORK=off $(GO) test -count=1 ./...
	cd charts/rulestest && GOWORK=off $(GO) vet ./...
	cd charts/rulestest && GOWORK=off $(GO) test -count=1 ./...

$(HELM_DIR)/helm:
	GOBIN=$(abspath $(HELM_DIR)) GOWORK=off $(GO) install helm.sh/helm/v3/cmd/helm@$(HELM_VERSION)

# The fuzz tests' seeds (testdata/fuzz) run with every go test; this runs
# each target for a few seconds of new inputs as well. go test -fuzz takes
# one package and one target at a time. A failing input is written to the
# package's testdata/fuzz: commit it with the fix.
FUZZ_TIME ?= 4s
FUZZ_TARGETS = ./internal/cursor:FuzzDecode ./gateway:FuzzAPIBody ./gateway:FuzzAPIQuery ./gateway:FuzzAPIJSON ./gateway/web/respond:FuzzResidentForm

## fuzz: a short fuzzing burst of every edge that reads text from outside (FUZZ_TIME each)
fuzz:
	@for t in $(FUZZ_TARGETS); do \
		pkg=$${t%%:*}; name=$${t##*:}; \
		echo "fuzzing $$name in $$pkg for $(FUZZ_TIME)"; \
		$(GO) test -run '^$$' -fuzz "^$$name\$$" -fuzztime $(FUZZ_TIME) $$pkg || exit 1; \
	done

## gen: regenerate protobuf, gRPC, REST gateway code and the OpenAPI document
gen:
	scripts/gen.sh

gen-check:
	scripts/gen.sh --check

## lint-api: the OpenAPI document against the Dutch API Design Rules (needs Node)
lint-api:
	@scripts/lint-api.sh

## bench: outbox relay throughput beside raw JetStream publishing, and relay lag at a sustained rate
bench: deps
	$(GO) test -run '^$$' -bench 'RawAsyncPublish|RelayThroughput' -benchtime 300000x -count 3 ./internal/events/
	$(GO) test -run '^$$' -bench 'RelayLag' -benchtime 100000x -count 3 ./internal/events/

clean:
	rm -rf bin var

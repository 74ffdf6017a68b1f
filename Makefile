# Phủ Sóng — the two commands a new user needs are `make run` and `make test`.
GO ?= go
BIN := bin/phusong
ADDR ?= 127.0.0.1:8080
DB ?= phusong.gpkg

.PHONY: run build frontend test test-all vet bench bench-smoke bench-postgis bench-stores bench-frontend clean crashtest loadtest fuzz

## run: build (the web application too, when its sources changed) and serve
## on $(ADDR) from $(DB), seeding Hòa Bình on first start
run: build
	./$(BIN) serve --addr $(ADDR) --db $(DB)

# The commit goes in by -ldflags because this project's machines build with
# -buildvcs=false (phusong --version prints it).
build: frontend
	$(GO) build -ldflags "-X main.linkedCommit=$$(git describe --always --dirty=-modified --abbrev=12 --exclude='*' 2>/dev/null)" -o $(BIN) ./cmd/phusong

## frontend: npm ci and vite build into frontend/dist (embedded by the binary),
## each only when its inputs changed. Without Node the binary is still built
## and its page says how to build the application.
FRONTEND_SRC := $(wildcard frontend/src/*) frontend/index.html frontend/vite.config.ts frontend/tsconfig.json
frontend:
	@if command -v npm >/dev/null 2>&1; then $(MAKE) --no-print-directory frontend/dist/index.html; \
	else echo "npm not found: the web application is not built (install Node.js 20 or later)"; fi

frontend/node_modules/.package-lock.json: frontend/package.json frontend/package-lock.json
	cd frontend && npm ci --no-audit --no-fund --loglevel=error
	@touch $@

frontend/dist/index.html: frontend/node_modules/.package-lock.json $(FRONTEND_SRC)
	cd frontend && npm run --silent build

## test: formatting, vet, and every test. The ogrinfo, real-data and browser
## tests skip with a message where GDAL, ../shared/data, Node or Chromium are
## absent, and fail in CI. The browser tests run last, on their own, so their
## timings are not shared with the other packages' tests.
test: frontend
	@bash .ci/with-postgres.sh $(MAKE) --no-print-directory test-all

# test-all runs with PHUSONG_TEST_PG naming a throw-away PostgreSQL cluster
# (.ci/with-postgres.sh) where PostgreSQL and PostGIS are installed.
test-all:
	@unformatted=$$(gofmt -l cmd geo api data frontend); if [ -n "$$unformatted" ]; then echo "gofmt needed: $$unformatted"; exit 1; fi
	$(GO) vet ./...
	$(GO) test -count=1 -timeout 30m -skip '^TestE2E_Browser$$' ./...
	@# The store's tests and the API's, unchanged, on the PostgreSQL store.
	PHUSONG_TEST_STORE=postgres $(GO) test -count=1 -timeout 30m ./data/... ./api/...
	@# The independent GDAL cross-check again, verbose, so its agreement figures show in the log.
	@out=$$($(GO) test -count=1 -run CrossCheck -v ./geo/ 2>&1); status=$$?; \
	  echo "$$out" | grep -E '^crosscheck:|^(ok|FAIL)|--- (SKIP|FAIL)|skipped'; exit $$status
	@# The browser tests (frontend/e2e), with their results and measurements in the log.
	@out=$$($(GO) test -count=1 -timeout 30m -run '^TestE2E_Browser$$' -v ./cmd/phusong/ 2>&1); status=$$?; \
	  echo "$$out" | sed -n 's/^ *browser_test.go:[0-9]*: //p; /^\(ok\|FAIL\|--- \)/p' | grep -vE '^\s*$$'; exit $$status

## bench: the Go benchmarks (calculator, what-if), the service end to end
## (HTTP with hey, ingest, start-up), the web application's first frame
## and bytes (bench-frontend) and the two stores side by side (bench-stores,
## about 5 minutes); figures go to BENCHMARKS.md
bench: build
	bash bench/go.sh
	bash bench/http.sh
	bash bench/frontend.sh
	bash .ci/with-postgres.sh bash bench/stores.sh

## bench-frontend: the web application's first frame with commune polygons
## (median of 5 fresh Chromium contexts, desktop) and the JavaScript and CSS
## it transfers, against the built binary on a new database (BENCHMARKS.md)
bench-frontend: build
	bash bench/frontend.sh

## bench-smoke: every Go benchmark once, so that none rots (CI runs it)
bench-smoke:
	$(GO) test -run '^$$' -bench . -benchtime 1x ./... | grep -E '^(Benchmark|ok|FAIL|PASS)'

## bench-postgis: the side-by-side baseline of issue 8: PostgreSQL + PostGIS
## (installed from Debian's packages if absent) on a throw-away cluster, the
## SQL an analyst would write for our figures, timed beside our calculator;
## the table goes into BENCHMARKS.md. Takes several minutes: not part of test.
bench-postgis:
	GO=$(GO) bash bench/postgis.sh

## bench-stores: the two stores side by side (issue 20): the national
## recompute, the ingest of a national filing and the layer's GeoJSON with hey,
## on SQLite and on PostgreSQL + PostGIS (one instance, and three behind nginx),
## in a throw-away cluster (.ci/with-postgres.sh); the table goes into
## BENCHMARKS.md. Needs postgresql-15 and postgresql-15-postgis-3.
bench-stores:
	bash .ci/with-postgres.sh bash bench/stores.sh

## crashtest: SIGKILL the server 25 times while a client files; nothing acknowledged may be lost
crashtest:
	PHUSONG_CRASH_ROUNDS=$${PHUSONG_CRASH_ROUNDS:-25} bash .ci/with-postgres.sh $(GO) test -count=1 -run 'TestCrash' -v ./cmd/phusong/ | grep -E 'crash_test|^(\s*---|ok|FAIL)'

## loadtest: 200 readers and 4 writers for 60 s against the real binary, then 4
## providers filing and withdrawing for 60 s with a consistency check every 2 s
loadtest:
	PHUSONG_LOAD_SECONDS=$${PHUSONG_LOAD_SECONDS:-60} bash .ci/with-postgres.sh $(GO) test -count=1 -run 'TestLoad|TestConsistency' -v ./cmd/phusong/ | grep -E 'loadtest:|consistency_test|^(\s*---|ok|FAIL)'

## fuzz: each fuzz target for FUZZTIME (default 60s)
FUZZTIME ?= 60s
FUZZ_TARGETS := geo:FuzzParseFilingGeoJSON geo:FuzzParseFilingCSV geo:FuzzReadCommunes geo:FuzzRingValidation api/rest:FuzzQueryParams api/rest:FuzzParseCQL2Text geo/geotiff:FuzzDecode
fuzz:
	@for t in $(FUZZ_TARGETS); do pkg=$${t%%:*}; name=$${t#*:}; \
	  echo "== $$name ($(FUZZTIME))"; \
	  $(GO) test ./$$pkg/ -run '^$$' -fuzz "^$$name\$$" -fuzztime $(FUZZTIME) 2>&1 | tail -3 || exit 1; \
	done

clean:
	rm -rf bin frontend/test-results
	cd frontend && find dist -mindepth 1 ! -name unbuilt.html -exec rm -rf {} +

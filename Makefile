# Phủ Sóng — the two commands a new user needs are `make run` and `make test`.
GO ?= go
BIN := bin/phusong
ADDR ?= 127.0.0.1:8080
DB ?= phusong.gpkg

.PHONY: run build frontend test vet bench clean

## run: build (the web application too, when its sources changed) and serve
## on $(ADDR) from $(DB), seeding Hòa Bình on first start
run: build
	./$(BIN) serve --addr $(ADDR) --db $(DB)

build: frontend
	$(GO) build -o $(BIN) ./cmd/phusong

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
	@unformatted=$$(gofmt -l cmd geo api data frontend); if [ -n "$$unformatted" ]; then echo "gofmt needed: $$unformatted"; exit 1; fi
	$(GO) vet ./...
	$(GO) test -count=1 -skip '^TestE2E_Browser$$' ./...
	@# The independent GDAL cross-check again, verbose, so its agreement figures show in the log.
	@out=$$($(GO) test -count=1 -run CrossCheck -v ./geo/ 2>&1); status=$$?; \
	  echo "$$out" | grep -E '^crosscheck:|^(ok|FAIL)|--- (SKIP|FAIL)|skipped'; exit $$status
	@# The browser tests (frontend/e2e), with their results and measurements in the log.
	@out=$$($(GO) test -count=1 -run '^TestE2E_Browser$$' -v ./cmd/phusong/ 2>&1); status=$$?; \
	  echo "$$out" | sed -n 's/^ *browser_test.go:[0-9]*: //p; /^\(ok\|FAIL\|--- \)/p' | grep -vE '^\s*$$'; exit $$status

## bench: the calculator's benchmarks on the Hòa Bình and Vietnam scenarios,
## each in a process of its own so that its peak memory (MB-peak-RSS) is its own
BENCHES := NewSurface/HoaBinh Compute_HoaBinh Compute_WhatIf_HoaBinh NewSurface/Vietnam Compute_Vietnam
bench:
	$(GO) test -c -o bin/geo.test ./geo/
	@cd geo && for b in $(BENCHES); do \
	  ../bin/geo.test -test.run '^$$' -test.bench "^Benchmark$$b\$$" -test.benchmem -test.benchtime 5x | grep -E '^Benchmark' || exit 1; \
	done

clean:
	rm -rf bin frontend/test-results
	cd frontend && find dist -mindepth 1 ! -name unbuilt.html -exec rm -rf {} +

# Phủ Sóng — the two commands a new user needs are `make run` and `make test`.
GO ?= go
BIN := bin/phusong
ADDR ?= 127.0.0.1:8080
DB ?= phusong.gpkg

.PHONY: run build test vet bench bench-postgis clean crashtest loadtest fuzz

## run: build and serve on $(ADDR) from $(DB), seeding Hòa Bình on first start
run: build
	./$(BIN) serve --addr $(ADDR) --db $(DB)

build:
	$(GO) build -o $(BIN) ./cmd/phusong

## test: vet, formatting, and every test (the ogrinfo and real-data tests skip
## with a message where GDAL or ../shared/data are absent, and fail in CI)
test:
	@unformatted=$$(gofmt -l cmd geo api data frontend); if [ -n "$$unformatted" ]; then echo "gofmt needed: $$unformatted"; exit 1; fi
	$(GO) vet ./...
	$(GO) test -count=1 ./...
	@# The independent GDAL cross-check again, verbose, so its agreement figures show in the log.
	@out=$$($(GO) test -count=1 -run CrossCheck -v ./geo/ 2>&1); status=$$?; \
	  echo "$$out" | grep -E '^crosscheck:|^(ok|FAIL)|--- (SKIP|FAIL)|skipped'; exit $$status

## bench: the calculator's benchmarks on the Hòa Bình and Vietnam scenarios,
## each in a process of its own so that its peak memory (MB-peak-RSS) is its own
BENCHES := NewSurface/HoaBinh Compute_HoaBinh Compute_WhatIf_HoaBinh NewSurface/Vietnam Compute_Vietnam
bench:
	$(GO) test -c -o bin/geo.test ./geo/
	@cd geo && for b in $(BENCHES); do \
	  ../bin/geo.test -test.run '^$$' -test.bench "^Benchmark$$b\$$" -test.benchmem -test.benchtime 5x | grep -E '^Benchmark' || exit 1; \
	done

## bench-postgis: the side-by-side baseline of issue 8: PostgreSQL + PostGIS
## (installed from Debian's packages if absent) on a throw-away cluster, the
## SQL an analyst would write for our figures, timed beside our calculator;
## the table goes into BENCHMARKS.md. Takes several minutes: not part of test.
bench-postgis:
	GO=$(GO) bash bench/postgis.sh

## crashtest: SIGKILL the server 25 times while a client files; nothing acknowledged may be lost
crashtest:
	PHUSONG_CRASH_ROUNDS=$${PHUSONG_CRASH_ROUNDS:-25} $(GO) test -count=1 -run 'TestCrash' -v ./cmd/phusong/ | grep -E 'crash_test|^(---|ok|FAIL)'

## loadtest: 200 readers and 4 writers for 30 s against the real binary
loadtest:
	PHUSONG_LOAD_SECONDS=$${PHUSONG_LOAD_SECONDS:-30} $(GO) test -count=1 -run 'TestLoad' -v ./cmd/phusong/ | grep -E 'loadtest:|^(---|ok|FAIL)'

## fuzz: each fuzz target for FUZZTIME (default 60s)
FUZZTIME ?= 60s
FUZZ_TARGETS := geo:FuzzParseFilingGeoJSON geo:FuzzParseFilingCSV geo:FuzzReadCommunes
fuzz:
	@for t in $(FUZZ_TARGETS); do pkg=$${t%%:*}; name=$${t#*:}; \
	  echo "== $$name ($(FUZZTIME))"; \
	  $(GO) test ./$$pkg/ -run '^$$' -fuzz "^$$name\$$" -fuzztime $(FUZZTIME) 2>&1 | tail -3 || exit 1; \
	done

clean:
	rm -rf bin

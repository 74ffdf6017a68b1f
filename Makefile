# Phủ Sóng — the two commands a new user needs are `make run` and `make test`.
GO ?= go
BIN := bin/phusong
ADDR ?= 127.0.0.1:8080
DB ?= phusong.gpkg

.PHONY: run build test vet bench clean

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

## bench: the calculator's benchmarks on the Hòa Bình and Vietnam scenarios
bench:
	$(GO) test -run '^$$' -bench . -benchmem -benchtime 5x ./geo/

clean:
	rm -rf bin

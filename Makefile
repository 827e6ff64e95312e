# The two commands of the README: `make demo` and `make test`. Both
# install missing Debian packages, configure and build first.
BUILD ?= build
CMAKE_FLAGS ?= -DCMAKE_BUILD_TYPE=RelWithDebInfo
JOBS ?= 2
SAMPLES = $(wildcard samples/scans/*.png samples/scans/*.jpg samples/scans/*.tif)

.PHONY: all deps build demo test bench clean

all: build

deps:
	@scripts/install-deps.sh

build: deps
	cmake -S . -B $(BUILD) $(CMAKE_FLAGS)
	cmake --build $(BUILD) -j$(JOBS)

# Extracts the bundled samples: records in out/records, overlays in
# out/overlays, a readable summary on the terminal.
demo: build
	$(BUILD)/claimscan extract --summary --jobs $(JOBS) \
	    --out out/records --overlay out/overlays $(SAMPLES)

test: build
	ctest --test-dir $(BUILD) --output-on-failure

bench: build
	bench/run.sh $(BUILD)/claimscan

clean:
	rm -rf $(BUILD) out

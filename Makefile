# Thin wrapper for the two README commands; the build itself is CMake's.
BUILD ?= build
BUILD_TYPE ?= Release
BOOK ?= book
OUT ?= out
JOBS ?= $(shell nproc 2>/dev/null || echo 2)

.PHONY: all deps build render test asan clean

all: render

deps:
	@bash .ci/deps.sh

$(BUILD)/CMakeCache.txt:
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=$(BUILD_TYPE)

build: deps $(BUILD)/CMakeCache.txt
	cmake --build $(BUILD) -j $(JOBS)

render: build
	./$(BUILD)/quire build $(BOOK) -o $(OUT)

test: build
	@bash .ci/deps.sh --test
	ctest --test-dir $(BUILD) --output-on-failure -j $(JOBS)

# The whole suite under AddressSanitizer and UndefinedBehaviorSanitizer.
asan:
	@bash .ci/deps.sh --test
	cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Asan
	cmake --build build-asan -j $(JOBS)
	ASAN_OPTIONS=detect_leaks=1 LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	  ctest --test-dir build-asan --output-on-failure -j $(JOBS)

clean:
	rm -rf $(BUILD) build-asan

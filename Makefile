# The two commands of README.md. Everything else lives in scripts/.
.PHONY: dev test build fuzz
dev:
	bash scripts/dev.sh
test:
	bash scripts/test.sh
build:
	bash scripts/setup.sh && bash scripts/build.sh
# Fuzz the ISO 20022 readers for a bounded time (not part of `make test`):
#   make fuzz FUZZ_TARGET=pain002_reader FUZZ_SECONDS=300
FUZZ_TARGET ?= pain001_reader
FUZZ_SECONDS ?= 60
fuzz:
	command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked
	cd core/fuzz && RUSTC_BOOTSTRAP=1 cargo fuzz run $(FUZZ_TARGET) -- -max_total_time=$(FUZZ_SECONDS)

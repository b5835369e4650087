# The two commands of README.md. Everything else lives in scripts/.
.PHONY: dev test build fuzz
dev:
	bash scripts/dev.sh
test:
	bash scripts/test.sh
build:
	bash scripts/setup.sh && bash scripts/build.sh

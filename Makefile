# ModelMeter: the two commands a newcomer needs are `make report` and `make test`.
# Both install Debian's libcmark-dev first when it is missing.

SWIFT ?= swift
CONFIG ?= release
BIN = .build/$(CONFIG)/modelmeter
OUTPUT ?= output

.PHONY: report test deps build bench check-output browser-check clean

## Regenerate the knowledge base in $(OUTPUT)/ (default workload: gundam, 2x2 crops, RTX 5090, bf16).
report: build
	$(BIN) report --output $(OUTPUT)

## Run the whole test suite.
test: deps
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build

deps:
	@./scripts/ensure-deps.sh

build: deps
	$(SWIFT) build -c $(CONFIG) --product modelmeter

## Regeneration benchmark: modelmeter vs the cmark command-line tool on the same Markdown.
bench: build
	./scripts/benchmark.sh $(BIN)

## Render every page in headless Chromium at 1400 px and 390 px; fail on a table wider than
## its container at 1400 px or a broken #anchor (needs Debian's chromium; .ci/run installs it).
browser-check: build
	./scripts/browser-check.sh

## Fail when regenerating output/ changes any committed byte.
check-output: report
	git diff --exit-code --stat -- $(OUTPUT)
	test -z "$$(git status --porcelain -- $(OUTPUT))"

clean:
	rm -rf .build

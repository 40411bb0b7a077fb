# The two commands a newcomer needs:
#   make site   install what is missing, build Dossier and build the sample site into Output/
#   make test   run the test suite
SWIFT ?= swift
DOSSIER = .build/release/dossier

.PHONY: site test deps dossier check clean

deps:
	@./scripts/ensure-deps.sh

dossier: deps
	$(SWIFT) build -c release --product dossier

site: dossier
	$(DOSSIER) build

check: dossier
	$(DOSSIER) check --strict

test: deps
	$(SWIFT) test

clean:
	rm -rf Output .build

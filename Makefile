# Shuniu — build, run and test. See README.md.
#
#   make            build ./shuniu (release: -O2, warnings are errors)
#   make asan       build build/asan/shuniu with AddressSanitizer + UBSan (used by the tests)
#   make run        install missing packages, build, create a demo district on first run, serve
#   make check      install missing packages, build, run every test suite
#   make format     apply .clang-format to every C file

CC       ?= cc
PKGS     := libmicrohttpd jansson sqlite3 libpq libsodium libcurl libqrencode xlsxwriter
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null)
VERSION  := $(shell cat VERSION 2>/dev/null || echo 0.0.0)
GIT_REV  := $(shell git rev-parse --short HEAD 2>/dev/null || echo unknown)

WARN     := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wno-unused-parameter
BASE_CFLAGS := -std=c11 -D_GNU_SOURCE -Isrc -Ibuild/gen $(WARN) $(PKG_CFLAGS) \
	-DSHUNIU_VERSION='"$(VERSION)"'
CFLAGS_release := -O2 -g -fstack-protector-strong -D_FORTIFY_SOURCE=2
# SHUNIU_STRICT: the test build turns slips the release build survives into aborts
# (a transaction left open at the end of a request; see http/request.h).
CFLAGS_asan    := -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=undefined \
		  -DSHUNIU_STRICT
LDLIBS   := $(PKG_LIBS) -lpthread -lm

SRCS     := $(wildcard src/*/*.c)
MIGRATIONS := $(sort $(wildcard migrations/*.sql))
GEN_SRC  := build/gen/migrations.c
UNIT_SRCS := $(wildcard tests/unit/test_*.c)

OBJS_release := $(patsubst src/%.c,build/release/%.o,$(SRCS)) build/release/gen/migrations.o
OBJS_asan    := $(patsubst src/%.c,build/asan/%.o,$(SRCS)) build/asan/gen/migrations.o
UNIT_BINS    := $(patsubst tests/unit/%.c,build/asan/tests/%,$(UNIT_SRCS))
# Unit tests link the library part: everything but the CLI (main.c and src/cmd/).
UNIT_OBJS    := $(filter-out build/asan/cmd/%,$(OBJS_asan))

.PHONY: all asan run check deps unit-tests format clean distclean web
.DEFAULT_GOAL := all
# Objects come from pattern rules; keep them (make would delete them as intermediates).
.SECONDARY:
.SECONDEXPANSION:

all: shuniu web

shuniu: build/release/shuniu
	cp $< $@.tmp && mv -f $@.tmp $@

asan: build/asan/shuniu

build/%/shuniu: $$(OBJS_$$*) build/%/main.o
	@echo '  LINK    $@'
	@$(CC) $(CFLAGS_$*) -o $@ $^ $(LDLIBS)


build/release/%.o: src/%.c | $$(@D)/.
	@echo '  CC      $@'
	@$(CC) $(BASE_CFLAGS) $(CFLAGS_release) -MMD -MP -c -o $@ $<
build/asan/%.o: src/%.c | $$(@D)/.
	@echo '  CC      $@'
	@$(CC) $(BASE_CFLAGS) $(CFLAGS_asan) -MMD -MP -c -o $@ $<
build/release/gen/migrations.o: $(GEN_SRC) | build/release/gen/.
	@echo '  CC      $@'
	@$(CC) $(BASE_CFLAGS) $(CFLAGS_release) -c -o $@ $<
build/asan/gen/migrations.o: $(GEN_SRC) | build/asan/gen/.
	@echo '  CC      $@'
	@$(CC) $(BASE_CFLAGS) $(CFLAGS_asan) -c -o $@ $<

build/tools/embed: tools/embed.c | build/tools/.
	$(CC) -O1 -Wall -Wextra -Werror -o $@ $<
# The revision is written to a header only when it changes, so the files that
# print it are rebuilt after a commit and nothing else is.
$(shell mkdir -p build/gen; echo '#define SHUNIU_REVISION "$(GIT_REV)"' | cmp -s - build/gen/revision.h || echo '#define SHUNIU_REVISION "$(GIT_REV)"' > build/gen/revision.h)
# The set of migrations is recorded so that removing or renaming one regenerates too.
MIGRATION_LIST := build/gen/migrations.list
$(shell mkdir -p build/gen; echo '$(MIGRATIONS)' | cmp -s - $(MIGRATION_LIST) || echo '$(MIGRATIONS)' > $(MIGRATION_LIST))
$(GEN_SRC): build/tools/embed $(MIGRATIONS) $(MIGRATION_LIST) | build/gen/.
	build/tools/embed $@ $(MIGRATIONS)

# The web apps: web/dist from web/ with the locked npm packages (npm ci), type
# checked, built by Vite and held to their size budgets (web/scripts/budget.mjs);
# both languages must hold every string and every server error code
# (web/scripts/i18n-check.mjs reads src/core/errors.def).
WEB_SRCS := $(shell find web/src web/public web/index.html web/console/index.html web/vite.config.ts \
	web/tsconfig.json web/scripts -type f 2>/dev/null) src/core/errors.def
web: web/dist/index.html
web/dist/index.html: $(WEB_SRCS) web/node_modules/.package-lock.json
	@command -v npm >/dev/null || { echo "npm is missing: run 'make deps' (scripts/install-deps)" >&2; exit 1; }
	cd web && npm run build
	@touch $@
web/node_modules/.package-lock.json: web/package.json web/package-lock.json
	@command -v npm >/dev/null || { echo "npm is missing: run 'make deps' (scripts/install-deps)" >&2; exit 1; }
	cd web && npm ci --no-audit --no-fund

build/asan/tests/%: tests/unit/%.c $(UNIT_OBJS) tests/unit/unit.h | build/asan/tests/.
	@echo "  CC      $@"
	@$(CC) $(BASE_CFLAGS) $(CFLAGS_asan) -Itests/unit -o $@ $< $(UNIT_OBJS) $(LDLIBS) -lcmocka
unit-tests: $(UNIT_BINS)

%/.:
	mkdir -p $@

deps:
	@scripts/install-deps

run: deps
	@$(MAKE) --no-print-directory all
	@scripts/run-demo

check: deps
	@$(MAKE) --no-print-directory all asan unit-tests
	@tests/run-all

format:
	clang-format -i $(SRCS) $(wildcard src/*/*.h) src/main.c tools/*.c tests/unit/*.c tests/unit/*.h

clean:
	rm -rf build shuniu

-include $(wildcard build/*/*.d build/*/*/*.d)

# Lectern — build, run, test, bench, fuzz.
#   make run     install missing Debian packages (as root), build, demo data, serve :8080
#   make test    the whole suite; ends with "N passed, M failed"
#   make bench   benchmarks beside their ceilings (bench/RESULTS.md)
#   make fuzz    libFuzzer targets (clang), each run FUZZ_SECONDS

CC      ?= cc
PKGS    := libmicrohttpd jansson libsodium sqlite3 libpq libcurl zlib md4c libmagic libarchive libqrencode cairo pangocairo
OPT     ?= -O2 -g
CFLAGS  := $(OPT) -std=c11 -D_GNU_SOURCE -Wall -Wextra -Wshadow -Wno-unused-parameter \
           -Wstrict-prototypes -Wmissing-prototypes -Werror=implicit-function-declaration \
           -Werror=format -Wno-format-truncation -fno-strict-aliasing -pthread -Isrc -Ibuild/gen \
           $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
LDLIBS  += $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lpthread -lm

B       := build
SRC     := $(shell find src -name '*.c' ! -path 'src/cli/main.c' | sort)
OBJ     := $(SRC:src/%.c=$(B)/obj/%.o) $(B)/obj/gen/embed.o
EMBED   := $(shell find migrations share -type f | sort)

.PHONY: all run test unit bench fuzz deps deps-build clean demo asan
all: $(B)/lectern

deps:
	@sh scripts/deps.sh

deps-build:
	@sh scripts/deps.sh build

$(B)/gen/embed.c: scripts/embed.sh $(EMBED)
	@mkdir -p $(@D)
	@sh scripts/embed.sh $(EMBED) > $@.$$$$.tmp && mv $@.$$$$.tmp $@

$(B)/obj/gen/embed.o: $(B)/gen/embed.c
	@mkdir -p $(@D)
	@$(CC) $(CFLAGS) -c -o $@ $<

$(B)/obj/%.o: src/%.c
	@mkdir -p $(@D)
	@echo "CC $<"
	@$(CC) $(CFLAGS) -MMD -MP -c -o $@ $<

$(B)/liblectern.a: $(OBJ)
	@rm -f $@ && ar rcs $@ $^

$(B)/lectern: $(B)/obj/cli/main.o $(B)/liblectern.a
	@echo "LD $@"
	@$(CC) $(CFLAGS) -o $@ $^ $(LDLIBS)

-include $(shell find $(B)/obj -name '*.d' 2>/dev/null)

# ---- tests ------------------------------------------------------------------
UNIT_SRC := $(wildcard tests/unit/test_*.c)
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(B)/tests/%)

$(B)/tests/%: tests/unit/%.c tests/unit/testutil.h $(B)/liblectern.a
	@mkdir -p $(@D)
	@echo "CC $<"
	@$(CC) $(CFLAGS) -Itests/unit -o $@ $< $(B)/liblectern.a $(LDLIBS) -lcmocka

unit: $(UNIT_BIN)

# Unit tests again under AddressSanitizer + UndefinedBehaviorSanitizer.
asan:
	@$(MAKE) --no-print-directory B=build/asan OPT="-O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined" unit

test: deps all unit asan
	@bash scripts/test.sh

run: deps-build all
	@bash scripts/run.sh

bench: deps all
	@bash bench/run.sh

fuzz: deps
	@bash fuzz/run.sh

clean:
	rm -rf build

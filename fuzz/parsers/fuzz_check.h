// FUZZ_CHECK: a property of a parser that must hold for every input; a violation aborts, so
// libFuzzer saves the input and the replay test fails on it.
#pragma once

#include <cstdio>
#include <cstdlib>

#define FUZZ_CHECK(cond) \
    do { \
        if (!(cond)) { \
            std::fprintf(stderr, "%s:%d: property violated: %s\n", __FILE__, __LINE__, #cond); \
            std::abort(); \
        } \
    } while (0)

// glibc and Linux calls Swift's Glibc module does not bring in: malloc_trim and mallopt (the
// relay's memory hygiene) and prctl (no core dumps, no ptrace by the relay's own user).
#include <malloc.h>
#include <sys/prctl.h>
#include <sys/resource.h>

// prctl is variadic, which Swift cannot call: the two uses, as plain functions.
static inline int clinux_set_dumpable(int dumpable) {
    return prctl(PR_SET_DUMPABLE, (unsigned long)dumpable, 0UL, 0UL, 0UL);
}
static inline int clinux_get_dumpable(void) {
    return prctl(PR_GET_DUMPABLE, 0UL, 0UL, 0UL, 0UL);
}

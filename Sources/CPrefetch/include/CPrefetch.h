#ifndef BQS_CPREFETCH_H
#define BQS_CPREFETCH_H

/// Asks the processor to start loading the cache line holding `address` without waiting for
/// it: a hint only, it never changes what a program computes. The BFS checker issues it for
/// the hash-table slots of a state's successors before it probes them one by one, so their
/// cache misses overlap instead of following each other.
static inline void bqs_prefetch(const void *address) {
#if defined(__GNUC__) || defined(__clang__)
  __builtin_prefetch(address, 0, 3);
#else
  (void)address;
#endif
}

#endif

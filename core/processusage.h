#pragma once

#include <QtGlobal>

// What the process costs the system, for --stats. Linux: read from /proc/self; -1 where
// that cannot be read.

// Resident set size in bytes (memory really in RAM), from /proc/self/statm.
qint64 residentSetBytes();
// Open file descriptors (sockets, files, pipes): the size of /proc/self/fd where the
// kernel gives it (Linux 6.2 and later), else counted by listing that directory.
int openDescriptorCount();
// The same, always by listing /proc/self/fd (slow with thousands of sockets).
int openDescriptorCountByListing();

// Memory blocks of LargeBlockBytes and more come straight from mmap(), always. glibc
// otherwise raises that threshold as big blocks are freed and then serves them from the
// heap, where growing one means a copy into fresh memory: a million-row log's view
// (whose filter proxy keeps its row mapping in one array) stalled 10-15 ms each time that
// array doubled. A mapped block grows with mremap(), without copying.
constexpr qint64 LargeBlockBytes = 1024 * 1024;
void preferMappedLargeBlocks();

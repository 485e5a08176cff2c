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

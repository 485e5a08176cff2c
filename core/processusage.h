#pragma once

#include <QtGlobal>

// What the process costs the system, for --stats. Linux: read from /proc/self; -1 where
// that cannot be read.

// Resident set size in bytes (memory really in RAM), from /proc/self/statm.
qint64 residentSetBytes();
// Open file descriptors (sockets, files, pipes), counted in /proc/self/fd.
int openDescriptorCount();

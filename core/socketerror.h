#pragma once

#include "socketaddress.h"

#include <QString>

#include <chrono>

// What a socket call was doing when it failed: the same errno means different things
// to a student after bind() and after connect().
enum class SocketOperation {
    Create,
    Bind,         // a TCP socket's bind(), before listen()
    BindDatagram, // a UDP socket's bind(): nothing "listens", and there is no TIME_WAIT
    Listen,
    Accept,
    Connect,
    Send,
    Receive
};

// An errno in words a student understands: what happened first, with the address,
// then the likely cause and what to try. "connection refused: nothing is listening on
// 127.0.0.1:1. ..." The first clause alone is a complete sentence for a status line.
QString describeSocketError(int errorCode, SocketOperation operation, const SocketAddress &address);

// A failed name lookup ("host not found: ...").
QString describeLookupFailure(const QString &host, const QString &detail);

// Our own connect timeout (the OS would keep trying for about two minutes). A duration,
// not an int of seconds: those turned a 300 ms timeout into "within 0 seconds", and a
// caller still passing seconds now fails to compile instead of saying "0.02 seconds".
QString describeConnectTimeout(const SocketAddress &address, std::chrono::milliseconds timeout);

// Open descriptors enough for ten thousand connections at once, with room for the app's
// own files.
constexpr qint64 ComfortableOpenFiles = 10240;
// What to tell the user at start when the open-files limit, already raised to the hard
// limit, still allows fewer than ComfortableOpenFiles; empty when it is enough (or no
// limit, -1).
QString describeLowOpenFileLimit(qint64 limit);

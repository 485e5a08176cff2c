#pragma once

#include <QHostAddress>
#include <QString>

// One end of a socket: an IP address and a port, as Python's (ip, port) tuple.
struct SocketAddress
{
    QHostAddress address;
    quint16 port = 0;

    bool isNull() const { return address.isNull(); }

    // "127.0.0.1:1337", "[::1]:1337"; an IPv4-mapped IPv6 address in its IPv4 form.
    QString toString() const;
    // The address alone in the same canonical form ("127.0.0.1", "::1").
    QString hostString() const;
    // The Python tuple the lesson prints: ('127.0.0.1', 54321).
    QString toPythonTuple() const;

    friend bool operator==(const SocketAddress &a, const SocketAddress &b)
    {
        return a.port == b.port && a.address == b.address;
    }
    friend bool operator!=(const SocketAddress &a, const SocketAddress &b) { return !(a == b); }
};

// An IPv4-mapped IPv6 address (::ffff:127.0.0.1) becomes plain IPv4; others are unchanged.
QHostAddress unmappedAddress(const QHostAddress &address);

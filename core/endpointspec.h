#pragma once

#include "trafficevent.h"

#include <QByteArray>
#include <QString>

#include <optional>

// The text that names one session on the command line and in workspaces:
// tcp-listen://ADDR:PORT, tcp://HOST:PORT or udp://ADDR:PORT, options in the query string.
// DESIGN.md ("Command line") is the contract. Parsing is strict, so that a typo is an error
// that names it instead of a session that does something else.

// A host and a port, as Python's (host, port) tuple before name lookup.
struct HostPort
{
    QString host; // IPv4 address, IPv6 address without brackets, or host name
    quint16 port = 0;

    // "127.0.0.1:1337", "[::1]:1337", "my-pc.local:80".
    QString toString() const;

    friend bool operator==(const HostPort &a, const HostPort &b)
    {
        return a.port == b.port && a.host == b.host;
    }
    friend bool operator!=(const HostPort &a, const HostPort &b) { return !(a == b); }
};

// The query-string options of an endpoint. Texts are bytes, sent exactly as decoded.
struct EndpointOptions
{
    bool echo = false;
    std::optional<QByteArray> greeting; // tcp-listen only
    std::optional<QByteArray> send;     // tcp, udp
    std::optional<HostPort> to;         // udp only
    int recvSize = DefaultRecvSize;     // all; 1..MaxRecvSize
    bool recvSizeSet = false;           // recv=N was given, so toString() writes it back

    friend bool operator==(const EndpointOptions &a, const EndpointOptions &b)
    {
        return a.echo == b.echo && a.greeting == b.greeting && a.send == b.send && a.to == b.to
               && a.recvSize == b.recvSize && a.recvSizeSet == b.recvSizeSet;
    }
    friend bool operator!=(const EndpointOptions &a, const EndpointOptions &b) { return !(a == b); }
};

// One parsed endpoint. Host names are only syntax-checked; lookup happens when the
// session starts, where a failure is a run-time error and not a bad command line.
struct EndpointSpec
{
    SessionKind kind = SessionKind::TcpClient;
    QString host; // as written, IPv6 without its brackets
    quint16 port = 0;
    EndpointOptions options;

    // The canonical text, which parseEndpoint() turns back into an equal spec:
    // options in a fixed order, value bytes other than A-Z a-z 0-9 - . _ ~ percent-encoded.
    QString toString() const;

    friend bool operator==(const EndpointSpec &a, const EndpointSpec &b)
    {
        return a.kind == b.kind && a.host == b.host && a.port == b.port && a.options == b.options;
    }
    friend bool operator!=(const EndpointSpec &a, const EndpointSpec &b) { return !(a == b); }
};

// The result of parseEndpoint(): the spec, or one line saying what is wrong.
struct EndpointParseResult
{
    std::optional<EndpointSpec> spec;
    QString error; // empty when ok; names the bad part and quotes the whole text

    bool ok() const { return spec.has_value(); }
};

// Parses tcp-listen://ADDR:PORT, tcp://HOST:PORT or udp://ADDR:PORT with its options.
EndpointParseResult parseEndpoint(const QString &text);

// Parses a destination "HOST:PORT" ("[IPv6]:PORT"), port 1-65535, as to= and the UI's
// fields take it; surrounding white space is ignored. On failure sets *error (if given).
std::optional<HostPort> parseHostPort(const QString &text, QString *error);

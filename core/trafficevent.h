#pragma once

#include "socketaddress.h"

#include <QByteArray>
#include <QMetaType>
#include <QString>

// What kind of session an event belongs to; printed as in the record ("tcp-listen", ...).
enum class SessionKind : quint8 { TcpServer, TcpClient, Udp };

// What happened. The record prints these as DESIGN.md names them ("listening", "eof", ...).
enum class EventType : quint8 {
    Listening, // a TCP server listening, or a UDP peer bound (local has the real port)
    Stopped,   // the listening socket was closed, or a UDP peer unbound
    Connecting,
    Connected,
    Accepted,
    Sent,
    Received,
    Eof,    // the peer finished sending (FIN): recv() returned b''
    Closed, // see closedBy and reset
    Error,  // see message
    Note,   // something the app did that is worth a row but is not socket traffic
};

// What one recv() asks for unless recv=N (or the panel's field) says otherwise.
constexpr int DefaultRecvSize = 65536;
// A typo in recv=N must not make every read allocate gigabytes; 16 MiB is far more than
// any lesson needs and still cheap.
constexpr int MaxRecvSize = 16 * 1024 * 1024;

enum class ClosedBy : quint8 { Nobody, Local, Peer };

// One thing a session reports: the row of the traffic log and the line of the record.
// Deliberately a plain value: a flood creates millions of them, so it holds ids and
// implicitly shared Qt values, and every text is made on demand by whoever shows it.
// What a Note (or a Listening that says more) is about, for code that acts on it: the
// message is for people, and may be translated.
enum class EventDetail : quint8 {
    None,
    ImplicitBind,  // Listening: the system bound a UDP socket at its first sendto()
    HalfClose,     // Note: this side sent FIN with shutdown(SHUT_WR)
    AttemptFailed, // Note: one address of a host failed; the next is tried
    OverLimit,     // Note: accepted over the connection limit, closed at once
    Aborted,       // Closed: abort() (SO_LINGER 0), an RST on purpose
    UnreadData,    // Closed: close() with data still unread, so the system sent an RST
    Lost,          // Closed: our own stack gave up (timeout, unreachable)
};

struct TrafficEvent
{
    qint64 msecsSinceEpoch = 0; // UTC
    int session = 0;            // the session's id (1, 2, ...)
    int connection = 0;         // a TCP server's connection id (1, 2, ...); 0 = none
    SessionKind kind = SessionKind::TcpClient;
    EventType type = EventType::Note;
    ClosedBy closedBy = ClosedBy::Nobody;
    bool reset = false; // Closed: ended with an RST
    EventDetail detail = EventDetail::None;
    SocketAddress local;
    SocketAddress peer;
    QByteArray payload;        // Sent / Received
    qint64 truncatedFrom = -1; // Received UDP datagram longer than the recv size: its real size
    QString message;           // Error / Note / Stopped: words for a person

    qint64 size() const { return payload.size(); }
};

// Sent and Received carry bytes (payload, size); every other event is about the socket.
constexpr bool carriesPayload(EventType type)
{
    return type == EventType::Sent || type == EventType::Received;
}

// "tcp-listen", "tcp", "udp": the scheme of the endpoint spec and the record's "kind".
QString sessionKindName(SessionKind kind);
// "listening", "received", ...: the record's "event".
QString eventTypeName(EventType type);
// The current time as the events carry it.
qint64 currentEventTime();

Q_DECLARE_METATYPE(TrafficEvent)

#pragma once

#include "trafficevent.h"

#include <QByteArray>
#include <QHash>
#include <QHostAddress>
#include <QList>
#include <QObject>
#include <QPair>
#include <QString>
#include <QTimer>

#include <deque>
#include <memory>
#include <vector>

// One step of a connection's sequence diagram: a call the app made and saw return, a packet
// the operating system sent or received on the app's behalf, or many calls merged into one
// row. The handshake is never observed: the app only sees connect() or accept() return, so
// SYN, SYN-ACK and ACK are inferred from that and marked byOperatingSystem.
struct TimelineEntry
{
    enum class Kind : quint8 {
        Syn,       // the first packet of the handshake (by the OS)
        SynAck,    // the answer to it (by the other side's OS)
        Ack,       // the last one (by the OS); the connection is then established
        Connected, // connect() returned: the client's socket is connected
        Accepted,  // accept() returned the connection's own socket
        Sent,      // one send() or sendto() call
        Received,  // one recv(N) or recvfrom(N) call
        PeerFin,   // recv() returned b'': the peer's FIN, it sends no more
        LocalFin,  // close() or shutdown(SHUT_WR) made this side's OS send FIN
        Closed,    // the socket closed with no packet of its own; message says why
        Reset,     // RST, either way: the connection ended at once
        Error,     // a call failed; message says why in plain words
        Note,      // words worth a row (UDP has no handshake, ...)
        Run,       // consecutive sends (AppToPeer) or reads (PeerToApp) merged into one row
        Gap,       // steps not kept, between the first and the last ones
    };
    enum class Direction : quint8 { AppToPeer, PeerToApp, Local };

    Kind kind = Kind::Note;
    Direction direction = Direction::Local;
    // Done by the operating system, not a call the app made and saw return.
    bool byOperatingSystem = false;
    // LocalFin: by shutdown(SHUT_WR), the app still reads; otherwise by close().
    bool halfClose = false;
    qint64 msecsSinceEpoch = 0;     // when it was seen; a Run or Gap: its first step
    qint64 lastMsecsSinceEpoch = 0; // a Run or Gap: its last step; otherwise the same
    qint64 bytes = 0;               // Sent, Received, Run; a Gap: bytes of its steps
    qint64 runCount = 1;            // a Run: calls merged; a Gap: steps not kept
    qint64 truncatedFrom = -1;      // a UDP datagram cut by recvfrom(N): its real size
    int recvSize = 0;               // Received, PeerFin, Run of reads: the N of recv(N)
    // The first bytes only: a preview costs the same for a 64 KiB read as for 12 bytes,
    // and its text is made when a row is shown, not per event.
    QByteArray firstBytes;
    QString message; // Error, Note, Closed: words for a person

    // The first bytes as a Python bytes literal of at most PreviewChars characters, ending
    // in "…" when there were more bytes.
    QString preview() const;
    static constexpr int PreviewChars = 40;
};

// One connection (a TCP connection, or for UDP one peer address) as a chooser lists it.
struct TimelineConnection
{
    int key = 0;   // the connection id (#1, #2, ...); see ConnectionTimeline
    QString label; // "#1 127.0.0.1:54321"
    SocketAddress local;
    SocketAddress peer;
    bool open = false;
    qint64 sends = 0;
    qint64 reads = 0;
    qint64 bytesSent = 0;
    qint64 bytesReceived = 0;
};

// The connection timeline: fed with every traffic event of one session, it keeps per
// connection the sequence of handshake, reads, sends, FINs and resets a sequence diagram
// draws. Built for floods (a student's `while True: send()` makes millions of events):
// per event a hash lookup and a few counters, no text; per connection the first
// headLimit() steps and the last tailLimit(), consecutive reads (or sends) after the first
// ones merged into runs, the steps between summed up in one Gap row; at most
// maxConnections() connections, the oldest closed ones dropped first. Changes are
// announced at most every NotifyIntervalMs, so a flood never repaints a view per event.
//
// Keys: a server's connection id; for a client (whose events carry connection 0), each
// connect() attempt the next number; for UDP, each peer address in the order it was first
// seen.
class ConnectionTimeline : public QObject
{
    Q_OBJECT

public:
    static constexpr int DefaultMaxConnections = 200;
    static constexpr int DefaultHeadLimit = 200;
    static constexpr int DefaultTailLimit = 200;
    // At most 25 announcements a second: smooth enough to watch, cheap under a flood.
    static constexpr int NotifyIntervalMs = 40;

    explicit ConnectionTimeline(QObject *parent = nullptr);
    ~ConnectionTimeline() override;

    // The kind of the session fed so far (sendto() or send(), a handshake or none).
    SessionKind kind() const { return m_kind; }
    // The N of recv(N) that reads are recorded with from now on.
    int recvSize() const { return m_recvSize; }

    // Connections, oldest first.
    QList<TimelineConnection> connections() const;
    int connectionCount() const { return int(m_lanes.size()); }
    bool hasConnection(int key) const { return m_byKey.contains(key); }
    // An empty TimelineConnection (key 0) for an unknown key.
    TimelineConnection connection(int key) const;
    // Connections dropped to stay within maxConnections().
    qint64 droppedConnections() const { return m_dropped; }
    int maxConnections() const { return m_maxConnections; }
    void setMaxConnections(int count);

    // Steps kept one by one at the start and at the end of each connection.
    int headLimit() const { return m_headLimit; }
    int tailLimit() const { return m_tailLimit; }
    // For later steps only; what is kept stays.
    void setEntryLimits(int head, int tail);

    // A connection's steps in order: the first ones, a Gap if steps were not kept, the last
    // ones. Empty for an unknown key.
    QList<TimelineEntry> entries(int key) const;
    int entryCount(int key) const;
    // index from 0 to entryCount(key) - 1, for views that draw only the visible rows.
    const TimelineEntry &entryAt(int key, int index) const;

    // "this app 127.0.0.1:1337", "peer 127.0.0.1:54321": what the two lanes stand for.
    QString appLaneTitle(int key) const;
    QString peerLaneTitle(int key) const;

public slots:
    void append(const TrafficEvent &event);
    // Fed from Session::recvSizeChanged (and once with Session::recvSize()).
    void setRecvSize(int bytes);
    void clear();

signals:
    // Connections came, went or closed.
    void connectionsChanged();
    // The steps of one connection changed. Coalesced: at most once per NotifyIntervalMs.
    void entriesChanged(int key);

private:
    struct Lane;

    Lane *laneFor(int key) const;
    Lane *addLane(int key, const SocketAddress &local, const SocketAddress &peer);
    void trimLanes();
    Lane *udpLane(const TrafficEvent &event);
    void appendTcp(Lane *lane, const TrafficEvent &event);
    void appendData(Lane *lane, const TrafficEvent &event);
    void appendClosed(Lane *lane, const TrafficEvent &event);
    void appendEntry(Lane *lane, TimelineEntry entry);
    TimelineEntry makeEntry(TimelineEntry::Kind kind,
                            TimelineEntry::Direction direction,
                            qint64 msecs,
                            bool byOperatingSystem = false) const;
    void addHandshake(Lane *lane, qint64 msecs, bool client, bool withSyn);
    void setOpen(Lane *lane, bool open);
    void markChanged(Lane *lane);
    void notify();

    SessionKind m_kind = SessionKind::TcpServer;
    int m_recvSize = DefaultRecvSize;
    int m_maxConnections = DefaultMaxConnections;
    int m_headLimit = DefaultHeadLimit;
    int m_tailLimit = DefaultTailLimit;
    qint64 m_dropped = 0;

    std::deque<std::unique_ptr<Lane>> m_lanes; // oldest first
    QHash<int, Lane *> m_byKey;
    // A client's events carry connection 0: they belong to the latest connect().
    int m_clientAttempts = 0;
    Lane *m_clientLane = nullptr;
    // UDP peers by (address, port), unmapped so that ::ffff:127.0.0.1 is 127.0.0.1.
    QHash<QPair<QHostAddress, quint16>, int> m_udpPeers;
    int m_udpPeerCount = 0;

    QTimer m_notifyTimer;
    bool m_connectionsDirty = false;
    QList<int> m_dirtyKeys;
};

#include "connectiontimeline.h"

#include "payloadcodec.h"
#include "tcpconnection.h"

#include <algorithm>
#include <optional>
#include <utility>

namespace {

// Each byte is at least one character of a bytes literal, so this many bytes always fill a
// preview of TimelineEntry::PreviewChars characters.
constexpr qsizetype PreviewBytes = TimelineEntry::PreviewChars;

} // namespace

QString TimelineEntry::preview() const
{
    if (firstBytes.isEmpty())
        return QString();
    const QChar ellipsis(0x2026);
    const bool more = bytes > firstBytes.size();
    // One character is kept for the "…" that says more bytes came than are kept.
    QString text = displayPayload(firstBytes,
                                  DisplayMode::PythonBytes,
                                  more ? PreviewChars - 1 : PreviewChars);
    if (more && !text.endsWith(ellipsis))
        text += ellipsis;
    return text;
}

// One connection's steps. The first headLimit steps stay as they are (the handshake and the
// first exchanges are the lesson); later ones go to a ring of the last tailLimit steps, and
// what falls out of the ring is summed up in one Gap entry. So a flood costs a fixed amount
// per connection, whatever its length.
struct ConnectionTimeline::Lane
{
    int key = 0;
    SocketAddress local;
    SocketAddress peer;
    bool open = true;
    bool connecting = false;   // a client's connect() that has not returned yet
    bool localFinSent = false; // close() or shutdown(SHUT_WR) already sent our FIN
    bool errorSeen = false;
    bool dirty = false; // in m_dirtyKeys
    qint64 sends = 0;
    qint64 reads = 0;
    qint64 bytesSent = 0;
    qint64 bytesReceived = 0;
    std::vector<TimelineEntry> head;
    TimelineEntry gap; // runCount 0 while no step was left out
    std::deque<TimelineEntry> tail;

    Lane() { gap.runCount = 0; }

    bool hasGap() const { return gap.runCount > 0; }
    int entryCount() const { return int(head.size()) + (hasGap() ? 1 : 0) + int(tail.size()); }

    const TimelineEntry &at(int index) const
    {
        if (index < int(head.size()))
            return head[size_t(index)];
        index -= int(head.size());
        if (hasGap()) {
            if (index == 0)
                return gap;
            --index;
        }
        return tail[size_t(index)];
    }

    TimelineEntry *last()
    {
        if (!tail.empty())
            return &tail.back();
        return head.empty() ? nullptr : &head.back();
    }

    void removeLast()
    {
        // The gap only grows from the tail's front, so a tail step is always after it.
        if (!tail.empty())
            tail.pop_back();
        else if (!head.empty())
            head.pop_back();
    }
};

ConnectionTimeline::ConnectionTimeline(QObject *parent)
    : QObject(parent)
{
    m_notifyTimer.setSingleShot(true);
    m_notifyTimer.setInterval(NotifyIntervalMs);
    connect(&m_notifyTimer, &QTimer::timeout, this, &ConnectionTimeline::notify);
}

ConnectionTimeline::~ConnectionTimeline() = default;

QList<TimelineConnection> ConnectionTimeline::connections() const
{
    QList<TimelineConnection> result;
    result.reserve(qsizetype(m_lanes.size()));
    for (const auto &lane : m_lanes)
        result.append(connection(lane->key));
    return result;
}

TimelineConnection ConnectionTimeline::connection(int key) const
{
    TimelineConnection result;
    const Lane *lane = laneFor(key);
    if (!lane)
        return result;
    result.key = key;
    result.label = QLatin1Char('#') + QString::number(key) + QLatin1Char(' ')
                   + lane->peer.toString();
    result.local = lane->local;
    result.peer = lane->peer;
    result.open = lane->open;
    result.sends = lane->sends;
    result.reads = lane->reads;
    result.bytesSent = lane->bytesSent;
    result.bytesReceived = lane->bytesReceived;
    return result;
}

void ConnectionTimeline::setMaxConnections(int count)
{
    m_maxConnections = std::max(1, count);
    trimLanes();
}

void ConnectionTimeline::setEntryLimits(int head, int tail)
{
    m_headLimit = std::max(1, head);
    m_tailLimit = std::max(1, tail);
}

QList<TimelineEntry> ConnectionTimeline::entries(int key) const
{
    QList<TimelineEntry> result;
    const Lane *lane = laneFor(key);
    if (!lane)
        return result;
    const int count = lane->entryCount();
    result.reserve(count);
    for (int i = 0; i < count; ++i)
        result.append(lane->at(i));
    return result;
}

int ConnectionTimeline::entryCount(int key) const
{
    const Lane *lane = laneFor(key);
    return lane ? lane->entryCount() : 0;
}

const TimelineEntry &ConnectionTimeline::entryAt(int key, int index) const
{
    const Lane *lane = laneFor(key);
    Q_ASSERT(lane && index >= 0 && index < lane->entryCount());
    return lane->at(index);
}

QString ConnectionTimeline::appLaneTitle(int key) const
{
    const Lane *lane = laneFor(key);
    if (!lane || lane->local.isNull())
        return tr("this app");
    return tr("this app %1").arg(lane->local.toString());
}

QString ConnectionTimeline::peerLaneTitle(int key) const
{
    const Lane *lane = laneFor(key);
    if (!lane || lane->peer.isNull())
        return tr("peer");
    return tr("peer %1").arg(lane->peer.toString());
}

void ConnectionTimeline::setRecvSize(int bytes)
{
    m_recvSize = bytes;
}

void ConnectionTimeline::clear()
{
    m_notifyTimer.stop();
    m_lanes.clear();
    m_byKey.clear();
    m_udpPeers.clear();
    m_dirtyKeys.clear();
    m_connectionsDirty = false;
    m_clientLane = nullptr;
    m_clientAttempts = 0;
    m_udpPeerCount = 0;
    m_dropped = 0;
    emit connectionsChanged();
}

void ConnectionTimeline::append(const TrafficEvent &event)
{
    m_kind = event.kind;
    const qint64 time = event.msecsSinceEpoch;
    using Kind = TimelineEntry::Kind;
    using Direction = TimelineEntry::Direction;

    if (event.kind == SessionKind::Udp) {
        switch (event.type) {
        case EventType::Sent:
        case EventType::Received:
            appendData(udpLane(event), event);
            return;
        case EventType::Error: {
            // A sendto() that failed (no route, or the ICMP "port unreachable" of an earlier
            // datagram): worth a row for that peer. An error without a peer is the socket's.
            if (event.peer.isNull())
                return;
            Lane *lane = udpLane(event);
            TimelineEntry entry = makeEntry(Kind::Error, Direction::Local, time);
            entry.message = event.message;
            appendEntry(lane, std::move(entry));
            return;
        }
        case EventType::Stopped:
            // The one UDP socket was every peer's: closing it ends them all.
            for (const auto &lane : m_lanes) {
                if (!lane->open)
                    continue;
                TimelineEntry entry = makeEntry(Kind::Closed, Direction::Local, time);
                entry.message = tr("the UDP socket was closed");
                appendEntry(lane.get(), std::move(entry));
                setOpen(lane.get(), false);
            }
            return;
        default:
            return;
        }
    }

    Lane *lane = nullptr;
    if (event.kind == SessionKind::TcpClient) {
        switch (event.type) {
        case EventType::Connecting:
            // connect() makes the OS send SYN at once; the app sees nothing until it returns.
            lane = addLane(++m_clientAttempts, SocketAddress(), event.peer);
            lane->connecting = true;
            m_clientLane = lane;
            appendEntry(lane, makeEntry(Kind::Syn, Direction::AppToPeer, time, true));
            return;
        case EventType::Connected: {
            const bool attempting = m_clientLane && m_clientLane->connecting;
            lane = attempting ? m_clientLane : addLane(++m_clientAttempts, event.local, event.peer);
            m_clientLane = lane;
            lane->connecting = false;
            lane->local = event.local;
            lane->peer = event.peer;
            m_connectionsDirty = true;
            addHandshake(lane, time, true, !attempting);
            return;
        }
        default:
            lane = m_clientLane;
            // An error once the last connection is over belongs to the next connect() (a
            // name that was not found, say), which has no connection yet.
            if (!lane || !lane->open)
                return;
            break;
        }
    } else {
        if (event.type == EventType::Accepted) {
            if (event.connection <= 0 || laneFor(event.connection))
                return;
            lane = addLane(event.connection, event.local, event.peer);
            addHandshake(lane, time, false, true);
            return;
        }
        // Connection 0 is the listening socket's: not a connection.
        lane = event.connection > 0 ? laneFor(event.connection) : nullptr;
        // Unknown: dropped to stay within bounds, or from before this timeline was fed.
        if (!lane)
            return;
    }
    appendTcp(lane, event);
}

void ConnectionTimeline::appendTcp(Lane *lane, const TrafficEvent &event)
{
    using Kind = TimelineEntry::Kind;
    using Direction = TimelineEntry::Direction;
    const qint64 time = event.msecsSinceEpoch;
    switch (event.type) {
    case EventType::Sent:
    case EventType::Received:
        appendData(lane, event);
        return;
    case EventType::Eof: {
        TimelineEntry entry = makeEntry(Kind::PeerFin, Direction::PeerToApp, time);
        entry.recvSize = m_recvSize;
        appendEntry(lane, std::move(entry));
        return;
    }
    case EventType::Closed:
        appendClosed(lane, event);
        return;
    case EventType::Error:
    case EventType::Note:
        if (event.type == EventType::Note && TcpConnection::isHalfCloseNote(event)) {
            TimelineEntry entry = makeEntry(Kind::LocalFin, Direction::AppToPeer, time);
            entry.halfClose = true;
            lane->localFinSent = true;
            appendEntry(lane, std::move(entry));
            return;
        }
        if (event.type == EventType::Note && !lane->connecting) {
            TimelineEntry entry = makeEntry(Kind::Note, Direction::Local, time);
            entry.message = event.message;
            appendEntry(lane, std::move(entry));
            return;
        }
        {
            // A note while connecting is a connect() that failed before the next address
            // of the same name is tried: an error for this attempt.
            TimelineEntry entry = makeEntry(Kind::Error, Direction::Local, time);
            entry.message = event.message;
            lane->errorSeen = true;
            appendEntry(lane, std::move(entry));
            if (lane->connecting) {
                lane->connecting = false;
                setOpen(lane, false);
            }
        }
        return;
    case EventType::Listening:
    case EventType::Stopped:
    case EventType::Connecting:
    case EventType::Connected:
    case EventType::Accepted:
        return;
    }
}

void ConnectionTimeline::appendData(Lane *lane, const TrafficEvent &event)
{
    using Kind = TimelineEntry::Kind;
    const bool sent = event.type == EventType::Sent;
    const Kind kind = sent ? Kind::Sent : Kind::Received;
    const auto direction = sent ? TimelineEntry::Direction::AppToPeer
                                : TimelineEntry::Direction::PeerToApp;
    const int recvSize = sent ? 0 : m_recvSize;
    const qint64 size = event.size();
    if (sent) {
        ++lane->sends;
        lane->bytesSent += size;
    } else {
        ++lane->reads;
        lane->bytesReceived += size;
    }
    // A datagram sent after the UDP socket was closed and bound again: the peer is back.
    if (!lane->open && event.kind == SessionKind::Udp)
        setOpen(lane, true);
    if (lane->local.isNull() && !event.local.isNull())
        lane->local = event.local;

    // Past the first steps, a read after a read (or a send after a send) joins it: the flood
    // of a `while True: send()` loop is one row that counts, not a million.
    if (int(lane->head.size()) >= m_headLimit && !lane->tail.empty() && event.truncatedFrom < 0) {
        TimelineEntry &last = lane->tail.back();
        if ((last.kind == kind || last.kind == Kind::Run) && last.direction == direction
            && last.recvSize == recvSize && last.truncatedFrom < 0) {
            last.kind = Kind::Run;
            ++last.runCount;
            last.bytes += size;
            last.lastMsecsSinceEpoch = event.msecsSinceEpoch;
            markChanged(lane);
            return;
        }
    }
    TimelineEntry entry = makeEntry(kind, direction, event.msecsSinceEpoch);
    entry.bytes = size;
    entry.recvSize = recvSize;
    entry.truncatedFrom = event.truncatedFrom;
    entry.firstBytes = event.payload.left(PreviewBytes);
    appendEntry(lane, std::move(entry));
}

void ConnectionTimeline::appendClosed(Lane *lane, const TrafficEvent &event)
{
    using Kind = TimelineEntry::Kind;
    using Direction = TimelineEntry::Direction;
    if (!lane->open)
        return;
    const qint64 time = event.msecsSinceEpoch;
    if (event.reset && event.closedBy == ClosedBy::Peer) {
        // The peer's RST reached our OS first; the app learnt of it as the failed call the
        // error before this event reports. Drawn in that order.
        std::optional<TimelineEntry> error;
        TimelineEntry *last = lane->last();
        if (last && last->kind == Kind::Error) {
            error = *last;
            lane->removeLast();
        }
        appendEntry(lane, makeEntry(Kind::Reset, Direction::PeerToApp, time, true));
        if (error)
            appendEntry(lane, std::move(*error));
    } else if (event.reset) {
        // abort(), or close() with received bytes still unread: Linux then sends RST.
        appendEntry(lane, makeEntry(Kind::Reset, Direction::AppToPeer, time));
    } else if (lane->errorSeen) {
        TimelineEntry entry = makeEntry(Kind::Closed, Direction::Local, time);
        entry.message = tr("the socket is closed after the error");
        appendEntry(lane, std::move(entry));
    } else if (lane->localFinSent) {
        TimelineEntry entry = makeEntry(Kind::Closed, Direction::Local, time);
        entry.message = tr("close(): the socket is closed; its FIN went with shutdown()");
        appendEntry(lane, std::move(entry));
    } else {
        // close() sends FIN: first (closed by this app) or answering the peer's.
        lane->localFinSent = true;
        appendEntry(lane, makeEntry(Kind::LocalFin, Direction::AppToPeer, time));
    }
    setOpen(lane, false);
}

void ConnectionTimeline::appendEntry(Lane *lane, TimelineEntry entry)
{
    if (int(lane->head.size()) < m_headLimit) {
        lane->head.push_back(std::move(entry));
    } else {
        lane->tail.push_back(std::move(entry));
        while (int(lane->tail.size()) > m_tailLimit) {
            const TimelineEntry &oldest = lane->tail.front();
            TimelineEntry &gap = lane->gap;
            if (gap.runCount == 0) {
                gap.kind = TimelineEntry::Kind::Gap;
                gap.msecsSinceEpoch = oldest.msecsSinceEpoch;
            }
            gap.runCount += oldest.runCount;
            gap.bytes += oldest.bytes;
            gap.lastMsecsSinceEpoch = oldest.lastMsecsSinceEpoch;
            lane->tail.pop_front();
        }
    }
    markChanged(lane);
}

TimelineEntry ConnectionTimeline::makeEntry(TimelineEntry::Kind kind,
                                            TimelineEntry::Direction direction,
                                            qint64 msecs,
                                            bool byOperatingSystem) const
{
    TimelineEntry entry;
    entry.kind = kind;
    entry.direction = direction;
    entry.byOperatingSystem = byOperatingSystem;
    entry.msecsSinceEpoch = msecs;
    entry.lastMsecsSinceEpoch = msecs;
    return entry;
}

void ConnectionTimeline::addHandshake(Lane *lane, qint64 msecs, bool client, bool withSyn)
{
    using Kind = TimelineEntry::Kind;
    // The client's OS sends SYN and ACK, the server's answers SYN-ACK; on a server all three
    // happen before accept() returns (or even is called): the connection waits completed in
    // the backlog.
    const auto fromClient = client ? TimelineEntry::Direction::AppToPeer
                                   : TimelineEntry::Direction::PeerToApp;
    const auto fromServer = client ? TimelineEntry::Direction::PeerToApp
                                   : TimelineEntry::Direction::AppToPeer;
    if (withSyn)
        appendEntry(lane, makeEntry(Kind::Syn, fromClient, msecs, true));
    appendEntry(lane, makeEntry(Kind::SynAck, fromServer, msecs, true));
    appendEntry(lane, makeEntry(Kind::Ack, fromClient, msecs, true));
    appendEntry(lane,
                makeEntry(client ? Kind::Connected : Kind::Accepted,
                          TimelineEntry::Direction::Local,
                          msecs));
}

ConnectionTimeline::Lane *ConnectionTimeline::laneFor(int key) const
{
    return m_byKey.value(key, nullptr);
}

ConnectionTimeline::Lane *ConnectionTimeline::addLane(int key,
                                                      const SocketAddress &local,
                                                      const SocketAddress &peer)
{
    auto lane = std::make_unique<Lane>();
    lane->key = key;
    lane->local = local;
    lane->peer = peer;
    Lane *added = lane.get();
    m_lanes.push_back(std::move(lane));
    m_byKey.insert(key, added);
    m_connectionsDirty = true;
    trimLanes();
    markChanged(added);
    return added;
}

void ConnectionTimeline::trimLanes()
{
    bool trimmed = false;
    while (int(m_lanes.size()) > m_maxConnections) {
        // A finished connection says least about the present; without one, the oldest. The
        // newest (just added) is never the one dropped.
        const auto end = m_lanes.end() - 1;
        auto victim = std::find_if(m_lanes.begin(), end, [](const auto &lane) {
            return !lane->open;
        });
        if (victim == end)
            victim = m_lanes.begin();
        Lane *lane = victim->get();
        m_byKey.remove(lane->key);
        m_udpPeers.remove(qMakePair(lane->peer.address, lane->peer.port));
        if (m_clientLane == lane)
            m_clientLane = nullptr;
        m_lanes.erase(victim);
        ++m_dropped;
        trimmed = true;
    }
    if (trimmed) {
        m_connectionsDirty = true;
        if (!m_notifyTimer.isActive())
            m_notifyTimer.start();
    }
}

ConnectionTimeline::Lane *ConnectionTimeline::udpLane(const TrafficEvent &event)
{
    // Unmapped, so that a dual-stack socket's ::ffff:127.0.0.1 and 127.0.0.1 are one peer.
    const SocketAddress peer{unmappedAddress(event.peer.address), event.peer.port};
    const auto id = qMakePair(peer.address, peer.port);
    const auto found = m_udpPeers.constFind(id);
    if (found != m_udpPeers.constEnd())
        return laneFor(*found);
    const int key = ++m_udpPeerCount;
    m_udpPeers.insert(id, key);
    Lane *lane = addLane(key, event.local, peer);
    TimelineEntry note = makeEntry(TimelineEntry::Kind::Note,
                                   TimelineEntry::Direction::Local,
                                   event.msecsSinceEpoch);
    note.message = tr("UDP: no connection and no handshake; each datagram travels on its own");
    appendEntry(lane, std::move(note));
    return lane;
}

void ConnectionTimeline::setOpen(Lane *lane, bool open)
{
    if (lane->open == open)
        return;
    lane->open = open;
    m_connectionsDirty = true;
    markChanged(lane);
}

void ConnectionTimeline::markChanged(Lane *lane)
{
    if (!lane->dirty) {
        lane->dirty = true;
        m_dirtyKeys.append(lane->key);
    }
    if (!m_notifyTimer.isActive())
        m_notifyTimer.start();
}

void ConnectionTimeline::notify()
{
    const QList<int> keys = std::exchange(m_dirtyKeys, {});
    for (int key : keys) {
        if (Lane *lane = laneFor(key))
            lane->dirty = false;
    }
    if (std::exchange(m_connectionsDirty, false))
        emit connectionsChanged();
    for (int key : keys) {
        if (hasConnection(key))
            emit entriesChanged(key);
    }
}

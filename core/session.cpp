#include "session.h"

#include <QByteArray>
#include <QPointer>

Session::Session(int id, SessionKind kind, QObject *parent)
    : QObject(parent)
    , m_id(id)
    , m_kind(kind)
{}

void Session::setRecvSize(int bytes)
{
    Q_ASSERT(bytes >= 1 && bytes <= MaxRecvSize);
    const int size = qBound(1, bytes, MaxRecvSize);
    if (size == m_recvSize)
        return;
    m_recvSize = size;
    emit recvSizeChanged(size);
}

void Session::setEcho(bool enabled)
{
    m_echo = enabled;
}

void Session::setReadingThrottled(bool throttled)
{
    m_readingThrottled = throttled;
}

TrafficEvent Session::makeEvent(EventType type) const
{
    TrafficEvent event;
    event.msecsSinceEpoch = currentEventTime();
    event.session = m_id;
    event.kind = m_kind;
    event.type = type;
    return event;
}

void Session::report(const TrafficEvent &event)
{
    // Every event of the session passes here, its connections' too: the one place to count.
    m_counters.count(event);
    if (event.type != EventType::Error) {
        emit eventOccurred(event);
        return;
    }
    // An error inside a connection (a reset, say) reaches the status line too, not only
    // the log: every failure is both.
    QPointer<Session> guard(this);
    emit eventOccurred(event);
    if (guard)
        emit errorOccurred(event.message);
}

void Session::reportError(const QString &message,
                          const SocketAddress &local,
                          const SocketAddress &peer,
                          int connection)
{
    TrafficEvent event = makeEvent(EventType::Error);
    event.message = message;
    event.local = local;
    event.peer = peer;
    event.connection = connection;
    report(event);
}

SessionCounters &SessionCounters::operator+=(const SessionCounters &other)
{
    bytesIn += other.bytesIn;
    bytesOut += other.bytesOut;
    reads += other.reads;
    sends += other.sends;
    connectionsOpen += other.connectionsOpen;
    connectionsTotal += other.connectionsTotal;
    datagramsIn += other.datagramsIn;
    datagramsOut += other.datagramsOut;
    return *this;
}

void SessionCounters::count(const TrafficEvent &event)
{
    const bool udp = event.kind == SessionKind::Udp;
    switch (event.type) {
    case EventType::Received:
        bytesIn += event.size();
        ++reads;
        datagramsIn += udp ? 1 : 0;
        break;
    case EventType::Sent:
        bytesOut += event.size();
        ++sends;
        datagramsOut += udp ? 1 : 0;
        break;
    case EventType::Accepted:
    case EventType::Connected:
        // A TCP connection's first event: a server's accept() or a client's connect().
        ++connectionsOpen;
        ++connectionsTotal;
        break;
    case EventType::Closed:
        // Each connection reports its end once; the guard only keeps a bug from showing
        // a negative count.
        connectionsOpen = qMax<qint64>(0, connectionsOpen - 1);
        break;
    default:
        break;
    }
}

char *receiveScratchBuffer(int size)
{
    static thread_local QByteArray buffer;
    if (buffer.size() < size)
        buffer.resize(size);
    return buffer.data();
}

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

char *receiveScratchBuffer(int size)
{
    static thread_local QByteArray buffer;
    if (buffer.size() < size)
        buffer.resize(size);
    return buffer.data();
}

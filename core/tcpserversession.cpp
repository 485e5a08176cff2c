#include "tcpserversession.h"

#include "socketerror.h"
#include "sockethandle.h"
#include "tcpconnection.h"

#include <QHostInfo>
#include <QPointer>

#include <algorithm>
#include <cerrno>

#include <sys/socket.h>

namespace {

// Accepting is bounded per wakeup for the same reason reading is: a class connecting at
// once must not keep the window from repainting. But the kernel's queue of connections
// waiting for accept() holds at most SOMAXCONN (4,096), and a SYN it drops waits a whole
// second for its retransmission: with 128 a wakeup, two B3 runs in four (10,000 clients at
// once, tests/bench) overflowed it (451 and 1,000 drops, all listed after 1.3 s instead of
// 0.4 s); with 512, none in four, for an event loop up to 5 ms later (p99 25-32 ms).
constexpr int MaxAcceptsPerWakeup = 512;
// Closed rows over the limit are removed at most this often (in one batch).
constexpr int TrimIntervalMs = 100;
constexpr int AcceptRetryMs = 500;
constexpr int BacklogPollMs = 200;

} // namespace

TcpServerSession::TcpServerSession(int id, QObject *parent)
    : Session(id, SessionKind::TcpServer, parent)
{
    m_acceptRetryTimer.setSingleShot(true);
    connect(&m_acceptRetryTimer, &QTimer::timeout, this, [this] {
        if (m_listener)
            m_listener->setReadNotificationEnabled(true);
    });
    m_backlogTimer.setInterval(BacklogPollMs);
    m_trimTimer.setSingleShot(true);
    m_trimTimer.setInterval(TrimIntervalMs);
    connect(&m_trimTimer, &QTimer::timeout, this, &TcpServerSession::trimClosedConnections);
    connect(&m_backlogTimer, &QTimer::timeout, this, &TcpServerSession::watchBacklog);
}

TcpServerSession::~TcpServerSession()
{
    if (m_lookupId >= 0)
        QHostInfo::abortHostLookup(m_lookupId);
}

TcpConnection *TcpServerSession::connection(int id) const
{
    return m_connections.value(id);
}

void TcpServerSession::setRecvSize(int bytes)
{
    Session::setRecvSize(bytes);
    for (TcpConnection *connection : std::as_const(m_connections))
        connection->setRecvSize(recvSize());
}

void TcpServerSession::setEcho(bool enabled)
{
    Session::setEcho(enabled);
    for (TcpConnection *connection : std::as_const(m_connections))
        connection->setEcho(enabled);
}

void TcpServerSession::setReadingThrottled(bool throttled)
{
    Session::setReadingThrottled(throttled);
    for (TcpConnection *connection : std::as_const(m_connections))
        connection->setReadingThrottled(throttled);
}

void TcpServerSession::setClosedConnectionLimit(int limit)
{
    m_closedLimit = qMax(0, limit);
    trimClosedConnections();
}

void TcpServerSession::listen(const QString &host, quint16 port)
{
    stopListening();
    m_lastError.clear();
    m_listenHost = host;
    QHostAddress literal;
    if (literal.setAddress(host)) {
        listenOn(SocketAddress{literal, port});
        return;
    }
    setListenState(ListenState::LookingUp);
    m_lookupId = QHostInfo::lookupHost(host, this, [this, port](const QHostInfo &info) {
        m_lookupId = -1;
        QList<QHostAddress> addresses = info.addresses();
        if (info.error() != QHostInfo::NoError || addresses.isEmpty()) {
            m_lastError = describeLookupFailure(m_listenHost, info.errorString());
            setListenState(ListenState::NotListening);
            reportError(m_lastError);
            return;
        }
        // Python's bind(('localhost', port)) on an AF_INET socket takes the IPv4 address.
        QHostAddress chosen = addresses.first();
        for (const QHostAddress &address : std::as_const(addresses)) {
            if (address.protocol() == QAbstractSocket::IPv4Protocol) {
                chosen = address;
                break;
            }
        }
        listenOn(SocketAddress{chosen, port});
    });
}

void TcpServerSession::listenOn(const SocketAddress &address)
{
    auto listener = std::make_unique<SocketHandle>();
    SocketOperation failedCall = SocketOperation::Create;
    bool ok = listener->open(address.address.protocol(), SocketHandle::Type::Stream);
    if (ok) {
        // As Qt and most servers do: a restarted listener must not fail on old
        // connections still in TIME_WAIT.
        listener->setReuseAddress();
        failedCall = SocketOperation::Bind;
        ok = listener->bind(address);
    }
    if (ok) {
        failedCall = SocketOperation::Listen;
        // SOMAXCONN: a whole class connects at once (Qt's QTcpServer uses 50).
        // Watched for connections as part of listening: a socket the system cannot watch
        // (out of epoll watches) fails here, with the reason, rather than never accepting.
        ok = listener->listen(SOMAXCONN) && listener->setReadNotificationEnabled(true);
    }
    if (!ok) {
        m_lastError = describeSocketError(listener->errorCode(), failedCall, address);
        setListenState(ListenState::NotListening);
        reportError(m_lastError, address);
        return;
    }
    m_listener = std::move(listener);
    m_listenAddress = m_listener->localAddress();
    connect(m_listener.get(), &SocketHandle::readyRead, this, &TcpServerSession::acceptIncoming);
    setListenState(ListenState::Listening);
    TrafficEvent event = makeEvent(EventType::Listening);
    event.local = m_listenAddress;
    report(event);
}

void TcpServerSession::stopListening()
{
    if (m_lookupId >= 0) {
        QHostInfo::abortHostLookup(m_lookupId);
        m_lookupId = -1;
    }
    m_acceptRetryTimer.stop();
    m_backlogTimer.stop();
    if (!m_listener) {
        if (m_listenState != ListenState::NotListening)
            setListenState(ListenState::NotListening);
        return;
    }
    m_listener->close();
    m_listener->disconnect(this);
    m_listener.release()->deleteLater(); // this may run inside its readyRead
    setListenState(ListenState::NotListening);
    updateWaiting();
    TrafficEvent event = makeEvent(EventType::Stopped);
    event.local = m_listenAddress;
    event.message = tr("the listening socket is closed; accepted "
                       "connections stay open");
    report(event);
}

void TcpServerSession::acceptIncoming()
{
    if (!m_acceptAutomatically) {
        // Someone is waiting: count them instead of accepting.
        m_listener->setReadNotificationEnabled(false);
        m_backlogTimer.start();
        updateWaiting();
        return;
    }
    QPointer<TcpServerSession> guard(this);
    for (int i = 0; i < MaxAcceptsPerWakeup && guard && m_listener; ++i) {
        if (!acceptOne())
            return;
    }
}

bool TcpServerSession::acceptOne()
{
    while (m_listener) {
        SocketAddress peer;
        std::unique_ptr<SocketHandle> socket = m_listener->accept(&peer);
        if (socket) {
            adoptConnection(std::move(socket), peer);
            return true;
        }
        if (m_listener->wouldBlock())
            return false;
        const int error = m_listener->errorCode();
        if (error == ECONNABORTED || error == EPROTO)
            continue; // the client gave up while waiting in the backlog
        // Out of descriptors or memory: the connection stays in the backlog, and the
        // listener would be readable again at once. Pause, say so, retry.
        m_listener->setReadNotificationEnabled(false);
        if (m_acceptAutomatically)
            m_acceptRetryTimer.start(AcceptRetryMs);
        reportError(describeSocketError(error, SocketOperation::Accept, m_listenAddress),
                    m_listenAddress);
        return false;
    }
    return false;
}

void TcpServerSession::setAcceptAutomatically(bool automatic)
{
    if (m_acceptAutomatically == automatic)
        return;
    m_acceptAutomatically = automatic;
    if (!m_listener)
        return;
    if (automatic) {
        // Whoever waited is accepted now, as a listening program would.
        m_backlogTimer.stop();
        m_listener->setReadNotificationEnabled(true);
        acceptIncoming();
        updateWaiting();
    } else {
        watchBacklog();
    }
}

bool TcpServerSession::acceptNext()
{
    const bool accepted = acceptOne();
    updateWaiting();
    return accepted;
}

int TcpServerSession::acceptAll()
{
    // In slices, like automatic accepting: a full backlog (thousands) must not freeze
    // the window; the rest follows on the next passes of the event loop.
    QPointer<TcpServerSession> guard(this);
    int accepted = 0;
    while (guard && accepted < MaxAcceptsPerWakeup && acceptOne())
        ++accepted;
    if (!guard)
        return accepted;
    updateWaiting();
    if (accepted == MaxAcceptsPerWakeup && m_waiting > 0)
        QTimer::singleShot(0, this, &TcpServerSession::acceptAll);
    return accepted;
}

void TcpServerSession::watchBacklog()
{
    updateWaiting();
    if (!m_listener || m_acceptAutomatically)
        return;
    if (m_waiting > 0) {
        m_backlogTimer.start();
    } else {
        // Nobody waits: readiness tells when the next one comes, at no cost meanwhile.
        m_backlogTimer.stop();
        m_listener->setReadNotificationEnabled(true);
    }
}

void TcpServerSession::updateWaiting()
{
    const int waiting = m_listener ? qMax(0, m_listener->waitingConnections()) : 0;
    if (waiting == m_waiting)
        return;
    m_waiting = waiting;
    emit waitingConnectionsChanged(waiting);
}

void TcpServerSession::adoptConnection(std::unique_ptr<SocketHandle> socket,
                                       const SocketAddress &peer)
{
    // Over the limit, the connection is still accepted (never left hanging in the
    // backlog), recorded like any other, and closed at once with a row saying why.
    const bool overLimit = m_maxConnections > 0 && m_openCount >= m_maxConnections;

    TrafficEvent eventTemplate = makeEvent(EventType::Accepted);
    eventTemplate.connection = m_nextConnectionId++;
    eventTemplate.local = socket->localAddress();
    eventTemplate.peer = peer;
    auto *connection = new TcpConnection(std::move(socket), eventTemplate, recvSize(), this);
    connection->setEcho(echo());
    connection->setReadingThrottled(isReadingThrottled());
    m_connections.insert(connection->id(), connection);
    ++m_openCount;
    connect(connection, &TcpConnection::eventOccurred, this, [this](const TrafficEvent &event) {
        report(event);
        m_model.markChanged();
    });
    connect(connection, &TcpConnection::stateChanged, this, [this, connection](ConnectionState s) {
        handleConnectionState(connection, s);
    });
    m_model.addConnection(connection);

    QPointer<TcpConnection> alive(connection);
    report(eventTemplate);
    if (alive)
        emit connectionAccepted(connection);
    if (alive && overLimit) {
        TrafficEvent note = connection->makeEvent(EventType::Note);
        note.message = tr("closed at once: the limit of %1 open connections is reached")
                           .arg(m_maxConnections);
        note.detail = EventDetail::OverLimit;
        report(note);
        if (alive)
            connection->close();
        return;
    }
    if (alive && !m_greeting.isEmpty())
        connection->send(m_greeting);
}

void TcpServerSession::handleConnectionState(TcpConnection *connection, ConnectionState state)
{
    m_model.markChanged();
    if (state == ConnectionState::Closed && !m_closedOrder.contains(connection)) {
        --m_openCount;
        m_closedOrder.append(connection);
        if (m_closedOrder.size() > m_closedLimit && !m_trimTimer.isActive())
            m_trimTimer.start();
    }
    emit connectionChanged(connection);
}

void TcpServerSession::trimClosedConnections()
{
    m_trimTimer.stop();
    const qsizetype excess = m_closedOrder.size() - m_closedLimit;
    if (excess <= 0)
        return;
    const QList<TcpConnection *> oldest = m_closedOrder.first(excess);
    m_closedOrder.remove(0, excess);
    m_model.removeConnections(oldest);
    for (TcpConnection *connection : oldest) {
        m_connections.remove(connection->id());
        connection->disconnect(this);
        connection->deleteLater();
    }
}

void TcpServerSession::removeClosedConnections()
{
    const int limit = m_closedLimit;
    m_closedLimit = 0;
    trimClosedConnections();
    m_closedLimit = limit;
}

bool TcpServerSession::send(int connectionId, const QByteArray &data)
{
    TcpConnection *target = connection(connectionId);
    return target && target->send(data);
}

int TcpServerSession::sendTo(const QList<int> &connectionIds, const QByteArray &data)
{
    int count = 0;
    for (int id : connectionIds) {
        if (send(id, data))
            ++count;
    }
    return count;
}

int TcpServerSession::sendToAll(const QByteArray &data)
{
    QList<int> ids = m_connections.keys();
    std::sort(ids.begin(), ids.end());
    return sendTo(ids, data);
}

void TcpServerSession::closeConnection(int connectionId)
{
    if (TcpConnection *target = connection(connectionId))
        target->close();
}

void TcpServerSession::abortConnection(int connectionId)
{
    if (TcpConnection *target = connection(connectionId))
        target->abort();
}

void TcpServerSession::halfCloseConnection(int connectionId)
{
    if (TcpConnection *target = connection(connectionId))
        target->halfClose();
}

void TcpServerSession::setReadingPaused(int connectionId, bool paused)
{
    if (TcpConnection *target = connection(connectionId))
        target->setReadingPaused(paused);
}

void TcpServerSession::shutdown()
{
    stopListening();
    QList<int> ids = m_connections.keys();
    std::sort(ids.begin(), ids.end());
    for (int id : std::as_const(ids))
        closeConnection(id);
}

void TcpServerSession::abortAll()
{
    stopListening();
    const QList<TcpConnection *> connections = m_connections.values();
    for (TcpConnection *connection : connections) {
        if (connection->state() != ConnectionState::Closed)
            connection->abort();
    }
}

bool TcpServerSession::isClosing() const
{
    for (const TcpConnection *connection : std::as_const(m_connections)) {
        if (connection->state() == ConnectionState::Closing)
            return true;
    }
    return false;
}

void TcpServerSession::setListenState(ListenState state)
{
    m_listenState = state;
    emit listenStateChanged(state);
}

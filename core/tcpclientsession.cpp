#include "tcpclientsession.h"

#include "socketerror.h"
#include "sockethandle.h"

#include <QHostInfo>
#include <QPointer>

#include <algorithm>

TcpClientSession::TcpClientSession(int id, QObject *parent)
    : Session(id, SessionKind::TcpClient, parent)
{
    m_connectTimer.setSingleShot(true);
    connect(&m_connectTimer, &QTimer::timeout, this, [this] {
        failAttempt(describeConnectTimeout(m_attemptAddress,
                                           std::chrono::milliseconds(m_connectTimeoutMs)));
    });
}

TcpClientSession::~TcpClientSession()
{
    if (m_lookupId >= 0)
        QHostInfo::abortHostLookup(m_lookupId);
}

ConnectionState TcpClientSession::state() const
{
    return m_state;
}

QString TcpClientSession::stateText() const
{
    switch (m_state) {
    case ConnectionState::Unconnected:
        return m_lastError.isEmpty() ? tr("Not connected") : tr("Failed");
    case ConnectionState::LookingUp:
        return tr("Looking up %1").arg(m_host);
    case ConnectionState::Connecting:
        return tr("Connecting to %1").arg(m_attemptAddress.toString());
    default:
        break;
    }
    return m_connection ? m_connection->stateText() : tr("Not connected");
}

SocketAddress TcpClientSession::localAddress() const
{
    return m_connection ? m_connection->localAddress() : SocketAddress();
}

SocketAddress TcpClientSession::peerAddress() const
{
    return m_connection ? m_connection->peerAddress() : SocketAddress();
}

void TcpClientSession::setRecvSize(int bytes)
{
    Session::setRecvSize(bytes);
    if (m_connection)
        m_connection->setRecvSize(recvSize());
}

void TcpClientSession::setEcho(bool enabled)
{
    Session::setEcho(enabled);
    if (m_connection)
        m_connection->setEcho(enabled);
}

void TcpClientSession::setReadingThrottled(bool throttled)
{
    Session::setReadingThrottled(throttled);
    if (m_connection)
        m_connection->setReadingThrottled(throttled);
}

void TcpClientSession::connectToHost(const QString &host, quint16 port)
{
    cancelAttempt();
    if (m_connection) {
        if (m_connection->state() != ConnectionState::Closed)
            m_connection->abort();
        m_connection->disconnect(this);
        m_connection->deleteLater();
        m_connection = nullptr;
    }
    m_host = host;
    m_port = port;
    m_lastError.clear();
    startLookup();
}

void TcpClientSession::startLookup()
{
    QHostAddress literal;
    if (literal.setAddress(m_host)) {
        m_candidates = {SocketAddress{literal, m_port}};
        tryNextAddress();
        return;
    }
    setState(ConnectionState::LookingUp);
    m_lookupId = QHostInfo::lookupHost(m_host, this, [this](const QHostInfo &info) {
        m_lookupId = -1;
        if (info.error() != QHostInfo::NoError || info.addresses().isEmpty()) {
            failAttempt(describeLookupFailure(m_host, info.errorString()));
            return;
        }
        QList<QHostAddress> addresses = info.addresses();
        // IPv4 first, as a default (AF_INET) Python socket connects.
        std::stable_partition(addresses.begin(), addresses.end(), [](const QHostAddress &a) {
            return a.protocol() == QAbstractSocket::IPv4Protocol;
        });
        m_candidates.clear();
        for (const QHostAddress &address : std::as_const(addresses))
            m_candidates.append(SocketAddress{address, m_port});
        tryNextAddress();
    });
}

void TcpClientSession::tryNextAddress()
{
    Q_ASSERT(!m_candidates.isEmpty());
    m_attemptAddress = m_candidates.takeFirst();
    m_attempt = std::make_unique<SocketHandle>();
    setState(ConnectionState::Connecting);
    TrafficEvent event = makeEvent(EventType::Connecting);
    event.peer = m_attemptAddress;
    report(event);

    if (!m_attempt->open(m_attemptAddress.address.protocol(), SocketHandle::Type::Stream)) {
        failAttempt(
            describeSocketError(m_attempt->errorCode(), SocketOperation::Create, m_attemptAddress));
        return;
    }
    switch (m_attempt->connectTo(m_attemptAddress)) {
    case SocketHandle::ConnectResult::Connected:
        finishConnecting();
        return;
    case SocketHandle::ConnectResult::InProgress:
        // A non-blocking connect() completes when the socket becomes writable.
        connect(m_attempt.get(), &SocketHandle::readyWrite, this, [this] {
            const int error = m_attempt->takePendingError();
            if (error == 0) {
                finishConnecting();
                return;
            }
            failAttempt(describeSocketError(error, SocketOperation::Connect, m_attemptAddress));
        });
        if (!m_attempt->setWriteNotificationEnabled(true)) {
            // The system cannot watch the socket (out of epoll watches): the connect()
            // would never be seen to finish.
            failAttempt(describeSocketError(m_attempt->errorCode(),
                                            SocketOperation::Connect,
                                            m_attemptAddress));
            return;
        }
        m_connectTimer.start(m_connectTimeoutMs);
        return;
    case SocketHandle::ConnectResult::Failed:
        failAttempt(
            describeSocketError(m_attempt->errorCode(), SocketOperation::Connect, m_attemptAddress));
        return;
    }
}

void TcpClientSession::finishConnecting()
{
    m_connectTimer.stop();
    std::unique_ptr<SocketHandle> socket = std::move(m_attempt);
    socket->disconnect(this);
    socket->setWriteNotificationEnabled(false);
    m_candidates.clear();

    TrafficEvent eventTemplate = makeEvent(EventType::Connected);
    eventTemplate.local = socket->localAddress();
    eventTemplate.peer = socket->peerAddress();
    if (eventTemplate.peer.isNull())
        eventTemplate.peer = m_attemptAddress;
    m_connection = new TcpConnection(std::move(socket), eventTemplate, recvSize(), this);
    m_connection->setEcho(echo());
    m_connection->setReadingThrottled(isReadingThrottled());
    connect(m_connection, &TcpConnection::eventOccurred, this, &TcpClientSession::report);
    connect(m_connection, &TcpConnection::stateChanged, this, &TcpClientSession::setState);

    // The event first: whoever reacts to the state (a send= on connect) comes after it.
    QPointer<TcpClientSession> guard(this);
    report(m_connection->makeEvent(EventType::Connected));
    if (guard)
        setState(ConnectionState::Connected);
}

void TcpClientSession::failAttempt(const QString &message)
{
    m_connectTimer.stop();
    discardAttempt();
    if (!m_candidates.isEmpty()) {
        // Another address of the same host may answer (localhost has 127.0.0.1 and ::1).
        TrafficEvent event = makeEvent(EventType::Note);
        event.peer = m_attemptAddress;
        event.message = message;
        event.detail = EventDetail::AttemptFailed;
        report(event);
        tryNextAddress();
        return;
    }
    m_lastError = message;
    setState(ConnectionState::Unconnected);
    reportError(message, {}, m_attemptAddress);
}

void TcpClientSession::cancelAttempt()
{
    if (m_lookupId >= 0) {
        QHostInfo::abortHostLookup(m_lookupId);
        m_lookupId = -1;
    }
    m_connectTimer.stop();
    discardAttempt();
    m_candidates.clear();
}

void TcpClientSession::discardAttempt()
{
    // Later: this may run inside the attempt's own readyWrite signal.
    if (m_attempt) {
        m_attempt->close();
        m_attempt->disconnect(this);
        m_attempt.release()->deleteLater();
    }
}

bool TcpClientSession::send(const QByteArray &data)
{
    return m_connection && m_connection->send(data);
}

bool TcpClientSession::canSend() const
{
    return m_connection && m_connection->canSend();
}

bool TcpClientSession::cancelConnecting(const QString &why)
{
    if (m_state != ConnectionState::LookingUp && m_state != ConnectionState::Connecting)
        return false;
    const QString target = m_state == ConnectionState::LookingUp ? m_host
                                                                 : m_attemptAddress.toString();
    cancelAttempt();
    // The record has a "connecting" that needs an outcome.
    m_lastError = tr("connect cancelled: %1 before %2 answered").arg(why, target);
    setState(ConnectionState::Unconnected);
    reportError(m_lastError, {}, m_attemptAddress);
    return true;
}

void TcpClientSession::close()
{
    if (cancelConnecting(tr("Close was clicked")))
        return;
    if (m_connection)
        m_connection->close();
}

void TcpClientSession::abort()
{
    // Nothing to reset while connecting: the attempt just ends.
    if (cancelConnecting(tr("Abort was clicked")))
        return;
    if (m_connection)
        m_connection->abort();
}

void TcpClientSession::shutdown()
{
    if (cancelConnecting(tr("the tab or the app was closed")))
        return;
    if (m_connection)
        m_connection->close();
}

void TcpClientSession::abortAll()
{
    if (cancelConnecting(tr("the tab or the app was closed")))
        return;
    if (m_connection && m_state != ConnectionState::Unconnected
        && m_state != ConnectionState::Closed)
        m_connection->abort();
}

void TcpClientSession::halfClose()
{
    if (m_connection)
        m_connection->halfClose();
}

void TcpClientSession::setReadingPaused(bool paused)
{
    if (m_connection)
        m_connection->setReadingPaused(paused);
}

void TcpClientSession::setState(ConnectionState state)
{
    // A connection's own changes (half-close, pause) are re-announced too: the state text
    // changes even when the enum does not.
    m_state = state;
    emit stateChanged(state);
}

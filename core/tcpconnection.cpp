#include "tcpconnection.h"

#include "session.h"
#include "socketerror.h"
#include "sockethandle.h"

#include <QCoreApplication>
#include <QPointer>
#include <QTimer>

#include <cerrno>

namespace {

// How much one readiness notification may read before the event loop gets its turn
// back: a flood must never starve repaints. The notifier is level-triggered, so what
// is left is read on the next pass. Measured with a 1 GiB flood into a server tab
// (tests/bench/run_benchmarks.py, B1): 4 MiB a pass let the event loop run up to 22 ms
// late (p99), 2 MiB 15 ms, 1 MiB 10 ms, for 8 % less throughput than 4 MiB.
constexpr int MaxReadsPerWakeup = 256;
constexpr qint64 MaxBytesPerWakeup = 1024 * 1024;

} // namespace

TcpConnection::TcpConnection(std::unique_ptr<SocketHandle> socket,
                             const TrafficEvent &eventTemplate,
                             int recvSize,
                             QObject *parent)
    : QObject(parent)
    , m_socket(std::move(socket))
    , m_template(eventTemplate)
    , m_recvSize(recvSize)
    , m_connectedAt(currentEventTime())
{
    m_template.payload.clear();
    m_template.message.clear();
    m_socket->setParent(nullptr); // owned by m_socket's unique_ptr
    connect(m_socket.get(), &SocketHandle::readyRead, this, &TcpConnection::readIncoming);
    connect(m_socket.get(), &SocketHandle::readyWrite, this, &TcpConnection::writePending);
    updateReadNotification();
}

TcpConnection::~TcpConnection() = default;

bool TcpConnection::canSend() const
{
    return m_state == ConnectionState::Connected && !m_closePending && !m_shutdownPending
           && !m_writeShut;
}

QString TcpConnection::stateText() const
{
    switch (m_state) {
    case ConnectionState::Unconnected:
        return tr("Not connected");
    case ConnectionState::LookingUp:
        return tr("Looking up");
    case ConnectionState::Connecting:
        return tr("Connecting");
    case ConnectionState::Connected:
        if (m_writeShut && m_peerFinished)
            return tr("Both sides finished");
        if (m_writeShut)
            return tr("Half-closed (you sent FIN)");
        if (m_peerFinished)
            return tr("Peer finished sending");
        if (m_readingPaused)
            return tr("Connected, reading paused");
        return tr("Connected");
    case ConnectionState::Closing:
        return tr("Closing (sending what is queued)");
    case ConnectionState::Closed:
        break;
    }
    switch (m_closeReason) {
    case CloseReason::ClosedByPeer:
        return tr("Closed by peer");
    case CloseReason::ResetByPeer:
        return tr("Reset by peer");
    case CloseReason::AbortedByLocal:
        return tr("Aborted (RST sent)");
    case CloseReason::Lost:
        return tr("Connection lost");
    case CloseReason::ClosedByLocal:
    case CloseReason::None:
        break;
    }
    return tr("Closed");
}

int TcpConnection::kernelReceiveQueue() const
{
    return m_socket->isOpen() ? m_socket->kernelReceiveQueue() : -1;
}

int TcpConnection::kernelSendQueue() const
{
    return m_socket->isOpen() ? m_socket->kernelSendQueue() : -1;
}

QString TcpConnection::halfCloseNote()
{
    return tr("sent FIN with shutdown(SHUT_WR): this side sends no more, but still reads");
}

bool TcpConnection::isHalfCloseNote(const TrafficEvent &event)
{
    return event.type == EventType::Note && event.detail == EventDetail::HalfClose;
}

TrafficEvent TcpConnection::makeEvent(EventType type) const
{
    TrafficEvent event = m_template;
    event.msecsSinceEpoch = currentEventTime();
    event.type = type;
    return event;
}

bool TcpConnection::send(const QByteArray &data)
{
    if (!canSend())
        return false;
    if (data.isEmpty())
        return true;
    m_writeQueue.push_back(data);
    m_pendingWriteBytes += data.size();
    writePending();
    return true;
}

void TcpConnection::writePending()
{
    // A Sent event's receiver may send again; that data joins the queue this loop drains.
    if (m_writing || !m_socket->isOpen())
        return;
    QPointer<TcpConnection> guard(this);
    m_writing = true;
    while (!m_writeQueue.empty()) {
        const QByteArray &front = m_writeQueue.front();
        const qint64 remaining = front.size() - m_frontOffset;
        const qint64 written = m_socket->send(front.constData() + m_frontOffset, remaining);
        if (written < 0) {
            m_writing = false;
            if (m_socket->wouldBlock()) {
                if (!m_socket->setWriteNotificationEnabled(true))
                    failLater(m_socket->errorCode());
                return;
            }
            handleFailure(m_socket->errorCode(), true);
            return;
        }
        TrafficEvent event = makeEvent(EventType::Sent);
        // A whole buffer is shared, not copied; only a partial write copies its part.
        event.payload = (m_frontOffset == 0 && written == front.size())
                            ? front
                            : front.mid(m_frontOffset, written);
        m_frontOffset += written;
        m_pendingWriteBytes -= written;
        m_bytesSent += written;
        ++m_sends;
        if (m_frontOffset == front.size()) {
            m_writeQueue.pop_front();
            m_frontOffset = 0;
        }
        // Reading resumes at the low mark, not only when the queue is empty: an echo to a
        // slow reader then flows steadily instead of in stop-and-go bursts.
        if (m_throttled && m_pendingWriteBytes <= WriteQueueLowWater) {
            m_throttled = false;
            updateReadNotification();
        }
        emit eventOccurred(event);
        if (!guard)
            return;
        if (!m_socket->isOpen()) { // aborted by a receiver of the event
            m_writing = false;
            return;
        }
    }
    m_writing = false;
    m_socket->setWriteNotificationEnabled(false);
    if (m_shutdownPending) {
        shutdownWriteNow();
        if (!guard)
            return;
    }
    if (m_closePending && m_peerFinished) {
        // The peer's FIN came first: "closed by peer", as DESIGN.md says, even if Close
        // (or quitting) asked for it meanwhile.
        finish(CloseReason::ClosedByPeer);
    } else if (m_closePending) {
        if (drainBeforeClose())
            finish(CloseReason::ClosedByLocal);
    } else if (m_peerFinished && m_state != ConnectionState::Closed) {
        finish(CloseReason::ClosedByPeer);
    }
}

void TcpConnection::readIncoming()
{
    QPointer<TcpConnection> guard(this);
    int reads = 0;
    qint64 bytes = 0;
    while (reads < MaxReadsPerWakeup && bytes < MaxBytesPerWakeup) {
        if (m_readingPaused || m_throttled || m_externallyThrottled || m_peerFinished
            || !m_socket->isOpen())
            return;
        char *buffer = receiveScratchBuffer(m_recvSize);
        const qint64 received = m_socket->receive(buffer, m_recvSize);
        if (received == 0) {
            handlePeerFinished();
            return;
        }
        if (received < 0) {
            if (!m_socket->wouldBlock())
                handleFailure(m_socket->errorCode(), false);
            return;
        }
        ++reads;
        bytes += received;
        ++m_reads;
        m_bytesReceived += received;
        TrafficEvent event = makeEvent(EventType::Received);
        event.payload = QByteArray(buffer, received); // exact size, not the recv size
        const QByteArray echoed = m_echo ? event.payload : QByteArray();
        emit eventOccurred(event);
        if (!guard)
            return;
        if (!echoed.isEmpty() && canSend()) {
            send(echoed);
            if (!guard)
                return;
            if (m_pendingWriteBytes > WriteQueueHighWater) {
                m_throttled = true;
                updateReadNotification();
            }
        }
    }
}

void TcpConnection::handlePeerFinished()
{
    m_peerFinished = true;
    updateReadNotification();
    QPointer<TcpConnection> guard(this);
    emit eventOccurred(makeEvent(EventType::Eof));
    if (!guard || m_state == ConnectionState::Closed)
        return;
    // What is still queued (an echo, say) is written first; writePending() finishes.
    if (m_writeQueue.empty()) {
        finish(CloseReason::ClosedByPeer);
    } else {
        setState(ConnectionState::Closing);
        if (guard)
            writePending();
    }
}

void TcpConnection::handleFailure(int errorCode, bool whileSending)
{
    const bool reset = errorCode == ECONNRESET || errorCode == EPIPE;
    const QString message = describeSocketError(errorCode,
                                                whileSending ? SocketOperation::Send
                                                             : SocketOperation::Receive,
                                                m_template.peer);
    m_writeQueue.clear();
    m_pendingWriteBytes = 0;
    m_frontOffset = 0;
    QPointer<TcpConnection> guard(this);
    TrafficEvent event = makeEvent(EventType::Error);
    event.message = message;
    emit eventOccurred(event);
    if (!guard || m_state == ConnectionState::Closed)
        return;
    m_socket->close();
    finish(reset ? CloseReason::ResetByPeer : CloseReason::Lost);
}

void TcpConnection::close()
{
    if (m_state == ConnectionState::Closed || m_closePending)
        return;
    m_closePending = true;
    if (m_writeQueue.empty()) {
        if (drainBeforeClose())
            finish(CloseReason::ClosedByLocal);
        return;
    }
    QPointer<TcpConnection> guard(this);
    setState(ConnectionState::Closing);
    if (guard)
        writePending();
}

void TcpConnection::abort()
{
    if (m_state == ConnectionState::Closed)
        return;
    m_writeQueue.clear();
    m_pendingWriteBytes = 0;
    m_frontOffset = 0;
    m_socket->abort();
    finish(CloseReason::AbortedByLocal);
}

void TcpConnection::halfClose()
{
    if (!canSend())
        return;
    m_shutdownPending = true;
    if (m_writeQueue.empty())
        shutdownWriteNow();
    // else writePending() calls shutdownWriteNow() once the queue is empty
}

void TcpConnection::shutdownWriteNow()
{
    m_shutdownPending = false;
    if (m_writeShut || !m_socket->isOpen())
        return;
    if (!m_socket->shutdownWrite()) {
        handleFailure(m_socket->errorCode(), true);
        return;
    }
    m_writeShut = true;
    TrafficEvent event = makeEvent(EventType::Note);
    event.message = halfCloseNote();
    event.detail = EventDetail::HalfClose;
    QPointer<TcpConnection> guard(this);
    emit eventOccurred(event);
    if (guard)
        emit stateChanged(m_state);
}

void TcpConnection::setReadingPaused(bool paused)
{
    if (m_readingPaused == paused)
        return;
    m_readingPaused = paused;
    updateReadNotification();
    emit stateChanged(m_state);
}

void TcpConnection::setReadingThrottled(bool throttled)
{
    m_externallyThrottled = throttled;
    updateReadNotification();
}

void TcpConnection::updateReadNotification()
{
    const bool wanted = m_socket->isOpen() && !m_readingPaused && !m_throttled
                        && !m_externallyThrottled && !m_peerFinished;
    if (!m_socket->setReadNotificationEnabled(wanted))
        failLater(m_socket->errorCode());
}

void TcpConnection::failLater(int errorCode)
{
    // A socket the system cannot watch would hang without a word. Reported from the event
    // loop, not from inside the call that found it (the constructor, a send()): the error
    // and the close then reach every receiver.
    QTimer::singleShot(0, this, [this, errorCode] {
        if (m_state != ConnectionState::Closed)
            handleFailure(errorCode, false);
    });
}

bool TcpConnection::drainBeforeClose()
{
    // Bounded: a peer that keeps flooding must not keep the close from happening.
    constexpr qint64 MaxDrainBytes = 16 * 1024 * 1024;
    QPointer<TcpConnection> guard(this);
    // Bounded like readIncoming(), and not while the record's reader is behind: what is
    // left is then reported honestly as the reset Linux sends (see finish()).
    qint64 drained = 0;
    int reads = 0;
    while (guard && m_socket->isOpen() && !m_peerFinished && !m_externallyThrottled
           && drained < MaxDrainBytes && reads++ < MaxReadsPerWakeup) {
        char *buffer = receiveScratchBuffer(m_recvSize);
        const qint64 received = m_socket->receive(buffer, m_recvSize);
        if (received < 0) {
            if (!m_socket->wouldBlock()) {
                // A reset that came while nobody read: a reset, never a clean close.
                handleFailure(m_socket->errorCode(), false);
                return false;
            }
            break;
        }
        if (received == 0) {
            m_peerFinished = true;
            emit eventOccurred(makeEvent(EventType::Eof));
            break;
        }
        drained += received;
        ++m_reads;
        m_bytesReceived += received;
        TrafficEvent event = makeEvent(EventType::Received);
        event.payload = QByteArray(buffer, received);
        emit eventOccurred(event);
    }
    return guard && m_state != ConnectionState::Closed;
}

void TcpConnection::finish(CloseReason reason)
{
    if (m_state == ConnectionState::Closed)
        return;
    // Whatever is still unread when a local close happens makes Linux answer with an RST:
    // say so rather than report a clean close the peer never saw.
    const bool unreadData = reason == CloseReason::ClosedByLocal && m_socket->isOpen()
                            && m_socket->kernelReceiveQueue() > 0;
    m_closeReason = reason;
    if (reason != CloseReason::AbortedByLocal)
        m_socket->close();
    m_writeQueue.clear();
    m_pendingWriteBytes = 0;
    m_state = ConnectionState::Closed;
    TrafficEvent event = makeEvent(EventType::Closed);
    // A lost connection was ended by our own stack giving up: "local" in the record; the
    // error event before it says why.
    event.closedBy = (reason == CloseReason::ClosedByLocal || reason == CloseReason::AbortedByLocal
                      || reason == CloseReason::Lost)
                         ? ClosedBy::Local
                         : ClosedBy::Peer;
    event.reset = reason == CloseReason::AbortedByLocal || reason == CloseReason::ResetByPeer
                  || unreadData;
    if (reason == CloseReason::AbortedByLocal)
        event.detail = EventDetail::Aborted;
    else if (reason == CloseReason::Lost)
        event.detail = EventDetail::Lost;
    else if (unreadData)
        event.detail = EventDetail::UnreadData;
    QPointer<TcpConnection> guard(this);
    emit eventOccurred(event);
    if (guard)
        emit stateChanged(m_state);
}

void TcpConnection::setState(ConnectionState state)
{
    if (m_state == state)
        return;
    m_state = state;
    emit stateChanged(state);
}

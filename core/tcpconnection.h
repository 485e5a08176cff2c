#pragma once

#include "trafficevent.h"

#include <QObject>

#include <deque>
#include <memory>

class SocketHandle;

// Where a TCP socket is in its life. A client goes through all of them; an accepted
// connection starts at Connected.
enum class ConnectionState : quint8 {
    Unconnected,
    LookingUp,
    Connecting,
    Connected,
    Closing,
    Closed
};

// How a connection ended, for the state column and the "closed" event.
enum class CloseReason : quint8 {
    None,
    ClosedByLocal,  // close(): FIN after everything queued was written
    ClosedByPeer,   // the peer's FIN, then ours
    AbortedByLocal, // abort(): RST
    ResetByPeer,    // ECONNRESET / EPIPE
    Lost,           // our own stack gave up (timeout, unreachable): nobody closed it
};

// One connected TCP socket: a client's once connect() succeeded, or one returned by a
// server's accept(). Reads are one recv(recvSize) each, every one its own Received event;
// sends are queued and written in order as the socket takes them, every send() call its
// own Sent event. The peer's FIN is an Eof event; after it, what is still queued is
// written, then the socket is closed ("closed by peer"). A reset is never reported as a
// normal close.
class TcpConnection : public QObject
{
    Q_OBJECT

public:
    // Sending stops reading above this many queued bytes (an echo to a peer that does
    // not read must not grow without bound) and resumes below the low mark.
    static constexpr qint64 WriteQueueHighWater = 8 * 1024 * 1024;
    static constexpr qint64 WriteQueueLowWater = 1024 * 1024;

    // eventTemplate gives session, kind, connection id, local and peer to every event.
    TcpConnection(std::unique_ptr<SocketHandle> socket,
                  const TrafficEvent &eventTemplate,
                  int recvSize,
                  QObject *parent = nullptr);
    ~TcpConnection() override;

    int id() const { return m_template.connection; }
    SocketAddress localAddress() const { return m_template.local; }
    SocketAddress peerAddress() const { return m_template.peer; }
    qint64 connectedAt() const { return m_connectedAt; }

    ConnectionState state() const { return m_state; }
    CloseReason closeReason() const { return m_closeReason; }
    bool isOpen() const { return m_state == ConnectionState::Connected; }
    bool isWriteShut() const { return m_writeShut || m_shutdownPending; }
    bool isPeerFinished() const { return m_peerFinished; }
    bool isReadingPaused() const { return m_readingPaused; }
    bool canSend() const;
    // "Connected", "Closed by peer", "Reset by peer", ... for a state column.
    QString stateText() const;

    qint64 bytesReceived() const { return m_bytesReceived; }
    qint64 bytesSent() const { return m_bytesSent; }
    qint64 reads() const { return m_reads; }
    qint64 sends() const { return m_sends; }
    qint64 pendingWriteBytes() const { return m_pendingWriteBytes; }
    int kernelReceiveQueue() const;
    int kernelSendQueue() const;

    void setRecvSize(int bytes) { m_recvSize = bytes; }
    void setEcho(bool enabled) { m_echo = enabled; }

    // Queues data to write; false (and nothing queued) once this side can no longer send.
    bool send(const QByteArray &data);
    // FIN after everything queued is written; then the socket is closed.
    void close();
    // RST now: queued data is dropped.
    void abort();
    // shutdown(SHUT_WR) after everything queued is written: FIN, but keep reading.
    void halfClose();
    // Stop calling recv(): the kernel's queue fills and the sender's send() blocks.
    void setReadingPaused(bool paused);
    // Like a pause, but asked for by the app (see Session::setReadingThrottled()).
    void setReadingThrottled(bool throttled);

    // An event with this connection's session, kind, id and addresses, timed now.
    TrafficEvent makeEvent(EventType type) const;

    // The note a half-close reports once shutdown(SHUT_WR) is done: a log row, not a
    // record event; the Python mirror recognises it to write the call.
    static QString halfCloseNote();
    static bool isHalfCloseNote(const TrafficEvent &event);

signals:
    void eventOccurred(const TrafficEvent &event);
    void stateChanged(ConnectionState state);

private:
    void readIncoming();
    void writePending();
    void handlePeerFinished();
    void handleFailure(int errorCode, bool whileSending);
    // handleFailure() from the event loop, for a socket the system refused to watch.
    void failLater(int errorCode);
    void shutdownWriteNow();
    void finish(CloseReason reason);
    // Reads what is already in the kernel's receive queue before a local close, so that
    // it is reported, and so that close() sends a FIN rather than the RST Linux sends for
    // a socket closed with unread data. False when this was deleted meanwhile.
    bool drainBeforeClose();
    void updateReadNotification();
    void setState(ConnectionState state);

    std::unique_ptr<SocketHandle> m_socket;
    TrafficEvent m_template;
    int m_recvSize;
    bool m_echo = false;
    ConnectionState m_state = ConnectionState::Connected;
    CloseReason m_closeReason = CloseReason::None;
    qint64 m_connectedAt = 0;

    std::deque<QByteArray> m_writeQueue;
    qint64 m_frontOffset = 0; // bytes of m_writeQueue.front() already written
    qint64 m_pendingWriteBytes = 0;
    bool m_writing = false;

    bool m_closePending = false;
    bool m_shutdownPending = false;
    bool m_writeShut = false;
    bool m_peerFinished = false;
    bool m_readingPaused = false;
    bool m_throttled = false; // by our own write queue, see WriteQueueHighWater
    bool m_externallyThrottled = false;

    qint64 m_bytesReceived = 0;
    qint64 m_bytesSent = 0;
    qint64 m_reads = 0;
    qint64 m_sends = 0;
};

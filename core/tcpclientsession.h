#pragma once

#include "session.h"
#include "tcpconnection.h"

#include <QList>
#include <QTimer>

#include <memory>

class SocketHandle;

// The lesson's TCP client: socket(), connect((host, port)), send(), recv(), close().
// Looking up → Connecting → Connected → (Closing) → Closed, with a signal on each
// change. A host name is looked up with QHostInfo; its IPv4 addresses are tried first,
// as Python's socket.socket() (AF_INET) would.
class TcpClientSession : public Session
{
    Q_OBJECT

public:
    static constexpr int DefaultConnectTimeoutMs = 20000;

    explicit TcpClientSession(int id, QObject *parent = nullptr);
    ~TcpClientSession() override;

    ConnectionState state() const;
    // "Connected", "Closed by peer", "Connection refused", ... for a state label.
    QString stateText() const;
    QString lastError() const { return m_lastError; }
    QString host() const { return m_host; }
    quint16 port() const { return m_port; }
    SocketAddress localAddress() const;
    SocketAddress peerAddress() const;
    // The current (or last) connection; nullptr before the first connect succeeds.
    TcpConnection *connection() const { return m_connection; }

    void setRecvSize(int bytes) override;
    void setEcho(bool enabled) override;
    void setReadingThrottled(bool throttled) override;
    void setConnectTimeout(int milliseconds) { m_connectTimeoutMs = milliseconds; }

    // Starts connecting; whatever this session had open is aborted first.
    void connectToHost(const QString &host, quint16 port);
    bool send(const QByteArray &data);
    bool canSend() const;
    void close();
    void abort();
    void halfClose();
    void setReadingPaused(bool paused);
    void shutdown() override;
    void abortAll() override;
    bool isClosing() const override { return m_state == ConnectionState::Closing; }

signals:
    void stateChanged(ConnectionState state);

private:
    void startLookup();
    void tryNextAddress();
    void finishConnecting();
    void failAttempt(const QString &message);
    void cancelAttempt();
    // Ends a lookup or connect in progress, reported as an error saying why; false when
    // there was none.
    bool cancelConnecting(const QString &why);
    void discardAttempt();
    void setState(ConnectionState state);

    QString m_host;
    quint16 m_port = 0;
    ConnectionState m_state = ConnectionState::Unconnected;
    QString m_lastError;
    int m_connectTimeoutMs = DefaultConnectTimeoutMs;

    // While connecting: the addresses still to try, the socket trying one, and a timer.
    QList<SocketAddress> m_candidates;
    SocketAddress m_attemptAddress;
    std::unique_ptr<SocketHandle> m_attempt;
    QTimer m_connectTimer;
    int m_lookupId = -1;

    TcpConnection *m_connection = nullptr; // child; replaced by the next connect
};

#pragma once

#include "connectionlistmodel.h"
#include "session.h"
#include "tcpconnection.h"

#include <QHash>
#include <QList>
#include <QTimer>

#include <memory>

class SocketHandle;

// The lesson's TCP server: socket(), bind((addr, port)), listen(), then accept() for
// every connection, each a new socket of its own while the listening socket keeps
// listening. Stopping listening closes only the listening socket; accepted connections
// stay open until closed one by one.
class TcpServerSession : public Session
{
    Q_OBJECT

public:
    enum class ListenState { NotListening, LookingUp, Listening };
    static constexpr int DefaultClosedConnectionLimit = 1000;

    explicit TcpServerSession(int id, QObject *parent = nullptr);
    ~TcpServerSession() override;

    ListenState listenState() const { return m_listenState; }
    bool isListening() const { return m_listenState == ListenState::Listening; }
    // Where the listening socket is bound, with the real port when 0 was asked for.
    SocketAddress listenAddress() const { return m_listenAddress; }
    QString lastError() const { return m_lastError; }

    ConnectionListModel *connectionModel() { return &m_model; }
    TcpConnection *connection(int id) const;
    int connectionCount() const { return int(m_connections.size()); }
    int openConnectionCount() const { return m_openCount; }
    int totalAccepted() const { return m_nextConnectionId - 1; }

    void setRecvSize(int bytes) override;
    void setEcho(bool enabled) override;
    void setReadingThrottled(bool throttled) override;
    // Sent to each connection as soon as it is accepted; empty = none.
    QByteArray greeting() const { return m_greeting; }
    void setGreeting(const QByteArray &greeting) { m_greeting = greeting; }
    // Over this many open connections, a new one is accepted and closed at once, with a
    // log row saying why (never left hanging in the backlog). 0 = no limit.
    int maxConnections() const { return m_maxConnections; }
    void setMaxConnections(int limit) { m_maxConnections = limit; }
    // Closed connections stay listed up to this many; the oldest closed go first.
    void setClosedConnectionLimit(int limit);

    // The lesson's accept() as a step of its own. With automatic accept off, clients
    // complete the handshake and wait in the kernel's backlog (their connect() has
    // returned) until acceptNext() or acceptAll().
    bool acceptsAutomatically() const { return m_acceptAutomatically; }
    void setAcceptAutomatically(bool automatic);
    // Connections waiting in the backlog (kept up to date while automatic accept is off).
    int waitingConnections() const { return m_waiting; }
    // One accept(); false when nobody is waiting.
    bool acceptNext();
    // accept() until nobody is waiting; the number accepted.
    int acceptAll();

    // bind() + listen() on host (an address or a name) and port (0 = any free port).
    void listen(const QString &host, quint16 port);
    void stopListening();

    bool send(int connectionId, const QByteArray &data);
    // The number of connections the data was queued for.
    int sendTo(const QList<int> &connectionIds, const QByteArray &data);
    int sendToAll(const QByteArray &data);
    void closeConnection(int connectionId);
    void abortConnection(int connectionId);
    void halfCloseConnection(int connectionId);
    void setReadingPaused(int connectionId, bool paused);
    void removeClosedConnections();
    // Stops listening and closes every connection.
    void shutdown() override;
    void abortAll() override;
    bool isClosing() const override;

signals:
    void listenStateChanged(ListenState state);
    void waitingConnectionsChanged(int count);
    void connectionAccepted(TcpConnection *connection);
    // A connection changed state (closed, half-closed, ...).
    void connectionChanged(TcpConnection *connection);

private:
    void listenOn(const SocketAddress &address);
    void acceptIncoming();
    // accept() one waiting connection; false when none is waiting or accept() failed.
    bool acceptOne();
    void watchBacklog();
    void updateWaiting();
    void adoptConnection(std::unique_ptr<SocketHandle> socket, const SocketAddress &peer);
    void handleConnectionState(TcpConnection *connection, ConnectionState state);
    void trimClosedConnections();
    void setListenState(ListenState state);

    ListenState m_listenState = ListenState::NotListening;
    SocketAddress m_listenAddress;
    QString m_listenHost;
    QString m_lastError;
    std::unique_ptr<SocketHandle> m_listener;
    int m_lookupId = -1;
    QTimer m_acceptRetryTimer; // after EMFILE: retry instead of spinning on readiness
    // With automatic accept off, the listener stays readable while anyone waits, so its
    // notifier is switched off and the backlog is looked at on this timer instead; it runs
    // only while someone waits.
    QTimer m_backlogTimer;
    // Closed rows past the limit go in batches: ten thousand clients closing at once would
    // otherwise remove rows from the list one by one.
    QTimer m_trimTimer;
    bool m_acceptAutomatically = true;
    int m_waiting = 0;

    ConnectionListModel m_model;
    QHash<int, TcpConnection *> m_connections; // by id; children of this session
    QList<TcpConnection *> m_closedOrder;      // closed connections, oldest first
    int m_nextConnectionId = 1;
    int m_openCount = 0;
    int m_maxConnections = 0;
    int m_closedLimit = DefaultClosedConnectionLimit;
    QByteArray m_greeting;
};

#pragma once

#include "trafficevent.h"

#include <QObject>
#include <QString>

#include <deque>

// One socket the map draws besides the listening one: a TCP connection's own socket (the
// one accept() or connect() gave) with its peer, or, for UDP, one peer the single bound
// socket has exchanged datagrams with.
struct SocketMapNode
{
    enum class Kind { Connection, Datagram };
    enum class State { Open, PeerFinished, Closed, Reset };

    Kind kind = Kind::Connection;
    int id = 0; // the connection id (#1, #2, ...); for UDP the order the peer was first seen
    QString local;
    QString peer;
    State state = State::Open;
    qint64 bytesIn = 0;
    qint64 bytesOut = 0;
    qint64 lastActivityMsecs = 0; // 0 = no bytes yet
    bool lastOutgoing = false;
    qint64 lastBytes = 0;
};

// The picture of one session's sockets, fed with that session's traffic events: its
// listening (or bound UDP) socket, and one node per connection or UDP peer. Cheap per
// event, because it sees every Sent and Received of a flood: no text is built for bytes,
// and only structure or state changes emit changed().
class SocketMapModel : public QObject
{
    Q_OBJECT

public:
    // Enough for a class of 50 connecting several times over; beyond it the oldest closed
    // nodes go first, so open connections stay visible.
    static constexpr int DefaultMaxNodes = 200;

    explicit SocketMapModel(QObject *parent = nullptr);

    // Connection and datagram nodes, oldest first. The listening socket is not one of them.
    QList<SocketMapNode> nodes() const;
    int nodeCount() const { return int(m_nodes.size()); }
    const SocketMapNode &nodeAt(int index) const { return m_nodes.at(size_t(index)); }
    // Nodes dropped to stay within maxNodes().
    qint64 droppedCount() const { return m_dropped; }
    int maxNodes() const { return m_maxNodes; }
    void setMaxNodes(int maxNodes);

    SessionKind kind() const { return m_kind; }
    // Whether the session has a listening (TCP) or bound (UDP) socket to draw, open or not.
    bool hasListener() const { return !m_listenerAddress.isEmpty(); }
    bool isListening() const { return m_listening; }
    QString listenerAddress() const { return m_listenerAddress; }
    // "listening socket 0.0.0.0:1337", "UDP socket 0.0.0.0:5000", or empty.
    QString listenerText() const;
    // Connections the kernel has completed but accept() has not taken yet.
    int waiting() const { return m_waiting; }

public slots:
    void append(const TrafficEvent &event);
    // Fed from TcpServerSession::waitingConnectionsChanged.
    void setWaiting(int count);
    void clear();

signals:
    // Nodes came or went, or a socket changed state.
    void changed();
    // Bytes moved on nodeAt(nodeIndex); outgoing = this side sent them.
    void activity(int nodeIndex, bool outgoing);

private:
    int indexOfConnection(int id) const;
    int indexOfDatagramPeer(const QString &peer) const;
    int addNode(SocketMapNode node);
    void trim();
    void recordBytes(const TrafficEvent &event);
    void setState(int index, SocketMapNode::State state);

    std::deque<SocketMapNode> m_nodes;
    SessionKind m_kind = SessionKind::TcpServer;
    QString m_listenerAddress;
    bool m_listening = false;
    int m_waiting = 0;
    int m_maxNodes = DefaultMaxNodes;
    qint64 m_dropped = 0;
    // A client's events carry connection 0; each connect() gets the next number here.
    int m_clientConnections = 0;
    int m_datagramPeers = 0;
};

#include "socketmapmodel.h"

#include <algorithm>

SocketMapModel::SocketMapModel(QObject *parent)
    : QObject(parent)
{}

QList<SocketMapNode> SocketMapModel::nodes() const
{
    return QList<SocketMapNode>(m_nodes.cbegin(), m_nodes.cend());
}

void SocketMapModel::setMaxNodes(int maxNodes)
{
    Q_ASSERT(maxNodes > 0);
    m_maxNodes = maxNodes;
    if (int(m_nodes.size()) > m_maxNodes) {
        trim();
        emit changed();
    }
}

QString SocketMapModel::listenerText() const
{
    if (!hasListener())
        return QString();
    if (m_kind == SessionKind::Udp)
        return tr("UDP socket %1").arg(m_listenerAddress);
    return tr("listening socket %1").arg(m_listenerAddress);
}

void SocketMapModel::append(const TrafficEvent &event)
{
    m_kind = event.kind;
    switch (event.type) {
    case EventType::Listening:
        m_listenerAddress = event.local.toString();
        m_listening = true;
        emit changed();
        return;
    case EventType::Stopped:
        m_listening = false;
        m_waiting = 0;
        // The one UDP socket is every datagram node's socket: closing it ends them all.
        // Accepted TCP connections outlive their listening socket.
        if (m_kind == SessionKind::Udp) {
            for (SocketMapNode &node : m_nodes)
                node.state = SocketMapNode::State::Closed;
        }
        emit changed();
        return;
    case EventType::Accepted:
    case EventType::Connected: {
        SocketMapNode node;
        node.kind = SocketMapNode::Kind::Connection;
        node.id = m_kind == SessionKind::TcpClient ? ++m_clientConnections : event.connection;
        node.local = event.local.toString();
        node.peer = event.peer.toString();
        addNode(node);
        emit changed();
        return;
    }
    case EventType::Sent:
    case EventType::Received:
        recordBytes(event);
        return;
    case EventType::Eof: {
        const int index = indexOfConnection(event.connection);
        if (index >= 0 && m_nodes[size_t(index)].state == SocketMapNode::State::Open)
            setState(index, SocketMapNode::State::PeerFinished);
        return;
    }
    case EventType::Closed: {
        const int index = indexOfConnection(event.connection);
        if (index >= 0)
            setState(index,
                     event.reset ? SocketMapNode::State::Reset : SocketMapNode::State::Closed);
        return;
    }
    case EventType::Connecting:
    case EventType::Error:
    case EventType::Note:
        // Nothing to draw: a connection appears once it exists, and an error that ends one
        // is followed by its Closed event.
        return;
    }
}

void SocketMapModel::setWaiting(int count)
{
    if (count == m_waiting)
        return;
    m_waiting = count;
    emit changed();
}

void SocketMapModel::clear()
{
    m_nodes.clear();
    m_listenerAddress.clear();
    m_listening = false;
    m_waiting = 0;
    m_dropped = 0;
    m_clientConnections = 0;
    m_datagramPeers = 0;
    emit changed();
}

int SocketMapModel::indexOfConnection(int id) const
{
    if (m_kind == SessionKind::TcpClient)
        id = m_clientConnections;
    // From the back: traffic is on the newest connections far more often than the oldest,
    // and at most maxNodes() are kept.
    for (int i = int(m_nodes.size()) - 1; i >= 0; --i) {
        const SocketMapNode &node = m_nodes[size_t(i)];
        if (node.kind == SocketMapNode::Kind::Connection && node.id == id)
            return i;
    }
    return -1;
}

int SocketMapModel::indexOfDatagramPeer(const QString &peer) const
{
    for (int i = int(m_nodes.size()) - 1; i >= 0; --i) {
        const SocketMapNode &node = m_nodes[size_t(i)];
        if (node.kind == SocketMapNode::Kind::Datagram && node.peer == peer)
            return i;
    }
    return -1;
}

int SocketMapModel::addNode(SocketMapNode node)
{
    m_nodes.push_back(std::move(node));
    if (int(m_nodes.size()) > m_maxNodes)
        trim();
    return int(m_nodes.size()) - 1;
}

void SocketMapModel::trim()
{
    while (int(m_nodes.size()) > m_maxNodes) {
        // A finished connection says least about the present; without one, the node quiet
        // for longest. The newest node (just added) is never the one dropped.
        auto victim = std::find_if(m_nodes.begin(), m_nodes.end() - 1, [](const SocketMapNode &n) {
            return n.state == SocketMapNode::State::Closed
                   || n.state == SocketMapNode::State::Reset;
        });
        if (victim == m_nodes.end() - 1) {
            victim = std::min_element(m_nodes.begin(),
                                      m_nodes.end() - 1,
                                      [](const SocketMapNode &a, const SocketMapNode &b) {
                                          return a.lastActivityMsecs < b.lastActivityMsecs;
                                      });
        }
        m_nodes.erase(victim);
        ++m_dropped;
    }
}

void SocketMapModel::recordBytes(const TrafficEvent &event)
{
    int index = -1;
    if (m_kind == SessionKind::Udp) {
        // Addresses are compared as the text the map shows: an IPv4-mapped sender and its
        // plain IPv4 form are one peer, as toString() unmaps them.
        const QString peer = event.peer.toString();
        index = indexOfDatagramPeer(peer);
        if (index < 0) {
            SocketMapNode node;
            node.kind = SocketMapNode::Kind::Datagram;
            node.id = ++m_datagramPeers;
            node.local = event.local.toString();
            node.peer = peer;
            index = addNode(node);
            emit changed();
        }
    } else {
        index = indexOfConnection(event.connection);
    }
    if (index < 0)
        return;
    const bool outgoing = event.type == EventType::Sent;
    SocketMapNode &node = m_nodes[size_t(index)];
    (outgoing ? node.bytesOut : node.bytesIn) += event.size();
    node.lastActivityMsecs = event.msecsSinceEpoch;
    node.lastOutgoing = outgoing;
    node.lastBytes = event.size();
    emit activity(index, outgoing);
}

void SocketMapModel::setState(int index, SocketMapNode::State state)
{
    SocketMapNode &node = m_nodes[size_t(index)];
    if (node.state == state)
        return;
    node.state = state;
    emit changed();
}

#include "socketmapmodel.h"

#include <QSignalSpy>
#include <QTest>

// The socket map's model: nodes and edges follow accepts, traffic and closes.
class tst_SocketMapModel : public QObject
{
    Q_OBJECT

private slots:
    void acceptsMakeOneNodePerConnection();
    void trafficMovesCountersAndSignalsDirection();
    void closesChangeState_data();
    void closesChangeState();
    void clientConnectionsAreNumbered();
    void datagramsMakeOneNodePerPeer();
    void stoppingUdpEndsItsPeers();
    void boundedDroppingClosedFirst();
    void notesAndErrorsSignalNothing();
    void waitingFollowsTheBacklog();
};

namespace {

SocketAddress address(const char *ip, quint16 port)
{
    return SocketAddress{QHostAddress(QLatin1String(ip)), port};
}

TrafficEvent serverEvent(EventType type, int connection = 0, quint16 peerPort = 0)
{
    TrafficEvent event;
    event.session = 1;
    event.kind = SessionKind::TcpServer;
    event.type = type;
    event.connection = connection;
    event.local = connection > 0 ? address("127.0.0.1", 1337) : address("0.0.0.0", 1337);
    if (peerPort > 0)
        event.peer = address("127.0.0.1", peerPort);
    return event;
}

TrafficEvent bytes(TrafficEvent event, EventType type, qsizetype size)
{
    event.type = type;
    event.payload = QByteArray(size, 'x');
    event.msecsSinceEpoch = 1000;
    return event;
}

// A server listening on 0.0.0.0:1337 that accepted count connections from ports 50001...
void listenAndAccept(SocketMapModel &model, int count)
{
    model.append(serverEvent(EventType::Listening));
    for (int i = 1; i <= count; ++i)
        model.append(serverEvent(EventType::Accepted, i, quint16(50000 + i)));
}

TrafficEvent datagram(EventType type, quint16 peerPort, qsizetype size)
{
    TrafficEvent event;
    event.session = 2;
    event.kind = SessionKind::Udp;
    event.type = type;
    event.local = address("0.0.0.0", 5000);
    event.peer = address("127.0.0.1", peerPort);
    event.payload = QByteArray(size, 'u');
    return event;
}

} // namespace

void tst_SocketMapModel::acceptsMakeOneNodePerConnection()
{
    SocketMapModel model;
    QSignalSpy changed(&model, &SocketMapModel::changed);
    QVERIFY(!model.hasListener());
    listenAndAccept(model, 3);

    QVERIFY(model.hasListener());
    QVERIFY(model.isListening());
    QCOMPARE(model.listenerText(), QStringLiteral("listening socket 0.0.0.0:1337"));
    const QList<SocketMapNode> nodes = model.nodes();
    QCOMPARE(nodes.size(), 3);
    for (int i = 0; i < 3; ++i) {
        QCOMPARE(nodes[i].kind, SocketMapNode::Kind::Connection);
        QCOMPARE(nodes[i].id, i + 1);
        // Each accepted socket has the listening port as its own local port: the lesson.
        QCOMPARE(nodes[i].local, QStringLiteral("127.0.0.1:1337"));
        QCOMPARE(nodes[i].peer, QStringLiteral("127.0.0.1:%1").arg(50001 + i));
        QCOMPARE(nodes[i].state, SocketMapNode::State::Open);
    }
    QCOMPARE(changed.count(), 4);

    model.append(serverEvent(EventType::Stopped));
    QVERIFY(model.hasListener());
    QVERIFY(!model.isListening());
    // Accepted connections outlive the listening socket.
    QCOMPARE(model.nodes().at(0).state, SocketMapNode::State::Open);
}

void tst_SocketMapModel::trafficMovesCountersAndSignalsDirection()
{
    SocketMapModel model;
    listenAndAccept(model, 3);
    QSignalSpy activity(&model, &SocketMapModel::activity);
    QSignalSpy changed(&model, &SocketMapModel::changed);

    const TrafficEvent second = serverEvent(EventType::Accepted, 2, 50002);
    model.append(bytes(second, EventType::Received, 12));
    model.append(bytes(second, EventType::Sent, 5));
    model.append(bytes(second, EventType::Received, 3));

    QCOMPARE(activity.count(), 3);
    QCOMPARE(activity.at(0).at(0).toInt(), 1);
    QCOMPARE(activity.at(0).at(1).toBool(), false);
    QCOMPARE(activity.at(1).at(1).toBool(), true);
    const SocketMapNode node = model.nodes().at(1);
    QCOMPARE(node.bytesIn, 15);
    QCOMPARE(node.bytesOut, 5);
    QCOMPARE(node.lastBytes, 3);
    QCOMPARE(node.lastOutgoing, false);
    QCOMPARE(node.lastActivityMsecs, 1000);
    // Bytes are not structure: a flood must not repaint the map through changed().
    QCOMPARE(changed.count(), 0);
    QCOMPARE(model.nodes().at(0).bytesIn, 0);

    // Bytes on an unknown connection (dropped, or before the map was attached): ignored.
    model.append(bytes(serverEvent(EventType::Accepted, 99, 50099), EventType::Sent, 1));
    QCOMPARE(activity.count(), 3);
}

void tst_SocketMapModel::closesChangeState_data()
{
    QTest::addColumn<QList<TrafficEvent>>("events");
    QTest::addColumn<SocketMapNode::State>("state");

    const TrafficEvent base = serverEvent(EventType::Accepted, 1, 50001);
    TrafficEvent eof = base;
    eof.type = EventType::Eof;
    TrafficEvent closedByPeer = base;
    closedByPeer.type = EventType::Closed;
    closedByPeer.closedBy = ClosedBy::Peer;
    TrafficEvent closedByUs = closedByPeer;
    closedByUs.closedBy = ClosedBy::Local;
    TrafficEvent reset = closedByPeer;
    reset.reset = true;

    QTest::newRow("eof: peer finished")
        << QList<TrafficEvent>{eof} << SocketMapNode::State::PeerFinished;
    QTest::newRow("eof then closed")
        << QList<TrafficEvent>{eof, closedByPeer} << SocketMapNode::State::Closed;
    QTest::newRow("closed by us") << QList<TrafficEvent>{closedByUs}
                                  << SocketMapNode::State::Closed;
    QTest::newRow("reset") << QList<TrafficEvent>{reset} << SocketMapNode::State::Reset;
    QTest::newRow("eof after close changes nothing")
        << QList<TrafficEvent>{closedByPeer, eof} << SocketMapNode::State::Closed;
}

void tst_SocketMapModel::closesChangeState()
{
    QFETCH(QList<TrafficEvent>, events);
    QFETCH(SocketMapNode::State, state);

    SocketMapModel model;
    listenAndAccept(model, 2);
    QSignalSpy changed(&model, &SocketMapModel::changed);
    for (const TrafficEvent &event : std::as_const(events))
        model.append(event);
    QCOMPARE(model.nodes().at(0).state, state);
    QCOMPARE(model.nodes().at(1).state, SocketMapNode::State::Open);
    QVERIFY(changed.count() >= 1);
}

void tst_SocketMapModel::clientConnectionsAreNumbered()
{
    SocketMapModel model;
    TrafficEvent event;
    event.kind = SessionKind::TcpClient;
    event.local = address("127.0.0.1", 40000);
    event.peer = address("127.0.0.1", 1337);
    event.type = EventType::Connected;
    model.append(event);
    event.type = EventType::Closed;
    model.append(event);
    event.local.port = 40001;
    event.type = EventType::Connected;
    model.append(event);
    QVERIFY(!model.hasListener());

    const QList<SocketMapNode> nodes = model.nodes();
    QCOMPARE(nodes.size(), 2);
    QCOMPARE(nodes[0].id, 1);
    QCOMPARE(nodes[0].state, SocketMapNode::State::Closed);
    QCOMPARE(nodes[1].id, 2);
    QCOMPARE(nodes[1].local, QStringLiteral("127.0.0.1:40001"));
    QCOMPARE(nodes[1].state, SocketMapNode::State::Open);

    // The client's events carry no connection id: they belong to the current connection.
    QSignalSpy activity(&model, &SocketMapModel::activity);
    event.type = EventType::Sent;
    event.payload = "hello";
    model.append(event);
    QCOMPARE(activity.count(), 1);
    QCOMPARE(activity.at(0).at(0).toInt(), 1);
    QCOMPARE(model.nodes().at(1).bytesOut, 5);
}

void tst_SocketMapModel::datagramsMakeOneNodePerPeer()
{
    SocketMapModel model;
    TrafficEvent bound = datagram(EventType::Listening, 0, 0);
    bound.peer = SocketAddress();
    model.append(bound);
    QCOMPARE(model.listenerText(), QStringLiteral("UDP socket 0.0.0.0:5000"));

    QSignalSpy activity(&model, &SocketMapModel::activity);
    QSignalSpy changed(&model, &SocketMapModel::changed);
    model.append(datagram(EventType::Received, 40001, 10));
    model.append(datagram(EventType::Received, 40002, 20));
    model.append(datagram(EventType::Sent, 40001, 4));
    model.append(datagram(EventType::Received, 40001, 1));

    const QList<SocketMapNode> nodes = model.nodes();
    QCOMPARE(nodes.size(), 2);
    QCOMPARE(nodes[0].kind, SocketMapNode::Kind::Datagram);
    QCOMPARE(nodes[0].peer, QStringLiteral("127.0.0.1:40001"));
    QCOMPARE(nodes[0].bytesIn, 11);
    QCOMPARE(nodes[0].bytesOut, 4);
    QCOMPARE(nodes[1].peer, QStringLiteral("127.0.0.1:40002"));
    QCOMPARE(nodes[1].bytesIn, 20);
    QCOMPARE(activity.count(), 4);
    QCOMPARE(activity.at(2).at(1).toBool(), true);
    // Only a new peer is a change of structure.
    QCOMPARE(changed.count(), 2);

    // An IPv4-mapped sender is the same peer as its IPv4 form.
    TrafficEvent mapped = datagram(EventType::Received, 40002, 1);
    mapped.peer.address = QHostAddress(QStringLiteral("::ffff:127.0.0.1"));
    model.append(mapped);
    QCOMPARE(model.nodeCount(), 2);
}

void tst_SocketMapModel::stoppingUdpEndsItsPeers()
{
    SocketMapModel model;
    model.append(datagram(EventType::Listening, 0, 0));
    model.append(datagram(EventType::Received, 40001, 3));
    model.append(datagram(EventType::Stopped, 0, 0));
    QVERIFY(!model.isListening());
    QCOMPARE(model.nodes().at(0).state, SocketMapNode::State::Closed);
}

void tst_SocketMapModel::boundedDroppingClosedFirst()
{
    SocketMapModel model;
    QCOMPARE(model.maxNodes(), SocketMapModel::DefaultMaxNodes);
    listenAndAccept(model, SocketMapModel::DefaultMaxNodes);
    QCOMPARE(model.nodeCount(), SocketMapModel::DefaultMaxNodes);
    QCOMPARE(model.droppedCount(), 0);

    // #10 is closed: it goes before the older but open #1.
    TrafficEvent closed = serverEvent(EventType::Closed, 10, 50010);
    model.append(closed);
    model.append(serverEvent(EventType::Accepted, 201, 50201));
    QCOMPARE(model.nodeCount(), SocketMapModel::DefaultMaxNodes);
    QCOMPARE(model.droppedCount(), 1);
    QCOMPARE(model.nodeAt(0).id, 1);
    QCOMPARE(model.nodeAt(9).id, 11);
    QCOMPARE(model.nodeAt(model.nodeCount() - 1).id, 201);

    // No closed one left: the quietest goes (here the oldest, #1, as none has traffic).
    model.append(serverEvent(EventType::Accepted, 202, 50202));
    QCOMPARE(model.nodeCount(), SocketMapModel::DefaultMaxNodes);
    QCOMPARE(model.nodeAt(0).id, 2);
    QCOMPARE(model.droppedCount(), 2);

    model.setMaxNodes(10);
    QCOMPARE(model.nodeCount(), 10);
    QCOMPARE(model.nodeAt(9).id, 202);
}

void tst_SocketMapModel::notesAndErrorsSignalNothing()
{
    SocketMapModel model;
    listenAndAccept(model, 1);
    QSignalSpy changed(&model, &SocketMapModel::changed);
    QSignalSpy activity(&model, &SocketMapModel::activity);
    TrafficEvent note = serverEvent(EventType::Note, 1, 50001);
    note.message = QStringLiteral("half-closed");
    model.append(note);
    model.append(serverEvent(EventType::Error, 1, 50001));
    model.append(serverEvent(EventType::Connecting, 0, 50001));
    QCOMPARE(changed.count(), 0);
    QCOMPARE(activity.count(), 0);
    QCOMPARE(model.nodeCount(), 1);
}

void tst_SocketMapModel::waitingFollowsTheBacklog()
{
    SocketMapModel model;
    listenAndAccept(model, 0);
    QSignalSpy changed(&model, &SocketMapModel::changed);
    model.setWaiting(4);
    model.setWaiting(4);
    QCOMPARE(model.waiting(), 4);
    QCOMPARE(changed.count(), 1);
    model.append(serverEvent(EventType::Stopped));
    QCOMPARE(model.waiting(), 0);

    model.clear();
    QVERIFY(!model.hasListener());
    QCOMPARE(model.nodeCount(), 0);
}

QTEST_GUILESS_MAIN(tst_SocketMapModel)
#include "tst_socketmapmodel.moc"

#include "connectiontimeline.h"
#include "tcpclientsession.h"
#include "tcpconnection.h"
#include "tcpserversession.h"
#include "udppeersession.h"

#include <QSignalSpy>
#include <QTest>

// The connection timeline's model: the exact steps scripted event sequences become, its
// bounds under a flood, and the steps real loopback sockets make.
class tst_ConnectionTimeline : public QObject
{
    Q_OBJECT

private slots:
    void serverAcceptTrafficAndPeerFin();
    void clientConnectAndHalfClose();
    void resets_data();
    void resets();
    void clientAttemptsAreNumbered();
    void previewIsShortPythonBytes_data();
    void previewIsShortPythonBytes();
    void floodCollapsesIntoOneRun();
    void alternatingFloodStaysBounded();
    void udpPeersAreConnections();
    void droppedConnectionsOldestClosedFirst();
    void notificationsAreCoalesced();
    void clearForgetsEverything();
    void realServerAndClient();
    void realResetFromPeer();
    void realUdpPeers();
};

namespace {

SocketAddress address(const char *ip, quint16 port)
{
    return SocketAddress{QHostAddress(QLatin1String(ip)), port};
}

TrafficEvent serverEvent(EventType type, int connection = 1, const QByteArray &payload = {})
{
    TrafficEvent event;
    event.session = 1;
    event.kind = SessionKind::TcpServer;
    event.type = type;
    event.connection = connection;
    event.local = address("127.0.0.1", 1337);
    event.peer = address("127.0.0.1", quint16(54320 + connection));
    event.payload = payload;
    event.msecsSinceEpoch = 1000;
    return event;
}

TrafficEvent clientEvent(EventType type, const QByteArray &payload = {})
{
    TrafficEvent event;
    event.session = 2;
    event.kind = SessionKind::TcpClient;
    event.type = type;
    if (type != EventType::Connecting)
        event.local = address("127.0.0.1", 40000);
    event.peer = address("127.0.0.1", 1337);
    event.payload = payload;
    event.msecsSinceEpoch = 2000;
    return event;
}

TrafficEvent closed(TrafficEvent event, ClosedBy by, bool reset = false)
{
    event.type = EventType::Closed;
    event.closedBy = by;
    event.reset = reset;
    return event;
}

TrafficEvent withMessage(TrafficEvent event, EventType type, const QString &message)
{
    event.type = type;
    event.message = message;
    return event;
}

TrafficEvent datagram(EventType type, const char *ip, quint16 port, const QByteArray &payload)
{
    TrafficEvent event;
    event.session = 3;
    event.kind = SessionKind::Udp;
    event.type = type;
    event.local = address("0.0.0.0", 5000);
    event.peer = address(ip, port);
    event.payload = payload;
    return event;
}

QString kindName(TimelineEntry::Kind kind)
{
    switch (kind) {
    case TimelineEntry::Kind::Syn:
        return QStringLiteral("SYN");
    case TimelineEntry::Kind::SynAck:
        return QStringLiteral("SYN-ACK");
    case TimelineEntry::Kind::Ack:
        return QStringLiteral("ACK");
    case TimelineEntry::Kind::Connected:
        return QStringLiteral("connected");
    case TimelineEntry::Kind::Accepted:
        return QStringLiteral("accepted");
    case TimelineEntry::Kind::Sent:
        return QStringLiteral("sent");
    case TimelineEntry::Kind::Received:
        return QStringLiteral("received");
    case TimelineEntry::Kind::PeerFin:
        return QStringLiteral("peer FIN");
    case TimelineEntry::Kind::LocalFin:
        return QStringLiteral("local FIN");
    case TimelineEntry::Kind::Closed:
        return QStringLiteral("closed");
    case TimelineEntry::Kind::Reset:
        return QStringLiteral("RST");
    case TimelineEntry::Kind::Error:
        return QStringLiteral("error");
    case TimelineEntry::Kind::Note:
        return QStringLiteral("note");
    case TimelineEntry::Kind::Run:
        return QStringLiteral("run");
    case TimelineEntry::Kind::Gap:
        return QStringLiteral("gap");
    }
    return QString();
}

// One line per step, so a whole timeline compares at once and a failure shows which step:
// "SYN peer->app by OS", "received peer->app 12 recv(1024) b'Hello world!'".
QString describe(const TimelineEntry &entry)
{
    QString text = kindName(entry.kind);
    switch (entry.direction) {
    case TimelineEntry::Direction::AppToPeer:
        text += QStringLiteral(" app->peer");
        break;
    case TimelineEntry::Direction::PeerToApp:
        text += QStringLiteral(" peer->app");
        break;
    case TimelineEntry::Direction::Local:
        break;
    }
    if (entry.byOperatingSystem)
        text += QStringLiteral(" by OS");
    if (entry.halfClose)
        text += QStringLiteral(" shutdown");
    if (entry.runCount != 1)
        text += QStringLiteral(" x") + QString::number(entry.runCount);
    if (entry.bytes > 0)
        text += QLatin1Char(' ') + QString::number(entry.bytes);
    if (entry.recvSize > 0)
        text += QStringLiteral(" recv(") + QString::number(entry.recvSize) + QLatin1Char(')');
    if (entry.truncatedFrom >= 0)
        text += QStringLiteral(" cut from ") + QString::number(entry.truncatedFrom);
    if (!entry.firstBytes.isEmpty() && entry.kind != TimelineEntry::Kind::Run)
        text += QLatin1Char(' ') + entry.preview();
    if (!entry.message.isEmpty())
        text += QStringLiteral(": ") + entry.message;
    return text;
}

QStringList describe(const ConnectionTimeline &timeline, int key)
{
    QStringList lines;
    for (const TimelineEntry &entry : timeline.entries(key))
        lines << describe(entry);
    return lines;
}

const QStringList ServerHandshake = {
    QStringLiteral("SYN peer->app by OS"),
    QStringLiteral("SYN-ACK app->peer by OS"),
    QStringLiteral("ACK peer->app by OS"),
    QStringLiteral("accepted"),
};

const QStringList ClientHandshake = {
    QStringLiteral("SYN app->peer by OS"),
    QStringLiteral("SYN-ACK peer->app by OS"),
    QStringLiteral("ACK app->peer by OS"),
    QStringLiteral("connected"),
};

// Each step counts as this many traffic events: what a Run or a Gap stands for.
qint64 stepsIn(const ConnectionTimeline &timeline, int key, qint64 *bytes)
{
    qint64 steps = 0;
    *bytes = 0;
    for (const TimelineEntry &entry : timeline.entries(key)) {
        switch (entry.kind) {
        case TimelineEntry::Kind::Sent:
        case TimelineEntry::Kind::Received:
        case TimelineEntry::Kind::Run:
        case TimelineEntry::Kind::Gap:
            steps += entry.runCount;
            *bytes += entry.bytes;
            break;
        default:
            break;
        }
    }
    return steps;
}

} // namespace

void tst_ConnectionTimeline::serverAcceptTrafficAndPeerFin()
{
    ConnectionTimeline timeline;
    timeline.setRecvSize(1024);
    timeline.append(serverEvent(EventType::Listening, 0));
    timeline.append(serverEvent(EventType::Accepted));
    timeline.append(serverEvent(EventType::Received, 1, "Hello world!"));
    timeline.append(serverEvent(EventType::Sent, 1, "Hello world!"));
    timeline.append(serverEvent(EventType::Eof));
    timeline.append(closed(serverEvent(EventType::Closed), ClosedBy::Peer));

    QCOMPARE(timeline.connectionCount(), 1);
    const TimelineConnection connection = timeline.connections().first();
    QCOMPARE(connection.key, 1);
    QCOMPARE(connection.label, QStringLiteral("#1 127.0.0.1:54321"));
    QVERIFY(!connection.open);
    QCOMPARE(connection.bytesReceived, 12);
    QCOMPARE(connection.bytesSent, 12);
    QCOMPARE(timeline.appLaneTitle(1), QStringLiteral("this app 127.0.0.1:1337"));
    QCOMPARE(timeline.peerLaneTitle(1), QStringLiteral("peer 127.0.0.1:54321"));

    const QStringList expected
        = ServerHandshake
          + QStringList{
              QStringLiteral("received peer->app 12 recv(1024) b'Hello world!'"),
              QStringLiteral("sent app->peer 12 b'Hello world!'"),
              QStringLiteral("peer FIN peer->app recv(1024)"),
              // The server closes after the peer's FIN: its own FIN, by close().
              QStringLiteral("local FIN app->peer"),
          };
    QCOMPARE(describe(timeline, 1), expected);
    // The handshake is dated by accept() returning; nothing else is known.
    QCOMPARE(timeline.entryAt(1, 0).msecsSinceEpoch, 1000);

    // Events after the end, or of another session's listening socket, add nothing.
    timeline.append(closed(serverEvent(EventType::Closed), ClosedBy::Local));
    timeline.append(serverEvent(EventType::Stopped, 0));
    QCOMPARE(timeline.entryCount(1), 8);
}

void tst_ConnectionTimeline::clientConnectAndHalfClose()
{
    ConnectionTimeline timeline;
    timeline.append(clientEvent(EventType::Connecting));
    QCOMPARE(describe(timeline, 1), QStringList{QStringLiteral("SYN app->peer by OS")});
    QCOMPARE(timeline.appLaneTitle(1), QStringLiteral("this app"));
    QVERIFY(timeline.connection(1).open);

    timeline.append(clientEvent(EventType::Connected));
    timeline.append(clientEvent(EventType::Sent, "GET / HTTP/1.0\r\n\r\n"));
    TrafficEvent halfClose = withMessage(clientEvent(EventType::Note),
                                         EventType::Note,
                                         TcpConnection::halfCloseNote());
    halfClose.detail = EventDetail::HalfClose;
    timeline.append(halfClose);
    timeline.append(clientEvent(EventType::Received, QByteArray(3000, 'x')));
    timeline.append(clientEvent(EventType::Eof));
    timeline.append(closed(clientEvent(EventType::Closed), ClosedBy::Peer));

    QCOMPARE(timeline.appLaneTitle(1), QStringLiteral("this app 127.0.0.1:40000"));
    QCOMPARE(timeline.peerLaneTitle(1), QStringLiteral("peer 127.0.0.1:1337"));
    QCOMPARE(timeline.connection(1).label, QStringLiteral("#1 127.0.0.1:1337"));
    const QStringList expected
        = ClientHandshake
          + QStringList{
              QStringLiteral("sent app->peer 18 b'GET / HTTP/1.0\\r\\n\\r\\n'"),
              QStringLiteral("local FIN app->peer shutdown"),
              QStringLiteral(
                  "received peer->app 3000 recv(65536) b'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx…"),
              QStringLiteral("peer FIN peer->app recv(65536)"),
              // Our FIN went with shutdown(): close() sends no second one.
              QStringLiteral("closed: close(): the socket is closed; its FIN went with "
                             "shutdown()"),
          };
    QCOMPARE(describe(timeline, 1), expected);
    QVERIFY(!timeline.connection(1).open);
}

void tst_ConnectionTimeline::resets_data()
{
    QTest::addColumn<QList<TrafficEvent>>("events");
    QTest::addColumn<QStringList>("ending");

    const TrafficEvent base = serverEvent(EventType::Accepted);
    const QString resetMessage = QStringLiteral("connection reset by peer");
    QTest::newRow("reset by peer: the RST, then the failed call")
        << QList<TrafficEvent>{withMessage(base, EventType::Error, resetMessage),
                               closed(base, ClosedBy::Peer, true)}
        << QStringList{QStringLiteral("RST peer->app by OS"),
                       QStringLiteral("error: connection reset by peer")};
    QTest::newRow("abort: this app's RST")
        << QList<TrafficEvent>{closed(base, ClosedBy::Local, true)}
        << QStringList{QStringLiteral("RST app->peer")};
    QTest::newRow("lost: an error, then the socket closed without a FIN")
        << QList<TrafficEvent>{withMessage(base, EventType::Error, QStringLiteral("timed out")),
                               closed(base, ClosedBy::Local)}
        << QStringList{QStringLiteral("error: timed out"),
                       QStringLiteral("closed: the socket is closed after the error")};
    QTest::newRow("close by this app: FIN") << QList<TrafficEvent>{closed(base, ClosedBy::Local)}
                                            << QStringList{QStringLiteral("local FIN app->peer")};
    QTest::newRow("server note stays a note")
        << QList<TrafficEvent>{withMessage(base, EventType::Note, QStringLiteral("limit")),
                               closed(base, ClosedBy::Local)}
        << QStringList{QStringLiteral("note: limit"), QStringLiteral("local FIN app->peer")};
}

void tst_ConnectionTimeline::resets()
{
    QFETCH(QList<TrafficEvent>, events);
    QFETCH(QStringList, ending);

    ConnectionTimeline timeline;
    timeline.append(serverEvent(EventType::Accepted));
    for (const TrafficEvent &event : std::as_const(events))
        timeline.append(event);
    QCOMPARE(describe(timeline, 1), ServerHandshake + ending);
    QVERIFY(!timeline.connection(1).open);
}

void tst_ConnectionTimeline::clientAttemptsAreNumbered()
{
    ConnectionTimeline timeline;
    // localhost: ::1 refused (a note, the next address is tried), then 127.0.0.1 refused.
    TrafficEvent connecting = clientEvent(EventType::Connecting);
    connecting.peer = address("::1", 1);
    timeline.append(connecting);
    timeline.append(withMessage(connecting, EventType::Note, QStringLiteral("refused ::1")));
    connecting.peer = address("127.0.0.1", 1);
    timeline.append(connecting);
    timeline.append(withMessage(connecting, EventType::Error, QStringLiteral("refused")));
    // A later name that is not found: no connect(), so no connection to blame.
    timeline.append(withMessage(clientEvent(EventType::Error), EventType::Error, "not found"));
    // Then a connection that works.
    timeline.append(clientEvent(EventType::Connecting));
    timeline.append(clientEvent(EventType::Connected));
    timeline.append(clientEvent(EventType::Sent, "hi"));

    const QList<TimelineConnection> connections = timeline.connections();
    QCOMPARE(connections.size(), 3);
    QCOMPARE(connections[0].label, QStringLiteral("#1 [::1]:1"));
    QVERIFY(!connections[0].open);
    QCOMPARE(connections[1].label, QStringLiteral("#2 127.0.0.1:1"));
    QVERIFY(!connections[1].open);
    QVERIFY(connections[2].open);
    QCOMPARE(describe(timeline, 1),
             (QStringList{QStringLiteral("SYN app->peer by OS"),
                          QStringLiteral("error: refused ::1")}));
    QCOMPARE(describe(timeline, 2),
             (QStringList{QStringLiteral("SYN app->peer by OS"), QStringLiteral("error: refused")}));
    const QStringList expected = ClientHandshake + QStringList{"sent app->peer 2 b'hi'"};
    QCOMPARE(describe(timeline, 3), expected);

    // A Connected without its Connecting (a timeline fed late) still gets the whole handshake.
    ConnectionTimeline late;
    late.append(clientEvent(EventType::Connected));
    QCOMPARE(describe(late, 1), ClientHandshake);
}

void tst_ConnectionTimeline::previewIsShortPythonBytes_data()
{
    QTest::addColumn<QByteArray>("payload");
    QTest::addColumn<QString>("preview");

    QTest::newRow("short") << QByteArray("Hello world!") << QStringLiteral("b'Hello world!'");
    QTest::newRow("escapes") << QByteArray("a\r\n\x00\xff", 5)
                             << QStringLiteral("b'a\\r\\n\\x00\\xff'");
    QTest::newRow("quote") << QByteArray("it's") << QStringLiteral("b\"it's\"");
    QTest::newRow("long") << QByteArray(100000, 'A')
                          << QString(QStringLiteral("b'") + QString(36, QLatin1Char('A'))
                                     + QChar(0x2026));
}

void tst_ConnectionTimeline::previewIsShortPythonBytes()
{
    QFETCH(QByteArray, payload);
    QFETCH(QString, preview);

    ConnectionTimeline timeline;
    timeline.append(serverEvent(EventType::Accepted));
    timeline.append(serverEvent(EventType::Received, 1, payload));
    const TimelineEntry entry = timeline.entries(1).last();
    QCOMPARE(entry.preview(), preview);
    QVERIFY(entry.preview().size() <= TimelineEntry::PreviewChars);
    QCOMPARE(entry.bytes, payload.size());
    // Only the first bytes are kept, however large the read.
    QVERIFY(entry.firstBytes.size() <= TimelineEntry::PreviewChars);
}

void tst_ConnectionTimeline::floodCollapsesIntoOneRun()
{
    ConnectionTimeline timeline;
    timeline.setRecvSize(1024);
    timeline.append(serverEvent(EventType::Accepted));
    constexpr int Reads = 200000;
    const TrafficEvent read = serverEvent(EventType::Received, 1, QByteArray(1024, 'r'));
    for (int i = 0; i < Reads; ++i)
        timeline.append(read);

    // The first steps one by one, then the rest of the flood as a single row.
    const int head = ConnectionTimeline::DefaultHeadLimit;
    QCOMPARE(timeline.entryCount(1), head + 1);
    const TimelineEntry run = timeline.entryAt(1, head);
    QCOMPARE(run.kind, TimelineEntry::Kind::Run);
    QCOMPARE(run.direction, TimelineEntry::Direction::PeerToApp);
    QCOMPARE(run.runCount, Reads - (head - 4));
    QCOMPARE(run.bytes, run.runCount * 1024);
    QCOMPARE(run.recvSize, 1024);
    QCOMPARE(timeline.entryAt(1, head - 1).kind, TimelineEntry::Kind::Received);

    // A send ends the run; the next reads start another; a new recv size too.
    timeline.append(serverEvent(EventType::Sent, 1, "ok"));
    timeline.append(read);
    timeline.append(read);
    timeline.setRecvSize(10);
    timeline.append(read);
    timeline.append(serverEvent(EventType::Eof));
    const QList<TimelineEntry> entries = timeline.entries(1);
    QCOMPARE(entries.size(), head + 5);
    QCOMPARE(describe(entries[head + 1]), QStringLiteral("sent app->peer 2 b'ok'"));
    QCOMPARE(describe(entries[head + 2]), QStringLiteral("run peer->app x2 2048 recv(1024)"));
    QCOMPARE(entries[head + 3].recvSize, 10);
    QCOMPARE(entries[head + 4].kind, TimelineEntry::Kind::PeerFin);

    qint64 bytes = 0;
    QCOMPARE(stepsIn(timeline, 1, &bytes), Reads + 4);
    QCOMPARE(bytes, qint64(Reads + 3) * 1024 + 2);
    const TimelineConnection connection = timeline.connection(1);
    QCOMPARE(connection.reads, Reads + 3);
    QCOMPARE(connection.sends, 1);
}

void tst_ConnectionTimeline::alternatingFloodStaysBounded()
{
    // An echo: read, send, read, send... never two alike in a row, so nothing merges; the
    // middle is summed up in a gap between the first and the last steps.
    ConnectionTimeline timeline;
    timeline.setEntryLimits(20, 10);
    timeline.append(serverEvent(EventType::Accepted));
    constexpr int Rounds = 50000;
    for (int i = 0; i < Rounds; ++i) {
        timeline.append(serverEvent(EventType::Received, 1, "ping"));
        timeline.append(serverEvent(EventType::Sent, 1, "ping"));
    }
    timeline.append(closed(serverEvent(EventType::Closed), ClosedBy::Local));

    QCOMPARE(timeline.entryCount(1), 20 + 1 + 10);
    const TimelineEntry gap = timeline.entryAt(1, 20);
    QCOMPARE(gap.kind, TimelineEntry::Kind::Gap);
    // 16 steps before it, 9 after it (the 10th is the FIN).
    QCOMPARE(gap.runCount, 2 * Rounds - 16 - 9);
    QCOMPARE(gap.bytes, gap.runCount * 4);
    QCOMPARE(timeline.entryAt(1, 19).kind, TimelineEntry::Kind::Sent);
    QCOMPARE(timeline.entries(1).last().kind, TimelineEntry::Kind::LocalFin);
    qint64 bytes = 0;
    QCOMPARE(stepsIn(timeline, 1, &bytes), 2 * Rounds);
    QCOMPARE(bytes, 2 * Rounds * 4);
}

void tst_ConnectionTimeline::udpPeersAreConnections()
{
    ConnectionTimeline timeline;
    timeline.setRecvSize(1024);
    timeline.append(datagram(EventType::Listening, "0.0.0.0", 0, {}));
    timeline.append(datagram(EventType::Received, "127.0.0.1", 40001, "ping"));
    timeline.append(datagram(EventType::Sent, "127.0.0.1", 40001, "pong"));
    timeline.append(datagram(EventType::Received, "127.0.0.1", 40002, "hello"));
    // The same sender seen through a dual-stack socket: the same peer.
    timeline.append(datagram(EventType::Received, "::ffff:127.0.0.1", 40001, "again"));
    TrafficEvent cut = datagram(EventType::Received, "127.0.0.1", 40002, QByteArray(1024, 'c'));
    cut.truncatedFrom = 3000;
    timeline.append(cut);
    timeline.append(withMessage(datagram(EventType::Error, "127.0.0.1", 40003, {}),
                                EventType::Error,
                                QStringLiteral("unreachable")));
    TrafficEvent socketError = withMessage(datagram(EventType::Error, "127.0.0.1", 1, {}),
                                           EventType::Error,
                                           QStringLiteral("not about a peer"));
    socketError.peer = SocketAddress();
    timeline.append(socketError);

    const QList<TimelineConnection> connections = timeline.connections();
    QCOMPARE(connections.size(), 3);
    QCOMPARE(connections[0].label, QStringLiteral("#1 127.0.0.1:40001"));
    QCOMPARE(connections[1].label, QStringLiteral("#2 127.0.0.1:40002"));
    QCOMPARE(timeline.appLaneTitle(1), QStringLiteral("this app 0.0.0.0:5000"));
    const QString note = QStringLiteral(
        "note: UDP: no connection and no handshake; each datagram travels on its own");
    QCOMPARE(describe(timeline, 1),
             (QStringList{note,
                          QStringLiteral("received peer->app 4 recv(1024) b'ping'"),
                          QStringLiteral("sent app->peer 4 b'pong'"),
                          QStringLiteral("received peer->app 5 recv(1024) b'again'")}));
    QCOMPARE(describe(timeline, 2),
             (QStringList{note,
                          QStringLiteral("received peer->app 5 recv(1024) b'hello'"),
                          QStringLiteral("received peer->app 1024 recv(1024) cut from 3000 "
                                         "b'cccccccccccccccccccccccccccccccccccc…")}));
    QCOMPARE(describe(timeline, 3), (QStringList{note, QStringLiteral("error: unreachable")}));

    // Closing the one socket ends every peer; traffic after binding again reopens one.
    timeline.append(withMessage(datagram(EventType::Stopped, "0.0.0.0", 0, {}),
                                EventType::Stopped,
                                QStringLiteral("closed")));
    QVERIFY(!timeline.connection(1).open);
    QCOMPARE(describe(timeline, 2).last(), QStringLiteral("closed: the UDP socket was closed"));
    timeline.append(datagram(EventType::Received, "127.0.0.1", 40001, "back"));
    QVERIFY(timeline.connection(1).open);
    QVERIFY(!timeline.connection(2).open);
}

void tst_ConnectionTimeline::droppedConnectionsOldestClosedFirst()
{
    ConnectionTimeline timeline;
    timeline.setMaxConnections(3);
    for (int i = 1; i <= 3; ++i)
        timeline.append(serverEvent(EventType::Accepted, i));
    timeline.append(closed(serverEvent(EventType::Closed, 2), ClosedBy::Peer));
    timeline.append(serverEvent(EventType::Accepted, 4));

    auto keys = [&timeline] {
        QList<int> result;
        for (const TimelineConnection &connection : timeline.connections())
            result << connection.key;
        return result;
    };
    // #2 was the only closed one: it went, though #1 is older.
    QCOMPARE(keys(), (QList<int>{1, 3, 4}));
    QCOMPARE(timeline.droppedConnections(), 1);
    QVERIFY(!timeline.hasConnection(2));
    QCOMPARE(timeline.entryCount(2), 0);
    // Traffic of a dropped connection is ignored, not a new connection.
    timeline.append(serverEvent(EventType::Received, 2, "late"));
    QCOMPARE(timeline.connectionCount(), 3);

    // All open: the oldest goes.
    timeline.append(serverEvent(EventType::Accepted, 5));
    QCOMPARE(keys(), (QList<int>{3, 4, 5}));
    QCOMPARE(timeline.droppedConnections(), 2);

    // Lowering the limit drops at once.
    timeline.setMaxConnections(1);
    QCOMPARE(keys(), (QList<int>{5}));
    QCOMPARE(timeline.droppedConnections(), 4);
}

void tst_ConnectionTimeline::notificationsAreCoalesced()
{
    ConnectionTimeline timeline;
    QSignalSpy connectionsChanged(&timeline, &ConnectionTimeline::connectionsChanged);
    QSignalSpy entriesChanged(&timeline, &ConnectionTimeline::entriesChanged);
    timeline.append(serverEvent(EventType::Accepted, 1));
    timeline.append(serverEvent(EventType::Accepted, 2));
    const TrafficEvent read = serverEvent(EventType::Received, 1, "x");
    for (int i = 0; i < 100000; ++i)
        timeline.append(read);
    // Nothing is announced per event...
    QCOMPARE(connectionsChanged.count(), 0);
    QCOMPARE(entriesChanged.count(), 0);
    // ...but once, for each connection that changed.
    QVERIFY(connectionsChanged.wait());
    QCOMPARE(connectionsChanged.count(), 1);
    QCOMPARE(entriesChanged.count(), 2);
    QCOMPARE(entriesChanged.at(0).at(0).toInt(), 1);
    QCOMPARE(entriesChanged.at(1).at(0).toInt(), 2);

    // Bytes alone change the entries, not the list of connections.
    for (int i = 0; i < 1000; ++i)
        timeline.append(read);
    QVERIFY(entriesChanged.wait());
    QCOMPARE(entriesChanged.count(), 3);
    QCOMPARE(entriesChanged.last().at(0).toInt(), 1);
    QCOMPARE(connectionsChanged.count(), 1);

    // A close changes the list (open or closed).
    timeline.append(closed(serverEvent(EventType::Closed, 2), ClosedBy::Peer));
    QVERIFY(connectionsChanged.wait());
    QCOMPARE(entriesChanged.last().at(0).toInt(), 2);
}

void tst_ConnectionTimeline::clearForgetsEverything()
{
    ConnectionTimeline timeline;
    timeline.setMaxConnections(1);
    timeline.append(clientEvent(EventType::Connecting));
    timeline.append(clientEvent(EventType::Connecting));
    QCOMPARE(timeline.droppedConnections(), 1);
    QSignalSpy connectionsChanged(&timeline, &ConnectionTimeline::connectionsChanged);
    QSignalSpy entriesChanged(&timeline, &ConnectionTimeline::entriesChanged);
    timeline.clear();
    QCOMPARE(connectionsChanged.count(), 1);
    QCOMPARE(timeline.connectionCount(), 0);
    QCOMPARE(timeline.droppedConnections(), 0);
    timeline.append(clientEvent(EventType::Connecting));
    QCOMPARE(timeline.connections().first().key, 1);
    QVERIFY(connectionsChanged.wait());
    // Nothing is announced about connections that were cleared.
    QCOMPARE(entriesChanged.count(), 1);
}

void tst_ConnectionTimeline::realServerAndClient()
{
    TcpServerSession server(1);
    TcpClientSession client(2);
    server.setRecvSize(1024);
    ConnectionTimeline serverTimeline;
    ConnectionTimeline clientTimeline;
    serverTimeline.setRecvSize(server.recvSize());
    clientTimeline.setRecvSize(client.recvSize());
    connect(&server, &Session::eventOccurred, &serverTimeline, &ConnectionTimeline::append);
    connect(&client, &Session::eventOccurred, &clientTimeline, &ConnectionTimeline::append);
    connect(&server, &Session::recvSizeChanged, &serverTimeline, &ConnectionTimeline::setRecvSize);

    server.listen(QStringLiteral("127.0.0.1"), 0);
    QVERIFY(server.isListening());
    client.connectToHost(QStringLiteral("127.0.0.1"), server.listenAddress().port);
    QTRY_COMPARE(client.state(), ConnectionState::Connected);
    QTRY_COMPARE(serverTimeline.connectionCount(), 1);

    QVERIFY(client.send("Hello world!"));
    QTRY_COMPARE(serverTimeline.connection(1).bytesReceived, 12);
    QVERIFY(server.send(1, "Hi!"));
    QTRY_COMPARE(clientTimeline.connection(1).bytesReceived, 3);
    // The client half-closes; the server reads b'' and closes in turn; the client reads b''.
    client.halfClose();
    QTRY_VERIFY(!clientTimeline.connection(1).open);
    QTRY_VERIFY(!serverTimeline.connection(1).open);

    const QString clientAddress = client.localAddress().toString();
    const QString serverAddress = server.listenAddress().toString();
    QCOMPARE(serverTimeline.peerLaneTitle(1), QString(QStringLiteral("peer ") + clientAddress));
    QCOMPARE(serverTimeline.appLaneTitle(1), QString(QStringLiteral("this app ") + serverAddress));
    QCOMPARE(clientTimeline.peerLaneTitle(1), QString(QStringLiteral("peer ") + serverAddress));
    const QStringList expected
        = ServerHandshake
          + QStringList{QStringLiteral("received peer->app 12 recv(1024) b'Hello world!'"),
                        QStringLiteral("sent app->peer 3 b'Hi!'"),
                        QStringLiteral("peer FIN peer->app recv(1024)"),
                        QStringLiteral("local FIN app->peer")};
    QCOMPARE(describe(serverTimeline, 1), expected);
    const QStringList expectedClient
        = ClientHandshake
          + QStringList{QStringLiteral("sent app->peer 12 b'Hello world!'"),
                        QStringLiteral("received peer->app 3 recv(65536) b'Hi!'"),
                        QStringLiteral("local FIN app->peer shutdown"),
                        QStringLiteral("peer FIN peer->app recv(65536)"),
                        QStringLiteral("closed: close(): the socket is closed; its FIN "
                                       "went with shutdown()")};
    QCOMPARE(describe(clientTimeline, 1), expectedClient);
}

void tst_ConnectionTimeline::realResetFromPeer()
{
    TcpServerSession server(1);
    TcpClientSession client(2);
    ConnectionTimeline clientTimeline;
    ConnectionTimeline serverTimeline;
    connect(&client, &Session::eventOccurred, &clientTimeline, &ConnectionTimeline::append);
    connect(&server, &Session::eventOccurred, &serverTimeline, &ConnectionTimeline::append);
    server.listen(QStringLiteral("127.0.0.1"), 0);
    QVERIFY(server.isListening());
    client.connectToHost(QStringLiteral("127.0.0.1"), server.listenAddress().port);
    QTRY_COMPARE(serverTimeline.connectionCount(), 1);
    QTRY_COMPARE(client.state(), ConnectionState::Connected);

    server.abortConnection(1);
    QTRY_VERIFY(!clientTimeline.connection(1).open);
    const QStringList expected = ServerHandshake + QStringList{"RST app->peer"};
    QCOMPARE(describe(serverTimeline, 1), expected);
    const QList<TimelineEntry> entries = clientTimeline.entries(1);
    QCOMPARE(entries.size(), 6);
    QCOMPARE(describe(entries[4]), QStringLiteral("RST peer->app by OS"));
    QCOMPARE(entries[5].kind, TimelineEntry::Kind::Error);
    QVERIFY2(entries[5].message.contains(QStringLiteral("reset")), qPrintable(entries[5].message));

    // Connecting again is connection #2, refused: nothing listens on port 1. (Not the
    // server's closed port: a client could be given that very port and connect to itself.)
    client.connectToHost(QStringLiteral("127.0.0.1"), 1);
    QTRY_COMPARE(client.state(), ConnectionState::Unconnected);
    QCOMPARE(clientTimeline.connectionCount(), 2);
    QVERIFY(!clientTimeline.connection(2).open);
    const QList<TimelineEntry> refused = clientTimeline.entries(2);
    QCOMPARE(refused.size(), 2);
    QCOMPARE(describe(refused[0]), QStringLiteral("SYN app->peer by OS"));
    QCOMPARE(refused[1].kind, TimelineEntry::Kind::Error);
    QVERIFY2(refused[1].message.contains(QStringLiteral("refused")), qPrintable(refused[1].message));
}

void tst_ConnectionTimeline::realUdpPeers()
{
    UdpPeerSession server(1);
    UdpPeerSession first(2);
    UdpPeerSession second(3);
    ConnectionTimeline timeline;
    timeline.setRecvSize(server.recvSize());
    connect(&server, &Session::eventOccurred, &timeline, &ConnectionTimeline::append);
    server.bind(QStringLiteral("127.0.0.1"), 0);
    first.bind(QStringLiteral("127.0.0.1"), 0);
    second.bind(QStringLiteral("127.0.0.1"), 0);
    QVERIFY(server.isBound() && first.isBound() && second.isBound());

    QVERIFY(first.sendTo(server.localAddress(), "one"));
    QTRY_COMPARE(timeline.connectionCount(), 1);
    QVERIFY(second.sendTo(server.localAddress(), "two"));
    QTRY_COMPARE(timeline.connectionCount(), 2);
    QVERIFY(server.sendTo(first.localAddress(), "reply"));
    QTRY_COMPARE(timeline.connection(1).bytesSent, 5);

    QCOMPARE(timeline.connection(1).peer, first.localAddress());
    QCOMPARE(timeline.connection(2).peer, second.localAddress());
    const QStringList firstSteps = describe(timeline, 1);
    QCOMPARE(firstSteps.size(), 3);
    QCOMPARE(firstSteps[1], QStringLiteral("received peer->app 3 recv(65536) b'one'"));
    QCOMPARE(firstSteps[2], QStringLiteral("sent app->peer 5 b'reply'"));
}

QTEST_GUILESS_MAIN(tst_ConnectionTimeline)
#include "tst_connectiontimeline.moc"

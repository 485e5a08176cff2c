#include "eventcollector.h"
#include "tcpclientsession.h"
#include "tcpserversession.h"

#include <QAbstractItemModelTester>
#include <QNetworkInterface>
#include <QProcess>
#include <QRandomGenerator>
#include <QSignalSpy>
#include <QTest>

#include <memory>

// The TCP client and server sessions against each other over real loopback sockets.
class tst_TcpSessions : public QObject
{
    Q_OBJECT

private slots:
    void listenReportsTheRealPort_data();
    void listenReportsTheRealPort();
    void clientAndServerTalk_data();
    void clientAndServerTalk();
    void hostNameIsLookedUp();
    void sendOnConnectedComesAfterTheConnectedEvent();
    void recvSizeSplitsReads();
    void clientCloseIsEofThenClosedByPeer();
    void abortIsAResetOnTheOtherSide();
    void halfCloseKeepsReading();
    void queuedDataIsWrittenBeforeClosingAfterPeerFin();
    void stopListeningKeepsAcceptedConnections();
    void greetingOnAccept();
    void sendToAllAndToASet();
    void maxConnectionsClosesTheExtraOne();
    void closedConnectionsAreTrimmedAndRemovable();
    void connectionModelFollowsConnections();
    void pausedReadingLeavesDataInTheKernel();
    void echoToAPeerThatDoesNotReadIsBounded();
    void manualAcceptLeavesClientsInTheBacklog();
    void closeReportsUnreadDataAndSendsAFin();
    void closeWhileConnectingIsReported_data();
    void closeWhileConnectingIsReported();
    void manualAcceptFromPythonClients();
    void countersFollowTheTraffic();

private:
    struct Pair
    {
        std::unique_ptr<TcpServerSession> server;
        std::unique_ptr<TcpClientSession> client;
        EventCollector *serverEvents = nullptr;
        EventCollector *clientEvents = nullptr;
    };
    // A listening server and a client connected to it, both sides settled.
    static bool connectPair(Pair &pair, const QString &host = QStringLiteral("127.0.0.1"));
};

static bool hasIpv6Loopback()
{
    const auto addresses = QNetworkInterface::allAddresses();
    return addresses.contains(QHostAddress::LocalHostIPv6);
}

bool tst_TcpSessions::connectPair(Pair &pair, const QString &host)
{
    pair.server = std::make_unique<TcpServerSession>(1);
    pair.client = std::make_unique<TcpClientSession>(2);
    pair.serverEvents = new EventCollector(pair.server.get());
    pair.clientEvents = new EventCollector(pair.client.get());
    pair.server->listen(host, 0);
    if (!pair.server->isListening())
        return false;
    pair.client->connectToHost(host, pair.server->listenAddress().port);
    // qWaitFor, not QTRY_*: those return from a void function only.
    return QTest::qWaitFor([&] { return pair.client->state() == ConnectionState::Connected; }, 10000)
           && QTest::qWaitFor([&] { return pair.serverEvents->has(EventType::Accepted); }, 10000);
}

void tst_TcpSessions::listenReportsTheRealPort_data()
{
    QTest::addColumn<QString>("host");
    QTest::addColumn<QString>("shownHost");
    QTest::newRow("loopback") << "127.0.0.1"
                              << "127.0.0.1";
    QTest::newRow("all interfaces") << "0.0.0.0"
                                    << "0.0.0.0";
    QTest::newRow("ipv6 loopback") << "::1"
                                   << "::1";
    QTest::newRow("ipv6 dual-stack any") << "::"
                                         << "::";
}

void tst_TcpSessions::listenReportsTheRealPort()
{
    QFETCH(QString, host);
    QFETCH(QString, shownHost);
    if (host.contains(QLatin1Char(':')) && !hasIpv6Loopback())
        QSKIP("this machine has no IPv6 loopback");

    TcpServerSession server(1);
    EventCollector events(&server);
    QSignalSpy stateSpy(&server, &TcpServerSession::listenStateChanged);
    server.listen(host, 0);
    QVERIFY2(server.isListening(), qPrintable(server.lastError()));
    QVERIFY(server.listenAddress().port != 0);
    QCOMPARE(server.listenAddress().hostString(), shownHost);
    QCOMPARE(stateSpy.count(), 1);
    QCOMPARE(events.count(EventType::Listening), 1);
    QCOMPARE(events.events.first().local, server.listenAddress());

    server.stopListening();
    QVERIFY(!server.isListening());
    QCOMPARE(events.count(EventType::Stopped), 1);
}

void tst_TcpSessions::clientAndServerTalk_data()
{
    QTest::addColumn<QString>("host");
    QTest::newRow("ipv4") << "127.0.0.1";
    QTest::newRow("ipv6") << "::1";
}

void tst_TcpSessions::clientAndServerTalk()
{
    QFETCH(QString, host);
    if (host.contains(QLatin1Char(':')) && !hasIpv6Loopback())
        QSKIP("this machine has no IPv6 loopback");

    TcpServerSession server(1);
    TcpClientSession client(2);
    EventCollector serverEvents(&server);
    EventCollector clientEvents(&client);
    QSignalSpy clientStates(&client, &TcpClientSession::stateChanged);
    server.listen(host, 0);
    QVERIFY(server.isListening());
    client.connectToHost(host, server.listenAddress().port);
    QTRY_COMPARE(client.state(), ConnectionState::Connected);
    QCOMPARE(clientStates.first().first().value<ConnectionState>(), ConnectionState::Connecting);
    QCOMPARE(clientEvents.types(), (QList<EventType>{EventType::Connecting, EventType::Connected}));
    QTRY_COMPARE(serverEvents.count(EventType::Accepted), 1);

    // accept() gave a connection whose peer is the client's own local address.
    const TrafficEvent accepted = serverEvents.ofType(EventType::Accepted).first();
    QCOMPARE(accepted.connection, 1);
    QCOMPARE(accepted.peer, client.localAddress());
    QCOMPARE(accepted.local.port, server.listenAddress().port);
    QCOMPARE(client.peerAddress(), accepted.local);

    QVERIFY(client.send("Hello world!"));
    QTRY_COMPARE(serverEvents.bytes(EventType::Received, 1), QByteArray("Hello world!"));
    QCOMPARE(clientEvents.bytes(EventType::Sent), QByteArray("Hello world!"));
    const TrafficEvent received = serverEvents.ofType(EventType::Received).first();
    QCOMPARE(received.peer, client.localAddress());
    QCOMPARE(received.session, 1);
    QCOMPARE(received.kind, SessionKind::TcpServer);

    QVERIFY(server.send(1, "Hi student"));
    QTRY_COMPARE(clientEvents.bytes(EventType::Received), QByteArray("Hi student"));
    QVERIFY(!server.send(99, "nobody"));

    TcpConnection *connection = server.connection(1);
    QVERIFY(connection);
    QCOMPARE(connection->bytesReceived(), 12);
    QCOMPARE(connection->bytesSent(), 10);
}

void tst_TcpSessions::hostNameIsLookedUp()
{
    // "localhost" comes from /etc/hosts: a lookup that never leaves the machine.
    TcpServerSession server(1);
    server.listen(QStringLiteral("127.0.0.1"), 0);
    QVERIFY(server.isListening());
    TcpClientSession client(2);
    QSignalSpy states(&client, &TcpClientSession::stateChanged);
    client.connectToHost(QStringLiteral("localhost"), server.listenAddress().port);
    QCOMPARE(client.state(), ConnectionState::LookingUp);
    QTRY_COMPARE(client.state(), ConnectionState::Connected);
    QCOMPARE(client.peerAddress().hostString(), QStringLiteral("127.0.0.1"));
    QCOMPARE(states.first().first().value<ConnectionState>(), ConnectionState::LookingUp);
}

void tst_TcpSessions::sendOnConnectedComesAfterTheConnectedEvent()
{
    // A send= on connect reacts to the state change; the record must still read
    // connecting, connected, sent.
    TcpServerSession server(1);
    server.listen(QStringLiteral("127.0.0.1"), 0);
    TcpClientSession client(2);
    EventCollector clientEvents(&client);
    connect(&client, &TcpClientSession::stateChanged, &client, [&client](ConnectionState state) {
        if (state == ConnectionState::Connected)
            client.send("first");
    });
    client.connectToHost(QStringLiteral("127.0.0.1"), server.listenAddress().port);
    QTRY_VERIFY(clientEvents.has(EventType::Sent));
    QCOMPARE(clientEvents.types(),
             (QList<EventType>{EventType::Connecting, EventType::Connected, EventType::Sent}));
}

void tst_TcpSessions::recvSizeSplitsReads()
{
    Pair pair;
    QVERIFY(connectPair(pair));
    pair.server->setRecvSize(1024);
    const QByteArray message(3000, 'x');
    QVERIFY(pair.client->send(message));
    QTRY_COMPARE(pair.serverEvents->bytes(EventType::Received), message);
    const QList<TrafficEvent> reads = pair.serverEvents->ofType(EventType::Received);
    QVERIFY(reads.size() >= 3);
    for (const TrafficEvent &read : reads)
        QVERIFY2(read.size() <= 1024, qPrintable(QString::number(read.size())));
}

void tst_TcpSessions::clientCloseIsEofThenClosedByPeer()
{
    Pair pair;
    QVERIFY(connectPair(pair));
    pair.client->close();
    QCOMPARE(pair.client->state(), ConnectionState::Closed);
    QCOMPARE(pair.client->connection()->closeReason(), CloseReason::ClosedByLocal);
    const TrafficEvent clientClosed = pair.clientEvents->ofType(EventType::Closed).first();
    QCOMPARE(clientClosed.closedBy, ClosedBy::Local);
    QVERIFY(!clientClosed.reset);

    QTRY_VERIFY(pair.serverEvents->has(EventType::Closed));
    QCOMPARE(pair.serverEvents->types(1),
             (QList<EventType>{EventType::Accepted, EventType::Eof, EventType::Closed}));
    const TrafficEvent closed = pair.serverEvents->ofType(EventType::Closed).first();
    QCOMPARE(closed.closedBy, ClosedBy::Peer);
    QVERIFY(!closed.reset);
    QCOMPARE(closed.connection, 1);
    QCOMPARE(pair.server->connection(1)->stateText(), QStringLiteral("Closed by peer"));
    QCOMPARE(pair.server->openConnectionCount(), 0);
}

void tst_TcpSessions::abortIsAResetOnTheOtherSide()
{
    Pair pair;
    QVERIFY(connectPair(pair));
    pair.client->abort();
    const TrafficEvent clientClosed = pair.clientEvents->ofType(EventType::Closed).first();
    QCOMPARE(clientClosed.closedBy, ClosedBy::Local);
    QVERIFY(clientClosed.reset);
    QCOMPARE(clientClosed.detail, EventDetail::Aborted);

    QTRY_VERIFY(pair.serverEvents->has(EventType::Closed));
    const TrafficEvent closed = pair.serverEvents->ofType(EventType::Closed).first();
    QCOMPARE(closed.closedBy, ClosedBy::Peer);
    QVERIFY(closed.reset);
    QCOMPARE(closed.detail, EventDetail::None);       // the peer's RST, nothing done here
    QVERIFY(!pair.serverEvents->has(EventType::Eof)); // a reset is never a normal close
    const QList<TrafficEvent> errors = pair.serverEvents->ofType(EventType::Error);
    QCOMPARE(errors.size(), 1);
    QVERIFY2(errors.first().message.startsWith(QLatin1String("connection reset by peer:")),
             qPrintable(errors.first().message));
    QCOMPARE(pair.server->connection(1)->stateText(), QStringLiteral("Reset by peer"));
}

void tst_TcpSessions::halfCloseKeepsReading()
{
    Pair pair;
    QVERIFY(connectPair(pair));
    QVERIFY(pair.client->send("last words"));
    pair.client->halfClose();
    const QList<TrafficEvent> notes = pair.clientEvents->ofType(EventType::Note);
    QCOMPARE(notes.size(), 1);
    QCOMPARE(notes.first().detail, EventDetail::HalfClose);
    QVERIFY(TcpConnection::isHalfCloseNote(notes.first()));
    QVERIFY(!pair.client->canSend());
    QVERIFY(!pair.client->send("too late"));
    QTRY_VERIFY(pair.serverEvents->has(EventType::Eof));
    QCOMPARE(pair.serverEvents->bytes(EventType::Received), QByteArray("last words"));

    // The server had pending nothing, so it closed after the FIN; the client still read
    // everything up to that close.
    QTRY_VERIFY(pair.clientEvents->has(EventType::Closed));
    QCOMPARE(pair.clientEvents->ofType(EventType::Closed).first().closedBy, ClosedBy::Peer);
    QVERIFY(pair.clientEvents->has(EventType::Eof));
}

void tst_TcpSessions::queuedDataIsWrittenBeforeClosingAfterPeerFin()
{
    Pair pair;
    QVERIFY(connectPair(pair));
    // More than the kernel's socket buffers hold, to a client that does not read yet: the
    // server still has most of it queued when the client's FIN arrives.
    QByteArray payload(16 * 1024 * 1024, Qt::Uninitialized);
    QRandomGenerator generator(42);
    generator.fillRange(reinterpret_cast<quint32 *>(payload.data()), payload.size() / 4);
    pair.client->setReadingPaused(true);
    QVERIFY(pair.server->send(1, payload));
    pair.client->halfClose();
    QTRY_VERIFY_WITH_TIMEOUT(pair.serverEvents->has(EventType::Eof), 20000);
    TcpConnection *connection = pair.server->connection(1);
    QVERIFY(connection->pendingWriteBytes() > 0);
    QCOMPARE(connection->state(), ConnectionState::Closing);
    QVERIFY(!pair.server->send(1, "no more after close")); // closing: nothing new is taken

    pair.client->setReadingPaused(false);
    QTRY_VERIFY_WITH_TIMEOUT(pair.clientEvents->has(EventType::Closed), 20000);
    QVERIFY(pair.clientEvents->bytes(EventType::Received) == payload);
    QCOMPARE(pair.clientEvents->ofType(EventType::Closed).first().closedBy, ClosedBy::Peer);
    const QList<EventType> serverTypes = pair.serverEvents->types(1);
    QVERIFY(serverTypes.indexOf(EventType::Eof) < serverTypes.lastIndexOf(EventType::Sent));
    QCOMPARE(serverTypes.last(), EventType::Closed);
    QCOMPARE(pair.serverEvents->ofType(EventType::Closed).first().closedBy, ClosedBy::Peer);
}

void tst_TcpSessions::stopListeningKeepsAcceptedConnections()
{
    Pair pair;
    QVERIFY(connectPair(pair));
    const quint16 port = pair.server->listenAddress().port;
    pair.server->stopListening();
    QVERIFY(pair.client->send("still here"));
    QTRY_COMPARE(pair.serverEvents->bytes(EventType::Received), QByteArray("still here"));
    QVERIFY(pair.server->send(1, "me too"));
    QTRY_COMPARE(pair.clientEvents->bytes(EventType::Received), QByteArray("me too"));

    TcpClientSession late(3);
    QSignalSpy errors(&late, &Session::errorOccurred);
    late.connectToHost(QStringLiteral("127.0.0.1"), port);
    QTRY_COMPARE(errors.count(), 1);
    QVERIFY(errors.first().first().toString().startsWith(QLatin1String("connection refused")));
}

void tst_TcpSessions::greetingOnAccept()
{
    TcpServerSession server(1);
    server.setGreeting("Welcome!\n");
    server.listen(QStringLiteral("127.0.0.1"), 0);
    TcpClientSession client(2);
    EventCollector clientEvents(&client);
    client.connectToHost(QStringLiteral("127.0.0.1"), server.listenAddress().port);
    QTRY_COMPARE(clientEvents.bytes(EventType::Received), QByteArray("Welcome!\n"));
}

void tst_TcpSessions::sendToAllAndToASet()
{
    TcpServerSession server(1);
    EventCollector serverEvents(&server);
    server.listen(QStringLiteral("127.0.0.1"), 0);
    std::vector<std::unique_ptr<TcpClientSession>> clients;
    std::vector<EventCollector *> clientEvents;
    for (int i = 0; i < 3; ++i) {
        clients.push_back(std::make_unique<TcpClientSession>(10 + i));
        clientEvents.push_back(new EventCollector(clients.back().get()));
        clients.back()->connectToHost(QStringLiteral("127.0.0.1"), server.listenAddress().port);
    }
    QTRY_COMPARE(serverEvents.count(EventType::Accepted), 3);
    QCOMPARE(server.sendToAll("all;"), 3);
    QCOMPARE(server.sendTo({1, 3}, "some;"), 2);
    // Which client became which connection id is decided by accept() order: map by port.
    for (int i = 0; i < 3; ++i) {
        int id = 0;
        for (const TrafficEvent &event : serverEvents.ofType(EventType::Accepted)) {
            if (event.peer == clients[size_t(i)]->localAddress())
                id = event.connection;
        }
        QVERIFY(id != 0);
        const QByteArray expected = id == 2 ? "all;" : "all;some;";
        QTRY_COMPARE(clientEvents[size_t(i)]->bytes(EventType::Received), expected);
    }
}

void tst_TcpSessions::maxConnectionsClosesTheExtraOne()
{
    TcpServerSession server(1);
    EventCollector serverEvents(&server);
    server.setMaxConnections(1);
    server.listen(QStringLiteral("127.0.0.1"), 0);
    TcpClientSession first(2);
    first.connectToHost(QStringLiteral("127.0.0.1"), server.listenAddress().port);
    QTRY_COMPARE(serverEvents.count(EventType::Accepted), 1);

    TcpClientSession second(3);
    EventCollector secondEvents(&second);
    second.connectToHost(QStringLiteral("127.0.0.1"), server.listenAddress().port);
    // Accepted by the kernel, then closed at once by the app: the client sees a FIN.
    QTRY_VERIFY(secondEvents.has(EventType::Eof));
    QTRY_COMPARE(second.state(), ConnectionState::Closed);
    // Recorded like any connection: accepted, then closed by the app, with the reason.
    QCOMPARE(serverEvents.types(2),
             (QList<EventType>{EventType::Accepted, EventType::Note, EventType::Closed}));
    const QList<TrafficEvent> notes = serverEvents.ofType(EventType::Note);
    QCOMPARE(notes.size(), 1);
    QVERIFY(notes.first().message.contains(QLatin1String("limit of 1 open connections")));
    QCOMPARE(notes.first().peer, second.localAddress());
    QCOMPARE(serverEvents.ofType(EventType::Closed, 2).first().closedBy, ClosedBy::Local);
    QCOMPARE(server.openConnectionCount(), 1);
}

void tst_TcpSessions::closedConnectionsAreTrimmedAndRemovable()
{
    TcpServerSession server(1);
    EventCollector serverEvents(&server);
    server.setClosedConnectionLimit(2);
    server.listen(QStringLiteral("127.0.0.1"), 0);
    for (int i = 0; i < 4; ++i) {
        TcpClientSession client(10 + i);
        client.connectToHost(QStringLiteral("127.0.0.1"), server.listenAddress().port);
        QTRY_COMPARE(serverEvents.count(EventType::Accepted), i + 1);
        client.close();
        QTRY_COMPARE(serverEvents.count(EventType::Closed), i + 1);
    }
    TcpClientSession open(20);
    open.connectToHost(QStringLiteral("127.0.0.1"), server.listenAddress().port);
    QTRY_COMPARE(serverEvents.count(EventType::Accepted), 5);

    // The two oldest closed ones (1 and 2) are gone, in a batch a moment later; 3 and 4
    // stay listed, 5 is open.
    QTRY_COMPARE(server.connectionCount(), 3);
    QVERIFY(!server.connection(1));
    QVERIFY(!server.connection(2));
    QVERIFY(server.connection(3));
    server.connectionModel()->flush();
    QCOMPARE(server.connectionModel()->rowCount(), 3);

    // Adjacent rows go in one removal, not one per row (10,000 clients closing at once).
    QSignalSpy removed(server.connectionModel(), &QAbstractItemModel::rowsRemoved);
    server.removeClosedConnections();
    QCOMPARE(removed.count(), 1);
    QCOMPARE(removed.first().at(1).toInt(), 0);
    QCOMPARE(removed.first().at(2).toInt(), 1);
    QCOMPARE(server.connectionCount(), 1);
    QCOMPARE(server.connectionModel()->rowCount(), 1);
    QCOMPARE(server.connectionModel()->connectionAt(0)->id(), 5);
}

void tst_TcpSessions::connectionModelFollowsConnections()
{
    TcpServerSession server(1);
    ConnectionListModel *model = server.connectionModel();
    QAbstractItemModelTester tester(model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QSignalSpy inserted(model, &QAbstractItemModel::rowsInserted);
    server.listen(QStringLiteral("127.0.0.1"), 0);
    EventCollector serverEvents(&server);

    std::vector<std::unique_ptr<TcpClientSession>> clients;
    for (int i = 0; i < 5; ++i) {
        clients.push_back(std::make_unique<TcpClientSession>(10 + i));
        clients.back()->connectToHost(QStringLiteral("127.0.0.1"), server.listenAddress().port);
    }
    QTRY_COMPARE(serverEvents.count(EventType::Accepted), 5);
    QTRY_COMPARE(model->rowCount(), 5);
    QVERIFY(inserted.count() < 5); // batched, not one insert per accept

    for (int row = 0; row < 5; ++row) {
        QCOMPARE(model->data(model->index(row, ConnectionListModel::IdColumn)).toString(),
                 QStringLiteral("#%1").arg(row + 1));
        QCOMPARE(model->data(model->index(row, 0), ConnectionListModel::ConnectionIdRole).toInt(),
                 row + 1);
        QCOMPARE(model->rowOf(row + 1), row);
    }
    const QString peer = model->data(model->index(0, ConnectionListModel::PeerColumn)).toString();
    QVERIFY(peer.startsWith(QLatin1String("127.0.0.1:")));

    QSignalSpy changed(model, &QAbstractItemModel::dataChanged);
    QVERIFY(clients.front()->send("12345"));
    QTRY_VERIFY(changed.count() > 0);
    const int row = model->rowOf(
        server.connectionModel()->connectionAt(0)->id()); // the first accepted, whichever client it is
    QVERIFY(row >= 0);
    qint64 totalIn = 0;
    for (int r = 0; r < 5; ++r)
        totalIn += model->data(model->index(r, ConnectionListModel::InColumn)).toLongLong();
    QCOMPARE(totalIn, 5);

    clients.front()->close();
    QTRY_COMPARE(server.openConnectionCount(), 4);
    QTRY_VERIFY([&] {
        for (int r = 0; r < 5; ++r) {
            if (model->data(model->index(r, ConnectionListModel::StateColumn)).toString()
                == QLatin1String("Closed by peer"))
                return true;
        }
        return false;
    }());
}

void tst_TcpSessions::pausedReadingLeavesDataInTheKernel()
{
    Pair pair;
    QVERIFY(connectPair(pair));
    pair.server->setReadingPaused(1, true);
    TcpConnection *connection = pair.server->connection(1);
    QVERIFY(connection->isReadingPaused());
    QVERIFY(pair.client->send(QByteArray(100000, 'p')));
    // Nothing is read while paused: the bytes wait in the kernel's receive queue.
    QTRY_COMPARE(connection->kernelReceiveQueue(), 100000);
    QVERIFY(!pair.serverEvents->has(EventType::Received));

    pair.server->setReadingPaused(1, false);
    QTRY_COMPARE(pair.serverEvents->bytes(EventType::Received).size(), 100000);
    QCOMPARE(connection->kernelReceiveQueue(), 0);
}

void tst_TcpSessions::echoToAPeerThatDoesNotReadIsBounded()
{
    Pair pair;
    QVERIFY(connectPair(pair));
    pair.server->setEcho(true);
    pair.client->setReadingPaused(true);
    QByteArray payload(48 * 1024 * 1024, Qt::Uninitialized);
    QRandomGenerator generator(7);
    generator.fillRange(reinterpret_cast<quint32 *>(payload.data()), payload.size() / 4);
    QVERIFY(pair.client->send(payload));

    // The echo cannot be written, so the server stops reading: the rest waits in the
    // kernel (and, past that, in the sender's queue), not in the server's memory.
    TcpConnection *connection = pair.server->connection(1);
    QTRY_VERIFY_WITH_TIMEOUT(connection->pendingWriteBytes() > TcpConnection::WriteQueueHighWater
                                 && connection->kernelReceiveQueue() > 0,
                             20000);
    const qint64 received = connection->bytesReceived();
    QVERIFY(received < payload.size());
    QVERIFY(connection->pendingWriteBytes() < 2 * TcpConnection::WriteQueueHighWater);

    pair.client->setReadingPaused(false);
    QTRY_COMPARE_WITH_TIMEOUT(pair.clientEvents->bytes(EventType::Received).size(),
                              payload.size(),
                              30000);
    QVERIFY(pair.clientEvents->bytes(EventType::Received) == payload);
}

void tst_TcpSessions::manualAcceptLeavesClientsInTheBacklog()
{
    TcpServerSession server(1);
    EventCollector serverEvents(&server);
    QSignalSpy waiting(&server, &TcpServerSession::waitingConnectionsChanged);
    server.setAcceptAutomatically(false);
    server.listen(QStringLiteral("127.0.0.1"), 0);
    std::vector<std::unique_ptr<TcpClientSession>> clients;
    for (int i = 0; i < 3; ++i) {
        clients.push_back(std::make_unique<TcpClientSession>(10 + i));
        clients.back()->connectToHost(QStringLiteral("127.0.0.1"), server.listenAddress().port);
    }
    // The kernel did the handshake: every client is connected, yet nothing was accepted.
    for (const auto &client : clients)
        QTRY_COMPARE(client->state(), ConnectionState::Connected);
    QTRY_COMPARE(server.waitingConnections(), 3);
    QVERIFY(!serverEvents.has(EventType::Accepted));
    QCOMPARE(server.connectionCount(), 0);
    QCOMPARE(waiting.last().first().toInt(), 3);

    QVERIFY(server.acceptNext());
    QCOMPARE(serverEvents.count(EventType::Accepted), 1);
    QCOMPARE(server.waitingConnections(), 2);
    QCOMPARE(server.acceptAll(), 2);
    QCOMPARE(serverEvents.count(EventType::Accepted), 3);
    QCOMPARE(server.waitingConnections(), 0);
    QVERIFY(!server.acceptNext());

    // Back to automatic: the next client is accepted as it comes.
    server.setAcceptAutomatically(true);
    TcpClientSession late(20);
    late.connectToHost(QStringLiteral("127.0.0.1"), server.listenAddress().port);
    QTRY_COMPARE(serverEvents.count(EventType::Accepted), 4);
}

void tst_TcpSessions::manualAcceptFromPythonClients()
{
    TcpServerSession server(1);
    EventCollector serverEvents(&server);
    server.setAcceptAutomatically(false);
    server.listen(QStringLiteral("127.0.0.1"), 0);
    // The lesson's clients: connect() returns before the server calls accept().
    QProcess python;
    python.start(QStringLiteral("python3"),
                 {QStringLiteral("-c"),
                  QStringLiteral("import socket, sys\n"
                                 "socks = [socket.create_connection(('127.0.0.1', %1), timeout=10)"
                                 " for _ in range(2)]\n"
                                 "print('connected', flush=True)\n"
                                 "sys.stdin.readline()\n")
                      .arg(server.listenAddress().port)});
    QVERIFY(python.waitForStarted());
    QByteArray output;
    QTRY_VERIFY2_WITH_TIMEOUT((output += python.readAllStandardOutput()).contains("connected"),
                              python.readAllStandardError().constData(),
                              20000);
    QTRY_COMPARE(server.waitingConnections(), 2);
    QVERIFY(!serverEvents.has(EventType::Accepted));
    QCOMPARE(server.acceptAll(), 2);
    QCOMPARE(serverEvents.count(EventType::Accepted), 2);
    python.write("\n");
    QVERIFY(python.waitForFinished(10000));
}

void tst_TcpSessions::closeReportsUnreadDataAndSendsAFin()
{
    // Linux answers a close() with unread data by an RST. Close reads it first: the data
    // is reported, and the peer sees a clean FIN.
    Pair pair;
    QVERIFY(connectPair(pair));
    pair.server->setReadingPaused(1, true);
    QVERIFY(pair.client->send("not read yet"));
    QTRY_COMPARE(pair.server->connection(1)->kernelReceiveQueue(), 12);
    pair.server->closeConnection(1);
    QCOMPARE(pair.serverEvents->bytes(EventType::Received), QByteArray("not read yet"));
    const TrafficEvent closed = pair.serverEvents->ofType(EventType::Closed).first();
    QCOMPARE(closed.closedBy, ClosedBy::Local);
    QVERIFY(!closed.reset);
    QTRY_VERIFY(pair.clientEvents->has(EventType::Closed));
    QVERIFY(pair.clientEvents->has(EventType::Eof));
    QVERIFY(!pair.clientEvents->ofType(EventType::Closed).first().reset);
}

void tst_TcpSessions::closeWhileConnectingIsReported_data()
{
    QTest::addColumn<QString>("how");
    QTest::addColumn<QString>("reason");
    QTest::newRow("Close") << QStringLiteral("close") << QStringLiteral("Close was clicked");
    QTest::newRow("Abort") << QStringLiteral("abort") << QStringLiteral("Abort was clicked");
    QTest::newRow("tab closed") << QStringLiteral("shutdown")
                                << QStringLiteral("the tab or the app was closed");
    QTest::newRow("app quit") << QStringLiteral("abortAll")
                              << QStringLiteral("the tab or the app was closed");
}

void tst_TcpSessions::closeWhileConnectingIsReported()
{
    // A connect still in progress, cancelled: the record's "connecting" gets an outcome
    // that says what cancelled it.
    QFETCH(QString, how);
    QFETCH(QString, reason);
    TcpClientSession client(1);
    EventCollector events(&client);
    client.connectToHost(QStringLiteral("127.0.0.1"), 9); // refused or pending, then closed
    if (how == QLatin1String("close"))
        client.close();
    else if (how == QLatin1String("abort"))
        client.abort();
    else if (how == QLatin1String("shutdown"))
        client.shutdown();
    else
        client.abortAll();
    if (client.lastError().startsWith(QLatin1String("connection refused")))
        QSKIP("the connect was refused before it was cancelled; covered by tst_socketerrors");
    QCOMPARE(client.state(), ConnectionState::Unconnected);
    QCOMPARE(events.types(), (QList<EventType>{EventType::Connecting, EventType::Error}));
    const QString message = events.ofType(EventType::Error).first().message;
    QCOMPARE(message,
             QStringLiteral("connect cancelled: %1 before 127.0.0.1:9 answered").arg(reason));
}

// Issue 7: the counters --stats and the status bar show, exact for real traffic.
void tst_TcpSessions::countersFollowTheTraffic()
{
    TcpServerSession server(1);
    EventCollector serverEvents(&server);
    server.setEcho(true);
    server.listen(QStringLiteral("127.0.0.1"), 0);
    QVERIFY(server.isListening());
    const quint16 port = server.listenAddress().port;
    TcpClientSession client(2);
    EventCollector clientEvents(&client);
    client.connectToHost(QStringLiteral("127.0.0.1"), port);
    TcpClientSession other(3);
    other.connectToHost(QStringLiteral("127.0.0.1"), port);
    QTRY_COMPARE(server.counters().connectionsOpen, 2);
    QTRY_COMPARE(client.state(), ConnectionState::Connected);
    QCOMPARE(client.counters().connectionsOpen, 1);
    QCOMPARE(client.counters().connectionsTotal, 1);

    QVERIFY(client.send("Hello"));
    QVERIFY(client.send(" world!"));
    QTRY_COMPARE(clientEvents.bytes(EventType::Received), QByteArray("Hello world!")); // echoed
    SessionCounters counted = client.counters();
    QCOMPARE(counted.bytesOut, 12);
    QCOMPARE(counted.sends, 2);
    QCOMPARE(counted.bytesIn, 12);
    QCOMPARE(counted.reads, clientEvents.count(EventType::Received));
    QCOMPARE(counted.datagramsIn, 0);
    QCOMPARE(counted.datagramsOut, 0);

    counted = server.counters();
    QCOMPARE(counted.bytesIn, 12);
    QCOMPARE(counted.reads, serverEvents.count(EventType::Received));
    QCOMPARE(counted.bytesOut, 12);
    QCOMPARE(counted.sends, serverEvents.count(EventType::Sent));
    QCOMPARE(counted.connectionsTotal, 2);

    // One closes: open goes down, the total stays.
    other.close();
    QTRY_COMPARE(server.counters().connectionsOpen, 1);
    QCOMPARE(server.counters().connectionsTotal, 2);
    QTRY_COMPARE(other.counters().connectionsOpen, 0);
    QCOMPARE(other.counters().connectionsTotal, 1);

    // A client that connects again has had two connections.
    client.abort();
    QCOMPARE(client.counters().connectionsOpen, 0);
    client.connectToHost(QStringLiteral("127.0.0.1"), port);
    QTRY_COMPARE(client.state(), ConnectionState::Connected);
    QCOMPARE(client.counters().connectionsOpen, 1);
    QCOMPARE(client.counters().connectionsTotal, 2);
    QTRY_COMPARE(server.counters().connectionsTotal, 3);
    QTRY_COMPARE(server.counters().connectionsOpen, 1);
}

QTEST_GUILESS_MAIN(tst_TcpSessions)
#include "tst_tcpsessions.moc"

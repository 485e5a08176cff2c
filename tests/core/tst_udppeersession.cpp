#include "eventcollector.h"
#include "sockethandle.h"
#include "udppeersession.h"

#include <QNetworkInterface>
#include <QSignalSpy>
#include <QTest>

#include <unistd.h>

// UDP peers against each other over real loopback sockets.
class tst_UdpPeerSession : public QObject
{
    Q_OBJECT

private slots:
    void bindReportsTheRealPort_data();
    void bindReportsTheRealPort();
    void datagramsCarryTheirSender_data();
    void datagramsCarryTheirSender();
    void unboundSocketIsBoundAtFirstSend();
    void echoRepliesToEachSender();
    void recvSizeCutsLongDatagrams();
    void emptyDatagramIsADatagram();
    void hostNameIsLookedUpBeforeSending();
    void unbindClosesTheSocket();
    void ipv4SocketRefusesIpv6Destination();
    void countersFollowTheTraffic();
    void batchedReadsKeepEveryDatagramAndEveryCut();
    void receiveBatchIsRecvfromManyTimes();
    void receiveBufferIsEnlarged();
};

static bool hasIpv6Loopback()
{
    return QNetworkInterface::allAddresses().contains(QHostAddress::LocalHostIPv6);
}

void tst_UdpPeerSession::bindReportsTheRealPort_data()
{
    QTest::addColumn<QString>("host");
    QTest::newRow("loopback") << "127.0.0.1";
    QTest::newRow("all interfaces") << "0.0.0.0";
    QTest::newRow("ipv6 loopback") << "::1";
    QTest::newRow("ipv6 dual-stack any") << "::";
}

void tst_UdpPeerSession::bindReportsTheRealPort()
{
    QFETCH(QString, host);
    if (host.contains(QLatin1Char(':')) && !hasIpv6Loopback())
        QSKIP("this machine has no IPv6 loopback");
    UdpPeerSession peer(1);
    EventCollector events(&peer);
    peer.bind(host, 0);
    QVERIFY2(peer.isBound(), qPrintable(peer.lastError()));
    QVERIFY(peer.isBoundExplicitly());
    QVERIFY(peer.localAddress().port != 0);
    QCOMPARE(peer.localAddress().hostString(), host);
    const QList<TrafficEvent> listening = events.ofType(EventType::Listening);
    QCOMPARE(listening.size(), 1);
    QCOMPARE(listening.first().local, peer.localAddress());
    QCOMPARE(listening.first().kind, SessionKind::Udp);
    QVERIFY(!UdpPeerSession::isImplicitBind(listening.first()));
}

void tst_UdpPeerSession::datagramsCarryTheirSender_data()
{
    QTest::addColumn<QString>("host");
    QTest::newRow("ipv4") << "127.0.0.1";
    QTest::newRow("ipv6") << "::1";
}

void tst_UdpPeerSession::datagramsCarryTheirSender()
{
    QFETCH(QString, host);
    if (host.contains(QLatin1Char(':')) && !hasIpv6Loopback())
        QSKIP("this machine has no IPv6 loopback");
    UdpPeerSession server(1);
    UdpPeerSession client(2);
    EventCollector serverEvents(&server);
    EventCollector clientEvents(&client);
    server.bind(host, 0);
    client.bind(host, 0);
    QVERIFY(client.sendTo(server.localAddress(), "Hello world!"));
    QTRY_COMPARE(serverEvents.count(EventType::Received), 1);
    const TrafficEvent received = serverEvents.ofType(EventType::Received).first();
    QCOMPARE(received.payload, QByteArray("Hello world!"));
    QCOMPARE(received.peer, client.localAddress());
    QCOMPARE(received.local, server.localAddress());
    QCOMPARE(received.truncatedFrom, -1);

    // The lesson's reply: sendto(data, addr) with the addr recvfrom() returned.
    QVERIFY(server.sendTo(received.peer, "Hello back"));
    QTRY_COMPARE(clientEvents.bytes(EventType::Received), QByteArray("Hello back"));
    QCOMPARE(clientEvents.ofType(EventType::Received).first().peer, server.localAddress());
    const TrafficEvent sent = clientEvents.ofType(EventType::Sent).first();
    QCOMPARE(sent.peer, server.localAddress());
    QCOMPARE(client.datagramsSent(), 1);
    QCOMPARE(client.datagramsReceived(), 1);
    QCOMPARE(server.bytesReceived(), 12);
}

void tst_UdpPeerSession::unboundSocketIsBoundAtFirstSend()
{
    UdpPeerSession server(1);
    EventCollector serverEvents(&server);
    server.bind(QStringLiteral("127.0.0.1"), 0);
    UdpPeerSession client(2);
    EventCollector clientEvents(&client);
    QVERIFY(!client.isBound());
    QVERIFY(client.sendTo(server.localAddress(), "ping"));
    // The OS chose a port at sendto(); it is reported, and replies to it arrive.
    QVERIFY(client.isBound());
    QVERIFY(!client.isBoundExplicitly());
    QVERIFY(client.localAddress().port != 0);
    const QList<TrafficEvent> listening = clientEvents.ofType(EventType::Listening);
    QCOMPARE(listening.size(), 1);
    QCOMPARE(listening.first().local.port, client.localAddress().port);
    QCOMPARE(listening.first().detail, EventDetail::ImplicitBind);
    QVERIFY(UdpPeerSession::isImplicitBind(listening.first()));
    QTRY_COMPARE(serverEvents.count(EventType::Received), 1);
    QCOMPARE(serverEvents.ofType(EventType::Received).first().peer.port, client.localAddress().port);

    QVERIFY(server.sendTo(serverEvents.ofType(EventType::Received).first().peer, "pong"));
    QTRY_COMPARE(clientEvents.bytes(EventType::Received), QByteArray("pong"));
}

void tst_UdpPeerSession::echoRepliesToEachSender()
{
    UdpPeerSession echo(1);
    echo.setEcho(true);
    echo.bind(QStringLiteral("127.0.0.1"), 0);
    UdpPeerSession a(2);
    UdpPeerSession b(3);
    EventCollector aEvents(&a);
    EventCollector bEvents(&b);
    EventCollector echoEvents(&echo);
    QVERIFY(a.sendTo(echo.localAddress(), "from a"));
    QVERIFY(b.sendTo(echo.localAddress(), "from b"));
    QTRY_COMPARE(aEvents.bytes(EventType::Received), QByteArray("from a"));
    QTRY_COMPARE(bEvents.bytes(EventType::Received), QByteArray("from b"));
    // The echo is an ordinary sent event, addressed to the datagram's sender.
    QCOMPARE(echoEvents.count(EventType::Sent), 2);
    // An implicitly bound socket is bound to 0.0.0.0: its port is what identifies it.
    for (const TrafficEvent &sent : echoEvents.ofType(EventType::Sent)) {
        const quint16 expected = sent.payload == "from a" ? a.localAddress().port
                                                          : b.localAddress().port;
        QCOMPARE(sent.peer.port, expected);
        QCOMPARE(sent.peer.hostString(), QStringLiteral("127.0.0.1"));
    }
}

void tst_UdpPeerSession::recvSizeCutsLongDatagrams()
{
    UdpPeerSession server(1);
    server.setRecvSize(1024);
    EventCollector serverEvents(&server);
    server.bind(QStringLiteral("127.0.0.1"), 0);
    UdpPeerSession client(2);
    QByteArray datagram(3000, Qt::Uninitialized);
    for (int i = 0; i < datagram.size(); ++i)
        datagram[i] = char(i % 251);
    QVERIFY(client.sendTo(server.localAddress(), datagram));
    QVERIFY(client.sendTo(server.localAddress(), "marker"));
    QTRY_COMPARE(serverEvents.count(EventType::Received), 2);
    const TrafficEvent cut = serverEvents.ofType(EventType::Received).first();
    // recvfrom(1024) keeps the first 1024 bytes; the rest of the datagram is gone.
    QCOMPARE(cut.payload, datagram.left(1024));
    QCOMPARE(cut.truncatedFrom, 3000);
    QCOMPARE(serverEvents.ofType(EventType::Received).last().payload, QByteArray("marker"));
    QCOMPARE(serverEvents.ofType(EventType::Received).last().truncatedFrom, -1);
}

void tst_UdpPeerSession::emptyDatagramIsADatagram()
{
    UdpPeerSession server(1);
    EventCollector serverEvents(&server);
    server.bind(QStringLiteral("127.0.0.1"), 0);
    UdpPeerSession client(2);
    QVERIFY(client.sendTo(server.localAddress(), QByteArray()));
    QTRY_COMPARE(serverEvents.count(EventType::Received), 1);
    QCOMPARE(serverEvents.ofType(EventType::Received).first().size(), 0);
}

void tst_UdpPeerSession::hostNameIsLookedUpBeforeSending()
{
    // "localhost" comes from /etc/hosts: the lookup never leaves the machine.
    UdpPeerSession server(1);
    EventCollector serverEvents(&server);
    server.bind(QStringLiteral("127.0.0.1"), 0);
    UdpPeerSession client(2);
    client.sendToHost(QStringLiteral("localhost"), server.localAddress().port, "by name");
    QTRY_COMPARE(serverEvents.bytes(EventType::Received), QByteArray("by name"));
}

void tst_UdpPeerSession::unbindClosesTheSocket()
{
    UdpPeerSession peer(1);
    EventCollector events(&peer);
    QSignalSpy states(&peer, &UdpPeerSession::bindStateChanged);
    peer.bind(QStringLiteral("127.0.0.1"), 0);
    const quint16 port = peer.localAddress().port;
    peer.unbind();
    QVERIFY(!peer.isBound());
    QCOMPARE(events.count(EventType::Stopped), 1);
    QCOMPARE(states.count(), 2);
    // The port is free again: a new peer can take it.
    UdpPeerSession other(2);
    other.bind(QStringLiteral("127.0.0.1"), port);
    QVERIFY2(other.isBound(), qPrintable(other.lastError()));
}

void tst_UdpPeerSession::ipv4SocketRefusesIpv6Destination()
{
    UdpPeerSession peer(1);
    QSignalSpy errors(&peer, &Session::errorOccurred);
    peer.bind(QStringLiteral("127.0.0.1"), 0);
    QVERIFY(!peer.sendTo(SocketAddress{QHostAddress(QStringLiteral("::1")), 9}, "x"));
    QCOMPARE(errors.count(), 1);
    QVERIFY(errors.first().first().toString().startsWith(
        QLatin1String("cannot send to [::1]:9 from this IPv4 socket")));
}

// Issue 7: the counters --stats and the status bar show, exact for real datagrams; a cut
// datagram counts what recvfrom() returned.
void tst_UdpPeerSession::countersFollowTheTraffic()
{
    UdpPeerSession server(1);
    UdpPeerSession client(2);
    EventCollector serverEvents(&server);
    EventCollector clientEvents(&client);
    server.setEcho(true);
    server.setRecvSize(8);
    server.bind(QStringLiteral("127.0.0.1"), 0);
    client.bind(QStringLiteral("127.0.0.1"), 0);
    QVERIFY(client.sendTo(server.localAddress(), "one"));
    QVERIFY(client.sendTo(server.localAddress(), QByteArray()));
    QVERIFY(client.sendTo(server.localAddress(), "twelve bytes")); // cut to 8
    QTRY_COMPARE(clientEvents.count(EventType::Received), 3);      // the echoes
    const SessionCounters sent = client.counters();
    QCOMPARE(sent.datagramsOut, 3);
    QCOMPARE(sent.sends, 3);
    QCOMPARE(sent.bytesOut, 15);
    QCOMPARE(sent.datagramsIn, 3);
    QCOMPARE(sent.reads, 3);
    QCOMPARE(sent.bytesIn, 11);
    QCOMPARE(sent.connectionsOpen, 0);
    QCOMPARE(sent.connectionsTotal, 0);
    const SessionCounters received = server.counters();
    QCOMPARE(received.datagramsIn, 3);
    QCOMPARE(received.reads, 3);
    QCOMPARE(received.bytesIn, 11);
    QCOMPARE(received.datagramsOut, 3);
    QCOMPARE(received.bytesOut, 11);
    QCOMPARE(received.connectionsTotal, 0);
}

namespace {

// Datagram i of a flood: its size varies, and every 50th is longer than the recv size.
QByteArray floodDatagram(int i, int recvSize)
{
    const int size = i % 50 == 49 ? recvSize * 3 : i % 17;
    QByteArray data(size, Qt::Uninitialized);
    for (int b = 0; b < size; ++b)
        data[b] = char((i + b) % 251);
    return data;
}

} // namespace

// Issue 7: reads come in recvmmsg() batches. A flood queued before the receiver runs is
// taken many at a time, and still every datagram is its own event, in order, with its
// own cut reported.
void tst_UdpPeerSession::batchedReadsKeepEveryDatagramAndEveryCut()
{
    constexpr int Count = 1000; // more than one wakeup's worth (512) and many batches
    constexpr int RecvSize = 32;
    UdpPeerSession server(1);
    server.setRecvSize(RecvSize);
    EventCollector serverEvents(&server);
    server.bind(QStringLiteral("127.0.0.1"), 0);
    UdpPeerSession client(2);
    client.bind(QStringLiteral("127.0.0.1"), 0);
    for (int i = 0; i < Count; ++i)
        QVERIFY(client.sendTo(server.localAddress(), floodDatagram(i, RecvSize)));
    QTRY_COMPARE(serverEvents.count(EventType::Received), Count);
    const QList<TrafficEvent> received = serverEvents.ofType(EventType::Received);
    qint64 bytes = 0;
    for (int i = 0; i < Count; ++i) {
        const QByteArray sent = floodDatagram(i, RecvSize);
        const TrafficEvent &event = received.at(i);
        QCOMPARE(event.payload, sent.left(RecvSize));
        QCOMPARE(event.truncatedFrom, sent.size() > RecvSize ? sent.size() : -1);
        QCOMPARE(event.peer, client.localAddress());
        bytes += event.payload.size();
    }
    QCOMPARE(server.datagramsReceived(), Count);
    QCOMPARE(server.counters().datagramsIn, Count);
    QCOMPARE(server.counters().bytesIn, bytes);
}

// The batch call itself: what recvfrom(slotSize) would return for each datagram, sender
// included, and MSG_TRUNC's real length for the one cut inside a batch.
void tst_UdpPeerSession::receiveBatchIsRecvfromManyTimes()
{
    SocketHandle receiver;
    QVERIFY(receiver.open(QAbstractSocket::IPv4Protocol, SocketHandle::Type::Datagram));
    QVERIFY(receiver.bind(SocketAddress{QHostAddress::LocalHost, 0}));
    SocketHandle sender;
    QVERIFY(sender.open(QAbstractSocket::IPv4Protocol, SocketHandle::Type::Datagram));
    QVERIFY(sender.bind(SocketAddress{QHostAddress::LocalHost, 0}));
    constexpr int Count = 100;
    constexpr int Slot = 16;
    for (int i = 0; i < Count; ++i) {
        const QByteArray data = floodDatagram(i, Slot);
        QCOMPARE(sender.sendTo(data.constData(), data.size(), receiver.localAddress()), data.size());
    }
    QByteArray buffer(SocketHandle::MaxBatch * Slot, Qt::Uninitialized);
    SocketHandle::Datagram datagrams[SocketHandle::MaxBatch];
    int taken = 0;
    int largestBatch = 0;
    QVERIFY(QTest::qWaitFor(
        [&] {
            const int n = receiver.receiveBatch(buffer.data(),
                                                Slot,
                                                SocketHandle::MaxBatch,
                                                datagrams);
            if (n < 0) {
                if (!receiver.wouldBlock())
                    return true; // a real error: the comparison below fails
                return false;
            }
            largestBatch = qMax(largestBatch, n);
            for (int k = 0; k < n; ++k, ++taken) {
                const QByteArray sent = floodDatagram(taken, Slot);
                const SocketHandle::Datagram &datagram = datagrams[k];
                if (QByteArray(datagram.data, datagram.size) != sent.left(Slot)
                    || datagram.fullSize != sent.size()
                    || !(datagram.sender == sender.localAddress()))
                    return true; // stop: taken < Count shows where
            }
            return taken == Count;
        },
        10000));
    QCOMPARE(taken, Count);
    QVERIFY2(largestBatch > 1, "no call took more than one datagram");
    // Empty queue: -1 and would-block, as recvfrom() on a non-blocking socket.
    QCOMPARE(receiver.receiveBatch(buffer.data(), Slot, SocketHandle::MaxBatch, datagrams), -1);
    QVERIFY(receiver.wouldBlock());
}

// The receive buffer is enlarged for floods; as root (SO_RCVBUFFORCE) to what was asked
// for, else as far as net.core.rmem_max allows.
void tst_UdpPeerSession::receiveBufferIsEnlarged()
{
    UdpPeerSession peer(1);
    peer.bind(QStringLiteral("127.0.0.1"), 0);
    QVERIFY(peer.isBound());
    SocketHandle plain;
    QVERIFY(plain.open(QAbstractSocket::IPv4Protocol, SocketHandle::Type::Datagram));
    QVERIFY2(peer.receiveBufferBytes() > plain.receiveBufferSize(),
             qPrintable(QStringLiteral("%1 <= %2")
                            .arg(peer.receiveBufferBytes())
                            .arg(plain.receiveBufferSize())));
    if (::geteuid() == 0)
        QVERIFY(peer.receiveBufferBytes() >= UdpPeerSession::ReceiveBufferBytes);
}

QTEST_GUILESS_MAIN(tst_UdpPeerSession)
#include "tst_udppeersession.moc"

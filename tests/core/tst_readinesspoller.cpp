#include "readinesspoller.h"
#include "sockethandle.h"

#include <QHash>
#include <QSignalSpy>
#include <QTest>

#include <memory>
#include <utility>
#include <vector>

// The epoll behind every SocketHandle's readyRead() and readyWrite(): readiness reaches
// the socket it belongs to and nobody else, a pass of the event loop delivers a bounded
// number, and a socket that asks for nothing costs nothing.
class tst_ReadinessPoller : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void readinessReachesItsOwnSocket();
    void writeReadinessWhenAsked();
    void aPassDeliversABoundedNumber();
    void aClosedSocketsReadinessReachesNobody();
    void aSocketThatAsksForNothingIsNotWoken();

private:
    // A connected pair over loopback: {client, the accepted server side}.
    std::pair<std::unique_ptr<SocketHandle>, std::unique_ptr<SocketHandle>> connectedPair();

    SocketHandle m_listener;
};

namespace {

const QHostAddress Loopback(QStringLiteral("127.0.0.1"));

} // namespace

void tst_ReadinessPoller::initTestCase()
{
    QVERIFY(m_listener.open(QAbstractSocket::IPv4Protocol, SocketHandle::Type::Stream));
    QVERIFY(m_listener.bind(SocketAddress{Loopback, 0}));
    QVERIFY(m_listener.listen(1024));
}

std::pair<std::unique_ptr<SocketHandle>, std::unique_ptr<SocketHandle>>
tst_ReadinessPoller::connectedPair()
{
    auto client = std::make_unique<SocketHandle>();
    if (!client->open(QAbstractSocket::IPv4Protocol, SocketHandle::Type::Stream)
        || client->connectTo(m_listener.localAddress()) == SocketHandle::ConnectResult::Failed)
        return {};
    std::unique_ptr<SocketHandle> accepted;
    for (int tries = 0; !accepted && tries < 500; ++tries) {
        accepted = m_listener.accept(nullptr);
        if (!accepted)
            QTest::qWait(2);
    }
    return {std::move(client), std::move(accepted)};
}

void tst_ReadinessPoller::readinessReachesItsOwnSocket()
{
    auto [clientA, serverA] = connectedPair();
    auto [clientB, serverB] = connectedPair();
    QVERIFY(serverA && serverB);
    QSignalSpy readA(serverA.get(), &SocketHandle::readyRead);
    QSignalSpy readB(serverB.get(), &SocketHandle::readyRead);
    serverA->setReadNotificationEnabled(true);
    serverB->setReadNotificationEnabled(true);
    QVERIFY(serverA->isReadNotificationEnabled());

    QCOMPARE(clientB->send("x", 1), qint64(1));
    QTRY_VERIFY(!readB.isEmpty());
    QVERIFY(readA.isEmpty());

    // Level-triggered, like QSocketNotifier: unread data keeps it coming; read, it stops.
    QTRY_VERIFY(readB.size() >= 2);
    char byte = 0;
    QCOMPARE(serverB->receive(&byte, 1), qint64(1));
    QTest::qWait(20);
    readB.clear();
    QTest::qWait(50);
    QVERIFY(readB.isEmpty());

    // Switched off, nothing comes even when data waits.
    serverA->setReadNotificationEnabled(false);
    QCOMPARE(clientA->send("y", 1), qint64(1));
    QTest::qWait(50);
    QVERIFY(readA.isEmpty());
    serverA->setReadNotificationEnabled(true);
    QTRY_VERIFY(!readA.isEmpty());
}

void tst_ReadinessPoller::writeReadinessWhenAsked()
{
    auto [client, server] = connectedPair();
    QVERIFY(server);
    QSignalSpy read(server.get(), &SocketHandle::readyRead);
    QSignalSpy write(server.get(), &SocketHandle::readyWrite);
    QTest::qWait(20);
    QVERIFY(write.isEmpty());
    server->setWriteNotificationEnabled(true);
    QVERIFY(server->isWriteNotificationEnabled());
    QTRY_VERIFY(!write.isEmpty());
    QVERIFY(read.isEmpty());
    // Both asked for: a read first, then the write, in one delivery.
    server->setReadNotificationEnabled(true);
    QCOMPARE(client->send("z", 1), qint64(1));
    QTRY_VERIFY(!read.isEmpty());
    server->setWriteNotificationEnabled(false);
    write.clear();
    QTest::qWait(50);
    QVERIFY(write.isEmpty());
}

void tst_ReadinessPoller::aPassDeliversABoundedNumber()
{
    // More ready sockets than one pass takes (a class closing at once): they come over
    // several passes, each socket once.
    constexpr int Count = ReadinessPoller::MaxEventsPerPass + 100;
    std::vector<std::unique_ptr<SocketHandle>> clients;
    std::vector<std::unique_ptr<SocketHandle>> servers;
    for (int i = 0; i < Count; ++i) {
        auto [client, server] = connectedPair();
        QVERIFY(server);
        QCOMPARE(client->send("x", 1), qint64(1));
        clients.push_back(std::move(client));
        servers.push_back(std::move(server));
    }
    for (const auto &server : servers)
        QTRY_COMPARE(server->kernelReceiveQueue(), 1);

    const std::shared_ptr<ReadinessPoller> poller = ReadinessPoller::forCurrentThread();
    QHash<qint64, int> deliveredInPass;
    int delivered = 0;
    for (const auto &server : servers) {
        SocketHandle *handle = server.get();
        connect(handle, &SocketHandle::readyRead, this, [&, handle] {
            ++deliveredInPass[poller->passCount()];
            ++delivered;
            handle->setReadNotificationEnabled(false);
        });
        handle->setReadNotificationEnabled(true);
    }
    QTRY_COMPARE(delivered, Count);
    QVERIFY2(deliveredInPass.size() >= 2, "all in one pass");
    for (const int inPass : std::as_const(deliveredInPass))
        QVERIFY2(inPass <= ReadinessPoller::MaxEventsPerPass, qPrintable(QString::number(inPass)));
    QTest::qWait(20);
    QCOMPARE(delivered, Count); // each once: switched off, nothing more
}

void tst_ReadinessPoller::aClosedSocketsReadinessReachesNobody()
{
    // Two sockets ready in the same pass; the first one's receiver closes the other and
    // opens a new socket, which gets the closed one's descriptor number. The readiness
    // epoll found for the closed socket must not reach the new one.
    auto [clientA, serverA] = connectedPair();
    auto [clientB, serverB] = connectedPair();
    QVERIFY(serverA && serverB);
    QCOMPARE(clientA->send("a", 1), qint64(1));
    QCOMPARE(clientB->send("b", 1), qint64(1));
    QTRY_COMPARE(serverA->kernelReceiveQueue(), 1);
    QTRY_COMPARE(serverB->kernelReceiveQueue(), 1);

    std::unique_ptr<SocketHandle> reopened;
    int reusedDescriptor = -1;
    bool closedOneHeard = false;
    auto closeTheOther = [&](std::unique_ptr<SocketHandle> &self,
                             std::unique_ptr<SocketHandle> &other) {
        if (reopened) {
            closedOneHeard = true;
            return;
        }
        self->setReadNotificationEnabled(false);
        reusedDescriptor = other->descriptor();
        other->close();
        reopened = std::make_unique<SocketHandle>();
        // A listener nobody connects to: never readable.
        QVERIFY(reopened->open(QAbstractSocket::IPv4Protocol, SocketHandle::Type::Stream));
        QVERIFY(reopened->bind(SocketAddress{Loopback, 0}));
        QVERIFY(reopened->listen(1));
        reopened->setReadNotificationEnabled(true);
    };
    connect(serverA.get(), &SocketHandle::readyRead, this, [&] { closeTheOther(serverA, serverB); });
    connect(serverB.get(), &SocketHandle::readyRead, this, [&] { closeTheOther(serverB, serverA); });
    serverA->setReadNotificationEnabled(true);
    serverB->setReadNotificationEnabled(true);
    QTRY_VERIFY(reopened);
    QCOMPARE(reopened->descriptor(), reusedDescriptor); // the case this is about
    QSignalSpy reopenedRead(reopened.get(), &SocketHandle::readyRead);
    QTest::qWait(50);
    QVERIFY(reopenedRead.isEmpty());
    QVERIFY(!closedOneHeard);
}

void tst_ReadinessPoller::aSocketThatAsksForNothingIsNotWoken()
{
    // A reset leaves a socket in error and hang-up, which epoll reports even to a socket
    // that asked for no event: one that wants nothing must not wake the loop over and
    // over.
    auto [client, server] = connectedPair();
    QVERIFY(server);
    server->setReadNotificationEnabled(true);
    server->setReadNotificationEnabled(false);
    client->abort(); // RST
    QTest::qWait(20);
    const std::shared_ptr<ReadinessPoller> poller = ReadinessPoller::forCurrentThread();
    const qint64 passes = poller->passCount();
    QTest::qWait(100);
    QVERIFY2(poller->passCount() - passes <= 1,
             qPrintable(QString::number(poller->passCount() - passes)));

    // Asked again, it hears the reset at once.
    QSignalSpy read(server.get(), &SocketHandle::readyRead);
    server->setReadNotificationEnabled(true);
    QTRY_VERIFY(!read.isEmpty());
    char byte = 0;
    QCOMPARE(server->receive(&byte, 1), qint64(-1));
}

QTEST_GUILESS_MAIN(tst_ReadinessPoller)
#include "tst_readinesspoller.moc"

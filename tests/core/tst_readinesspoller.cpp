#include "readinesspoller.h"
#include "sockethandle.h"

#include <QHash>
#include <QSignalSpy>
#include <QTemporaryFile>
#include <QTest>
#include <QThread>

#include <cerrno>
#include <memory>
#include <utility>
#include <vector>

// The epoll behind every SocketHandle's readyRead() and readyWrite(): readiness reaches
// the socket it belongs to and nobody else, a pass of the event loop delivers a bounded
// number and every ready socket gets its turn, and a socket that asks for nothing costs
// nothing. "Nothing came" is proven with a marker: a socket made ready after the others,
// whose readiness is delivered in the same pass as theirs or a later one.
class tst_ReadinessPoller : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void readinessReachesItsOwnSocket();
    void writeReadinessWhenAsked();
    void aPassDeliversABoundedNumber();
    void aBusySocketDoesNotStarveTheOthers();
    void aClosedSocketsReadinessReachesNobody();
    void aSocketThatAsksForNothingIsNotWoken();
    void aRefusedWatchChangesNothing();

private:
    using Handle = std::unique_ptr<SocketHandle>;
    // A connected pair over loopback: the client, and the server side accept() returned.
    void connectPair(Handle *client, Handle *server);
    // Makes the marker ready and waits until its readiness is delivered.
    void passMarker();

    SocketHandle m_listener;
    Handle m_markerClient;
    Handle m_markerServer;
    int m_markerReads = 0;
};

namespace {

const QHostAddress Loopback(QStringLiteral("127.0.0.1"));

} // namespace

void tst_ReadinessPoller::initTestCase()
{
    QVERIFY(m_listener.open(QAbstractSocket::IPv4Protocol, SocketHandle::Type::Stream));
    QVERIFY(m_listener.bind(SocketAddress{Loopback, 0}));
    QVERIFY(m_listener.listen(1024));
    connectPair(&m_markerClient, &m_markerServer);
    QVERIFY(m_markerServer);
    connect(m_markerServer.get(), &SocketHandle::readyRead, this, [this] {
        char byte = 0;
        if (m_markerServer->receive(&byte, 1) == 1)
            ++m_markerReads;
    });
    QVERIFY(m_markerServer->setReadNotificationEnabled(true));
}

void tst_ReadinessPoller::connectPair(Handle *client, Handle *server)
{
    *client = std::make_unique<SocketHandle>();
    QVERIFY((*client)->open(QAbstractSocket::IPv4Protocol, SocketHandle::Type::Stream));
    QVERIFY((*client)->connectTo(m_listener.localAddress()) != SocketHandle::ConnectResult::Failed);
    QTRY_VERIFY(m_listener.waitingConnections() > 0);
    *server = m_listener.accept(nullptr);
    QVERIFY(*server);
}

void tst_ReadinessPoller::passMarker()
{
    const int before = m_markerReads;
    QCOMPARE(m_markerClient->send("m", 1), qint64(1));
    QTRY_COMPARE(m_markerReads, before + 1);
}

void tst_ReadinessPoller::readinessReachesItsOwnSocket()
{
    Handle clientA, serverA, clientB, serverB;
    connectPair(&clientA, &serverA);
    connectPair(&clientB, &serverB);
    QVERIFY(serverA && serverB);
    QSignalSpy readA(serverA.get(), &SocketHandle::readyRead);
    QSignalSpy readB(serverB.get(), &SocketHandle::readyRead);
    QVERIFY(serverA->setReadNotificationEnabled(true));
    QVERIFY(serverB->setReadNotificationEnabled(true));
    QVERIFY(serverA->isReadNotificationEnabled());

    QCOMPARE(clientB->send("x", 1), qint64(1));
    QTRY_VERIFY(!readB.isEmpty());
    passMarker();
    QVERIFY(readA.isEmpty());

    // Level-triggered, like QSocketNotifier: unread data keeps it coming; read, it stops.
    QTRY_VERIFY(readB.size() >= 2);
    char byte = 0;
    QCOMPARE(serverB->receive(&byte, 1), qint64(1));
    passMarker();
    readB.clear();
    passMarker();
    QVERIFY(readB.isEmpty());

    // Switched off, nothing comes even when data waits.
    QVERIFY(serverA->setReadNotificationEnabled(false));
    QCOMPARE(clientA->send("y", 1), qint64(1));
    QTRY_COMPARE(serverA->kernelReceiveQueue(), 1);
    passMarker();
    QVERIFY(readA.isEmpty());
    QVERIFY(serverA->setReadNotificationEnabled(true));
    QTRY_VERIFY(!readA.isEmpty());
}

void tst_ReadinessPoller::writeReadinessWhenAsked()
{
    Handle client, server;
    connectPair(&client, &server);
    QVERIFY(server);
    QSignalSpy read(server.get(), &SocketHandle::readyRead);
    QSignalSpy write(server.get(), &SocketHandle::readyWrite);
    passMarker();
    QVERIFY(write.isEmpty());
    QVERIFY(server->setWriteNotificationEnabled(true));
    QVERIFY(server->isWriteNotificationEnabled());
    QTRY_VERIFY(!write.isEmpty());
    QVERIFY(read.isEmpty());
    // Both asked for: the read comes too.
    QVERIFY(server->setReadNotificationEnabled(true));
    QCOMPARE(client->send("z", 1), qint64(1));
    QTRY_VERIFY(!read.isEmpty());
    QVERIFY(server->setWriteNotificationEnabled(false));
    passMarker();
    write.clear();
    passMarker();
    QVERIFY(write.isEmpty());
}

void tst_ReadinessPoller::aPassDeliversABoundedNumber()
{
    // More ready sockets than one pass takes (a class closing at once): they come over
    // several passes, each socket once.
    constexpr int Count = ReadinessPoller::MaxEventsPerPass + 100;
    std::vector<Handle> clients(Count);
    std::vector<Handle> servers(Count);
    for (int i = 0; i < Count; ++i) {
        connectPair(&clients[size_t(i)], &servers[size_t(i)]);
        QVERIFY(servers[size_t(i)]);
        QCOMPARE(clients[size_t(i)]->send("x", 1), qint64(1));
    }
    for (const Handle &server : servers)
        QTRY_COMPARE(server->kernelReceiveQueue(), 1);

    const std::shared_ptr<ReadinessPoller> poller = ReadinessPoller::forCurrentThread();
    QHash<qint64, int> deliveredInPass;
    int delivered = 0;
    for (const Handle &server : servers) {
        SocketHandle *handle = server.get();
        connect(handle, &SocketHandle::readyRead, this, [&, handle] {
            ++deliveredInPass[poller->passCount()];
            ++delivered;
            handle->setReadNotificationEnabled(false);
        });
        QVERIFY(handle->setReadNotificationEnabled(true));
    }
    QTRY_COMPARE(delivered, Count);
    QVERIFY2(deliveredInPass.size() >= 2, "all in one pass");
    for (const int inPass : std::as_const(deliveredInPass))
        QVERIFY2(inPass <= ReadinessPoller::MaxEventsPerPass, qPrintable(QString::number(inPass)));
    passMarker();
    QCOMPARE(delivered, Count); // each once: switched off, nothing more
}

void tst_ReadinessPoller::aBusySocketDoesNotStarveTheOthers()
{
    // A socket that stays ready and costs more than a pass's budget each time (a flood
    // read at full speed) must not keep a socket that became ready after it waiting.
    Handle clientA, serverA, clientB, serverB;
    connectPair(&clientA, &serverA);
    connectPair(&clientB, &serverB);
    QVERIFY(serverA && serverB);
    int busyDeliveries = 0;
    connect(serverA.get(), &SocketHandle::readyRead, this, [&busyDeliveries] {
        ++busyDeliveries;
        QThread::msleep(ReadinessPoller::PassBudgetMs + 2); // the cost; it never reads
    });
    QCOMPARE(clientA->send("a", 1), qint64(1));
    QTRY_COMPARE(serverA->kernelReceiveQueue(), 1);
    QVERIFY(serverA->setReadNotificationEnabled(true));
    QTRY_VERIFY(busyDeliveries >= 2); // A is delivered pass after pass

    QSignalSpy readB(serverB.get(), &SocketHandle::readyRead);
    QCOMPARE(clientB->send("b", 1), qint64(1));
    QTRY_COMPARE(serverB->kernelReceiveQueue(), 1);
    QVERIFY(serverB->setReadNotificationEnabled(true)); // behind A in epoll's ready list
    QTRY_VERIFY_WITH_TIMEOUT(!readB.isEmpty(), 2000);
    QVERIFY(serverA->setReadNotificationEnabled(false));
}

void tst_ReadinessPoller::aClosedSocketsReadinessReachesNobody()
{
    // Two sockets ready in the same pass; the first one's receiver closes the other and
    // opens a new socket, which gets the closed one's descriptor number. The readiness
    // epoll found for the closed socket must not reach the new one.
    Handle clientA, serverA, clientB, serverB;
    connectPair(&clientA, &serverA);
    connectPair(&clientB, &serverB);
    QVERIFY(serverA && serverB);
    QCOMPARE(clientA->send("a", 1), qint64(1));
    QCOMPARE(clientB->send("b", 1), qint64(1));
    QTRY_COMPARE(serverA->kernelReceiveQueue(), 1);
    QTRY_COMPARE(serverB->kernelReceiveQueue(), 1);

    Handle reopened;
    int reusedDescriptor = -1;
    bool closedOneHeard = false;
    auto closeTheOther = [&](Handle &self, Handle &other) {
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
        QVERIFY(reopened->setReadNotificationEnabled(true));
    };
    connect(serverA.get(), &SocketHandle::readyRead, this, [&] { closeTheOther(serverA, serverB); });
    connect(serverB.get(), &SocketHandle::readyRead, this, [&] { closeTheOther(serverB, serverA); });
    QVERIFY(serverA->setReadNotificationEnabled(true));
    QVERIFY(serverB->setReadNotificationEnabled(true));
    QTRY_VERIFY(reopened);
    QCOMPARE(reopened->descriptor(), reusedDescriptor); // the case this is about
    QSignalSpy reopenedRead(reopened.get(), &SocketHandle::readyRead);
    passMarker();
    QVERIFY(reopenedRead.isEmpty());
    QVERIFY(!closedOneHeard);
}

void tst_ReadinessPoller::aSocketThatAsksForNothingIsNotWoken()
{
    // A reset leaves a socket in error and hang-up, which epoll reports even to a socket
    // that asked for no event: one that wants nothing must not wake the loop over and
    // over.
    Handle client, server;
    connectPair(&client, &server);
    QVERIFY(server);
    QVERIFY(server->setReadNotificationEnabled(true));
    QVERIFY(server->setReadNotificationEnabled(false));
    client->abort(); // RST, taken in by the server's socket before abort() returns
    const std::shared_ptr<ReadinessPoller> poller = ReadinessPoller::forCurrentThread();
    const qint64 passes = poller->passCount();
    passMarker();
    passMarker();
    // Two passes for the two markers; a socket woken for nothing makes thousands.
    QVERIFY2(poller->passCount() - passes <= 4,
             qPrintable(QString::number(poller->passCount() - passes)));

    // Asked again, it hears the reset at once.
    QSignalSpy read(server.get(), &SocketHandle::readyRead);
    QVERIFY(server->setReadNotificationEnabled(true));
    QTRY_VERIFY(!read.isEmpty());
    char byte = 0;
    QCOMPARE(server->receive(&byte, 1), qint64(-1));
}

void tst_ReadinessPoller::aRefusedWatchChangesNothing()
{
    // epoll refuses what it cannot watch, as it refuses a socket when the system is out of
    // watches; a regular file is refused every time. The call says so with errno, keeps
    // what the kernel has, and the next call tries again instead of taking it for done.
    QTemporaryFile file;
    QVERIFY(file.open());
    const std::shared_ptr<ReadinessPoller> poller = ReadinessPoller::forCurrentThread();
    const quint64 key = poller->watch(int(file.handle()), nullptr);
    QVERIFY(key != 0);
    errno = 0;
    QVERIFY(!poller->setNotifications(key, true, false));
    QCOMPARE(errno, EPERM);
    QVERIFY(!poller->setNotifications(key, true, false));
    QVERIFY(poller->setNotifications(key, false, false)); // as it is: nothing to refuse
    poller->unwatch(key);
}

QTEST_GUILESS_MAIN(tst_ReadinessPoller)
#include "tst_readinesspoller.moc"

#include "pythonpeer.h"
#include "sockethandle.h"
#include "tcpclientsession.h"
#include "tcpconnection.h"
#include "tcpserversession.h"
#include "udppeersession.h"

#include <QAbstractItemModelTester>
#include <QCryptographicHash>
#include <QSet>
#include <QTest>

// The sessions against the lesson's own Python code, run by python3 on loopback: what a
// student types from the slides must work against the workbench, and the workbench must
// report it as the lesson tells it (accepted, received, eof, closed by peer, reset).

namespace {

// Generous for a loaded 2-core machine. Every wait on Python also ends as soon as Python
// exits, and Python gives up on any socket call after PythonSocketTimeoutSeconds, so a
// broken exchange fails in seconds with Python's traceback instead of hanging.
constexpr int StepTimeoutMs = 20000;
constexpr int BulkTimeoutMs = 30000;
constexpr int BulkBytes = 10 * 1024 * 1024;
constexpr int LessonRecvSize = 1024;
constexpr int OversizedMessageBytes = 3000;
constexpr int ClassSize = 5;

// Put in front of every script. The lesson's socket.socket() is AF_INET; the ::1 rows use
// the same code on an AF_INET6 socket, chosen from the address the test passes.
constexpr char PythonPrelude[] = R"(
import socket
import sys

socket.setdefaulttimeout(15)
HOST = sys.argv[1]
FAMILY = socket.AF_INET6 if ":" in HOST else socket.AF_INET
)";

// The lesson's "TCP client example", plus the port it was given, for the server's event.
constexpr char LessonTcpClient[] = R"(
PORT = int(sys.argv[2])
sock = socket.socket(FAMILY)
sock.connect((HOST, PORT))
print(sock.getsockname()[1])
sock.send("Hello world!".encode())
data = sock.recv(1024)
print(data.decode())
sock.close()
)";

// The lesson's "TCP server example" on a free port, printed for the test, with the
// accept() line of the slide before it. Like the slide, it closes only the listening
// socket; the connection is closed when the script ends.
constexpr char LessonTcpServer[] = R"(
sock = socket.socket(FAMILY)
sock.bind((HOST, 0))
sock.listen()
print(sock.getsockname()[1])

con, addr = sock.accept()
print("Incoming connection from", addr)
con.send("Hello world!".encode())
data = con.recv(1024)
print(data.decode())
sock.close()
)";

// The lesson's "UDP client example".
constexpr char LessonUdpClient[] = R"(
PORT = int(sys.argv[2])
sock = socket.socket(FAMILY, socket.SOCK_DGRAM)
sock.sendto("Hello world!".encode(), (HOST, PORT))
print(sock.getsockname()[1])
data, addr = sock.recvfrom(1024)
print("Message from:", addr)
print(data.decode())
sock.close()
)";

// The lesson's "UDP server example" on a free port, printed for the test.
constexpr char LessonUdpServer[] = R"(
sock = socket.socket(FAMILY, socket.SOCK_DGRAM)
sock.bind((HOST, 0))
print(sock.getsockname()[1])
data, addr = sock.recvfrom(1024)
print("Message from:", addr)
print(data.decode())
sock.sendto("Hello world!".encode(), addr)
sock.close()
)";

// A class connecting at once: every student is connected before anyone sends, and waits
// for the test's "go" on stdin so the test can look at the server in between.
constexpr char ClassOfClients[] = R"(
PORT, COUNT = int(sys.argv[2]), int(sys.argv[3])
socks = []
for _ in range(COUNT):
    sock = socket.socket(FAMILY)
    sock.connect((HOST, PORT))
    socks.append(sock)
print(" ".join(str(sock.getsockname()[1]) for sock in socks))
sys.stdin.readline()
for number, sock in enumerate(socks, 1):
    sock.send(f"Hello world! from student {number}".encode())
for sock in socks:
    data = sock.recv(1024)
    print(data.decode())
    sock.close()
)";

// Sends SIZE random bytes, then shutdown(SHUT_WR), and reads the echo until b''. Sending
// runs in a thread: an echo server stops reading while its replies are not read, so
// sending everything before reading would deadlock both sides.
constexpr char HalfClosingEchoClient[] = R"(
import hashlib
import os
import threading

PORT, SIZE = int(sys.argv[2]), int(sys.argv[3])
sock = socket.socket(FAMILY)
sock.settimeout(25)
sock.connect((HOST, PORT))
sent = os.urandom(SIZE)

def send_then_finish():
    sock.sendall(sent)
    sock.shutdown(socket.SHUT_WR)

sender = threading.Thread(target=send_then_finish)
sender.start()
received = bytearray()
while True:
    data = sock.recv(65536)
    if not data:
        break
    received += data
sender.join()
sock.close()
print(len(sent), hashlib.sha256(sent).hexdigest())
print(len(received), hashlib.sha256(received).hexdigest())
sys.exit(0 if received == sent else 1)
)";

// Reads until the client's FIN (recv() returns b''), and only then answers.
constexpr char ServerAnsweringAfterEof[] = R"(
sock = socket.socket(FAMILY)
sock.bind((HOST, 0))
sock.listen()
print(sock.getsockname()[1])

con, addr = sock.accept()
received = b""
while True:
    data = con.recv(1024)
    if not data:
        break
    received += data
print(received.decode())
con.send(f"Got {len(received)} bytes after your FIN".encode())
con.close()
sock.close()
)";

// Reads the greeting (so nothing unread is left), then closes with SO_LINGER {1, 0}: the
// kernel drops the connection with an RST instead of a FIN.
constexpr char ResettingClient[] = R"(
import struct

PORT = int(sys.argv[2])
sock = socket.socket(FAMILY)
sock.connect((HOST, PORT))
print(sock.getsockname()[1])
sock.recv(1024)
sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
sock.close()
)";

// Waits in recv() for the server to abort the connection.
constexpr char ClientExpectingReset[] = R"(
PORT = int(sys.argv[2])
sock = socket.socket(FAMILY)
sock.connect((HOST, PORT))
print(sock.getsockname()[1])
try:
    data = sock.recv(1024)
    print("no reset; received", data)
except ConnectionResetError:
    print("reset")
sock.close()
)";

// One send() of SIZE random bytes, then close; prints what send() took and its SHA-256.
constexpr char OneBigSend[] = R"(
import hashlib
import os

PORT, SIZE = int(sys.argv[2]), int(sys.argv[3])
sock = socket.socket(FAMILY)
sock.connect((HOST, PORT))
data = os.urandom(SIZE)
print(sock.send(data), hashlib.sha256(data).hexdigest())
sock.close()
)";

// One datagram of SIZE bytes (i % 251, so the test knows them), then a short marker: once
// the marker is in, nothing else of the big datagram can still arrive.
constexpr char OversizedDatagram[] = R"(
PORT, SIZE = int(sys.argv[2]), int(sys.argv[3])
sock = socket.socket(FAMILY, socket.SOCK_DGRAM)
sock.sendto(bytes(i % 251 for i in range(SIZE)), (HOST, PORT))
print(sock.getsockname()[1])
sock.sendto(b"marker", (HOST, PORT))
sock.close()
)";

// A script of this file with the prelude in front.
QString withPrelude(const char *script)
{
    return QString::fromUtf8(PythonPrelude) + QString::fromUtf8(script);
}

bool isIpv6(const QString &host)
{
    return host.contains(QLatin1Char(':'));
}

// How Python prints an address tuple: AF_INET6 adds flowinfo and scope_id.
QString pythonTuple(const QString &host, quint16 port)
{
    return QStringLiteral("('%1', %2%3")
        .arg(host)
        .arg(port)
        .arg(isIpv6(host) ? QStringLiteral(", 0, 0)") : QStringLiteral(")"));
}

QByteArray sha256Hex(const QByteArray &data)
{
    return QCryptographicHash::hash(data, QCryptographicHash::Sha256).toHex();
}

// Every event a session reports, in order.
class EventRecorder : public QObject
{
    Q_OBJECT

public:
    explicit EventRecorder(Session *session)
    {
        connect(session, &Session::eventOccurred, this, [this](const TrafficEvent &event) {
            m_events.append(event);
        });
    }

    const QList<TrafficEvent> &events() const { return m_events; }

    QList<TrafficEvent> ofType(EventType type) const
    {
        QList<TrafficEvent> result;
        for (const TrafficEvent &event : m_events) {
            if (event.type == type)
                result.append(event);
        }
        return result;
    }

    int count(EventType type) const { return int(ofType(type).size()); }

    int indexOf(EventType type) const
    {
        for (int i = 0; i < m_events.size(); ++i) {
            if (m_events.at(i).type == type)
                return i;
        }
        return -1;
    }

    int lastIndexOf(EventType type) const
    {
        for (int i = int(m_events.size()) - 1; i >= 0; --i) {
            if (m_events.at(i).type == type)
                return i;
        }
        return -1;
    }

    // The payloads of all events of a type, joined.
    QByteArray payload(EventType type) const
    {
        QByteArray joined;
        for (const TrafficEvent &event : m_events) {
            if (event.type == type)
                joined += event.payload;
        }
        return joined;
    }

    qint64 bytes(EventType type) const
    {
        qint64 total = 0;
        for (const TrafficEvent &event : m_events) {
            if (event.type == type)
                total += event.size();
        }
        return total;
    }

    // "listening", "accepted", ...: compares readably in QCOMPARE.
    QStringList types() const
    {
        QStringList names;
        for (const TrafficEvent &event : m_events)
            names.append(eventTypeName(event.type));
        return names;
    }

    // For failure messages; a flood is cut to its last events.
    QString dump() const
    {
        constexpr int MaxShown = 40;
        QStringList lines;
        const int first = qMax(0, int(m_events.size()) - MaxShown);
        if (first > 0)
            lines.append(QStringLiteral("(%1 earlier events)").arg(first));
        for (int i = first; i < m_events.size(); ++i) {
            const TrafficEvent &event = m_events.at(i);
            QString line = QStringLiteral("%1 %2 conn=%3 local=%4 peer=%5 size=%6")
                               .arg(i)
                               .arg(eventTypeName(event.type))
                               .arg(event.connection)
                               .arg(event.local.toString(), event.peer.toString())
                               .arg(event.size());
            if (event.type == EventType::Closed) {
                line += event.closedBy == ClosedBy::Peer ? QStringLiteral(" by=peer")
                                                         : QStringLiteral(" by=local");
                if (event.reset)
                    line += QStringLiteral(" reset");
            }
            if (!event.message.isEmpty())
                line += QStringLiteral(" message=") + event.message;
            lines.append(line);
        }
        return QStringLiteral("events:\n") + lines.join(QLatin1Char('\n'));
    }

private:
    QList<TrafficEvent> m_events;
};

} // namespace

class tst_Interop : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void init();

    void lessonTcpClientGetsGreeting_data();
    void lessonTcpClientGetsGreeting();
    void lessonTcpServerTalksToClientSession_data();
    void lessonTcpServerTalksToClientSession();
    void lessonUdpClientGetsEcho_data();
    void lessonUdpClientGetsEcho();
    void lessonUdpServerAnswersImplicitlyBoundPeer_data();
    void lessonUdpServerAnswersImplicitlyBoundPeer();
    void classConnectsAtOnce_data();
    void classConnectsAtOnce();
    void halfClosingClientGetsWholeEcho_data();
    void halfClosingClientGetsWholeEcho();
    void halfClosedClientSessionStillGetsAnswer_data();
    void halfClosedClientSessionStillGetsAnswer();
    void peerResetIsReportedAsReset_data();
    void peerResetIsReportedAsReset();
    void serverAbortResetsPythonClient_data();
    void serverAbortResetsPythonClient();
    void recvSizeSplitsOneSend_data();
    void recvSizeSplitsOneSend();
    void oversizedDatagramIsTruncated_data();
    void oversizedDatagramIsTruncated();

private:
    void addLoopbackRows();
    bool m_hasIpv6 = false;
};

void tst_Interop::initTestCase()
{
    PythonPeer python;
    python.start(withPrelude("print(sys.version_info >= (3, 6))"), {QStringLiteral("127.0.0.1")});
    QVERIFY2(python.waitForSuccess(StepTimeoutMs), qPrintable(python.diagnostics()));
    QCOMPARE(python.remainingLines(), QStringList{QStringLiteral("True")});

    // Containers and CI runners often have no ::1; the IPv6 rows are skipped there.
    SocketHandle probe;
    m_hasIpv6 = probe.open(QAbstractSocket::IPv6Protocol, SocketHandle::Type::Stream)
                && probe.bind(SocketAddress{QHostAddress::LocalHostIPv6, 0});
}

void tst_Interop::init()
{
    // Every data table has a host column, so the skip lives here once.
    QFETCH(QString, host);
    if (isIpv6(host) && !m_hasIpv6)
        QSKIP("this machine has no IPv6 loopback (::1)");
}

void tst_Interop::addLoopbackRows()
{
    QTest::addColumn<QString>("host");
    QTest::newRow("IPv4 loopback") << QStringLiteral("127.0.0.1");
    QTest::newRow("IPv6 loopback") << QStringLiteral("::1");
}

void tst_Interop::lessonTcpClientGetsGreeting_data()
{
    addLoopbackRows();
}

void tst_Interop::lessonTcpClientGetsGreeting()
{
    QFETCH(QString, host);

    const QByteArray greeting = "Welcome to the workbench!";
    TcpServerSession server(1);
    EventRecorder recorder(&server);
    server.setGreeting(greeting);
    server.listen(host, 0);
    QVERIFY2(server.isListening(), qPrintable(server.lastError()));

    PythonPeer python;
    python.start(withPrelude(LessonTcpClient), {host, QString::number(server.listenAddress().port)});
    const quint16 pythonPort = python.readPort(StepTimeoutMs);
    QVERIFY2(pythonPort != 0, qPrintable(python.diagnostics()));
    QVERIFY2(python.waitForSuccess(StepTimeoutMs), qPrintable(python.diagnostics()));
    QCOMPARE(python.remainingLines(), QStringList{QString::fromUtf8(greeting)});

    QTRY_VERIFY2_WITH_TIMEOUT(recorder.count(EventType::Closed) == 1,
                              qPrintable(recorder.dump()),
                              StepTimeoutMs);
    // The greeting goes out on accept, before anything is read.
    const QStringList expected{"listening", "accepted", "sent", "received", "eof", "closed"};
    QCOMPARE(recorder.types(), expected);
    const TrafficEvent accepted = recorder.ofType(EventType::Accepted).constFirst();
    QCOMPARE(accepted.connection, 1);
    QCOMPARE(accepted.peer, (SocketAddress{QHostAddress(host), pythonPort}));
    QCOMPARE(recorder.payload(EventType::Sent), greeting);
    QCOMPARE(recorder.payload(EventType::Received), QByteArray("Hello world!"));
    const TrafficEvent closed = recorder.ofType(EventType::Closed).constFirst();
    QCOMPARE(closed.connection, 1);
    QCOMPARE(closed.closedBy, ClosedBy::Peer);
    QVERIFY(!closed.reset);
}

void tst_Interop::lessonTcpServerTalksToClientSession_data()
{
    // host: where Python listens; target: what the client is told to connect to.
    QTest::addColumn<QString>("host");
    QTest::addColumn<QString>("target");
    QTest::newRow("IPv4 loopback") << QStringLiteral("127.0.0.1") << QStringLiteral("127.0.0.1");
    QTest::newRow("IPv6 loopback") << QStringLiteral("::1") << QStringLiteral("::1");
    // From /etc/hosts; IPv4 is tried first, as a default Python socket would connect.
    QTest::newRow("localhost looked up")
        << QStringLiteral("127.0.0.1") << QStringLiteral("localhost");
}

void tst_Interop::lessonTcpServerTalksToClientSession()
{
    QFETCH(QString, host);
    QFETCH(QString, target);

    PythonPeer python;
    python.start(withPrelude(LessonTcpServer), {host});
    const quint16 pythonPort = python.readPort(StepTimeoutMs);
    QVERIFY2(pythonPort != 0, qPrintable(python.diagnostics()));

    TcpClientSession client(1);
    EventRecorder recorder(&client);
    client.connectToHost(target, pythonPort);
    // Stops early on an error (connection refused, say) instead of waiting out the time.
    QTRY_VERIFY2_WITH_TIMEOUT(recorder.payload(EventType::Received) == "Hello world!"
                                  || recorder.count(EventType::Error) > 0,
                              qPrintable(recorder.dump()),
                              StepTimeoutMs);
    QVERIFY2(recorder.count(EventType::Error) == 0,
             qPrintable(recorder.dump() + QLatin1Char('\n') + python.diagnostics()));
    QVERIFY(client.send("Hello from the workbench!"));

    QVERIFY2(python.waitForSuccess(StepTimeoutMs), qPrintable(python.diagnostics()));
    const QStringList expectedOutput{QStringLiteral("Incoming connection from ")
                                         + pythonTuple(host, client.localAddress().port),
                                     QStringLiteral("Hello from the workbench!")};
    QCOMPARE(python.remainingLines(), expectedOutput);

    QTRY_VERIFY2_WITH_TIMEOUT(recorder.count(EventType::Closed) == 1,
                              qPrintable(recorder.dump()),
                              StepTimeoutMs);
    const QStringList expected{"connecting", "connected", "received", "sent", "eof", "closed"};
    QCOMPARE(recorder.types(), expected);
    QCOMPARE(recorder.ofType(EventType::Connected).constFirst().peer,
             (SocketAddress{QHostAddress(host), pythonPort}));
    const TrafficEvent closed = recorder.ofType(EventType::Closed).constFirst();
    QCOMPARE(closed.closedBy, ClosedBy::Peer);
    QVERIFY(!closed.reset);
    QCOMPARE(client.state(), ConnectionState::Closed);
}

void tst_Interop::lessonUdpClientGetsEcho_data()
{
    addLoopbackRows();
}

void tst_Interop::lessonUdpClientGetsEcho()
{
    QFETCH(QString, host);

    UdpPeerSession peer(1);
    EventRecorder recorder(&peer);
    peer.setEcho(true);
    peer.bind(host, 0);
    QVERIFY2(peer.isBound(), qPrintable(peer.lastError()));
    const quint16 port = peer.localAddress().port;

    PythonPeer python;
    python.start(withPrelude(LessonUdpClient), {host, QString::number(port)});
    const quint16 pythonPort = python.readPort(StepTimeoutMs);
    QVERIFY2(pythonPort != 0, qPrintable(python.diagnostics()));
    QVERIFY2(python.waitForSuccess(StepTimeoutMs),
             qPrintable(python.diagnostics() + QLatin1Char('\n') + recorder.dump()));
    const QStringList expectedOutput{QStringLiteral("Message from: ") + pythonTuple(host, port),
                                     QStringLiteral("Hello world!")};
    QCOMPARE(python.remainingLines(), expectedOutput);

    const QStringList expected{"listening", "received", "sent"};
    QCOMPARE(recorder.types(), expected);
    const SocketAddress pythonAddress{QHostAddress(host), pythonPort};
    const TrafficEvent received = recorder.ofType(EventType::Received).constFirst();
    QCOMPARE(received.peer, pythonAddress);
    QCOMPARE(received.payload, QByteArray("Hello world!"));
    QCOMPARE(received.truncatedFrom, -1);
    const TrafficEvent echoed = recorder.ofType(EventType::Sent).constFirst();
    QCOMPARE(echoed.peer, pythonAddress);
    QCOMPARE(echoed.payload, QByteArray("Hello world!"));
}

void tst_Interop::lessonUdpServerAnswersImplicitlyBoundPeer_data()
{
    addLoopbackRows();
}

void tst_Interop::lessonUdpServerAnswersImplicitlyBoundPeer()
{
    QFETCH(QString, host);

    PythonPeer python;
    python.start(withPrelude(LessonUdpServer), {host});
    const quint16 pythonPort = python.readPort(StepTimeoutMs);
    QVERIFY2(pythonPort != 0, qPrintable(python.diagnostics()));

    UdpPeerSession peer(1);
    EventRecorder recorder(&peer);
    QVERIFY(!peer.isBound());
    peer.sendToHost(host, pythonPort, "Hello from the workbench!");
    // The system picks the port at the first sendto(); the session says which.
    QTRY_VERIFY2_WITH_TIMEOUT(recorder.count(EventType::Listening) == 1,
                              qPrintable(recorder.dump()),
                              StepTimeoutMs);
    QVERIFY(peer.isBound());
    QVERIFY(!peer.isBoundExplicitly());
    const quint16 port = recorder.ofType(EventType::Listening).constFirst().local.port;
    QVERIFY(port != 0);
    QCOMPARE(peer.localAddress().port, port);

    QVERIFY2(python.waitForSuccess(StepTimeoutMs),
             qPrintable(python.diagnostics() + QLatin1Char('\n') + recorder.dump()));
    const QStringList expectedOutput{QStringLiteral("Message from: ") + pythonTuple(host, port),
                                     QStringLiteral("Hello from the workbench!")};
    QCOMPARE(python.remainingLines(), expectedOutput);

    QTRY_VERIFY2_WITH_TIMEOUT(recorder.count(EventType::Received) == 1,
                              qPrintable(recorder.dump()),
                              StepTimeoutMs);
    const QStringList expected{"listening", "sent", "received"};
    QCOMPARE(recorder.types(), expected);
    const TrafficEvent received = recorder.ofType(EventType::Received).constFirst();
    QCOMPARE(received.peer, (SocketAddress{QHostAddress(host), pythonPort}));
    QCOMPARE(received.payload, QByteArray("Hello world!"));
}

void tst_Interop::classConnectsAtOnce_data()
{
    addLoopbackRows();
}

void tst_Interop::classConnectsAtOnce()
{
    QFETCH(QString, host);

    TcpServerSession server(1);
    EventRecorder recorder(&server);
    QAbstractItemModelTester tester(server.connectionModel(),
                                    QAbstractItemModelTester::FailureReportingMode::QtTest);
    server.setEcho(true);
    server.listen(host, 0);
    QVERIFY2(server.isListening(), qPrintable(server.lastError()));
    const QString port = QString::number(server.listenAddress().port);

    PythonPeer python;
    python.start(withPrelude(ClassOfClients), {host, port, QString::number(ClassSize)});
    QVERIFY2(python.waitForLine(StepTimeoutMs), qPrintable(python.diagnostics()));
    QSet<quint16> pythonPorts;
    for (const QString &number : python.readLine().split(QLatin1Char(' ')))
        pythonPorts.insert(number.toUShort());
    QCOMPARE(pythonPorts.size(), ClassSize);

    // Everyone is connected and nobody has sent yet: Python waits for our "go".
    QTRY_VERIFY2_WITH_TIMEOUT(recorder.count(EventType::Accepted) == ClassSize,
                              qPrintable(recorder.dump()),
                              StepTimeoutMs);
    QSet<int> connectionIds;
    QSet<quint16> peerPorts;
    for (const TrafficEvent &accepted : recorder.ofType(EventType::Accepted)) {
        QCOMPARE(accepted.peer.address, QHostAddress(host));
        connectionIds.insert(accepted.connection);
        peerPorts.insert(accepted.peer.port);
    }
    QCOMPARE(connectionIds, (QSet<int>{1, 2, 3, 4, 5}));
    QCOMPARE(peerPorts, pythonPorts);
    QCOMPARE(recorder.count(EventType::Received), 0);
    server.connectionModel()->flush();
    QCOMPARE(server.connectionModel()->rowCount(), ClassSize);
    QCOMPARE(server.openConnectionCount(), ClassSize);

    python.write("go\n");
    QVERIFY2(python.waitForSuccess(StepTimeoutMs),
             qPrintable(python.diagnostics() + QLatin1Char('\n') + recorder.dump()));
    QStringList expectedOutput;
    for (int number = 1; number <= ClassSize; ++number)
        expectedOutput.append(QStringLiteral("Hello world! from student %1").arg(number));
    QCOMPARE(python.remainingLines(), expectedOutput);
    QTRY_VERIFY2_WITH_TIMEOUT(recorder.count(EventType::Closed) == ClassSize,
                              qPrintable(recorder.dump()),
                              StepTimeoutMs);
    for (const TrafficEvent &closed : recorder.ofType(EventType::Closed))
        QCOMPARE(closed.closedBy, ClosedBy::Peer);
    QCOMPARE(server.openConnectionCount(), 0);

    // The listening socket kept listening while the class came and went.
    QVERIFY(server.isListening());
    PythonPeer latecomer;
    latecomer.start(withPrelude(LessonTcpClient), {host, port});
    const quint16 latecomerPort = latecomer.readPort(StepTimeoutMs);
    QVERIFY2(latecomerPort != 0, qPrintable(latecomer.diagnostics()));
    QVERIFY2(latecomer.waitForSuccess(StepTimeoutMs), qPrintable(latecomer.diagnostics()));
    QCOMPARE(latecomer.remainingLines(), QStringList{QStringLiteral("Hello world!")});
    QCOMPARE(recorder.count(EventType::Accepted), ClassSize + 1);
    const TrafficEvent accepted = recorder.ofType(EventType::Accepted).constLast();
    QCOMPARE(accepted.connection, ClassSize + 1);
    QCOMPARE(accepted.peer.port, latecomerPort);
    server.connectionModel()->flush();
    QCOMPARE(server.connectionModel()->rowCount(), ClassSize + 1);
}

void tst_Interop::halfClosingClientGetsWholeEcho_data()
{
    addLoopbackRows();
}

void tst_Interop::halfClosingClientGetsWholeEcho()
{
    QFETCH(QString, host);

    TcpServerSession server(1);
    EventRecorder recorder(&server);
    server.setEcho(true);
    server.listen(host, 0);
    QVERIFY2(server.isListening(), qPrintable(server.lastError()));

    PythonPeer python;
    python.start(withPrelude(HalfClosingEchoClient),
                 {host, QString::number(server.listenAddress().port), QString::number(BulkBytes)});
    QVERIFY2(python.waitForSuccess(BulkTimeoutMs),
             qPrintable(python.diagnostics() + QLatin1Char('\n') + recorder.dump()));
    const QStringList lines = python.remainingLines();
    QCOMPARE(lines.size(), 2);
    const QStringList sent = lines.at(0).split(QLatin1Char(' '));
    QCOMPARE(sent.value(0), QString::number(BulkBytes));
    QCOMPARE(lines.at(1), lines.at(0)); // received: the same size and SHA-256

    QTRY_VERIFY2_WITH_TIMEOUT(recorder.count(EventType::Closed) == 1,
                              qPrintable(recorder.dump()),
                              StepTimeoutMs);
    QCOMPARE(recorder.count(EventType::Error), 0);
    QCOMPARE(recorder.bytes(EventType::Received), qint64(BulkBytes));
    QCOMPARE(QString::fromLatin1(sha256Hex(recorder.payload(EventType::Received))), sent.value(1));
    QCOMPARE(recorder.bytes(EventType::Sent), qint64(BulkBytes));
    // The FIN comes after the last byte, and the close after the last echo went out.
    const int eof = recorder.indexOf(EventType::Eof);
    const int closed = recorder.indexOf(EventType::Closed);
    QVERIFY2(eof > recorder.lastIndexOf(EventType::Received), qPrintable(recorder.dump()));
    QVERIFY2(closed > recorder.lastIndexOf(EventType::Sent), qPrintable(recorder.dump()));
    QCOMPARE(closed, int(recorder.events().size()) - 1);
    QCOMPARE(recorder.events().at(closed).closedBy, ClosedBy::Peer);
    QVERIFY(!recorder.events().at(closed).reset);
}

void tst_Interop::halfClosedClientSessionStillGetsAnswer_data()
{
    addLoopbackRows();
}

void tst_Interop::halfClosedClientSessionStillGetsAnswer()
{
    QFETCH(QString, host);

    PythonPeer python;
    python.start(withPrelude(ServerAnsweringAfterEof), {host});
    const quint16 pythonPort = python.readPort(StepTimeoutMs);
    QVERIFY2(pythonPort != 0, qPrintable(python.diagnostics()));

    TcpClientSession client(1);
    EventRecorder recorder(&client);
    client.connectToHost(host, pythonPort);
    QTRY_VERIFY2_WITH_TIMEOUT(client.state() == ConnectionState::Connected
                                  || recorder.count(EventType::Error) > 0,
                              qPrintable(recorder.dump()),
                              StepTimeoutMs);
    QVERIFY2(client.state() == ConnectionState::Connected,
             qPrintable(recorder.dump() + QLatin1Char('\n') + python.diagnostics()));
    QVERIFY(client.send("Hello world!"));
    client.halfClose();
    QVERIFY(!client.canSend());

    QVERIFY2(python.waitForSuccess(StepTimeoutMs),
             qPrintable(python.diagnostics() + QLatin1Char('\n') + recorder.dump()));
    QCOMPARE(python.remainingLines(), QStringList{QStringLiteral("Hello world!")});
    QTRY_VERIFY2_WITH_TIMEOUT(recorder.count(EventType::Closed) == 1,
                              qPrintable(recorder.dump()),
                              StepTimeoutMs);
    // The note is our FIN; after it the connection still reads.
    const QStringList
        expected{"connecting", "connected", "sent", "note", "received", "eof", "closed"};
    QCOMPARE(recorder.types(), expected);
    QCOMPARE(recorder.payload(EventType::Received), QByteArray("Got 12 bytes after your FIN"));
    const TrafficEvent closed = recorder.ofType(EventType::Closed).constFirst();
    QCOMPARE(closed.closedBy, ClosedBy::Peer);
    QVERIFY(!closed.reset);
}

void tst_Interop::peerResetIsReportedAsReset_data()
{
    addLoopbackRows();
}

void tst_Interop::peerResetIsReportedAsReset()
{
    QFETCH(QString, host);

    TcpServerSession server(1);
    EventRecorder recorder(&server);
    // Python reads it, so the RST comes from SO_LINGER and not from unread data.
    server.setGreeting("Welcome to the workbench!");
    server.listen(host, 0);
    QVERIFY2(server.isListening(), qPrintable(server.lastError()));

    PythonPeer python;
    python.start(withPrelude(ResettingClient), {host, QString::number(server.listenAddress().port)});
    const quint16 pythonPort = python.readPort(StepTimeoutMs);
    QVERIFY2(pythonPort != 0, qPrintable(python.diagnostics()));
    QVERIFY2(python.waitForSuccess(StepTimeoutMs), qPrintable(python.diagnostics()));

    QTRY_VERIFY2_WITH_TIMEOUT(recorder.count(EventType::Closed) == 1,
                              qPrintable(recorder.dump()),
                              StepTimeoutMs);
    const QStringList expected{"listening", "accepted", "sent", "error", "closed"};
    QCOMPARE(recorder.types(), expected);
    QCOMPARE(recorder.ofType(EventType::Accepted).constFirst().peer.port, pythonPort);
    const TrafficEvent error = recorder.ofType(EventType::Error).constFirst();
    QVERIFY2(error.message.startsWith(QStringLiteral("connection reset by peer")),
             qPrintable(error.message));
    QCOMPARE(error.connection, 1);
    const TrafficEvent closed = recorder.ofType(EventType::Closed).constFirst();
    QCOMPARE(closed.closedBy, ClosedBy::Peer);
    QVERIFY(closed.reset);
    QCOMPARE(server.connection(1)->closeReason(), CloseReason::ResetByPeer);
}

void tst_Interop::serverAbortResetsPythonClient_data()
{
    addLoopbackRows();
}

void tst_Interop::serverAbortResetsPythonClient()
{
    QFETCH(QString, host);

    TcpServerSession server(1);
    EventRecorder recorder(&server);
    server.listen(host, 0);
    QVERIFY2(server.isListening(), qPrintable(server.lastError()));

    PythonPeer python;
    python.start(withPrelude(ClientExpectingReset),
                 {host, QString::number(server.listenAddress().port)});
    const quint16 pythonPort = python.readPort(StepTimeoutMs);
    QVERIFY2(pythonPort != 0, qPrintable(python.diagnostics()));
    QTRY_VERIFY2_WITH_TIMEOUT(recorder.count(EventType::Accepted) == 1,
                              qPrintable(recorder.dump()),
                              StepTimeoutMs);
    QCOMPARE(recorder.ofType(EventType::Accepted).constFirst().peer.port, pythonPort);

    TcpConnection *connection = server.connection(1);
    QVERIFY(connection);
    connection->abort();
    QVERIFY2(python.waitForSuccess(StepTimeoutMs), qPrintable(python.diagnostics()));
    QCOMPARE(python.remainingLines(), QStringList{QStringLiteral("reset")});

    const QStringList expected{"listening", "accepted", "closed"};
    QCOMPARE(recorder.types(), expected);
    const TrafficEvent closed = recorder.ofType(EventType::Closed).constFirst();
    QCOMPARE(closed.closedBy, ClosedBy::Local);
    QVERIFY(closed.reset);
}

void tst_Interop::recvSizeSplitsOneSend_data()
{
    addLoopbackRows();
}

void tst_Interop::recvSizeSplitsOneSend()
{
    QFETCH(QString, host);

    TcpServerSession server(1);
    EventRecorder recorder(&server);
    server.setRecvSize(LessonRecvSize);
    server.listen(host, 0);
    QVERIFY2(server.isListening(), qPrintable(server.lastError()));

    PythonPeer python;
    python.start(withPrelude(OneBigSend),
                 {host,
                  QString::number(server.listenAddress().port),
                  QString::number(OversizedMessageBytes)});
    QVERIFY2(python.waitForSuccess(StepTimeoutMs), qPrintable(python.diagnostics()));
    const QStringList sent = python.remainingLines().value(0).split(QLatin1Char(' '));
    // One send() took it all, so the split below is the reader's doing.
    QCOMPARE(sent.value(0), QString::number(OversizedMessageBytes));

    QTRY_VERIFY2_WITH_TIMEOUT(recorder.bytes(EventType::Received) >= OversizedMessageBytes,
                              qPrintable(recorder.dump()),
                              StepTimeoutMs);
    QTRY_VERIFY2_WITH_TIMEOUT(recorder.count(EventType::Closed) == 1,
                              qPrintable(recorder.dump()),
                              StepTimeoutMs);
    QCOMPARE(recorder.bytes(EventType::Received), qint64(OversizedMessageBytes));
    const QList<TrafficEvent> reads = recorder.ofType(EventType::Received);
    QVERIFY2(reads.size() >= (OversizedMessageBytes + LessonRecvSize - 1) / LessonRecvSize,
             qPrintable(recorder.dump()));
    for (const TrafficEvent &read : reads)
        QVERIFY2(read.size() <= LessonRecvSize, qPrintable(recorder.dump()));
    QCOMPARE(QString::fromLatin1(sha256Hex(recorder.payload(EventType::Received))), sent.value(1));
    QVERIFY(recorder.indexOf(EventType::Eof) > recorder.lastIndexOf(EventType::Received));
}

void tst_Interop::oversizedDatagramIsTruncated_data()
{
    addLoopbackRows();
}

void tst_Interop::oversizedDatagramIsTruncated()
{
    QFETCH(QString, host);

    UdpPeerSession peer(1);
    EventRecorder recorder(&peer);
    peer.setRecvSize(LessonRecvSize);
    peer.bind(host, 0);
    QVERIFY2(peer.isBound(), qPrintable(peer.lastError()));

    PythonPeer python;
    python.start(withPrelude(OversizedDatagram),
                 {host,
                  QString::number(peer.localAddress().port),
                  QString::number(OversizedMessageBytes)});
    const quint16 pythonPort = python.readPort(StepTimeoutMs);
    QVERIFY2(pythonPort != 0, qPrintable(python.diagnostics()));
    QVERIFY2(python.waitForSuccess(StepTimeoutMs), qPrintable(python.diagnostics()));

    QTRY_VERIFY2_WITH_TIMEOUT(recorder.count(EventType::Received) == 2,
                              qPrintable(recorder.dump()),
                              StepTimeoutMs);
    const QStringList expected{"listening", "received", "received"};
    QCOMPARE(recorder.types(), expected);
    const QList<TrafficEvent> datagrams = recorder.ofType(EventType::Received);
    QByteArray prefix(LessonRecvSize, Qt::Uninitialized);
    for (int i = 0; i < prefix.size(); ++i)
        prefix[i] = char(i % 251);
    QCOMPARE(datagrams.at(0).payload, prefix);
    QCOMPARE(datagrams.at(0).truncatedFrom, qint64(OversizedMessageBytes));
    QCOMPARE(datagrams.at(0).peer, (SocketAddress{QHostAddress(host), pythonPort}));
    QCOMPARE(datagrams.at(1).payload, QByteArray("marker"));
    QCOMPARE(datagrams.at(1).truncatedFrom, qint64(-1));
}

QTEST_GUILESS_MAIN(tst_Interop)
#include "tst_interop.moc"

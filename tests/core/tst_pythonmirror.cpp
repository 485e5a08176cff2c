#include "eventcollector.h"
#include "pythonmirror.h"
#include "pythonpeer.h"
#include "socketerror.h"
#include "tcpclientsession.h"
#include "tcpconnection.h"
#include "tcpserversession.h"
#include "udppeersession.h"

#include <QFile>
#include <QProcess>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <cerrno>

// The Python mirror (issue 6): the exact code for scripted sessions, Python's own compiler
// on every script, and replays: a mirror of a real session, run by python3 against peers
// that do what the session's peers did, must carry the same bytes on every connection.

namespace {

constexpr int StepTimeoutMs = 20000;
constexpr int LessonRecvSize = 1024;
constexpr int FloodReads = 10000;

SocketAddress address(const char *host, quint16 port)
{
    return SocketAddress{QHostAddress(QString::fromLatin1(host)), port};
}

// The events of one scripted session. Each comes a second after the one before, so a
// send of the bytes just read is a person's reply; echo() sends them in the same
// millisecond, as the session's echo does.
class Events
{
public:
    explicit Events(SessionKind kind)
        : m_kind(kind)
    {}

    Events &listening(const SocketAddress &local,
                      const QString &message = QString(),
                      EventDetail detail = EventDetail::None)
    {
        add(EventType::Listening, 0).local = local;
        m_events.last().message = message;
        m_events.last().detail = detail;
        return *this;
    }
    Events &stopped()
    {
        add(EventType::Stopped, 0);
        return *this;
    }
    Events &connecting(const SocketAddress &peer)
    {
        add(EventType::Connecting, 0).peer = peer;
        return *this;
    }
    Events &connected(const SocketAddress &local, const SocketAddress &peer)
    {
        TrafficEvent &event = add(EventType::Connected, 0);
        event.local = local;
        event.peer = peer;
        return *this;
    }
    Events &accepted(int connection, const SocketAddress &local, const SocketAddress &peer)
    {
        TrafficEvent &event = add(EventType::Accepted, connection);
        event.local = local;
        event.peer = peer;
        return *this;
    }
    Events &received(int connection,
                     const QByteArray &payload,
                     const SocketAddress &peer = {},
                     qint64 truncatedFrom = -1)
    {
        TrafficEvent &event = add(EventType::Received, connection);
        event.payload = payload;
        event.peer = peer;
        event.truncatedFrom = truncatedFrom;
        return *this;
    }
    Events &sent(int connection, const QByteArray &payload, const SocketAddress &peer = {})
    {
        TrafficEvent &event = add(EventType::Sent, connection);
        event.payload = payload;
        event.peer = peer;
        return *this;
    }
    Events &echo(int connection, const QByteArray &payload, const SocketAddress &peer = {})
    {
        sent(connection, payload, peer);
        m_time -= 1000;
        m_events.last().msecsSinceEpoch = m_time;
        return *this;
    }
    Events &eof(int connection)
    {
        add(EventType::Eof, connection);
        return *this;
    }
    Events &closed(int connection,
                   ClosedBy by,
                   bool reset = false,
                   EventDetail detail = EventDetail::None)
    {
        TrafficEvent &event = add(EventType::Closed, connection);
        event.closedBy = by;
        event.reset = reset;
        event.detail = detail;
        return *this;
    }
    Events &error(const QString &message, int connection = 0, const SocketAddress &peer = {})
    {
        TrafficEvent &event = add(EventType::Error, connection);
        event.message = message;
        event.peer = peer;
        return *this;
    }
    Events &note(const QString &message, int connection = 0, EventDetail detail = EventDetail::None)
    {
        add(EventType::Note, connection).message = message;
        m_events.last().detail = detail;
        return *this;
    }

    QList<TrafficEvent> list() const { return m_events; }

private:
    TrafficEvent &add(EventType type, int connection)
    {
        TrafficEvent event;
        m_time += 1000;
        event.msecsSinceEpoch = m_time;
        event.session = 1;
        event.kind = m_kind;
        event.type = type;
        event.connection = connection;
        m_events.append(event);
        return m_events.last();
    }

    SessionKind m_kind;
    qint64 m_time = 1800000000000; // 2027-01-15
    QList<TrafficEvent> m_events;
};

QString mirrorOf(SessionKind kind, int recvSize, const QList<TrafficEvent> &events)
{
    PythonMirror mirror(kind, recvSize);
    for (const TrafficEvent &event : events)
        mirror.append(event);
    return mirror.script();
}

// Where two texts differ, with both in full: QCOMPARE cuts long strings.
QString difference(const QString &actual, const QString &expected)
{
    const QStringList actualLines = actual.split(QLatin1Char('\n'));
    const QStringList expectedLines = expected.split(QLatin1Char('\n'));
    int line = 0;
    while (line < actualLines.size() && line < expectedLines.size()
           && actualLines.at(line) == expectedLines.at(line)) {
        ++line;
    }
    return QStringLiteral("first difference at line %1\n--- actual:\n%2\n--- expected:\n%3")
        .arg(QString::number(line + 1), actual, expected);
}

// Python's own compiler decides: empty when the script is valid Python 3, else its error.
// compile(), not only ast.parse(): it also rejects a misplaced break, yield or return.
QString pythonCompileError(const QString &script)
{
    QProcess python;
    python.start(QStringLiteral("python3"),
                 {QStringLiteral("-c"),
                  QStringLiteral("import sys; compile(sys.stdin.buffer.read(), 'mirror.py', "
                                 "'exec')")});
    if (!python.waitForStarted(StepTimeoutMs))
        return QStringLiteral("could not start python3: ") + python.errorString();
    python.write(script.toUtf8());
    python.closeWriteChannel();
    if (!python.waitForFinished(StepTimeoutMs))
        return QStringLiteral("python3 did not finish");
    if (python.exitStatus() != QProcess::NormalExit || python.exitCode() != 0)
        return QString::fromUtf8(python.readAllStandardError());
    return QString();
}

// Put in front of a mirror that is replayed: every socket keeps what it read and sent,
// printed when the script ends ("trace IN OUT", hex, "-" for nothing), and a listening
// socket says its port, so the mirror can be given port 0 instead of its literal one.
constexpr char TraceHarness[] = R"(import atexit
import socket as _socket_module

_traced = []


class _TracedSocket(_socket_module.socket):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.trace_in = bytearray()
        self.trace_out = bytearray()
        _traced.append(self)

    def listen(self, *args):
        super().listen(*args)
        print("listening", self.getsockname()[1], flush=True)

    def recv(self, *args):
        data = super().recv(*args)
        self.trace_in += data
        return data

    def recvfrom(self, *args):
        data, addr = super().recvfrom(*args)
        self.trace_in += data
        return data, addr

    def send(self, data, *args):
        sent = super().send(data, *args)
        self.trace_out += data[:sent]
        return sent

    def sendto(self, data, *args):
        sent = super().sendto(data, *args)
        self.trace_out += data[:sent]
        return sent


def _report():
    for sock in _traced:
        if sock.trace_in or sock.trace_out:
            print("trace", sock.trace_in.hex() or "-", sock.trace_out.hex() or "-", flush=True)


atexit.register(_report)
_socket_module.socket = _TracedSocket
)";

// The lesson's TCP client, printing what it received.
constexpr char LessonTcpClient[] = R"(import socket
import sys

socket.setdefaulttimeout(15)
sock = socket.socket()
sock.connect(("127.0.0.1", int(sys.argv[1])))
sock.send("Hello world!".encode())
data = sock.recv(1024)
print("received", data.hex())
sock.close()
)";

// Two students at once, taking turns: each waits for the echo of its message before the
// other sends, so the server reads #1, #2, #1, #2.
constexpr char TwoClientsTakingTurns[] = R"(import socket
import sys

socket.setdefaulttimeout(15)
PORT = int(sys.argv[1])
first = socket.create_connection(("127.0.0.1", PORT))
second = socket.create_connection(("127.0.0.1", PORT))
received = {first: bytearray(), second: bytearray()}


def exchange(sock, message):
    sock.sendall(message)
    wanted = len(received[sock]) + len(message)
    while len(received[sock]) < wanted:
        data = sock.recv(1024)
        if not data:
            sys.exit("closed early")
        received[sock] += data


exchange(first, b"first from one")
exchange(second, b"first from two")
exchange(first, b"second from one")
exchange(second, b"second from two")
for sock in (first, second):
    sock.shutdown(socket.SHUT_WR)
    while sock.recv(1024):
        pass
    print("received", received[sock].hex())
    sock.close()
)";

// 200 kB in 1000-byte sends from a thread (an echo server stops reading while its replies
// are not read), then FIN; reads everything back until the server closes.
constexpr char FloodingClient[] = R"(import random
import socket
import sys
import threading

socket.setdefaulttimeout(15)
payload = random.Random(6).randbytes(200000)
sock = socket.create_connection(("127.0.0.1", int(sys.argv[1])))


def send_all():
    for start in range(0, len(payload), 1000):
        sock.sendall(payload[start:start + 1000])
    sock.shutdown(socket.SHUT_WR)


sender = threading.Thread(target=send_all)
sender.start()
received = bytearray()
while True:
    data = sock.recv(65536)
    if not data:
        break
    received += data
sender.join()
print("received", received.hex())
sock.close()
)";

// The lesson's TCP server on a free port: it greets, reads one message and closes.
constexpr char LessonTcpServer[] = R"(import socket

socket.setdefaulttimeout(15)
sock = socket.socket()
sock.bind(("127.0.0.1", 0))
sock.listen()
print(sock.getsockname()[1], flush=True)
con, addr = sock.accept()
con.send("Hello world!".encode())
data = con.recv(1024)
print("received", data.hex())
con.close()
sock.close()
)";

// The lesson's UDP server on a free port: it answers one datagram.
constexpr char LessonUdpServer[] = R"(import socket

socket.setdefaulttimeout(15)
sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
sock.bind(("127.0.0.1", 0))
print(sock.getsockname()[1], flush=True)
data, addr = sock.recvfrom(1024)
print("received", data.hex())
sock.sendto("Hello world!".encode(), addr)
sock.close()
)";

struct Trace
{
    QByteArray in;
    QByteArray out;
};

// The harness's "trace" lines; other lines (the mirror's own prints) are left out.
QList<Trace> tracesIn(const QStringList &lines)
{
    QList<Trace> traces;
    for (const QString &line : lines) {
        const QStringList fields = line.split(QLatin1Char(' '));
        if (fields.size() != 3 || fields.at(0) != QLatin1String("trace"))
            continue;
        auto bytes = [](const QString &hex) {
            return hex == QLatin1String("-") ? QByteArray() : QByteArray::fromHex(hex.toLatin1());
        };
        traces.append(Trace{bytes(fields.at(1)), bytes(fields.at(2))});
    }
    return traces;
}

// A peer's "received HEX" lines, one per connection in its order.
QList<QByteArray> receivedIn(const QStringList &lines)
{
    QList<QByteArray> received;
    for (const QString &line : lines) {
        if (line.startsWith(QLatin1String("received ")))
            received.append(QByteArray::fromHex(line.mid(9).toLatin1()));
    }
    return received;
}

QString literalAddress(quint16 port)
{
    return QLatin1String("('127.0.0.1', ") + QString::number(port) + QLatin1Char(')');
}

} // namespace

class tst_PythonMirror : public QObject
{
    Q_OBJECT

private slots:
    void exactScript_data();
    void exactScript();
    void scriptCompiles_data();
    void scriptCompiles();
    void floodStaysSmall();
    void pendingReadsOfManyEchoConnectionsAreBounded();
    void eachReadUsesTheRecvSizeInEffect();
    void limitsStopFollowing();
    void changedIsCoalesced();
    void saveWritesTheScript();

    void replayLessonServer();
    void replayInterleavedEchoServer();
    void replayEchoFlood();
    void replayLessonClient();
    void replayUdpClient();

private:
    // Runs a server's mirror on a free port with peers that do what the session's peers
    // did; every connection must carry the bytes it carried in the session.
    void replayServer(const QString &script,
                      quint16 port,
                      const char *peers,
                      const EventCollector &events,
                      int connections);
    // Runs a client's (or UDP peer's) mirror against a fresh run of the server script it
    // talked to; its socket must carry the bytes the session's did.
    void replayAgainst(const QString &script,
                       quint16 port,
                       const char *server,
                       const EventCollector &events);
};

void tst_PythonMirror::exactScript_data()
{
    QTest::addColumn<int>("kind");
    QTest::addColumn<int>("recvSize");
    QTest::addColumn<QList<TrafficEvent>>("events");
    QTest::addColumn<QString>("expected");

    const SocketAddress server = address("127.0.0.1", 1337);
    const SocketAddress client = address("127.0.0.1", 54321);
    const QByteArray hello = "Hello world!";

    QTest::newRow("lesson TCP client")
        << int(SessionKind::TcpClient) << LessonRecvSize
        << Events(SessionKind::TcpClient)
               .connecting(server)
               .connected(client, server)
               .sent(0, hello)
               .received(0, hello)
               .closed(0, ClosedBy::Local)
               .list()
        << QStringLiteral(
               R"(# What this TCP client has done so far, as Python code (Socket Workbench mirror).
import socket

sock = socket.socket()  # default is TCP
sock.connect(('127.0.0.1', 1337))  # sock.getsockname() == ('127.0.0.1', 54321)
sock.send("Hello world!".encode())
data = sock.recv(1024)  # data == b'Hello world!'
print(data.decode())
sock.close()
)");

    QTest::newRow("lesson TCP server")
        << int(SessionKind::TcpServer) << LessonRecvSize
        << Events(SessionKind::TcpServer)
               .listening(address("0.0.0.0", 1337))
               .accepted(1, server, client)
               .sent(1, hello)
               .received(1, hello)
               .eof(1)
               .closed(1, ClosedBy::Peer)
               .stopped()
               .list()
        << QStringLiteral(
               R"py(# What this TCP server has done so far, as Python code (Socket Workbench mirror).
import socket

sock = socket.socket()  # default is TCP
# SO_REUSEADDR, as the workbench sets it: bind() succeeds at once even while connections
# of an earlier run of this server still wait in TIME_WAIT.
sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
sock.bind(('0.0.0.0', 1337))
sock.listen()

con, addr = sock.accept()  # addr == ('127.0.0.1', 54321)
print("Incoming connection from", addr)
con.send("Hello world!".encode())
data = con.recv(1024)  # data == b'Hello world!'
print(data.decode())
data = con.recv(1024)  # b'': the peer finished sending (FIN)
con.close()  # the peer closed first; this side closes too
sock.close()  # stop listening: accepted connections stay open
)py");

    QTest::newRow("UDP client, bound by the system at the first sendto()")
        << int(SessionKind::Udp) << LessonRecvSize
        << Events(SessionKind::Udp)
               .listening(address("0.0.0.0", 45678),
                          UdpPeerSession::implicitBindNote(45678),
                          EventDetail::ImplicitBind)
               .sent(0, hello, server)
               .received(0, hello, server)
               .stopped()
               .list()
        << QStringLiteral(
               R"py(# What this UDP peer has done so far, as Python code (Socket Workbench mirror).
import socket

sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
# No bind(): the system picks a free port at the first sendto() (this time port 45678).
sock.sendto("Hello world!".encode(), ('127.0.0.1', 1337))
data, addr = sock.recvfrom(1024)  # addr == ('127.0.0.1', 1337), data == b'Hello world!'
print("Message from:", addr)
print(data.decode())
sock.close()
)py");

    QTest::newRow("lesson UDP server, replying the same text a person typed")
        << int(SessionKind::Udp) << LessonRecvSize
        << Events(SessionKind::Udp)
               .listening(address("0.0.0.0", 1337))
               .received(0, hello, client)
               .sent(0, hello, client)
               .stopped()
               .list()
        << QStringLiteral(
               R"py(# What this UDP peer has done so far, as Python code (Socket Workbench mirror).
import socket

sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
sock.bind(('0.0.0.0', 1337))
data, addr = sock.recvfrom(1024)  # addr == ('127.0.0.1', 54321), data == b'Hello world!'
print("Message from:", addr)
print(data.decode())
sock.sendto("Hello world!".encode(), addr)
sock.close()
)py");

    QTest::newRow("UDP echo, one datagram cut by recvfrom(N)")
        << int(SessionKind::Udp) << 4
        << Events(SessionKind::Udp)
               .listening(address("127.0.0.1", 1337))
               .received(0, "Hell", client, 12)
               .echo(0, "Hell", client)
               .received(0, "ping", client)
               .echo(0, "ping", client)
               .received(0, "pong", address("127.0.0.1", 54322))
               .echo(0, "pong", address("127.0.0.1", 54322))
               .list()
        << QStringLiteral(
               R"py(# What this UDP peer has done so far, as Python code (Socket Workbench mirror).
import socket

sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
sock.bind(('127.0.0.1', 1337))
for _ in range(3):  # 3 datagrams, 12 bytes in all, 1 cut to 4 bytes, each sent back (echo)
    data, addr = sock.recvfrom(4)  # the first: addr == ('127.0.0.1', 54321), data == b'Hell'
    sock.sendto(data, addr)
)py");

    QTest::newRow("half-close, then the reply until FIN")
        << int(SessionKind::TcpClient) << LessonRecvSize
        << Events(SessionKind::TcpClient)
               .connecting(server)
               .connected(client, server)
               .sent(0, "GET / HTTP/1.0\r\n\r\n")
               .note(TcpConnection::halfCloseNote(), 0, EventDetail::HalfClose)
               .received(0, "HTTP/1.0 200 OK\r\n")
               .eof(0)
               .closed(0, ClosedBy::Peer)
               .list()
        << QStringLiteral(
               R"py(# What this TCP client has done so far, as Python code (Socket Workbench mirror).
import socket

sock = socket.socket()  # default is TCP
sock.connect(('127.0.0.1', 1337))  # sock.getsockname() == ('127.0.0.1', 54321)
sock.send("GET / HTTP/1.0\r\n\r\n".encode())
sock.shutdown(socket.SHUT_WR)  # FIN: this side sends no more, but still reads
data = sock.recv(1024)  # data == b'HTTP/1.0 200 OK\r\n'
print(data.decode())
data = sock.recv(1024)  # b'': the peer finished sending (FIN)
sock.close()  # the peer closed first; this side closes too
)py");

    QTest::newRow("close with data unread: the system's RST is no SO_LINGER")
        << int(SessionKind::TcpClient) << LessonRecvSize
        << Events(SessionKind::TcpClient)
               .connecting(server)
               .connected(client, server)
               .closed(0, ClosedBy::Local, true, EventDetail::UnreadData)
               .list()
        << QStringLiteral(
               R"py(# What this TCP client has done so far, as Python code (Socket Workbench mirror).
import socket

sock = socket.socket()  # default is TCP
sock.connect(('127.0.0.1', 1337))  # sock.getsockname() == ('127.0.0.1', 54321)
sock.close()  # data was still unread: the system sent RST, not FIN
)py");

    QTest::newRow("abort")
        << int(SessionKind::TcpServer) << LessonRecvSize
        << Events(SessionKind::TcpServer)
               .listening(address("127.0.0.1", 1337))
               .accepted(1, server, client)
               .received(1, "spam")
               .closed(1, ClosedBy::Local, true)
               .list()
        << QStringLiteral(
               R"py(# What this TCP server has done so far, as Python code (Socket Workbench mirror).
import socket
import struct

sock = socket.socket()  # default is TCP
# SO_REUSEADDR, as the workbench sets it: bind() succeeds at once even while connections
# of an earlier run of this server still wait in TIME_WAIT.
sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
sock.bind(('127.0.0.1', 1337))
sock.listen()

con, addr = sock.accept()  # addr == ('127.0.0.1', 54321)
print("Incoming connection from", addr)
data = con.recv(1024)  # data == b'spam'
print(data.decode())
con.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack('ii', 1, 0))  # linger 0 s: close() aborts
con.close()  # abort: RST instead of FIN, unsent data dropped
)py");

    QTest::newRow("eof without data, then reset by peer on the next")
        << int(SessionKind::TcpServer) << LessonRecvSize
        << Events(SessionKind::TcpServer)
               .listening(address("127.0.0.1", 1337))
               .accepted(1, server, client)
               .eof(1)
               .closed(1, ClosedBy::Peer)
               .accepted(2, server, address("127.0.0.1", 54322))
               .error(describeSocketError(ECONNRESET,
                                          SocketOperation::Receive,
                                          address("127.0.0.1", 54322)),
                      2)
               .closed(2, ClosedBy::Peer, true)
               .list()
        << QStringLiteral(
               R"py(# What this TCP server has done so far, as Python code (Socket Workbench mirror).
import socket

sock = socket.socket()  # default is TCP
# SO_REUSEADDR, as the workbench sets it: bind() succeeds at once even while connections
# of an earlier run of this server still wait in TIME_WAIT.
sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
sock.bind(('127.0.0.1', 1337))
sock.listen()

con1, addr1 = sock.accept()  # addr1 == ('127.0.0.1', 54321)
print("Incoming connection from", addr1)
data = con1.recv(1024)  # b'': the peer finished sending (FIN)
con1.close()  # the peer closed first; this side closes too

con2, addr2 = sock.accept()  # addr2 == ('127.0.0.1', 54322)
print("Incoming connection from", addr2)
# error: connection reset by peer: 127.0.0.1:54322 aborted the connection (RST). Its
# program may have crashed, closed with data still unread, or aborted on purpose.
con2.close()  # the peer reset the connection (RST)
)py");

    QTest::newRow("IPv6 server, an IPv6 and an IPv4 peer")
        << int(SessionKind::TcpServer) << LessonRecvSize
        << Events(SessionKind::TcpServer)
               .listening(address("::", 1337))
               .accepted(1, address("::1", 1337), address("::1", 54321))
               .received(1, hello)
               .closed(1, ClosedBy::Local)
               .accepted(2, address("::ffff:127.0.0.1", 1337), client)
               .received(2, hello)
               .closed(2, ClosedBy::Local)
               .list()
        << QStringLiteral(
               R"py(# What this TCP server has done so far, as Python code (Socket Workbench mirror).
import socket

sock = socket.socket(socket.AF_INET6)
# SO_REUSEADDR, as the workbench sets it: bind() succeeds at once even while connections
# of an earlier run of this server still wait in TIME_WAIT.
sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
sock.bind(('::', 1337))
sock.listen()

con1, addr1 = sock.accept()  # addr1 == ('::1', 54321, 0, 0)
print("Incoming connection from", addr1)
data = con1.recv(1024)  # data == b'Hello world!'
print(data.decode())
con1.close()

con2, addr2 = sock.accept()  # addr2 == ('::ffff:127.0.0.1', 54321, 0, 0)
print("Incoming connection from", addr2)
data = con2.recv(1024)  # data == b'Hello world!'
print(data.decode())
con2.close()
)py");

    QTest::newRow("IPv6 UDP peer sending to IPv4")
        << int(SessionKind::Udp) << LessonRecvSize
        << Events(SessionKind::Udp)
               .listening(address("::", 5000))
               .sent(0, hello, server)
               .received(0, hello, server)
               .list()
        << QStringLiteral(
               R"py(# What this UDP peer has done so far, as Python code (Socket Workbench mirror).
import socket

sock = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
sock.bind(('::', 5000))
sock.sendto("Hello world!".encode(), ('::ffff:127.0.0.1', 1337))
data, addr = sock.recvfrom(1024)  # addr == ('::ffff:127.0.0.1', 1337, 0, 0), data == b'Hello world!'
print("Message from:", addr)
print(data.decode())
)py");

    QTest::newRow("bytes that are not text")
        << int(SessionKind::TcpClient) << LessonRecvSize
        << Events(SessionKind::TcpClient)
               .connecting(server)
               .connected(client, server)
               .sent(0, QByteArray("\x00\xff", 2))
               .received(0, "\xff\xfe\x01")
               .sent(0, "\x7f")
               .received(0, "caf\xc3")
               .list()
        << QStringLiteral(
               R"py(# What this TCP client has done so far, as Python code (Socket Workbench mirror).
import socket

sock = socket.socket()  # default is TCP
sock.connect(('127.0.0.1', 1337))  # sock.getsockname() == ('127.0.0.1', 54321)
sock.send(b'\x00\xff')
data = sock.recv(1024)  # data == b'\xff\xfe\x01'
print(data)
sock.send(b'\x7f')
data = sock.recv(1024)  # data == b'caf\xc3'
print(data)
)py");

    QTest::newRow("text with quotes, backslashes and line breaks")
        << int(SessionKind::TcpClient) << LessonRecvSize
        << Events(SessionKind::TcpClient)
               .connecting(server)
               .connected(client, server)
               .sent(0, "He said \"hi\" in C:\\temp\n\tcaf\xc3\xa9")
               .received(0, "line 1\r\nline 2 caf\xc3\xa9\n")
               .list()
        << QStringLiteral(
               R"py(# What this TCP client has done so far, as Python code (Socket Workbench mirror).
import socket

sock = socket.socket()  # default is TCP
sock.connect(('127.0.0.1', 1337))  # sock.getsockname() == ('127.0.0.1', 54321)
sock.send("He said \"hi\" in C:\\temp\n\tcafé".encode())
data = sock.recv(1024)  # data == b'line 1\r\nline 2 caf\xc3\xa9\n'
print(data.decode())
)py");

    QTest::newRow("repeated sends and a read longer than its comment")
        << int(SessionKind::TcpClient) << 4096
        << Events(SessionKind::TcpClient)
               .connecting(server)
               .connected(client, server)
               .sent(0, "ping\n")
               .sent(0, "ping\n")
               .sent(0, "ping\n")
               .received(0, QByteArray(3000, 'x'))
               .list()
        << QStringLiteral(
               R"py(# What this TCP client has done so far, as Python code (Socket Workbench mirror).
import socket

sock = socket.socket()  # default is TCP
sock.connect(('127.0.0.1', 1337))  # sock.getsockname() == ('127.0.0.1', 54321)
for _ in range(3):  # 3 sends, 15 bytes in all
    sock.send("ping\n".encode())
data = sock.recv(4096)  # data[:48] == b'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx' (3000 bytes in all)
print(data.decode())
)py");

    QTest::newRow("connection refused, then another attempt that connects")
        << int(SessionKind::TcpClient) << LessonRecvSize
        << Events(SessionKind::TcpClient)
               .connecting(address("::1", 1337))
               .note(
                   describeSocketError(ECONNREFUSED, SocketOperation::Connect, address("::1", 1337)))
               .connecting(server)
               .connected(client, server)
               .closed(0, ClosedBy::Local)
               .connecting(address("127.0.0.1", 1))
               .error(describeSocketError(ECONNREFUSED,
                                          SocketOperation::Connect,
                                          address("127.0.0.1", 1)),
                      0,
                      address("127.0.0.1", 1))
               .list()
        << QStringLiteral(
               R"py(# What this TCP client has done so far, as Python code (Socket Workbench mirror).
import socket

sock = socket.socket(socket.AF_INET6)
# sock.connect(('::1', 1337)) raised ConnectionRefusedError: connection refused: nothing
# is listening on [::1]:1337. Check that the server is running and that the address and
# port are right.
sock.close()

sock = socket.socket()  # default is TCP
sock.connect(('127.0.0.1', 1337))  # sock.getsockname() == ('127.0.0.1', 54321)
sock.close()

sock = socket.socket()  # default is TCP
# sock.connect(('127.0.0.1', 1)) raised ConnectionRefusedError: connection refused:
# nothing is listening on 127.0.0.1:1. Check that the server is running and that the
# address and port are right.
sock.close()
)py");

    QTest::newRow("server error: port in use")
        << int(SessionKind::TcpServer) << LessonRecvSize
        << Events(SessionKind::TcpServer)
               .error(describeSocketError(EADDRINUSE, SocketOperation::Bind, server))
               .list()
        << QStringLiteral(
               R"py(# What this TCP server has done so far, as Python code (Socket Workbench mirror).
import socket

# error: port 1337 on 127.0.0.1 is already in use: another program or another tab is
# listening there. Stop it, or choose another port (0 picks any free port). If it is
# your own script that just stopped, its old connections wait in TIME_WAIT for a minute:
# set SO_REUSEADDR in it before bind().
)py");

    {
        Events flood(SessionKind::TcpServer);
        flood.listening(address("127.0.0.1", 1337)).accepted(1, server, client);
        for (int i = 0; i < FloodReads; ++i)
            flood.received(1, QByteArray(64, 'a'));
        flood.eof(1).closed(1, ClosedBy::Peer);
        QTest::newRow("flood of reads becomes one loop")
            << int(SessionKind::TcpServer) << LessonRecvSize << flood.list()
            << QStringLiteral(
                   R"py(# What this TCP server has done so far, as Python code (Socket Workbench mirror).
import socket

sock = socket.socket()  # default is TCP
# SO_REUSEADDR, as the workbench sets it: bind() succeeds at once even while connections
# of an earlier run of this server still wait in TIME_WAIT.
sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
sock.bind(('127.0.0.1', 1337))
sock.listen()

con, addr = sock.accept()  # addr == ('127.0.0.1', 54321)
print("Incoming connection from", addr)
received = 0
while received < 640000:  # 10000 reads in the session, 640000 bytes in all
    data = con.recv(1024)  # the first: data[:48] == b'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa' (64 bytes in all)
    if not data:  # the peer finished early
        break
    received += len(data)
data = con.recv(1024)  # b'': the peer finished sending (FIN)
con.close()  # the peer closed first; this side closes too
)py");
    }

    {
        // The peer reads slowly: echoes come late and in pieces, some after its FIN.
        Events late(SessionKind::TcpServer);
        late.listening(address("127.0.0.1", 1337)).accepted(1, server, client);
        late.received(1, "one").echo(1, "one");
        late.received(1, "two").received(1, "three").echo(1, "tw").sent(1, "o");
        late.received(1, "four").eof(1).sent(1, "three").sent(1, "four").closed(1, ClosedBy::Peer);
        QTest::newRow("echo written late and in pieces")
            << int(SessionKind::TcpServer) << LessonRecvSize << late.list()
            << QStringLiteral(
                   R"py(# What this TCP server has done so far, as Python code (Socket Workbench mirror).
import socket

sock = socket.socket()  # default is TCP
# SO_REUSEADDR, as the workbench sets it: bind() succeeds at once even while connections
# of an earlier run of this server still wait in TIME_WAIT.
sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
sock.bind(('127.0.0.1', 1337))
sock.listen()

con, addr = sock.accept()  # addr == ('127.0.0.1', 54321)
print("Incoming connection from", addr)
received = 0
while received < 15:  # 4 reads in the session, 15 bytes in all, each sent back (echo)
    data = con.recv(1024)  # the first: data == b'one'
    if not data:  # the peer finished early
        break
    received += len(data)
    con.send(data)
data = con.recv(1024)  # b'': the peer finished sending (FIN)
con.close()  # the peer closed first; this side closes too
)py");
    }

    QTest::newRow("interleaved connections use selectors")
        << int(SessionKind::TcpServer) << LessonRecvSize
        << Events(SessionKind::TcpServer)
               .listening(address("127.0.0.1", 1337))
               .accepted(1, server, client)
               .accepted(2, server, address("127.0.0.1", 54322))
               .sent(2, "Welcome!")
               .received(1, "a1")
               .echo(1, "a1")
               .received(2, "b1")
               .echo(2, "b1")
               .received(1, "a2")
               .echo(1, "a2")
               .eof(1)
               .closed(1, ClosedBy::Peer)
               .eof(2)
               .closed(2, ClosedBy::Peer)
               .stopped()
               .list()
        << QStringLiteral(
               R"py(# What this TCP server has done so far, as Python code (Socket Workbench mirror).
#
# The server served several connections at once: a read on one came between reads on
# another. Blocking calls in accept order would wait on one connection while another has
# data, so this script waits with selectors: the code of each connection is a generator
# that pauses (yield) before every read until its socket is readable.
import selectors
import socket

selector = selectors.DefaultSelector()


def run_until_read(steps):
    # Runs a generator up to its next read (yield sock), then waits until that socket is
    # readable.
    sock = next(steps, None)
    if sock is not None:
        selector.register(sock, selectors.EVENT_READ, steps)


def server():
    sock = socket.socket()  # default is TCP
    # SO_REUSEADDR, as the workbench sets it: bind() succeeds at once even while
    # connections of an earlier run of this server still wait in TIME_WAIT.
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(('127.0.0.1', 1337))
    sock.listen()

    yield sock  # wait for a connection
    con1, addr1 = sock.accept()  # addr1 == ('127.0.0.1', 54321)
    print("Incoming connection from", addr1)
    run_until_read(connection1(con1))

    yield sock  # wait for a connection
    con2, addr2 = sock.accept()  # addr2 == ('127.0.0.1', 54322)
    print("Incoming connection from", addr2)
    run_until_read(connection2(con2))
    sock.close()  # stop listening: accepted connections stay open


def connection1(con):
    received = 0
    while received < 4:  # 2 reads in the session, 4 bytes in all, each sent back (echo)
        yield con  # wait until readable
        data = con.recv(1024)  # the first: data == b'a1'
        if not data:  # the peer finished early
            break
        received += len(data)
        con.send(data)
    yield con  # wait until readable
    data = con.recv(1024)  # b'': the peer finished sending (FIN)
    con.close()  # the peer closed first; this side closes too


def connection2(con):
    con.send("Welcome!".encode())
    yield con  # wait until readable
    data = con.recv(1024)  # data == b'b1'
    print(data.decode())
    con.send(data)  # echo: the same bytes back
    yield con  # wait until readable
    data = con.recv(1024)  # b'': the peer finished sending (FIN)
    con.close()  # the peer closed first; this side closes too


run_until_read(server())
while selector.get_map():
    for key, _ in selector.select():
        selector.unregister(key.fileobj)
        run_until_read(key.data)
)py");

    QTest::newRow("nothing yet")
        << int(SessionKind::TcpServer) << LessonRecvSize << QList<TrafficEvent>()
        << QStringLiteral(
               R"py(# What this TCP server has done so far, as Python code (Socket Workbench mirror).
import socket

# Nothing yet: the code appears here as the session runs.
)py");
}

void tst_PythonMirror::exactScript()
{
    QFETCH(int, kind);
    QFETCH(int, recvSize);
    QFETCH(QList<TrafficEvent>, events);
    QFETCH(QString, expected);
    const QString script = mirrorOf(SessionKind(kind), recvSize, events);
    QVERIFY2(script == expected, qPrintable(difference(script, expected)));
}

void tst_PythonMirror::scriptCompiles_data()
{
    exactScript_data();
}

void tst_PythonMirror::scriptCompiles()
{
    QFETCH(int, kind);
    QFETCH(int, recvSize);
    QFETCH(QList<TrafficEvent>, events);
    const QString script = mirrorOf(SessionKind(kind), recvSize, events);
    const QString error = pythonCompileError(script);
    QVERIFY2(error.isEmpty(), qPrintable(error + QLatin1String("\n") + script));
}

void tst_PythonMirror::floodStaysSmall()
{
    // A million lines would be useless to a student and costly to build: a flood is a
    // loop, whichever way it came.
    constexpr int SmallScript = 2500;
    const SocketAddress server = address("127.0.0.1", 1337);
    const SocketAddress client = address("127.0.0.1", 54321);

    Events echo(SessionKind::TcpServer);
    echo.listening(server).accepted(1, server, client);
    for (int i = 0; i < FloodReads; ++i)
        echo.received(1, QByteArray::number(i)).echo(1, QByteArray::number(i));
    Events datagrams(SessionKind::Udp);
    datagrams.listening(server);
    for (int i = 0; i < FloodReads; ++i)
        datagrams.received(0, QByteArray::number(i), address("127.0.0.1", quint16(50000 + i % 7)));
    Events sends(SessionKind::TcpClient);
    sends.connecting(server).connected(client, server);
    for (int i = 0; i < FloodReads; ++i)
        sends.sent(0, "tick\n");
    // Two connections flooding at once: the server is interleaved, still one loop each.
    Events twoAtOnce(SessionKind::TcpServer);
    twoAtOnce.listening(server).accepted(1, server, client).accepted(2, server, client);
    for (int i = 0; i < FloodReads; ++i)
        twoAtOnce.received(1 + i % 2, QByteArray(100, 'x'));

    const struct
    {
        const char *name;
        SessionKind kind;
        QList<TrafficEvent> events;
        const char *loop;
    } floods[] = {
        {"echo", SessionKind::TcpServer, echo.list(), "each sent back (echo)"},
        {"datagrams", SessionKind::Udp, datagrams.list(), "for _ in range(10000):"},
        {"sends", SessionKind::TcpClient, sends.list(), "for _ in range(10000):"},
        {"two at once", SessionKind::TcpServer, twoAtOnce.list(), "5000 reads in the session"},
    };
    for (const auto &flood : floods) {
        const QString script = mirrorOf(flood.kind, LessonRecvSize, flood.events);
        QVERIFY2(script.size() < SmallScript, flood.name);
        QVERIFY2(script.contains(QLatin1String(flood.loop)), qPrintable(script));
    }
}

void tst_PythonMirror::pendingReadsOfManyEchoConnectionsAreBounded()
{
    // An echo server whose forty peers send faster than they read: each connection's
    // reads wait for their echo, but not 16 MiB of them per connection.
    constexpr int Connections = 40;
    const SocketAddress server = address("127.0.0.1", 1337);
    PythonMirror mirror(SessionKind::TcpServer, 65536);
    Events start(SessionKind::TcpServer);
    start.listening(server);
    for (int id = 1; id <= Connections; ++id) {
        start.accepted(id, server, address("127.0.0.1", quint16(40000 + id)));
        start.received(id, "hi").echo(id, "hi");
    }
    for (const TrafficEvent &event : start.list())
        mirror.append(event);
    const QByteArray chunk(64 * 1024, 'x'); // shared: the test itself stays small
    for (int round = 0; round < 128; ++round) {
        for (int id = 1; id <= Connections; ++id) {
            Events more(SessionKind::TcpServer);
            more.received(id, chunk);
            mirror.append(more.list().first());
        }
    }
    // 40 x 8 MiB were read without their echo yet.
    QVERIFY2(mirror.pendingBytes() <= 32 * 1024 * 1024 + chunk.size(),
             qPrintable(QString::number(mirror.pendingBytes())));
    QVERIFY(mirror.pendingBytes() > 0);
}

void tst_PythonMirror::eachReadUsesTheRecvSizeInEffect()
{
    // The session says when its recv size changes, so its mirror can follow.
    TcpServerSession session(1);
    PythonMirror mirror(session.kind(), session.recvSize());
    connect(&session, &Session::recvSizeChanged, &mirror, &PythonMirror::setRecvSize);
    QSignalSpy changes(&session, &Session::recvSizeChanged);
    session.setRecvSize(LessonRecvSize);
    session.setRecvSize(LessonRecvSize);
    QCOMPARE(changes.count(), 1);
    QCOMPARE(mirror.recvSize(), LessonRecvSize);

    const SocketAddress server = address("127.0.0.1", 1337);
    const QList<TrafficEvent> before = Events(SessionKind::TcpServer)
                                           .listening(server)
                                           .accepted(1, server, address("127.0.0.1", 54321))
                                           .received(1, "small")
                                           .list();
    for (const TrafficEvent &event : before)
        mirror.append(event);
    session.setRecvSize(4096);
    const QList<TrafficEvent> after = Events(SessionKind::TcpServer).received(1, "big").eof(1).list();
    for (const TrafficEvent &event : after)
        mirror.append(event);
    const QString script = mirror.script();
    QVERIFY2(script.contains(QLatin1String("data = con.recv(1024)  # data == b'small'\n")),
             qPrintable(script));
    QVERIFY2(script.contains(QLatin1String("data = con.recv(4096)  # data == b'big'\n")),
             qPrintable(script));
    QVERIFY2(script.contains(QLatin1String("data = con.recv(4096)  # b'': the peer")),
             qPrintable(script));
}

void tst_PythonMirror::limitsStopFollowing()
{
    // A server with more connections than the mirror keeps steps for.
    const SocketAddress server = address("127.0.0.1", 1337);
    PythonMirror many(SessionKind::TcpServer, LessonRecvSize);
    many.append(Events(SessionKind::TcpServer).listening(server).list().constFirst());
    TrafficEvent accepted = Events(SessionKind::TcpServer)
                                .accepted(1, server, address("127.0.0.1", 54321))
                                .list()
                                .constFirst();
    for (int i = 1; i <= PythonMirror::MaxSteps + 10; ++i) {
        accepted.connection = i;
        many.append(accepted);
    }
    QVERIFY(!many.isFollowing());
    QCOMPARE(many.eventCount(), qint64(PythonMirror::MaxSteps) + 11);
    const QString script = many.script();
    QVERIFY(script.contains(
        QStringLiteral("con%1, addr%1 = sock.accept()").arg(PythonMirror::MaxSteps)));
    QVERIFY(!script.contains(QStringLiteral("con%1,").arg(PythonMirror::MaxSteps + 1)));
    QVERIFY2(script.contains(
                 QLatin1String("# The mirror stopped following the session: it keeps at most")),
             qPrintable(script.right(400)));
    QVERIFY2(script.contains(QLatin1String("10 later events are not in this script.")),
             qPrintable(script.right(400)));
    const QString error = pythonCompileError(script);
    QVERIFY2(error.isEmpty(), qPrintable(error));

    // Sends of bytes that never repeat: their literals are kept up to MaxKeptBytes.
    PythonMirror sends(SessionKind::TcpClient, LessonRecvSize);
    for (const TrafficEvent &event :
         Events(SessionKind::TcpClient).connecting(server).connected(server, server).list()) {
        sends.append(event);
    }
    constexpr qint64 Chunk = 1024 * 1024;
    TrafficEvent sent = Events(SessionKind::TcpClient).sent(0, {}).list().constFirst();
    for (qint64 kept = 0; kept <= PythonMirror::MaxKeptBytes; kept += Chunk) {
        QVERIFY(sends.isFollowing());
        sent.payload = QByteArray(Chunk, char('a' + (kept / Chunk) % 26));
        sends.append(sent);
    }
    QVERIFY(!sends.isFollowing());
}

void tst_PythonMirror::changedIsCoalesced()
{
    PythonMirror mirror(SessionKind::TcpClient, LessonRecvSize);
    QSignalSpy changed(&mirror, &PythonMirror::changed);
    Events events(SessionKind::TcpClient);
    events.connecting(address("127.0.0.1", 1337));
    events.connected(address("127.0.0.1", 54321), address("127.0.0.1", 1337));
    for (int i = 0; i < 1000; ++i)
        events.received(0, "x");
    for (const TrafficEvent &event : events.list())
        mirror.append(event);
    QVERIFY(changed.wait());
    QCOMPARE(changed.count(), 1);
    // Nothing more was pending: one more event is one more signal.
    mirror.append(events.list().constLast());
    QVERIFY(changed.wait());
    QCOMPARE(changed.count(), 2);
}

void tst_PythonMirror::saveWritesTheScript()
{
    PythonMirror mirror(SessionKind::TcpClient, LessonRecvSize);
    for (const TrafficEvent &event :
         Events(SessionKind::TcpClient)
             .connecting(address("127.0.0.1", 1337))
             .connected(address("127.0.0.1", 54321), address("127.0.0.1", 1337))
             .sent(0, "café")
             .list()) {
        mirror.append(event);
    }
    QCOMPARE(PythonMirror::fileName(3), QStringLiteral("session-3.py"));
    QTemporaryDir directory;
    QVERIFY(directory.isValid());
    const QString path = directory.filePath(PythonMirror::fileName(3));
    QString error;
    QVERIFY2(mirror.save(path, &error), qPrintable(error));
    QFile saved(path);
    QVERIFY(saved.open(QIODevice::ReadOnly));
    QCOMPARE(saved.readAll(), mirror.script().toUtf8());

    const QString nowhere = directory.filePath(QStringLiteral("missing/session-3.py"));
    QVERIFY(!mirror.save(nowhere, &error));
    QVERIFY2(error.startsWith(QLatin1String("could not write the Python mirror to ") + nowhere),
             qPrintable(error));
}

void tst_PythonMirror::replayLessonServer()
{
    // The lesson's server, clicked: a greeting to the lesson's client, its message read.
    TcpServerSession session(1);
    session.setRecvSize(LessonRecvSize);
    session.setGreeting("Hello world!");
    PythonMirror mirror(session.kind(), session.recvSize());
    connect(&session, &Session::eventOccurred, &mirror, &PythonMirror::append);
    EventCollector events(&session);
    session.listen(QStringLiteral("127.0.0.1"), 0);
    QVERIFY(session.isListening());
    const quint16 port = session.listenAddress().port;

    PythonPeer client;
    client.start(QString::fromUtf8(LessonTcpClient), {QString::number(port)});
    QVERIFY2(client.waitForSuccess(StepTimeoutMs), qPrintable(client.diagnostics()));
    QTRY_VERIFY_WITH_TIMEOUT(events.has(EventType::Closed, 1), StepTimeoutMs);
    session.shutdown();

    const QString script = mirror.script();
    QVERIFY(!mirror.usesSelectors());
    QVERIFY2(script.contains(QLatin1String("con.send(\"Hello world!\".encode())\n"
                                           "data = con.recv(1024)  # data == b'Hello world!'\n"
                                           "print(data.decode())\n")),
             qPrintable(script));
    replayServer(script, port, LessonTcpClient, events, 1);
}

void tst_PythonMirror::replayInterleavedEchoServer()
{
    TcpServerSession session(1);
    session.setRecvSize(LessonRecvSize);
    session.setEcho(true);
    PythonMirror mirror(session.kind(), session.recvSize());
    connect(&session, &Session::eventOccurred, &mirror, &PythonMirror::append);
    EventCollector events(&session);
    session.listen(QStringLiteral("127.0.0.1"), 0);
    QVERIFY(session.isListening());
    const quint16 port = session.listenAddress().port;

    PythonPeer clients;
    clients.start(QString::fromUtf8(TwoClientsTakingTurns), {QString::number(port)});
    QVERIFY2(clients.waitForSuccess(StepTimeoutMs), qPrintable(clients.diagnostics()));
    QTRY_VERIFY_WITH_TIMEOUT(events.has(EventType::Closed, 1) && events.has(EventType::Closed, 2),
                             StepTimeoutMs);
    session.shutdown();

    // Blocking code in accept order would wait for #1's second message, which its client
    // sends only once #2 got its echo: only selectors can replay this.
    QVERIFY(mirror.usesSelectors());
    replayServer(mirror.script(), port, TwoClientsTakingTurns, events, 2);
}

void tst_PythonMirror::replayEchoFlood()
{
    TcpServerSession session(1);
    session.setRecvSize(LessonRecvSize);
    session.setEcho(true);
    PythonMirror mirror(session.kind(), session.recvSize());
    connect(&session, &Session::eventOccurred, &mirror, &PythonMirror::append);
    EventCollector events(&session);
    session.listen(QStringLiteral("127.0.0.1"), 0);
    QVERIFY(session.isListening());
    const quint16 port = session.listenAddress().port;

    PythonPeer client;
    client.start(QString::fromUtf8(FloodingClient), {QString::number(port)});
    QVERIFY2(client.waitForSuccess(StepTimeoutMs), qPrintable(client.diagnostics()));
    QTRY_VERIFY_WITH_TIMEOUT(events.has(EventType::Closed, 1), StepTimeoutMs);
    session.shutdown();

    // However the reads and echoes fell (late, in pieces), it is one echo loop.
    const QString script = mirror.script();
    QVERIFY2(script.contains(QLatin1String("while received < 200000:")), qPrintable(script));
    QVERIFY2(script.contains(QLatin1String("each sent back (echo)")), qPrintable(script));
    QVERIFY2(script.size() < 2000, qPrintable(script));
    replayServer(script, port, FloodingClient, events, 1);
}

void tst_PythonMirror::replayLessonClient()
{
    PythonPeer server;
    server.start(QString::fromUtf8(LessonTcpServer));
    const quint16 port = server.readPort(StepTimeoutMs);
    QVERIFY2(port != 0, qPrintable(server.diagnostics()));

    // The lesson's client, clicked: connect, read the greeting, answer.
    TcpClientSession session(1);
    session.setRecvSize(LessonRecvSize);
    PythonMirror mirror(session.kind(), session.recvSize());
    connect(&session, &Session::eventOccurred, &mirror, &PythonMirror::append);
    EventCollector events(&session);
    session.connectToHost(QStringLiteral("127.0.0.1"), port);
    QTRY_VERIFY_WITH_TIMEOUT(events.has(EventType::Received), StepTimeoutMs);
    QVERIFY(session.send("Thanks!"));
    QTRY_VERIFY_WITH_TIMEOUT(events.has(EventType::Closed), StepTimeoutMs);
    QVERIFY2(server.waitForSuccess(StepTimeoutMs), qPrintable(server.diagnostics()));

    const QString script = mirror.script();
    QVERIFY2(script.contains(QLatin1String("sock.send(\"Thanks!\".encode())")), qPrintable(script));
    replayAgainst(script, port, LessonTcpServer, events);
}

void tst_PythonMirror::replayUdpClient()
{
    PythonPeer server;
    server.start(QString::fromUtf8(LessonUdpServer));
    const quint16 port = server.readPort(StepTimeoutMs);
    QVERIFY2(port != 0, qPrintable(server.diagnostics()));

    // The lesson's UDP client, clicked: no bind(), one sendto(), the answer.
    UdpPeerSession session(1);
    session.setRecvSize(LessonRecvSize);
    PythonMirror mirror(session.kind(), session.recvSize());
    connect(&session, &Session::eventOccurred, &mirror, &PythonMirror::append);
    EventCollector events(&session);
    session.sendToHost(QStringLiteral("127.0.0.1"), port, "Hello world!");
    QTRY_VERIFY_WITH_TIMEOUT(events.has(EventType::Received), StepTimeoutMs);
    QVERIFY2(server.waitForSuccess(StepTimeoutMs), qPrintable(server.diagnostics()));
    session.unbind();

    const QString script = mirror.script();
    QVERIFY2(!script.contains(QLatin1String("sock.bind(")), qPrintable(script));
    replayAgainst(script, port, LessonUdpServer, events);
}

void tst_PythonMirror::replayServer(const QString &script,
                                    quint16 port,
                                    const char *peers,
                                    const EventCollector &events,
                                    int connections)
{
    // The literal port of the session, as the lesson writes it, becomes port 0 for the
    // replay; the harness says which port the system chose.
    QVERIFY2(script.contains(QLatin1String("sock.bind(") + literalAddress(port)),
             qPrintable(script));
    QString replay = script;
    replay.replace(literalAddress(port), literalAddress(0));
    QVERIFY2(pythonCompileError(replay).isEmpty(), qPrintable(replay));

    PythonPeer mirror;
    mirror.start(QString::fromUtf8(TraceHarness) + replay);
    QVERIFY2(mirror.waitForLine(StepTimeoutMs), qPrintable(mirror.diagnostics()));
    const QString listening = mirror.readLine();
    QVERIFY2(listening.startsWith(QLatin1String("listening ")), qPrintable(listening));
    const QString replayPort = listening.mid(10);

    PythonPeer client;
    client.start(QString::fromUtf8(peers), {replayPort});
    QVERIFY2(client.waitForSuccess(StepTimeoutMs), qPrintable(client.diagnostics()));
    QVERIFY2(mirror.waitForSuccess(StepTimeoutMs),
             qPrintable(mirror.diagnostics() + QLatin1String("\n") + replay));

    const QList<Trace> traces = tracesIn(mirror.remainingLines());
    const QList<QByteArray> peersReceived = receivedIn(client.remainingLines());
    QCOMPARE(traces.size(), connections);
    QCOMPARE(peersReceived.size(), connections);
    for (int id = 1; id <= connections; ++id) {
        // What the mirror's connection read and sent, and what its peer got.
        QCOMPARE(traces.at(id - 1).in, events.bytes(EventType::Received, id));
        QCOMPARE(traces.at(id - 1).out, events.bytes(EventType::Sent, id));
        QCOMPARE(peersReceived.at(id - 1), events.bytes(EventType::Sent, id));
    }
}

void tst_PythonMirror::replayAgainst(const QString &script,
                                     quint16 port,
                                     const char *server,
                                     const EventCollector &events)
{
    PythonPeer peer;
    peer.start(QString::fromUtf8(server));
    const quint16 replayPort = peer.readPort(StepTimeoutMs);
    QVERIFY2(replayPort != 0, qPrintable(peer.diagnostics()));
    QVERIFY2(script.contains(literalAddress(port)), qPrintable(script));
    QString replay = script;
    replay.replace(literalAddress(port), literalAddress(replayPort));

    PythonPeer mirror;
    mirror.start(QString::fromUtf8(TraceHarness) + replay);
    QVERIFY2(mirror.waitForSuccess(StepTimeoutMs),
             qPrintable(mirror.diagnostics() + QLatin1String("\n") + replay));
    QVERIFY2(peer.waitForSuccess(StepTimeoutMs), qPrintable(peer.diagnostics()));

    const QList<Trace> traces = tracesIn(mirror.remainingLines());
    QCOMPARE(traces.size(), 1);
    QCOMPARE(traces.constFirst().in, events.bytes(EventType::Received));
    QCOMPARE(traces.constFirst().out, events.bytes(EventType::Sent));
    const QList<QByteArray> peerReceived = receivedIn(peer.remainingLines());
    QCOMPARE(peerReceived, QList<QByteArray>{events.bytes(EventType::Sent)});
}

QTEST_GUILESS_MAIN(tst_PythonMirror)
#include "tst_pythonmirror.moc"

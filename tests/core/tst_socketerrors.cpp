#include "sockethandle.h"
#include "tcpclientsession.h"
#include "tcpserversession.h"
#include "udppeersession.h"

#include <QFile>
#include <QNetworkInterface>
#include <QProcess>
#include <QSignalSpy>
#include <QTest>

#include <cerrno>
#include <memory>
#include <utility>

#include <fcntl.h>
#include <sys/resource.h>
#include <unistd.h>

// Every error a student can meet, provoked for real through the sessions, and the words
// it reaches them in: the first sentence (what a status line shows) exactly, and that it
// arrives both as errorOccurred() and as an Error event in the log.
//
// Loopback shows most of them. Unknown names and missing routes need a network namespace
// of their own (no DNS query, no packet may leave this machine), and ports below 1024 an
// unprivileged user: those functions check for it and skip, saying why, when run
// elsewhere; tests/core/CMakeLists.txt runs them again where they can run.
class tst_SocketErrors : public QObject
{
    Q_OBJECT

public:
    // What the session is asked to do when the error happens.
    enum class Action { ConnectTcp, ListenTcp, BindUdp, SendUdp };
    Q_ENUM(Action)
    // What the namespace's routing holds for the destination.
    enum class Route { None, Unreachable, Prohibit, SilentNeighbour };
    Q_ENUM(Route)

private slots:
    void connectionRefused_data();
    void connectionRefused();
    void tcpAddressInUse_data();
    void tcpAddressInUse();
    void udpAddressInUse();
    void permissionDeniedBelow1024_data();
    void permissionDeniedBelow1024();
    void connectTimeout();
    void resetByPeer();
    void hostNotFound_data();
    void hostNotFound();
    void unreachable_data();
    void unreachable();
    void addressNotAvailable_data();
    void addressNotAvailable();
    void tooManyOpenFilesAtAccept();
    void tooManyOpenFilesForNewSocket_data();
    void tooManyOpenFilesForNewSocket();
};

namespace {

using Action = tst_SocketErrors::Action;
using Route = tst_SocketErrors::Route;

// The resolver may take a while to give up; everything else fails at once or nearly.
constexpr int LookupTimeoutMs = 30000;
constexpr int UnreachableTimeoutMs = 10000;

// What a status line shows: the text up to the first ". " (addresses hold dots, but
// never a dot followed by a space).
QString firstSentence(const QString &message)
{
    const qsizetype end = message.indexOf(QLatin1String(". "));
    return end < 0 ? message : message.left(end);
}

QString errorMessage(const QSignalSpy &errors, int index = 0)
{
    return errors.at(index).first().toString();
}

// The Error events among those a spy on Session::eventOccurred caught.
QList<TrafficEvent> errorEvents(const QSignalSpy &events)
{
    QList<TrafficEvent> errors;
    for (const QList<QVariant> &arguments : events) {
        const auto event = arguments.first().value<TrafficEvent>();
        if (event.type == EventType::Error)
            errors.append(event);
    }
    return errors;
}

QStringList errorEventMessages(const QSignalSpy &events)
{
    QStringList messages;
    for (const TrafficEvent &event : errorEvents(events))
        messages.append(event.message);
    return messages;
}

bool hasEvent(const QSignalSpy &events, EventType type)
{
    for (const QList<QVariant> &arguments : events) {
        if (arguments.first().value<TrafficEvent>().type == type)
            return true;
    }
    return false;
}

bool canBind(const QHostAddress &address)
{
    SocketHandle socket;
    return socket.open(address.protocol(), SocketHandle::Type::Stream)
           && socket.bind(SocketAddress{address, 0});
}

// A port nothing listens on: the system picks a free one for bind(), and it is closed
// again at once. Only a new listener could make it answer, and the next bind() to port 0
// gets another port.
quint16 closedPort(const QHostAddress &address)
{
    SocketHandle socket;
    if (!socket.open(address.protocol(), SocketHandle::Type::Stream)
        || !socket.bind(SocketAddress{address, 0}))
        return 0;
    return socket.localAddress().port;
}

int readSysctl(const QString &path, int fallback)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return fallback;
    bool ok = false;
    const int value = file.readAll().trimmed().toInt(&ok);
    return ok ? value : fallback;
}

// Empty when this process cannot reach another machine: every interface that is up is a
// loopback interface, as in a fresh network namespace. Else why not.
QString whyNotIsolated()
{
    bool loopbackUp = false;
    const QList<QNetworkInterface> interfaces = QNetworkInterface::allInterfaces();
    for (const QNetworkInterface &interface : interfaces) {
        const QNetworkInterface::InterfaceFlags flags = interface.flags();
        if (flags.testFlag(QNetworkInterface::IsLoopBack))
            loopbackUp = loopbackUp || flags.testFlag(QNetworkInterface::IsUp);
        else if (flags.testFlag(QNetworkInterface::IsUp))
            return QStringLiteral("not isolated: interface %1 is up").arg(interface.name());
    }
    if (!loopbackUp)
        return QStringLiteral("the loopback interface is down");
    return QString();
}

// Empty when this process runs in a network namespace that tests/isolated-run.sh made for
// it (its own differs from the one the script started in): only there may a test change
// routes and links. Else why not.
QString whyNamespaceNotOurs()
{
    const QString outer = qEnvironmentVariable("SOCKET_WORKBENCH_OUTER_NETNS");
    const QString own = QFile::symLinkTarget(QStringLiteral("/proc/self/ns/net"));
    if (outer.isEmpty())
        return QStringLiteral("not started by tests/isolated-run.sh");
    if (own.isEmpty() || own.endsWith(outer))
        return QStringLiteral("still in the network namespace isolated-run.sh started in");
    return QString();
}

// Empty when a host lookup stays inside this network namespace. A hosts: module other
// than these (systemd-resolved's "resolve", say) asks a daemon outside it over a Unix
// socket, which would send a real DNS query from the host.
QString whyLookupMayLeave()
{
    QFile file(QStringLiteral("/etc/nsswitch.conf"));
    if (!file.open(QIODevice::ReadOnly | QIODevice::Text))
        return QString(); // glibc's built-in default: dns, files
    const QStringList safe{QStringLiteral("files"),
                           QStringLiteral("dns"),
                           QStringLiteral("myhostname")};
    while (!file.atEnd()) {
        const QString line
            = QString::fromLocal8Bit(file.readLine()).section(QLatin1Char('#'), 0, 0).simplified();
        if (!line.startsWith(QLatin1String("hosts:")))
            continue;
        bool inAction = false; // [NOTFOUND=return] may hold spaces
        const QStringList words = line.mid(6).split(QLatin1Char(' '), Qt::SkipEmptyParts);
        for (const QString &word : words) {
            if (inAction || word.startsWith(QLatin1Char('['))) {
                inAction = !word.endsWith(QLatin1Char(']'));
                continue;
            }
            if (!safe.contains(word)) {
                return QStringLiteral("/etc/nsswitch.conf looks up hosts with '%1', which may "
                                      "ask a daemon outside this network namespace")
                    .arg(word);
            }
        }
    }
    return QString();
}

// Changes to this namespace's routing, undone (in reverse) when it goes out of scope, so
// that the next row, and the isolation check, find loopback only again.
class NamespaceChange
{
public:
    NamespaceChange() = default;
    NamespaceChange(const NamespaceChange &) = delete;
    NamespaceChange &operator=(const NamespaceChange &) = delete;
    ~NamespaceChange()
    {
        while (!m_undo.isEmpty())
            runIp(m_undo.takeLast());
    }

    // ip(8) with these arguments; empty on success, else why it failed.
    QString apply(const QStringList &arguments, const QStringList &undo = {})
    {
        const QString error = runIp(arguments);
        if (error.isEmpty() && !undo.isEmpty())
            m_undo.append(undo);
        return error;
    }

private:
    static QString runIp(const QStringList &arguments)
    {
        QProcess ip;
        ip.setProcessChannelMode(QProcess::MergedChannels);
        ip.start(QStringLiteral("ip"), arguments);
        const QString command = QLatin1String("ip ") + arguments.join(QLatin1Char(' '));
        if (!ip.waitForFinished())
            return command + QLatin1String(": ") + ip.errorString();
        if (ip.exitStatus() != QProcess::NormalExit || ip.exitCode() != 0)
            return command + QLatin1String(": ") + QString::fromLocal8Bit(ip.readAll()).trimmed();
        return QString();
    }

    QList<QStringList> m_undo;
};

// Gives the namespace what a row needs to reach destination, or not; empty on success.
QString setUpRoute(Route route, const QHostAddress &destination, NamespaceChange *change)
{
    const QString host = destination.toString() + QLatin1String("/32");
    switch (route) {
    case Route::None:
        return QString();
    case Route::Unreachable: // as if a router had answered with ICMP host unreachable
        return change->apply({"route", "add", "unreachable", host}, {"route", "del", host});
    case Route::Prohibit: // as if a firewall had answered with ICMP administratively prohibited
        return change->apply({"route", "add", "prohibit", host}, {"route", "del", host});
    case Route::SilentNeighbour:
        break;
    }
    // The destination is on a local link where nobody answers ARP: a host switched off.
    // The link is a veth pair inside this namespace; its far end has no address, so the
    // ARP requests go nowhere else.
    QString error = change->apply({"link", "add", "wb0", "type", "veth", "peer", "name", "wb1"},
                                  {"link", "del", "wb0"});
    if (error.isEmpty())
        error = change->apply({"addr", "add", "203.0.113.10/24", "dev", "wb0"});
    if (error.isEmpty())
        error = change->apply({"link", "set", "wb1", "up"});
    if (error.isEmpty())
        error = change->apply({"link", "set", "wb0", "up"});
    if (!error.isEmpty())
        return error;
    // One ARP request and 100 ms instead of three and 3 s; slower but the same if denied.
    for (const auto &[name, value] :
         {std::pair{"mcast_solicit", "1"}, std::pair{"retrans_time_ms", "100"}}) {
        QFile setting(QLatin1String("/proc/sys/net/ipv4/neigh/wb0/") + QLatin1String(name));
        if (setting.open(QIODevice::WriteOnly))
            setting.write(value);
    }
    return QString();
}

std::unique_ptr<Session> makeSession(Action action)
{
    switch (action) {
    case Action::ConnectTcp:
        return std::make_unique<TcpClientSession>(1);
    case Action::ListenTcp:
        return std::make_unique<TcpServerSession>(1);
    case Action::BindUdp:
    case Action::SendUdp:
        break;
    }
    return std::make_unique<UdpPeerSession>(1);
}

// connect(), bind() + listen(), bind() or sendto(), as the action says.
void start(Session *session, Action action, const QString &host, quint16 port)
{
    switch (action) {
    case Action::ConnectTcp:
        static_cast<TcpClientSession *>(session)->connectToHost(host, port);
        return;
    case Action::ListenTcp:
        static_cast<TcpServerSession *>(session)->listen(host, port);
        return;
    case Action::BindUdp:
        static_cast<UdpPeerSession *>(session)->bind(host, port);
        return;
    case Action::SendUdp:
        static_cast<UdpPeerSession *>(session)->sendToHost(host, port, "ping");
        return;
    }
}

// Lowers the soft limit on open descriptors so that no new one can be opened, and puts
// the old limit back when it goes out of scope: a failed check returns early, and the
// rest of the suite needs descriptors.
class DescriptorsExhausted
{
public:
    DescriptorsExhausted()
    {
        // RLIMIT_NOFILE caps descriptor numbers, not their count: with the soft limit at
        // the lowest free number, every number below it is taken.
        const int lowestFree = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
        if (lowestFree < 0)
            return;
        ::close(lowestFree);
        if (::getrlimit(RLIMIT_NOFILE, &m_saved) != 0)
            return;
        rlimit lowered = m_saved;
        lowered.rlim_cur = rlim_t(lowestFree);
        m_active = ::setrlimit(RLIMIT_NOFILE, &lowered) == 0;
    }
    DescriptorsExhausted(const DescriptorsExhausted &) = delete;
    DescriptorsExhausted &operator=(const DescriptorsExhausted &) = delete;
    ~DescriptorsExhausted() { release(); }

    // True when the limit is lowered and really stops the next open().
    bool isEffective() const
    {
        if (!m_active)
            return false;
        const int probe = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
        const int error = errno;
        if (probe >= 0)
            ::close(probe);
        return probe < 0 && error == EMFILE;
    }

    void release()
    {
        if (m_active)
            ::setrlimit(RLIMIT_NOFILE, &m_saved);
        m_active = false;
    }

private:
    rlimit m_saved{};
    bool m_active = false;
};

} // namespace

void tst_SocketErrors::connectionRefused_data()
{
    QTest::addColumn<QString>("host");
    QTest::addColumn<QString>("shown"); // the address as the message writes it

    QTest::newRow("ipv4 port just closed") << "127.0.0.1"
                                           << "127.0.0.1";
    QTest::newRow("ipv6 port just closed") << "::1"
                                           << "[::1]";
}

void tst_SocketErrors::connectionRefused()
{
    QFETCH(QString, host);
    QFETCH(QString, shown);

    const QHostAddress address(host);
    if (!canBind(address))
        QSKIP("no such loopback address here (IPv6 switched off?)");
    const quint16 port = closedPort(address);
    QVERIFY(port != 0);

    TcpClientSession client(1);
    QSignalSpy errors(&client, &Session::errorOccurred);
    QSignalSpy events(&client, &Session::eventOccurred);
    client.connectToHost(host, port);

    QTRY_COMPARE(errors.count(), 1);
    const QString message = errorMessage(errors);
    const QString where = shown + QLatin1Char(':') + QString::number(port);
    QCOMPARE(firstSentence(message), "connection refused: nothing is listening on " + where);
    QCOMPARE(message,
             "connection refused: nothing is listening on " + where
                 + ". Check that the server is running and that the address and port are "
                   "right.");
    const QList<TrafficEvent> logged = errorEvents(events);
    QCOMPARE(logged.size(), 1);
    QCOMPARE(logged.first().message, message);
    QCOMPARE(logged.first().peer.toString(), where);
    QCOMPARE(client.state(), ConnectionState::Unconnected);
    QCOMPARE(client.lastError(), message);
}

void tst_SocketErrors::tcpAddressInUse_data()
{
    QTest::addColumn<QString>("host");

    QTest::newRow("ipv4 port of another server") << "127.0.0.1";
    QTest::newRow("ipv6 port of another server") << "::1";
}

void tst_SocketErrors::tcpAddressInUse()
{
    QFETCH(QString, host);

    if (!canBind(QHostAddress(host)))
        QSKIP("no such loopback address here (IPv6 switched off?)");
    TcpServerSession first(1);
    first.listen(host, 0);
    QTRY_VERIFY(first.isListening());
    const quint16 port = first.listenAddress().port;

    TcpServerSession second(2);
    QSignalSpy errors(&second, &Session::errorOccurred);
    QSignalSpy events(&second, &Session::eventOccurred);
    second.listen(host, port);

    QTRY_COMPARE(errors.count(), 1);
    const QString message = errorMessage(errors);
    QCOMPARE(firstSentence(message),
             QString("port %1 on %2 is already in use: another program or another tab is "
                     "listening there")
                 .arg(port)
                 .arg(host));
    QCOMPARE(errorEventMessages(events), QStringList{message});
    QCOMPARE(second.listenState(), TcpServerSession::ListenState::NotListening);
    QCOMPARE(second.lastError(), message);
    QVERIFY(first.isListening()); // the one that was there first is left alone
}

void tst_SocketErrors::udpAddressInUse()
{
    UdpPeerSession holder(1);
    holder.bind(QStringLiteral("127.0.0.1"), 0);
    QTRY_VERIFY(holder.isBound());
    const quint16 port = holder.localAddress().port;

    UdpPeerSession second(2);
    QSignalSpy errors(&second, &Session::errorOccurred);
    QSignalSpy events(&second, &Session::eventOccurred);
    second.bind(QStringLiteral("127.0.0.1"), port);

    QTRY_COMPARE(errors.count(), 1);
    const QString message = errorMessage(errors);
    QCOMPARE(firstSentence(message),
             QString("port %1 on 127.0.0.1 is already in use: another program or another tab "
                     "has a UDP socket bound there")
                 .arg(port));
    // A UDP socket neither listens nor lingers in TIME_WAIT: the TCP advice would mislead.
    QVERIFY(!message.contains(QLatin1String("TIME_WAIT")));
    QCOMPARE(errorEventMessages(events), QStringList{message});
    QCOMPARE(second.bindState(), UdpPeerSession::BindState::Unbound);
    QVERIFY(holder.isBound());
}

void tst_SocketErrors::permissionDeniedBelow1024_data()
{
    QTest::addColumn<Action>("action");

    QTest::newRow("tcp server listen") << Action::ListenTcp;
    QTest::newRow("udp bind") << Action::BindUdp;
}

void tst_SocketErrors::permissionDeniedBelow1024()
{
    QFETCH(Action, action);

    // Linux checks the right to a low port before whether the port is taken, so port 80
    // gives EACCES even where a web server holds it (in the namespace ctest makes, none
    // does).
    constexpr quint16 port = 80;
    const int unprivilegedStart = readSysctl(QStringLiteral(
                                                 "/proc/sys/net/ipv4/ip_unprivileged_port_start"),
                                             1024);
    if (port >= unprivilegedStart) {
        QSKIP(qPrintable(QStringLiteral("net.ipv4.ip_unprivileged_port_start is %1 here: "
                                        "anyone may use port 80")
                             .arg(unprivilegedStart)));
    }
    if (::geteuid() == 0) {
        QSKIP("running as root, which may use port 80; ctest runs this again as nobody "
              "(tst_socketerrors_unprivileged)");
    }

    const std::unique_ptr<Session> session = makeSession(action);
    QSignalSpy errors(session.get(), &Session::errorOccurred);
    QSignalSpy events(session.get(), &Session::eventOccurred);
    start(session.get(), action, QStringLiteral("127.0.0.1"), port);

    QTRY_VERIFY(!errors.isEmpty() || hasEvent(events, EventType::Listening));
    if (errors.isEmpty())
        QSKIP("this user may use port 80 (CAP_NET_BIND_SERVICE)");
    QCOMPARE(errors.count(), 1);
    const QString message = errorMessage(errors);
    // A UDP socket binds; only a TCP server listens.
    const QString verb = action == Action::BindUdp ? QStringLiteral("bind to")
                                                   : QStringLiteral("listen on");
    QCOMPARE(message,
             QStringLiteral("could not %1 port 80: permission denied. Ports below 1024 need "
                            "administrator rights; try 8080.")
                 .arg(verb));
    QCOMPARE(errorEventMessages(events), QStringList{message});
}

void tst_SocketErrors::connectTimeout()
{
    // A listener with a backlog of 0 queues one connection that it never accepts; with
    // its queue full, the kernel drops every further SYN without an answer, just as a
    // host that is down or a firewall that drops packets would.
    SocketHandle listener;
    QVERIFY(listener.open(QAbstractSocket::IPv4Protocol, SocketHandle::Type::Stream));
    QVERIFY(listener.bind(SocketAddress{QHostAddress(QHostAddress::LocalHost), 0}));
    QVERIFY(listener.listen(0));
    const SocketAddress address = listener.localAddress();

    SocketHandle filler;
    QVERIFY(filler.open(QAbstractSocket::IPv4Protocol, SocketHandle::Type::Stream));
    QSignalSpy fillerConnected(&filler, &SocketHandle::readyWrite);
    const SocketHandle::ConnectResult result = filler.connectTo(address);
    QVERIFY(result != SocketHandle::ConnectResult::Failed);
    if (result == SocketHandle::ConnectResult::InProgress) {
        filler.setWriteNotificationEnabled(true);
        QVERIFY(fillerConnected.wait());
    }
    QCOMPARE(filler.takePendingError(), 0);

    TcpClientSession client(1);
    client.setConnectTimeout(300);
    QSignalSpy errors(&client, &Session::errorOccurred);
    QSignalSpy events(&client, &Session::eventOccurred);
    client.connectToHost(QStringLiteral("127.0.0.1"), address.port);

    QTRY_COMPARE(errors.count(), 1);
    const QString message = errorMessage(errors);
    // Once "within 0 seconds": the timeout was rounded down to whole seconds.
    QCOMPARE(firstSentence(message),
             "connection timed out: " + address.toString() + " did not answer within 0.3 seconds");
    QCOMPARE(errorEventMessages(events), QStringList{message});
    QVERIFY(!hasEvent(events, EventType::Connected));
    QCOMPARE(client.state(), ConnectionState::Unconnected);
}

void tst_SocketErrors::resetByPeer()
{
    SocketHandle listener;
    QVERIFY(listener.open(QAbstractSocket::IPv4Protocol, SocketHandle::Type::Stream));
    QVERIFY(listener.bind(SocketAddress{QHostAddress(QHostAddress::LocalHost), 0}));
    QVERIFY(listener.listen(1));
    QSignalSpy incoming(&listener, &SocketHandle::readyRead);
    listener.setReadNotificationEnabled(true);

    TcpClientSession client(1);
    QSignalSpy errors(&client, &Session::errorOccurred);
    QSignalSpy events(&client, &Session::eventOccurred);
    client.connectToHost(QStringLiteral("127.0.0.1"), listener.localAddress().port);
    QTRY_COMPARE(client.state(), ConnectionState::Connected);
    QTRY_VERIFY(!incoming.isEmpty());
    SocketAddress clientAddress;
    const std::unique_ptr<SocketHandle> peer = listener.accept(&clientAddress);
    QVERIFY(peer);
    QCOMPARE(clientAddress.toString(), client.localAddress().toString());

    // The session is reading: it has just received this.
    QCOMPARE(peer->send("hello", 5), qint64(5));
    QTRY_VERIFY(hasEvent(events, EventType::Received));
    peer->abort(); // SO_LINGER {on, 0}, then close(): RST instead of FIN

    QTRY_COMPARE(errors.count(), 1);
    const QString message = errorMessage(errors);
    QVERIFY2(message.startsWith(QLatin1String("connection reset by peer:")), qPrintable(message));
    QCOMPARE(firstSentence(message),
             "connection reset by peer: " + client.peerAddress().toString()
                 + " aborted the connection (RST)");
    QCOMPARE(errorEventMessages(events), QStringList{message});
    QVERIFY(client.connection());
    QCOMPARE(client.connection()->closeReason(), CloseReason::ResetByPeer);
    QTRY_VERIFY(hasEvent(events, EventType::Closed));
}

void tst_SocketErrors::hostNotFound_data()
{
    QTest::addColumn<Action>("action");
    QTest::addColumn<int>("port");

    QTest::newRow("tcp client connect") << Action::ConnectTcp << 80;
    QTest::newRow("tcp server listen") << Action::ListenTcp << 0;
    QTest::newRow("udp bind") << Action::BindUdp << 0;
    QTest::newRow("udp sendto") << Action::SendUdp << 9;
}

void tst_SocketErrors::hostNotFound()
{
    QFETCH(Action, action);
    QFETCH(int, port);

    // This machine's resolver is on another machine: a lookup of an unknown name must
    // never reach it. In a namespace with loopback only, it cannot.
    const QString notIsolated = whyNotIsolated();
    if (!notIsolated.isEmpty()) {
        QSKIP(qPrintable(notIsolated
                         + QLatin1String("; a lookup could reach the real resolver. ctest runs "
                                         "this in a network namespace of its own "
                                         "(tst_socketerrors_isolated)")));
    }
    const QString leak = whyLookupMayLeave();
    if (!leak.isEmpty())
        QSKIP(qPrintable(leak));

    const std::unique_ptr<Session> session = makeSession(action);
    QSignalSpy errors(session.get(), &Session::errorOccurred);
    QSignalSpy events(session.get(), &Session::eventOccurred);
    start(session.get(), action, QStringLiteral("no-such-host.invalid"), quint16(port));

    QTRY_COMPARE_WITH_TIMEOUT(errors.count(), 1, LookupTimeoutMs);
    const QString message = errorMessage(errors);
    QCOMPARE(firstSentence(message), "host not found: could not look up 'no-such-host.invalid'");
    QCOMPARE(errorEventMessages(events), QStringList{message});
    QVERIFY(!hasEvent(events, EventType::Sent));
}

void tst_SocketErrors::unreachable_data()
{
    QTest::addColumn<Action>("action");
    QTest::addColumn<Route>("route");
    QTest::addColumn<QString>("destination");
    QTest::addColumn<QString>("expected"); // first sentence

    QTest::newRow("tcp: no route to the network")
        << Action::ConnectTcp << Route::None << "203.0.113.1"
        << "network unreachable: this machine has no route to 203.0.113.1:80";
    QTest::newRow("tcp: route says host unreachable")
        << Action::ConnectTcp << Route::Unreachable << "203.0.113.2"
        << "host unreachable: 203.0.113.2:80 cannot be reached";
    QTest::newRow("tcp: nobody answers ARP on the local link")
        << Action::ConnectTcp << Route::SilentNeighbour << "203.0.113.20"
        << "host unreachable: 203.0.113.20:80 cannot be reached";
    QTest::newRow("tcp: route says prohibited")
        << Action::ConnectTcp << Route::Prohibit << "203.0.113.3"
        << "connect() on 203.0.113.3:80: permission denied";
    QTest::newRow("udp: no route to the network")
        << Action::SendUdp << Route::None << "203.0.113.1"
        << "network unreachable: this machine has no route to 203.0.113.1:80";
    QTest::newRow("udp: route says host unreachable")
        << Action::SendUdp << Route::Unreachable << "203.0.113.2"
        << "host unreachable: 203.0.113.2:80 cannot be reached";
    QTest::newRow("udp: route says prohibited")
        << Action::SendUdp << Route::Prohibit << "203.0.113.3"
        << "sending to 203.0.113.3:80 is not allowed (permission denied)";
}

void tst_SocketErrors::unreachable()
{
    QFETCH(Action, action);
    QFETCH(Route, route);
    QFETCH(QString, destination);
    QFETCH(QString, expected);

    // Checked before any route is added: routes are only ever changed in a namespace of
    // our own, and 203.0.113.0/24 is only ever addressed there.
    const QString notIsolated = whyNotIsolated();
    if (!notIsolated.isEmpty()) {
        QSKIP(qPrintable(notIsolated
                         + QLatin1String("; ctest runs this in a network namespace of its own "
                                         "(tst_socketerrors_isolated)")));
    }
    if (route != Route::None) {
        const QString notOurs = whyNamespaceNotOurs();
        if (!notOurs.isEmpty())
            QSKIP(qPrintable("this row changes the routing table: " + notOurs));
    }
    NamespaceChange change;
    const QString setUpError = setUpRoute(route, QHostAddress(destination), &change);
    if (!setUpError.isEmpty())
        QSKIP(qPrintable("could not set up the namespace's routing: " + setUpError));

    const std::unique_ptr<Session> session = makeSession(action);
    QSignalSpy errors(session.get(), &Session::errorOccurred);
    QSignalSpy events(session.get(), &Session::eventOccurred);
    start(session.get(), action, destination, 80);

    QTRY_COMPARE_WITH_TIMEOUT(errors.count(), 1, UnreachableTimeoutMs);
    const QString message = errorMessage(errors);
    QCOMPARE(firstSentence(message), expected);
    QCOMPARE(errorEventMessages(events), QStringList{message});
    QVERIFY(!hasEvent(events, EventType::Connected));
    QVERIFY(!hasEvent(events, EventType::Sent));
}

void tst_SocketErrors::addressNotAvailable_data()
{
    QTest::addColumn<Action>("action");

    QTest::newRow("tcp server listen") << Action::ListenTcp;
    QTest::newRow("udp bind") << Action::BindUdp;
}

void tst_SocketErrors::addressNotAvailable()
{
    QFETCH(Action, action);

    // bind() fails on the spot for an address this machine does not have: no packet is
    // sent, so this may run outside a namespace.
    const QHostAddress foreign(QStringLiteral("203.0.113.77"));
    if (QNetworkInterface::allAddresses().contains(foreign))
        QSKIP("203.0.113.77 is an address of this machine");
    if (readSysctl(QStringLiteral("/proc/sys/net/ipv4/ip_nonlocal_bind"), 0) != 0)
        QSKIP("net.ipv4.ip_nonlocal_bind is on: bind() takes any address here");

    const std::unique_ptr<Session> session = makeSession(action);
    QSignalSpy errors(session.get(), &Session::errorOccurred);
    QSignalSpy events(session.get(), &Session::eventOccurred);
    start(session.get(), action, foreign.toString(), 0);

    QTRY_COMPARE(errors.count(), 1);
    const QString message = errorMessage(errors);
    QCOMPARE(message,
             "address 203.0.113.77 does not belong to this machine: choose one of its own "
             "addresses, 127.0.0.1 (loopback only) or 0.0.0.0 (all interfaces).");
    QCOMPARE(errorEventMessages(events), QStringList{message});
    QVERIFY(!hasEvent(events, EventType::Listening));
}

void tst_SocketErrors::tooManyOpenFilesAtAccept()
{
    TcpServerSession server(1);
    server.listen(QStringLiteral("127.0.0.1"), 0);
    QTRY_VERIFY(server.isListening());
    QSignalSpy errors(&server, &Session::errorOccurred);
    QSignalSpy events(&server, &Session::eventOccurred);
    QSignalSpy accepted(&server, &TcpServerSession::connectionAccepted);

    // The client's descriptor exists before the limit drops; connect() needs none more.
    SocketHandle client;
    QVERIFY(client.open(QAbstractSocket::IPv4Protocol, SocketHandle::Type::Stream));
    DescriptorsExhausted exhausted;
    QVERIFY(exhausted.isEffective());
    QVERIFY(client.connectTo(server.listenAddress()) != SocketHandle::ConnectResult::Failed);

    // The kernel completes the handshake; accept() has no descriptor to return it in.
    QTRY_VERIFY(!errors.isEmpty());
    const QString message = errorMessage(errors);
    QCOMPARE(firstSentence(message), "too many open files: the app cannot open another socket");
    QCOMPARE(errorEventMessages(events).first(), message);
    QCOMPARE(accepted.count(), 0);
    QVERIFY(server.isListening());

    // The connection waited in the backlog; the session retries every 500 ms.
    exhausted.release();
    QTRY_COMPARE(accepted.count(), 1);
    const auto *connection = accepted.first().first().value<TcpConnection *>();
    QCOMPARE(connection->peerAddress().toString(), client.localAddress().toString());
    QVERIFY(hasEvent(events, EventType::Accepted));
    QVERIFY(server.isListening());
}

void tst_SocketErrors::tooManyOpenFilesForNewSocket_data()
{
    QTest::addColumn<Action>("action");
    QTest::addColumn<int>("port");

    // A port nothing listens on: should socket() succeed after all, nothing answers.
    const quint16 closed = closedPort(QHostAddress(QHostAddress::LocalHost));
    QTest::newRow("tcp client connect") << Action::ConnectTcp << int(closed);
    QTest::newRow("tcp server listen") << Action::ListenTcp << 0;
    QTest::newRow("udp bind") << Action::BindUdp << 0;
    QTest::newRow("udp sendto") << Action::SendUdp << int(closed);
}

void tst_SocketErrors::tooManyOpenFilesForNewSocket()
{
    QFETCH(Action, action);
    QFETCH(int, port);

    const std::unique_ptr<Session> session = makeSession(action);
    QSignalSpy errors(session.get(), &Session::errorOccurred);
    QSignalSpy events(session.get(), &Session::eventOccurred);
    {
        DescriptorsExhausted exhausted;
        QVERIFY(exhausted.isEffective());
        start(session.get(), action, QStringLiteral("127.0.0.1"), quint16(port));
    }

    QTRY_COMPARE(errors.count(), 1);
    const QString message = errorMessage(errors);
    QCOMPARE(message,
             "too many open files: the app cannot open another socket. Close some "
             "connections, or raise the open-files limit (ulimit -n).");
    QCOMPARE(errorEventMessages(events), QStringList{message});
}

QTEST_GUILESS_MAIN(tst_SocketErrors)
#include "tst_socketerrors.moc"

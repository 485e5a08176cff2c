#include "socketerror.h"

#include <QTest>

#include <cerrno>
#include <cstring>

// The words of every errno a student may meet, whole. tst_socketerrors provokes most
// of them for real; the rest (ENOBUFS, EAFNOSUPPORT, ...) cannot be provoked on demand,
// so this table is where their texts are pinned.
class tst_SocketError : public QObject
{
    Q_OBJECT

private slots:
    void describeSocketError_data();
    void describeSocketError();
    void describeLookupFailure_data();
    void describeLookupFailure();
    void describeConnectTimeout_data();
    void describeConnectTimeout();
    void describeLowOpenFileLimit();
};

namespace {

const QString inUseAdvice = QStringLiteral(
    "another program or another tab is listening there. Stop it, or choose another port (0 "
    "picks any free port). If it is your own script that just stopped, its old connections "
    "wait in TIME_WAIT for a minute: set SO_REUSEADDR in it before bind().");

} // namespace

void tst_SocketError::describeSocketError_data()
{
    QTest::addColumn<int>("errorCode");
    QTest::addColumn<int>("operation"); // SocketOperation
    QTest::addColumn<QString>("host");
    QTest::addColumn<int>("port");
    QTest::addColumn<QString>("expected");

    const auto bind = int(SocketOperation::Bind);
    const auto connect = int(SocketOperation::Connect);
    const auto send = int(SocketOperation::Send);
    const auto receive = int(SocketOperation::Receive);
    const auto accept = int(SocketOperation::Accept);

    QTest::newRow("port in use at bind")
        << EADDRINUSE << bind << "127.0.0.1" << 1337
        << "port 1337 on 127.0.0.1 is already in use: " + inUseAdvice;
    QTest::newRow("port in use at listen, ipv6 address without brackets")
        << EADDRINUSE << int(SocketOperation::Listen) << "::1" << 8080
        << "port 8080 on ::1 is already in use: " + inUseAdvice;
    QTest::newRow("no local port left to connect from")
        << EADDRINUSE << connect << "127.0.0.1" << 1337
        << "no free local port left to connect from: too many connections were opened in a "
           "short time. Wait a minute and try again.";
    QTest::newRow("port below 1024 needs rights")
        << EACCES << bind << "127.0.0.1" << 80
        << "could not listen on port 80: permission denied. Ports below 1024 need "
           "administrator rights; try 8080.";
    QTest::newRow("EPERM below 1024 reads as EACCES")
        << EPERM << bind << "::" << 1023
        << "could not listen on port 1023: permission denied. Ports below 1024 need "
           "administrator rights; try 8080.";
    QTest::newRow("port 1024 is not a privileged port")
        << EACCES << bind << "127.0.0.1" << 1024
        << "bind() on 127.0.0.1:1024: permission denied. A firewall rule or missing rights "
           "may block it.";
    QTest::newRow("port 0 is not a privileged port")
        << EACCES << bind << "127.0.0.1" << 0
        << "bind() on 127.0.0.1:0: permission denied. A firewall rule or missing rights may "
           "block it.";
    QTest::newRow("broadcast without SO_BROADCAST")
        << EACCES << send << "255.255.255.255" << 9
        << "sending to 255.255.255.255:9 is not allowed (permission denied). A broadcast "
           "address needs SO_BROADCAST, or a firewall rule blocks it.";
    QTest::newRow("connect blocked by a prohibit route or firewall")
        << EACCES << connect << "203.0.113.3" << 80
        << "connect() on 203.0.113.3:80: permission denied. A firewall rule or missing rights "
           "may block it.";
    QTest::newRow("address of another machine")
        << EADDRNOTAVAIL << bind << "203.0.113.77" << 0
        << "address 203.0.113.77 does not belong to this machine: choose one of its own "
           "addresses, 127.0.0.1 (loopback only) or 0.0.0.0 (all interfaces).";
    QTest::newRow("connection refused")
        << ECONNREFUSED << connect << "127.0.0.1" << 1
        << "connection refused: nothing is listening on 127.0.0.1:1. Check that the server is "
           "running and that the address and port are right.";
    QTest::newRow("connection refused, ipv6 in brackets")
        << ECONNREFUSED << connect << "::1" << 1
        << "connection refused: nothing is listening on [::1]:1. Check that the server is "
           "running and that the address and port are right.";
    QTest::newRow("connection refused, ipv4-mapped shown as ipv4")
        << ECONNREFUSED << connect << "::ffff:127.0.0.1" << 1
        << "connection refused: nothing is listening on 127.0.0.1:1. Check that the server is "
           "running and that the address and port are right.";
    QTest::newRow("udp port unreachable")
        << ECONNREFUSED << receive << "127.0.0.1" << 9
        << "connection refused by 127.0.0.1:9: nothing is listening there (the peer answered "
           "with an ICMP port unreachable). Check that its program is running.";
    QTest::newRow("timed out by the system")
        << ETIMEDOUT << connect << "203.0.113.1" << 80
        << "connection timed out: 203.0.113.1:80 did not answer. The host may be down, or a "
           "firewall may be dropping the packets.";
    QTest::newRow("no route to the network")
        << ENETUNREACH << connect << "203.0.113.1" << 80
        << "network unreachable: this machine has no route to 203.0.113.1:80. Check the "
           "address and this machine's network connection.";
    QTest::newRow("no route to the host")
        << EHOSTUNREACH << connect << "203.0.113.2" << 80
        << "host unreachable: 203.0.113.2:80 cannot be reached. Check the address, and that "
           "the host is switched on and on the network.";
    QTest::newRow("reset by peer")
        << ECONNRESET << receive << "127.0.0.1" << 5000
        << "connection reset by peer: 127.0.0.1:5000 aborted the connection (RST). Its "
           "program may have crashed, closed with data still unread, or aborted on purpose.";
    QTest::newRow("broken pipe")
        << EPIPE << send << "127.0.0.1" << 5000
        << "connection closed by peer: 127.0.0.1:5000 can no longer receive (its side is "
           "gone), so the data could not be sent.";
    const QString tooMany = QStringLiteral(
        "too many open files: the app cannot open another socket. Close some connections, or "
        "raise the open-files limit (ulimit -n).");
    QTest::newRow("process out of descriptors") << EMFILE << accept << "0.0.0.0" << 1337 << tooMany;
    QTest::newRow("system out of descriptors")
        << ENFILE << int(SocketOperation::Create) << "127.0.0.1" << 0 << tooMany;
    QTest::newRow("no ipv6 here")
        << EAFNOSUPPORT << int(SocketOperation::Create) << "::1" << 1337
        << "this machine cannot use [::1]:1337: its address family (IPv6 or IPv4) is not "
           "available here. Try the other kind of address.";
    const QString outOfMemory = QStringLiteral(
        "the system ran out of socket memory while talking to 127.0.0.1:9. Close some "
        "connections and try again.");
    QTest::newRow("out of buffers") << ENOBUFS << send << "127.0.0.1" << 9 << outOfMemory;
    QTest::newRow("out of memory") << ENOMEM << send << "127.0.0.1" << 9 << outOfMemory;
    QTest::newRow("out of epoll watches")
        << ENOSPC << int(SocketOperation::Receive) << "127.0.0.1" << 9
        << "the system cannot watch another socket (its limit fs.epoll.max_user_watches is "
           "reached), so 127.0.0.1:9 was closed. Close some connections, or raise the limit "
           "with sysctl.";
    QTest::newRow("datagram too large")
        << EMSGSIZE << send << "127.0.0.1" << 9
        << "the datagram is too large to send to 127.0.0.1:9: one UDP datagram holds at most "
           "65,507 bytes over IPv4. Send less at once.";
    // strerror() speaks the locale's language, so the expectation asks it too.
    QTest::newRow("unlisted errno names the call and the system's words")
        << EINVAL << connect << "203.0.113.4" << 80
        << "connect() failed on 203.0.113.4:80: " + QString::fromLocal8Bit(std::strerror(EINVAL))
               + '.';
}

void tst_SocketError::describeSocketError()
{
    QFETCH(int, errorCode);
    QFETCH(int, operation);
    QFETCH(QString, host);
    QFETCH(int, port);
    QFETCH(QString, expected);

    const SocketAddress address{QHostAddress(host), quint16(port)};
    QCOMPARE(::describeSocketError(errorCode, SocketOperation(operation), address), expected);
}

void tst_SocketError::describeLookupFailure_data()
{
    QTest::addColumn<QString>("detail");
    QTest::addColumn<QString>("expected");

    const QString text = QStringLiteral(
        "host not found: could not look up 'no-such-host.invalid'. Check the spelling, or use "
        "an IP address such as 127.0.0.1.");
    QTest::newRow("without the resolver's words") << QString() << text;
    QTest::newRow("with the resolver's words in parentheses")
        << "Host not found" << text + " (Host not found)";
}

void tst_SocketError::describeLookupFailure()
{
    QFETCH(QString, detail);
    QFETCH(QString, expected);

    QCOMPARE(::describeLookupFailure(QStringLiteral("no-such-host.invalid"), detail), expected);
}

void tst_SocketError::describeConnectTimeout_data()
{
    QTest::addColumn<int>("milliseconds");
    QTest::addColumn<QString>("duration");

    // A 300 ms timeout once read "within 0 seconds" (whole seconds, rounded down).
    QTest::newRow("below one second keeps its decimals") << 300 << "0.3 seconds";
    QTest::newRow("one millisecond") << 1 << "0.001 seconds";
    QTest::newRow("one second is singular") << 1000 << "1 second";
    QTest::newRow("fraction of seconds") << 1500 << "1.5 seconds";
    QTest::newRow("trailing zeros dropped") << 2250 << "2.25 seconds";
    QTest::newRow("default timeout in whole seconds") << 20000 << "20 seconds";
}

void tst_SocketError::describeConnectTimeout()
{
    QFETCH(int, milliseconds);
    QFETCH(QString, duration);

    const SocketAddress address{QHostAddress(QHostAddress::LocalHost), 1337};
    QCOMPARE(::describeConnectTimeout(address, std::chrono::milliseconds(milliseconds)),
             "connection timed out: 127.0.0.1:1337 did not answer within " + duration
                 + ". The host may be down, or a firewall may be dropping the packets.");
}

void tst_SocketError::describeLowOpenFileLimit()
{
    // Enough (or no limit): nothing to say.
    QVERIFY(::describeLowOpenFileLimit(-1).isEmpty());
    QVERIFY(::describeLowOpenFileLimit(ComfortableOpenFiles).isEmpty());
    QVERIFY(::describeLowOpenFileLimit(1048576).isEmpty());
    // Too low: what it means for a class, and how to raise it.
    const QString low = ::describeLowOpenFileLimit(1024);
    QVERIFY2(low.startsWith(QStringLiteral("the open-files limit is %1, and the system allows "
                                           "no more: about %2 connections")
                                .arg(QLocale().toString(1024), QLocale().toString(974))),
             qPrintable(low));
    QVERIFY(low.contains(QLatin1String("ulimit -Hn")));
}

QTEST_GUILESS_MAIN(tst_SocketError)
#include "tst_socketerror.moc"

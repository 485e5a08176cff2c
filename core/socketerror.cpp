#include "socketerror.h"

#include <QLocale>

#include <algorithm>

#include <QCoreApplication>

#include <cerrno>
#include <cstring>

namespace {

// Gives the free functions below a SocketError::tr() that lupdate understands.
class SocketError
{
    Q_DECLARE_TR_FUNCTIONS(SocketError)
};

QString operationName(SocketOperation operation)
{
    switch (operation) {
    case SocketOperation::Create:
        return QStringLiteral("socket()");
    case SocketOperation::Bind:
    case SocketOperation::BindDatagram:
        return QStringLiteral("bind()");
    case SocketOperation::Listen:
        return QStringLiteral("listen()");
    case SocketOperation::Accept:
        return QStringLiteral("accept()");
    case SocketOperation::Connect:
        return QStringLiteral("connect()");
    case SocketOperation::Send:
        return QStringLiteral("send()");
    case SocketOperation::Receive:
        return QStringLiteral("recv()");
    }
    return QString();
}

} // namespace

QString describeSocketError(int errorCode, SocketOperation operation, const SocketAddress &address)
{
    const QString where = address.toString();
    const QString host = address.hostString();
    const QString port = QString::number(address.port);

    switch (errorCode) {
    case EADDRINUSE:
        if (operation == SocketOperation::BindDatagram) {
            return SocketError::tr("port %1 on %2 is already in use: another program or another "
                                   "tab has a UDP socket bound there. Close it, or choose "
                                   "another port (0 picks any free port).")
                .arg(port, host);
        }
        if (operation == SocketOperation::Bind || operation == SocketOperation::Listen) {
            return SocketError::tr(
                       "port %1 on %2 is already in use: another program or another tab is "
                       "listening there. Stop it, or choose another port (0 picks any free "
                       "port). If it is your own script that just stopped, its old connections "
                       "wait in TIME_WAIT for a minute: set SO_REUSEADDR in it before bind().")
                .arg(port, host);
        }
        return SocketError::tr(
            "no free local port left to connect from: too many connections were opened "
            "in a short time. Wait a minute and try again.");
    case EACCES:
    case EPERM:
        if (operation == SocketOperation::BindDatagram && address.port != 0 && address.port < 1024) {
            return SocketError::tr("could not bind to port %1: permission denied. Ports below "
                                   "1024 need administrator rights; try 8080.")
                .arg(port);
        }
        if (operation == SocketOperation::Bind && address.port != 0 && address.port < 1024) {
            return SocketError::tr(
                       "could not listen on port %1: permission denied. Ports below 1024 need "
                       "administrator rights; try 8080.")
                .arg(port);
        }
        if (operation == SocketOperation::Send) {
            return SocketError::tr(
                       "sending to %1 is not allowed (permission denied). A broadcast address "
                       "needs SO_BROADCAST, or a firewall rule blocks it.")
                .arg(where);
        }
        return SocketError::tr(
                   "%1 on %2: permission denied. A firewall rule or missing rights may block "
                   "it.")
            .arg(operationName(operation), where);
    case EADDRNOTAVAIL:
        return SocketError::tr("address %1 does not belong to this machine: choose one of its own "
                               "addresses, 127.0.0.1 (loopback only) or 0.0.0.0 (all interfaces).")
            .arg(host);
    case ECONNREFUSED:
        if (operation == SocketOperation::Connect) {
            return SocketError::tr(
                       "connection refused: nothing is listening on %1. Check that the server "
                       "is running and that the address and port are right.")
                .arg(where);
        }
        return SocketError::tr(
                   "connection refused by %1: nothing is listening there (the peer answered "
                   "with an ICMP port unreachable). Check that its program is running.")
            .arg(where);
    case ETIMEDOUT:
        return SocketError::tr(
                   "connection timed out: %1 did not answer. The host may be down, or a "
                   "firewall may be dropping the packets.")
            .arg(where);
    case ENETUNREACH:
        return SocketError::tr(
                   "network unreachable: this machine has no route to %1. Check the address "
                   "and this machine's network connection.")
            .arg(where);
    case EHOSTUNREACH:
        return SocketError::tr(
                   "host unreachable: %1 cannot be reached. Check the address, and that the "
                   "host is switched on and on the network.")
            .arg(where);
    case ECONNRESET:
        return SocketError::tr(
                   "connection reset by peer: %1 aborted the connection (RST). Its program may "
                   "have crashed, closed with data still unread, or aborted on purpose.")
            .arg(where);
    case EPIPE:
        return SocketError::tr(
                   "connection closed by peer: %1 can no longer receive (its side is gone), so "
                   "the data could not be sent.")
            .arg(where);
    case EMFILE:
    case ENFILE:
        return SocketError::tr(
            "too many open files: the app cannot open another socket. Close some "
            "connections, or raise the open-files limit (ulimit -n).");
    case EAFNOSUPPORT:
        return SocketError::tr(
                   "this machine cannot use %1: its address family (IPv6 or IPv4) is not "
                   "available here. Try the other kind of address.")
            .arg(where);
    case ENOBUFS:
    case ENOMEM:
        return SocketError::tr(
                   "the system ran out of socket memory while talking to %1. Close some "
                   "connections and try again.")
            .arg(where);
    case ENOSPC:
        // Only from epoll_ctl(): one more socket to watch than the system allows.
        return SocketError::tr(
                   "the system cannot watch another socket (its limit "
                   "fs.epoll.max_user_watches is reached), so %1 was closed. Close some "
                   "connections, or raise the limit with sysctl.")
            .arg(where);
    case EMSGSIZE:
        return SocketError::tr(
                   "the datagram is too large to send to %1: one UDP datagram holds at most "
                   "65,507 bytes over IPv4. Send less at once.")
            .arg(where);
    default:
        break;
    }
    return SocketError::tr("%1 failed on %2: %3.")
        .arg(operationName(operation), where, QString::fromLocal8Bit(std::strerror(errorCode)));
}

QString describeLookupFailure(const QString &host, const QString &detail)
{
    QString text = SocketError::tr(
                       "host not found: could not look up '%1'. Check the spelling, or use an "
                       "IP address such as 127.0.0.1.")
                       .arg(host);
    if (!detail.isEmpty())
        text += QLatin1String(" (") + detail + QLatin1Char(')');
    return text;
}

QString describeConnectTimeout(const SocketAddress &address, std::chrono::milliseconds timeout)
{
    // Milliseconds shown as seconds with up to three decimals: a short timeout (300 ms on
    // a fast LAN or in a test) must not read "0 seconds".
    const qint64 milliseconds = timeout.count();
    QString seconds = QString::number(milliseconds / 1000);
    if (milliseconds % 1000 != 0) {
        seconds += QLatin1Char('.')
                   + QString::number(milliseconds % 1000).rightJustified(3, QLatin1Char('0'));
        while (seconds.endsWith(QLatin1Char('0')))
            seconds.chop(1);
    }
    const QString duration = milliseconds == 1000 ? SocketError::tr("1 second")
                                                  : SocketError::tr("%1 seconds").arg(seconds);
    return SocketError::tr(
               "connection timed out: %1 did not answer within %2. The host may be down, or a "
               "firewall may be dropping the packets.")
        .arg(address.toString(), duration);
}

QString describeLowOpenFileLimit(qint64 limit)
{
    if (limit < 0 || limit >= ComfortableOpenFiles)
        return QString();
    // Each connection is a descriptor; a few dozen go to the app itself.
    const qint64 connections = std::max<qint64>(0, limit - 50);
    return SocketError::tr(
               "the open-files limit is %1, and the system allows no more: about %2 "
               "connections can be open at once. For a larger class, raise the hard limit "
               "(ulimit -Hn as root, LimitNOFILE= in a systemd unit, or "
               "/etc/security/limits.conf).")
        .arg(QLocale().toString(limit), QLocale().toString(connections));
}

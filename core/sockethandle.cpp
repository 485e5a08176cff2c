#include "sockethandle.h"

#include "readinesspoller.h"

#include <QPointer>

#include <cerrno>
#include <cstring>

#include <arpa/inet.h>
#include <fcntl.h>
#include <linux/sockios.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

namespace {

// Converts an address for a socket of the given family. An IPv6 socket reaches IPv4
// peers through IPv4-mapped addresses (::ffff:a.b.c.d).
socklen_t toSockaddr(const SocketAddress &address,
                     QAbstractSocket::NetworkLayerProtocol family,
                     sockaddr_storage *storage)
{
    std::memset(storage, 0, sizeof(*storage));
    const QHostAddress host = unmappedAddress(address.address);
    if (family == QAbstractSocket::IPv4Protocol) {
        auto *in = reinterpret_cast<sockaddr_in *>(storage);
        in->sin_family = AF_INET;
        in->sin_port = htons(address.port);
        in->sin_addr.s_addr = htonl(host.toIPv4Address());
        return sizeof(sockaddr_in);
    }
    auto *in6 = reinterpret_cast<sockaddr_in6 *>(storage);
    in6->sin6_family = AF_INET6;
    in6->sin6_port = htons(address.port);
    if (host.protocol() == QAbstractSocket::IPv4Protocol) {
        const quint32 ipv4 = host.toIPv4Address();
        in6->sin6_addr.s6_addr[10] = 0xff;
        in6->sin6_addr.s6_addr[11] = 0xff;
        in6->sin6_addr.s6_addr[12] = quint8(ipv4 >> 24);
        in6->sin6_addr.s6_addr[13] = quint8(ipv4 >> 16);
        in6->sin6_addr.s6_addr[14] = quint8(ipv4 >> 8);
        in6->sin6_addr.s6_addr[15] = quint8(ipv4);
    } else {
        const Q_IPV6ADDR bytes = host.toIPv6Address();
        std::memcpy(in6->sin6_addr.s6_addr, bytes.c, 16);
        const QString scope = host.scopeId();
        if (!scope.isEmpty()) {
            bool numeric = false;
            const uint index = scope.toUInt(&numeric);
            in6->sin6_scope_id = numeric ? index : if_nametoindex(scope.toLocal8Bit().constData());
        }
    }
    return sizeof(sockaddr_in6);
}

SocketAddress fromSockaddr(const sockaddr_storage &storage)
{
    SocketAddress result;
    if (storage.ss_family == AF_INET) {
        const auto &in = reinterpret_cast<const sockaddr_in &>(storage);
        result.address = QHostAddress(ntohl(in.sin_addr.s_addr));
        result.port = ntohs(in.sin_port);
    } else if (storage.ss_family == AF_INET6) {
        const auto &in6 = reinterpret_cast<const sockaddr_in6 &>(storage);
        result.address = unmappedAddress(QHostAddress(in6.sin6_addr.s6_addr));
        if (in6.sin6_scope_id != 0 && result.address.protocol() == QAbstractSocket::IPv6Protocol)
            result.address.setScopeId(QString::number(in6.sin6_scope_id));
        result.port = ntohs(in6.sin6_port);
    }
    return result;
}

QAbstractSocket::NetworkLayerProtocol protocolOf(int family)
{
    return family == AF_INET6 ? QAbstractSocket::IPv6Protocol : QAbstractSocket::IPv4Protocol;
}

} // namespace

SocketHandle::SocketHandle(QObject *parent)
    : QObject(parent)
{}

SocketHandle::~SocketHandle()
{
    close();
}

bool SocketHandle::open(QAbstractSocket::NetworkLayerProtocol family, Type type)
{
    Q_ASSERT(!isOpen());
    const int domain = family == QAbstractSocket::IPv6Protocol ? AF_INET6 : AF_INET;
    const int socketType = (type == Type::Stream ? SOCK_STREAM : SOCK_DGRAM) | SOCK_NONBLOCK
                           | SOCK_CLOEXEC;
    const int descriptor = ::socket(domain, socketType, 0);
    if (descriptor < 0)
        return fail();
    if (domain == AF_INET6) {
        // Dual-stack, whatever the system default says: [::] takes IPv4 peers too.
        const int off = 0;
        ::setsockopt(descriptor, IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof(off));
    }
    return adopt(descriptor, protocolOf(domain), type);
}

bool SocketHandle::adopt(int descriptor, QAbstractSocket::NetworkLayerProtocol family, Type type)
{
    m_descriptor = descriptor;
    m_family = family;
    m_type = type;
    m_errorCode = 0;
    // Both notifications start off: the owner decides when it wants to hear about
    // readiness.
    std::shared_ptr<ReadinessPoller> poller = ReadinessPoller::forCurrentThread();
    const quint64 key = poller->watch(descriptor, this);
    if (key == 0) {
        m_errorCode = errno;
        ::close(descriptor);
        m_descriptor = -1;
        return false;
    }
    m_poller = std::move(poller);
    m_watchKey = key;
    return true;
}

void SocketHandle::deliverReadiness(bool readable, bool writable)
{
    QPointer<SocketHandle> guard(this);
    if (readable)
        emit readyRead();
    if (writable && guard && m_writeNotification)
        emit readyWrite();
}

bool SocketHandle::updateNotifications(bool read, bool write)
{
    if (!m_poller || !m_poller->setNotifications(m_watchKey, read, write))
        return fail();
    m_readNotification = read;
    m_writeNotification = write;
    return true;
}

bool SocketHandle::fail()
{
    m_errorCode = errno;
    return false;
}

qint64 SocketHandle::failed()
{
    m_errorCode = errno;
    return -1;
}

bool SocketHandle::wouldBlock() const
{
    return m_errorCode == EAGAIN || m_errorCode == EWOULDBLOCK;
}

bool SocketHandle::setReuseAddress()
{
    const int on = 1;
    if (::setsockopt(m_descriptor, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on)) != 0)
        return fail();
    return true;
}

bool SocketHandle::bind(const SocketAddress &address)
{
    sockaddr_storage storage;
    const socklen_t length = toSockaddr(address, m_family, &storage);
    if (::bind(m_descriptor, reinterpret_cast<sockaddr *>(&storage), length) != 0)
        return fail();
    return true;
}

bool SocketHandle::listen(int backlog)
{
    if (::listen(m_descriptor, backlog) != 0)
        return fail();
    return true;
}

std::unique_ptr<SocketHandle> SocketHandle::accept(SocketAddress *peer)
{
    sockaddr_storage storage;
    socklen_t length = sizeof(storage);
    int descriptor = -1;
    do {
        descriptor = ::accept4(m_descriptor,
                               reinterpret_cast<sockaddr *>(&storage),
                               &length,
                               SOCK_NONBLOCK | SOCK_CLOEXEC);
    } while (descriptor < 0 && errno == EINTR);
    if (descriptor < 0) {
        fail();
        return nullptr;
    }
    m_errorCode = 0;
    if (peer)
        *peer = fromSockaddr(storage);
    auto accepted = std::make_unique<SocketHandle>();
    if (!accepted->adopt(descriptor, protocolOf(storage.ss_family), Type::Stream)) {
        m_errorCode = accepted->errorCode();
        return nullptr;
    }
    return accepted;
}

SocketHandle::ConnectResult SocketHandle::connectTo(const SocketAddress &address)
{
    sockaddr_storage storage;
    const socklen_t length = toSockaddr(address, m_family, &storage);
    int result = ::connect(m_descriptor, reinterpret_cast<sockaddr *>(&storage), length);
    // An interrupted non-blocking connect() carries on in the kernel; it finishes as
    // EINPROGRESS would.
    if (result == 0)
        return ConnectResult::Connected;
    if (errno == EINPROGRESS || errno == EINTR)
        return ConnectResult::InProgress;
    fail();
    return ConnectResult::Failed;
}

int SocketHandle::takePendingError()
{
    int error = 0;
    socklen_t length = sizeof(error);
    if (::getsockopt(m_descriptor, SOL_SOCKET, SO_ERROR, &error, &length) != 0)
        error = errno;
    m_errorCode = error;
    return error;
}

qint64 SocketHandle::send(const char *data, qint64 size)
{
    ssize_t result;
    // MSG_NOSIGNAL: a peer that has gone away gives EPIPE, not a SIGPIPE that kills us.
    do {
        result = ::send(m_descriptor, data, size_t(size), MSG_NOSIGNAL);
    } while (result < 0 && errno == EINTR);
    if (result < 0)
        return failed();
    return result;
}

qint64 SocketHandle::receive(char *buffer, qint64 maxSize)
{
    ssize_t result;
    do {
        result = ::recv(m_descriptor, buffer, size_t(maxSize), 0);
    } while (result < 0 && errno == EINTR);
    if (result < 0)
        return failed();
    return result;
}

qint64 SocketHandle::receiveFrom(char *buffer,
                                 qint64 maxSize,
                                 SocketAddress *sender,
                                 qint64 *fullSize)
{
    sockaddr_storage storage;
    socklen_t length = sizeof(storage);
    ssize_t result;
    // With MSG_TRUNC, Linux returns the datagram's real length even when it was cut.
    do {
        result = ::recvfrom(m_descriptor,
                            buffer,
                            size_t(maxSize),
                            MSG_TRUNC,
                            reinterpret_cast<sockaddr *>(&storage),
                            &length);
    } while (result < 0 && errno == EINTR);
    if (result < 0)
        return failed();
    if (sender)
        *sender = fromSockaddr(storage);
    if (fullSize)
        *fullSize = result;
    return qMin<qint64>(result, maxSize);
}

int SocketHandle::receiveBatch(char *buffer, qint64 slotSize, int count, Datagram *datagrams)
{
    Q_ASSERT(count >= 1 && count <= MaxBatch);
    count = qBound(1, count, MaxBatch);
    mmsghdr messages[MaxBatch];
    iovec vectors[MaxBatch];
    sockaddr_storage senders[MaxBatch];
    for (int i = 0; i < count; ++i) {
        vectors[i].iov_base = buffer + i * slotSize;
        vectors[i].iov_len = size_t(slotSize);
        std::memset(&messages[i], 0, sizeof(mmsghdr));
        messages[i].msg_hdr.msg_name = &senders[i];
        messages[i].msg_hdr.msg_namelen = sizeof(sockaddr_storage);
        messages[i].msg_hdr.msg_iov = &vectors[i];
        messages[i].msg_hdr.msg_iovlen = 1;
    }
    int result;
    // MSG_TRUNC: each msg_len is the datagram's real length even when it was cut, as
    // recvfrom() with MSG_TRUNC returns it.
    do {
        result = ::recvmmsg(m_descriptor, messages, unsigned(count), MSG_TRUNC, nullptr);
    } while (result < 0 && errno == EINTR);
    if (result < 0)
        return int(failed());
    // A flood comes from few senders: the address is converted once per change of sender.
    const sockaddr_storage *previous = nullptr;
    socklen_t previousLength = 0;
    for (int i = 0; i < result; ++i) {
        Datagram &datagram = datagrams[i];
        datagram.data = buffer + i * slotSize;
        datagram.fullSize = messages[i].msg_len;
        datagram.size = qMin<qint64>(messages[i].msg_len, slotSize);
        const socklen_t length = messages[i].msg_hdr.msg_namelen;
        if (previous && length == previousLength
            && std::memcmp(previous, &senders[i], length) == 0) {
            datagram.sender = datagrams[i - 1].sender;
        } else {
            datagram.sender = fromSockaddr(senders[i]);
        }
        previous = &senders[i];
        previousLength = length;
    }
    return result;
}

qint64 SocketHandle::sendTo(const char *data, qint64 size, const SocketAddress &destination)
{
    sockaddr_storage storage;
    const socklen_t length = toSockaddr(destination, m_family, &storage);
    ssize_t result;
    do {
        result = ::sendto(m_descriptor,
                          data,
                          size_t(size),
                          MSG_NOSIGNAL,
                          reinterpret_cast<sockaddr *>(&storage),
                          length);
    } while (result < 0 && errno == EINTR);
    if (result < 0)
        return failed();
    return result;
}

bool SocketHandle::shutdownWrite()
{
    if (::shutdown(m_descriptor, SHUT_WR) != 0)
        return fail();
    return true;
}

void SocketHandle::close()
{
    if (m_descriptor < 0)
        return;
    // Unwatched before the descriptor number can be reused by the next socket(); this is
    // often called from inside a readiness (a read that finds the peer gone), which the
    // poller allows.
    if (m_poller) {
        m_poller->unwatch(m_watchKey);
        m_poller.reset();
        m_watchKey = 0;
    }
    m_readNotification = false;
    m_writeNotification = false;
    ::close(m_descriptor);
    m_descriptor = -1;
}

void SocketHandle::abort()
{
    if (m_descriptor < 0)
        return;
    const linger reset{1, 0};
    ::setsockopt(m_descriptor, SOL_SOCKET, SO_LINGER, &reset, sizeof(reset));
    close();
}

SocketAddress SocketHandle::localAddress() const
{
    sockaddr_storage storage;
    socklen_t length = sizeof(storage);
    if (m_descriptor < 0
        || ::getsockname(m_descriptor, reinterpret_cast<sockaddr *>(&storage), &length) != 0)
        return {};
    return fromSockaddr(storage);
}

SocketAddress SocketHandle::peerAddress() const
{
    sockaddr_storage storage;
    socklen_t length = sizeof(storage);
    if (m_descriptor < 0
        || ::getpeername(m_descriptor, reinterpret_cast<sockaddr *>(&storage), &length) != 0)
        return {};
    return fromSockaddr(storage);
}

int SocketHandle::kernelReceiveQueue() const
{
    int bytes = 0;
    if (m_descriptor < 0 || ::ioctl(m_descriptor, SIOCINQ, &bytes) != 0)
        return -1;
    return bytes;
}

int SocketHandle::kernelSendQueue() const
{
    int bytes = 0;
    if (m_descriptor < 0 || ::ioctl(m_descriptor, SIOCOUTQ, &bytes) != 0)
        return -1;
    return bytes;
}

int SocketHandle::waitingConnections() const
{
    // For a socket in LISTEN state, Linux reports its accept queue's length in
    // tcpi_unacked (and the queue's limit in tcpi_sacked).
    tcp_info info{};
    socklen_t length = sizeof(info);
    if (m_descriptor < 0 || ::getsockopt(m_descriptor, IPPROTO_TCP, TCP_INFO, &info, &length) != 0)
        return -1;
    return int(info.tcpi_unacked);
}

bool SocketHandle::setReceiveBufferSize(int bytes)
{
    // SO_RCVBUFFORCE passes net.core.rmem_max when we may (root); else the capped one.
    if (::setsockopt(m_descriptor, SOL_SOCKET, SO_RCVBUFFORCE, &bytes, sizeof(bytes)) == 0)
        return true;
    if (::setsockopt(m_descriptor, SOL_SOCKET, SO_RCVBUF, &bytes, sizeof(bytes)) != 0)
        return fail();
    return true;
}

int SocketHandle::receiveBufferSize() const
{
    int bytes = 0;
    socklen_t length = sizeof(bytes);
    if (m_descriptor < 0 || ::getsockopt(m_descriptor, SOL_SOCKET, SO_RCVBUF, &bytes, &length) != 0)
        return -1;
    return bytes;
}

bool SocketHandle::setReadNotificationEnabled(bool enabled)
{
    if (!isOpen())
        return !enabled;
    return updateNotifications(enabled, m_writeNotification);
}

bool SocketHandle::setWriteNotificationEnabled(bool enabled)
{
    if (!isOpen())
        return !enabled;
    return updateNotifications(m_readNotification, enabled);
}

bool SocketHandle::isReadNotificationEnabled() const
{
    return m_readNotification;
}

bool SocketHandle::isWriteNotificationEnabled() const
{
    return m_writeNotification;
}

qint64 SocketHandle::raiseOpenFileLimit()
{
    rlimit limit{};
    if (::getrlimit(RLIMIT_NOFILE, &limit) != 0)
        return -1;
    if (limit.rlim_cur < limit.rlim_max) {
        limit.rlim_cur = limit.rlim_max;
        ::setrlimit(RLIMIT_NOFILE, &limit);
        ::getrlimit(RLIMIT_NOFILE, &limit);
    }
    return limit.rlim_cur == RLIM_INFINITY ? -1 : qint64(limit.rlim_cur);
}

#pragma once

#include "socketaddress.h"

#include <QAbstractSocket>
#include <QObject>

#include <memory>

class ReadinessPoller;

// The one place in the project that calls the operating system's socket functions.
//
// A non-blocking BSD socket (the lesson's socket(), bind(), listen(), accept(),
// connect(), send(), recv(), sendto(), recvfrom(), shutdown(), close()) owned RAII-style
// and watched for readiness on the Qt event loop, so no call blocks it: by the thread's
// ReadinessPoller (epoll behind one QSocketNotifier; it says why not one notifier per
// socket). DESIGN.md explains why this is not QTcpSocket: half-close, RST versus FIN,
// and one recv() per reported read. Calls that can fail return false or -1 and keep the
// errno in errorCode(); socketerror.h turns it into words.
class SocketHandle : public QObject
{
    Q_OBJECT

public:
    enum class Type { Stream, Datagram };
    enum class ConnectResult { Connected, InProgress, Failed };

    explicit SocketHandle(QObject *parent = nullptr);
    ~SocketHandle() override;

    // socket(): IPv6 sockets are dual-stack (IPV6_V6ONLY off), as on Linux by default.
    bool open(QAbstractSocket::NetworkLayerProtocol family, Type type);
    bool isOpen() const { return m_descriptor >= 0; }
    int descriptor() const { return m_descriptor; }
    QAbstractSocket::NetworkLayerProtocol family() const { return m_family; }
    Type type() const { return m_type; }

    bool setReuseAddress();
    bool bind(const SocketAddress &address);
    bool listen(int backlog);
    // accept(): the next waiting connection as a new handle, or nullptr when none is
    // waiting (wouldBlock()) or on failure (errorCode()).
    std::unique_ptr<SocketHandle> accept(SocketAddress *peer);
    ConnectResult connectTo(const SocketAddress &address);
    // SO_ERROR: the outcome of a non-blocking connect() once the socket is writable.
    int takePendingError();

    // send() / recv(): bytes done, or -1 (see wouldBlock() and errorCode()). recv()
    // returns 0 when the peer has finished sending (FIN).
    qint64 send(const char *data, qint64 size);
    qint64 receive(char *buffer, qint64 maxSize);
    // recvfrom(): a datagram cut to maxSize as the OS cuts it; *fullSize is the
    // datagram's real length (MSG_TRUNC), so a cut can be reported.
    qint64 receiveFrom(char *buffer, qint64 maxSize, SocketAddress *sender, qint64 *fullSize);
    qint64 sendTo(const char *data, qint64 size, const SocketAddress &destination);

    // One datagram of a receiveBatch(): its bytes (in the caller's buffer), cut to the
    // slot size as recvfrom() cuts it, its real length and its sender.
    struct Datagram
    {
        const char *data = nullptr;
        qint64 size = 0;
        qint64 fullSize = 0; // > size when the datagram was cut (MSG_TRUNC)
        SocketAddress sender;
    };
    static constexpr int MaxBatch = 64;
    // recvmmsg(): up to count (at most MaxBatch) datagrams in one system call, each what
    // one recvfrom(slotSize) would have returned; buffer holds count slots of slotSize
    // bytes. The number received, or -1 (see wouldBlock() and errorCode()) when none was.
    int receiveBatch(char *buffer, qint64 slotSize, int count, Datagram *datagrams);

    bool shutdownWrite();
    void close();
    // close() after SO_LINGER {on, 0}: the kernel discards unsent data and sends RST.
    void abort();

    SocketAddress localAddress() const;
    SocketAddress peerAddress() const;

    // Bytes waiting in the kernel: received but not yet read (SIOCINQ), and sent but
    // not yet acknowledged by the peer (SIOCOUTQ). -1 when unknown.
    int kernelReceiveQueue() const;
    int kernelSendQueue() const;
    // Asks for a receive buffer of this many bytes: SO_RCVBUFFORCE where allowed (root,
    // CAP_NET_ADMIN), else SO_RCVBUF, which the kernel caps at net.core.rmem_max.
    bool setReceiveBufferSize(int bytes);
    // What the kernel really gave (SO_RCVBUF: its bookkeeping doubles the size asked
    // for); -1 when unknown.
    int receiveBufferSize() const;
    // A listening socket's connections waiting in the kernel's backlog: their handshake
    // is done and their connect() has returned, but nobody called accept() yet. -1 when
    // unknown.
    int waitingConnections() const;

    // False (see errorCode()) when the kernel cannot watch the socket (out of memory or
    // of epoll watches); it then keeps the notifications it had.
    bool setReadNotificationEnabled(bool enabled);
    bool setWriteNotificationEnabled(bool enabled);
    bool isReadNotificationEnabled() const;
    bool isWriteNotificationEnabled() const;

    int errorCode() const { return m_errorCode; }
    bool wouldBlock() const;

    // The soft limit on open descriptors raised to the hard limit: a class connecting at
    // once needs thousands. Returns the limit now in force.
    static qint64 raiseOpenFileLimit();

signals:
    void readyRead();
    void readyWrite();

private:
    friend class ReadinessPoller;
    // From the poller: readyRead(), then readyWrite() if the socket is still open and
    // still wants it.
    void deliverReadiness(bool readable, bool writable);
    bool adopt(int descriptor, QAbstractSocket::NetworkLayerProtocol family, Type type);
    bool fail();     // keeps errno, returns false
    qint64 failed(); // keeps errno, returns -1
    bool updateNotifications(bool read, bool write);

    int m_descriptor = -1;
    int m_errorCode = 0;
    QAbstractSocket::NetworkLayerProtocol m_family = QAbstractSocket::UnknownNetworkLayerProtocol;
    Type m_type = Type::Stream;
    std::shared_ptr<ReadinessPoller> m_poller;
    quint64 m_watchKey = 0;
    bool m_readNotification = false;
    bool m_writeNotification = false;
};

#pragma once

#include "session.h"

#include <QHash>
#include <QList>

#include <deque>
#include <memory>

class SocketHandle;

// The lesson's UDP peer: socket(AF_INET, SOCK_DGRAM), optionally bind((addr, port)),
// sendto(data, (host, port)) and recvfrom(N). Without bind(), the operating system
// picks a port at the first sendto(); that port is reported then, and replies to it
// are received from that moment on.
class UdpPeerSession : public Session
{
    Q_OBJECT

public:
    enum class BindState { Unbound, LookingUp, Bound };

    // Datagrams waiting for the socket to take them (the kernel's buffer was full);
    // beyond this, sendTo() refuses with an error rather than grow without bound.
    static constexpr int MaxQueuedDatagrams = 4096;
    // The receive buffer asked for: a 64-byte flood fills the default one (208 KiB) in
    // about a millisecond, so anything that keeps the event loop busy would drop
    // datagrams. The kernel takes it from memory only as datagrams wait.
    static constexpr int ReceiveBufferBytes = 32 * 1024 * 1024;

    explicit UdpPeerSession(int id, QObject *parent = nullptr);
    ~UdpPeerSession() override;

    void setReadingThrottled(bool throttled) override;

    BindState bindState() const { return m_bindState; }
    // True after bind() or after the OS bound the socket at the first send.
    bool isBound() const { return m_bindState == BindState::Bound; }
    bool isBoundExplicitly() const { return m_explicitBind; }
    SocketAddress localAddress() const { return m_localAddress; }
    QString lastError() const { return m_lastError; }

    qint64 datagramsReceived() const { return m_datagramsReceived; }
    qint64 datagramsSent() const { return m_datagramsSent; }
    qint64 bytesReceived() const { return m_bytesReceived; }
    qint64 bytesSent() const { return m_bytesSent; }
    // The receive buffer the system gave the socket (SO_RCVBUF, bytes); -1 without one.
    int receiveBufferBytes() const;

    // bind() on host (an address or a name) and port (0 = any free port).
    void bind(const QString &host, quint16 port);
    // Closes the socket; the next send creates a new one.
    void unbind();
    void shutdown() override { unbind(); }
    void abortAll() override { unbind(); }
    bool isClosing() const override { return false; }

    // sendto(): to an address now, or to a host name once it is looked up.
    bool sendTo(const SocketAddress &destination, const QByteArray &data);
    void sendToHost(const QString &host, quint16 port, const QByteArray &data);

    // The message of the Listening event that reports the system's bind at the first
    // sendto(), and whether an event is one: the Python mirror writes no bind() then.
    static QString implicitBindNote(quint16 port);
    static bool isImplicitBind(const TrafficEvent &event);

signals:
    void bindStateChanged(BindState state);

private:
    struct Datagram
    {
        SocketAddress destination;
        QByteArray data;
    };
    struct PendingLookup
    {
        QString host;
        QList<Datagram> datagrams; // destination port set, address unknown yet
    };

    bool openSocket(QAbstractSocket::NetworkLayerProtocol family);
    void bindOn(const SocketAddress &address);
    void readIncoming();
    void writePending();
    bool writeDatagram(const Datagram &datagram);
    void noteImplicitBind();
    void closeSocket();
    void setBindState(BindState state);

    std::unique_ptr<SocketHandle> m_socket;
    BindState m_bindState = BindState::Unbound;
    bool m_explicitBind = false;
    SocketAddress m_localAddress;
    QString m_bindHost;
    QString m_lastError;
    int m_bindLookupId = -1;
    QHash<int, PendingLookup> m_lookups; // by QHostInfo lookup id
    std::deque<Datagram> m_sendQueue;

    qint64 m_datagramsReceived = 0;
    qint64 m_datagramsSent = 0;
    qint64 m_bytesReceived = 0;
    qint64 m_bytesSent = 0;
};

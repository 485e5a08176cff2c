#include "udppeersession.h"

#include "socketerror.h"
#include "sockethandle.h"

#include <QHostInfo>
#include <QPointer>

namespace {

// Between two looks at the rest of the event loop (timers, the window), at most this
// many datagrams are read.
constexpr int MaxReadsPerWakeup = 512;
// The scratch buffer of a batch: MaxBatch datagrams of the recv size, fewer when the
// recv size is large (a 64 KiB recv size gets 64 slots in 4 MiB; the kernel writes only
// what each datagram needs, so small datagrams touch few of its pages).
constexpr int BatchBufferBytes = 4 * 1024 * 1024;

QHostAddress preferIpv4(const QList<QHostAddress> &addresses)
{
    for (const QHostAddress &address : addresses) {
        if (address.protocol() == QAbstractSocket::IPv4Protocol)
            return address;
    }
    return addresses.isEmpty() ? QHostAddress() : addresses.first();
}

} // namespace

UdpPeerSession::UdpPeerSession(int id, QObject *parent)
    : Session(id, SessionKind::Udp, parent)
{}

UdpPeerSession::~UdpPeerSession()
{
    if (m_bindLookupId >= 0)
        QHostInfo::abortHostLookup(m_bindLookupId);
    for (auto it = m_lookups.cbegin(); it != m_lookups.cend(); ++it)
        QHostInfo::abortHostLookup(it.key());
}

int UdpPeerSession::receiveBufferBytes() const
{
    return m_socket ? m_socket->receiveBufferSize() : -1;
}

void UdpPeerSession::setReadingThrottled(bool throttled)
{
    Session::setReadingThrottled(throttled);
    if (m_socket && isBound())
        m_socket->setReadNotificationEnabled(!throttled);
}

void UdpPeerSession::bind(const QString &host, quint16 port)
{
    unbind();
    m_lastError.clear();
    m_bindHost = host;
    QHostAddress literal;
    if (literal.setAddress(host)) {
        bindOn(SocketAddress{literal, port});
        return;
    }
    setBindState(BindState::LookingUp);
    m_bindLookupId = QHostInfo::lookupHost(host, this, [this, port](const QHostInfo &info) {
        m_bindLookupId = -1;
        if (info.error() != QHostInfo::NoError || info.addresses().isEmpty()) {
            m_lastError = describeLookupFailure(m_bindHost, info.errorString());
            setBindState(BindState::Unbound);
            reportError(m_lastError);
            return;
        }
        bindOn(SocketAddress{preferIpv4(info.addresses()), port});
    });
}

bool UdpPeerSession::openSocket(QAbstractSocket::NetworkLayerProtocol family)
{
    auto socket = std::make_unique<SocketHandle>();
    if (!socket->open(family, SocketHandle::Type::Datagram)) {
        m_lastError = describeSocketError(socket->errorCode(), SocketOperation::Create, {});
        reportError(m_lastError);
        return false;
    }
    socket->setReceiveBufferSize(ReceiveBufferBytes);
    m_socket = std::move(socket);
    connect(m_socket.get(), &SocketHandle::readyRead, this, &UdpPeerSession::readIncoming);
    connect(m_socket.get(), &SocketHandle::readyWrite, this, &UdpPeerSession::writePending);
    return true;
}

void UdpPeerSession::bindOn(const SocketAddress &address)
{
    if (!openSocket(address.address.protocol())) {
        setBindState(BindState::Unbound);
        return;
    }
    // Watched for datagrams as part of binding: a socket the system cannot watch (out of
    // epoll watches) fails here, with the reason, rather than staying deaf.
    if (!m_socket->bind(address) || !m_socket->setReadNotificationEnabled(!isReadingThrottled())) {
        m_lastError = describeSocketError(m_socket->errorCode(),
                                          SocketOperation::BindDatagram,
                                          address);
        closeSocket();
        setBindState(BindState::Unbound);
        reportError(m_lastError, address);
        return;
    }
    m_explicitBind = true;
    m_localAddress = m_socket->localAddress();
    setBindState(BindState::Bound);
    TrafficEvent event = makeEvent(EventType::Listening);
    event.local = m_localAddress;
    report(event);
}

void UdpPeerSession::unbind()
{
    if (m_bindLookupId >= 0) {
        QHostInfo::abortHostLookup(m_bindLookupId);
        m_bindLookupId = -1;
    }
    const bool wasBound = m_bindState == BindState::Bound;
    closeSocket();
    if (wasBound) {
        TrafficEvent event = makeEvent(EventType::Stopped);
        event.local = m_localAddress;
        event.message = tr("closed the UDP socket");
        report(event);
    }
    if (m_bindState != BindState::Unbound)
        setBindState(BindState::Unbound);
}

void UdpPeerSession::closeSocket()
{
    m_sendQueue.clear();
    m_explicitBind = false;
    if (!m_socket)
        return;
    m_socket->close();
    m_socket->disconnect(this);
    m_socket.release()->deleteLater(); // this may run inside its own readyRead
}

bool UdpPeerSession::sendTo(const SocketAddress &destination, const QByteArray &data)
{
    if (m_bindState == BindState::LookingUp) {
        reportError(tr("not sent: the socket is still being bound; try again in a moment"),
                    m_localAddress,
                    destination);
        return false;
    }
    if (!m_socket && !openSocket(destination.address.protocol()))
        return false;
    if (m_socket->family() == QAbstractSocket::IPv4Protocol
        && unmappedAddress(destination.address).protocol() == QAbstractSocket::IPv6Protocol) {
        reportError(tr("cannot send to %1 from this IPv4 socket: bind to :: (IPv6 and IPv4) "
                       "to reach IPv6 addresses")
                        .arg(destination.toString()),
                    m_localAddress,
                    destination);
        return false;
    }
    if (int(m_sendQueue.size()) >= MaxQueuedDatagrams) {
        reportError(tr("not sent to %1: %2 datagrams are already waiting for the system to "
                       "take them")
                        .arg(destination.toString())
                        .arg(MaxQueuedDatagrams),
                    m_localAddress,
                    destination);
        return false;
    }
    m_sendQueue.push_back(Datagram{destination, data});
    writePending();
    return true;
}

void UdpPeerSession::sendToHost(const QString &host, quint16 port, const QByteArray &data)
{
    QHostAddress literal;
    if (literal.setAddress(host)) {
        sendTo(SocketAddress{literal, port}, data);
        return;
    }
    // Looked up every time, as sendto((name, port)) does: names can change.
    const int lookupId = QHostInfo::lookupHost(host, this, [this](const QHostInfo &info) {
        const PendingLookup lookup = m_lookups.take(info.lookupId());
        if (info.error() != QHostInfo::NoError || info.addresses().isEmpty()) {
            reportError(describeLookupFailure(lookup.host, info.errorString()));
            return;
        }
        const QHostAddress address = preferIpv4(info.addresses());
        for (Datagram datagram : lookup.datagrams) {
            datagram.destination.address = address;
            sendTo(datagram.destination, datagram.data);
        }
    });
    m_lookups.insert(lookupId, PendingLookup{host, {Datagram{SocketAddress{{}, port}, data}}});
}

void UdpPeerSession::writePending()
{
    QPointer<UdpPeerSession> guard(this);
    while (guard && m_socket && !m_sendQueue.empty()) {
        const Datagram datagram = m_sendQueue.front();
        if (!writeDatagram(datagram))
            return;
    }
    if (guard && m_socket)
        m_socket->setWriteNotificationEnabled(false);
}

bool UdpPeerSession::writeDatagram(const Datagram &datagram)
{
    const qint64 written = m_socket->sendTo(datagram.data.constData(),
                                            datagram.data.size(),
                                            datagram.destination);
    if (written < 0 && m_socket->wouldBlock()) {
        m_socket->setWriteNotificationEnabled(true);
        return false;
    }
    m_sendQueue.pop_front();
    if (written < 0) {
        reportError(describeSocketError(m_socket->errorCode(),
                                        SocketOperation::Send,
                                        datagram.destination),
                    m_localAddress,
                    datagram.destination);
        return true;
    }
    if (m_bindState != BindState::Bound)
        noteImplicitBind();
    ++m_datagramsSent;
    m_bytesSent += written;
    TrafficEvent event = makeEvent(EventType::Sent);
    event.local = m_localAddress;
    event.peer = datagram.destination;
    event.payload = datagram.data;
    report(event);
    return true;
}

void UdpPeerSession::noteImplicitBind()
{
    // The OS chose a port for the first sendto(): say which, and start receiving replies.
    m_localAddress = m_socket->localAddress();
    m_socket->setReadNotificationEnabled(!isReadingThrottled());
    setBindState(BindState::Bound);
    TrafficEvent event = makeEvent(EventType::Listening);
    event.local = m_localAddress;
    event.message = implicitBindNote(m_localAddress.port);
    event.detail = EventDetail::ImplicitBind;
    report(event);
}

QString UdpPeerSession::implicitBindNote(quint16 port)
{
    return tr("the system bound this socket to port %1 at the first sendto()").arg(port);
}

bool UdpPeerSession::isImplicitBind(const TrafficEvent &event)
{
    return event.type == EventType::Listening && event.detail == EventDetail::ImplicitBind;
}

void UdpPeerSession::readIncoming()
{
    // Datagrams come in batches (recvmmsg), each datagram still its own recvfrom(N) as far
    // as the lesson and the record are concerned: one system call takes up to MaxBatch
    // of a flood, and the events go out after it, without GUI work between the reads.
    SocketHandle::Datagram datagrams[SocketHandle::MaxBatch];
    QPointer<UdpPeerSession> guard(this);
    int read = 0;
    while (read < MaxReadsPerWakeup && guard && m_socket && !isReadingThrottled()) {
        const int size = recvSize();
        const int batch = qBound(1, BatchBufferBytes / size, SocketHandle::MaxBatch);
        char *buffer = receiveScratchBuffer(batch * size);
        const int received = m_socket->receiveBatch(buffer, size, batch, datagrams);
        if (received < 0) {
            if (!m_socket->wouldBlock()) {
                reportError(describeSocketError(m_socket->errorCode(),
                                                SocketOperation::Receive,
                                                m_localAddress),
                            m_localAddress);
            }
            return;
        }
        read += received;
        // Every datagram taken from the kernel is reported, even if a slot reacting to one
        // closes the socket: nothing received is left out of the record.
        for (int i = 0; i < received && guard; ++i) {
            const SocketHandle::Datagram &datagram = datagrams[i];
            ++m_datagramsReceived;
            m_bytesReceived += datagram.size;
            TrafficEvent event = makeEvent(EventType::Received);
            event.local = m_localAddress;
            event.peer = datagram.sender;
            event.payload = QByteArray(datagram.data, datagram.size);
            if (datagram.fullSize > datagram.size)
                event.truncatedFrom = datagram.fullSize;
            const QByteArray echoed = echo() ? event.payload : QByteArray();
            report(event);
            if (guard && echo() && m_socket)
                sendTo(datagram.sender, echoed);
        }
        // Fewer than asked for: the kernel's queue is empty, no need for another call.
        if (received < batch)
            return;
    }
}

void UdpPeerSession::setBindState(BindState state)
{
    m_bindState = state;
    emit bindStateChanged(state);
}

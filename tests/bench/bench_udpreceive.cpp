// Prints what taking a UDP flood off the socket costs, per datagram: the system calls
// alone (one recvfrom() each against recvmmsg() batches of 64), then a UdpPeerSession
// reading and reporting them (events, counters; no window). Not a test: it asserts
// nothing, it measures. Build in Release for figures.
//
// Each run queues Burst datagrams of 64 bytes from one loopback sender into a receiving
// socket, then times draining the queue; Bursts times. Small bursts keep the kernel's
// buffers warm in the cache, as in a flood the reader keeps up with; the figures say how
// many datagrams were taken (a burst must fit the receive buffer: as root it does).
// Loopback only.

#include "sockethandle.h"
#include "udppeersession.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QHostAddress>

#include <cstdio>

namespace {

constexpr int Burst = 2'000;
constexpr int Bursts = 25;
constexpr int DatagramSize = 64;
constexpr int Runs = 5;
constexpr int BufferBytes = 64 * 1024 * 1024;

// Queues Burst datagrams for the receiver; the number sent.
int flood(SocketHandle &sender, const SocketAddress &destination)
{
    const QByteArray payload(DatagramSize, 'u');
    int sent = 0;
    for (int i = 0; i < Burst; ++i)
        sent += sender.sendTo(payload.constData(), payload.size(), destination) > 0 ? 1 : 0;
    return sent;
}

std::unique_ptr<SocketHandle> boundSocket()
{
    auto socket = std::make_unique<SocketHandle>();
    socket->open(QAbstractSocket::IPv4Protocol, SocketHandle::Type::Datagram);
    socket->setReceiveBufferSize(BufferBytes);
    socket->bind(SocketAddress{QHostAddress::LocalHost, 0});
    return socket;
}

void systemCalls(bool batched)
{
    auto receiver = boundSocket();
    auto sender = boundSocket();
    QByteArray buffer(SocketHandle::MaxBatch * DatagramSize, Qt::Uninitialized);
    SocketHandle::Datagram datagrams[SocketHandle::MaxBatch];
    for (int run = 1; run <= Runs; ++run) {
        qint64 taken = 0;
        qint64 calls = 0;
        qint64 nanoseconds = 0;
        for (int burst = 0; burst < Bursts; ++burst) {
            flood(*sender, receiver->localAddress());
            QElapsedTimer clock;
            clock.start();
            for (;;) {
                ++calls;
                if (batched) {
                    const int n = receiver->receiveBatch(buffer.data(),
                                                         DatagramSize,
                                                         SocketHandle::MaxBatch,
                                                         datagrams);
                    if (n < 0)
                        break;
                    taken += n;
                } else {
                    SocketAddress from;
                    qint64 full = 0;
                    if (receiver->receiveFrom(buffer.data(), DatagramSize, &from, &full) < 0)
                        break;
                    ++taken;
                }
            }
            nanoseconds += clock.nsecsElapsed();
        }
        const double ns = double(nanoseconds);
        std::printf("{\"bench\":\"udp_syscalls\",\"mode\":\"%s\",\"run\":%d,\"datagrams\":%lld,"
                    "\"calls\":%lld,\"ns_per_datagram\":%.0f}\n",
                    batched ? "recvmmsg" : "recvfrom",
                    run,
                    taken,
                    calls,
                    taken > 0 ? ns / double(taken) : 0.0);
    }
}

void session()
{
    UdpPeerSession peer(1);
    peer.bind(QStringLiteral("127.0.0.1"), 0);
    auto sender = boundSocket();
    std::printf("{\"bench\":\"udp_session\",\"receive_buffer_bytes\":%d}\n",
                peer.receiveBufferBytes());
    for (int run = 1; run <= Runs; ++run) {
        const qint64 before = peer.datagramsReceived();
        qint64 nanoseconds = 0;
        for (int burst = 0; burst < Bursts; ++burst) {
            flood(*sender, peer.localAddress());
            QElapsedTimer clock;
            clock.start();
            // Drained when a turn of the event loop brings nothing more.
            qint64 seen = -1;
            while (seen != peer.datagramsReceived()) {
                seen = peer.datagramsReceived();
                QCoreApplication::processEvents();
            }
            nanoseconds += clock.nsecsElapsed();
        }
        const qint64 taken = peer.datagramsReceived() - before;
        std::printf("{\"bench\":\"udp_session\",\"run\":%d,\"datagrams\":%lld,"
                    "\"ns_per_datagram\":%.0f}\n",
                    run,
                    taken,
                    taken > 0 ? double(nanoseconds) / double(taken) : 0.0);
    }
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    systemCalls(false);
    systemCalls(true);
    session();
    return 0;
}

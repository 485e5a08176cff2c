// Prints what floods cost the connection timeline: time per event and memory. Not a test:
// it asserts nothing, it measures. Build in Release for figures.
//
// Each run appends 1,000,000 events of 1024 bytes as one session reports them: a
// `while True: send()` peer (reads only), an echo (read, send, read, ...), a class of 200
// connections taking turns, and 1000 UDP senders (more than the 200 connections kept).
// The event loop runs every 256 events, as TcpConnection reads at most 256 times per
// wake-up, so the timeline's 40 ms announcements happen as they would in the app.
// Linux only (reads /proc/self).

#include "connectiontimeline.h"
#include "procstatus.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QHostAddress>

#include <cstdio>
#include <functional>
#include <malloc.h>

namespace {

constexpr int EventCount = 1'000'000;
constexpr int EventsPerWakeup = 256;

TrafficEvent serverEvent(EventType type, int connection, const QByteArray &payload)
{
    TrafficEvent event;
    event.session = 1;
    event.connection = connection;
    event.kind = SessionKind::TcpServer;
    event.type = type;
    event.local = SocketAddress{QHostAddress::LocalHost, 1337};
    event.peer = SocketAddress{QHostAddress::LocalHost, quint16(40000 + connection)};
    event.payload = payload;
    return event;
}

// Runs one flood: make(i) is the i-th event.
void run(const char *name, int connections, const std::function<TrafficEvent(int)> &make)
{
    malloc_trim(0);
    const qint64 before = statusKiB("VmRSS");
    ConnectionTimeline timeline;
    int announcements = 0;
    QObject::connect(&timeline, &ConnectionTimeline::entriesChanged, [&announcements] {
        ++announcements;
    });
    for (int c = 1; c <= connections; ++c)
        timeline.append(serverEvent(EventType::Accepted, c, {}));
    QElapsedTimer clock;
    clock.start();
    for (int i = 0; i < EventCount; ++i) {
        timeline.append(make(i));
        if (i % EventsPerWakeup == EventsPerWakeup - 1)
            QCoreApplication::processEvents();
    }
    const qint64 nanoseconds = clock.nsecsElapsed();
    const qint64 after = statusKiB("VmRSS");
    int rows = 0;
    for (const TimelineConnection &connection : timeline.connections())
        rows += timeline.entryCount(connection.key);
    std::printf("%-34s %7.1f ns/event  %5d connections  %7d rows  %+8.1f MiB RSS  "
                "%5d announcements in %.0f ms\n",
                name,
                double(nanoseconds) / EventCount,
                timeline.connectionCount(),
                rows,
                double(after - before) / 1024.0,
                announcements,
                double(nanoseconds) / 1e6);
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    const QByteArray payload(1024, 'x');
    const TrafficEvent read = serverEvent(EventType::Received, 1, payload);
    const TrafficEvent sent = serverEvent(EventType::Sent, 1, payload);

    std::printf("%d events of %lld bytes each\n", EventCount, qint64(payload.size()));
    run("reads on one connection", 1, [&](int) { return read; });
    run("echo: read, send, read, ...", 1, [&](int i) { return i % 2 ? sent : read; });
    run("200 connections taking turns", 200, [&](int i) {
        TrafficEvent event = i % 3 ? read : sent;
        event.connection = 1 + i % 200;
        return event;
    });
    run("1000 UDP senders (200 kept)", 0, [&](int i) {
        TrafficEvent event = read;
        event.kind = SessionKind::Udp;
        event.connection = 0;
        event.peer.port = quint16(20000 + i % 1000);
        return event;
    });
    return 0;
}

// Prints what a flood of small reads costs the traffic log model: time per event and
// memory. Not a test: it asserts nothing, it measures. Build in Release for figures.
//
// Each run appends 1,000,000 received events of 64 bytes, as a session would for a
// recv() flood, running the event loop every 1000 events so that the model's own 50 ms
// timer flushes them. That loop appends several million events a second, far more than
// sockets deliver, so its batches reach the row budget; the runs that also call flush()
// every 1000 events show the batches of a flood of about 20,000 reads a second.
// Linux only (reads /proc/self).

#include "benchevent.h"
#include "procstatus.h"
#include "trafficlogmodel.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QHostAddress>

#include <cstdio>
#include <malloc.h>
#include <memory>

namespace {

constexpr int EventCount = 1'000'000;
constexpr int PayloadSize = 64;
constexpr int EventsPerLoopTurn = 1000;

double mib(qint64 kib)
{
    return double(kib) / 1024.0;
}

struct Figures
{
    double nsPerEvent = 0;
    int inserts = 0;
    qint64 baseRssKiB = 0;
    qint64 peakRssKiB = 0;
    qint64 rssKiB = 0;
    int rows = 0;
    qint64 trimmed = 0;
    qint64 payloadBytes = 0;
};

// What making the events costs without the model (the session pays this anyway).
double nsToMakeEvents()
{
    const TrafficEvent prototype = templateEvent();
    const QByteArray chunk(PayloadSize, 'x');
    QElapsedTimer timer;
    timer.start();
    for (int i = 0; i < EventCount; ++i) {
        TrafficEvent event = prototype;
        event.msecsSinceEpoch = i;
        event.payload = QByteArray(chunk.constData(), PayloadSize);
    }
    return double(timer.nsecsElapsed()) / EventCount;
}

// flushEvery: 0 = only the model's timer flushes.
Figures run(int rowBudget, int flushEvery)
{
    malloc_trim(0);
    resetPeakRss();
    Figures figures;
    figures.baseRssKiB = statusKiB("VmRSS");

    auto model = std::make_unique<TrafficLogModel>();
    model->setRowBudget(rowBudget);
    QObject::connect(model.get(), &QAbstractItemModel::rowsInserted, model.get(), [&figures] {
        ++figures.inserts;
    });
    const TrafficEvent prototype = templateEvent();
    const QByteArray chunk(PayloadSize, 'x');

    QElapsedTimer timer;
    timer.start();
    for (int i = 0; i < EventCount; ++i) {
        TrafficEvent event = prototype;
        event.msecsSinceEpoch = i;
        event.payload = QByteArray(chunk.constData(), PayloadSize); // a fresh recv() buffer
        model->append(std::move(event));
        if (flushEvery > 0 && i % flushEvery == flushEvery - 1)
            model->flush();
        if (i % EventsPerLoopTurn == EventsPerLoopTurn - 1)
            QCoreApplication::processEvents(); // the flush timer fires here when due
    }
    model->flush();
    figures.nsPerEvent = double(timer.nsecsElapsed()) / EventCount;

    figures.peakRssKiB = statusKiB("VmHWM");
    figures.rssKiB = statusKiB("VmRSS");
    figures.rows = model->rowCount();
    figures.trimmed = model->trimmedRows();
    figures.payloadBytes = model->payloadBytes();
    return figures;
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);

    std::printf("bench_logmodel: %d received events of %d bytes, event loop every %d, "
                "sizeof(TrafficEvent) %zu\n",
                EventCount,
                PayloadSize,
                EventsPerLoopTurn,
                sizeof(TrafficEvent));
    std::printf("making the events alone: %.0f ns/event (included below)\n\n", nsToMakeEvents());
    std::printf("%-9s %-7s %8s %8s %8s %8s %8s %8s %8s %8s %8s\n",
                "rowBudget",
                "flush",
                "ns/event",
                "batch",
                "baseMiB",
                "peakMiB",
                "rssMiB",
                "B/row",
                "rows",
                "trimmed",
                "payMiB");
    struct Run
    {
        int rowBudget;
        int flushEvery;
    };
    for (const Run &r : {Run{TrafficLogModel::DefaultRowBudget, 0},
                         Run{TrafficLogModel::DefaultRowBudget, 1000},
                         Run{EventCount, 0},
                         Run{EventCount, 1000}}) {
        const Figures f = run(r.rowBudget, r.flushEvery);
        const QByteArray flush = r.flushEvery > 0 ? QByteArray::number(r.flushEvery)
                                                  : QByteArrayLiteral("timer");
        std::printf("%-9d %-7s %8.0f %8d %8.1f %8.1f %8.1f %8lld %8d %8lld %8.1f\n",
                    r.rowBudget,
                    flush.constData(),
                    f.nsPerEvent,
                    f.inserts > 0 ? EventCount / f.inserts : 0,
                    mib(f.baseRssKiB),
                    mib(f.peakRssKiB),
                    mib(f.rssKiB),
                    f.rows > 0 ? (f.rssKiB - f.baseRssKiB) * 1024 / f.rows : 0,
                    f.rows,
                    f.trimmed,
                    double(f.payloadBytes) / (1024.0 * 1024.0));
    }
    std::printf("\nflush: every N appends, or the model's timer alone; batch: events per insert;\n"
                "B/row: RSS growth per kept row at the end (payload, event, allocator);\n"
                "byte budget: %.0f MiB (default)\n",
                double(TrafficLogModel::DefaultByteBudget) / (1024.0 * 1024.0));
    return 0;
}

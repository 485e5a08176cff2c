#include "eventloopmonitor.h"
#include "processusage.h"
#include "sessiontotals.h"
#include "statsreporter.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <cstdlib>
#include <cstring>
#include <memory>

// --stats (issue 7): the lateness histogram, the line format, the totals that keep closed
// sessions, and the reporter writing lines. Real sockets are in tst_tcpsessions and
// tst_udppeersession (the counters), and in tst_record (the binary end to end).
class tst_StatsReporter : public QObject
{
    Q_OBJECT

private slots:
    void percentiles_data();
    void percentiles();
    void histogramStartsOver();
    void lineFormat();
    void totalsKeepClosedSessions();
    void reporterWritesLines();
    void writeFailureIsSaidOnceAndStops();
    void processFigures();
    void largeBlocksAreGivenBack();
};

namespace {

// A session fed events by hand: its counters are what report() made of them.
class FakeSession : public Session
{
public:
    FakeSession(int id, SessionKind kind)
        : Session(id, kind)
    {}

    void feed(EventType type, int bytes = 0)
    {
        TrafficEvent event = makeEvent(type);
        event.payload = QByteArray(bytes, 'x');
        report(event);
    }

    void shutdown() override {}
    void abortAll() override {}
    bool isClosing() const override { return false; }
};

constexpr qint64 Ms = 1'000'000; // in ns

} // namespace

void tst_StatsReporter::percentiles_data()
{
    QTest::addColumn<QList<qint64>>("samples"); // ns
    QTest::addColumn<double>("max");
    QTest::addColumn<double>("p99");
    QTest::newRow("none") << QList<qint64>{} << 0.0 << 0.0;
    QTest::newRow("one sample: p99 is that sample") << QList<qint64>{403'000} << 0.403 << 0.403;
    QTest::newRow("early fire is no lateness") << QList<qint64>{-50'000} << 0.0 << 0.0;
    // 99 samples of 0.1 ms and one of 50 ms: the 99th smallest is 0.1 ms (its bucket's
    // upper edge, 0.11 ms).
    QList<qint64> oneSpike(99, 100'000);
    oneSpike.append(50 * Ms);
    QTest::newRow("one spike in 100") << oneSpike << 50.0 << 0.11;
    // Two spikes in 100: the 99th smallest is a spike (30 ms, in the bucket up to 30.01).
    QList<qint64> twoSpikes(98, 100'000);
    twoSpikes << 30 * Ms << 50 * Ms;
    QTest::newRow("two spikes in 100") << twoSpikes << 50.0 << 30.01;
    // Beyond 100 ms the buckets are 1 ms wide.
    QList<qint64> slow(10, 250 * Ms + 300'000);
    QTest::newRow("coarse buckets") << slow << 250.3 << 250.3;
    QList<qint64> coarseEdge(99, 150 * Ms + 200'000);
    coarseEdge << 900 * Ms;
    QTest::newRow("coarse bucket edge") << coarseEdge << 900.0 << 151.0;
    QTest::newRow("beyond 10 s") << QList<qint64>{20'000 * Ms} << 20'000.0 << 20'000.0;
}

void tst_StatsReporter::percentiles()
{
    QFETCH(QList<qint64>, samples);
    QFETCH(double, max);
    QFETCH(double, p99);
    LatenessHistogram histogram;
    for (qint64 sample : samples)
        histogram.add(sample);
    QCOMPARE(histogram.count(), samples.size());
    QCOMPARE(histogram.maxMs(), max);
    QCOMPARE(histogram.percentileMs(0.99), p99);
}

void tst_StatsReporter::histogramStartsOver()
{
    LatenessHistogram histogram;
    histogram.add(5 * Ms);
    histogram.add(7 * Ms);
    histogram.clear();
    QCOMPARE(histogram.count(), 0);
    QCOMPARE(histogram.percentileMs(0.99), 0.0);
    histogram.add(1 * Ms);
    QCOMPARE(histogram.maxMs(), 1.0);
    QCOMPARE(histogram.percentileMs(0.99), 1.0);
}

void tst_StatsReporter::lineFormat()
{
    StatsSample sample;
    sample.msecsSinceEpoch = QDateTime(QDate(2026, 11, 25), QTime(6, 0, 1), Qt::UTC)
                                 .toMSecsSinceEpoch();
    sample.uptimeMs = 1000;
    sample.latenessMaxMs = 1.25;
    sample.latenessP99Ms = 0.404;
    sample.rssBytes = 41234432;
    sample.descriptors = 23;
    sample.totals.bytesIn = 12;
    sample.totals.bytesOut = 10;
    sample.totals.reads = 1;
    sample.totals.sends = 1;
    sample.totals.connectionsOpen = 1;
    sample.totals.connectionsTotal = 2;
    sample.totals.datagramsIn = 3;
    sample.totals.datagramsOut = 4;
    SessionCounters server;
    server.bytesIn = 12;
    server.connectionsOpen = 1;
    sample.sessions.append({1, SessionKind::TcpServer, server});
    sample.sessions.append({3, SessionKind::Udp, SessionCounters()});
    const QByteArray zeros = "\"bytes_in\":0,\"bytes_out\":0,\"reads\":0,\"sends\":0,"
                             "\"connections_open\":0,\"connections_total\":0,"
                             "\"datagrams_in\":0,\"datagrams_out\":0";
    QCOMPARE(statsLine(sample),
             QByteArray("{\"time\":\"2026-11-25T06:00:01.000Z\",\"uptime_ms\":1000,"
                        "\"lateness_ms\":{\"max\":1.25,\"p99\":0.40},\"rss_bytes\":41234432,"
                        "\"fds\":23,\"totals\":{\"bytes_in\":12,\"bytes_out\":10,\"reads\":1,"
                        "\"sends\":1,\"connections_open\":1,\"connections_total\":2,"
                        "\"datagrams_in\":3,\"datagrams_out\":4},\"sessions\":["
                        "{\"session\":1,\"kind\":\"tcp-listen\",\"bytes_in\":12,\"bytes_out\":0,"
                        "\"reads\":0,\"sends\":0,\"connections_open\":1,\"connections_total\":0,"
                        "\"datagrams_in\":0,\"datagrams_out\":0},"
                        "{\"session\":3,\"kind\":\"udp\","
                        + zeros + "}]}\n"));
    // No sessions: an empty list, still valid JSON.
    sample.sessions.clear();
    const QByteArray line = statsLine(sample);
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(line, &error);
    QCOMPARE(error.error, QJsonParseError::NoError);
    QVERIFY(document.object().value(QLatin1String("sessions")).toArray().isEmpty());
}

void tst_StatsReporter::totalsKeepClosedSessions()
{
    SessionTotals totals;
    auto server = std::make_unique<FakeSession>(1, SessionKind::TcpServer);
    FakeSession udp(2, SessionKind::Udp);
    totals.add(server.get());
    totals.add(&udp);
    server->feed(EventType::Accepted);
    server->feed(EventType::Accepted);
    server->feed(EventType::Received, 100);
    server->feed(EventType::Sent, 40);
    server->feed(EventType::Closed);
    udp.feed(EventType::Received, 7);
    udp.feed(EventType::Sent, 3);
    udp.feed(EventType::Received, 0); // an empty datagram is a datagram
    SessionCounters sum = totals.totals();
    QCOMPARE(sum.connectionsOpen, 1);
    QCOMPARE(sum.connectionsTotal, 2);
    QCOMPARE(sum.bytesIn, 107);
    QCOMPARE(sum.bytesOut, 43);
    QCOMPARE(sum.reads, 3);
    QCOMPARE(sum.sends, 2);
    QCOMPARE(sum.datagramsIn, 2);
    QCOMPARE(sum.datagramsOut, 1);
    QCOMPARE(totals.sessions().size(), 2);

    // The server's tab closes: it leaves the list, its counts stay, its open one does not.
    totals.retire(server.get());
    server.reset();
    QCOMPARE(totals.sessions(), (QList<const Session *>{&udp}));
    sum = totals.totals();
    QCOMPARE(sum.connectionsOpen, 0);
    QCOMPARE(sum.connectionsTotal, 2);
    QCOMPARE(sum.bytesIn, 107);
    QCOMPARE(sum.bytesOut, 43);
    QCOMPARE(sum.reads, 3);
    QCOMPARE(sum.datagramsIn, 2);
}

void tst_StatsReporter::reporterWritesLines()
{
    QTemporaryDir directory;
    const QString path = directory.filePath(QStringLiteral("stats.jsonl"));
    StatsReporter reporter;
    QString error;
    QVERIFY2(reporter.open(path, &error), qPrintable(error));
    SessionTotals totals;
    FakeSession client(4, SessionKind::TcpClient);
    totals.add(&client);
    client.feed(EventType::Connected);
    client.feed(EventType::Sent, 5);
    reporter.start(&totals);
    QTRY_VERIFY_WITH_TIMEOUT(reporter.linesWritten() >= 1, 10000); // the first, at 1 s
    client.feed(EventType::Received, 9);
    reporter.finish(); // the last line
    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QList<QByteArray> lines = file.readAll().split('\n');
    QCOMPARE(lines.size(), reporter.linesWritten() + 1); // ends in a newline
    QVERIFY(lines.last().isEmpty());
    const QJsonObject last = QJsonDocument::fromJson(lines.at(lines.size() - 2)).object();
    QVERIFY(last.value(QLatin1String("uptime_ms")).toInteger() >= 1000);
    QVERIFY(last.value(QLatin1String("rss_bytes")).toInteger() > 0);
    QVERIFY(last.value(QLatin1String("fds")).toInteger() > 0);
    QVERIFY(last.value(QLatin1String("lateness_ms")).toObject().contains(QLatin1String("p99")));
    const QJsonObject counted = last.value(QLatin1String("totals")).toObject();
    QCOMPARE(counted.value(QLatin1String("bytes_out")).toInteger(), 5);
    QCOMPARE(counted.value(QLatin1String("bytes_in")).toInteger(), 9);
    QCOMPARE(counted.value(QLatin1String("connections_open")).toInteger(), 1);
    const QJsonArray sessions = last.value(QLatin1String("sessions")).toArray();
    QCOMPARE(sessions.size(), 1);
    QCOMPARE(sessions.first().toObject().value(QLatin1String("session")).toInt(), 4);
    QCOMPARE(sessions.first().toObject().value(QLatin1String("kind")).toString(),
             QStringLiteral("tcp"));
}

void tst_StatsReporter::writeFailureIsSaidOnceAndStops()
{
    // /dev/full takes the open and fails every write (ENOSPC): as a full disk.
    StatsReporter reporter;
    QString error;
    QVERIFY2(reporter.open(QStringLiteral("/dev/full"), &error), qPrintable(error));
    QSignalSpy failed(&reporter, &StatsReporter::failed);
    SessionTotals totals;
    reporter.start(&totals);
    QVERIFY(failed.wait(10000));
    QCOMPARE(failed.size(), 1);
    QVERIFY2(failed.first().first().toString().startsWith(
                 QLatin1String("writing the stats '/dev/full' failed: ")),
             qPrintable(failed.first().first().toString()));
    reporter.finish(); // no second try, no second message
    QCOMPARE(failed.size(), 1);
    QCOMPARE(reporter.linesWritten(), 0);

    StatsReporter unopenable;
    QVERIFY(!unopenable.open(QStringLiteral("/nonexistent-dir/stats.jsonl"), &error));
    QVERIFY2(error.startsWith(QLatin1String("cannot write the stats file "
                                            "'/nonexistent-dir/stats.jsonl': ")),
             qPrintable(error));
}

void tst_StatsReporter::processFigures()
{
    QVERIFY(residentSetBytes() > 0);
    const int before = openDescriptorCount();
    QVERIFY(before >= 3); // stdin, stdout, stderr at least
    QFile file(QStringLiteral("/proc/self/statm"));
    QVERIFY(file.open(QIODevice::ReadOnly));
    QCOMPARE(openDescriptorCount(), before + 1);
    // Both ways of counting agree (the listing is what older kernels use).
    QCOMPARE(openDescriptorCountByListing(), before + 1);
    file.close();
    QCOMPARE(openDescriptorCount(), before);
    QCOMPARE(openDescriptorCountByListing(), before);
}

void tst_StatsReporter::largeBlocksAreGivenBack()
{
    // What preferMappedLargeBlocks() is for, seen from outside: each large block is mapped
    // on its own, so freeing it gives the memory back at once, however often blocks of
    // that size came and went before (glibc's moving threshold would serve the second one
    // from the heap, copy it when it grows, and keep it after free()).
    preferMappedLargeBlocks();
    constexpr size_t Size = 8 * 1024 * 1024;
    for (int round = 0; round < 3; ++round) {
        const qint64 before = residentSetBytes();
        char *volatile block = static_cast<char *>(std::malloc(Size));
        QVERIFY(block);
        std::memset(block, 1, Size);
        QVERIFY(residentSetBytes() - before >= qint64(Size) / 2);
        std::free(block);
        const qint64 kept = residentSetBytes() - before;
        QVERIFY2(kept < qint64(Size) / 4,
                 qPrintable(QStringLiteral("round %1: %2 bytes kept").arg(round).arg(kept)));
    }
}

QTEST_GUILESS_MAIN(tst_StatsReporter)
#include "tst_statsreporter.moc"

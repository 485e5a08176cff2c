#include "recordformat.h"
#include "trafficevent.h"
#include "trafficrecorder.h"

#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <fcntl.h>
#include <unistd.h>

// The --record line format (a contract: DESIGN.md) and the writer's backpressure.
class tst_TrafficRecorder : public QObject
{
    Q_OBJECT

private slots:
    void recordLine_data();
    void recordLine();
    void notesAreNotRecorded();
    void writesAFileLineByLine();
    void unwritableFileIsAnError();
    void slowReaderThrottlesButLosesNothing();
};

namespace {

SocketAddress address(const char *ip, quint16 port)
{
    return SocketAddress{QHostAddress(QString::fromLatin1(ip)), port};
}

TrafficEvent makeEvent(EventType type, SessionKind kind = SessionKind::TcpServer)
{
    TrafficEvent e;
    // 2026-11-24T19:05:01.123Z
    e.msecsSinceEpoch = 1795547101123;
    e.session = 1;
    e.kind = kind;
    e.type = type;
    return e;
}

} // namespace

void tst_TrafficRecorder::recordLine_data()
{
    QTest::addColumn<TrafficEvent>("input");
    QTest::addColumn<QByteArray>("expected");

    TrafficEvent listening = makeEvent(EventType::Listening);
    listening.local = address("0.0.0.0", 1337);
    QTest::newRow("listening (DESIGN.md example)")
        << listening
        << QByteArray(R"({"time":"2026-11-24T19:05:01.123Z","session":1,"kind":"tcp-listen",)"
                      R"("event":"listening","local":"0.0.0.0:1337"})"
                      "\n");

    TrafficEvent accepted = makeEvent(EventType::Accepted);
    accepted.connection = 1;
    accepted.local = address("127.0.0.1", 1337);
    accepted.peer = address("127.0.0.1", 54321);
    QTest::newRow("accepted (DESIGN.md example)")
        << accepted
        << QByteArray(R"({"time":"2026-11-24T19:05:01.123Z","session":1,"kind":"tcp-listen",)"
                      R"("event":"accepted","conn":1,"local":"127.0.0.1:1337",)"
                      R"("peer":"127.0.0.1:54321"})"
                      "\n");

    TrafficEvent received = accepted;
    received.type = EventType::Received;
    received.payload = "Hello world!";
    QTest::newRow("received (DESIGN.md example)")
        << received
        << QByteArray(R"({"time":"2026-11-24T19:05:01.123Z","session":1,"kind":"tcp-listen",)"
                      R"("event":"received","conn":1,"local":"127.0.0.1:1337",)"
                      R"("peer":"127.0.0.1:54321","size":12,"hex":"48656c6c6f20776f726c6421"})"
                      "\n");

    TrafficEvent reset = makeEvent(EventType::Closed, SessionKind::TcpClient);
    reset.session = 2;
    reset.local = address("::1", 40000);
    reset.peer = address("::1", 1337);
    reset.closedBy = ClosedBy::Peer;
    reset.reset = true;
    QTest::newRow("closed by peer with reset, ipv6")
        << reset
        << QByteArray(R"({"time":"2026-11-24T19:05:01.123Z","session":2,"kind":"tcp",)"
                      R"("event":"closed","local":"[::1]:40000","peer":"[::1]:1337",)"
                      R"("by":"peer","reset":true})"
                      "\n");

    TrafficEvent closedLocal = reset;
    closedLocal.closedBy = ClosedBy::Local;
    closedLocal.reset = false;
    QTest::newRow("closed by local, no reset field")
        << closedLocal
        << QByteArray(R"({"time":"2026-11-24T19:05:01.123Z","session":2,"kind":"tcp",)"
                      R"("event":"closed","local":"[::1]:40000","peer":"[::1]:1337",)"
                      R"("by":"local"})"
                      "\n");

    TrafficEvent datagram = makeEvent(EventType::Received, SessionKind::Udp);
    datagram.local = address("0.0.0.0", 1337);
    datagram.peer = address("127.0.0.1", 5555);
    datagram.payload = QByteArray("\x00\xff", 2);
    datagram.truncatedFrom = 3000;
    QTest::newRow("truncated datagram")
        << datagram
        << QByteArray(R"({"time":"2026-11-24T19:05:01.123Z","session":1,"kind":"udp",)"
                      R"("event":"received","local":"0.0.0.0:1337","peer":"127.0.0.1:5555",)"
                      R"("size":2,"hex":"00ff","truncated_from":3000})"
                      "\n");

    TrafficEvent error = makeEvent(EventType::Error, SessionKind::TcpClient);
    error.peer = address("127.0.0.1", 1);
    error.message = QStringLiteral("say \"hi\"\\\n\ttab é");
    QTest::newRow("error message escaped")
        << error
        << QByteArray(R"({"time":"2026-11-24T19:05:01.123Z","session":1,"kind":"tcp",)"
                      R"("event":"error","peer":"127.0.0.1:1","message":"say \"hi\"\\\n\ttab é"})"
                      "\n");

    TrafficEvent empty = makeEvent(EventType::Sent, SessionKind::Udp);
    empty.peer = address("127.0.0.1", 9);
    QTest::newRow("empty datagram sent")
        << empty
        << QByteArray(R"({"time":"2026-11-24T19:05:01.123Z","session":1,"kind":"udp",)"
                      R"("event":"sent","peer":"127.0.0.1:9","size":0,"hex":""})"
                      "\n");

    TrafficEvent eof = accepted;
    eof.type = EventType::Eof;
    QTest::newRow("eof carries conn, local, peer")
        << eof
        << QByteArray(R"({"time":"2026-11-24T19:05:01.123Z","session":1,"kind":"tcp-listen",)"
                      R"("event":"eof","conn":1,"local":"127.0.0.1:1337",)"
                      R"("peer":"127.0.0.1:54321"})"
                      "\n");
}

void tst_TrafficRecorder::recordLine()
{
    QFETCH(TrafficEvent, input);
    QFETCH(QByteArray, expected);
    QCOMPARE(::recordLine(input), expected);
}

void tst_TrafficRecorder::notesAreNotRecorded()
{
    QVERIFY(!isRecorded(makeEvent(EventType::Note)));
    QVERIFY(isRecorded(makeEvent(EventType::Received)));
    QVERIFY(isRecorded(makeEvent(EventType::Error)));
}

void tst_TrafficRecorder::writesAFileLineByLine()
{
    QTemporaryDir directory;
    const QString path = directory.filePath(QStringLiteral("record.jsonl"));
    TrafficRecorder recorder;
    QString error;
    QVERIFY2(recorder.open(path, &error), qPrintable(error));
    TrafficEvent first = makeEvent(EventType::Listening);
    first.local = address("127.0.0.1", 1);
    recorder.record(first);
    // Flushed as written: the line is in the file before anything else happens.
    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadOnly));
    QCOMPARE(file.readAll(), ::recordLine(first));
    recorder.record(makeEvent(EventType::Note));
    recorder.record(makeEvent(EventType::Stopped));
    recorder.finish();
    file.seek(0);
    QCOMPARE(file.readAll(), ::recordLine(first) + ::recordLine(makeEvent(EventType::Stopped)));
}

void tst_TrafficRecorder::unwritableFileIsAnError()
{
    TrafficRecorder recorder;
    QString error;
    QVERIFY(!recorder.open(QStringLiteral("/nonexistent-dir/record.jsonl"), &error));
    QCOMPARE(error,
             QStringLiteral("cannot write the record file '/nonexistent-dir/record.jsonl': No "
                            "such file or directory"));
    QVERIFY(!recorder.isOpen());
}

void tst_TrafficRecorder::slowReaderThrottlesButLosesNothing()
{
    int fds[2];
    QCOMPARE(::pipe2(fds, O_CLOEXEC | O_NONBLOCK), 0);
    TrafficRecorder recorder;
    QSignalSpy throttling(&recorder, &TrafficRecorder::throttlingChanged);
    QString error;
    QVERIFY2(recorder.open(QStringLiteral("/dev/fd/%1").arg(fds[1]), &error), qPrintable(error));
    ::close(fds[1]);

    // Nobody reads: lines wait in memory until the recorder asks for a pause.
    QByteArray expected;
    TrafficEvent received = makeEvent(EventType::Received);
    received.connection = 1;
    received.peer = address("127.0.0.1", 5000);
    int count = 0;
    while (throttling.isEmpty() && count < 1000000) {
        received.payload = QByteArray(1000, char('a' + count % 26));
        recorder.record(received);
        expected += ::recordLine(received);
        ++count;
    }
    QCOMPARE(throttling.count(), 1);
    QCOMPARE(throttling.first().first().toBool(), true);
    QVERIFY(recorder.pendingBytes() > TrafficRecorder::HighWater);

    // The reader catches up: the pause ends, and every line arrives in order.
    QByteArray read;
    char buffer[65536];
    QTRY_VERIFY_WITH_TIMEOUT(
        [&] {
            ssize_t n;
            while ((n = ::read(fds[0], buffer, sizeof buffer)) > 0)
                read.append(buffer, n);
            return read.size() == expected.size();
        }(),
        20000);
    QCOMPARE(throttling.count(), 2);
    QCOMPARE(throttling.last().first().toBool(), false);
    QVERIFY(read == expected);
    ::close(fds[0]);
}

QTEST_GUILESS_MAIN(tst_TrafficRecorder)
#include "tst_trafficrecorder.moc"

#include "trafficlogmodel.h"

#include <QAbstractItemModelTester>
#include <QDateTime>
#include <QSignalSpy>
#include <QTest>

namespace {

const SocketAddress serverAddress{QHostAddress(QStringLiteral("127.0.0.1")), 1337};
const SocketAddress clientAddress{QHostAddress(QStringLiteral("127.0.0.1")), 54321};
const SocketAddress anyAddress{QHostAddress(QStringLiteral("0.0.0.0")), 1337};

// An event on a server's connection #1, as seen from the server.
TrafficEvent makeEvent(EventType type, const QByteArray &payload = QByteArray())
{
    TrafficEvent event;
    event.session = 1;
    event.connection = 1;
    event.kind = SessionKind::TcpServer;
    event.type = type;
    event.local = serverAddress;
    event.peer = clientAddress;
    event.payload = payload;
    return event;
}

// The sequence number travels in the time field, so tests can tell which rows survived.
TrafficEvent numbered(qint64 number, qsizetype size = 1)
{
    TrafficEvent event = makeEvent(EventType::Received, QByteArray(size, 'x'));
    event.msecsSinceEpoch = number;
    return event;
}

void appendNumbered(TrafficLogModel &model, qint64 &next, int count, qsizetype size = 1)
{
    for (int i = 0; i < count; ++i)
        model.append(numbered(next++, size));
}

} // namespace

class tst_TrafficLogModel : public QObject
{
    Q_OBJECT

private slots:
    void defaults();
    void appendIsBatched_data();
    void appendIsBatched();
    void flushInsertsAtOnce();
    void rowBudget_data();
    void rowBudget();
    void loweringBudgetDropsQueuedEventsBeforeInserting();
    void queueOverByteBudgetFlushesEarly();
    void byteBudget_data();
    void byteBudget();
    void countersAreExactAfterTrimming();
    void displayMode_data();
    void displayMode();
    void sameDisplayModeChangesNothing();
    void clear();
    void columns_data();
    void columns();
    void timeIsLocal();
    void roles();
    void payloadSpareCapacityIsReleased();
    void tightPayloadIsShared();
    void appendFromRowSignalWaitsForNextFlush();
};

void tst_TrafficLogModel::defaults()
{
    TrafficLogModel model;
    QAbstractItemModelTester tester(&model);

    QCOMPARE(model.rowCount(), 0);
    QCOMPARE(model.columnCount(), int(TrafficLogModel::ColumnCount));
    QCOMPARE(model.displayMode(), DisplayMode::PythonBytes);
    QCOMPARE(model.rowBudget(), 100'000);
    QCOMPARE(model.byteBudget(), qint64(64) * 1024 * 1024);
    QCOMPARE(model.headerData(TrafficLogModel::Time, Qt::Horizontal).toString(), "Time");
    QCOMPARE(model.headerData(TrafficLogModel::Data, Qt::Horizontal).toString(), "Data");
}

void tst_TrafficLogModel::appendIsBatched_data()
{
    QTest::addColumn<int>("existing");
    QTest::addColumn<int>("appended");

    QTest::newRow("one event") << 0 << 1;
    QTest::newRow("1000 events, one insert") << 0 << 1000;
    QTest::newRow("1000 events after existing rows") << 10 << 1000;
}

void tst_TrafficLogModel::appendIsBatched()
{
    QFETCH(int, existing);
    QFETCH(int, appended);

    TrafficLogModel model;
    QAbstractItemModelTester tester(&model);
    qint64 next = 0;
    appendNumbered(model, next, existing);
    model.flush();

    QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
    appendNumbered(model, next, appended);
    QCOMPARE(model.rowCount(), existing); // nothing per append
    QCOMPARE(inserted.count(), 0);

    QTRY_COMPARE(model.rowCount(), existing + appended); // the flush timer
    QCOMPARE(inserted.count(), 1);
    const QList<QVariant> arguments = inserted.takeFirst();
    QVERIFY(!arguments.at(0).toModelIndex().isValid());
    QCOMPARE(arguments.at(1).toInt(), existing);
    QCOMPARE(arguments.at(2).toInt(), existing + appended - 1); // last row inclusive
    QCOMPARE(model.eventAt(existing + appended - 1).msecsSinceEpoch, next - 1);
}

void tst_TrafficLogModel::flushInsertsAtOnce()
{
    TrafficLogModel model;
    QAbstractItemModelTester tester(&model);
    QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
    qint64 next = 0;

    appendNumbered(model, next, 3);
    model.flush();
    QCOMPARE(model.rowCount(), 3);
    QCOMPARE(inserted.count(), 1);

    // The flush stopped the timer: the next insert is the marker's alone.
    model.append(numbered(next++));
    QTRY_COMPARE(inserted.count(), 2);
    QCOMPARE(inserted.at(1).at(1).toInt(), 3);
    QCOMPARE(inserted.at(1).at(2).toInt(), 3);
}

void tst_TrafficLogModel::rowBudget_data()
{
    QTest::addColumn<int>("budget");
    QTest::addColumn<QList<int>>("batches");  // each followed by flush()
    QTest::addColumn<int>("firstKept");       // number of the oldest row left
    QTest::addColumn<int>("insertedRows");    // over all rowsInserted
    QTest::addColumn<QList<int>>("removals"); // rows removed by each rowsRemoved, from 0

    QTest::newRow("under budget") << 10 << QList<int>{3, 4} << 0 << 7 << QList<int>{};
    QTest::newRow("exactly at budget") << 10 << QList<int>{5, 5} << 0 << 10 << QList<int>{};
    QTest::newRow("one over drops the oldest")
        << 10 << QList<int>{10, 1} << 1 << 11 << QList<int>{1};
    QTest::newRow("batch replaces every old row")
        << 10 << QList<int>{10, 10} << 10 << 20 << QList<int>{10};
    // The 11th queued event flushes at once: 4 old rows and 1 queued event go, 10 rows
    // are inserted; the last 4 events then push out 4 more.
    QTest::newRow("batch over budget flushes early")
        << 10 << QList<int>{4, 15} << 9 << 18 << QList<int>{4, 4};
    QTest::newRow("budget of one row") << 1 << QList<int>{1, 1, 1} << 2 << 3 << QList<int>{1, 1};
}

void tst_TrafficLogModel::rowBudget()
{
    QFETCH(int, budget);
    QFETCH(QList<int>, batches);
    QFETCH(int, firstKept);
    QFETCH(int, insertedRows);
    QFETCH(QList<int>, removals);

    TrafficLogModel model;
    QAbstractItemModelTester tester(&model);
    model.setRowBudget(budget);
    QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
    QSignalSpy removed(&model, &QAbstractItemModel::rowsRemoved);
    QSignalSpy trimmedChanged(&model, &TrafficLogModel::trimmedRowsChanged);

    qint64 next = 0;
    for (int batch : batches) {
        appendNumbered(model, next, batch);
        model.flush();
    }

    QCOMPARE(model.rowCount(), int(next) - firstKept);
    for (int row = 0; row < model.rowCount(); ++row)
        QCOMPARE(model.eventAt(row).msecsSinceEpoch, qint64(firstKept + row));
    QCOMPARE(model.trimmedRows(), qint64(firstKept));
    QCOMPARE(model.totalEvents(), next);
    if (firstKept > 0)
        QCOMPARE(trimmedChanged.last().at(0).toLongLong(), qint64(firstKept));

    int insertedSum = 0;
    for (const QList<QVariant> &arguments : inserted)
        insertedSum += arguments.at(2).toInt() - arguments.at(1).toInt() + 1;
    QCOMPARE(insertedSum, insertedRows); // queued events that lose are never inserted

    QList<int> removedCounts;
    for (const QList<QVariant> &arguments : removed) {
        QCOMPARE(arguments.at(1).toInt(), 0); // always the oldest
        removedCounts.append(arguments.at(2).toInt() + 1);
    }
    QCOMPARE(removedCounts, removals);
}

void tst_TrafficLogModel::loweringBudgetDropsQueuedEventsBeforeInserting()
{
    TrafficLogModel model;
    QAbstractItemModelTester tester(&model);
    QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
    QSignalSpy removed(&model, &QAbstractItemModel::rowsRemoved);
    qint64 next = 0;

    appendNumbered(model, next, 10); // queued, not yet rows
    model.setRowBudget(4);

    QCOMPARE(inserted.count(), 1);
    QCOMPARE(inserted.at(0).at(1).toInt(), 0);
    QCOMPARE(inserted.at(0).at(2).toInt(), 3);
    QCOMPARE(removed.count(), 0);
    QCOMPARE(model.rowCount(), 4);
    QCOMPARE(model.eventAt(0).msecsSinceEpoch, qint64(6));
    QCOMPARE(model.trimmedRows(), qint64(6));
    QCOMPARE(model.readsIn(), qint64(10));
    QCOMPARE(model.bytesIn(), qint64(10));
}

void tst_TrafficLogModel::queueOverByteBudgetFlushesEarly()
{
    // A quarter of the byte budget queued is flushed at once: a flood then frees its
    // oldest rows as it goes, instead of holding the rows and a whole batch besides.
    TrafficLogModel model;
    QAbstractItemModelTester tester(&model);
    model.setByteBudget(1000);
    QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
    QSignalSpy removed(&model, &QAbstractItemModel::rowsRemoved);
    qint64 next = 0;

    appendNumbered(model, next, 2, 100); // 200 queued: waits for the timer
    QCOMPARE(inserted.count(), 0);
    appendNumbered(model, next, 1, 100); // 300 > 250: flushed by append()
    QCOMPARE(inserted.count(), 1);
    QCOMPARE(inserted.at(0).at(1).toInt(), 0);
    QCOMPARE(inserted.at(0).at(2).toInt(), 2);

    appendNumbered(model, next, 10, 100); // rows and queue over the budget: the oldest go
    QCOMPARE(inserted.count(), 4);
    QVERIFY(removed.count() > 0);
    QVERIFY(model.payloadBytes() <= 1000);
    QCOMPARE(model.rowCount(), 10);
    QCOMPARE(model.eventAt(0).msecsSinceEpoch, qint64(2));
    QCOMPARE(model.trimmedRows(), qint64(2));
    QCOMPARE(model.bytesIn(), qint64(1300)); // the last event still queued
}

void tst_TrafficLogModel::byteBudget_data()
{
    QTest::addColumn<QList<int>>("sizes"); // one event and one flush each; budget 1000
    QTest::addColumn<QList<int>>("keptSizes");

    QTest::newRow("fits") << QList<int>{300, 300, 300} << QList<int>{300, 300, 300};
    QTest::newRow("drops the oldest")
        << QList<int>{100, 300, 300, 301} << QList<int>{300, 300, 301};
    QTest::newRow("drops as many as needed") << QList<int>{300, 300, 300, 900} << QList<int>{900};
    QTest::newRow("newest kept even when over budget") << QList<int>{300, 2000} << QList<int>{2000};
    QTest::newRow("big row goes with the next one") << QList<int>{2000, 10} << QList<int>{10};
    QTest::newRow("empty payloads cost nothing")
        << QList<int>{1000, 0, 0} << QList<int>{1000, 0, 0};
}

void tst_TrafficLogModel::byteBudget()
{
    QFETCH(QList<int>, sizes);
    QFETCH(QList<int>, keptSizes);

    TrafficLogModel model;
    QAbstractItemModelTester tester(&model);
    model.setByteBudget(1000);

    qint64 next = 0;
    qint64 keptBytes = 0;
    for (int size : sizes) {
        model.append(numbered(next++, size));
        model.flush();
    }
    for (int size : keptSizes)
        keptBytes += size;

    QList<int> actualSizes;
    for (int row = 0; row < model.rowCount(); ++row)
        actualSizes.append(int(model.eventAt(row).size()));
    QCOMPARE(actualSizes, keptSizes);
    QCOMPARE(model.payloadBytes(), keptBytes);
    QCOMPARE(model.trimmedRows(), qint64(sizes.size() - keptSizes.size()));
}

void tst_TrafficLogModel::countersAreExactAfterTrimming()
{
    TrafficLogModel model;
    QAbstractItemModelTester tester(&model);
    model.setRowBudget(10);
    QSignalSpy trimmedChanged(&model, &TrafficLogModel::trimmedRowsChanged);

    qint64 bytesIn = 0;
    qint64 bytesOut = 0;
    qint64 readsIn = 0;
    qint64 readsOut = 0;
    for (int i = 0; i < 1000; ++i) {
        switch (i % 3) {
        case 0:
            model.append(makeEvent(EventType::Received, QByteArray(i % 50, 'r')));
            bytesIn += i % 50;
            ++readsIn;
            break;
        case 1:
            model.append(makeEvent(EventType::Sent, QByteArray(7, 's')));
            bytesOut += 7;
            ++readsOut;
            break;
        default:
            model.append(makeEvent(EventType::Eof));
            break;
        }
        if (i % 7 == 6)
            model.flush();
    }
    model.flush();

    QCOMPARE(model.rowCount(), 10);
    QCOMPARE(model.totalEvents(), qint64(1000));
    QCOMPARE(model.trimmedRows(), qint64(990));
    QCOMPARE(trimmedChanged.last().at(0).toLongLong(), qint64(990));
    QCOMPARE(model.bytesIn(), bytesIn);
    QCOMPARE(model.bytesOut(), bytesOut);
    QCOMPARE(model.readsIn(), readsIn);
    QCOMPARE(model.readsOut(), readsOut);
    qint64 keptBytes = 0;
    for (int row = 0; row < model.rowCount(); ++row)
        keptBytes += model.eventAt(row).size();
    QCOMPARE(model.payloadBytes(), keptBytes);
}

void tst_TrafficLogModel::displayMode_data()
{
    QTest::addColumn<DisplayMode>("mode");
    QTest::addColumn<QString>("expected");

    QTest::newRow("text") << DisplayMode::Text << "Hello";
    QTest::newRow("hex") << DisplayMode::Hex << "48 65 6c 6c 6f";
    QTest::newRow("python bytes") << DisplayMode::PythonBytes << "b'Hello'";
}

void tst_TrafficLogModel::displayMode()
{
    QFETCH(DisplayMode, mode);
    QFETCH(QString, expected);

    TrafficLogModel model;
    QAbstractItemModelTester tester(&model);
    for (int i = 0; i < 3; ++i)
        model.append(makeEvent(EventType::Received, QByteArrayLiteral("Hello")));
    model.flush();
    // Start from another mode so that every row of the table is a change.
    model.setDisplayMode(mode == DisplayMode::Hex ? DisplayMode::Text : DisplayMode::Hex);
    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
    QSignalSpy modeChanged(&model, &TrafficLogModel::displayModeChanged);

    model.setDisplayMode(mode);

    QCOMPARE(model.displayMode(), mode);
    QCOMPARE(modeChanged.count(), 1);
    QCOMPARE(changed.count(), 1);
    const QModelIndex topLeft = changed.at(0).at(0).toModelIndex();
    const QModelIndex bottomRight = changed.at(0).at(1).toModelIndex();
    QCOMPARE(topLeft, model.index(0, TrafficLogModel::Data));
    QCOMPARE(bottomRight, model.index(2, TrafficLogModel::Data));
    for (int row = 0; row < 3; ++row) {
        const QModelIndex index = model.index(row, TrafficLogModel::Data);
        QCOMPARE(index.data().toString(), expected);
        QCOMPARE(index.data(Qt::ToolTipRole).toString(), expected);
    }
}

void tst_TrafficLogModel::sameDisplayModeChangesNothing()
{
    TrafficLogModel model;
    QAbstractItemModelTester tester(&model);
    model.append(makeEvent(EventType::Received, QByteArrayLiteral("Hello")));
    model.flush();
    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);

    model.setDisplayMode(model.displayMode());

    QCOMPARE(changed.count(), 0);
}

void tst_TrafficLogModel::clear()
{
    TrafficLogModel model;
    QAbstractItemModelTester tester(&model);
    model.setRowBudget(3);
    qint64 next = 0;
    appendNumbered(model, next, 5, 10);
    model.flush();
    appendNumbered(model, next, 2, 10); // still queued when Clear is clicked
    QCOMPARE(model.trimmedRows(), qint64(2));
    QSignalSpy reset(&model, &QAbstractItemModel::modelReset);
    QSignalSpy trimmedChanged(&model, &TrafficLogModel::trimmedRowsChanged);
    QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);

    model.clear();

    QCOMPARE(reset.count(), 1);
    QCOMPARE(model.rowCount(), 0);
    QCOMPARE(model.payloadBytes(), qint64(0));
    QCOMPARE(model.trimmedRows(), qint64(0));
    QCOMPARE(trimmedChanged.count(), 1);
    QCOMPARE(trimmedChanged.at(0).at(0).toLongLong(), qint64(0));
    // Session totals survive Clear.
    QCOMPARE(model.totalEvents(), qint64(7));
    QCOMPARE(model.readsIn(), qint64(7));
    QCOMPARE(model.bytesIn(), qint64(70));

    // The queued events went too: the next insert holds the marker alone.
    model.append(numbered(100));
    QTRY_COMPARE(inserted.count(), 1);
    QCOMPARE(model.rowCount(), 1);
    QCOMPARE(model.eventAt(0).msecsSinceEpoch, qint64(100));
}

void tst_TrafficLogModel::columns_data()
{
    QTest::addColumn<TrafficEvent>("event");
    QTest::addColumn<QString>("direction");
    QTest::addColumn<QString>("connection");
    QTest::addColumn<QString>("peer");
    QTest::addColumn<QVariant>("size");
    QTest::addColumn<QString>("data");

    TrafficEvent event = makeEvent(EventType::Received, QByteArrayLiteral("Hello\r\n"));
    event.connection = 3;
    QTest::newRow("received") << event << "←"
                              << "#3"
                              << "127.0.0.1:54321" << QVariant(qint64(7)) << "b'Hello\\r\\n'";

    event = makeEvent(EventType::Sent, QByteArrayLiteral("Hi"));
    QTest::newRow("sent") << event << "→"
                          << "#1"
                          << "127.0.0.1:54321" << QVariant(qint64(2)) << "b'Hi'";

    event = makeEvent(EventType::Received, QByteArrayLiteral("abcd"));
    event.kind = SessionKind::Udp;
    event.connection = 0;
    event.truncatedFrom = 3000;
    QTest::newRow("udp datagram cut to recv size")
        << event << "←"
        << ""
        << "127.0.0.1:54321" << QVariant(qint64(4)) << "[datagram of 3000 bytes cut to 4] b'abcd'";

    event = makeEvent(EventType::Listening);
    event.connection = 0;
    event.local = anyAddress;
    event.peer = SocketAddress();
    QTest::newRow("listening") << event << "•"
                               << ""
                               << "" << QVariant() << "listening on 0.0.0.0:1337";

    event.type = EventType::Stopped;
    QTest::newRow("stopped") << event << "•"
                             << ""
                             << "" << QVariant() << "stopped listening on 0.0.0.0:1337";

    event.kind = SessionKind::Udp;
    event.type = EventType::Listening;
    QTest::newRow("udp bound") << event << "•"
                               << ""
                               << "" << QVariant() << "bound to 0.0.0.0:1337";

    QTest::newRow("accepted") << makeEvent(EventType::Accepted) << "•"
                              << "#1"
                              << "127.0.0.1:54321" << QVariant() << "accepted 127.0.0.1:54321";

    event = makeEvent(EventType::Connecting);
    event.kind = SessionKind::TcpClient;
    event.connection = 0;
    event.local = SocketAddress();
    event.peer = serverAddress;
    QTest::newRow("connecting") << event << "•"
                                << ""
                                << "127.0.0.1:1337" << QVariant() << "connecting to 127.0.0.1:1337";

    event.type = EventType::Connected;
    event.local = clientAddress;
    QTest::newRow("connected") << event << "•"
                               << ""
                               << "127.0.0.1:1337" << QVariant()
                               << "connected to 127.0.0.1:1337 from 127.0.0.1:54321";

    QTest::newRow("eof") << makeEvent(EventType::Eof) << "•"
                         << "#1"
                         << "127.0.0.1:54321" << QVariant() << "peer finished sending (FIN)";

    const auto closed = [](ClosedBy by, bool reset) {
        TrafficEvent event = makeEvent(EventType::Closed);
        event.closedBy = by;
        event.reset = reset;
        return event;
    };
    QTest::newRow("closed by peer") << closed(ClosedBy::Peer, false) << "•"
                                    << "#1"
                                    << "127.0.0.1:54321" << QVariant() << "closed by peer";
    QTest::newRow("reset by peer") << closed(ClosedBy::Peer, true) << "•"
                                   << "#1"
                                   << "127.0.0.1:54321" << QVariant() << "reset by peer (RST)";
    QTest::newRow("closed") << closed(ClosedBy::Local, false) << "•"
                            << "#1"
                            << "127.0.0.1:54321" << QVariant() << "closed";
    QTest::newRow("aborted") << closed(ClosedBy::Local, true) << "•"
                             << "#1"
                             << "127.0.0.1:54321" << QVariant() << "aborted (RST sent)";

    event = makeEvent(EventType::Error);
    event.kind = SessionKind::TcpClient;
    event.connection = 0;
    event.local = SocketAddress();
    event.peer = SocketAddress{QHostAddress(QStringLiteral("::1")), 1};
    event.message = QStringLiteral("connection refused: nothing is listening on [::1]:1");
    QTest::newRow("error, ipv6 peer")
        << event << "•"
        << ""
        << "[::1]:1" << QVariant() << "connection refused: nothing is listening on [::1]:1";

    event = makeEvent(EventType::Note);
    event.message = QStringLiteral("greeting sent on accept");
    QTest::newRow("note") << event << "•"
                          << "#1"
                          << "127.0.0.1:54321" << QVariant() << "greeting sent on accept";
}

void tst_TrafficLogModel::columns()
{
    QFETCH(TrafficEvent, event);
    QFETCH(QString, direction);
    QFETCH(QString, connection);
    QFETCH(QString, peer);
    QFETCH(QVariant, size);
    QFETCH(QString, data);

    TrafficLogModel model;
    QAbstractItemModelTester tester(&model);
    model.append(event);
    model.flush();

    QCOMPARE(model.index(0, TrafficLogModel::Direction).data().toString(), direction);
    QCOMPARE(model.index(0, TrafficLogModel::Connection).data().toString(), connection);
    QCOMPARE(model.index(0, TrafficLogModel::Peer).data().toString(), peer);
    QCOMPARE(model.index(0, TrafficLogModel::Size).data(), size);
    QCOMPARE(model.index(0, TrafficLogModel::Data).data().toString(), data);
    QCOMPARE(model.index(0, TrafficLogModel::Data).data(Qt::ToolTipRole).toString(), data);
}

void tst_TrafficLogModel::timeIsLocal()
{
    TrafficLogModel model;
    QAbstractItemModelTester tester(&model);
    TrafficEvent event = makeEvent(EventType::Eof);
    event.msecsSinceEpoch = QDateTime(QDate(2026, 11, 24), QTime(19, 5, 1, 123), Qt::LocalTime)
                                .toMSecsSinceEpoch();
    model.append(event);
    model.flush();

    QCOMPARE(model.index(0, TrafficLogModel::Time).data().toString(), "19:05:01.123");
}

void tst_TrafficLogModel::roles()
{
    TrafficLogModel model;
    QAbstractItemModelTester tester(&model);
    TrafficEvent event = makeEvent(EventType::Received, QByteArrayLiteral("\x00\xff"));
    event.session = 4;
    event.connection = 3;
    event.kind = SessionKind::TcpServer;
    event.msecsSinceEpoch = 1234;
    model.append(event);
    model.flush();

    for (int column = 0; column < model.columnCount(); ++column) {
        const QModelIndex index = model.index(0, column);
        QCOMPARE(index.data(TrafficLogModel::EventTypeRole).toInt(), int(EventType::Received));
        QCOMPARE(index.data(TrafficLogModel::SessionRole).toInt(), 4);
        QCOMPARE(index.data(TrafficLogModel::SessionKindRole).toInt(), int(SessionKind::TcpServer));
        QCOMPARE(index.data(TrafficLogModel::ConnectionRole).toInt(), 3);
        QCOMPARE(index.data(TrafficLogModel::PayloadRole).toByteArray(), event.payload);
        QCOMPARE(index.data(TrafficLogModel::TimeRole).toLongLong(), qint64(1234));
        QCOMPARE(index.data(Qt::ToolTipRole).isValid(), column == TrafficLogModel::Data);
    }
    QCOMPARE(model.index(0, TrafficLogModel::Size).data(Qt::TextAlignmentRole).toInt(),
             int(Qt::AlignRight | Qt::AlignVCenter));
}

void tst_TrafficLogModel::payloadSpareCapacityIsReleased()
{
    TrafficLogModel model;
    QAbstractItemModelTester tester(&model);
    // A session that reads with recv(65536) into a buffer and truncates it to what came.
    QByteArray buffer(65536, 'x');
    buffer.truncate(64);
    QVERIFY(buffer.capacity() >= 65536);
    model.append(makeEvent(EventType::Received, buffer));
    model.flush();

    QCOMPARE(model.eventAt(0).payload, QByteArray(64, 'x'));
    QVERIFY(model.eventAt(0).payload.capacity() < 1024);
}

void tst_TrafficLogModel::tightPayloadIsShared()
{
    TrafficLogModel model;
    QAbstractItemModelTester tester(&model);
    const QByteArray payload(64, 'x');
    model.append(makeEvent(EventType::Received, payload));
    model.flush();

    QCOMPARE(model.eventAt(0).payload.constData(), payload.constData()); // not copied
}

void tst_TrafficLogModel::appendFromRowSignalWaitsForNextFlush()
{
    TrafficLogModel model;
    QAbstractItemModelTester tester(&model);
    model.setRowBudget(3);
    qint64 next = 0;
    appendNumbered(model, next, 3);
    model.flush();
    // A slot that logs a note for each insert, between the insert and the trim.
    connect(&model,
            &QAbstractItemModel::rowsInserted,
            &model,
            [&model, &next](const QModelIndex &, int, int last) {
                if (model.eventAt(last).type != EventType::Received)
                    return;
                TrafficEvent note = makeEvent(EventType::Note);
                note.msecsSinceEpoch = next++;
                model.append(note);
            });
    QSignalSpy removed(&model, &QAbstractItemModel::rowsRemoved);
    QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);

    appendNumbered(model, next, 4); // over the cap: flushed by append()

    QCOMPARE(inserted.count(), 1);
    QCOMPARE(removed.count(), 1);
    QCOMPARE(model.rowCount(), 3);
    QCOMPARE(model.eventAt(0).msecsSinceEpoch, qint64(4));
    QTRY_COMPARE(inserted.count(), 2); // the note, by the timer
    QCOMPARE(model.rowCount(), 3);
    QCOMPARE(model.eventAt(2).type, EventType::Note);
    QCOMPARE(model.eventAt(2).msecsSinceEpoch, qint64(7));
    QCOMPARE(model.totalEvents(), qint64(8));
    QCOMPARE(model.trimmedRows(), qint64(5));
}

QTEST_GUILESS_MAIN(tst_TrafficLogModel)
#include "tst_trafficlogmodel.moc"

#include "trafficlogfilter.h"
#include "trafficlogmodel.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTest>

namespace {

TrafficEvent eventOn(int connection)
{
    TrafficEvent event;
    event.session = 1;
    event.connection = connection;
    event.kind = SessionKind::TcpServer;
    event.type = connection == 0 ? EventType::Listening : EventType::Received;
    event.payload = QByteArray::number(connection);
    return event;
}

// Source rows on connections 0 (the server's own), 1, 2, 1, 3, 2.
void fill(TrafficLogModel &model)
{
    for (int connection : {0, 1, 2, 1, 3, 2})
        model.append(eventOn(connection));
    model.flush();
}

QList<int> shownConnections(const TrafficLogFilter &filter)
{
    QList<int> connections;
    for (int row = 0; row < filter.rowCount(); ++row)
        connections.append(filter.index(row, 0).data(TrafficLogModel::ConnectionRole).toInt());
    return connections;
}

} // namespace

class tst_TrafficLogFilter : public QObject
{
    Q_OBJECT

private slots:
    void filter_data();
    void filter();
    void newRowsAreFiltered();
    void interleavedConnectionsFilterInOnePass();
    void trimmedRowsLeave();
    void sameSelectionChangesNothing();
    void displayModeSwitchKeepsRows();
};

void tst_TrafficLogFilter::filter_data()
{
    QTest::addColumn<QList<int>>("selected");
    QTest::addColumn<QList<int>>("shown");

    QTest::newRow("none selected shows all") << QList<int>{} << QList<int>{0, 1, 2, 1, 3, 2};
    QTest::newRow("one connection") << QList<int>{1} << QList<int>{1, 1};
    QTest::newRow("two connections") << QList<int>{2, 3} << QList<int>{2, 3, 2};
    QTest::newRow("server rows are id 0") << QList<int>{0, 3} << QList<int>{0, 3};
    QTest::newRow("unknown connection") << QList<int>{9} << QList<int>{};
}

void tst_TrafficLogFilter::filter()
{
    QFETCH(QList<int>, selected);
    QFETCH(QList<int>, shown);

    TrafficLogModel model;
    fill(model);
    TrafficLogFilter filter;
    filter.setSourceModel(&model);
    QAbstractItemModelTester tester(&filter);

    filter.setConnections(QSet<int>(selected.cbegin(), selected.cend()));

    QCOMPARE(shownConnections(filter), shown);
    QCOMPARE(filter.connections(), QSet<int>(selected.cbegin(), selected.cend()));
}

void tst_TrafficLogFilter::newRowsAreFiltered()
{
    TrafficLogModel model;
    TrafficLogFilter filter;
    filter.setSourceModel(&model);
    QAbstractItemModelTester tester(&filter);
    filter.setConnections({2});
    fill(model);
    QCOMPARE(shownConnections(filter), (QList<int>{2, 2}));

    model.append(eventOn(1));
    model.append(eventOn(2));
    QTRY_COMPARE(model.rowCount(), 8); // the flush timer

    QCOMPARE(shownConnections(filter), (QList<int>{2, 2, 2}));
}

void tst_TrafficLogFilter::interleavedConnectionsFilterInOnePass()
{
    // A class's reads interleave. Filtering them must not remove each run of rows between
    // two kept ones on its own: that was quadratic (1.8 s for 100,000 rows, minutes for a
    // million; tests/bench/bench_logview). One layout change instead.
    TrafficLogModel model;
    for (int i = 0; i < 1000; ++i)
        model.append(eventOn(1 + i % 10));
    model.flush();
    TrafficLogFilter filter;
    filter.setSourceModel(&model);
    QAbstractItemModelTester tester(&filter);
    QSignalSpy removed(&filter, &QAbstractItemModel::rowsRemoved);
    QSignalSpy inserted(&filter, &QAbstractItemModel::rowsInserted);
    QSignalSpy relaidOut(&filter, &QAbstractItemModel::layoutChanged);

    filter.setConnections({3});
    QCOMPARE(filter.rowCount(), 100);
    QCOMPARE(removed.count(), 0);
    QCOMPARE(relaidOut.count(), 1);

    filter.setConnections({});
    QCOMPARE(filter.rowCount(), 1000);
    QCOMPARE(inserted.count(), 0);
    QCOMPARE(relaidOut.count(), 2);
}

void tst_TrafficLogFilter::trimmedRowsLeave()
{
    TrafficLogModel model;
    TrafficLogFilter filter;
    filter.setSourceModel(&model);
    QAbstractItemModelTester tester(&filter);
    filter.setConnections({1, 2});
    fill(model);

    model.setRowBudget(3); // keeps 1, 3, 2

    QCOMPARE(shownConnections(filter), (QList<int>{1, 2}));
}

void tst_TrafficLogFilter::sameSelectionChangesNothing()
{
    TrafficLogModel model;
    fill(model);
    TrafficLogFilter filter;
    filter.setSourceModel(&model);
    QAbstractItemModelTester tester(&filter);
    filter.setConnections({1, 2});
    QSignalSpy removed(&filter, &QAbstractItemModel::rowsRemoved);
    QSignalSpy inserted(&filter, &QAbstractItemModel::rowsInserted);
    QSignalSpy layoutChanged(&filter, &QAbstractItemModel::layoutChanged);
    QSignalSpy reset(&filter, &QAbstractItemModel::modelReset);

    filter.setConnections({2, 1});

    QCOMPARE(removed.count() + inserted.count() + layoutChanged.count() + reset.count(), 0);
}

void tst_TrafficLogFilter::displayModeSwitchKeepsRows()
{
    TrafficLogModel model;
    fill(model);
    TrafficLogFilter filter;
    filter.setSourceModel(&model);
    QAbstractItemModelTester tester(&filter);
    filter.setConnections({1});
    QSignalSpy changed(&filter, &QAbstractItemModel::dataChanged);

    model.setDisplayMode(DisplayMode::Hex);

    QVERIFY(changed.count() > 0);
    QCOMPARE(shownConnections(filter), (QList<int>{1, 1}));
    QCOMPARE(filter.index(0, TrafficLogModel::Data).data().toString(), "31");
}

QTEST_GUILESS_MAIN(tst_TrafficLogFilter)
#include "tst_trafficlogfilter.moc"

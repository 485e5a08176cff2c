#include "countlabel.h"
#include "monospacefont.h"
#include "trafficlogdelegate.h"
#include "trafficlogmodel.h"
#include "trafficlogview.h"

#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QComboBox>
#include <QFile>
#include <QHeaderView>
#include <QHelpEvent>
#include <QLabel>
#include <QMenu>
#include <QScrollBar>
#include <QSignalSpy>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>
#include <QToolTip>

namespace {

const SocketAddress serverAddress{QHostAddress(QStringLiteral("127.0.0.1")), 1337};
const SocketAddress clientAddress{QHostAddress(QStringLiteral("127.0.0.1")), 54321};

TrafficEvent makeEvent(EventType type, const QByteArray &payload = QByteArray(), int connection = 1)
{
    TrafficEvent event;
    event.msecsSinceEpoch = currentEventTime();
    event.session = 1;
    event.connection = connection;
    event.kind = SessionKind::TcpServer;
    event.type = type;
    event.local = serverAddress;
    event.peer = clientAddress;
    event.payload = payload;
    return event;
}

// What a row's cells show, joined as Copy joins them.
QString rowText(const QAbstractItemModel *model, int row)
{
    QStringList fields;
    for (int column = 0; column < model->columnCount(); ++column)
        fields.append(model->index(row, column).data().toString());
    return fields.join(u'\t');
}

// Calls the delegate's protected initStyleOption(), as paint() does.
class DelegateProbe : public TrafficLogDelegate
{
public:
    using TrafficLogDelegate::initStyleOption;
};

} // namespace

class tst_TrafficLogView : public QObject
{
    Q_OBJECT

private slots:
    void tableIsSetUpForMillionsOfRows();
    void rowsAppearAfterTheModelFlushes();
    void displayModeComboSwitchesTheModel();
    void followsNewRowsOnlyAtTheBottom();
    void trimmedMarker();
    void trimmingKeepsTheReadersPlace();
    void copyPutsSelectedRowsOnClipboard();
    void copyHasTheWholePayload();
    void ctrlCBeatsAWindowShortcut();
    void exportCsv();
    void exportText();
    void exportFailureSaysWhy();
    void connectionFilterHidesOtherConnections();
    void receivedHtmlIsShownLiterally();
    void dataCellsLayOutOnlyWhatFits();
    void textForWidthEdges();
    void sentAndReceivedHaveTheirOwnColours();
    void activationAndCurrentEvent();
    void contextMenuHasCopyThenRowActions();
    void biggerFontMakesTallerRows();
};

void tst_TrafficLogView::tableIsSetUpForMillionsOfRows()
{
    TrafficLogModel model;
    TrafficLogView view(&model);
    QTableView *table = view.tableView();
    QCOMPARE(table->verticalHeader()->sectionResizeMode(0), QHeaderView::Fixed);
    QVERIFY(table->verticalHeader()->isHidden());
    QVERIFY(table->verticalHeader()->defaultSectionSize() >= view.fontMetrics().height());
    QVERIFY(table->horizontalHeader()->stretchLastSection());
    for (int column = 0; column < model.columnCount(); ++column)
        QCOMPARE(table->horizontalHeader()->sectionResizeMode(column), QHeaderView::Interactive);
    QVERIFY(!table->wordWrap());
    QVERIFY(table->alternatingRowColors());
    QCOMPARE(table->selectionBehavior(), QAbstractItemView::SelectRows);
    QCOMPARE(table->selectionMode(), QAbstractItemView::ExtendedSelection);
    // The Time column fits a time.
    QVERIFY(table->columnWidth(TrafficLogModel::Time)
            > view.fontMetrics().horizontalAdvance(QStringLiteral("00:00:00.000")));
}

void tst_TrafficLogView::rowsAppearAfterTheModelFlushes()
{
    TrafficLogModel model;
    TrafficLogView view(&model);
    const QAbstractItemModel *shown = view.tableView()->model();
    model.append(makeEvent(EventType::Received, "one"));
    model.append(makeEvent(EventType::Sent, "two"));
    QCOMPARE(shown->rowCount(), 0); // queued until the flush
    model.flush();
    QCOMPARE(shown->rowCount(), 2);
    QCOMPARE(shown->index(1, TrafficLogModel::Data).data().toString(), QStringLiteral("b'two'"));

    // The model's own timer flushes too.
    model.append(makeEvent(EventType::Received, "three"));
    QTRY_COMPARE(shown->rowCount(), 3);
}

void tst_TrafficLogView::displayModeComboSwitchesTheModel()
{
    TrafficLogModel model;
    TrafficLogView view(&model);
    auto box = view.findChild<QComboBox *>(QStringLiteral("displayModeBox"));
    QVERIFY(box);
    QCOMPARE(DisplayMode(box->currentData().toInt()), DisplayMode::PythonBytes);
    QCOMPARE(view.displayMode(), DisplayMode::PythonBytes);

    model.append(makeEvent(EventType::Received, "Hi\n"));
    model.flush();
    const QModelIndex data = view.tableView()->model()->index(0, TrafficLogModel::Data);
    QCOMPARE(data.data().toString(), QStringLiteral("b'Hi\\n'"));

    box->setCurrentIndex(box->findData(int(DisplayMode::Hex)));
    QCOMPARE(model.displayMode(), DisplayMode::Hex);
    QCOMPARE(data.data().toString(), QStringLiteral("48 69 0a"));

    // And the other way: the combo follows the model.
    model.setDisplayMode(DisplayMode::Text);
    QCOMPARE(DisplayMode(box->currentData().toInt()), DisplayMode::Text);
    view.setDisplayMode(DisplayMode::PythonBytes);
    QCOMPARE(DisplayMode(box->currentData().toInt()), DisplayMode::PythonBytes);
    QCOMPARE(model.displayMode(), DisplayMode::PythonBytes);
}

void tst_TrafficLogView::followsNewRowsOnlyAtTheBottom()
{
    TrafficLogModel model;
    TrafficLogView view(&model);
    view.setFixedSize(600, 300);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    QScrollBar *scrollBar = view.tableView()->verticalScrollBar();
    auto scrollTimer = view.findChild<QTimer *>(QStringLiteral("scrollTimer"));
    QVERIFY(scrollTimer);

    const auto appendRows = [&model](int count) {
        for (int i = 0; i < count; ++i)
            model.append(makeEvent(EventType::Received, QByteArray::number(i)));
        model.flush();
    };

    appendRows(200);
    QTRY_VERIFY(scrollBar->maximum() > 0);
    QTRY_COMPARE(scrollBar->value(), scrollBar->maximum());

    // The user scrolls up to read: new rows must not pull the view away.
    scrollBar->triggerAction(QAbstractSlider::SliderPageStepSub);
    const int readingAt = scrollBar->value();
    QVERIFY(readingAt < scrollBar->maximum());
    const int maximumBefore = scrollBar->maximum();
    appendRows(50);
    QTRY_VERIFY(scrollBar->maximum() > maximumBefore);
    QVERIFY(!scrollTimer->isActive()); // no scroll is on its way
    QCOMPARE(scrollBar->value(), readingAt);

    // Back at the bottom, it follows again, in the same pass as the rows come (so the rows
    // and the scroll are painted once, together), with no later scroll left to do.
    scrollBar->triggerAction(QAbstractSlider::SliderToMaximum);
    const int maximumAtBottom = scrollBar->maximum();
    appendRows(50);
    QVERIFY(scrollBar->maximum() > maximumAtBottom);
    QCOMPARE(scrollBar->value(), scrollBar->maximum());
    QVERIFY(!scrollTimer->isActive());

    // Over the row budget, a flush inserts and then trims: still at the bottom at once, the
    // last row shown, and no second scroll 10 ms later.
    model.setRowBudget(300);
    QCOMPARE(model.rowCount(), 300);
    QVERIFY(!scrollTimer->isActive());
    appendRows(40);
    QCOMPARE(model.rowCount(), 300);
    QCoreApplication::processEvents(); // the table's own delayed layout, if any is left
    QCOMPARE(scrollBar->value(), scrollBar->maximum());
    QVERIFY(!scrollTimer->isActive());
    const QRect viewport = view.tableView()->viewport()->rect();
    const QModelIndex last = view.tableView()->model()->index(299, 0);
    QVERIFY(viewport.contains(view.tableView()->visualRect(last).center()));
}

void tst_TrafficLogView::trimmedMarker()
{
    TrafficLogModel model;
    model.setRowBudget(10);
    TrafficLogView view(&model);
    view.show();
    // A CountLabel: the count changes at every flush of a flood without laying out the
    // window again (tst_countlabel).
    auto label = view.findChild<CountLabel *>(QStringLiteral("trimmedLabel"));
    QVERIFY(label);
    QVERIFY(!label->isVisible());

    for (int i = 0; i < 11; ++i)
        model.append(makeEvent(EventType::Received, "x"));
    model.flush();
    QVERIFY(label->isVisible());
    QCOMPARE(label->text(), QStringLiteral("1 older row trimmed"));

    for (int i = 0; i < 4; ++i)
        model.append(makeEvent(EventType::Received, "x"));
    model.flush();
    QCOMPARE(label->text(), QStringLiteral("5 older rows trimmed"));
    QVERIFY(!label->toolTip().isEmpty());

    model.clear();
    QVERIFY(!label->isVisible());
}

void tst_TrafficLogView::trimmingKeepsTheReadersPlace()
{
    // The row budget drops the oldest rows up to 20 times a second; a reader scrolled up
    // must keep the rows they read, not see them slide away.
    TrafficLogModel model;
    model.setRowBudget(100);
    TrafficLogView view(&model);
    view.setFixedSize(600, 300);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    QTableView *table = view.tableView();
    QScrollBar *scrollBar = table->verticalScrollBar();
    int next = 0;
    const auto appendRows = [&model, &next](int count) {
        for (int i = 0; i < count; ++i)
            model.append(makeEvent(EventType::Received, QByteArray::number(next++)));
        model.flush();
    };
    // The payload of the row at the top of the view.
    const auto topRow = [table] {
        return table->indexAt(QPoint(1, 1)).siblingAtColumn(TrafficLogModel::Data).data().toString();
    };

    appendRows(100);
    QTRY_VERIFY(scrollBar->maximum() > 0);
    QTRY_COMPARE(scrollBar->value(), scrollBar->maximum());
    scrollBar->setValue(scrollBar->maximum() / 2);
    const int readingAt = scrollBar->value();
    QVERIFY(readingAt > 20);
    const QString reading = topRow();
    QVERIFY(!reading.isEmpty());

    appendRows(10);
    QCOMPARE(model.trimmedRows(), 10);
    QCOMPARE(scrollBar->value(), readingAt - 10);
    QTRY_COMPARE(topRow(), reading);

    // Rows trimmed past the top one: the reader stays at the oldest row left.
    appendRows(90);
    QCOMPARE(scrollBar->value(), 0);
    QVERIFY(scrollBar->value() < scrollBar->maximum());

    // Following the bottom, trimming leaves the view at the bottom.
    scrollBar->triggerAction(QAbstractSlider::SliderToMaximum);
    appendRows(10);
    QTRY_COMPARE(scrollBar->value(), scrollBar->maximum());
    QTRY_COMPARE(table->model()
                     ->index(table->model()->rowCount() - 1, TrafficLogModel::Data)
                     .data()
                     .toString(),
                 QStringLiteral("b'209'"));
}

void tst_TrafficLogView::copyPutsSelectedRowsOnClipboard()
{
    TrafficLogModel model;
    TrafficLogView view(&model);
    view.resize(800, 300);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    model.append(makeEvent(EventType::Received, "hello"));
    model.append(makeEvent(EventType::Sent, "not this one"));
    model.append(makeEvent(EventType::Received, "tab\there"));
    model.flush();

    QTableView *table = view.tableView();
    const QAbstractItemModel *shown = table->model();
    const auto rowCenter = [table](int row) {
        return table->visualRect(table->model()->index(row, TrafficLogModel::Data)).center();
    };
    QTest::mouseClick(table->viewport(), Qt::LeftButton, Qt::NoModifier, rowCenter(2));
    QTest::mouseClick(table->viewport(), Qt::LeftButton, Qt::ControlModifier, rowCenter(0));
    QCOMPARE(table->selectionModel()->selectedRows().size(), 2);

    QApplication::clipboard()->clear();
    QTest::keyClick(table, Qt::Key_C, Qt::ControlModifier);
    const QString expected = rowText(shown, 0) + u'\n' + rowText(shown, 2) + u'\n';
    QCOMPARE(QApplication::clipboard()->text(), expected);
    QCOMPARE(view.selectedRowsText(), expected);
    QVERIFY(expected.contains(QLatin1String("b'tab\\there'")));
    QVERIFY(expected.contains(QStringLiteral("\t←\t#1\t127.0.0.1:54321\t5\tb'hello'\n")));
}

void tst_TrafficLogView::copyHasTheWholePayload()
{
    TrafficLogModel model;
    model.setDisplayMode(DisplayMode::Text);
    TrafficLogView view(&model);
    const QByteArray big(5000, 'a');
    model.append(makeEvent(EventType::Received, big));
    model.flush();
    // The cell is cut short; the copy is not.
    QVERIFY(view.tableView()->model()->index(0, TrafficLogModel::Data).data().toString().size()
            < big.size());
    view.tableView()->selectAll();
    QVERIFY(view.selectedRowsText().contains(QString::fromLatin1(big) + u'\n'));
}

void tst_TrafficLogView::ctrlCBeatsAWindowShortcut()
{
    // Two logs side by side, and the window's own Copy: Ctrl+C copies the focused log's rows.
    QWidget window;
    TrafficLogModel model;
    auto view = new TrafficLogView(&model, &window);
    auto other = new TrafficLogView(&model, &window);
    view->setGeometry(0, 0, 400, 200);
    other->setGeometry(0, 200, 400, 200);
    QAction windowCopy(&window);
    windowCopy.setShortcut(QKeySequence::Copy);
    window.addAction(&windowCopy);
    window.show();
    QVERIFY(QTest::qWaitForWindowActive(&window));
    model.append(makeEvent(EventType::Received, "hello"));
    model.flush();
    view->tableView()->setFocus();
    view->tableView()->selectRow(0);
    QSignalSpy triggered(&windowCopy, &QAction::triggered);

    QApplication::clipboard()->clear();
    QTest::keyClick(view->tableView(), Qt::Key_C, Qt::ControlModifier);
    QCOMPARE(triggered.count(), 0);
    QCOMPARE(QApplication::clipboard()->text(), view->selectedRowsText());
    QVERIFY(QApplication::clipboard()->text().contains(QLatin1String("b'hello'")));
}

void tst_TrafficLogView::exportCsv()
{
    TrafficLogModel model;
    TrafficLogView view(&model);
    model.append(makeEvent(EventType::Received, "say \"hi\", ok"));
    model.append(makeEvent(EventType::Sent, "line\r\n"));
    // Queued, not yet flushed: an export still has it.
    model.append(makeEvent(EventType::Eof));

    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString fileName = dir.filePath(QStringLiteral("log.csv"));
    QString error;
    QVERIFY2(view.exportTo(fileName, true, &error), qPrintable(error));
    QFile file(fileName);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QString text = QString::fromUtf8(file.readAll());
    QVERIFY(text.endsWith(QLatin1String("\r\n")));
    const QStringList lines = text.chopped(2).split(QStringLiteral("\r\n"));
    QCOMPARE(lines.size(), 4);
    QCOMPARE(lines.at(0),
             QStringLiteral("\"Time\",\"Direction\",\"Connection\",\"Peer\",\"Size\",\"Data\""));
    QVERIFY2(lines.at(1).endsWith(QStringLiteral(
                 ",\"←\",\"#1\",\"127.0.0.1:54321\",\"12\",\"b'say \"\"hi\"\", ok'\"")),
             qPrintable(lines.at(1)));
    QVERIFY2(lines.at(2).endsWith(QStringLiteral(",\"→\",\"#1\",\"127.0.0.1:54321\",\"6\","
                                                 "\"b'line\\r\\n'\"")),
             qPrintable(lines.at(2)));
    QVERIFY2(lines.at(3).endsWith(QStringLiteral(",\"\",\"peer finished sending (FIN)\"")),
             qPrintable(lines.at(3)));
}

void tst_TrafficLogView::exportText()
{
    TrafficLogModel model;
    model.setDisplayMode(DisplayMode::Hex);
    TrafficLogView view(&model);
    view.tableView()->hideColumn(TrafficLogModel::Connection); // a client panel's choice
    model.append(makeEvent(EventType::Received, "Hi"));
    model.flush();

    QTemporaryDir dir;
    const QString fileName = dir.filePath(QStringLiteral("log.txt"));
    QString error;
    QVERIFY2(view.exportTo(fileName, false, &error), qPrintable(error));
    QFile file(fileName);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QStringList lines = QString::fromUtf8(file.readAll()).split(u'\n');
    QCOMPARE(lines.size(), 3); // header, row, and the empty piece after the last newline
    QCOMPARE(lines.at(0), QStringLiteral("Time\tDirection\tPeer\tSize\tData"));
    QVERIFY2(lines.at(1).endsWith(QStringLiteral("\t←\t127.0.0.1:54321\t2\t48 69")),
             qPrintable(lines.at(1)));
}

void tst_TrafficLogView::exportFailureSaysWhy()
{
    TrafficLogModel model;
    TrafficLogView view(&model);
    QTemporaryDir dir;
    const QString fileName = dir.filePath(QStringLiteral("no-such-folder/log.csv"));
    QString error;
    QVERIFY(!view.exportTo(fileName, true, &error));
    QVERIFY2(error.contains(QLatin1String("no-such-folder")), qPrintable(error));
    QVERIFY(!QFile::exists(fileName));
}

void tst_TrafficLogView::connectionFilterHidesOtherConnections()
{
    TrafficLogModel model;
    TrafficLogView view(&model);
    model.append(makeEvent(EventType::Received, "from one", 1));
    model.append(makeEvent(EventType::Received, "from two", 2));
    model.append(makeEvent(EventType::Listening, QByteArray(), 0));
    model.flush();
    const QAbstractItemModel *shown = view.tableView()->model();
    QCOMPARE(shown->rowCount(), 3);

    view.setConnectionFilter({2});
    QCOMPARE(shown->rowCount(), 1);
    QCOMPARE(shown->index(0, TrafficLogModel::Data).data().toString(),
             QStringLiteral("b'from two'"));
    // New rows go through the filter too.
    model.append(makeEvent(EventType::Received, "more from one", 1));
    model.append(makeEvent(EventType::Received, "more from two", 2));
    model.flush();
    QCOMPARE(shown->rowCount(), 2);

    view.setConnectionFilter({});
    QCOMPARE(shown->rowCount(), 5);
}

void tst_TrafficLogView::receivedHtmlIsShownLiterally()
{
    TrafficLogModel model;
    model.setDisplayMode(DisplayMode::Text);
    TrafficLogView view(&model);
    view.resize(600, 200);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    model.append(makeEvent(EventType::Received, "<b>x</b>"));
    model.flush();

    QTableView *table = view.tableView();
    const QModelIndex data = table->model()->index(0, TrafficLogModel::Data);
    QCOMPARE(data.data().toString(), QStringLiteral("<b>x</b>"));
    auto delegate = qobject_cast<QStyledItemDelegate *>(table->itemDelegate());
    QVERIFY(delegate);
    QCOMPARE(delegate->displayText(data.data(), QLocale()), QStringLiteral("<b>x</b>"));

    // QToolTip would take this for HTML; the delegate escapes it.
    const QString html = TrafficLogDelegate::plainToolTip(QStringLiteral("<b>x</b>"));
    QVERIFY(html.contains(QLatin1String("&lt;b&gt;x&lt;/b&gt;")));
    QVERIFY(!html.contains(QLatin1String("<b>")));
    const QPoint position = table->visualRect(data).center();
    QHelpEvent help(QEvent::ToolTip, position, table->viewport()->mapToGlobal(position));
    QApplication::sendEvent(table->viewport(), &help);
    QTRY_VERIFY(QToolTip::isVisible());
    QCOMPARE(QToolTip::text(), TrafficLogDelegate::plainToolTip(QStringLiteral("<b>x</b>")));
    QToolTip::hideText();
}

void tst_TrafficLogView::dataCellsLayOutOnlyWhatFits()
{
    TrafficLogModel model;
    model.append(makeEvent(EventType::Received, QByteArray(1000, 'a')));
    model.flush();
    const QModelIndex data = model.index(0, TrafficLogModel::Data);
    const QString full = data.data().toString();
    QVERIFY(full.size() > 500); // the model's cut for the column

    DelegateProbe delegate;
    delegate.setDataFont(monospaceFontLike(QApplication::font()));
    for (const int width : {1, 40, 200, 400}) {
        QStyleOptionViewItem option;
        option.rect = QRect(0, 0, width, 20);
        option.textElideMode = Qt::ElideRight; // the view's default
        delegate.initStyleOption(&option, data);
        QVERIFY2(option.text.size() < full.size() / 2, qPrintable(QString::number(width)));
        // What a cell shows is the same as with all of the text.
        QCOMPARE(option.fontMetrics.elidedText(option.text, Qt::ElideRight, width),
                 option.fontMetrics.elidedText(full, Qt::ElideRight, width));
    }
    // Size hints come with no width, and another elide mode shows another part of the
    // text: nothing is cut then.
    QStyleOptionViewItem option;
    option.textElideMode = Qt::ElideRight;
    delegate.initStyleOption(&option, data);
    QCOMPARE(option.text, full);
    option = QStyleOptionViewItem();
    option.rect = QRect(0, 0, 40, 20);
    option.textElideMode = Qt::ElideMiddle;
    delegate.initStyleOption(&option, data);
    QCOMPARE(option.text, full);
}

void tst_TrafficLogView::textForWidthEdges()
{
    const QFontMetrics metrics(monospaceFontLike(QApplication::font()));
    const QString ascii(500, u'x');
    QCOMPARE(TrafficLogDelegate::textForWidth(ascii, metrics, 0), ascii);
    QCOMPARE(TrafficLogDelegate::textForWidth(QStringLiteral("short"), metrics, 10),
             QStringLiteral("short"));
    const QString cut = TrafficLogDelegate::textForWidth(ascii, metrics, 100);
    QVERIFY(cut.size() < ascii.size());
    QVERIFY(cut.endsWith(QChar(0x2026)));
    QVERIFY(ascii.startsWith(cut.chopped(1)));

    // Zero-width marks may all fit once cut: the ellipsis still says there was more.
    const QString marks = u'a' + QString(500, QChar(0x0301));
    QVERIFY(TrafficLogDelegate::textForWidth(marks, metrics, 100).endsWith(QChar(0x2026)));

    // A character outside the BMP is never split into half a surrogate pair.
    QString emoji;
    for (int i = 0; i < 300; ++i)
        emoji += QString::fromUcs4(U"\U0001F600");
    for (int width = 50; width < 70; ++width) {
        const QString text = TrafficLogDelegate::textForWidth(emoji, metrics, width);
        QVERIFY(!text.chopped(1).back().isHighSurrogate());
        QVERIFY(text.chopped(1).back().isLowSurrogate());
    }
}

void tst_TrafficLogView::sentAndReceivedHaveTheirOwnColours()
{
    // Colour is the second cue; the arrows are the first (and work without colour).
    TrafficLogModel model;
    model.append(makeEvent(EventType::Sent, "a"));
    model.append(makeEvent(EventType::Received, "a"));
    model.flush();
    QCOMPARE(model.index(0, TrafficLogModel::Direction).data().toString(), QStringLiteral("→"));
    QCOMPARE(model.index(1, TrafficLogModel::Direction).data().toString(), QStringLiteral("←"));

    for (const QPalette &palette : {QPalette(Qt::white), QPalette(Qt::black)}) {
        const QColor sent = TrafficLogDelegate::colorFor(EventType::Sent, palette);
        const QColor received = TrafficLogDelegate::colorFor(EventType::Received, palette);
        QVERIFY(sent.isValid());
        QVERIFY(received.isValid());
        QVERIFY(sent != received);
    }
    QVERIFY(!TrafficLogDelegate::colorFor(EventType::Accepted, QPalette()).isValid());
}

void tst_TrafficLogView::activationAndCurrentEvent()
{
    qRegisterMetaType<TrafficEvent>();
    TrafficLogModel model;
    TrafficLogView view(&model);
    view.resize(600, 200);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    model.append(makeEvent(EventType::Received, "first"));
    model.append(makeEvent(EventType::Received, "second", 2));
    model.flush();
    QSignalSpy activated(&view, &TrafficLogView::eventActivated);
    QSignalSpy currentChanged(&view, &TrafficLogView::currentEventChanged);
    QVERIFY(!view.currentEvent(nullptr));

    QTableView *table = view.tableView();
    const QPoint second = table->visualRect(table->model()->index(1, 0)).center();
    QTest::mouseClick(table->viewport(), Qt::LeftButton, Qt::NoModifier, second);
    QCOMPARE(currentChanged.count(), 1);
    TrafficEvent event;
    QVERIFY(view.currentEvent(&event));
    QCOMPARE(event.payload, QByteArray("second"));
    QCOMPARE(event.connection, 2);

    QTest::mouseDClick(table->viewport(), Qt::LeftButton, Qt::NoModifier, second);
    QCOMPARE(activated.count(), 1);
    QCOMPARE(activated.at(0).at(0).value<TrafficEvent>().payload, QByteArray("second"));

    QTest::keyClick(table, Qt::Key_Up);
    QCOMPARE(currentChanged.count(), 2);
    QTest::keyClick(table, Qt::Key_Return);
    QCOMPARE(activated.count(), 2);
    QCOMPARE(activated.at(1).at(0).value<TrafficEvent>().payload, QByteArray("first"));

    // Clear leaves no current row, and says so.
    model.clear();
    QCOMPARE(currentChanged.count(), 3);
    QVERIFY(!view.currentEvent(&event));
}

void tst_TrafficLogView::contextMenuHasCopyThenRowActions()
{
    TrafficLogModel model;
    TrafficLogView view(&model);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    QAction reply(QStringLiteral("Reply to sender"));
    view.addRowAction(&reply);
    auto gone = new QAction(QStringLiteral("Gone"));
    view.addRowAction(gone);
    delete gone; // the panel's action went first: the menu must not touch it

    QStringList texts;
    QTimer::singleShot(0, &view, [&texts] {
        auto menu = qobject_cast<QMenu *>(QApplication::activePopupWidget());
        if (!menu)
            return;
        for (const QAction *action : menu->actions())
            texts.append(action->isSeparator() ? QStringLiteral("--") : action->text());
        menu->close();
    });
    emit view.tableView()->customContextMenuRequested(QPoint(5, 5));
    QCOMPARE(texts, (QStringList{QStringLiteral("Copy"), QStringLiteral("--"), reply.text()}));
}

void tst_TrafficLogView::biggerFontMakesTallerRows()
{
    TrafficLogModel model;
    TrafficLogView view(&model);
    const int before = view.tableView()->verticalHeader()->defaultSectionSize();
    QFont font = view.font();
    font.setPointSizeF(font.pointSizeF() * 2);
    view.setFont(font);
    QVERIFY(view.tableView()->verticalHeader()->defaultSectionSize() > before);
}

QTEST_MAIN(tst_TrafficLogView)

#include "tst_trafficlogview.moc"

#include "connectiontimeline.h"
#include "tcpclientsession.h"
#include "tcpconnection.h"
#include "tcpserversession.h"
#include "timelineview.h"

#include <QAbstractScrollArea>
#include <QApplication>
#include <QComboBox>
#include <QElapsedTimer>
#include <QHelpEvent>
#include <QLabel>
#include <QLocale>
#include <QScrollBar>
#include <QSignalSpy>
#include <QTest>
#include <QToolTip>

// The connection timeline's view: it follows its model, chooses a connection, scales for
// presentation mode, repaints at a steady rate under a flood, and renders readably.
class tst_TimelineView : public QObject
{
    Q_OBJECT

private slots:
    void hintWhenThereIsNothingToDraw();
    void followsTheModel();
    void switchingConnections();
    void followsTheEndOnlyAtTheBottom();
    void fontAndLineWidthScale();
    void noRepaintStormUnderAFlood();
    void rowTextNamesTheCall();
    void tooltipNamesTheLessonConcept();
    void rendersAServerConnection();
    void rendersAClientAFloodAndUdp();
    void rendersARealSession();
};

namespace {

SocketAddress address(const char *ip, quint16 port)
{
    return SocketAddress{QHostAddress(QLatin1String(ip)), port};
}

TrafficEvent serverEvent(EventType type, int connection = 1, const QByteArray &payload = {})
{
    TrafficEvent event;
    event.session = 1;
    event.kind = SessionKind::TcpServer;
    event.type = type;
    event.connection = connection;
    event.local = address("127.0.0.1", 1337);
    event.peer = address("127.0.0.1", quint16(54320 + connection));
    event.payload = payload;
    event.msecsSinceEpoch = 1764050701123;
    return event;
}

TrafficEvent at(TrafficEvent event, qint64 msecsLater)
{
    event.msecsSinceEpoch += msecsLater;
    return event;
}

TrafficEvent closedByPeer(int connection)
{
    TrafficEvent event = serverEvent(EventType::Closed, connection);
    event.closedBy = ClosedBy::Peer;
    return event;
}

// Waits until the model has announced everything fed so far.
bool settle(ConnectionTimeline &timeline)
{
    QSignalSpy spy(&timeline, &ConnectionTimeline::entriesChanged);
    return spy.wait();
}

// Renders the view to a PNG for a person to look at; not compared with anything.
QImage render(QWidget &view, const QString &path)
{
    const QImage image = view.grab().toImage();
    if (!image.save(path))
        qWarning("could not save %s", qPrintable(path));
    return image;
}

// What a student's lesson client does against the server: connect, send, read the echo,
// send again, close.
void feedLessonConnection(ConnectionTimeline &timeline, int connection, qint64 start)
{
    auto step = [&](EventType type, qint64 later, const QByteArray &payload = {}) {
        timeline.append(at(serverEvent(type, connection, payload), start + later));
    };
    step(EventType::Accepted, 0);
    step(EventType::Sent, 2, "Welcome to the lesson server\n");
    step(EventType::Received, 204, "Hello world!");
    step(EventType::Sent, 205, "Hello world!");
    step(EventType::Received,
         1830,
         "GET / HTTP/1.1\r\nHost: 127.0.0.1:1337\r\nUser-Agent: curl\r\n\r\n");
    step(EventType::Sent, 1831, "HTTP/1.0 200 OK\r\n\r\n");
    step(EventType::Received, 2950, QByteArray("\x00\x01\xff binary", 10));
    step(EventType::Eof, 3412);
    timeline.append(at(closedByPeer(connection), start + 3412));
}

} // namespace

void tst_TimelineView::hintWhenThereIsNothingToDraw()
{
    TimelineView view;
    QVERIFY(view.hintText().startsWith(QStringLiteral("No connection yet")));
    QCOMPARE(view.currentConnection(), -1);

    ConnectionTimeline timeline;
    view.setModel(&timeline);
    QVERIFY(view.hintText().startsWith(QStringLiteral("No connection yet")));
    QCOMPARE(view.rowCount(), 0);

    TrafficEvent bound;
    bound.kind = SessionKind::Udp;
    bound.type = EventType::Listening;
    timeline.append(bound);
    QVERIFY(view.hintText().startsWith(QStringLiteral("No datagram yet")));

    timeline.clear();
    timeline.append(serverEvent(EventType::Accepted, 1));
    QTRY_COMPARE(view.currentConnection(), 1);
    QVERIFY(view.hintText().isEmpty());

    // The connection drawn is dropped: the reader is asked to choose another.
    timeline.setMaxConnections(1);
    timeline.append(closedByPeer(1));
    timeline.append(serverEvent(EventType::Accepted, 2));
    QTRY_COMPARE(view.currentConnection(), -1);
    QCOMPARE(view.hintText(), QStringLiteral("Select a connection to see its timeline."));
    auto *dropped = view.findChild<QLabel *>(QStringLiteral("timelineDroppedLabel"));
    QVERIFY(dropped);
    QVERIFY(!dropped->isHidden());
    QVERIFY(dropped->text().startsWith(QStringLiteral("1 older")));

    view.setModel(nullptr);
    QVERIFY(view.hintText().startsWith(QStringLiteral("No connection yet")));

    // A model deleted with its session's tab leaves nothing stale behind.
    auto *owned = new ConnectionTimeline;
    owned->append(serverEvent(EventType::Accepted, 1));
    view.setModel(owned);
    QCOMPARE(view.currentConnection(), 1);
    delete owned;
    QCOMPARE(view.model(), nullptr);
    QCOMPARE(view.currentConnection(), -1);
    auto *box = view.findChild<QComboBox *>(QStringLiteral("timelineConnectionBox"));
    QCOMPARE(box->count(), 0);
    QVERIFY(view.hintText().startsWith(QStringLiteral("No connection yet")));
}

void tst_TimelineView::followsTheModel()
{
    ConnectionTimeline timeline;
    TimelineView view;
    view.setModel(&timeline);
    QSignalSpy currentChanged(&view, &TimelineView::currentConnectionChanged);

    timeline.append(serverEvent(EventType::Accepted, 1));
    QVERIFY(settle(timeline));
    // The first connection is chosen by itself: a handshake of three packets, accept().
    QCOMPARE(view.currentConnection(), 1);
    QCOMPARE(currentChanged.count(), 1);
    QCOMPARE(view.rowCount(), 4);

    timeline.append(serverEvent(EventType::Received, 1, "Hello world!"));
    timeline.append(serverEvent(EventType::Sent, 1, "Hello world!"));
    QVERIFY(settle(timeline));
    QCOMPARE(view.rowCount(), 6);

    auto *box = view.findChild<QComboBox *>(QStringLiteral("timelineConnectionBox"));
    QVERIFY(box);
    QCOMPARE(box->count(), 1);
    QCOMPARE(box->currentText(), QStringLiteral("#1 127.0.0.1:54321"));
    timeline.append(serverEvent(EventType::Eof, 1));
    timeline.append(closedByPeer(1));
    QTRY_COMPARE(box->currentText(), QStringLiteral("#1 127.0.0.1:54321 (closed)"));
    QCOMPARE(view.rowCount(), 8);
}

void tst_TimelineView::switchingConnections()
{
    ConnectionTimeline timeline;
    TimelineView view;
    view.setModel(&timeline);
    timeline.append(serverEvent(EventType::Accepted, 1));
    timeline.append(serverEvent(EventType::Accepted, 2));
    timeline.append(serverEvent(EventType::Received, 2, "two"));
    QVERIFY(settle(timeline));
    QCOMPARE(view.currentConnection(), 1);

    // A newer connection does not take the view from the one being read.
    timeline.append(serverEvent(EventType::Accepted, 3));
    QVERIFY(settle(timeline));
    QCOMPARE(view.currentConnection(), 1);
    auto *box = view.findChild<QComboBox *>(QStringLiteral("timelineConnectionBox"));
    QCOMPARE(box->count(), 3);

    QSignalSpy currentChanged(&view, &TimelineView::currentConnectionChanged);
    view.setConnection(2);
    QCOMPARE(view.currentConnection(), 2);
    QCOMPARE(box->currentText(), QStringLiteral("#2 127.0.0.1:54322"));
    QCOMPARE(view.rowCount(), 5);
    QCOMPARE(currentChanged.count(), 1);
    QCOMPARE(currentChanged.first().first().toInt(), 2);

    // Chosen in the combo box, as a reader does.
    box->setCurrentIndex(2);
    emit box->activated(2);
    QCOMPARE(view.currentConnection(), 3);
    QCOMPARE(view.rowCount(), 4);

    // Unknown keys choose nothing.
    view.setConnection(42);
    QCOMPARE(view.currentConnection(), -1);
    QCOMPARE(box->currentIndex(), -1);
    QCOMPARE(view.hintText(), QStringLiteral("Select a connection to see its timeline."));
}

void tst_TimelineView::followsTheEndOnlyAtTheBottom()
{
    ConnectionTimeline timeline;
    TimelineView view;
    view.setModel(&timeline);
    view.resize(500, 300);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    timeline.append(serverEvent(EventType::Accepted, 1));
    for (int i = 0; i < 50; ++i) {
        timeline.append(serverEvent(EventType::Received, 1, "ping"));
        timeline.append(serverEvent(EventType::Sent, 1, "pong"));
    }
    QVERIFY(settle(timeline));
    QScrollBar *bar = view.diagram()->verticalScrollBar();
    QVERIFY(bar->maximum() > 0);
    QCOMPARE(bar->value(), bar->maximum());
    QVERIFY(view.isFollowingEnd());

    // Reading the start: new rows do not pull the reader away.
    bar->setValue(0);
    QVERIFY(!view.isFollowingEnd());
    const int maximum = bar->maximum();
    timeline.append(serverEvent(EventType::Received, 1, "more"));
    QVERIFY(settle(timeline));
    QVERIFY(bar->maximum() > maximum);
    QCOMPARE(bar->value(), 0);

    // Back at the bottom: following again.
    bar->setValue(bar->maximum());
    QVERIFY(view.isFollowingEnd());
    timeline.append(serverEvent(EventType::Sent, 1, "more"));
    QVERIFY(settle(timeline));
    QCOMPARE(bar->value(), bar->maximum());
}

void tst_TimelineView::fontAndLineWidthScale()
{
    ConnectionTimeline timeline;
    feedLessonConnection(timeline, 1, 0);
    TimelineView view;
    view.setModel(&timeline);
    view.resize(600, 260);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    QScrollBar *bar = view.diagram()->verticalScrollBar();
    const int normalRange = bar->maximum();
    const QImage normal = view.diagram()->viewport()->grab().toImage();

    view.setLineWidthScale(3.0);
    QCOMPARE(view.lineWidthScale(), 3.0);
    // Thicker lines, same font: other pixels, same rows.
    QVERIFY(view.diagram()->viewport()->grab().toImage() != normal);
    QCOMPARE(bar->maximum(), normalRange);
    view.setLineWidthScale(0.0);
    QCOMPARE(view.lineWidthScale(), 0.5);
    view.setLineWidthScale(1.0);

    // Presentation mode's zoom is a larger font, reaching the diagram through the view.
    QFont large = view.font();
    large.setPointSizeF(large.pointSizeF() * 2);
    view.setFont(large);
    QTRY_VERIFY(bar->maximum() > normalRange);
    QCOMPARE(view.diagram()->font().pointSizeF(), large.pointSizeF());

    view.setHighContrast(true);
    QVERIFY(view.highContrast());
}

void tst_TimelineView::noRepaintStormUnderAFlood()
{
    ConnectionTimeline timeline;
    TimelineView view;
    view.setModel(&timeline);
    view.resize(500, 400);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    timeline.append(serverEvent(EventType::Accepted, 1));
    QVERIFY(settle(timeline));

    int paints = 0;
    struct PaintCounter : QObject
    {
        int *count;
        explicit PaintCounter(int *c)
            : count(c)
        {}
        bool eventFilter(QObject *, QEvent *event) override
        {
            if (event->type() == QEvent::Paint)
                ++*count;
            return false;
        }
    } counter(&paints);
    view.diagram()->viewport()->installEventFilter(&counter);

    // A `while True: send()` peer: many reads per wake-up, the event loop in between, as
    // TcpConnection reads. A view repainting per event (or per wake-up) would paint
    // hundreds of times here.
    const TrafficEvent read = serverEvent(EventType::Received, 1, QByteArray(1024, 'f'));
    constexpr int Wakeups = 300;
    QElapsedTimer clock;
    clock.start();
    for (int wakeup = 0; wakeup < Wakeups; ++wakeup) {
        for (int i = 0; i < 256; ++i)
            timeline.append(read);
        QCoreApplication::processEvents();
    }
    QVERIFY(settle(timeline));
    QCoreApplication::processEvents();
    const qint64 elapsed = clock.elapsed();
    // At most one repaint per announcement (one per NotifyIntervalMs), and a few besides.
    const qint64 allowed = 3 + elapsed / ConnectionTimeline::NotifyIntervalMs;
    QVERIFY2(paints <= allowed,
             qPrintable(QStringLiteral("%1 paints in %2 ms").arg(paints).arg(elapsed)));
    QVERIFY(paints < Wakeups / 4);
    QVERIFY(paints >= 1);
    // Bounded: the first steps, then one run.
    QCOMPARE(view.rowCount(), ConnectionTimeline::DefaultHeadLimit + 1);
}

void tst_TimelineView::rowTextNamesTheCall()
{
    const QString arrow = QStringLiteral(" \u2192 ");
    TimelineEntry sent;
    sent.kind = TimelineEntry::Kind::Sent;
    sent.direction = TimelineEntry::Direction::AppToPeer;
    sent.bytes = 12;
    sent.firstBytes = "Hello world!";
    QCOMPARE(TimelineView::entryText(sent, SessionKind::TcpServer),
             QString(QStringLiteral("send()") + arrow
                     + QStringLiteral("12 bytes  b'Hello world!'")));
    QCOMPARE(TimelineView::entryText(sent, SessionKind::Udp),
             QString(QStringLiteral("sendto()") + arrow
                     + QStringLiteral("12 bytes  b'Hello world!'")));

    TimelineEntry received = sent;
    received.kind = TimelineEntry::Kind::Received;
    received.direction = TimelineEntry::Direction::PeerToApp;
    received.recvSize = 1024;
    QCOMPARE(TimelineView::entryText(received, SessionKind::TcpClient),
             QString(QStringLiteral("recv(1024)") + arrow
                     + QStringLiteral("12 bytes  b'Hello world!'")));
    received.truncatedFrom = 3000;
    received.bytes = 1024;
    QVERIFY(TimelineView::entryText(received, SessionKind::Udp)
                .startsWith(QStringLiteral("recvfrom(1024)") + arrow + QLocale().toString(1024)
                            + QStringLiteral(" of ")));

    TimelineEntry run = received;
    run.kind = TimelineEntry::Kind::Run;
    run.truncatedFrom = -1;
    run.runCount = 412;
    run.bytes = 421888;
    QCOMPARE(TimelineView::entryText(run, SessionKind::TcpServer),
             QString(QStringLiteral("412 \u00d7 recv(1024)") + arrow + QLocale().toString(421888)
                     + QStringLiteral(" bytes in all")));

    // What the OS did says so.
    TimelineEntry syn;
    syn.kind = TimelineEntry::Kind::Syn;
    syn.byOperatingSystem = true;
    QVERIFY(TimelineView::entryText(syn, SessionKind::TcpClient).contains(QStringLiteral("OS")));
    QVERIFY(TimelineView::entryText(syn, SessionKind::TcpServer).contains(QStringLiteral("OS")));
    TimelineEntry fin;
    fin.kind = TimelineEntry::Kind::PeerFin;
    fin.recvSize = 1024;
    QVERIFY(TimelineView::entryText(fin, SessionKind::TcpServer)
                .startsWith(QStringLiteral("FIN: recv(1024)")));
}

void tst_TimelineView::tooltipNamesTheLessonConcept()
{
    ConnectionTimeline timeline;
    timeline.append(serverEvent(EventType::Accepted, 1));
    TimelineView view;
    view.setModel(&timeline);
    view.resize(500, 300);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    QVERIFY(settle(timeline));

    QWidget *viewport = view.diagram()->viewport();
    const int line = view.fontMetrics().height();
    // The first row, the SYN, just under the lane titles.
    const QPoint position(viewport->width() / 2, qRound(line * 3.0) + line);
    QHelpEvent help(QEvent::ToolTip, position, viewport->mapToGlobal(position));
    QApplication::sendEvent(viewport, &help);
    QTRY_VERIFY(QToolTip::isVisible());
    QVERIFY2(QToolTip::text().contains(QStringLiteral("three-way handshake")),
             qPrintable(QToolTip::text()));
    QToolTip::hideText();
}

void tst_TimelineView::rendersAServerConnection()
{
    ConnectionTimeline timeline;
    timeline.setRecvSize(1024);
    feedLessonConnection(timeline, 1, 0);
    feedLessonConnection(timeline, 2, 5000);
    TimelineView view;
    view.setModel(&timeline);
    view.resize(720, 560);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    QVERIFY(!render(view, QStringLiteral("/tmp/timeline.png")).isNull());
    // As narrow as a side panel gets: labels are cut, never overlapping.
    view.resize(420, 400);
    QVERIFY(!render(view, QStringLiteral("/tmp/timeline-narrow.png")).isNull());

    // Presentation mode: a larger font, thicker lines, the strongest colours.
    QFont large = view.font();
    large.setPointSizeF(large.pointSizeF() * 1.5);
    view.setFont(large);
    view.setLineWidthScale(2.0);
    view.setHighContrast(true);
    view.resize(1000, 760);
    QTRY_COMPARE(view.diagram()->font().pointSizeF(), large.pointSizeF());
    QVERIFY(!render(view, QStringLiteral("/tmp/timeline-presentation.png")).isNull());
}

void tst_TimelineView::rendersAClientAFloodAndUdp()
{
    // A client that half-closes, then is reset.
    ConnectionTimeline client;
    TrafficEvent event;
    event.kind = SessionKind::TcpClient;
    event.peer = address("127.0.0.1", 1337);
    event.msecsSinceEpoch = 1764050701000;
    event.type = EventType::Connecting;
    client.append(event);
    event.local = address("127.0.0.1", 40312);
    event.type = EventType::Connected;
    client.append(event);
    event.type = EventType::Sent;
    event.payload = "Hello world!";
    event.msecsSinceEpoch += 15;
    client.append(event);
    event.type = EventType::Note;
    event.payload.clear();
    event.message = TcpConnection::halfCloseNote();
    event.detail = EventDetail::HalfClose;
    event.msecsSinceEpoch += 400;
    client.append(event);
    event.type = EventType::Received;
    event.payload = "Hello world!";
    event.message.clear();
    event.detail = EventDetail::None;
    event.msecsSinceEpoch += 3;
    client.append(event);
    event.type = EventType::Error;
    event.payload.clear();
    event.message = QStringLiteral("connection reset by peer: the server aborted");
    client.append(event);
    event.type = EventType::Closed;
    event.closedBy = ClosedBy::Peer;
    event.reset = true;
    client.append(event);
    TimelineView clientView;
    clientView.setModel(&client);
    clientView.resize(640, 400);
    clientView.show();
    QVERIFY(QTest::qWaitForWindowExposed(&clientView));
    QVERIFY(!render(clientView, QStringLiteral("/tmp/timeline-client.png")).isNull());

    // An echo flood summed up in a gap, then a `while True: send()` flood merged into a run.
    ConnectionTimeline flood;
    flood.setRecvSize(1024);
    flood.setEntryLimits(8, 6);
    flood.append(serverEvent(EventType::Accepted, 1));
    for (int i = 0; i < 4; ++i)
        flood.append(at(serverEvent(EventType::Received, 1, "while True: send()"), i));
    for (int i = 0; i < 500; ++i) {
        flood.append(at(serverEvent(EventType::Received, 1, "ping"), 10 + i));
        flood.append(at(serverEvent(EventType::Sent, 1, "ping"), 10 + i));
    }
    for (int i = 0; i < 100000; ++i)
        flood.append(at(serverEvent(EventType::Received, 1, QByteArray(1024, 'x')), 600 + i / 100));
    flood.append(at(serverEvent(EventType::Eof, 1), 1700));
    flood.append(at(closedByPeer(1), 1700));
    TimelineView floodView;
    floodView.setModel(&flood);
    floodView.resize(640, 560);
    floodView.show();
    QVERIFY(QTest::qWaitForWindowExposed(&floodView));
    QVERIFY(!render(floodView, QStringLiteral("/tmp/timeline-flood.png")).isNull());

    // UDP: no handshake, each peer its own timeline.
    ConnectionTimeline udp;
    udp.setRecvSize(1024);
    TrafficEvent datagram;
    datagram.kind = SessionKind::Udp;
    datagram.local = address("0.0.0.0", 1337);
    datagram.peer = address("127.0.0.1", 51000);
    datagram.msecsSinceEpoch = 1764050701000;
    datagram.type = EventType::Received;
    datagram.payload = "Hello world!";
    udp.append(datagram);
    datagram.type = EventType::Sent;
    udp.append(datagram);
    datagram.type = EventType::Received;
    datagram.payload = QByteArray(1024, 'u');
    datagram.truncatedFrom = 3000;
    udp.append(datagram);
    TimelineView udpView;
    udpView.setModel(&udp);
    udpView.resize(640, 300);
    udpView.show();
    QVERIFY(QTest::qWaitForWindowExposed(&udpView));
    QVERIFY(!render(udpView, QStringLiteral("/tmp/timeline-udp.png")).isNull());
}

void tst_TimelineView::rendersARealSession()
{
    // A server with a greeting and echo, the client half-closing: what real sockets report,
    // drawn as the window will draw it.
    TcpServerSession server(1);
    server.setRecvSize(1024);
    server.setGreeting("Welcome!\n");
    server.setEcho(true);
    ConnectionTimeline timeline;
    timeline.setRecvSize(server.recvSize());
    connect(&server, &Session::eventOccurred, &timeline, &ConnectionTimeline::append);
    TimelineView view;
    view.setModel(&timeline);
    view.resize(640, 520);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));

    server.listen(QStringLiteral("127.0.0.1"), 0);
    QVERIFY(server.isListening());
    TcpClientSession client(2);
    client.connectToHost(QStringLiteral("127.0.0.1"), server.listenAddress().port);
    QTRY_COMPARE(client.state(), ConnectionState::Connected);
    QTRY_COMPARE(view.currentConnection(), 1);
    QTRY_COMPARE(timeline.connection(1).bytesSent, 9);
    QVERIFY(client.send("Hello world!"));
    QTRY_COMPARE(timeline.connection(1).bytesSent, 21);
    client.halfClose();
    QTRY_VERIFY(!timeline.connection(1).open);
    // Handshake, accept(), greeting, read, echo, the peer's FIN, ours.
    QTRY_COMPARE(view.rowCount(), 9);
    auto *box = view.findChild<QComboBox *>(QStringLiteral("timelineConnectionBox"));
    QTRY_VERIFY(box->currentText().endsWith(QStringLiteral("(closed)")));
    QVERIFY(!render(view, QStringLiteral("/tmp/timeline-real.png")).isNull());
}

QTEST_MAIN(tst_TimelineView)
#include "tst_timelineview.moc"

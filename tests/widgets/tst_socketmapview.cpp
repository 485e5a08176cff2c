#include "socketmapmodel.h"
#include "socketmapview.h"

#include <QPixmap>
#include <QTest>

// The socket map's painting: pulses animate only while alive, and the picture renders.
class tst_SocketMapView : public QObject
{
    Q_OBJECT

private slots:
    void pulseTimerRunsOnlyWhileSomethingMoves();
    void hiddenViewDoesNotAnimate();
    void rendersFiveConnections();
    void rendersFiftyConnections();
    void rendersUdpPeers();
    void fitsANarrowSidePanel_data();
    void fitsANarrowSidePanel();
};

namespace {

SocketAddress address(const char *ip, quint16 port)
{
    return SocketAddress{QHostAddress(QLatin1String(ip)), port};
}

TrafficEvent serverEvent(EventType type, int connection = 0, quint16 peerPort = 0)
{
    TrafficEvent event;
    event.session = 1;
    event.kind = SessionKind::TcpServer;
    event.type = type;
    event.connection = connection;
    event.local = connection > 0 ? address("127.0.0.1", 1337) : address("0.0.0.0", 1337);
    if (peerPort > 0)
        event.peer = address("127.0.0.1", peerPort);
    return event;
}

TrafficEvent bytes(int connection, EventType type, qsizetype size)
{
    TrafficEvent event = serverEvent(type, connection, quint16(50000 + connection));
    event.payload = QByteArray(size, 'x');
    return event;
}

void listenAndAccept(SocketMapModel &model, int count)
{
    model.append(serverEvent(EventType::Listening));
    for (int i = 1; i <= count; ++i)
        model.append(serverEvent(EventType::Accepted, i, quint16(50000 + i)));
}

// Renders the view to a PNG for a person to look at; not compared with anything.
QImage render(SocketMapView &view, const QString &path)
{
    const QImage image = view.grab().toImage();
    if (!image.save(path))
        qWarning("could not save %s", qPrintable(path));
    return image;
}

} // namespace

void tst_SocketMapView::pulseTimerRunsOnlyWhileSomethingMoves()
{
    SocketMapModel model;
    listenAndAccept(model, 2);
    SocketMapView view;
    view.setModel(&model);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    QVERIFY(!view.isAnimating());

    model.append(bytes(2, EventType::Received, 10));
    QVERIFY(view.isAnimating());
    QTRY_VERIFY_WITH_TIMEOUT(!view.isAnimating(), SocketMapView::PulseDurationMs * 5);

    // Structure and state changes repaint but start no timer.
    model.append(serverEvent(EventType::Accepted, 3, 50003));
    model.setWaiting(2);
    QVERIFY(!view.isAnimating());
}

void tst_SocketMapView::hiddenViewDoesNotAnimate()
{
    SocketMapModel model;
    listenAndAccept(model, 1);
    SocketMapView view;
    view.setModel(&model);
    model.append(bytes(1, EventType::Sent, 10));
    QVERIFY(!view.isAnimating());
}

void tst_SocketMapView::rendersFiveConnections()
{
    SocketMapModel model;
    listenAndAccept(model, 5);
    model.setWaiting(2);
    model.append(bytes(1, EventType::Received, 12));
    model.append(bytes(1, EventType::Sent, 12));
    model.append(serverEvent(EventType::Eof, 2, 50002));
    TrafficEvent closed = serverEvent(EventType::Closed, 3, 50003);
    model.append(closed);
    closed.connection = 4;
    closed.reset = true;
    model.append(closed);

    SocketMapView view;
    view.setModel(&model);
    view.resize(900, 420);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    // Two pulses in flight, one each way, caught mid-line.
    model.append(bytes(5, EventType::Received, 3));
    model.append(bytes(1, EventType::Sent, 3));
    QVERIFY(view.isAnimating());
    const QImage image = render(view, QStringLiteral("/tmp/socketmap.png"));
    QCOMPARE(image.size(), view.size() * view.devicePixelRatio());
    QVERIFY(!image.isNull());
}

void tst_SocketMapView::rendersFiftyConnections()
{
    SocketMapModel model;
    listenAndAccept(model, 50);
    SocketMapView view;
    view.setModel(&model);
    view.setLineWidthScale(2.0);
    view.resize(900, 600);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    for (int i = 1; i <= 50; i += 7)
        model.append(bytes(i, EventType::Received, 3));
    const QImage image = render(view, QStringLiteral("/tmp/socketmap50.png"));
    QVERIFY(!image.isNull());
}

void tst_SocketMapView::rendersUdpPeers()
{
    SocketMapModel model;
    TrafficEvent event;
    event.kind = SessionKind::Udp;
    event.type = EventType::Listening;
    event.local = address("0.0.0.0", 5000);
    model.append(event);
    for (quint16 port = 40001; port <= 40003; ++port) {
        event.type = EventType::Received;
        event.peer = address("127.0.0.1", port);
        event.payload = "ping";
        model.append(event);
    }
    SocketMapView view;
    view.setModel(&model);
    view.resize(700, 300);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    event.type = EventType::Sent;
    model.append(event);
    const QImage image = render(view, QStringLiteral("/tmp/socketmapudp.png"));
    QVERIFY(!image.isNull());
}

void tst_SocketMapView::fitsANarrowSidePanel_data()
{
    QTest::addColumn<int>("width");
    QTest::addColumn<qreal>("fontScale");
    QTest::newRow("side panel") << 300 << 1.0;
    QTest::newRow("side panel, presentation fonts") << 380 << 1.6;
    QTest::newRow("1024 projector, presentation fonts") << 300 << 1.6;
    QTest::newRow("wide") << 1000 << 1.0;
}

void tst_SocketMapView::fitsANarrowSidePanel()
{
    QFETCH(int, width);
    QFETCH(qreal, fontScale);
    SocketMapModel model;
    listenAndAccept(model, 6);
    model.append(bytes(1, EventType::Received, 2621));
    model.append(bytes(1, EventType::Sent, 21));
    SocketMapView view;
    QFont font = view.font();
    font.setPointSizeF(font.pointSizeF() * fontScale);
    view.setFont(font);
    view.setModel(&model);
    view.resize(width, 700);

    const QRectF bounds = QRectF(view.rect());
    const QRectF listener = view.listenerRect();
    QVERIFY(bounds.contains(listener));
    QRectF previous;
    for (int i = 0; i < model.nodeCount(); ++i) {
        const QRectF socket = view.socketRect(i);
        const QRectF peer = view.peerRect(i);
        QVERIFY2(!socket.isEmpty() && !peer.isEmpty(), qPrintable(QString::number(i)));
        // Everything inside the view, below the listening socket, in order, apart.
        QVERIFY2(bounds.contains(socket) && bounds.contains(peer), qPrintable(QString::number(i)));
        QVERIFY(socket.top() >= listener.bottom());
        QVERIFY2(socket.right() < peer.left(), qPrintable(QString::number(i)));
        // Room for the line and its pulse between the socket and its peer.
        QVERIFY(peer.left() - socket.right() >= view.fontMetrics().height());
        // Not shrunk to a size nobody can read: a two-line box at least 1.2 lines of the font.
        QVERIFY(peer.height() >= view.fontMetrics().height() * 1.2);
        if (!previous.isNull())
            QVERIFY(socket.top() >= previous.bottom());
        previous = socket;
    }
    render(view, QStringLiteral("/tmp/socketmap-%1-%2.png").arg(width).arg(fontScale));
}

QTEST_MAIN(tst_SocketMapView)
#include "tst_socketmapview.moc"

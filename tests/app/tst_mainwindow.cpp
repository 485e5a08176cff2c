#include "commandline.h"
#include "mainwindow.h"

#include "connectiontimeline.h"
#include "elidedlabel.h"
#include "lessonviews.h"
#include "pythonmirror.h"
#include "pythonmirrorview.h"
#include "sessionpanel.h"
#include "socketmapmodel.h"
#include "socketmapview.h"
#include "tcpclientpanel.h"
#include "tcpclientsession.h"
#include "tcpserverpanel.h"
#include "tcpserversession.h"
#include "timelineview.h"
#include "trafficlogview.h"
#include "udppeerpanel.h"
#include "udppeersession.h"
#include "workspace.h"

#include <QAction>
#include <QApplication>
#include <QDir>
#include <QDockWidget>
#include <QLabel>
#include <QPointer>
#include <QSettings>
#include <QStandardPaths>
#include <QStatusBar>
#include <QTabWidget>
#include <QTableView>
#include <QTcpSocket>
#include <QTest>

// The main window: tabs of sessions, the lesson setup and workspaces.
class tst_MainWindow : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void firstStartIsAServerReadyToListen();
    void endpointsOpenStartedTabs();
    void lessonOpensThreeTabsOnlyTheServerStarted();
    void workspaceRoundTrip();
    void closingATabClosesItsSession();
    void closingATabRecordsHowItsConnectionsEnded();
    void newSessionActionsHaveShortcuts();
    void commandLineOptions();
    void presentationModeScalesFontsAndIsRemembered();
    void eachTabHasAMirror();
    void statusBarCountsAndKeepsClosedTabs();
    void eachTabHasASocketMapFedByItsSession();
    void lessonViewActionsShowAndHideTheirView();
    void selectedConnectionShowsItsTimeline();
    void secondQuitRequestAbortsAtOnce();
    void presentationModeFitsA1024Screen();
    void presentationScaleFollowsTheScreen();
};

namespace {

EndpointSpec spec(const char *text)
{
    return *parseEndpoint(QString::fromLatin1(text)).spec;
}

} // namespace

void tst_MainWindow::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true); // no settings of a real user touched
    QSettings().clear();                      // nor of an earlier run
}

void tst_MainWindow::firstStartIsAServerReadyToListen()
{
    MainWindow window;
    window.openFirstStartLayout();
    QCOMPARE(window.tabs()->count(), 1);
    auto *server = qobject_cast<TcpServerPanel *>(window.tabs()->widget(0));
    QVERIFY(server);
    QCOMPARE(server->bindHost(), QStringLiteral("0.0.0.0"));
    QCOMPARE(server->port(), 1337);
    QVERIFY(!server->isStarted()); // ready, waiting for a click
    QVERIFY(window.windowTitle().startsWith(QLatin1String("Socket Workbench")));
}

void tst_MainWindow::endpointsOpenStartedTabs()
{
    MainWindow window;
    auto *server = qobject_cast<TcpServerPanel *>(
        window.openEndpoint(spec("tcp-listen://127.0.0.1:0?echo"), true));
    QVERIFY(server && server->server()->isListening());
    const quint16 port = server->server()->listenAddress().port;
    EndpointSpec clientSpec = spec("tcp://127.0.0.1:1?send=hi");
    clientSpec.port = port;
    auto *client = qobject_cast<TcpClientPanel *>(window.openEndpoint(clientSpec, true));
    QTRY_COMPARE(client->client()->state(), ConnectionState::Connected);
    QCOMPARE(window.tabs()->count(), 2);
    QCOMPARE(window.tabs()->tabText(0), QStringLiteral("Server :%1").arg(port));
    QCOMPARE(window.tabs()->tabText(1), QStringLiteral("→ 127.0.0.1:%1").arg(port));
    // send= went out on connect and came back (echo).
    QTRY_COMPARE(client->client()->connection()->bytesReceived(), 2);
    QTRY_VERIFY2(window.statusSummary().startsWith(QStringLiteral("2 sessions · 2 connections")),
                 qPrintable(window.statusSummary()));
}

void tst_MainWindow::lessonOpensThreeTabsOnlyTheServerStarted()
{
    MainWindow window;
    window.openLesson();
    QCOMPARE(window.tabs()->count(), 3);
    auto *server = qobject_cast<TcpServerPanel *>(window.panel(0));
    auto *client = qobject_cast<TcpClientPanel *>(window.panel(1));
    auto *udp = qobject_cast<UdpPeerPanel *>(window.panel(2));
    QVERIFY(server && client && udp);
    QCOMPARE(server->currentSpec().toString(),
             QStringLiteral("tcp-listen://0.0.0.0:1337?recv=1024"));
    QCOMPARE(client->currentSpec().toString(), QStringLiteral("tcp://127.0.0.1:1337?recv=1024"));
    QCOMPARE(udp->currentSpec().toString(), QStringLiteral("udp://0.0.0.0:1337?recv=1024"));
    // The server was asked to listen (it may fail if 1337 is taken: then it says why).
    QVERIFY(server->isStarted() || !server->server()->lastError().isEmpty());
    QVERIFY(!client->isStarted());
    QVERIFY(!udp->isStarted());
}

void tst_MainWindow::workspaceRoundTrip()
{
    MainWindow first;
    first.openEndpoint(spec("tcp-listen://127.0.0.1:0?echo&greeting=Hi%0A&recv=1024"), true);
    first.openEndpoint(spec("tcp://localhost:5555"), false);
    first.openEndpoint(spec("udp://127.0.0.1:0?to=127.0.0.1:9"), true);
    first.panel(1)->logView()->setDisplayMode(DisplayMode::Hex);
    const Workspace saved = first.workspace();
    QCOMPARE(saved.sessions.size(), 3);
    QCOMPARE(saved.sessions.at(0).endpoint.toString(),
             QStringLiteral("tcp-listen://127.0.0.1:0?echo&greeting=Hi%0A&recv=1024"));
    QVERIFY(saved.sessions.at(0).start);
    QVERIFY(!saved.sessions.at(1).start);
    QCOMPARE(saved.sessions.at(1).displayMode, DisplayMode::Hex);
    QVERIFY(saved.sessions.at(2).start);

    first.shutdownSessions();
    MainWindow second;
    second.openWorkspace(saved);
    const Workspace reopened = second.workspace();
    QCOMPARE(reopened.sessions.size(), 3);
    for (int i = 0; i < 3; ++i)
        QVERIFY2(reopened.sessions.at(i) == saved.sessions.at(i), qPrintable(QString::number(i)));
}

void tst_MainWindow::closingATabClosesItsSession()
{
    MainWindow window;
    auto *server = qobject_cast<TcpServerPanel *>(
        window.openEndpoint(spec("tcp-listen://127.0.0.1:0"), true));
    const quint16 port = server->server()->listenAddress().port;
    QPointer<TcpServerSession> session = server->server();
    QMetaObject::invokeMethod(window.tabs(), "tabCloseRequested", Q_ARG(int, 0));
    QCOMPARE(window.tabs()->count(), 0);
    QTRY_VERIFY(!session); // the panel and its session are gone, and the port is free
    TcpServerSession again(9);
    again.listen(QStringLiteral("127.0.0.1"), port);
    QVERIFY2(again.isListening(), qPrintable(again.lastError()));
}

void tst_MainWindow::closingATabRecordsHowItsConnectionsEnded()
{
    MainWindow window;
    auto *server = qobject_cast<TcpServerPanel *>(
        window.openEndpoint(spec("tcp-listen://127.0.0.1:0"), true));
    QList<TrafficEvent> events;
    connect(server->session(), &Session::eventOccurred, this, [&events](const TrafficEvent &e) {
        events.append(e);
    });
    TcpClientSession client(9);
    client.connectToHost(QStringLiteral("127.0.0.1"), server->server()->listenAddress().port);
    QTRY_COMPARE(server->server()->openConnectionCount(), 1);
    window.closeAllTabs();
    QCOMPARE(window.tabs()->count(), 0);
    QList<EventType> types;
    for (const TrafficEvent &event : std::as_const(events))
        types.append(event.type);
    QVERIFY(types.contains(EventType::Stopped));
    QVERIFY(types.contains(EventType::Closed)); // the record has the connection's end
    QTRY_COMPARE(client.state(), ConnectionState::Closed);
}

void tst_MainWindow::newSessionActionsHaveShortcuts()
{
    MainWindow window;
    int withShortcut = 0;
    for (QAction *action : window.findChildren<QAction *>()) {
        if (action->text().startsWith(QLatin1String("New ")))
            withShortcut += action->shortcut().isEmpty() ? 0 : 1;
    }
    QCOMPARE(withShortcut, 3);
}

void tst_MainWindow::commandLineOptions()
{
    const CommandLineResult result = parseCommandLine({QStringLiteral("socket-workbench"),
                                                       QStringLiteral("--record"),
                                                       QStringLiteral("-"),
                                                       QStringLiteral("--lesson"),
                                                       QStringLiteral("--workspace"),
                                                       QStringLiteral("w.json"),
                                                       QStringLiteral("tcp://127.0.0.1:1")});
    QCOMPARE(result.action, CommandLineResult::Action::Run);
    QCOMPARE(result.commandLine.recordFile, QStringLiteral("-"));
    QVERIFY(result.commandLine.lesson);
    QCOMPARE(result.commandLine.workspaceFile, QStringLiteral("w.json"));
    QCOMPARE(result.commandLine.endpoints.size(), 1);
    QVERIFY(result.commandLine.mirrorDirectory.isEmpty());

    const CommandLineResult mirror = parseCommandLine(
        {QStringLiteral("socket-workbench"), QStringLiteral("--mirror"), QDir::tempPath()});
    QCOMPARE(mirror.action, CommandLineResult::Action::Run);
    QCOMPARE(mirror.commandLine.mirrorDirectory, QDir::tempPath());
}

void tst_MainWindow::eachTabHasAMirror()
{
    MainWindow window;
    auto *server = qobject_cast<TcpServerPanel *>(
        window.openEndpoint(spec("tcp-listen://127.0.0.1:0?recv=1024"), true));
    QVERIFY(server && server->server()->isListening());
    window.openEndpoint(spec("udp://127.0.0.1:0"), false);
    QVERIFY(window.mirror(0) && window.mirror(1));
    QVERIFY(window.mirror(0) != window.mirror(1));
    QVERIFY(!window.mirror(2));
    // The recv size from the endpoint reached the mirror after the tab was made.
    QCOMPARE(window.mirror(0)->recvSize(), 1024);
    QCOMPARE(window.mirror(0)->kind(), SessionKind::TcpServer);
    QCOMPARE(window.mirror(1)->kind(), SessionKind::Udp);
    const QString bind = QStringLiteral("sock.bind(('127.0.0.1', %1))")
                             .arg(server->server()->listenAddress().port);
    QVERIFY2(window.mirror(0)->script().contains(bind), qPrintable(window.mirror(0)->script()));
}

void tst_MainWindow::eachTabHasASocketMapFedByItsSession()
{
    MainWindow window;
    auto *server = qobject_cast<TcpServerPanel *>(
        window.openEndpoint(spec("tcp-listen://127.0.0.1:0"), true));
    QVERIFY(server && server->server()->isListening());
    window.openEndpoint(spec("udp://127.0.0.1:0"), false);
    QPointer<SocketMapModel> serverMap = window.socketMap(0);
    QVERIFY(serverMap && window.socketMap(1) && serverMap != window.socketMap(1));
    QVERIFY(!window.socketMap(2));
    QCOMPARE(serverMap->kind(), SessionKind::TcpServer);
    QVERIFY(serverMap->isListening());

    // A peer connects: its accepted socket is a node, and the side panel shows this map.
    QTcpSocket peer;
    peer.connectToHost(QHostAddress::LocalHost, server->server()->listenAddress().port);
    QVERIFY(peer.waitForConnected(5000));
    QTRY_COMPARE(serverMap->nodeCount(), 1);
    QCOMPARE(serverMap->nodeAt(0).peer, QStringLiteral("127.0.0.1:%1").arg(peer.localPort()));
    window.tabs()->setCurrentIndex(0);
    QCOMPARE(window.lessonViews()->mapView()->model(), serverMap.data());
    window.tabs()->setCurrentIndex(1);
    QCOMPARE(window.lessonViews()->mapView()->model(), window.socketMap(1));
    QCOMPARE(window.lessonViews()->mirrorView()->mirror(), window.mirror(1));

    // The peer closes: the node is closed, by the peer.
    peer.disconnectFromHost();
    QTRY_COMPARE(serverMap->nodeAt(0).state, SocketMapNode::State::Closed);

    // Manual accept: connections waiting in the backlog are counted on the listening socket.
    server->server()->setAcceptAutomatically(false);
    QTcpSocket waiting;
    waiting.connectToHost(QHostAddress::LocalHost, server->server()->listenAddress().port);
    QVERIFY(waiting.waitForConnected(5000));
    QTRY_COMPARE(serverMap->waiting(), 1);
    QCOMPARE(serverMap->nodeCount(), 1);

    // Closing the tab drops its map.
    window.closeAllTabs();
    QTRY_VERIFY(!serverMap);
}

void tst_MainWindow::selectedConnectionShowsItsTimeline()
{
    MainWindow window;
    auto *server = qobject_cast<TcpServerPanel *>(
        window.openEndpoint(spec("tcp-listen://127.0.0.1:0"), true));
    QVERIFY(server && server->server()->isListening());
    ConnectionTimeline *timeline = window.timeline(0);
    QVERIFY(timeline && !window.timeline(1));
    QTcpSocket first;
    QTcpSocket second;
    for (QTcpSocket *peer : {&first, &second}) {
        peer->connectToHost(QHostAddress::LocalHost, server->server()->listenAddress().port);
        QVERIFY(peer->waitForConnected(5000));
    }
    QTRY_COMPARE(timeline->connectionCount(), 2);
    QVERIFY(second.write("hello") == 5);
    QTRY_COMPARE(timeline->connection(2).bytesReceived, qint64(5));
    TimelineView *view = window.lessonViews()->timelineView();
    QCOMPARE(view->model(), timeline);

    // A click on the second connection's row shows its timeline.
    auto *list = server->findChild<QTableView *>(QStringLiteral("connectionView"));
    QVERIFY(list);
    QTRY_COMPARE(list->model()->rowCount(), 2);
    list->selectionModel()->setCurrentIndex(list->model()->index(1, 0),
                                            QItemSelectionModel::ClearAndSelect
                                                | QItemSelectionModel::Rows);
    QCOMPARE(view->currentConnection(), 2);

    // Another tab has its own timeline; back on the server, the same connection is shown.
    window.openEndpoint(spec("udp://127.0.0.1:0"), false);
    window.tabs()->setCurrentIndex(1);
    QCOMPARE(view->model(), window.timeline(1));
    window.tabs()->setCurrentIndex(0);
    QCOMPARE(view->model(), timeline);
    QCOMPARE(view->currentConnection(), 2);
}

void tst_MainWindow::lessonViewActionsShowAndHideTheirView()
{
    MainWindow window;
    window.openFirstStartLayout();
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    auto *dock = window.findChild<QDockWidget *>(QStringLiteral("lessonDock"));
    QVERIFY(dock);
    auto actionFor = [&window](const char *keys) -> QAction * {
        const QKeySequence wanted(QString::fromLatin1(keys));
        for (QAction *action : window.findChildren<QAction *>()) {
            if (action->shortcut() == wanted)
                return action;
        }
        return nullptr;
    };
    QAction *python = actionFor("Ctrl+Shift+Y");
    QAction *map = actionFor("Ctrl+Shift+M");
    QAction *dockToggle = actionFor("Ctrl+Shift+L");
    QAction *timelineAction = actionFor("Ctrl+Shift+T");
    QVERIFY(python && map && dockToggle && timelineAction);
    timelineAction->trigger();
    QCOMPARE(window.lessonViews()->currentView(), LessonViews::View::Timeline);

    dock->hide();
    map->trigger();
    QVERIFY(dock->isVisible());
    QCOMPARE(window.lessonViews()->currentView(), LessonViews::View::Map);
    QVERIFY(window.lessonViews()->mapView()->isVisible());
    python->trigger();
    QVERIFY(dock->isVisible());
    QCOMPARE(window.lessonViews()->currentView(), LessonViews::View::Python);
    // The same entry again keeps it shown (no panel vanishing mid-lesson)...
    python->trigger();
    QVERIFY(dock->isVisible());
    // ...the panel's own entry hides and shows it.
    dockToggle->trigger();
    QVERIFY(!dock->isVisible());
    dockToggle->trigger();
    QVERIFY(dock->isVisible());
    // The view shown is remembered for the next start.
    map->trigger();
    QCOMPARE(QSettings().value(QStringLiteral("view/lessonView")).toInt(),
             int(LessonViews::View::Map));
}

void tst_MainWindow::presentationModeScalesFontsAndIsRemembered()
{
    const qreal base = QApplication::font().pointSizeF();
    {
        MainWindow window;
        window.openFirstStartLayout();
        QVERIFY(!window.isPresentationMode());
        window.setPresentationMode(true);
        QCOMPARE(QApplication::font().pointSizeF(), base * MainWindow::PresentationScale);
        QVERIFY(window.panel(0)->logView()->highContrast());
        // The big labels keep their proportion to the scaled font.
        const auto *reachable = window.panel(0)->findChild<QLabel *>(
            QStringLiteral("reachableLabel"));
        QVERIFY(reachable);
        QTRY_COMPARE(reachable->font().pointSizeF(), base * MainWindow::PresentationScale * 1.6);
        // Tabs opened later get it too.
        window.newUdpPeer();
        QVERIFY(window.panel(1)->logView()->highContrast());
    }
    {
        MainWindow again; // remembered between starts
        QVERIFY(again.isPresentationMode());
        QCOMPARE(QApplication::font().pointSizeF(), base * MainWindow::PresentationScale);
        again.setPresentationMode(false);
        QCOMPARE(QApplication::font().pointSizeF(), base);
        again.setFontScale(1.21);
        QCOMPARE(QApplication::font().pointSizeF(), base * 1.21);
        // The desk's own zoom comes back after presenting.
        again.setPresentationMode(true);
        QCOMPARE(again.fontScale(), MainWindow::PresentationScale);
        again.setPresentationMode(false);
        QCOMPARE(again.fontScale(), 1.21);
        again.setFontScale(1.0);
    }
    {
        // A hand-edited setting cannot make the window unreadable.
        QSettings().setValue(QStringLiteral("view/fontScale"), 50.0);
        MainWindow edited;
        QVERIFY(edited.fontScale() <= 3.0);
        QSettings().setValue(QStringLiteral("view/fontScale"), QStringLiteral("big"));
        MainWindow garbled;
        QVERIFY(garbled.fontScale() >= 0.7);
        garbled.setFontScale(1.0);
    }
}

void tst_MainWindow::secondQuitRequestAbortsAtOnce()
{
    MainWindow window;
    auto *server = qobject_cast<TcpServerPanel *>(
        window.openEndpoint(spec("tcp-listen://127.0.0.1:0"), true));
    QVERIFY(server && server->server()->isListening());
    // A peer that reads (almost) nothing, so what the server sends stays queued.
    QTcpSocket peer;
    peer.setReadBufferSize(1);
    peer.connectToHost(QHostAddress::LocalHost, server->server()->listenAddress().port);
    QVERIFY(peer.waitForConnected(5000));
    QTRY_COMPARE(server->server()->openConnectionCount(), 1);
    QVERIFY(server->server()->send(1, QByteArray(32 * 1024 * 1024, 'x')));

    // The first quit request waits up to the grace period for the queue to drain...
    window.quitGracefully();
    QVERIFY(server->session()->isClosing());
    // ...a second one (another Ctrl+C) ends it now: the rest is aborted.
    window.quitGracefully();
    QVERIFY(!server->session()->isClosing());
    QCOMPARE(server->server()->openConnectionCount(), 0);
}

void tst_MainWindow::presentationModeFitsA1024Screen()
{
    // A classroom projector is often 1024x768: every tab, at presentation size, with its
    // longest state texts, must fit it with the lesson views beside it.
    MainWindow window;
    auto *server = qobject_cast<TcpServerPanel *>(
        window.openEndpoint(spec("tcp-listen://0.0.0.0:0"), true));
    QVERIFY(server && server->server()->isListening());
    EndpointSpec clientSpec = spec("tcp://127.0.0.1:1");
    clientSpec.port = server->server()->listenAddress().port;
    auto *client = qobject_cast<TcpClientPanel *>(window.openEndpoint(clientSpec, true));
    QTRY_COMPARE(client->client()->state(), ConnectionState::Connected);
    window.openEndpoint(spec("udp://0.0.0.0:0"), true);
    window.show();
    window.setPresentationMode(true);
    QTRY_COMPARE(window.panel(0)->font().pointSizeF(), QApplication::font().pointSizeF());
    for (int i = 0; i < window.tabs()->count(); ++i) {
        window.tabs()->setCurrentIndex(i);
        QCoreApplication::processEvents();
        const int needed = window.minimumSizeHint().width();
        QVERIFY2(needed <= 1024,
                 qPrintable(
                     QStringLiteral("%1 needs %2 px").arg(window.tabs()->tabText(i)).arg(needed)));
    }
    window.setPresentationMode(false);
}

// Issue 7: the status bar shows the counters --stats writes, and closing a tab does not
// take its traffic out of the totals.
void tst_MainWindow::statusBarCountsAndKeepsClosedTabs()
{
    MainWindow window;
    auto *server = qobject_cast<TcpServerPanel *>(
        window.openEndpoint(spec("tcp-listen://127.0.0.1:0?echo"), true));
    QVERIFY(server && server->server()->isListening());
    auto *udp = qobject_cast<UdpPeerPanel *>(window.openEndpoint(spec("udp://127.0.0.1:0"), true));
    QVERIFY(udp && udp->peer()->isBound());
    TcpClientSession client(9);
    client.connectToHost(QStringLiteral("127.0.0.1"), server->server()->listenAddress().port);
    QTRY_COMPARE(client.state(), ConnectionState::Connected);
    QVERIFY(client.send("Hello world!"));
    UdpPeerSession sender(10);
    QVERIFY(sender.sendTo(udp->peer()->localAddress(), "ping"));
    QTRY_COMPARE(window.sessionTotals().totals().datagramsIn, 1);
    QTRY_COMPARE(window.sessionTotals().totals().bytesOut, 12); // the echo

    const SessionCounters counted = window.sessionTotals().totals();
    QCOMPARE(counted.bytesIn, 16);
    QCOMPARE(counted.connectionsOpen, 1);
    QCOMPARE(counted.connectionsTotal, 1);
    const QString reads = counted.reads == 1 ? QStringLiteral("1 read")
                                             : QStringLiteral("%1 reads").arg(counted.reads);
    const QString sends = counted.sends == 1 ? QStringLiteral("1 send")
                                             : QStringLiteral("%1 sends").arg(counted.sends);
    const QString traffic = QStringLiteral("in 16 bytes / ") + reads
                            + QStringLiteral(" · out 12 bytes / ") + sends
                            + QStringLiteral(" · datagrams 1 in / 0 out");
    QCOMPARE(window.statusSummary(), QStringLiteral("2 sessions · 1 connection · ") + traffic);
    // The label follows (at most every 250 ms), with every figure in its tooltip.
    auto *label = window.statusBar()->findChild<ElidedLabel *>();
    QVERIFY(label);
    QTRY_COMPARE(label->text(), window.statusSummary());
    // However long the totals get, they never make the window wider (a 1024-pixel
    // projector, a big font): what does not fit ends in "…", the tooltip has it all.
    QVERIFY(label->minimumSizeHint().width() < 200);
    label->resize(150, label->height());
    QVERIFY2(label->shownText().endsWith(QChar(0x2026)), qPrintable(label->shownText()));
    QCOMPARE(label->text(), window.statusSummary());
    QVERIFY2(label->toolTip().contains(QLatin1String("Session 1 (tcp-listen):")),
             qPrintable(label->toolTip()));
    QVERIFY(label->toolTip().contains(QLatin1String("Session 2 (udp):")));
    QVERIFY(label->toolTip().contains(QLatin1String("datagrams: 1 received, 0 sent")));

    // Closing the tabs: no session is left, what they did stays.
    window.closeAllTabs();
    QCOMPARE(window.statusSummary(),
             QStringLiteral("0 sessions · 0 connections (1 in all) · ") + traffic);
    QTRY_COMPARE(label->text(), window.statusSummary());
}

void tst_MainWindow::presentationScaleFollowsTheScreen()
{
    QCOMPARE(MainWindow::presentationScaleFor(QSize(1920, 1050)), MainWindow::PresentationScale);
    QCOMPARE(MainWindow::presentationScaleFor(QSize(1280, 960)), MainWindow::PresentationScale);
    // A 1024x768 projector, and a wide but short one.
    QCOMPARE(MainWindow::presentationScaleFor(QSize(1024, 740)),
             MainWindow::SmallScreenPresentationScale);
    QCOMPARE(MainWindow::presentationScaleFor(QSize(1366, 740)),
             MainWindow::SmallScreenPresentationScale);
}

QTEST_MAIN(tst_MainWindow)
#include "tst_mainwindow.moc"

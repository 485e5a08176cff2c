#include "mainwindow.h"

#include "connectiontimeline.h"
#include "elidedlabel.h"
#include "endpointspec.h"
#include "lessonviews.h"
#include "pythonmirror.h"
#include "sendbox.h"
#include "sessionpanel.h"
#include "socketmapmodel.h"
#include "tcpclientpanel.h"
#include "tcpclientsession.h"
#include "tcpserverpanel.h"
#include "tcpserversession.h"
#include "timelineview.h"
#include "trafficlogmodel.h"
#include "trafficlogview.h"
#include "trafficrecorder.h"
#include "udppeerpanel.h"
#include "udppeersession.h"
#include "workspace.h"

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QDir>
#include <QDockWidget>
#include <QElapsedTimer>
#include <QFileDialog>
#include <QFileInfo>
#include <QInputDialog>
#include <QLocale>
#include <QMenuBar>
#include <QMessageBox>
#include <QScreen>
#include <QSettings>
#include <QStatusBar>
#include <QTabBar>
#include <QTabWidget>
#include <QToolBar>

#include <cstdio>

namespace {

constexpr int MaxRecentHosts = 10;
// Status totals are refreshed at most this often, however fast traffic flows.
constexpr int StatusRefreshMs = 250;
// After the last start-up result, let batched log rows reach the view before the grab.
constexpr int ScreenshotSettleMs = 300;
// While quitting, how often to look whether queued data has been written.
constexpr int QuitPollMs = 50;

QString recentHostsKey()
{
    return QStringLiteral("client/recentHosts");
}

QString geometryKey()
{
    return QStringLiteral("window/geometry");
}

QString windowStateKey()
{
    return QStringLiteral("window/state");
}

QString presentationKey()
{
    return QStringLiteral("view/presentation");
}

QString normalFontScaleKey()
{
    return QStringLiteral("view/normalFontScale");
}

QString lessonViewKey()
{
    return QStringLiteral("view/lessonView");
}

QString fontScaleKey()
{
    return QStringLiteral("view/fontScale");
}

constexpr double MinFontScale = 0.7;
constexpr double MaxFontScale = 3.0;
constexpr double FontScaleStep = 1.1;

QString lastWorkspaceKey()
{
    return QStringLiteral("workspace/last");
}

QString workspaceFilter()
{
    return MainWindow::tr("Socket Workbench workspaces (*.swb.json *.json);;All files (*)");
}

} // namespace

MainWindow::MainWindow(QWidget *parent)
    : QMainWindow(parent)
{
    setWindowTitle(tr("Socket Workbench"));
    resize(1280, 800);
    // On a projector's 1024x768 the window fits the screen; the offscreen platform's
    // pretend 800x600 screen must not shrink what --screenshot renders.
    const bool realScreen = QGuiApplication::platformName() != QLatin1String("offscreen")
                            && screen();
    if (realScreen)
        resize(size().boundedTo(screen()->availableSize()));
    restoreGeometry(QSettings().value(geometryKey()).toByteArray());
    // Saved on a larger screen (the desk's), the window must still fit the projector's.
    if (realScreen) {
        const QRect available = screen()->availableGeometry();
        QRect fitted = geometry();
        fitted.setSize(fitted.size().boundedTo(available.size()));
        fitted.moveLeft(
            qBound(available.left(), fitted.left(), available.right() - fitted.width() + 1));
        fitted.moveTop(
            qBound(available.top(), fitted.top(), available.bottom() - fitted.height() + 1));
        setGeometry(fitted);
    }

    m_tabs = new QTabWidget(this);
    m_tabs->setTabsClosable(true);
    m_tabs->setMovable(true);
    m_tabs->setDocumentMode(true);
    m_tabs->setUsesScrollButtons(true);
    m_tabs->tabBar()->setToolTip(tr("Each tab is one socket program: double-click a tab to "
                                    "rename it"));
    setCentralWidget(m_tabs);
    connect(m_tabs, &QTabWidget::tabCloseRequested, this, &MainWindow::requestCloseTab);
    connect(m_tabs->tabBar(), &QTabBar::tabBarDoubleClicked, this, &MainWindow::renameTab);

    // The lesson views sit beside the tabs, in a dock that can be hidden (View menu).
    m_lessonViews = new LessonViews(this);
    m_lessonDock = new QDockWidget(tr("Lesson views"), this);
    m_lessonDock->setObjectName(QStringLiteral("lessonDock"));
    m_lessonDock->setWidget(m_lessonViews);
    m_lessonDock->setToolTip(tr("What the current tab does: as Python code, as a map of its "
                                "sockets and as the timeline of one connection"));
    addDockWidget(Qt::RightDockWidgetArea, m_lessonDock);
    // Wide enough for the lesson's lines with their value comments; a third of the window.
    resizeDocks({m_lessonDock}, {width() * 3 / 10}, Qt::Horizontal);
    connect(m_tabs, &QTabWidget::currentChanged, this, &MainWindow::showCurrentLessonViews);
    connect(m_lessonViews, &LessonViews::currentViewChanged, this, [](LessonViews::View view) {
        QSettings().setValue(lessonViewKey(), int(view));
    });
    connect(m_lessonViews->timelineView(),
            &TimelineView::currentConnectionChanged,
            this,
            [this](int key) {
                const SessionPanel *current = panel(m_tabs->currentIndex());
                if (current && key > 0)
                    m_timelineConnections.insert(current->session()->id(), key);
            });

    // Elided rather than widening the window when the totals grow or the font is large.
    m_statusLabel = new ElidedLabel(this);
    m_statusLabel->setContentsMargins(0, 0, 12, 0); // clear of the size grip
    statusBar()->addPermanentWidget(m_statusLabel);
    statusBar()->setSizeGripEnabled(false); // it would cover the end of the totals
    m_statusTimer.setSingleShot(true);
    m_statusTimer.setInterval(StatusRefreshMs);
    connect(&m_statusTimer, &QTimer::timeout, this, &MainWindow::updateStatus);

    m_quitTimer.setInterval(QuitPollMs);
    connect(&m_quitTimer, &QTimer::timeout, this, &MainWindow::finishQuitting);
    m_screenshotTimer.setSingleShot(true);
    connect(&m_screenshotTimer, &QTimer::timeout, this, &MainWindow::takeScreenshot);

    m_recentHosts = QSettings().value(recentHostsKey()).toStringList();
    // The font before any scaling: taken once, as the application font is what scaling
    // changes (a second window must not scale the scaled one).
    static const QFont unscaledFont = QApplication::font();
    m_baseFont = unscaledFont;
    createActions();
    const QSettings settings;
    m_presentation = settings.value(presentationKey(), false).toBool();
    // Bounded: a hand-edited (or corrupt) setting must not open an unreadable window.
    m_fontScale = qBound(MinFontScale, settings.value(fontScaleKey(), 1.0).toDouble(), MaxFontScale);
    m_normalFontScale = qBound(MinFontScale,
                               settings.value(normalFontScaleKey(), 1.0).toDouble(),
                               MaxFontScale);
    m_presentationAction->setChecked(m_presentation);
    restoreState(settings.value(windowStateKey()).toByteArray()); // the lesson dock, hidden?
    m_lessonViews->setCurrentView(
        LessonViews::View(qBound(0, settings.value(lessonViewKey(), 0).toInt(), 2)));
    applyView();
    updateStatus();
}

void MainWindow::createActions()
{
    auto *newServer = new QAction(tr("New TCP &server"), this);
    newServer->setShortcut(QKeySequence(tr("Ctrl+Shift+S")));
    newServer->setToolTip(tr("A socket that binds, listens and accepts connections "
                             "(Ctrl+Shift+S)"));
    connect(newServer, &QAction::triggered, this, [this] {
        m_tabs->setCurrentWidget(newTcpServer());
    });
    auto *newClient = new QAction(tr("New TCP &client"), this);
    newClient->setShortcut(QKeySequence(tr("Ctrl+Shift+C")));
    newClient->setToolTip(tr("A socket that connects to a server (Ctrl+Shift+C)"));
    connect(newClient, &QAction::triggered, this, [this] {
        m_tabs->setCurrentWidget(newTcpClient());
    });
    auto *newUdp = new QAction(tr("New &UDP peer"), this);
    newUdp->setShortcut(QKeySequence(tr("Ctrl+Shift+U")));
    newUdp->setToolTip(tr("A datagram socket: sendto() and recvfrom(), no connection "
                          "(Ctrl+Shift+U)"));
    connect(newUdp, &QAction::triggered, this, [this] { m_tabs->setCurrentWidget(newUdpPeer()); });
    auto *closeTabAction = new QAction(tr("&Close tab"), this);
    closeTabAction->setShortcut(QKeySequence::Close);
    connect(closeTabAction, &QAction::triggered, this, [this] {
        requestCloseTab(m_tabs->currentIndex());
    });
    auto *renameAction = new QAction(tr("&Rename tab…"), this);
    renameAction->setShortcut(QKeySequence(Qt::Key_F2));
    connect(renameAction, &QAction::triggered, this, [this] { renameTab(m_tabs->currentIndex()); });
    auto *openWorkspaceAction = new QAction(tr("&Open workspace…"), this);
    openWorkspaceAction->setShortcut(QKeySequence::Open);
    openWorkspaceAction->setToolTip(tr("Open a saved workspace: its sessions replace the open "
                                       "tabs (you are asked first)"));
    connect(openWorkspaceAction, &QAction::triggered, this, [this] {
        const QString path = QFileDialog::getOpenFileName(this,
                                                          tr("Open workspace"),
                                                          lastWorkspacePath(),
                                                          workspaceFilter());
        if (path.isEmpty())
            return;
        QString error;
        const std::optional<Workspace> loaded = loadWorkspace(path, &error);
        if (!loaded) {
            QMessageBox::warning(this, tr("Open workspace"), error);
            return;
        }
        // A workspace is a whole lesson: it replaces the tabs (whose ports it would
        // otherwise find in use), after asking.
        if (m_tabs->count() > 0
            && QMessageBox::question(this,
                                     tr("Open workspace"),
                                     tr("Replace the %1 open tab(s) with the %2 session(s) of "
                                        "this workspace? Their connections are closed.")
                                         .arg(m_tabs->count())
                                         .arg(loaded->sessions.size()),
                                     QMessageBox::Yes | QMessageBox::Cancel)
                   != QMessageBox::Yes)
            return;
        closeAllTabs();
        openWorkspace(*loaded);
        m_tabs->setCurrentIndex(0);
        QSettings().setValue(lastWorkspaceKey(), QFileInfo(path).absoluteFilePath());
    });
    auto *saveWorkspaceAction = new QAction(tr("&Save workspace…"), this);
    saveWorkspaceAction->setShortcut(QKeySequence::Save);
    saveWorkspaceAction->setToolTip(tr("Save every tab with its settings, to prepare a lesson"));
    connect(saveWorkspaceAction, &QAction::triggered, this, [this] {
        QString path = QFileDialog::getSaveFileName(this,
                                                    tr("Save workspace"),
                                                    lastWorkspacePath().isEmpty()
                                                        ? tr("lesson.swb.json")
                                                        : lastWorkspacePath(),
                                                    workspaceFilter());
        if (path.isEmpty())
            return;
        if (QFileInfo(path).suffix().isEmpty())
            path += QStringLiteral(".swb.json");
        QString error;
        if (!saveWorkspaceTo(path, &error))
            QMessageBox::warning(this, tr("Save workspace"), error);
        else
            statusBar()->showMessage(tr("Saved the workspace to %1").arg(path), 5000);
    });
    auto *quitAction = new QAction(tr("&Quit"), this);
    quitAction->setShortcut(QKeySequence::Quit);
    connect(quitAction, &QAction::triggered, this, &QWidget::close);
    auto *aboutAction = new QAction(tr("&About Socket Workbench"), this);
    connect(aboutAction, &QAction::triggered, this, [this] {
        QMessageBox::about(this,
                           tr("About Socket Workbench"),
                           tr("<p><b>Socket Workbench %1</b></p><p>A workbench for teaching "
                              "and exploring sockets: TCP clients, TCP servers and UDP peers "
                              "you can click, with every read shown as recv() returned "
                              "it.</p>")
                               .arg(QApplication::applicationVersion()));
    });

    QMenu *fileMenu = menuBar()->addMenu(tr("&File"));
    fileMenu->addAction(newServer);
    fileMenu->addAction(newClient);
    fileMenu->addAction(newUdp);
    fileMenu->addSeparator();
    fileMenu->addAction(openWorkspaceAction);
    fileMenu->addAction(saveWorkspaceAction);
    fileMenu->addSeparator();
    fileMenu->addAction(renameAction);
    fileMenu->addAction(closeTabAction);
    fileMenu->addSeparator();
    fileMenu->addAction(quitAction);
    m_presentationAction = new QAction(tr("&Presentation mode"), this);
    m_presentationAction->setCheckable(true);
    m_presentationAction->setShortcut(QKeySequence(Qt::Key_F5));
    m_presentationAction->setToolTip(tr("Large fonts and high-contrast colours for a projector "
                                        "(F5)"));
    connect(m_presentationAction, &QAction::toggled, this, &MainWindow::setPresentationMode);
    auto *zoomInAction = new QAction(tr("Zoom &in"), this);
    zoomInAction->setShortcuts({QKeySequence::ZoomIn, QKeySequence(tr("Ctrl+="))});
    connect(zoomInAction, &QAction::triggered, this, [this] {
        setFontScale(m_fontScale * FontScaleStep);
    });
    auto *zoomOutAction = new QAction(tr("Zoom &out"), this);
    zoomOutAction->setShortcut(QKeySequence::ZoomOut);
    connect(zoomOutAction, &QAction::triggered, this, [this] {
        setFontScale(m_fontScale / FontScaleStep);
    });
    auto *zoomResetAction = new QAction(tr("&Reset zoom"), this);
    zoomResetAction->setShortcut(QKeySequence(tr("Ctrl+0")));
    connect(zoomResetAction, &QAction::triggered, this, [this] {
        setFontScale(m_presentation ? presentationScale() : 1.0);
    });
    QMenu *viewMenu = menuBar()->addMenu(tr("&View"));
    viewMenu->addAction(m_presentationAction);
    QAction *lessonAction = m_lessonDock->toggleViewAction();
    lessonAction->setText(tr("&Lesson views"));
    lessonAction->setShortcut(QKeySequence(tr("Ctrl+Shift+L")));
    lessonAction->setToolTip(tr("Show or hide the side panel with the Python code, the "
                                "socket map and the connection timeline of the current tab"));
    viewMenu->addAction(lessonAction);
    auto *mirrorAction = new QAction(tr("P&ython mirror"), this);
    mirrorAction->setShortcut(QKeySequence(tr("Ctrl+Shift+Y")));
    mirrorAction->setToolTip(tr("Show the Python code the current tab stands for"));
    connect(mirrorAction, &QAction::triggered, this, [this] {
        showLessonView(int(LessonViews::View::Python));
    });
    viewMenu->addAction(mirrorAction);
    auto *mapAction = new QAction(tr("Socket &map"), this);
    mapAction->setShortcut(QKeySequence(tr("Ctrl+Shift+M")));
    mapAction->setToolTip(tr("Show the map of the current tab's sockets and peers"));
    connect(mapAction, &QAction::triggered, this, [this] {
        showLessonView(int(LessonViews::View::Map));
    });
    viewMenu->addAction(mapAction);
    auto *timelineAction = new QAction(tr("Connection &timeline"), this);
    timelineAction->setShortcut(QKeySequence(tr("Ctrl+Shift+T")));
    timelineAction->setToolTip(tr("Show the sequence diagram of the selected connection"));
    connect(timelineAction, &QAction::triggered, this, [this] {
        showLessonView(int(LessonViews::View::Timeline));
    });
    viewMenu->addAction(timelineAction);
    viewMenu->addSeparator();
    viewMenu->addAction(zoomInAction);
    viewMenu->addAction(zoomOutAction);
    viewMenu->addAction(zoomResetAction);

    QMenu *helpMenu = menuBar()->addMenu(tr("&Help"));
    helpMenu->addAction(aboutAction);

    QToolBar *toolBar = addToolBar(tr("Sessions"));
    toolBar->setObjectName(QStringLiteral("sessionsToolBar"));
    toolBar->setMovable(false);
    toolBar->setToolButtonStyle(Qt::ToolButtonTextOnly);
    toolBar->addAction(newServer);
    toolBar->addAction(newClient);
    toolBar->addAction(newUdp);
}

SessionPanel *MainWindow::panel(int index) const
{
    return qobject_cast<SessionPanel *>(m_tabs->widget(index));
}

TcpServerPanel *MainWindow::newTcpServer()
{
    auto *panel = new TcpServerPanel(new TcpServerSession(m_nextSessionId++), m_tabs);
    addPanel(panel);
    return panel;
}

TcpClientPanel *MainWindow::newTcpClient()
{
    auto *panel = new TcpClientPanel(new TcpClientSession(m_nextSessionId++), m_tabs);
    panel->setRecentHosts(m_recentHosts);
    connect(panel, &TcpClientPanel::hostUsed, this, &MainWindow::rememberHost);
    addPanel(panel);
    return panel;
}

UdpPeerPanel *MainWindow::newUdpPeer()
{
    auto *panel = new UdpPeerPanel(new UdpPeerSession(m_nextSessionId++), m_tabs);
    addPanel(panel);
    return panel;
}

int MainWindow::addPanel(SessionPanel *panel)
{
    panel->logView()->setHighContrast(m_presentation);
    // The mirror first: adding the first tab makes it current, which shows its mirror.
    Session *session = panel->session();
    auto *mirror = new PythonMirror(session->kind(), session->recvSize(), this);
    connect(session, &Session::eventOccurred, mirror, &PythonMirror::append);
    connect(session, &Session::recvSizeChanged, mirror, &PythonMirror::setRecvSize);
    m_mirrors.insert(session->id(), mirror);
    m_totals.add(session);
    auto *map = new SocketMapModel(this);
    connect(session, &Session::eventOccurred, map, &SocketMapModel::append);
    if (auto *server = qobject_cast<TcpServerSession *>(session))
        connect(server,
                &TcpServerSession::waitingConnectionsChanged,
                map,
                &SocketMapModel::setWaiting);
    m_maps.insert(session->id(), map);
    auto *timeline = new ConnectionTimeline(this);
    timeline->setRecvSize(session->recvSize());
    connect(session, &Session::eventOccurred, timeline, &ConnectionTimeline::append);
    connect(session, &Session::recvSizeChanged, timeline, &ConnectionTimeline::setRecvSize);
    m_timelines.insert(session->id(), timeline);
    // Selecting a connection in a server's list shows its timeline.
    if (auto *server = qobject_cast<TcpServerPanel *>(panel)) {
        connect(server, &TcpServerPanel::currentConnectionChanged, this, [this, server](int id) {
            if (m_tabs->currentWidget() == server && id > 0)
                m_lessonViews->timelineView()->setConnection(id);
        });
    }
    const int index = m_tabs->addTab(panel, panel->title());
    connect(panel, &SessionPanel::titleChanged, this, [this, panel] {
        updateTabTitle(panel);
        scheduleStatusUpdate();
    });
    connect(session, &Session::eventOccurred, this, &MainWindow::scheduleStatusUpdate);
    if (m_recorder) {
        connect(session, &Session::eventOccurred, m_recorder, &TrafficRecorder::record);
        session->setReadingThrottled(m_recorder->isThrottling());
    }
    scheduleStatusUpdate();
    return index;
}

SessionPanel *MainWindow::openEndpoint(const EndpointSpec &spec, bool start)
{
    SessionPanel *panel = nullptr;
    switch (spec.kind) {
    case SessionKind::TcpServer:
        panel = newTcpServer();
        break;
    case SessionKind::TcpClient:
        panel = newTcpClient();
        break;
    case SessionKind::Udp:
        panel = newUdpPeer();
        break;
    }
    panel->applySpec(spec);
    if (start) {
        m_unsettled.insert(panel);
        connect(panel->session(),
                &Session::eventOccurred,
                this,
                [this, panel](const TrafficEvent &e) {
                    if (e.type == EventType::Listening || e.type == EventType::Connected
                        || e.type == EventType::Error)
                        markSettled(panel);
                });
        panel->start();
    }
    updateTabTitle(panel);
    return panel;
}

void MainWindow::openFirstStartLayout()
{
    TcpServerPanel *server = newTcpServer();
    server->setBindHost(QStringLiteral("0.0.0.0"));
    server->setPort(1337);
}

void MainWindow::openLesson()
{
    const QString lesson[] = {QStringLiteral("tcp-listen://0.0.0.0:1337?recv=1024"),
                              QStringLiteral("tcp://127.0.0.1:1337?recv=1024"),
                              QStringLiteral("udp://0.0.0.0:1337?recv=1024")};
    for (const QString &text : lesson) {
        const EndpointParseResult parsed = parseEndpoint(text);
        Q_ASSERT(parsed.spec);
        openEndpoint(*parsed.spec, parsed.spec->kind == SessionKind::TcpServer);
    }
}

void MainWindow::setRecorder(TrafficRecorder *recorder)
{
    Q_ASSERT(!m_recorder && m_tabs->count() == 0);
    m_recorder = recorder;
    connect(recorder, &TrafficRecorder::throttlingChanged, this, [this](bool throttling) {
        for (int i = 0; i < m_tabs->count(); ++i)
            panel(i)->session()->setReadingThrottled(throttling);
    });
    connect(recorder, &TrafficRecorder::failed, this, [this](const QString &message) {
        statusBar()->showMessage(message);
        std::fprintf(stderr, "%s\n", qPrintable(message));
    });
}

void MainWindow::shutdownSessions()
{
    for (int i = 0; i < m_tabs->count(); ++i)
        panel(i)->session()->shutdown();
}

void MainWindow::quitGracefully()
{
    if (m_quitting) {
        // Asked again during the grace period (a second Ctrl+C): the user will not wait.
        m_quitNow = true;
        finishQuitting();
        return;
    }
    m_quitting = true;
    shutdownSessions();
    m_quitClock.start();
    m_quitTimer.start();
    finishQuitting();
}

void MainWindow::finishQuitting()
{
    bool closing = false;
    for (int i = 0; i < m_tabs->count(); ++i)
        closing = closing || panel(i)->session()->isClosing();
    if (closing && !m_quitNow && !m_quitClock.hasExpired(QuitGraceMs))
        return;
    m_quitTimer.stop();
    for (int i = 0; i < m_tabs->count(); ++i)
        panel(i)->session()->abortAll();
    m_readyToQuit = true;
    if (m_exitCode != 0)
        QApplication::exit(m_exitCode);
    else
        QApplication::quit();
}

void MainWindow::setPresentationMode(bool on)
{
    if (on == m_presentation) {
        if (m_presentationAction->isChecked() != on)
            m_presentationAction->setChecked(on);
        return;
    }
    m_presentation = on;
    if (m_presentationAction->isChecked() != on)
        m_presentationAction->setChecked(on);
    // Leaving presentation mode goes back to the zoom the desk had before it.
    if (on)
        m_normalFontScale = m_fontScale;
    m_fontScale = on ? qMax(m_fontScale, presentationScale()) : m_normalFontScale;
    applyView();
}

double MainWindow::presentationScaleFor(const QSize &available)
{
    return available.width() < 1200 || available.height() < 900 ? SmallScreenPresentationScale
                                                                : PresentationScale;
}

double MainWindow::presentationScale() const
{
    // The offscreen platform's pretend 800x600 screen is no projector.
    if (QGuiApplication::platformName() == QLatin1String("offscreen") || !screen())
        return PresentationScale;
    return presentationScaleFor(screen()->availableSize());
}

void MainWindow::setFontScale(double scale)
{
    m_fontScale = qBound(MinFontScale, scale, MaxFontScale);
    applyView();
}

void MainWindow::applyView()
{
    // One application font: every widget that does not set its own follows, and those
    // that do (the big state labels, the log's monospace data) follow its change events.
    QFont font = m_baseFont;
    if (m_baseFont.pointSizeF() > 0)
        font.setPointSizeF(m_baseFont.pointSizeF() * m_fontScale);
    else
        font.setPixelSize(qRound(m_baseFont.pixelSize() * m_fontScale));
    QApplication::setFont(font);
    for (int i = 0; i < m_tabs->count(); ++i)
        panel(i)->logView()->setHighContrast(m_presentation);
    m_lessonViews->setLineWidthScale(m_presentation ? PresentationLineScale : 1.0);
    m_lessonViews->setHighContrast(m_presentation);
    QSettings settings;
    settings.setValue(presentationKey(), m_presentation);
    settings.setValue(fontScaleKey(), m_fontScale);
    settings.setValue(normalFontScaleKey(), m_presentation ? m_normalFontScale : m_fontScale);
}

void MainWindow::showCurrentLessonViews()
{
    const int index = m_tabs->currentIndex();
    ConnectionTimeline *shownTimeline = timeline(index);
    const bool switched = m_lessonViews->timelineView()->model() != shownTimeline;
    // Back on a tab, its timeline shows the connection it showed before (read first: a
    // new model picks its first connection by itself, which is remembered too).
    const SessionPanel *current = panel(index);
    const int shownBefore = current ? m_timelineConnections.value(current->session()->id(), -1)
                                    : -1;
    m_lessonViews->setSession(mirror(index),
                              socketMap(index),
                              shownTimeline,
                              index >= 0 ? m_tabs->tabText(index) : QString());
    if (switched && shownBefore > 0)
        m_lessonViews->timelineView()->setConnection(shownBefore);
}

void MainWindow::showLessonView(int view)
{
    // Only shows: pressed again mid-lesson it must not make the panel vanish and the tab
    // reflow under the class's eyes (Ctrl+Shift+L is the toggle).
    m_lessonViews->setCurrentView(LessonViews::View(view));
    m_lessonDock->show();
    m_lessonDock->raise();
}

void MainWindow::closeAllTabs()
{
    while (m_tabs->count() > 0)
        closeTab(0);
}

PythonMirror *MainWindow::mirror(int index) const
{
    const SessionPanel *each = panel(index);
    return each ? m_mirrors.value(each->session()->id()) : nullptr;
}

SocketMapModel *MainWindow::socketMap(int index) const
{
    const SessionPanel *each = panel(index);
    return each ? m_maps.value(each->session()->id()) : nullptr;
}

ConnectionTimeline *MainWindow::timeline(int index) const
{
    const SessionPanel *each = panel(index);
    return each ? m_timelines.value(each->session()->id()) : nullptr;
}

void MainWindow::setMirrorDirectory(const QString &directory)
{
    m_mirrorDirectory = directory;
}

bool MainWindow::writeMirrors(QString *errorMessage) const
{
    const QDir directory(m_mirrorDirectory);
    for (auto it = m_mirrors.cbegin(); it != m_mirrors.cend(); ++it) {
        if (!it.value()->save(directory.filePath(PythonMirror::fileName(it.key())), errorMessage))
            return false;
    }
    return true;
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    QSettings().setValue(geometryKey(), saveGeometry());
    QSettings().setValue(windowStateKey(), saveState());
    // The window stays until the sessions are closed; quitGracefully() then quits, and in
    // Qt 6 quit() asks the windows again: that time the answer is yes.
    if (m_readyToQuit) {
        event->accept();
        return;
    }
    event->ignore();
    quitGracefully();
}

Workspace MainWindow::workspace() const
{
    Workspace result;
    for (int i = 0; i < m_tabs->count(); ++i) {
        const SessionPanel *each = panel(i);
        WorkspaceSession session;
        session.endpoint = each->currentSpec();
        session.start = each->isStarted();
        session.title = m_customTitles.value(each);
        session.displayMode = each->logView()->displayMode();
        session.inputMode = each->sendBox()->inputMode();
        session.lineEnding = each->sendBox()->lineEnding();
        result.sessions.append(session);
    }
    return result;
}

void MainWindow::openWorkspace(const Workspace &workspace)
{
    for (const WorkspaceSession &session : workspace.sessions) {
        SessionPanel *opened = openEndpoint(session.endpoint, session.start);
        if (!session.title.isEmpty())
            m_customTitles.insert(opened, session.title);
        opened->logView()->setDisplayMode(session.displayMode);
        opened->sendBox()->setInputMode(session.inputMode);
        opened->sendBox()->setLineEnding(session.lineEnding);
        updateTabTitle(opened);
    }
}

bool MainWindow::saveWorkspaceTo(const QString &path, QString *errorMessage)
{
    if (!saveWorkspace(path, workspace(), errorMessage))
        return false;
    QSettings().setValue(lastWorkspaceKey(), QFileInfo(path).absoluteFilePath());
    return true;
}

bool MainWindow::openWorkspaceFile(const QString &path, QString *errorMessage)
{
    const std::optional<Workspace> loaded = loadWorkspace(path, errorMessage);
    if (!loaded)
        return false;
    const int first = m_tabs->count();
    openWorkspace(*loaded);
    if (m_tabs->count() > first)
        m_tabs->setCurrentIndex(first);
    QSettings().setValue(lastWorkspaceKey(), QFileInfo(path).absoluteFilePath());
    return true;
}

QString MainWindow::lastWorkspacePath()
{
    return QSettings().value(lastWorkspaceKey()).toString();
}

void MainWindow::updateTabTitle(SessionPanel *panel)
{
    const int index = m_tabs->indexOf(panel);
    if (index < 0)
        return;
    const QString custom = m_customTitles.value(panel);
    const QString text = custom.isEmpty() ? panel->title() : custom;
    // Unchanged, it is left alone: a new text lays the whole tab bar out again.
    if (m_tabs->tabText(index) == text && m_tabs->tabToolTip(index) == panel->title())
        return;
    m_tabs->setTabText(index, text);
    m_tabs->setTabToolTip(index, panel->title());
    if (index == m_tabs->currentIndex())
        showCurrentLessonViews();
}

void MainWindow::closeTab(int index)
{
    SessionPanel *closing = panel(index);
    if (!closing)
        return;
    m_customTitles.remove(closing);
    markSettled(closing);
    // Its sockets end now, and the log and the record say how (a peer that was still
    // being sent to gets a reset).
    closing->session()->shutdown();
    closing->session()->abortAll();
    // What it did stays in the totals (status bar, --stats).
    m_totals.retire(closing->session());
    // With --mirror, a closed tab's session still gets its file at exit, as it has its
    // lines in the record.
    if (m_mirrorDirectory.isEmpty()) {
        if (PythonMirror *mirror = m_mirrors.take(closing->session()->id()))
            mirror->deleteLater();
    }
    if (SocketMapModel *map = m_maps.take(closing->session()->id()))
        map->deleteLater();
    if (ConnectionTimeline *timeline = m_timelines.take(closing->session()->id()))
        timeline->deleteLater();
    m_timelineConnections.remove(closing->session()->id());
    m_tabs->removeTab(index);
    // The panel owns its session: deleting it closes every socket of that session.
    closing->deleteLater();
    scheduleStatusUpdate();
}

void MainWindow::requestCloseTab(int index)
{
    // A lesson's demo must not vanish with one stray click while students are connected.
    const SessionPanel *closing = panel(index);
    if (!closing)
        return;
    const int open = closing->openConnectionCount();
    if (open > 0
        && QMessageBox::question(this,
                                 tr("Close tab"),
                                 tr("Close \"%1\"? Its %2 open connection(s) will be closed and "
                                    "its log will be gone.")
                                     .arg(m_tabs->tabText(index), QString::number(open)),
                                 QMessageBox::Close | QMessageBox::Cancel)
               != QMessageBox::Close)
        return;
    closeTab(index);
}

void MainWindow::renameTab(int index)
{
    SessionPanel *renamed = panel(index);
    if (!renamed)
        return;
    bool ok = false;
    const QString name = QInputDialog::getText(this,
                                               tr("Rename tab"),
                                               tr("Name (empty = %1):").arg(renamed->title()),
                                               QLineEdit::Normal,
                                               m_tabs->tabText(index),
                                               &ok);
    if (!ok)
        return;
    if (name.trimmed().isEmpty() || name.trimmed() == renamed->title())
        m_customTitles.remove(renamed);
    else
        m_customTitles.insert(renamed, name.trimmed());
    updateTabTitle(renamed);
}

void MainWindow::scheduleStatusUpdate()
{
    if (!m_statusTimer.isActive())
        m_statusTimer.start();
}

QString MainWindow::statusSummary() const
{
    const SessionCounters totals = m_totals.totals();
    const QLocale locale;
    auto size = [&locale](qint64 bytes) {
        return locale.formattedDataSize(bytes, 1, QLocale::DataSizeSIFormat);
    };
    // Spelled out rather than tr("%n ...(s)"): without a translation loaded, Qt would
    // show the "(s)".
    const int sessions = m_tabs->count();
    const QString separator = QStringLiteral(" · ");
    QString text = (sessions == 1 ? tr("1 session") : tr("%1 sessions").arg(sessions)) + separator
                   + (totals.connectionsOpen == 1
                          ? tr("1 connection")
                          : tr("%1 connections").arg(totals.connectionsOpen))
                   // Said only when some have closed: the bar must fit a projector.
                   + (totals.connectionsTotal != totals.connectionsOpen
                          ? tr(" (%1 in all)").arg(totals.connectionsTotal)
                          : QString())
                   + separator
                   + (totals.reads == 1
                          ? tr("in %1 / 1 read").arg(size(totals.bytesIn))
                          : tr("in %1 / %2 reads").arg(size(totals.bytesIn)).arg(totals.reads))
                   + separator
                   + (totals.sends == 1
                          ? tr("out %1 / 1 send").arg(size(totals.bytesOut))
                          : tr("out %1 / %2 sends").arg(size(totals.bytesOut)).arg(totals.sends));
    bool udp = totals.datagramsIn > 0 || totals.datagramsOut > 0;
    for (const Session *session : m_totals.sessions())
        udp = udp || session->kind() == SessionKind::Udp;
    if (udp) {
        text += separator
                + tr("datagrams %1 in / %2 out").arg(totals.datagramsIn).arg(totals.datagramsOut);
    }
    return text;
}

QString MainWindow::statusDetails() const
{
    const QLocale locale;
    auto describe = [&locale](const SessionCounters &counters, bool tcp, bool udp) {
        QStringList lines;
        lines << tr("received %1 bytes in %2 reads (recv() / recvfrom() calls that returned "
                    "data)")
                     .arg(locale.toString(counters.bytesIn), locale.toString(counters.reads));
        lines << tr("sent %1 bytes in %2 sends (send() / sendto() calls)")
                     .arg(locale.toString(counters.bytesOut), locale.toString(counters.sends));
        if (tcp) {
            lines << tr("connections: %1 open, %2 in all (accept() or connect())")
                         .arg(locale.toString(counters.connectionsOpen),
                              locale.toString(counters.connectionsTotal));
        }
        if (udp) {
            lines << tr("datagrams: %1 received, %2 sent")
                         .arg(locale.toString(counters.datagramsIn),
                              locale.toString(counters.datagramsOut));
        }
        return lines;
    };
    QStringList lines{tr("Since the start, closed tabs included:")};
    for (const QString &line : describe(m_totals.totals(), true, true))
        lines << QStringLiteral("  ") + line;
    for (const Session *session : m_totals.sessions()) {
        const bool udp = session->kind() == SessionKind::Udp;
        lines << tr("Session %1 (%2):").arg(session->id()).arg(sessionKindName(session->kind()));
        for (const QString &line : describe(session->counters(), !udp, udp))
            lines << QStringLiteral("  ") + line;
    }
    return lines.join(QLatin1Char('\n'));
}

void MainWindow::updateStatus()
{
    m_statusLabel->setText(statusSummary());
    m_statusLabel->setToolTip(statusDetails());
}

void MainWindow::rememberHost(const QString &host)
{
    m_recentHosts.removeAll(host);
    m_recentHosts.prepend(host);
    while (m_recentHosts.size() > MaxRecentHosts)
        m_recentHosts.removeLast();
    QSettings().setValue(recentHostsKey(), m_recentHosts);
    for (int i = 0; i < m_tabs->count(); ++i) {
        if (auto *client = qobject_cast<TcpClientPanel *>(m_tabs->widget(i)))
            client->setRecentHosts(m_recentHosts);
    }
}

void MainWindow::saveScreenshotWhenSettled(const QString &fileName, int timeoutMs)
{
    m_screenshotFile = fileName;
    m_screenshotTimer.start(m_unsettled.isEmpty() ? ScreenshotSettleMs : timeoutMs);
}

void MainWindow::markSettled(SessionPanel *panel)
{
    if (!m_unsettled.remove(panel))
        return;
    if (m_unsettled.isEmpty() && !m_screenshotFile.isEmpty() && m_screenshotTimer.isActive())
        m_screenshotTimer.start(ScreenshotSettleMs);
}

void MainWindow::takeScreenshot()
{
    if (m_screenshotTaken || m_screenshotFile.isEmpty())
        return;
    m_screenshotTaken = true;
    updateStatus();
    const bool saved = grab().save(m_screenshotFile, "PNG");
    if (!saved) {
        qWarning("could not write the screenshot to %s", qPrintable(m_screenshotFile));
        m_exitCode = 1;
    }
    // Like any other quit: the sessions close and the record says how.
    quitGracefully();
}

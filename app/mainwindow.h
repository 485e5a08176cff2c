#pragma once

#include "sessiontotals.h"

#include <QElapsedTimer>
#include <QFont>
#include <QHash>
#include <QMainWindow>
#include <QMap>
#include <QSet>
#include <QTimer>

class ConnectionTimeline;
class ElidedLabel;
class LessonViews;
class PythonMirror;
class QAction;
class QDockWidget;
class QTabWidget;
class SessionPanel;
class SocketMapModel;
class TcpClientPanel;
class TcpServerPanel;
class TrafficRecorder;
class UdpPeerPanel;
struct EndpointSpec;
struct Workspace;

// Tabs of sessions, the menus and toolbar that open them, and a status bar with the
// totals. It never touches a socket: each panel binds its own session.
class MainWindow : public QMainWindow
{
    Q_OBJECT

public:
    explicit MainWindow(QWidget *parent = nullptr);

    QTabWidget *tabs() const { return m_tabs; }
    SessionPanel *panel(int index) const;

    TcpServerPanel *newTcpServer();
    TcpClientPanel *newTcpClient();
    UdpPeerPanel *newUdpPeer();
    // A tab for the endpoint, filled in; started (listen / connect / bind) when asked.
    SessionPanel *openEndpoint(const EndpointSpec &spec, bool start);
    // What a first start shows: a TCP server ready to listen on 0.0.0.0:1337.
    void openFirstStartLayout();
    // The lesson's own setup (--lesson), all with recv(1024): a TCP server listening on
    // 0.0.0.0:1337, and a TCP client and a UDP peer filled in for port 1337 that wait for
    // a click, so that the lesson's own Python servers can still take the port.
    void openLesson();
    // Every event of every session, also of tabs opened later, goes to the recorder; its
    // backpressure pauses reading in every session.
    void setRecorder(TrafficRecorder *recorder);
    // Closes every session's sockets gracefully (quit, SIGINT, SIGTERM).
    void shutdownSessions();
    // Quit, SIGINT, SIGTERM: close every session gracefully, give queued data up to
    // QuitGraceMs to be written, abort what is left (recorded as resets), then quit.
    void quitGracefully();
    static constexpr int QuitGraceMs = 2000;

    // The Python mirror of the tab's session (the code that does what it did so far);
    // nullptr for an index that is no tab.
    PythonMirror *mirror(int index) const;
    // The socket map of the tab's session; nullptr for an index that is no tab.
    SocketMapModel *socketMap(int index) const;
    // The connection timeline of the tab's session; nullptr for an index that is no tab.
    ConnectionTimeline *timeline(int index) const;
    // The side panel with the current tab's mirror and map (View menu; Ctrl+Shift+L).
    LessonViews *lessonViews() const { return m_lessonViews; }
    // --mirror DIR: the mirrors of closed tabs are kept too, for writeMirrors().
    void setMirrorDirectory(const QString &directory);
    // Writes DIR/session-N.py for every session this window opened, N its id as in the
    // record; false with a message at the first file that cannot be written.
    bool writeMirrors(QString *errorMessage) const;

    // The window's sessions with their settings, and opening them again (added as tabs).
    Workspace workspace() const;
    void openWorkspace(const Workspace &workspace);
    // File > Save / Open; the path is remembered and reopened at the next plain start.
    bool saveWorkspaceTo(const QString &path, QString *errorMessage);
    bool openWorkspaceFile(const QString &path, QString *errorMessage);
    // Closes every tab (and its sockets).
    void closeAllTabs();
    // The workspace saved or opened last, reopened when the app starts with nothing named.
    static QString lastWorkspacePath();
    // Renders the window to a PNG once every started session has a result (listening,
    // connected, bound or an error) or after timeoutMs, then quits with 0 (1 when the
    // file cannot be written).
    void saveScreenshotWhenSettled(const QString &fileName, int timeoutMs);

    // The counters of every session this window opened, closed tabs' included.
    const SessionTotals &sessionTotals() const { return m_totals; }
    // The status bar's text (the same counters as --stats) and its tooltip (all of them).
    QString statusSummary() const;
    QString statusDetails() const;

    // Presentation mode: every font scaled up (PresentationScale at least) and
    // high-contrast colours for sent and received data; remembered between starts.
    bool isPresentationMode() const { return m_presentation; }
    void setPresentationMode(bool on);
    // Ctrl+Plus / Ctrl+Minus / Ctrl+0: the scale of every font in the window.
    double fontScale() const { return m_fontScale; }
    void setFontScale(double scale);
    static constexpr double PresentationScale = 1.6;
    // On a small screen (a 1024x768 projector) 1.6 would leave no room for the lesson
    // views beside the tab; the pixels are large there anyway.
    static constexpr double SmallScreenPresentationScale = 1.3;
    static double presentationScaleFor(const QSize &available);
    // The one for the window's screen.
    double presentationScale() const;
    // Lines of the socket map and the timeline in presentation mode, to be seen from the back of the room.
    static constexpr double PresentationLineScale = 2.0;

protected:
    void closeEvent(QCloseEvent *event) override;

private:
    void createActions();
    int addPanel(SessionPanel *panel);
    void closeTab(int index);
    // closeTab() after asking, when the tab still has open connections (×, Ctrl+W).
    void requestCloseTab(int index);
    void renameTab(int index);
    void updateTabTitle(SessionPanel *panel);
    void scheduleStatusUpdate();
    void updateStatus();
    void rememberHost(const QString &host);
    void markSettled(SessionPanel *panel);
    void takeScreenshot();
    void finishQuitting();
    void applyView();
    void showCurrentLessonViews();
    // A lesson view's menu entry: shows the dock at that view.
    void showLessonView(int view);

    QTabWidget *m_tabs = nullptr;
    LessonViews *m_lessonViews = nullptr;
    QDockWidget *m_lessonDock = nullptr;
    ElidedLabel *m_statusLabel = nullptr;
    QTimer m_statusTimer;
    int m_nextSessionId = 1;
    QHash<const SessionPanel *, QString> m_customTitles;
    QStringList m_recentHosts;
    TrafficRecorder *m_recorder = nullptr;
    SessionTotals m_totals;
    QMap<int, PythonMirror *> m_mirrors;          // by session id; children of this window
    QHash<int, SocketMapModel *> m_maps;          // by session id; children of this window
    QHash<int, ConnectionTimeline *> m_timelines; // by session id; children of this window
    QHash<int, int> m_timelineConnections;        // the connection each tab's timeline last showed
    QString m_mirrorDirectory;

    // --screenshot: started sessions still waiting for a result.
    QSet<SessionPanel *> m_unsettled;
    QString m_screenshotFile;
    QTimer m_screenshotTimer;
    bool m_screenshotTaken = false;
    bool m_quitting = false;
    bool m_readyToQuit = false;
    bool m_quitNow = false;
    int m_exitCode = 0;
    bool m_presentation = false;
    double m_fontScale = 1.0;
    double m_normalFontScale = 1.0; // the zoom outside presentation mode
    QFont m_baseFont;
    QAction *m_presentationAction = nullptr;
    QTimer m_quitTimer;
    QElapsedTimer m_quitClock;
};

#pragma once

#include <QList>
#include <QPair>
#include <QWidget>

class QCheckBox;
class QLabel;
class QSpinBox;
class QVBoxLayout;
class SendBox;
class TcpConnection;
class Session;
class TrafficLogModel;
class TrafficLogView;
struct EndpointSpec;
struct TrafficEvent;

// What every session tab has: the session it shows (owned), its traffic log model and
// view, the send box, the recv size and echo options, and a status line. Subclasses add
// the controls of their socket kind on top and decide whom the send box sends to.
class SessionPanel : public QWidget
{
    Q_OBJECT

public:
    enum class Tone { Neutral, Good, Busy, Bad };

    ~SessionPanel() override;

    Session *session() const { return m_session; }
    TrafficLogModel *logModel() const { return m_logModel; }
    TrafficLogView *logView() const { return m_logView; }
    SendBox *sendBox() const { return m_sendBox; }
    QString statusText() const;

    // "Server :1337", "→ 127.0.0.1:1337", "UDP :5000".
    virtual QString title() const = 0;
    // Fills the fields from an endpoint spec (command line, workspace, lesson).
    virtual void applySpec(const EndpointSpec &spec);
    // Listen, connect or bind with what the fields say.
    virtual void start() = 0;
    // Open connections (a client: 0 or 1).
    virtual int openConnectionCount() const = 0;
    // What the fields say, as the endpoint that would open this tab again (workspaces).
    virtual EndpointSpec currentSpec() const = 0;
    // Listening, connected or bound right now.
    virtual bool isStarted() const = 0;

signals:
    void titleChanged();
    void statusChanged();

protected:
    // Takes ownership of session; subclasses lay out their rows into controlsLayout()
    // and call finishLayout() with the middle widget (the log, or a splitter with it).
    SessionPanel(Session *session, QWidget *parent);
    QVBoxLayout *controlsLayout() const { return m_controlsLayout; }
    void finishLayout(QWidget *middle);
    // The row with the lesson's recv(N) size and the echo auto-reply; extra widgets first.
    QWidget *createOptionsRow(const QList<QWidget *> &leading = {});
    void setStatus(const QString &text, Tone tone);
    // What is wrong with the fields now (the first problem of a bad port, host or
    // destination), empty when nothing is. It is shown in the status line while it lasts;
    // once fixed, the line is cleared unless it shows something else by then (a failed
    // connect, say).
    void setFieldProblem(const QString &problem);
    // Back to the field problem, if any, before a new action (Listen, Connect, Bind).
    void clearStatus();
    // Enables and disables controls, the enabled ones first. Qt gives the focus of a
    // disabled widget to the next one in the tab chain: after Connect that is the recv
    // size box, and the message typed next would change recv(N). A control disabled while
    // it has the focus hands it to focusTarget instead, which must be enabled by then.
    static void setControlsEnabled(const QList<QPair<QWidget *, bool>> &controls,
                                   QWidget *focusTarget);
    // The options every kind has (echo, recv=N) into a spec.
    void fillCommonOptions(EndpointSpec *spec) const;
    // Called for every event of the session, after the log got it.
    virtual void handleEvent(const TrafficEvent &event);
    // A label `factor` times the panel's font, readable from the back of a classroom;
    // it keeps that proportion when the fonts change (presentation mode, zoom).
    QLabel *createLargeLabel(QWidget *parent, qreal factor, bool bold);
    // The big, bold state label.
    QLabel *createStateLabel(QWidget *parent) { return createLargeLabel(parent, 1.25, true); }
    // "212,992 bytes received, not yet read (reading paused); 0 bytes sent, not yet
    // acknowledged": what the kernel holds for a connection (SIOCINQ / SIOCOUTQ).
    static QString kernelQueuesText(const TcpConnection *connection);
    // While reading is paused or bytes are in flight, the queues change with no traffic
    // event: whether a display of them needs refreshing.
    static bool kernelQueuesMove(const TcpConnection *connection);
    static constexpr int QueuesRefreshMs = 250;
    // How soon the title and buttons follow accepted and closed connections; storms of
    // them are coalesced into one update per interval.
    static constexpr int ConnectionsRefreshMs = 50;
    // Sizes computed from the font (row heights, column widths): again on every change.
    virtual void updateFontMetrics() {}
    void changeEvent(QEvent *event) override;
    static void setStateLabel(QLabel *label, const QString &text, Tone tone);

private:
    void applyLargeFont(QLabel *label) const;

    Session *m_session = nullptr;
    TrafficLogModel *m_logModel = nullptr;
    TrafficLogView *m_logView = nullptr;
    SendBox *m_sendBox = nullptr;
    QVBoxLayout *m_layout = nullptr;
    QVBoxLayout *m_controlsLayout = nullptr;
    QLabel *m_statusLabel = nullptr;
    QString m_fieldProblem;
    QSpinBox *m_recvSizeBox = nullptr;
    QCheckBox *m_echoBox = nullptr;
    QList<QLabel *> m_largeLabels; // children; their scale is a property
};

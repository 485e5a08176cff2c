#pragma once

#include "sessionpanel.h"

#include <QTimer>

class BindAddressBox;
class CountLabel;
class PortBox;
class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QTableView;
class TcpServerSession;

// The lesson's server: bind + listen on an address and port, one row per accepted
// connection (each its own socket), and a send box that sends to the selected
// connections or to all of them.
class TcpServerPanel : public SessionPanel
{
    Q_OBJECT

public:
    explicit TcpServerPanel(TcpServerSession *session, QWidget *parent = nullptr);

    TcpServerSession *server() const { return m_server; }
    QTableView *connectionView() const { return m_connectionView; }

    QString title() const override;
    void updateFontMetrics() override;
    void applySpec(const EndpointSpec &spec) override;
    void start() override;
    int openConnectionCount() const override;
    EndpointSpec currentSpec() const override;
    bool isStarted() const override;

    // The address and port fields.
    QString bindHost() const;
    void setBindHost(const QString &host);
    quint16 port() const;
    void setPort(quint16 port);
    // The ids of the selected connections, in list order.
    QList<int> selectedConnectionIds() const;

signals:
    // The connection the list's cursor is on (the one clicked last), by id.
    void currentConnectionChanged(int id);

private:
    void applyGreeting();
    void updateFieldProblems();
    void updateControls();
    void updateReachableLine();
    void updateSendTarget();
    void applyLogFilter();
    void updateAcceptControls();
    void updateQueues();
    void sendBytes(const QByteArray &bytes);
    void forSelected(void (TcpServerSession::*action)(int));
    bool isAnySelectedOpen() const;

    TcpServerSession *m_server = nullptr;
    BindAddressBox *m_bindBox = nullptr;
    PortBox *m_portBox = nullptr;
    QPushButton *m_listenButton = nullptr;
    QPushButton *m_stopButton = nullptr;
    QLabel *m_stateLabel = nullptr;
    QLineEdit *m_greetingEdit = nullptr;
    QWidget *m_reachableRow = nullptr;
    QLabel *m_reachableLabel = nullptr;
    QTableView *m_connectionView = nullptr;
    QPushButton *m_closeButton = nullptr;
    QPushButton *m_abortButton = nullptr;
    QPushButton *m_halfCloseButton = nullptr;
    QPushButton *m_removeClosedButton = nullptr;
    QCheckBox *m_sendToAllBox = nullptr;
    QPushButton *m_pauseButton = nullptr;
    QCheckBox *m_autoAcceptBox = nullptr;
    QPushButton *m_acceptNextButton = nullptr;
    QPushButton *m_acceptAllButton = nullptr;
    CountLabel *m_waitingLabel = nullptr;
    QLabel *m_queuesLabel = nullptr;
    QTimer m_queuesTimer;
    // Accepts and closes come in storms (a class connecting at once, ten thousand
    // scripts): the title, buttons and send target follow them once per interval.
    QTimer m_connectionsChangedTimer;
    QComboBox *m_logFilterBox = nullptr;
    QString m_greetingError; // why the greeting is not sent, or empty
};

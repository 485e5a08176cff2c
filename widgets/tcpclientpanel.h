#pragma once

#include "sessionpanel.h"

#include <QTimer>

#include <optional>

class PortBox;
class QComboBox;
class QLabel;
class QPushButton;
class TcpClientSession;

// The lesson's client: connect((host, port)), then send and recv on that one socket;
// close (FIN), abort (RST) or half-close (shutdown(SHUT_WR)).
class TcpClientPanel : public SessionPanel
{
    Q_OBJECT

public:
    explicit TcpClientPanel(TcpClientSession *session, QWidget *parent = nullptr);

    TcpClientSession *client() const { return m_client; }

    QString title() const override;
    void applySpec(const EndpointSpec &spec) override;
    void start() override;
    int openConnectionCount() const override;
    EndpointSpec currentSpec() const override;
    bool isStarted() const override;

    QString host() const;
    void setHost(const QString &host);
    quint16 port() const;
    void setPort(quint16 port);
    // Why the host field cannot be used, or empty when it can.
    QString hostError() const { return m_hostError; }
    // Hosts connected to before, newest first (offered in the host field).
    QStringList recentHosts() const;
    void setRecentHosts(const QStringList &hosts);

signals:
    // A connection succeeded to this host (for the recent-hosts list).
    void hostUsed(const QString &host);

private:
    void validateHost();
    void updateFieldProblems();
    void updateControls();
    void updateQueues();
    void startFromUser();

    TcpClientSession *m_client = nullptr;
    QComboBox *m_hostBox = nullptr;
    PortBox *m_portBox = nullptr;
    QPushButton *m_connectButton = nullptr;
    QPushButton *m_closeButton = nullptr;
    QPushButton *m_abortButton = nullptr;
    QPushButton *m_halfCloseButton = nullptr;
    QLabel *m_stateLabel = nullptr;
    QLabel *m_addressLabel = nullptr;
    QPushButton *m_pauseButton = nullptr;
    QLabel *m_queuesLabel = nullptr;
    QTimer m_queuesTimer;
    QString m_hostError;
    // The endpoint's send=TEXT: kept for currentSpec() (a workspace saves it), and sent once,
    // at the first connection after it was set.
    std::optional<QByteArray> m_sendOnConnect;
    bool m_sendOnConnectPending = false;
};

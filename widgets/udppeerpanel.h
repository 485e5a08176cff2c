#pragma once

#include "sessionpanel.h"

#include <optional>

class BindAddressBox;
class PortBox;
class QAction;
class QLabel;
class QLineEdit;
class QPushButton;
class UdpPeerSession;
struct SocketAddress;

// The lesson's UDP socket: optionally bind((addr, port)), sendto(data, (host, port))
// to a destination, and recvfrom() showing each datagram's sender, with one click to
// reply to a sender.
class UdpPeerPanel : public SessionPanel
{
    Q_OBJECT

public:
    explicit UdpPeerPanel(UdpPeerSession *session, QWidget *parent = nullptr);

    UdpPeerSession *peer() const { return m_peer; }

    QString title() const override;
    void applySpec(const EndpointSpec &spec) override;
    // Binds with the fields (what "Bind" does).
    void start() override;
    int openConnectionCount() const override { return 0; }
    EndpointSpec currentSpec() const override;
    bool isStarted() const override;

    QString bindHost() const;
    void setBindHost(const QString &host);
    quint16 port() const;
    void setPort(quint16 port);
    QString destination() const;
    void setDestination(const QString &hostPort);
    // Why the destination cannot be used, or empty when it can.
    QString destinationError() const { return m_destinationError; }
    // Makes a datagram's sender the destination (the lesson's sendto(data, addr)).
    void replyTo(const SocketAddress &sender);

private:
    void sendDatagram(const QByteArray &bytes);
    static QString destinationToolTip();
    void validateDestination();
    void updateFieldProblems();
    void updateControls();

    UdpPeerSession *m_peer = nullptr;
    BindAddressBox *m_bindBox = nullptr;
    PortBox *m_portBox = nullptr;
    QPushButton *m_bindButton = nullptr;
    QPushButton *m_unbindButton = nullptr;
    QLabel *m_stateLabel = nullptr;
    QLineEdit *m_destinationEdit = nullptr;
    QAction *m_replyAction = nullptr;
    QString m_destinationError;
    // The endpoint's send=TEXT: kept for currentSpec() (a workspace saves it), and sent once
    // to "to", at the first bind after it was set.
    std::optional<QByteArray> m_sendOnBind;
    bool m_sendOnBindPending = false;
};

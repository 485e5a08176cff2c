#pragma once

#include <QComboBox>

// The address of bind((address, port)), chosen from the lesson's usual ones (all
// interfaces, loopback, their IPv6 forms) and this machine's own addresses. A server and a
// UDP peer offer the same choices, so a student sees the same list in both.
class BindAddressBox : public QComboBox
{
    Q_OBJECT

public:
    explicit BindAddressBox(QWidget *parent = nullptr);

    // The chosen address as bind() takes it: "0.0.0.0", "::1", "192.0.2.10", a host name.
    QString host() const;
    // Chooses host; one not in the list (a workspace's host name, say) is added to it.
    void setHost(const QString &host);
};

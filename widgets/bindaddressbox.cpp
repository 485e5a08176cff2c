#include "bindaddressbox.h"

#include "localaddresses.h"

BindAddressBox::BindAddressBox(QWidget *parent)
    : QComboBox(parent)
{
    // As narrow as "All interfaces" allows when space is short (the list itself shows the
    // whole entries); the row gives it more when there is room.
    setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    setMinimumContentsLength(12);
    addItem(tr("All interfaces (0.0.0.0)"), QStringLiteral("0.0.0.0"));
    addItem(tr("Loopback only (127.0.0.1)"), QStringLiteral("127.0.0.1"));
    addItem(tr("All interfaces, IPv6 and IPv4 (::)"), QStringLiteral("::"));
    addItem(tr("IPv6 loopback only (::1)"), QStringLiteral("::1"));
    for (const LocalAddress &local : localAddresses()) {
        const QString address = local.address.toString();
        addItem(tr("%1 (%2 only)").arg(address, local.interfaceName), address);
    }
}

QString BindAddressBox::host() const
{
    return currentData().toString();
}

void BindAddressBox::setHost(const QString &host)
{
    int index = findData(host);
    if (index < 0) {
        addItem(host, host);
        index = count() - 1;
    }
    setCurrentIndex(index);
}

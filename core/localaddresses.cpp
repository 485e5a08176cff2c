#include "localaddresses.h"

#include <QNetworkInterface>

#include <algorithm>

QList<LocalAddress> localAddresses()
{
    QList<LocalAddress> result;
    const QList<QNetworkInterface> interfaces = QNetworkInterface::allInterfaces();
    for (const QNetworkInterface &interface : interfaces) {
        const auto flags = interface.flags();
        if (!flags.testFlag(QNetworkInterface::IsUp)
            || flags.testFlag(QNetworkInterface::IsLoopBack))
            continue;
        const QList<QNetworkAddressEntry> entries = interface.addressEntries();
        for (const QNetworkAddressEntry &entry : entries) {
            const QHostAddress address = entry.ip();
            if (address.isLinkLocal() || address.isLoopback())
                continue;
            result.append(LocalAddress{interface.humanReadableName(), address});
        }
    }
    std::stable_partition(result.begin(), result.end(), [](const LocalAddress &local) {
        return local.address.protocol() == QAbstractSocket::IPv4Protocol;
    });
    return result;
}

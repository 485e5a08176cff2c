#include "socketaddress.h"

QHostAddress unmappedAddress(const QHostAddress &address)
{
    // Not QHostAddress::toIPv4Address(&ok): it also converts "::" to 0.0.0.0.
    if (address.protocol() != QAbstractSocket::IPv6Protocol)
        return address;
    const Q_IPV6ADDR bytes = address.toIPv6Address();
    for (int i = 0; i < 10; ++i) {
        if (bytes[i] != 0)
            return address;
    }
    if (bytes[10] != 0xff || bytes[11] != 0xff)
        return address;
    return QHostAddress((quint32(bytes[12]) << 24) | (quint32(bytes[13]) << 16)
                        | (quint32(bytes[14]) << 8) | quint32(bytes[15]));
}

QString SocketAddress::hostString() const
{
    QHostAddress plain = unmappedAddress(address);
    plain.setScopeId(QString());
    return plain.toString();
}

QString SocketAddress::toString() const
{
    if (address.isNull())
        return QString();
    const QString host = hostString();
    if (unmappedAddress(address).protocol() == QAbstractSocket::IPv6Protocol)
        return QLatin1Char('[') + host + QLatin1String("]:") + QString::number(port);
    return host + QLatin1Char(':') + QString::number(port);
}

QString SocketAddress::toPythonTuple() const
{
    return QLatin1String("('") + hostString() + QLatin1String("', ") + QString::number(port)
           + QLatin1Char(')');
}

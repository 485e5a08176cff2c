#pragma once

#include <QHostAddress>
#include <QList>
#include <QString>

// One address of this machine, for the bind chooser and the "students connect to" line.
struct LocalAddress
{
    QString interfaceName; // "eth0"
    QHostAddress address;
};

// The machine's own addresses on interfaces that are up, loopback excluded, IPv4 first;
// IPv6 link-local addresses are left out (they need a scope no student will type).
QList<LocalAddress> localAddresses();

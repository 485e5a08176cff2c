#pragma once

#include "trafficevent.h"

#include <QHostAddress>

// The event the log benchmarks append a million times over: one received read on
// connection 1 of a server tab listening on 127.0.0.1:1337. Callers set the payload, time
// and connection of each copy.
inline TrafficEvent templateEvent()
{
    TrafficEvent event;
    event.session = 1;
    event.connection = 1;
    event.kind = SessionKind::TcpServer;
    event.type = EventType::Received;
    event.local = {QHostAddress(QStringLiteral("127.0.0.1")), 1337};
    event.peer = {QHostAddress(QStringLiteral("127.0.0.1")), 54321};
    return event;
}

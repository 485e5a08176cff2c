#include "trafficevent.h"

#include <QDateTime>

QString sessionKindName(SessionKind kind)
{
    switch (kind) {
    case SessionKind::TcpServer:
        return QStringLiteral("tcp-listen");
    case SessionKind::TcpClient:
        return QStringLiteral("tcp");
    case SessionKind::Udp:
        return QStringLiteral("udp");
    }
    Q_UNREACHABLE();
    return QString();
}

QString eventTypeName(EventType type)
{
    switch (type) {
    case EventType::Listening:
        return QStringLiteral("listening");
    case EventType::Stopped:
        return QStringLiteral("stopped");
    case EventType::Connecting:
        return QStringLiteral("connecting");
    case EventType::Connected:
        return QStringLiteral("connected");
    case EventType::Accepted:
        return QStringLiteral("accepted");
    case EventType::Sent:
        return QStringLiteral("sent");
    case EventType::Received:
        return QStringLiteral("received");
    case EventType::Eof:
        return QStringLiteral("eof");
    case EventType::Closed:
        return QStringLiteral("closed");
    case EventType::Error:
        return QStringLiteral("error");
    case EventType::Note:
        return QStringLiteral("note");
    }
    Q_UNREACHABLE();
    return QString();
}

qint64 currentEventTime()
{
    return QDateTime::currentMSecsSinceEpoch();
}

#pragma once

#include "session.h"

#include <QList>
#include <QObject>

// Keeps every event a session reports, for tests to wait on and inspect.
class EventCollector : public QObject
{
public:
    explicit EventCollector(Session *session)
        : QObject(session)
    {
        connect(session, &Session::eventOccurred, this, [this](const TrafficEvent &event) {
            events.append(event);
        });
    }

    QList<TrafficEvent> ofType(EventType type, int connection = -1) const
    {
        QList<TrafficEvent> result;
        for (const TrafficEvent &event : events) {
            if (event.type == type && (connection < 0 || event.connection == connection))
                result.append(event);
        }
        return result;
    }

    int count(EventType type, int connection = -1) const
    {
        return int(ofType(type, connection).size());
    }

    bool has(EventType type, int connection = -1) const { return count(type, connection) > 0; }

    // Everything received (or sent), concatenated in order.
    QByteArray bytes(EventType type, int connection = -1) const
    {
        QByteArray result;
        for (const TrafficEvent &event : ofType(type, connection))
            result += event.payload;
        return result;
    }

    QList<EventType> types(int connection = -1) const
    {
        QList<EventType> result;
        for (const TrafficEvent &event : events) {
            if (connection < 0 || event.connection == connection)
                result.append(event.type);
        }
        return result;
    }

    QList<TrafficEvent> events;
};

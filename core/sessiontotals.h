#pragma once

#include "session.h"

#include <QList>
#include <QPointer>

// The counters of every session a window opened, for the status bar and --stats: the
// open sessions one by one, and totals that keep what closed sessions did. Totals only
// grow, except connectionsOpen (a closed session has no open connection).
class SessionTotals
{
public:
    // Starts counting the session in the totals; it is listed until retired.
    void add(Session *session);
    // The session is going away (its tab closed): what it did stays in the totals. Call
    // after its sockets are closed, so that its last events are counted.
    void retire(Session *session);

    // The sessions added and not retired, in the order they were added.
    QList<const Session *> sessions() const;
    // Everything every session did, closed ones included.
    SessionCounters totals() const;

private:
    QList<QPointer<Session>> m_sessions;
    SessionCounters m_retired;
};

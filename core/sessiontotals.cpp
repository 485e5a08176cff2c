#include "sessiontotals.h"

void SessionTotals::add(Session *session)
{
    Q_ASSERT(session);
    m_sessions.append(session);
}

void SessionTotals::retire(Session *session)
{
    const qsizetype index = m_sessions.indexOf(session);
    if (index < 0)
        return;
    SessionCounters kept = session->counters();
    kept.connectionsOpen = 0;
    m_retired += kept;
    m_sessions.removeAt(index);
}

QList<const Session *> SessionTotals::sessions() const
{
    QList<const Session *> result;
    result.reserve(m_sessions.size());
    // A session deleted without retire() (a bug) is skipped rather than read.
    for (const QPointer<Session> &session : m_sessions) {
        if (session)
            result.append(session.data());
    }
    return result;
}

SessionCounters SessionTotals::totals() const
{
    SessionCounters sum = m_retired;
    for (const QPointer<Session> &session : m_sessions) {
        if (session)
            sum += session->counters();
    }
    return sum;
}

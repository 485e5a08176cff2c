#pragma once

#include "eventloopmonitor.h"
#include "session.h"

#include <QByteArray>
#include <QElapsedTimer>
#include <QList>
#include <QObject>
#include <QString>
#include <QTimer>

class SessionTotals;

// One --stats line's figures, taken at one moment.
struct StatsSample
{
    struct SessionEntry
    {
        int session = 0;
        SessionKind kind = SessionKind::TcpClient;
        SessionCounters counters;
    };

    qint64 msecsSinceEpoch = 0; // UTC
    qint64 uptimeMs = 0;
    double latenessMaxMs = 0;
    double latenessP99Ms = 0;
    qint64 rssBytes = 0;
    int descriptors = 0;
    SessionCounters totals;
    QList<SessionEntry> sessions;
};

// One --stats line, newline included (README.md, "--stats"; the benchmarks parse it):
// {"time":...,"uptime_ms":...,"lateness_ms":{"max":...,"p99":...},"rss_bytes":...,
//  "fds":...,"totals":{COUNTERS},"sessions":[{"session":1,"kind":"tcp",COUNTERS},...]}
QByteArray statsLine(const StatsSample &sample);

// --stats FILE ("-" = stdout): once a second a line with every session's counters, how
// late the event loop ran over that second, and what the process costs; a last line at
// finish(), so that a short run has figures too. Each line is written whole as soon as it
// is made. A write that fails is said once on stderr (and by failed()); no line follows.
class StatsReporter : public QObject
{
    Q_OBJECT

public:
    static constexpr int IntervalMs = 1000;

    explicit StatsReporter(QObject *parent = nullptr);
    ~StatsReporter() override;

    // Opens (creates or truncates) the file, or takes stdout for "-"; false with a
    // message naming the file and the reason when it cannot be written.
    bool open(const QString &path, QString *errorMessage);
    bool isOpen() const { return m_descriptor >= 0; }

    // Starts the clock, the lateness monitor and the line each second, counting from the
    // sessions of totals (which must outlive finish()).
    void start(const SessionTotals *totals);
    // The figures now (lateness since the last line); the lateness window starts over.
    StatsSample takeSample();
    // Writes the last line and closes the file.
    void finish();
    qint64 linesWritten() const { return m_lines; }

signals:
    void failed(const QString &message);

private:
    void writeLine();
    void close();

    int m_descriptor = -1;
    bool m_ownsDescriptor = false;
    QString m_path;
    bool m_failed = false;
    qint64 m_lines = 0;
    const SessionTotals *m_totals = nullptr;
    QElapsedTimer m_uptime;
    QTimer m_timer;
    EventLoopMonitor m_monitor;
};

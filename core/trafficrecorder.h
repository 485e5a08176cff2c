#pragma once

#include <QByteArray>
#include <QObject>
#include <QString>

#include <memory>

class QSocketNotifier;
struct TrafficEvent;

// Writes every event as a JSON line (--record FILE, "-" for stdout), each line handed
// to the system as soon as it is made. The file is never allowed to block the window:
// lines wait in memory while a slow reader (a pipe) catches up, and past HighWater the
// recorder asks the sessions to stop reading (throttlingChanged) until it is below
// LowWater again. So a slow reader slows the sockets; no line is ever dropped.
class TrafficRecorder : public QObject
{
    Q_OBJECT

public:
    static constexpr qint64 HighWater = 4 * 1024 * 1024;
    static constexpr qint64 LowWater = 256 * 1024;
    // Written lines are dropped from memory once this many are behind us.
    static constexpr qint64 CompactThreshold = 1024 * 1024;
    // At exit, how long a stalled reader is waited for.
    static constexpr int FinishTimeoutMs = 10000;

    explicit TrafficRecorder(QObject *parent = nullptr);
    ~TrafficRecorder() override;

    // Opens (creates or truncates) the file, or takes stdout for "-"; false with a
    // message naming the file and the reason when it cannot be written.
    bool open(const QString &path, QString *errorMessage);
    bool isOpen() const { return m_descriptor >= 0; }

    void record(const TrafficEvent &event);
    qint64 pendingBytes() const { return m_buffer.size() - m_offset; }
    bool isThrottling() const { return m_throttling; }
    qint64 linesWritten() const { return m_lines; }

    // Writes what is still waiting, blocking if it must (at exit), then closes.
    void finish();

signals:
    void throttlingChanged(bool throttling);
    // Writing failed for good (the reader went away, the disk is full).
    void failed(const QString &message);

private:
    void writePending();
    void updateThrottling();
    void close();

    int m_descriptor = -1;
    bool m_ownsDescriptor = false;
    int m_originalFlags = -1;
    QString m_path;
    QByteArray m_buffer;
    qint64 m_offset = 0; // bytes of m_buffer already written
    bool m_throttling = false;
    bool m_failed = false;
    qint64 m_lines = 0;
    std::unique_ptr<QSocketNotifier> m_writeNotifier;
};

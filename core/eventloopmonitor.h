#pragma once

#include <QElapsedTimer>
#include <QObject>
#include <QTimer>

#include <array>

// Lateness samples counted in fixed buckets: adding one never allocates, and a
// percentile is one walk over the buckets. 10 µs buckets up to 100 ms (the 2 decimals of
// a millisecond --stats prints), 1 ms buckets up to 10 s, one bucket beyond.
class LatenessHistogram
{
public:
    static constexpr qint64 FineBucketNs = 10'000;
    static constexpr int FineBuckets = 10'000; // up to 100 ms
    static constexpr qint64 CoarseBucketNs = 1'000'000;
    static constexpr int CoarseBuckets = 9'900; // 100 ms up to 10 s

    void add(qint64 latenessNs);
    void clear();

    qint64 count() const { return m_count; }
    double maxMs() const { return m_maxNs / 1e6; }
    // The lateness that fraction (0.99 for p99) of the samples did not exceed, to a
    // bucket's precision: the upper edge of the bucket holding that sample, never more
    // than the largest sample. 0 without samples.
    double percentileMs(double fraction) const;

private:
    static int bucketOf(qint64 latenessNs);
    static qint64 upperEdgeNs(int bucket);

    std::array<quint32, FineBuckets + CoarseBuckets + 1> m_buckets{};
    int m_highestBucket = -1; // clear() resets only what was used
    qint64 m_count = 0;
    qint64 m_maxNs = 0;
};

// How late the event loop runs: a precise timer asks to fire every IntervalMs and
// measures how much later than asked it really fires. Everything the loop does between
// (a flood of reads, a repaint) shows up as lateness. Runs only while started (--stats),
// so an idle app is not woken up 100 times a second.
class EventLoopMonitor : public QObject
{
    Q_OBJECT

public:
    static constexpr int IntervalMs = 10;

    explicit EventLoopMonitor(QObject *parent = nullptr);

    void start();
    void stop();
    bool isActive() const { return m_timer.isActive(); }

    // The samples since the last call (or start()); the histogram starts over.
    struct Window
    {
        qint64 samples = 0;
        double maxMs = 0;
        double p99Ms = 0;
    };
    Window takeWindow();

private:
    void tick();

    QTimer m_timer;
    QElapsedTimer m_clock;
    qint64 m_expectedNs = 0;
    LatenessHistogram m_histogram;
};

#include "eventloopmonitor.h"

#include <algorithm>
#include <cmath>
#include <limits>

void LatenessHistogram::add(qint64 latenessNs)
{
    // A timer may fire a hair early; that is no lateness.
    latenessNs = std::max<qint64>(0, latenessNs);
    const int bucket = bucketOf(latenessNs);
    ++m_buckets[size_t(bucket)];
    m_highestBucket = std::max(m_highestBucket, bucket);
    ++m_count;
    m_maxNs = std::max(m_maxNs, latenessNs);
}

void LatenessHistogram::clear()
{
    std::fill(m_buckets.begin(), m_buckets.begin() + (m_highestBucket + 1), 0);
    m_highestBucket = -1;
    m_count = 0;
    m_maxNs = 0;
}

double LatenessHistogram::percentileMs(double fraction) const
{
    if (m_count == 0)
        return 0;
    // The rank of the sample asked for, 1-based: p99 of 100 samples is the 99th smallest.
    const qint64 rank = std::clamp<qint64>(qint64(std::ceil(fraction * double(m_count))),
                                           1,
                                           m_count);
    qint64 seen = 0;
    for (int bucket = 0; bucket <= m_highestBucket; ++bucket) {
        seen += m_buckets[size_t(bucket)];
        if (seen >= rank)
            return std::min(upperEdgeNs(bucket), m_maxNs) / 1e6;
    }
    return maxMs();
}

int LatenessHistogram::bucketOf(qint64 latenessNs)
{
    if (latenessNs < FineBucketNs * FineBuckets)
        return int(latenessNs / FineBucketNs);
    const qint64 coarse = (latenessNs - FineBucketNs * FineBuckets) / CoarseBucketNs;
    return FineBuckets + int(std::min<qint64>(coarse, CoarseBuckets));
}

qint64 LatenessHistogram::upperEdgeNs(int bucket)
{
    if (bucket < FineBuckets)
        return qint64(bucket + 1) * FineBucketNs;
    if (bucket < FineBuckets + CoarseBuckets)
        return FineBucketNs * FineBuckets + qint64(bucket - FineBuckets + 1) * CoarseBucketNs;
    return std::numeric_limits<qint64>::max(); // beyond 10 s: the largest sample says how far
}

EventLoopMonitor::EventLoopMonitor(QObject *parent)
    : QObject(parent)
{
    // Single shot, armed again at each tick: a repeating timer catches up on its own
    // schedule, which would hide part of a delay in the next interval.
    m_timer.setSingleShot(true);
    m_timer.setTimerType(Qt::PreciseTimer);
    m_timer.setInterval(IntervalMs);
    connect(&m_timer, &QTimer::timeout, this, &EventLoopMonitor::tick);
}

void EventLoopMonitor::start()
{
    m_histogram.clear();
    m_clock.start();
    m_expectedNs = qint64(IntervalMs) * 1'000'000;
    m_timer.start();
}

void EventLoopMonitor::stop()
{
    m_timer.stop();
}

EventLoopMonitor::Window EventLoopMonitor::takeWindow()
{
    Window window;
    window.samples = m_histogram.count();
    window.maxMs = m_histogram.maxMs();
    window.p99Ms = m_histogram.percentileMs(0.99);
    m_histogram.clear();
    return window;
}

void EventLoopMonitor::tick()
{
    const qint64 now = m_clock.nsecsElapsed();
    m_histogram.add(now - m_expectedNs);
    m_expectedNs = now + qint64(IntervalMs) * 1'000'000;
    m_timer.start();
}

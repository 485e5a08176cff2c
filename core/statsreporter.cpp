#include "statsreporter.h"

#include "outputfile.h"
#include "processusage.h"
#include "sessiontotals.h"

#include <QDateTime>
#include <QFile>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

namespace {

// A stalled reader of stdout gets this long per line before stats give up on it.
constexpr int WriteTimeoutMs = 1000;

void appendCounters(QByteArray &out, const SessionCounters &counters)
{
    out += "\"bytes_in\":" + QByteArray::number(counters.bytesIn);
    out += ",\"bytes_out\":" + QByteArray::number(counters.bytesOut);
    out += ",\"reads\":" + QByteArray::number(counters.reads);
    out += ",\"sends\":" + QByteArray::number(counters.sends);
    out += ",\"connections_open\":" + QByteArray::number(counters.connectionsOpen);
    out += ",\"connections_total\":" + QByteArray::number(counters.connectionsTotal);
    out += ",\"datagrams_in\":" + QByteArray::number(counters.datagramsIn);
    out += ",\"datagrams_out\":" + QByteArray::number(counters.datagramsOut);
}

} // namespace

QByteArray statsLine(const StatsSample &sample)
{
    QByteArray out;
    out.reserve(400 + 230 * sample.sessions.size());
    out += "{\"time\":\"";
    out += QDateTime::fromMSecsSinceEpoch(sample.msecsSinceEpoch, Qt::UTC)
               .toString(Qt::ISODateWithMs)
               .toLatin1();
    out += "\",\"uptime_ms\":" + QByteArray::number(sample.uptimeMs);
    out += ",\"lateness_ms\":{\"max\":" + QByteArray::number(sample.latenessMaxMs, 'f', 2);
    out += ",\"p99\":" + QByteArray::number(sample.latenessP99Ms, 'f', 2);
    out += "},\"rss_bytes\":" + QByteArray::number(sample.rssBytes);
    out += ",\"fds\":" + QByteArray::number(sample.descriptors);
    out += ",\"totals\":{";
    appendCounters(out, sample.totals);
    out += "},\"sessions\":[";
    bool first = true;
    for (const StatsSample::SessionEntry &entry : sample.sessions) {
        if (!first)
            out += ',';
        first = false;
        out += "{\"session\":" + QByteArray::number(entry.session);
        out += ",\"kind\":\"" + sessionKindName(entry.kind).toLatin1() + "\",";
        appendCounters(out, entry.counters);
        out += '}';
    }
    out += "]}\n";
    return out;
}

StatsReporter::StatsReporter(QObject *parent)
    : QObject(parent)
{
    m_timer.setTimerType(Qt::PreciseTimer);
    m_timer.setInterval(IntervalMs);
    connect(&m_timer, &QTimer::timeout, this, &StatsReporter::writeLine);
}

StatsReporter::~StatsReporter()
{
    close();
}

bool StatsReporter::open(const QString &path, QString *errorMessage)
{
    Q_ASSERT(!isOpen());
    m_path = path;
    QString why;
    const OutputDescriptor output = openOutput(path, &why);
    if (output.descriptor < 0) {
        if (errorMessage)
            *errorMessage = tr("cannot write the stats file '%1': %2").arg(path, why);
        return false;
    }
    m_descriptor = output.descriptor;
    m_ownsDescriptor = output.owned;
    return true;
}

void StatsReporter::start(const SessionTotals *totals)
{
    m_totals = totals;
    m_uptime.start();
    m_monitor.start();
    m_timer.start();
}

StatsSample StatsReporter::takeSample()
{
    StatsSample sample;
    sample.msecsSinceEpoch = QDateTime::currentMSecsSinceEpoch();
    sample.uptimeMs = m_uptime.isValid() ? m_uptime.elapsed() : 0;
    const EventLoopMonitor::Window lateness = m_monitor.takeWindow();
    sample.latenessMaxMs = lateness.maxMs;
    sample.latenessP99Ms = lateness.p99Ms;
    sample.rssBytes = residentSetBytes();
    sample.descriptors = openDescriptorCount();
    if (m_totals) {
        sample.totals = m_totals->totals();
        for (const Session *session : m_totals->sessions())
            sample.sessions.append({session->id(), session->kind(), session->counters()});
    }
    return sample;
}

void StatsReporter::finish()
{
    m_timer.stop();
    if (isOpen() && !m_failed)
        writeLine();
    m_monitor.stop();
    close();
}

void StatsReporter::writeLine()
{
    if (!isOpen() || m_failed)
        return;
    const QByteArray line = statsLine(takeSample());
    qsizetype offset = 0;
    while (offset < line.size()) {
        const ssize_t written = ::write(m_descriptor,
                                        line.constData() + offset,
                                        size_t(line.size() - offset));
        if (written > 0) {
            offset += written;
            continue;
        }
        const int error = written < 0 ? errno : EIO;
        if (error == EINTR)
            continue;
        // stdout may be a non-blocking pipe: wait a little for its reader, not forever.
        if (error == EAGAIN || error == EWOULDBLOCK) {
            pollfd writable{m_descriptor, POLLOUT, 0};
            if (::poll(&writable, 1, WriteTimeoutMs) > 0)
                continue;
        }
        m_failed = true;
        m_timer.stop();
        m_monitor.stop();
        const QString reason = (error == EAGAIN || error == EWOULDBLOCK)
                                   ? tr("its reader took nothing for %1 s").arg(WriteTimeoutMs / 1000)
                                   : QString::fromLocal8Bit(std::strerror(error));
        const QString message = tr("writing the stats '%1' failed: %2; no more stats are "
                                   "written")
                                    .arg(m_path, reason);
        std::fprintf(stderr, "%s\n", qPrintable(message));
        emit failed(message);
        return;
    }
    ++m_lines;
}

void StatsReporter::close()
{
    if (m_ownsDescriptor && m_descriptor >= 0)
        ::close(m_descriptor);
    m_descriptor = -1;
    m_ownsDescriptor = false;
}

#include "trafficrecorder.h"

#include "outputfile.h"
#include "recordformat.h"
#include "trafficevent.h"

#include <QDeadlineTimer>
#include <QFile>
#include <QSocketNotifier>

#include <cerrno>
#include <cstring>

#include <cstdio>

#include <fcntl.h>
#include <poll.h>
#include <sys/stat.h>
#include <unistd.h>

TrafficRecorder::TrafficRecorder(QObject *parent)
    : QObject(parent)
{}

TrafficRecorder::~TrafficRecorder()
{
    finish();
}

bool TrafficRecorder::open(const QString &path, QString *errorMessage)
{
    Q_ASSERT(!isOpen());
    m_path = path;
    QString why;
    const OutputDescriptor output = openOutput(path, &why);
    if (output.descriptor < 0) {
        if (errorMessage)
            *errorMessage = tr("cannot write the record file '%1': %2").arg(path, why);
        return false;
    }
    m_descriptor = output.descriptor;
    m_ownsDescriptor = output.owned;
    // Non-blocking for pipes and sockets, so that a slow reader makes lines wait here
    // instead of freezing the window. Not for terminals and files: the flag belongs to the
    // open file, which a terminal shares with the shell; and files never make us wait long.
    struct stat status = {};
    if (::fstat(m_descriptor, &status) == 0
        && (S_ISFIFO(status.st_mode) || S_ISSOCK(status.st_mode))) {
        m_originalFlags = ::fcntl(m_descriptor, F_GETFL);
        if (m_originalFlags >= 0)
            ::fcntl(m_descriptor, F_SETFL, m_originalFlags | O_NONBLOCK);
    }
    return true;
}

void TrafficRecorder::record(const TrafficEvent &event)
{
    if (!isOpen() || m_failed || !isRecorded(event))
        return;
    m_buffer += recordLine(event);
    ++m_lines;
    if (!m_writeNotifier || !m_writeNotifier->isEnabled())
        writePending();
    updateThrottling();
}

void TrafficRecorder::writePending()
{
    while (m_offset < m_buffer.size()) {
        const ssize_t written = ::write(m_descriptor,
                                        m_buffer.constData() + m_offset,
                                        size_t(m_buffer.size() - m_offset));
        const int error = written < 0 ? errno : EIO;
        if (written > 0) {
            m_offset += written;
            continue;
        }
        if (error == EINTR)
            continue;
        if (error == EAGAIN || error == EWOULDBLOCK) {
            // What was written need not stay in memory while a slow reader catches up.
            if (m_offset >= CompactThreshold && m_offset * 2 >= m_buffer.size()) {
                m_buffer.remove(0, m_offset);
                m_offset = 0;
            }
            if (!m_writeNotifier) {
                m_writeNotifier = std::make_unique<QSocketNotifier>(m_descriptor,
                                                                    QSocketNotifier::Write);
                connect(m_writeNotifier.get(),
                        &QSocketNotifier::activated,
                        this,
                        &TrafficRecorder::writePending);
            }
            m_writeNotifier->setEnabled(true);
            return;
        }
        m_failed = true;
        m_buffer.clear();
        m_offset = 0;
        if (m_writeNotifier)
            m_writeNotifier->setEnabled(false);
        emit failed(tr("writing the record '%1' failed: %2")
                        .arg(m_path, QString::fromLocal8Bit(std::strerror(error))));
        updateThrottling();
        return;
    }
    // All written: forget the buffer (its memory goes with it after a burst).
    m_buffer.clear();
    m_offset = 0;
    if (m_writeNotifier)
        m_writeNotifier->setEnabled(false);
    updateThrottling();
}

void TrafficRecorder::updateThrottling()
{
    const qint64 pending = pendingBytes();
    const bool throttle = m_throttling ? pending > LowWater : pending > HighWater;
    if (throttle == m_throttling)
        return;
    // Compact before waiting: what is written need not stay in memory.
    if (throttle && m_offset > 0) {
        m_buffer.remove(0, m_offset);
        m_offset = 0;
    }
    m_throttling = throttle;
    emit throttlingChanged(throttle);
}

void TrafficRecorder::finish()
{
    if (!isOpen())
        return;
    m_writeNotifier.reset();
    // A reader that stopped reading (a paused "| less") must not keep the app from ever
    // exiting: wait for it, but not forever, and say what was not written.
    QDeadlineTimer deadline(FinishTimeoutMs);
    while (!m_failed && m_offset < m_buffer.size()) {
        const ssize_t written = ::write(m_descriptor,
                                        m_buffer.constData() + m_offset,
                                        size_t(m_buffer.size() - m_offset));
        if (written > 0) {
            m_offset += written;
            continue;
        }
        if (written < 0 && errno == EINTR)
            continue;
        if (written < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) && !deadline.hasExpired()) {
            pollfd writable{m_descriptor, POLLOUT, 0};
            ::poll(&writable, 1, int(qMin<qint64>(deadline.remainingTime(), 100)));
            continue;
        }
        std::fprintf(stderr,
                     "%s\n",
                     qPrintable(tr("the record '%1' is incomplete: its reader took no more for "
                                   "%2 s; %3 bytes were not written")
                                    .arg(m_path)
                                    .arg(FinishTimeoutMs / 1000)
                                    .arg(m_buffer.size() - m_offset)));
        break;
    }
    close();
}

void TrafficRecorder::close()
{
    if (m_originalFlags >= 0)
        ::fcntl(m_descriptor, F_SETFL, m_originalFlags);
    if (m_ownsDescriptor)
        ::close(m_descriptor);
    m_descriptor = -1;
    m_buffer.clear();
    m_offset = 0;
}

#include "trafficrecorder.h"

#include "recordformat.h"
#include "trafficevent.h"

#include <QFile>
#include <QSocketNotifier>

#include <cerrno>
#include <cstring>

#include <fcntl.h>
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
    if (path == QLatin1String("-")) {
        m_descriptor = STDOUT_FILENO;
        m_ownsDescriptor = false;
    } else {
        m_descriptor = ::open(QFile::encodeName(path).constData(),
                              O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
                              0644);
        if (m_descriptor < 0) {
            if (errorMessage) {
                *errorMessage = tr("cannot write the record file '%1': %2")
                                    .arg(path, QString::fromLocal8Bit(std::strerror(errno)));
            }
            return false;
        }
        m_ownsDescriptor = true;
    }
    // Non-blocking, so that a full pipe makes lines wait here instead of freezing the
    // window; the original flags come back at finish() (stdout may be a shared terminal).
    m_originalFlags = ::fcntl(m_descriptor, F_GETFL);
    if (m_originalFlags >= 0)
        ::fcntl(m_descriptor, F_SETFL, m_originalFlags | O_NONBLOCK);
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
        if (written > 0) {
            m_offset += written;
            continue;
        }
        if (written < 0 && errno == EINTR)
            continue;
        if (written < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
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
                        .arg(m_path, QString::fromLocal8Bit(std::strerror(errno))));
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
    if (m_originalFlags >= 0)
        ::fcntl(m_descriptor, F_SETFL, m_originalFlags & ~O_NONBLOCK);
    while (!m_failed && m_offset < m_buffer.size()) {
        const ssize_t written = ::write(m_descriptor,
                                        m_buffer.constData() + m_offset,
                                        size_t(m_buffer.size() - m_offset));
        if (written > 0)
            m_offset += written;
        else if (!(written < 0 && errno == EINTR))
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

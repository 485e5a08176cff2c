#pragma once

#include <QByteArray>
#include <QFile>
#include <QString>

// What the benchmarks read of their own process (Linux, /proc/self). The app's --stats
// uses core/processusage.h; these add the peak (VmHWM) and its reset.

// A line of /proc/self/status in KiB ("VmHWM", "VmRSS"), or -1.
inline qint64 statusKiB(const QByteArray &field)
{
    QFile status(QStringLiteral("/proc/self/status"));
    if (!status.open(QIODevice::ReadOnly))
        return -1;
    const QByteArray prefix = field + ':';
    for (const QByteArray &line : status.readAll().split('\n')) {
        if (line.startsWith(prefix))
            return line.mid(prefix.size()).trimmed().split(' ').value(0).toLongLong();
    }
    return -1;
}

// Lets each run report its own peak (Linux >= 4.0: "5" resets VmHWM to the current RSS).
inline void resetPeakRss()
{
    QFile clearRefs(QStringLiteral("/proc/self/clear_refs"));
    if (clearRefs.open(QIODevice::WriteOnly))
        clearRefs.write("5");
}

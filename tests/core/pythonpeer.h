#pragma once

#include <QByteArray>
#include <QDeadlineTimer>
#include <QObject>
#include <QProcess>
#include <QSignalSpy>
#include <QString>
#include <QStringList>

// One run of python3 with a script. Standard output is collected line by line as it
// comes. If the test leaves early, the destructor kills the process by its own PID, so a
// stuck script never outlives its test.
class PythonPeer : public QObject
{
    Q_OBJECT

public:
    PythonPeer()
    {
        connect(&m_process, &QProcess::readyReadStandardOutput, this, [this] {
            m_output += m_process.readAllStandardOutput();
            emit activity();
        });
        connect(&m_process, &QProcess::readyReadStandardError, this, [this] {
            m_errors += m_process.readAllStandardError();
        });
        connect(&m_process, &QProcess::finished, this, &PythonPeer::activity);
        connect(&m_process, &QProcess::errorOccurred, this, &PythonPeer::activity);
    }

    ~PythonPeer() override
    {
        if (m_process.state() != QProcess::NotRunning) {
            m_process.kill();
            m_process.waitForFinished(5000);
        }
    }

    // -u: unbuffered, so every print() reaches the test at once.
    void start(const QString &code, const QStringList &arguments = {})
    {
        m_process.start(QStringLiteral("python3"),
                        QStringList{QStringLiteral("-u"), QStringLiteral("-c"), code} + arguments);
    }

    // True once a whole line is there; false at once if Python has exited without one.
    bool waitForLine(int timeoutMs)
    {
        QSignalSpy spy(this, &PythonPeer::activity);
        const QDeadlineTimer deadline(timeoutMs);
        while (!m_output.contains('\n')) {
            if (m_process.state() == QProcess::NotRunning || deadline.hasExpired())
                return false;
            spy.wait(int(qMax<qint64>(1, deadline.remainingTime())));
        }
        return true;
    }

    QString readLine()
    {
        const int end = int(m_output.indexOf('\n'));
        if (end < 0)
            return {};
        const QString line = QString::fromUtf8(m_output.left(end));
        m_output.remove(0, end + 1);
        return line;
    }

    // The number Python printed as a line: a port, for instance. 0 when there is none.
    quint16 readPort(int timeoutMs) { return waitForLine(timeoutMs) ? readLine().toUShort() : 0; }

    // True when Python ended by itself with status 0 within the time.
    bool waitForSuccess(int timeoutMs)
    {
        QSignalSpy spy(this, &PythonPeer::activity);
        const QDeadlineTimer deadline(timeoutMs);
        while (m_process.state() != QProcess::NotRunning && !deadline.hasExpired())
            spy.wait(int(qMax<qint64>(1, deadline.remainingTime())));
        return m_process.state() == QProcess::NotRunning
               && m_process.exitStatus() == QProcess::NormalExit && m_process.exitCode() == 0;
    }

    // The lines still unread, once Python has exited.
    QStringList remainingLines()
    {
        QStringList lines;
        while (m_output.contains('\n'))
            lines.append(readLine());
        return lines;
    }

    void write(const QByteArray &data) { m_process.write(data); }

    // For failure messages: how Python ended and what it said.
    QString diagnostics() const
    {
        QString state;
        if (m_process.state() != QProcess::NotRunning)
            state = QStringLiteral("still running");
        else if (m_process.error() == QProcess::FailedToStart)
            state = QStringLiteral("could not start python3: ") + m_process.errorString();
        else if (m_process.exitStatus() == QProcess::CrashExit)
            state = QStringLiteral("crashed or was killed");
        else
            state = QStringLiteral("exited with status %1").arg(m_process.exitCode());
        return QStringLiteral("python3 %1\nunread stdout:\n%2\nstderr:\n%3")
            .arg(state, QString::fromUtf8(m_output), QString::fromUtf8(m_errors));
    }

signals:
    void activity();

private:
    QProcess m_process;
    QByteArray m_output; // not yet read by the test
    QByteArray m_errors;
};

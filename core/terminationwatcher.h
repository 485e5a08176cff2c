#pragma once

#include <QObject>

#include <memory>

class QSocketNotifier;

// Turns SIGINT and SIGTERM into a Qt signal on the event loop. A signal handler may do
// almost nothing safely, so it only writes the signal's number into a pipe; a
// QSocketNotifier on the other end emits terminationRequested() where anything goes.
// One instance per process.
class TerminationWatcher : public QObject
{
    Q_OBJECT

public:
    explicit TerminationWatcher(QObject *parent = nullptr);
    ~TerminationWatcher() override;

    // Installs the handlers; false (with errno kept by the OS) when the pipe fails.
    bool install();

signals:
    void terminationRequested(int signalNumber);

private:
    void readSignals();

    std::unique_ptr<QSocketNotifier> m_notifier;
};

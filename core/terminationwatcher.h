#pragma once

#include <QObject>

#include <memory>

class QSocketNotifier;

// Turns SIGINT and SIGTERM into a Qt signal on the event loop. A signal handler may do
// almost nothing safely, so it only writes the signal's number into a pipe; a
// QSocketNotifier on the other end emits terminationRequested() where anything goes.
// One instance per process. Once caught, the signals stay caught for the life of the
// process: one that comes before the event loop runs waits in the pipe, and one that comes
// while the app is already exiting is swallowed, so neither kills it (exit 143 for
// SIGTERM) instead of a clean exit with a complete record.
class TerminationWatcher : public QObject
{
    Q_OBJECT

public:
    explicit TerminationWatcher(QObject *parent = nullptr);
    ~TerminationWatcher() override;

    // Installs the handlers and the pipe, as early as possible in main(): no
    // QCoreApplication is needed yet. False (with errno kept by the OS) when the pipe fails.
    static bool catchSignals();
    // Catches the signals if that was not done yet, then watches the pipe on the event loop
    // (a signal already waiting there is seen at once).
    bool install();

signals:
    void terminationRequested(int signalNumber);

private:
    void readSignals();

    std::unique_ptr<QSocketNotifier> m_notifier;
};

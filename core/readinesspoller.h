#pragma once

#include <QHash>
#include <QObject>

#include <memory>

class QSocketNotifier;
class SocketHandle;

// Tells SocketHandles when their sockets are readable or writable: one epoll instance
// per thread, watched by one QSocketNotifier, in place of a pair of QSocketNotifiers per
// socket.
//
// Why: Qt's Unix event loop calls poll() with every enabled notifier on every pass, so
// ten thousand connected clients made each pass walk ten thousand sockets in the kernel
// (a third of the app's time while a class connects), and when they all closed at once
// the loop delivered all ten thousand notifications in one pass (a 240 ms stall, no
// repaint). epoll hands back only the ready sockets, and a pass here delivers at most
// MaxEventsPerPass of them within PassBudgetMs; the rest stay ready (level-triggered) and
// follow on the next passes, after the timers and repaints in between.
//
// Shared by the handles of a thread (each holds a reference); made by the first.
class ReadinessPoller : public QObject, public std::enable_shared_from_this<ReadinessPoller>
{
    Q_OBJECT

public:
    static constexpr int MaxEventsPerPass = 256;
    static constexpr int PassBudgetMs = 5;

    // The poller of the calling thread, created when there is none.
    static std::shared_ptr<ReadinessPoller> forCurrentThread();
    ~ReadinessPoller() override;

    // Starts watching an open socket, with both notifications off; a key for the calls
    // below. Keys are never reused, so a readiness found for a socket closed meanwhile
    // (whose descriptor number a new socket may already have) reaches nobody.
    quint64 watch(int descriptor, SocketHandle *handle);
    void unwatch(quint64 key);
    void setNotifications(quint64 key, bool read, bool write);

    // How many readiness notifications were delivered so far, and in how many passes:
    // for tests and benchmarks.
    qint64 deliveredCount() const { return m_delivered; }
    qint64 passCount() const { return m_passes; }

private:
    ReadinessPoller();
    void deliverReady();

    struct Watch
    {
        int descriptor = -1;
        SocketHandle *handle = nullptr;
        bool read = false;
        bool write = false;
    };

    int m_epoll = -1;
    std::unique_ptr<QSocketNotifier> m_notifier;
    QHash<quint64, Watch> m_watches;
    quint64 m_nextKey = 1;
    qint64 m_delivered = 0;
    qint64 m_passes = 0;
};

#pragma once

#include <QHash>
#include <QObject>

#include <memory>
#include <vector>

#include <sys/epoll.h>

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
// repaint). epoll hands back only the ready sockets, at most MaxEventsPerPass at a time,
// and a pass of the event loop delivers them until PassBudgetMs is spent; the rest are
// delivered first on the next passes, after the timers and repaints in between, before
// epoll is asked again. So a socket that stays ready and costs a whole budget (a flood)
// never keeps the others from their turn.
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
    // False, with errno, when the kernel refuses (out of memory or of epoll watches,
    // fs.epoll.max_user_watches): the socket then keeps the notifications it had.
    bool setNotifications(quint64 key, bool read, bool write);

    // How many readiness notifications were delivered so far, and in how many passes:
    // for tests and benchmarks.
    qint64 deliveredCount() const { return m_delivered; }
    qint64 passCount() const { return m_passes; }

private:
    ReadinessPoller();
    void deliverReady();
    void scheduleRest();

    struct Watch
    {
        int descriptor = -1;
        SocketHandle *handle = nullptr;
        bool read = false;
        bool write = false;
    };

    int m_epoll = -1;
    int m_createError = 0; // errno of a failed epoll_create1()
    std::unique_ptr<QSocketNotifier> m_notifier;
    // What epoll_wait() returned and no pass has delivered yet; delivered before epoll is
    // asked again.
    std::vector<epoll_event> m_ready;
    size_t m_nextReady = 0;
    bool m_restScheduled = false;
    QHash<quint64, Watch> m_watches;
    quint64 m_nextKey = 1;
    qint64 m_delivered = 0;
    qint64 m_passes = 0;
};

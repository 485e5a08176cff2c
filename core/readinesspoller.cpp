#include "readinesspoller.h"

#include "sockethandle.h"

#include <QElapsedTimer>
#include <QSocketNotifier>
#include <QThread>
#include <QTimer>

#include <cerrno>

#include <unistd.h>

std::shared_ptr<ReadinessPoller> ReadinessPoller::forCurrentThread()
{
    static thread_local std::weak_ptr<ReadinessPoller> current;
    std::shared_ptr<ReadinessPoller> poller = current.lock();
    if (!poller) {
        // Owned by the handles that use it (shared), not by a parent: it lives exactly
        // as long as the thread has sockets.
        poller.reset(new ReadinessPoller);
        current = poller;
    }
    return poller;
}

ReadinessPoller::ReadinessPoller()
    : m_epoll(::epoll_create1(EPOLL_CLOEXEC))
{
    if (m_epoll < 0) {
        m_createError = errno; // watch() fails with it, and the socket reports it
        return;
    }
    m_notifier = std::make_unique<QSocketNotifier>(m_epoll, QSocketNotifier::Read);
    connect(m_notifier.get(), &QSocketNotifier::activated, this, &ReadinessPoller::deliverReady);
}

ReadinessPoller::~ReadinessPoller()
{
    if (m_notifier) {
        m_notifier->setEnabled(false);
        m_notifier->disconnect(this);
        // Inside an event loop this may run within the notifier's own activated() (the
        // last socket closed by a receiver of a readiness): it goes when the loop is back.
        // Outside one (the window closed, exec() returned) nothing would delete it later.
        if (QThread::currentThread()->loopLevel() > 0)
            m_notifier.release()->deleteLater();
        else
            m_notifier.reset();
    }
    if (m_epoll >= 0)
        ::close(m_epoll);
}

quint64 ReadinessPoller::watch(int descriptor, SocketHandle *handle)
{
    if (m_epoll < 0) {
        errno = m_createError;
        return 0;
    }
    const quint64 key = m_nextKey++;
    m_watches.insert(key, Watch{descriptor, handle, false, false});
    return key;
}

void ReadinessPoller::unwatch(quint64 key)
{
    const auto found = m_watches.constFind(key);
    if (found == m_watches.cend())
        return;
    if (found->read || found->write)
        ::epoll_ctl(m_epoll, EPOLL_CTL_DEL, found->descriptor, nullptr);
    m_watches.erase(found);
}

bool ReadinessPoller::setNotifications(quint64 key, bool read, bool write)
{
    const auto found = m_watches.find(key);
    if (found == m_watches.end())
        return false;
    if (found->read == read && found->write == write)
        return true;
    const bool wasInSet = found->read || found->write;
    // A socket that wants nothing leaves the set: epoll reports a hang-up or an error even
    // when no event was asked for, and would wake every pass for nobody.
    int operation = EPOLL_CTL_DEL;
    if (read || write)
        operation = wasInSet ? EPOLL_CTL_MOD : EPOLL_CTL_ADD;
    epoll_event event{};
    event.events = (read ? EPOLLIN : 0u) | (write ? EPOLLOUT : 0u); // level-triggered
    event.data.u64 = key;
    if (::epoll_ctl(m_epoll, operation, found->descriptor, &event) != 0)
        return false; // the kernel still has what it had
    found->read = read;
    found->write = write;
    return true;
}

void ReadinessPoller::deliverReady()
{
    // A receiver may close the last socket, and with it drop this poller.
    const std::shared_ptr<ReadinessPoller> keepAlive = shared_from_this();
    m_restScheduled = false;
    ++m_passes;
    if (m_nextReady >= m_ready.size()) {
        m_ready.resize(MaxEventsPerPass);
        int count = 0;
        do {
            count = ::epoll_wait(m_epoll, m_ready.data(), MaxEventsPerPass, 0);
        } while (count < 0 && errno == EINTR);
        m_ready.resize(size_t(qMax(count, 0)));
        m_nextReady = 0;
    }
    QElapsedTimer clock;
    clock.start();
    bool first = true;
    while (m_nextReady < m_ready.size()) {
        // Over budget, the rest wait for the next pass, and go first then: epoll itself
        // would hand back the sockets just delivered first again (it puts the ones it
        // returns behind the others in the order it returned them), so a socket that
        // stays ready and spends the budget alone would keep the others waiting forever.
        if (!first && clock.elapsed() >= PassBudgetMs)
            break;
        first = false;
        // Copied, and looked up now, not when epoll_wait() returned: an earlier receiver
        // may have closed this socket, switched a notification off, or (in a nested event
        // loop) made a pass of its own.
        const epoll_event event = m_ready[m_nextReady++];
        const auto found = m_watches.constFind(event.data.u64);
        if (found == m_watches.cend())
            continue;
        const bool readable = found->read && (event.events & (EPOLLIN | EPOLLHUP | EPOLLERR));
        const bool writable = found->write && (event.events & (EPOLLOUT | EPOLLHUP | EPOLLERR));
        if (!readable && !writable)
            continue;
        ++m_delivered;
        found->handle->deliverReadiness(readable, writable);
    }
    if (m_nextReady < m_ready.size())
        scheduleRest();
}

void ReadinessPoller::scheduleRest()
{
    // The rest may no longer be ready by the time they are delivered (a spurious readiness
    // is harmless: the socket calls find nothing to do), and then epoll's descriptor is not
    // readable either: a pass of their own, as soon as the loop has done its other work.
    if (m_restScheduled)
        return;
    m_restScheduled = true;
    QTimer::singleShot(0, this, &ReadinessPoller::deliverReady);
}

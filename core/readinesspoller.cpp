#include "readinesspoller.h"

#include "sockethandle.h"

#include <QElapsedTimer>
#include <QSocketNotifier>

#include <cerrno>
#include <cstring>

#include <sys/epoll.h>
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
    if (m_epoll < 0)
        return; // watch() fails with errno, which the socket reports
    m_notifier = std::make_unique<QSocketNotifier>(m_epoll, QSocketNotifier::Read);
    connect(m_notifier.get(), &QSocketNotifier::activated, this, &ReadinessPoller::deliverReady);
}

ReadinessPoller::~ReadinessPoller()
{
    if (m_notifier) {
        // This may run inside the notifier's own activated() (the last socket closed by
        // a receiver of a readiness): it goes when the event loop is back.
        m_notifier->setEnabled(false);
        m_notifier->disconnect(this);
        m_notifier.release()->deleteLater();
    }
    if (m_epoll >= 0)
        ::close(m_epoll);
}

quint64 ReadinessPoller::watch(int descriptor, SocketHandle *handle)
{
    if (m_epoll < 0) {
        errno = EMFILE;
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

void ReadinessPoller::setNotifications(quint64 key, bool read, bool write)
{
    const auto found = m_watches.find(key);
    if (found == m_watches.end() || (found->read == read && found->write == write))
        return;
    const bool wasInSet = found->read || found->write;
    found->read = read;
    found->write = write;
    // A socket that wants nothing leaves the set: epoll reports a hang-up or an error even
    // when no event was asked for, and would wake every pass for nobody.
    int operation = EPOLL_CTL_DEL;
    if (read || write)
        operation = wasInSet ? EPOLL_CTL_MOD : EPOLL_CTL_ADD;
    epoll_event event{};
    event.events = (read ? EPOLLIN : 0u) | (write ? EPOLLOUT : 0u); // level-triggered
    event.data.u64 = key;
    if (::epoll_ctl(m_epoll, operation, found->descriptor, &event) != 0) {
        // Only when the kernel is out of memory or watches (fs.epoll.max_user_watches):
        // the socket would go deaf without a word.
        qWarning("Socket Workbench: epoll_ctl on socket %d failed: %s",
                 found->descriptor,
                 std::strerror(errno));
    }
}

void ReadinessPoller::deliverReady()
{
    // A receiver may close the last socket, and with it drop this poller.
    const std::shared_ptr<ReadinessPoller> keepAlive = shared_from_this();
    epoll_event events[MaxEventsPerPass];
    int count = 0;
    do {
        count = ::epoll_wait(m_epoll, events, MaxEventsPerPass, 0);
    } while (count < 0 && errno == EINTR);
    ++m_passes;
    QElapsedTimer clock;
    clock.start();
    for (int i = 0; i < count; ++i) {
        // Over budget, the rest wait for the next pass: they are still ready, and epoll
        // (level-triggered) puts them behind the ones delivered, so every socket gets
        // its turn.
        if (i > 0 && clock.elapsed() >= PassBudgetMs)
            break;
        // Looked up now, not when epoll_wait() returned: an earlier receiver may have
        // closed this socket or switched a notification off.
        const auto found = m_watches.constFind(events[i].data.u64);
        if (found == m_watches.cend())
            continue;
        const quint32 ready = events[i].events;
        const bool readable = found->read && (ready & (EPOLLIN | EPOLLHUP | EPOLLERR));
        const bool writable = found->write && (ready & (EPOLLOUT | EPOLLHUP | EPOLLERR));
        if (!readable && !writable)
            continue;
        ++m_delivered;
        found->handle->deliverReadiness(readable, writable);
    }
}

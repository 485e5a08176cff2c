#pragma once

#include "trafficevent.h"

#include <QObject>

// What a session has done so far, counted from its own traffic events (--stats, the status
// bar). Plain integers: adding one up costs nothing next to the event itself.
struct SessionCounters
{
    qint64 bytesIn = 0;
    qint64 bytesOut = 0;
    qint64 reads = 0;            // recv() / recvfrom() calls that returned data: Received events
    qint64 sends = 0;            // Sent events
    qint64 connectionsOpen = 0;  // TCP: accepted or connected and not closed yet
    qint64 connectionsTotal = 0; // TCP: ever accepted or connected
    qint64 datagramsIn = 0;      // UDP
    qint64 datagramsOut = 0;     // UDP

    SessionCounters &operator+=(const SessionCounters &other);
    // Counts one event of a session of this kind.
    void count(const TrafficEvent &event);
};

// Common ground of the three session kinds (TCP server, TCP client, UDP peer): an id
// for the record, the kind, the lesson's recv size, the echo auto-reply, and one signal
// that carries every traffic event to the log, the record and the lesson views.
class Session : public QObject
{
    Q_OBJECT

public:
    Session(int id, SessionKind kind, QObject *parent = nullptr);

    int id() const { return m_id; }
    SessionKind kind() const { return m_kind; }
    // Everything this session reported so far; kept up to date by report().
    const SessionCounters &counters() const { return m_counters; }

    // Each read is one recv(N) / recvfrom(N), as the lesson's recv(1024).
    int recvSize() const { return m_recvSize; }
    virtual void setRecvSize(int bytes);

    // Send every received message back where it came from.
    bool echo() const { return m_echo; }
    virtual void setEcho(bool enabled);

    // Stop (or resume) reading from every socket of this session while whoever takes
    // the events cannot keep up (the record's reader); the kernel's queues fill and the
    // senders slow down. Nothing is lost.
    bool isReadingThrottled() const { return m_readingThrottled; }
    virtual void setReadingThrottled(bool throttled);

    // Closes every socket of the session gracefully (close(): FIN after what is queued),
    // as at the end of the lesson's scripts; used when the app is asked to quit.
    virtual void shutdown() = 0;
    // Ends every socket now: what shutdown() could not close gracefully yet (data still
    // queued for a peer that does not read) is aborted, and recorded as a reset.
    virtual void abortAll() = 0;
    // Connections still writing what is queued before their FIN.
    virtual bool isClosing() const = 0;

signals:
    void eventOccurred(const TrafficEvent &event);
    // The lesson's recv size changed (the panel's field): the Python mirror follows it.
    void recvSizeChanged(int bytes);
    // Every Error event, a connection's too, also comes here: this one is for status lines.
    void errorOccurred(const QString &message);

protected:
    TrafficEvent makeEvent(EventType type) const;
    void report(const TrafficEvent &event);
    void reportError(const QString &message,
                     const SocketAddress &local = {},
                     const SocketAddress &peer = {},
                     int connection = 0);

private:
    const int m_id;
    const SessionKind m_kind;
    int m_recvSize = DefaultRecvSize;
    bool m_echo = false;
    bool m_readingThrottled = false;
    SessionCounters m_counters;
};

// A buffer for recv() calls, shared by every socket on the thread: only the bytes a
// read really returned are copied out, so a 64 KiB recv size costs 64 KiB once, not
// per connection or per row.
char *receiveScratchBuffer(int size);

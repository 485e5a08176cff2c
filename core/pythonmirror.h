#pragma once

#include "trafficevent.h"

#include <QHash>
#include <QObject>
#include <QSet>
#include <QString>
#include <QTimer>

#include <deque>
#include <vector>

// The Python code that would do what one session has done so far, in the lesson's own
// style: socket(), bind(), listen(), accept(), connect(), send(), recv(), sendto(),
// recvfrom(), close(), with literal values as the lesson writes them and the real values
// (addresses, data) as comments. Valid Python 3 that, run against the same peers, does
// the same thing: straight-line blocking code, or selectors where a server served its
// connections interleaved.
//
// Fed with the session's events, it keeps a compact list of steps, not the events: a
// flood of reads on one connection is one loop step with a count, an echo is a read that
// sends its data back, repeated sends of the same bytes are one loop. The text is built
// only when script() is asked for, so a flood costs a counter increment per event.
class PythonMirror : public QObject
{
    Q_OBJECT

public:
    // Beyond this many steps, or this many bytes of sent data kept for the send literals,
    // the mirror stops following the session (the script ends saying so): a long session
    // with thousands of connections must not grow the mirror without bound. A lesson's
    // class stays well inside (thirty students who connect, chat and close: a few hundred
    // steps); ten thousand clients closing at once made a 20,000-step script (60,000
    // lines) cost the visible mirror 150 ms per update.
    static constexpr int MaxSteps = 2000;
    static constexpr qint64 MaxKeptBytes = 1024 * 1024;
    // changed() comes at most this often, however fast the events arrive.
    static constexpr int ChangeIntervalMs = 50;

    // recvSize: the N of the session's recv(N) / recvfrom(N) at this moment.
    PythonMirror(SessionKind kind, int recvSize, QObject *parent = nullptr);
    ~PythonMirror() override;

    SessionKind kind() const { return m_kind; }
    // The recv size of the reads that come next; each recv(N) line shows the size that was
    // in effect when its read happened.
    int recvSize() const { return m_recvSize; }
    void setRecvSize(int bytes);

    // The whole script, built on demand and cached until the next event.
    QString script() const;
    // Whether script() waits with selectors: a server read from its connections
    // interleaved, which blocking code in accept order could not replay.
    bool usesSelectors() const { return m_interleaved; }
    // Bytes of reads (of every connection) still waiting to learn whether an echo
    // follows; bounded however many connections an echo server has.
    qint64 pendingBytes() const { return m_usage.pendingBytes; }
    // False once a limit (MaxSteps, MaxKeptBytes) made the mirror stop following.
    bool isFollowing() const { return !m_stopped; }
    // Events the mirror took in (all of them, also after it stopped following).
    qint64 eventCount() const { return m_eventCount; }

    // Writes script() to path as UTF-8; false with a message naming the file and reason.
    bool save(const QString &path, QString *errorMessage) const;
    // "session-3.py": the file --mirror writes for session 3, and a name for "Save as".
    static QString fileName(int sessionId);

public slots:
    // Takes one event of the session: what it did becomes (part of) a step.
    void append(const TrafficEvent &event);

signals:
    // The script changed; coalesced to at most one signal per ChangeIntervalMs.
    void changed();

private:
    enum class StepType : quint8 {
        // A session's own steps
        Listen,          // TCP server: socket(), SO_REUSEADDR, bind(), listen()
        StopListening,   // TCP server: close() of the listening socket
        Accept,          // TCP server: accept(); the connection's code is its block
        Connect,         // TCP client: socket(), connect(); the connection's code is its block
        ConnectFailed,   // TCP client: socket(), a connect() that raised, close()
        ConnectNoAnswer, // TCP client: a connect() that got no answer (yet)
        UdpSocket,       // UDP: socket(), bind() when bound explicitly; its block
        Comment,         // an error or a note outside any socket
        // Steps of one socket (a block)
        Send,
        Receive,
        Eof,
        HalfClose,
        Close,
        Abort,
        CloseWithUnreadData, // close() while data was unread: an RST the user did not ask for
        Lost,                // the stack gave up; the script can only close
        ClosedByPeer,
        ResetByPeer,
        SocketComment,
    };

    struct Step
    {
        StepType type = StepType::Comment;
        bool echo = false;         // Receive: every byte read was sent back
        bool text = false;         // Receive: the (one) read decodes as UTF-8
        bool toLastSender = false; // Send (UDP): to the sender of the last recvfrom()
        bool explicitBind = false; // UdpSocket: bind() was called
        bool error = false;        // Comment, SocketComment: an error, not a note
        int block = -1;            // Accept, Connect, UdpSocket: index into m_blocks
        int recvSize = 0;          // Receive, Eof
        qint64 count = 1;          // Send, Receive: calls in the run
        qint64 bytes = 0;          // Send, Receive: bytes in the run
        qint64 firstSize = 0;      // Receive: size of the run's first read
        qint64 truncated = 0;      // Receive (UDP): datagrams cut to the recv size
        qint64 truncatedFrom = -1; // Receive (UDP, one read): the datagram's real size
        QByteArray payload;        // Send: the bytes; Receive: the first read's beginning
        SocketAddress address;     // local (Listen, UdpSocket), peer, destination or sender
        SocketAddress local;       // Connect: the client's own address
        QString message;           // Comment, SocketComment, ConnectFailed
    };

    // A read whose fate is not known yet: the session may still send its bytes back (an
    // echo's send can come late when the peer reads slowly). An Eof waits in line too, so
    // that the reads before it keep their place.
    struct PendingRead
    {
        QByteArray payload;
        qint64 matched = 0; // bytes of it sent back so far
        qint64 time = 0;    // msecs since the epoch, as the event's
        int recvSize = 0;
        SocketAddress sender;
        qint64 truncatedFrom = -1;
        bool eof = false;
    };

    // The code of one socket that carries data: an accepted connection, a client's
    // connected socket, a UDP socket.
    struct Block
    {
        bool udp = false;
        bool ipv6 = false;
        bool echoSeen = false; // reads were sent back: keep more of them pending
        std::vector<Step> steps;
        std::deque<PendingRead> pending;
        qint64 pendingBytes = 0;
        SocketAddress lastSender; // UDP: the sender of the last recvfrom(), i.e. addr
    };

    // What the limits count.
    struct Usage
    {
        qint64 steps = 0;
        qint64 keptBytes = 0;
        // Reads of every connection still waiting to learn whether they are echoed: an
        // echo server with many slow peers must not keep 16 MiB for each of them.
        qint64 pendingBytes = 0;
    };
    // Builds the text from the steps (defined in the .cpp).
    class ScriptBuilder;

    // Settling pending reads; also run on copies of blocks, for script().
    static Step &addBlockStep(Block &block, StepType type, Usage &usage);
    static void addReceive(Block &block, const PendingRead &read, bool echo, Usage &usage);
    static void addSend(Block &block,
                        const QByteArray &payload,
                        const SocketAddress &destination,
                        Usage &usage);
    static void settleFront(Block &block, Usage &usage);
    static void settleAll(Block &block, Usage &usage);
    static bool takeEcho(Block &block, const TrafficEvent &sent, Usage &usage);
    static void trimPending(Block &block, Usage &usage);

    void appendServerEvent(const TrafficEvent &event);
    void appendClientEvent(const TrafficEvent &event);
    void appendUdpEvent(const TrafficEvent &event);
    void appendSocketEvent(int block, const TrafficEvent &event);
    int openBlock(bool udp, bool ipv6);
    Step &addStep(StepType type);
    void noteRead(int connection);

    const SessionKind m_kind;
    int m_recvSize;
    std::vector<Step> m_steps;          // the session's own steps, in order
    std::vector<Block> m_blocks;        // in the order they were opened
    QHash<int, int> m_connectionBlocks; // TCP server: connection id to block index
    int m_currentBlock = -1;            // TCP client, UDP: the socket in use
    int m_attemptStep = -1;             // TCP client: the connect() still waiting
    bool m_listenerIpv6 = false;

    // A read on connection B between two reads on A makes the server interleaved.
    int m_lastReader = 0;
    QSet<int> m_finishedReaders;
    bool m_interleaved = false;

    Usage m_usage; // against MaxSteps and MaxKeptBytes
    bool m_stopped = false;
    qint64 m_eventCount = 0;
    qint64 m_eventsNotFollowed = 0;

    QTimer m_changeTimer;
    mutable QString m_script;
    mutable bool m_scriptValid = false;
};

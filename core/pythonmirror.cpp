#include "pythonmirror.h"

#include "payloadcodec.h"
#include "socketerror.h"
#include "tcpconnection.h"
#include "udppeersession.h"

#include <QSaveFile>
#include <QStringList>

#include <cerrno>
#include <cstring>

namespace {

// A read's comment shows at most this much of its data: enough to recognise a message,
// and a 16 MiB read keeps 48 bytes, not its buffer.
constexpr int SampleBytes = 48;
// Comment lines (error messages) are wrapped to stay readable in an editor.
constexpr int CommentWidth = 88;
// Reads wait until it is known whether the session sends them back (echo). A connection
// that never echoed keeps only its newest read and a few before it; one that echoes keeps
// as many as a slow reader's send queue can hold back (TcpConnection stops reading at
// 8 MiB queued), so that a late echo is still recognised.
constexpr int QuickPendingReads = 64;
constexpr qint64 QuickPendingBytes = 64 * 1024;
constexpr int EchoPendingReads = 65536;
constexpr qint64 EchoPendingBytes = 16 * 1024 * 1024;
// All connections' pending reads together.
constexpr qint64 MaxPendingBytes = 32 * 1024 * 1024;
// An echo is sent in the same pass of the event loop as its read, a person cannot read
// and retype a message that fast: the same bytes sent later were typed, and are shown as
// the literal typed, unless the connection already echoes (then a late one waited for a
// slow reader). Generous, as a loaded machine may stall between the two.
constexpr qint64 AutomaticReplyMs = 500;

// The socket's family, as Python's socket.socket() is given it.
bool isIpv6Socket(const SocketAddress &address)
{
    return address.address.protocol() == QAbstractSocket::IPv6Protocol;
}

// An AF_INET6 socket reaches and reports IPv4 peers as IPv4-mapped addresses.
QString pythonHost(const SocketAddress &address, bool ipv6Socket)
{
    const QString host = address.hostString();
    const bool ipv4 = unmappedAddress(address.address).protocol() == QAbstractSocket::IPv4Protocol;
    return ipv6Socket && ipv4 ? QStringLiteral("::ffff:") + host : host;
}

// An address as bind(), connect() and sendto() take it, on either family.
QString addressArgument(const SocketAddress &address, bool ipv6Socket)
{
    return QLatin1String("('") + pythonHost(address, ipv6Socket) + QLatin1String("', ")
           + QString::number(address.port) + QLatin1Char(')');
}

// An address as accept(), recvfrom() and getsockname() return it: AF_INET6 adds flowinfo
// and scope_id.
QString addressValue(const SocketAddress &address, bool ipv6Socket)
{
    if (!ipv6Socket)
        return addressArgument(address, false);
    return QLatin1String("('") + pythonHost(address, true) + QLatin1String("', ")
           + QString::number(address.port) + QLatin1String(", 0, 0)");
}

QString socketConstructor(bool udp, bool ipv6)
{
    if (udp) {
        return ipv6 ? QStringLiteral("socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)")
                    : QStringLiteral("socket.socket(socket.AF_INET, socket.SOCK_DGRAM)");
    }
    return ipv6 ? QStringLiteral("socket.socket(socket.AF_INET6)")
                : QStringLiteral("socket.socket()");
}

// Whether Python's data.decode() (strict UTF-8) would succeed: Qt replaces what is not
// well-formed, so the bytes would not come back the same.
bool decodesAsUtf8(const QByteArray &bytes)
{
    return QString::fromUtf8(bytes).toUtf8() == bytes;
}

// Text a person typed: UTF-8 without control characters other than tab and line breaks.
bool isPrintableText(const QByteArray &bytes)
{
    if (bytes.isEmpty() || !decodesAsUtf8(bytes))
        return false;
    for (const char byte : bytes) {
        const auto value = static_cast<uchar>(byte);
        if (value == 0x7f || (value < 0x20 && value != '\t' && value != '\n' && value != '\r'))
            return false;
    }
    // C1 controls (U+0080 to U+009F) are two bytes in UTF-8, C2 80 to C2 9F.
    for (qsizetype i = 0; i + 1 < bytes.size(); ++i) {
        if (uchar(bytes.at(i)) == 0xc2 && uchar(bytes.at(i + 1)) < 0xa0)
            return false;
    }
    return true;
}

QString pythonStringLiteral(const QString &text)
{
    QString literal;
    literal.reserve(text.size() + 8);
    literal += QLatin1Char('"');
    for (const QChar c : text) {
        switch (c.unicode()) {
        case '\\':
            literal += QLatin1String("\\\\");
            break;
        case '"':
            literal += QLatin1String("\\\"");
            break;
        case '\n':
            literal += QLatin1String("\\n");
            break;
        case '\r':
            literal += QLatin1String("\\r");
            break;
        case '\t':
            literal += QLatin1String("\\t");
            break;
        default:
            literal += c;
        }
    }
    literal += QLatin1Char('"');
    return literal;
}

// What send() and sendto() are given: "Hello".encode() for text, as the lesson writes it,
// else a bytes literal.
QString payloadExpression(const QByteArray &bytes)
{
    if (isPrintableText(bytes))
        return pythonStringLiteral(QString::fromUtf8(bytes)) + QLatin1String(".encode()");
    return pythonBytesLiteral(bytes);
}

// "data == b'Hello'", or for a long read "data[:48] == b'...' (3000 bytes in all)".
QString dataComment(const QByteArray &sample, qint64 size)
{
    if (size <= sample.size())
        return QLatin1String("data == ") + pythonBytesLiteral(sample);
    return QLatin1String("data[:") + QString::number(sample.size()) + QLatin1String("] == ")
           + pythonBytesLiteral(sample) + QLatin1String(" (") + QString::number(size)
           + QLatin1String(" bytes in all)");
}

// The exception Python's connect() raises for a failure the session described, when the
// description tells it; empty when it does not.
QString connectException(const QString &message, const SocketAddress &peer)
{
    struct Known
    {
        int code;
        const char *exception;
    };
    static const Known known[] = {
        {ECONNREFUSED, "ConnectionRefusedError"},
        {ETIMEDOUT, "TimeoutError"},
        {ECONNRESET, "ConnectionResetError"},
        {EACCES, "PermissionError"},
        {EPERM, "PermissionError"},
        {ENETUNREACH, "OSError"},
        {EHOSTUNREACH, "OSError"},
        {EADDRNOTAVAIL, "OSError"},
    };
    for (const Known &each : known) {
        if (describeSocketError(each.code, SocketOperation::Connect, peer) == message)
            return QString::fromLatin1(each.exception);
    }
    return QString();
}

QString plural(qint64 count, const char *singular, const char *pluralForm)
{
    return QString::number(count) + QLatin1Char(' ')
           + QLatin1String(count == 1 ? singular : pluralForm);
}

// Lines of Python with indentation, comments after code and wrapped comment lines.
class ScriptWriter
{
public:
    void line(const QString &code, const QString &comment = QString())
    {
        m_text += indentation() + code;
        if (!comment.isEmpty())
            m_text += QLatin1String("  # ") + comment;
        m_text += QLatin1Char('\n');
    }

    // A comment of its own, wrapped at CommentWidth; line breaks in it become spaces.
    void comment(const QString &text)
    {
        QString flat = text;
        flat.replace(QLatin1Char('\r'), QLatin1Char(' '));
        flat.replace(QLatin1Char('\n'), QLatin1Char(' '));
        flat.replace(QLatin1Char('\t'), QLatin1Char(' '));
        const QString prefix = indentation() + QLatin1String("# ");
        QString current;
        for (const QString &word : flat.split(QLatin1Char(' '), Qt::SkipEmptyParts)) {
            if (!current.isEmpty()
                && prefix.size() + current.size() + 1 + word.size() > CommentWidth) {
                m_text += prefix + current + QLatin1Char('\n');
                current.clear();
            }
            if (!current.isEmpty())
                current += QLatin1Char(' ');
            current += word;
        }
        if (!current.isEmpty())
            m_text += prefix + current + QLatin1Char('\n');
    }

    // At least count empty lines before what comes next (none at the start of a body).
    void blankLines(int count = 1)
    {
        if (m_text.isEmpty() || m_text.endsWith(QLatin1String(":\n")))
            return;
        int existing = 0;
        while (existing < count && m_text.endsWith(QString(existing + 2, QLatin1Char('\n'))))
            ++existing;
        m_text += QString(count - existing, QLatin1Char('\n'));
    }

    void indent() { ++m_depth; }
    void dedent() { --m_depth; }
    QString text() const { return m_text; }

private:
    QString indentation() const { return QString(m_depth * 4, QLatin1Char(' ')); }

    QString m_text;
    int m_depth = 0;
};

} // namespace

// Builds the script from the mirror's steps.
class PythonMirror::ScriptBuilder
{
public:
    explicit ScriptBuilder(const PythonMirror &mirror)
        : m_mirror(mirror)
    {}

    QString build()
    {
        switch (m_mirror.m_kind) {
        case SessionKind::TcpServer:
            if (m_mirror.m_interleaved)
                writeServerWithSelectors();
            else
                writeServer();
            break;
        case SessionKind::TcpClient:
            writeClient();
            break;
        case SessionKind::Udp:
            writeUdp();
            break;
        }
        if (m_mirror.m_steps.empty())
            m_body.comment(QStringLiteral("Nothing yet: the code appears here as the session "
                                          "runs."));
        if (m_mirror.m_stopped) {
            m_body.blankLines();
            m_body.comment(
                QLatin1String("The mirror stopped following the session: it keeps at most ")
                + QString::number(MaxSteps) + QLatin1String(" steps and ")
                + QString::number(MaxKeptBytes / (1024 * 1024))
                + QLatin1String(" MiB of sent data. ")
                + plural(m_mirror.m_eventsNotFollowed, "later event is", "later events are")
                + QLatin1String(" not in this script."));
        }

        ScriptWriter header;
        header.comment(QLatin1String("What this ") + kindName()
                       + QLatin1String(" has done so far, as Python code (Socket Workbench "
                                       "mirror)."));
        if (m_mirror.m_interleaved) {
            header.line(QStringLiteral("#"));
            header.comment(QStringLiteral(
                "The server served several connections at once: a read on one came between "
                "reads on another. Blocking calls in accept order would wait on one "
                "connection while another has data, so this script waits with selectors: the "
                "code of each connection is a generator that pauses (yield) before every read "
                "until its socket is readable."));
            header.line(QStringLiteral("import selectors"));
        }
        header.line(QStringLiteral("import socket"));
        if (m_needsStruct)
            header.line(QStringLiteral("import struct"));
        header.blankLines();
        return header.text() + m_body.text();
    }

private:
    QString kindName() const
    {
        switch (m_mirror.m_kind) {
        case SessionKind::TcpServer:
            return QStringLiteral("TCP server");
        case SessionKind::TcpClient:
            return QStringLiteral("TCP client");
        case SessionKind::Udp:
            return QStringLiteral("UDP peer");
        }
        return QString();
    }

    int acceptCount() const
    {
        int count = 0;
        for (const Step &step : m_mirror.m_steps) {
            if (step.type == StepType::Accept)
                ++count;
        }
        return count;
    }

    // The server in accept order, each connection's code right after its accept().
    void writeServer()
    {
        const bool numbered = acceptCount() > 1;
        int number = 0;
        for (const Step &step : m_mirror.m_steps) {
            if (step.type != StepType::Accept) {
                writeServerStep(step);
                continue;
            }
            const QString suffix = numbered ? QString::number(++number) : QString();
            m_body.blankLines();
            writeAccept(step, suffix);
            writeBlock(m_mirror.m_blocks.at(step.block), QLatin1String("con") + suffix);
        }
    }

    void writeServerWithSelectors()
    {
        m_yieldBeforeReads = true;
        m_body.line(QStringLiteral("selector = selectors.DefaultSelector()"));
        m_body.blankLines(2);
        m_body.line(QStringLiteral("def run_until_read(steps):"));
        m_body.indent();
        m_body.comment(QStringLiteral("Runs a generator up to its next read (yield sock), then "
                                      "waits until that socket is readable."));
        m_body.line(QStringLiteral("sock = next(steps, None)"));
        m_body.line(QStringLiteral("if sock is not None:"));
        m_body.indent();
        m_body.line(QStringLiteral("selector.register(sock, selectors.EVENT_READ, steps)"));
        m_body.dedent();
        m_body.dedent();

        m_body.blankLines(2);
        m_body.line(QStringLiteral("def server():"));
        m_body.indent();
        std::vector<int> connections;
        for (const Step &step : m_mirror.m_steps) {
            if (step.type != StepType::Accept) {
                writeServerStep(step);
                continue;
            }
            connections.push_back(step.block);
            const QString suffix = QString::number(connections.size());
            m_body.blankLines();
            m_body.line(QStringLiteral("yield sock"), QStringLiteral("wait for a connection"));
            writeAccept(step, suffix);
            const QString call = QLatin1String("connection") + suffix + QLatin1String("(con")
                                 + suffix + QLatin1Char(')');
            if (hasReads(settled(m_mirror.m_blocks.at(step.block))))
                m_body.line(QLatin1String("run_until_read(") + call + QLatin1Char(')'));
            else
                m_body.line(call);
        }
        m_body.dedent();

        for (std::size_t i = 0; i < connections.size(); ++i) {
            m_body.blankLines(2);
            m_body.line(QLatin1String("def connection") + QString::number(i + 1)
                        + QLatin1String("(con):"));
            m_body.indent();
            const Block block = settled(m_mirror.m_blocks.at(connections.at(i)));
            if (block.steps.empty())
                m_body.line(QStringLiteral("pass"));
            writeBlock(block, QStringLiteral("con"));
            m_body.dedent();
        }

        m_body.blankLines(2);
        m_body.line(QStringLiteral("run_until_read(server())"));
        m_body.line(QStringLiteral("while selector.get_map():"));
        m_body.indent();
        m_body.line(QStringLiteral("for key, _ in selector.select():"));
        m_body.indent();
        m_body.line(QStringLiteral("selector.unregister(key.fileobj)"));
        m_body.line(QStringLiteral("run_until_read(key.data)"));
        m_body.dedent();
        m_body.dedent();
    }

    void writeServerStep(const Step &step)
    {
        switch (step.type) {
        case StepType::Listen: {
            const bool ipv6 = isIpv6Socket(step.address);
            m_body.blankLines();
            writeSocketCreation(false, ipv6);
            m_body.comment(QStringLiteral(
                "SO_REUSEADDR, as the workbench sets it: bind() succeeds at once even while "
                "connections of an earlier run of this server still wait in TIME_WAIT."));
            m_body.line(
                QStringLiteral("sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)"));
            m_body.line(QLatin1String("sock.bind(") + addressArgument(step.address, ipv6)
                        + QLatin1Char(')'));
            m_body.line(QStringLiteral("sock.listen()"));
            break;
        }
        case StepType::StopListening:
            m_body.line(QStringLiteral("sock.close()"),
                        QStringLiteral("stop listening: accepted connections stay open"));
            break;
        case StepType::Comment:
            writeComment(step);
            break;
        default:
            break;
        }
    }

    void writeAccept(const Step &step, const QString &suffix)
    {
        const QString addr = QLatin1String("addr") + suffix;
        m_body.line(QLatin1String("con") + suffix + QLatin1String(", ") + addr
                        + QLatin1String(" = sock.accept()"),
                    addr + QLatin1String(" == ")
                        + addressValue(step.address, m_mirror.m_blocks.at(step.block).ipv6));
        m_body.line(QLatin1String("print(\"Incoming connection from\", ") + addr + QLatin1Char(')'));
    }

    void writeClient()
    {
        for (const Step &step : m_mirror.m_steps) {
            const bool ipv6 = isIpv6Socket(step.address);
            const QString connectCall = QLatin1String("sock.connect(")
                                        + addressArgument(step.address, ipv6) + QLatin1Char(')');
            switch (step.type) {
            case StepType::Connect:
                m_body.blankLines();
                writeSocketCreation(false, ipv6);
                m_body.line(connectCall,
                            QLatin1String("sock.getsockname() == ")
                                + addressValue(step.local, ipv6));
                writeBlock(m_mirror.m_blocks.at(step.block), QStringLiteral("sock"));
                break;
            case StepType::ConnectFailed: {
                m_body.blankLines();
                writeSocketCreation(false, ipv6);
                const QString exception = connectException(step.message, step.address);
                const QString outcome = exception.isEmpty() ? QStringLiteral(" failed: ")
                                                            : QLatin1String(" raised ") + exception
                                                                  + QLatin1String(": ");
                m_body.comment(connectCall + outcome + step.message);
                m_body.line(QStringLiteral("sock.close()"));
                break;
            }
            case StepType::ConnectNoAnswer:
                m_body.blankLines();
                writeSocketCreation(false, ipv6);
                m_body.comment(connectCall
                               + QLatin1String(" got no answer: it is still connecting, or it "
                                               "was given up"));
                m_body.line(QStringLiteral("sock.close()"));
                break;
            case StepType::Comment:
                writeComment(step);
                break;
            default:
                break;
            }
        }
    }

    void writeUdp()
    {
        for (const Step &step : m_mirror.m_steps) {
            if (step.type == StepType::Comment) {
                writeComment(step);
                continue;
            }
            if (step.type != StepType::UdpSocket)
                continue;
            const Block &block = m_mirror.m_blocks.at(step.block);
            m_body.blankLines();
            writeSocketCreation(true, block.ipv6);
            if (step.explicitBind) {
                m_body.line(QLatin1String("sock.bind(") + addressArgument(step.address, block.ipv6)
                            + QLatin1Char(')'));
            } else {
                m_body.comment(QLatin1String("No bind(): the system picks a free port at the "
                                             "first sendto() (this time port ")
                               + QString::number(step.address.port) + QLatin1String(")."));
            }
            writeBlock(block, QStringLiteral("sock"));
        }
    }

    void writeSocketCreation(bool udp, bool ipv6)
    {
        const QString code = QLatin1String("sock = ") + socketConstructor(udp, ipv6);
        if (!udp && !ipv6)
            m_body.line(code, QStringLiteral("default is TCP"));
        else
            m_body.line(code);
    }

    void writeComment(const Step &step)
    {
        m_body.comment((step.error ? QLatin1String("error: ") : QLatin1String("note: "))
                       + step.message);
    }

    // The block with its pending reads settled, as if nothing more were to come.
    static Block settled(const Block &block)
    {
        Block copy = block;
        Usage unused;
        settleAll(copy, unused);
        return copy;
    }

    static bool hasReads(const Block &block)
    {
        for (const Step &step : block.steps) {
            if (step.type == StepType::Receive || step.type == StepType::Eof)
                return true;
        }
        return false;
    }

    void writeBlock(const Block &block, const QString &name)
    {
        if (!block.pending.empty()) {
            writeBlock(settled(block), name);
            return;
        }
        for (const Step &step : block.steps)
            writeSocketStep(step, block, name);
    }

    void writeYield(const QString &name)
    {
        if (m_yieldBeforeReads)
            m_body.line(QLatin1String("yield ") + name, QStringLiteral("wait until readable"));
    }

    void writeSocketStep(const Step &step, const Block &block, const QString &name)
    {
        switch (step.type) {
        case StepType::Send:
            writeSend(step, block, name);
            break;
        case StepType::Receive:
            if (block.udp)
                writeReceiveFrom(step, block, name);
            else
                writeReceive(step, name);
            break;
        case StepType::Eof:
            writeYield(name);
            m_body.line(QLatin1String("data = ") + name + QLatin1String(".recv(")
                            + QString::number(step.recvSize) + QLatin1Char(')'),
                        QStringLiteral("b'': the peer finished sending (FIN)"));
            break;
        case StepType::HalfClose:
            m_body.line(name + QLatin1String(".shutdown(socket.SHUT_WR)"),
                        QStringLiteral("FIN: this side sends no more, but still reads"));
            break;
        case StepType::Close:
            m_body.line(name + QLatin1String(".close()"));
            break;
        case StepType::Abort:
            m_needsStruct = true;
            m_body.line(name
                            + QLatin1String(".setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, "
                                            "struct.pack('ii', 1, 0))"),
                        QStringLiteral("linger 0 s: close() aborts"));
            m_body.line(name + QLatin1String(".close()"),
                        QStringLiteral("abort: RST instead of FIN, unsent data dropped"));
            break;
        case StepType::ClosedByPeer:
            m_body.line(name + QLatin1String(".close()"),
                        QStringLiteral("the peer closed first; this side closes too"));
            break;
        case StepType::CloseWithUnreadData:
            m_body.line(name + QLatin1String(".close()"),
                        QStringLiteral("data was still unread: the system sent RST, not FIN"));
            break;
        case StepType::Lost:
            m_body.line(name + QLatin1String(".close()"),
                        QStringLiteral("the connection was lost (timeout or unreachable)"));
            break;
        case StepType::ResetByPeer:
            m_body.line(name + QLatin1String(".close()"),
                        QStringLiteral("the peer reset the connection (RST)"));
            break;
        case StepType::SocketComment:
            writeComment(step);
            break;
        default:
            break;
        }
    }

    void writeSend(const Step &step, const Block &block, const QString &name)
    {
        QString call;
        if (block.udp) {
            call = name + QLatin1String(".sendto(") + payloadExpression(step.payload)
                   + QLatin1String(", ")
                   + (step.toLastSender ? QStringLiteral("addr")
                                        : addressArgument(step.address, block.ipv6))
                   + QLatin1Char(')');
        } else {
            call = name + QLatin1String(".send(") + payloadExpression(step.payload)
                   + QLatin1Char(')');
        }
        if (step.count == 1) {
            m_body.line(call);
            return;
        }
        m_body.line(QLatin1String("for _ in range(") + QString::number(step.count)
                        + QLatin1String("):"),
                    plural(step.count,
                           block.udp ? "datagram" : "send",
                           block.udp ? "datagrams" : "sends")
                        + QLatin1String(", ") + plural(step.bytes, "byte", "bytes")
                        + QLatin1String(" in all"));
        m_body.indent();
        m_body.line(call);
        m_body.dedent();
    }

    void writeReceive(const Step &step, const QString &name)
    {
        const QString recv = QLatin1String("data = ") + name + QLatin1String(".recv(")
                             + QString::number(step.recvSize) + QLatin1Char(')');
        const QString echo = name + QLatin1String(".send(data)");
        if (step.count == 1) {
            writeYield(name);
            m_body.line(recv, dataComment(step.payload, step.firstSize));
            m_body.line(step.text ? QStringLiteral("print(data.decode())")
                                  : QStringLiteral("print(data)"));
            if (step.echo)
                m_body.line(echo, QStringLiteral("echo: the same bytes back"));
            return;
        }
        // Reads until as many bytes arrived as in the session: a replay may get them in
        // other pieces, so counting recv() calls could wait forever or stop early.
        m_body.line(QStringLiteral("received = 0"));
        m_body.line(QLatin1String("while received < ") + QString::number(step.bytes)
                        + QLatin1Char(':'),
                    plural(step.count, "read", "reads") + QLatin1String(" in the session, ")
                        + plural(step.bytes, "byte", "bytes") + QLatin1String(" in all")
                        + (step.echo ? QLatin1String(", each sent back (echo)") : QLatin1String()));
        m_body.indent();
        writeYield(name);
        m_body.line(recv, QLatin1String("the first: ") + dataComment(step.payload, step.firstSize));
        m_body.line(QStringLiteral("if not data:"), QStringLiteral("the peer finished early"));
        m_body.indent();
        m_body.line(QStringLiteral("break"));
        m_body.dedent();
        m_body.line(QStringLiteral("received += len(data)"));
        if (step.echo)
            m_body.line(echo);
        m_body.dedent();
    }

    void writeReceiveFrom(const Step &step, const Block &block, const QString &name)
    {
        const QString recv = QLatin1String("data, addr = ") + name + QLatin1String(".recvfrom(")
                             + QString::number(step.recvSize) + QLatin1Char(')');
        const QString echo = name + QLatin1String(".sendto(data, addr)");
        if (step.count == 1) {
            m_body.line(recv,
                        QLatin1String("addr == ") + addressValue(step.address, block.ipv6)
                            + QLatin1String(", ") + dataComment(step.payload, step.firstSize));
            if (step.truncatedFrom >= 0) {
                m_body.comment(
                    QLatin1String("The datagram had ") + QString::number(step.truncatedFrom)
                    + QLatin1String(" bytes: recvfrom(") + QString::number(step.recvSize)
                    + QLatin1String(") returned the first ") + QString::number(step.firstSize)
                    + QLatin1String(", the rest is lost."));
            }
            m_body.line(QStringLiteral("print(\"Message from:\", addr)"));
            m_body.line(step.text ? QStringLiteral("print(data.decode())")
                                  : QStringLiteral("print(data)"));
            if (step.echo)
                m_body.line(echo, QStringLiteral("echo: the same bytes back"));
            return;
        }
        QString comment = plural(step.count, "datagram", "datagrams") + QLatin1String(", ")
                          + plural(step.bytes, "byte", "bytes") + QLatin1String(" in all");
        if (step.truncated > 0)
            comment += QLatin1String(", ") + QString::number(step.truncated)
                       + QLatin1String(" cut to ") + QString::number(step.recvSize)
                       + QLatin1String(" bytes");
        if (step.echo)
            comment += QLatin1String(", each sent back (echo)");
        m_body.line(QLatin1String("for _ in range(") + QString::number(step.count)
                        + QLatin1String("):"),
                    comment);
        m_body.indent();
        m_body.line(recv,
                    QLatin1String("the first: addr == ") + addressValue(step.address, block.ipv6)
                        + QLatin1String(", ") + dataComment(step.payload, step.firstSize));
        if (step.echo)
            m_body.line(echo);
        m_body.dedent();
    }

    const PythonMirror &m_mirror;
    ScriptWriter m_body;
    bool m_needsStruct = false;
    bool m_yieldBeforeReads = false;
};

PythonMirror::PythonMirror(SessionKind kind, int recvSize, QObject *parent)
    : QObject(parent)
    , m_kind(kind)
    , m_recvSize(recvSize)
{
    m_changeTimer.setSingleShot(true);
    m_changeTimer.setInterval(ChangeIntervalMs);
    connect(&m_changeTimer, &QTimer::timeout, this, &PythonMirror::changed);
}

PythonMirror::~PythonMirror() = default;

void PythonMirror::setRecvSize(int bytes)
{
    m_recvSize = bytes;
}

QString PythonMirror::script() const
{
    if (!m_scriptValid) {
        m_script = ScriptBuilder(*this).build();
        m_scriptValid = true;
    }
    return m_script;
}

bool PythonMirror::save(const QString &path, QString *errorMessage) const
{
    QSaveFile file(path);
    if (file.open(QIODevice::WriteOnly) && file.write(script().toUtf8()) >= 0 && file.commit())
        return true;
    if (errorMessage) {
        *errorMessage = tr("could not write the Python mirror to %1: %2. Check that the folder "
                           "exists and that you may write there.")
                            .arg(path, file.errorString());
    }
    return false;
}

QString PythonMirror::fileName(int sessionId)
{
    return QStringLiteral("session-%1.py").arg(sessionId);
}

void PythonMirror::append(const TrafficEvent &event)
{
    ++m_eventCount;
    if (m_stopped) {
        ++m_eventsNotFollowed;
    } else {
        switch (m_kind) {
        case SessionKind::TcpServer:
            appendServerEvent(event);
            break;
        case SessionKind::TcpClient:
            appendClientEvent(event);
            break;
        case SessionKind::Udp:
            appendUdpEvent(event);
            break;
        }
        if (m_usage.steps > MaxSteps || m_usage.keptBytes > MaxKeptBytes)
            m_stopped = true;
    }
    m_scriptValid = false;
    if (!m_changeTimer.isActive())
        m_changeTimer.start();
}

void PythonMirror::appendServerEvent(const TrafficEvent &event)
{
    if (event.type == EventType::Accepted) {
        const int block = openBlock(false, m_listenerIpv6 || isIpv6Socket(event.local));
        m_connectionBlocks.insert(event.connection, block);
        Step &step = addStep(StepType::Accept);
        step.block = block;
        step.address = event.peer;
        return;
    }
    if (event.connection > 0) {
        // A connection accepted before this mirror followed the session has no code to
        // add to.
        const auto block = m_connectionBlocks.constFind(event.connection);
        if (block == m_connectionBlocks.constEnd())
            return;
        if (event.type == EventType::Received || event.type == EventType::Eof)
            noteRead(event.connection);
        appendSocketEvent(*block, event);
        return;
    }
    switch (event.type) {
    case EventType::Listening: {
        m_listenerIpv6 = isIpv6Socket(event.local);
        addStep(StepType::Listen).address = event.local;
        break;
    }
    case EventType::Stopped:
        addStep(StepType::StopListening);
        break;
    case EventType::Error:
    case EventType::Note: {
        Step &step = addStep(StepType::Comment);
        step.error = event.type == EventType::Error;
        step.message = event.message;
        break;
    }
    default:
        break;
    }
}

void PythonMirror::appendClientEvent(const TrafficEvent &event)
{
    switch (event.type) {
    case EventType::Connecting:
        // An attempt still waiting stays one that got no answer.
        addStep(StepType::ConnectNoAnswer).address = event.peer;
        m_attemptStep = int(m_steps.size()) - 1;
        m_currentBlock = -1;
        return;
    case EventType::Connected: {
        const int block = openBlock(false, isIpv6Socket(event.peer));
        if (m_attemptStep < 0) {
            addStep(StepType::ConnectNoAnswer);
            m_attemptStep = int(m_steps.size()) - 1;
        }
        Step &step = m_steps[m_attemptStep];
        step.type = StepType::Connect;
        step.block = block;
        step.address = event.peer;
        step.local = event.local;
        m_attemptStep = -1;
        m_currentBlock = block;
        return;
    }
    case EventType::Error:
    case EventType::Note:
        // While connecting, a note is a failed attempt with another address still to try.
        if (m_attemptStep >= 0) {
            Step &step = m_steps[m_attemptStep];
            step.type = StepType::ConnectFailed;
            step.message = event.message;
            m_attemptStep = -1;
            return;
        }
        break;
    default:
        break;
    }
    if (m_currentBlock >= 0) {
        appendSocketEvent(m_currentBlock, event);
        if (event.type == EventType::Closed)
            m_currentBlock = -1;
        return;
    }
    if (event.type == EventType::Error || event.type == EventType::Note) {
        Step &step = addStep(StepType::Comment);
        step.error = event.type == EventType::Error;
        step.message = event.message;
    }
}

void PythonMirror::appendUdpEvent(const TrafficEvent &event)
{
    switch (event.type) {
    case EventType::Listening: {
        const int block = openBlock(true, isIpv6Socket(event.local));
        Step &step = addStep(StepType::UdpSocket);
        step.block = block;
        step.address = event.local;
        step.explicitBind = !UdpPeerSession::isImplicitBind(event);
        m_currentBlock = block;
        return;
    }
    case EventType::Stopped:
        if (m_currentBlock >= 0) {
            Block &block = m_blocks[m_currentBlock];
            settleAll(block, m_usage);
            addBlockStep(block, StepType::Close, m_usage);
            m_currentBlock = -1;
        }
        return;
    case EventType::Sent:
    case EventType::Received:
        if (m_currentBlock >= 0)
            appendSocketEvent(m_currentBlock, event);
        return;
    case EventType::Error:
    case EventType::Note:
        if (m_currentBlock >= 0) {
            appendSocketEvent(m_currentBlock, event);
        } else {
            Step &step = addStep(StepType::Comment);
            step.error = event.type == EventType::Error;
            step.message = event.message;
        }
        return;
    default:
        return;
    }
}

void PythonMirror::appendSocketEvent(int blockIndex, const TrafficEvent &event)
{
    Block &block = m_blocks[blockIndex];
    switch (event.type) {
    case EventType::Received: {
        PendingRead read;
        read.payload = event.payload;
        read.recvSize = m_recvSize;
        read.sender = event.peer;
        read.truncatedFrom = event.truncatedFrom;
        read.time = event.msecsSinceEpoch;
        block.pending.push_back(read);
        block.pendingBytes += read.payload.size();
        m_usage.pendingBytes += read.payload.size();
        trimPending(block, m_usage);
        return;
    }
    case EventType::Eof:
        // After the reads still waiting for their echo, which may be sent after the FIN.
        if (block.pending.empty()) {
            addBlockStep(block, StepType::Eof, m_usage).recvSize = m_recvSize;
        } else {
            PendingRead marker;
            marker.eof = true;
            marker.recvSize = m_recvSize;
            block.pending.push_back(marker);
        }
        return;
    case EventType::Sent:
        if (takeEcho(block, event, m_usage))
            return;
        settleAll(block, m_usage);
        addSend(block, event.payload, event.peer, m_usage);
        return;
    case EventType::Closed: {
        settleAll(block, m_usage);
        StepType type = StepType::Close;
        if (event.closedBy == ClosedBy::Peer)
            type = event.reset ? StepType::ResetByPeer : StepType::ClosedByPeer;
        else if (event.detail == EventDetail::UnreadData)
            type = StepType::CloseWithUnreadData;
        else if (event.detail == EventDetail::Lost)
            type = StepType::Lost;
        else if (event.reset)
            type = StepType::Abort;
        addBlockStep(block, type, m_usage);
        return;
    }
    case EventType::Error:
    case EventType::Note: {
        settleAll(block, m_usage);
        if (TcpConnection::isHalfCloseNote(event)) {
            addBlockStep(block, StepType::HalfClose, m_usage);
            return;
        }
        Step &step = addBlockStep(block, StepType::SocketComment, m_usage);
        step.error = event.type == EventType::Error;
        step.message = event.message;
        return;
    }
    default:
        return;
    }
}

int PythonMirror::openBlock(bool udp, bool ipv6)
{
    Block block;
    block.udp = udp;
    block.ipv6 = ipv6;
    m_blocks.push_back(std::move(block));
    return int(m_blocks.size()) - 1;
}

PythonMirror::Step &PythonMirror::addStep(StepType type)
{
    ++m_usage.steps;
    m_steps.emplace_back();
    m_steps.back().type = type;
    return m_steps.back();
}

PythonMirror::Step &PythonMirror::addBlockStep(Block &block, StepType type, Usage &usage)
{
    ++usage.steps;
    block.steps.emplace_back();
    block.steps.back().type = type;
    return block.steps.back();
}

void PythonMirror::addReceive(Block &block, const PendingRead &read, bool echo, Usage &usage)
{
    const qint64 size = read.payload.size();
    if (block.udp)
        block.lastSender = read.sender;
    if (!block.steps.empty()) {
        Step &last = block.steps.back();
        if (last.type == StepType::Receive && last.recvSize == read.recvSize && last.echo == echo) {
            ++last.count;
            last.bytes += size;
            if (read.truncatedFrom >= 0)
                ++last.truncated;
            return;
        }
    }
    Step &step = addBlockStep(block, StepType::Receive, usage);
    step.echo = echo;
    step.recvSize = read.recvSize;
    step.bytes = size;
    step.firstSize = size;
    step.payload = read.payload.left(SampleBytes);
    step.text = decodesAsUtf8(read.payload);
    step.truncatedFrom = read.truncatedFrom;
    step.truncated = read.truncatedFrom >= 0 ? 1 : 0;
    step.address = read.sender;
}

void PythonMirror::addSend(Block &block,
                           const QByteArray &payload,
                           const SocketAddress &destination,
                           Usage &usage)
{
    if (!block.steps.empty()) {
        Step &last = block.steps.back();
        if (last.type == StepType::Send && last.payload == payload
            && (!block.udp || last.address == destination)) {
            ++last.count;
            last.bytes += payload.size();
            return;
        }
    }
    Step &step = addBlockStep(block, StepType::Send, usage);
    step.payload = payload;
    step.bytes = payload.size();
    step.address = destination;
    step.toLastSender = block.udp && !block.lastSender.isNull() && destination == block.lastSender;
    usage.keptBytes += payload.size();
}

bool PythonMirror::takeEcho(Block &block, const TrafficEvent &sent, Usage &usage)
{
    if (block.pending.empty() || block.pending.front().eof)
        return false;
    PendingRead &front = block.pending.front();
    if (!block.echoSeen && sent.msecsSinceEpoch - front.time > AutomaticReplyMs)
        return false;
    const QByteArray &payload = sent.payload;
    if (block.udp) {
        // A datagram goes back whole, to its sender.
        if (front.payload != payload || front.sender != sent.peer)
            return false;
    } else {
        // A TCP echo may be written in pieces when the peer reads slowly.
        const qint64 left = front.payload.size() - front.matched;
        if (payload.isEmpty() || payload.size() > left
            || std::memcmp(front.payload.constData() + front.matched,
                           payload.constData(),
                           std::size_t(payload.size()))
                   != 0) {
            return false;
        }
        front.matched += payload.size();
        block.echoSeen = true;
        if (front.matched < front.payload.size())
            return true;
    }
    block.echoSeen = true;
    const PendingRead read = std::move(front);
    block.pending.pop_front();
    block.pendingBytes -= read.payload.size();
    usage.pendingBytes -= read.payload.size();
    addReceive(block, read, true, usage);
    // An Eof that waited behind the reads takes its place now.
    while (!block.pending.empty() && block.pending.front().eof)
        settleFront(block, usage);
    return true;
}

void PythonMirror::settleFront(Block &block, Usage &usage)
{
    const PendingRead read = std::move(block.pending.front());
    block.pending.pop_front();
    if (read.eof) {
        addBlockStep(block, StepType::Eof, usage).recvSize = read.recvSize;
        return;
    }
    block.pendingBytes -= read.payload.size();
    usage.pendingBytes -= read.payload.size();
    addReceive(block, read, false, usage);
    // Part of it was sent back before something else came: that part is a plain send.
    if (read.matched > 0)
        addSend(block, read.payload.left(read.matched), read.sender, usage);
}

void PythonMirror::settleAll(Block &block, Usage &usage)
{
    while (!block.pending.empty())
        settleFront(block, usage);
}

void PythonMirror::trimPending(Block &block, Usage &usage)
{
    // The newest read always waits: its echo, if any, usually comes right after it.
    const int maxReads = block.echoSeen ? EchoPendingReads : QuickPendingReads;
    const qint64 maxBytes = block.echoSeen ? EchoPendingBytes : QuickPendingBytes;
    while (block.pending.size() > 1
           && (int(block.pending.size()) > maxReads || block.pendingBytes > maxBytes
               || usage.pendingBytes > MaxPendingBytes)) {
        settleFront(block, usage);
    }
}

void PythonMirror::noteRead(int connection)
{
    if (m_interleaved || connection == m_lastReader)
        return;
    if (m_lastReader != 0)
        m_finishedReaders.insert(m_lastReader);
    m_lastReader = connection;
    if (m_finishedReaders.contains(connection)) {
        m_interleaved = true;
        m_finishedReaders.clear();
    }
}

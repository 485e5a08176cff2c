#include <QCryptographicHash>
#include <QDateTime>
#include <QDeadlineTimer>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QHash>
#include <QHostAddress>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonParseError>
#include <QProcess>
#include <QProcessEnvironment>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <QSet>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

#include <functional>
#include <memory>
#include <optional>

#include <signal.h>

// End-to-end tests of the socket-workbench binary's --record (DESIGN.md, "Record format"):
// the app runs against real peers (Python's socket module, nc, socat) on loopback only,
// and its record is checked line by line.

namespace {

// Generous: a loaded two-core machine builds and tests other branches at the same time.
constexpr int TimeoutMs = 30000;
constexpr qint64 FiveMiB = 5 * 1024 * 1024;
constexpr qint64 TenMiB = 10 * 1024 * 1024;
// How much of a record a failure message shows.
constexpr int DumpLines = 40;
constexpr int DumpLineChars = 400;

using Event = QJsonObject;
using EventPredicate = std::function<bool(const Event &)>;

QString text(const Event &event, const char *key)
{
    return event.value(QLatin1String(key)).toString();
}

int number(const Event &event, const char *key)
{
    return event.value(QLatin1String(key)).toInt(-1);
}

bool isEvent(const Event &event, const char *type, int session, int connection = 0)
{
    return text(event, "event") == QLatin1String(type) && number(event, "session") == session
           && (connection == 0 || number(event, "conn") == connection);
}

EventPredicate eventIs(const char *type, int session, int connection = 0)
{
    return [type, session, connection](const Event &event) {
        return isEvent(event, type, session, connection);
    };
}

quint16 portOf(const QString &address)
{
    return quint16(address.mid(address.lastIndexOf(QLatin1Char(':')) + 1).toUInt());
}

QByteArray sha256(const QByteArray &data)
{
    return QCryptographicHash::hash(data, QCryptographicHash::Sha256).toHex();
}

QByteArray fileSha256(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return QByteArray("cannot read ") + QFile::encodeName(path);
    QCryptographicHash hash(QCryptographicHash::Sha256);
    hash.addData(&file);
    return hash.result().toHex();
}

QByteArray randomBytes(qint64 size)
{
    QByteArray data(size, Qt::Uninitialized);
    QRandomGenerator::global()->fillRange(reinterpret_cast<quint32 *>(data.data()),
                                          size / qint64(sizeof(quint32)));
    return data;
}

bool writeFile(const QString &path, const QByteArray &data)
{
    QFile file(path);
    return file.open(QIODevice::WriteOnly) && file.write(data) == data.size();
}

// The top-level keys of one record line in the order written. QJsonObject sorts its
// keys, and the order is part of the contract. Record values are strings, numbers and
// booleans, never nested.
QStringList keysInOrder(const QByteArray &line)
{
    QStringList keys;
    bool inString = false;
    bool expectKey = false;
    QByteArray current;
    for (qsizetype i = 0; i < line.size(); ++i) {
        const char c = line.at(i);
        if (inString) {
            if (c == '\\') {
                current += c;
                if (i + 1 < line.size())
                    current += line.at(++i);
            } else if (c == '"') {
                inString = false;
                if (expectKey) {
                    keys.append(QString::fromUtf8(current));
                    expectKey = false;
                }
            } else {
                current += c;
            }
        } else if (c == '"') {
            inString = true;
            current.clear();
        } else if (c == '{' || c == ',') {
            expectKey = true;
        }
    }
    return keys;
}

QProcessEnvironment childEnvironment(const QString &configDirectory)
{
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.remove(QStringLiteral("DISPLAY"));
    environment.remove(QStringLiteral("WAYLAND_DISPLAY"));
    environment.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
    // Nothing remembered from other runs (no last workspace, no recent hosts).
    environment.insert(QStringLiteral("XDG_CONFIG_HOME"), configDirectory);
    return environment;
}

QString describeExit(const QProcess &process)
{
    if (process.state() != QProcess::NotRunning)
        return QStringLiteral("still running");
    if (process.exitStatus() == QProcess::CrashExit) {
        // A shell would say 128 + the signal: the one-off "exit 143" was a SIGTERM death.
        return QStringLiteral("killed by a signal (or crashed), as a shell would say exit %1")
            .arg(128 + process.exitCode());
    }
    return QStringLiteral("exit %1").arg(process.exitCode());
}

// A child process of the test (the app, a Python peer, nc, socat), always ended by its
// own PID when the test leaves. When the test has failed, it says how it ended and what
// it printed (and the app its record), so a failure shows the whole story.
class Child
{
public:
    explicit Child(QString name)
        : m_name(std::move(name))
    {}
    Child(const Child &) = delete;
    Child &operator=(const Child &) = delete;
    virtual ~Child()
    {
        reportIfFailed();
        if (m_process.state() != QProcess::NotRunning) {
            m_process.kill(); // SIGKILL to this child's own PID
            m_process.waitForFinished(5000);
        }
    }

    QProcess &process() { return m_process; }

    bool waitForFinished(int timeoutMs = TimeoutMs)
    {
        return QTest::qWaitFor([this] { return m_process.state() == QProcess::NotRunning; },
                               timeoutMs);
    }
    bool finishedWithZero(int timeoutMs = TimeoutMs)
    {
        return waitForFinished(timeoutMs) && exitedWith(0);
    }
    bool exitedWith(int code) const
    {
        return m_process.state() == QProcess::NotRunning
               && m_process.exitStatus() == QProcess::NormalExit && m_process.exitCode() == code;
    }
    QString exitText() const { return m_name + QStringLiteral(": ") + describeExit(m_process); }

    // All it printed so far.
    QByteArray standardOutput()
    {
        collectOutput();
        return m_stdout;
    }
    QByteArray standardError()
    {
        collectOutput();
        return m_stderr;
    }

    virtual QString describe()
    {
        collectOutput();
        QString text = QStringLiteral("--- %1 (%2)\n").arg(m_name, describeExit(m_process));
        if (!m_stdout.isEmpty())
            text += QStringLiteral("stdout:\n") + QString::fromUtf8(m_stdout.right(4000))
                    + QLatin1Char('\n');
        if (!m_stderr.isEmpty())
            text += QStringLiteral("stderr:\n") + QString::fromUtf8(m_stderr.right(4000))
                    + QLatin1Char('\n');
        return text;
    }

protected:
    // Called by each class's own destructor, while describe() is still its own.
    void reportIfFailed()
    {
        if (m_reported || !QTest::currentTestFailed())
            return;
        m_reported = true;
        qWarning().noquote() << describe();
    }

    virtual void collectOutput()
    {
        m_stdout += m_process.readAllStandardOutput();
        m_stderr += m_process.readAllStandardError();
    }

    QString m_name;
    QProcess m_process;
    QByteArray m_stdout;
    QByteArray m_stderr;
    bool m_reported = false;
};

// A Python 3 script run with `python3 -c`; it talks to the test through lines on stdout.
class Python : public Child
{
public:
    explicit Python(const QString &name = QStringLiteral("python3"))
        : Child(name)
    {}
    ~Python() override { reportIfFailed(); }

    void start(const QString &script, const QStringList &arguments = {})
    {
        m_process.start(QStringLiteral("python3"),
                        QStringList{QStringLiteral("-c"), script} + arguments);
    }

    // The next line the script printed, or a null string if none came in time.
    QString readLine(int timeoutMs = TimeoutMs)
    {
        const bool ready = QTest::qWaitFor(
            [this] {
                collectOutput();
                return m_lines.contains('\n') || m_process.state() == QProcess::NotRunning;
            },
            timeoutMs);
        collectOutput();
        if (!ready || !m_lines.contains('\n'))
            return QString();
        const qsizetype end = m_lines.indexOf('\n');
        const QByteArray line = m_lines.left(end);
        m_lines.remove(0, end + 1);
        return QString::fromUtf8(line).trimmed();
    }

protected:
    void collectOutput() override
    {
        const QByteArray fresh = m_process.readAllStandardOutput();
        m_lines += fresh;
        m_stdout += fresh;
        m_stderr += m_process.readAllStandardError();
    }

private:
    QByteArray m_lines; // not yet taken by readLine()
};

// The app under test with --record FILE. Its record is tailed: each look re-reads what
// was appended since the last one and parses every complete line.
class Workbench : public Child
{
public:
    Workbench(const QString &recordPath, const QString &configDirectory)
        : Child(QStringLiteral("socket-workbench"))
        , m_recordPath(recordPath)
    {
        m_process.setProcessEnvironment(childEnvironment(configDirectory));
    }
    ~Workbench() override { reportIfFailed(); }

    bool start(const QStringList &arguments)
    {
        m_process.start(QStringLiteral(SOCKET_WORKBENCH_BINARY),
                        arguments + QStringList{QStringLiteral("--record"), m_recordPath});
        return m_process.waitForStarted(TimeoutMs);
    }

    // Sends SIGTERM or SIGINT to the app's own PID and waits for it to end.
    bool signalAndWait(int signalNumber)
    {
        const qint64 id = m_process.processId();
        if (id <= 0 || ::kill(pid_t(id), signalNumber) != 0)
            return false;
        return waitForFinished();
    }

    const QList<Event> &events()
    {
        poll();
        return m_events;
    }
    const QByteArrayList &lines()
    {
        poll();
        return m_lines;
    }
    // Lines that are not one JSON object each, and a last line without its newline.
    QStringList formatProblems()
    {
        poll();
        QStringList problems = m_problems;
        if (!m_partial.isEmpty())
            problems.append(QStringLiteral("unterminated last line: ")
                            + QString::fromUtf8(m_partial));
        return problems;
    }

    // The index of the first event from `from` on that matches, or -1.
    int find(const EventPredicate &matches, int from = 0)
    {
        poll();
        for (int i = from; i < m_events.size(); ++i) {
            if (matches(m_events.at(i)))
                return i;
        }
        return -1;
    }
    int find(const char *type, int session, int connection = 0)
    {
        return find(eventIs(type, session, connection));
    }

    // Like find(), waiting for the line to be written; -1 if it did not come in time or
    // the app ended without it.
    int waitFor(const EventPredicate &matches, int from = 0)
    {
        int found = -1;
        [[maybe_unused]] const bool done = QTest::qWaitFor(
            [&] {
                found = find(matches, from);
                if (found >= 0)
                    return true;
                if (m_process.state() != QProcess::NotRunning)
                    return false;
                found = find(matches, from); // what it wrote before it ended
                return true;
            },
            TimeoutMs);
        return found;
    }
    int waitFor(const char *type, int session, int connection = 0)
    {
        return waitFor(eventIs(type, session, connection));
    }

    // The real port of a listening session (port 0 asked for any free port); 0 if none.
    quint16 listeningPort(int session)
    {
        const int index = waitFor("listening", session);
        return index < 0 ? 0 : portOf(text(m_events.at(index), "local"));
    }

    QList<Event> eventsOf(int session, int connection = 0)
    {
        QList<Event> result;
        for (const Event &event : events()) {
            if (number(event, "session") == session
                && (connection == 0 || number(event, "conn") == connection))
                result.append(event);
        }
        return result;
    }

    QString describe() override
    {
        poll();
        QString text = Child::describe();
        text += QStringLiteral("record %1: %2 lines, the last ones:\n")
                    .arg(m_recordPath)
                    .arg(m_lines.size());
        for (qsizetype i = qMax<qsizetype>(0, m_lines.size() - DumpLines); i < m_lines.size(); ++i) {
            QString line = QString::fromUtf8(m_lines.at(i));
            if (line.size() > DumpLineChars)
                line = line.left(DumpLineChars) + QStringLiteral("...");
            text += line + QLatin1Char('\n');
        }
        for (const QString &problem : formatProblems())
            text += QStringLiteral("BAD LINE: ") + problem.left(DumpLineChars) + QLatin1Char('\n');
        return text;
    }

private:
    void poll()
    {
        QFile file(m_recordPath);
        if (!file.open(QIODevice::ReadOnly) || !file.seek(m_offset))
            return;
        const QByteArray fresh = file.readAll();
        m_offset += fresh.size();
        m_partial += fresh;
        qsizetype start = 0;
        for (qsizetype end = m_partial.indexOf('\n'); end >= 0;
             end = m_partial.indexOf('\n', start)) {
            const QByteArray line = m_partial.mid(start, end - start);
            start = end + 1;
            QJsonParseError error;
            const QJsonDocument document = QJsonDocument::fromJson(line, &error);
            if (error.error != QJsonParseError::NoError || !document.isObject()) {
                m_problems.append(QStringLiteral("line %1: %2: %3")
                                      .arg(m_lines.size() + 1)
                                      .arg(error.errorString(), QString::fromUtf8(line)));
            }
            m_lines.append(line);
            m_events.append(document.object());
        }
        m_partial.remove(0, start);
    }

    QString m_recordPath;
    qint64 m_offset = 0;
    QByteArray m_partial;
    QByteArrayList m_lines;
    QList<Event> m_events;
    QStringList m_problems;
};

// Python clients used by several cases.

// Connects to 127.0.0.1:argv[1], prints its own address (getsockname) as ip:port, sends
// argv[2] (if any), reads until argv[3] bytes came back, prints them, closes.
const char *const EchoClientScript = R"(
import socket, sys
sock = socket.create_connection(('127.0.0.1', int(sys.argv[1])), timeout=20)
print('%s:%d' % sock.getsockname(), flush=True)
message = sys.argv[2].encode()
sock.sendall(message)
data = b''
while len(data) < len(message):
    chunk = sock.recv(1024)
    if not chunk:
        break
    data += chunk
print(data.decode(), flush=True)
sock.close()
)";

} // namespace

class tst_Record : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanup();

    void greetedAndEchoedThenClosedByPeer();
    void resetByPeerIsRecorded();
    void halfClosingToolsGetTheWholeEchoBack_data();
    void halfClosingToolsGetTheWholeEchoBack();
    void clientSendsToAPythonServer();
    void udpEchoRecordsTheSender();
    void udpSendToAPythonServer();
    void recvSizeCutsDatagramsAndSplitsStreams();
    void threeClientsAtOnceThenAFourth();
    void tenMiBEchoedAndRecordedExactly();
    void runTimeErrorsAreRecordedAndTheAppKeepsRunning();
    void ipv6AddressesInBrackets();
    void invalidCommandLineStartsNothing_data();
    void invalidCommandLineStartsNothing();
    void terminationClosesEverythingAndCompletesTheRecord_data();
    void terminationClosesEverythingAndCompletesTheRecord();
    void terminationDuringStartUpStillExitsCleanly();
    void fieldsAndTheirOrderFollowTheContract();
    void lessonListensOnlyOnTheServerTab();
    void statsCountWhatPeersSent();

private:
    QString recordPath(const QString &name = QStringLiteral("record.jsonl")) const
    {
        return m_directory->filePath(name);
    }
    QString configDirectory() const { return m_directory->filePath(QStringLiteral("config")); }

    std::unique_ptr<QTemporaryDir> m_directory;
};

void tst_Record::initTestCase()
{
    m_directory = std::make_unique<QTemporaryDir>();
    QVERIFY(m_directory->isValid());
    QVERIFY(QDir().mkpath(configDirectory()));
}

void tst_Record::cleanup()
{
    // Each case starts with a fresh record file: nothing read from an earlier case.
    const QDir directory(m_directory->path());
    const QStringList files = directory.entryList(QDir::Files);
    for (const QString &file : files)
        QFile::remove(directory.filePath(file));
}

// Issue 5, case 1: greeting, echo, the peer's FIN.
void tst_Record::greetedAndEchoedThenClosedByPeer()
{
    Workbench app(recordPath(), configDirectory());
    // Not arg(): it would take the "%0A" for a placeholder.
    QVERIFY(app.start({QStringLiteral("tcp-listen://127.0.0.1:0?greeting=Hi%0A&echo")}));
    const quint16 port = app.listeningPort(1);
    QVERIFY(port != 0);

    Python client;
    client.start(QString::fromLatin1(R"(
import socket, sys
sock = socket.create_connection(('127.0.0.1', int(sys.argv[1])), timeout=20)
print('%s:%d' % sock.getsockname(), flush=True)
greeting = b''
while len(greeting) < 3:
    chunk = sock.recv(1024)
    if not chunk:
        break
    greeting += chunk
assert greeting == b'Hi\n', greeting
sock.sendall(b'Hello world!')
data = b''
while len(data) < 12:
    chunk = sock.recv(1024)
    if not chunk:
        break
    data += chunk
assert data == b'Hello world!', data
sock.close()
)"),
                 {QString::number(port)});
    const QString clientAddress = client.readLine();
    QVERIFY(!clientAddress.isEmpty());
    QVERIFY(client.finishedWithZero());
    QVERIFY(app.waitFor("closed", 1, 1) >= 0);

    const QString local = QStringLiteral("127.0.0.1:") + QString::number(port);
    const QList<Event> events = app.eventsOf(1, 1);
    QVERIFY(events.size() >= 6);
    for (const Event &event : events) {
        QCOMPARE(text(event, "kind"), QStringLiteral("tcp-listen"));
        QCOMPARE(text(event, "local"), local);
        QCOMPARE(text(event, "peer"), clientAddress);
    }
    QCOMPARE(text(events.at(0), "event"), QStringLiteral("accepted"));
    QCOMPARE(text(events.at(1), "event"), QStringLiteral("sent"));
    QCOMPARE(text(events.at(1), "hex"), QStringLiteral("48690a")); // "Hi\n"
    QCOMPARE(number(events.at(1), "size"), 3);
    // Then the message, read in one recv() or more, and its echo; then FIN, then closed.
    QCOMPARE(text(events.at(2), "event"), QStringLiteral("received"));
    QString receivedHex;
    QString echoedHex;
    for (qsizetype i = 2; i < events.size() - 2; ++i) {
        const QString type = text(events.at(i), "event");
        if (type == QLatin1String("received"))
            receivedHex += text(events.at(i), "hex");
        else if (type == QLatin1String("sent"))
            echoedHex += text(events.at(i), "hex");
        else
            QFAIL(qPrintable(QStringLiteral("unexpected %1 before eof").arg(type)));
    }
    const QString hello = QString::fromLatin1(QByteArray("Hello world!").toHex());
    QCOMPARE(receivedHex, hello);
    QCOMPARE(echoedHex, hello);
    QCOMPARE(text(events.at(events.size() - 2), "event"), QStringLiteral("eof"));
    const Event closed = events.last();
    QCOMPARE(text(closed, "event"), QStringLiteral("closed"));
    QCOMPARE(text(closed, "by"), QStringLiteral("peer"));
    QVERIFY(!closed.contains(QLatin1String("reset")));
    QVERIFY(app.formatProblems().isEmpty());
}

// Issue 5, case 1: a client closing with SO_LINGER (1, 0) sends RST instead of FIN.
void tst_Record::resetByPeerIsRecorded()
{
    Workbench app(recordPath(), configDirectory());
    QVERIFY(app.start({QStringLiteral("tcp-listen://127.0.0.1:0?greeting=Hi%0A&echo")}));
    const quint16 port = app.listeningPort(1);
    QVERIFY(port != 0);

    Python client;
    client.start(QString::fromLatin1(R"(
import socket, struct, sys
sock = socket.create_connection(('127.0.0.1', int(sys.argv[1])), timeout=20)
print('%s:%d' % sock.getsockname(), flush=True)
greeting = b''
while len(greeting) < 3:
    chunk = sock.recv(1024)
    if not chunk:
        break
    greeting += chunk
assert greeting == b'Hi\n', greeting
sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack('ii', 1, 0))
sock.close()
)"),
                 {QString::number(port)});
    const QString clientAddress = client.readLine();
    QVERIFY(!clientAddress.isEmpty());
    QVERIFY(client.finishedWithZero());
    const int closedAt = app.waitFor("closed", 1, 1);
    QVERIFY(closedAt >= 0);

    const Event closed = app.events().at(closedAt);
    QCOMPARE(text(closed, "peer"), clientAddress);
    QCOMPARE(text(closed, "by"), QStringLiteral("peer"));
    QVERIFY(closed.value(QLatin1String("reset")).toBool());
    QCOMPARE(app.find("eof", 1, 1), -1); // an RST is no FIN
}

// Issue 5, case 2: real tools half-close (shutdown(SHUT_WR)) after their input and read
// the echo to its end; nothing is lost on the way back.
void tst_Record::halfClosingToolsGetTheWholeEchoBack_data()
{
    QTest::addColumn<QString>("program");
    QTest::addColumn<QStringList>("arguments"); // PORT stands for the app's port
    QTest::newRow("nc -N") << QStringLiteral("nc")
                           << QStringList{QStringLiteral("-N"),
                                          QStringLiteral("127.0.0.1"),
                                          QStringLiteral("PORT")};
    // shut-down: shutdown(SHUT_WR) at the end of stdin; -t: how long socat then waits for
    // the echo's end (it ends as soon as the app closes).
    QTest::newRow("socat shut-down") << QStringLiteral("socat")
                                     << QStringList{QStringLiteral("-t"),
                                                    QStringLiteral("30"),
                                                    QStringLiteral("-"),
                                                    QStringLiteral("TCP:127.0.0.1:PORT,shut-down")};
}

void tst_Record::halfClosingToolsGetTheWholeEchoBack()
{
    QFETCH(QString, program);
    QFETCH(QStringList, arguments);

    const QString input = m_directory->filePath(QStringLiteral("in.bin"));
    const QString output = m_directory->filePath(QStringLiteral("out.bin"));
    QVERIFY(writeFile(input, randomBytes(FiveMiB)));

    Workbench app(recordPath(), configDirectory());
    QVERIFY(app.start({QStringLiteral("tcp-listen://127.0.0.1:0?echo")}));
    const quint16 port = app.listeningPort(1);
    QVERIFY(port != 0);
    for (QString &argument : arguments)
        argument.replace(QLatin1String("PORT"), QString::number(port));

    Child tool(program + QLatin1Char(' ') + arguments.join(QLatin1Char(' ')));
    tool.process().setStandardInputFile(input);
    tool.process().setStandardOutputFile(output);
    tool.process().start(program, arguments);
    QVERIFY(tool.finishedWithZero(60000));
    QCOMPARE(QFileInfo(output).size(), FiveMiB);
    QCOMPARE(fileSha256(output), fileSha256(input));

    QVERIFY(app.waitFor("closed", 1, 1) >= 0);
    qint64 received = 0;
    qint64 sent = 0;
    for (const Event &event : app.eventsOf(1, 1)) {
        if (text(event, "event") == QLatin1String("received"))
            received += number(event, "size");
        else if (text(event, "event") == QLatin1String("sent"))
            sent += number(event, "size");
    }
    QCOMPARE(received, FiveMiB);
    QCOMPARE(sent, FiveMiB);
    QVERIFY(app.waitFor("eof", 1, 1) >= 0);
    QCOMPARE(text(app.eventsOf(1, 1).last(), "by"), QStringLiteral("peer"));
    QVERIFY(app.formatProblems().isEmpty());
}

// Issue 5, case 3: tcp://...?send= against the lesson's own kind of server.
void tst_Record::clientSendsToAPythonServer()
{
    Python server;
    server.start(QString::fromLatin1(R"(
import socket
sock = socket.socket()
sock.bind(('127.0.0.1', 0))
sock.listen()
print(sock.getsockname()[1], flush=True)
sock.settimeout(20)
con, addr = sock.accept()
print('%s:%d' % addr, flush=True)
con.settimeout(20)
data = b''
while len(data) < 12:
    chunk = con.recv(1024)
    if not chunk:
        break
    data += chunk
print(data.decode(), flush=True)
con.sendall(b'Hi from Python')
con.close()
sock.close()
)"));
    const QString serverPort = server.readLine();
    QVERIFY(serverPort.toUInt() != 0);

    Workbench app(recordPath(), configDirectory());
    // Not arg(): "%20" would be taken for a placeholder.
    QVERIFY(app.start({QStringLiteral("tcp://127.0.0.1:") + serverPort
                       + QStringLiteral("?send=Hello%20world!")}));
    const QString clientAddress = server.readLine();
    QCOMPARE(server.readLine(), QStringLiteral("Hello world!"));
    QVERIFY(server.finishedWithZero());
    QVERIFY(app.waitFor("closed", 1) >= 0);

    const QString serverAddress = QStringLiteral("127.0.0.1:") + serverPort;
    const QList<Event> events = app.eventsOf(1);
    QVERIFY(events.size() >= 6);
    QCOMPARE(text(events.at(0), "event"), QStringLiteral("connecting"));
    QCOMPARE(text(events.at(0), "peer"), serverAddress);
    QCOMPARE(text(events.at(1), "event"), QStringLiteral("connected"));
    QCOMPARE(text(events.at(2), "event"), QStringLiteral("sent"));
    QCOMPARE(text(events.at(2), "hex"), QString::fromLatin1(QByteArray("Hello world!").toHex()));
    QString reply;
    for (qsizetype i = 1; i < events.size(); ++i) {
        const Event &event = events.at(i);
        QCOMPARE(text(event, "kind"), QStringLiteral("tcp"));
        QCOMPARE(text(event, "local"), clientAddress);
        QCOMPARE(text(event, "peer"), serverAddress);
        QVERIFY(!event.contains(QLatin1String("conn"))); // ids are for a server's connections
        if (text(event, "event") == QLatin1String("received"))
            reply += text(event, "hex");
    }
    QCOMPARE(reply, QString::fromLatin1(QByteArray("Hi from Python").toHex()));
    QCOMPARE(text(events.at(events.size() - 2), "event"), QStringLiteral("eof"));
    QCOMPARE(text(events.last(), "by"), QStringLiteral("peer"));
}

// Issue 5, case 4: an echoing UDP peer answers whoever sent.
void tst_Record::udpEchoRecordsTheSender()
{
    Workbench app(recordPath(), configDirectory());
    QVERIFY(app.start({QStringLiteral("udp://127.0.0.1:0?echo")}));
    const quint16 port = app.listeningPort(1);
    QVERIFY(port != 0);

    Python client;
    client.start(QString::fromLatin1(R"(
import socket, sys
sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
sock.bind(('127.0.0.1', 0))
sock.settimeout(20)
print('%s:%d' % sock.getsockname(), flush=True)
sock.sendto(b'ping', ('127.0.0.1', int(sys.argv[1])))
data, addr = sock.recvfrom(1024)
print(data.decode(), '%s:%d' % addr, flush=True)
)"),
                 {QString::number(port)});
    const QString clientAddress = client.readLine();
    const QString appAddress = QStringLiteral("127.0.0.1:") + QString::number(port);
    QCOMPARE(client.readLine(), QStringLiteral("ping ") + appAddress);
    QVERIFY(client.finishedWithZero());

    const int receivedAt = app.waitFor("received", 1);
    QVERIFY(receivedAt >= 0);
    const int sentAt = app.waitFor(eventIs("sent", 1), receivedAt);
    QVERIFY(sentAt > receivedAt);
    for (int index : {receivedAt, sentAt}) {
        const Event event = app.events().at(index);
        QCOMPARE(text(event, "kind"), QStringLiteral("udp"));
        QCOMPARE(text(event, "local"), appAddress);
        QCOMPARE(text(event, "peer"), clientAddress);
        QCOMPARE(text(event, "hex"), QStringLiteral("70696e67")); // "ping"
        QCOMPARE(number(event, "size"), 4);
        QVERIFY(!event.contains(QLatin1String("conn")));
    }
}

// Issue 5, case 4: send= with to= as soon as the socket is bound; the reply's sender.
void tst_Record::udpSendToAPythonServer()
{
    Python server;
    server.start(QString::fromLatin1(R"(
import socket
sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
sock.bind(('127.0.0.1', 0))
sock.settimeout(20)
print(sock.getsockname()[1], flush=True)
data, addr = sock.recvfrom(1024)
sock.sendto(b'pong', addr)
print(data.decode(), '%s:%d' % addr, flush=True)
)"));
    const QString serverPort = server.readLine();
    QVERIFY(serverPort.toUInt() != 0);

    Workbench app(recordPath(), configDirectory());
    QVERIFY(app.start({QStringLiteral("udp://127.0.0.1:0?send=ping&to=127.0.0.1:") + serverPort}));
    const quint16 port = app.listeningPort(1);
    QVERIFY(port != 0);
    const QString appAddress = QStringLiteral("127.0.0.1:") + QString::number(port);
    QCOMPARE(server.readLine(), QStringLiteral("ping ") + appAddress);
    QVERIFY(server.finishedWithZero());

    const QString serverAddress = QStringLiteral("127.0.0.1:") + serverPort;
    const int sentAt = app.waitFor("sent", 1);
    QVERIFY(sentAt >= 0);
    const int receivedAt = app.waitFor(eventIs("received", 1), sentAt);
    QVERIFY(receivedAt > sentAt);
    const Event sent = app.events().at(sentAt);
    QCOMPARE(text(sent, "peer"), serverAddress);
    QCOMPARE(text(sent, "local"), appAddress);
    QCOMPARE(text(sent, "hex"), QStringLiteral("70696e67")); // "ping"
    const Event received = app.events().at(receivedAt);
    QCOMPARE(text(received, "peer"), serverAddress);
    QCOMPARE(text(received, "local"), appAddress);
    QCOMPARE(text(received, "hex"), QStringLiteral("706f6e67")); // "pong"
}

// Issue 5, case 4: recv=N is one recv(N): a datagram is cut, a stream is split.
void tst_Record::recvSizeCutsDatagramsAndSplitsStreams()
{
    Workbench app(recordPath(), configDirectory());
    QVERIFY(app.start({QStringLiteral("udp://127.0.0.1:0?recv=1024"),
                       QStringLiteral("tcp-listen://127.0.0.1:0?recv=1024")}));
    const quint16 udpPort = app.listeningPort(1);
    const quint16 tcpPort = app.listeningPort(2);
    QVERIFY(udpPort != 0 && tcpPort != 0);

    QByteArray message;
    for (int i = 0; i < 3000; ++i)
        message += char('a' + i % 26);
    Python client;
    client.start(QString::fromLatin1(R"(
import socket, sys
message = bytes(ord('a') + i % 26 for i in range(3000))
udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
udp.sendto(message, ('127.0.0.1', int(sys.argv[1])))
tcp = socket.create_connection(('127.0.0.1', int(sys.argv[2])), timeout=20)
tcp.sendall(message)
tcp.close()
print('done', flush=True)
)"),
                 {QString::number(udpPort), QString::number(tcpPort)});
    QVERIFY(client.finishedWithZero());

    const int datagramAt = app.waitFor("received", 1);
    QVERIFY(datagramAt >= 0);
    const Event datagram = app.events().at(datagramAt);
    QCOMPARE(number(datagram, "size"), 1024);
    QCOMPARE(number(datagram, "truncated_from"), 3000);
    QCOMPARE(text(datagram, "hex"), QString::fromLatin1(message.left(1024).toHex()));

    QVERIFY(app.waitFor("closed", 2, 1) >= 0);
    QByteArray stream;
    int reads = 0;
    for (const Event &event : app.eventsOf(2, 1)) {
        if (text(event, "event") != QLatin1String("received"))
            continue;
        ++reads;
        QVERIFY(number(event, "size") <= 1024);
        QVERIFY(!event.contains(QLatin1String("truncated_from")));
        stream += QByteArray::fromHex(text(event, "hex").toLatin1());
    }
    QVERIFY(reads >= 3);
    QCOMPARE(stream.size(), 3000);
    QCOMPARE(stream, message);
}

// Issue 5, case 5: several clients connected at once, each its own id; ids go on after
// they leave.
void tst_Record::threeClientsAtOnceThenAFourth()
{
    Workbench app(recordPath(), configDirectory());
    QVERIFY(app.start({QStringLiteral("tcp-listen://127.0.0.1:0?echo")}));
    const quint16 port = app.listeningPort(1);
    QVERIFY(port != 0);

    Python clients;
    clients.start(QString::fromLatin1(R"(
import socket, sys
port = int(sys.argv[1])
def talk(sock, message):
    sock.sendall(message)
    data = b''
    while len(data) < len(message):
        chunk = sock.recv(1024)
        if not chunk:
            break
        data += chunk
    assert data == message, data
# All three connect before any of them sends.
socks = [socket.create_connection(('127.0.0.1', port), timeout=20) for _ in range(3)]
for sock in socks:
    print('%s:%d' % sock.getsockname(), flush=True)
for number, sock in enumerate(socks):
    talk(sock, b'client %d' % number)
for sock in socks:
    sock.close()
sys.stdin.readline()  # the test saw them leave
fourth = socket.create_connection(('127.0.0.1', port), timeout=20)
print('%s:%d' % fourth.getsockname(), flush=True)
talk(fourth, b'client 4')
fourth.close()
)"),
                  {QString::number(port)});
    QStringList addresses;
    for (int i = 0; i < 3; ++i)
        addresses.append(clients.readLine());
    QVERIFY(!addresses.contains(QString()));

    QStringList accepted;
    QSet<int> ports;
    for (int connection = 1; connection <= 3; ++connection) {
        const int at = app.waitFor("accepted", 1, connection);
        QVERIFY(at >= 0);
        accepted.append(text(app.events().at(at), "peer"));
        ports.insert(portOf(accepted.last()));
        QVERIFY(app.waitFor("closed", 1, connection) >= 0);
    }
    QCOMPARE(ports.size(), 3);
    accepted.sort();
    addresses.sort();
    QCOMPARE(accepted, addresses);

    clients.process().write("go\n");
    const QString fourth = clients.readLine();
    QVERIFY(clients.finishedWithZero());
    const int at = app.waitFor("accepted", 1, 4);
    QVERIFY(at >= 0);
    QCOMPARE(text(app.events().at(at), "peer"), fourth);
    QVERIFY(app.waitFor("closed", 1, 4) >= 0);
    QVERIFY(app.find("accepted", 1, 5) < 0);
}

// Issue 5, case 6: 10 MiB through the echo and back, and the record holds every byte.
void tst_Record::tenMiBEchoedAndRecordedExactly()
{
    const QByteArray data = randomBytes(TenMiB);
    const QString input = m_directory->filePath(QStringLiteral("in.bin"));
    const QString output = m_directory->filePath(QStringLiteral("out.bin"));
    QVERIFY(writeFile(input, data));

    Workbench app(recordPath(), configDirectory());
    QVERIFY(app.start({QStringLiteral("tcp-listen://127.0.0.1:0?echo")}));
    const quint16 port = app.listeningPort(1);
    QVERIFY(port != 0);

    // Sending and reading at once: an echo server stops reading when its peer does not
    // read, so a client that only sends would wait forever.
    Python client;
    client.start(QString::fromLatin1(R"(
import socket, sys, threading
data = open(sys.argv[2], 'rb').read()
sock = socket.create_connection(('127.0.0.1', int(sys.argv[1])), timeout=60)
def send():
    sock.sendall(data)
    sock.shutdown(socket.SHUT_WR)
sender = threading.Thread(target=send)
sender.start()
received = bytearray()
while True:
    chunk = sock.recv(1 << 20)
    if not chunk:
        break
    received += chunk
sender.join()
sock.close()
open(sys.argv[3], 'wb').write(received)
print(len(received), flush=True)
)"),
                 {QString::number(port), input, output});
    QVERIFY(client.finishedWithZero(90000));
    QCOMPARE(fileSha256(output), sha256(data));

    QVERIFY(app.waitFor("closed", 1, 1) >= 0);
    QCryptographicHash received(QCryptographicHash::Sha256);
    QCryptographicHash sent(QCryptographicHash::Sha256);
    qint64 receivedSize = 0;
    for (const Event &event : app.eventsOf(1, 1)) {
        const QString type = text(event, "event");
        if (type != QLatin1String("received") && type != QLatin1String("sent"))
            continue;
        const QByteArray bytes = QByteArray::fromHex(text(event, "hex").toLatin1());
        QCOMPARE(bytes.size(), number(event, "size"));
        if (type == QLatin1String("received")) {
            received.addData(bytes);
            receivedSize += bytes.size();
        } else {
            sent.addData(bytes);
        }
    }
    QCOMPARE(receivedSize, TenMiB);
    QCOMPARE(received.result().toHex(), sha256(data));
    QCOMPARE(sent.result().toHex(), sha256(data));
    QCOMPARE(text(app.eventsOf(1, 1).last(), "by"), QStringLiteral("peer"));
    QVERIFY(app.formatProblems().isEmpty());
}

// Issue 5, case 7: failures at run time are error events; the app goes on.
void tst_Record::runTimeErrorsAreRecordedAndTheAppKeepsRunning()
{
    Workbench first(recordPath(QStringLiteral("first.jsonl")), configDirectory());
    QVERIFY(first.start({QStringLiteral("tcp-listen://127.0.0.1:0")}));
    const quint16 busyPort = first.listeningPort(1);
    QVERIFY(busyPort != 0);

    // Bound but not listening: a connect() there is refused, and no one else can take
    // the port while this test holds it.
    QTcpSocket closedPort;
    QVERIFY(closedPort.bind(QHostAddress::LocalHost, 0));
    const QString closedPortText = QString::number(closedPort.localPort());

    Workbench app(recordPath(), configDirectory());
    QVERIFY(app.start({QStringLiteral("tcp-listen://127.0.0.1:") + QString::number(busyPort),
                       QStringLiteral("tcp-listen://127.0.0.1:0?echo"),
                       QStringLiteral("tcp://127.0.0.1:") + closedPortText}));

    const int inUseAt = app.waitFor("error", 1);
    QVERIFY(inUseAt >= 0);
    const QString inUse = text(app.events().at(inUseAt), "message");
    QVERIFY2(inUse.startsWith(QStringLiteral("port ") + QString::number(busyPort)
                              + QStringLiteral(" on 127.0.0.1 is already in use")),
             qPrintable(inUse));
    QVERIFY(app.find("listening", 1) < 0);

    const int refusedAt = app.waitFor("error", 3);
    QVERIFY(refusedAt >= 0);
    const QString refused = text(app.events().at(refusedAt), "message");
    QVERIFY2(refused.startsWith(QStringLiteral("connection refused: nothing is listening on "
                                               "127.0.0.1:")
                                + closedPortText),
             qPrintable(refused));
    QVERIFY(app.waitFor("connecting", 3) >= 0);
    QVERIFY(app.find("connected", 3) < 0);

    // Still running: the other endpoint still accepts and echoes.
    const quint16 port = app.listeningPort(2);
    QVERIFY(port != 0);
    Python client;
    client.start(QString::fromLatin1(EchoClientScript),
                 {QString::number(port), QStringLiteral("still here")});
    client.readLine();
    QCOMPARE(client.readLine(), QStringLiteral("still here"));
    QVERIFY(client.finishedWithZero());
    QVERIFY(app.waitFor("closed", 2, 1) >= 0);
    QCOMPARE(app.process().state(), QProcess::Running);
}

// Issue 5, case 8: IPv6 addresses in the record are [ip]:port.
void tst_Record::ipv6AddressesInBrackets()
{
    {
        QTcpServer probe;
        if (!probe.listen(QHostAddress::LocalHostIPv6, 0))
            QSKIP("no IPv6 loopback (::1) on this machine");
    }
    Workbench app(recordPath(), configDirectory());
    QVERIFY(app.start({QStringLiteral("tcp-listen://[::1]:0?echo")}));
    const int listeningAt = app.waitFor("listening", 1);
    QVERIFY(listeningAt >= 0);
    const QString local = text(app.events().at(listeningAt), "local");
    QVERIFY2(local.startsWith(QLatin1String("[::1]:")), qPrintable(local));
    const quint16 port = portOf(local);

    Python client;
    client.start(QString::fromLatin1(R"(
import socket, sys
sock = socket.create_connection(('::1', int(sys.argv[1])), timeout=20)
print('[%s]:%d' % sock.getsockname()[:2], flush=True)
sock.sendall(b'six')
data = b''
while len(data) < 3:
    chunk = sock.recv(1024)
    if not chunk:
        break
    data += chunk
assert data == b'six', data
sock.close()
)"),
                 {QString::number(port)});
    const QString clientAddress = client.readLine();
    QVERIFY(clientAddress.startsWith(QLatin1String("[::1]:")));
    QVERIFY(client.finishedWithZero());
    QVERIFY(app.waitFor("closed", 1, 1) >= 0);
    const QList<Event> events = app.eventsOf(1, 1);
    QCOMPARE(text(events.first(), "event"), QStringLiteral("accepted"));
    for (const Event &event : events) {
        QCOMPARE(text(event, "local"), local);
        QCOMPARE(text(event, "peer"), clientAddress);
    }
}

// Issue 5, case 9: what tst_commandline does not cover yet. Each row names a client
// endpoint to a server of the test's and a record file first: had anything started, the
// server would see a connection and the file would exist.
void tst_Record::invalidCommandLineStartsNothing_data()
{
    QTest::addColumn<QStringList>("arguments"); // SERVER and RECORD are filled in
    QTest::addColumn<QString>("message");
    const QStringList start{QStringLiteral("tcp://SERVER"),
                            QStringLiteral("--record"),
                            QStringLiteral("RECORD")};
    QTest::newRow("udp send= without to=")
        << start + QStringList{QStringLiteral("udp://127.0.0.1:0?send=hi")}
        << "option 'send' needs 'to=HOST:PORT' in udp://127.0.0.1:0?send=hi";
    QTest::newRow("unknown option on udp")
        << start + QStringList{QStringLiteral("udp://127.0.0.1:0?loud")}
        << "unknown option 'loud' in udp://127.0.0.1:0?loud";
    QTest::newRow("option for another kind")
        << start + QStringList{QStringLiteral("tcp://127.0.0.1:9?greeting=hi")}
        << "option 'greeting' is not for tcp:// endpoints in tcp://127.0.0.1:9?greeting=hi";
    QTest::newRow("recv 0") << start
                                   + QStringList{QStringLiteral("tcp-listen://127.0.0.1:0?recv=0")}
                            << "invalid value '0' for recv in tcp-listen://127.0.0.1:0?recv=0";
    QTest::newRow("recv too big")
        << start + QStringList{QStringLiteral("udp://127.0.0.1:0?recv=16777217")}
        << "invalid value '16777217' for recv in udp://127.0.0.1:0?recv=16777217";
    QTest::newRow("recv not a number")
        << start + QStringList{QStringLiteral("tcp-listen://127.0.0.1:0?recv=1k")}
        << "invalid value '1k' for recv in tcp-listen://127.0.0.1:0?recv=1k";
    QTest::newRow("recv without a value")
        << start + QStringList{QStringLiteral("tcp-listen://127.0.0.1:0?recv")}
        << "missing value for recv in tcp-listen://127.0.0.1:0?recv";
    QTest::newRow("to= port 0") << start
                                       + QStringList{QStringLiteral(
                                           "udp://127.0.0.1:0?to=127.0.0.1:0")}
                                << "invalid port '0' for to in udp://127.0.0.1:0?to=127.0.0.1:0";
    QTest::newRow("record repeated")
        << start + QStringList{QStringLiteral("--record"), QStringLiteral("RECORD")}
        << "repeated option '--record'";
    QTest::newRow("record without a file")
        << QStringList{QStringLiteral("tcp://SERVER"), QStringLiteral("--record")}
        << "missing value after '--record'";
    QTest::newRow("record file unwritable")
        << QStringList{QStringLiteral("tcp://SERVER"),
                       QStringLiteral("--record"),
                       QStringLiteral("/nonexistent-dir/x.jsonl")}
        << "cannot write the record file '/nonexistent-dir/x.jsonl'";
    // Issue 7: --stats FILE is checked as --record FILE is, before anything starts.
    QTest::newRow("stats file unwritable")
        << start
               + QStringList{QStringLiteral("--stats"), QStringLiteral("/nonexistent-dir/s.jsonl")}
        << "cannot write the stats file '/nonexistent-dir/s.jsonl'";
    QTest::newRow("stats and record both on stdout")
        << QStringList{QStringLiteral("tcp://SERVER"),
                       QStringLiteral("--record"),
                       QStringLiteral("-"),
                       QStringLiteral("--stats"),
                       QStringLiteral("-")}
        << "--stats - and --record - cannot both write to stdout";
}

void tst_Record::invalidCommandLineStartsNothing()
{
    QFETCH(QStringList, arguments);
    QFETCH(QString, message);

    QTcpServer server;
    QVERIFY(server.listen(QHostAddress::LocalHost, 0));
    const QString record = recordPath();
    for (QString &argument : arguments) {
        argument.replace(QLatin1String("SERVER"),
                         QStringLiteral("127.0.0.1:") + QString::number(server.serverPort()));
        if (argument == QLatin1String("RECORD"))
            argument = record;
    }

    Child app(QStringLiteral("socket-workbench ") + arguments.join(QLatin1Char(' ')));
    app.process().setProcessEnvironment(childEnvironment(configDirectory()));
    app.process().start(QStringLiteral(SOCKET_WORKBENCH_BINARY), arguments);
    QVERIFY(app.waitForFinished());
    QVERIFY2(app.exitedWith(2), qPrintable(app.exitText()));
    const QString error = QString::fromUtf8(app.standardError());
    QCOMPARE(error.count(QLatin1Char('\n')), 1); // one line
    QVERIFY2(error.startsWith(message), qPrintable(error));
    QVERIFY(app.standardOutput().isEmpty());

    // Nothing started: no record file, and no connection came before this marker's.
    QVERIFY(!QFileInfo::exists(record));
    QTcpSocket marker;
    marker.connectToHost(QHostAddress::LocalHost, server.serverPort());
    QVERIFY(marker.waitForConnected(TimeoutMs));
    QVERIFY(server.hasPendingConnections() || server.waitForNewConnection(TimeoutMs));
    QTcpSocket *first = server.nextPendingConnection();
    QCOMPARE(first->peerPort(), marker.localPort());
}

// Issue 5, case 10: SIGTERM and SIGINT close every session, complete the record, exit 0.
void tst_Record::terminationClosesEverythingAndCompletesTheRecord_data()
{
    QTest::addColumn<int>("signalNumber");
    // Run after run: a teammate once saw exit 143 (death by SIGTERM) and could not repeat it.
    for (int run = 1; run <= 10; ++run)
        QTest::addRow("SIGTERM run %d", run) << int(SIGTERM);
    QTest::newRow("SIGINT") << int(SIGINT);
}

void tst_Record::terminationClosesEverythingAndCompletesTheRecord()
{
    QFETCH(int, signalNumber);

    Workbench app(recordPath(), configDirectory());
    QVERIFY(app.start({QStringLiteral("tcp-listen://127.0.0.1:0?echo")}));
    const quint16 port = app.listeningPort(1);
    QVERIFY(port != 0);

    // Connected, echoed once, then waiting for the app to close its side.
    Python client;
    client.start(QString::fromLatin1(R"(
import socket, sys
sock = socket.create_connection(('127.0.0.1', int(sys.argv[1])), timeout=20)
sock.sendall(b'ping')
data = b''
while len(data) < 4:
    chunk = sock.recv(1024)
    if not chunk:
        break
    data += chunk
assert data == b'ping', data
print('echoed', flush=True)
while True:
    chunk = sock.recv(1024)
    if not chunk:
        break
print('closed by the app', flush=True)
)"),
                 {QString::number(port)});
    QCOMPARE(client.readLine(), QStringLiteral("echoed"));
    QVERIFY(app.waitFor("sent", 1, 1) >= 0);

    QVERIFY(app.signalAndWait(signalNumber));
    QVERIFY2(app.exitedWith(0), qPrintable(app.exitText()));
    QCOMPARE(client.readLine(), QStringLiteral("closed by the app"));
    QVERIFY(client.finishedWithZero());

    QVERIFY(app.formatProblems().isEmpty());
    const QList<Event> events = app.events();
    QVERIFY(events.size() >= 5);
    const Event stopped = events.at(events.size() - 2);
    QVERIFY(isEvent(stopped, "stopped", 1));
    QCOMPARE(text(stopped, "local"), QStringLiteral("127.0.0.1:") + QString::number(port));
    const Event closed = events.last();
    QVERIFY(isEvent(closed, "closed", 1, 1));
    QCOMPARE(text(closed, "by"), QStringLiteral("local"));
    QVERIFY(!closed.contains(QLatin1String("reset")));
}

// Issue 5, case 10, the exit 143: a SIGTERM that comes while the app is still starting
// (building its window, say, which takes long on a loaded machine) must not kill it. The
// record file is created at start-up; from then on the app must answer a SIGTERM by
// closing what it opened and exiting 0.
void tst_Record::terminationDuringStartUpStillExitsCleanly()
{
    for (int run = 1; run <= 5; ++run) {
        const QString record = recordPath(QStringLiteral("startup-%1.jsonl").arg(run));
        Workbench app(record, configDirectory());
        QVERIFY(app.start({QStringLiteral("tcp-listen://127.0.0.1:0?echo")}));
        // Polled without yielding to the event loop: the point is to be early.
        QDeadlineTimer deadline(TimeoutMs);
        while (!QFileInfo::exists(record) && app.process().state() == QProcess::Running
               && !deadline.hasExpired())
            QThread::usleep(100);
        QVERIFY(QFileInfo::exists(record));
        QVERIFY(app.signalAndWait(SIGTERM));
        QVERIFY2(app.exitedWith(0),
                 qPrintable(QStringLiteral("run %1, ").arg(run) + app.exitText()));
        QVERIFY(app.formatProblems().isEmpty());
        // What was opened was closed again.
        const bool listened = app.find("listening", 1) >= 0;
        const bool stopped = app.find("stopped", 1) >= 0;
        QVERIFY(listened == stopped);
    }
}

// Issue 5, case 11: the record's fields, their order and the time format (DESIGN.md).
void tst_Record::fieldsAndTheirOrderFollowTheContract()
{
    Workbench app(recordPath(), configDirectory());
    QVERIFY(app.start({QStringLiteral("tcp-listen://127.0.0.1:0?echo")}));
    const quint16 port = app.listeningPort(1);
    QVERIFY(port != 0);
    Python client;
    client.start(QString::fromLatin1(EchoClientScript),
                 {QString::number(port), QStringLiteral("Hello world!")});
    const QString clientAddress = client.readLine();
    QCOMPARE(client.readLine(), QStringLiteral("Hello world!"));
    QVERIFY(client.finishedWithZero());
    QVERIFY(app.waitFor("closed", 1, 1) >= 0);
    QVERIFY(app.signalAndWait(SIGTERM));
    QVERIFY2(app.exitedWith(0), qPrintable(app.exitText()));
    QVERIFY(app.formatProblems().isEmpty());

    const QStringList connectionKeys{QStringLiteral("time"),
                                     QStringLiteral("session"),
                                     QStringLiteral("kind"),
                                     QStringLiteral("event"),
                                     QStringLiteral("conn"),
                                     QStringLiteral("local"),
                                     QStringLiteral("peer")};
    const QStringList dataKeys = connectionKeys
                                 + QStringList{QStringLiteral("size"), QStringLiteral("hex")};
    const QStringList serverKeys{QStringLiteral("time"),
                                 QStringLiteral("session"),
                                 QStringLiteral("kind"),
                                 QStringLiteral("event"),
                                 QStringLiteral("local")};
    const QHash<QString, QStringList> expectedKeys{
        {QStringLiteral("listening"), serverKeys},
        {QStringLiteral("accepted"), connectionKeys},
        {QStringLiteral("received"), dataKeys},
        {QStringLiteral("sent"), dataKeys},
        {QStringLiteral("eof"), connectionKeys},
        {QStringLiteral("closed"), connectionKeys + QStringList{QStringLiteral("by")}},
        {QStringLiteral("stopped"), serverKeys},
    };
    const QRegularExpression timeFormat(
        QStringLiteral(R"(^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$)"));
    const QDateTime now = QDateTime::currentDateTimeUtc();
    QSet<QString> seen;
    const QByteArrayList lines = app.lines();
    QCOMPARE(lines.size(), app.events().size());
    for (qsizetype i = 0; i < lines.size(); ++i) {
        const Event event = app.events().at(i);
        const QString type = text(event, "event");
        const QString where = QStringLiteral("line %1: ").arg(i + 1)
                              + QString::fromUtf8(lines.at(i));
        QVERIFY2(expectedKeys.contains(type), qPrintable(where));
        QCOMPARE(keysInOrder(lines.at(i)), expectedKeys.value(type));
        QCOMPARE(keysInOrder(lines.at(i)).size(), event.size()); // no key twice
        const QString time = text(event, "time");
        QVERIFY2(timeFormat.match(time).hasMatch(), qPrintable(where));
        const QDateTime parsed = QDateTime::fromString(time, Qt::ISODateWithMs);
        QVERIFY2(parsed.isValid() && parsed.timeSpec() == Qt::UTC, qPrintable(where));
        QVERIFY2(qAbs(parsed.secsTo(now)) < 600, qPrintable(where)); // the clock, in UTC
        QVERIFY2(event.value(QLatin1String("session")).isDouble(), qPrintable(where));
        QCOMPARE(number(event, "session"), 1);
        QCOMPARE(text(event, "kind"), QStringLiteral("tcp-listen"));
        if (event.contains(QLatin1String("conn"))) {
            QVERIFY2(event.value(QLatin1String("conn")).isDouble(), qPrintable(where));
            QCOMPARE(text(event, "peer"), clientAddress);
        }
        if (event.contains(QLatin1String("size"))) {
            QVERIFY2(event.value(QLatin1String("size")).isDouble(), qPrintable(where));
            QCOMPARE(text(event, "hex").size(), 2 * number(event, "size"));
            QVERIFY2(QRegularExpression(QStringLiteral("^[0-9a-f]*$"))
                         .match(text(event, "hex"))
                         .hasMatch(),
                     qPrintable(where));
        }
        seen.insert(type);
    }
    // The received line in full, as DESIGN.md shows it.
    const int receivedAt = app.find("received", 1, 1);
    QVERIFY(receivedAt >= 0);
    const QByteArray expectedTail = ",\"session\":1,\"kind\":\"tcp-listen\",\"event\":\"received\","
                                    "\"conn\":1,\"local\":\"127.0.0.1:"
                                    + QByteArray::number(port) + "\",\"peer\":\""
                                    + clientAddress.toLatin1()
                                    + "\",\"size\":12,\"hex\":\"48656c6c6f20776f726c6421\"}";
    QVERIFY2(lines.at(receivedAt).endsWith(expectedTail), lines.at(receivedAt).constData());
    QVERIFY(seen.contains(QStringLiteral("accepted")) && seen.contains(QStringLiteral("stopped")));
}

// Issue 5, case 12: --lesson listens on 0.0.0.0:1337 (or says why it cannot: the port may
// be taken on this machine), and its client and UDP tabs wait for a click.
void tst_Record::lessonListensOnlyOnTheServerTab()
{
    Workbench app(recordPath(), configDirectory());
    QVERIFY(app.start({QStringLiteral("--lesson")}));
    const int resultAt = app.waitFor([](const Event &event) {
        return isEvent(event, "listening", 1) || isEvent(event, "error", 1);
    });
    QVERIFY(resultAt >= 0);
    QVERIFY(app.signalAndWait(SIGTERM));
    QVERIFY2(app.exitedWith(0), qPrintable(app.exitText()));
    QVERIFY(app.formatProblems().isEmpty());

    const Event result = app.events().at(resultAt);
    if (text(result, "event") == QLatin1String("listening")) {
        QCOMPARE(text(result, "kind"), QStringLiteral("tcp-listen"));
        QCOMPARE(text(result, "local"), QStringLiteral("0.0.0.0:1337"));
    } else {
        qWarning("port 1337 is not free here: %s", qPrintable(text(result, "message")));
        QVERIFY(text(result, "message").contains(QLatin1String("1337")));
    }
    int listening = 0;
    for (const Event &event : app.events()) {
        QVERIFY(text(event, "event") != QLatin1String("connecting"));
        // The client (session 2) and the UDP peer (session 3) did nothing by themselves.
        QVERIFY(number(event, "session") == 1);
        if (text(event, "event") == QLatin1String("listening"))
            ++listening;
    }
    QVERIFY(listening <= 1);
}

// Issue 7: --stats counts what real peers sent, line by line as the benchmarks read it:
// a first line after a second, one each second, a last one at exit.
void tst_Record::statsCountWhatPeersSent()
{
    const QString statsPath = m_directory->filePath(QStringLiteral("stats.jsonl"));
    Workbench app(recordPath(), configDirectory());
    QVERIFY(app.start({QStringLiteral("tcp-listen://127.0.0.1:0?echo"),
                       QStringLiteral("udp://127.0.0.1:0"),
                       QStringLiteral("--stats"),
                       statsPath,
                       QStringLiteral("--quit-after"),
                       QStringLiteral("2500")}));
    const quint16 tcpPort = app.listeningPort(1);
    const quint16 udpPort = app.listeningPort(2);
    QVERIFY(tcpPort != 0 && udpPort != 0);

    // 3 sends of 100, 200 and 700 bytes, the echo read back whole; 5 datagrams of 64 bytes.
    Python peer;
    peer.start(QString::fromLatin1(R"(
import socket, sys
sock = socket.create_connection(('127.0.0.1', int(sys.argv[1])), timeout=20)
for size in (100, 200, 700):
    sock.sendall(b'x' * size)
data = b''
while len(data) < 1000:
    chunk = sock.recv(65536)
    if not chunk:
        break
    data += chunk
assert len(data) == 1000, len(data)
sock.close()
udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for i in range(5):
    udp.sendto(bytes([i]) * 64, ('127.0.0.1', int(sys.argv[2])))
print('done', flush=True)
)"),
               {QString::number(tcpPort), QString::number(udpPort)});
    QCOMPARE(peer.readLine(), QStringLiteral("done"));
    QVERIFY(peer.finishedWithZero());
    QVERIFY2(app.finishedWithZero(), qPrintable(app.exitText()));

    QFile file(statsPath);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QByteArray all = file.readAll();
    QVERIFY(all.endsWith('\n'));
    const QByteArrayList lines = all.chopped(1).split('\n');
    // At 1 s and 2 s, and the last at exit (2.5 s): more on a slow machine, never fewer.
    QVERIFY2(lines.size() >= 3, all.constData());
    const QStringList counterKeys{QStringLiteral("bytes_in"),
                                  QStringLiteral("bytes_out"),
                                  QStringLiteral("reads"),
                                  QStringLiteral("sends"),
                                  QStringLiteral("connections_open"),
                                  QStringLiteral("connections_total"),
                                  QStringLiteral("datagrams_in"),
                                  QStringLiteral("datagrams_out")};
    const QStringList expectedKeys = QStringList{QStringLiteral("time"),
                                                 QStringLiteral("uptime_ms"),
                                                 QStringLiteral("lateness_ms"),
                                                 QStringLiteral("max"),
                                                 QStringLiteral("p99"),
                                                 QStringLiteral("rss_bytes"),
                                                 QStringLiteral("fds"),
                                                 QStringLiteral("totals")}
                                     + counterKeys + QStringList{QStringLiteral("sessions")}
                                     + QStringList{QStringLiteral("session"), QStringLiteral("kind")}
                                     + counterKeys
                                     + QStringList{QStringLiteral("session"), QStringLiteral("kind")}
                                     + counterKeys;
    const QRegularExpression time(QStringLiteral(R"(^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$)"));
    qint64 lastUptime = 0;
    QJsonObject last;
    for (const QByteArray &line : lines) {
        QJsonParseError error;
        const QJsonDocument document = QJsonDocument::fromJson(line, &error);
        QVERIFY2(error.error == QJsonParseError::NoError && document.isObject(), line.constData());
        QCOMPARE(keysInOrder(line), expectedKeys);
        last = document.object();
        QVERIFY2(time.match(last.value(QLatin1String("time")).toString()).hasMatch(),
                 line.constData());
        const qint64 uptime = last.value(QLatin1String("uptime_ms")).toInteger();
        QVERIFY2(uptime >= 1000 && uptime > lastUptime, line.constData()); // the first at 1 s
        lastUptime = uptime;
        QVERIFY(last.value(QLatin1String("rss_bytes")).toInteger() > 0);
        QVERIFY(last.value(QLatin1String("fds")).toInteger() > 0);
        const QJsonObject lateness = last.value(QLatin1String("lateness_ms")).toObject();
        QVERIFY(lateness.value(QLatin1String("max")).toDouble()
                >= lateness.value(QLatin1String("p99")).toDouble());
    }

    // The last line has everything: the peers' bytes, and as many reads and sends as the
    // record has received and sent events.
    auto count = [&app](const char *type, int session) {
        qint64 n = 0;
        for (const Event &event : app.eventsOf(session))
            n += text(event, "event") == QLatin1String(type) ? 1 : 0;
        return n;
    };
    auto value = [](const QJsonObject &object, const char *key) {
        return object.value(QLatin1String(key)).toInteger(-1);
    };
    const QJsonArray sessions = last.value(QLatin1String("sessions")).toArray();
    QCOMPARE(sessions.size(), 2);
    const QJsonObject tcp = sessions.at(0).toObject();
    QCOMPARE(value(tcp, "session"), 1);
    QCOMPARE(tcp.value(QLatin1String("kind")).toString(), QStringLiteral("tcp-listen"));
    QCOMPARE(value(tcp, "bytes_in"), 1000);
    QCOMPARE(value(tcp, "bytes_out"), 1000);
    QCOMPARE(value(tcp, "reads"), count("received", 1));
    QCOMPARE(value(tcp, "sends"), count("sent", 1));
    QCOMPARE(value(tcp, "connections_open"), 0);
    QCOMPARE(value(tcp, "connections_total"), 1);
    QCOMPARE(value(tcp, "datagrams_in"), 0);
    const QJsonObject udp = sessions.at(1).toObject();
    QCOMPARE(value(udp, "session"), 2);
    QCOMPARE(udp.value(QLatin1String("kind")).toString(), QStringLiteral("udp"));
    QCOMPARE(value(udp, "bytes_in"), 320);
    QCOMPARE(value(udp, "reads"), 5);
    QCOMPARE(value(udp, "datagrams_in"), 5);
    QCOMPARE(value(udp, "datagrams_out"), 0);
    QCOMPARE(value(udp, "connections_total"), 0);
    const QJsonObject totals = last.value(QLatin1String("totals")).toObject();
    QCOMPARE(value(totals, "bytes_in"), 1320);
    QCOMPARE(value(totals, "bytes_out"), 1000);
    QCOMPARE(value(totals, "reads"), count("received", 1) + 5);
    QCOMPARE(value(totals, "datagrams_in"), 5);
    QCOMPARE(value(totals, "connections_total"), 1);
}

QTEST_GUILESS_MAIN(tst_Record)
#include "tst_record.moc"

#include <QDir>
#include <QFile>
#include <QImage>
#include <QProcess>
#include <QProcessEnvironment>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>

#include <sys/resource.h>

// End-to-end tests of the socket-workbench binary's command line (DESIGN.md contract).
class tst_CommandLine : public QObject
{
    Q_OBJECT

private slots:
    void invalidCommandLineExitsWith2_data();
    void invalidCommandLineExitsWith2();
    void helpAndVersion();
    void listenEndpointAcceptsAPythonClient();
    void clientEndpointConnectsToAPythonServer();
    void screenshotWritesThePng();
    void mirrorWritesEverySessionOnExit();
    void lowOpenFileLimitIsSaid();

private:
    static QProcessEnvironment environment(bool withDisplay);
    // A port nothing listens on right now (the kernel's choice, then released).
    static quint16 freePort();
};

QProcessEnvironment tst_CommandLine::environment(bool withDisplay)
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.remove(QStringLiteral("DISPLAY"));
    env.remove(QStringLiteral("WAYLAND_DISPLAY"));
    if (withDisplay)
        env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
    else
        env.remove(QStringLiteral("QT_QPA_PLATFORM"));
    // Each run starts from nothing remembered (no last workspace, no recent hosts).
    env.insert(QStringLiteral("XDG_CONFIG_HOME"),
               QDir::tempPath() + QStringLiteral("/sw-e2e-config"));
    return env;
}

quint16 tst_CommandLine::freePort()
{
    QTcpServer probe;
    if (!probe.listen(QHostAddress::LocalHost, 0))
        return 0;
    return probe.serverPort();
}

void tst_CommandLine::invalidCommandLineExitsWith2_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QString>("message");
    QTest::newRow("port out of range")
        << QStringList{QStringLiteral("tcp://127.0.0.1:70000")}
        << "invalid port '70000' in tcp://127.0.0.1:70000: must be 0-65535";
    QTest::newRow("port not a number") << QStringList{QStringLiteral("tcp://127.0.0.1:abc")}
                                       << "invalid port 'abc' in tcp://127.0.0.1:abc";
    QTest::newRow("missing port") << QStringList{QStringLiteral("tcp://127.0.0.1")}
                                  << "missing port in tcp://127.0.0.1";
    QTest::newRow("client port 0") << QStringList{QStringLiteral("tcp://127.0.0.1:0")}
                                   << "invalid port '0' in tcp://127.0.0.1:0";
    QTest::newRow("bad scheme") << QStringList{QStringLiteral("http://127.0.0.1:80")}
                                << "unknown scheme 'http' in http://127.0.0.1:80";
    QTest::newRow("unknown endpoint option")
        << QStringList{QStringLiteral("tcp-listen://0.0.0.0:1337?shout")}
        << "unknown option 'shout' in tcp-listen://0.0.0.0:1337?shout";
    QTest::newRow("repeated endpoint option")
        << QStringList{QStringLiteral("tcp-listen://0.0.0.0:1337?echo&echo")}
        << "repeated option 'echo' in tcp-listen://0.0.0.0:1337?echo&echo";
    QTest::newRow("bad percent-encoding")
        << QStringList{QStringLiteral("tcp://127.0.0.1:1337?send=%zz")}
        << "bad percent-encoding '%zz' in tcp://127.0.0.1:1337?send=%zz";
    QTest::newRow("second endpoint bad, nothing starts")
        << QStringList{QStringLiteral("tcp-listen://127.0.0.1:0"), QStringLiteral("udp://x:99999")}
        << "invalid port '99999' in udp://x:99999";
    QTest::newRow("unknown program option")
        << QStringList{QStringLiteral("--frobnicate")} << "unknown option '--frobnicate'";
    QTest::newRow("quit-after not a number")
        << QStringList{QStringLiteral("--quit-after"), QStringLiteral("soon")}
        << "invalid value 'soon' for --quit-after";
    QTest::newRow("screenshot not png")
        << QStringList{QStringLiteral("--screenshot"), QStringLiteral("shot.jpg")}
        << "invalid screenshot file 'shot.jpg'";
    QTest::newRow("mirror directory missing")
        << QStringList{QStringLiteral("--mirror"), QStringLiteral("/nonexistent/sw-mirror")}
        << "invalid mirror directory '/nonexistent/sw-mirror': it does not exist";
    QTest::newRow("mirror directory is a file")
        << QStringList{QStringLiteral("--mirror"), QStringLiteral("/proc/version")}
        << "invalid mirror directory '/proc/version': it is not a directory";
    // Not even root may create files in /proc.
    QTest::newRow("mirror directory not writable")
        << QStringList{QStringLiteral("--mirror"), QStringLiteral("/proc")}
        << "invalid mirror directory '/proc': cannot write there";
    QTest::newRow("mirror repeated") << QStringList{QStringLiteral("--mirror"),
                                                    QStringLiteral("/tmp"),
                                                    QStringLiteral("--mirror"),
                                                    QStringLiteral("/tmp")}
                                     << "repeated option '--mirror'";
    QTest::newRow("stats without a file")
        << QStringList{QStringLiteral("--stats")} << "missing value after '--stats'";
    QTest::newRow("stats and record both on stdout")
        << QStringList{QStringLiteral("--stats"),
                       QStringLiteral("-"),
                       QStringLiteral("--record"),
                       QStringLiteral("-")}
        << "--stats - and --record - cannot both write to stdout: give one of them a file";
    QTest::newRow("stats repeated") << QStringList{QStringLiteral("--stats"),
                                                   QStringLiteral("-"),
                                                   QStringLiteral("--stats"),
                                                   QStringLiteral("-")}
                                    << "repeated option '--stats'";
    QTest::newRow("stats file unwritable")
        << QStringList{QStringLiteral("--stats"), QStringLiteral("/nonexistent-dir/s.jsonl")}
        << "cannot write the stats file '/nonexistent-dir/s.jsonl': No such file or directory";
}

void tst_CommandLine::invalidCommandLineExitsWith2()
{
    QFETCH(QStringList, arguments);
    QFETCH(QString, message);
    // With an offscreen display and with no display at all: the check comes first.
    for (bool withDisplay : {true, false}) {
        QProcess app;
        app.setProcessEnvironment(environment(withDisplay));
        app.start(QStringLiteral(SOCKET_WORKBENCH_BINARY), arguments);
        QVERIFY(app.waitForFinished(10000));
        QCOMPARE(app.exitStatus(), QProcess::NormalExit);
        QCOMPARE(app.exitCode(), 2);
        const QString error = QString::fromUtf8(app.readAllStandardError());
        QCOMPARE(error.count(QLatin1Char('\n')), 1); // one line
        QVERIFY2(error.startsWith(message), qPrintable(error));
        QVERIFY(app.readAllStandardOutput().isEmpty());
    }
}

void tst_CommandLine::helpAndVersion()
{
    QProcess help;
    help.setProcessEnvironment(environment(false));
    help.start(QStringLiteral(SOCKET_WORKBENCH_BINARY), {QStringLiteral("--help")});
    QVERIFY(help.waitForFinished(10000));
    QCOMPARE(help.exitCode(), 0);
    const QString text = QString::fromUtf8(help.readAllStandardOutput());
    QVERIFY2(text.startsWith(QLatin1String("Usage: socket-workbench [options] [ENDPOINT ...]")),
             qPrintable(text));
    QVERIFY(text.contains(QLatin1String("tcp-listen://ADDR:PORT")));
    QVERIFY(text.contains(QLatin1String("--screenshot")));
    QVERIFY(text.contains(QLatin1String("--mirror <DIR>")));
    QVERIFY(text.contains(QLatin1String("recv=N")));

    QProcess version;
    version.setProcessEnvironment(environment(false));
    version.start(QStringLiteral(SOCKET_WORKBENCH_BINARY), {QStringLiteral("--version")});
    QVERIFY(version.waitForFinished(10000));
    QCOMPARE(version.exitCode(), 0);
    QVERIFY(version.readAllStandardOutput().startsWith("socket-workbench "));
}

void tst_CommandLine::listenEndpointAcceptsAPythonClient()
{
    const quint16 port = freePort();
    QVERIFY(port != 0);
    QProcess app;
    app.setProcessEnvironment(environment(true));
    app.start(QStringLiteral(SOCKET_WORKBENCH_BINARY),
              // Not arg(): it would take the "%0A" for a placeholder.
              {QStringLiteral("tcp-listen://127.0.0.1:") + QString::number(port)
                   + QStringLiteral("?greeting=Hi%0A&echo"),
               QStringLiteral("--quit-after"),
               QStringLiteral("20000")});
    QVERIFY(app.waitForStarted());

    // The lesson's client: it is greeted, then its message comes back (echo).
    const QString script = QStringLiteral(
        "import socket, sys, time\n"
        "for attempt in range(100):\n"
        "    try:\n"
        "        sock = socket.create_connection(('127.0.0.1', int(sys.argv[1])))\n"
        "        break\n"
        "    except ConnectionRefusedError:\n"
        "        time.sleep(0.1)\n"
        "sock.settimeout(10)\n"
        "greeting = sock.recv(1024)\n"
        "sock.send('Hello world!'.encode())\n"
        "data = b''\n"
        "while len(data) < 12:\n"
        "    data += sock.recv(1024)\n"
        "print(greeting, data)\n"
        "sock.close()\n");
    QProcess python;
    python.start(QStringLiteral("python3"), {QStringLiteral("-c"), script, QString::number(port)});
    QVERIFY(python.waitForFinished(20000));
    QVERIFY2(python.exitCode() == 0, python.readAllStandardError().constData());
    QCOMPARE(QString::fromUtf8(python.readAllStandardOutput()).trimmed(),
             QStringLiteral("b'Hi\\n' b'Hello world!'"));
    app.kill();
    app.waitForFinished();
}

void tst_CommandLine::clientEndpointConnectsToAPythonServer()
{
    // The lesson's server: it accepts, reads what the client endpoint sends (send=), and
    // prints it with the client's address.
    const QString script = QStringLiteral("import socket, sys\n"
                                          "sock = socket.socket()\n"
                                          "sock.bind(('127.0.0.1', 0))\n"
                                          "sock.listen()\n"
                                          "print(sock.getsockname()[1], flush=True)\n"
                                          "sock.settimeout(20)\n"
                                          "con, addr = sock.accept()\n"
                                          "con.settimeout(10)\n"
                                          "data = con.recv(1024)\n"
                                          "print(addr[0], data.decode(), flush=True)\n"
                                          "con.close()\n"
                                          "sock.close()\n");
    QProcess python;
    python.start(QStringLiteral("python3"), {QStringLiteral("-c"), script});
    QVERIFY(python.waitForReadyRead(10000));
    const QByteArray portLine = python.readLine().trimmed();
    QVERIFY(!portLine.isEmpty());

    QProcess app;
    app.setProcessEnvironment(environment(true));
    app.start(QStringLiteral(SOCKET_WORKBENCH_BINARY),
              {QStringLiteral("tcp://127.0.0.1:%1?send=Hello%20world!")
                   .arg(QString::fromLatin1(portLine)),
               QStringLiteral("--quit-after"),
               QStringLiteral("20000")});
    QVERIFY(app.waitForStarted());
    QVERIFY(python.waitForFinished(20000));
    QCOMPARE(QString::fromUtf8(python.readAllStandardOutput()).trimmed(),
             QStringLiteral("127.0.0.1 Hello world!"));
    app.kill();
    app.waitForFinished();
}

void tst_CommandLine::screenshotWritesThePng()
{
    QTemporaryDir directory;
    QVERIFY(directory.isValid());
    const QString file = directory.filePath(QStringLiteral("shot.png"));
    QProcess app;
    app.setProcessEnvironment(environment(true));
    app.start(QStringLiteral(SOCKET_WORKBENCH_BINARY),
              {QStringLiteral("tcp-listen://127.0.0.1:0"),
               QStringLiteral("udp://127.0.0.1:0"),
               QStringLiteral("--screenshot"),
               file});
    QVERIFY(app.waitForFinished(20000));
    QCOMPARE(app.exitCode(), 0);
    const QImage image(file);
    QVERIFY(!image.isNull());
    QCOMPARE(image.size(), QSize(1280, 800));
}

void tst_CommandLine::mirrorWritesEverySessionOnExit()
{
    QTemporaryDir directory;
    QVERIFY(directory.isValid());
    const quint16 port = freePort();
    QVERIFY(port != 0);
    QProcess app;
    app.setProcessEnvironment(environment(true));
    app.start(QStringLiteral(SOCKET_WORKBENCH_BINARY),
              {QStringLiteral("tcp-listen://127.0.0.1:%1?recv=1024&echo").arg(port),
               QStringLiteral("udp://127.0.0.1:0"),
               QStringLiteral("--mirror"),
               directory.path(),
               QStringLiteral("--quit-after"),
               QStringLiteral("20000")});
    QVERIFY(app.waitForStarted());

    // The lesson's client against the server tab, waiting for the echo: once it has it,
    // the read is in the session (and its mirror).
    const QString script = QStringLiteral(
        "import socket, sys, time\n"
        "for attempt in range(100):\n"
        "    try:\n"
        "        sock = socket.create_connection(('127.0.0.1', int(sys.argv[1])))\n"
        "        break\n"
        "    except ConnectionRefusedError:\n"
        "        time.sleep(0.1)\n"
        "sock.settimeout(10)\n"
        "sock.send('Hello world!'.encode())\n"
        "print(sock.recv(1024).decode())\n"
        "sock.close()\n");
    QProcess python;
    python.start(QStringLiteral("python3"), {QStringLiteral("-c"), script, QString::number(port)});
    QVERIFY(python.waitForFinished(20000));
    QVERIFY2(python.exitCode() == 0, python.readAllStandardError().constData());
    QCOMPARE(python.readAllStandardOutput().trimmed(), QByteArray("Hello world!"));

    // SIGTERM: the sessions close, then every mirror is written.
    app.terminate();
    QVERIFY(app.waitForFinished(20000));
    QCOMPARE(app.exitStatus(), QProcess::NormalExit);
    QCOMPARE(app.exitCode(), 0);
    // (The offscreen platform has its own warnings there.)
    const QByteArray errors = app.readAllStandardError();
    QVERIFY2(!errors.contains("could not write"), errors.constData());

    QFile server(directory.filePath(QStringLiteral("session-1.py")));
    QVERIFY(server.open(QIODevice::ReadOnly));
    const QByteArray serverScript = server.readAll();
    for (const QByteArray &expected :
         {QByteArray("sock.bind(('127.0.0.1', " + QByteArray::number(port) + "))\n"),
          QByteArray("data = con.recv(1024)  # data == b'Hello world!'\n"),
          QByteArray("con.send(data)  # echo: the same bytes back\n"),
          QByteArray("sock.close()  # stop listening")}) {
        QVERIFY2(serverScript.contains(expected), serverScript.constData());
    }
    QFile udp(directory.filePath(QStringLiteral("session-2.py")));
    QVERIFY(udp.open(QIODevice::ReadOnly));
    const QByteArray udpScript = udp.readAll();
    QVERIFY2(udpScript.contains("sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)\n"
                                "sock.bind(('127.0.0.1', "),
             udpScript.constData());

    // Both are Python that compiles.
    for (const QString &file : {server.fileName(), udp.fileName()}) {
        QProcess compile;
        compile.start(QStringLiteral("python3"),
                      {QStringLiteral("-c"),
                       QStringLiteral("import sys; compile(open(sys.argv[1]).read(), sys.argv[1], "
                                      "'exec')"),
                       file});
        QVERIFY(compile.waitForFinished(20000));
        QVERIFY2(compile.exitCode() == 0, compile.readAllStandardError().constData());
    }
}

void tst_CommandLine::lowOpenFileLimitIsSaid()
{
    // A hard limit of 512 descriptors: the app cannot raise it, and says what it means.
    QProcess app;
    app.setProcessEnvironment(environment(true));
    app.start(QStringLiteral("bash"),
              {QStringLiteral("-c"),
               QStringLiteral("ulimit -Sn 256 && ulimit -Hn 512 && exec \"$0\" --quit-after 300"),
               QStringLiteral(SOCKET_WORKBENCH_BINARY)});
    QVERIFY(app.waitForFinished(20000));
    QCOMPARE(app.exitCode(), 0);
    const QString errors = QString::fromUtf8(app.readAllStandardError());
    QVERIFY2(errors.contains(QLatin1String("the open-files limit is 512, and the system allows "
                                           "no more")),
             qPrintable(errors));

    // With room enough (the soft limit low, the hard one high) it raises the limit and
    // says nothing.
    rlimit limit{};
    QCOMPARE(::getrlimit(RLIMIT_NOFILE, &limit), 0);
    constexpr rlim_t Comfortable = 10240; // ComfortableOpenFiles in core/socketerror.h
    if (limit.rlim_max != RLIM_INFINITY && limit.rlim_max < Comfortable)
        QSKIP("this machine's own hard limit is below what the app asks for");
    QProcess roomy;
    roomy.setProcessEnvironment(environment(true));
    roomy.start(QStringLiteral("bash"),
                {QStringLiteral("-c"),
                 QStringLiteral("ulimit -Sn 256 && exec \"$0\" --quit-after 300"),
                 QStringLiteral(SOCKET_WORKBENCH_BINARY)});
    QVERIFY(roomy.waitForFinished(20000));
    QCOMPARE(roomy.exitCode(), 0);
    QVERIFY(!roomy.readAllStandardError().contains("open-files"));
}

QTEST_GUILESS_MAIN(tst_CommandLine)
#include "tst_commandline.moc"

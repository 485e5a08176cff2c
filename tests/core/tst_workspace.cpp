#include "workspace.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

// The workspace file: what a lesson prepared in advance is saved as.
class tst_Workspace : public QObject
{
    Q_OBJECT

private slots:
    void roundTrip();
    void badFilesAreClearErrors_data();
    void badFilesAreClearErrors();
    void failedLoadLeavesTheFileIntact();
    void unreadableFile();
    void fileNameWithPercentSignsIsQuotedAsItIs();
    void failedSaveCreatesNothing();
};

namespace {

Workspace sample()
{
    Workspace workspace;
    WorkspaceSession server;
    server.endpoint
        = *parseEndpoint(QStringLiteral("tcp-listen://0.0.0.0:1337?echo&greeting=Hi%0A")).spec;
    server.start = true;
    server.title = QStringLiteral("Class server");
    WorkspaceSession client;
    client.endpoint = *parseEndpoint(QStringLiteral("tcp://127.0.0.1:1337?recv=1024")).spec;
    client.displayMode = DisplayMode::Hex;
    client.inputMode = InputMode::Escapes;
    client.lineEnding = LineEnding::CrLf;
    WorkspaceSession udp;
    udp.endpoint = *parseEndpoint(QStringLiteral("udp://[::]:5000?to=127.0.0.1:5001")).spec;
    udp.start = true;
    workspace.sessions = {server, client, udp};
    return workspace;
}

} // namespace

void tst_Workspace::roundTrip()
{
    QTemporaryDir directory;
    const QString path = directory.filePath(QStringLiteral("lesson.swb.json"));
    QString error;
    QVERIFY2(saveWorkspace(path, sample(), &error), qPrintable(error));
    const std::optional<Workspace> loaded = loadWorkspace(path, &error);
    QVERIFY2(loaded, qPrintable(error));
    QCOMPARE(loaded->sessions.size(), 3);
    for (int i = 0; i < 3; ++i)
        QVERIFY(loaded->sessions.at(i) == sample().sessions.at(i));
    // People read and edit these files: each session is its command-line endpoint.
    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QByteArray text = file.readAll();
    QVERIFY(text.contains("\"endpoint\": \"tcp-listen://0.0.0.0:1337?echo&greeting=Hi%0A\""));
    QVERIFY(text.contains("\"version\": 1"));
}

void tst_Workspace::badFilesAreClearErrors_data()
{
    QTest::addColumn<QByteArray>("content");
    QTest::addColumn<QString>("error");
    QTest::newRow("not json") << QByteArray("{\"format\": ")
                              << "workspace 'w.json' is not valid JSON: ";
    QTest::newRow("truncated") << QByteArray(
        R"({"format":"socket-workbench-workspace","version":1,"sessions":[)")
                               << "workspace 'w.json' is not valid JSON: ";
    QTest::newRow("another program's json")
        << QByteArray(R"({"name":"x"})") << "'w.json' is not a Socket Workbench workspace";
    QTest::newRow("newer version")
        << QByteArray(R"({"format":"socket-workbench-workspace","version":2,"sessions":[]})")
        << "workspace 'w.json' has version 2, but this app reads version 1";
    QTest::newRow("no sessions") << QByteArray(
        R"({"format":"socket-workbench-workspace","version":1})")
                                 << "workspace 'w.json' has no \"sessions\" list";
    QTest::newRow("bad endpoint names the session")
        << QByteArray(R"({"format":"socket-workbench-workspace","version":1,"sessions":[)"
                      R"({"endpoint":"tcp://127.0.0.1:1"},{"endpoint":"tcp://127.0.0.1:70000"}]})")
        << "session 2 of workspace 'w.json': invalid port '70000' in tcp://127.0.0.1:70000";
    QTest::newRow("bad display")
        << QByteArray(R"({"format":"socket-workbench-workspace","version":1,"sessions":[)"
                      R"({"endpoint":"tcp://127.0.0.1:1","display":"braille"}]})")
        << "session 1 of workspace 'w.json': \"display\" must be text, hex or python";
}

void tst_Workspace::badFilesAreClearErrors()
{
    QFETCH(QByteArray, content);
    QFETCH(QString, error);
    QString message;
    QVERIFY(!workspaceFromJson(content, QStringLiteral("w.json"), &message));
    QVERIFY2(message.startsWith(error), qPrintable(message));
}

void tst_Workspace::failedLoadLeavesTheFileIntact()
{
    QTemporaryDir directory;
    const QString path = directory.filePath(QStringLiteral("broken.json"));
    const QByteArray broken("{\"format\":\"socket-workbench-workspace\",\"version\":1,\"sess\xff");
    {
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(broken);
    }
    QString error;
    QVERIFY(!loadWorkspace(path, &error));
    QVERIFY(error.contains(QLatin1String("is not valid JSON")));
    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadOnly));
    QCOMPARE(file.readAll(), broken);
}

void tst_Workspace::fileNameWithPercentSignsIsQuotedAsItIs()
{
    QString message;
    QVERIFY(
        !workspaceFromJson(R"({"format":"socket-workbench-workspace","version":7,"sessions":[]})",
                           QStringLiteral("lesson %2 %1.json"),
                           &message));
    QCOMPARE(message,
             QStringLiteral("workspace 'lesson %2 %1.json' has version 7, but this app reads "
                            "version 1: open it with the app that saved it"));
}

void tst_Workspace::unreadableFile()
{
    QString error;
    QVERIFY(!loadWorkspace(QStringLiteral("/nonexistent-dir/w.json"), &error));
    QVERIFY2(error.startsWith(
                 QLatin1String("cannot read the workspace '/nonexistent-dir/w.json': ")),
             qPrintable(error));
}

void tst_Workspace::failedSaveCreatesNothing()
{
    // Saving into a folder that does not exist fails without creating anything.
    QString error;
    QVERIFY(!saveWorkspace(QStringLiteral("/nonexistent-dir/w.json"), sample(), &error));
    QVERIFY(
        error.startsWith(QLatin1String("cannot save the workspace to '/nonexistent-dir/w.json'")));
}

QTEST_GUILESS_MAIN(tst_Workspace)
#include "tst_workspace.moc"

#include "commandline.h"
#include "mainwindow.h"
#include "processusage.h"

#include "socketerror.h"
#include "sockethandle.h"
#include "statsreporter.h"
#include "terminationwatcher.h"
#include "trafficrecorder.h"
#include "workspace.h"

#include <QApplication>
#include <QFile>
#include <QStatusBar>
#include <QTabWidget>
#include <QTimer>

#include <csignal>
#include <cstdio>

namespace {

// The screenshot waits at most this long for start-up actions to have a result.
constexpr int ScreenshotTimeoutMs = 3000;

QStringList argumentList(int argc, char *argv[])
{
    QStringList arguments;
    arguments.reserve(argc);
    for (int i = 0; i < argc; ++i)
        arguments.append(QString::fromLocal8Bit(argv[i]));
    return arguments;
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication::setOrganizationName(QStringLiteral("Socket Workbench"));
    QCoreApplication::setApplicationName(QStringLiteral("socket-workbench"));
    QCoreApplication::setApplicationVersion(QStringLiteral(SOCKET_WORKBENCH_VERSION));

    // Before QApplication exists: a bad command line must fail with status 2 even where
    // there is no display to connect to.
    const CommandLineResult parsed = parseCommandLine(argumentList(argc, argv));
    switch (parsed.action) {
    case CommandLineResult::Action::Fail:
        std::fprintf(stderr, "%s\n", qPrintable(parsed.text));
        return 2;
    case CommandLineResult::Action::ShowHelp:
    case CommandLineResult::Action::ShowVersion:
        std::fputs(qPrintable(parsed.text), stdout);
        return 0;
    case CommandLineResult::Action::Run:
        break;
    }

    // From here on SIGINT and SIGTERM end the app cleanly, also while the window is still
    // being built (seconds on a loaded machine): a signal that comes that early waits in
    // the watcher's pipe until the event loop runs. Before the record file exists, so that
    // a record file means a clean exit.
    TerminationWatcher::catchSignals();

    // A workspace that cannot be used is a bad command line: nothing starts, and the file
    // is left as it is.
    std::optional<Workspace> workspace;
    if (!parsed.commandLine.workspaceFile.isEmpty()) {
        QString error;
        workspace = loadWorkspace(parsed.commandLine.workspaceFile, &error);
        if (!workspace) {
            std::fprintf(stderr, "%s\n", qPrintable(error));
            return 2;
        }
    }

    // An unwritable stats or record file is a bad command line too: nothing starts, and
    // neither file is left behind.
    const CommandLine &commandLine = parsed.commandLine;
    StatsReporter stats;
    if (!commandLine.statsFile.isEmpty()) {
        QString error;
        if (!stats.open(commandLine.statsFile, &error)) {
            std::fprintf(stderr, "%s\n", qPrintable(error));
            return 2;
        }
    }

    TrafficRecorder recorder;
    if (!commandLine.recordFile.isEmpty()) {
        QString error;
        if (!recorder.open(commandLine.recordFile, &error)) {
            std::fprintf(stderr, "%s\n", qPrintable(error));
            if (stats.isOpen() && commandLine.statsFile != QLatin1String("-"))
                QFile::remove(commandLine.statsFile);
            return 2;
        }
    }

    // A peer (or a record reader) that goes away must give EPIPE, never a SIGPIPE that
    // ends the app.
    std::signal(SIGPIPE, SIG_IGN);
    // A class connecting at once needs a descriptor per connection. When even the hard
    // limit is low, say so now rather than with the first refused student.
    const QString lowLimit = describeLowOpenFileLimit(SocketHandle::raiseOpenFileLimit());
    if (!lowLimit.isEmpty())
        std::fprintf(stderr, "socket-workbench: %s\n", qPrintable(lowLimit));

    preferMappedLargeBlocks();
    QApplication app(argc, argv);
    QApplication::setApplicationDisplayName(QStringLiteral("Socket Workbench"));

    MainWindow window;
    if (recorder.isOpen())
        window.setRecorder(&recorder);
    if (stats.isOpen()) {
        // Counted from the start: the first line comes a second after the window exists.
        stats.start(&window.sessionTotals());
        QObject::connect(&stats, &StatsReporter::failed, &window, [&window](const QString &text) {
            window.statusBar()->showMessage(text);
        });
    }
    // SIGINT and SIGTERM end the app like its Quit: every session closed, record complete.
    TerminationWatcher termination;
    termination.install();
    QObject::connect(&termination,
                     &TerminationWatcher::terminationRequested,
                     &window,
                     &MainWindow::quitGracefully);
    QObject::connect(&app, &QCoreApplication::aboutToQuit, &window, &MainWindow::shutdownSessions);
    // After the sessions closed (connected after shutdownSessions), so that every mirror
    // ends as its session did.
    if (!commandLine.mirrorDirectory.isEmpty()) {
        window.setMirrorDirectory(commandLine.mirrorDirectory);
        QObject::connect(&app, &QCoreApplication::aboutToQuit, &window, [&window] {
            QString error;
            if (!window.writeMirrors(&error))
                std::fprintf(stderr, "%s\n", qPrintable(error));
        });
    }

    // Start-up order (DESIGN.md): endpoints, the workspace, the lesson. With none of them,
    // the last workspace if it still opens, else the first-start layout.
    for (const EndpointSpec &endpoint : commandLine.endpoints)
        window.openEndpoint(endpoint, true);
    if (workspace)
        window.openWorkspace(*workspace);
    if (commandLine.lesson)
        window.openLesson();
    const bool nothingNamed = commandLine.endpoints.isEmpty() && !workspace && !commandLine.lesson;
    if (nothingNamed && !MainWindow::lastWorkspacePath().isEmpty()) {
        QString error;
        if (!window.openWorkspaceFile(MainWindow::lastWorkspacePath(), &error))
            window.statusBar()->showMessage(error);
    }
    if (window.tabs()->count() == 0)
        window.openFirstStartLayout();
    window.tabs()->setCurrentIndex(0);
    window.show();
    if (!lowLimit.isEmpty())
        window.statusBar()->showMessage(lowLimit);

    if (!commandLine.screenshotFile.isEmpty())
        window.saveScreenshotWhenSettled(commandLine.screenshotFile, ScreenshotTimeoutMs);
    if (commandLine.quitAfterMs >= 0)
        QTimer::singleShot(commandLine.quitAfterMs, &app, &QCoreApplication::quit);
    const int status = QApplication::exec();
    // The sessions are closed (aboutToQuit) but still there: the last line has their
    // final counts.
    stats.finish();
    recorder.finish();
    return status;
}

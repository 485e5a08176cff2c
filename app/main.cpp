#include "commandline.h"
#include "mainwindow.h"

#include "sockethandle.h"

#include <QApplication>
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

    // A peer that goes away must give EPIPE, never a SIGPIPE that ends the app.
    std::signal(SIGPIPE, SIG_IGN);
    // A class connecting at once needs a descriptor per connection.
    SocketHandle::raiseOpenFileLimit();

    QApplication app(argc, argv);
    QApplication::setApplicationDisplayName(QStringLiteral("Socket Workbench"));
    const CommandLine &commandLine = parsed.commandLine;

    MainWindow window;
    if (commandLine.endpoints.isEmpty()) {
        window.openFirstStartLayout();
    } else {
        for (const EndpointSpec &endpoint : commandLine.endpoints)
            window.openEndpoint(endpoint, true);
    }
    window.show();

    if (!commandLine.screenshotFile.isEmpty())
        window.saveScreenshotWhenSettled(commandLine.screenshotFile, ScreenshotTimeoutMs);
    if (commandLine.quitAfterMs >= 0)
        QTimer::singleShot(commandLine.quitAfterMs, &app, &QCoreApplication::quit);
    return QApplication::exec();
}

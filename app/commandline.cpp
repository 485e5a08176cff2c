#include "commandline.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QTemporaryFile>

namespace {

class CommandLineText
{
    Q_DECLARE_TR_FUNCTIONS(CommandLine)
};

QString endpointHelp()
{
    return CommandLineText::tr(
        "Endpoints (each opens and starts one tab, in order):\n"
        "  tcp-listen://ADDR:PORT  a TCP server listening on ADDR:PORT (0 = any free port)\n"
        "  tcp://HOST:PORT         a TCP client connecting to HOST:PORT\n"
        "  udp://ADDR:PORT         a UDP peer bound to ADDR:PORT (0 = any free port)\n"
        "ADDR and HOST: an IPv4 address, [IPv6] in brackets, or a host name.\n"
        "Options go in the query string, percent-encoded (%0A is a newline):\n"
        "  echo            send every received message back (all kinds)\n"
        "  greeting=TEXT   send TEXT to each accepted connection (tcp-listen)\n"
        "  send=TEXT       send TEXT once connected (tcp) or bound (udp, to 'to')\n"
        "  to=HOST:PORT    default destination (udp)\n"
        "  recv=N          each read is one recv(N), 1-16777216 (all; default 65536)\n"
        "\n"
        "Examples:\n"
        "  socket-workbench tcp-listen://0.0.0.0:1337?echo\n"
        "  socket-workbench 'tcp://127.0.0.1:1337?send=Hello%20world!'\n"
        "  socket-workbench 'udp://0.0.0.0:1337?recv=1024'\n"
        "\n"
        "An invalid command line exits with status 2 and one line on stderr.");
}

// Why DIR cannot take the --mirror files, or empty when it can. Found out at start-up: at
// exit it is too late to ask for another folder, and the session is gone.
QString mirrorDirectoryProblem(const QString &path)
{
    const QFileInfo info(path);
    if (!info.exists())
        return CommandLineText::tr("invalid mirror directory '%1': it does not exist; create it "
                                   "first")
            .arg(path);
    if (!info.isDir())
        return CommandLineText::tr("invalid mirror directory '%1': it is not a directory").arg(path);
    // Permission bits do not tell (root, read-only mounts, ACLs): try to write there.
    QTemporaryFile probe(QDir(path).filePath(QStringLiteral(".socket-workbench-XXXXXX")));
    if (!probe.open())
        return CommandLineText::tr("invalid mirror directory '%1': cannot write there (%2)")
            .arg(path, probe.errorString());
    return QString();
}

} // namespace

CommandLineResult parseCommandLine(const QStringList &arguments)
{
    CommandLineResult result;
    QCommandLineParser parser;
    parser.setApplicationDescription(
        CommandLineText::tr("A workbench for teaching and exploring sockets.\n\n") + endpointHelp());
    parser.setSingleDashWordOptionMode(QCommandLineParser::ParseAsLongOptions);
    const QCommandLineOption helpOption(QStringList{QStringLiteral("h"), QStringLiteral("help")},
                                        CommandLineText::tr("Show this help and exit."));
    const QCommandLineOption versionOption(QStringLiteral("version"),
                                           CommandLineText::tr("Show the version and exit."));
    const QCommandLineOption
        screenshotOption(QStringLiteral("screenshot"),
                         CommandLineText::tr(
                             "Render the window to FILE.png once every start-up action has a "
                             "result (listening, connected, bound or an error) or after 3 s, "
                             "then exit."),
                         CommandLineText::tr("FILE.png"));
    const QCommandLineOption quitAfterOption(QStringLiteral("quit-after"),
                                             CommandLineText::tr("Quit after MS milliseconds."),
                                             CommandLineText::tr("MS"));
    const QCommandLineOption
        recordOption(QStringLiteral("record"),
                     CommandLineText::tr(
                         "Write every traffic event as a JSON line to FILE (- = stdout), "
                         "each line flushed as written."),
                     CommandLineText::tr("FILE"));
    const QCommandLineOption
        statsOption(QStringLiteral("stats"),
                    CommandLineText::tr(
                        "Once a second, write a JSON line of counters (bytes, reads, sends, "
                        "connections, datagrams per session and in total), how late the event "
                        "loop ran, memory and open descriptors to FILE (- = stdout); a last "
                        "line at exit."),
                    CommandLineText::tr("FILE"));
    const QCommandLineOption
        lessonOption(QStringLiteral("lesson"),
                     CommandLineText::tr(
                         "Open the lesson's setup, all with recv(1024): a TCP server "
                         "listening on 0.0.0.0:1337, and a TCP client and a UDP peer "
                         "filled in for port 1337, waiting for a click."));
    const QCommandLineOption
        workspaceOption(QStringLiteral("workspace"),
                        CommandLineText::tr(
                            "Open the sessions of a saved workspace (File > Save workspace)."),
                        CommandLineText::tr("FILE"));
    const QCommandLineOption
        mirrorOption(QStringLiteral("mirror"),
                     CommandLineText::tr(
                         "On exit, write each session's Python mirror (the lesson's Python code "
                         "that does what the session did) to DIR/session-N.py, N as in the "
                         "record. DIR must exist."),
                     CommandLineText::tr("DIR"));
    parser.addOption(workspaceOption);
    parser.addOption(recordOption);
    parser.addOption(statsOption);
    parser.addOption(mirrorOption);
    parser.addOption(lessonOption);
    parser.addOption(helpOption);
    parser.addOption(versionOption);
    parser.addOption(screenshotOption);
    parser.addOption(quitAfterOption);
    parser.addPositionalArgument(CommandLineText::tr("ENDPOINT"),
                                 CommandLineText::tr("tcp-listen://, tcp:// or udp:// endpoints; "
                                                     "see above."),
                                 CommandLineText::tr("[ENDPOINT ...]"));

    auto fail = [&result](const QString &message) {
        result.action = CommandLineResult::Action::Fail;
        result.text = message;
        return result;
    };

    if (!parser.parse(arguments)) {
        const QStringList unknown = parser.unknownOptionNames();
        if (!unknown.isEmpty()) {
            const QString name = unknown.first();
            return fail(
                CommandLineText::tr("unknown option '%1%2': see --help")
                    .arg(name.size() == 1 ? QStringLiteral("-") : QStringLiteral("--"), name));
        }
        // "Missing value after '--screenshot'." in Qt's words, made one of ours.
        QString message = parser.errorText();
        if (message.endsWith(QLatin1Char('.')))
            message.chop(1);
        if (!message.isEmpty())
            message[0] = message[0].toLower();
        return fail(message);
    }
    if (parser.isSet(helpOption)) {
        result.action = CommandLineResult::Action::ShowHelp;
        // Without a QCoreApplication (not created yet, on purpose) Qt cannot name us.
        result.text = parser.helpText().replace(QStringLiteral("<executable_name>"),
                                                QStringLiteral("socket-workbench"));
        return result;
    }
    if (parser.isSet(versionOption)) {
        result.action = CommandLineResult::Action::ShowVersion;
        result.text = QStringLiteral("socket-workbench %1\n")
                          .arg(QStringLiteral(SOCKET_WORKBENCH_VERSION));
        return result;
    }
    result.commandLine.lesson = parser.isSet(lessonOption);
    if (parser.isSet(workspaceOption))
        result.commandLine.workspaceFile = parser.value(workspaceOption);
    if (parser.isSet(recordOption))
        result.commandLine.recordFile = parser.value(recordOption);
    if (parser.isSet(statsOption))
        result.commandLine.statsFile = parser.value(statsOption);
    for (const QCommandLineOption *option : {&screenshotOption,
                                             &quitAfterOption,
                                             &recordOption,
                                             &statsOption,
                                             &workspaceOption,
                                             &mirrorOption}) {
        if (parser.values(*option).size() > 1)
            return fail(CommandLineText::tr("repeated option '--%1': give it once")
                            .arg(option->names().constLast()));
    }
    if (result.commandLine.statsFile == QLatin1String("-")
        && result.commandLine.recordFile == QLatin1String("-"))
        return fail(CommandLineText::tr("--stats - and --record - cannot both write to stdout: "
                                        "give one of them a file"));
    if (parser.isSet(mirrorOption)) {
        result.commandLine.mirrorDirectory = parser.value(mirrorOption);
        const QString problem = mirrorDirectoryProblem(result.commandLine.mirrorDirectory);
        if (!problem.isEmpty())
            return fail(problem);
    }
    if (parser.isSet(screenshotOption)) {
        result.commandLine.screenshotFile = parser.value(screenshotOption);
        if (!result.commandLine.screenshotFile.endsWith(QLatin1String(".png"), Qt::CaseInsensitive))
            return fail(CommandLineText::tr("invalid screenshot file '%1': it must end in .png")
                            .arg(result.commandLine.screenshotFile));
    }
    if (parser.isSet(quitAfterOption)) {
        bool ok = false;
        const QString value = parser.value(quitAfterOption);
        const int milliseconds = value.toInt(&ok);
        if (!ok || milliseconds < 0)
            return fail(CommandLineText::tr("invalid value '%1' for --quit-after: must be a "
                                            "number of milliseconds, 0 or more")
                            .arg(value));
        result.commandLine.quitAfterMs = milliseconds;
    }
    for (const QString &argument : parser.positionalArguments()) {
        const EndpointParseResult endpoint = parseEndpoint(argument);
        if (!endpoint.spec)
            return fail(endpoint.error);
        result.commandLine.endpoints.append(*endpoint.spec);
    }
    return result;
}

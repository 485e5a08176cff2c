#pragma once

#include "endpointspec.h"

#include <QList>
#include <QString>
#include <QStringList>

// What the command line asks for (DESIGN.md, "Command line": a contract).
struct CommandLine
{
    QList<EndpointSpec> endpoints;
    QString screenshotFile;
    QString recordFile; // "-" = stdout
    QString statsFile;  // "-" = stdout
    bool lesson = false;
    QString workspaceFile;
    QString mirrorDirectory; // --mirror: DIR/session-N.py for every session, on exit
    int quitAfterMs = -1;
};

struct CommandLineResult
{
    enum class Action { Run, ShowHelp, ShowVersion, Fail };
    Action action = Action::Run;
    CommandLine commandLine;
    QString text; // the help or version text, or the one-line error
};

// Parses the arguments (argv[0] first) without needing a QCoreApplication, so that a bad
// command line fails with status 2 even where there is no display.
CommandLineResult parseCommandLine(const QStringList &arguments);

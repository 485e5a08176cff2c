#pragma once

#include "endpointspec.h"
#include "payloadcodec.h"

#include <QList>
#include <QString>

#include <optional>

// A lesson prepared in advance: the sessions of a window with their settings, saved as
// JSON. Each session is its endpoint spec (the command line's own text, options
// included) plus what only the panel knows.
struct WorkspaceSession
{
    EndpointSpec endpoint;
    bool start = false; // listen / connect / bind when opened
    QString title;      // a custom tab name; empty = the automatic one
    DisplayMode displayMode = DisplayMode::PythonBytes;
    InputMode inputMode = InputMode::Text;
    LineEnding lineEnding = LineEnding::None;

    friend bool operator==(const WorkspaceSession &a, const WorkspaceSession &b)
    {
        return a.endpoint == b.endpoint && a.start == b.start && a.title == b.title
               && a.displayMode == b.displayMode && a.inputMode == b.inputMode
               && a.lineEnding == b.lineEnding;
    }
};

struct Workspace
{
    static constexpr int Version = 1;
    QList<WorkspaceSession> sessions;
};

QByteArray workspaceToJson(const Workspace &workspace);
// Strict: anything unexpected is an error naming the file, the session and the field;
// nothing partial is returned.
std::optional<Workspace> workspaceFromJson(const QByteArray &json,
                                           const QString &fileName,
                                           QString *errorMessage);

// Writes atomically (QSaveFile): a failed save leaves the old file as it was.
bool saveWorkspace(const QString &path, const Workspace &workspace, QString *errorMessage);
// Only reads: a file that cannot be used is never touched.
std::optional<Workspace> loadWorkspace(const QString &path, QString *errorMessage);

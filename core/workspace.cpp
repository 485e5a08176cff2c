#include "workspace.h"

#include <QCoreApplication>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSaveFile>

namespace {

class WorkspaceText
{
    Q_DECLARE_TR_FUNCTIONS(Workspace)
};

const QLatin1String FormatName("socket-workbench-workspace");

// Messages are filled with one multi-argument arg() each: a file name may itself
// contain "%2", which a chained arg() would fill in.

} // namespace

QByteArray workspaceToJson(const Workspace &workspace)
{
    QJsonArray sessions;
    for (const WorkspaceSession &session : workspace.sessions) {
        QJsonObject object;
        object.insert(QStringLiteral("endpoint"), session.endpoint.toString());
        object.insert(QStringLiteral("start"), session.start);
        if (!session.title.isEmpty())
            object.insert(QStringLiteral("title"), session.title);
        object.insert(QStringLiteral("display"), displayModeKey(session.displayMode));
        object.insert(QStringLiteral("input"), inputModeKey(session.inputMode));
        object.insert(QStringLiteral("lineEnding"), lineEndingKey(session.lineEnding));
        sessions.append(object);
    }
    QJsonObject root;
    root.insert(QStringLiteral("format"), FormatName);
    root.insert(QStringLiteral("version"), Workspace::Version);
    root.insert(QStringLiteral("sessions"), sessions);
    return QJsonDocument(root).toJson(QJsonDocument::Indented);
}

std::optional<Workspace> workspaceFromJson(const QByteArray &json,
                                           const QString &fileName,
                                           QString *errorMessage)
{
    const auto fail = [&](const QString &message) -> std::optional<Workspace> {
        if (errorMessage)
            *errorMessage = message;
        return std::nullopt;
    };
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(json, &parseError);
    if (parseError.error != QJsonParseError::NoError) {
        return fail(
            WorkspaceText::tr("workspace '%1' is not valid JSON: %2 at byte %3")
                .arg(fileName, parseError.errorString(), QString::number(parseError.offset)));
    }
    const QJsonObject root = document.object();
    if (!document.isObject() || root.value(QStringLiteral("format")).toString() != FormatName) {
        return fail(WorkspaceText::tr("'%1' is not a Socket Workbench workspace (its \"format\" "
                                      "is not \"%2\")")
                        .arg(fileName, FormatName));
    }
    const QJsonValue version = root.value(QStringLiteral("version"));
    if (!version.isDouble() || version.toInt() != Workspace::Version) {
        return fail(WorkspaceText::tr("workspace '%1' has version %2, but this app reads "
                                      "version %3: open it with the app that saved it")
                        .arg(fileName,
                             version.isDouble() ? QString::number(version.toDouble())
                                                : QStringLiteral("(none)"),
                             QString::number(Workspace::Version)));
    }
    const QJsonValue sessionsValue = root.value(QStringLiteral("sessions"));
    if (!sessionsValue.isArray())
        return fail(WorkspaceText::tr("workspace '%1' has no \"sessions\" list").arg(fileName));

    Workspace workspace;
    const QJsonArray sessions = sessionsValue.toArray();
    for (int i = 0; i < sessions.size(); ++i) {
        const QString where = WorkspaceText::tr("session %1 of workspace '%2'")
                                  .arg(QString::number(i + 1), fileName);
        const QJsonObject object = sessions.at(i).toObject();
        if (!sessions.at(i).isObject())
            return fail(WorkspaceText::tr("%1 is not an object").arg(where));
        const EndpointParseResult endpoint = parseEndpoint(
            object.value(QStringLiteral("endpoint")).toString());
        if (!endpoint.spec)
            return fail(where + QStringLiteral(": ") + endpoint.error);
        WorkspaceSession session;
        session.endpoint = *endpoint.spec;
        session.start = object.value(QStringLiteral("start")).toBool(false);
        session.title = object.value(QStringLiteral("title")).toString();
        const auto field = [&](const char *name, const QString &fallback) {
            return object.value(QLatin1String(name)).toString(fallback);
        };
        const std::optional<DisplayMode> display = displayModeFromName(
            field("display", QStringLiteral("python")));
        const std::optional<InputMode> input = inputModeFromName(
            field("input", QStringLiteral("text")));
        const std::optional<LineEnding> ending = lineEndingFromName(
            field("lineEnding", QStringLiteral("none")));
        if (!display)
            return fail(WorkspaceText::tr("%1: \"display\" must be text, hex or python").arg(where));
        if (!input)
            return fail(WorkspaceText::tr("%1: \"input\" must be text, hex or escapes").arg(where));
        if (!ending)
            return fail(WorkspaceText::tr("%1: \"lineEnding\" must be none, lf or crlf").arg(where));
        session.displayMode = *display;
        session.inputMode = *input;
        session.lineEnding = *ending;
        workspace.sessions.append(session);
    }
    return workspace;
}

bool saveWorkspace(const QString &path, const Workspace &workspace, QString *errorMessage)
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(workspaceToJson(workspace)) < 0
        || !file.commit()) {
        if (errorMessage) {
            *errorMessage = WorkspaceText::tr("cannot save the workspace to '%1': %2")
                                .arg(path, file.errorString());
        }
        return false;
    }
    return true;
}

std::optional<Workspace> loadWorkspace(const QString &path, QString *errorMessage)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        if (errorMessage) {
            *errorMessage = WorkspaceText::tr("cannot read the workspace '%1': %2")
                                .arg(path, file.errorString());
        }
        return std::nullopt;
    }
    return workspaceFromJson(file.readAll(), path, errorMessage);
}

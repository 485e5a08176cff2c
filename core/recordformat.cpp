#include "recordformat.h"

#include "trafficevent.h"

#include <QDateTime>

namespace {

// JSON string escaping by hand: QJsonObject would sort the keys, and the record's field
// order is part of the contract.
void appendJsonString(QByteArray &out, const QString &text)
{
    out += '"';
    const QByteArray utf8 = text.toUtf8();
    for (const char c : utf8) {
        const auto byte = static_cast<unsigned char>(c);
        switch (byte) {
        case '"':
            out += "\\\"";
            break;
        case '\\':
            out += "\\\\";
            break;
        case '\n':
            out += "\\n";
            break;
        case '\r':
            out += "\\r";
            break;
        case '\t':
            out += "\\t";
            break;
        default:
            if (byte < 0x20) {
                static const char digits[] = "0123456789abcdef";
                out += "\\u00";
                out += digits[byte >> 4];
                out += digits[byte & 0xf];
            } else {
                out += c;
            }
        }
    }
    out += '"';
}

void appendField(QByteArray &out, const char *name)
{
    out += ",\"";
    out += name;
    out += "\":";
}

} // namespace

bool isRecorded(const TrafficEvent &event)
{
    return event.type != EventType::Note;
}

QByteArray recordLine(const TrafficEvent &event)
{
    QByteArray out;
    out.reserve(160 + event.payload.size() * 2);
    out += "{\"time\":";
    appendJsonString(out,
                     QDateTime::fromMSecsSinceEpoch(event.msecsSinceEpoch, Qt::UTC)
                         .toString(Qt::ISODateWithMs));
    appendField(out, "session");
    out += QByteArray::number(event.session);
    appendField(out, "kind");
    appendJsonString(out, sessionKindName(event.kind));
    appendField(out, "event");
    appendJsonString(out, eventTypeName(event.type));
    if (event.connection > 0) {
        appendField(out, "conn");
        out += QByteArray::number(event.connection);
    }
    if (!event.local.isNull()) {
        appendField(out, "local");
        appendJsonString(out, event.local.toString());
    }
    if (!event.peer.isNull()) {
        appendField(out, "peer");
        appendJsonString(out, event.peer.toString());
    }
    if (carriesPayload(event.type)) {
        appendField(out, "size");
        out += QByteArray::number(event.payload.size());
        appendField(out, "hex");
        out += '"';
        out += event.payload.toHex();
        out += '"';
        if (event.truncatedFrom >= 0) {
            appendField(out, "truncated_from");
            out += QByteArray::number(event.truncatedFrom);
        }
    }
    if (event.type == EventType::Closed) {
        appendField(out, "by");
        out += event.closedBy == ClosedBy::Local ? "\"local\"" : "\"peer\"";
        if (event.reset) {
            appendField(out, "reset");
            out += "true";
        }
    }
    if (event.type == EventType::Error && !event.message.isEmpty()) {
        appendField(out, "message");
        appendJsonString(out, event.message);
    }
    out += "}\n";
    return out;
}

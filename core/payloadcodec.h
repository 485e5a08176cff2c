#pragma once

#include <QByteArray>
#include <QString>

#include <optional>

// Pure conversions between what a person types or reads and the bytes on the wire.

// How the send box's text is turned into bytes.
enum class InputMode : quint8 {
    Text,    // UTF-8 as typed
    Hex,     // "48 65 6c", "48656c", "0x48,0x65", "48:65:6c"
    Escapes, // UTF-8 with \n \r \t \\ \xHH \0 (and \' \")
};

// Appended after the encoded input.
enum class LineEnding : quint8 { None, Lf, CrLf };

// How the log shows bytes.
enum class DisplayMode : quint8 {
    Text,        // UTF-8; control and invalid bytes made visible
    Hex,         // "48 65 6c 6c 6f"
    PythonBytes, // b'Hello\r\n', exactly as Python's repr() prints it
};

// The result of encodePayload(): the bytes, or why there are none.
struct EncodeResult
{
    QByteArray bytes;
    QString error;          // empty when ok; names the position and reason
    int errorPosition = -1; // index into the input text (QChar units), -1 when ok

    bool ok() const { return error.isEmpty(); }
};

// Turns typed input into bytes. Invalid input is an error naming the position and
// reason; it never yields partial bytes. Empty input is valid in every mode; the line
// ending is appended to it too, so "" with LF sends one "\n".
EncodeResult encodePayload(const QString &input, InputMode mode, LineEnding ending);

// Shows bytes for a person, never interpreting them (no HTML, no ANSI escapes).
QString displayPayload(const QByteArray &bytes, DisplayMode mode);
// Same, but stops after about maxChars characters and ends with "…" when cut, so a
// 1 MiB read costs no more to show than the visible part of a row. The result is at most
// maxChars QChars long, "…" included (a cut result is at least "…"); escapes and UTF-8
// sequences are never split. maxChars < 0 means no limit. Python bytes: when cut, the
// quote character is chosen from the first maxChars bytes only.
QString displayPayload(const QByteArray &bytes, DisplayMode mode, int maxChars);

QString pythonBytesLiteral(const QByteArray &bytes); // b'...', Python's repr() of bytes
QString hexDump(const QByteArray &bytes);            // "48 65 6c"
QString visibleText(const QByteArray &bytes); // UTF-8, controls as ␊ ␍ ␀ ..., bad bytes as \xff

// Names for menus, translated ("Text", "Hex", "Escapes"; "None", "LF", "CRLF"; ...).
QString inputModeName(InputMode mode);
QString lineEndingName(LineEnding ending);
QString displayModeName(DisplayMode mode);

// Keys for files and settings, never translated ("text", "hex", "escapes"; "none", "lf",
// "crlf"; "text", "hex", "python").
QString inputModeKey(InputMode mode);
QString lineEndingKey(LineEnding ending);
QString displayModeKey(DisplayMode mode);

// Parse a key back, or the English name ("CRLF", "Python bytes"); case does not matter.
// Anything else is std::nullopt.
std::optional<InputMode> inputModeFromName(const QString &name);
std::optional<LineEnding> lineEndingFromName(const QString &name);
std::optional<DisplayMode> displayModeFromName(const QString &name);

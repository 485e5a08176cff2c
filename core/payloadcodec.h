#pragma once

#include <QByteArray>
#include <QString>

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
// reason; it never yields partial bytes.
EncodeResult encodePayload(const QString &input, InputMode mode, LineEnding ending);

// Shows bytes for a person, never interpreting them (no HTML, no ANSI escapes).
QString displayPayload(const QByteArray &bytes, DisplayMode mode);
// Same, but stops after about maxChars characters and ends with "…" when cut, so a
// 1 MiB read costs no more to show than the visible part of a row.
QString displayPayload(const QByteArray &bytes, DisplayMode mode, int maxChars);

QString pythonBytesLiteral(const QByteArray &bytes); // b'...', Python's repr() of bytes
QString hexDump(const QByteArray &bytes);            // "48 65 6c"
QString visibleText(const QByteArray &bytes); // UTF-8, controls as ␊ ␍ ␀ ..., bad bytes as \xff

// Names for menus and files ("Text", "Hex", "Escapes"; "None", "LF", "CRLF"; ...).
QString inputModeName(InputMode mode);
QString lineEndingName(LineEnding ending);
QString displayModeName(DisplayMode mode);

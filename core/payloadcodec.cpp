#include "payloadcodec.h"

#include <QCoreApplication>
#include <QStringView>

#include <initializer_list>

namespace {

constexpr char16_t ellipsis = u'\u2026';
constexpr char16_t controlPictures = u'\u2400'; // U+2400 + byte: ␀ ... ␟
constexpr char16_t deletePicture = u'\u2421';   // ␡
// Error messages quote at most this much of a token: a pasted megabyte of hex stays readable.
constexpr qsizetype maxQuotedLength = 16;

int hexDigitValue(QChar c)
{
    const char16_t u = c.unicode();
    if (u >= u'0' && u <= u'9')
        return u - u'0';
    if (u >= u'a' && u <= u'f')
        return u - u'a' + 10;
    if (u >= u'A' && u <= u'F')
        return u - u'A' + 10;
    return -1;
}

char16_t lowerHexDigit(int value)
{
    return u"0123456789abcdef"[value & 0xf];
}

// The code point at index, and how many QChars it takes (a surrogate pair is one character).
char32_t codePointAt(QStringView text, qsizetype index, qsizetype *length)
{
    const QChar c = text[index];
    if (c.isHighSurrogate() && index + 1 < text.size() && text[index + 1].isLowSurrogate()) {
        *length = 2;
        return QChar::surrogateToUcs4(c, text[index + 1]);
    }
    *length = 1;
    return c.unicode();
}

// A piece of the input as an error message shows it: control characters as control
// pictures, so a stray newline or tab cannot break the message, and long pieces elided.
QString shownInMessage(QStringView text)
{
    QString shown;
    qsizetype i = 0;
    while (i < text.size()) {
        if (i >= maxQuotedLength - 1 && text.size() > maxQuotedLength) {
            shown += QChar(ellipsis);
            break;
        }
        qsizetype length = 0;
        const char32_t codePoint = codePointAt(text, i, &length);
        if (codePoint < 0x20)
            shown += QChar(char16_t(controlPictures + codePoint));
        else if (codePoint == 0x7f)
            shown += QChar(deletePicture);
        else
            shown += text.sliced(i, length);
        i += length;
    }
    return shown;
}

// One character of the input, quoted for an error message. Anything but printable ASCII
// also gets its code point: a no-break space or a look-alike letter is invisible otherwise.
QString quotedCharacter(QStringView text, qsizetype index, QStringView before = {})
{
    qsizetype length = 0;
    const char32_t codePoint = codePointAt(text, index, &length);
    const QString quoted = u'\'' + before.toString() + shownInMessage(text.sliced(index, length))
                           + u'\'';
    if (codePoint > 0x20 && codePoint < 0x7f)
        return quoted;
    return quoted
           + QStringLiteral(" (U+%1)").arg(uint(codePoint), 4, 16, QLatin1Char('0')).toUpper();
}

EncodeResult failure(qsizetype index, const QString &reason)
{
    EncodeResult result;
    // People count columns from 1; errorPosition is for the editor's cursor.
    result.error = QCoreApplication::translate("PayloadCodec", "position %1: %2")
                       .arg(QString::number(index + 1), reason);
    result.errorPosition = int(index);
    return result;
}

EncodeResult notHexDigit(QStringView input, qsizetype index)
{
    return failure(index,
                   QCoreApplication::translate("PayloadCodec",
                                               "%1 is not a hex digit; use 0-9 and a-f, or "
                                               "choose Text mode to send text")
                       .arg(quotedCharacter(input, index)));
}

bool isHexSeparator(QChar c)
{
    // isSpace() also takes the no-break spaces that come with hex copied from web pages.
    return c.isSpace() || c == u',' || c == u':';
}

EncodeResult encodeHex(const QString &input)
{
    const QStringView text(input);
    QByteArray bytes;
    bytes.reserve(text.size() / 2);
    qsizetype i = 0;
    while (i < text.size()) {
        if (isHexSeparator(text[i])) {
            ++i;
            continue;
        }
        qsizetype end = i;
        while (end < text.size() && !isHexSeparator(text[end]))
            ++end;
        const QStringView token = text.sliced(i, end - i);
        const bool prefixed = token.size() >= 2 && token[0] == u'0'
                              && (token[1] == u'x' || token[1] == u'X');
        const qsizetype firstDigit = prefixed ? 2 : 0;
        for (qsizetype d = firstDigit; d < token.size(); ++d) {
            if (hexDigitValue(token[d]) < 0)
                return notHexDigit(text, i + d);
        }
        const qsizetype digits = token.size() - firstDigit;
        if (prefixed) {
            // "0x123" could mean 0x01 0x23 or 0x12 0x03: refuse to guess.
            if (digits == 0) {
                return failure(i,
                               QCoreApplication::translate("PayloadCodec",
                                                           "'%1' has no hex digits after it")
                                   .arg(token));
            }
            if (digits > 2) {
                return failure(i,
                               QCoreApplication::translate("PayloadCodec",
                                                           "'%1' has more than two hex digits "
                                                           "after 0x; write one 0x per byte "
                                                           "(0x12 0x34)")
                                   .arg(shownInMessage(token)));
            }
            int value = 0;
            for (qsizetype d = firstDigit; d < token.size(); ++d)
                value = value * 16 + hexDigitValue(token[d]);
            bytes.append(char(value));
        } else {
            if (digits % 2 != 0) {
                return failure(i,
                               QCoreApplication::translate("PayloadCodec",
                                                           "'%1' has an odd number of hex digits; "
                                                           "write each byte as two digits (0a, "
                                                           "not a)")
                                   .arg(shownInMessage(token)));
            }
            for (qsizetype d = 0; d < digits; d += 2)
                bytes.append(char(hexDigitValue(token[d]) * 16 + hexDigitValue(token[d + 1])));
        }
        i = end;
    }
    EncodeResult result;
    result.bytes = bytes;
    return result;
}

EncodeResult encodeEscapes(const QString &input)
{
    const QStringView text(input);
    QByteArray bytes;
    bytes.reserve(text.size());
    // Plain text is converted a run at a time, so surrogate pairs are never split.
    qsizetype runStart = 0;
    qsizetype i = 0;
    while (i < text.size()) {
        if (text[i] != u'\\') {
            ++i;
            continue;
        }
        bytes += text.sliced(runStart, i - runStart).toUtf8();
        if (i + 1 == text.size()) {
            return failure(i,
                           QCoreApplication::translate("PayloadCodec",
                                                       "lone '\\' at the end; write \\\\ for a "
                                                       "backslash"));
        }
        qsizetype length = 2;
        switch (text[i + 1].unicode()) {
        case u'n':
            bytes.append('\n');
            break;
        case u'r':
            bytes.append('\r');
            break;
        case u't':
            bytes.append('\t');
            break;
        case u'\\':
            bytes.append('\\');
            break;
        case u'\'':
            bytes.append('\'');
            break;
        case u'"':
            bytes.append('"');
            break;
        case u'0':
            // Python and C read "\012" as one octal escape (a newline); taking it as a zero
            // byte followed by "12" would silently send something else.
            if (i + 2 < text.size() && text[i + 2] >= u'0' && text[i + 2] <= u'7') {
                return failure(i,
                               QCoreApplication::translate("PayloadCodec",
                                                           "'%1' looks like an octal escape, "
                                                           "which is not supported; use \\xHH "
                                                           "(\\x00 is a zero byte)")
                                   .arg(text.sliced(i, 3)));
            }
            bytes.append('\0');
            break;
        case u'x': {
            const int high = i + 2 < text.size() ? hexDigitValue(text[i + 2]) : -1;
            const int low = high >= 0 && i + 3 < text.size() ? hexDigitValue(text[i + 3]) : -1;
            if (low < 0) {
                // Quote up to the first character that is not a hex digit.
                qsizetype end = high < 0 ? i + 2 : i + 3;
                if (end < text.size()) {
                    qsizetype characterLength = 0;
                    codePointAt(text, end, &characterLength);
                    end += characterLength;
                }
                return failure(i,
                               QCoreApplication::translate("PayloadCodec",
                                                           "'%1' needs exactly two hex digits, "
                                                           "as in \\x0a")
                                   .arg(shownInMessage(text.sliced(i, end - i))));
            }
            bytes.append(char(high * 16 + low));
            length = 4;
            break;
        }
        default:
            return failure(i,
                           QCoreApplication::translate("PayloadCodec",
                                                       "unknown escape %1; use \\n \\r \\t \\\\ "
                                                       "\\0 \\xHH")
                               .arg(quotedCharacter(text, i + 1, u"\\")));
        }
        i += length;
        runStart = i;
    }
    bytes += text.sliced(runStart).toUtf8();
    EncodeResult result;
    result.bytes = bytes;
    return result;
}

// Collects display text in pieces that are never split (an escape, a character, "48"),
// and stops as soon as the limit is passed: the caller stops converting when append()
// returns false, so a huge payload costs only what fits.
class BoundedText
{
public:
    // maxChars < 0: no limit. closingLength: what finish() appends when nothing was cut
    // (the closing quote of b'...'); it has to fit too.
    BoundedText(int maxChars, qsizetype closingLength, qsizetype expectedLength)
        : m_maxChars(maxChars)
        , m_closingLength(closingLength)
    {
        m_text.reserve(maxChars < 0 ? expectedLength : qMin<qsizetype>(expectedLength, maxChars));
    }

    bool append(QStringView piece)
    {
        m_text += piece;
        if (m_maxChars < 0)
            return true;
        if (m_text.size() + m_closingLength > m_maxChars) {
            m_text.truncate(m_fittingLength);
            m_text += QChar(ellipsis);
            m_cut = true;
            return false;
        }
        if (m_text.size() < m_maxChars) // room left for the ellipsis
            m_fittingLength = m_text.size();
        return true;
    }

    QString finish(QStringView closing)
    {
        if (!m_cut)
            m_text += closing;
        return m_text;
    }

private:
    QString m_text;
    const int m_maxChars;
    const qsizetype m_closingLength;
    qsizetype m_fittingLength = 0; // the longest piece boundary that leaves room for "…"
    bool m_cut = false;
};

QStringView byteEscape(uchar byte, char16_t (&buffer)[4])
{
    buffer[0] = u'\\';
    buffer[1] = u'x';
    buffer[2] = lowerHexDigit(byte >> 4);
    buffer[3] = lowerHexDigit(byte);
    return QStringView(buffer, 4);
}

// The rules of bytes_repr() in CPython's Objects/bytesobject.c.
QStringView pythonByte(uchar byte, char quote, char16_t (&buffer)[4])
{
    if (byte == '\\' || byte == uchar(quote)) {
        buffer[0] = u'\\';
        buffer[1] = byte;
        return QStringView(buffer, 2);
    }
    if (byte == '\t' || byte == '\n' || byte == '\r') {
        buffer[0] = u'\\';
        buffer[1] = byte == '\t' ? u't' : byte == '\n' ? u'n' : u'r';
        return QStringView(buffer, 2);
    }
    if (byte < 0x20 || byte >= 0x7f)
        return byteEscape(byte, buffer);
    buffer[0] = byte;
    return QStringView(buffer, 1);
}

QString pythonBytes(const QByteArray &bytes, int maxChars)
{
    // Every byte shows as one character at least, so beyond maxChars bytes nothing can show.
    // Python picks the quotes from the whole buffer; a cut result can only look at what
    // it shows, or a 16 MiB read would be scanned for one row.
    const QByteArrayView shown = maxChars < 0 ? QByteArrayView(bytes)
                                              : QByteArrayView(bytes).first(
                                                  qMin<qsizetype>(bytes.size(), maxChars));
    const char quote = shown.contains('\'') && !shown.contains('"') ? '"' : '\'';
    BoundedText text(maxChars, 1, shown.size() + 3);
    const char16_t opening[] = {u'b', char16_t(quote)};
    if (!text.append(QStringView(opening, 2)))
        return text.finish({});
    char16_t buffer[4];
    for (const char byte : shown) {
        if (!text.append(pythonByte(uchar(byte), quote, buffer)))
            break;
    }
    const char16_t closing = quote;
    return text.finish(QStringView(&closing, 1));
}

QString hexText(const QByteArray &bytes, int maxChars)
{
    if (maxChars < 0)
        return QString::fromLatin1(bytes.toHex(' '));
    BoundedText text(maxChars, 0, bytes.size() * 3);
    char16_t buffer[3] = {u' '};
    for (qsizetype i = 0; i < bytes.size(); ++i) {
        const uchar byte = uchar(bytes.at(i));
        buffer[1] = lowerHexDigit(byte >> 4);
        buffer[2] = lowerHexDigit(byte);
        // The separating space belongs to the byte after it: a cut never ends in a space.
        const QStringView piece = i == 0 ? QStringView(buffer + 1, 2) : QStringView(buffer, 3);
        if (!text.append(piece))
            break;
    }
    return text.finish({});
}

// The length of the well-formed UTF-8 sequence at data, or 0 when the first byte starts
// none. Overlong forms, surrogates and values above U+10FFFF are ill-formed (Unicode's
// table 3-7), so each of their bytes shows as \xHH, as Python's "backslashreplace" does.
int utf8SequenceAt(const uchar *data, qsizetype available, char32_t *codePoint)
{
    const uchar lead = data[0];
    if (lead < 0x80) {
        *codePoint = lead;
        return 1;
    }
    int length = 0;
    uchar secondLow = 0x80;
    uchar secondHigh = 0xbf;
    if (lead >= 0xc2 && lead <= 0xdf) {
        length = 2;
    } else if (lead >= 0xe0 && lead <= 0xef) {
        length = 3;
        if (lead == 0xe0)
            secondLow = 0xa0; // overlong below
        else if (lead == 0xed)
            secondHigh = 0x9f; // surrogates above
    } else if (lead >= 0xf0 && lead <= 0xf4) {
        length = 4;
        if (lead == 0xf0)
            secondLow = 0x90; // overlong below
        else if (lead == 0xf4)
            secondHigh = 0x8f; // beyond U+10FFFF above
    } else {
        return 0;
    }
    if (available < length || data[1] < secondLow || data[1] > secondHigh)
        return 0;
    char32_t value = lead & (0x7f >> length);
    for (int i = 1; i < length; ++i) {
        if ((data[i] & 0xc0) != 0x80)
            return 0;
        value = (value << 6) | (data[i] & 0x3f);
    }
    *codePoint = value;
    return length;
}

// Valid characters that would hide or rearrange what arrived if shown as they are: C1
// controls, line and paragraph separators (they break a one-line cell), bidirectional
// controls (they reorder the text around them) and invisible ones (zero width space, word
// joiner, byte order mark, soft hyphen). Zero width joiners stay: emoji and scripts need them.
bool isHiddenCharacter(char32_t codePoint)
{
    return (codePoint >= 0x80 && codePoint <= 0x9f) || codePoint == 0xad || codePoint == 0x61c
           || codePoint == 0x200b || codePoint == 0x200e || codePoint == 0x200f
           || (codePoint >= 0x2028 && codePoint <= 0x202e) || codePoint == 0x2060
           || (codePoint >= 0x2066 && codePoint <= 0x2069) || codePoint == 0xfeff;
}

QStringView visibleCharacter(char32_t codePoint, char16_t (&buffer)[6])
{
    if (codePoint < 0x20) {
        buffer[0] = char16_t(controlPictures + codePoint);
        return QStringView(buffer, 1);
    }
    if (codePoint == 0x7f) {
        buffer[0] = deletePicture;
        return QStringView(buffer, 1);
    }
    if (isHiddenCharacter(codePoint)) {
        // Python's notation for a code point; \xHH stays reserved for invalid bytes.
        buffer[0] = u'\\';
        buffer[1] = u'u';
        for (int i = 0; i < 4; ++i)
            buffer[2 + i] = lowerHexDigit(int(codePoint >> (12 - 4 * i)));
        return QStringView(buffer, 6);
    }
    if (QChar::requiresSurrogates(codePoint)) {
        buffer[0] = QChar::highSurrogate(codePoint);
        buffer[1] = QChar::lowSurrogate(codePoint);
        return QStringView(buffer, 2);
    }
    buffer[0] = char16_t(codePoint);
    return QStringView(buffer, 1);
}

QString textOf(const QByteArray &bytes, int maxChars)
{
    BoundedText text(maxChars, 0, bytes.size());
    const auto data = reinterpret_cast<const uchar *>(bytes.constData());
    char16_t buffer[6];
    char16_t escape[4];
    qsizetype i = 0;
    while (i < bytes.size()) {
        char32_t codePoint = 0;
        const int length = utf8SequenceAt(data + i, bytes.size() - i, &codePoint);
        QStringView piece;
        if (length == 0) {
            piece = byteEscape(data[i], escape);
            ++i;
        } else {
            piece = visibleCharacter(codePoint, buffer);
            i += length;
        }
        if (!text.append(piece))
            break;
    }
    return text.finish({});
}

const char *inputModeSourceName(InputMode mode)
{
    switch (mode) {
    case InputMode::Text:
        return QT_TRANSLATE_NOOP("PayloadCodec", "Text");
    case InputMode::Hex:
        return QT_TRANSLATE_NOOP("PayloadCodec", "Hex");
    case InputMode::Escapes:
        return QT_TRANSLATE_NOOP("PayloadCodec", "Escapes");
    }
    Q_UNREACHABLE();
    return "";
}

const char *lineEndingSourceName(LineEnding ending)
{
    switch (ending) {
    case LineEnding::None:
        return QT_TRANSLATE_NOOP("PayloadCodec", "None");
    case LineEnding::Lf:
        return QT_TRANSLATE_NOOP("PayloadCodec", "LF");
    case LineEnding::CrLf:
        return QT_TRANSLATE_NOOP("PayloadCodec", "CRLF");
    }
    Q_UNREACHABLE();
    return "";
}

const char *displayModeSourceName(DisplayMode mode)
{
    switch (mode) {
    case DisplayMode::Text:
        return QT_TRANSLATE_NOOP("PayloadCodec", "Text");
    case DisplayMode::Hex:
        return QT_TRANSLATE_NOOP("PayloadCodec", "Hex");
    case DisplayMode::PythonBytes:
        return QT_TRANSLATE_NOOP("PayloadCodec", "Python bytes");
    }
    Q_UNREACHABLE();
    return "";
}

bool matchesName(const QString &name, const QString &key, const char *sourceName)
{
    return name.compare(key, Qt::CaseInsensitive) == 0
           || name.compare(QLatin1String(sourceName), Qt::CaseInsensitive) == 0;
}

} // namespace

EncodeResult encodePayload(const QString &input, InputMode mode, LineEnding ending)
{
    EncodeResult result;
    switch (mode) {
    case InputMode::Text:
        result.bytes = input.toUtf8();
        break;
    case InputMode::Hex:
        result = encodeHex(input);
        break;
    case InputMode::Escapes:
        result = encodeEscapes(input);
        break;
    }
    if (!result.ok())
        return result;
    switch (ending) {
    case LineEnding::None:
        break;
    case LineEnding::Lf:
        result.bytes.append('\n');
        break;
    case LineEnding::CrLf:
        result.bytes.append("\r\n", 2);
        break;
    }
    return result;
}

QString displayPayload(const QByteArray &bytes, DisplayMode mode)
{
    return displayPayload(bytes, mode, -1);
}

QString displayPayload(const QByteArray &bytes, DisplayMode mode, int maxChars)
{
    switch (mode) {
    case DisplayMode::Text:
        return textOf(bytes, maxChars);
    case DisplayMode::Hex:
        return hexText(bytes, maxChars);
    case DisplayMode::PythonBytes:
        return pythonBytes(bytes, maxChars);
    }
    Q_UNREACHABLE();
    return QString();
}

QString pythonBytesLiteral(const QByteArray &bytes)
{
    return pythonBytes(bytes, -1);
}

QString hexDump(const QByteArray &bytes)
{
    return hexText(bytes, -1);
}

QString visibleText(const QByteArray &bytes)
{
    return textOf(bytes, -1);
}

QString inputModeName(InputMode mode)
{
    return QCoreApplication::translate("PayloadCodec", inputModeSourceName(mode));
}

QString lineEndingName(LineEnding ending)
{
    return QCoreApplication::translate("PayloadCodec", lineEndingSourceName(ending));
}

QString displayModeName(DisplayMode mode)
{
    return QCoreApplication::translate("PayloadCodec", displayModeSourceName(mode));
}

QString inputModeKey(InputMode mode)
{
    switch (mode) {
    case InputMode::Text:
        return QStringLiteral("text");
    case InputMode::Hex:
        return QStringLiteral("hex");
    case InputMode::Escapes:
        return QStringLiteral("escapes");
    }
    Q_UNREACHABLE();
    return QString();
}

QString lineEndingKey(LineEnding ending)
{
    switch (ending) {
    case LineEnding::None:
        return QStringLiteral("none");
    case LineEnding::Lf:
        return QStringLiteral("lf");
    case LineEnding::CrLf:
        return QStringLiteral("crlf");
    }
    Q_UNREACHABLE();
    return QString();
}

QString displayModeKey(DisplayMode mode)
{
    switch (mode) {
    case DisplayMode::Text:
        return QStringLiteral("text");
    case DisplayMode::Hex:
        return QStringLiteral("hex");
    case DisplayMode::PythonBytes:
        return QStringLiteral("python");
    }
    Q_UNREACHABLE();
    return QString();
}

std::optional<InputMode> inputModeFromName(const QString &name)
{
    for (const InputMode mode : {InputMode::Text, InputMode::Hex, InputMode::Escapes}) {
        if (matchesName(name, inputModeKey(mode), inputModeSourceName(mode)))
            return mode;
    }
    return std::nullopt;
}

std::optional<LineEnding> lineEndingFromName(const QString &name)
{
    for (const LineEnding ending : {LineEnding::None, LineEnding::Lf, LineEnding::CrLf}) {
        if (matchesName(name, lineEndingKey(ending), lineEndingSourceName(ending)))
            return ending;
    }
    return std::nullopt;
}

std::optional<DisplayMode> displayModeFromName(const QString &name)
{
    for (const DisplayMode mode : {DisplayMode::Text, DisplayMode::Hex, DisplayMode::PythonBytes}) {
        if (matchesName(name, displayModeKey(mode), displayModeSourceName(mode)))
            return mode;
    }
    return std::nullopt;
}

#include "payloadcodec.h"

#include <QRandomGenerator>
#include <QScopeGuard>
#include <QTest>

#ifdef Q_OS_UNIX
#include <sys/mman.h>
#include <unistd.h>
#endif

namespace {

// Bytes from a literal, embedded NULs included.
template<std::size_t N>
QByteArray bytesOf(const char (&literal)[N])
{
    return QByteArray(literal, N - 1);
}

// repr(bytes([b])) for b in range(256), printed once by python3 3.x and pasted: the oracle
// that pythonBytesLiteral() must match exactly.
const char *const pythonSingleByteRepr[256] = {
    "b'\\x00'", "b'\\x01'", "b'\\x02'", "b'\\x03'", "b'\\x04'", "b'\\x05'", "b'\\x06'", "b'\\x07'",
    "b'\\x08'", "b'\\t'",   "b'\\n'",   "b'\\x0b'", "b'\\x0c'", "b'\\r'",   "b'\\x0e'", "b'\\x0f'",
    "b'\\x10'", "b'\\x11'", "b'\\x12'", "b'\\x13'", "b'\\x14'", "b'\\x15'", "b'\\x16'", "b'\\x17'",
    "b'\\x18'", "b'\\x19'", "b'\\x1a'", "b'\\x1b'", "b'\\x1c'", "b'\\x1d'", "b'\\x1e'", "b'\\x1f'",
    "b' '",     "b'!'",     "b'\"'",    "b'#'",     "b'$'",     "b'%'",     "b'&'",     "b\"'\"",
    "b'('",     "b')'",     "b'*'",     "b'+'",     "b','",     "b'-'",     "b'.'",     "b'/'",
    "b'0'",     "b'1'",     "b'2'",     "b'3'",     "b'4'",     "b'5'",     "b'6'",     "b'7'",
    "b'8'",     "b'9'",     "b':'",     "b';'",     "b'<'",     "b'='",     "b'>'",     "b'?'",
    "b'@'",     "b'A'",     "b'B'",     "b'C'",     "b'D'",     "b'E'",     "b'F'",     "b'G'",
    "b'H'",     "b'I'",     "b'J'",     "b'K'",     "b'L'",     "b'M'",     "b'N'",     "b'O'",
    "b'P'",     "b'Q'",     "b'R'",     "b'S'",     "b'T'",     "b'U'",     "b'V'",     "b'W'",
    "b'X'",     "b'Y'",     "b'Z'",     "b'['",     "b'\\\\'",  "b']'",     "b'^'",     "b'_'",
    "b'`'",     "b'a'",     "b'b'",     "b'c'",     "b'd'",     "b'e'",     "b'f'",     "b'g'",
    "b'h'",     "b'i'",     "b'j'",     "b'k'",     "b'l'",     "b'm'",     "b'n'",     "b'o'",
    "b'p'",     "b'q'",     "b'r'",     "b's'",     "b't'",     "b'u'",     "b'v'",     "b'w'",
    "b'x'",     "b'y'",     "b'z'",     "b'{'",     "b'|'",     "b'}'",     "b'~'",     "b'\\x7f'",
    "b'\\x80'", "b'\\x81'", "b'\\x82'", "b'\\x83'", "b'\\x84'", "b'\\x85'", "b'\\x86'", "b'\\x87'",
    "b'\\x88'", "b'\\x89'", "b'\\x8a'", "b'\\x8b'", "b'\\x8c'", "b'\\x8d'", "b'\\x8e'", "b'\\x8f'",
    "b'\\x90'", "b'\\x91'", "b'\\x92'", "b'\\x93'", "b'\\x94'", "b'\\x95'", "b'\\x96'", "b'\\x97'",
    "b'\\x98'", "b'\\x99'", "b'\\x9a'", "b'\\x9b'", "b'\\x9c'", "b'\\x9d'", "b'\\x9e'", "b'\\x9f'",
    "b'\\xa0'", "b'\\xa1'", "b'\\xa2'", "b'\\xa3'", "b'\\xa4'", "b'\\xa5'", "b'\\xa6'", "b'\\xa7'",
    "b'\\xa8'", "b'\\xa9'", "b'\\xaa'", "b'\\xab'", "b'\\xac'", "b'\\xad'", "b'\\xae'", "b'\\xaf'",
    "b'\\xb0'", "b'\\xb1'", "b'\\xb2'", "b'\\xb3'", "b'\\xb4'", "b'\\xb5'", "b'\\xb6'", "b'\\xb7'",
    "b'\\xb8'", "b'\\xb9'", "b'\\xba'", "b'\\xbb'", "b'\\xbc'", "b'\\xbd'", "b'\\xbe'", "b'\\xbf'",
    "b'\\xc0'", "b'\\xc1'", "b'\\xc2'", "b'\\xc3'", "b'\\xc4'", "b'\\xc5'", "b'\\xc6'", "b'\\xc7'",
    "b'\\xc8'", "b'\\xc9'", "b'\\xca'", "b'\\xcb'", "b'\\xcc'", "b'\\xcd'", "b'\\xce'", "b'\\xcf'",
    "b'\\xd0'", "b'\\xd1'", "b'\\xd2'", "b'\\xd3'", "b'\\xd4'", "b'\\xd5'", "b'\\xd6'", "b'\\xd7'",
    "b'\\xd8'", "b'\\xd9'", "b'\\xda'", "b'\\xdb'", "b'\\xdc'", "b'\\xdd'", "b'\\xde'", "b'\\xdf'",
    "b'\\xe0'", "b'\\xe1'", "b'\\xe2'", "b'\\xe3'", "b'\\xe4'", "b'\\xe5'", "b'\\xe6'", "b'\\xe7'",
    "b'\\xe8'", "b'\\xe9'", "b'\\xea'", "b'\\xeb'", "b'\\xec'", "b'\\xed'", "b'\\xee'", "b'\\xef'",
    "b'\\xf0'", "b'\\xf1'", "b'\\xf2'", "b'\\xf3'", "b'\\xf4'", "b'\\xf5'", "b'\\xf6'", "b'\\xf7'",
    "b'\\xf8'", "b'\\xf9'", "b'\\xfa'", "b'\\xfb'", "b'\\xfc'", "b'\\xfd'", "b'\\xfe'", "b'\\xff'",
};

// python3 -c "print(repr(bytes(range(256))))", pasted.
const char pythonAllBytesRepr[]
    = "b'\\x00\\x01\\x02\\x03\\x04\\x05\\x06\\x07\\x08\\t\\n\\x0b\\x0c\\r\\x0e\\x0f\\x10\\x11"
      "\\x12\\x13\\x14\\x15\\x16\\x17\\x18\\x19\\x1a\\x1b\\x1c\\x1d\\x1e\\x1f !\"#$%&\\'()*+,"
      "-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\\\]^_`abcdefghijklmnopqrstuvwxyz{|}~\\"
      "x7f\\x80\\x81\\x82\\x83\\x84\\x85\\x86\\x87\\x88\\x89\\x8a\\x8b\\x8c\\x8d\\x8e\\x8f\\x"
      "90\\x91\\x92\\x93\\x94\\x95\\x96\\x97\\x98\\x99\\x9a\\x9b\\x9c\\x9d\\x9e\\x9f\\xa0\\xa"
      "1\\xa2\\xa3\\xa4\\xa5\\xa6\\xa7\\xa8\\xa9\\xaa\\xab\\xac\\xad\\xae\\xaf\\xb0\\xb1\\xb2"
      "\\xb3\\xb4\\xb5\\xb6\\xb7\\xb8\\xb9\\xba\\xbb\\xbc\\xbd\\xbe\\xbf\\xc0\\xc1\\xc2\\xc3\\"
      "xc4\\xc5\\xc6\\xc7\\xc8\\xc9\\xca\\xcb\\xcc\\xcd\\xce\\xcf\\xd0\\xd1\\xd2\\xd3\\xd4\\x"
      "d5\\xd6\\xd7\\xd8\\xd9\\xda\\xdb\\xdc\\xdd\\xde\\xdf\\xe0\\xe1\\xe2\\xe3\\xe4\\xe5\\xe"
      "6\\xe7\\xe8\\xe9\\xea\\xeb\\xec\\xed\\xee\\xef\\xf0\\xf1\\xf2\\xf3\\xf4\\xf5\\xf6\\xf7"
      "\\xf8\\xf9\\xfa\\xfb\\xfc\\xfd\\xfe\\xff'";

// Pieces for random payloads: plain text, every kind of escape, and UTF-8 that is whole,
// cut short or ill-formed, so a cut can land everywhere.
const char *const payloadPieces[] = {"a",
                                     "Hello",
                                     " ",
                                     "\n",
                                     "\r\n",
                                     "\t",
                                     "\\",
                                     "'",
                                     "\"",
                                     "\x1b[31m",
                                     "\x7f",
                                     "\xff",
                                     "\x80",
                                     "\xc3\xa9",
                                     "\xe2\x82\xac",
                                     "\xe2\x82",
                                     "\xf0\x9f\x98\x80",
                                     "\xf0\x9f",
                                     "\xe2\x80\xa8",
                                     "\xc2\x85"};

QByteArray randomPayload(QRandomGenerator &random)
{
    QByteArray payload;
    const int pieceCount = random.bounded(30);
    for (int i = 0; i < pieceCount; ++i)
        payload += payloadPieces[random.bounded(int(std::size(payloadPieces)))];
    return payload;
}

} // namespace

class tst_PayloadCodec : public QObject
{
    Q_OBJECT

private slots:
    void encode_data();
    void encode();
    void encodeError_data();
    void encodeError();
    void pythonBytesLiteral_data();
    void pythonBytesLiteral();
    void pythonBytesSingleByte_data();
    void pythonBytesSingleByte();
    void hexDump_data();
    void hexDump();
    void visibleText_data();
    void visibleText();
    void displayPayload_data();
    void displayPayload();
    void displayCut_data();
    void displayCut();
    void displayCutIsAPrefixAtABoundary_data();
    void displayCutIsAPrefixAtABoundary();
    void displayCutReadsOnlyTheStart_data();
    void displayCutReadsOnlyTheStart();
    void names();
    void fromName_data();
    void fromName();
};

void tst_PayloadCodec::encode_data()
{
    QTest::addColumn<QString>("input");
    QTest::addColumn<InputMode>("mode");
    QTest::addColumn<LineEnding>("ending");
    QTest::addColumn<QByteArray>("expected");

    const auto text = InputMode::Text;
    const auto hex = InputMode::Hex;
    const auto escapes = InputMode::Escapes;
    const auto none = LineEnding::None;

    QTest::newRow("text: ascii") << "Hello" << text << none << QByteArray("Hello");
    QTest::newRow("text: utf-8") << "héllo €" << text << none
                                 << bytesOf("h\xc3\xa9llo \xe2\x82\xac");
    QTest::newRow("text: emoji is one 4-byte sequence")
        << "😀" << text << none << bytesOf("\xf0\x9f\x98\x80");
    QTest::newRow("text: backslashes are not escapes")
        << "a\\nb" << text << none << QByteArray("a\\nb");
    QTest::newRow("text: typed newline kept") << "a\nb" << text << none << QByteArray("a\nb");
    QTest::newRow("text: empty") << "" << text << none << QByteArray();
    QTest::newRow("text: LF appended") << "hi" << text << LineEnding::Lf << QByteArray("hi\n");
    QTest::newRow("text: CRLF appended")
        << "hi" << text << LineEnding::CrLf << QByteArray("hi\r\n");
    QTest::newRow("text: empty with CRLF sends the line ending")
        << "" << text << LineEnding::CrLf << QByteArray("\r\n");

    QTest::newRow("hex: spaced lower case") << "48 65 6c" << hex << none << QByteArray("Hel");
    QTest::newRow("hex: packed") << "48656c" << hex << none << QByteArray("Hel");
    QTest::newRow("hex: packed pairs in several tokens")
        << "48656c 6c6f" << hex << none << QByteArray("Hello");
    QTest::newRow("hex: 0x and commas") << "0x48,0x65" << hex << none << QByteArray("He");
    QTest::newRow("hex: 0X upper case prefix") << "0X48 0x65" << hex << none << QByteArray("He");
    QTest::newRow("hex: colons") << "48:65:6c" << hex << none << QByteArray("Hel");
    QTest::newRow("hex: upper and lower case digits")
        << "4A 4b aB" << hex << none << bytesOf("\x4a\x4b\xab");
    QTest::newRow("hex: 0x with one digit")
        << "0x4 0xa 0x0" << hex << none << bytesOf("\x04\x0a\x00");
    QTest::newRow("hex: comma and space together")
        << "0x48, 0x65" << hex << none << QByteArray("He");
    QTest::newRow("hex: newlines tabs and CRLF lines")
        << "48\t65\r\n6c\n6c\n\n6f" << hex << none << QByteArray("Hello");
    QTest::newRow("hex: leading and trailing separators") << " \t,48 65:\n"
                                                          << hex << none << QByteArray("He");
    QTest::newRow("hex: no-break space from a web page separates")
        << "48\u00a065" << hex << none << QByteArray("He");
    QTest::newRow("hex: all byte values")
        << "00 7f 80 ff" << hex << none << bytesOf("\x00\x7f\x80\xff");
    QTest::newRow("hex: empty") << "" << hex << none << QByteArray();
    QTest::newRow("hex: only separators") << " ,:\n\t" << hex << none << QByteArray();
    QTest::newRow("hex: LF appended") << "48 69" << hex << LineEnding::Lf << QByteArray("Hi\n");
    QTest::newRow("hex: empty with LF sends the line ending")
        << "" << hex << LineEnding::Lf << QByteArray("\n");

    QTest::newRow("escapes: every escape")
        << "\\n\\r\\t\\\\\\0\\'\\\"" << escapes << none << bytesOf("\n\r\t\\\0'\"");
    QTest::newRow("escapes: \\xHH is a raw byte, not a code point")
        << "\\xff\\x00" << escapes << none << bytesOf("\xff\x00");
    QTest::newRow("escapes: \\xHH upper case digits")
        << "\\xAB\\xcD" << escapes << none << bytesOf("\xab\xcd");
    QTest::newRow("escapes: \\xHH then a hex digit is text")
        << "\\x414" << escapes << none << QByteArray("A4");
    QTest::newRow("escapes: text around is UTF-8")
        << "é\\x00€" << escapes << none << bytesOf("\xc3\xa9\x00\xe2\x82\xac");
    QTest::newRow("escapes: emoji between escapes")
        << "\\n😀\\n"
        << escapes << none << bytesOf("\n\xf0\x9f\x98\x80\n");
    QTest::newRow("escapes: \\0 then 8 is a zero byte and 8 (as in Python)")
        << "\\08" << escapes << none
        << bytesOf("\x00"
                   "8");
    QTest::newRow("escapes: HTTP request line")
        << "GET / HTTP/1.0\\r\\n\\r\\n"
        << escapes << none << QByteArray("GET / HTTP/1.0\r\n\r\n");
    QTest::newRow("escapes: no escape at all") << "plain" << escapes << none << QByteArray("plain");
    QTest::newRow("escapes: empty") << "" << escapes << none << QByteArray();
    QTest::newRow("escapes: CRLF appended after the escapes")
        << "a\\n"
        << escapes << LineEnding::CrLf << QByteArray("a\n\r\n");
}

void tst_PayloadCodec::encode()
{
    QFETCH(QString, input);
    QFETCH(InputMode, mode);
    QFETCH(LineEnding, ending);
    QFETCH(QByteArray, expected);

    const EncodeResult result = encodePayload(input, mode, ending);
    QVERIFY2(result.ok(), qPrintable(result.error));
    QCOMPARE(result.error, QString());
    QCOMPARE(result.errorPosition, -1);
    QCOMPARE(result.bytes, expected);
}

void tst_PayloadCodec::encodeError_data()
{
    QTest::addColumn<QString>("input");
    QTest::addColumn<InputMode>("mode");
    QTest::addColumn<QString>("error");
    QTest::addColumn<int>("position");

    const auto hex = InputMode::Hex;
    const auto escapes = InputMode::Escapes;
    const QString notHex = "is not a hex digit; use 0-9 and a-f, or choose Text mode to send text";
    const QString odd
        = "has an odd number of hex digits; write each byte as two digits (0a, not a)";
    const QString useEscapes = "; use \\n \\r \\t \\\\ \\0 \\xHH";
    const QString twoDigits = "needs exactly two hex digits, as in \\x0a";

    QTest::newRow("hex: letter beyond f")
        << "48 6g" << hex << QString("position 5: 'g' " + notHex) << 4;
    QTest::newRow("hex: text typed in hex mode")
        << "hello" << hex << QString("position 1: 'h' " + notHex) << 0;
    QTest::newRow("hex: odd digits") << "486" << hex << QString("position 1: '486' " + odd) << 0;
    QTest::newRow("hex: odd digits after good bytes")
        << "48 65 6" << hex << QString("position 7: '6' " + odd) << 6;
    QTest::newRow("hex: long odd token quoted short")
        << "0123456789abcdef012" << hex << QString("position 1: '0123456789abcde…' " + odd) << 0;
    QTest::newRow("hex: 0x without digits")
        << "48 0x" << hex << "position 4: '0x' has no hex digits after it" << 3;
    QTest::newRow("hex: 0X without digits before a comma")
        << "0X,48" << hex << "position 1: '0X' has no hex digits after it" << 0;
    QTest::newRow("hex: 0x with three digits is ambiguous")
        << "0x123" << hex
        << "position 1: '0x123' has more than two hex digits after 0x; write one 0x per byte "
           "(0x12 0x34)"
        << 0;
    QTest::newRow("hex: bad digit after 0x")
        << "0xg1" << hex << QString("position 3: 'g' " + notHex) << 2;
    QTest::newRow("hex: x without 0") << "x48" << hex << QString("position 1: 'x' " + notHex) << 0;
    QTest::newRow("hex: zero width space named by code point")
        << "48\u200b65" << hex << QString("position 3: '\u200b' (U+200B) " + notHex) << 2;
    QTest::newRow("hex: control character shown as a picture")
        << "48\x01"
           "65"
        << hex << QString("position 3: '␁' (U+0001) " + notHex) << 2;
    QTest::newRow("hex: emoji quoted whole")
        << "48 😀" << hex << QString("position 4: '😀' (U+1F600) " + notHex) << 3;
    QTest::newRow("hex: semicolon is no separator")
        << "48;65" << hex << QString("position 3: ';' " + notHex) << 2;

    QTest::newRow("escapes: unknown escape")
        << "abc\\q" << escapes << QString("position 4: unknown escape '\\q'" + useEscapes) << 3;
    QTest::newRow("escapes: Python's \\u is not supported")
        << "\\u00e9" << escapes << QString("position 1: unknown escape '\\u'" + useEscapes) << 0;
    QTest::newRow("escapes: position counts characters, not bytes")
        << "é\\a" << escapes << QString("position 2: unknown escape '\\a'" + useEscapes) << 1;
    QTest::newRow("escapes: backslash before a newline")
        << "a\\\nb" << escapes << QString("position 2: unknown escape '\\␊' (U+000A)" + useEscapes)
        << 1;
    QTest::newRow("escapes: lone trailing backslash")
        << "abc\\" << escapes << "position 4: lone '\\' at the end; write \\\\ for a backslash"
        << 3;
    QTest::newRow("escapes: \\x at the end")
        << "a\\x" << escapes << QString("position 2: '\\x' " + twoDigits) << 1;
    QTest::newRow("escapes: \\x with one digit at the end")
        << "\\x4" << escapes << QString("position 1: '\\x4' " + twoDigits) << 0;
    QTest::newRow("escapes: \\x with a bad second digit")
        << "\\x4g" << escapes << QString("position 1: '\\x4g' " + twoDigits) << 0;
    QTest::newRow("escapes: \\x with a bad first digit")
        << "\\xg4" << escapes << QString("position 1: '\\xg' " + twoDigits) << 0;
    QTest::newRow("escapes: \\x before a newline")
        << "\\x\n"
        << escapes << QString("position 1: '\\x␊' " + twoDigits) << 0;
    QTest::newRow("escapes: octal escape would mean something else in Python")
        << "\\012" << escapes
        << "position 1: '\\01' looks like an octal escape, which is not supported; use \\xHH "
           "(\\x00 is a zero byte)"
        << 0;
    QTest::newRow("escapes: error after good escapes gives no partial bytes")
        << "ok\\n\\q" << escapes << QString("position 5: unknown escape '\\q'" + useEscapes) << 4;
}

void tst_PayloadCodec::encodeError()
{
    QFETCH(QString, input);
    QFETCH(InputMode, mode);
    QFETCH(QString, error);
    QFETCH(int, position);

    for (const LineEnding ending : {LineEnding::None, LineEnding::CrLf}) {
        const EncodeResult result = encodePayload(input, mode, ending);
        QVERIFY(!result.ok());
        QCOMPARE(result.error, error);
        QCOMPARE(result.errorPosition, position);
        QVERIFY(result.bytes.isEmpty());
    }
}

void tst_PayloadCodec::pythonBytesLiteral_data()
{
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<QString>("expected");

    // Expected values printed by python3's repr().
    QTest::newRow("empty") << QByteArray() << "b''";
    QTest::newRow("plain") << QByteArray("Hello world!") << "b'Hello world!'";
    QTest::newRow("line endings") << QByteArray("<b>bold</b>\r\n") << "b'<b>bold</b>\\r\\n'";
    QTest::newRow("single quote only: double quotes") << QByteArray("it's") << "b\"it's\"";
    QTest::newRow("double quote only: single quotes")
        << QByteArray("say \"hi\"") << "b'say \"hi\"'";
    QTest::newRow("both quotes: single quotes, ' escaped")
        << QByteArray("it's \"x\"") << "b'it\\'s \"x\"'";
    QTest::newRow("just a single quote") << QByteArray("'") << "b\"'\"";
    QTest::newRow("just a double quote") << QByteArray("\"") << "b'\"'";
    QTest::newRow("backslash") << QByteArray("\\") << "b'\\\\'";
    QTest::newRow("ANSI colour") << QByteArray("\x1b[31mred\x1b[0m") << "b'\\x1b[31mred\\x1b[0m'";
    QTest::newRow("UTF-8 as bytes") << bytesOf("h\xc3\xa9llo") << "b'h\\xc3\\xa9llo'";
    QTest::newRow("all 256 byte values") << [] {
        QByteArray all(256, Qt::Uninitialized);
        for (int i = 0; i < 256; ++i)
            all[i] = char(i);
        return all;
    }() << QString::fromLatin1(pythonAllBytesRepr);
}

void tst_PayloadCodec::pythonBytesLiteral()
{
    QFETCH(QByteArray, bytes);
    QFETCH(QString, expected);

    QCOMPARE(::pythonBytesLiteral(bytes), expected);
    QCOMPARE(::displayPayload(bytes, DisplayMode::PythonBytes), expected);
}

void tst_PayloadCodec::pythonBytesSingleByte_data()
{
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<QString>("expected");

    for (int byte = 0; byte < 256; ++byte) {
        QTest::addRow("byte 0x%02x", byte)
            << QByteArray(1, char(byte)) << QString::fromLatin1(pythonSingleByteRepr[byte]);
    }
}

void tst_PayloadCodec::pythonBytesSingleByte()
{
    QFETCH(QByteArray, bytes);
    QFETCH(QString, expected);

    QCOMPARE(::pythonBytesLiteral(bytes), expected);
}

void tst_PayloadCodec::hexDump_data()
{
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<QString>("expected");

    QTest::newRow("empty") << QByteArray() << "";
    QTest::newRow("one byte") << QByteArray("H") << "48";
    QTest::newRow("lower case, space separated") << QByteArray("Hel\xff") << "48 65 6c ff";
    QTest::newRow("zero and high bytes") << bytesOf("\x00\x7f\x80") << "00 7f 80";
}

void tst_PayloadCodec::hexDump()
{
    QFETCH(QByteArray, bytes);
    QFETCH(QString, expected);

    QCOMPARE(::hexDump(bytes), expected);
    QCOMPARE(::displayPayload(bytes, DisplayMode::Hex), expected);
}

void tst_PayloadCodec::visibleText_data()
{
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<QString>("expected");

    QTest::newRow("empty") << QByteArray() << "";
    QTest::newRow("ascii with spaces") << QByteArray("Hello world!") << "Hello world!";
    QTest::newRow("utf-8") << bytesOf("h\xc3\xa9llo \xe2\x82\xac") << "héllo €";
    QTest::newRow("emoji") << bytesOf("\xf0\x9f\x98\x80") << "😀";
    QTest::newRow("emoji joined by zero width joiners stays whole")
        << bytesOf("\xf0\x9f\x91\xa9\xe2\x80\x8d\xf0\x9f\x92\xbb") << "👩‍💻";
    QTest::newRow("highest code point") << bytesOf("\xf4\x8f\xbf\xbf") << "\U0010ffff";
    QTest::newRow("CRLF as pictures") << QByteArray("hi\r\n") << "hi␍␊";
    QTest::newRow("tab") << QByteArray("a\tb") << "a␉b";
    QTest::newRow("NUL") << bytesOf("a\x00"
                                    "b")
                         << "a␀b";
    QTest::newRow("unit separator 0x1f") << bytesOf("\x1f") << "␟";
    QTest::newRow("DEL") << bytesOf("\x7f") << "␡";
    QTest::newRow("ANSI escape shown, not obeyed")
        << QByteArray("\x1b[31mred\x1b[0m") << "␛[31mred␛[0m";
    QTest::newRow("HTML shown, not rendered")
        << QByteArray("<b>bold</b> &amp;") << "<b>bold</b> &amp;";
    QTest::newRow("backslash kept") << QByteArray("C:\\temp") << "C:\\temp";
    QTest::newRow("invalid byte") << bytesOf("a\xff"
                                             "b")
                                  << "a\\xffb";
    QTest::newRow("lone continuation byte") << bytesOf("\x80") << "\\x80";
    QTest::newRow("cut sequence at the end") << bytesOf("\xf0\x9f\x98") << "\\xf0\\x9f\\x98";
    QTest::newRow("cut sequence before ascii") << bytesOf("\xe2\x82"
                                                          "A")
                                               << "\\xe2\\x82A";
    QTest::newRow("overlong 2-byte form") << bytesOf("\xc0\xaf") << "\\xc0\\xaf";
    QTest::newRow("overlong 3-byte form") << bytesOf("\xe0\x80\xaf") << "\\xe0\\x80\\xaf";
    QTest::newRow("surrogate") << bytesOf("\xed\xa0\x80") << "\\xed\\xa0\\x80";
    QTest::newRow("beyond U+10FFFF") << bytesOf("\xf4\x90\x80\x80") << "\\xf4\\x90\\x80\\x80";
    QTest::newRow("F5 lead byte") << bytesOf("\xf5\x80") << "\\xf5\\x80";
    QTest::newRow("Latin-1 text is invalid UTF-8") << bytesOf("caf\xe9") << "caf\\xe9";
    QTest::newRow("C1 control NEL") << bytesOf("a\xc2\x85"
                                               "b")
                                    << "a\\u0085b";
    QTest::newRow("line separator would break the cell") << bytesOf("a\xe2\x80\xa8"
                                                                    "b")
                                                         << "a\\u2028b";
    QTest::newRow("right-to-left override would reorder the text") << bytesOf("abc\xe2\x80\xae"
                                                                              "def")
                                                                   << "abc\\u202edef";
    QTest::newRow("byte order mark") << bytesOf("\xef\xbb\xbfhi") << "\\ufeffhi";
    QTest::newRow("zero width space") << bytesOf("a\xe2\x80\x8b"
                                                 "b")
                                      << "a\\u200bb";
}

void tst_PayloadCodec::visibleText()
{
    QFETCH(QByteArray, bytes);
    QFETCH(QString, expected);

    QCOMPARE(::visibleText(bytes), expected);
    QCOMPARE(::displayPayload(bytes, DisplayMode::Text), expected);
}

void tst_PayloadCodec::displayPayload_data()
{
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<DisplayMode>("mode");
    QTest::addColumn<int>("maxChars");
    QTest::addColumn<QString>("expected");

    const QByteArray hello("Hi\r\n");
    QTest::newRow("text") << hello << DisplayMode::Text << -1 << "Hi␍␊";
    QTest::newRow("hex") << hello << DisplayMode::Hex << -1 << "48 69 0d 0a";
    QTest::newRow("python") << hello << DisplayMode::PythonBytes << -1 << "b'Hi\\r\\n'";
    QTest::newRow("text, fits") << hello << DisplayMode::Text << 100 << "Hi␍␊";
    QTest::newRow("hex, fits") << hello << DisplayMode::Hex << 100 << "48 69 0d 0a";
    QTest::newRow("python, fits") << hello << DisplayMode::PythonBytes << 100 << "b'Hi\\r\\n'";
}

void tst_PayloadCodec::displayPayload()
{
    QFETCH(QByteArray, bytes);
    QFETCH(DisplayMode, mode);
    QFETCH(int, maxChars);
    QFETCH(QString, expected);

    QCOMPARE(::displayPayload(bytes, mode, maxChars), expected);
    if (maxChars < 0)
        QCOMPARE(::displayPayload(bytes, mode), expected);
}

void tst_PayloadCodec::displayCut_data()
{
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<DisplayMode>("mode");
    QTest::addColumn<int>("maxChars");
    QTest::addColumn<QString>("expected");

    const auto text = DisplayMode::Text;
    const auto hex = DisplayMode::Hex;
    const auto python = DisplayMode::PythonBytes;

    QTest::newRow("hex: exactly fits") << QByteArray("Hel") << hex << 8 << "48 65 6c";
    QTest::newRow("hex: one short, cut without a trailing space")
        << QByteArray("Hel") << hex << 7 << "48 65…";
    QTest::newRow("hex: ellipsis needs room of its own") << QByteArray("Hel") << hex << 5 << "48…";
    QTest::newRow("hex: nothing fits") << QByteArray("Hel") << hex << 2 << "…";
    QTest::newRow("hex: empty at zero") << QByteArray() << hex << 0 << "";
    QTest::newRow("python: exactly fits") << QByteArray("Hello") << python << 8 << "b'Hello'";
    QTest::newRow("python: closing quote must fit too")
        << QByteArray("Hello") << python << 7 << "b'Hell…";
    QTest::newRow("python: escape never split") << bytesOf("\x00\x01") << python << 9 << "b'\\x00…";
    QTest::newRow("python: two-character escape never split")
        << QByteArray("a\r\n") << python << 5 << "b'a…";
    QTest::newRow("python: empty fits in three") << QByteArray() << python << 3 << "b''";
    QTest::newRow("python: opening never split") << QByteArray("Hello") << python << 2 << "…";
    QTest::newRow("python: quotes from the shown part when cut")
        << QByteArray("it'saaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"") << python << 10
        << "b\"it'saaa…";
    QTest::newRow("text: exactly fits") << QByteArray("Hello") << text << 5 << "Hello";
    QTest::newRow("text: cut") << QByteArray("Hello") << text << 4 << "Hel…";
    QTest::newRow("text: surrogate pair never split") << bytesOf("a\xf0\x9f\x98\x80"
                                                                 "b")
                                                      << text << 3 << "a…";
    QTest::newRow("text: invalid byte escape never split")
        << bytesOf("\xff\xfe") << text << 6 << "\\xff…";
    QTest::newRow("text: hidden character escape never split") << bytesOf("a\xe2\x80\xa8"
                                                                          "b")
                                                               << text << 7 << "a…";
    QTest::newRow("text: zero and non-empty") << QByteArray("Hello") << text << 0 << "…";
    QTest::newRow("text: negative means no limit") << QByteArray("Hello") << text << -1 << "Hello";
}

void tst_PayloadCodec::displayCut()
{
    QFETCH(QByteArray, bytes);
    QFETCH(DisplayMode, mode);
    QFETCH(int, maxChars);
    QFETCH(QString, expected);

    QCOMPARE(::displayPayload(bytes, mode, maxChars), expected);
}

void tst_PayloadCodec::displayCutIsAPrefixAtABoundary_data()
{
    QTest::addColumn<DisplayMode>("mode");

    QTest::newRow("text") << DisplayMode::Text;
    QTest::newRow("hex") << DisplayMode::Hex;
    QTest::newRow("python") << DisplayMode::PythonBytes;
}

// For random payloads and every limit: the cut text is what the first k bytes would show by
// themselves (so no escape or character was split), and nothing is cut that would fit.
void tst_PayloadCodec::displayCutIsAPrefixAtABoundary()
{
    QFETCH(DisplayMode, mode);

    QRandomGenerator random(20261124); // fixed: a failure must be reproducible
    for (int round = 0; round < 300; ++round) {
        QByteArray payload = randomPayload(random);
        // A leading '"' keeps Python's quote choice the same for every prefix, so that
        // pythonBytesLiteral(prefix) is comparable; quote choice has rows of its own.
        if (mode == DisplayMode::PythonBytes)
            payload.prepend('"');
        const QString full = ::displayPayload(payload, mode);
        for (int maxChars = 0; maxChars <= 40; ++maxChars) {
            const QString shown = ::displayPayload(payload, mode, maxChars);
            const QByteArray context = "payload " + payload.toHex(' ') + ", maxChars "
                                       + QByteArray::number(maxChars) + ": " + shown.toUtf8();
            if (full.size() <= maxChars) {
                QVERIFY2(shown == full, context.constData());
                continue;
            }
            QVERIFY2(shown.size() <= qMax(maxChars, 1), context.constData());
            QVERIFY2(shown.endsWith(u'…'), context.constData());
            const QString cut = shown.chopped(1);
            bool atBoundary = false;
            for (qsizetype k = 0; k <= payload.size() && !atBoundary; ++k) {
                QString whole = ::displayPayload(payload.left(k), mode);
                if (mode == DisplayMode::PythonBytes)
                    whole.chop(1); // the closing quote
                atBoundary = whole == cut || (cut.isEmpty() && k == 0);
            }
            QVERIFY2(atBoundary, context.constData());
        }
    }
}

void tst_PayloadCodec::displayCutReadsOnlyTheStart_data()
{
    QTest::addColumn<DisplayMode>("mode");
    QTest::addColumn<QByteArray>("pattern");

    QTest::newRow("text, ascii") << DisplayMode::Text << QByteArray("Hello ");
    QTest::newRow("text, emoji") << DisplayMode::Text << bytesOf("\xf0\x9f\x98\x80");
    QTest::newRow("text, invalid bytes") << DisplayMode::Text << bytesOf("\xff");
    QTest::newRow("hex") << DisplayMode::Hex << QByteArray("Hello ");
    QTest::newRow("python, plain") << DisplayMode::PythonBytes << QByteArray("Hello ");
    QTest::newRow("python, quotes") << DisplayMode::PythonBytes << QByteArray("it's ");
}

// A 16 MiB read shown with maxChars 200 must cost only the first few hundred bytes. The
// payload's memory beyond its first page cannot be read at all: touching it crashes the test.
void tst_PayloadCodec::displayCutReadsOnlyTheStart()
{
#ifdef Q_OS_UNIX
    QFETCH(DisplayMode, mode);
    QFETCH(QByteArray, pattern);

    constexpr qsizetype payloadSize = 16 * 1024 * 1024;
    const auto pageSize = qsizetype(sysconf(_SC_PAGESIZE));
    void *memory
        = mmap(nullptr, payloadSize, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    QVERIFY(memory != MAP_FAILED);
    const auto unmap = qScopeGuard([memory] { munmap(memory, payloadSize); });
    auto data = static_cast<char *>(memory);
    for (qsizetype i = 0; i < pageSize; ++i)
        data[i] = pattern.at(i % pattern.size());
    QCOMPARE(mprotect(data + pageSize, payloadSize - pageSize, PROT_NONE), 0);

    const QByteArray payload = QByteArray::fromRawData(data, payloadSize);
    const QString shown = ::displayPayload(payload, mode, 200);
    QVERIFY(shown.size() <= 200);
    QVERIFY(shown.size() >= 190);
    QVERIFY(shown.endsWith(u'…'));
#else
    QSKIP("needs mmap() to make the rest of the payload unreadable");
#endif
}

void tst_PayloadCodec::names()
{
    QCOMPARE(inputModeName(InputMode::Text), "Text");
    QCOMPARE(inputModeName(InputMode::Hex), "Hex");
    QCOMPARE(inputModeName(InputMode::Escapes), "Escapes");
    QCOMPARE(lineEndingName(LineEnding::None), "None");
    QCOMPARE(lineEndingName(LineEnding::Lf), "LF");
    QCOMPARE(lineEndingName(LineEnding::CrLf), "CRLF");
    QCOMPARE(displayModeName(DisplayMode::Text), "Text");
    QCOMPARE(displayModeName(DisplayMode::Hex), "Hex");
    QCOMPARE(displayModeName(DisplayMode::PythonBytes), "Python bytes");

    QCOMPARE(inputModeKey(InputMode::Text), "text");
    QCOMPARE(inputModeKey(InputMode::Hex), "hex");
    QCOMPARE(inputModeKey(InputMode::Escapes), "escapes");
    QCOMPARE(lineEndingKey(LineEnding::None), "none");
    QCOMPARE(lineEndingKey(LineEnding::Lf), "lf");
    QCOMPARE(lineEndingKey(LineEnding::CrLf), "crlf");
    QCOMPARE(displayModeKey(DisplayMode::Text), "text");
    QCOMPARE(displayModeKey(DisplayMode::Hex), "hex");
    QCOMPARE(displayModeKey(DisplayMode::PythonBytes), "python");
}

void tst_PayloadCodec::fromName_data()
{
    QTest::addColumn<QString>("name");
    // -1: not a name of that kind
    QTest::addColumn<int>("inputMode");
    QTest::addColumn<int>("lineEnding");
    QTest::addColumn<int>("displayMode");

    QTest::newRow("text key") << "text" << int(InputMode::Text) << -1 << int(DisplayMode::Text);
    QTest::newRow("hex key") << "hex" << int(InputMode::Hex) << -1 << int(DisplayMode::Hex);
    QTest::newRow("escapes key") << "escapes" << int(InputMode::Escapes) << -1 << -1;
    QTest::newRow("none key") << "none" << -1 << int(LineEnding::None) << -1;
    QTest::newRow("lf key") << "lf" << -1 << int(LineEnding::Lf) << -1;
    QTest::newRow("crlf key") << "crlf" << -1 << int(LineEnding::CrLf) << -1;
    QTest::newRow("python key") << "python" << -1 << -1 << int(DisplayMode::PythonBytes);
    QTest::newRow("English name") << "Python bytes" << -1 << -1 << int(DisplayMode::PythonBytes);
    QTest::newRow("case does not matter") << "CrLf" << -1 << int(LineEnding::CrLf) << -1;
    QTest::newRow("empty") << "" << -1 << -1 << -1;
    QTest::newRow("unknown") << "base64" << -1 << -1 << -1;
    QTest::newRow("no trimming") << " hex" << -1 << -1 << -1;
}

void tst_PayloadCodec::fromName()
{
    QFETCH(QString, name);
    QFETCH(int, inputMode);
    QFETCH(int, lineEnding);
    QFETCH(int, displayMode);

    const std::optional<InputMode> input = inputModeFromName(name);
    QCOMPARE(input.has_value(), inputMode >= 0);
    if (input)
        QCOMPARE(int(*input), inputMode);
    const std::optional<LineEnding> ending = lineEndingFromName(name);
    QCOMPARE(ending.has_value(), lineEnding >= 0);
    if (ending)
        QCOMPARE(int(*ending), lineEnding);
    const std::optional<DisplayMode> display = displayModeFromName(name);
    QCOMPARE(display.has_value(), displayMode >= 0);
    if (display)
        QCOMPARE(int(*display), displayMode);

    // Every key and name reads back as what wrote it.
    for (const InputMode mode : {InputMode::Text, InputMode::Hex, InputMode::Escapes}) {
        QCOMPARE(inputModeFromName(inputModeKey(mode)), mode);
        QCOMPARE(inputModeFromName(inputModeName(mode)), mode);
    }
    for (const LineEnding each : {LineEnding::None, LineEnding::Lf, LineEnding::CrLf}) {
        QCOMPARE(lineEndingFromName(lineEndingKey(each)), each);
        QCOMPARE(lineEndingFromName(lineEndingName(each)), each);
    }
    for (const DisplayMode mode : {DisplayMode::Text, DisplayMode::Hex, DisplayMode::PythonBytes}) {
        QCOMPARE(displayModeFromName(displayModeKey(mode)), mode);
        QCOMPARE(displayModeFromName(displayModeName(mode)), mode);
    }
}

QTEST_GUILESS_MAIN(tst_PayloadCodec)
#include "tst_payloadcodec.moc"

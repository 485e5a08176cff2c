#include "endpointspec.h"

#include <QCoreApplication>
#include <QHostAddress>
#include <QStringList>

#include <array>

namespace {

// Messages are built from fragments ("invalid port '70000'" + "must be 0-65535") because the
// same host:port check serves the endpoint itself, to= and the UI's fields. Every argument
// is passed in one multi-argument arg() call: a quoted spec may contain "%2" or "%0A", and
// chained arg() calls would substitute into it.

// How a host:port is checked and explained where it appears.
enum class PortRule : quint8 {
    BindAny,     // tcp-listen, udp: 0 = any free port
    Client,      // tcp: a client must name a real port
    Destination, // to= and UI destinations: a real port too
};

struct HostPortContext
{
    PortRule portRule;
    QString form;   // "tcp://HOST:PORT": what "write it as ..." shows
    QString prefix; // "tcp://": goes before a bracketed IPv6 example
};

// What is wrong with a host:port: the bad part and what to do about it.
struct Problem
{
    QString what;
    QString why;
};

// Line breaks would split the one-line message; C0/C1 controls could mess up a terminal.
bool isControl(char16_t c)
{
    return c < 0x20 || (c >= 0x7f && c <= 0x9f) || c == 0x2028 || c == 0x2029;
}

// The text with control characters written as escapes, so it can be quoted in one line.
QString printable(QStringView text)
{
    QString out;
    out.reserve(text.size());
    for (const QChar c : text) {
        const char16_t u = c.unicode();
        if (!isControl(u)) {
            out += c;
        } else if (u == '\n') {
            out += QLatin1String("\\n");
        } else if (u == '\r') {
            out += QLatin1String("\\r");
        } else if (u == '\t') {
            out += QLatin1String("\\t");
        } else if (u < 0x100) {
            out += QLatin1String("\\x") + QString::number(u, 16).rightJustified(2, u'0').toUpper();
        } else {
            out += QLatin1String("\\u") + QString::number(u, 16).rightJustified(4, u'0').toUpper();
        }
    }
    return out;
}

int hexValue(QChar c)
{
    const char16_t u = c.unicode();
    if (u >= '0' && u <= '9')
        return u - '0';
    if (u >= 'a' && u <= 'f')
        return u - 'a' + 10;
    if (u >= 'A' && u <= 'F')
        return u - 'A' + 10;
    return -1;
}

bool isAsciiLetterOrDigit(char16_t u)
{
    return (u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') || (u >= '0' && u <= '9');
}

bool isAsciiDigits(QStringView text)
{
    if (text.isEmpty())
        return false;
    for (const QChar c : text) {
        if (c.unicode() < '0' || c.unicode() > '9')
            return false;
    }
    return true;
}

// RFC 3986's unreserved characters stay as they are; every other byte becomes %XX, so the
// text survives a shell, a URL bar and our own '&' and '=' splitting. alsoSafe lists
// characters that are unambiguous where the value goes (':' '[' ']' in to=HOST:PORT).
QString percentEncode(const QByteArray &bytes, QLatin1String alsoSafe = QLatin1String())
{
    static constexpr char hexDigits[] = "0123456789ABCDEF";
    QString out;
    out.reserve(bytes.size());
    for (const char byte : bytes) {
        const auto u = static_cast<unsigned char>(byte);
        if (isAsciiLetterOrDigit(u) || u == '-' || u == '.' || u == '_' || u == '~'
            || (u < 0x80 && alsoSafe.contains(QLatin1Char(byte)))) {
            out += QLatin1Char(byte);
        } else {
            out += QLatin1Char('%');
            out += QLatin1Char(hexDigits[u >> 4]);
            out += QLatin1Char(hexDigits[u & 0xf]);
        }
    }
    return out;
}

// Strict on purpose: QUrl and QByteArray::fromPercentEncoding() pass "%zz" through, which
// would send bytes nobody typed. Characters other than %XX are taken as UTF-8 ('+' stays
// '+'). On a bad escape, *badEscape is the '%' and up to two characters after it.
bool percentDecode(QStringView text, QByteArray *bytes, QString *badEscape)
{
    QByteArray out;
    qsizetype runStart = 0;
    qsizetype i = 0;
    while (i < text.size()) {
        if (text.at(i) != u'%') {
            ++i;
            continue;
        }
        out += text.mid(runStart, i - runStart).toUtf8();
        const int high = i + 1 < text.size() ? hexValue(text.at(i + 1)) : -1;
        const int low = i + 2 < text.size() ? hexValue(text.at(i + 2)) : -1;
        if (high < 0 || low < 0) {
            *badEscape = text.mid(i, 3).toString();
            return false;
        }
        out += char(high * 16 + low);
        i += 3;
        runStart = i;
    }
    out += text.mid(runStart).toUtf8();
    *bytes = out;
    return true;
}

// Decimal digits only (no sign, no white space), at most 65535; leading zeros are harmless.
std::optional<quint16> parsePortNumber(QStringView text)
{
    if (!isAsciiDigits(text))
        return std::nullopt;
    int value = 0;
    for (const QChar c : text) {
        value = value * 10 + (c.unicode() - '0');
        if (value > 65535)
            return std::nullopt;
    }
    return quint16(value);
}

// Dotted quad only. QHostAddress also takes inet_aton() forms ("127.1", octal "010.0.0.1"
// = 8.0.0.1), which would bind or connect somewhere other than what the student read.
bool isStrictIpv4(QStringView text)
{
    const QList<QStringView> parts = text.split(u'.');
    if (parts.size() != 4)
        return false;
    for (const QStringView part : parts) {
        if (!isAsciiDigits(part) || part.size() > 3 || (part.size() > 1 && part.front() == u'0'))
            return false;
        if (part.toInt() > 255)
            return false;
    }
    return true;
}

// An IPv6 address, optionally with a scope ("fe80::1%eth0"). The character check comes
// first because QHostAddress trims white space and accepts an empty scope ("::1%").
bool isIpv6Literal(QStringView text)
{
    const qsizetype percent = text.indexOf(u'%');
    const QStringView address = percent < 0 ? text : text.left(percent);
    if (address.isEmpty())
        return false;
    for (const QChar c : address) {
        if (hexValue(c) < 0 && c != u':' && c != u'.')
            return false;
    }
    if (percent >= 0) {
        const QStringView scope = text.mid(percent + 1);
        if (scope.isEmpty())
            return false;
        for (const QChar c : scope) {
            if (!isAsciiLetterOrDigit(c.unicode()) && c != u'-' && c != u'_' && c != u'.')
                return false;
        }
    }
    QHostAddress parsed;
    return parsed.setAddress(text.toString()) && parsed.protocol() == QAbstractSocket::IPv6Protocol;
}

QString invalidAddress(QStringView text)
{
    return QCoreApplication::translate("EndpointSpec", "invalid address '%1'").arg(printable(text));
}

QString invalidPort(QStringView text)
{
    return QCoreApplication::translate("EndpointSpec", "invalid port '%1'").arg(printable(text));
}

QString portRangeHint(PortRule rule)
{
    if (rule == PortRule::Destination)
        return QCoreApplication::translate("EndpointSpec", "must be 1-65535");
    return QCoreApplication::translate("EndpointSpec", "must be 0-65535");
}

Problem missingAddress(const HostPortContext &context)
{
    const QString what = QCoreApplication::translate("EndpointSpec", "missing address");
    if (context.portRule == PortRule::BindAny) {
        return {what,
                QCoreApplication::translate("EndpointSpec",
                                            "write it as %1; 0.0.0.0 means all interfaces")
                    .arg(context.form)};
    }
    return {what, QCoreApplication::translate("EndpointSpec", "write it as %1").arg(context.form)};
}

Problem missingPort(const HostPortContext &context)
{
    return {QCoreApplication::translate("EndpointSpec", "missing port"),
            QCoreApplication::translate("EndpointSpec", "write it as %1").arg(context.form)};
}

// A host name is only checked for syntax (RFC 1123 labels); whether it exists is a
// run-time question for the lookup, which the tests here must never make.
std::optional<Problem> hostProblem(const QString &host)
{
    bool digitsAndDots = true;
    for (const QChar c : host) {
        if (c != u'.' && (c.unicode() < '0' || c.unicode() > '9'))
            digitsAndDots = false;
    }
    if (digitsAndDots) {
        if (isStrictIpv4(host))
            return std::nullopt;
        return Problem{invalidAddress(host),
                       QCoreApplication::translate("EndpointSpec",
                                                   "an IPv4 address is four numbers from 0 to "
                                                   "255 without leading zeros, as in 127.0.0.1")};
    }

    const QString what = QCoreApplication::translate("EndpointSpec", "invalid host name '%1'")
                             .arg(printable(host));
    if (host.size() > 253) {
        return Problem{what,
                       QCoreApplication::translate("EndpointSpec",
                                                   "a host name has at most 253 characters")};
    }
    for (qsizetype i = 0; i < host.size(); ++i) {
        const QChar c = host.at(i);
        if (isAsciiLetterOrDigit(c.unicode()) || c == u'-' || c == u'.')
            continue;
        // Keep a surrogate pair whole so the quoted character is not half an emoji.
        const qsizetype length = c.isHighSurrogate() && i + 1 < host.size()
                                         && host.at(i + 1).isLowSurrogate()
                                     ? 2
                                     : 1;
        return Problem{what,
                       QCoreApplication::translate("EndpointSpec",
                                                   "'%1' is not allowed: use letters, digits, "
                                                   "hyphens and dots")
                           .arg(printable(QStringView(host).mid(i, length)))};
    }
    const QList<QStringView> labels = QStringView(host).split(u'.');
    for (const QStringView label : labels) {
        if (label.isEmpty() || label.size() > 63) {
            return Problem{what,
                           QCoreApplication::translate("EndpointSpec",
                                                       "each part between dots must be 1-63 "
                                                       "characters")};
        }
        if (label.front() == u'-' || label.back() == u'-') {
            return Problem{what,
                           QCoreApplication::translate("EndpointSpec",
                                                       "a part between dots cannot start or end "
                                                       "with '-'")};
        }
    }
    if (isAsciiDigits(labels.constLast())) {
        return Problem{what,
                       QCoreApplication::translate("EndpointSpec",
                                                   "the last part cannot be all digits")};
    }
    return std::nullopt;
}

// "::1:80" without brackets: guess what was meant so the hint shows the fixed text.
Problem unbracketedIpv6(const QString &text, const HostPortContext &context)
{
    const qsizetype lastColon = text.lastIndexOf(u':');
    const QString head = text.left(lastColon);
    const QString tail = text.mid(lastColon + 1);
    const QString port = QStringLiteral("PORT");
    if (isIpv6Literal(head) && (tail.isEmpty() || parsePortNumber(tail))) {
        return {invalidAddress(head),
                QCoreApplication::translate("EndpointSpec",
                                            "put an IPv6 address in brackets, as in %1[%2]:%3")
                    .arg(context.prefix, printable(head), tail.isEmpty() ? port : tail)};
    }
    if (isIpv6Literal(text)) {
        return {invalidAddress(text),
                QCoreApplication::translate("EndpointSpec",
                                            "put an IPv6 address in brackets, as in %1[%2]:%3")
                    .arg(context.prefix, printable(text), port)};
    }
    return {invalidAddress(text),
            QCoreApplication::translate("EndpointSpec",
                                        "write HOST:PORT with one ':', and an IPv6 address in "
                                        "brackets, as in %1[::1]:PORT")
                .arg(context.prefix)};
}

std::optional<HostPort> parseHostPortText(const QString &text,
                                          const HostPortContext &context,
                                          Problem *problem)
{
    const auto fail = [problem](Problem found) {
        *problem = std::move(found);
        return std::nullopt;
    };

    if (text.isEmpty())
        return fail(missingAddress(context));

    QString host;
    QString portText;
    if (text.startsWith(u'[')) {
        const qsizetype close = text.indexOf(u']');
        if (close < 0) {
            return fail({invalidAddress(text),
                         QCoreApplication::translate("EndpointSpec",
                                                     "close the IPv6 address with ']', as in "
                                                     "%1[::1]:PORT")
                             .arg(context.prefix)});
        }
        const QString bracketed = text.left(close + 1);
        host = text.mid(1, close - 1);
        if (!isIpv6Literal(host)) {
            if (isStrictIpv4(host)) {
                return fail({invalidAddress(bracketed),
                             QCoreApplication::translate("EndpointSpec",
                                                         "brackets are only for IPv6 addresses; "
                                                         "write %1 without them")
                                 .arg(host)});
            }
            return fail({invalidAddress(bracketed),
                         QCoreApplication::translate("EndpointSpec",
                                                     "brackets hold an IPv6 address, as in "
                                                     "[::1]")});
        }
        const QString rest = text.mid(close + 1);
        if (rest.isEmpty())
            return fail(missingPort(context));
        if (!rest.startsWith(u':')) {
            return fail({QCoreApplication::translate("EndpointSpec", "unexpected '%1' after '%2'")
                             .arg(printable(rest), bracketed),
                         QCoreApplication::translate("EndpointSpec",
                                                     "write the port after a ':', as in "
                                                     "%1%2:PORT")
                             .arg(context.prefix, bracketed)});
        }
        portText = rest.mid(1);
    } else {
        const qsizetype colons = text.count(u':');
        if (colons > 1)
            return fail(unbracketedIpv6(text, context));
        const qsizetype colon = text.indexOf(u':');
        host = colon < 0 ? text : text.left(colon);
        if (host.isEmpty())
            return fail(missingAddress(context));
        if (const std::optional<Problem> found = hostProblem(host))
            return fail(*found);
        if (colon < 0)
            return fail(missingPort(context));
        portText = text.mid(colon + 1);
    }

    if (portText.isEmpty())
        return fail(missingPort(context));
    const std::optional<quint16> port = parsePortNumber(portText);
    if (!port)
        return fail({invalidPort(portText), portRangeHint(context.portRule)});
    if (*port == 0 && context.portRule == PortRule::Client) {
        return fail({invalidPort(portText),
                     QCoreApplication::translate("EndpointSpec",
                                                 "a client must connect to a port from 1 to "
                                                 "65535")});
    }
    if (*port == 0 && context.portRule == PortRule::Destination)
        return fail({invalidPort(portText), portRangeHint(context.portRule)});
    return HostPort{host, *port};
}

enum class Option : quint8 { Echo, Greeting, Send, To, Recv };
constexpr int OptionCount = 5;

std::optional<Option> optionFromName(QStringView name)
{
    if (name == u"echo")
        return Option::Echo;
    if (name == u"greeting")
        return Option::Greeting;
    if (name == u"send")
        return Option::Send;
    if (name == u"to")
        return Option::To;
    if (name == u"recv")
        return Option::Recv;
    return std::nullopt;
}

bool optionAllowed(Option option, SessionKind kind)
{
    switch (option) {
    case Option::Echo:
    case Option::Recv:
        return true;
    case Option::Greeting:
        return kind == SessionKind::TcpServer;
    case Option::Send:
        return kind != SessionKind::TcpServer;
    case Option::To:
        return kind == SessionKind::Udp;
    }
    Q_UNREACHABLE();
    return false;
}

// How an option with a value is written, for "missing value" hints.
QString optionForm(Option option)
{
    switch (option) {
    case Option::Echo:
        return QStringLiteral("echo");
    case Option::Greeting:
        return QStringLiteral("greeting=TEXT");
    case Option::Send:
        return QStringLiteral("send=TEXT");
    case Option::To:
        return QStringLiteral("to=HOST:PORT");
    case Option::Recv:
        return QStringLiteral("recv=N");
    }
    Q_UNREACHABLE();
    return QString();
}

QString scheme(SessionKind kind)
{
    return sessionKindName(kind) + QLatin1String("://");
}

QString endpointForm(SessionKind kind)
{
    if (kind == SessionKind::TcpClient)
        return scheme(kind) + QLatin1String("HOST:PORT");
    return scheme(kind) + QLatin1String("ADDR:PORT");
}

// The options a kind takes, for errors about options it does not take.
QString optionsHint(SessionKind kind)
{
    switch (kind) {
    case SessionKind::TcpServer:
        return QCoreApplication::translate("EndpointSpec",
                                           "tcp-listen:// takes echo, greeting=TEXT and recv=N");
    case SessionKind::TcpClient:
        return QCoreApplication::translate("EndpointSpec",
                                           "tcp:// takes echo, send=TEXT and recv=N");
    case SessionKind::Udp:
        return QCoreApplication::translate("EndpointSpec",
                                           "udp:// takes echo, send=TEXT, to=HOST:PORT and "
                                           "recv=N");
    }
    Q_UNREACHABLE();
    return QString();
}

QString hostPortText(const QString &host, quint16 port)
{
    // Only an IPv6 address contains ':'; host names and IPv4 addresses cannot.
    if (host.contains(u':'))
        return QLatin1Char('[') + host + QLatin1String("]:") + QString::number(port);
    return host + QLatin1Char(':') + QString::number(port);
}

EndpointParseResult failure(const QString &error)
{
    return {std::nullopt, error};
}

} // namespace

QString HostPort::toString() const
{
    return hostPortText(host, port);
}

QString EndpointSpec::toString() const
{
    QStringList options;
    if (this->options.echo)
        options << QStringLiteral("echo");
    if (this->options.greeting)
        options << QLatin1String("greeting=") + percentEncode(*this->options.greeting);
    if (this->options.send)
        options << QLatin1String("send=") + percentEncode(*this->options.send);
    if (this->options.to) {
        options << QLatin1String("to=")
                       + percentEncode(this->options.to->toString().toUtf8(), QLatin1String(":[]"));
    }
    if (this->options.recvSizeSet)
        options << QLatin1String("recv=") + QString::number(this->options.recvSize);

    QString text = scheme(kind) + hostPortText(host, port);
    if (!options.isEmpty())
        text += QLatin1Char('?') + options.join(QLatin1Char('&'));
    return text;
}

EndpointParseResult parseEndpoint(const QString &text)
{
    if (text.isEmpty()) {
        return failure(QCoreApplication::translate("EndpointSpec",
                                                   "empty endpoint: write it as "
                                                   "tcp-listen://ADDR:PORT, tcp://HOST:PORT or "
                                                   "udp://ADDR:PORT"));
    }
    const QString quoted = printable(text);

    // A spec is one line of text: bytes that are not visible must be percent-encoded, so
    // what a student reads is what is sent.
    for (const QChar c : text) {
        if (isControl(c.unicode())) {
            return failure(
                QCoreApplication::translate("EndpointSpec",
                                            "control character '%1' in %2: "
                                            "percent-encode it as %3")
                    .arg(printable(QStringView(&c, 1)), quoted, percentEncode(QString(c).toUtf8())));
        }
    }

    // The scheme ends at the first ':' only if "//" follows, so "127.0.0.1:80" and
    // "localhost:80" are a missing scheme rather than a scheme named "127.0.0.1".
    const qsizetype colon = text.indexOf(u':');
    if (colon <= 0 || !QStringView(text).mid(colon).startsWith(u"://")) {
        return failure(QCoreApplication::translate("EndpointSpec",
                                                   "missing scheme in %1: use tcp-listen://, "
                                                   "tcp:// or udp://")
                           .arg(quoted));
    }
    const QString schemeName = text.left(colon);
    std::optional<SessionKind> kind;
    for (const SessionKind candidate :
         {SessionKind::TcpServer, SessionKind::TcpClient, SessionKind::Udp}) {
        if (schemeName == sessionKindName(candidate))
            kind = candidate;
    }
    if (!kind) {
        return failure(QCoreApplication::translate("EndpointSpec",
                                                   "unknown scheme '%1' in %2: use "
                                                   "tcp-listen://, tcp:// or udp://")
                           .arg(schemeName, quoted));
    }

    const QString rest = text.mid(colon + 3);
    const qsizetype questionMark = rest.indexOf(u'?');
    const QString authority = questionMark < 0 ? rest : rest.left(questionMark);
    const qsizetype slash = authority.indexOf(u'/');
    if (slash >= 0) {
        return failure(QCoreApplication::translate("EndpointSpec",
                                                   "unexpected path '%1' in %2: write it as %3")
                           .arg(authority.mid(slash), quoted, endpointForm(*kind)));
    }

    const HostPortContext context{*kind == SessionKind::TcpClient ? PortRule::Client
                                                                  : PortRule::BindAny,
                                  endpointForm(*kind),
                                  scheme(*kind)};
    Problem problem;
    const std::optional<HostPort> address = parseHostPortText(authority, context, &problem);
    if (!address) {
        return failure(QCoreApplication::translate("EndpointSpec", "%1 in %2: %3")
                           .arg(problem.what, quoted, problem.why));
    }

    EndpointSpec spec;
    spec.kind = *kind;
    spec.host = address->host;
    spec.port = address->port;

    if (questionMark >= 0) {
        const QString query = rest.mid(questionMark + 1);
        const QStringList items = query.split(u'&');
        std::array<bool, OptionCount> seen{};
        for (const QString &item : items) {
            // An empty item is almost always a typo ("echo&&recv=1"); accepting it would
            // hide the spot where something was meant to be.
            if (item.isEmpty()) {
                if (items.size() == 1) {
                    return failure(QCoreApplication::translate("EndpointSpec",
                                                               "empty option list in %1: remove "
                                                               "the '?' or write an option "
                                                               "after it")
                                       .arg(quoted));
                }
                return failure(QCoreApplication::translate("EndpointSpec",
                                                           "empty option in %1: remove the "
                                                           "extra '&'")
                                   .arg(quoted));
            }
            const qsizetype equals = item.indexOf(u'=');
            const QString name = equals < 0 ? item : item.left(equals);
            const bool hasValue = equals >= 0;
            const QString rawValue = hasValue ? item.mid(equals + 1) : QString();
            if (name.isEmpty()) {
                return failure(QCoreApplication::translate("EndpointSpec",
                                                           "missing option name before '%1' in "
                                                           "%2: write NAME=VALUE")
                                   .arg(item, quoted));
            }
            const std::optional<Option> option = optionFromName(name);
            if (!option) {
                return failure(
                    QCoreApplication::translate("EndpointSpec", "unknown option '%1' in %2: %3")
                        .arg(name, quoted, optionsHint(*kind)));
            }
            if (!optionAllowed(*option, *kind)) {
                return failure(QCoreApplication::translate("EndpointSpec",
                                                           "option '%1' is not for %2 endpoints "
                                                           "in %3: %4")
                                   .arg(name, scheme(*kind), quoted, optionsHint(*kind)));
            }
            bool &alreadySeen = seen[std::size_t(*option)];
            if (alreadySeen) {
                return failure(QCoreApplication::translate("EndpointSpec",
                                                           "repeated option '%1' in %2: give "
                                                           "each option once")
                                   .arg(name, quoted));
            }
            alreadySeen = true;

            if (*option == Option::Echo) {
                if (hasValue) {
                    return failure(QCoreApplication::translate("EndpointSpec",
                                                               "invalid value '%1' for echo in "
                                                               "%2: echo takes no value")
                                       .arg(rawValue, quoted));
                }
                spec.options.echo = true;
                continue;
            }
            if (!hasValue) {
                return failure(QCoreApplication::translate("EndpointSpec",
                                                           "missing value for %1 in %2: write "
                                                           "%3")
                                   .arg(name, quoted, optionForm(*option)));
            }
            QByteArray value;
            QString badEscape;
            if (!percentDecode(rawValue, &value, &badEscape)) {
                return failure(QCoreApplication::translate("EndpointSpec",
                                                           "bad percent-encoding '%1' in %2: "
                                                           "'%' must be followed by two hex "
                                                           "digits, as in %3")
                                   .arg(badEscape, quoted, QStringLiteral("%0A")));
            }

            switch (*option) {
            case Option::Echo:
                break;
            case Option::Greeting:
                spec.options.greeting = value;
                break;
            case Option::Send:
                spec.options.send = value;
                break;
            case Option::To: {
                const HostPortContext toContext{PortRule::Destination,
                                                QStringLiteral("to=HOST:PORT"),
                                                QStringLiteral("to=")};
                const std::optional<HostPort> to = parseHostPortText(QString::fromUtf8(value),
                                                                     toContext,
                                                                     &problem);
                if (!to) {
                    return failure(QCoreApplication::translate("EndpointSpec", "%1 for to in %2: %3")
                                       .arg(problem.what, quoted, problem.why));
                }
                spec.options.to = to;
                break;
            }
            case Option::Recv: {
                const QString digits = QString::fromUtf8(value);
                bool valid = isAsciiDigits(digits) && digits.size() <= 9;
                const int size = valid ? digits.toInt() : 0;
                valid = valid && size >= 1 && size <= MaxRecvSize;
                if (!valid) {
                    return failure(QCoreApplication::translate("EndpointSpec",
                                                               "invalid value '%1' for recv in "
                                                               "%2: must be 1-%3")
                                       .arg(rawValue, quoted, QString::number(MaxRecvSize)));
                }
                spec.options.recvSize = size;
                spec.options.recvSizeSet = true;
                break;
            }
            }
        }
    }

    // A UDP socket has no connection: without a destination there is nowhere to send to.
    if (spec.kind == SessionKind::Udp && spec.options.send && !spec.options.to) {
        return failure(QCoreApplication::translate("EndpointSpec",
                                                   "option 'send' needs 'to=HOST:PORT' in %1: a "
                                                   "UDP socket has no connection, so say where "
                                                   "to send")
                           .arg(quoted));
    }
    return {spec, QString()};
}

std::optional<HostPort> parseHostPort(const QString &text, QString *error)
{
    const QString trimmed = text.trimmed();
    const HostPortContext context{PortRule::Destination, QStringLiteral("HOST:PORT"), QString()};
    if (trimmed.isEmpty()) {
        if (error) {
            *error = QCoreApplication::translate("EndpointSpec",
                                                 "missing address: write it as HOST:PORT");
        }
        return std::nullopt;
    }
    Problem problem;
    const std::optional<HostPort> result = parseHostPortText(trimmed, context, &problem);
    if (!result && error) {
        *error = QCoreApplication::translate("EndpointSpec", "%1 in %2: %3")
                     .arg(problem.what, printable(trimmed), problem.why);
    }
    return result;
}

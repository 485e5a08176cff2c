#include "endpointspec.h"

#include <QTest>

Q_DECLARE_METATYPE(EndpointSpec)

// Found by QCOMPARE through argument-dependent lookup: a failing row shows both specs.
char *toString(const EndpointSpec &spec)
{
    const QString text = spec.toString() + QLatin1String(" (recvSize ")
                         + QString::number(spec.options.recvSize)
                         + (spec.options.recvSizeSet ? QLatin1String(", set)")
                                                     : QLatin1String(", not set)"));
    return qstrdup(text.toUtf8().constData());
}

namespace {

// Builds the expected spec of a row in one expression.
class Spec
{
public:
    Spec(SessionKind kind, const QString &host, quint16 port)
    {
        m_spec.kind = kind;
        m_spec.host = host;
        m_spec.port = port;
    }

    Spec &echo()
    {
        m_spec.options.echo = true;
        return *this;
    }
    Spec &greeting(const QByteArray &bytes)
    {
        m_spec.options.greeting = bytes;
        return *this;
    }
    Spec &send(const QByteArray &bytes)
    {
        m_spec.options.send = bytes;
        return *this;
    }
    Spec &to(const QString &host, quint16 port)
    {
        m_spec.options.to = HostPort{host, port};
        return *this;
    }
    Spec &recv(int size)
    {
        m_spec.options.recvSize = size;
        m_spec.options.recvSizeSet = true;
        return *this;
    }
    EndpointSpec build() const { return m_spec; }

private:
    EndpointSpec m_spec;
};

QByteArray allBytes()
{
    QByteArray bytes;
    for (int i = 0; i < 256; ++i)
        bytes.append(char(i));
    return bytes;
}

} // namespace

class tst_EndpointSpec : public QObject
{
    Q_OBJECT

private slots:
    void parse_data();
    void parse();
    void parseError_data();
    void parseError();
    void roundTrip_data();
    void roundTrip();
    void everyByteRoundTrips_data();
    void everyByteRoundTrips();
    void parseHostPort_data();
    void parseHostPort();
    void parseHostPortWithoutErrorPointer();
    void hostPortToString_data();
    void hostPortToString();
};

void tst_EndpointSpec::parse_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<EndpointSpec>("expected");

    const auto server = SessionKind::TcpServer;
    const auto client = SessionKind::TcpClient;
    const auto udp = SessionKind::Udp;
    const QString label63(63, u'a');

    QTest::newRow("tcp-listen without options keeps the defaults")
        << "tcp-listen://0.0.0.0:1337" << Spec(server, "0.0.0.0", 1337).build();
    QTest::newRow("tcp-listen port 0 means any free port")
        << "tcp-listen://127.0.0.1:0" << Spec(server, "127.0.0.1", 0).build();
    QTest::newRow("udp port 0 means any free port")
        << "udp://0.0.0.0:0" << Spec(udp, "0.0.0.0", 0).build();
    QTest::newRow("tcp client") << "tcp://127.0.0.1:1337"
                                << Spec(client, "127.0.0.1", 1337).build();
    QTest::newRow("highest port") << "tcp://127.0.0.1:65535"
                                  << Spec(client, "127.0.0.1", 65535).build();
    QTest::newRow("leading zeros in port are harmless")
        << "tcp://127.0.0.1:0080" << Spec(client, "127.0.0.1", 80).build();
    QTest::newRow("ipv6 stored without brackets")
        << "tcp://[::1]:80" << Spec(client, "::1", 80).build();
    QTest::newRow("ipv6 any address")
        << "tcp-listen://[::]:1337" << Spec(server, "::", 1337).build();
    QTest::newRow("ipv6 kept as written")
        << "tcp://[0:0:0:0:0:0:0:1]:80" << Spec(client, "0:0:0:0:0:0:0:1", 80).build();
    QTest::newRow("ipv6 with scope")
        << "tcp://[fe80::1%lo]:22" << Spec(client, "fe80::1%lo", 22).build();
    QTest::newRow("localhost") << "tcp://localhost:80" << Spec(client, "localhost", 80).build();
    QTest::newRow("host name with hyphen and dots")
        << "tcp://my-pc.local:8080" << Spec(client, "my-pc.local", 8080).build();
    QTest::newRow("host name keeps its case")
        << "tcp://My-PC.Local:8080" << Spec(client, "My-PC.Local", 8080).build();
    QTest::newRow("host name is only syntax-checked, never looked up")
        << "tcp://no-such-host.invalid:80" << Spec(client, "no-such-host.invalid", 80).build();
    QTest::newRow("host name label of 63 characters")
        << QString("tcp://" + label63 + ".example:80")
        << Spec(client, label63 + ".example", 80).build();
    QTest::newRow("host name starting with a digit")
        << "tcp://1e100.net:80" << Spec(client, "1e100.net", 80).build();

    QTest::newRow("echo") << "tcp-listen://0.0.0.0:1337?echo"
                          << Spec(server, "0.0.0.0", 1337).echo().build();
    QTest::newRow("echo on tcp client")
        << "tcp://127.0.0.1:1337?echo" << Spec(client, "127.0.0.1", 1337).echo().build();
    QTest::newRow("echo on udp") << "udp://0.0.0.0:1337?echo"
                                 << Spec(udp, "0.0.0.0", 1337).echo().build();
    QTest::newRow("greeting with %0A as newline")
        << "tcp-listen://0.0.0.0:1337?echo&greeting=hi%0A"
        << Spec(server, "0.0.0.0", 1337).echo().greeting("hi\n").build();
    QTest::newRow("lower-case hex escapes")
        << "tcp-listen://0.0.0.0:1337?greeting=%0d%0a"
        << Spec(server, "0.0.0.0", 1337).greeting("\r\n").build();
    QTest::newRow("send on tcp client")
        << "tcp://127.0.0.1:1337?send=Hello%20world!"
        << Spec(client, "127.0.0.1", 1337).send("Hello world!").build();
    QTest::newRow("raw space taken as is")
        << "tcp://127.0.0.1:1337?send=Hello world"
        << Spec(client, "127.0.0.1", 1337).send("Hello world").build();
    QTest::newRow("plus is a plus, not a space")
        << "tcp://127.0.0.1:1337?send=a+b" << Spec(client, "127.0.0.1", 1337).send("a+b").build();
    QTest::newRow("equals sign inside a value")
        << "tcp://127.0.0.1:1337?send=a=b" << Spec(client, "127.0.0.1", 1337).send("a=b").build();
    QTest::newRow("question mark inside a value")
        << "tcp://127.0.0.1:1337?send=why?" << Spec(client, "127.0.0.1", 1337).send("why?").build();
    QTest::newRow("encoded ampersand inside a value")
        << "tcp://127.0.0.1:1337?send=a%26b" << Spec(client, "127.0.0.1", 1337).send("a&b").build();
    QTest::newRow("raw utf-8 text stays utf-8")
        << QString::fromUtf8("tcp://127.0.0.1:1337?send=grüße")
        << Spec(client, "127.0.0.1", 1337).send(QString::fromUtf8("grüße").toUtf8()).build();
    QTest::newRow("percent-encoded utf-8")
        << "tcp://127.0.0.1:1337?send=gr%C3%BC%C3%9Fe"
        << Spec(client, "127.0.0.1", 1337).send(QString::fromUtf8("grüße").toUtf8()).build();
    QTest::newRow("binary bytes") << "tcp://127.0.0.1:1337?send=%00%FF%80"
                                  << Spec(client, "127.0.0.1", 1337)
                                         .send(QByteArray("\x00\xff\x80", 3))
                                         .build();
    QTest::newRow("udp send with destination")
        << "udp://0.0.0.0:0?to=127.0.0.1:9&send=ping"
        << Spec(udp, "0.0.0.0", 0).to("127.0.0.1", 9).send("ping").build();
    QTest::newRow("udp destination without send")
        << "udp://0.0.0.0:1337?to=localhost:1338"
        << Spec(udp, "0.0.0.0", 1337).to("localhost", 1338).build();
    QTest::newRow("udp ipv6 destination")
        << "udp://[::]:0?to=[::1]:9" << Spec(udp, "::", 0).to("::1", 9).build();
    QTest::newRow("udp percent-encoded destination")
        << "udp://[::]:0?to=%5B::1%5D%3A9" << Spec(udp, "::", 0).to("::1", 9).build();
    QTest::newRow("udp empty datagram")
        << "udp://0.0.0.0:0?send=&to=127.0.0.1:9"
        << Spec(udp, "0.0.0.0", 0).send(QByteArray()).to("127.0.0.1", 9).build();
    QTest::newRow("recv like the lesson") << "tcp-listen://0.0.0.0:1337?recv=1024"
                                          << Spec(server, "0.0.0.0", 1337).recv(1024).build();
    QTest::newRow("recv smallest")
        << "tcp://127.0.0.1:1?recv=1" << Spec(client, "127.0.0.1", 1).recv(1).build();
    QTest::newRow("recv largest") << "udp://0.0.0.0:0?recv=16777216"
                                  << Spec(udp, "0.0.0.0", 0).recv(MaxRecvSize).build();
    QTest::newRow("recv equal to the default is still remembered as set")
        << "udp://0.0.0.0:0?recv=65536" << Spec(udp, "0.0.0.0", 0).recv(DefaultRecvSize).build();
    QTest::newRow("every udp option")
        << "udp://127.0.0.1:5000?recv=512&echo&send=hi&to=[::1]:5001"
        << Spec(udp, "127.0.0.1", 5000).echo().send("hi").to("::1", 5001).recv(512).build();
}

void tst_EndpointSpec::parse()
{
    QFETCH(QString, text);
    QFETCH(EndpointSpec, expected);

    const EndpointParseResult result = parseEndpoint(text);
    QVERIFY2(result.ok(), qPrintable(result.error));
    QVERIFY(result.error.isEmpty());
    QCOMPARE(*result.spec, expected);
}

void tst_EndpointSpec::parseError_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("error");

    // DESIGN.md quotes this one; scripts and end-to-end tests match it exactly.
    QTest::newRow("port above 65535 (contract)")
        << "tcp://127.0.0.1:70000"
        << "invalid port '70000' in tcp://127.0.0.1:70000: must be 0-65535";

    QTest::newRow("empty text") << ""
                                << "empty endpoint: write it as tcp-listen://ADDR:PORT, "
                                   "tcp://HOST:PORT or udp://ADDR:PORT";
    QTest::newRow("missing scheme") << "127.0.0.1:80"
                                    << "missing scheme in 127.0.0.1:80: use tcp-listen://, tcp:// "
                                       "or udp://";
    QTest::newRow("missing scheme before host name")
        << "localhost:80"
        << "missing scheme in localhost:80: use tcp-listen://, tcp:// or udp://";
    QTest::newRow("single slash after scheme")
        << "tcp:/127.0.0.1:80"
        << "missing scheme in tcp:/127.0.0.1:80: use tcp-listen://, tcp:// or udp://";
    QTest::newRow("empty scheme") << "://127.0.0.1:80"
                                  << "missing scheme in ://127.0.0.1:80: use tcp-listen://, "
                                     "tcp:// or udp://";
    QTest::newRow("unknown scheme") << "http://x:1"
                                    << "unknown scheme 'http' in http://x:1: use tcp-listen://, "
                                       "tcp:// or udp://";
    QTest::newRow("scheme is lower case")
        << "TCP://127.0.0.1:80"
        << "unknown scheme 'TCP' in TCP://127.0.0.1:80: use tcp-listen://, tcp:// or udp://";
    QTest::newRow("raw newline is shown escaped")
        << "tcp://127.0.0.1:80?send=a\nb"
        << "control character '\\n' in tcp://127.0.0.1:80?send=a\\nb: percent-encode it as %0A";
    QTest::newRow("raw tab") << "tcp://127.0.0.1:80?send=a\tb"
                             << "control character '\\t' in tcp://127.0.0.1:80?send=a\\tb: "
                                "percent-encode it as %09";
    QTest::newRow("raw escape character")
        << "tcp://127.0.0.1:80?send=\x1b[2J"
        << "control character '\\x1B' in tcp://127.0.0.1:80?send=\\x1B[2J: percent-encode it as "
           "%1B";
    QTest::newRow("unicode line separator")
        << QString::fromUtf8("tcp://127.0.0.1:80?send=a\u2028b")
        << "control character '\\u2028' in tcp://127.0.0.1:80?send=a\\u2028b: percent-encode it "
           "as %E2%80%A8";
    QTest::newRow("trailing slash") << "tcp://127.0.0.1:80/"
                                    << "unexpected path '/' in tcp://127.0.0.1:80/: write it as "
                                       "tcp://HOST:PORT";
    QTest::newRow("path before options")
        << "tcp-listen://0.0.0.0:80/x?echo"
        << "unexpected path '/x' in tcp-listen://0.0.0.0:80/x?echo: write it as "
           "tcp-listen://ADDR:PORT";

    QTest::newRow("missing address") << "tcp://:80"
                                     << "missing address in tcp://:80: write it as tcp://HOST:PORT";
    QTest::newRow("missing listen address")
        << "tcp-listen://:1337"
        << "missing address in tcp-listen://:1337: write it as tcp-listen://ADDR:PORT; 0.0.0.0 "
           "means all interfaces";
    QTest::newRow("nothing after scheme")
        << "udp://"
        << "missing address in udp://: write it as udp://ADDR:PORT; 0.0.0.0 means all interfaces";
    QTest::newRow("ipv6 without brackets")
        << "tcp://::1:80"
        << "invalid address '::1' in tcp://::1:80: put an IPv6 address in brackets, as in "
           "tcp://[::1]:80";
    QTest::newRow("ipv6 without brackets or port")
        << "udp://fe80::1"
        << "invalid address 'fe80::1' in udp://fe80::1: put an IPv6 address in brackets, as in "
           "udp://[fe80::1]:PORT";
    QTest::newRow("two colons that are not ipv6")
        << "tcp://a:b:c"
        << "invalid address 'a:b:c' in tcp://a:b:c: write HOST:PORT with one ':', and an IPv6 "
           "address in brackets, as in tcp://[::1]:PORT";
    QTest::newRow("unclosed bracket")
        << "tcp://[::1"
        << "invalid address '[::1' in tcp://[::1: close the IPv6 address with ']', as in "
           "tcp://[::1]:PORT";
    QTest::newRow("not ipv6 in brackets")
        << "tcp://[::g]:80"
        << "invalid address '[::g]' in tcp://[::g]:80: brackets hold an IPv6 address, as in [::1]";
    QTest::newRow("empty brackets")
        << "tcp://[]:80"
        << "invalid address '[]' in tcp://[]:80: brackets hold an IPv6 address, as in [::1]";
    QTest::newRow("white space in brackets")
        << "tcp://[ ::1]:80"
        << "invalid address '[ ::1]' in tcp://[ ::1]:80: brackets hold an IPv6 address, as in "
           "[::1]";
    QTest::newRow("empty ipv6 scope")
        << "tcp://[::1%]:80"
        << "invalid address '[::1%]' in tcp://[::1%]:80: brackets hold an IPv6 address, as in "
           "[::1]";
    QTest::newRow("ipv4 in brackets")
        << "tcp://[127.0.0.1]:80"
        << "invalid address '[127.0.0.1]' in tcp://[127.0.0.1]:80: brackets are only for IPv6 "
           "addresses; write 127.0.0.1 without them";
    QTest::newRow("text between bracket and port")
        << "tcp://[::1]80"
        << "unexpected '80' after '[::1]' in tcp://[::1]80: write the port after a ':', as in "
           "tcp://[::1]:PORT";
    QTest::newRow("ipv4 number above 255")
        << "tcp://256.0.0.1:80"
        << "invalid address '256.0.0.1' in tcp://256.0.0.1:80: an IPv4 address is four numbers "
           "from 0 to 255 without leading zeros, as in 127.0.0.1";
    QTest::newRow("ipv4 short form")
        << "tcp://127.1:80"
        << "invalid address '127.1' in tcp://127.1:80: an IPv4 address is four numbers from 0 to "
           "255 without leading zeros, as in 127.0.0.1";
    QTest::newRow("ipv4 leading zero (octal to inet_aton)")
        << "tcp://010.0.0.1:80"
        << "invalid address '010.0.0.1' in tcp://010.0.0.1:80: an IPv4 address is four numbers "
           "from 0 to 255 without leading zeros, as in 127.0.0.1";
    QTest::newRow("host name with underscore")
        << "tcp://my_pc:80"
        << "invalid host name 'my_pc' in tcp://my_pc:80: '_' is not allowed: use letters, "
           "digits, hyphens and dots";
    QTest::newRow("user info before host")
        << "tcp://user@host:80"
        << "invalid host name 'user@host' in tcp://user@host:80: '@' is not allowed: use "
           "letters, digits, hyphens and dots";
    QTest::newRow("non-ascii host name")
        << QString::fromUtf8("tcp://bücher.example:80")
        << QString::fromUtf8("invalid host name 'bücher.example' in tcp://bücher.example:80: "
                             "'ü' is not allowed: use letters, digits, hyphens and dots");
    QTest::newRow("host name label starts with hyphen")
        << "tcp://-pc.local:80"
        << "invalid host name '-pc.local' in tcp://-pc.local:80: a part between dots cannot "
           "start or end with '-'";
    QTest::newRow("host name label ends with hyphen")
        << "tcp://pc-.local:80"
        << "invalid host name 'pc-.local' in tcp://pc-.local:80: a part between dots cannot "
           "start or end with '-'";
    QTest::newRow("host name with empty label")
        << "tcp://my..pc:80"
        << "invalid host name 'my..pc' in tcp://my..pc:80: each part between dots must be 1-63 "
           "characters";
    QTest::newRow("host name with trailing dot")
        << "tcp://localhost.:80"
        << "invalid host name 'localhost.' in tcp://localhost.:80: each part between dots must "
           "be 1-63 characters";
    const QString label64(64, u'a');
    QTest::newRow("host name label of 64 characters")
        << QString("tcp://" + label64 + ":80")
        << QString("invalid host name '" + label64 + "' in tcp://" + label64
                   + ":80: each part between dots must be 1-63 characters");
    const QString name254 = QString(63, u'a') + '.' + QString(63, u'b') + '.' + QString(63, u'c')
                            + '.' + QString(62, u'd');
    QTest::newRow("host name of 254 characters")
        << QString("tcp://" + name254 + ":80")
        << QString("invalid host name '" + name254 + "' in tcp://" + name254
                   + ":80: a host name has at most 253 characters");
    QTest::newRow("host name ending in digits")
        << "tcp://pc.123:80"
        << "invalid host name 'pc.123' in tcp://pc.123:80: the last part cannot be all digits";

    QTest::newRow("missing port") << "tcp://127.0.0.1"
                                  << "missing port in tcp://127.0.0.1: write it as tcp://HOST:PORT";
    QTest::newRow("empty port") << "tcp://127.0.0.1:"
                                << "missing port in tcp://127.0.0.1:: write it as tcp://HOST:PORT";
    QTest::newRow("missing port after ipv6")
        << "tcp://[::1]"
        << "missing port in tcp://[::1]: write it as tcp://HOST:PORT";
    QTest::newRow("missing listen port")
        << "tcp-listen://0.0.0.0"
        << "missing port in tcp-listen://0.0.0.0: write it as tcp-listen://ADDR:PORT";
    QTest::newRow("missing port before options")
        << "udp://0.0.0.0?echo"
        << "missing port in udp://0.0.0.0?echo: write it as udp://ADDR:PORT";
    QTest::newRow("port not a number")
        << "tcp://127.0.0.1:abc"
        << "invalid port 'abc' in tcp://127.0.0.1:abc: must be 0-65535";
    QTest::newRow("negative port")
        << "tcp-listen://0.0.0.0:-1"
        << "invalid port '-1' in tcp-listen://0.0.0.0:-1: must be 0-65535";
    QTest::newRow("port with sign") << "udp://0.0.0.0:+80"
                                    << "invalid port '+80' in udp://0.0.0.0:+80: must be 0-65535";
    QTest::newRow("port with space")
        << "tcp://127.0.0.1: 80"
        << "invalid port ' 80' in tcp://127.0.0.1: 80: must be 0-65535";
    QTest::newRow("port just above 65535")
        << "udp://0.0.0.0:65536"
        << "invalid port '65536' in udp://0.0.0.0:65536: must be 0-65535";
    QTest::newRow("port that overflows an int")
        << "tcp://127.0.0.1:99999999999999999999"
        << "invalid port '99999999999999999999' in tcp://127.0.0.1:99999999999999999999: must be "
           "0-65535";
    QTest::newRow("client port 0")
        << "tcp://127.0.0.1:0"
        << "invalid port '0' in tcp://127.0.0.1:0: a client must connect to a port from 1 to "
           "65535";

    QTest::newRow("empty option list")
        << "tcp://127.0.0.1:80?"
        << "empty option list in tcp://127.0.0.1:80?: remove the '?' or write an option after it";
    QTest::newRow("double ampersand")
        << "tcp-listen://0.0.0.0:1337?echo&&recv=5"
        << "empty option in tcp-listen://0.0.0.0:1337?echo&&recv=5: remove the extra '&'";
    QTest::newRow("trailing ampersand")
        << "tcp://127.0.0.1:80?echo&"
        << "empty option in tcp://127.0.0.1:80?echo&: remove the extra '&'";
    QTest::newRow("leading ampersand")
        << "tcp://127.0.0.1:80?&echo"
        << "empty option in tcp://127.0.0.1:80?&echo: remove the extra '&'";
    QTest::newRow("missing option name")
        << "tcp://127.0.0.1:80?=5"
        << "missing option name before '=5' in tcp://127.0.0.1:80?=5: write NAME=VALUE";
    QTest::newRow("unknown option for tcp-listen")
        << "tcp-listen://0.0.0.0:1337?foo"
        << "unknown option 'foo' in tcp-listen://0.0.0.0:1337?foo: tcp-listen:// takes echo, "
           "greeting=TEXT and recv=N";
    QTest::newRow("unknown option for tcp")
        << "tcp://127.0.0.1:80?foo=1"
        << "unknown option 'foo' in tcp://127.0.0.1:80?foo=1: tcp:// takes echo, send=TEXT and "
           "recv=N";
    QTest::newRow("unknown option for udp")
        << "udp://0.0.0.0:0?bind=1"
        << "unknown option 'bind' in udp://0.0.0.0:0?bind=1: udp:// takes echo, send=TEXT, "
           "to=HOST:PORT and recv=N";
    QTest::newRow("option names are lower case")
        << "tcp://127.0.0.1:80?ECHO"
        << "unknown option 'ECHO' in tcp://127.0.0.1:80?ECHO: tcp:// takes echo, send=TEXT and "
           "recv=N";
    QTest::newRow("greeting on tcp client")
        << "tcp://127.0.0.1:80?greeting=hi"
        << "option 'greeting' is not for tcp:// endpoints in tcp://127.0.0.1:80?greeting=hi: "
           "tcp:// takes echo, send=TEXT and recv=N";
    QTest::newRow("greeting on udp")
        << "udp://0.0.0.0:0?greeting=hi"
        << "option 'greeting' is not for udp:// endpoints in udp://0.0.0.0:0?greeting=hi: udp:// "
           "takes echo, send=TEXT, to=HOST:PORT and recv=N";
    QTest::newRow("send on tcp-listen")
        << "tcp-listen://0.0.0.0:1337?send=hi"
        << "option 'send' is not for tcp-listen:// endpoints in tcp-listen://0.0.0.0:1337?send=hi: "
           "tcp-listen:// takes echo, greeting=TEXT and recv=N";
    QTest::newRow("to on tcp client")
        << "tcp://127.0.0.1:80?to=127.0.0.1:81"
        << "option 'to' is not for tcp:// endpoints in tcp://127.0.0.1:80?to=127.0.0.1:81: tcp:// "
           "takes echo, send=TEXT and recv=N";
    QTest::newRow("repeated flag")
        << "tcp-listen://0.0.0.0:1337?echo&echo"
        << "repeated option 'echo' in tcp-listen://0.0.0.0:1337?echo&echo: give each option once";
    QTest::newRow("repeated value option")
        << "tcp://127.0.0.1:80?send=a&recv=1&send=b"
        << "repeated option 'send' in tcp://127.0.0.1:80?send=a&recv=1&send=b: give each option "
           "once";
    QTest::newRow("echo with a value")
        << "tcp://127.0.0.1:80?echo=x"
        << "invalid value 'x' for echo in tcp://127.0.0.1:80?echo=x: echo takes no value";
    QTest::newRow("echo with an empty value")
        << "tcp://127.0.0.1:80?echo="
        << "invalid value '' for echo in tcp://127.0.0.1:80?echo=: echo takes no value";
    QTest::newRow("send without value")
        << "tcp://127.0.0.1:80?send"
        << "missing value for send in tcp://127.0.0.1:80?send: write send=TEXT";
    QTest::newRow("greeting without value")
        << "tcp-listen://0.0.0.0:1337?greeting"
        << "missing value for greeting in tcp-listen://0.0.0.0:1337?greeting: write greeting=TEXT";
    QTest::newRow("to without value")
        << "udp://0.0.0.0:0?to"
        << "missing value for to in udp://0.0.0.0:0?to: write to=HOST:PORT";
    QTest::newRow("recv without value")
        << "udp://0.0.0.0:0?recv"
        << "missing value for recv in udp://0.0.0.0:0?recv: write recv=N";
    QTest::newRow("percent not followed by hex")
        << "tcp://127.0.0.1:80?send=%zz"
        << "bad percent-encoding '%zz' in tcp://127.0.0.1:80?send=%zz: '%' must be followed by "
           "two hex digits, as in %0A";
    QTest::newRow("percent with one hex digit at the end")
        << "tcp://127.0.0.1:80?send=%4"
        << "bad percent-encoding '%4' in tcp://127.0.0.1:80?send=%4: '%' must be followed by two "
           "hex digits, as in %0A";
    QTest::newRow("lone percent")
        << "tcp-listen://0.0.0.0:1?greeting=100%"
        << "bad percent-encoding '%' in tcp-listen://0.0.0.0:1?greeting=100%: '%' must be "
           "followed by two hex digits, as in %0A";
    QTest::newRow("percent before the next option")
        << "tcp://127.0.0.1:80?send=5%&echo"
        << "bad percent-encoding '%' in tcp://127.0.0.1:80?send=5%&echo: '%' must be followed by "
           "two hex digits, as in %0A";
    QTest::newRow("recv zero")
        << "tcp://127.0.0.1:80?recv=0"
        << "invalid value '0' for recv in tcp://127.0.0.1:80?recv=0: must be "
           "1-16777216";
    QTest::newRow("recv above maximum")
        << "tcp://127.0.0.1:80?recv=16777217"
        << "invalid value '16777217' for recv in tcp://127.0.0.1:80?recv=16777217: must be "
           "1-16777216";
    QTest::newRow("recv that overflows an int")
        << "tcp://127.0.0.1:80?recv=99999999999"
        << "invalid value '99999999999' for recv in tcp://127.0.0.1:80?recv=99999999999: must be "
           "1-16777216";
    QTest::newRow("recv in hex")
        << "tcp://127.0.0.1:80?recv=0x10"
        << "invalid value '0x10' for recv in tcp://127.0.0.1:80?recv=0x10: "
           "must be 1-16777216";
    QTest::newRow("recv negative") << "tcp://127.0.0.1:80?recv=-1"
                                   << "invalid value '-1' for recv in tcp://127.0.0.1:80?recv=-1: "
                                      "must be 1-16777216";
    QTest::newRow("recv with a unit")
        << "tcp://127.0.0.1:80?recv=1k"
        << "invalid value '1k' for recv in tcp://127.0.0.1:80?recv=1k: must be 1-16777216";
    QTest::newRow("recv empty") << "tcp://127.0.0.1:80?recv="
                                << "invalid value '' for recv in tcp://127.0.0.1:80?recv=: must be "
                                   "1-16777216";
    QTest::newRow("udp send without destination")
        << "udp://0.0.0.0:0?send=hi"
        << "option 'send' needs 'to=HOST:PORT' in udp://0.0.0.0:0?send=hi: a UDP socket has no "
           "connection, so say where to send";
    QTest::newRow("destination port 0")
        << "udp://0.0.0.0:0?to=127.0.0.1:0"
        << "invalid port '0' for to in udp://0.0.0.0:0?to=127.0.0.1:0: must be 1-65535";
    QTest::newRow("destination port too big")
        << "udp://0.0.0.0:0?to=127.0.0.1:65536"
        << "invalid port '65536' for to in udp://0.0.0.0:0?to=127.0.0.1:65536: must be 1-65535";
    QTest::newRow("destination without port")
        << "udp://0.0.0.0:0?to=127.0.0.1"
        << "missing port for to in udp://0.0.0.0:0?to=127.0.0.1: write it as to=HOST:PORT";
    QTest::newRow("destination empty")
        << "udp://0.0.0.0:0?to="
        << "missing address for to in udp://0.0.0.0:0?to=: write it as to=HOST:PORT";
    QTest::newRow("destination ipv6 without brackets")
        << "udp://0.0.0.0:0?to=::1:9"
        << "invalid address '::1' for to in udp://0.0.0.0:0?to=::1:9: put an IPv6 address in "
           "brackets, as in to=[::1]:9";
    QTest::newRow("destination with bad host name")
        << "udp://0.0.0.0:0?to=a_b:9"
        << "invalid host name 'a_b' for to in udp://0.0.0.0:0?to=a_b:9: '_' is not allowed: use "
           "letters, digits, hyphens and dots";
    QTest::newRow("destination with encoded newline stays one line")
        << "udp://0.0.0.0:0?to=%0A:9"
        << "invalid host name '\\n' for to in udp://0.0.0.0:0?to=%0A:9: '\\n' is not allowed: use "
           "letters, digits, hyphens and dots";
}

void tst_EndpointSpec::parseError()
{
    QFETCH(QString, text);
    QFETCH(QString, error);

    const EndpointParseResult result = parseEndpoint(text);
    QVERIFY(!result.ok());
    QCOMPARE(result.error, error);
    // The command line prints it as one line of stderr.
    QVERIFY(!result.error.contains(u'\n'));
    QVERIFY(result.error.at(0).isLower());
    QVERIFY(!result.error.endsWith(u'.'));
}

void tst_EndpointSpec::roundTrip_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("canonical");

    QTest::newRow("canonical stays as it is") << "tcp-listen://0.0.0.0:1337?echo&greeting=hi%0A"
                                              << "tcp-listen://0.0.0.0:1337?echo&greeting=hi%0A";
    QTest::newRow("options in fixed order, hex in upper case")
        << "tcp-listen://0.0.0.0:1337?greeting=hi%0a&recv=1024&echo"
        << "tcp-listen://0.0.0.0:1337?echo&greeting=hi%0A&recv=1024";
    QTest::newRow("no options") << "tcp://127.0.0.1:1337"
                                << "tcp://127.0.0.1:1337";
    QTest::newRow("port leading zeros dropped") << "tcp://127.0.0.1:0080"
                                                << "tcp://127.0.0.1:80";
    QTest::newRow("ipv6 gets its brackets back") << "tcp-listen://[::]:0"
                                                 << "tcp-listen://[::]:0";
    QTest::newRow("ipv6 scope") << "tcp://[fe80::1%lo]:22"
                                << "tcp://[fe80::1%lo]:22";
    QTest::newRow("host name") << "tcp://My-PC.local:8080?send=x"
                               << "tcp://My-PC.local:8080?send=x";
    QTest::newRow("unreserved characters stay") << "tcp://127.0.0.1:1?send=AZaz09-._~"
                                                << "tcp://127.0.0.1:1?send=AZaz09-._~";
    QTest::newRow("space encoded") << "tcp://127.0.0.1:1?send=hello world"
                                   << "tcp://127.0.0.1:1?send=hello%20world";
    QTest::newRow("plus encoded so it cannot read as a space") << "tcp://127.0.0.1:1?send=a+b"
                                                               << "tcp://127.0.0.1:1?send=a%2Bb";
    QTest::newRow("separators encoded") << "tcp://127.0.0.1:1?send=a=b?c%26d#e"
                                        << "tcp://127.0.0.1:1?send=a%3Db%3Fc%26d%23e";
    QTest::newRow("percent sign encoded") << "tcp://127.0.0.1:1?send=100%25"
                                          << "tcp://127.0.0.1:1?send=100%25";
    QTest::newRow("utf-8 encoded") << QString::fromUtf8("tcp://127.0.0.1:1?send=grüße")
                                   << "tcp://127.0.0.1:1?send=gr%C3%BC%C3%9Fe";
    QTest::newRow("binary") << "tcp://127.0.0.1:1?send=%00%ff%80"
                            << "tcp://127.0.0.1:1?send=%00%FF%80";
    QTest::newRow("udp destination unencoded")
        << "udp://[::]:5000?to=%5B::1%5D%3a5001&send=ping&echo&recv=1024"
        << "udp://[::]:5000?echo&send=ping&to=[::1]:5001&recv=1024";
    QTest::newRow("udp destination with scope keeps its percent encoded")
        << "udp://[::]:5000?to=[fe80::1%25lo]:5001"
        << "udp://[::]:5000?to=[fe80::1%25lo]:5001";
    QTest::newRow("udp empty datagram") << "udp://0.0.0.0:0?to=127.0.0.1:9&send="
                                        << "udp://0.0.0.0:0?send=&to=127.0.0.1:9";
    QTest::newRow("recv equal to the default is kept") << "tcp://127.0.0.1:1?recv=65536"
                                                       << "tcp://127.0.0.1:1?recv=65536";
    QTest::newRow("recv leading zeros dropped") << "tcp://127.0.0.1:1?recv=01024"
                                                << "tcp://127.0.0.1:1?recv=1024";
}

void tst_EndpointSpec::roundTrip()
{
    QFETCH(QString, text);
    QFETCH(QString, canonical);

    const EndpointParseResult parsed = parseEndpoint(text);
    QVERIFY2(parsed.ok(), qPrintable(parsed.error));
    QCOMPARE(parsed.spec->toString(), canonical);

    const EndpointParseResult reparsed = parseEndpoint(canonical);
    QVERIFY2(reparsed.ok(), qPrintable(reparsed.error));
    QCOMPARE(*reparsed.spec, *parsed.spec);
    QCOMPARE(reparsed.spec->toString(), canonical);
}

void tst_EndpointSpec::everyByteRoundTrips_data()
{
    QTest::addColumn<EndpointSpec>("spec");

    QTest::newRow("greeting") << Spec(SessionKind::TcpServer, "0.0.0.0", 1337)
                                     .greeting(allBytes())
                                     .build();
    QTest::newRow("tcp send") << Spec(SessionKind::TcpClient, "127.0.0.1", 1337)
                                     .send(allBytes())
                                     .build();
    QTest::newRow("udp send") << Spec(SessionKind::Udp, "::", 0)
                                     .send(allBytes())
                                     .to("fe80::1%eth0", 9)
                                     .echo()
                                     .recv(1)
                                     .build();
}

void tst_EndpointSpec::everyByteRoundTrips()
{
    QFETCH(EndpointSpec, spec);

    const QString text = spec.toString();
    const qsizetype query = text.indexOf(u'?');
    QVERIFY(query > 0);
    // Only unreserved characters, escapes and the separators may appear in the values, so
    // the text survives a shell command line unquoted except for '&' and '?'.
    for (const QChar c : QStringView(text).mid(query + 1)) {
        QVERIFY2(c.unicode() < 0x80
                     && (c.isLetterOrNumber() || QStringView(u"-._~%&=:[]").contains(c)),
                 qPrintable(text));
    }
    const EndpointParseResult parsed = parseEndpoint(text);
    QVERIFY2(parsed.ok(), qPrintable(parsed.error));
    QCOMPARE(*parsed.spec, spec);
}

void tst_EndpointSpec::parseHostPort_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("host");
    QTest::addColumn<int>("port");
    QTest::addColumn<QString>("error");

    QTest::newRow("ipv4") << "127.0.0.1:9000"
                          << "127.0.0.1" << 9000 << "";
    QTest::newRow("host name") << "my-pc.local:80"
                               << "my-pc.local" << 80 << "";
    QTest::newRow("ipv6 without its brackets") << "[::1]:9"
                                               << "::1" << 9 << "";
    QTest::newRow("surrounding white space ignored") << "  localhost:1337\n"
                                                     << "localhost" << 1337 << "";
    QTest::newRow("empty") << ""
                           << "" << 0 << "missing address: write it as HOST:PORT";
    QTest::newRow("only white space") << "   "
                                      << "" << 0 << "missing address: write it as HOST:PORT";
    QTest::newRow("missing address") << ":80"
                                     << "" << 0 << "missing address in :80: write it as HOST:PORT";
    QTest::newRow("missing port") << "localhost"
                                  << "" << 0 << "missing port in localhost: write it as HOST:PORT";
    QTest::newRow("port 0 is not a destination")
        << "127.0.0.1:0"
        << "" << 0 << "invalid port '0' in 127.0.0.1:0: must be 1-65535";
    QTest::newRow("port too big") << "127.0.0.1:65536"
                                  << "" << 0
                                  << "invalid port '65536' in 127.0.0.1:65536: must be 1-65535";
    QTest::newRow("ipv6 without brackets")
        << "::1:9"
        << "" << 0
        << "invalid address '::1' in ::1:9: put an IPv6 address in brackets, as in [::1]:9";
    QTest::newRow("control character inside stays one line")
        << "a\tb:9"
        << "" << 0
        << "invalid host name 'a\\tb' in a\\tb:9: '\\t' is not allowed: use letters, digits, "
           "hyphens and dots";
}

void tst_EndpointSpec::parseHostPort()
{
    QFETCH(QString, text);
    QFETCH(QString, host);
    QFETCH(int, port);
    QFETCH(QString, error);

    QString actualError;
    const std::optional<HostPort> result = ::parseHostPort(text, &actualError);
    QCOMPARE(actualError, error);
    QCOMPARE(result.has_value(), error.isEmpty());
    if (result) {
        QCOMPARE(result->host, host);
        QCOMPARE(result->port, quint16(port));
    }
}

void tst_EndpointSpec::parseHostPortWithoutErrorPointer()
{
    QVERIFY(!::parseHostPort(QStringLiteral("nope"), nullptr));
    QVERIFY(!::parseHostPort(QString(), nullptr));
    QVERIFY(::parseHostPort(QStringLiteral("127.0.0.1:1"), nullptr));
}

void tst_EndpointSpec::hostPortToString_data()
{
    QTest::addColumn<QString>("host");
    QTest::addColumn<int>("port");
    QTest::addColumn<QString>("expected");

    QTest::newRow("ipv4") << "127.0.0.1" << 1337 << "127.0.0.1:1337";
    QTest::newRow("ipv6 in brackets") << "::1" << 1337 << "[::1]:1337";
    QTest::newRow("ipv6 with scope in brackets") << "fe80::1%lo" << 22 << "[fe80::1%lo]:22";
    QTest::newRow("host name") << "my-pc.local" << 80 << "my-pc.local:80";
}

void tst_EndpointSpec::hostPortToString()
{
    QFETCH(QString, host);
    QFETCH(int, port);
    QFETCH(QString, expected);

    QCOMPARE((HostPort{host, quint16(port)}).toString(), expected);
}

QTEST_GUILESS_MAIN(tst_EndpointSpec)
#include "tst_endpointspec.moc"

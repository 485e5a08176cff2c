#include "socketaddress.h"

#include <QTest>

class tst_SocketAddress : public QObject
{
    Q_OBJECT

private slots:
    void toString_data();
    void toString();
};

void tst_SocketAddress::toString_data()
{
    QTest::addColumn<QString>("address");
    QTest::addColumn<int>("port");
    QTest::addColumn<QString>("expected");
    QTest::addColumn<QString>("python");

    QTest::newRow("ipv4") << "127.0.0.1" << 1337 << "127.0.0.1:1337"
                          << "('127.0.0.1', 1337)";
    QTest::newRow("ipv6 in brackets") << "::1" << 54321 << "[::1]:54321"
                                      << "('::1', 54321)";
    QTest::newRow("ipv4-mapped shown as ipv4") << "::ffff:127.0.0.1" << 80 << "127.0.0.1:80"
                                               << "('127.0.0.1', 80)";
    QTest::newRow("any ipv4") << "0.0.0.0" << 0 << "0.0.0.0:0"
                              << "('0.0.0.0', 0)";
    QTest::newRow("any ipv6") << "::" << 1337 << "[::]:1337"
                              << "('::', 1337)";
}

void tst_SocketAddress::toString()
{
    QFETCH(QString, address);
    QFETCH(int, port);
    QFETCH(QString, expected);
    QFETCH(QString, python);

    const SocketAddress endpoint{QHostAddress(address), quint16(port)};
    QCOMPARE(endpoint.toString(), expected);
    QCOMPARE(endpoint.toPythonTuple(), python);
}

QTEST_GUILESS_MAIN(tst_SocketAddress)
#include "tst_socketaddress.moc"

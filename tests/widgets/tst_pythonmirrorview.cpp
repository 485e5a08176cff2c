#include "pythonmirror.h"
#include "pythonmirrorview.h"
#include "trafficevent.h"

#include <QApplication>
#include <QClipboard>
#include <QPushButton>
#include <QTest>

// The side panel that shows a session's Python mirror.
class tst_PythonMirrorView : public QObject
{
    Q_OBJECT

private slots:
    void followsItsMirror();
    void copyPutsTheCodeOnTheClipboard();
};

namespace {

TrafficEvent trafficEvent(EventType type)
{
    TrafficEvent e;
    e.session = 1;
    e.kind = SessionKind::TcpClient;
    e.type = type;
    e.local = SocketAddress{QHostAddress(QStringLiteral("127.0.0.1")), 54321};
    e.peer = SocketAddress{QHostAddress(QStringLiteral("127.0.0.1")), 1337};
    return e;
}

} // namespace

void tst_PythonMirrorView::followsItsMirror()
{
    PythonMirror mirror(SessionKind::TcpClient, 1024);
    PythonMirrorView view;
    QVERIFY(view.text().isEmpty());
    auto *copy = view.findChild<QPushButton *>(QStringLiteral("copyMirrorButton"));
    QVERIFY(copy && !copy->isEnabled());

    view.setMirror(&mirror, QStringLiteral("→ 127.0.0.1:1337"));
    mirror.append(trafficEvent(EventType::Connecting));
    mirror.append(trafficEvent(EventType::Connected));
    TrafficEvent sent = trafficEvent(EventType::Sent);
    sent.payload = "Hello world!";
    mirror.append(sent);
    // It grows as the session does (changes are coalesced by the mirror).
    QTRY_VERIFY(view.text().contains(QLatin1String("sock.connect(('127.0.0.1', 1337))")));
    QTRY_VERIFY(view.text().contains(QLatin1String("sock.send(\"Hello world!\".encode())")));
    QVERIFY(copy->isEnabled());

    view.setMirror(nullptr);
    QVERIFY(view.text().isEmpty());
}

void tst_PythonMirrorView::copyPutsTheCodeOnTheClipboard()
{
    PythonMirror mirror(SessionKind::TcpClient, 1024);
    mirror.append(trafficEvent(EventType::Connecting));
    mirror.append(trafficEvent(EventType::Connected));
    PythonMirrorView view;
    view.setMirror(&mirror, QStringLiteral("client"));
    QTRY_VERIFY(!view.text().isEmpty());
    QTest::mouseClick(view.findChild<QPushButton *>(QStringLiteral("copyMirrorButton")),
                      Qt::LeftButton);
    QCOMPARE(QApplication::clipboard()->text(), view.text());
}

QTEST_MAIN(tst_PythonMirrorView)
#include "tst_pythonmirrorview.moc"

#include "pythonmirror.h"
#include "pythonmirrorview.h"
#include "trafficevent.h"

#include <QApplication>
#include <QClipboard>
#include <QFontDatabase>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QTest>

// The side panel that shows a session's Python mirror.
class tst_PythonMirrorView : public QObject
{
    Q_OBJECT

private slots:
    void followsItsMirror();
    void copyPutsTheCodeOnTheClipboard();
    void hiddenViewCatchesUpWhenShown();
    void addedLinesKeepTheSelection();
    void rewrittenLastLinesKeepTheSelection();
    void codeFontFollowsTheWindowFont();
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

// Selects the first occurrence of text in the editor, as an instructor pointing at a line
// would; false when it is not there.
bool selectText(QPlainTextEdit *editor, const QString &text)
{
    const int start = editor->toPlainText().indexOf(text);
    if (start < 0)
        return false;
    QTextCursor cursor = editor->textCursor();
    cursor.setPosition(start);
    cursor.setPosition(start + int(text.size()), QTextCursor::KeepAnchor);
    editor->setTextCursor(cursor);
    return true;
}

} // namespace

void tst_PythonMirrorView::followsItsMirror()
{
    PythonMirror mirror(SessionKind::TcpClient, 1024);
    PythonMirrorView view;
    view.show();
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
    QTRY_VERIFY(view.shownText().contains(QLatin1String("sock.connect(('127.0.0.1', 1337))")));
    QTRY_VERIFY(view.shownText().contains(QLatin1String("sock.send(\"Hello world!\".encode())")));
    auto *editor = view.findChild<QPlainTextEdit *>(QStringLiteral("mirrorEditor"));
    QCOMPARE(editor->toPlainText(), mirror.script());
    QVERIFY(copy->isEnabled());

    view.setMirror(nullptr);
    QVERIFY(view.text().isEmpty());
    QVERIFY(view.shownText().isEmpty());
    QVERIFY(editor->toPlainText().isEmpty());
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

void tst_PythonMirrorView::hiddenViewCatchesUpWhenShown()
{
    PythonMirror mirror(SessionKind::TcpClient, 1024);
    PythonMirrorView view;
    view.setMirror(&mirror, QStringLiteral("client"));
    mirror.append(trafficEvent(EventType::Connecting));
    mirror.append(trafficEvent(EventType::Connected));
    QTRY_VERIFY(view.text().contains(QLatin1String("sock.connect(")));
    // Hidden, the view builds no text for nobody...
    QTest::qWait(200);
    QVERIFY(view.shownText().isEmpty());
    // ...and shows the whole code the moment it is shown.
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    QCOMPARE(view.shownText(), mirror.script());
    auto *editor = view.findChild<QPlainTextEdit *>(QStringLiteral("mirrorEditor"));
    QCOMPARE(editor->toPlainText(), mirror.script());
}

void tst_PythonMirrorView::addedLinesKeepTheSelection()
{
    PythonMirror mirror(SessionKind::TcpClient, 1024);
    PythonMirrorView view;
    view.setMirror(&mirror, QStringLiteral("client"));
    view.show();
    mirror.append(trafficEvent(EventType::Connecting));
    mirror.append(trafficEvent(EventType::Connected));
    QTRY_VERIFY(view.shownText().contains(QLatin1String("sock.connect(")));

    // The instructor selects the connect() line to point at it...
    auto *editor = view.findChild<QPlainTextEdit *>(QStringLiteral("mirrorEditor"));
    const QString line = QStringLiteral("sock.connect(('127.0.0.1', 1337))");
    QVERIFY(selectText(editor, line));

    // ...while the session goes on.
    TrafficEvent sent = trafficEvent(EventType::Sent);
    sent.payload = "Hello world!";
    mirror.append(sent);
    QTRY_VERIFY(view.shownText().contains(QLatin1String("Hello world!")));
    QCOMPARE(editor->toPlainText(), mirror.script());
    QCOMPARE(editor->textCursor().selectedText(), line);
}

void tst_PythonMirrorView::rewrittenLastLinesKeepTheSelection()
{
    PythonMirror mirror(SessionKind::TcpClient, 1024);
    PythonMirrorView view;
    view.setMirror(&mirror, QStringLiteral("client"));
    view.show();
    mirror.append(trafficEvent(EventType::Connecting));
    mirror.append(trafficEvent(EventType::Connected));
    TrafficEvent sent = trafficEvent(EventType::Sent);
    sent.payload = "Hello world!";
    mirror.append(sent);
    const QString once = QStringLiteral("sock.send(\"Hello world!\".encode())");
    QTRY_VERIFY(view.shownText().contains(once));

    auto *editor = view.findChild<QPlainTextEdit *>(QStringLiteral("mirrorEditor"));
    const QString line = QStringLiteral("sock.connect(('127.0.0.1', 1337))");
    QVERIFY(selectText(editor, line));

    // The same send again folds both into one loop: the last lines are rewritten, not
    // added to. Only they are replaced; the line pointed at above stays selected.
    mirror.append(sent);
    QTRY_VERIFY(editor->toPlainText().contains(QLatin1String("range(2)")));
    QCOMPARE(editor->toPlainText().count(once), 1);
    QCOMPARE(editor->toPlainText(), mirror.script());
    QCOMPARE(editor->textCursor().selectedText(), line);
    QVERIFY(!editor->document()->isUndoAvailable());
}

void tst_PythonMirrorView::codeFontFollowsTheWindowFont()
{
    PythonMirrorView view;
    auto *editor = view.findChild<QPlainTextEdit *>(QStringLiteral("mirrorEditor"));
    QFont big = view.font();
    big.setPointSizeF(30);
    view.setFont(big);
    QCOMPARE(editor->font().pointSizeF(), 30.0);
    QCOMPARE(editor->font().family(), QFontDatabase::systemFont(QFontDatabase::FixedFont).family());
}

QTEST_MAIN(tst_PythonMirrorView)
#include "tst_pythonmirrorview.moc"

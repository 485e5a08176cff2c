#include "sendbox.h"

#include <QAction>
#include <QComboBox>
#include <QLabel>
#include <QPaintEvent>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QTest>

class tst_SendBox : public QObject
{
    Q_OBJECT

private slots:
    void encodesInput_data();
    void encodesInput();
    void defaultsSendTextExactly();
    void invalidHexBlocksSending();
    void settingChangesRevalidate();
    void ctrlEnterSendsEnterInsertsNewline_data();
    void ctrlEnterSendsEnterInsertsNewline();
    void ctrlEnterBeatsAWindowShortcut();
    void buttonSendsAndKeepsTextSelected();
    void targetTextOnButton();
    void disabledButtonNamesNoTarget();
    void focusGoesToTheEditor();
    void historyRestoresEntriesAndDraft();
    void historyRestoresModeAndEnding();
    void historyArrowsMoveInsideMultiLineText();
    void historySkipsRepeatsAndIsBounded();
    void disabledWithReason();
    void changedPlaceholderIsRepainted();
    void labelsShowInputLiterally();
    void editorFontFollowsTheBoxFont();

private:
    // A shown box with the focus in its editor, as a user has it.
    struct Fixture
    {
        SendBox box;
        QPlainTextEdit *editor = nullptr;
        QPushButton *button = nullptr;
        QLabel *errorLabel = nullptr;
        QLabel *previewLabel = nullptr;

        Fixture()
        {
            box.setSendingAllowed(true);
            box.resize(600, 120);
            box.show();
            editor = box.findChild<QPlainTextEdit *>(QStringLiteral("sendEditor"));
            button = box.findChild<QPushButton *>(QStringLiteral("sendButton"));
            errorLabel = box.findChild<QLabel *>(QStringLiteral("errorLabel"));
            previewLabel = box.findChild<QLabel *>(QStringLiteral("previewLabel"));
            editor->setFocus();
        }
    };

    static void sendTyped(Fixture &f, const QString &text)
    {
        f.box.setText(text);
        QVERIFY(f.box.trySend());
    }
};

void tst_SendBox::encodesInput_data()
{
    QTest::addColumn<QString>("input");
    QTest::addColumn<InputMode>("mode");
    QTest::addColumn<LineEnding>("ending");
    QTest::addColumn<QByteArray>("expected");

    QTest::newRow("text, no ending: send('Hello world!'.encode())")
        << QStringLiteral("Hello world!") << InputMode::Text << LineEnding::None
        << QByteArray("Hello world!");
    QTest::newRow("text is UTF-8") << QStringLiteral("h\u00e9") << InputMode::Text
                                   << LineEnding::None << QByteArray("h\xc3\xa9");
    QTest::newRow("text keeps a no-break space")
        << QStringLiteral("a\u00a0b") << InputMode::Text << LineEnding::None
        << QByteArray("a\xc2\xa0"
                      "b");
    QTest::newRow("text with LF") << QStringLiteral("hi") << InputMode::Text << LineEnding::Lf
                                  << QByteArray("hi\n");
    QTest::newRow("hex 48 65 6c") << QStringLiteral("48 65 6c") << InputMode::Hex
                                  << LineEnding::None << QByteArray("Hel");
    QTest::newRow("escapes with CRLF") << QStringLiteral("GET /\\tx\\x00") << InputMode::Escapes
                                       << LineEnding::CrLf << QByteArray("GET /\tx\0\r\n", 10);
    QTest::newRow("empty text is zero bytes")
        << QString() << InputMode::Text << LineEnding::None << QByteArray();
}

void tst_SendBox::encodesInput()
{
    QFETCH(QString, input);
    QFETCH(InputMode, mode);
    QFETCH(LineEnding, ending);
    QFETCH(QByteArray, expected);

    Fixture f;
    QSignalSpy spy(&f.box, &SendBox::sendRequested);
    f.box.setInputMode(mode);
    f.box.setLineEnding(ending);
    f.box.setText(input);
    QVERIFY2(f.box.inputError().isEmpty(), qPrintable(f.box.inputError()));
    QVERIFY(f.button->isEnabled());
    QVERIFY(f.box.trySend());
    QCOMPARE(spy.count(), 1);
    QCOMPARE(spy.at(0).at(0).toByteArray(), expected);
    QCOMPARE(f.box.text(), input);
}

void tst_SendBox::defaultsSendTextExactly()
{
    // The lesson's send("Hello world!".encode()) sends no line ending.
    SendBox box;
    QCOMPARE(box.inputMode(), InputMode::Text);
    QCOMPARE(box.lineEnding(), LineEnding::None);
    QVERIFY(!box.isSendingAllowed());
}

void tst_SendBox::invalidHexBlocksSending()
{
    Fixture f;
    QSignalSpy spy(&f.box, &SendBox::sendRequested);
    f.box.setInputMode(InputMode::Hex);
    QTest::keyClicks(f.editor, QStringLiteral("48 6g"));

    QVERIFY(!f.box.inputError().isEmpty());
    QVERIFY2(f.box.inputError().contains(QLatin1String("hex digit")),
             qPrintable(f.box.inputError()));
    QVERIFY(f.errorLabel->isVisible());
    QVERIFY(!f.previewLabel->isVisible());
    QVERIFY(f.errorLabel->text().contains(f.box.inputError()));
    QVERIFY(!f.button->isEnabled());
    QVERIFY(f.button->toolTip().contains(f.box.inputError()));

    QVERIFY(!f.box.trySend());
    QTest::keyClick(f.editor, Qt::Key_Return, Qt::ControlModifier);
    QTest::mouseClick(f.button, Qt::LeftButton);
    QCOMPARE(spy.count(), 0);
    QCOMPARE(f.box.text(), QStringLiteral("48 6g"));
    QVERIFY(f.box.history().isEmpty());

    // Fixing it clears the error and allows sending.
    QTest::keyClick(f.editor, Qt::Key_Backspace);
    QTest::keyClicks(f.editor, QStringLiteral("c"));
    QVERIFY(f.box.inputError().isEmpty());
    QVERIFY(!f.errorLabel->isVisible());
    QVERIFY(f.previewLabel->isVisible());
    QVERIFY(f.button->isEnabled());
    QVERIFY(f.box.trySend());
    QCOMPARE(spy.count(), 1);
    QCOMPARE(spy.at(0).at(0).toByteArray(), QByteArray("Hl"));
}

void tst_SendBox::settingChangesRevalidate()
{
    Fixture f;
    f.box.setText(QStringLiteral("zz"));
    QVERIFY(f.box.inputError().isEmpty());
    f.box.setInputMode(InputMode::Hex);
    QVERIFY(!f.box.inputError().isEmpty());
    QVERIFY(!f.button->isEnabled());
    f.box.setInputMode(InputMode::Text);
    QVERIFY(f.box.inputError().isEmpty());
    QVERIFY(f.button->isEnabled());

    // The preview follows the line ending.
    f.box.setLineEnding(LineEnding::CrLf);
    QCOMPARE(f.previewLabel->text(), QStringLiteral("4 bytes: b'zz\\r\\n'"));
}

void tst_SendBox::ctrlEnterSendsEnterInsertsNewline_data()
{
    QTest::addColumn<int>("key");
    QTest::addColumn<Qt::KeyboardModifiers>("modifiers");
    QTest::newRow("Ctrl+Return") << int(Qt::Key_Return)
                                 << Qt::KeyboardModifiers(Qt::ControlModifier);
    QTest::newRow("Ctrl+Enter (keypad)")
        << int(Qt::Key_Enter) << Qt::KeyboardModifiers(Qt::ControlModifier | Qt::KeypadModifier);
}

void tst_SendBox::ctrlEnterSendsEnterInsertsNewline()
{
    QFETCH(int, key);
    QFETCH(Qt::KeyboardModifiers, modifiers);

    Fixture f;
    QSignalSpy spy(&f.box, &SendBox::sendRequested);
    QTest::keyClicks(f.editor, QStringLiteral("one"));
    QTest::keyClick(f.editor, Qt::Key_Return);
    QTest::keyClick(f.editor, Qt::Key_Enter, Qt::KeypadModifier);
    QTest::keyClicks(f.editor, QStringLiteral("two"));
    QCOMPARE(spy.count(), 0);
    QCOMPARE(f.box.text(), QStringLiteral("one\n\ntwo"));

    QTest::keyClick(f.editor, Qt::Key(key), modifiers);
    QCOMPARE(spy.count(), 1);
    QCOMPARE(spy.at(0).at(0).toByteArray(), QByteArray("one\n\ntwo"));
    QCOMPARE(f.box.text(), QStringLiteral("one\n\ntwo"));
}

void tst_SendBox::ctrlEnterBeatsAWindowShortcut()
{
    QWidget window;
    auto box = new SendBox(&window);
    box->setSendingAllowed(true);
    QAction windowAction(&window);
    windowAction.setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Return));
    window.addAction(&windowAction);
    window.show();
    QVERIFY(QTest::qWaitForWindowActive(&window));
    box->setFocus();
    QSignalSpy sent(box, &SendBox::sendRequested);
    QSignalSpy triggered(&windowAction, &QAction::triggered);
    QTest::keyClick(box->findChild<QPlainTextEdit *>(), Qt::Key_Return, Qt::ControlModifier);
    QCOMPARE(sent.count(), 1);
    QCOMPARE(triggered.count(), 0);
}

void tst_SendBox::buttonSendsAndKeepsTextSelected()
{
    Fixture f;
    QSignalSpy spy(&f.box, &SendBox::sendRequested);
    QTest::keyClicks(f.editor, QStringLiteral("Hello"));
    QTest::mouseClick(f.button, Qt::LeftButton);
    QCOMPARE(spy.count(), 1);
    QCOMPARE(spy.at(0).at(0).toByteArray(), QByteArray("Hello"));
    QCOMPARE(f.box.text(), QStringLiteral("Hello"));
    QCOMPARE(f.editor->textCursor().selectedText(), QStringLiteral("Hello"));
    QCOMPARE(f.box.history(), QStringList{QStringLiteral("Hello")});

    // Typing replaces the selected text.
    QTest::keyClicks(f.editor, QStringLiteral("Bye"));
    QCOMPARE(f.box.text(), QStringLiteral("Bye"));
}

void tst_SendBox::targetTextOnButton()
{
    Fixture f;
    QCOMPARE(f.button->text(), QStringLiteral("Send"));
    f.box.setTargetText(QStringLiteral("#1 127.0.0.1:54321"));
    QCOMPARE(f.button->text(), QStringLiteral("Send to #1 127.0.0.1:54321"));
    f.box.setTargetText(QString());
    QCOMPARE(f.button->text(), QStringLiteral("Send"));
}

void tst_SendBox::disabledButtonNamesNoTarget()
{
    // "Send to the 1 connection" on a disabled button, with that connection closed, said
    // the opposite of the connection list.
    Fixture f;
    f.box.setTargetText(QStringLiteral("the 1 connection"));
    f.box.setSendingAllowed(false, QStringLiteral("Every connection is closed"));
    QVERIFY(!f.button->isEnabled());
    QCOMPARE(f.button->text(), QStringLiteral("Send"));
    f.box.setSendingAllowed(true);
    QCOMPARE(f.button->text(), QStringLiteral("Send to the 1 connection"));
}

void tst_SendBox::focusGoesToTheEditor()
{
    // Panels put the focus in the send box after Connect or Bind: it must reach the
    // editor, where the message is typed.
    Fixture f;
    f.button->setFocus();
    QCOMPARE(f.box.focusWidget(), f.button);
    f.box.setFocus();
    QCOMPARE(f.box.focusWidget(), f.editor);
    QCOMPARE(f.box.focusProxy(), f.editor);
}

void tst_SendBox::historyRestoresEntriesAndDraft()
{
    Fixture f;
    sendTyped(f, QStringLiteral("first"));
    sendTyped(f, QStringLiteral("second"));
    QCOMPARE(f.box.history(), (QStringList{QStringLiteral("first"), QStringLiteral("second")}));

    // "second" is still selected after the send; typing replaces it with the draft.
    QTest::keyClicks(f.editor, QStringLiteral("draft"));
    QCOMPARE(f.box.text(), QStringLiteral("draft"));

    QTest::keyClick(f.editor, Qt::Key_Up);
    QCOMPARE(f.box.text(), QStringLiteral("second"));
    QTest::keyClick(f.editor, Qt::Key_Up);
    QCOMPARE(f.box.text(), QStringLiteral("first"));
    QTest::keyClick(f.editor, Qt::Key_Up); // the oldest stays
    QCOMPARE(f.box.text(), QStringLiteral("first"));
    QTest::keyClick(f.editor, Qt::Key_Down);
    QCOMPARE(f.box.text(), QStringLiteral("second"));
    QTest::keyClick(f.editor, Qt::Key_Down);
    QCOMPARE(f.box.text(), QStringLiteral("draft"));
    QTest::keyClick(f.editor, Qt::Key_Down); // nothing newer than the draft
    QCOMPARE(f.box.text(), QStringLiteral("draft"));

    // Right after a send, the first Up skips the entry still in the editor.
    sendTyped(f, QStringLiteral("third"));
    QTest::keyClick(f.editor, Qt::Key_Up);
    QCOMPARE(f.box.text(), QStringLiteral("second"));

    // Editing a recalled entry makes it the new draft: nothing typed is lost.
    QTest::keyClicks(f.editor, QStringLiteral("!"));
    QTest::keyClick(f.editor, Qt::Key_Up);
    QCOMPARE(f.box.text(), QStringLiteral("third"));
    QTest::keyClick(f.editor, Qt::Key_Down);
    QCOMPARE(f.box.text(), QStringLiteral("second!"));
}

void tst_SendBox::historyRestoresModeAndEnding()
{
    Fixture f;
    QSignalSpy spy(&f.box, &SendBox::sendRequested);
    f.box.setInputMode(InputMode::Hex);
    f.box.setLineEnding(LineEnding::CrLf);
    sendTyped(f, QStringLiteral("48 69"));
    f.box.setInputMode(InputMode::Text);
    f.box.setLineEnding(LineEnding::None);
    f.box.setText(QStringLiteral("draft"));

    QTest::keyClick(f.editor, Qt::Key_Up);
    QCOMPARE(f.box.text(), QStringLiteral("48 69"));
    QCOMPARE(f.box.inputMode(), InputMode::Hex);
    QCOMPARE(f.box.lineEnding(), LineEnding::CrLf);
    QTest::keyClick(f.editor, Qt::Key_Return, Qt::ControlModifier);
    QCOMPARE(spy.count(), 2);
    QCOMPARE(spy.at(1).at(0).toByteArray(), QByteArray("Hi\r\n"));

    QTest::keyClick(f.editor, Qt::Key_Up); // the same entry: nothing older
    QTest::keyClick(f.editor, Qt::Key_Down);
    QCOMPARE(f.box.text(), QStringLiteral("48 69"));
}

void tst_SendBox::historyArrowsMoveInsideMultiLineText()
{
    Fixture f;
    sendTyped(f, QStringLiteral("old"));
    f.box.setText(QStringLiteral("line 1\nline 2"));
    f.editor->moveCursor(QTextCursor::End);

    QTest::keyClick(f.editor, Qt::Key_Up); // to line 1: still the draft
    QCOMPARE(f.box.text(), QStringLiteral("line 1\nline 2"));
    QCOMPARE(f.editor->textCursor().blockNumber(), 0);
    QTest::keyClick(f.editor, Qt::Key_Up); // in the first line: history
    QCOMPARE(f.box.text(), QStringLiteral("old"));
    QTest::keyClick(f.editor, Qt::Key_Down);
    QCOMPARE(f.box.text(), QStringLiteral("line 1\nline 2"));
}

void tst_SendBox::historySkipsRepeatsAndIsBounded()
{
    Fixture f;
    sendTyped(f, QStringLiteral("same"));
    sendTyped(f, QStringLiteral("same"));
    QCOMPARE(f.box.history().size(), 1);
    f.box.setInputMode(InputMode::Escapes);
    sendTyped(f, QStringLiteral("same")); // other bytes could result: a new entry
    QCOMPARE(f.box.history().size(), 2);

    for (int i = 0; i < SendBox::MaxHistory + 10; ++i)
        sendTyped(f, QString::number(i));
    const QStringList history = f.box.history();
    QCOMPARE(history.size(), SendBox::MaxHistory);
    QCOMPARE(history.first(), QString::number(10));
    QCOMPARE(history.last(), QString::number(SendBox::MaxHistory + 9));
}

void tst_SendBox::disabledWithReason()
{
    Fixture f;
    QSignalSpy spy(&f.box, &SendBox::sendRequested);
    const QString reason = QStringLiteral("Not connected: click Connect first");
    f.box.setSendingAllowed(false, reason);
    QTest::keyClicks(f.editor, QStringLiteral("typed before connecting"));

    QVERIFY(!f.box.isSendingAllowed());
    QVERIFY(!f.button->isEnabled());
    QCOMPARE(f.button->toolTip(), reason);
    QCOMPARE(f.editor->placeholderText(), reason);
    QVERIFY(!f.box.trySend());
    QTest::keyClick(f.editor, Qt::Key_Return, Qt::ControlModifier);
    QCOMPARE(spy.count(), 0);
    QCOMPARE(f.box.text(), QStringLiteral("typed before connecting"));

    f.box.setSendingAllowed(true);
    QVERIFY(f.button->isEnabled());
    QVERIFY(f.editor->placeholderText() != reason);
    QTest::keyClick(f.editor, Qt::Key_Return, Qt::ControlModifier);
    QCOMPARE(spy.count(), 1);
}

void tst_SendBox::changedPlaceholderIsRepainted()
{
    Fixture f;
    QVERIFY(QTest::qWaitForWindowExposed(&f.box));
    f.box.setSendingAllowed(false, QStringLiteral("Nobody is connected yet"));

    // Counts the editor's paints of the placeholder's place (the blinking cursor repaints
    // only its own thin rectangle): a new placeholder on an empty editor must be drawn.
    struct PaintCounter : QObject
    {
        int paints = 0;
        int width = 0;
        bool eventFilter(QObject *, QEvent *e) override
        {
            if (e->type() == QEvent::Paint
                && static_cast<QPaintEvent *>(e)->rect().width() >= width / 2)
                ++paints;
            return false;
        }
    } counter;
    counter.width = f.editor->viewport()->width();
    QTest::qWait(200); // every paint of showing the box is done
    f.editor->viewport()->installEventFilter(&counter);
    f.box.setSendingAllowed(true);
    QVERIFY(f.editor->placeholderText() != QStringLiteral("Nobody is connected yet"));
    QTRY_VERIFY(counter.paints > 0);
}

void tst_SendBox::labelsShowInputLiterally()
{
    Fixture f;
    f.box.setText(QStringLiteral("<b>x</b>"));
    QCOMPARE(f.previewLabel->textFormat(), Qt::PlainText);
    QCOMPARE(f.previewLabel->text(), QStringLiteral("8 bytes: b'<b>x</b>'"));
    QCOMPARE(f.errorLabel->textFormat(), Qt::PlainText);
}

void tst_SendBox::editorFontFollowsTheBoxFont()
{
    // A projector setting enlarges the application font: the editor must grow with it.
    Fixture f;
    QVERIFY(QFontInfo(f.editor->font()).fixedPitch());
    const qreal before = f.editor->font().pointSizeF();
    QFont font = f.box.font();
    font.setPointSizeF(font.pointSizeF() * 2);
    f.box.setFont(font);
    QVERIFY(f.editor->font().pointSizeF() > before);
    QCOMPARE(f.editor->font().pointSizeF(), font.pointSizeF());
    QVERIFY(QFontInfo(f.editor->font()).fixedPitch());
}

QTEST_MAIN(tst_SendBox)

#include "tst_sendbox.moc"

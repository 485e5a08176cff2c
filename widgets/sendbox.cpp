#include "sendbox.h"

#include "monospacefont.h"

#include <QComboBox>
#include <QEvent>
#include <QFormLayout>
#include <QGridLayout>
#include <QKeyEvent>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QTextCursor>
#include <QTextDocument>

#include <initializer_list>

namespace {

// The preview under the editor shows about this many characters of b'...': enough to check
// a message, cheap even when a megabyte is pasted.
constexpr int PreviewChars = 160;
// Lines the editor asks for: a short message plus room to see that it has a second line.
constexpr int EditorLines = 3;

// A plain text edit that asks for a few lines, not QPlainTextEdit's 256x192 default, so a
// panel's log keeps the space.
class SendEditor : public QPlainTextEdit
{
public:
    explicit SendEditor(QWidget *parent)
        : QPlainTextEdit(parent)
    {}

    QSize sizeHint() const override
    {
        return QSize(QPlainTextEdit::sizeHint().width(), heightFor(EditorLines));
    }
    QSize minimumSizeHint() const override
    {
        return QSize(QPlainTextEdit::minimumSizeHint().width(), heightFor(1));
    }

private:
    int heightFor(int lines) const
    {
        const QMargins margins = viewportMargins();
        return lines * fontMetrics().lineSpacing() + 2 * int(document()->documentMargin())
               + 2 * frameWidth() + margins.top() + margins.bottom();
    }
};

// Red that stays readable on light and dark palettes.
QColor errorColor(const QPalette &palette)
{
    return palette.color(QPalette::Base).lightness() < 128 ? QColor(0xff, 0x7b, 0x72)
                                                           : QColor(0xc0, 0x1c, 0x28);
}

} // namespace

SendBox::SendBox(QWidget *parent)
    : QWidget(parent)
{
    m_editor = new SendEditor(this);
    m_editor->setObjectName(QStringLiteral("sendEditor"));
    updateEditorFont();
    // Tab moves the focus, so the keyboard can reach the controls; a tab byte is \t in
    // Escapes mode.
    m_editor->setTabChangesFocus(true);
    m_editor->setAccessibleName(tr("Message to send"));
    m_editor->setToolTip(tr("What to send: the data in sock.send(data.encode()).\n"
                            "Ctrl+Enter sends; Enter starts a new line.\n"
                            "Up in the first line and Down in the last line browse what you "
                            "sent before."));
    m_editor->installEventFilter(this);

    m_modeBox = new QComboBox(this);
    m_modeBox->setObjectName(QStringLiteral("inputModeBox"));
    for (const InputMode mode : {InputMode::Text, InputMode::Hex, InputMode::Escapes})
        m_modeBox->addItem(inputModeName(mode), int(mode));
    m_modeBox->setToolTip(tr("How the typed text becomes bytes:\n"
                             "Text: UTF-8, as data.encode() does\n"
                             "Hex: two digits per byte, as bytes.fromhex('48 65 6c') does\n"
                             "Escapes: text with \\n \\r \\t \\\\ \\xHH, as in a Python string "
                             "literal"));

    m_endingBox = new QComboBox(this);
    m_endingBox->setObjectName(QStringLiteral("lineEndingBox"));
    for (const LineEnding ending : {LineEnding::None, LineEnding::Lf, LineEnding::CrLf})
        m_endingBox->addItem(lineEndingName(ending), int(ending));
    m_endingBox->setToolTip(
        tr("Added after the message.\n"
           "None: exactly what you typed, as sock.send(\"Hello world!\".encode()) sends it\n"
           "LF: adds b'\\n', for peers that read line by line (readline())\n"
           "CRLF: adds b'\\r\\n', as HTTP, SMTP and telnet expect"));

    auto modeLabel = new QLabel(tr("&Input:"), this);
    modeLabel->setBuddy(m_modeBox);
    modeLabel->setToolTip(m_modeBox->toolTip());
    auto endingLabel = new QLabel(tr("&Line end:"), this);
    endingLabel->setBuddy(m_endingBox);
    endingLabel->setToolTip(m_endingBox->toolTip());

    m_sendButton = new QPushButton(this);
    m_sendButton->setObjectName(QStringLiteral("sendButton"));

    // Labels show what the user typed: plain text, so "<b>" is never taken as markup.
    m_previewLabel = new QLabel(this);
    m_previewLabel->setObjectName(QStringLiteral("previewLabel"));
    m_previewLabel->setTextFormat(Qt::PlainText);
    m_previewLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);
    // A long preview is cut by the label's width instead of widening the panel.
    m_previewLabel->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    m_previewLabel->setToolTip(tr("The bytes Send passes to sock.send(), as Python prints them"));

    m_errorLabel = new QLabel(this);
    m_errorLabel->setObjectName(QStringLiteral("errorLabel"));
    m_errorLabel->setTextFormat(Qt::PlainText);
    m_errorLabel->setWordWrap(true);
    m_errorLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_errorLabel->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    m_errorLabel->setToolTip(
        tr("Why this input cannot be sent; nothing is sent until it is fixed"));
    QPalette errorPalette = m_errorLabel->palette();
    errorPalette.setColor(QPalette::WindowText, errorColor(errorPalette));
    m_errorLabel->setPalette(errorPalette);
    m_errorLabel->hide();

    auto controls = new QFormLayout;
    controls->setContentsMargins(0, 0, 0, 0);
    controls->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    controls->addRow(modeLabel, m_modeBox);
    controls->addRow(endingLabel, m_endingBox);
    controls->addRow(m_sendButton);

    auto layout = new QGridLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_editor, 0, 0);
    layout->addLayout(controls, 0, 1, Qt::AlignTop);
    // Preview and error share the row under the editor; one of them is always shown, so the
    // box keeps its height while the input turns valid and invalid.
    layout->addWidget(m_previewLabel, 1, 0, 1, 2);
    layout->addWidget(m_errorLabel, 1, 0, 1, 2);
    layout->setColumnStretch(0, 1);
    layout->setRowStretch(0, 1);

    connect(m_editor, &QPlainTextEdit::textChanged, this, [this] {
        // Typing over a recalled entry makes it the new entry; the old draft is not needed
        // because this text replaces it.
        if (!m_showingEntry)
            m_historyIndex = -1;
        validate();
    });
    const auto inputSettingChanged = [this] {
        if (!m_showingEntry)
            m_historyIndex = -1;
        validate();
        updatePlaceholder();
    };
    connect(m_modeBox, &QComboBox::currentIndexChanged, this, inputSettingChanged);
    connect(m_endingBox, &QComboBox::currentIndexChanged, this, inputSettingChanged);
    connect(m_sendButton, &QPushButton::clicked, this, [this] { trySend(); });

    setFocusProxy(m_editor);
    setSendingAllowed(m_sendingAllowed);
    validate();
}

InputMode SendBox::inputMode() const
{
    return InputMode(m_modeBox->currentData().toInt());
}

void SendBox::setInputMode(InputMode mode)
{
    m_modeBox->setCurrentIndex(m_modeBox->findData(int(mode)));
}

LineEnding SendBox::lineEnding() const
{
    return LineEnding(m_endingBox->currentData().toInt());
}

void SendBox::setLineEnding(LineEnding ending)
{
    m_endingBox->setCurrentIndex(m_endingBox->findData(int(ending)));
}

QString SendBox::text() const
{
    // toPlainText() would turn no-break spaces into spaces; what is typed is what is sent.
    QString text = m_editor->document()->toRawText();
    text.replace(QChar::ParagraphSeparator, u'\n');
    text.replace(QChar::LineSeparator, u'\n'); // Shift+Enter
    return text;
}

void SendBox::setText(const QString &text)
{
    m_editor->setPlainText(text);
    m_historyIndex = -1;
}

void SendBox::setTargetText(const QString &text)
{
    m_targetText = text;
    updateSendButton();
}

void SendBox::setSendingAllowed(bool allowed, const QString &reasonWhenNot)
{
    m_sendingAllowed = allowed;
    if (allowed)
        m_disabledReason.clear();
    else if (reasonWhenNot.isEmpty())
        m_disabledReason = tr("Nothing to send to yet");
    else
        m_disabledReason = reasonWhenNot;
    updateSendButton();
    updatePlaceholder();
}

QStringList SendBox::history() const
{
    QStringList texts;
    texts.reserve(m_history.size());
    for (const Entry &entry : m_history)
        texts.append(entry.text);
    return texts;
}

bool SendBox::trySend()
{
    validate();
    if (!m_inputError.isEmpty() || !m_sendingAllowed)
        return false; // the error label, or the button's tooltip, says why
    const Entry entry = currentEntry();
    const QByteArray bytes = encodePayload(entry.text, entry.mode, entry.ending).bytes;

    if (!entry.text.isEmpty() && (m_history.isEmpty() || !(m_history.constLast() == entry))) {
        m_history.append(entry);
        if (m_history.size() > MaxHistory)
            m_history.removeFirst();
    }
    m_historyIndex = -1;
    // The text stays, selected: people resend the same message, or type over it.
    m_editor->selectAll();

    // Last: a slot may close the panel and delete this box.
    emit sendRequested(bytes);
    return true;
}

bool SendBox::eventFilter(QObject *watched, QEvent *event)
{
    const bool keyPress = event->type() == QEvent::KeyPress;
    if (watched != m_editor || (!keyPress && event->type() != QEvent::ShortcutOverride))
        return QWidget::eventFilter(watched, event);

    const auto keyEvent = static_cast<QKeyEvent *>(event);
    const int key = keyEvent->key();
    const Qt::KeyboardModifiers modifiers = keyEvent->modifiers() & ~Qt::KeypadModifier;
    if ((key == Qt::Key_Return || key == Qt::Key_Enter) && modifiers == Qt::ControlModifier) {
        // Claimed before shortcuts are looked up: a window-wide Ctrl+Enter must not take
        // the send away from the box that has the focus.
        if (keyPress)
            trySend();
        event->accept();
        return true;
    }
    if (!keyPress)
        return QWidget::eventFilter(watched, event);
    if ((key == Qt::Key_Up || key == Qt::Key_Down) && modifiers == Qt::NoModifier) {
        // Inside a multi-line message the arrows move the cursor; only on the first (last)
        // visual line do they browse the history, as in a shell or IPython.
        QTextCursor cursor = m_editor->textCursor();
        cursor.clearSelection();
        const bool up = key == Qt::Key_Up;
        if (!cursor.movePosition(up ? QTextCursor::Up : QTextCursor::Down)) {
            recallHistory(up ? -1 : 1);
            return true;
        }
    }
    return QWidget::eventFilter(watched, event);
}

void SendBox::changeEvent(QEvent *event)
{
    QWidget::changeEvent(event);
    // The editor's own font does not follow ours: a bigger font for the projector must
    // reach it too.
    if (event->type() == QEvent::FontChange)
        updateEditorFont();
}

void SendBox::updateEditorFont()
{
    // Monospace, so hex columns and escapes line up, at the size of the rest of the box.
    m_editor->setFont(monospaceFontLike(font()));
}

void SendBox::validate()
{
    const QString input = text();
    const EncodeResult result = encodePayload(input, inputMode(), lineEnding());
    m_inputError = result.error;

    QList<QTextEdit::ExtraSelection> marks;
    if (result.ok()) {
        const QString shown = displayPayload(result.bytes, DisplayMode::PythonBytes, PreviewChars);
        if (result.bytes.isEmpty())
            m_previewLabel->setText(tr("Nothing to send yet: type the message above."));
        else
            m_previewLabel->setText(
                result.bytes.size() == 1
                    ? tr("1 byte: %1").arg(shown)
                    : tr("%1 bytes: %2").arg(QString::number(result.bytes.size()), shown));
        m_errorLabel->hide();
        m_previewLabel->show();
    } else {
        m_errorLabel->setText(tr("Cannot send: %1").arg(result.error));
        m_previewLabel->hide();
        m_errorLabel->show();
        if (result.errorPosition >= 0 && result.errorPosition < input.size()) {
            // Also mark the place in the text, for a long hex dump.
            QTextEdit::ExtraSelection mark;
            mark.cursor = QTextCursor(m_editor->document());
            mark.cursor.setPosition(result.errorPosition);
            mark.cursor.movePosition(QTextCursor::NextCharacter, QTextCursor::KeepAnchor);
            mark.format.setUnderlineStyle(QTextCharFormat::WaveUnderline);
            mark.format.setUnderlineColor(errorColor(palette()));
            QColor tint = errorColor(palette());
            tint.setAlpha(60);
            mark.format.setBackground(tint);
            marks.append(mark);
        }
    }
    m_editor->setExtraSelections(marks);

    // Setting a style sheet re-polishes the editor: only when the state changes.
    const QString border = result.ok() ? QString()
                                       : QStringLiteral("QPlainTextEdit { border: 2px solid %1; }")
                                             .arg(errorColor(palette()).name());
    if (m_editor->styleSheet() != border)
        m_editor->setStyleSheet(border);

    updateSendButton();
}

void SendBox::updateSendButton()
{
    // A target is only named while sending to it is allowed: "Send to the 1 connection"
    // on a disabled button, with that connection closed, contradicts the list.
    if (m_targetText.isEmpty() || !m_sendingAllowed) {
        m_sendButton->setText(tr("Send"));
    } else {
        // A target like "R&D lab" must not turn into a mnemonic.
        QString target = m_targetText;
        target.replace(u'&', QStringLiteral("&&"));
        m_sendButton->setText(tr("Send to %1").arg(target));
    }
    m_sendButton->setEnabled(m_sendingAllowed && m_inputError.isEmpty());
    if (!m_sendingAllowed)
        m_sendButton->setToolTip(m_disabledReason);
    else if (!m_inputError.isEmpty())
        m_sendButton->setToolTip(tr("Fix the input first: %1").arg(m_inputError));
    else
        m_sendButton->setToolTip(
            tr("Sends the bytes shown under the text, as sock.send(data.encode()) does "
               "(Ctrl+Enter)"));
}

void SendBox::updatePlaceholder()
{
    QString placeholder;
    if (!m_sendingAllowed) {
        placeholder = m_disabledReason;
    } else {
        switch (inputMode()) {
        case InputMode::Text:
            placeholder = tr("Hello world!    (Ctrl+Enter sends)");
            break;
        case InputMode::Hex:
            placeholder = tr("48 65 6c 6c 6f    (Ctrl+Enter sends)");
            break;
        case InputMode::Escapes:
            placeholder = tr("GET / HTTP/1.0\\r\\n\\r\\n    (Ctrl+Enter sends)");
            break;
        }
    }
    if (placeholder == m_editor->placeholderText())
        return;
    m_editor->setPlaceholderText(placeholder);
    // QPlainTextEdit repaints only when the placeholder appears or disappears, not when a
    // shown one changes: "Nobody is connected yet" would stay after a student connected.
    m_editor->viewport()->update();
}

void SendBox::recallHistory(int step)
{
    if (m_history.isEmpty())
        return;
    const int last = int(m_history.size()) - 1;
    int index = m_historyIndex;
    if (step < 0) {
        if (index == -1) {
            m_draft = currentEntry();
            index = last;
            // After a send its text is still in the editor: skip the entry it equals, or the
            // first Up would seem to do nothing.
            if (index > 0 && m_history.at(index) == m_draft)
                --index;
        } else if (index > 0) {
            --index;
        } else {
            return; // already the oldest
        }
    } else {
        if (index == -1)
            return; // already the new entry
        ++index;
        if (index == last && m_history.at(index) == m_draft)
            ++index;
        if (index > last)
            index = -1;
    }
    showEntry(index == -1 ? m_draft : m_history.at(index));
    m_historyIndex = index;
}

SendBox::Entry SendBox::currentEntry() const
{
    return Entry{text(), inputMode(), lineEnding()};
}

void SendBox::showEntry(const Entry &entry)
{
    m_showingEntry = true;
    setInputMode(entry.mode);
    setLineEnding(entry.ending);
    m_editor->setPlainText(entry.text);
    m_showingEntry = false;
    m_editor->moveCursor(QTextCursor::End);
    validate();
}

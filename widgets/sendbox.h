#pragma once

#include "payloadcodec.h"

#include <QList>
#include <QStringList>
#include <QWidget>

class QComboBox;
class QLabel;
class QPlainTextEdit;
class QPushButton;

// The send box every panel shares: what to send (text, hex or escapes, plus a line
// ending), checked as you type, sent with the Send button or Ctrl+Enter, with a history
// on Up/Down. Invalid input is marked inline with its reason and nothing is sent.
class SendBox : public QWidget
{
    Q_OBJECT

public:
    explicit SendBox(QWidget *parent = nullptr);

    InputMode inputMode() const;
    void setInputMode(InputMode mode);
    LineEnding lineEnding() const;
    void setLineEnding(LineEnding ending);
    QString text() const;
    void setText(const QString &text);

    // Whom a send goes to ("#1 127.0.0.1:54321", "all 3 connections"), on the button while
    // sending is allowed.
    void setTargetText(const QString &text);
    // With nobody to send to, sending is disabled and the reason is the tooltip.
    void setSendingAllowed(bool allowed, const QString &reasonWhenNot = QString());
    bool isSendingAllowed() const { return m_sendingAllowed; }
    // The reason shown for the current input, empty when it is valid.
    QString inputError() const { return m_inputError; }
    // What was sent, oldest first (at most MaxHistory entries, no consecutive repeats).
    QStringList history() const;

    // Enough for a lesson; bounded so a long session does not grow without limit.
    static constexpr int MaxHistory = 100;

    // Encodes the input; emits sendRequested() and returns true when it is valid and
    // sending is allowed, else marks the problem inline and returns false.
    bool trySend();

signals:
    void sendRequested(const QByteArray &bytes);

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;
    void changeEvent(QEvent *event) override;

private:
    // What one history step restores: the text with the mode and ending it was sent with,
    // so a recalled hex entry is sent as hex again.
    struct Entry
    {
        QString text;
        InputMode mode = InputMode::Text;
        LineEnding ending = LineEnding::None;

        bool operator==(const Entry &other) const
        {
            return text == other.text && mode == other.mode && ending == other.ending;
        }
    };

    void validate();
    void updateSendButton();
    void updatePlaceholder();
    void updateEditorFont();
    void recallHistory(int step);
    Entry currentEntry() const;
    void showEntry(const Entry &entry);

    QPlainTextEdit *m_editor = nullptr;
    QComboBox *m_modeBox = nullptr;
    QComboBox *m_endingBox = nullptr;
    QPushButton *m_sendButton = nullptr;
    QLabel *m_errorLabel = nullptr;
    QLabel *m_previewLabel = nullptr; // what will be sent, as b'...', while the input is valid
    QString m_targetText;
    QString m_inputError;
    QString m_disabledReason;
    bool m_sendingAllowed = false;
    QList<Entry> m_history;
    int m_historyIndex = -1;     // -1: editing a new entry
    Entry m_draft;               // the new entry while browsing the history
    bool m_showingEntry = false; // the text changes because of showEntry(), not typing
};

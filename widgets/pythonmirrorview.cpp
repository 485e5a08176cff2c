#include "pythonmirrorview.h"

#include "monospacefont.h"
#include "pythonmirror.h"

#include <QApplication>
#include <QClipboard>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QLabel>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QScrollBar>
#include <QTextCursor>
#include <QVBoxLayout>

#include <algorithm>

PythonMirrorView::PythonMirrorView(QWidget *parent)
    : QWidget(parent)
{
    m_titleLabel = new QLabel(this);
    m_titleLabel->setTextFormat(Qt::PlainText);
    m_titleLabel->setWordWrap(true);
    m_editor = new QPlainTextEdit(this);
    m_editor->setObjectName(QStringLiteral("mirrorEditor"));
    m_editor->setReadOnly(true);
    // Read-only: an undo history would only keep a copy of every text replaced.
    m_editor->setUndoRedoEnabled(false);
    m_editor->setLineWrapMode(QPlainTextEdit::NoWrap);
    m_editor->setFont(monospaceFontLike(font()));
    m_editor->setToolTip(tr("The Python code that does what this tab has done so far, in the "
                            "lesson's own calls, with the real values as comments"));
    m_copyButton = new QPushButton(tr("Copy"), this);
    m_copyButton->setObjectName(QStringLiteral("copyMirrorButton"));
    m_copyButton->setToolTip(tr("Copy the code to the clipboard"));
    m_saveButton = new QPushButton(tr("Save as .py…"), this);
    m_saveButton->setObjectName(QStringLiteral("saveMirrorButton"));
    m_saveButton->setToolTip(tr("Save the code as a Python script, to run it with python3"));

    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_copyButton);
    buttons->addWidget(m_saveButton);
    buttons->addStretch(1);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addWidget(m_titleLabel);
    layout->addWidget(m_editor, 1);
    layout->addLayout(buttons);

    connect(m_copyButton, &QPushButton::clicked, this, &PythonMirrorView::copyToClipboard);
    connect(m_saveButton, &QPushButton::clicked, this, &PythonMirrorView::saveAs);
    setMirror(nullptr);
}

void PythonMirrorView::setMirror(PythonMirror *mirror, const QString &sessionTitle)
{
    m_titleLabel->setText(mirror ? tr("Python for %1").arg(sessionTitle)
                                 : tr("Open a tab to see the Python code it stands for."));
    // The same mirror under a new tab title (a class connecting renames the tab with each
    // connection): only the heading changes; the code is rebuilt when the mirror says so.
    if (mirror && mirror == m_mirror)
        return;
    if (m_mirror)
        m_mirror->disconnect(this);
    m_mirror = mirror;
    if (mirror)
        connect(mirror, &PythonMirror::changed, this, &PythonMirrorView::refresh);
    refresh();
}

QString PythonMirrorView::text() const
{
    return m_mirror ? m_mirror->script() : QString();
}

void PythonMirrorView::refresh()
{
    // Hidden behind another lesson view, or the dock closed: a flood would rebuild the
    // text 20 times a second for nobody. showEvent() catches up.
    if (!isVisible()) {
        m_stale = true;
        return;
    }
    m_stale = false;
    const QString script = m_mirror ? m_mirror->script() : QString();
    m_copyButton->setEnabled(!script.isEmpty());
    m_saveButton->setEnabled(!script.isEmpty());
    if (script == m_shownScript)
        return;
    // New lines come at the end: follow them if the reader was at the end already.
    QScrollBar *bar = m_editor->verticalScrollBar();
    const bool following = bar->value() == bar->maximum();
    const int position = bar->value();
    // Only what changed is replaced: usually lines added at the end, or the last lines
    // rewritten (reads folded into a loop, the count of events a stopped mirror left out).
    // Replacing the whole text of a long script instead costs a visible stall each time.
    const auto mismatch = std::mismatch(script.cbegin(),
                                        script.cend(),
                                        m_shownScript.cbegin(),
                                        m_shownScript.cend());
    const int common = int(mismatch.first - script.cbegin());
    if (common == 0) {
        m_editor->setPlainText(script); // another tab's code, or a new header
    } else {
        // What the instructor selected to point at above the change stays selected.
        QTextCursor tail(m_editor->document());
        tail.setPosition(common);
        tail.movePosition(QTextCursor::End, QTextCursor::KeepAnchor);
        tail.insertText(script.mid(common));
    }
    m_shownScript = script;
    bar->setValue(following ? bar->maximum() : position);
}

void PythonMirrorView::showEvent(QShowEvent *event)
{
    QWidget::showEvent(event);
    if (m_stale)
        refresh();
}

void PythonMirrorView::changeEvent(QEvent *event)
{
    QWidget::changeEvent(event);
    // The code's monospace font is the editor's own, so it must be told when presentation
    // mode makes every font bigger.
    if (event->type() == QEvent::FontChange)
        m_editor->setFont(monospaceFontLike(font()));
}

void PythonMirrorView::copyToClipboard()
{
    QApplication::clipboard()->setText(text());
}

void PythonMirrorView::saveAs()
{
    if (!m_mirror)
        return;
    const QString path = QFileDialog::getSaveFileName(this,
                                                      tr("Save the Python code"),
                                                      tr("socket_lesson.py"),
                                                      tr("Python scripts (*.py)"));
    if (path.isEmpty())
        return;
    QString error;
    if (!m_mirror->save(path, &error))
        QMessageBox::warning(this, tr("Save the Python code"), error);
}

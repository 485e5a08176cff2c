#pragma once

#include "pythonmirror.h"

#include <QPointer>
#include <QWidget>

class QLabel;
class QPlainTextEdit;
class QPushButton;

// The lesson view beside a session: the Python code that does what the session has done
// so far, growing with every click, to copy or save as a .py file and run.
class PythonMirrorView : public QWidget
{
    Q_OBJECT

public:
    explicit PythonMirrorView(QWidget *parent = nullptr);

    // The mirror shown (the current tab's); nullptr shows a hint instead.
    void setMirror(PythonMirror *mirror, const QString &sessionTitle = QString());
    PythonMirror *mirror() const { return m_mirror; }
    // The code as the mirror has it now (what Copy copies), shown or not.
    QString text() const;
    // The code on screen: it lags text() while the view is hidden.
    QString shownText() const { return m_shownScript; }

protected:
    void showEvent(QShowEvent *event) override;
    void changeEvent(QEvent *event) override;

private:
    void refresh();
    void copyToClipboard();
    void saveAs();

    QPointer<PythonMirror> m_mirror;
    QLabel *m_titleLabel = nullptr;
    QPlainTextEdit *m_editor = nullptr;
    QPushButton *m_copyButton = nullptr;
    QPushButton *m_saveButton = nullptr;
    QString m_shownScript;
    bool m_stale = false; // the mirror changed while the view was hidden
};

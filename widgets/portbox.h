#pragma once

#include <QLineEdit>

// A port field that keeps what was typed. A QSpinBox drops a keystroke that would leave
// its range, so typing 70000 silently gives 7000 and the instructor connects to the wrong
// port; here the text stays as typed, the field turns red and says why, and the panel
// keeps its Listen, Connect or Bind button disabled until the text is a port.
class PortBox : public QLineEdit
{
    Q_OBJECT

public:
    explicit PortBox(QWidget *parent = nullptr);

    // 0 where it means "any free port" (listen, bind), 1 where a port must be named
    // (connect).
    int minimum() const { return m_minimum; }
    void setMinimum(int minimum);
    // The port typed. While the text is not a port, the last one that was: never a port
    // guessed from the text.
    quint16 value() const { return m_value; }
    void setValue(quint16 port);
    bool isValid() const { return m_error.isEmpty(); }
    // Why the text is not a port, or empty.
    QString errorString() const { return m_error; }
    // The tooltip while the text is a port; otherwise the tooltip says what is wrong.
    void setHelpText(const QString &text);

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

signals:
    // The text changed and was checked: see isValid() and value().
    void portChanged();

protected:
    void keyPressEvent(QKeyEvent *event) override;

private:
    void validate();

    int m_minimum = 0;
    quint16 m_value = 0;
    QString m_error;
    QString m_helpText;
};

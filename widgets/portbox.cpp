#include "portbox.h"

#include "invalidfield.h"

#include <QKeyEvent>
#include <QStyle>
#include <QStyleOptionFrame>

namespace {

constexpr int MaxPort = 65535;

} // namespace

PortBox::PortBox(QWidget *parent)
    : QLineEdit(parent)
{
    setInputMethodHints(Qt::ImhDigitsOnly);
    connect(this, &QLineEdit::textChanged, this, [this] {
        validate();
        emit portChanged();
    });
    setValue(0);
}

void PortBox::setMinimum(int minimum)
{
    Q_ASSERT(minimum >= 0 && minimum <= MaxPort);
    m_minimum = minimum;
    validate();
    emit portChanged();
}

void PortBox::setValue(quint16 port)
{
    const QString text = QString::number(port);
    if (text == this->text())
        return;
    setText(text); // validates through textChanged
}

void PortBox::setHelpText(const QString &text)
{
    m_helpText = text;
    if (isValid())
        setToolTip(m_helpText);
}

QSize PortBox::sizeHint() const
{
    // Room for "65535" and a little more, not QLineEdit's seventeen characters: the bind
    // row must still fit a 1024-pixel projector with a big font.
    ensurePolished();
    const QFontMetrics metrics(font());
    const QMargins margins = textMargins();
    // QLineEdit keeps 2 pixels either side of the text inside its frame.
    const QSize text(metrics.horizontalAdvance(QStringLiteral("0000000")) + margins.left()
                         + margins.right() + 4,
                     metrics.height());
    QStyleOptionFrame option;
    initStyleOption(&option);
    const int width = style()->sizeFromContents(QStyle::CT_LineEdit, &option, text, this).width();
    return QSize(width, QLineEdit::sizeHint().height());
}

QSize PortBox::minimumSizeHint() const
{
    return sizeHint();
}

void PortBox::keyPressEvent(QKeyEvent *event)
{
    // Up and Down step the port, as they did in the spin box this field replaces; on a text
    // that is not a port they do nothing, so they never replace what was typed.
    const bool up = event->key() == Qt::Key_Up;
    if ((up || event->key() == Qt::Key_Down) && event->modifiers() == Qt::NoModifier) {
        if (isValid()) {
            const int next = int(m_value) + (up ? 1 : -1);
            if (next >= m_minimum && next <= MaxPort)
                setValue(quint16(next));
        }
        event->accept();
        return;
    }
    QLineEdit::keyPressEvent(event);
}

void PortBox::validate()
{
    const QString typed = text().trimmed();
    const QString range = tr("a port is a number from %1 to %2").arg(m_minimum).arg(MaxPort);
    QString error;
    bool digits = !typed.isEmpty();
    for (const QChar c : typed)
        digits = digits && c >= u'0' && c <= u'9';
    if (typed.isEmpty()) {
        error = tr("Type a port: %1.").arg(range);
    } else if (!digits) {
        error = tr("\"%1\" is not a port: %2.").arg(typed, range);
    } else {
        // More than nine digits cannot be a port, and would not fit in an int.
        const int port = typed.size() <= 9 ? typed.toInt() : -1;
        if (port < m_minimum || port > MaxPort) {
            error = port == 0 ? tr("Port 0 cannot be connected to: %1.").arg(range)
                              : tr("%1 is not a port: %2.").arg(typed, range);
        } else {
            m_value = quint16(port);
        }
    }

    m_error = error;
    markInvalid(this, !error.isEmpty());
    setToolTip(error.isEmpty() ? m_helpText : error);
}

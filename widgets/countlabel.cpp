#include "countlabel.h"

#include <QEvent>

CountLabel::CountLabel(QWidget *parent)
    : QLabel(parent)
{
    setTextFormat(Qt::PlainText);
}

void CountLabel::setCountText(const QString &text)
{
    if (text == this->text())
        return;
    const bool shorter = text.size() < this->text().size();
    setText(text);
    fitToText(shorter);
}

void CountLabel::changeEvent(QEvent *event)
{
    QLabel::changeEvent(event);
    // Another font (presentation mode), style or margins; or a QLabel setter that knows
    // nothing of the fixed size: the text may need another size.
    if (event->type() == QEvent::FontChange || event->type() == QEvent::StyleChange
        || event->type() == QEvent::ContentsRectChange) {
        fitToText(true);
    }
}

void CountLabel::fitToText(bool mayShrink)
{
    // QLabel's size hint is never below its minimum size, so to find a smaller one the
    // label lets go of its size first. That costs a layout, which is why it is done only
    // when the text got shorter: a growing count keeps its size or grows. (The callers
    // have all made QLabel measure again: setText() and these events drop its cached hint.)
    if (mayShrink) {
        setMinimumSize(0, 0);
        setMaximumSize(QWIDGETSIZE_MAX, QWIDGETSIZE_MAX);
    }
    const QSize hint = sizeHint();
    if (minimumSize() != hint || maximumSize() != hint)
        setFixedSize(hint);
}

#include "adaptivesplitter.h"

#include <QEvent>
#include <QResizeEvent>

#include <algorithm>

AdaptiveSplitter::AdaptiveSplitter(QWidget *parent)
    : QSplitter(Qt::Horizontal, parent)
{}

int AdaptiveSplitter::sideBySideWidth() const
{
    int width = 0;
    for (int i = 0; i < count(); ++i) {
        const QWidget *side = widget(i);
        width += std::max(side->minimumSizeHint().width(), side->minimumWidth());
    }
    return width + std::max(0, count() - 1) * handleWidth();
}

QSize AdaptiveSplitter::minimumSizeHint() const
{
    // One above the other: as wide as the widest side, as tall as both.
    int width = 0;
    int height = 0;
    for (int i = 0; i < count(); ++i) {
        const QSize side = widget(i)->minimumSizeHint();
        width = std::max(width, side.width());
        height += side.height();
    }
    height += std::max(0, count() - 1) * handleWidth();
    return QSize(width, height);
}

void AdaptiveSplitter::chooseOrientation(int width)
{
    const Qt::Orientation wanted = width >= sideBySideWidth() ? Qt::Horizontal : Qt::Vertical;
    if (wanted == orientation())
        return;
    setOrientation(wanted);
    // The sizes were widths; as heights they could leave one side no room at all. Start
    // from an even split (the proportions are what count).
    setSizes(QList<int>(count(), 1000));
}

void AdaptiveSplitter::resizeEvent(QResizeEvent *event)
{
    chooseOrientation(event->size().width());
    QSplitter::resizeEvent(event);
}

bool AdaptiveSplitter::event(QEvent *event)
{
    // A bigger font makes the sides wider without resizing the splitter.
    if (event->type() == QEvent::LayoutRequest || event->type() == QEvent::FontChange)
        chooseOrientation(width());
    return QSplitter::event(event);
}

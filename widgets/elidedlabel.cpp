#include "elidedlabel.h"

#include <QPainter>
#include <QStyle>

namespace {

// Room enough for a first word and the "…".
constexpr int MinimumCharacters = 8;

} // namespace

ElidedLabel::ElidedLabel(QWidget *parent)
    : QLabel(parent)
{
    setTextFormat(Qt::PlainText);
    setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Preferred);
}

QSize ElidedLabel::minimumSizeHint() const
{
    const QMargins margins = contentsMargins();
    return QSize(fontMetrics().averageCharWidth() * MinimumCharacters + margins.left()
                     + margins.right(),
                 QLabel::minimumSizeHint().height());
}

QString ElidedLabel::shownText() const
{
    return fontMetrics().elidedText(text(), Qt::ElideRight, contentsRect().width());
}

void ElidedLabel::paintEvent(QPaintEvent *event)
{
    Q_UNUSED(event)
    QPainter painter(this);
    style()->drawItemText(&painter,
                          contentsRect(),
                          int(alignment()),
                          palette(),
                          isEnabled(),
                          shownText(),
                          foregroundRole());
}

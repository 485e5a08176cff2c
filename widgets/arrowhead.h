#pragma once

#include <QColor>
#include <QPainter>
#include <QPainterPath>
#include <QPointF>

// A filled arrowhead at tip, pointing along direction (a unit vector); its base is
// size * widthRatio to either side: the socket map's pulses and the timeline's arrows.
inline void drawArrowhead(QPainter &painter,
                          QPointF tip,
                          QPointF direction,
                          qreal size,
                          const QColor &color,
                          qreal widthRatio)
{
    const QPointF normal(-direction.y(), direction.x());
    const QPointF base = tip - direction * size;
    QPainterPath path;
    path.moveTo(tip);
    path.lineTo(base + normal * size * widthRatio);
    path.lineTo(base - normal * size * widthRatio);
    path.closeSubpath();
    painter.fillPath(path, color);
}

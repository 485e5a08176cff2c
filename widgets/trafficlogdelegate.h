#pragma once

#include "trafficevent.h"

#include <QFont>
#include <QFontMetrics>
#include <QStyledItemDelegate>

class QPalette;

// Paints the traffic log's cells: the Data column in a monospace font, sent and received
// rows in their own colours (the model's arrows say the same without colour), and every
// text, tooltips included, as plain text: received bytes are never taken as markup.
class TrafficLogDelegate : public QStyledItemDelegate
{
    Q_OBJECT

public:
    explicit TrafficLogDelegate(QObject *parent = nullptr);

    void setDataFont(const QFont &font) { m_dataFont = font; }
    QFont dataFont() const { return m_dataFont; }

    // Presentation mode: the strongest colours and bold traffic, for a washed-out
    // projector seen from the back of a room.
    void setHighContrast(bool on) { m_highContrast = on; }
    bool highContrast() const { return m_highContrast; }

    // The text colour of an event's row, or an invalid colour for the palette's own.
    static QColor colorFor(EventType type, const QPalette &palette, bool highContrast = false);
    // A tooltip that QToolTip shows literally, however much its text looks like HTML.
    static QString plainToolTip(const QString &text);
    // The Data column's text cut to what a cell `width` pixels wide can show in `metrics`
    // (with room to spare), ending in an ellipsis when cut. The model gives up to 512
    // characters; eliding and laying out all of them on every repaint is what a flood's
    // repaints spent most of their time on.
    static QString textForWidth(const QString &text, const QFontMetrics &metrics, int width);

    bool helpEvent(QHelpEvent *event,
                   QAbstractItemView *view,
                   const QStyleOptionViewItem &option,
                   const QModelIndex &index) override;

protected:
    void initStyleOption(QStyleOptionViewItem *option, const QModelIndex &index) const override;

private:
    QFont m_dataFont;
    bool m_highContrast = false;
};

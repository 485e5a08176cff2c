#include "trafficlogdelegate.h"

#include "trafficlogmodel.h"

#include <QAbstractItemView>
#include <QHelpEvent>
#include <QPalette>
#include <QToolTip>

TrafficLogDelegate::TrafficLogDelegate(QObject *parent)
    : QStyledItemDelegate(parent)
{}

QColor TrafficLogDelegate::colorFor(EventType type, const QPalette &palette, bool highContrast)
{
    // Two shades of each, so the colours stay readable on a dark palette and on a
    // projector's washed-out light one.
    const bool dark = palette.color(QPalette::Base).lightness() < 128;
    if (highContrast && !dark) {
        switch (type) {
        case EventType::Sent:
            return QColor(0x00, 0x2b, 0xd6);
        case EventType::Received:
            return QColor(0x00, 0x5a, 0x00);
        case EventType::Error:
            return QColor(0xb0, 0x00, 0x00);
        default:
            return QColor();
        }
    }
    switch (type) {
    case EventType::Sent:
        return dark ? QColor(0x79, 0xc0, 0xff) : QColor(0x0b, 0x4f, 0xb3);
    case EventType::Received:
        return dark ? QColor(0x7e, 0xe7, 0x87) : QColor(0x11, 0x6b, 0x2b);
    case EventType::Error:
        return dark ? QColor(0xff, 0x7b, 0x72) : QColor(0xc0, 0x1c, 0x28);
    default:
        return QColor();
    }
}

QString TrafficLogDelegate::plainToolTip(const QString &text)
{
    // QToolTip guesses rich text from the text itself (Qt::mightBeRichText): b'<b>x</b>'
    // would show a bold x. Escaped, in a pre-wrap paragraph, it shows as it is, spaces
    // included, and long payloads still wrap.
    return QStringLiteral("<p style=\"white-space:pre-wrap\">") + text.toHtmlEscaped()
           + QStringLiteral("</p>");
}

bool TrafficLogDelegate::helpEvent(QHelpEvent *event,
                                   QAbstractItemView *view,
                                   const QStyleOptionViewItem &option,
                                   const QModelIndex &index)
{
    if (event == nullptr || view == nullptr || event->type() != QEvent::ToolTip)
        return QStyledItemDelegate::helpEvent(event, view, option, index);
    const QString text = index.data(Qt::ToolTipRole).toString();
    if (text.isEmpty()) {
        QToolTip::hideText();
        event->ignore();
        return false;
    }
    QToolTip::showText(event->globalPos(), plainToolTip(text), view, option.rect);
    return true;
}

QString TrafficLogDelegate::textForWidth(const QString &text, const QFontMetrics &metrics, int width)
{
    if (width <= 0)
        return text;
    // Twice what fits in the font's own average width: narrower glyphs from a fallback
    // font still have enough text to fill the cell.
    const qsizetype fits = width / qMax(1, metrics.averageCharWidth()) + 1;
    const qsizetype keep = 2 * fits + 8;
    if (text.size() <= keep)
        return text;
    qsizetype cut = keep - 1;
    if (text.at(cut - 1).isHighSurrogate())
        --cut;
    // The ellipsis says the text goes on even when what is left happens to fit (zero-width
    // marks); when it does not fit, eliding takes it off and puts its own at the edge.
    return text.left(cut) + QChar(0x2026);
}

void TrafficLogDelegate::initStyleOption(QStyleOptionViewItem *option,
                                         const QModelIndex &index) const
{
    QStyledItemDelegate::initStyleOption(option, index);
    switch (index.column()) {
    case TrafficLogModel::Direction:
        // The arrow is what tells sent from received without colour: make it stand out.
        option->displayAlignment = Qt::AlignCenter;
        option->font.setBold(true);
        option->fontMetrics = QFontMetrics(option->font);
        break;
    case TrafficLogModel::Size:
        // Right-aligned sizes would touch the data next to them; an em space keeps them
        // apart (painting only: copies and exports take the model's number).
        if (!option->text.isEmpty())
            option->text += QChar(0x2003);
        break;
    case TrafficLogModel::Data:
        option->font = m_dataFont;
        option->fontMetrics = QFontMetrics(m_dataFont);
        if (option->textElideMode == Qt::ElideRight)
            option->text = textForWidth(option->text, option->fontMetrics, option->rect.width());
        break;
    default:
        // Time, connection and peer keep the palette's colour: colour marks the traffic,
        // not the whole row.
        return;
    }
    // A model that chooses its own colours wins.
    if (index.data(Qt::ForegroundRole).isValid())
        return;
    const auto type = EventType(index.data(TrafficLogModel::EventTypeRole).toInt());
    const QColor color = colorFor(type, option->palette, m_highContrast);
    if (color.isValid())
        option->palette.setColor(QPalette::Text, color);
    if (m_highContrast && color.isValid())
        option->font.setBold(true);
}

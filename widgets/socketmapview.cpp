#include "socketmapview.h"

#include "arrowhead.h"
#include "socketmapmodel.h"

#include <QLocale>
#include <QPaintEvent>
#include <QPainter>
#include <QPainterPath>
#include <QStringList>

#include <algorithm>
#include <cmath>

namespace {

// Half the arrowheads' base, in lengths of the head.
constexpr qreal ArrowWidth = 0.6;

constexpr int FrameIntervalMs = 16;
// Byte counts are secondary: a little smaller than the names.
constexpr qreal SmallTextScale = 0.85;
// Sent and received differ by the pulse's direction first; the colours only repeat it.
const QColor SentColor(0x1f, 0x6f, 0xd1);
const QColor ReceivedColor(0x1d, 0x9a, 0x3c);
const QColor ResetColor(0xd3, 0x2f, 0x2f);

QString stateText(SocketMapNode::State state)
{
    switch (state) {
    case SocketMapNode::State::Open:
        return SocketMapView::tr("open");
    case SocketMapNode::State::PeerFinished:
        return SocketMapView::tr("peer finished sending");
    case SocketMapNode::State::Closed:
        return SocketMapView::tr("closed");
    case SocketMapNode::State::Reset:
        return SocketMapView::tr("reset");
    }
    return QString();
}

// "12 B", "2.6 kB": short enough to sit above a line in a narrow panel.
QString byteCountText(qint64 bytes)
{
    return bytes < 1000 ? SocketMapView::tr("%1 B").arg(bytes)
                        : QLocale().formattedDataSize(bytes, 1, QLocale::DataSizeSIFormat);
}

// "21 B →  ← 2.6 kB": what this socket sent and received, arrows for the direction.
QString byteCountsText(const SocketMapNode &node)
{
    QStringList parts;
    if (node.bytesOut > 0)
        parts << SocketMapView::tr("%1 \u2192").arg(byteCountText(node.bytesOut));
    if (node.bytesIn > 0)
        parts << SocketMapView::tr("\u2190 %1").arg(byteCountText(node.bytesIn));
    return parts.join(QStringLiteral("  "));
}

bool isEnded(SocketMapNode::State state)
{
    return state == SocketMapNode::State::Closed || state == SocketMapNode::State::Reset;
}

} // namespace

SocketMapView::SocketMapView(QWidget *parent)
    : QWidget(parent)
{
    setAttribute(Qt::WA_OpaquePaintEvent);
    setBackgroundRole(QPalette::Base);
    m_pulseTimer.setInterval(FrameIntervalMs);
    connect(&m_pulseTimer, &QTimer::timeout, this, &SocketMapView::advancePulses);
    m_clock.start();
}

void SocketMapView::setModel(SocketMapModel *model)
{
    if (m_model)
        m_model->disconnect(this);
    m_model = model;
    m_pulses.clear();
    m_pulseTimer.stop();
    if (model) {
        connect(model, &SocketMapModel::changed, this, [this] { update(); });
        connect(model, &SocketMapModel::activity, this, &SocketMapView::startPulse);
    }
    update();
}

void SocketMapView::setLineWidthScale(qreal scale)
{
    m_lineWidthScale = std::max(scale, 0.5);
    update();
}

QString SocketMapView::socketName(const SocketMapNode &node, const Layout &layout)
{
    return layout.shortNames ? tr("#%1").arg(node.id) : tr("#%1 socket").arg(node.id);
}

QSize SocketMapView::sizeHint() const
{
    const int line = fontMetrics().height();
    return QSize(line * 24, line * 22);
}

QSize SocketMapView::minimumSizeHint() const
{
    const int line = fontMetrics().height();
    return QSize(line * 10, line * 8);
}

quint64 SocketMapView::pulseKey(const SocketMapNode &node)
{
    return (quint64(node.kind) << 32) | quint32(node.id);
}

void SocketMapView::startPulse(int nodeIndex, bool outgoing)
{
    // A hidden map (another tab) animates nothing: the next paint shows the state anyway.
    if (!m_model || !isVisible())
        return;
    m_pulses.insert(pulseKey(m_model->nodeAt(nodeIndex)), Pulse{m_clock.elapsed(), outgoing});
    if (!m_pulseTimer.isActive())
        m_pulseTimer.start();
    update();
}

void SocketMapView::advancePulses()
{
    const qint64 now = m_clock.elapsed();
    for (auto it = m_pulses.begin(); it != m_pulses.end();) {
        if (now - it->startMs >= PulseDurationMs)
            it = m_pulses.erase(it);
        else
            ++it;
    }
    // Stopping here is what keeps an idle map free of timer work.
    if (m_pulses.isEmpty())
        m_pulseTimer.stop();
    update();
}

void SocketMapView::paintHint(QPainter &painter)
{
    painter.setPen(palette().color(QPalette::PlaceholderText));
    painter.drawText(rect().adjusted(8, 8, -8, -8),
                     Qt::AlignCenter | Qt::TextWordWrap,
                     tr("No sockets yet. Listen, connect or bind, and each socket appears "
                        "here with a line to its peer."));
}

SocketMapView::Layout SocketMapView::computeLayout() const
{
    Layout layout;
    if (!m_model || (!m_model->hasListener() && m_model->nodeCount() == 0))
        return layout;
    const QFont baseFont = font();
    const QFontMetricsF metrics(baseFont);
    // Every size follows the font, so presentation mode's larger font scales the picture.
    const qreal line = metrics.height();
    layout.line = line;
    layout.margin = line * 0.6;
    layout.padding = line * 0.4;
    const qreal margin = layout.margin;
    const qreal padding = layout.padding;
    const bool udp = m_model->kind() == SessionKind::Udp;
    layout.udp = udp;

    // The listening (or bound UDP) socket on top; below it, one row per socket, drawn as a
    // tree from it: the lesson's "accept() returns a new socket per connection".
    qreal rowsTop = margin;
    if (m_model->hasListener()) {
        layout.listenerTitle = udp ? tr("UDP socket") : tr("listening socket");
        if (!m_model->isListening())
            layout.listenerDetail = udp ? tr("closed") : tr("closed: accepts no more");
        else if (!udp)
            layout.listenerDetail = tr("%n waiting in the backlog", nullptr, m_model->waiting());
        QFont bold = baseFont;
        bold.setBold(true);
        const qreal width = std::max({QFontMetricsF(bold).horizontalAdvance(layout.listenerTitle),
                                      metrics.horizontalAdvance(m_model->listenerAddress()),
                                      metrics.horizontalAdvance(layout.listenerDetail)})
                            + padding * 2;
        const qreal height = line * (layout.listenerDetail.isEmpty() ? 2 : 3) + padding * 2;
        layout.listener = QRectF(margin, margin, width, height);
        rowsTop = layout.listener.bottom() + line * 0.8;
    }
    const qreal available = height() - rowsTop - margin;

    // Rows shrink with the number of sockets: two text lines, then one, then a smaller
    // font; what still does not fit is summed up as "+N more" (the oldest).
    const int count = m_model->nodeCount();
    const qreal fullRow = line * 2 + padding * 3;
    const qreal compactRow = line + padding * 1.5;
    // Below about 70 % of the font, a projected label cannot be read: summing up is better.
    const qreal smallestRow = line * 0.8;
    layout.twoLines = true;
    qreal rowHeight = fullRow;
    int shown = count;
    if (count * fullRow > available) {
        layout.twoLines = false;
        rowHeight = std::max(smallestRow, std::min(compactRow, available / std::max(count, 1)));
        if (count * rowHeight > available)
            shown = std::max(0, int((available - rowHeight) / rowHeight));
    }
    layout.hidden = count - shown;
    layout.rowFont = baseFont;
    if (!layout.twoLines && rowHeight < compactRow)
        layout.rowFont.setPointSizeF(baseFont.pointSizeF() * std::min(1.0, (rowHeight - 2) / line));

    // The tree's trunk runs down from the listening socket; a client has none.
    const qreal trunkX = layout.listener.isNull() ? margin : margin + line;
    layout.trunkX = trunkX;
    const qreal socketX = layout.listener.isNull() ? margin : trunkX + line;

    // Box widths from the widest text shown, in a font made smaller when a narrow panel
    // (or presentation mode's big font) would push the peers out of sight. A UDP socket
    // has no socket per peer: its lines start at the trunk.
    const qreal minimumLine = line * 2;
    qreal socketWidth = 0;
    qreal localWidth = 0;
    qreal countsWidth = 0;
    qreal peerWidth = 0;
    const qreal smallestFont = layout.rowFont.pointSizeF() * 0.6;
    for (int attempt = 0; attempt < 6; ++attempt) {
        const QFontMetricsF rowMetrics(layout.rowFont);
        QFont small = layout.rowFont;
        small.setPointSizeF(layout.rowFont.pointSizeF() * SmallTextScale);
        const QFontMetricsF smallMetrics(small);
        socketWidth = 0;
        localWidth = 0;
        countsWidth = 0;
        peerWidth = rowMetrics.horizontalAdvance(udp ? tr("datagrams only")
                                                     : tr("peer finished sending"));
        for (int i = layout.hidden; i < count; ++i) {
            const SocketMapNode &node = m_model->nodeAt(i);
            socketWidth = std::max(socketWidth,
                                   rowMetrics.horizontalAdvance(socketName(node, layout)));
            localWidth = std::max(localWidth, rowMetrics.horizontalAdvance(node.local));
            if (layout.twoLines)
                countsWidth = std::max(countsWidth,
                                       smallMetrics.horizontalAdvance(byteCountsText(node)));
            peerWidth = std::max(peerWidth, rowMetrics.horizontalAdvance(node.peer));
        }
        socketWidth = udp ? 0 : socketWidth + padding * 2;
        peerWidth += padding * 2;
        const qreal needed = socketX + socketWidth + minimumLine + peerWidth + margin;
        if (needed <= width())
            break;
        if (layout.rowFont.pointSizeF() <= smallestFont) {
            // Still too narrow at the smallest readable size: "#1" instead of "#1 socket".
            if (layout.shortNames)
                break;
            layout.shortNames = true;
            continue;
        }
        const qreal room = width() - socketX - minimumLine - margin;
        const qreal factor = std::clamp(room / (socketWidth + peerWidth), 0.5, 0.95);
        layout.rowFont.setPointSizeF(std::max(smallestFont, layout.rowFont.pointSizeF() * factor));
    }
    // The accepted sockets' own address (the server's ip:port, the same for all of them)
    // is shown when there is room; a narrow panel keeps the peers readable instead.
    layout.showLocal = layout.twoLines && !udp
                       && socketX + std::max(socketWidth, localWidth + padding * 2)
                                  + minimumLine * 1.5 + peerWidth + margin
                              <= width();
    if (layout.showLocal)
        socketWidth = std::max(socketWidth, localWidth + padding * 2);
    else if (!udp && layout.twoLines) {
        // The byte counts go under the socket's name, if the box can grow for them.
        const qreal withCounts = std::max(socketWidth, countsWidth + padding * 2);
        layout.countsInBox = socketX + withCounts + minimumLine + peerWidth + margin <= width();
        if (layout.countsInBox)
            socketWidth = withCounts;
    }

    // Peers on the right, but not so far that a pulse takes ages to cross a wide window.
    const qreal socketRight = udp ? trunkX : socketX + socketWidth;
    const qreal peerX = std::min(width() - margin - peerWidth, socketRight + line * 18);
    const qreal boxHeight = rowHeight
                            - (layout.twoLines ? padding : std::max(1.0, rowHeight * 0.15));
    layout.rowHeight = rowHeight;
    layout.rowsTop = rowsTop;
    layout.rows.reserve(size_t(shown));
    for (int row = 0; row < shown; ++row) {
        // "+N more" takes the first row: the hidden ones are the oldest, above the rest.
        const qreal y = rowsTop + (layout.hidden > 0 ? row + 1 : row) * rowHeight;
        Layout::Row each;
        each.node = layout.hidden + row;
        each.socket = udp ? QRectF(trunkX, y, 0, boxHeight)
                          : QRectF(socketX, y, socketWidth, boxHeight);
        each.peer = QRectF(std::max(peerX, socketRight + line), y, peerWidth, boxHeight);
        layout.rows.push_back(each);
    }
    return layout;
}

QRectF SocketMapView::listenerRect() const
{
    return computeLayout().listener;
}

QRectF SocketMapView::socketRect(int nodeIndex) const
{
    const Layout layout = computeLayout();
    for (const Layout::Row &row : layout.rows) {
        if (row.node == nodeIndex)
            return row.socket;
    }
    return {};
}

QRectF SocketMapView::peerRect(int nodeIndex) const
{
    const Layout layout = computeLayout();
    for (const Layout::Row &row : layout.rows) {
        if (row.node == nodeIndex)
            return row.peer;
    }
    return {};
}

void SocketMapView::paintEvent(QPaintEvent *event)
{
    QPainter painter(this);
    painter.fillRect(event->rect(), palette().color(QPalette::Base));
    const Layout layout = computeLayout();
    if (layout.line <= 0) {
        paintHint(painter);
        return;
    }
    painter.setRenderHint(QPainter::Antialiasing);

    const QColor textColor = palette().color(QPalette::Text);
    const QColor endedColor = palette().color(QPalette::Disabled, QPalette::Text);
    const QColor boxColor = palette().color(QPalette::AlternateBase);
    const QFont baseFont = font();
    const qreal line = layout.line;
    const qreal padding = layout.padding;
    const qreal lineWidth = std::max(1.0, line / 14.0) * m_lineWidthScale;
    const bool udp = layout.udp;
    const qint64 now = m_clock.elapsed();
    const qreal arrowSize = line * 0.45 * std::sqrt(m_lineWidthScale);
    const QRectF &listener = layout.listener;

    // The trunk: accept() made each socket from the listening one (dotted: it is where
    // they came from, not a connection); for UDP every datagram goes through the one socket.
    if (!listener.isNull() && !layout.rows.empty()) {
        const qreal bottom = layout.rows.back().socket.center().y();
        painter.setPen(QPen(udp ? textColor : endedColor,
                            udp ? lineWidth : lineWidth * 0.6,
                            udp ? Qt::SolidLine : Qt::DotLine));
        painter.drawLine(QPointF(layout.trunkX, listener.bottom()), QPointF(layout.trunkX, bottom));
    }

    painter.setFont(layout.rowFont);
    for (const Layout::Row &row : layout.rows) {
        const SocketMapNode &node = m_model->nodeAt(row.node);
        const bool ended = isEnded(node.state);
        const QColor color = ended ? endedColor : textColor;
        const QRectF &socketBox = row.socket;
        const QRectF &peerBox = row.peer;
        const qreal centerY = socketBox.center().y();

        if (!listener.isNull() && !udp) {
            painter.setPen(QPen(endedColor, lineWidth * 0.6, Qt::DotLine));
            painter.drawLine(QPointF(layout.trunkX, centerY), QPointF(socketBox.left(), centerY));
        }

        const QPointF lineStart(socketBox.right(), centerY);
        const QPointF lineEnd(peerBox.left(), centerY);
        const auto pulse = m_pulses.constFind(pulseKey(node));
        const bool pulsing = pulse != m_pulses.constEnd();
        const QColor pulseColor = pulsing && pulse->outgoing ? SentColor : ReceivedColor;
        painter.setPen(
            QPen(pulsing ? pulseColor : color,
                 pulsing ? lineWidth * 2 : lineWidth,
                 node.state == SocketMapNode::State::PeerFinished ? Qt::DashLine : Qt::SolidLine));
        painter.drawLine(lineStart, lineEnd);

        if (pulsing) {
            const qreal t = std::clamp(qreal(now - pulse->startMs) / PulseDurationMs, 0.0, 1.0);
            const QPointF from = pulse->outgoing ? lineStart : lineEnd;
            const QPointF to = pulse->outgoing ? lineEnd : lineStart;
            const QPointF delta = to - from;
            const qreal length = std::hypot(delta.x(), delta.y());
            const qreal head = std::min(arrowSize * 1.6, socketBox.height());
            if (length > head * 2) {
                const QPointF direction = delta / length;
                const QPointF tip = from + direction * (head + t * (length - head));
                drawArrowhead(painter, tip, direction, head, pulseColor, ArrowWidth);
            }
        }

        // Byte counts with arrows, so the direction reads without colour and without
        // motion: above the line when the socket box shows its address, else in the box.
        const QString counts = layout.twoLines ? byteCountsText(node) : QString();
        QFont small = layout.rowFont;
        small.setPointSizeF(layout.rowFont.pointSizeF() * SmallTextScale);
        if (!counts.isEmpty() && (layout.showLocal || udp)) {
            painter.setFont(small);
            painter.setPen(endedColor);
            const QRectF label(lineStart.x() + padding,
                               socketBox.top(),
                               lineEnd.x() - lineStart.x() - padding * 2,
                               centerY - socketBox.top() - lineWidth);
            painter.drawText(label,
                             Qt::AlignHCenter | Qt::AlignBottom,
                             QFontMetricsF(small).elidedText(counts, Qt::ElideRight, label.width()));
            painter.setFont(layout.rowFont);
        }

        // Thick borders would fill a small box: presentation mode thickens lines, not boxes.
        const qreal borderWidth = std::min(lineWidth, std::max(1.0, socketBox.height() / 10));
        painter.setPen(QPen(color, borderWidth));
        painter.setBrush(boxColor);
        const qreal radius = std::min(padding, socketBox.height() / 4);
        if (!udp)
            painter.drawRoundedRect(socketBox, radius, radius);
        if (node.state == SocketMapNode::State::Reset)
            painter.setPen(QPen(ResetColor, borderWidth * 1.5));
        painter.drawRoundedRect(peerBox, radius, radius);
        painter.setBrush(Qt::NoBrush);

        painter.setPen(color);
        const QRectF socketText = socketBox.adjusted(padding, 0, -padding, 0);
        const QRectF peerText = peerBox.adjusted(padding, 0, -padding, 0);
        const QString name = socketName(node, layout);
        if (layout.twoLines) {
            const qreal half = socketBox.height() / 2;
            if (!udp) {
                const bool secondLine = layout.showLocal
                                        || (layout.countsInBox && !counts.isEmpty());
                painter.drawText(secondLine ? socketText.adjusted(0, 0, 0, -half) : socketText,
                                 Qt::AlignLeft | (secondLine ? Qt::AlignBottom : Qt::AlignVCenter),
                                 name);
                if (layout.showLocal) {
                    painter.setPen(endedColor);
                    painter.drawText(socketText.adjusted(0, half, 0, 0),
                                     Qt::AlignLeft | Qt::AlignTop,
                                     node.local);
                    painter.setPen(color);
                } else if (layout.countsInBox && !counts.isEmpty()) {
                    painter.setFont(small);
                    painter.setPen(endedColor);
                    painter.drawText(socketText.adjusted(0, half, 0, 0),
                                     Qt::AlignLeft | Qt::AlignTop,
                                     counts);
                    painter.setFont(layout.rowFont);
                    painter.setPen(color);
                }
            }
            painter.drawText(peerText.adjusted(0, 0, 0, -half),
                             Qt::AlignLeft | Qt::AlignBottom,
                             node.peer);
            painter.setPen(node.state == SocketMapNode::State::Reset ? ResetColor : endedColor);
            painter.drawText(peerText.adjusted(0, half, 0, 0),
                             Qt::AlignLeft | Qt::AlignTop,
                             node.kind == SocketMapNode::Kind::Datagram && !ended
                                 ? tr("datagrams only")
                                 : stateText(node.state));
        } else {
            if (!udp)
                painter.drawText(socketText, Qt::AlignLeft | Qt::AlignVCenter, name);
            painter.drawText(peerText, Qt::AlignLeft | Qt::AlignVCenter, node.peer);
        }

        // A reset is marked where it came in, not by colour alone: a cross on the line's end.
        if (node.state == SocketMapNode::State::Reset) {
            const qreal cross = std::min(arrowSize, socketBox.height() / 3);
            const QPointF at = lineEnd - QPointF(cross * 2, 0);
            painter.setPen(QPen(ResetColor, lineWidth * 2));
            painter.drawLine(at + QPointF(-cross, -cross), at + QPointF(cross, cross));
            painter.drawLine(at + QPointF(-cross, cross), at + QPointF(cross, -cross));
        }
    }

    if (layout.hidden > 0) {
        painter.setPen(endedColor);
        const qreal x = layout.trunkX + line;
        painter.drawText(QRectF(x, layout.rowsTop, width() - x - layout.margin, layout.rowHeight),
                         Qt::AlignLeft | Qt::AlignVCenter,
                         tr("+%n more (older)", nullptr, layout.hidden));
    }
    painter.setFont(baseFont);

    if (!listener.isNull()) {
        const bool open = m_model->isListening();
        painter.setPen(QPen(open ? textColor : endedColor, lineWidth * 1.5));
        painter.setBrush(boxColor);
        painter.drawRoundedRect(listener, padding, padding);
        painter.setBrush(Qt::NoBrush);
        painter.setPen(open ? textColor : endedColor);
        const QRectF text = listener.adjusted(padding, padding, -padding, -padding);
        QFont bold = baseFont;
        bold.setBold(true);
        painter.setFont(bold);
        painter.drawText(QRectF(text.left(), text.top(), text.width(), line),
                         Qt::AlignLeft | Qt::AlignVCenter,
                         layout.listenerTitle);
        painter.setFont(baseFont);
        painter.drawText(QRectF(text.left(), text.top() + line, text.width(), line),
                         Qt::AlignLeft | Qt::AlignVCenter,
                         m_model->listenerAddress());
        if (!layout.listenerDetail.isEmpty()) {
            painter.setPen(endedColor);
            painter.drawText(QRectF(text.left(), text.top() + line * 2, text.width(), line),
                             Qt::AlignLeft | Qt::AlignVCenter,
                             layout.listenerDetail);
        }
    }
}

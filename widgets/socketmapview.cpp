#include "socketmapview.h"

#include "socketmapmodel.h"

#include <QPaintEvent>
#include <QPainter>
#include <QPainterPath>
#include <QStringList>

#include <algorithm>
#include <cmath>

namespace {

constexpr int FrameIntervalMs = 16;
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

bool isEnded(SocketMapNode::State state)
{
    return state == SocketMapNode::State::Closed || state == SocketMapNode::State::Reset;
}

// A filled arrowhead at tip, pointing along direction (a unit vector).
void drawArrowhead(QPainter &painter, QPointF tip, QPointF direction, qreal size, const QColor &color)
{
    const QPointF normal(-direction.y(), direction.x());
    const QPointF base = tip - direction * size;
    QPainterPath path;
    path.moveTo(tip);
    path.lineTo(base + normal * size * 0.6);
    path.lineTo(base - normal * size * 0.6);
    path.closeSubpath();
    painter.fillPath(path, color);
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

QSize SocketMapView::sizeHint() const
{
    const int line = fontMetrics().height();
    return QSize(line * 40, line * 22);
}

QSize SocketMapView::minimumSizeHint() const
{
    const int line = fontMetrics().height();
    return QSize(line * 20, line * 8);
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

void SocketMapView::paintEvent(QPaintEvent *event)
{
    QPainter painter(this);
    painter.fillRect(event->rect(), palette().color(QPalette::Base));
    if (!m_model || (!m_model->hasListener() && m_model->nodeCount() == 0)) {
        paintHint(painter);
        return;
    }
    painter.setRenderHint(QPainter::Antialiasing);

    const QColor textColor = palette().color(QPalette::Text);
    const QColor endedColor = palette().color(QPalette::Disabled, QPalette::Text);
    const QColor boxColor = palette().color(QPalette::AlternateBase);
    const QFont baseFont = font();
    const QFontMetricsF metrics(baseFont);
    // Every size follows the font, so presentation mode's larger font scales the picture.
    const qreal line = metrics.height();
    const qreal margin = line * 0.75;
    const qreal padding = line * 0.4;
    const qreal lineWidth = std::max(1.0, line / 14.0) * m_lineWidthScale;
    const bool udp = m_model->kind() == SessionKind::Udp;
    const bool client = m_model->kind() == SessionKind::TcpClient;

    // Column headings say what the columns are, which is the lesson.
    const qreal top = margin + line * 1.5;
    const qreal available = height() - top - margin;

    // Rows shrink with the number of nodes: two text lines, then one, then a smaller
    // font; what still does not fit is summed up as "+N more" (the oldest).
    const int count = m_model->nodeCount();
    const qreal fullRow = line * 2 + padding * 3;
    const qreal compactRow = line + padding * 1.5;
    // Below about 70 % of the font, a projected label cannot be read: summing up is better.
    const qreal smallestRow = line * 0.8;
    bool twoLines = true;
    qreal rowHeight = fullRow;
    int shown = count;
    if (count * fullRow > available) {
        twoLines = false;
        rowHeight = std::max(smallestRow, std::min(compactRow, available / std::max(count, 1)));
        if (count * rowHeight > available)
            shown = std::max(0, int((available - rowHeight) / rowHeight));
    }
    const int hidden = count - shown;
    QFont rowFont = baseFont;
    if (!twoLines && rowHeight < compactRow)
        rowFont.setPointSizeF(baseFont.pointSizeF() * std::min(1.0, (rowHeight - 2) / line));
    const QFontMetricsF rowMetrics(rowFont);

    // Column widths from the widest text shown.
    qreal socketWidth = 0;
    qreal peerWidth = rowMetrics.horizontalAdvance(udp ? tr("no connection: datagrams")
                                                       : tr("peer finished sending"))
                      + padding * 2;
    for (int i = count - shown; i < count; ++i) {
        const SocketMapNode &node = m_model->nodeAt(i);
        const QString socketText = twoLines ? node.local : tr("#%1 socket").arg(node.id);
        socketWidth = std::max(socketWidth, rowMetrics.horizontalAdvance(socketText));
        socketWidth = std::max(socketWidth,
                               rowMetrics.horizontalAdvance(tr("#%1 socket").arg(node.id)));
        peerWidth = std::max(peerWidth, rowMetrics.horizontalAdvance(node.peer) + padding * 2);
    }
    socketWidth += padding * 2;

    QString listenerTitle;
    QString listenerDetail;
    QRectF listenerBox;
    if (m_model->hasListener()) {
        listenerTitle = udp ? tr("UDP socket") : tr("listening socket");
        if (!m_model->isListening())
            listenerDetail = udp ? tr("closed") : tr("closed: accepts no more");
        else if (!udp)
            listenerDetail = tr("%n waiting in the backlog", nullptr, m_model->waiting());
        QFont bold = baseFont;
        bold.setBold(true);
        const qreal width = std::max({QFontMetricsF(bold).horizontalAdvance(listenerTitle),
                                      metrics.horizontalAdvance(m_model->listenerAddress()),
                                      metrics.horizontalAdvance(listenerDetail)})
                            + padding * 2;
        const qreal boxHeight = line * (listenerDetail.isEmpty() ? 2 : 3) + padding * 2;
        const qreal rowsHeight = std::max(shown * rowHeight, boxHeight);
        listenerBox = QRectF(margin, top + (rowsHeight - boxHeight) / 2, width, boxHeight);
    }

    const qreal peerX = width() - margin - peerWidth;
    qreal socketX = listenerBox.isNull() ? margin : listenerBox.right() + line * 2.5;
    // A UDP socket has no socket per peer: its lines start at the one bound socket.
    if (udp)
        socketWidth = 0;

    // Headings.
    painter.setFont(baseFont);
    painter.setPen(endedColor);
    const qreal headingY = margin + line;
    if (!udp && count > 0) {
        painter.drawText(QPointF(socketX, headingY),
                         client ? tr("client socket") : tr("accepted sockets (one each)"));
    }
    if (count > 0)
        painter.drawText(QPointF(peerX, headingY), tr("peer (ip:port)"));

    const qint64 now = m_clock.elapsed();
    const qreal arrowSize = line * 0.45 * std::sqrt(m_lineWidthScale);

    // Rows, newest at the bottom so a new connection appears where the eye expects it.
    painter.setFont(rowFont);
    const qreal boxHeight = rowHeight - (twoLines ? padding : std::max(1.0, rowHeight * 0.15));
    for (int row = 0; row < shown; ++row) {
        const SocketMapNode &node = m_model->nodeAt(hidden + row);
        const bool ended = isEnded(node.state);
        const QColor color = ended ? endedColor : textColor;
        // "+N more" takes the first row: the hidden ones are the oldest, above the rest.
        const qreal y = top + (hidden > 0 ? row + 1 : row) * rowHeight;
        const QRectF socketBox(socketX, y, socketWidth, boxHeight);
        const QRectF peerBox(peerX, y, peerWidth, boxHeight);
        const qreal centerY = socketBox.center().y();

        // accept() made this socket from the listening one.
        if (!listenerBox.isNull() && !udp) {
            QPen pen(endedColor, lineWidth * 0.6, Qt::DotLine);
            painter.setPen(pen);
            painter.drawLine(QPointF(listenerBox.right(), listenerBox.center().y()),
                             QPointF(socketBox.left(), centerY));
        }

        const QPointF lineStart = udp ? QPointF(listenerBox.right(), listenerBox.center().y())
                                      : QPointF(socketBox.right(), centerY);
        const QPointF lineEnd(peerBox.left(), centerY);
        const auto pulse = m_pulses.constFind(pulseKey(node));
        const bool pulsing = pulse != m_pulses.constEnd();
        const QColor pulseColor = pulsing && pulse->outgoing ? SentColor : ReceivedColor;
        QPen connectionPen(pulsing ? pulseColor : color,
                           pulsing ? lineWidth * 2 : lineWidth,
                           node.state == SocketMapNode::State::PeerFinished ? Qt::DashLine
                                                                            : Qt::SolidLine);
        painter.setPen(connectionPen);
        painter.drawLine(lineStart, lineEnd);

        if (pulsing) {
            const qreal t = std::clamp(qreal(now - pulse->startMs) / PulseDurationMs, 0.0, 1.0);
            const QPointF from = pulse->outgoing ? lineStart : lineEnd;
            const QPointF to = pulse->outgoing ? lineEnd : lineStart;
            const QPointF delta = to - from;
            const qreal length = std::hypot(delta.x(), delta.y());
            const qreal head = std::min(arrowSize * 1.6, boxHeight);
            if (length > head * 2) {
                const QPointF direction = delta / length;
                const QPointF tip = from + direction * (head + t * (length - head));
                drawArrowhead(painter, tip, direction, head, pulseColor);
            }
        }

        // Byte counts with arrows, so the direction reads without colour and without motion.
        if (twoLines && (node.bytesIn > 0 || node.bytesOut > 0)) {
            QStringList parts;
            if (node.bytesOut > 0)
                parts << tr("%1 B sent \u2192").arg(node.bytesOut);
            if (node.bytesIn > 0)
                parts << tr("\u2190 %1 B received").arg(node.bytesIn);
            QFont small = rowFont;
            small.setPointSizeF(rowFont.pointSizeF() * 0.85);
            painter.setFont(small);
            painter.setPen(endedColor);
            const qreal labelRight = lineEnd.x() - line;
            painter
                .drawText(QRectF(labelRight - line * 20, lineEnd.y() - line * 1.1, line * 20, line),
                          Qt::AlignRight | Qt::AlignBottom,
                          parts.join(QStringLiteral("   ")));
            painter.setFont(rowFont);
        }

        // Boxes.
        // Thick borders would fill a small box: presentation mode thickens lines, not boxes.
        const qreal borderWidth = std::min(lineWidth, std::max(1.0, boxHeight / 10));
        painter.setPen(QPen(color, borderWidth));
        painter.setBrush(boxColor);
        const qreal radius = std::min(padding, boxHeight / 4);
        if (!udp)
            painter.drawRoundedRect(socketBox, radius, radius);
        if (node.state == SocketMapNode::State::Reset)
            painter.setPen(QPen(ResetColor, borderWidth * 1.5));
        painter.drawRoundedRect(peerBox, radius, radius);
        painter.setBrush(Qt::NoBrush);

        painter.setPen(color);
        const QRectF socketText = socketBox.adjusted(padding, 0, -padding, 0);
        const QRectF peerText = peerBox.adjusted(padding, 0, -padding, 0);
        if (twoLines) {
            const qreal half = boxHeight / 2;
            if (!udp) {
                painter.drawText(socketText.adjusted(0, 0, 0, -half),
                                 Qt::AlignLeft | Qt::AlignBottom,
                                 tr("#%1 socket").arg(node.id));
                painter.drawText(socketText.adjusted(0, half, 0, 0),
                                 Qt::AlignLeft | Qt::AlignTop,
                                 node.local);
            }
            painter.drawText(peerText.adjusted(0, 0, 0, -half),
                             Qt::AlignLeft | Qt::AlignBottom,
                             node.peer);
            painter.setPen(node.state == SocketMapNode::State::Reset ? ResetColor : endedColor);
            painter.drawText(peerText.adjusted(0, half, 0, 0),
                             Qt::AlignLeft | Qt::AlignTop,
                             node.kind == SocketMapNode::Kind::Datagram && !ended
                                 ? tr("no connection: datagrams")
                                 : stateText(node.state));
        } else {
            if (!udp) {
                painter.drawText(socketText,
                                 Qt::AlignLeft | Qt::AlignVCenter,
                                 tr("#%1 socket").arg(node.id));
            }
            painter.drawText(peerText, Qt::AlignLeft | Qt::AlignVCenter, node.peer);
        }

        // A reset is marked where it came in, not by colour alone: a cross on the line's end.
        if (node.state == SocketMapNode::State::Reset) {
            const qreal cross = std::min(arrowSize, boxHeight / 3);
            const QPointF at = lineEnd - QPointF(cross * 2, 0);
            painter.setPen(QPen(ResetColor, lineWidth * 2));
            painter.drawLine(at + QPointF(-cross, -cross), at + QPointF(cross, cross));
            painter.drawLine(at + QPointF(-cross, cross), at + QPointF(cross, -cross));
        }
    }

    if (hidden > 0) {
        painter.setPen(endedColor);
        const qreal y = top;
        painter.drawText(QRectF(udp ? peerX : socketX, y, width() - socketX - margin, rowHeight),
                         Qt::AlignLeft | Qt::AlignVCenter,
                         tr("+%n more (older)", nullptr, hidden));
    }
    painter.setFont(baseFont);

    if (!listenerBox.isNull()) {
        const bool open = m_model->isListening();
        painter.setPen(QPen(open ? textColor : endedColor, lineWidth * 1.5));
        painter.setBrush(boxColor);
        painter.drawRoundedRect(listenerBox, padding, padding);
        painter.setBrush(Qt::NoBrush);
        painter.setPen(open ? textColor : endedColor);
        const QRectF text = listenerBox.adjusted(padding, padding, -padding, -padding);
        QFont bold = baseFont;
        bold.setBold(true);
        painter.setFont(bold);
        painter.drawText(QRectF(text.left(), text.top(), text.width(), line),
                         Qt::AlignLeft | Qt::AlignVCenter,
                         listenerTitle);
        painter.setFont(baseFont);
        painter.drawText(QRectF(text.left(), text.top() + line, text.width(), line),
                         Qt::AlignLeft | Qt::AlignVCenter,
                         m_model->listenerAddress());
        if (!listenerDetail.isEmpty()) {
            painter.setPen(endedColor);
            painter.drawText(QRectF(text.left(), text.top() + line * 2, text.width(), line),
                             Qt::AlignLeft | Qt::AlignVCenter,
                             listenerDetail);
        }
    }
}

#include "timelineview.h"

#include "arrowhead.h"
#include "countlabel.h"
#include "trafficlogdelegate.h"

#include <QAbstractScrollArea>
#include <QComboBox>
#include <QDateTime>
#include <QHBoxLayout>
#include <QHelpEvent>
#include <QLabel>
#include <QLocale>
#include <QPaintEvent>
#include <QPainter>
#include <QPainterPath>
#include <QScrollBar>
#include <QToolTip>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>

namespace {

// Half the arrowheads' base, in lengths of the head.
constexpr qreal ArrowWidth = 0.55;

QString bytesText(qint64 bytes)
{
    if (bytes == 1)
        return TimelineView::tr("1 byte");
    return TimelineView::tr("%1 bytes").arg(QLocale().toString(bytes));
}

// The font at factor times its size, whether it was set in points or in pixels.
QFont scaledFont(const QFont &font, qreal factor)
{
    QFont result = font;
    if (font.pointSizeF() > 0)
        result.setPointSizeF(font.pointSizeF() * factor);
    else
        result.setPixelSize(std::max(1, qRound(font.pixelSize() * factor)));
    return result;
}

// "+0.204 s": time since the connection's first step, as precise as fits.
QString relativeTime(qint64 msecs)
{
    const double seconds = std::max<qint64>(0, msecs) / 1000.0;
    const int decimals = seconds < 10 ? 3 : seconds < 100 ? 2 : seconds < 1000 ? 1 : 0;
    return QLatin1Char('+') + QString::number(seconds, 'f', decimals) + QStringLiteral(" s");
}

bool isData(const TimelineEntry &entry)
{
    return entry.kind == TimelineEntry::Kind::Sent || entry.kind == TimelineEntry::Kind::Received
           || entry.kind == TimelineEntry::Kind::Run;
}

} // namespace

// The painted part: lane titles on top (they stay while the rows scroll), one row per step
// below. Rows have one height, so the visible ones are found by arithmetic, never by
// walking the steps.
class TimelineDiagram : public QAbstractScrollArea
{
public:
    explicit TimelineDiagram(QWidget *parent)
        : QAbstractScrollArea(parent)
    {
        setFrameShape(QFrame::NoFrame);
        setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
        viewport()->setAttribute(Qt::WA_OpaquePaintEvent);
        viewport()->setBackgroundRole(QPalette::Base);
        connect(verticalScrollBar(), &QScrollBar::valueChanged, this, [this](int value) {
            if (!m_adjusting)
                m_following = value >= verticalScrollBar()->maximum();
            viewport()->update();
        });
    }

    void setSource(ConnectionTimeline *model, int key)
    {
        m_model = model;
        m_key = key;
        m_following = true;
        updateScrollRange();
        viewport()->update();
    }

    void entriesChanged()
    {
        updateScrollRange();
        viewport()->update();
    }

    int rowCount() const { return hasTimeline() ? m_model->entryCount(m_key) : 0; }

    bool hasTimeline() const { return m_model && m_key >= 0 && m_model->hasConnection(m_key); }

    QString hintText() const
    {
        if (hasTimeline())
            return QString();
        if (!m_model || m_model->connectionCount() == 0) {
            if (m_model && m_model->kind() == SessionKind::Udp) {
                return TimelineView::tr("No datagram yet. Each peer this socket sends to or "
                                        "receives from gets a timeline of its own.");
            }
            return TimelineView::tr("No connection yet. Once one is accepted or connected, its "
                                    "handshake, reads and sends appear here as arrows.");
        }
        return TimelineView::tr("Select a connection to see its timeline.");
    }

    bool isFollowingEnd() const { return m_following; }

    qreal lineWidthScale() const { return m_lineWidthScale; }
    void setLineWidthScale(qreal scale)
    {
        m_lineWidthScale = scale;
        viewport()->update();
    }
    bool highContrast() const { return m_highContrast; }
    void setHighContrast(bool on)
    {
        m_highContrast = on;
        viewport()->update();
    }

    QSize sizeHint() const override
    {
        const int line = fontMetrics().height();
        return QSize(line * 30, line * 24);
    }

    QSize minimumSizeHint() const override
    {
        const int line = fontMetrics().height();
        return QSize(line * 16, line * 8);
    }

protected:
    void paintEvent(QPaintEvent *event) override;

    void resizeEvent(QResizeEvent *event) override
    {
        QAbstractScrollArea::resizeEvent(event);
        updateScrollRange();
    }

    void changeEvent(QEvent *event) override
    {
        QAbstractScrollArea::changeEvent(event);
        // Presentation mode's zoom arrives as a larger font: every size follows it.
        if (event->type() == QEvent::FontChange) {
            updateGeometry();
            updateScrollRange();
            viewport()->update();
        }
    }

    bool viewportEvent(QEvent *event) override
    {
        if (event->type() == QEvent::ToolTip) {
            showToolTip(static_cast<QHelpEvent *>(event));
            return true;
        }
        return QAbstractScrollArea::viewportEvent(event);
    }

private:
    // Every size follows the font, so presentation mode's larger font scales the picture.
    struct Geometry
    {
        qreal line = 0;
        qreal margin = 0;
        int rowHeight = 0;
        int headerHeight = 0;
        qreal timeWidth = 0;
        qreal appX = 0;
        qreal peerX = 0;
        qreal lineWidth = 1;
        qreal arrowSize = 0;
    };

    struct Colors
    {
        QColor text;
        QColor muted;
        QColor sent;
        QColor received;
        QColor error;
    };

    Geometry geometry() const
    {
        const QFontMetricsF metrics(font());
        Geometry g;
        g.line = metrics.height();
        g.margin = g.line * 0.6;
        g.rowHeight = qRound(g.line * 2.1);
        g.headerHeight = qRound(g.line * 3.0);
        const QFont small = scaledFont(font(), 0.85);
        g.timeWidth = QFontMetricsF(small).horizontalAdvance(QStringLiteral("+00.000 s"));
        g.appX = g.margin + g.timeWidth + g.line * 1.2;
        g.peerX = viewport()->width() - g.margin - g.line * 1.2;
        g.lineWidth = std::max(1.0, g.line / 14.0) * m_lineWidthScale;
        g.arrowSize = g.line * 0.5 * std::sqrt(m_lineWidthScale);
        return g;
    }

    Colors colors() const
    {
        const QPalette &pal = palette();
        Colors c;
        c.text = pal.color(QPalette::Text);
        // What the OS did is told by dashes and words; in presentation mode it keeps the full
        // colour, for a washed-out projector.
        c.muted = m_highContrast ? c.text : pal.color(QPalette::PlaceholderText);
        c.sent = TrafficLogDelegate::colorFor(EventType::Sent, pal, m_highContrast);
        c.received = TrafficLogDelegate::colorFor(EventType::Received, pal, m_highContrast);
        c.error = TrafficLogDelegate::colorFor(EventType::Error, pal, m_highContrast);
        return c;
    }

    void updateScrollRange()
    {
        const Geometry g = geometry();
        const int content = rowCount() * g.rowHeight + qRound(g.line);
        const int visible = std::max(0, viewport()->height() - g.headerHeight);
        QScrollBar *bar = verticalScrollBar();
        m_adjusting = true;
        bar->setRange(0, std::max(0, content - visible));
        bar->setPageStep(std::max(1, visible));
        bar->setSingleStep(std::max(1, g.rowHeight / 2));
        if (m_following)
            bar->setValue(bar->maximum());
        m_adjusting = false;
    }

    int rowAt(int y) const
    {
        const Geometry g = geometry();
        if (y < g.headerHeight)
            return -1;
        const int row = (y - g.headerHeight + verticalScrollBar()->value()) / g.rowHeight;
        return row < rowCount() ? row : -1;
    }

    void showToolTip(QHelpEvent *event)
    {
        QString text;
        if (hasTimeline()) {
            const int row = rowAt(event->pos().y());
            if (row >= 0) {
                text = TimelineView::entryToolTip(m_model->entryAt(m_key, row), m_model->kind());
            } else if (event->pos().y() < geometry().headerHeight) {
                text = TimelineView::tr("Each lane is one end of the connection: on the left "
                                        "this app's socket, on the right the peer's. Time runs "
                                        "down; every arrow is what travelled between them.");
            }
        }
        if (text.isEmpty()) {
            QToolTip::hideText();
            event->ignore();
            return;
        }
        QToolTip::showText(event->globalPos(), TrafficLogDelegate::plainToolTip(text), viewport());
    }

    void paintHint(QPainter &painter)
    {
        painter.setPen(palette().color(QPalette::PlaceholderText));
        painter.drawText(viewport()->rect().adjusted(12, 12, -12, -12),
                         Qt::AlignCenter | Qt::TextWordWrap,
                         hintText());
    }

    void paintHeader(QPainter &painter, const Geometry &g, const Colors &c);
    void paintRow(QPainter &painter,
                  const Geometry &g,
                  const Colors &c,
                  const TimelineEntry &entry,
                  qreal top,
                  qint64 start);

    QPointer<ConnectionTimeline> m_model;
    int m_key = -1;
    bool m_following = true;
    bool m_adjusting = false;
    qreal m_lineWidthScale = 1.0;
    bool m_highContrast = false;
};

void TimelineDiagram::paintEvent(QPaintEvent *event)
{
    QPainter painter(viewport());
    painter.fillRect(event->rect(), palette().color(QPalette::Base));
    if (!hasTimeline()) {
        paintHint(painter);
        return;
    }
    painter.setRenderHint(QPainter::Antialiasing);
    const Geometry g = geometry();
    const Colors c = colors();
    const int rows = rowCount();
    const int scroll = verticalScrollBar()->value();
    const int height = viewport()->height();
    const bool open = m_model->connection(m_key).open;

    // Lifelines: to the bottom while the connection is open, to its last row once over.
    const qreal rowsEnd = g.headerHeight + rows * g.rowHeight - scroll;
    const qreal lifelineEnd = open ? height : std::min<qreal>(height, rowsEnd + g.line * 0.3);
    painter.setPen(QPen(c.muted, g.lineWidth * 1.5));
    for (const qreal x : {g.appX, g.peerX})
        painter.drawLine(QPointF(x, g.headerHeight), QPointF(x, lifelineEnd));
    if (!open && lifelineEnd < height) {
        // The end of a lane, as sequence diagrams draw a destroyed object.
        painter.setPen(QPen(c.text, g.lineWidth * 2));
        for (const qreal x : {g.appX, g.peerX}) {
            painter.drawLine(QPointF(x - g.line * 0.5, lifelineEnd),
                             QPointF(x + g.line * 0.5, lifelineEnd));
        }
    }

    // Only the visible rows: a flood's thousands cost nothing here.
    const int first = std::max(0, scroll / g.rowHeight);
    const int last = std::min(rows - 1, (scroll + height - g.headerHeight) / g.rowHeight);
    const qint64 start = rows > 0 ? m_model->entryAt(m_key, 0).msecsSinceEpoch : 0;
    for (int row = first; row <= last; ++row) {
        const qreal top = g.headerHeight + row * g.rowHeight - scroll;
        paintRow(painter, g, c, m_model->entryAt(m_key, row), top, start);
    }
    paintHeader(painter, g, c);
}

void TimelineDiagram::paintHeader(QPainter &painter, const Geometry &g, const Colors &c)
{
    const qreal width = viewport()->width();
    painter.fillRect(QRectF(0, 0, width, g.headerHeight), palette().color(QPalette::Base));
    painter.setPen(QPen(c.muted, 1));
    painter.drawLine(QPointF(0, g.headerHeight - 0.5), QPointF(width, g.headerHeight - 0.5));

    const SessionKind kind = m_model->kind();
    QString appRole;
    QString peerRole;
    switch (kind) {
    case SessionKind::TcpServer:
        appRole = TimelineView::tr("server: the socket accept() returned");
        peerRole = TimelineView::tr("client");
        break;
    case SessionKind::TcpClient:
        appRole = TimelineView::tr("client: the socket that called connect()");
        peerRole = TimelineView::tr("server");
        break;
    case SessionKind::Udp:
        appRole = TimelineView::tr("UDP socket");
        peerRole = TimelineView::tr("no connection: datagrams");
        break;
    }

    QFont bold = font();
    bold.setBold(true);
    const QFont small = scaledFont(font(), 0.85);
    const qreal half = width / 2 - g.margin * 1.5;
    const QRectF appTitle(g.margin, g.line * 0.25, half, g.line);
    const QRectF peerTitle(width / 2 + g.margin * 0.5, g.line * 0.25, half, g.line);
    painter.setFont(bold);
    painter.setPen(c.text);
    const QFontMetricsF boldMetrics(bold);
    painter.drawText(appTitle,
                     Qt::AlignLeft | Qt::AlignVCenter,
                     boldMetrics.elidedText(m_model->appLaneTitle(m_key), Qt::ElideRight, half));
    painter.drawText(peerTitle,
                     Qt::AlignRight | Qt::AlignVCenter,
                     boldMetrics.elidedText(m_model->peerLaneTitle(m_key), Qt::ElideRight, half));
    painter.setFont(small);
    painter.setPen(c.muted);
    const QFontMetricsF smallMetrics(small);
    painter.drawText(appTitle.translated(0, g.line),
                     Qt::AlignLeft | Qt::AlignVCenter,
                     smallMetrics.elidedText(appRole, Qt::ElideRight, half));
    painter.drawText(peerTitle.translated(0, g.line),
                     Qt::AlignRight | Qt::AlignVCenter,
                     smallMetrics.elidedText(peerRole, Qt::ElideRight, half));
    painter.setFont(font());
    // Each lane hangs from its title.
    painter.setPen(Qt::NoPen);
    painter.setBrush(c.text);
    const qreal dot = g.line * 0.2 * std::sqrt(m_lineWidthScale);
    for (const qreal x : {g.appX, g.peerX})
        painter.drawEllipse(QPointF(x, g.headerHeight - dot), dot, dot);
    painter.setBrush(Qt::NoBrush);
}

void TimelineDiagram::paintRow(QPainter &painter,
                               const Geometry &g,
                               const Colors &c,
                               const TimelineEntry &entry,
                               qreal top,
                               qint64 start)
{
    using Kind = TimelineEntry::Kind;
    const QString text = TimelineView::entryText(entry, m_model->kind());
    const QFont small = scaledFont(font(), 0.85);

    // What the app saw has a time; what the OS did before accept() or connect() returned
    // has none the app could know.
    if (!entry.byOperatingSystem && entry.kind != Kind::Gap) {
        painter.setFont(small);
        painter.setPen(c.muted);
        painter.drawText(QRectF(g.margin, top, g.timeWidth, g.rowHeight),
                         Qt::AlignRight | Qt::AlignVCenter,
                         relativeTime(entry.msecsSinceEpoch - start));
    }

    if (entry.kind == Kind::Gap) {
        // A break in both lanes, and what it leaves out.
        painter.setPen(QPen(c.muted, g.lineWidth, Qt::DotLine));
        const qreal y = top + g.rowHeight / 2.0;
        painter.drawLine(QPointF(g.appX - g.line, y), QPointF(g.peerX + g.line, y));
        painter.fillRect(QRectF(g.appX + g.line, top, g.peerX - g.appX - g.line * 2, g.rowHeight),
                         palette().color(QPalette::Base));
        painter.setFont(font());
        painter.setPen(c.text);
        painter.drawText(QRectF(g.appX, top, g.peerX - g.appX, g.rowHeight),
                         Qt::AlignCenter,
                         QFontMetricsF(font()).elidedText(text,
                                                          Qt::ElideRight,
                                                          g.peerX - g.appX - g.line * 2));
        return;
    }

    QFont labelFont = font();
    if (entry.byOperatingSystem)
        labelFont.setItalic(true);
    const bool data = isData(entry);
    if (m_highContrast && (data || entry.kind == Kind::Reset))
        labelFont.setBold(true);
    const QFontMetricsF labelMetrics(labelFont);

    if (entry.direction == TimelineEntry::Direction::Local) {
        // A call that returned, or words: a mark on this app's lane, the text beside it.
        QColor color = c.text;
        if (entry.kind == Kind::Error)
            color = c.error;
        else if (entry.kind == Kind::Note || entry.kind == Kind::Closed)
            color = c.muted;
        const qreal y = top + g.rowHeight / 2.0;
        const qreal radius = g.line * 0.22 * std::sqrt(m_lineWidthScale);
        painter.setPen(Qt::NoPen);
        painter.setBrush(color);
        if (entry.kind == Kind::Error) {
            // A diamond, so an error differs from other marks without its colour.
            QPainterPath diamond;
            diamond.moveTo(g.appX, y - radius * 1.4);
            diamond.lineTo(g.appX + radius * 1.4, y);
            diamond.lineTo(g.appX, y + radius * 1.4);
            diamond.lineTo(g.appX - radius * 1.4, y);
            diamond.closeSubpath();
            painter.drawPath(diamond);
        } else {
            painter.drawEllipse(QPointF(g.appX, y), radius, radius);
        }
        painter.setBrush(Qt::NoBrush);
        if (entry.kind == Kind::Note || entry.kind == Kind::Closed)
            labelFont.setItalic(true);
        painter.setFont(labelFont);
        painter.setPen(color);
        const qreal left = g.appX + g.line * 0.7;
        const qreal available = viewport()->width() - g.margin - left;
        painter.drawText(QRectF(left, top, available, g.rowHeight),
                         Qt::AlignLeft | Qt::AlignVCenter,
                         QFontMetricsF(labelFont).elidedText(text, Qt::ElideRight, available));
        return;
    }

    const bool toPeer = entry.direction == TimelineEntry::Direction::AppToPeer;
    QColor color = c.text;
    if (data)
        color = toPeer ? c.sent : c.received;
    else if (entry.kind == Kind::Reset)
        color = c.error;
    else if (entry.byOperatingSystem)
        color = c.muted;
    qreal width = g.lineWidth * (data ? 1.5 : 1.2);
    if (entry.kind == Kind::Reset)
        width = g.lineWidth * 2.5;

    const qreal y = top + g.rowHeight * 0.7;
    const qreal from = toPeer ? g.appX : g.peerX;
    const qreal to = toPeer ? g.peerX : g.appX;
    const qreal sign = toPeer ? 1.0 : -1.0;
    const qreal head = g.arrowSize * (entry.kind == Kind::Reset ? 1.3 : 1.0);
    // The line stops where the head begins, so a thick line never pokes through its tip.
    const qreal lineEnd = to - sign * head * 0.8;
    QPen pen(color, width, entry.byOperatingSystem ? Qt::DashLine : Qt::SolidLine, Qt::FlatCap);
    painter.setPen(pen);
    if (entry.kind == Kind::Run) {
        // Many calls: a bundle of arrows, spreading below the label, one head for all.
        const qreal spread = g.line * 0.12 + width;
        for (const qreal offset : {-spread, spread}) {
            painter.drawLine(QPointF(from + sign * g.line * 0.4, y + spread + offset),
                             QPointF(lineEnd - sign * head * 0.3, y + spread + offset));
        }
        painter.drawLine(QPointF(from, y + spread), QPointF(lineEnd, y + spread));
        drawArrowhead(painter,
                      QPointF(to, y + spread),
                      QPointF(sign, 0),
                      head * 1.3,
                      color,
                      ArrowWidth);
    } else {
        painter.drawLine(QPointF(from, y), QPointF(lineEnd, y));
        drawArrowhead(painter, QPointF(to, y), QPointF(sign, 0), head, color, ArrowWidth);
    }
    if (entry.kind == Kind::Reset) {
        // A cross where the RST came from: the connection is torn down there.
        const qreal cross = g.line * 0.3;
        painter.setPen(QPen(color, width, Qt::SolidLine, Qt::RoundCap));
        const QPointF at(from + sign * g.line * 0.6, y);
        painter.drawLine(at + QPointF(-cross, -cross), at + QPointF(cross, cross));
        painter.drawLine(at + QPointF(-cross, cross), at + QPointF(cross, -cross));
    }

    // The words above the arrow, in the arrow's colour.
    const qreal left = std::min(from, to) + g.line * 0.5;
    const qreal available = std::abs(to - from) - g.line;
    painter.setFont(labelFont);
    painter.setPen(color);
    painter.drawText(QRectF(left, top + g.line * 0.1, available, g.line * 1.2),
                     Qt::AlignCenter,
                     labelMetrics.elidedText(text, Qt::ElideRight, available));
}

TimelineView::TimelineView(QWidget *parent)
    : QWidget(parent)
{
    auto *chooserLabel = new QLabel(tr("Connection:"), this);
    m_chooser = new QComboBox(this);
    m_chooser->setObjectName(QStringLiteral("timelineConnectionBox"));
    m_chooser->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    m_chooser->setToolTip(tr("Which connection to draw. Each accepted or connected socket has "
                             "a timeline of its own; for UDP, each peer address has one."));
    chooserLabel->setBuddy(m_chooser);
    m_droppedLabel = new CountLabel(this);
    m_droppedLabel->setObjectName(QStringLiteral("timelineDroppedLabel"));
    m_droppedLabel->hide();
    m_diagram = new TimelineDiagram(this);
    m_diagram->setObjectName(QStringLiteral("timelineDiagram"));

    // The one convention a reader needs before the first arrow; the rest is in tooltips.
    auto *legend = new QLabel(tr("Solid: what this app's calls sent or received. Dashed: what "
                                 "the operating systems did on their own."),
                              this);
    legend->setObjectName(QStringLiteral("timelineLegend"));
    legend->setWordWrap(true);
    legend->setForegroundRole(QPalette::PlaceholderText);

    auto *row = new QHBoxLayout;
    row->addWidget(chooserLabel);
    row->addWidget(m_chooser, 1);
    row->addWidget(m_droppedLabel);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addLayout(row);
    layout->addWidget(m_diagram, 1);
    layout->addWidget(legend);

    connect(m_chooser, &QComboBox::activated, this, [this](int index) {
        setConnection(m_chooser->itemData(index).toInt());
    });
}

TimelineView::~TimelineView() = default;

void TimelineView::setModel(ConnectionTimeline *model)
{
    // Again with nullptr is not a no-op: a deleted model has already nulled m_model.
    if (model && model == m_model)
        return;
    if (m_model)
        m_model->disconnect(this);
    m_model = model;
    m_key = -1;
    m_autoSelect = true;
    if (model) {
        connect(model, &ConnectionTimeline::connectionsChanged, this, &TimelineView::updateChooser);
        connect(model, &ConnectionTimeline::entriesChanged, this, [this](int key) {
            if (key == m_key)
                m_diagram->entriesChanged();
        });
        // A session's timeline goes with its tab: the view then shows its hint, not stale
        // connections.
        connect(model, &QObject::destroyed, this, [this] { setModel(nullptr); });
    }
    m_diagram->setSource(model, -1);
    updateChooser();
}

void TimelineView::setConnection(int key)
{
    if (key >= 0 && (!m_model || !m_model->hasConnection(key)))
        key = -1;
    if (key >= 0)
        m_autoSelect = false;
    m_chooser->setCurrentIndex(m_chooser->findData(key));
    if (key == m_key)
        return;
    m_key = key;
    m_diagram->setSource(m_model, key);
    emit currentConnectionChanged(key);
}

void TimelineView::setLineWidthScale(qreal scale)
{
    m_diagram->setLineWidthScale(std::max(scale, 0.5));
}

qreal TimelineView::lineWidthScale() const
{
    return m_diagram->lineWidthScale();
}

void TimelineView::setHighContrast(bool on)
{
    m_diagram->setHighContrast(on);
}

bool TimelineView::highContrast() const
{
    return m_diagram->highContrast();
}

QAbstractScrollArea *TimelineView::diagram() const
{
    return m_diagram;
}

int TimelineView::rowCount() const
{
    return m_diagram->rowCount();
}

bool TimelineView::isFollowingEnd() const
{
    return m_diagram->isFollowingEnd();
}

QString TimelineView::hintText() const
{
    return m_diagram->hintText();
}

void TimelineView::updateChooser()
{
    QList<TimelineConnection> connections;
    if (m_model)
        connections = m_model->connections();
    // Rebuilt only when a label changed, so an open list is not disturbed by traffic.
    QStringList labels;
    QList<int> keys;
    for (const TimelineConnection &connection : std::as_const(connections)) {
        labels << (connection.open ? connection.label : tr("%1 (closed)").arg(connection.label));
        keys << connection.key;
    }
    bool same = m_chooser->count() == labels.size();
    for (int i = 0; same && i < labels.size(); ++i)
        same = m_chooser->itemText(i) == labels[i] && m_chooser->itemData(i).toInt() == keys[i];
    if (!same) {
        const QSignalBlocker blocker(m_chooser);
        m_chooser->clear();
        for (int i = 0; i < labels.size(); ++i)
            m_chooser->addItem(labels[i], keys[i]);
    }
    m_chooser->setEnabled(!connections.isEmpty());
    m_chooser->setPlaceholderText(connections.isEmpty() ? tr("none yet") : tr("choose one"));
    updateDroppedLabel();

    if (connections.isEmpty())
        m_autoSelect = true;
    int key = m_key;
    if (key >= 0 && !keys.contains(key))
        key = -1; // dropped, or the model was cleared
    if (key < 0 && m_autoSelect && !keys.isEmpty())
        key = keys.first();
    setConnection(key);
}

void TimelineView::updateDroppedLabel()
{
    const qint64 dropped = m_model ? m_model->droppedConnections() : 0;
    m_droppedLabel->setVisible(dropped > 0);
    if (dropped > 0) {
        m_droppedLabel->setCountText(tr("%1 older not kept").arg(QLocale().toString(dropped)));
        m_droppedLabel->setToolTip(
            tr("Only the last %1 connections are kept, the oldest closed ones dropped first, so "
               "that a class connecting all day costs a fixed amount of memory.")
                .arg(m_model->maxConnections()));
    }
}

QString TimelineView::entryText(const TimelineEntry &entry, SessionKind kind)
{
    using Kind = TimelineEntry::Kind;
    const bool udp = kind == SessionKind::Udp;
    const bool client = kind == SessionKind::TcpClient;
    const QString arrow = QStringLiteral(" \u2192 ");
    const QString recvCall = (udp ? QStringLiteral("recvfrom(") : QStringLiteral("recv("))
                             + QString::number(entry.recvSize) + QLatin1Char(')');
    const QString sendCall = udp ? QStringLiteral("sendto()") : QStringLiteral("send()");
    switch (entry.kind) {
    case Kind::Syn:
        return client ? tr("SYN, by this OS for connect()") : tr("SYN, by the peer's OS");
    case Kind::SynAck:
        return client ? tr("SYN-ACK, by the server's OS") : tr("SYN-ACK, by this OS");
    case Kind::Ack:
        return client ? tr("ACK, by this OS: connected") : tr("ACK, by the peer's OS");
    case Kind::Connected:
        return tr("connect() returned: connected");
    case Kind::Accepted:
        return tr("accept() returned this connection's own socket");
    case Kind::Sent:
        return sendCall + arrow + bytesText(entry.bytes) + QStringLiteral("  ") + entry.preview();
    case Kind::Received:
        if (entry.truncatedFrom >= 0) {
            return recvCall + arrow
                   + tr("%1 of %2 (cut)")
                         .arg(QLocale().toString(entry.bytes), bytesText(entry.truncatedFrom))
                   + QStringLiteral("  ") + entry.preview();
        }
        return recvCall + arrow + bytesText(entry.bytes) + QStringLiteral("  ") + entry.preview();
    case Kind::Run:
        return QLocale().toString(entry.runCount) + QStringLiteral(" \u00d7 ")
               + (entry.direction == TimelineEntry::Direction::AppToPeer ? sendCall : recvCall)
               + arrow + tr("%1 in all").arg(bytesText(entry.bytes));
    case Kind::PeerFin:
        return tr("FIN: recv(%1) \u2192 b'', the peer finished sending").arg(entry.recvSize);
    case Kind::LocalFin:
        return entry.halfClose ? tr("FIN: shutdown(SHUT_WR), still reading") : tr("FIN: close()");
    case Kind::Reset:
        return entry.direction == TimelineEntry::Direction::AppToPeer
                   ? tr("RST: this app reset the connection")
                   : tr("RST, by the peer's OS: connection reset");
    case Kind::Gap:
        return tr("\u2026 %1 more steps not kept here (%2) \u2026")
            .arg(QLocale().toString(entry.runCount), bytesText(entry.bytes));
    case Kind::Error:
    case Kind::Note:
    case Kind::Closed:
        return entry.message;
    }
    return QString();
}

QString TimelineView::entryToolTip(const TimelineEntry &entry, SessionKind kind)
{
    using Kind = TimelineEntry::Kind;
    const bool udp = kind == SessionKind::Udp;
    QString text;
    switch (entry.kind) {
    case Kind::Syn:
    case Kind::SynAck:
    case Kind::Ack:
        text = tr("The three-way handshake (SYN, SYN-ACK, ACK) is done by the operating systems, "
                  "not by the app: connect() sends SYN and returns once the ACK is sent; the "
                  "server's OS completes the connection by itself and keeps it in the listen "
                  "backlog until accept() takes it. The app never sees these packets: they are "
                  "drawn here because connect() or accept() returned.");
        break;
    case Kind::Connected:
        text = tr("connect() returned: the handshake is done and the socket is connected. Its "
                  "local port was chosen by the OS.");
        break;
    case Kind::Accepted:
        text = tr("accept() took a completed connection from the backlog and returned a new "
                  "socket for it, with the peer's (ip, port). The listening socket keeps "
                  "listening for others.");
        break;
    case Kind::Sent:
        text = udp ? tr("One sendto(): one datagram, delivered whole or not at all. No "
                        "connection and no acknowledgement: nothing says it arrived.")
                   : tr("One send() call: these bytes went to the OS's send buffer. TCP delivers "
                        "them in order, but the peer's recv() may get them split or joined with "
                        "others: a byte stream keeps no message boundaries.");
        break;
    case Kind::Received:
        text = udp ? tr("One recvfrom(%1): one whole datagram and the address of its sender. A "
                        "datagram longer than %1 bytes is cut; the rest is lost.")
                         .arg(entry.recvSize)
                   : tr("One recv(%1) call returned these bytes: at most %1, as many as had "
                        "arrived. They may be part of one send() or several: TCP is a byte "
                        "stream.")
                         .arg(entry.recvSize);
        break;
    case Kind::Run:
        text = tr("%1 calls in a row, one row here so that a flood stays readable and cheap; the "
                  "first steps of a connection are always shown one by one.")
                   .arg(QLocale().toString(entry.runCount));
        break;
    case Kind::Gap:
        text = tr("Steps between the first and the last ones are not kept, so that a connection "
                  "that never stops costs a fixed amount of memory. The log and the record "
                  "keep every one.");
        break;
    case Kind::PeerFin:
        text = tr("The peer called close() or shutdown(SHUT_WR): its OS sent FIN. recv() "
                  "returns b'' from now on, the end of the lesson's `while True: data = "
                  "con.recv(1024); if not data: break` loop.");
        break;
    case Kind::LocalFin:
        text = entry.halfClose
                   ? tr("shutdown(SHUT_WR): the OS sends FIN after what is queued. This side "
                        "sends no more but still reads, until the peer closes too.")
                   : tr("close(): the OS sends FIN after what is queued, and this side neither "
                        "sends nor reads any more.");
        break;
    case Kind::Reset:
        text = entry.direction == TimelineEntry::Direction::AppToPeer
                   ? tr("RST ends a connection at once, bytes still queued are lost. This app "
                        "aborted it, or closed it with received bytes still unread: Linux then "
                        "sends RST instead of FIN.")
                   : tr("The peer's OS answered with RST: the peer aborted, crashed, or closed "
                        "with data still unread. The app learns of it when its next call fails "
                        "with \"connection reset\".");
        break;
    case Kind::Error:
    case Kind::Note:
    case Kind::Closed:
        text = entry.message;
        break;
    }
    if (entry.byOperatingSystem || entry.kind == Kind::Gap)
        return text;
    const QString time = QDateTime::fromMSecsSinceEpoch(entry.msecsSinceEpoch)
                             .toLocalTime()
                             .toString(QStringLiteral("hh:mm:ss.zzz"));
    if (entry.kind == Kind::Run) {
        const QString last = QDateTime::fromMSecsSinceEpoch(entry.lastMsecsSinceEpoch)
                                 .toLocalTime()
                                 .toString(QStringLiteral("hh:mm:ss.zzz"));
        return text + QLatin1Char('\n') + tr("From %1 to %2").arg(time, last);
    }
    return text + QLatin1Char('\n') + tr("At %1").arg(time);
}
